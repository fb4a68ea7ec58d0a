//! Exercise 4: grid search, the row of the grid whose curve best fits a target.

use std::cmp::Ordering;

use rayon::prelude::*;

use crate::{BestFit, Cubic, SearchError};

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
// ANCHOR: lowest_error
pub fn lowest_error<F>(rows: usize, error: F) -> Option<(usize, f64)>
where
    F: Fn(usize) -> f64 + Sync,
{
    (0..rows)
        .into_par_iter()
        .map(|index| (error(index), index))
        // Comparing (error, index) pairs makes the minimum unique, whatever order the threads'
        // partial results are combined in.
        .min_by(|left, right| by_error_then_index(*left, *right))
        .map(|(error, index)| (index, error))
}
// ANCHOR_END: lowest_error

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
// ANCHOR: best_fit
pub fn best_fit(grid: &[Cubic], xs: &[f64], target: &[f64]) -> Result<BestFit, SearchError> {
    check_inputs(grid, xs, target)?;
    let (index, error) = lowest_error(grid.len(), |i| squared_error(&grid[i], xs, target))
        .ok_or(SearchError::EmptyGrid)?;
    Ok(BestFit {
        index,
        cubic: grid[index],
        error,
    })
}
// ANCHOR_END: best_fit

fn by_error_then_index(left: (f64, usize), right: (f64, usize)) -> Ordering {
    let worst_if_nan = |error: f64| if error.is_nan() { f64::INFINITY } else { error };
    worst_if_nan(left.0)
        .total_cmp(&worst_if_nan(right.0))
        .then(left.1.cmp(&right.1))
}

fn squared_error(cubic: &Cubic, xs: &[f64], target: &[f64]) -> f64 {
    xs.iter()
        .zip(target)
        .map(|(&x, &wanted)| {
            let miss = cubic.at(x) - wanted;
            miss * miss
        })
        .sum()
}

fn check_inputs(grid: &[Cubic], xs: &[f64], target: &[f64]) -> Result<(), SearchError> {
    if grid.is_empty() {
        return Err(SearchError::EmptyGrid);
    }
    if xs.len() != target.len() {
        return Err(SearchError::LengthMismatch {
            xs: xs.len(),
            target: target.len(),
        });
    }
    for (input, values) in [("xs", xs), ("target", target)] {
        if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(SearchError::NotFinite {
                input,
                index,
                value,
            });
        }
    }
    Ok(())
}
