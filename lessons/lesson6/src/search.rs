//! Exercise 4: grid search, the row of the grid whose curve best fits a target.

use std::fmt;

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

// ANCHOR: best_fit
/// The cubic of `grid` whose values at `xs` are closest to `target` in the least-squares sense:
/// the smallest sum over j of `(grid[i].at(xs[j]) - target[j])²`, searched in parallel with
/// rayon.
///
/// Among rows with equal errors the lowest index wins, so the answer is the same on every run
/// and every number of threads. An error that comes out NaN (coefficients so large that their
/// terms overflow) counts as larger than any other.
///
/// Errors, checked in this order: [`SearchError::EmptyGrid`]; [`SearchError::LengthMismatch`]
/// when `target` and `xs` differ in length; [`SearchError::NotFinite`] for the first NaN or
/// infinite value in `xs`, then in `target`.
///
/// Hint: `f64` is not `Ord`; `f64::total_cmp` is a total order, and `Ordering::then` breaks
/// ties.
pub fn best_fit(grid: &[Cubic], xs: &[f64], target: &[f64]) -> Result<BestFit, SearchError> {
    let _ = (grid, xs, target);
    todo!("Exercise 6.4: read book/src/lesson6.md#grid-search")
}
// ANCHOR_END: best_fit
