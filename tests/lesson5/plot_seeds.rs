//! Speedup pictures of the seed experiments, for `cargo xtask seeds --plot DIR`.
//!
//! Reads the JSON lines that `cargo xtask seeds --json` prints (one measurement per line, with
//! its `lesson`, the seed's numbers under `published` and the reference's recorded ones under
//! `reference`, where there are some) and writes one SVG per picture it finds in them:
//!
//! - `lessonL-EXPERIMENT-by-size.svg` for an experiment measured at several sizes on one thread
//!   count: speedup against the size, this run next to the seed's and the reference's numbers;
//! - `lessonL-EXPERIMENT-nN-by-threads.svg` for a size measured on several thread counts: the
//!   parallel time and the speedup against threads, with Amdahl's law fitted to the times by
//!   this crate's `fit_amdahl` (exercise 2: until it is written the pictures have no fit).
//!
//! Every speedup is the serial time divided by the parallel time, as in the table of `cargo
//! xtask seeds`; a by-threads picture divides all its parallel times by one serial time (the
//! median of its rows'), and draws the fitted curve on that same baseline, `serial / T(p)` with
//! the fitted `T(p)`, so the curve runs through the points it was fitted to. p threads do at
//! most p times the work of one, so a speedup above the thread count (by seedkit's rule) is no
//! result: it is drawn as a cross, a measurement error, off the line and out of the fit. An axis
//! whose values span more than [`LOG_ABOVE`] times is logarithmic.
//!
//! Usage: `cargo run --release -p lesson5 --example lesson5-plot-seeds -- ROWS.jsonl DIR`. It
//! prints the path of every file it writes.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use seedkit::{SPEEDUP_TOLERANCE, grouped, human_seconds, is_measurement_error};
use serde::Deserialize;
use subject::{AmdahlFit, FitError, fit_amdahl};

#[cfg(test)]
mod svg;

/// One line of `cargo xtask seeds --json`.
#[derive(Debug, Clone, Deserialize)]
struct Row {
    lesson: u32,
    /// The crate that ran: `lessonN` (the student's) or `lessonN-solution`.
    package: Option<String>,
    seed: String,
    experiment: String,
    n: u64,
    threads: usize,
    serial_s: f64,
    parallel_s: f64,
    #[serde(default)]
    measurement_error: bool,
    published: Option<Published>,
    reference: Option<Reference>,
}

impl Row {
    /// Serial time over parallel time, as the table shows it.
    fn speedup(&self) -> f64 {
        self.serial_s / self.parallel_s
    }

    /// Whether `speedup`, this row's or one over another baseline, is impossible here.
    fn impossible(&self, speedup: f64) -> bool {
        self.measurement_error || is_measurement_error(speedup, self.threads)
    }

    /// Who this run measured, for a legend.
    fn who(&self) -> &'static str {
        match &self.package {
            Some(package) if package.ends_with("-solution") => "the reference, this run",
            Some(_) => "your code, this run",
            None => "this run",
        }
    }
}

/// What the seed itself reported for the same experiment and size.
#[derive(Debug, Clone, Deserialize)]
struct Published {
    serial_s: Option<f64>,
    parallel_s: Option<f64>,
    speedup: Option<f64>,
    processes: Option<u32>,
    cores: Option<u32>,
}

impl Published {
    /// The speedup as the seed printed it, or else as its two times give it.
    fn speedup(&self) -> Option<f64> {
        self.speedup
            .or_else(|| Some(self.serial_s? / self.parallel_s?))
    }
}

/// The reference solution's recorded measurement of the same experiment and size.
#[derive(Debug, Clone, Deserialize)]
struct Reference {
    threads: usize,
    serial_s: f64,
    parallel_s: f64,
    #[serde(default)]
    measurement_error: bool,
}

