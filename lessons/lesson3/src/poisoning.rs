//! Exercise 4: a thread panicked while holding a lock; recover the data on purpose, or refuse.
//!
//! This module uses `std::sync::Mutex` directly, also under `--cfg loom`: loom's mutex never
//! poisons, so poisoning is tested on real threads only.

use std::sync::{Mutex, MutexGuard};

pub use crate::errors::Poisoned;

// ANCHOR: lock_or_fail
/// Locks `lock` and returns its guard, or, if the lock is poisoned, refuses with
/// [`Poisoned`] naming `what`. The lock stays poisoned, so everyone after sees it too.
///
/// Poisoned means poisoned when this call gets the lock: a lock that another thread poisons
/// while this call waits for it is refused too.
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
/// As for [`lock_or_fail`], what counts is the lock's state when this call gets it: a lock
/// poisoned while this call waits for it is repaired too.
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
