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

/// The worker program's loop: reads one `add X Y SPIN` task per line from `input` until it
/// ends, and writes one `sum S pid P ppid Q` reply per task to `output`.
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
/// returns one outcome per task, in input order.
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
