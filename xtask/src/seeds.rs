//! `cargo xtask seeds`: every lesson's seed experiments, rerun here, next to the numbers the
//! seed tutorials published.
//!
//! Each lesson with a `solutions/lessonN/examples/seeds.rs` is run in turn, one at a time so
//! that no two disturb each other's timings, as `cargo run --release -p lessonN-solution
//! --example lessonN-seeds -- --json` (the name its Cargo.toml gives that file). Its JSON lines (the format of `tests/seedkit`) are matched with
//! the numbers in `tests/lessonN/seeds.toml` (format: [`SeedsFile`]) and shown in one table. A
//! lesson whose example fails gets an error row; the others still run.
//!
//! Pictures (`--plot DIR`) are drawn by lesson 5's `plot_seeds` example, which reads the same
//! JSON lines that `--json` prints: plotting is what lesson 5 teaches and its crate already
//! depends on plotters, so the tooling stays free of a drawing library.

use seedkit::human_seconds;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use serde::{Deserialize, Serialize};

use crate::cargo::first_lines;
use crate::cmd::Cmd;
use crate::lessons::{self, Lesson};
use crate::report::{Table, duration, plural};
use crate::scratch;

/// What `cargo xtask seeds` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct Options {
    /// Prints the combined JSON lines (each with its `lesson`, and the seed's numbers under
    /// `published`) instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Also draws speedup pictures (SVG) into DIR, with lesson 5's plot_seeds example.
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
    /// Only this lesson (its number, such as 5).
    #[arg(long, value_name = "N")]
    pub lesson: Option<u32>,
}

/// The lesson whose example draws the pictures, and the example's name.
const PLOTTER: (u32, &str) = (5, "lesson5-plot-seeds");

/// One measurement, as a lesson's seeds example prints it with `--json`, one per line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// The seed tutorial, by number: "000" … "004".
    pub seed: String,
    /// The experiment's name, such as `square`.
    pub experiment: String,
    /// The problem size.
    pub n: u64,
    /// Threads of the parallel run.
    pub threads: usize,
    /// Median seconds of the serial run.
    pub serial_s: f64,
    /// Median seconds of the parallel run.
    pub parallel_s: f64,
}

/// Reads a seeds example's standard output: one [`Measurement`] per non-blank line.
pub fn parse_measurements(stdout: &str) -> Result<Vec<Measurement>> {
    let mut found = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let measurement: Measurement = serde_json::from_str(line).with_context(|| {
            format!(
                "output line {} is not a seed measurement such as {{\"seed\":\"000\",\
                 \"experiment\":\"square\",\"n\":10,\"threads\":2,\"serial_s\":1e-6,\
                 \"parallel_s\":2e-6}}: {line:?}",
                index + 1
            )
        })?;
        found.push(measurement);
    }
    Ok(found)
}

/// `tests/lessonN/seeds.toml`: what the seed tutorials published for the lesson's experiments.
///
/// ```toml
/// [[published]]
/// seed = "004"               # the seed tutorial, three digits
/// experiment = "cubes_sqrt"  # the experiment's name in the lesson's seeds example
/// n = 1000000                # the problem size
/// processes = 8              # optional: how many processes the seed's parallel run used
/// cores = 8                  # optional: the seed machine's core count, where the seed says
/// serial_s = 1.035941925     # optional: the seed's serial time in seconds
/// parallel_s = 0.60131832    # optional: the seed's parallel time in seconds
/// speedup = 1.72             # optional: the speedup as the seed printed it
/// ```
///
/// An entry matches the measured rows of the same seed, experiment and `n`. When the seed
/// measured one size on several process counts, each entry names its `processes` and matches
/// only the rows measured on that many threads. Each entry gives at least one number.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedsFile {
    /// The entries, in any order.
    #[serde(default)]
    pub published: Vec<Published>,
}

