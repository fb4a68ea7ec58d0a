//! Exercise 4: a thread panicked while holding a lock; recover the data on purpose, or refuse.
//!
//! This module uses `std::sync::Mutex` directly, also under `--cfg loom`: loom's mutex never
//! poisons, so poisoning is tested on real threads only.

use std::fmt;
use std::sync::{Mutex, MutexGuard};

/// A lock was poisoned: a thread panicked while holding it, so the data may be half-updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poisoned {
    /// What the lock protects, as the caller named it: "the ledger".
    pub what: String,
}

impl fmt::Display for Poisoned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the lock on {} is poisoned: a thread panicked while holding it, so {} may be \
             half-updated; check and repair it (see lock_and_repair) before using it again",
            self.what, self.what
        )
    }
}

impl std::error::Error for Poisoned {}

// ANCHOR: lock_or_fail
/// Locks `lock` and returns its guard, or, if the lock is poisoned, refuses with
/// [`Poisoned`] naming `what`. The lock stays poisoned, so everyone after sees it too.
pub fn lock_or_fail<'a, T>(lock: &'a Mutex<T>, what: &str) -> Result<MutexGuard<'a, T>, Poisoned> {
    let _ = (lock, what);
    todo!("Exercise 3.4: read book/src/lesson3.md#poisoning")
}
// ANCHOR_END: lock_or_fail

// ANCHOR: lock_and_repair
/// Locks `lock` whether or not it is poisoned. If it is, first calls `repair` once on the data
/// the panicking thread left behind, then clears the poison, so the next locker finds a healthy
/// lock. On a healthy lock, `repair` is not called.
///
/// Hint: `PoisonError::into_inner` and `Mutex::clear_poison`.
pub fn lock_and_repair<'a, T>(
    lock: &'a Mutex<T>,
    repair: impl FnOnce(&mut T),
) -> MutexGuard<'a, T> {
    let _ = (lock, repair);
    todo!("Exercise 3.4: read book/src/lesson3.md#poisoning")
}
// ANCHOR_END: lock_and_repair