impl Reference {
    /// `(threads, speedup)`, unless the recording is a measurement error.
    fn point(&self) -> Option<(f64, f64)> {
        let speedup = self.serial_s / self.parallel_s;
        let plausible = !self.measurement_error && !is_measurement_error(speedup, self.threads);
        plausible.then_some((self.threads as f64, speedup))
    }
}

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Reads the rows named by the first argument and writes the pictures into the second.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rows, dir] = args.as_slice() else {
        eprintln!(
            "usage: lesson5-plot-seeds ROWS.jsonl DIR: ROWS.jsonl holds the lines of `cargo \
             xtask seeds --json`, DIR is where the SVGs go"
        );
        return ExitCode::from(2);
    };
    match run(Path::new(rows), Path::new(dir)) {
        Ok(written) => {
            for path in written {
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(rows_path: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let text = std::fs::read_to_string(rows_path)
        .map_err(|e| format!("could not read {}: {e}", rows_path.display()))?;
    let rows = parse_rows(&text).map_err(|e| format!("{}: {e}", rows_path.display()))?;
    std::fs::create_dir_all(dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    let mut fitter = Fitter::default();
    let pictures = pictures(&rows, &mut fitter)?;
    if let Some(why) = &fitter.unavailable {
        eprintln!("note: the pictures have no Amdahl fit: {why}");
    }
    let mut written = Vec::new();
    for (name, svg) in pictures {
        let path = dir.join(name);
        std::fs::write(&path, svg)
            .map_err(|e| format!("could not write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// The measurement lines of `text`, each checked; a bad one is named by its line number.
fn parse_rows(text: &str) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = index + 1;
        let row: Row = serde_json::from_str(line).map_err(|e| {
            format!("line {at} is not a measurement line of `cargo xtask seeds --json`: {e}")
        })?;
        for (field, seconds) in [("serial_s", row.serial_s), ("parallel_s", row.parallel_s)] {
            if !(seconds.is_finite() && seconds > 0.0) {
                return Err(format!(
                    "line {at}: `{field}` is {seconds}, but a time is a positive number of seconds"
                )
                .into());
            }
        }
        if row.threads == 0 || row.n == 0 {
            return Err(format!("line {at}: `threads` and `n` must be at least 1").into());
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err("holds no measurement line, so there is nothing to draw".into());
    }
    Ok(rows)
}

/// Every picture the rows make, as (file name, SVG text), in the order of lesson and experiment.
fn pictures(rows: &[Row], fitter: &mut Fitter) -> Result<Vec<(String, String)>> {
    let mut experiments: BTreeMap<(u32, &str, &str), Vec<&Row>> = BTreeMap::new();
    for row in rows {
        let key = (row.lesson, row.seed.as_str(), row.experiment.as_str());
        experiments.entry(key).or_default().push(row);
    }
    let mut out = Vec::new();
    for ((lesson, _, experiment), rows) in &experiments {
        let name = format!("lesson{lesson}-{experiment}");
        if let Some(picture) = BySize::new(rows) {
            out.push((format!("{name}-by-size.svg"), picture.draw()?));
        }
        let mut sizes: BTreeMap<u64, Vec<&Row>> = BTreeMap::new();
        for &row in rows {
            sizes.entry(row.n).or_default().push(row);
        }
        for (n, rows) in sizes {
            if let Some(picture) = ByThreads::new(&rows, fitter) {
                out.push((format!("{name}-n{n}-by-threads.svg"), picture.draw()?));
            }
        }
    }
    Ok(out)
}

/// Above this ratio between the largest and the smallest value, an axis is logarithmic.
const LOG_ABOVE: f64 = 20.0;

/// The size of every picture in pixels: the book's content width, so it is shown at this size.
const SIZE: (u32, u32) = (900, 500);
/// Font sizes as plotters takes them. Its SVG backend writes `size / 1.24` pixels, so the
/// smallest, 17, is 13.7 px text at the picture's own size.
const TITLE_FONT: f64 = 24.0;
const CAPTION_FONT: f64 = 20.0;
const DESC_FONT: f64 = 18.0;
const LABEL_FONT: f64 = 17.0;
/// Points on a drawn curve, enough for it to look smooth on either scale.
const CURVE_POINTS: usize = 120;

const HERE: RGBColor = RGBColor(31, 91, 181);
const FIT: RGBColor = RGBColor(226, 112, 0);
const SEED: RGBColor = RGBColor(128, 56, 160);
const REFERENCE: RGBColor = RGBColor(0, 136, 86);
const ERROR: RGBColor = RGBColor(214, 0, 0);
const GUIDE: RGBColor = RGBColor(110, 110, 110);

/// What an axis measures, which decides how its ticks read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// Thread counts, sizes and speedups: numbers, digits grouped.
    Number,
    /// Times in seconds, shown in s, ms, µs or ns.
    Seconds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scale {
    Linear,
    Log,
}

/// One axis: its scale, its range (the value itself on a linear axis, its base-10 logarithm on
/// a log one) and its ticks. plotters hands it values as they are and asks where they go.
#[derive(Debug, Clone, PartialEq)]
struct Axis {
    scale: Scale,
    unit: Unit,
    low: f64,
    high: f64,
    ticks: Vec<f64>,
}

impl Axis {
    /// An axis that shows every one of `values` (positive, at least one): linear from 0, or
    /// logarithmic when they span more than [`LOG_ABOVE`] times.
    fn covering(values: &[f64], unit: Unit) -> Axis {
        let (low, high) = span(values);
        if high / low > LOG_ABOVE {
            Axis::log(low, high, unit)
        } else {
            let top = high * 1.12;
            Axis {
                scale: Scale::Linear,
                unit,
                low: 0.0,
                high: top,
                ticks: linear_ticks(0.0, top, false),
            }
        }
    }

    /// A thread-count axis that shows every count of `counts`: linear with whole-number
    /// ticks, or logarithmic when the counts span more than [`LOG_ABOVE`] times.
    fn threads(counts: &[f64]) -> Axis {
        let (low, high) = span(counts);
        if high / low > LOG_ABOVE {
            Axis::log(low, high, Unit::Number)
        } else {
            Axis {
                scale: Scale::Linear,
                unit: Unit::Number,
                low: 0.5,
                high: high + 0.5,
                ticks: linear_ticks(0.5, high + 0.5, true),
            }
        }
    }

    /// A log axis from a little below `low` to a little above `high` (out to the next power of
    /// ten when that is near, so an end has a tick), with a tick at every power of ten, and at 2
    /// and 5 times each when it spans less than 2.5 decades.
    fn log(low: f64, high: f64, unit: Unit) -> Axis {
        let (low, high) = (low.log10(), high.log10());
        let pad = 0.15 + 0.04 * (high - low);
        let low = (low - pad).min(if low - low.floor() <= 0.5 {
            low.floor()
        } else {
            low
        });
        let high = (high + pad).max(if high.ceil() - high <= 0.5 {
            high.ceil()
        } else {
            high
        });
        let multiples: &[f64] = if high - low < 2.5 {
            &[1.0, 2.0, 5.0]
        } else {
            &[1.0]
        };
        let mut ticks = Vec::new();
        for decade in low.floor() as i32..=high.ceil() as i32 {
            for &m in multiples {
                let tick = m * 10f64.powi(decade);
                if (low..=high).contains(&tick.log10()) {
                    ticks.push(tick);
                }
            }
        }
        Axis {
            scale: Scale::Log,
            unit,
            low,
            high,
            ticks,
        }
    }

    /// `value` on the axis's own scale.
    fn at(&self, value: f64) -> f64 {
        match self.scale {
            Scale::Linear => value,
            Scale::Log => value.log10(),
        }
    }

    /// The value at `at` on the axis's own scale.
    fn value(&self, at: f64) -> f64 {
        match self.scale {
            Scale::Linear => at,
            Scale::Log => 10f64.powf(at),
        }
    }

    /// The first and the last value the axis shows.
    fn ends(&self) -> (f64, f64) {
        (self.value(self.low), self.value(self.high))
    }

    /// Where `value` lies along the axis, from 0 at its start to 1 at its end.
    fn share(&self, value: f64) -> f64 {
        (self.at(value) - self.low) / (self.high - self.low)
    }

    /// `count + 1` values from `from` to `to`, evenly spaced as this axis draws them.
    fn samples(&self, from: f64, to: f64, count: usize) -> Vec<f64> {
        let (a, b) = (self.at(from), self.at(to));
        (0..=count)
            .map(|step| self.value(a + (b - a) * step as f64 / count as f64))
            .collect()
    }

    /// The tick label of `value`.
    fn label(&self, value: f64) -> String {
        match (self.unit, self.scale) {
            (Unit::Seconds, Scale::Log) => {
                let (scale, unit) = time_unit(value);
                format!(
                    "{} {unit}",
                    number(value * scale, decimals_of(value * scale))
                )
            }
            (Unit::Seconds, Scale::Linear) => {
                let (scale, unit) = time_unit(self.value(self.high));
                format!("{} {unit}", number(value * scale, self.decimals(scale)))
            }
            (Unit::Number, Scale::Log) => number(value, decimals_of(value)),
            (Unit::Number, Scale::Linear) => number(value, self.decimals(1.0)),
        }
    }

    /// Decimals that tell a linear axis's ticks apart, for values multiplied by `scale`.
    fn decimals(&self, scale: f64) -> usize {
        match self.ticks.as_slice() {
            [first, second, ..] => decimals_of((second - first) * scale),
            _ => 0,
        }
    }
}

impl Ranged for Axis {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn map(&self, value: &f64, (from, to): (i32, i32)) -> i32 {
        from + (self.share(*value) * f64::from(to - from)).round() as i32
    }

    /// The ticks, for the grid's lines and labels; no lighter lines between them.
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        let (first, last) = self.ends();
        first..last
    }
}

/// The smallest and the largest of `values`.
fn span(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(low, high), &v| {
            (low.min(v), high.max(v))
        })
}

/// Ticks at a round step (1, 2 or 5 times a power of ten) from `low` to `high`, about six of
/// them; for a thread axis (`whole`), whole numbers from 1 on.
fn linear_ticks(low: f64, high: f64, whole: bool) -> Vec<f64> {
    let rough = (high - low) / 6.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&step| step >= rough)
        .unwrap_or(10.0 * magnitude);
    let step = if whole { step.round().max(1.0) } else { step };
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last)
        .map(|k| k as f64 * step)
        .filter(|&tick| !whole || tick >= 1.0)
        .collect()
}

/// Decimals that show `value`'s first significant digit.
fn decimals_of(value: f64) -> usize {
    if value >= 1.0 || value <= 0.0 {
        0
    } else {
        (-value.log10().floor()) as usize
    }
}

/// `value` (not negative) with `decimals` decimals and its whole part's digits grouped as the
/// course prints sizes: `1,000,000`, `0.001`, `2.5`.
fn number(value: f64, decimals: usize) -> String {
    let text = format!("{:.decimals$}", value.max(0.0));
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole = grouped(whole.parse().unwrap_or(0));
    if fraction.is_empty() {
        whole
    } else {
        format!("{whole}.{fraction}")
    }
}

/// The unit that shows `seconds` with a whole part: s, ms, µs or ns, and its factor.
fn time_unit(seconds: f64) -> (f64, &'static str) {
    if seconds >= 1.0 {
        (1.0, "s")
    } else if seconds >= 1e-3 {
        (1e3, "ms")
    } else if seconds >= 1e-6 {
        (1e6, "µs")
    } else {
        (1e9, "ns")
    }
}

/// `1 thread`, `2 threads`, `10,000 threads`.
fn plural(count: usize, what: &str) -> String {
    let s = if count == 1 { "" } else { "s" };
    format!("{} {what}{s}", grouped(count as u64))
}

thread_local! {
    /// Set while [`Fitter::attempt`] runs this crate's code, whose `todo!` is expected.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Calls this crate's `fit_amdahl` and `AmdahlFit::predict`. Until exercise 2 is done they
/// panic with `not yet implemented`: the pictures then come out without a fit, and the reason
/// is kept to be said once.
#[derive(Debug, Default)]
struct Fitter {
    unavailable: Option<String>,
}

/// A fit and its predicted times, `(threads, seconds)`.
type FitResult = std::result::Result<(AmdahlFit, Vec<(f64, f64)>), FitError>;

/// The Amdahl fit of one picture, or why there is none.
#[derive(Debug, Clone, PartialEq)]
enum Fitted {
    /// The fit and its predicted time at each of the curve's thread counts.
    Curve {
        fit: AmdahlFit,
        times: Vec<(f64, f64)>,
    },
    /// No fit, and the reason, for the picture's subtitle.
    None(String),
}

impl Fitter {
    /// Fits `samples` and predicts the time at each of `threads`.
    fn fit(&mut self, samples: &[(usize, f64)], threads: &[f64]) -> Fitted {
        let distinct: BTreeSet<usize> = samples.iter().map(|&(p, _)| p).collect();
        if distinct.len() < 2 {
            return Fitted::None(
                "no Amdahl fit: under two thread counts without a measurement error".into(),
            );
        }
        if self.unavailable.is_some() {
            return Fitted::None("no Amdahl fit until exercise 5.2 (fit_amdahl) is done".into());
        }
        self.attempt(|| {
            fit_amdahl(samples).map(|fit| {
                let times = threads.iter().map(|&p| (p, fit.predict(p))).collect();
                (fit, times)
            })
        })
    }

    /// Runs `fit`, which calls this crate's code, catching a panic quietly.
    fn attempt(&mut self, fit: impl FnOnce() -> FitResult) -> Fitted {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let previous = panic::take_hook();
            panic::set_hook(Box::new(move |info| {
                if !QUIET.get() {
                    previous(info);
                }
            }));
        });
        QUIET.set(true);
        let fitted = panic::catch_unwind(AssertUnwindSafe(fit));
        QUIET.set(false);
        match fitted {
            Ok(Ok((fit, times))) => Fitted::Curve { fit, times },
            Ok(Err(FitError::NotAmdahl { .. })) => {
                Fitted::None("no Amdahl fit: the times do not fall with more threads".into())
            }
            Ok(Err(error)) => Fitted::None(format!("no Amdahl fit: {error}")),
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into());
                self.unavailable = Some(if message.contains("not yet implemented") {
                    format!("this crate's fit_amdahl is not written yet ({message})")
                } else {
                    format!("this crate's fit_amdahl panicked: {message}")
                });
                Fitted::None("no Amdahl fit until exercise 5.2 (fit_amdahl) is done".into())
            }
        }
    }
}

