//! Exercise 2: Python's `Pool(n).map(f, items)` on a rayon pool of exactly `n` threads.

use rayon::ThreadPoolBuildError;
use rayon::prelude::*;

/// Applies `f` to every item on a fresh rayon pool of exactly `threads` threads and returns the
/// results in input order.
///
/// A `threads` of 0 lets rayon choose one thread per core, as `ThreadPoolBuilder` does. The pool
/// is built for this call and torn down after it, as `with Pool(n) as p: p.map(f, items)` does
/// in Python, so its start-up cost is part of the call. Fails only when the operating system
/// refuses to start the threads.
///
/// Hint: `rayon::ThreadPoolBuilder`, `ThreadPool::install` and `par_iter` from
/// `rayon::prelude`.
// ANCHOR: parallel_map
pub fn parallel_map<T, U, F>(
    threads: usize,
    items: &[T],
    f: F,
) -> Result<Vec<U>, ThreadPoolBuildError>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync + Send,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    Ok(pool.install(|| items.par_iter().map(f).collect()))
}
// ANCHOR_END: parallel_map
