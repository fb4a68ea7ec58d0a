//! Exercise 3 (continued): seed 004's workload, the pairs `(a, √(a³))`.

use rayon::prelude::*;

/// One item of seed 004's workload: `a` with the square root of its cube.
fn cube_sqrt(a: u64) -> (u64, f64) {
    (a, (a as f64).powi(3).sqrt())
}

// ANCHOR: cubes_sqrt
/// The pairs `(a, √(a³))` for `a` = 1, 2, … `n`, in order, computed on this thread.
pub fn cubes_sqrt(n: usize) -> Vec<(u64, f64)> {
    (1..=n as u64).map(cube_sqrt).collect()
}

/// The same pairs as [`cubes_sqrt`], in the same order, computed on the current rayon pool.
pub fn cubes_sqrt_par(n: usize) -> Vec<(u64, f64)> {
    // A range of usize splits evenly and collects straight into place; u64 ranges do not.
    (1..=n)
        .into_par_iter()
        .map(|a| cube_sqrt(a as u64))
        .collect()
}
// ANCHOR_END: cubes_sqrt
