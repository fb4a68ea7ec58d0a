//! Exercise 2: reading the parallel fraction off measured times, by least squares.

pub use crate::errors::FitError;
pub use crate::types::AmdahlFit;

impl AmdahlFit {
    /// The model's time on `p` threads, in seconds: `T1 * ((1 - f) + f / p)`.
    pub fn predict(&self, p: f64) -> f64 {
        let _ = p;
        todo!("Exercise 5.2: read book/src/lesson5.md#fit")
    }
}

// ANCHOR: fit
/// Fits Amdahl's model to `(threads, seconds)` samples by least squares, and returns the
/// fitted one-thread time `T1` and parallel fraction `f`.
///
/// Amdahl's time `T(p) = T1 (1 - f) + T1 f / p` is a straight line `a + b x` in `x = 1/p`, so
/// fit that line by ordinary least squares, then `T1 = a + b` and `f = b / T1`, clamped into
/// `0..=1` (noise can push it slightly past either end).
///
/// Samples may repeat a thread count, and every sample is one point of the fit: a thread count
/// measured three times weighs three times as much as one measured once. Do not average each
/// thread count first (with three or more thread counts measured unevenly often, that gives
/// another line). Any exact least-squares formula will do: the tests allow a relative 1e-9 for
/// rounding.
///
/// Errors, the first that applies: [`FitError::BadSample`] for the first sample, in slice
/// order, with 0 threads or a time that is not positive and finite (0, negative, NaN or
/// infinite); [`FitError::TooFewThreadCounts`] when the samples have fewer than 2 different
/// thread counts (no samples at all is 0); [`FitError::NotAmdahl`] when the fitted `T1` is not
/// a positive, finite number, as for times that grow steeply with the thread count.
pub fn fit_amdahl(samples: &[(usize, f64)]) -> Result<AmdahlFit, FitError> {
    let _ = samples;
    todo!("Exercise 5.2: read book/src/lesson5.md#fit")
}
// ANCHOR_END: fit