/// One `[[published]]` entry of a [`SeedsFile`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// The seed tutorial, three digits.
    pub seed: String,
    /// The experiment's name.
    pub experiment: String,
    /// The problem size.
    pub n: u64,
    /// Processes of the seed's parallel run.
    pub processes: Option<u32>,
    /// The seed machine's core count.
    pub cores: Option<u32>,
    /// The seed's serial seconds.
    pub serial_s: Option<f64>,
    /// The seed's parallel seconds.
    pub parallel_s: Option<f64>,
    /// The seed's speedup, as printed.
    pub speedup: Option<f64>,
}

impl Published {
    /// The seed's speedup: as printed, or else from its two times.
    pub fn speedup(&self) -> Option<f64> {
        self.speedup
            .or_else(|| Some(self.serial_s? / self.parallel_s?))
    }

    /// Where the seed ran: `8 procs, 8 cores`, as much of it as the seed said.
    pub fn setup(&self) -> String {
        let mut parts = Vec::new();
        if let Some(processes) = self.processes {
            parts.push(format!("{processes} procs"));
        }
        if let Some(cores) = self.cores {
            parts.push(format!("{cores} cores"));
        }
        parts.join(", ")
    }

    fn key(&self) -> (&str, &str, u64) {
        (&self.seed, &self.experiment, self.n)
    }
}

impl SeedsFile {
    /// Reads and checks the text of a `seeds.toml`.
    pub fn parse(text: &str) -> Result<Self> {
        let file: SeedsFile = toml::from_str(text)?;
        for (index, entry) in file.published.iter().enumerate() {
            let which = format!("published[{index}] ({} {})", entry.seed, entry.experiment);
            ensure!(
                entry.seed.len() == 3 && entry.seed.bytes().all(|b| b.is_ascii_digit()),
                "{which}: field `seed` is {:?}: give the seed's three digits, such as \"004\"",
                entry.seed
            );
            let numbers = [
                ("serial_s", entry.serial_s),
                ("parallel_s", entry.parallel_s),
                ("speedup", entry.speedup),
            ];
            for (field, value) in numbers {
                if let Some(value) = value {
                    ensure!(
                        value.is_finite() && value > 0.0,
                        "{which}: field `{field}` is {value}, but it must be a positive number"
                    );
                }
            }
            ensure!(
                numbers.iter().any(|(_, value)| value.is_some()),
                "{which}: gives no number: set serial_s, parallel_s or speedup"
            );
            let same_size: Vec<&Published> = file
                .published
                .iter()
                .filter(|other| other.key() == entry.key())
                .collect();
            if same_size.len() > 1 {
                ensure!(
                    entry.processes.is_some(),
                    "{which}: n = {} has {} entries, so each must say its `processes`",
                    entry.n,
                    same_size.len()
                );
                let twins = same_size
                    .iter()
                    .filter(|other| other.processes == entry.processes)
                    .count();
                ensure!(
                    twins == 1,
                    "{which}: n = {} on {} processes appears {twins} times",
                    entry.n,
                    entry.processes.unwrap_or_default()
                );
            }
        }
        Ok(file)
    }

    /// Reads `tests/lessonN/seeds.toml`; a lesson without one has no published numbers.
    pub fn load(root: &Path, lesson: u32) -> Result<Self> {
        let relative = format!("tests/lesson{lesson}/seeds.toml");
        let path = root.join(&relative);
        if !path.is_file() {
            return Ok(Self::default());
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("could not read {relative}"))?;
        Self::parse(&text).with_context(|| format!("{relative} is not a valid seeds file"))
    }

    /// The entry for a measured row, if the seed published one.
    pub fn matching(&self, row: &Measurement) -> Option<&Published> {
        let key = (row.seed.as_str(), row.experiment.as_str(), row.n);
        let mut candidates = self.published.iter().filter(|entry| entry.key() == key);
        let first = candidates.next()?;
        if candidates.next().is_none() {
            return Some(first);
        }
        self.published.iter().find(|entry| {
            entry.key() == key
                && entry
                    .processes
                    .is_some_and(|processes| processes as usize == row.threads)
        })
    }
}

/// What one lesson's run gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Its measurements, each with the published numbers it matches.
    Rows(Vec<(Measurement, Option<Published>)>),
    /// Why there are none.
    Failed(String),
}

