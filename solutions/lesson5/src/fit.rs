//! Exercise 2: reading the parallel fraction off measured times, by least squares.

pub use crate::errors::FitError;
pub use crate::types::AmdahlFit;

impl AmdahlFit {
    /// The model's time on `p` threads, in seconds: `T1 * ((1 - f) + f / p)`.
    pub fn predict(&self, p: f64) -> f64 {
        let f = self.parallel_fraction;
        self.serial_time * ((1.0 - f) + f / p)
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
    for (index, &(threads, seconds)) in samples.iter().enumerate() {
        if threads == 0 || !(seconds.is_finite() && seconds > 0.0) {
            return Err(FitError::BadSample {
                index,
                threads,
                seconds,
            });
        }
    }
    let mut counts: Vec<usize> = samples.iter().map(|&(threads, _)| threads).collect();
    counts.sort_unstable();
    counts.dedup();
    if counts.len() < 2 {
        return Err(FitError::TooFewThreadCounts {
            distinct: counts.len(),
        });
    }

    // T(p) = a + b * x with x = 1/p is a straight line: a = T1 (1 - f), b = T1 f.
    let points: Vec<(f64, f64)> = samples
        .iter()
        .map(|&(threads, seconds)| (1.0 / threads as f64, seconds))
        .collect();
    let n = points.len() as f64;
    let mean_x = points.iter().map(|&(x, _)| x).sum::<f64>() / n;
    let mean_y = points.iter().map(|&(_, y)| y).sum::<f64>() / n;
    let covariance: f64 = points
        .iter()
        .map(|&(x, y)| (x - mean_x) * (y - mean_y))
        .sum();
    let variance: f64 = points.iter().map(|&(x, _)| (x - mean_x).powi(2)).sum();
    let b = covariance / variance;
    let a = mean_y - b * mean_x;

    let serial_time = a + b;
    if !(serial_time.is_finite() && serial_time > 0.0) {
        return Err(FitError::NotAmdahl { serial_time });
    }
    // Noise can push the estimate a little past either end; a fraction stays a fraction.
    let parallel_fraction = (b / serial_time).clamp(0.0, 1.0);
    Ok(AmdahlFit {
        serial_time,
        parallel_fraction,
    })
}
// ANCHOR_END: fit
