//! Exercise 1: a CPU-bound map on `n` threads of this process.

use std::panic;
use std::thread;

use crate::work::ZeroWorkers;

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
// ANCHOR: map_on_threads
pub fn map_on_threads<T, U, F>(threads: usize, items: &[T], f: F) -> Result<Vec<U>, ZeroWorkers>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync,
{
    if threads == 0 {
        return Err(ZeroWorkers { what: "threads" });
    }
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let chunk_size = items.len().div_ceil(threads);
    let f = &f;
    let results = thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk_size)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<U>>()))
            .collect();
        // Joining in spawning order is what puts the chunks back in input order.
        let mut results = Vec::with_capacity(items.len());
        for worker in workers {
            let chunk = worker
                .join()
                .unwrap_or_else(|panic| panic::resume_unwind(panic));
            results.extend(chunk);
        }
        results
    });
    Ok(results)
}
// ANCHOR_END: map_on_threads
