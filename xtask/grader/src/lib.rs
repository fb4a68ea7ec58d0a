//! The course's grader: grades students' submissions, lesson by lesson, for instructors (and
//! for a student grading their own checkout). `cargo xtask grade` is its command line:
//! [`Course::load`], [`grade`], [`render`]. This crate holds the sandbox and every `unsafe`
//! block of the course's tools.
//!
//! For each submission, a scratch copy of the instructor's workspace ([`workspace`]) receives
//! the submission's `lessons/lessonN/src/` trees ([`submission`]); every lesson is compiled
//! there with cargo ([`compile`]), its test binaries run in a sandbox ([`sandbox`],
//! [`testing`]), and when every test passes its performance kernels are timed against the
//! reference ([`perf`]). [`score`] turns that into points and [`report`] into tables, JSON,
//! gradebooks and Gradescope results. The instructor's tree is only ever read.
//!
//! The sandbox is bubblewrap plus Linux interfaces (resource limits, a child subreaper), so
//! grading runs on Linux; elsewhere it says so.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

#[cfg(target_os = "linux")]
mod compile;
// The configuration is read by `cargo xtask handout` too, on any platform.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub mod config;
#[cfg(target_os = "linux")]
mod model;
#[cfg(target_os = "linux")]
mod perf;
#[cfg(target_os = "linux")]
mod perf_crate;
#[cfg(target_os = "linux")]
mod progress;
#[cfg(target_os = "linux")]
mod report;
#[cfg(target_os = "linux")]
mod runner;
#[cfg(target_os = "linux")]
mod sandbox;
#[cfg(target_os = "linux")]
mod score;
#[cfg(target_os = "linux")]
mod session;
#[cfg(target_os = "linux")]
mod submission;
pub mod system;
#[cfg(target_os = "linux")]
mod testing;
#[cfg(target_os = "linux")]
mod vet;
#[cfg(target_os = "linux")]
mod workspace;

/// How grading (and `cargo xtask handout --check`) runs cargo in the class's shared target
/// directory: no incremental caches and no debug info, which would take gigabytes for a class
/// and are of no use to a grade (panic messages keep their file and line).
pub const BUILD_ENV: &[(&str, &str)] = &[
    ("CARGO_INCREMENTAL", "0"),
    ("CARGO_PROFILE_DEV_DEBUG", "false"),
    ("CARGO_PROFILE_TEST_DEBUG", "false"),
];

/// What `cargo xtask grade` was asked to do: its command-line arguments.
#[derive(Debug, Clone, clap::Args)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub struct Options {
    /// Submission directories to grade [default: this checkout].
    #[arg(value_name = "SUBMISSION")]
    pub submissions: Vec<PathBuf>,
    /// Grades every subdirectory of DIR as a submission (as a classroom tool clones them).
    #[arg(long, value_name = "DIR")]
    pub class: Option<PathBuf>,
    /// Only this lesson (repeatable) [default: every lesson].
    #[arg(long = "lesson", value_name = "N")]
    pub lessons: Vec<u32>,
    /// The report's format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Writes the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The grading configuration [default: grading.toml in the workspace, or the defaults].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for the terminal: a row per lesson, then each submission's score.
    Table,
    /// One JSON object per submission (an array of them for several).
    Json,
    /// A gradebook: a row per submission, a column per lesson.
    Csv,
    /// The same gradebook as a Markdown table.
    Markdown,
    /// Gradescope's results.json, for one submission.
    Gradescope,
}

/// The instructor's workspace and its grading configuration.
#[derive(Debug)]
pub struct Course {
    root: PathBuf,
    loaded: config::Loaded,
}

impl Course {
    /// The workspace at `root` with its `grading.toml`, or `config` instead, or the defaults.
    pub fn load(root: &Path, config: Option<&Path>) -> Result<Self> {
        Ok(Self {
            root: root.to_owned(),
            loaded: config::Loaded::load(root, config)?,
        })
    }
}

#[cfg(target_os = "linux")]
pub use model::{LessonReport, Status, SubmissionReport, TestReport};

/// Grades the submissions `options` names (its `format` and `out` are the caller's), one
/// report per submission.
#[cfg(target_os = "linux")]
pub fn grade(course: &Course, options: &Options) -> Result<Vec<SubmissionReport>> {
    session::grade(course, options)
}

/// `reports` in `format`, scored as the course's configuration says.
#[cfg(target_os = "linux")]
pub fn render(course: &Course, format: Format, reports: &[SubmissionReport]) -> Result<String> {
    report::render(format, reports, &course.loaded.config.scoring)
}

/// `cargo xtask grade`: grades what `options` names against the workspace at `root` and
/// writes the report where `options` says.
#[cfg(target_os = "linux")]
pub fn run(root: &Path, options: &Options) -> Result<ExitCode> {
    use anyhow::Context;
    let course = Course::load(root, options.config.as_deref())?;
    let reports = grade(&course, options)?;
    let text = render(&course, options.format, &reports)?;
    match &options.out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("could not write the report to {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Grading needs Linux; says so.
#[cfg(not(target_os = "linux"))]
pub fn run(_root: &Path, _options: &Options) -> Result<ExitCode> {
    anyhow::bail!(
        "`cargo xtask grade` runs on Linux: it holds submissions in bubblewrap, with Linux \
         resource limits and process tracking. Grade on a Linux machine or in a Linux container."
    )
}
