//! Exercise 5: time and speedup against the thread count, as one SVG picture.
//!
//! plotters draws into a `String` through its SVG backend, which needs no system library and no
//! font files, so the picture can go straight into the book or a file.

pub use crate::errors::PlotError;
pub use crate::types::ScalingChart;

// ANCHOR: scaling_svg
/// Draws `chart` as one SVG document of 960 × 420 pixels, titled `chart.title`, with two panels
/// side by side, each filling one half of the picture (the left one holds `x < 480`):
///
/// - left, "time": the measured `(threads, seconds)` points, each marked with a `Circle`
///   centred on it, and a line joining them in the order given;
/// - right, "speedup": the points `(threads, serial_seconds / seconds)`, marked and joined the
///   same way, and the ideal line `S = p` from `p = 1` to the most threads;
/// - on both, linear axes (values grow to the right and upwards), the x axis described as
///   `threads`, the y axis described by a text starting with `time` on the left and with
///   `speedup` on the right (plotters' `x_desc` and `y_desc` put them under the x axis and
///   beside the y axis);
/// - when `fit` is given, its Amdahl curve on both panels: the predicted time `fit.predict(p)`
///   on the left, the predicted speedup `1 / ((1 - f) + f / p)` on the right, each one line
///   through at least 50 thread counts from `p = 1` to the most threads, so it looks smooth;
/// - a legend on each panel naming its series: `measured` on both, `ideal, S = p` on the right
///   and, with a fit, `Amdahl fit, f = 0.850` (f to 3 decimals) on both.
///
/// The tests read the SVG back: they find each panel's circles, check that they sit where the
/// data says on linear axes, and check each line and label against them.
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
