//! `cargo xtask seeds`: every lesson's seed experiments, rerun here on the student's code, next
//! to the numbers the seed tutorials published and the ones the reference solution recorded.
//!
//! The experiments are written once, in `tests/lessonN/seeds.rs`, and built as the example
//! `lessonN-seeds` of both the student's crate and the reference. Each lesson is run in turn,
//! one at a time so that no two disturb each other's timings, as `cargo run --release -p
//! lessonN --example lessonN-seeds -- --json` (with `--reference`, on `lessonN-solution`). Its
//! JSON lines (the format of `tests/seedkit`) are matched with the numbers in
//! `tests/lessonN/seeds.toml` (format: [`SeedsFile`]) and with the reference's recorded run,
//! `tests/lessonN/seeds-reference.json` (format: [`Recorded`], written by `--record`), and
//! shown in one table. A lesson whose example stops at a `todo!` gets a "not started" line
//! naming the exercise; one that fails otherwise gets an error; the others still run.
//!
//! Pictures (`--plot DIR`) are drawn by lesson 5's `plot_seeds` example, which reads the same
//! JSON lines that `--json` prints: plotting is what lesson 5 teaches and its crate already
//! depends on plotters, so the tooling stays free of a drawing library.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result, bail, ensure};
use seedkit::{
    ERROR_MARK, error_mark_legend, grouped, human_seconds, is_measurement_error, speedup_cell,
    times,
};
use serde::{Deserialize, Serialize};

use crate::cargo::first_lines;
use crate::cmd::{Cmd, Line, Stream};
use crate::lessons;
use crate::report::{duration, plural};
use crate::scratch;

/// What `cargo xtask seeds` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Default, clap::Args)]
pub struct Options {
    /// Prints the combined JSON lines (each with its `lesson`, the seed's numbers under
    /// `published` and the reference's recorded ones under `reference`) instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Also draws speedup pictures (SVG) into DIR, created if needed, with lesson 5's
    /// plot_seeds example and your lesson 5 crate's fit_amdahl (no fit until it is written).
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
    /// Only this lesson (its number, such as 5).
    #[arg(long, value_name = "N")]
    pub lesson: Option<u32>,
    /// Runs the reference solutions instead of your code (the course repository only).
    #[arg(long, hide = crate::students_copy())]
    pub reference: bool,
    /// Runs the reference solutions and writes their numbers to
    /// tests/lessonN/seeds-reference.json, with this machine's description (maintainers).
    #[arg(long, hide = crate::students_copy())]
    pub record: bool,
}

/// The lesson whose example draws the pictures, and the example's name.
const PLOTTER: (u32, &str) = (5, "lesson5-plot-seeds");

/// Whose code the experiments run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The student's crates, `lessonN` under `lessons/`.
    Student,
    /// The reference solutions, `lessonN-solution` under `solutions/`.
    Reference,
}

impl Subject {
    /// The package of lesson `lesson` that this subject runs.
    pub fn package(self, lesson: u32) -> String {
        match self {
            Subject::Student => format!("lesson{lesson}"),
            Subject::Reference => format!("lesson{lesson}-solution"),
        }
    }

    /// The directory of that package, relative to the workspace root.
    pub fn dir(self, lesson: u32) -> String {
        match self {
            Subject::Student => format!("lessons/lesson{lesson}"),
            Subject::Reference => format!("solutions/lesson{lesson}"),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Subject::Student => "your code (the lessonN crates)",
            Subject::Reference => "the reference solutions",
        }
    }
}

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
    /// Whether the speedup is above what `threads` allows ([`seedkit::is_measurement_error`]);
    /// recomputed on reading, so a line without the field is judged too.
    #[serde(default)]
    pub measurement_error: bool,
}

impl Measurement {
    /// Serial time over parallel time.
    pub fn speedup(&self) -> f64 {
        self.serial_s / self.parallel_s
    }

    fn key(&self) -> (&str, &str, u64) {
        (&self.seed, &self.experiment, self.n)
    }
}

/// Reads a seeds example's standard output: one [`Measurement`] per non-blank line.
pub fn parse_measurements(stdout: &str) -> Result<Vec<Measurement>> {
    let mut found = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut measurement: Measurement = serde_json::from_str(line).with_context(|| {
            format!(
                "output line {} is not a seed measurement such as {{\"seed\":\"000\",\
                 \"experiment\":\"square\",\"n\":10,\"threads\":2,\"serial_s\":1e-6,\
                 \"parallel_s\":2e-6}}: {line:?}",
                index + 1
            )
        })?;
        judge(&mut measurement);
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

    /// Where the seed ran, as much of it as the seed said: `8p, 8c` for 8 processes on 8 cores.
    pub fn setup(&self) -> String {
        let mut parts = Vec::new();
        if let Some(processes) = self.processes {
            parts.push(format!("{processes}p"));
        }
        if let Some(cores) = self.cores {
            parts.push(format!("{cores}c"));
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

/// `tests/lessonN/seeds-reference.json`: the reference solution's run of a lesson's seeds,
/// recorded by `cargo xtask seeds --record`, with the machine it ran on.
///
/// ```json
/// {
///   "package": "lesson1-solution",
///   "machine": {"cpu": "…", "logical_cores": 2, "os": "linux 6.1.0 (Debian GNU/Linux 12)",
///               "rustc": "rustc 1.95.0 (…)", "date": "2026-12-02", "load_average": "1.9 1.2 0.8"},
///   "measurements": [
///     {"seed":"000","experiment":"square","n":10,"threads":2,"serial_s":…,"parallel_s":…,"measurement_error":false}
///   ]
/// }
/// ```
///
/// `measurements` holds exactly the JSON lines the lesson's example printed, one per line of
/// the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorded {
    /// The package that was measured: `lessonN-solution`.
    pub package: String,
    /// Where it was measured.
    pub machine: Machine,
    /// The measurements, in the order the example printed them.
    pub measurements: Vec<Measurement>,
}

/// The machine a [`Recorded`] run came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    /// The CPU's model name, as /proc/cpuinfo gives it.
    pub cpu: String,
    /// The threads the run could use (`available_parallelism`).
    pub logical_cores: usize,
    /// The operating system and its kernel release.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// The day of the run, `YYYY-MM-DD` in UTC.
    pub date: String,
    /// The 1, 5 and 15 minute load averages when the run ended (Linux), as a hint of how busy
    /// the machine was; empty where unknown.
    pub load_average: String,
    /// The same when the run started (empty in files recorded before this field existed).
    #[serde(default)]
    pub load_average_at_start: String,
}

impl Machine {
    /// This machine, now, at the end of a run that started with `load_at_start` (from
    /// [`load_average`]).
    pub fn here(root: &Path, load_at_start: String) -> Machine {
        let cpu = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|line| line.starts_with("model name"))
                    .and_then(|line| line.split_once(':'))
                    .map(|(_, name)| name.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".to_owned());
        let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let distribution = fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|line| line.strip_prefix("PRETTY_NAME="))
                    .map(|name| name.trim_matches('"').to_owned())
            })
            .map(|name| format!(" ({name})"))
            .unwrap_or_default();
        let rustc = Cmd::new("rustc", root)
            .arg("--version")
            .run()
            .ok()
            .filter(|output| output.success())
            .map(|output| output.stdout().trim().to_owned())
            .unwrap_or_else(|| "unknown rustc".to_owned());
        Machine {
            cpu,
            logical_cores: available_threads(),
            os: format!("{} {}{distribution}", std::env::consts::OS, kernel.trim()),
            rustc,
            date: utc_date(SystemTime::now()),
            load_average: load_average(),
            load_average_at_start: load_at_start,
        }
    }

    /// One line: `Intel(R) Xeon(R) …, 2 logical cores, linux 6.1.0 (…), rustc 1.95.0 (…), on
    /// 2026-12-02 (load 1.1 1.4 1.3 at the start, 1.9 1.2 0.8 at the end)`.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{}, {}, {}, {}, on {}",
            self.cpu,
            plural(self.logical_cores, "logical core"),
            self.os,
            self.rustc,
            self.date
        );
        match (
            self.load_average_at_start.as_str(),
            self.load_average.as_str(),
        ) {
            ("", "") => {}
            ("", end) => {
                let _ = write!(text, " (load {end} at the end)");
            }
            (start, end) => {
                let _ = write!(text, " (load {start} at the start, {end} at the end)");
            }
        }
        text
    }
}

