//! Exercise 2: the same work in child processes, which talk to the parent over pipes.
//!
//! Both ends of the conversation are here: [`serve`] is what the worker program runs in each
//! child (`src/bin/worker.rs` calls it), [`map_in_processes`] is what the parent runs. The
//! lines they exchange, and how to write and read them, are in [`crate::protocol`].

use std::io::{BufRead, Write};

use crate::child::{TaskFailed, Worker};
use crate::protocol::{Reply, WorkerError};
use crate::work::{AddTask, ZeroWorkers};

// ANCHOR: serve
/// The worker program's loop: reads one `add X Y SPIN` task per line from `input` until the
/// input ends, and answers each on `output` with one `sum S pid P ppid Q` line.
///
/// - Parse each line with `line.parse::<AddTask>()`; a line that is not a task stops the loop
///   with `Err(WorkerError::BadFrame { line, error })`, where `line` counts from 1.
/// - Compute the sum with [`AddTask::compute`]. The reply's `pid` is this process's id
///   (`std::process::id()`), its `parent_pid` this process's parent's
///   (`std::os::unix::process::parent_id()`): seed 004's `os.getpid()` and `os.getppid()`.
/// - Write each reply with `writeln!(output, "{reply}")`, and flush `output` at the end.
/// - An input with no lines is no error: nothing to do, nothing to write.
pub fn serve(input: impl BufRead, output: impl Write) -> Result<(), WorkerError> {
    let _ = (input, output);
    todo!("Exercise 2.2: read book/src/lesson2.md#processes")
}
// ANCHOR_END: serve

// ANCHOR: map_in_processes
/// Runs every task in a child process of its own, at most `processes` children at a time, and
/// returns one outcome per task, in task order.
///
/// For each task, start a child with `worker.command()`, its stdin, stdout and stderr piped;
/// write the task as one line to its stdin and close stdin (drop it), so the worker sees the
/// end of its input; read the child's whole stdout and stderr and wait for it to end
/// (`Child::wait_with_output` does all three). A child may write more than a pipe holds (64 KiB
/// on Linux) before it ends, and then waits until somebody reads: read its pipes while waiting
/// for it, never wait first. Then:
///
/// - it could not start: `ChildError::Spawn { program, source }`;
/// - it ended unsuccessfully (non-zero exit code, or killed by a signal):
///   `ChildError::Crashed { status, stderr }`, even when writing the task to it failed;
/// - it ended successfully, but its stdout is not exactly one reply line ending in a newline
///   (nothing, a line that is not a reply, or a reply followed by more lines):
///   `ChildError::Garbage { stdout, problem }`;
/// - otherwise: `Ok` of the parsed [`Reply`].
///
/// A failure is `Err(TaskFailed { task, error })` in that task's place; the other tasks still
/// run and come back. Every child is waited for before this returns, on every path, so none is
/// left running or as a zombie. To keep `processes` children busy, start `processes` threads
/// (`std::thread::scope`) that each take the next task until none is left.
/// 0 processes: `Err(ZeroWorkers { what: "processes" })`.
pub fn map_in_processes(
    worker: &Worker,
    tasks: &[AddTask],
    processes: usize,
) -> Result<Vec<Result<Reply, TaskFailed>>, ZeroWorkers> {
    let _ = (worker, tasks, processes);
    todo!("Exercise 2.2: read book/src/lesson2.md#processes")
}
// ANCHOR_END: map_in_processes
