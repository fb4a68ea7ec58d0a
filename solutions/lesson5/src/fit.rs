//! Exercise 2: reading the parallel fraction off measured times, by least squares.

use std::fmt;

/// Amdahl's model of a run time, fitted to measurements: `T(p) = T1 * ((1 - f) + f / p)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AmdahlFit {
    /// `T1`: the model's time on one thread, in seconds.
    pub serial_time: f64,
    /// `f`: the parallel fraction, between 0 and 1.
    pub parallel_fraction: f64,
}

impl AmdahlFit {
    /// The model's time on `p` threads, in seconds.
    pub fn predict(&self, p: f64) -> f64 {
        let f = self.parallel_fraction;
        self.serial_time * ((1.0 - f) + f / p)
    }
}

/// Why no Amdahl model could be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// All samples share fewer than two thread counts, so nothing says how time changes with
    /// the thread count.
    TooFewThreadCounts {
        /// How many different thread counts the samples have.
        distinct: usize,
    },
    /// A sample with 0 threads or a time that is not a positive, finite number of seconds.
    BadSample {
        /// Its position in the slice.
        index: usize,
        /// Its thread count.
        threads: usize,
        /// Its time.
        seconds: f64,
    },
    /// The best line predicts no positive time on one thread: the times grow so fast with
    /// the thread count that Amdahl's model does not describe them.
    NotAmdahl {
        /// The fitted one-thread time.
        serial_time: f64,
    },
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitError::TooFewThreadCounts { distinct } => write!(
                f,
                "the samples cover {distinct} thread count(s), but a fit needs at least 2 \
                 different ones: measure on 1 thread and on more"
            ),
            FitError::BadSample {
                index,
                threads,
                seconds,
            } => write!(
                f,
                "sample {index} is ({threads} threads, {seconds} s): a sample needs at least 1 \
                 thread and a positive, finite time"
            ),
            FitError::NotAmdahl { serial_time } => write!(
                f,
                "the best fit predicts {serial_time} s on one thread: these times do not shrink \
                 with more threads the way Amdahl's law describes"
            ),
        }
    }
}

impl std::error::Error for FitError {}

// ANCHOR: fit
/// Fits Amdahl's model to `(threads, seconds)` samples, by least squares.
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