/// One measured point of a by-threads picture.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ThreadPoint {
    threads: usize,
    parallel_s: f64,
    /// The picture's serial time over `parallel_s`.
    speedup: f64,
    impossible: bool,
}

/// Time and speedup against threads, for one experiment at one size.
#[derive(Debug, Clone, PartialEq)]
struct ByThreads {
    title: String,
    /// The baseline every speedup of the picture divides: the median of its rows' serial times.
    serial_s: f64,
    serial_runs: usize,
    /// In order of threads.
    points: Vec<ThreadPoint>,
    here_label: String,
    /// The seed's own speedups at the process counts it gave, and who they are.
    published: Vec<(f64, f64)>,
    published_label: String,
    /// The reference's recorded speedups.
    reference: Vec<(f64, f64)>,
    fitted: Fitted,
}

impl ByThreads {
    /// The picture of `rows` (one experiment at one size), if they cover two thread counts.
    fn new(rows: &[&Row], fitter: &mut Fitter) -> Option<ByThreads> {
        let first = rows.first()?;
        let counts: BTreeSet<usize> = rows.iter().map(|row| row.threads).collect();
        if counts.len() < 2 {
            return None;
        }
        let mut serial: Vec<f64> = rows.iter().map(|row| row.serial_s).collect();
        serial.sort_by(f64::total_cmp);
        let serial_s = serial[serial.len() / 2];
        let mut points: Vec<ThreadPoint> = rows
            .iter()
            .map(|row| {
                let speedup = serial_s / row.parallel_s;
                ThreadPoint {
                    threads: row.threads,
                    parallel_s: row.parallel_s,
                    speedup,
                    impossible: row.impossible(speedup) || row.impossible(row.speedup()),
                }
            })
            .collect();
        points.sort_by_key(|point| point.threads);

        let mut published = Vec::new();
        let mut cores = None;
        for entry in rows.iter().filter_map(|row| row.published.as_ref()) {
            if let (Some(processes), Some(speedup)) = (entry.processes, entry.speedup()) {
                published.push((f64::from(processes), speedup));
                cores = cores.or(entry.cores);
            }
        }
        let reference = rows
            .iter()
            .filter_map(|row| row.reference.as_ref()?.point())
            .collect();

        let samples: Vec<(usize, f64)> = points
            .iter()
            .filter(|point| !point.impossible)
            .map(|point| (point.threads, point.parallel_s))
            .collect();
        let most = counts.last().copied().unwrap_or(1) as f64;
        let curve = Axis::threads(&[1.0, most]).samples(1.0, most, CURVE_POINTS);
        Some(ByThreads {
            title: format!(
                "{}, n = {} (seed {}): time and speedup against threads",
                first.experiment,
                grouped(first.n),
                first.seed
            ),
            serial_s,
            serial_runs: rows.len(),
            points,
            here_label: first.who().to_owned(),
            published: sorted_unique(published),
            published_label: match cores {
                Some(cores) => {
                    format!("seed {}, on {}", first.seed, plural(cores as usize, "core"))
                }
                None => format!("seed {}, as published", first.seed),
            },
            reference: sorted_unique(reference),
            fitted: fitter.fit(&samples, &curve),
        })
    }

