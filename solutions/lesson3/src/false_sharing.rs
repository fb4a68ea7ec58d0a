//! Exercise 5: per-worker slots packed side by side, to see what false sharing costs.

use crate::lost_updates::Counter;
use crate::slots::{address, check_workers, slot};
use crate::sync::{AtomicU64, Ordering};

/// One slot per worker, like [`ShardedCounter`](crate::ShardedCounter), but packed: the slots sit
/// side by side, eight to a 64-byte cache line.
///
/// No two workers write the same slot, yet workers whose slots share a cache line fight over
/// that line as if they did: every write takes the line away from the other cores. That is
/// false sharing, and the benchmark shows its price.
#[derive(Debug)]
pub struct PackedCounter {
    slots: Vec<AtomicU64>,
}

// ANCHOR: packed_counter
impl PackedCounter {
    /// A counter with one plain, unpadded `AtomicU64` slot for each of `workers` workers, all
    /// at 0, side by side in one `Vec`.
    ///
    /// Panics if `workers` is 0.
    pub fn new(workers: usize) -> Self {
        check_workers(workers, "PackedCounter");
        PackedCounter {
            slots: (0..workers).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// How many workers the counter has a slot for.
    pub fn workers(&self) -> usize {
        self.slots.len()
    }

    /// How many bytes after worker 0's slot worker `worker`'s slot starts.
    pub fn slot_offset(&self, worker: usize) -> usize {
        address(slot(&self.slots, worker, "PackedCounter")) - address(&self.slots[0])
    }
}

/// As for `ShardedCounter`: `add` adds to worker `worker`'s slot only, `total` sums them all.
impl Counter for PackedCounter {
    fn add(&self, worker: usize, amount: u64) {
        slot(&self.slots, worker, "PackedCounter").fetch_add(amount, Ordering::Relaxed);
    }

    fn total(&self) -> u64 {
        self.slots
            .iter()
            .map(|slot| slot.load(Ordering::Relaxed))
            .fold(0, u64::wrapping_add)
    }
}
// ANCHOR_END: packed_counter
