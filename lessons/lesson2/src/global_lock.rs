//! Exercise 4: threads that must hold one global lock while they compute, as CPython's global
//! interpreter lock makes Python threads do, against the same threads without it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

/// A lock one thread at a time may hold: the stand-in for CPython's global interpreter lock.
/// Provided.
///
/// It is a `Mutex<()>` that also counts the threads waiting for it, so that a test can see them
/// queue up.
#[derive(Debug, Default)]
pub struct GlobalLock {
    mutex: Mutex<()>,
    waiting: AtomicUsize,
}

impl GlobalLock {
    /// A lock nobody holds.
    pub const fn new() -> GlobalLock {
        GlobalLock {
            mutex: Mutex::new(()),
            waiting: AtomicUsize::new(0),
        }
    }

    /// Waits until no other thread holds the lock, then holds it until the guard is dropped.
    pub fn acquire(&self) -> MutexGuard<'_, ()> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        // The lock guards no data, so a panic while it was held leaves nothing broken.
        let guard = self.mutex.lock().unwrap_or_else(PoisonError::into_inner);
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        guard
    }

    /// How many threads are waiting in [`GlobalLock::acquire`] right now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Whether some thread holds the lock right now.
    pub fn is_held(&self) -> bool {
        matches!(self.mutex.try_lock(), Err(TryLockError::WouldBlock))
    }
}

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
