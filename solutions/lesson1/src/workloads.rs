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
    // For floats with the sign bit clear, as all of [0, 1) is, the bit patterns read as integers
    // order the way `f64::total_cmp` does, and integers compare in half its time.
    numbers.sort_unstable_by_key(|x| x.to_bits());
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
    let n = u64::from(n);
    // Every factor is below 2^bits, so `per_word` of them multiply into a u64 without overflow.
    let bits = u64::from(u64::BITS - n.leading_zeros()).max(1);
    let per_word = u64::from(u64::BITS) / bits;
    // n! < 2^(n·bits), so it has at most `most_limbs` base-2^64 limbs: 16 or fewer, which fit on
    // the stack, for every n up to 127 (99! has 9).
    let most_limbs = (n * bits / 64 + 1) as usize;
    let mut on_stack = [0u32; 32];
    let mut on_heap = Vec::new();
    // Base-2^32 digits, least significant first, as BigUint::from_slice takes them.
    let digits: &mut [u32] = if 2 * most_limbs <= on_stack.len() {
        &mut on_stack
    } else {
        on_heap.resize(2 * most_limbs, 0);
        &mut on_heap
    };
    digits[0] = 1;
    let mut limbs = 1;
    let mut k = 2;
    while k <= n {
        let last = (k + per_word - 1).min(n);
        let word: u64 = (k..=last).product();
        k = last + 1;
        // Each pair of digits is one base-2^64 limb; multiply the limbs by `word`, carrying.
        let mut carry = 0;
        for pair in digits[..2 * limbs].chunks_exact_mut(2) {
            let limb = u64::from(pair[0]) | u64::from(pair[1]) << 32;
            let wide = u128::from(limb) * u128::from(word) + carry;
            pair[0] = wide as u32;
            pair[1] = (wide >> 32) as u32;
            carry = wide >> 64;
        }
        if carry != 0 {
            digits[2 * limbs] = carry as u32;
            digits[2 * limbs + 1] = (carry >> 32) as u32;
            limbs += 1;
        }
    }
    BigUint::from_slice(&digits[..2 * limbs])
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The factorial's digits move from the stack to the heap past n = 127.
    #[test]
    fn factorial_matches_repeated_multiplication_on_both_buffers() {
        let mut expected = BigUint::from(1u32);
        for n in 0..=1_000u32 {
            if n > 1 {
                expected *= n;
            }
            assert_eq!(factorial(n), expected, "{n}!");
        }
    }
}
