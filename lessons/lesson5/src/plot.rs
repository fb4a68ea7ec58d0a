//! Exercise 5: time and speedup against the thread count, as one SVG picture.
//!
//! plotters draws into a `String` through its SVG backend, which needs no system library and no
//! font files, so the picture can go straight into the book or a file.

use std::fmt;

use crate::fit::AmdahlFit;

/// What [`scaling_svg`] draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalingChart<'a> {
    /// The caption over both panels.
    pub title: &'a str,
    /// `T1`: the serial run's time in seconds, the baseline every speedup divides.
    pub serial_seconds: f64,
    /// The measured `(threads, seconds)` points.
    pub measured: &'a [(usize, f64)],
    /// Amdahl's model fitted to the points, drawn as a curve in both panels when given.
    pub fit: Option<AmdahlFit>,
}

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum PlotError {
    /// There is no measured point to draw.
    NoPoints,
    /// A point with 0 threads or a time that is not a positive, finite number of seconds.
    BadPoint {
        /// Its position in `measured`.
        index: usize,
        /// Its thread count.
        threads: usize,
        /// Its time.
        seconds: f64,
    },
    /// The serial time is not a positive, finite number of seconds.
    BadSerialTime(f64),
    /// The fit's time is not positive and finite, or its fraction is outside `0..=1`.
    BadFit(AmdahlFit),
    /// plotters failed; holds its message.
    Draw(String),
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlotError::NoPoints => write!(f, "the chart has no measured point to draw"),
            PlotError::BadPoint {
                index,
                threads,
                seconds,
            } => write!(
                f,
                "point {index} is ({threads} threads, {seconds} s): a point needs at least 1 \
                 thread and a positive, finite time"
            ),
            PlotError::BadSerialTime(seconds) => write!(
                f,
                "the serial time is {seconds} s: the baseline of a speedup must be a positive, \
                 finite time"
            ),
            PlotError::BadFit(fit) => write!(
                f,
                "the fit {fit:?} cannot be drawn: it needs a positive serial time and a parallel \
                 fraction between 0 and 1"
            ),
            PlotError::Draw(message) => write!(f, "plotters could not draw the chart: {message}"),
        }
    }
}

impl std::error::Error for PlotError {}

// ANCHOR: scaling_svg
/// Draws `chart` as one SVG document, two panels side by side:
///
/// - left, "time": the measured times against threads, each point marked with a `Circle`
///   and joined by a line;
/// - right, "speedup": `serial_seconds / seconds` against threads, marked the same way, with
///   the ideal line `S = p` from 1 to the most threads; y axis described as `speedup`;
/// - both x axes described as `threads`;
/// - when `fit` is given, its Amdahl curve on both panels (the predicted time on the left, the
///   predicted speedup on the right), drawn at fractional thread counts so it looks smooth;
/// - a legend on each panel naming the series `measured`, `ideal, S = p` and
///   `Amdahl fit, f = 0.850` (f to 3 decimals).
///
/// Errors, checked before drawing and in this order: [`PlotError::NoPoints`],
/// [`PlotError::BadPoint`] for the first point with 0 threads or a time that is not positive
/// and finite, [`PlotError::BadSerialTime`], [`PlotError::BadFit`] for a fit whose time is not
/// positive and finite or whose fraction is outside `0..=1`; [`PlotError::Draw`] if plotters
/// fails.
///
/// Hint: `SVGBackend::with_string(&mut text, (960, 420)).into_drawing_area()`, `titled`,
/// `split_horizontally`, then a `ChartBuilder` per panel; drop the drawing area (end its scope)
/// before returning the string it borrows.
pub fn scaling_svg(chart: &ScalingChart<'_>) -> Result<String, PlotError> {
    let _ = chart;
    todo!("Exercise 5.5: read book/src/lesson5.md#plot")
}
// ANCHOR_END: scaling_svg
