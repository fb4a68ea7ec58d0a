//! `cargo xtask loom`: runs a lesson's loom models, which explore every interleaving of a few
//! threads instead of hoping a real run hits the bad one.
//!
//! The models live in the test target that `lesson.toml` names as `loom_test` and compile only
//! under `--cfg loom`. That flag changes how every crate is compiled, so the runs use a target
//! directory of their own (`target/loom`) and leave the normal build cache alone.

use std::path::Path;

use anyhow::{Result, bail};

use crate::cargo::{PackageTests, Targets, TestReport, first_lines};
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

/// Runs the models of `lesson` against `subject` and summarizes them: every model must pass.
pub fn run(root: &Path, lesson: &Lesson, subject: Subject) -> Result<String> {
    let Some(models) = lesson.meta.loom_test.as_deref() else {
        bail!(
            "lesson {} has no loom models (no `loom_test` in tests/lesson{}/lesson.toml)",
            lesson.number,
            lesson.number
        );
    };
    let package = match subject {
        Subject::Student => lesson.stub_package(),
        Subject::Reference => lesson.solution_package(),
    };
    let target = root.join("target").join("loom");
    let report = PackageTests {
        workspace: root,
        package: &package,
        target_dir: Some(&target),
        failures_expected: subject == Subject::Student,
        show_commands: true,
        targets: Targets::Loom(models),
        filters: &[],
    }
    .run()?;
    let (run, output) = match report {
        TestReport::DoesNotCompile { errors } => bail!(
            "{package} does not compile under --cfg loom:\n{}",
            first_lines(errors.first().map_or("", String::as_str), 20)
        ),
        TestReport::Ran { run, output } => (run, output),
    };
    let failed: Vec<&str> = run
        .tests
        .iter()
        .filter(|t| t.outcome == Outcome::Failed)
        .map(|t| t.name.as_str())
        .collect();
    if !output.success() || !failed.is_empty() {
        println!("{}", output.combined());
        bail!(
            "the loom models failed ({}): {}; the output is above",
            plural(failed.len(), "model"),
            failed.join(", ")
        );
    }
    if run.tests.is_empty() {
        bail!("no loom model ran: do the models start with `#![cfg(loom)]`?");
    }
    Ok(format!(
        "{} pass under loom",
        plural(run.tests.len(), "model")
    ))
}
