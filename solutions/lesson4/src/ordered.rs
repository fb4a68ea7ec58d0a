//! Exercise 1: results that arrive out of order, tagged with their index, put back in order.
//!
//! Seed 004 starts one process per item; each puts `(index, result)` on a shared queue, and the
//! results come out in whatever order the processes finished. The consumer's job is to put them
//! back in input order, which the tag makes possible.

use std::thread;

pub use crate::errors::OrderError;

/// Seed 004's task: `a` and the square root of `a³`, as Python's `(a, math.sqrt(a**3))`.
///
/// `root_of_cube(4)` is `(4, 8.0)`. Python's integers never overflow, but `a³` overflows a `u64`
/// from `a = 2_642_246` on: compute the cube exactly in `u128`, convert it to `f64` once and take
/// the root, `(a³ as f64).sqrt()`, bit for bit (cubing in `f64` rounds at each product and gives
/// other roots for large `a`). For every `a` up to 6_981_463_658_331, the largest whose cube fits
/// a `u128`.
// ANCHOR: root_of_cube
pub fn root_of_cube(a: u64) -> (u64, f64) {
    // u128 holds the cube of any u64 exactly, as Python's integers would.
    let cube = u128::from(a).pow(3);
    (a, (cube as f64).sqrt())
}
// ANCHOR_END: root_of_cube

/// Puts results tagged with their input index back in input order.
// ANCHOR: restore_order
pub fn restore_order<U>(tagged: Vec<(usize, U)>) -> Result<Vec<U>, OrderError> {
    let len = tagged.len();
    let mut slots: Vec<Option<U>> = std::iter::repeat_with(|| None).take(len).collect();
    for (index, value) in tagged {
        let slot = slots
            .get_mut(index)
            .ok_or(OrderError::OutOfRange { index, len })?;
        if slot.replace(value).is_some() {
            return Err(OrderError::Duplicate { index });
        }
    }
    // n results with distinct indices below n fill every slot.
    Ok(slots.into_iter().flatten().collect())
}
// ANCHOR_END: restore_order

/// Seed 004's design: one thread per item, each sending `(index, f(item))` through one channel;
/// the caller receives the results in finishing order and restores input order.
// ANCHOR: one_thread_per_item
pub fn one_thread_per_item<T, U, F>(items: Vec<T>, f: F) -> Result<Vec<U>, OrderError>
where
    T: Send,
    U: Send,
    F: Fn(T) -> U + Sync,
{
    let (results, arrivals) = crossbeam_channel::unbounded();
    let f = &f;
    thread::scope(|scope| {
        for (index, item) in items.into_iter().enumerate() {
            let results = results.clone();
            thread::Builder::new()
                .name(format!("item-{index}"))
                .spawn_scoped(scope, move || {
                    // The receiver lives until the scope ends, so this send cannot fail.
                    let _ = results.send((index, f(item)));
                })
                .map_err(OrderError::Spawn)?;
        }
        // Only the threads hold senders now: the loop below ends when the last one finishes.
        drop(results);
        restore_order(arrivals.iter().collect())
    })
}
// ANCHOR_END: one_thread_per_item

/// A fixed set of `workers` threads takes `(index, item)` jobs from one channel and sends
/// `(index, f(item))` back on another; the caller restores input order.
// ANCHOR: ordered_map
pub fn ordered_map<T, U, F>(items: Vec<T>, workers: usize, f: F) -> Result<Vec<U>, OrderError>
where
    T: Send,
    U: Send,
    F: Fn(T) -> U + Sync,
{
    if workers == 0 {
        return Err(OrderError::NoWorkers);
    }
    let (jobs, queue) = crossbeam_channel::unbounded();
    for job in items.into_iter().enumerate() {
        jobs.send(job).expect("the queue's receiver is still here");
    }
    // Closed before any worker starts: each worker stops once the queue is empty.
    drop(jobs);
    let (results, arrivals) = crossbeam_channel::unbounded();
    let f = &f;
    thread::scope(|scope| {
        for id in 0..workers {
            let queue = queue.clone();
            let results = results.clone();
            thread::Builder::new()
                .name(format!("ordered-map-{id}"))
                .spawn_scoped(scope, move || {
                    for (index, item) in queue {
                        let _ = results.send((index, f(item)));
                    }
                })
                .map_err(OrderError::Spawn)?;
        }
        drop(results);
        restore_order(arrivals.iter().collect())
    })
}
// ANCHOR_END: ordered_map