    /// The fit's speedups on the points' own baseline: the serial time over the fitted `T(p)`.
    fn fitted_speedups(&self) -> Option<Vec<(f64, f64)>> {
        match &self.fitted {
            Fitted::Curve { times, .. } => {
                Some(times.iter().map(|&(p, t)| (p, self.serial_s / t)).collect())
            }
            Fitted::None(_) => None,
        }
    }

    /// The line under the title: the baseline, and the fit or why there is none.
    fn subtitle(&self) -> String {
        let runs = if self.serial_runs > 1 {
            format!(" (median of {})", self.serial_runs)
        } else {
            String::new()
        };
        let fit = match &self.fitted {
            Fitted::Curve { fit, .. } => format!(
                "Amdahl fit to the times: f = {:.3}, T1 = {}",
                fit.parallel_fraction,
                human_seconds(fit.serial_time)
            ),
            Fitted::None(why) => why.clone(),
        };
        format!(
            "speedup = serial ÷ parallel, serial = {}{runs}; {fit}",
            human_seconds(self.serial_s)
        )
    }

    /// The threads axis from 1 to the most threads measured here or, with `others`, by the seed
    /// or the reference.
    fn thread_axis(&self, others: bool) -> Axis {
        let mut counts: Vec<f64> = self.points.iter().map(|p| p.threads as f64).collect();
        if others {
            let theirs = self.published.iter().chain(&self.reference);
            counts.extend(theirs.map(|&(p, _)| p));
        }
        counts.push(1.0);
        Axis::threads(&counts)
    }

    fn draw(&self) -> Result<String> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE)?;
            let body = root
                .titled(&self.title, ("sans-serif", TITLE_FONT))?
                .titled(&self.subtitle(), ("sans-serif", LABEL_FONT))?;
            let (left, right) = body.split_horizontally(SIZE.0 / 2);
            self.time_panel(&left)?;
            self.speedup_panel(&right)?;
            root.present()?;
        }
        Ok(svg)
    }

    fn time_panel(&self, area: &Area<'_>) -> Result<()> {
        let x = self.thread_axis(false);
        let mut times: Vec<f64> = self.points.iter().map(|p| p.parallel_s).collect();
        times.push(self.serial_s);
        if let Fitted::Curve { times: curve, .. } = &self.fitted {
            times.extend(curve.iter().map(|&(_, t)| t));
        }
        let y = Axis::covering(&times, Unit::Seconds);
        let mut panel = Panel::new(area, "parallel time", x, y, "threads", "time per run")?;
        let (first, last) = panel.x.ends();
        panel.guide(
            &[(first, self.serial_s), (last, self.serial_s)],
            Guide::Serial,
            &format!("serial run, {}", human_seconds(self.serial_s)),
        )?;
        let points: Vec<Mark> = self
            .points
            .iter()
            .map(|p| (p.threads as f64, p.parallel_s, p.impossible))
            .collect();
        panel.measured(&points, &self.here_label)?;
        if let Fitted::Curve { fit, times } = &self.fitted {
            let label = format!("Amdahl fit, f = {:.3}", fit.parallel_fraction);
            panel.curve(times, &label)?;
        }
        panel.finish()
    }

    fn speedup_panel(&self, area: &Area<'_>) -> Result<()> {
        let x = self.thread_axis(true);
        let (first, last) = x.ends();
        let fitted = self.fitted_speedups();
        let mut values: Vec<f64> = self.points.iter().map(|p| p.speedup).collect();
        values.extend(
            self.published
                .iter()
                .chain(&self.reference)
                .map(|&(_, s)| s),
        );
        values.extend(fitted.iter().flatten().map(|&(_, s)| s));
        // The ideal line shows up to the most threads measured here, and is cut at the top.
        let most_here = self.points.iter().map(|p| p.threads).max().unwrap_or(1);
        values.extend([1.0, most_here as f64]);
        let y = Axis::covering(&values, Unit::Number);
        let (_, top) = y.ends();
        let mut panel = Panel::new(
            area,
            "speedup",
            x,
            y,
            "threads",
            "speedup = serial ÷ parallel",
        )?;
        // S = p is straight when both axes have one scale; on a linear and a log one it bends.
        let steps = if panel.x.scale == panel.y.scale {
            1
        } else {
            CURVE_POINTS
        };
        let ideal: Vec<(f64, f64)> = panel
            .x
            .samples(first.max(1.0), last.min(top), steps)
            .into_iter()
            .map(|p| (p, p))
            .collect();
        panel.guide(&ideal, Guide::Ideal, "ideal, S = p")?;
        let points: Vec<Mark> = self
            .points
            .iter()
            .map(|p| (p.threads as f64, p.speedup, p.impossible))
            .collect();
        panel.measured(&points, &self.here_label)?;
        if let Some(curve) = &fitted {
            panel.curve(curve, "Amdahl fit")?;
        }
        panel.others(&self.reference, Other::Reference, "the reference, recorded")?;
        panel.others(&self.published, Other::Seed, &self.published_label)?;
        panel.finish()
    }
}

/// `points` in order of x, without repeats.
fn sorted_unique(mut points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points.dedup();
    points
}

/// Speedup against size, on the thread count measured at the most sizes, with the seed's own
/// and the reference's.
#[derive(Debug, Clone, PartialEq)]
struct BySize {
    title: String,
    threads: usize,
    /// `(n, speedup, impossible)` in order of size.
    here: Vec<Mark>,
    here_label: String,
    published: Vec<(f64, f64)>,
    published_label: String,
    reference: Vec<(f64, f64)>,
    reference_label: String,
}

