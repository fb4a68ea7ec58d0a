//! Running one lesson's seeds example and reading what came of it.

use std::path::Path;
use std::time::Instant;

use anyhow::{Result, ensure};
use seedkit::{grouped, speedup_cell};

use super::Subject;
use super::measurement::{Measurement, parse_measurements};
use super::peers::PeerRun;
use super::plan::Planned;
use super::published::{Published, SeedsFile};
use super::recorded::Recorded;
use super::table::counted_grouped;
use crate::cargo::first_lines;
use crate::cmd::{Cmd, Line, Stream};
use crate::report::{duration, plural};

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
    /// Its Python peers' run (`--peers`), where they ran.
    pub peers: Option<PeerRun>,
}

pub(super) fn run_lesson(root: &Path, subject: Subject, planned: &Planned) -> LessonRun {
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
        peers: None,
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
pub(super) fn not_started(stderr: &str) -> Option<Outcome> {
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
pub(super) fn failure_excerpt(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("error") || line.contains("panicked"))
        .unwrap_or(lines.len().saturating_sub(10));
    first_lines(lines[start..].join("\n").trim_end(), 12)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
