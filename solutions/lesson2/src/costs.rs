//! Exercise 5: what starting a worker costs, a thread against a process.

use std::panic;
use std::process::Stdio;
use std::thread;

use crate::child::{ChildError, Worker};
use crate::plumbing::{finish, start};

/// Runs `work` on a freshly spawned thread and waits for that thread to end: one thread's
/// spawn and join. Returns what `work` returned; a panic in `work` reaches the caller.
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

/// Starts `worker` with nothing on its stdin and waits for it to end: one process's spawn and
/// wait. Returns the child's process id.
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
