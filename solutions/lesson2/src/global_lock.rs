//! Exercise 4: threads that must hold one global lock while they compute, as CPython's global
//! interpreter lock makes Python threads do, against the same threads without it.

use std::panic;
use std::thread;

mod lock;

pub use lock::GlobalLock;

/// Starts `threads` threads, all at once; thread `i` computes `work(i)` while it holds `lock`,
/// from before the call until after it, as a Python thread must hold the interpreter lock to
/// run Python code. Returns the results in thread order (`work(0)` first).
///
/// Each thread acquires the lock itself ([`GlobalLock::acquire`]) and keeps the guard until
/// `work` has returned. Use `std::thread::scope`; a panic in `work` reaches the caller.
// ANCHOR: run_with_global_lock
pub fn run_with_global_lock<T, F>(lock: &GlobalLock, threads: usize, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    run_threads(threads, |index| {
        let _held = lock.acquire();
        work(index)
    })
}
// ANCHOR_END: run_with_global_lock

/// Starts `threads` threads, all at once; thread `i` computes `work(i)`, with no lock: how Rust
/// threads run. Returns the results in thread order (`work(0)` first).
pub fn run_without_lock<T, F>(threads: usize, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    run_threads(threads, work)
}

/// One scoped thread per index, results in index order; a panic reaches the caller.
fn run_threads<T, F>(threads: usize, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let work = &work;
    thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|index| scope.spawn(move || work(index)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| panic::resume_unwind(panic))
            })
            .collect()
    })
}