/// The 1, 5 and 15 minute load averages, `1.95 1.20 0.80` (Linux; empty elsewhere).
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// `YYYY-MM-DD` of `time` in UTC.
fn utc_date(time: SystemTime) -> String {
    let seconds = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The Gregorian date `days` after 1970-01-01, counting in 400-year eras of 146 097 days
/// whose years start on 1 March, so that the leap day falls at the end of a year.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl Recorded {
    /// The file's path, relative to the workspace root.
    pub fn relative_path(lesson: u32) -> String {
        format!("tests/lesson{lesson}/seeds-reference.json")
    }

    /// Reads and checks the text of a `seeds-reference.json`.
    pub fn parse(text: &str) -> Result<Self> {
        let mut recorded: Recorded = serde_json::from_str(text)?;
        for measurement in &mut recorded.measurements {
            judge(measurement);
        }
        Ok(recorded)
    }

    /// Reads lesson `lesson`'s file; a lesson without one has no recorded numbers.
    pub fn load(root: &Path, lesson: u32) -> Result<Option<Self>> {
        let relative = Self::relative_path(lesson);
        let path = root.join(&relative);
        if !path.is_file() {
            return Ok(None);
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("could not read {relative}"))?;
        let recorded = Self::parse(&text).with_context(|| {
            format!(
                "{relative} is not a valid record of the reference's seeds (rewrite it with \
                 `cargo xtask seeds --record --lesson {lesson}`)"
            )
        })?;
        Ok(Some(recorded))
    }

    /// The file's text: the package and machine, then one measurement per line.
    pub fn to_text(&self) -> String {
        let lines: Vec<String> = self
            .measurements
            .iter()
            .map(|m| format!("    {}", compact(m)))
            .collect();
        format!(
            "{{\n  \"package\": {},\n  \"machine\": {},\n  \"measurements\": [\n{}\n  ]\n}}\n",
            compact(&self.package),
            compact(&self.machine),
            lines.join(",\n")
        )
    }

    /// The recorded row for `row`: the same experiment, size and thread count, or else the
    /// one of the same experiment and size whose thread count is nearest (ties: the lower).
    pub fn matching(&self, row: &Measurement) -> Option<&Measurement> {
        self.measurements
            .iter()
            .filter(|recorded| recorded.key() == row.key())
            .min_by_key(|recorded| (recorded.threads.abs_diff(row.threads), recorded.threads))
    }
}

/// `value` as one line of JSON.
fn compact<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data always serializes")
}

/// Sets `measurement_error` from the numbers, whatever the line said.
fn judge(measurement: &mut Measurement) {
    measurement.measurement_error |=
        is_measurement_error(measurement.speedup(), measurement.threads);
}

/// What one lesson's run gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Its measurements, each with the published numbers it matches.
    Rows(Vec<(Measurement, Option<Published>)>),
    /// The example stopped at an exercise's `todo!`.
    NotStarted {
        /// The exercise, as its `todo!` names it: `Exercise 1.3`.
        exercise: String,
        /// Where the book explains it: `book/src/lesson1.md#own-pool`.
        section: String,
    },
    /// Why there are none.
    Failed(String),
}

/// One lesson's run.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonRun {
    /// The lesson's number.
    pub lesson: u32,
    /// The package that ran.
    pub package: String,
    /// What came of it.
    pub outcome: Outcome,
    /// The example's `note: …` lines from standard error, such as a crossover it found.
    pub notes: Vec<String>,
    /// The reference's recorded run of this lesson, if there is one.
    pub recorded: Option<Recorded>,
}

/// Everything the command will do, decided (and every argument checked) before any of it.
#[derive(Debug)]
pub struct Plan {
    subject: Subject,
    /// The lessons to run, each with its example's name and its data files, read and checked.
    lessons: Vec<Planned>,
    /// The directory for the pictures, checked to be writable, and the plotting package.
    plot: Option<(PathBuf, String)>,
    json: bool,
    record: bool,
}

