//! Exercise 5: what starting a worker costs, a thread against a process.

use crate::child::{ChildError, Worker};

// ANCHOR: spawn_and_join_thread
/// Runs `work` on a freshly spawned thread and waits for that thread to end: one thread's
/// spawn and join, nothing else. Returns what `work` returned; if `work` panics, the panic
/// reaches the caller (`std::panic::resume_unwind`).
pub fn spawn_and_join_thread<T, F>(work: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let _ = work;
    todo!("Exercise 2.5: read book/src/lesson2.md#costs")
}
// ANCHOR_END: spawn_and_join_thread

// ANCHOR: spawn_and_wait_process
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
pub fn spawn_and_wait_process(worker: &Worker) -> Result<u32, ChildError> {
    let _ = worker;
    todo!("Exercise 2.5: read book/src/lesson2.md#costs")
}
// ANCHOR_END: spawn_and_wait_process
