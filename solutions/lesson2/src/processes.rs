//! Exercise 2: the same work in child processes, which talk to the parent over pipes.
//!
//! Both ends of the conversation are here: [`serve`] is what the worker program runs in each
//! child, [`map_in_processes`] is what the parent runs.

use std::io::{BufRead, Write};
use std::os::unix::process::parent_id;
use std::process::{self, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crate::child::{ChildError, TaskFailed, Worker};
use crate::plumbing::{answer_each_line, finish, start};
use crate::protocol::{Reply, WorkerError};
use crate::work::{AddTask, ZeroWorkers};

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
// ANCHOR: serve
pub fn serve(input: impl BufRead, output: impl Write) -> Result<(), WorkerError> {
    answer_each_line(input, output, |task: AddTask| Reply {
        sum: task.compute(),
        pid: process::id(),
        parent_pid: parent_id(),
    })
}
// ANCHOR_END: serve

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
// ANCHOR: map_in_processes
pub fn map_in_processes(
    worker: &Worker,
    tasks: &[AddTask],
    processes: usize,
) -> Result<Vec<Result<Reply, TaskFailed>>, ZeroWorkers> {
    if processes == 0 {
        return Err(ZeroWorkers { what: "processes" });
    }
    let next_task = AtomicUsize::new(0);
    let mut outcomes: Vec<Option<Result<Reply, TaskFailed>>> = tasks.iter().map(|_| None).collect();
    thread::scope(|scope| {
        // One driver thread per child that may run at once; each takes the next task, runs it in
        // a fresh child, and keeps the outcome with the task's index.
        let drivers: Vec<_> = (0..processes.min(tasks.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next_task.fetch_add(1, Ordering::Relaxed);
                        let Some(&task) = tasks.get(index) else {
                            return done;
                        };
                        done.push((index, run_in_child(worker, task)));
                    }
                })
            })
            .collect();
        for driver in drivers {
            for (index, outcome) in driver.join().expect("a driver thread panicked") {
                outcomes[index] = Some(outcome);
            }
        }
    });
    Ok(outcomes
        .into_iter()
        .map(|outcome| outcome.expect("every task was taken by a driver"))
        .collect())
}
// ANCHOR_END: map_in_processes

// ANCHOR: run_in_child
/// Starts one child, hands it `task`, and waits for it to end: whatever happens, the child is
/// waited for before this returns, so it never lingers as a zombie.
fn run_in_child(worker: &Worker, task: AddTask) -> Result<Reply, TaskFailed> {
    let failed = |error| TaskFailed { task, error };
    let mut child = start(
        worker,
        worker
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .map_err(failed)?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    // One short line fits in the pipe's buffer, so this cannot block. If the child died before
    // reading it, the write fails with a broken pipe; its exit status, below, says more.
    let sent = writeln!(stdin, "{task}");
    drop(stdin);
    let output = finish(child).map_err(failed)?;
    sent.map_err(|err| failed(ChildError::Io(err)))?;
    one_reply(&output.stdout).map_err(failed)
}
// ANCHOR_END: run_in_child

/// A child's whole stdout, which must be exactly one reply line.
fn one_reply(stdout: &[u8]) -> Result<Reply, ChildError> {
    let text = String::from_utf8_lossy(stdout);
    let garbage = |problem: String| ChildError::Garbage {
        stdout: text.clone().into_owned(),
        problem,
    };
    let line = match text.strip_suffix('\n') {
        Some(line) if !line.contains('\n') => line,
        _ => {
            return Err(garbage(format!(
                "expected exactly one line ending in a newline, got {} line breaks",
                text.matches('\n').count()
            )));
        }
    };
    line.parse().map_err(|err| garbage(format!("{err}")))
}