impl BySize {
    /// The picture of `rows` (one experiment), if one thread count covers two sizes.
    fn new(rows: &[&Row]) -> Option<BySize> {
        let mut by_threads: BTreeMap<usize, Vec<&Row>> = BTreeMap::new();
        for &row in rows {
            by_threads.entry(row.threads).or_default().push(row);
        }
        let (threads, mut rows) = by_threads
            .into_iter()
            .max_by_key(|(_, rows)| rows.iter().map(|r| r.n).collect::<BTreeSet<_>>().len())?;
        rows.sort_by_key(|row| row.n);
        rows.dedup_by_key(|row| row.n);
        let first = *rows.first()?;
        if rows.len() < 2 {
            return None;
        }
        let here = rows
            .iter()
            .map(|row| (row.n as f64, row.speedup(), row.impossible(row.speedup())))
            .collect();
        let published = rows
            .iter()
            .filter_map(|row| Some((row.n as f64, row.published.as_ref()?.speedup()?)))
            .collect();
        let setup = rows.iter().find_map(|row| {
            let entry = row.published.as_ref()?;
            Some(match (entry.processes, entry.cores) {
                (Some(p), Some(c)) => format!(", {p} processes on {c} cores"),
                (Some(p), None) => format!(", {}", plural(p as usize, "process")),
                (None, Some(c)) => format!(", on {}", plural(c as usize, "core")),
                (None, None) => String::new(),
            })
        });
        let recorded: Vec<&Reference> = rows.iter().filter_map(|r| r.reference.as_ref()).collect();
        let reference_threads: BTreeSet<usize> = recorded.iter().map(|r| r.threads).collect();
        let reference_label = match reference_threads.iter().collect::<Vec<_>>().as_slice() {
            [only] => format!("the reference, recorded, {}", plural(**only, "thread")),
            _ => "the reference, recorded".to_owned(),
        };
        let reference = rows
            .iter()
            .filter_map(|row| {
                let (_, speedup) = row.reference.as_ref()?.point()?;
                Some((row.n as f64, speedup))
            })
            .collect();
        Some(BySize {
            title: format!(
                "{} (seed {}): speedup against input size",
                first.experiment, first.seed
            ),
            threads,
            here,
            here_label: format!("{}, {}", first.who(), plural(threads, "thread")),
            published,
            published_label: format!("seed {}{}", first.seed, setup.unwrap_or_default()),
            reference,
            reference_label,
        })
    }

    fn draw(&self) -> Result<String> {
        let sizes: Vec<f64> = self.here.iter().map(|&(n, _, _)| n).collect();
        let mut speedups: Vec<f64> = self.here.iter().map(|&(_, s, _)| s).collect();
        speedups.extend(
            self.published
                .iter()
                .chain(&self.reference)
                .map(|&(_, s)| s),
        );
        speedups.extend([1.0, self.threads as f64]);
        let x = Axis::covering(&sizes, Unit::Number);
        let y = Axis::covering(&speedups, Unit::Number);
        let subtitle = format!(
            "speedup = serial ÷ parallel at each size, on {} in this run",
            plural(self.threads, "thread")
        );
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE)?;
            let body = root
                .titled(&self.title, ("sans-serif", TITLE_FONT))?
                .titled(&subtitle, ("sans-serif", LABEL_FONT))?;
            let mut panel = Panel::new(
                &body,
                "",
                x,
                y,
                "input size n",
                "speedup = serial ÷ parallel",
            )?;
            let (first, last) = panel.x.ends();
            panel.guide(
                &[(first, 1.0), (last, 1.0)],
                Guide::BreakEven,
                "break-even, S = 1",
            )?;
            let p = self.threads as f64;
            panel.guide(
                &[(first, p), (last, p)],
                Guide::Ideal,
                &format!(
                    "ideal on {}, S = {}",
                    plural(self.threads, "thread"),
                    grouped(self.threads as u64)
                ),
            )?;
            panel.measured(&self.here, &self.here_label)?;
            panel.others(&self.reference, Other::Reference, &self.reference_label)?;
            panel.others(&self.published, Other::Seed, &self.published_label)?;
            panel.finish()?;
            root.present()?;
        }
        Ok(svg)
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Axis, Axis>>;
/// A measured point: x, y and whether it is a measurement error.
type Mark = (f64, f64, bool);

/// The reference lines a panel draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guide {
    /// Speedup 1: parallel as fast as serial.
    BreakEven,
    /// Speedup equal to the thread count.
    Ideal,
    /// The serial run's time.
    Serial,
}

/// Series measured elsewhere than in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Other {
    Seed,
    Reference,
}

/// One chart with its two axes, and what has been drawn on it, for placing the legend.
struct Panel<'a, 'b> {
    chart: Chart<'a, 'b>,
    x: Axis,
    y: Axis,
    /// Every marker drawn, as shares of the two axes.
    markers: Vec<(f64, f64)>,
    /// Every line of data drawn, as shares of the two axes.
    lines: Vec<Vec<(f64, f64)>>,
    /// Every guide drawn (break-even, ideal, serial time), as shares of the two axes.
    guides: Vec<Vec<(f64, f64)>>,
    /// The legend's labels so far.
    labels: Vec<String>,
}

