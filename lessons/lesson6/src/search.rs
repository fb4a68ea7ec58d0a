//! Exercise 4: grid search, the row of the grid whose curve best fits a target.

use crate::{BestFit, Cubic, SearchError};

// ANCHOR: lowest_error
/// The row `i` in `0..rows` with the smallest `error(i)`, with that error: the parallel
/// minimum a grid search needs, on the current rayon pool. `error` is called exactly once per
/// row, and rows are scored in parallel: with two threads or more, two rows' `error` calls run
/// at once. `None` when `rows` is 0.
///
/// Among rows with equal errors the lowest index wins, so the answer is the same on every run
/// and every number of threads. A NaN error counts as +∞: worse than any number, and tied with
/// +∞ (the lower row wins, with its own error).
///
/// Hint: `f64` is not `Ord`; `f64::total_cmp` is a total order, and `Ordering::then` breaks
/// ties.
pub fn lowest_error<F>(rows: usize, error: F) -> Option<(usize, f64)>
where
    F: Fn(usize) -> f64 + Sync,
{
    let _ = (rows, error);
    todo!("Exercise 6.4: read book/src/lesson6.md#grid-search")
}
// ANCHOR_END: lowest_error

// ANCHOR: best_fit
/// The cubic of `grid` whose values at `xs` are closest to `target` in the least-squares sense:
/// the smallest sum over j, in ascending order, of the squares `(grid[i].at(xs[j]) -
/// target[j])²`, searched in parallel with [`lowest_error`]. The winner's `error` is that sum.
///
/// As in [`lowest_error`], among rows with equal errors the lowest index wins, and an error
/// that comes out NaN (coefficients so large that their terms overflow) counts as +∞.
///
/// Errors, checked in this order: [`SearchError::EmptyGrid`]; [`SearchError::LengthMismatch`]
/// when `target` and `xs` differ in length; [`SearchError::NotFinite`] for the first NaN or
/// infinite value in `xs`, then in `target`.
pub fn best_fit(grid: &[Cubic], xs: &[f64], target: &[f64]) -> Result<BestFit, SearchError> {
    let _ = (grid, xs, target);
    todo!("Exercise 6.4: read book/src/lesson6.md#grid-search")
}
// ANCHOR_END: best_fit
