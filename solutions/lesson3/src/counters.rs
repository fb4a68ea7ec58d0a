//! Exercise 2: counters that are right, from a lock to no shared state at all.

use std::panic;
use std::sync::PoisonError;
use std::thread;

use crossbeam_utils::CachePadded;

use crate::lost_updates::Counter;
use crate::slots::{address, check_workers, slot};
use crate::sync::{AtomicU64, Mutex, Ordering};

/// The total behind a lock: each add takes the lock, so adds happen one at a time.
#[derive(Debug)]
pub struct MutexCounter {
    total: Mutex<u64>,
}

impl MutexCounter {
    /// A counter at 0.
    pub fn new() -> Self {
        MutexCounter {
            total: Mutex::new(0),
        }
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
    fn add(&self, _worker: usize, amount: u64) {
        // A panic can never leave a u64 half-written, so a poisoned lock holds a good number:
        // recovering it is the right call here (exercise 4 is about when it is not).
        let mut total = self.total.lock().unwrap_or_else(PoisonError::into_inner);
        *total = total.wrapping_add(amount);
    }

    fn total(&self) -> u64 {
        *self.total.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
// ANCHOR_END: mutex_counter

/// One atomic read-modify-write per add: the processor does the read, the sum and the write as
/// one indivisible step.
#[derive(Debug)]
pub struct AtomicCounter {
    total: AtomicU64,
}

impl AtomicCounter {
    /// A counter at 0.
    pub fn new() -> Self {
        AtomicCounter {
            total: AtomicU64::new(0),
        }
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
    fn add(&self, _worker: usize, amount: u64) {
        // Relaxed is enough: each add only has to be indivisible, and `total` is read after the
        // threads are joined, which orders every add before the read.
        self.total.fetch_add(amount, Ordering::Relaxed);
    }

    fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: atomic_counter

/// One slot per worker, each on a cache line of its own; the total is the sum of the slots.
///
/// A worker only ever touches its own slot, so no two threads write the same memory.
#[derive(Debug)]
pub struct ShardedCounter {
    slots: Vec<CachePadded<AtomicU64>>,
}

// ANCHOR: sharded_counter
impl ShardedCounter {
    /// A counter with one slot for each of `workers` workers, all at 0, each slot padded to a
    /// cache line of its own with `crossbeam_utils::CachePadded`.
    ///
    /// Panics if `workers` is 0.
    pub fn new(workers: usize) -> Self {
        check_workers(workers, "ShardedCounter");
        ShardedCounter {
            slots: (0..workers)
                .map(|_| CachePadded::new(AtomicU64::new(0)))
                .collect(),
        }
    }

    /// How many workers the counter has a slot for.
    pub fn workers(&self) -> usize {
        self.slots.len()
    }

    /// How many bytes after worker 0's slot worker `worker`'s slot starts.
    pub fn slot_offset(&self, worker: usize) -> usize {
        address(&**slot(&self.slots, worker, "ShardedCounter")) - address(&*self.slots[0])
    }
}

/// `add` adds to worker `worker`'s slot only (find it with the provided `slots::slot`, which
/// panics with a clear message for a worker without a slot); `total` sums every slot.
impl Counter for ShardedCounter {
    fn add(&self, worker: usize, amount: u64) {
        slot(&self.slots, worker, "ShardedCounter").fetch_add(amount, Ordering::Relaxed);
    }

    fn total(&self) -> u64 {
        self.slots
            .iter()
            .map(|slot| slot.load(Ordering::Relaxed))
            .fold(0, u64::wrapping_add)
    }
}
// ANCHOR_END: sharded_counter

/// No shared state at all: each of `threads` threads sums `value(item)` over its own contiguous
/// chunk of `items` in a local variable, and the partial sums are added up at the end. Python's
/// answer to seed 001 is the same: `sum(pool.map(f, items))`.
///
/// - Chunks hold `items.len().div_ceil(threads)` items, the last ones fewer or none; all the
///   threads run at the same time.
/// - Sums wrap around at `u64::MAX`.
/// - A panic in `value` reaches the caller with its own message.
/// - Panics if `threads` is 0, with a message saying it needs at least 1 thread.
// ANCHOR: sum_locally
pub fn sum_locally<T, F>(items: &[T], threads: usize, value: F) -> u64
where
    T: Sync,
    F: Fn(&T) -> u64 + Sync,
{
    assert!(
        threads > 0,
        "sum_locally needs at least 1 thread, got 0: pass the number of workers to run"
    );
    let chunk_size = items.len().div_ceil(threads).max(1);
    let value = &value;
    thread::scope(|scope| {
        let partial_sums: Vec<_> = items
            .chunks(chunk_size)
            .map(|chunk| scope.spawn(move || chunk.iter().map(value).fold(0, u64::wrapping_add)))
            .collect();
        partial_sums
            .into_iter()
            .map(|partial| partial.join().unwrap_or_else(|p| panic::resume_unwind(p)))
            .fold(0, u64::wrapping_add)
    })
}
// ANCHOR_END: sum_locally
