// Lesson 5's performance kernels, for `cargo xtask grade`: the contract is in the header of
// tests/lesson1/perf.rs.

/// Seed 004's workload at a size where a pool pays off: the pairs (a, √a³) for a up to about
/// eight million (a little less, drawn from the seed).
const N: usize = 8_000_000;
const VARIATION: u64 = 4_096;

/// The kernels of lesson 5.
pub fn kernels(k: &mut impl crate::Kernels) {
    k.kernel("cubes_sqrt", size, serial, on_pool);
}

fn size(seed: u64) -> usize {
    N - (perfkit::mix(seed, 0) % VARIATION) as usize
}

fn serial(n: &usize) -> Vec<(u64, f64)> {
    subject::cubes_sqrt(*n)
}

/// The parallel version as the seed times it: start a pool, map, collect, shut the pool down.
fn on_pool(n: &usize, threads: usize) -> Vec<(u64, f64)> {
    testkit::in_rayon_pool(threads, || subject::cubes_sqrt_par(*n))
}
