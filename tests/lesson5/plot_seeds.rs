//! Speedup pictures of the seed experiments, for `cargo xtask seeds --plot DIR`.
//!
//! Reads the JSON lines that `cargo xtask seeds --json` prints (one measurement per line, with
//! its `lesson` and, where the seed published numbers for it, a `published` object) and writes
//! one SVG per picture it finds in them:
//!
//! - `lessonL-EXPERIMENT-by-size.svg` for an experiment measured at several sizes on one thread
//!   count: speedup against the size, on a log scale, this machine next to the seed's numbers;
//! - `lessonL-EXPERIMENT-nN-by-threads.svg` for a size measured on several thread counts: time
//!   and speedup against threads with the fitted Amdahl curve, drawn by exercise 5's
//!   [`scaling_svg`].
//!
//! Usage: `cargo run --release -p lesson5-solution --example plot_seeds -- ROWS.jsonl DIR`.
//! It prints the path of every file it writes.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use plotters::prelude::*;
use serde::Deserialize;
use subject::{ScalingChart, fit_amdahl, scaling_svg};

/// One line of `cargo xtask seeds --json`.
#[derive(Debug, Clone, Deserialize)]
struct Row {
    lesson: u32,
    seed: String,
    experiment: String,
    n: u64,
    threads: usize,
    serial_s: f64,
    parallel_s: f64,
    published: Option<Published>,
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

    /// `8 processes, 8 cores`, or as much of it as the seed said.
    fn setup(&self) -> String {
        let mut parts = Vec::new();
        if let Some(processes) = self.processes {
            parts.push(format!("{processes} processes"));
        }
        if let Some(cores) = self.cores {
            parts.push(format!("{cores} cores"));
        }
        parts.join(", ")
    }
}

type Result<T> = std::result::Result<T, Box<dyn Error>>;

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rows, dir] = args.as_slice() else {
        eprintln!(
            "usage: plot_seeds ROWS.jsonl DIR: ROWS.jsonl holds the lines of `cargo xtask seeds \
             --json`, DIR is where the SVGs go"
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
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(line).map_err(|e| {
            format!(
                "{} line {}: not a measurement line of `cargo xtask seeds --json`: {e}",
                rows_path.display(),
                index + 1
            )
        })?;
        rows.push(row);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;

    let mut experiments: BTreeMap<(u32, String, String), Vec<Row>> = BTreeMap::new();
    for row in rows {
        let key = (row.lesson, row.seed.clone(), row.experiment.clone());
        experiments.entry(key).or_default().push(row);
    }
    let mut written = Vec::new();
    for ((lesson, seed, experiment), rows) in &experiments {
        let name = format!("lesson{lesson}-{experiment}");
        if let Some(svg) = by_size(seed, experiment, rows)? {
            written.push(write(dir, &format!("{name}-by-size.svg"), &svg)?);
        }
        for (n, svg) in by_threads(seed, experiment, rows)? {
            written.push(write(dir, &format!("{name}-n{n}-by-threads.svg"), &svg)?);
        }
    }
    Ok(written)
}

fn write(dir: &Path, name: &str, svg: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, svg).map_err(|e| format!("could not write {}: {e}", path.display()))?;
    Ok(path)
}

/// Time and speedup against threads, one picture per size measured on several thread counts.
fn by_threads(seed: &str, experiment: &str, rows: &[Row]) -> Result<Vec<(u64, String)>> {
    let mut by_size: BTreeMap<u64, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        by_size.entry(row.n).or_default().push(row);
    }
    let mut pictures = Vec::new();
    for (n, rows) in by_size {
        let mut measured: Vec<(usize, f64)> = rows
            .iter()
            .map(|row| (row.threads, row.parallel_s))
            .collect();
        measured.sort_by_key(|&(threads, _)| threads);
        if measured
            .iter()
            .map(|&(p, _)| p)
            .collect::<BTreeSet<_>>()
            .len()
            < 2
        {
            continue;
        }
        let mut serial: Vec<f64> = rows.iter().map(|row| row.serial_s).collect();
        serial.sort_by(f64::total_cmp);
        let title = format!("{experiment}, n = {n} (seed {seed}), on this machine");
        let chart = ScalingChart {
            title: &title,
            serial_seconds: serial[serial.len() / 2],
            measured: &measured,
            fit: fit_amdahl(&measured).ok(),
        };
        pictures.push((n, scaling_svg(&chart)?));
    }
    Ok(pictures)
}

