//! Exercise 1: a shared total, and the updates it loses when an add is two steps.

pub use crate::counter::{Counter, RacyCounter};

// ANCHOR: add_in_parallel
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
///
/// Hint: `std::thread::scope` lets the threads borrow `counter` and `amounts`, and joins them
/// all before it returns.
pub fn add_in_parallel<C: Counter>(counter: &C, amounts: &[u64], threads: usize) -> u64 {
    let _ = (counter, amounts, threads);
    todo!("Exercise 3.1: read book/src/lesson3.md#lost-updates")
}
// ANCHOR_END: add_in_parallel
