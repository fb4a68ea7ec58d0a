//! Exercise 5: per-worker slots packed side by side, to see what false sharing costs.

use crate::lost_updates::Counter;
use crate::sync::AtomicU64;

/// One slot per worker, like [`ShardedCounter`](crate::ShardedCounter), but packed: the slots sit
/// side by side, eight to a 64-byte cache line.
///
/// No two workers write the same slot, yet workers whose slots share a cache line fight over
/// that line as if they did: every write takes the line away from the other cores. That is
/// false sharing, and the benchmark shows its price.
#[derive(Debug)]
// A suggestion: change the private field as you like. Remove this `allow` once you use it.
#[allow(dead_code)]
pub struct PackedCounter {
    slots: Vec<AtomicU64>,
}

// ANCHOR: packed_counter
impl PackedCounter {
    /// A counter with one plain, unpadded `AtomicU64` slot for each of `workers` workers, all
    /// at 0, side by side in one `Vec`.
    ///
    /// Panics if `workers` is 0: call the provided `slots::check_workers` first.
    pub fn new(workers: usize) -> Self {
        let _ = workers;
        todo!("Exercise 3.5: read book/src/lesson3.md#false-sharing")
    }

    /// How many workers the counter has a slot for.
    pub fn workers(&self) -> usize {
        todo!("Exercise 3.5: read book/src/lesson3.md#false-sharing")
    }

    /// How many bytes after worker 0's slot worker `worker`'s slot starts.
    pub fn slot_offset(&self, worker: usize) -> usize {
        let _ = worker;
        todo!("Exercise 3.5: read book/src/lesson3.md#false-sharing")
    }
}

/// As for `ShardedCounter`: `add` adds to worker `worker`'s slot only, `total` sums them all.
impl Counter for PackedCounter {
    fn add(&self, worker: usize, amount: u64) {
        let _ = (worker, amount);
        todo!("Exercise 3.5: read book/src/lesson3.md#false-sharing")
    }

    fn total(&self) -> u64 {
        todo!("Exercise 3.5: read book/src/lesson3.md#false-sharing")
    }
}
// ANCHOR_END: packed_counter