/// One lesson's run.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonRun {
    /// The lesson's number.
    pub lesson: u32,
    /// What came of it.
    pub outcome: Outcome,
    /// The example's `note: …` lines from standard error, such as a crossover it found.
    pub notes: Vec<String>,
}

/// Runs the command: every lesson's seeds, then the table or JSON lines, then the pictures.
pub fn run(root: &Path, options: &Options) -> Result<ExitCode> {
    let numbers = lessons_with_seeds(root, options.lesson)?;
    let mut runs = Vec::new();
    for number in numbers {
        runs.push(run_lesson(root, number));
    }
    let failed = runs
        .iter()
        .any(|run| matches!(run.outcome, Outcome::Failed(_)));
    let lines = json_lines(&runs);
    if options.json {
        print!("{lines}");
        for run in &runs {
            if let Outcome::Failed(error) = &run.outcome {
                eprintln!("error: lesson {}: {error}", run.lesson);
            }
            for note in &run.notes {
                eprintln!("lesson {}: {note}", run.lesson);
            }
        }
    } else {
        print!("{}", render(&runs, available_threads()));
    }
    let plotted = match &options.plot {
        Some(dir) => plot(root, dir, &lines),
        None => Ok(()),
    };
    if let Err(error) = &plotted {
        eprintln!("error: {error:#}");
    }
    Ok(if failed || plotted.is_err() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The lessons that have a seeds example, or just `only` (which must have one).
fn lessons_with_seeds(root: &Path, only: Option<u32>) -> Result<Vec<u32>> {
    let has_seeds = |number: u32| root.join(seeds_example(number)).is_file();
    let numbers: Vec<u32> = lessons::discover(root)?
        .into_iter()
        .filter(|&number| has_seeds(number))
        .collect();
    match only {
        None if numbers.is_empty() => {
            bail!("no lesson has a seeds example (solutions/lessonN/examples/seeds.rs)")
        }
        None => Ok(numbers),
        Some(wanted) if numbers.contains(&wanted) => Ok(vec![wanted]),
        Some(wanted) => {
            let known: Vec<String> = numbers.iter().map(u32::to_string).collect();
            bail!(
                "lesson {wanted} has no seeds example ({} is missing); the lessons with one are \
                 {}",
                seeds_example(wanted),
                known.join(", ")
            )
        }
    }
}

fn seeds_example(lesson: u32) -> String {
    format!("solutions/lesson{lesson}/examples/seeds.rs")
}

/// The name cargo knows `examples/seeds.rs` by in a solution's Cargo.toml: its `[[example]]`
/// entry's name (the lessons use `lessonN-seeds`, so that their binaries do not overwrite each
/// other in `target/`), or `seeds` when the manifest has no entry for it.
pub fn seeds_example_name(manifest: &str) -> Result<String> {
    #[derive(Deserialize)]
    struct Manifest {
        #[serde(default)]
        example: Vec<Example>,
    }
    #[derive(Deserialize)]
    struct Example {
        name: String,
        path: Option<String>,
    }

    let manifest: Manifest = toml::from_str(manifest)?;
    Ok(manifest
        .example
        .into_iter()
        .find(|example| example.path.as_deref() == Some("examples/seeds.rs"))
        .map_or_else(|| "seeds".to_owned(), |example| example.name))
}

/// The package and the example name of lesson `lesson`'s seeds.
fn seeds_target(root: &Path, lesson: u32) -> Result<(String, String)> {
    let package = Lesson::load(root, lesson)?.solution_package();
    let relative = format!("solutions/lesson{lesson}/Cargo.toml");
    let text = fs::read_to_string(root.join(&relative))
        .with_context(|| format!("could not read {relative}"))?;
    let example =
        seeds_example_name(&text).with_context(|| format!("{relative} is not a valid manifest"))?;
    Ok((package, example))
}

fn run_lesson(root: &Path, lesson: u32) -> LessonRun {
    let failed = |error: anyhow::Error| LessonRun {
        lesson,
        outcome: Outcome::Failed(format!("{error:#}")),
        notes: Vec::new(),
    };
    let ((package, example), published) = match seeds_target(root, lesson)
        .and_then(|target| Ok((target, SeedsFile::load(root, lesson)?)))
    {
        Ok(found) => found,
        Err(error) => return failed(error),
    };
    let cmd = Cmd::cargo(root).args([
        "run",
        "--release",
        "-p",
        &package,
        "--example",
        &example,
        "--",
        "--json",
    ]);
    eprintln!("lesson {lesson}: {}", cmd.display());
    let started = Instant::now();
    let output = match cmd.run() {
        Ok(output) => output,
        Err(error) => return failed(error),
    };
    let stderr = output.stderr();
    // A failed run's `note:` lines are the panic's hints, already part of the error.
    let notes: Vec<String> = stderr
        .lines()
        .filter(|line| output.success() && line.starts_with("note: "))
        .map(str::to_owned)
        .collect();
    let outcome = if output.success() {
        match parse_measurements(&output.stdout()) {
            Ok(rows) if rows.is_empty() => {
                Outcome::Failed(format!("`{}` printed no measurement", cmd.display()))
            }
            Ok(rows) => Outcome::Rows(
                rows.into_iter()
                    .map(|row| {
                        let matched = published.matching(&row).cloned();
                        (row, matched)
                    })
                    .collect(),
            ),
            Err(error) => Outcome::Failed(format!("`{}`: {error:#}", cmd.display())),
        }
    } else {
        Outcome::Failed(format!(
            "`{}` failed ({}):\n{}",
            cmd.display(),
            output.status,
            failure_excerpt(&stderr)
        ))
    };
    if let Outcome::Rows(rows) = &outcome {
        eprintln!(
            "lesson {lesson}: {} in {}",
            plural(rows.len(), "measurement"),
            duration(started.elapsed())
        );
    }
    LessonRun {
        lesson,
        outcome,
        notes,
    }
}

/// The part of a failed run's standard error worth showing: from the first error or panic on.
fn failure_excerpt(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("error") || line.contains("panicked"))
        .unwrap_or(lines.len().saturating_sub(10));
    first_lines(lines[start..].join("\n").trim_end(), 12)
}

/// One line of `--json`: the measurement with its lesson first and the matched published
/// numbers, if any, under `published`.
#[derive(Debug, Serialize)]
struct JsonLine<'a> {
    lesson: u32,
    #[serde(flatten)]
    measurement: &'a Measurement,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<PublishedNumbers>,
}

