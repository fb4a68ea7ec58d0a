//! Exercise 4: threads that must hold one global lock while they compute, as CPython's global
//! interpreter lock makes Python threads do, against the same threads without it.

mod lock;

pub use lock::GlobalLock;

// ANCHOR: run_with_global_lock
/// Starts `threads` threads, all at once; thread `i` computes `work(i)` while it holds `lock`,
/// from before the call until after it, as a Python thread must hold the interpreter lock to
/// run Python code. Returns the results in thread order (`work(0)` first).
///
/// Each thread acquires the lock itself ([`GlobalLock::acquire`]) and keeps the guard until
/// `work` has returned. Use `std::thread::scope`; a panic in `work` reaches the caller.
pub fn run_with_global_lock<T, F>(lock: &GlobalLock, threads: usize, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let _ = (lock, threads, work);
    todo!("Exercise 2.4: read book/src/lesson2.md#global-lock")
}
// ANCHOR_END: run_with_global_lock

// ANCHOR: run_without_lock
/// Starts `threads` threads, all at once; thread `i` computes `work(i)`, with no lock: how Rust
/// threads run. Returns the results in thread order (`work(0)` first).
pub fn run_without_lock<T, F>(threads: usize, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let _ = (threads, work);
    todo!("Exercise 2.4: read book/src/lesson2.md#global-lock")
}
// ANCHOR_END: run_without_lock
