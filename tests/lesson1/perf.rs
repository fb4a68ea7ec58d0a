// Lesson 1's performance kernels, for `cargo xtask grade` (instructors; see grading.toml).
//
// Like the suite, this file is written once against `subject` and compiled twice: the grader
// generates a small runner crate that includes it once with `subject` the reference solution
// and once with `subject` the student's crate, then times, in one release-built process and on
// the same input, the reference's serial version, the reference's parallel version and the
// student's parallel version. speedup = reference serial / student parallel is compared with
// reference serial / reference parallel. The student's parallel output must equal the
// reference's serial output, or the kernel earns no performance points.
//
// The contract: `pub fn kernels(k: &mut impl crate::Kernels)` declares each kernel with
// `k.kernel(name, input, serial, parallel)`, where `input: fn() -> I` makes the input (not
// timed), `serial: fn(&I) -> O` and `parallel: fn(&I, usize) -> O` (the thread count) compute
// the same `O: PartialEq`. `O` is plain data (numbers, strings, std collections), never a type
// of the lesson crate, so the two compilations' outputs can be compared. The runner depends on
// the lesson crates, `rayon` and `testkit`. The work inside a task comes from testkit or from
// this file, not from `subject`, so every variant does the same work and only the parallel
// machinery differs. This file is included with `include!`, so it has no `//!` docs.

use subject::Pool;

/// Seed 001's CPU-bound workload: tasks that each spin for a few milliseconds, enough of them
/// that every worker has many.
const TASKS: usize = 64;
const ITERATIONS: u64 = 12_000_000;

/// The kernels of lesson 1.
pub fn kernels(k: &mut impl crate::Kernels) {
    k.kernel("pool_map_busy_loop", busy_inputs, testkit::spin_each, busy_on_pool);
}

fn busy_inputs() -> Vec<u64> {
    vec![ITERATIONS; TASKS]
}

/// The parallel version: `Pool::map` with one task per item, on a pool started for the call
/// (as `with Pool(n) as p: p.map(...)` does), so starting and joining the workers is timed too.
fn busy_on_pool(items: &Vec<u64>, threads: usize) -> Vec<u64> {
    let pool = Pool::new(threads).expect("Pool::new failed");
    pool.map(testkit::spin, items.clone(), 1)
        .expect("a busy task panicked")
}