/// Speedup against size on the thread count measured at the most sizes, with the seed's own.
fn by_size(seed: &str, experiment: &str, rows: &[Row]) -> Result<Option<String>> {
    let mut sizes_by_threads: BTreeMap<usize, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        sizes_by_threads.entry(row.threads).or_default().push(row);
    }
    let Some((threads, mut rows)) = sizes_by_threads
        .into_iter()
        .max_by_key(|(_, rows)| rows.iter().map(|r| r.n).collect::<BTreeSet<_>>().len())
    else {
        return Ok(None);
    };
    rows.sort_by_key(|row| row.n);
    rows.dedup_by_key(|row| row.n);
    if rows.len() < 2 {
        return Ok(None);
    }
    let here: Vec<(f64, f64)> = rows
        .iter()
        .map(|row| (row.n as f64, row.serial_s / row.parallel_s))
        .collect();
    let published: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|row| Some((row.n as f64, row.published.as_ref()?.speedup()?)))
        .collect();
    let setup = rows
        .iter()
        .find_map(|row| row.published.as_ref().map(Published::setup))
        .unwrap_or_default();
    let title = format!("{experiment} (seed {seed}): speedup against input size");
    let mut svg = String::new();
    draw_by_size(&mut svg, &title, threads, &here, seed, &setup, &published)
        .map_err(|e| format!("plotters could not draw {title:?}: {e}"))?;
    Ok(Some(svg))
}

fn draw_by_size(
    svg: &mut String,
    title: &str,
    threads: usize,
    here: &[(f64, f64)],
    seed: &str,
    setup: &str,
    published: &[(f64, f64)],
) -> Result<()> {
    let all = here.iter().chain(published);
    let (mut low_n, mut high_n, mut high_s) = (f64::INFINITY, 0.0f64, 1.0f64);
    let mut low_s = 1.0f64;
    for &(n, s) in all {
        low_n = low_n.min(n);
        high_n = high_n.max(n);
        low_s = low_s.min(s);
        high_s = high_s.max(s);
    }
    let root = SVGBackend::with_string(svg, (800, 450)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(
            (low_n / 2.0..high_n * 2.0).log_scale(),
            (low_s / 2.0..high_s * 2.0).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("input size n")
        .y_desc("speedup T1/Tp")
        .x_label_formatter(&|n| format!("{n:.0e}"))
        .y_label_formatter(&|s| format!("{s}"))
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            [(low_n / 2.0, 1.0), (high_n * 2.0, 1.0)],
            BLACK.mix(0.4),
        ))?
        .label("break-even, S = 1")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.mix(0.4)));
    let here_label = format!("this machine, {threads} threads");
    series(&mut chart, here, BLUE, &here_label)?;
    if !published.is_empty() {
        let label = if setup.is_empty() {
            format!("seed {seed}, as published")
        } else {
            format!("seed {seed}, as published ({setup})")
        };
        series(&mut chart, published, RED, &label)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    root.present()?;
    Ok(())
}

type LogChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<
        plotters::coord::combinators::LogCoord<f64>,
        plotters::coord::combinators::LogCoord<f64>,
    >,
>;

fn series<'a, 'b: 'a>(
    chart: &mut LogChart<'a, 'b>,
    points: &[(f64, f64)],
    color: RGBColor,
    label: &str,
) -> Result<()> {
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            color.stroke_width(2),
        ))?
        .label(label)
        .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
    chart.draw_series(
        points
            .iter()
            .map(|&point| Circle::new(point, 4, color.filled())),
    )?;
    Ok(())
}
