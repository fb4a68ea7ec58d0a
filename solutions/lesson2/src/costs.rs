//! Exercise 5: what starting a worker costs, a thread against a process.

use std::panic;
use std::process::Stdio;
use std::thread;

use crate::child::{ChildError, Worker};
use crate::plumbing::{finish, start};

/// Runs `work` on a freshly spawned thread and waits for that thread to end: one thread's
/// spawn and join, nothing else. Returns what `work` returned; if `work` panics, the panic
/// reaches the caller (`std::panic::resume_unwind`).
// ANCHOR: spawn_and_join_thread
pub fn spawn_and_join_thread<T, F>(work: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    thread::spawn(work)
        .join()
        .unwrap_or_else(|panic| panic::resume_unwind(panic))
}
// ANCHOR_END: spawn_and_join_thread

/// Starts `worker` and waits for it to end: one process's spawn and wait, nothing else.
/// Returns the child's process id (`Child::id`).
///
/// Give the child no input (`Stdio::null()` for stdin, and for stdout: nobody reads it), but
/// pipe its stderr, so that a failure can say what the child said: the child never reads this
/// process's stdin nor writes to its stdout. It may write more on its stderr than a pipe holds
/// (64 KiB on Linux) before it ends, so read the stderr while waiting for it
/// (`Child::wait_with_output`), never wait first.
///
/// - It could not start: `ChildError::Spawn { program, source }`.
/// - It ended unsuccessfully: `ChildError::Crashed { status, stderr }`.
// ANCHOR: spawn_and_wait_process
pub fn spawn_and_wait_process(worker: &Worker) -> Result<u32, ChildError> {
    let child = start(
        worker,
        worker
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    )?;
    let pid = child.id();
    finish(child)?;
    Ok(pid)
}
// ANCHOR_END: spawn_and_wait_process
