//! Exercise 4: grid search, the row of the grid whose curve best fits a target.

use std::cmp::Ordering;
use std::fmt;

use rayon::prelude::*;

use crate::Cubic;

/// The winner of a grid search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BestFit {
    /// Its row in the grid: the lowest such row when several fit equally well.
    pub index: usize,
    /// The cubic in that row.
    pub cubic: Cubic,
    /// Its sum of squared differences from the target.
    pub error: f64,
}

/// Why a grid search could not start.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchError {
    /// The grid has no rows, so nothing can win.
    EmptyGrid,
    /// The target has a different number of values than there are x.
    LengthMismatch {
        /// How many x there are.
        xs: usize,
        /// How many target values there are.
        target: usize,
    },
    /// An x or a target value is NaN or infinite, which would make every error NaN or infinite.
    NotFinite {
        /// `"xs"` or `"target"`.
        input: &'static str,
        /// The position of the bad value.
        index: usize,
        /// The bad value.
        value: f64,
    },
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchError::EmptyGrid => write!(f, "the grid has no rows to search"),
            SearchError::LengthMismatch { xs, target } => write!(
                f,
                "there are {xs} x values but {target} target values: give one target value per x"
            ),
            SearchError::NotFinite {
                input,
                index,
                value,
            } => write!(
                f,
                "{input}[{index}] is {value}: the x values and the target must be finite numbers"
            ),
        }
    }
}

impl std::error::Error for SearchError {}

/// The cubic of `grid` whose values at `xs` are closest to `target` in the least-squares sense:
/// the smallest sum over j of `(grid[i].at(xs[j]) - target[j])²`, searched in parallel.
///
/// Among rows with equal errors the lowest index wins, so the answer is the same on every run
/// and every number of threads. An error that comes out NaN (coefficients so large that their
/// terms overflow) counts as larger than any other.
///
/// Errors: [`SearchError::EmptyGrid`], [`SearchError::LengthMismatch`] when `target` and `xs`
/// differ in length, [`SearchError::NotFinite`] for the first NaN or infinite x, then target
/// value.
// ANCHOR: best_fit
pub fn best_fit(grid: &[Cubic], xs: &[f64], target: &[f64]) -> Result<BestFit, SearchError> {
    check_inputs(grid, xs, target)?;
    let (error, index) = grid
        .par_iter()
        .enumerate()
        .map(|(index, cubic)| (squared_error(cubic, xs, target), index))
        // Comparing (error, index) pairs makes the minimum unique, whatever order the threads'
        // partial results are combined in.
        .min_by(|left, right| by_error_then_index(*left, *right))
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
