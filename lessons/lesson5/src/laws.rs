//! Exercise 1: the laws of speedup, as functions that refuse nonsense.
//!
//! `f` is always the *parallel* fraction: the share of the one-thread run time that more threads
//! can shorten. The rest, `1 - f`, stays serial however many threads there are.

pub use crate::errors::LawError;

// ANCHOR: speedup
/// Speedup `S = T1 / Tp`: how many times faster the parallel run (`parallel` seconds) is than
/// the serial one (`serial` seconds). Below 1 when the parallel run is slower.
///
/// Errors: [`LawError::NotATime`] naming `"serial"` or `"parallel"` when that time is not a
/// positive, finite number (0, negative, NaN or infinite). When both are bad, `"serial"` is
/// named: check `serial` first.
pub fn speedup(serial: f64, parallel: f64) -> Result<f64, LawError> {
    let _ = (serial, parallel);
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}
// ANCHOR_END: speedup

/// Efficiency `E = S / p`: the share of the `p` threads' time that did useful work; 1 is ideal.
///
/// Errors, the first that applies: [`LawError::TooFewThreads`] when `p` is below 1 or not
/// finite (NaN or infinite), then those of [`speedup`]. So `efficiency(0.0, 1.0, 0.0)` is
/// `TooFewThreads(0.0)`.
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
/// Errors, the first that applies: [`LawError::NotAFraction`] when `f` is outside `0..=1`
/// (NaN included), then [`LawError::TooFewThreads`] when `p` is below 1 or not finite (NaN or
/// infinite: the speedup with unlimited threads is [`amdahl_limit`]). So `amdahl(2.0, 0.5)` is
/// `NotAFraction(2.0)`.
pub fn amdahl(f: f64, p: f64) -> Result<f64, LawError> {
    let _ = (f, p);
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}

/// The most Amdahl's law allows with unlimited threads: `1 / (1 - f)`, which is `+∞` for
/// `f = 1`. Errors: [`LawError::NotAFraction`] when `f` is outside `0..=1` (NaN included).
pub fn amdahl_limit(f: f64) -> Result<f64, LawError> {
    let _ = f;
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}
// ANCHOR_END: amdahl

// ANCHOR: gustafson
/// Gustafson's scaled speedup, `S(p) = (1 - f) + f * p`: here `f` is the parallel fraction of
/// the run *on `p` threads*, whose problem grew with `p` so that the run takes as long as before.
///
/// Errors: as for [`amdahl`], in the same order.
pub fn gustafson(f: f64, p: f64) -> Result<f64, LawError> {
    let _ = (f, p);
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}

/// Karp–Flatt's experimentally determined serial fraction, from a speedup measured on `p`
/// threads: `e = (1/S - 1/p) / (1 - 1/p)`. For a program that follows Amdahl's law it is exactly
/// `1 - f`; if `e` grows with `p`, the overhead grows with the thread count.
///
/// Errors, the first that applies: [`LawError::NotASpeedup`] when `speedup` is not positive
/// and finite (0, negative, NaN or infinite), [`LawError::TooFewThreads`] when `p` is below 1
/// or not finite (NaN or infinite), [`LawError::OneThread`] when `p` is exactly 1 (the formula
/// would divide by zero). So `karp_flatt(0.0, 0.5)` is `NotASpeedup(0.0)`.
pub fn karp_flatt(speedup: f64, p: f64) -> Result<f64, LawError> {
    let _ = (speedup, p);
    todo!("Exercise 5.1: read book/src/lesson5.md#laws")
}
// ANCHOR_END: gustafson
