//! Exercise 6: the racy counter's read-then-write, made right with compare-and-swap, and checked
//! under every interleaving with loom.

use crate::lost_updates::Counter;
use crate::sync::{AtomicU64, Ordering};

/// A counter whose add reads the total and then writes the new one, like
/// [`RacyCounter`](crate::RacyCounter), but writes with `compare_exchange`: the write only
/// happens if the total is still what was read, and otherwise the add starts over from the value
/// it found.
#[derive(Debug)]
pub struct CasCounter {
    total: AtomicU64,
}

impl CasCounter {
    /// A counter at 0.
    pub fn new() -> Self {
        CasCounter {
            total: AtomicU64::new(0),
        }
    }

    // ANCHOR: add_pausing
    /// [`Counter::add`] in slow motion: reads the total, calls `between` (once, however often
    /// the add has to start over), then tries to write with `compare_exchange`, retrying from the
    /// value it found until no other add got in between.
    pub fn add_pausing(&self, amount: u64, between: impl FnOnce()) {
        let mut seen = self.total.load(Ordering::Relaxed);
        between();
        // compare_exchange_weak may fail even when the value matches, on processors whose
        // atomics are built from load-linked/store-conditional pairs; in a loop that costs one
        // more round and lets them skip an inner loop of their own.
        while let Err(actual) = self.total.compare_exchange_weak(
            seen,
            seen.wrapping_add(amount),
            Ordering::Relaxed,
            Ordering::Relaxed,
        ) {
            seen = actual;
        }
    }
    // ANCHOR_END: add_pausing
}

impl Default for CasCounter {
    fn default() -> Self {
        Self::new()
    }
}

/// `add` is `add_pausing` with nothing in between.
impl Counter for CasCounter {
    fn add(&self, _worker: usize, amount: u64) {
        self.add_pausing(amount, || {});
    }

    fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }
}
