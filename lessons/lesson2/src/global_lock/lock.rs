//! The stand-in for CPython's global interpreter lock. Provided: there is nothing to fill in
//! here.

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
