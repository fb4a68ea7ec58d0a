//! Exercise 4: the seed tutorials' workloads, as plain functions to hand to a pool.

/// `x²`: seed 000's first task, far too small to be worth sending to another thread.
pub fn square(x: u64) -> u64 {
    let _ = x;
    todo!("Exercise 1.4: read book/src/lesson1.md#workloads")
}

/// Draws `n` numbers uniformly from `[0, 1)` with a generator seeded by `seed`, and returns them
/// sorted ascending: seed 000's "sort a random array" task.
///
/// The same `n` and `seed` must give the same numbers on every run: seed a
/// `rand_chacha::ChaCha8Rng` with `SeedableRng::seed_from_u64`. `f64` has no total order
/// (think of NaN), so `sort()` does not compile: see `f64::total_cmp`.
pub fn sort_random(n: usize, seed: u64) -> Vec<f64> {
    let _ = (n, seed);
    todo!("Exercise 1.4: read book/src/lesson1.md#workloads")
}

// ANCHOR: busy_loop
/// Spins through `iterations` rounds of a loop that the optimizer may not remove, and returns
/// `iterations`: seed 001's "loop 3 million times" stand-in for real computation.
///
/// The work must scale with `iterations` in a release build: without `std::hint::black_box` the
/// compiler replaces the loop with its result (a test calls `busy_loop(u64::MAX)` and expects it
/// never to return).
pub fn busy_loop(iterations: u64) -> u64 {
    let _ = iterations;
    todo!("Exercise 1.4: read book/src/lesson1.md#workloads")
}
// ANCHOR_END: busy_loop

// ANCHOR: factorial
/// The exact value of `n!`: seed 003's task, which Python computes with unbounded integers.
///
/// 21! no longer fits a `u64` and 35! no longer fits a `u128`, so return a
/// [`num_bigint::BigUint`]. `factorial(0)` is 1.
pub fn factorial(n: u32) -> num_bigint::BigUint {
    let _ = n;
    todo!("Exercise 1.4: read book/src/lesson1.md#workloads")
}
// ANCHOR_END: factorial

/// `count` integers drawn uniformly from `low..high` by a generator seeded with `seed`: seed
/// 003's `np.random.randint(1, 100, size=1_000_000)` is `random_inputs(1_000_000, 1, 100, seed)`.
///
/// Panics if `low >= high`, since the range would be empty.
pub fn random_inputs(count: usize, low: u32, high: u32, seed: u64) -> Vec<u32> {
    let _ = (count, low, high, seed);
    todo!("Exercise 1.4: read book/src/lesson1.md#workloads")
}
