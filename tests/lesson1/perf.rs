// Lesson 1's performance kernels, for `cargo xtask grade` (instructors; see grading.toml).
//
// Like the suite, this file is written once against `subject` and compiled twice: the grader
// generates a small runner crate that includes it once with `subject` the reference solution
// and once with `subject` the student's crate, then times, in one release-built process and on
// the same input, the reference's serial version, the reference's parallel version and the
// student's parallel version. speedup = reference serial / student parallel is compared with
// reference serial / reference parallel; a parallel result that differs from the serial one
// earns no performance points.
//
// The contract: `pub fn kernels(k: &mut impl crate::Kernels)` declares each kernel with
// `k.kernel(name, input, serial, parallel)`, where `input: fn() -> I` makes the input (not
// timed), `serial: fn(&I) -> O` and `parallel: fn(&I, usize) -> O` (the thread count) compute
// the same `O: PartialEq`. This file is included with `include!`, so it has no `//!` docs.

use std::hint::black_box;

use subject::Pool;

/// Seed 001's CPU-bound workload: tasks that each spin for a few milliseconds, enough of them
/// that every worker has many.
const TASKS: usize = 64;
const ITERATIONS: u64 = 12_000_000;

/// The kernels of lesson 1.
pub fn kernels(k: &mut impl crate::Kernels) {
    k.kernel("pool_map_busy_loop", busy_inputs, busy_serial, busy_on_pool);
}

fn busy_inputs() -> Vec<u64> {
    vec![ITERATIONS; TASKS]
}

/// The work of one task. It lives here, not in `subject`, so every variant does the same work
/// and only the pool differs.
fn spin(iterations: u64) -> u64 {
    let mut count = 0;
    for _ in 0..iterations {
        count = black_box(count + 1);
    }
    count
}

/// The serial version: a plain iterator map.
fn busy_serial(items: &Vec<u64>) -> Vec<u64> {
    items.iter().map(|&iterations| spin(iterations)).collect()
}

/// The parallel version: `Pool::map` with one task per item, on a pool started for the call
/// (as `with Pool(n) as p: p.map(...)` does), so starting and joining the workers is timed too.
fn busy_on_pool(items: &Vec<u64>, threads: usize) -> Vec<u64> {
    let pool = Pool::new(threads).expect("Pool::new failed");
    pool.map(spin, items.clone(), 1)
        .expect("a busy task panicked")
}