#[derive(Debug)]
struct Planned {
    lesson: u32,
    example: String,
    published: SeedsFile,
    recorded: Option<Recorded>,
}

/// Checks every argument and reads every file the run will need, so that a mistake is
/// reported at once rather than after minutes of experiments.
pub fn plan(root: &Path, options: &Options) -> Result<Plan> {
    let subject = if options.reference || options.record {
        Subject::Reference
    } else {
        Subject::Student
    };
    if subject == Subject::Reference && !root.join("solutions").is_dir() {
        let flag = if options.record {
            "--record"
        } else {
            "--reference"
        };
        bail!(
            "{flag} runs the reference solutions (solutions/), which this copy of the course \
             does not have: run `cargo xtask seeds` to measure your own code"
        );
    }
    let numbers = lessons::discover(root)?;
    if let Some(wanted) = options.lesson
        && !numbers.contains(&wanted)
    {
        bail!(
            "there is no lesson {wanted}: the lessons are {}",
            lesson_list(&numbers)
        );
    }
    let has_example = |number: u32| {
        root.join(subject.dir(number))
            .join("examples/seeds.rs")
            .is_file()
    };
    let chosen: Vec<u32> = numbers
        .iter()
        .copied()
        .filter(|&number| options.lesson.is_none_or(|wanted| wanted == number))
        .filter(|&number| has_example(number))
        .collect();
    if chosen.is_empty() {
        match options.lesson {
            Some(wanted) => bail!(
                "lesson {wanted} has no seeds example: {}/examples/seeds.rs is missing",
                subject.dir(wanted)
            ),
            None => bail!(
                "no lesson has a seeds example ({}/examples/seeds.rs)",
                subject.dir(0).replace('0', "N")
            ),
        }
    }
    let mut planned = Vec::new();
    for lesson in chosen {
        let manifest = format!("{}/Cargo.toml", subject.dir(lesson));
        let text = fs::read_to_string(root.join(&manifest))
            .with_context(|| format!("could not read {manifest}"))?;
        let example = seeds_example_name(&text)
            .with_context(|| format!("{manifest} is not a valid manifest"))?;
        planned.push(Planned {
            lesson,
            example,
            published: SeedsFile::load(root, lesson)?,
            recorded: Recorded::load(root, lesson)?,
        });
    }
    let plot = match &options.plot {
        Some(dir) => Some((writable_dir(dir)?, plotter(root, subject)?)),
        None => None,
    };
    Ok(Plan {
        subject,
        lessons: planned,
        plot,
        json: options.json,
        record: options.record,
    })
}

