//! `cargo xtask loom`: runs a lesson's loom models, which explore every interleaving of a few
//! threads instead of hoping a real run hits the bad one.
//!
//! The models live in the test target that `lesson.toml` names as `loom_test` and compile only
//! under `--cfg loom`. That flag changes how every crate is compiled, so the runs use a target
//! directory of their own (`target/loom`) and leave the normal build cache alone.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::cmd::Cmd;
use crate::lessons::Lesson;
use crate::libtest::{Outcome, TestRun};
use crate::report::plural;

/// Which crate's models to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The student's crate, `lessonN`.
    Student,
    /// The reference, `lessonN-solution`.
    Reference,
}

/// The command that runs the loom models of `lesson` against `subject`, or `None` when the
/// lesson has no loom models.
pub fn command(root: &Path, lesson: &Lesson, subject: Subject) -> Option<Cmd> {
    let test = lesson.meta.loom_test.as_deref()?;
    let package = match subject {
        Subject::Student => lesson.stub_package(),
        Subject::Reference => lesson.solution_package(),
    };
    Some(
        Cmd::cargo(root)
            .env("RUSTFLAGS", "--cfg loom")
            .env("CARGO_TARGET_DIR", root.join("target").join("loom"))
            // loom's own default; said out loud so the command line shows it.
            .env("LOOM_MAX_PREEMPTIONS", "3")
            .args(["test", "-p", &package, "--release", "--test", test]),
    )
}

/// Runs the models and summarizes them: every model must pass.
pub fn run(root: &Path, lesson: &Lesson, subject: Subject) -> Result<String> {
    let Some(cmd) = command(root, lesson, subject) else {
        bail!(
            "lesson {} has no loom models (no `loom_test` in tests/lesson{}/lesson.toml)",
            lesson.number,
            lesson.number
        );
    };
    println!("$ {}", cmd.display());
    let output = cmd.run().context("could not run the loom models")?;
    let run = TestRun::parse(&output.stdout());
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
        bail!("no loom model ran: is `#![cfg(loom)]` on the models and RUSTFLAGS passed through?");
    }
    Ok(format!(
        "{} pass under loom",
        plural(run.tests.len(), "model")
    ))
}
