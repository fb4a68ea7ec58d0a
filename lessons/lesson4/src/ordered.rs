//! Exercise 1: results that arrive out of order, tagged with their index, put back in order.
//!
//! Seed 004 starts one process per item; each puts `(index, result)` on a shared queue, and the
//! results come out in whatever order the processes finished. The consumer's job is to put them
//! back in input order, which the tag makes possible. Use crossbeam channels
//! (`crossbeam_channel::unbounded`) and scoped threads (`std::thread::scope`).

pub use crate::errors::OrderError;

// ANCHOR: root_of_cube
/// Seed 004's task: `a` and the square root of `a³`, as Python's `(a, math.sqrt(a**3))`.
///
/// `root_of_cube(4)` is `(4, 8.0)`. Python's integers never overflow, but `a³` overflows a `u64`
/// from `a = 2_642_246` on: compute the cube exactly in `u128`, convert it to `f64` once and take
/// the root, `(a³ as f64).sqrt()`, bit for bit (cubing in `f64` rounds at each product and gives
/// other roots for large `a`). For every `a` up to 6_981_463_658_331, the largest whose cube fits
/// a `u128`.
pub fn root_of_cube(a: u64) -> (u64, f64) {
    let _ = a;
    todo!("Exercise 4.1: read book/src/lesson4.md#ordered-results")
}
// ANCHOR_END: root_of_cube

// ANCHOR: restore_order
/// Puts results tagged with their input index back in input order: `[(2, 'c'), (0, 'a'),
/// (1, 'b')]` becomes `['a', 'b', 'c']`.
///
/// The tags of `n` results must be exactly `0..n`, each once. Errors: a tag of `n` or more is
/// [`OrderError::OutOfRange`]; a tag seen twice is [`OrderError::Duplicate`] (then another is
/// missing).
pub fn restore_order<U>(tagged: Vec<(usize, U)>) -> Result<Vec<U>, OrderError> {
    let _ = tagged;
    todo!("Exercise 4.1: read book/src/lesson4.md#ordered-results")
}
// ANCHOR_END: restore_order

// ANCHOR: one_thread_per_item
/// Seed 004's design: one thread per item, each sending `(index, f(item))` through one shared
/// channel; the calling thread receives the results in the order they arrive and returns them
/// in input order.
///
/// Every item's thread runs at the same time as the others. Start them with
/// `std::thread::Builder::spawn_scoped`, so a refused thread becomes [`OrderError::Spawn`]
/// rather than a panic. A panic in `f` is passed on to the caller.
pub fn one_thread_per_item<T, U, F>(items: Vec<T>, f: F) -> Result<Vec<U>, OrderError>
where
    T: Send,
    U: Send,
    F: Fn(T) -> U + Sync,
{
    let _ = (items, f);
    todo!("Exercise 4.1: read book/src/lesson4.md#ordered-results")
}
// ANCHOR_END: one_thread_per_item

// ANCHOR: ordered_map
/// A pool's version: a fixed set of `workers` threads take `(index, item)` jobs from one
/// channel and send `(index, f(item))` back on another; the caller returns the results in input
/// order.
///
/// Each item is handed to exactly one worker, and only the workers call `f`, so at most
/// `workers` calls run at once. Errors: [`OrderError::NoWorkers`] for 0 workers,
/// [`OrderError::Spawn`] if a thread cannot start. A panic in `f` is passed on to the caller.
pub fn ordered_map<T, U, F>(items: Vec<T>, workers: usize, f: F) -> Result<Vec<U>, OrderError>
where
    T: Send,
    U: Send,
    F: Fn(T) -> U + Sync,
{
    let _ = (items, workers, f);
    todo!("Exercise 4.1: read book/src/lesson4.md#ordered-results")
}
// ANCHOR_END: ordered_map