/// `1–6` for consecutive lessons, else `1, 2, 4`.
fn lesson_list(numbers: &[u32]) -> String {
    match (numbers.first(), numbers.last()) {
        (Some(first), Some(last))
            if numbers.len() > 2 && (last - first) as usize + 1 == numbers.len() =>
        {
            format!("{first}–{last}")
        }
        _ => numbers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `dir` made absolute, created if missing, and proved writable by writing a file into it.
fn writable_dir(dir: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(dir)
        .with_context(|| format!("--plot {}: could not resolve the path", dir.display()))?;
    let shown = dir.display();
    if absolute.exists() && !absolute.is_dir() {
        bail!("--plot {shown}: it is a file, not a directory: give a directory for the SVGs");
    }
    fs::create_dir_all(&absolute).map_err(|error| {
        anyhow::anyhow!(
            "--plot {shown}: could not create the directory ({error}): choose one you can write \
             to"
        )
    })?;
    let probe = absolute.join(".seeds-plot-write-test");
    fs::write(&probe, b"").map_err(|error| {
        anyhow::anyhow!(
            "--plot {shown}: cannot write into this directory ({error}): choose one you can \
             write to"
        )
    })?;
    let _ = fs::remove_file(&probe);
    Ok(absolute)
}

/// The package whose `plot_seeds` example draws the pictures, checked to have it.
fn plotter(root: &Path, subject: Subject) -> Result<String> {
    let (lesson, example) = PLOTTER;
    let source = format!("{}/examples/plot_seeds.rs", subject.dir(lesson));
    ensure!(
        root.join(&source).is_file(),
        "--plot draws with lesson {lesson}'s {example} example, but {source} is missing"
    );
    Ok(subject.package(lesson))
}

/// Runs the command: the plan, every lesson's seeds, then the table or JSON lines, the
/// recorded files and the pictures.
pub fn run(root: &Path, options: &Options) -> Result<ExitCode> {
    let plan = plan(root, options)?;
    let load_at_start = load_average();
    let runs: Vec<LessonRun> = plan
        .lessons
        .iter()
        .map(|planned| run_lesson(root, plan.subject, planned))
        .collect();
    let incomplete = runs
        .iter()
        .any(|run| !matches!(run.outcome, Outcome::Rows(_)));
    let lines = json_lines(&runs);
    if plan.json {
        print!("{lines}");
        eprint!("{}", below_table(&runs, true));
    } else {
        print!("{}", render(&runs, plan.subject, available_threads()));
    }
    let mut problems = Vec::new();
    if plan.record {
        let machine = Machine::here(root, load_at_start);
        for run in &runs {
            match record(root, run, &machine) {
                Ok(Some(path)) => eprintln!("recorded {path}"),
                Ok(None) => problems.push(format!(
                    "lesson {}: not recorded, as it gave no measurement",
                    run.lesson
                )),
                Err(error) => problems.push(format!("{error:#}")),
            }
        }
    }
    if let Some((dir, package)) = &plan.plot
        && let Err(error) = plot(root, dir, package, &lines)
    {
        problems.push(format!("{error:#}"));
    }
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    Ok(if incomplete || !problems.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes `run`'s measurements as lesson's recorded reference numbers; `None` when it has
/// none.
fn record(root: &Path, run: &LessonRun, machine: &Machine) -> Result<Option<String>> {
    let Outcome::Rows(rows) = &run.outcome else {
        return Ok(None);
    };
    let recorded = Recorded {
        package: run.package.clone(),
        machine: machine.clone(),
        measurements: rows.iter().map(|(row, _)| row.clone()).collect(),
    };
    let relative = Recorded::relative_path(run.lesson);
    fs::write(root.join(&relative), recorded.to_text())
        .with_context(|| format!("could not write {relative}"))?;
    let errors = rows.iter().filter(|(row, _)| row.measurement_error).count();
    if errors > 0 {
        eprintln!(
            "warning: lesson {}: {} of {} recorded rows are measurement errors (marked \
             {ERROR_MARK}): record again on a quieter machine",
            run.lesson,
            errors,
            rows.len()
        );
    }
    Ok(Some(relative))
}

fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The name cargo knows `examples/seeds.rs` by in a lesson crate's Cargo.toml: its
/// `[[example]]` entry's name (the lessons use `lessonN-seeds`, so that their binaries do not
/// overwrite each other in `target/`), or `seeds` when the manifest has no entry for it.
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

fn run_lesson(root: &Path, subject: Subject, planned: &Planned) -> LessonRun {
    let lesson = planned.lesson;
    let package = subject.package(lesson);
    let cmd = Cmd::cargo(root).args([
        "run",
        "--release",
        "-p",
        &package,
        "--example",
        &planned.example,
        "--",
        "--json",
    ]);
    eprintln!("lesson {lesson}: {}", cmd.display());
    let started = Instant::now();
    let (outcome, notes) = match cmd.run_observed(&mut progress(lesson, &package)) {
        Ok(output) => {
            let stderr = output.stderr();
            let outcome = if output.success() {
                rows_of(&output.stdout(), &planned.published).unwrap_or_else(|error| {
                    Outcome::Failed(format!("`{}`: {error:#}", cmd.display()))
                })
            } else {
                failure(&cmd.display(), &output.status.to_string(), &stderr)
            };
            // A failed run's `note:` lines are the panic's hints, already part of the error.
            let notes = stderr
                .lines()
                .filter(|line| output.success() && line.starts_with("note: "))
                .map(str::to_owned)
                .collect();
            (outcome, notes)
        }
        Err(error) => (Outcome::Failed(format!("{error:#}")), Vec::new()),
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
        package,
        outcome,
        notes,
        recorded: planned.recorded.clone(),
    }
}

/// What to show while lesson `lesson`'s example builds and runs: that it builds, and each
/// measurement as it arrives, so that a run of minutes is not a silent one.
fn progress(lesson: u32, package: &str) -> impl FnMut(&Line) {
    let mut building = false;
    move |line: &Line| match line.stream {
        Stream::Stderr if !building && line.text.trim_start().starts_with("Compiling") => {
            building = true;
            eprintln!(
                "lesson {lesson}: building {package} (release mode, the first time takes a while)"
            );
        }
        Stream::Stdout => {
            if let Ok(row) = serde_json::from_str::<Measurement>(&line.text) {
                eprintln!(
                    "lesson {lesson}: {} at n = {} on {}: {}",
                    row.experiment,
                    grouped(row.n),
                    counted_grouped(row.threads, "thread"),
                    speedup_cell(row.speedup(), row.threads)
                );
            }
        }
        Stream::Stderr => {}
    }
}

/// The measurements an example printed, matched with the published numbers.
fn rows_of(stdout: &str, published: &SeedsFile) -> Result<Outcome> {
    let rows = parse_measurements(stdout)?;
    ensure!(!rows.is_empty(), "it printed no measurement");
    Ok(Outcome::Rows(
        rows.into_iter()
            .map(|row| {
                let matched = published.matching(&row).cloned();
                (row, matched)
            })
            .collect(),
    ))
}

/// What a failed run of `shown` (exit `status`) means: an exercise not started, when it
/// stopped at a `todo!`, or else the error with the part of its output worth reading.
fn failure(shown: &str, status: &str, stderr: &str) -> Outcome {
    if let Some(outcome) = not_started(stderr) {
        return outcome;
    }
    Outcome::Failed(format!(
        "`{shown}` failed ({status}):\n{}",
        failure_excerpt(stderr)
    ))
}

/// The exercise a `not yet implemented: Exercise 1.3: read book/src/lesson1.md#own-pool`
/// panic names, if the output has one.
fn not_started(stderr: &str) -> Option<Outcome> {
    const TODO: &str = "not yet implemented";
    let line = stderr.lines().find(|line| line.contains(TODO))?;
    let message = line[line.find(TODO)? + TODO.len()..]
        .trim_start_matches(':')
        .trim()
        .trim_end_matches(['\'', '"', ',']);
    let (exercise, section) = match message.split_once(": read ") {
        Some((exercise, section)) => (exercise.trim(), section.trim()),
        None => (message, ""),
    };
    Some(Outcome::NotStarted {
        exercise: exercise.to_owned(),
        section: section.to_owned(),
    })
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

/// One line of `--json`: the measurement with its lesson and package first, the matched
/// published numbers under `published` and the reference's recorded row under `reference`.
#[derive(Debug, Serialize)]
struct JsonLine<'a> {
    lesson: u32,
    package: &'a str,
    #[serde(flatten)]
    measurement: &'a Measurement,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<PublishedNumbers>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<ReferenceNumbers>,
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

/// The reference's recorded row of a [`JsonLine`] (possibly at another thread count).
#[derive(Debug, Serialize)]
struct ReferenceNumbers {
    threads: usize,
    serial_s: f64,
    parallel_s: f64,
    measurement_error: bool,
}

/// Every measured row of `runs` as JSON lines, each ending in `\n`.
pub fn json_lines(runs: &[LessonRun]) -> String {
    let mut text = String::new();
    for run in runs {
        let Outcome::Rows(rows) = &run.outcome else {
            continue;
        };
        for (measurement, published) in rows {
            let reference = run
                .recorded
                .as_ref()
                .and_then(|recorded| recorded.matching(measurement));
            let line = JsonLine {
                lesson: run.lesson,
                package: &run.package,
                measurement,
                published: published.as_ref().map(|entry| PublishedNumbers {
                    processes: entry.processes,
                    cores: entry.cores,
                    serial_s: entry.serial_s,
                    parallel_s: entry.parallel_s,
                    speedup: entry.speedup,
                }),
                reference: reference.map(|row| ReferenceNumbers {
                    threads: row.threads,
                    serial_s: row.serial_s,
                    parallel_s: row.parallel_s,
                    measurement_error: row.measurement_error,
                }),
            };
            let json = serde_json::to_string(&line).expect("a measurement always serializes");
            let _ = writeln!(text, "{json}");
        }
    }
    text
}

const NONE: &str = "—";

/// The widest line [`render`] may print: rustfmt's width, which fits a terminal and the book.
pub const WIDTH: usize = 100;

/// The table of every lesson's rows, the machines above it and the notes and errors under it.
pub fn render(runs: &[LessonRun], subject: Subject, threads_here: usize) -> String {
    let mut text = String::new();
    let measured = runs
        .iter()
        .any(|run| matches!(run.outcome, Outcome::Rows(_)));
    if !measured {
        text.push_str(&wrap(
            &format!(
                "Seeds on {}: no lesson could be measured yet. Each lesson's experiments run \
                 once the exercises they use are done (`cargo test -p lessonN` passes).",
                subject.describe()
            ),
            WIDTH,
        ));
        text.push('\n');
        for run in runs {
            text.push_str(&wrap(&heading(run), WIDTH));
        }
        let below = below_table(runs, false);
        if !below.is_empty() {
            text.push('\n');
            text.push_str(&below);
        }
        return text;
    }
    let intro = format!(
        "Seeds on {}. seed: the tutorial's own speedup (tests/lessonN/seeds.toml; p processes, \
         c cores, where it says). reference: the reference solution's recorded speedup (@t: \
         recorded at t threads only). The last four columns are this run, on {}.",
        subject.describe(),
        counted_grouped(threads_here, "available thread")
    );
    text.push_str(&wrap(&intro, WIDTH));
    text.push_str(&wrap(&recorded_machines(runs), WIDTH));
    text.push('\n');

    let header = [
        "experiment",
        "n",
        "seed",
        "reference",
        "threads",
        "serial",
        "parallel",
        "speedup",
    ];
    // Each lesson is a heading line followed by its rows (none when it did not run).
    let mut blocks: Vec<(String, Vec<[String; 8]>)> = Vec::new();
    let mut impossible = false;
    for run in runs {
        let heading = heading(run);
        let mut cells = Vec::new();
        if let Outcome::Rows(rows) = &run.outcome {
            for (row, published) in rows {
                impossible |= row.measurement_error;
                let reference = run
                    .recorded
                    .as_ref()
                    .and_then(|recorded| recorded.matching(row))
                    .map_or_else(
                        || NONE.to_owned(),
                        |recorded| {
                            impossible |= recorded.measurement_error;
                            let mut cell = times(recorded.speedup());
                            if recorded.threads != row.threads {
                                let _ = write!(cell, "@{}", recorded.threads);
                            }
                            if recorded.measurement_error {
                                cell.push_str(ERROR_MARK);
                            }
                            cell
                        },
                    );
                let seed = published
                    .as_ref()
                    .and_then(|p| p.speedup().map(|speedup| (p, speedup)))
                    .map_or_else(
                        || NONE.to_owned(),
                        |(p, speedup)| {
                            let setup = p.setup();
                            if setup.is_empty() {
                                times(speedup)
                            } else {
                                format!("{} ({setup})", times(speedup))
                            }
                        },
                    );
                cells.push([
                    row.experiment.clone(),
                    grouped(row.n),
                    seed,
                    reference,
                    grouped(row.threads as u64),
                    human_seconds(row.serial_s),
                    human_seconds(row.parallel_s),
                    speedup_cell(row.speedup(), row.threads),
                ]);
            }
        }
        blocks.push((heading, cells));
    }
    let mut widths = header.map(|cell| cell.chars().count());
    for (_, rows) in &blocks {
        for row in rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (index, (cell, &width)) in cells.iter().zip(&widths).enumerate() {
            // Names to the left, numbers to the right, as they read best.
            if index == 0 {
                let _ = write!(out, "{cell:<width$}");
            } else {
                let _ = write!(out, "  {cell:>width$}");
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    text.push_str(&line(&header.map(str::to_owned)));
    text.push_str(&line(&widths.map(|width| "-".repeat(width))));
    for (heading, rows) in &blocks {
        text.push_str(&wrap(heading, WIDTH));
        for row in rows {
            text.push_str(&line(row));
        }
    }
    if impossible {
        text.push('\n');
        text.push_str(&error_mark_legend());
        text.push('\n');
    }
    let below = below_table(runs, false);
    if !below.is_empty() {
        text.push('\n');
        text.push_str(&below);
    }
    text
}

/// A lesson's line in the table: `lesson 1 (seed 000, 003)` above its rows, or what kept it
/// from running.
fn heading(run: &LessonRun) -> String {
    match &run.outcome {
        Outcome::Rows(rows) => {
            let mut seeds: Vec<&str> = rows.iter().map(|(row, _)| row.seed.as_str()).collect();
            seeds.dedup();
            format!("lesson {} (seed {})", run.lesson, seeds.join(", "))
        }
        Outcome::NotStarted { exercise, section } => {
            let mut line = format!(
                "lesson {}: not started: {}",
                run.lesson,
                lowercase_first(exercise)
            );
            if !section.is_empty() {
                let _ = write!(line, ", see {section}");
            }
            line
        }
        Outcome::Failed(_) => format!("lesson {}: FAILED (see below)", run.lesson),
    }
}

/// `1 available thread`, `10,000 available threads`.
fn counted_grouped(count: usize, word: &str) -> String {
    let s = if count == 1 { "" } else { "s" };
    format!("{} {word}{s}", grouped(count as u64))
}

/// `Exercise 1.3` as `exercise 1.3`, to read inside a sentence.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// Where the recorded reference numbers come from, once per machine.
fn recorded_machines(runs: &[LessonRun]) -> String {
    let mut machines: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for run in runs {
        if let Some(recorded) = &run.recorded {
            machines
                .entry(recorded.machine.describe())
                .or_default()
                .push(run.lesson);
        }
    }
    match machines.len() {
        0 => "No reference numbers are recorded for these lessons.".to_owned(),
        1 => {
            let (machine, _) = machines.into_iter().next().expect("one machine");
            format!("The reference numbers were recorded on {machine}.")
        }
        _ => {
            let parts: Vec<String> = machines
                .into_iter()
                .map(|(machine, lessons)| {
                    let which = if lessons.len() == 1 {
                        "lesson"
                    } else {
                        "lessons"
                    };
                    format!("{which} {}: {machine}", lesson_list(&lessons))
                })
                .collect();
            format!(
                "The reference numbers were recorded on: {}.",
                parts.join("; ")
            )
        }
    }
}

/// The notes and errors that go under the table, or to standard error with `--json`, where
/// they include the exercises not started (which the table shows in its own lines).
fn below_table(runs: &[LessonRun], not_started: bool) -> String {
    let mut below = String::new();
    for run in runs {
        match &run.outcome {
            Outcome::Failed(error) => {
                let _ = writeln!(below, "lesson {}: {error}", run.lesson);
            }
            Outcome::NotStarted { .. } if not_started => {
                below.push_str(&wrap(&heading(run), WIDTH))
            }
            _ => {}
        }
        for note in &run.notes {
            below.push_str(&wrap(&format!("lesson {}: {note}", run.lesson), WIDTH));
        }
    }
    below
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word stays
/// whole), each ended by `\n`.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Writes the pictures into `dir` with `package`'s (lesson 5's) `plot_seeds` example.
fn plot(root: &Path, dir: &Path, package: &str, lines: &str) -> Result<()> {
    ensure!(
        !lines.is_empty(),
        "--plot has nothing to draw: no lesson gave a measurement"
    );
    let rows = scratch::scratch_dir(root).join("seeds.jsonl");
    fs::create_dir_all(scratch::scratch_dir(root))
        .with_context(|| format!("could not create {}", scratch::scratch_dir(root).display()))?;
    fs::write(&rows, lines).with_context(|| format!("could not write {}", rows.display()))?;
    let cmd = Cmd::cargo(root)
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            package,
            "--example",
            PLOTTER.1,
            "--",
        ])
        .arg(&rows)
        .arg(dir);
    eprintln!("plot: {}", cmd.display());
    let output = cmd.run()?;
    if !output.success() {
        let stderr = output.stderr();
        if let Some(Outcome::NotStarted { exercise, section }) = not_started(&stderr) {
            bail!(
                "--plot draws with lesson 5's code, which is not started: {}, see {section}",
                lowercase_first(&exercise)
            );
        }
        bail!(
            "`{}` failed ({}):\n{}",
            cmd.display(),
            output.status,
            failure_excerpt(&stderr)
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
            measurement_error: false,
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
        assert!(!rows[0].measurement_error);
    }

    #[test]
    fn an_impossible_speedup_is_flagged_on_reading_whatever_the_line_says() {
        let line = r#"{"seed":"002","experiment":"int_matmul_1000","n":1000,"threads":2,"serial_s":1.61,"parallel_s":0.4,"measurement_error":false}"#;
        assert!(parse_measurements(line).unwrap()[0].measurement_error);
        let flagged = LINE.replace('}', r#","measurement_error":true}"#);
        assert!(parse_measurements(&flagged).unwrap()[0].measurement_error);
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
        assert_eq!(file.published[0].setup(), "8p, 8c");
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

    fn machine() -> Machine {
        Machine {
            cpu: "Example CPU @ 2.90GHz".to_owned(),
            logical_cores: 2,
            os: "linux 6.1.0 (Debian GNU/Linux 12 (bookworm))".to_owned(),
            rustc: "rustc 1.95.0 (0123456789 2026-10-01)".to_owned(),
            date: "2026-12-02".to_owned(),
            load_average: "1.95 1.20 0.80".to_owned(),
            load_average_at_start: "0.50 0.40 0.30".to_owned(),
        }
    }

    fn recorded() -> Recorded {
        Recorded {
            package: "lesson5-solution".to_owned(),
            machine: machine(),
            measurements: vec![
                Measurement {
                    parallel_s: 0.3,
                    ..measurement(100, 2)
                },
                Measurement {
                    parallel_s: 0.45,
                    ..measurement(100, 1)
                },
            ],
        }
    }

    /// Lesson 5 with a published and an unpublished row and a note; lesson 6 failed; lesson 1
    /// not started.
    fn sample_runs() -> [LessonRun; 3] {
        let file = SeedsFile::parse(SEEDS).unwrap();
        let row = measurement(100, 2);
        let published = file.matching(&row).cloned();
        let impossible = Measurement {
            serial_s: 1.61,
            parallel_s: 0.4,
            measurement_error: true,
            ..measurement(100, 2)
        };
        [
            LessonRun {
                lesson: 1,
                package: "lesson1".to_owned(),
                outcome: Outcome::NotStarted {
                    exercise: "Exercise 1.1".to_owned(),
                    section: "book/src/lesson1.md#pool-size".to_owned(),
                },
                notes: Vec::new(),
                recorded: None,
            },
            LessonRun {
                lesson: 5,
                package: "lesson5".to_owned(),
                outcome: Outcome::Rows(vec![
                    (row, published),
                    (measurement(1000, 2), None),
                    (measurement(100, 4), None),
                    (impossible, None),
                ]),
                notes: vec!["note: crossover at n = 40001".to_owned()],
                recorded: Some(recorded()),
            },
            LessonRun {
                lesson: 6,
                package: "lesson6".to_owned(),
                outcome: Outcome::Failed("`cargo run` failed:\nerror: boom".to_owned()),
                notes: Vec::new(),
                recorded: None,
            },
        ]
    }

    #[test]
    fn the_table_shows_the_seed_the_reference_and_this_run() {
        let text = render(&sample_runs(), Subject::Student, 2);
        assert!(text.contains("2 available threads"), "{text}");
        assert!(text.contains("Seeds on your code"), "{text}");
        assert!(
            text.contains("recorded on Example CPU @ 2.90GHz, 2 logical cores"),
            "{text}"
        );
        let lines: Vec<&str> = text.lines().collect();
        let first = lines
            .iter()
            .find(|l| l.starts_with("cubes_sqrt ") && l.contains(" 100 ") && l.contains("2.00x"))
            .unwrap();
        for cell in [
            "0.0080x (8p, 8c)",
            "1.67x",
            "500.00 ms",
            "250.00 ms",
            "2.00x",
        ] {
            assert!(first.contains(cell), "{cell:?} missing from {first:?}");
        }
        let second = lines.iter().find(|l| l.contains("1,000")).unwrap();
        assert_eq!(second.matches(NONE).count(), 2, "{second}");
        let nearest = lines
            .iter()
            .find(|l| l.starts_with("cubes_sqrt ") && l.contains(" 4 "))
            .unwrap();
        assert!(nearest.contains("1.67x@2"), "{nearest}");
        assert!(
            text.contains("lesson 1: not started: exercise 1.1, see book/src/lesson1.md#pool-size"),
            "{text}"
        );
        assert!(text.contains("lesson 5 (seed 004)"), "{text}");
        assert!(text.contains("lesson 6: FAILED (see below)"), "{text}");
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
    fn with_nothing_measured_there_is_no_empty_table() {
        let runs = [sample_runs().into_iter().next().unwrap()];
        let text = render(&runs, Subject::Student, 2);
        assert!(
            text.starts_with(
                "Seeds on your code (the lessonN crates): no lesson could be measured yet."
            ),
            "{text}"
        );
        assert!(
            text.ends_with(
                "\n\nlesson 1: not started: exercise 1.1, see book/src/lesson1.md#pool-size\n"
            ),
            "{text}"
        );
        assert!(!text.contains("parallel"), "no table header: {text}");
    }

    #[test]
    fn an_impossible_speedup_is_marked_and_explained() {
        let text = render(&sample_runs(), Subject::Reference, 2);
        assert!(text.contains("4.03x!"), "{text}");
        assert!(text.contains("measurement error"), "{text}");
        assert!(text.contains("Seeds on the reference solutions"), "{text}");
    }

    #[test]
    fn the_table_fits_100_columns_at_its_widest() {
        let widest = |experiment: &str| Measurement {
            seed: "002".to_owned(),
            experiment: experiment.to_owned(),
            n: 10_000_000,
            threads: 10_000,
            serial_s: 119.77e-3,
            parallel_s: 149.7,
            measurement_error: false,
        };
        let published = Published {
            seed: "002".to_owned(),
            experiment: "poly_grid_apply".to_owned(),
            n: 10_000_000,
            processes: Some(16),
            cores: Some(16),
            serial_s: None,
            parallel_s: None,
            speedup: Some(0.008),
        };
        let mut far = Recorded {
            measurements: vec![Measurement {
                threads: 16,
                serial_s: 99.99,
                parallel_s: 1.0,
                measurement_error: true,
                ..widest("poly_grid_apply")
            }],
            ..recorded()
        };
        far.machine.cpu = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz with a long name".into();
        let mut other = far.clone();
        other.machine.date = "2026-12-03".into();
        let runs = vec![
            LessonRun {
                lesson: 6,
                package: "lesson6-solution".to_owned(),
                outcome: Outcome::Rows(vec![(widest("poly_grid_apply"), Some(published))]),
                notes: vec![format!("note: {}", "a long note ".repeat(12))],
                recorded: Some(far),
            },
            LessonRun {
                lesson: 12,
                package: "lesson12-solution".to_owned(),
                outcome: Outcome::NotStarted {
                    exercise: "Exercise 12.12".to_owned(),
                    section: "book/src/lesson12.md#a-rather-long-section-anchor".to_owned(),
                },
                notes: Vec::new(),
                recorded: Some(other),
            },
        ];
        let text = render(&runs, Subject::Reference, 10_000);
        let widest_line = text.lines().map(|line| line.chars().count()).max().unwrap();
        assert!(widest_line <= WIDTH, "{widest_line} columns:\n{text}");
        assert!(text.contains("0.0080x (16p, 16c)"), "{text}");
        assert!(text.contains("99.99x@16!"), "{text}");
        assert!(
            machine()
                .describe()
                .ends_with("(load 0.50 0.40 0.30 at the start, 1.95 1.20 0.80 at the end)"),
            "{}",
            machine().describe()
        );
        assert!(text.contains("0.00080x"), "{text}");
    }

    #[test]
    fn json_lines_carry_the_lesson_published_and_reference_numbers() {
        let lines = json_lines(&sample_runs());
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(lines.len(), 4, "only lesson 5 measured: {lines:?}");
        assert_eq!(
            lines[..2],
            [
                r#"{"lesson":5,"package":"lesson5","seed":"004","experiment":"cubes_sqrt","n":100,"threads":2,"serial_s":0.5,"parallel_s":0.25,"measurement_error":false,"published":{"processes":8,"cores":8,"serial_s":0.00009639,"parallel_s":0.1197657,"speedup":0.008},"reference":{"threads":2,"serial_s":0.5,"parallel_s":0.3,"measurement_error":false}}"#,
                r#"{"lesson":5,"package":"lesson5","seed":"004","experiment":"cubes_sqrt","n":1000,"threads":2,"serial_s":0.5,"parallel_s":0.25,"measurement_error":false}"#,
            ]
        );
        assert!(
            lines[3].contains(r#""measurement_error":true"#),
            "{}",
            lines[3]
        );
        // What --json prints reads back as measurements, the extra keys ignored.
        assert_eq!(
            parse_measurements(lines[1]).unwrap(),
            [measurement(1000, 2)]
        );
    }

    #[test]
    fn a_recorded_file_reads_back_and_keeps_one_measurement_a_line() {
        let text = recorded().to_text();
        assert_eq!(Recorded::parse(&text).unwrap(), recorded());
        assert!(text.contains(r#""logical_cores":2"#), "{text}");
        let measurement_lines = text
            .lines()
            .filter(|line| line.trim_start().starts_with(r#"{"seed""#))
            .count();
        assert_eq!(measurement_lines, 2, "{text}");
        let error = format!(
            "{:#}",
            Recorded::parse(&text.replace("\"package\"", "\"packge\"")).unwrap_err()
        );
        assert!(error.contains("unknown field `packge`"), "{error}");
    }

    #[test]
    fn the_recorded_row_at_the_nearest_thread_count_stands_in() {
        let recorded = recorded();
        assert_eq!(
            recorded.matching(&measurement(100, 2)).unwrap().parallel_s,
            0.3
        );
        assert_eq!(recorded.matching(&measurement(100, 8)).unwrap().threads, 2);
        assert!(recorded.matching(&measurement(7, 2)).is_none());
    }

    #[test]
    fn a_todo_panic_is_a_not_started_exercise() {
        let stderr = "   Compiling lesson1 v0.1.0\n\
                      thread 'main' panicked at lessons/lesson1/src/pool.rs:20:9:\n\
                      not yet implemented: Exercise 1.3: read book/src/lesson1.md#own-pool\n\
                      note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(
            failure("cargo run", "exit status: 101", stderr),
            Outcome::NotStarted {
                exercise: "Exercise 1.3".to_owned(),
                section: "book/src/lesson1.md#own-pool".to_owned(),
            }
        );
        let other = "thread 'main' panicked at src/lib.rs:1:1:\nindex out of bounds\n";
        let Outcome::Failed(error) = failure("cargo run", "exit status: 101", other) else {
            panic!("an ordinary panic is a failure");
        };
        assert!(error.contains("index out of bounds"), "{error}");
    }

    #[test]
    fn dates_are_civil_dates_in_utc() {
        let at = |seconds: u64| {
            utc_date(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
        };
        assert_eq!(at(0), "1970-01-01");
        assert_eq!(at(951_782_400), "2000-02-29");
        assert_eq!(at(1_796_169_600), "2026-12-02");
        assert_eq!(at(4_107_542_400), "2100-03-01");
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
    fn lesson_lists_read_as_ranges() {
        assert_eq!(lesson_list(&[1, 2, 3, 4, 5, 6]), "1–6");
        assert_eq!(lesson_list(&[1, 2, 4]), "1, 2, 4");
        assert_eq!(lesson_list(&[1, 2]), "1, 2");
    }

    /// A scratch directory of this test's own under target/, removed first if a run left it.
    fn scratch(name: &str) -> PathBuf {
        let root = lessons::workspace_root().unwrap();
        let dir = scratch::scratch_dir(&root).join("seeds-tests").join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn plan_error(root: &Path, options: &Options) -> String {
        format!("{:#}", plan(root, options).unwrap_err())
    }

    #[test]
    fn arguments_are_checked_before_any_experiment() {
        let root = lessons::workspace_root().unwrap();
        let error = plan_error(
            &root,
            &Options {
                lesson: Some(9),
                ..Options::default()
            },
        );
        assert_eq!(error, "there is no lesson 9: the lessons are 1–6");

        let dir = scratch("plot");
        let file = dir.join("a-file");
        fs::write(&file, "").unwrap();
        for bad in [file.clone(), file.join("below")] {
            let error = plan_error(
                &root,
                &Options {
                    plot: Some(bad.clone()),
                    ..Options::default()
                },
            );
            assert!(
                error.starts_with(&format!("--plot {}:", bad.display())),
                "{error}"
            );
        }
        let fresh = dir.join("new/pictures");
        let planned = plan(
            &root,
            &Options {
                plot: Some(fresh.clone()),
                lesson: Some(5),
                ..Options::default()
            },
        )
        .unwrap();
        assert!(fresh.is_dir(), "--plot creates its directory");
        assert_eq!(planned.plot.unwrap().1, "lesson5");
        assert_eq!(planned.subject, Subject::Student);
        assert_eq!(planned.lessons.len(), 1);
        assert_eq!(planned.lessons[0].example, "lesson5-seeds");
    }

    #[test]
    fn every_lesson_runs_on_the_students_crate_unless_asked_for_the_reference() {
        let root = lessons::workspace_root().unwrap();
        let planned = plan(&root, &Options::default()).unwrap();
        assert_eq!(planned.subject, Subject::Student);
        let numbers: Vec<u32> = planned.lessons.iter().map(|p| p.lesson).collect();
        assert_eq!(numbers, lessons::discover(&root).unwrap());
        if !root.join("solutions").is_dir() {
            // The students' copy, where --record is refused (tested below).
            return;
        }
        let recording = plan(
            &root,
            &Options {
                record: true,
                ..Options::default()
            },
        )
        .unwrap();
        assert_eq!(
            recording.subject,
            Subject::Reference,
            "--record implies --reference"
        );
        assert_eq!(Subject::Reference.package(3), "lesson3-solution");
        assert_eq!(Subject::Student.package(3), "lesson3");
    }

    #[test]
    fn the_reference_is_refused_where_there_is_none() {
        let copy = scratch("handout");
        fs::create_dir_all(copy.join("lessons/lesson1/examples")).unwrap();
        fs::write(
            copy.join("lessons/lesson1/Cargo.toml"),
            "[package]\nname = \"lesson1\"\n",
        )
        .unwrap();
        for (flag, options) in [
            (
                "--reference",
                Options {
                    reference: true,
                    ..Options::default()
                },
            ),
            (
                "--record",
                Options {
                    record: true,
                    ..Options::default()
                },
            ),
        ] {
            let error = plan_error(&copy, &options);
            assert!(
                error.starts_with(&format!("{flag} runs the reference solutions")),
                "{error}"
            );
            assert!(error.contains("run `cargo xtask seeds`"), "{error}");
        }
        let error = plan_error(&copy, &Options::default());
        assert_eq!(
            error,
            "no lesson has a seeds example (lessons/lessonN/examples/seeds.rs)"
        );
    }

    #[test]
    fn the_lessons_checked_in_have_valid_seeds_and_reference_files() {
        let root = lessons::workspace_root().unwrap();
        let mut runs = Vec::new();
        for lesson in lessons::discover(&root).unwrap() {
            let published = SeedsFile::load(&root, lesson).unwrap();
            if let Some(recorded) = Recorded::load(&root, lesson).unwrap() {
                assert_eq!(recorded.package, Subject::Reference.package(lesson));
                assert!(!recorded.measurements.is_empty());
                // The recorded rows, as if measured here: the table of the real data.
                let rows = recorded
                    .measurements
                    .iter()
                    .map(|row| (row.clone(), published.matching(row).cloned()))
                    .collect();
                runs.push(LessonRun {
                    lesson,
                    package: recorded.package.clone(),
                    outcome: Outcome::Rows(rows),
                    notes: Vec::new(),
                    recorded: Some(recorded),
                });
            }
        }
        let text = render(&runs, Subject::Reference, 2);
        for line in text.lines() {
            assert!(
                line.chars().count() <= WIDTH,
                "{line:?} is too wide:\n{text}"
            );
        }
    }
}
