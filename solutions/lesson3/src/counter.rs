//! The trait every counter of this lesson implements, and the given counter that loses updates.
//! Provided: both crates share this file unchanged.

use crate::sync::{AtomicU64, Ordering};

// ANCHOR: counter
/// A total that many threads add to at once: seed 001's global `total`, done several ways.
///
/// `worker` is the index of the calling thread, `0..threads`, as
/// [`add_in_parallel`](crate::add_in_parallel) hands them out. Counters that keep a slot per
/// worker use it; the others ignore it.
///
/// Totals wrap around at `u64::MAX`, as `AtomicU64::fetch_add` does: adding 2 to `u64::MAX`
/// gives 1, in a debug build as in a release one, never an overflow panic (`u64::wrapping_add`).
pub trait Counter: Sync {
    /// Adds `amount` on behalf of worker number `worker`.
    fn add(&self, worker: usize, amount: u64);

    /// The sum of every amount added so far. Read it once the workers have finished.
    fn total(&self) -> u64;
}
// ANCHOR_END: counter

// ANCHOR: racy
/// A counter that loses updates. Given: it is the thing to observe, not to fix.
///
/// Each add reads the total, then writes back what it read plus the amount: two atomic steps,
/// not one. Nothing here is undefined behaviour, the strongest memory ordering is used, and yet
/// when two threads both read before either writes, one of the two updates is lost.
#[derive(Debug)]
pub struct RacyCounter {
    value: AtomicU64,
}

impl RacyCounter {
    /// A counter at 0.
    pub fn new() -> Self {
        RacyCounter {
            value: AtomicU64::new(0),
        }
    }

    /// [`Counter::add`] in slow motion: reads the total, calls `between`, then writes. A test
    /// or a demonstration can make another thread add in the gap and watch its update vanish.
    pub fn add_pausing(&self, amount: u64, between: impl FnOnce()) {
        let seen = self.value.load(Ordering::SeqCst);
        between();
        self.value
            .store(seen.wrapping_add(amount), Ordering::SeqCst);
    }
}

impl Counter for RacyCounter {
    fn add(&self, _worker: usize, amount: u64) {
        self.add_pausing(amount, || {});
    }

    fn total(&self) -> u64 {
        self.value.load(Ordering::SeqCst)
    }
}
// ANCHOR_END: racy

impl Default for RacyCounter {
    fn default() -> Self {
        Self::new()
    }
}