impl<'a, 'b: 'a> Panel<'a, 'b> {
    fn new(
        area: &'a Area<'b>,
        caption: &str,
        x: Axis,
        y: Axis,
        x_desc: &str,
        y_desc: &str,
    ) -> Result<Panel<'a, 'b>> {
        let mut builder = ChartBuilder::on(area);
        builder
            .margin(14)
            .x_label_area_size(52)
            .y_label_area_size(92);
        if !caption.is_empty() {
            builder.caption(caption, ("sans-serif", CAPTION_FONT));
        }
        let mut chart = builder.build_cartesian_2d(x.clone(), y.clone())?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style(("sans-serif", LABEL_FONT))
            .axis_desc_style(("sans-serif", DESC_FONT))
            .bold_line_style(BLACK.mix(0.1))
            .x_label_formatter(&|&value| x.label(value))
            .y_label_formatter(&|&value| y.label(value))
            .draw()?;
        Ok(Panel {
            chart,
            x,
            y,
            markers: Vec::new(),
            lines: Vec::new(),
            guides: Vec::new(),
            labels: Vec::new(),
        })
    }

    fn share(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (self.x.share(x), self.y.share(y))
    }

    fn line_drawn(&mut self, points: &[(f64, f64)]) {
        let shares = points.iter().map(|&p| self.share(p)).collect();
        self.lines.push(shares);
    }

    fn guide_drawn(&mut self, points: &[(f64, f64)]) {
        let shares = points.iter().map(|&p| self.share(p)).collect();
        self.guides.push(shares);
    }

    fn markers_drawn(&mut self, points: &[(f64, f64)]) {
        let shares: Vec<(f64, f64)> = points.iter().map(|&p| self.share(p)).collect();
        self.markers.extend(shares);
    }

    fn guide(&mut self, points: &[(f64, f64)], guide: Guide, label: &str) -> Result<()> {
        self.guide_drawn(points);
        self.labels.push(label.to_owned());
        let (color, dashed) = match guide {
            Guide::BreakEven => (GUIDE.mix(0.8), false),
            Guide::Ideal => (GUIDE.mix(0.8), true),
            Guide::Serial => (HERE.mix(0.6), true),
        };
        if dashed {
            let style = color.stroke_width(2);
            self.chart
                .draw_series(DashedLineSeries::new(points.to_vec(), 8, 5, style))?
                .label(label)
                .legend(move |at| {
                    EmptyElement::at(at)
                        + PathElement::new([(0, 0), (8, 0)], style)
                        + PathElement::new([(14, 0), (22, 0)], style)
                });
        } else {
            let style = color.stroke_width(1);
            self.chart
                .draw_series(LineSeries::new(points.to_vec(), style))?
                .label(label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 22, y)], style));
        }
        Ok(())
    }

    /// This run's points joined in order, each a dot; a measurement error is a cross instead,
    /// left out of the line.
    fn measured(&mut self, points: &[Mark], label: &str) -> Result<()> {
        let (bad, good): (Vec<&Mark>, Vec<&Mark>) = points.iter().partition(|p| p.2);
        let good: Vec<(f64, f64)> = good.iter().map(|&&(x, y, _)| (x, y)).collect();
        let bad: Vec<(f64, f64)> = bad.iter().map(|&&(x, y, _)| (x, y)).collect();
        self.line_drawn(&good);
        self.markers_drawn(&good);
        self.labels.push(label.to_owned());
        self.chart
            .draw_series(LineSeries::new(good.clone(), HERE.stroke_width(2)))?
            .label(label)
            .legend(|(x, y)| Circle::new((x + 11, y), 5, HERE.filled()));
        self.chart
            .draw_series(good.iter().map(|&at| Circle::new(at, 5, HERE.filled())))?;
        if !bad.is_empty() {
            self.markers_drawn(&bad);
            let label = format!("measurement error, S > {SPEEDUP_TOLERANCE} p");
            self.labels.push(label.clone());
            self.chart
                .draw_series(
                    bad.iter()
                        .map(|&at| Cross::new(at, 7, ERROR.stroke_width(3))),
                )?
                .label(label)
                .legend(|(x, y)| Cross::new((x + 11, y), 6, ERROR.stroke_width(3)));
        }
        Ok(())
    }

    /// A fitted curve.
    fn curve(&mut self, points: &[(f64, f64)], label: &str) -> Result<()> {
        self.line_drawn(points);
        self.labels.push(label.to_owned());
        let style = FIT.stroke_width(2);
        self.chart
            .draw_series(LineSeries::new(points.to_vec(), style))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 22, y)], style));
        Ok(())
    }

    /// Points measured elsewhere (the seed's, the reference's), joined in order: triangles for
    /// the seed, squares for the reference.
    fn others(&mut self, points: &[(f64, f64)], who: Other, label: &str) -> Result<()> {
        if points.is_empty() {
            return Ok(());
        }
        self.line_drawn(points);
        self.markers_drawn(points);
        self.labels.push(label.to_owned());
        let color = match who {
            Other::Seed => SEED,
            Other::Reference => REFERENCE,
        };
        let line = LineSeries::new(points.to_vec(), color.mix(0.8).stroke_width(2));
        let drawn = self.chart.draw_series(line)?.label(label);
        match who {
            Other::Seed => {
                drawn.legend(move |(x, y)| TriangleMarker::new((x + 11, y), 6, color.filled()));
                self.chart.draw_series(
                    points
                        .iter()
                        .map(|&at| TriangleMarker::new(at, 7, color.filled())),
                )?;
            }
            Other::Reference => {
                let square = move |at| {
                    EmptyElement::at(at) + Rectangle::new([(-5, -5), (5, 5)], color.filled())
                };
                drawn.legend(move |(x, y)| square((x + 11, y)));
                self.chart.draw_series(points.iter().map(|&at| {
                    EmptyElement::at(at) + Rectangle::new([(-5, -5), (5, 5)], color.filled())
                }))?;
            }
        }
        Ok(())
    }

    /// Draws the legend in the corner where it covers least.
    fn finish(mut self) -> Result<()> {
        let (width, height) = self.chart.plotting_area().dim_in_pixel();
        let longest = self.labels.iter().map(String::len).max().unwrap_or(0);
        // plotters sizes the box by its own estimate of the text, 0.45 em a byte, plus the
        // marker and the padding.
        let legend = (
            (longest as f64 * 0.45 * LABEL_FONT + 50.0) / f64::from(width),
            (self.labels.len() as f64 * 22.0 + 16.0) / f64::from(height),
        );
        let corner = free_corner(legend, &self.markers, &self.lines, &self.guides);
        self.chart
            .configure_series_labels()
            .position(corner)
            .margin(12)
            .label_font(("sans-serif", LABEL_FONT))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .draw()?;
        Ok(())
    }
}

