//! Exercise 1: the laws of speedup, as functions that refuse nonsense.
//!
//! `f` is always the *parallel* fraction: the share of the one-thread run time that more threads
//! can shorten. The rest, `1 - f`, stays serial however many threads there are.

use std::fmt;

/// Why a law was given an input it has no answer for.
#[derive(Debug, Clone, PartialEq)]
pub enum LawError {
    /// A run time that is not a positive, finite number of seconds.
    NotATime {
        /// Which argument: `"serial"` or `"parallel"`.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A thread count below 1, or not finite.
    TooFewThreads(f64),
    /// A parallel fraction outside `0..=1`.
    NotAFraction(f64),
    /// A speedup that is not a positive, finite number.
    NotASpeedup(f64),
    /// Karp–Flatt at one thread: `1 - 1/p` is 0 and the formula divides by it.
    OneThread,
}

impl fmt::Display for LawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LawError::NotATime { what, value } => write!(
                f,
                "the {what} time is {value} s, but a run time must be a positive, finite number \
                 of seconds"
            ),
            LawError::TooFewThreads(p) => write!(
                f,
                "the thread count is {p}, but the laws need at least 1 thread (a finite number)"
            ),
            LawError::NotAFraction(value) => write!(
                f,
                "the parallel fraction is {value}, but a fraction of the run time lies between \
                 0 and 1"
            ),
            LawError::NotASpeedup(value) => write!(
                f,
                "the speedup is {value}, but a speedup is a positive, finite ratio of two times"
            ),
            LawError::OneThread => write!(
                f,
                "Karp–Flatt needs a run on more than 1 thread: at 1 thread its formula divides \
                 by zero"
            ),
        }
    }
}

impl std::error::Error for LawError {}

fn time(what: &'static str, value: f64) -> Result<f64, LawError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(LawError::NotATime { what, value })
    }
}

fn threads(p: f64) -> Result<f64, LawError> {
    if p.is_finite() && p >= 1.0 {
        Ok(p)
    } else {
        Err(LawError::TooFewThreads(p))
    }
}

fn fraction(f: f64) -> Result<f64, LawError> {
    if (0.0..=1.0).contains(&f) {
        Ok(f)
    } else {
        Err(LawError::NotAFraction(f))
    }
}

// ANCHOR: speedup
/// Speedup `S = T1 / Tp`: how many times faster the parallel run is than the serial one.
pub fn speedup(serial: f64, parallel: f64) -> Result<f64, LawError> {
    Ok(time("serial", serial)? / time("parallel", parallel)?)
}
// ANCHOR_END: speedup

/// Efficiency `E = S / p`: the share of the `p` threads' time that did useful work.
pub fn efficiency(serial: f64, parallel: f64, p: f64) -> Result<f64, LawError> {
    let p = threads(p)?;
    Ok(speedup(serial, parallel)? / p)
}

// ANCHOR: amdahl
/// Amdahl's law: the speedup on `p` threads of a program whose parallel fraction is `f`,
/// `S(p) = 1 / ((1 - f) + f / p)`.
pub fn amdahl(f: f64, p: f64) -> Result<f64, LawError> {
    let (f, p) = (fraction(f)?, threads(p)?);
    Ok(1.0 / ((1.0 - f) + f / p))
}

/// The most Amdahl's law allows with unlimited threads: `1 / (1 - f)`, infinite for `f = 1`.
pub fn amdahl_limit(f: f64) -> Result<f64, LawError> {
    Ok(1.0 / (1.0 - fraction(f)?))
}
// ANCHOR_END: amdahl

// ANCHOR: gustafson
/// Gustafson's scaled speedup: `S(p) = (1 - f) + f * p`, where `f` is the parallel fraction of
/// the run on `p` threads, whose problem grew with `p`.
pub fn gustafson(f: f64, p: f64) -> Result<f64, LawError> {
    let (f, p) = (fraction(f)?, threads(p)?);
    Ok((1.0 - f) + f * p)
}

/// Karp–Flatt's experimentally determined serial fraction, from a measured speedup on `p`
/// threads: `e = (1/S - 1/p) / (1 - 1/p)`.
pub fn karp_flatt(speedup: f64, p: f64) -> Result<f64, LawError> {
    if !(speedup.is_finite() && speedup > 0.0) {
        return Err(LawError::NotASpeedup(speedup));
    }
    let p = threads(p)?;
    if p == 1.0 {
        return Err(LawError::OneThread);
    }
    Ok((1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p))
}
// ANCHOR_END: gustafson
