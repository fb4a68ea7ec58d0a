//! Exercise 6: the racy counter's read-then-write, made right with compare-and-swap, and checked
//! under every interleaving with loom.

use crate::lost_updates::Counter;
use crate::sync::AtomicU64;

/// A counter whose add reads the total and then writes the new one, like
/// [`RacyCounter`](crate::RacyCounter), but writes with `compare_exchange`: the write only
/// happens if the total is still what was read, and otherwise the add starts over from the value
/// it found.
#[derive(Debug)]
// A suggestion: change the private field as you like. Remove this `allow` once you use it.
#[allow(dead_code)]
pub struct CasCounter {
    total: AtomicU64,
}

impl CasCounter {
    /// A counter at 0.
    pub fn new() -> Self {
        todo!("Exercise 3.6: read book/src/lesson3.md#loom")
    }

    // ANCHOR: add_pausing
    /// [`Counter::add`] in slow motion: reads the total, calls `between` (once, however often
    /// the add has to start over), then tries to write with `compare_exchange`, retrying from the
    /// value it found until no other add got in between.
    ///
    /// Hint: on failure, `compare_exchange` hands back the value it found in its `Err`.
    pub fn add_pausing(&self, amount: u64, between: impl FnOnce()) {
        let _ = (amount, between);
        todo!("Exercise 3.6: read book/src/lesson3.md#loom")
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
    fn add(&self, worker: usize, amount: u64) {
        let _ = (worker, amount);
        todo!("Exercise 3.6: read book/src/lesson3.md#loom")
    }

    fn total(&self) -> u64 {
        todo!("Exercise 3.6: read book/src/lesson3.md#loom")
    }
}
