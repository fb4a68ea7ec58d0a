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
//! With `--peers` (maintainers), right after each lesson's run the Python peers of its
//! experiments, `tests/seedkit/peers.py`, run on this machine too: their rows go under the Rust
//! ones they pair with, and lines under the table spell out how much faster or slower the Rust
//! side is. Without Python or numpy one line says what to install and the rest runs as ever.
//!
//! Pictures (`--plot DIR`) are drawn by lesson 5's `plot_seeds` example, which reads the same
//! JSON lines that `--json` prints: plotting is what lesson 5 teaches and its crate already
//! depends on plotters, so the tooling stays free of a drawing library.
//!
//! [`SeedsFile`]: published::SeedsFile

mod json_lines;
mod lesson_run;
mod machine;
mod measurement;
mod peers;
mod plan;
mod plot;
mod published;
mod recorded;
mod table;

#[cfg(test)]
mod fixtures;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use seedkit::ERROR_MARK;

use json_lines::json_lines;
use lesson_run::{LessonRun, Outcome, run_lesson};
use machine::{Machine, available_threads, load_average};
use peers::{PeerOutcome, run_peers};
use plan::plan;
use plot::plot;
use recorded::Recorded;
use table::{below_table, render};

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
    /// Also runs the Python peers of each lesson's experiments (tests/seedkit/peers.py, with
    /// numpy) right after it, and shows their rows and the Rust-to-Python ratios (maintainers).
    #[arg(long, hide = crate::students_copy(), conflicts_with = "json")]
    pub peers: bool,
    /// The Python that --peers runs (default: python3 from the PATH).
    #[arg(long, value_name = "PATH", hide = crate::students_copy(), requires = "peers")]
    pub python: Option<String>,
}

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

    pub(super) fn describe(self) -> &'static str {
        match self {
            Subject::Student => "your code (the lessonN crates)",
            Subject::Reference => "the reference solutions",
        }
    }
}

/// Runs the command: the plan, every lesson's seeds, then the table or JSON lines, the
/// recorded files and the pictures.
pub fn run(root: &Path, options: &Options) -> Result<ExitCode> {
    let plan = plan(root, options)?;
    let load_at_start = load_average();
    if let Some(Err(line)) = &plan.peers {
        eprintln!("warning: {line}");
    }
    let runs: Vec<LessonRun> = plan
        .lessons
        .iter()
        .map(|planned| {
            let mut run = run_lesson(root, plan.subject, planned);
            if let Some(Ok(python)) = &plan.peers {
                run.peers = run_peers(root, python, &run, available_threads());
            }
            run
        })
        .collect();
    let incomplete = runs.iter().any(|run| {
        !matches!(run.outcome, Outcome::Rows(_))
            || matches!(&run.peers, Some(peers) if matches!(peers.outcome, PeerOutcome::Failed(_)))
    });
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
