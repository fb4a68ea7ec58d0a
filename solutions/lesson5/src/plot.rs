//! Exercise 5: time and speedup against the thread count, as one SVG picture.
//!
//! plotters draws into a `String` through its SVG backend, which needs no system library and no
//! font files, so the picture can go straight into the book or a file.

pub use crate::errors::PlotError;
pub use crate::types::ScalingChart;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::laws::amdahl;
use crate::types::AmdahlFit;

/// The size of the picture in pixels: two panels side by side.
const SIZE: (u32, u32) = (960, 420);
/// Points on a fitted curve, enough for it to look smooth at any thread count.
const CURVE_POINTS: usize = 200;
/// Labels on a threads axis at most, so a thousand threads do not make a thousand labels.
const MOST_LABELS: usize = 12;

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
    check(chart)?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let root = root
            .titled(chart.title, ("sans-serif", 22))
            .map_err(draw_error)?;
        let (left, right) = root.split_horizontally(SIZE.0 / 2);
        time_panel(&left, chart).map_err(draw_error)?;
        speedup_panel(&right, chart).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}
// ANCHOR_END: scaling_svg

fn check(chart: &ScalingChart<'_>) -> Result<(), PlotError> {
    if chart.measured.is_empty() {
        return Err(PlotError::NoPoints);
    }
    for (index, &(threads, seconds)) in chart.measured.iter().enumerate() {
        if threads == 0 || !positive(seconds) {
            return Err(PlotError::BadPoint {
                index,
                threads,
                seconds,
            });
        }
    }
    if !positive(chart.serial_seconds) {
        return Err(PlotError::BadSerialTime(chart.serial_seconds));
    }
    if let Some(fit) = chart.fit
        && (!positive(fit.serial_time) || !(0.0..=1.0).contains(&fit.parallel_fraction))
    {
        return Err(PlotError::BadFit(fit));
    }
    Ok(())
}

fn positive(seconds: f64) -> bool {
    seconds.is_finite() && seconds > 0.0
}

fn draw_error(error: impl std::error::Error) -> PlotError {
    PlotError::Draw(error.to_string())
}

type Panel<'a, 'b> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult =
    Result<(), DrawingAreaErrorKind<<SVGBackend<'static> as DrawingBackend>::ErrorType>>;

fn most_threads(chart: &ScalingChart<'_>) -> f64 {
    chart.measured.iter().map(|&(p, _)| p).max().unwrap_or(1) as f64
}

/// Thread counts from 1 to `max`, finely spaced, for drawing a curve.
fn curve_threads(max: f64) -> impl Iterator<Item = f64> {
    (0..=CURVE_POINTS).map(move |step| 1.0 + (max - 1.0) * step as f64 / CURVE_POINTS as f64)
}

/// An empty panel with threads from 1 to `max_p` across and 0 to `top` up.
fn panel<'a, 'b>(
    area: &'a Panel<'b, '_>,
    caption: &str,
    max_p: f64,
    top: f64,
) -> Result<Plot<'a, 'b>, DrawingAreaErrorKind<std::io::Error>> {
    ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0.5..max_p + 0.5, 0.0..top)
}

fn time_panel(area: &Panel<'_, '_>, chart: &ScalingChart<'_>) -> DrawResult {
    let max_p = most_threads(chart);
    let highest = chart
        .measured
        .iter()
        .map(|&(_, seconds)| seconds)
        .fold(chart.serial_seconds, f64::max);
    // Headroom above the highest point keeps the legend in the upper right off the data.
    let mut plot = panel(area, "time", max_p, highest * 1.5)?;
    let (scale, unit) = time_unit(highest);
    plot.configure_mesh()
        .x_desc("threads")
        .y_desc("time per run")
        .x_labels((max_p as usize + 1).min(MOST_LABELS))
        .x_label_formatter(&whole_numbers)
        .y_label_formatter(&|&seconds| {
            let value = seconds * scale;
            if value == 0.0 || value >= 10.0 {
                format!("{value:.0} {unit}")
            } else {
                format!("{value:.1} {unit}")
            }
        })
        .draw()?;
    let points: Vec<(f64, f64)> = chart
        .measured
        .iter()
        .map(|&(p, seconds)| (p as f64, seconds))
        .collect();
    measured_series(&mut plot, &points)?;
    if let Some(fit) = chart.fit {
        let curve = curve_threads(max_p).map(|p| (p, fit.predict(p)));
        fit_series(&mut plot, curve, &fit)?;
    }
    legend(&mut plot, SeriesLabelPosition::UpperRight)
}

fn speedup_panel(area: &Panel<'_, '_>, chart: &ScalingChart<'_>) -> DrawResult {
    let max_p = most_threads(chart);
    let points: Vec<(f64, f64)> = chart
        .measured
        .iter()
        .map(|&(p, seconds)| (p as f64, chart.serial_seconds / seconds))
        .collect();
    let highest = points.iter().map(|&(_, s)| s).fold(max_p, f64::max);
    let mut plot = panel(area, "speedup", max_p, highest * 1.15)?;
    plot.configure_mesh()
        .x_desc("threads")
        .y_desc("speedup T1/Tp")
        .x_labels((max_p as usize + 1).min(MOST_LABELS))
        .x_label_formatter(&whole_numbers)
        .draw()?;
    plot.draw_series(LineSeries::new(
        [(1.0, 1.0), (max_p, max_p)],
        BLACK.mix(0.4).stroke_width(1),
    ))?
    .label("ideal, S = p")
    .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.mix(0.4)));
    measured_series(&mut plot, &points)?;
    if let Some(fit) = chart.fit {
        let curve = curve_threads(max_p)
            .filter_map(|p| amdahl(fit.parallel_fraction, p).ok().map(|s| (p, s)));
        fit_series(&mut plot, curve, &fit)?;
    }
    // Speedups stay under the ideal diagonal, which starts low: the upper left stays free.
    legend(&mut plot, SeriesLabelPosition::UpperLeft)
}

type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn measured_series<'a, 'b: 'a>(plot: &mut Plot<'a, 'b>, points: &[(f64, f64)]) -> DrawResult {
    plot.draw_series(LineSeries::new(points.iter().copied(), BLUE))?
        .label("measured")
        .legend(|(x, y)| Circle::new((x + 10, y), 4, BLUE.filled()));
    plot.draw_series(
        points
            .iter()
            .map(|&point| Circle::new(point, 4, BLUE.filled())),
    )?;
    Ok(())
}

fn fit_series<'a, 'b: 'a>(
    plot: &mut Plot<'a, 'b>,
    curve: impl Iterator<Item = (f64, f64)>,
    fit: &AmdahlFit,
) -> DrawResult {
    plot.draw_series(LineSeries::new(curve, RED.stroke_width(2)))?
        .label(format!("Amdahl fit, f = {:.3}", fit.parallel_fraction))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
    Ok(())
}

fn legend<'a, 'b: 'a>(plot: &mut Plot<'a, 'b>, corner: SeriesLabelPosition) -> DrawResult {
    plot.configure_series_labels()
        .position(corner)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
}

/// The unit that keeps a time axis reaching up to `highest` seconds readable.
fn time_unit(highest: f64) -> (f64, &'static str) {
    if highest >= 1.0 {
        (1.0, "s")
    } else if highest >= 1e-3 {
        (1e3, "ms")
    } else {
        (1e6, "µs")
    }
}

fn whole_numbers(x: &f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        String::new()
    }
}
