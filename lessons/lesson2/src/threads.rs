//! Exercise 1: a CPU-bound map on `n` threads of this process.

use crate::work::ZeroWorkers;

// ANCHOR: map_on_threads
/// Applies `f` to every item on `threads` threads and returns the results in input order:
/// Python's `Pool(threads).map(f, items)`, with threads instead of processes.
///
/// - Cut the items into contiguous chunks of `items.len().div_ceil(threads)` items (the last
///   may be shorter) and give each chunk a thread of its own, so that at most `threads` run.
/// - Use `std::thread::scope`: scoped threads may borrow `items` and `f`, and the scope joins
///   them all before it returns.
/// - Collect each chunk's results and join the threads in the order you started them: that
///   order is the input order, whichever thread finishes first.
/// - 0 threads: `Err(ZeroWorkers { what: "threads" })`. No items: `Ok` of an empty `Vec`.
/// - If `f` panics, the panic reaches the caller (`JoinHandle::join` gives it to you;
///   `std::panic::resume_unwind` passes it on).
pub fn map_on_threads<T, U, F>(threads: usize, items: &[T], f: F) -> Result<Vec<U>, ZeroWorkers>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync,
{
    let _ = (threads, items, f);
    todo!("Exercise 2.1: read book/src/lesson2.md#threads")
}
// ANCHOR_END: map_on_threads
