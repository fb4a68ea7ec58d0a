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

// ANCHOR: speedup
/// Speedup `S = T1 / Tp`: how many times faster the parallel run (`parallel` seconds) is than
/// the serial one (`serial` seconds). Below 1 when the parallel run is slower.
///
/// Errors: [`LawError::NotATime`] naming `"serial"` or `"parallel"` when that time is not a
/// positive, finite number (check `serial` first).
pub fn speedup(serial: f64, parallel: f64) -> Result<f64, LawError> {
    let _ = (serial, parallel);
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}
// ANCHOR_END: speedup

/// Efficiency `E = S / p`: the share of the `p` threads' time that did useful work; 1 is ideal.
///
/// Errors: [`LawError::TooFewThreads`] when `p` is below 1 or not finite (checked first), then
/// those of [`speedup`].
pub fn efficiency(serial: f64, parallel: f64, p: f64) -> Result<f64, LawError> {
    let _ = (serial, parallel, p);
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}

// ANCHOR: amdahl
/// Amdahl's law: the speedup on `p` threads of a program whose *parallel* fraction is `f`,
/// `S(p) = 1 / ((1 - f) + f / p)`. The serial part `1 - f` takes as long as ever; only the
/// parallel part is divided among the threads.
///
/// `p` is a thread count; fractional values are allowed so a curve can be drawn smoothly.
/// Errors: [`LawError::NotAFraction`] when `f` is outside `0..=1` (checked first),
/// [`LawError::TooFewThreads`] when `p` is below 1 or not finite.
pub fn amdahl(f: f64, p: f64) -> Result<f64, LawError> {
    let _ = (f, p);
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}

/// The most Amdahl's law allows with unlimited threads: `1 / (1 - f)`, which is `+∞` for
/// `f = 1`. Errors: [`LawError::NotAFraction`] when `f` is outside `0..=1`.
pub fn amdahl_limit(f: f64) -> Result<f64, LawError> {
    let _ = f;
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}
// ANCHOR_END: amdahl

// ANCHOR: gustafson
/// Gustafson's scaled speedup, `S(p) = (1 - f) + f * p`: here `f` is the parallel fraction of
/// the run *on `p` threads*, whose problem grew with `p` so that the run takes as long as before.
///
/// Errors: as for [`amdahl`].
pub fn gustafson(f: f64, p: f64) -> Result<f64, LawError> {
    let _ = (f, p);
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}

/// Karp–Flatt's experimentally determined serial fraction, from a speedup measured on `p`
/// threads: `e = (1/S - 1/p) / (1 - 1/p)`. For a program that follows Amdahl's law it is exactly
/// `1 - f`; if `e` grows with `p`, the overhead grows with the thread count.
///
/// Errors, in this order: [`LawError::NotASpeedup`] when `speedup` is not positive and finite,
/// [`LawError::TooFewThreads`] when `p` is below 1 or not finite, [`LawError::OneThread`] when
/// `p` is exactly 1 (the formula would divide by zero).
pub fn karp_flatt(speedup: f64, p: f64) -> Result<f64, LawError> {
    let _ = (speedup, p);
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}
// ANCHOR_END: gustafson
