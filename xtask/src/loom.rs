//! `cargo xtask loom`: runs a lesson's loom models, which explore every interleaving of a few
//! threads instead of hoping a real run hits the bad one.
//!
//! The models live in the test target that `lesson.toml` names as `loom_test` and compile only
//! under `--cfg loom`. That flag changes how every crate is compiled, so the runs use a target
//! directory of their own (`target/loom`) and leave the normal build cache alone.

use std::path::Path;

use anyhow::{Result, bail};

use crate::cargo::{PackageTests, Targets, TestReport, first_lines};
use crate::cmd::{Line, Output};
use crate::lessons::Lesson;
use crate::libtest::Outcome;
use crate::report::plural;

/// Which crate's models to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The student's crate, `lessonN`.
    Student,
    /// The reference, `lessonN-solution`.
    Reference,
}

/// How a run of the models went.
#[derive(Debug)]
pub enum Models {
    /// The crate or its models do not compile under `--cfg loom`.
    DoesNotCompile {
        /// The compile errors, each as rustc renders it.
        errors: Vec<String>,
    },
    /// The models ran.
    Ran {
        /// How many passed.
        passed: usize,
        /// The names of those that failed.
        failed: Vec<String>,
        /// The `cargo test` run, to show when something failed.
        output: Output,
    },
}

/// One run of a lesson's models: whose, which, and how to show it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Whose models.
    pub subject: Subject,
    /// Only models whose names contain this.
    pub filter: Option<&'a str>,
    /// Whether to print each cargo command before it runs.
    pub show_commands: bool,
}

/// The name of `lesson`'s loom test target, or an error saying it has none.
fn models_target(lesson: &Lesson) -> Result<&str> {
    match lesson.meta.loom_test.as_deref() {
        Some(models) => Ok(models),
        None => bail!(
            "lesson {} has no loom models (no `loom_test` in tests/lesson{}/lesson.toml)",
            lesson.number,
            lesson.number
        ),
    }
}

/// Runs the models of `lesson` as `request` says, handing every line of output to `observe`.
pub fn models(
    root: &Path,
    lesson: &Lesson,
    request: Request<'_>,
    observe: &mut dyn FnMut(&Line),
) -> Result<Models> {
    let target_name = models_target(lesson)?;
    let package = match request.subject {
        Subject::Student => lesson.stub_package(),
        Subject::Reference => lesson.solution_package(),
    };
    let target = root.join("target").join("loom");
    let filters: Vec<String> = request.filter.iter().map(|f| f.to_string()).collect();
    let report = PackageTests {
        workspace: root,
        package: &package,
        target_dir: Some(&target),
        failures_expected: request.subject == Subject::Student,
        show_commands: request.show_commands,
        targets: Targets::Loom(target_name),
        filters: &filters,
    }
    .run_observed(observe)?;
    Ok(match report {
        TestReport::DoesNotCompile { errors } => Models::DoesNotCompile { errors },
        TestReport::Ran { run, output } => Models::Ran {
            passed: run
                .tests
                .iter()
                .filter(|t| t.outcome == Outcome::Passed)
                .count(),
            failed: run
                .tests
                .iter()
                .filter(|t| t.outcome == Outcome::Failed)
                .map(|t| t.name.clone())
                .collect(),
            output,
        },
    })
}

/// Runs the models of `lesson` against `subject` and summarizes them: every model must pass.
/// When some fail, their output is printed and the error names them.
pub fn run(root: &Path, lesson: &Lesson, subject: Subject) -> Result<String> {
    command(root, lesson, subject, None)
}

/// `cargo xtask loom --lesson N [FILTER]`: [`run`], optionally only the models whose names
/// contain `filter`, which must match one.
pub fn command(
    root: &Path,
    lesson: &Lesson,
    subject: Subject,
    filter: Option<&str>,
) -> Result<String> {
    let request = Request {
        subject,
        filter,
        show_commands: true,
    };
    summarize(lesson, request, models(root, lesson, request, &mut |_| {})?)
}

/// The one-line summary of a run of `lesson`'s models that passed, or the error that says what
/// failed (with the run's output printed first).
fn summarize(lesson: &Lesson, request: Request<'_>, models: Models) -> Result<String> {
    let (passed, failed, output) = match models {
        Models::DoesNotCompile { errors } => bail!(
            "{} does not compile under --cfg loom:\n{}",
            match request.subject {
                Subject::Student => lesson.stub_package(),
                Subject::Reference => lesson.solution_package(),
            },
            first_lines(errors.first().map_or("", String::as_str), 20)
        ),
        Models::Ran {
            passed,
            failed,
            output,
        } => (passed, failed, output),
    };
    if !output.success() || !failed.is_empty() {
        println!("{}", output.combined());
        bail!(
            "the loom models failed ({}): {}; the output is above",
            plural(failed.len(), "model"),
            failed.join(", ")
        );
    }
    if passed == 0 {
        match request.filter {
            Some(filter) => bail!(
                "no loom model of lesson {} has {filter:?} in its name: the models are the \
                 tests in tests/lesson{}/{}.rs; run `cargo xtask loom --lesson {}` for all",
                lesson.number,
                lesson.number,
                models_target(lesson)?,
                lesson.number
            ),
            None => bail!("no loom model ran: do the models start with `#![cfg(loom)]`?"),
        }
    }
    Ok(format!("{} pass under loom", plural(passed, "model")))
}
