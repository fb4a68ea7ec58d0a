// Lesson 1's performance kernels, for `cargo xtask grade` (instructors; see grading.toml).
//
// Like the suite, this file is written once against `subject` and compiled twice: the grader
// generates a small runner crate (tests/perfkit does the work) that includes it once with
// `subject` the reference solution and once with `subject` the student's crate. One
// release-built process times the student's parallel version on fresh random seeds; a second
// one, running no student code, times the reference's serial and parallel versions on the same
// seeds. speedup = reference serial / student parallel is compared with reference serial /
// reference parallel. Every output of the student's (warm-up runs included) must equal the
// reference's serial output for the same seed, and a speedup above the thread count × 1.25 is
// impossible; either way the lesson earns no performance points.
//
// The contract: `pub fn kernels(k: &mut impl crate::Kernels)` declares each kernel with
// `k.kernel(name, input, serial, parallel)`, where `input: fn(u64) -> I` makes the input of
// one run from its seed (not timed; the output must depend on the seed, so that a result kept
// from an earlier call is wrong), and `serial: fn(&I) -> O` and `parallel: fn(&I, usize) -> O`
// (the thread count) compute the same `O: perfkit::Digest`. `O` is plain data (numbers, floats
// compared by their bits, strings, `Vec`, `BTreeMap`, tuples), never a type of the lesson
// crate, so the two compilations' outputs can be compared. The runner depends on the lesson
// crates, `perfkit` (`perfkit::mix(seed, i)` draws numbers from a seed), `rayon` and `testkit`.
// The work inside a task comes from testkit or from this file, not from `subject`, so every
// variant does the same work and only the parallel machinery differs. Keep one run of a kernel
// near its seed's size: the grader runs each variant warmup + runs times. This file is
// included with `include!`, so it has no `//!` docs.

use subject::Pool;

/// Seed 001's CPU-bound workload: tasks that each spin for a few milliseconds, enough of them
/// that every worker has many; each task's count varies a little with the seed.
const TASKS: usize = 64;
const ITERATIONS: u64 = 12_000_000;
const VARIATION: u64 = 65_536;

/// The kernels of lesson 1.
pub fn kernels(k: &mut impl crate::Kernels) {
    k.kernel("pool_map_busy_loop", busy_inputs, testkit::spin_each, busy_on_pool);
}

fn busy_inputs(seed: u64) -> Vec<u64> {
    (0..TASKS as u64)
        .map(|i| ITERATIONS + perfkit::mix(seed, i) % VARIATION)
        .collect()
}

/// The parallel version: `Pool::map` with one task per item, on a pool started for the call
/// (as `with Pool(n) as p: p.map(...)` does), so starting and joining the workers is timed too.
fn busy_on_pool(items: &Vec<u64>, threads: usize) -> Vec<u64> {
    let pool = Pool::new(threads).expect("Pool::new failed");
    pool.map(testkit::spin, items.clone(), 1)
        .expect("a busy task panicked")
}
