//! Exercise 4: the seed tutorials' workloads, as plain functions to hand to a pool.

use std::hint::black_box;

use num_bigint::BigUint;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `x²`: seed 000's first task, far too small to be worth sending to another thread.
pub fn square(x: u64) -> u64 {
    x * x
}

/// Draws `n` numbers uniformly from `[0, 1)` with a generator seeded by `seed`, and returns them
/// sorted ascending: seed 000's "sort a random array" task.
///
/// The same `n` and `seed` must give the same numbers on every run: seed a
/// `rand_chacha::ChaCha8Rng` with `SeedableRng::seed_from_u64`. `f64` has no total order
/// (think of NaN), so `sort()` does not compile: see `f64::total_cmp`.
// ANCHOR: sort_random
pub fn sort_random(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut numbers: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
    // f64 is only partially ordered (NaN); total_cmp is a total order, and no NaN occurs here.
    numbers.sort_unstable_by(f64::total_cmp);
    numbers
}
// ANCHOR_END: sort_random

/// Spins through `iterations` rounds of a loop that the optimizer may not remove, and returns
/// `iterations`: seed 001's "loop 3 million times" stand-in for real computation.
///
/// The work must scale with `iterations` in a release build: without `std::hint::black_box` the
/// compiler replaces the loop with its result (a test calls `busy_loop(u64::MAX)` and expects it
/// never to return).
// ANCHOR: busy_loop
pub fn busy_loop(iterations: u64) -> u64 {
    let mut count = 0;
    for _ in 0..iterations {
        count = black_box(count + 1);
    }
    count
}
// ANCHOR_END: busy_loop

/// The exact value of `n!`: seed 003's task, which Python computes with unbounded integers.
///
/// 21! no longer fits a `u64` and 35! no longer fits a `u128`, so return a
/// [`num_bigint::BigUint`]. `factorial(0)` is 1.
// ANCHOR: factorial
pub fn factorial(n: u32) -> BigUint {
    (2..=n).fold(BigUint::from(1u32), |product, k| product * k)
}
// ANCHOR_END: factorial

/// `count` integers drawn uniformly from `low..high` by a generator seeded with `seed`: seed
/// 003's `np.random.randint(1, 100, size=1_000_000)` is `random_inputs(1_000_000, 1, 100, seed)`.
///
/// Panics if `low >= high`, since the range would be empty.
pub fn random_inputs(count: usize, low: u32, high: u32, seed: u64) -> Vec<u32> {
    assert!(
        low < high,
        "random_inputs needs low < high, got {low}..{high}"
    );
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count).map(|_| rng.random_range(low..high)).collect()
}
