//! Exercise 4: threads that must hold one global lock while they compute, as CPython's global
//! interpreter lock makes Python threads do, against the same threads without it.

use std::panic;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread;

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

/// Starts `threads` threads; thread `i` computes `work(i)` while holding `lock`, from before the
/// call until after it. Returns the results in thread order.
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

/// Starts `threads` threads; thread `i` computes `work(i)`, all of them at once. Returns the
/// results in thread order.
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