/// The corner where a legend of `size` (shares of the plot's width and height) covers the
/// fewest markers, then the fewest lines of data, then the fewest guides; upper corners first
/// when they tie.
fn free_corner(
    size: (f64, f64),
    markers: &[(f64, f64)],
    lines: &[Vec<(f64, f64)>],
    guides: &[Vec<(f64, f64)>],
) -> SeriesLabelPosition {
    let (w, h) = (size.0 + 0.04, size.1 + 0.04);
    let corners = [
        (SeriesLabelPosition::UpperLeft, 0.0, 1.0 - h),
        (SeriesLabelPosition::UpperRight, 1.0 - w, 1.0 - h),
        (SeriesLabelPosition::LowerRight, 1.0 - w, 0.0),
        (SeriesLabelPosition::LowerLeft, 0.0, 0.0),
    ];
    let covered = |x0: f64, y0: f64| {
        let inside =
            |&(x, y): &(f64, f64)| (x0..=x0 + w).contains(&x) && (y0..=y0 + h).contains(&y);
        let crosses = |line: &&Vec<(f64, f64)>| {
            line.windows(2).any(|pair| {
                let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
                (0..=16).any(|step| {
                    let t = f64::from(step) / 16.0;
                    inside(&(ax + (bx - ax) * t, ay + (by - ay) * t))
                })
            }) || line.len() == 1 && inside(&line[0])
        };
        (
            markers.iter().filter(|m| inside(m)).count(),
            lines.iter().filter(crosses).count(),
            guides.iter().filter(crosses).count(),
        )
    };
    corners
        .into_iter()
        .min_by_key(|&(_, x0, y0)| covered(x0, y0))
        .map_or(SeriesLabelPosition::UpperLeft, |(corner, _, _)| corner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lesson 1's factorials, whose serial time (a plain loop) and one-thread time (the pool)
    /// differ; lesson 4's queue on 2 and 10,000 threads; lesson 5's sizes with the seed's and
    /// the reference's numbers; lesson 6's matrices against a serial run of another algorithm
    /// (4.0x on 2 threads, flagged by seedkit).
    const LINES: &str = r#"
{"lesson":1,"package":"lesson1","seed":"003","experiment":"factorial_1e6","n":1000000,"threads":1,"serial_s":0.28196,"parallel_s":0.2983,"measurement_error":false,"published":{"processes":1,"serial_s":8.4,"parallel_s":8.4}}
{"lesson":1,"package":"lesson1","seed":"003","experiment":"factorial_1e6","n":1000000,"threads":2,"serial_s":0.28196,"parallel_s":0.15379,"measurement_error":false,"published":{"processes":2,"serial_s":8.4,"parallel_s":4.63}}
{"lesson":4,"package":"lesson4","seed":"004","experiment":"queue_cubes","n":10000,"threads":10000,"serial_s":4.49e-5,"parallel_s":0.38506,"measurement_error":false}
{"lesson":4,"package":"lesson4","seed":"004","experiment":"queue_cubes","n":10000,"threads":2,"serial_s":4.49e-5,"parallel_s":8.035e-4,"measurement_error":false}
{"lesson":4,"package":"lesson4","seed":"004","experiment":"queue_cubes","n":1000000,"threads":2,"serial_s":4.6e-3,"parallel_s":0.063,"measurement_error":false}
{"lesson":5,"package":"lesson5-solution","seed":"004","experiment":"cubes_sqrt","n":100,"threads":2,"serial_s":1.6e-7,"parallel_s":5.27e-5,"measurement_error":false,"published":{"processes":8,"cores":8,"serial_s":0.00009639,"parallel_s":0.1197657,"speedup":0.008},"reference":{"threads":2,"serial_s":1.5e-7,"parallel_s":5.0e-5,"measurement_error":false}}
{"lesson":5,"package":"lesson5-solution","seed":"004","experiment":"cubes_sqrt","n":1000000,"threads":2,"serial_s":1.23e-3,"parallel_s":7.38e-4,"measurement_error":false,"published":{"processes":8,"cores":8,"serial_s":1.035941925,"parallel_s":0.60131832,"speedup":1.72},"reference":{"threads":2,"serial_s":1.2e-3,"parallel_s":7.0e-4,"measurement_error":false}}
{"lesson":6,"package":"lesson6","seed":"002","experiment":"int_matmul_1000","n":1000,"threads":1,"serial_s":1.61,"parallel_s":0.76,"measurement_error":true}
{"lesson":6,"package":"lesson6","seed":"002","experiment":"int_matmul_1000","n":1000,"threads":2,"serial_s":1.61,"parallel_s":0.40,"measurement_error":true}
"#;

    fn rows() -> Vec<Row> {
        parse_rows(LINES).expect("the test's lines are valid")
    }

    fn all_pictures() -> Vec<(String, String)> {
        pictures(&rows(), &mut Fitter::default()).expect("the test's lines draw")
    }

    /// The picture called `name`, as text and read back.
    fn drawn(name: &str) -> (String, svg::Svg) {
        let (_, text) = all_pictures()
            .into_iter()
            .find(|(file, _)| file == name)
            .unwrap_or_else(|| panic!("no picture {name} was drawn"));
        let read = svg::parse(&text).expect("plotters writes an SVG document");
        (text, read)
    }

    fn by_threads(lesson: u32, experiment: &str) -> ByThreads {
        let rows = rows();
        let mine: Vec<&Row> = rows
            .iter()
            .filter(|row| row.lesson == lesson && row.experiment == experiment)
            .collect();
        let n = mine[0].n;
        let size: Vec<&Row> = mine.into_iter().filter(|row| row.n == n).collect();
        ByThreads::new(&size, &mut Fitter::default()).expect("two thread counts")
    }

    fn texts(read: &svg::Svg) -> Vec<&str> {
        read.texts.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn each_picture_keeps_its_file_name() {
        let names: Vec<String> = all_pictures().into_iter().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            [
                "lesson1-factorial_1e6-n1000000-by-threads.svg",
                "lesson4-queue_cubes-by-size.svg",
                "lesson4-queue_cubes-n10000-by-threads.svg",
                "lesson5-cubes_sqrt-by-size.svg",
                "lesson6-int_matmul_1000-n1000-by-threads.svg",
            ],
            "the book links the pictures by these names"
        );
    }

    #[test]
    fn the_fit_is_drawn_on_the_baseline_of_its_points() {
        let picture = by_threads(1, "factorial_1e6");
        let fitted = picture.fitted_speedups().expect("two thread counts fit");
        // Two thread counts fit exactly, so on one baseline the curve meets both points; the
        // one-thread time normalised to 1 would start 5.5% off the first.
        for point in &picture.points {
            let (_, on_curve) = fitted
                .iter()
                .copied()
                .find(|&(p, _)| (p - point.threads as f64).abs() < 1e-9)
                .expect("the curve passes every measured thread count");
            assert!(
                (on_curve - point.speedup).abs() < 1e-9 * point.speedup,
                "on {} threads the fit says {on_curve}, the point {}",
                point.threads,
                point.speedup
            );
        }

        let (_, read) = drawn("lesson1-factorial_1e6-n1000000-by-threads.svg");
        let curve = read
            .lines
            .iter()
            .find(|line| {
                line.points.len() > CURVE_POINTS && line.points[0].0 > f64::from(SIZE.0 / 2)
            })
            .expect("the speedup panel has the fitted curve");
        for end in [curve.points[0], curve.points[curve.points.len() - 1]] {
            let nearest = read
                .circles
                .iter()
                .map(|c| (c.x - end.0).hypot(c.y - end.1))
                .fold(f64::INFINITY, f64::min);
            assert!(
                nearest <= 1.5,
                "the curve's end {end:?} is {nearest:.1} px from the nearest point"
            );
        }
    }

    #[test]
    fn a_speedup_above_the_thread_count_is_a_measurement_error() {
        let picture = by_threads(6, "int_matmul_1000");
        assert!(picture.points.iter().all(|p| p.impossible), "{picture:?}");
        assert!(
            matches!(&picture.fitted, Fitted::None(why) if why.contains("under two thread counts")),
            "errors are left out of the fit: {:?}",
            picture.fitted
        );
        let (_, read) = drawn("lesson6-int_matmul_1000-n1000-by-threads.svg");
        assert!(
            texts(&read)
                .iter()
                .any(|t| t.starts_with("measurement error")),
            "the legend names the crosses: {:?}",
            texts(&read)
        );
        let dots = read
            .circles
            .iter()
            .filter(|c| c.x > f64::from(SIZE.0 / 2))
            .count();
        assert_eq!(
            dots, 1,
            "only the legend's dot: no error is drawn as a result"
        );

        // seedkit's flag is trusted, and a speedup over the picture's baseline is judged too.
        let mut flagged = rows()[0].clone();
        flagged.measurement_error = true;
        assert!(flagged.impossible(flagged.speedup()));
        let plain = rows()[0].clone();
        assert!(!plain.impossible(plain.speedup()));
        assert!(plain.impossible(1.0 + SPEEDUP_TOLERANCE));
    }

    #[test]
    fn thousands_of_threads_get_log_axes() {
        let picture = by_threads(4, "queue_cubes");
        assert_eq!(picture.thread_axis(true).scale, Scale::Log);
        let (_, read) = drawn("lesson4-queue_cubes-n10000-by-threads.svg");
        let labels = texts(&read);
        for tick in [
            "1", "10", "100", "1,000", "10,000", "0.001", "1 ms", "100 ms",
        ] {
            assert!(labels.contains(&tick), "no tick {tick:?} in {labels:?}");
        }
    }

    #[test]
    fn a_few_threads_get_linear_axes() {
        let picture = by_threads(1, "factorial_1e6");
        let axis = picture.thread_axis(true);
        assert_eq!(axis.scale, Scale::Linear);
        assert_eq!(axis.ticks, [1.0, 2.0]);
        let (_, read) = drawn("lesson1-factorial_1e6-n1000000-by-threads.svg");
        let labels = texts(&read);
        for tick in ["0 ms", "100 ms", "200 ms", "0.5", "1.0", "1.5"] {
            assert!(labels.contains(&tick), "no tick {tick:?} in {labels:?}");
        }
    }

    #[test]
    fn text_is_legible_and_numbers_are_grouped() {
        for (name, text) in all_pictures() {
            for size in text.split("font-size=\"").skip(1) {
                let px: f64 = size[..size.find('"').unwrap()].parse().unwrap();
                assert!(px >= 13.0, "{name}: text of {px} px");
            }
            let read = svg::parse(&text).unwrap();
            for label in texts(&read) {
                for number in label.split(|c: char| !c.is_ascii_digit() && c != ',' && c != '.') {
                    let whole = number.split('.').next().unwrap_or("");
                    let digits = whole.chars().filter(char::is_ascii_digit).count();
                    assert!(
                        digits < 4 || whole.contains(','),
                        "{name}: {label:?} has an ungrouped number"
                    );
                }
            }
        }
    }

    #[test]
    fn every_text_fits_the_picture() {
        for (name, text) in all_pictures() {
            for element in text.split("<text").skip(1) {
                let size = element.split("font-size=\"").nth(1).unwrap();
                let px: f64 = size[..size.find('"').unwrap()].parse().unwrap();
                let start = element.find('>').unwrap() + 1;
                let words = element[start..element.find("</text>").unwrap()].trim();
                // Sans-serif letters average under half their size in width (0.48 measured).
                let width = words.chars().count() as f64 * 0.5 * px;
                assert!(
                    width <= f64::from(SIZE.0) - 20.0,
                    "{name}: {words:?} is about {width:.0} px wide"
                );
            }
        }
    }

    #[test]
    fn every_speedup_axis_states_its_baseline() {
        for (name, text) in all_pictures() {
            let read = svg::parse(&text).unwrap();
            let turned: Vec<&str> = read
                .texts
                .iter()
                .filter(|t| t.turned)
                .map(|t| t.text.as_str())
                .collect();
            assert!(
                turned.contains(&"speedup = serial ÷ parallel"),
                "{name}: {turned:?}"
            );
        }
    }

    #[test]
    fn the_seed_and_the_reference_are_drawn_beside_this_run() {
        let (_, read) = drawn("lesson5-cubes_sqrt-by-size.svg");
        let labels = texts(&read);
        for label in [
            "the reference, this run, 2 threads",
            "the reference, recorded, 2 threads",
            "seed 004, 8 processes on 8 cores",
            "ideal on 2 threads, S = 2",
        ] {
            assert!(labels.contains(&label), "no {label:?} in {labels:?}");
        }
    }

    #[test]
    fn an_unwritten_fit_leaves_the_pictures_without_one() {
        let mut fitter = Fitter::default();
        let fitted = fitter.attempt(|| todo!("Exercise 5.2: read book/src/lesson5.md#fit"));
        assert_eq!(
            fitted,
            Fitted::None("no Amdahl fit until exercise 5.2 (fit_amdahl) is done".into())
        );
        let why = fitter.unavailable.as_deref().unwrap_or_default();
        assert!(why.contains("book/src/lesson5.md#fit"), "{why}");
        let again = fitter.fit(&[(1, 2.0), (2, 1.0)], &[1.0, 2.0]);
        assert!(
            matches!(again, Fitted::None(_)),
            "asked once, not per picture"
        );
    }

    #[test]
    fn bad_lines_are_refused_by_number() {
        let error = |text: &str| parse_rows(text).unwrap_err().to_string();
        let line = LINES.lines().nth(1).unwrap();
        assert!(error(&format!("{line}\nhello")).contains("line 2 is not a measurement line"));
        let zero = line.replace("\"parallel_s\":0.2983", "\"parallel_s\":0");
        assert!(
            error(&zero).contains("`parallel_s` is 0"),
            "{}",
            error(&zero)
        );
        assert!(error("\n\n").contains("nothing to draw"));
    }

    #[test]
    fn ticks_read_as_numbers() {
        assert_eq!(number(1_000_000.0, 0), "1,000,000");
        assert_eq!(number(0.001, 3), "0.001");
        assert_eq!(number(2.5, 1), "2.5");
        let log = Axis::log(1e-4, 1.0, Unit::Seconds);
        assert_eq!(log.label(1e-4), "100 µs");
        assert_eq!(log.label(2e-3), "2 ms");
        assert_eq!(log.label(1.0), "1 s");
        assert_eq!(linear_ticks(0.5, 4.5, true), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(
            linear_ticks(0.0, 2.8, false),
            [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
        );
    }

    #[test]
    fn the_legend_goes_where_nothing_is() {
        let upper_left = [(0.1, 0.9), (0.2, 0.8)];
        let corner = free_corner((0.4, 0.3), &upper_left, &[], &[]);
        assert!(
            matches!(corner, SeriesLabelPosition::UpperRight),
            "{corner:?}"
        );
        let across_the_top = vec![(0.0, 0.9), (1.0, 0.9)];
        let corner = free_corner(
            (0.4, 0.3),
            &[(0.9, 0.1)],
            std::slice::from_ref(&across_the_top),
            &[],
        );
        assert!(
            matches!(corner, SeriesLabelPosition::LowerLeft),
            "{corner:?}"
        );
        let along_the_bottom = vec![(0.0, 0.1), (1.0, 0.1)];
        let corner = free_corner((0.4, 0.3), &[], &[across_the_top], &[along_the_bottom]);
        assert!(
            matches!(corner, SeriesLabelPosition::LowerRight),
            "a guide may be covered before data: {corner:?}"
        );
    }
}