/// The published numbers of a [`JsonLine`], without the keys that repeat the measurement's.
#[derive(Debug, Serialize)]
struct PublishedNumbers {
    #[serde(skip_serializing_if = "Option::is_none")]
    processes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cores: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parallel_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speedup: Option<f64>,
}

/// Every measured row of `runs` as JSON lines, each ending in `\n`.
pub fn json_lines(runs: &[LessonRun]) -> String {
    let mut text = String::new();
    for run in runs {
        let Outcome::Rows(rows) = &run.outcome else {
            continue;
        };
        for (measurement, published) in rows {
            let line = JsonLine {
                lesson: run.lesson,
                measurement,
                published: published.as_ref().map(|entry| PublishedNumbers {
                    processes: entry.processes,
                    cores: entry.cores,
                    serial_s: entry.serial_s,
                    parallel_s: entry.parallel_s,
                    speedup: entry.speedup,
                }),
            };
            let json = serde_json::to_string(&line).expect("a measurement always serializes");
            let _ = writeln!(text, "{json}");
        }
    }
    text
}

const NONE: &str = "—";

/// The table of every lesson's rows, with the notes and errors under it.
pub fn render(runs: &[LessonRun], threads_here: usize) -> String {
    let mut table = Table::new(&[
        "lesson",
        "seed",
        "experiment",
        "n",
        "seed serial",
        "seed parallel",
        "seed speedup",
        "seed ran on",
        "threads",
        "serial",
        "parallel",
        "speedup",
    ]);
    let mut below = String::new();
    for run in runs {
        match &run.outcome {
            Outcome::Rows(rows) => {
                for (row, published) in rows {
                    let p = published.as_ref();
                    let or_none = |value: Option<String>| value.unwrap_or_else(|| NONE.to_owned());
                    table.row(&[
                        run.lesson.to_string(),
                        row.seed.clone(),
                        row.experiment.clone(),
                        grouped(row.n),
                        or_none(p.and_then(|p| p.serial_s).map(human_seconds)),
                        or_none(p.and_then(|p| p.parallel_s).map(human_seconds)),
                        or_none(p.and_then(Published::speedup).map(times)),
                        or_none(p.map(Published::setup).filter(|s| !s.is_empty())),
                        row.threads.to_string(),
                        human_seconds(row.serial_s),
                        human_seconds(row.parallel_s),
                        times(row.serial_s / row.parallel_s),
                    ]);
                }
            }
            Outcome::Failed(error) => {
                table.row(&[
                    run.lesson.to_string(),
                    NONE.to_owned(),
                    "FAILED (see below)".to_owned(),
                ]);
                let _ = writeln!(below, "lesson {}: {error}", run.lesson);
            }
        }
        for note in &run.notes {
            let _ = writeln!(below, "lesson {}: {note}", run.lesson);
        }
    }
    let mut text = format!(
        "The seed columns are the tutorials' own numbers (tests/lessonN/seeds.toml), from their \
         machines; the last four were measured here ({}).\n\n",
        plural(threads_here, "available thread")
    );
    text.push_str(&table.render(0));
    if !below.is_empty() {
        text.push('\n');
        text.push_str(&below);
    }
    text
}

