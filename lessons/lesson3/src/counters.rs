//! Exercise 2: counters that are right, from a lock to no shared state at all.
//!
//! The structs below suggest fields: change them as you like, but keep every public signature,
//! since the tests call them. Take `Mutex` and the atomics from `crate::sync`, not from
//! `std::sync`, so that the loom models of exercise 6 can check these counters too.

use crossbeam_utils::CachePadded;

use crate::lost_updates::Counter;
use crate::sync::{AtomicU64, Mutex};

/// The total behind a lock: each add takes the lock, so adds happen one at a time.
#[derive(Debug)]
// Remove this `allow` once your methods use the fields.
#[allow(dead_code)]
pub struct MutexCounter {
    total: Mutex<u64>,
}

impl MutexCounter {
    /// A counter at 0.
    pub fn new() -> Self {
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }
}

impl Default for MutexCounter {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: mutex_counter
/// Each add takes the lock, adds, and lets go. A panic can never leave a `u64` half-written, so
/// if the lock is poisoned the number inside is still good: recover it with
/// `PoisonError::into_inner` rather than panicking in turn.
impl Counter for MutexCounter {
    fn add(&self, worker: usize, amount: u64) {
        let _ = (worker, amount);
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }

    fn total(&self) -> u64 {
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }
}
// ANCHOR_END: mutex_counter

/// One atomic read-modify-write per add: the processor does the read, the sum and the write as
/// one indivisible step.
#[derive(Debug)]
#[allow(dead_code)]
pub struct AtomicCounter {
    total: AtomicU64,
}

impl AtomicCounter {
    /// A counter at 0.
    pub fn new() -> Self {
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }
}

impl Default for AtomicCounter {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: atomic_counter
/// Each add is one `fetch_add`. Which memory `Ordering` is enough? Each add only has to be
/// indivisible, and the total is read after the threads are joined.
impl Counter for AtomicCounter {
    fn add(&self, worker: usize, amount: u64) {
        let _ = (worker, amount);
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }

    fn total(&self) -> u64 {
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }
}
// ANCHOR_END: atomic_counter

/// One slot per worker, each on a cache line of its own; the total is the sum of the slots.
///
/// A worker only ever touches its own slot, so no two threads write the same memory.
#[derive(Debug)]
#[allow(dead_code)]
pub struct ShardedCounter {
    slots: Vec<CachePadded<AtomicU64>>,
}

// ANCHOR: sharded_counter
impl ShardedCounter {
    /// A counter with one slot for each of `workers` workers, all at 0, each slot padded to a
    /// cache line of its own with `crossbeam_utils::CachePadded`.
    ///
    /// Panics if `workers` is 0: call the provided `slots::check_workers` first.
    pub fn new(workers: usize) -> Self {
        let _ = workers;
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }

    /// How many workers the counter has a slot for.
    pub fn workers(&self) -> usize {
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }

    /// How many bytes after worker 0's slot worker `worker`'s slot starts: the provided
    /// `slots::address` of one slot minus that of the other.
    pub fn slot_offset(&self, worker: usize) -> usize {
        let _ = worker;
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }
}

/// `add` adds to worker `worker`'s slot only (find it with the provided `slots::slot`, which
/// panics with a clear message for a worker without a slot); `total` sums every slot.
impl Counter for ShardedCounter {
    fn add(&self, worker: usize, amount: u64) {
        let _ = (worker, amount);
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }

    fn total(&self) -> u64 {
        todo!("Exercise 3.2: read book/src/lesson3.md#counters")
    }
}
// ANCHOR_END: sharded_counter

// ANCHOR: sum_locally
/// No shared state at all: each of `threads` threads sums `value(item)` over its own contiguous
/// chunk of `items` in a local variable, and the partial sums are added up at the end. Python's
/// answer to seed 001 is the same: `sum(pool.map(f, items))`.
///
/// - Chunks hold `items.len().div_ceil(threads)` items, the last ones fewer or none; all the
///   threads run at the same time.
/// - Sums wrap around at `u64::MAX`.
/// - A panic in `value` reaches the caller with its own message (hint: a joined thread's panic
///   comes back as an `Err`, and `std::panic::resume_unwind` passes it on).
/// - Panics if `threads` is 0, with a message saying it needs at least 1 thread.
pub fn sum_locally<T, F>(items: &[T], threads: usize, value: F) -> u64
where
    T: Sync,
    F: Fn(&T) -> u64 + Sync,
{
    let _ = (items, threads, value);
    todo!("Exercise 3.2: read book/src/lesson3.md#counters")
}
// ANCHOR_END: sum_locally
