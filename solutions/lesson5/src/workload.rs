//! Exercise 3 (continued): seed 004's workload, the pairs `(a, √(a³))`.

use rayon::prelude::*;

/// One item of seed 004's workload: `a` with the square root of its cube.
fn cube_sqrt(a: u64) -> (u64, f64) {
    (a, (a as f64).powi(3).sqrt())
}

// ANCHOR: cubes_sqrt
/// The pairs `(a, √(a³))` for `a` = 1, 2, … `n`, in order, computed on this thread: seed 004's
/// `cubes_and_sqare_root` mapped over its input. `cubes_sqrt(0)` is empty.
///
/// Each root is computed in `f64` as `(a as f64).powi(3).sqrt()`: the cube `x * x * x` of
/// `x = a as f64`, rounded after each product, then `f64::sqrt` (correctly rounded). The
/// grader compares your output with the reference's bit for bit at `n` = 8 000 000, and so does
/// a test. Other formulas give other bits: `(a as f64).powf(1.5)` differs from a = 1 335 on,
/// `x * x.sqrt()` from a = 6 on; and a cube in `u64` (`a * a * a`, `a.pow(3)`) overflows once
/// `a` passes 2 642 245.
pub fn cubes_sqrt(n: usize) -> Vec<(u64, f64)> {
    (1..=n as u64).map(cube_sqrt).collect()
}

/// The same pairs as [`cubes_sqrt`], bit for bit and in the same order, computed in parallel on
/// whichever rayon pool the call runs in (the global one, or the one `install` chose).
///
/// Hint: `into_par_iter()` on a range of `usize` and `collect()`; compute each pair with the very
/// same expression as the serial version, so the floats agree exactly.
pub fn cubes_sqrt_par(n: usize) -> Vec<(u64, f64)> {
    // A range of usize splits evenly and collects straight into place; u64 ranges do not.
    (1..=n)
        .into_par_iter()
        .map(|a| cube_sqrt(a as u64))
        .collect()
}
// ANCHOR_END: cubes_sqrt
