// Lesson 2's performance kernels, for `cargo xtask grade`: the contract is in the header of
// tests/lesson1/perf.rs.

/// Seed 001's computing workload (`add` after a busy loop), scaled so that each thread gets
/// several tasks: 48 tasks of about 10 million rounds each (a little more, varying with the
/// seed).
const TASKS: usize = 48;
const ITERATIONS: u64 = 10_000_000;
const VARIATION: u64 = 65_536;

/// The kernels of lesson 2: exercise 1's map on threads. (The processes of exercise 2 need the
/// lesson's worker program, which the grader's runner does not build, so they are graded on
/// correctness alone.)
pub fn kernels(k: &mut impl crate::Kernels) {
    k.kernel("threads_busy_loop", busy_inputs, testkit::spin_each, busy_on_threads);
}

fn busy_inputs(seed: u64) -> Vec<u64> {
    (0..TASKS as u64)
        .map(|i| ITERATIONS + perfkit::mix(seed, i) % VARIATION)
        .collect()
}

fn busy_on_threads(items: &Vec<u64>, threads: usize) -> Vec<u64> {
    subject::map_on_threads(threads, items, |&iterations| testkit::spin(iterations))
        .expect("map_on_threads refused a thread count of at least 1")
}
