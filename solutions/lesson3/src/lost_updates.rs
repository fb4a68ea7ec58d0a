//! Exercise 1: a shared total, and the updates it loses when an add is two steps.

use std::thread;

pub use crate::counter::{Counter, RacyCounter};

/// Python's `Pool(threads).map(increment, amounts)` with one shared total: splits `amounts`
/// into `threads` contiguous chunks and runs them all at once, worker `w` calling
/// `counter.add(w, amount)` for each amount of chunk `w`. Returns `counter.total()` once every
/// worker has finished.
///
/// - Chunks hold `amounts.len().div_ceil(threads)` amounts, the last ones fewer or none (a
///   worker with nothing to add needs no thread).
/// - Each worker runs on a thread of its own, never on the caller's, and all of them at the
///   same time: start every thread before waiting for any.
/// - Panics if `threads` is 0, with a message saying it needs at least 1 thread.
// ANCHOR: add_in_parallel
pub fn add_in_parallel<C: Counter>(counter: &C, amounts: &[u64], threads: usize) -> u64 {
    assert!(
        threads > 0,
        "add_in_parallel needs at least 1 thread, got 0: pass the number of workers to run"
    );
    let chunk_size = amounts.len().div_ceil(threads).max(1);
    // Scoped threads may borrow `counter` and `amounts`: the scope joins them all before
    // returning, so the borrows cannot outlive the data.
    thread::scope(|scope| {
        for (worker, chunk) in amounts.chunks(chunk_size).enumerate() {
            scope.spawn(move || {
                for &amount in chunk {
                    counter.add(worker, amount);
                }
            });
        }
    });
    counter.total()
}
// ANCHOR_END: add_in_parallel
