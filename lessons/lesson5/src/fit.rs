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
    /// The model's time on `p` threads, in seconds: `T1 * ((1 - f) + f / p)`.
    pub fn predict(&self, p: f64) -> f64 {
        let _ = p;
        todo!("Exercise 5.2: read book/src/lesson5.md#fit")
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
/// Fits Amdahl's model to `(threads, seconds)` samples by least squares, and returns the
/// fitted one-thread time `T1` and parallel fraction `f`.
///
/// Amdahl's time `T(p) = T1 (1 - f) + T1 f / p` is a straight line `a + b x` in `x = 1/p`, so
/// fit that line by ordinary least squares, then `T1 = a + b` and `f = b / T1`, clamped into
/// `0..=1` (noise can push it slightly past either end). Samples may repeat a thread count.
///
/// Errors, in this order: [`FitError::BadSample`] for the first sample with 0 threads or a time
/// that is not positive and finite; [`FitError::TooFewThreadCounts`] when the samples have
/// fewer than 2 different thread counts; [`FitError::NotAmdahl`] when the fitted `T1` is not
/// positive.
pub fn fit_amdahl(samples: &[(usize, f64)]) -> Result<AmdahlFit, FitError> {
    let _ = samples;
    todo!("Exercise 5.2: read book/src/lesson5.md#fit")
}
// ANCHOR_END: fit