/// A speedup: two decimals, or two significant digits below 0.1 so a tiny one is not `0.00x`.
pub fn times(speedup: f64) -> String {
    if !speedup.is_finite() || speedup >= 0.1 {
        format!("{speedup:.2}x")
    } else {
        let decimals = (1.0 - speedup.log10().floor()).clamp(2.0, 12.0) as usize;
        format!("{speedup:.decimals$}x")
    }
}

/// `10000000` as `10,000,000`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut text = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// Writes the pictures into `dir` with lesson 5's `plot_seeds` example.
fn plot(root: &Path, dir: &Path, lines: &str) -> Result<()> {
    let (lesson, example) = PLOTTER;
    let source = format!("solutions/lesson{lesson}/examples/{example}.rs");
    ensure!(
        root.join(&source).is_file(),
        "--plot draws with lesson {lesson}'s {example} example, but {source} is missing"
    );
    ensure!(
        !lines.is_empty(),
        "--plot has nothing to draw: no lesson gave a measurement"
    );
    let rows = scratch::scratch_dir(root).join("seeds.jsonl");
    fs::create_dir_all(scratch::scratch_dir(root))
        .with_context(|| format!("could not create {}", scratch::scratch_dir(root).display()))?;
    fs::write(&rows, lines).with_context(|| format!("could not write {}", rows.display()))?;
    let dir = std::path::absolute(dir)
        .with_context(|| format!("could not resolve the directory {}", dir.display()))?;
    let lesson = Lesson::load(root, lesson)?;
    let cmd = Cmd::cargo(root)
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            &lesson.solution_package(),
            "--example",
            example,
            "--",
        ])
        .arg(&rows)
        .arg(&dir);
    eprintln!("plot: {}", cmd.display());
    let output = cmd.run()?;
    if !output.success() {
        bail!(
            "`{}` failed ({}):\n{}",
            cmd.display(),
            output.status,
            failure_excerpt(&output.stderr())
        );
    }
    for path in output.stdout().lines() {
        eprintln!("wrote {path}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"seed":"004","experiment":"cubes_sqrt","n":100,"threads":2,"serial_s":1e-7,"parallel_s":7e-5}"#;

    fn measurement(n: u64, threads: usize) -> Measurement {
        Measurement {
            seed: "004".to_owned(),
            experiment: "cubes_sqrt".to_owned(),
            n,
            threads,
            serial_s: 0.5,
            parallel_s: 0.25,
        }
    }

    const SEEDS: &str = r#"
[[published]]
seed = "004"
experiment = "cubes_sqrt"
n = 100
processes = 8
cores = 8
serial_s = 0.00009639
parallel_s = 0.1197657
speedup = 0.008

[[published]]
seed = "003"
experiment = "factorial_1e6"
n = 1000000
processes = 1
serial_s = 8.40
parallel_s = 8.40

[[published]]
seed = "003"
experiment = "factorial_1e6"
n = 1000000
processes = 2
serial_s = 8.40
parallel_s = 4.63
"#;

    fn error_of(text: &str) -> String {
        format!("{:#}", SeedsFile::parse(text).unwrap_err())
    }

    #[test]
    fn reads_measurement_lines_and_skips_blank_ones() {
        let rows = parse_measurements(&format!("{LINE}\n\n{LINE}\n")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].experiment, "cubes_sqrt");
        assert_eq!(rows[0].threads, 2);
        assert_eq!(rows[0].parallel_s, 7e-5);
    }

    #[test]
    fn a_bad_line_is_named_with_its_number() {
        let error = format!(
            "{:#}",
            parse_measurements(&format!("{LINE}\nhello")).unwrap_err()
        );
        assert!(error.contains("output line 2"), "{error}");
        assert!(error.contains("\"hello\""), "{error}");
        let missing = LINE.replace(r#""threads":2,"#, "");
        let error = format!("{:#}", parse_measurements(&missing).unwrap_err());
        assert!(error.contains("missing field `threads`"), "{error}");
    }

    #[test]
    fn reads_a_seeds_file() {
        let file = SeedsFile::parse(SEEDS).unwrap();
        assert_eq!(file.published.len(), 3);
        assert_eq!(file.published[0].speedup(), Some(0.008));
        assert_eq!(file.published[0].setup(), "8 procs, 8 cores");
        let computed = file.published[2].speedup().unwrap();
        assert!((computed - 8.40 / 4.63).abs() < 1e-12);
        assert_eq!(SeedsFile::parse("").unwrap(), SeedsFile::default());
    }

    #[test]
    fn seeds_file_mistakes_are_explained() {
        let error = error_of(&SEEDS.replacen("cores = 8", "corse = 8", 1));
        assert!(error.contains("unknown field `corse`"), "{error}");
        let error = error_of(&SEEDS.replacen("seed = \"004\"", "seed = \"4\"", 1));
        assert!(error.contains("three digits"), "{error}");
        let error = error_of(&SEEDS.replacen("serial_s = 8.40", "serial_s = -8.40", 1));
        assert!(error.contains("`serial_s` is -8.4"), "{error}");
        let error = error_of(&SEEDS.replace("processes = 2", "processes = 1"));
        assert!(error.contains("on 1 processes appears 2 times"), "{error}");
        let error = error_of(&SEEDS.replace("processes = 2\n", ""));
        assert!(error.contains("each must say its `processes`"), "{error}");
        let bare = "[[published]]\nseed = \"000\"\nexperiment = \"square\"\nn = 10\n";
        assert!(error_of(bare).contains("gives no number"));
        let error = error_of("[[published]]\nseed = \"000\"\n");
        assert!(error.contains("missing field `experiment`"), "{error}");
    }

    #[test]
    fn entries_match_by_size_and_by_processes_when_several() {
        let file = SeedsFile::parse(SEEDS).unwrap();
        let cubes = file.matching(&measurement(100, 2)).unwrap();
        assert_eq!(
            cubes.processes,
            Some(8),
            "one entry for a size matches any threads"
        );
        assert!(file.matching(&measurement(1000, 2)).is_none());
        let factorial = |threads| Measurement {
            seed: "003".to_owned(),
            experiment: "factorial_1e6".to_owned(),
            ..measurement(1_000_000, threads)
        };
        assert_eq!(file.matching(&factorial(2)).unwrap().parallel_s, Some(4.63));
        assert!(file.matching(&factorial(3)).is_none());
    }

    /// Lesson 5 with a published and an unpublished row and a note; lesson 6 failed.
    fn sample_runs() -> [LessonRun; 2] {
        let file = SeedsFile::parse(SEEDS).unwrap();
        let row = measurement(100, 2);
        let published = file.matching(&row).cloned();
        [
            LessonRun {
                lesson: 5,
                outcome: Outcome::Rows(vec![(row, published), (measurement(1000, 2), None)]),
                notes: vec!["note: crossover at n = 40001".to_owned()],
            },
            LessonRun {
                lesson: 6,
                outcome: Outcome::Failed("`cargo run` failed:\nerror: boom".to_owned()),
                notes: Vec::new(),
            },
        ]
    }

    #[test]
    fn the_table_shows_both_sides_and_errors() {
        let text = render(&sample_runs(), 2);
        assert!(text.contains("2 available threads"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        let first = lines
            .iter()
            .find(|l| l.starts_with("5 ") && l.contains(" 100 "))
            .unwrap();
        for cell in [
            "96.4 µs",
            "119.77 ms",
            "0.0080x",
            "8 procs, 8 cores",
            "500.00 ms",
            "2.00x",
        ] {
            assert!(first.contains(cell), "{cell:?} missing from {first:?}");
        }
        let second = lines.iter().find(|l| l.contains("1,000")).unwrap();
        assert_eq!(second.matches(NONE).count(), 4, "{second}");
        assert!(text.contains("6       —     FAILED (see below)"), "{text}");
        assert!(
            text.contains("lesson 6: `cargo run` failed:\nerror: boom"),
            "{text}"
        );
        assert!(
            text.contains("lesson 5: note: crossover at n = 40001"),
            "{text}"
        );
    }

    #[test]
    fn json_lines_carry_the_lesson_and_published_numbers() {
        let lines = json_lines(&sample_runs());
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(
            lines,
            [
                r#"{"lesson":5,"seed":"004","experiment":"cubes_sqrt","n":100,"threads":2,"serial_s":0.5,"parallel_s":0.25,"published":{"processes":8,"cores":8,"serial_s":0.00009639,"parallel_s":0.1197657,"speedup":0.008}}"#,
                r#"{"lesson":5,"seed":"004","experiment":"cubes_sqrt","n":1000,"threads":2,"serial_s":0.5,"parallel_s":0.25}"#,
            ]
        );
        // What --json prints reads back as measurements, the extra keys ignored.
        assert_eq!(
            parse_measurements(lines[1]).unwrap(),
            [measurement(1000, 2)]
        );
    }

    #[test]
    fn the_seeds_example_is_found_by_its_path() {
        let named = "[package]\nname = \"lesson1-solution\"\n\n[[example]]\nname = \"other\"\n\
                     path = \"examples/other.rs\"\n\n[[example]]\nname = \"lesson1-seeds\"\n\
                     path = \"examples/seeds.rs\"\n";
        assert_eq!(seeds_example_name(named).unwrap(), "lesson1-seeds");
        let plain = "[package]\nname = \"lesson1-solution\"\n";
        assert_eq!(seeds_example_name(plain).unwrap(), "seeds");
        let broken = "[[example]]\npath = \"examples/seeds.rs\"\n";
        let error = format!("{:#}", seeds_example_name(broken).unwrap_err());
        assert!(error.contains("missing field `name`"), "{error}");
    }

    #[test]
    fn numbers_are_readable() {
        assert_eq!(times(1.734), "1.73x");
        assert_eq!(times(0.0008), "0.00080x");
        assert_eq!(times(0.083), "0.083x");
        assert_eq!(grouped(10_000_000), "10,000,000");
        assert_eq!(grouped(100), "100");
        assert_eq!(grouped(1_000), "1,000");
    }

    #[test]
    fn the_lessons_checked_in_have_valid_seeds_files() {
        let root = lessons::workspace_root().unwrap();
        for lesson in lessons::discover(&root).unwrap() {
            SeedsFile::load(&root, lesson).unwrap();
        }
    }
}
