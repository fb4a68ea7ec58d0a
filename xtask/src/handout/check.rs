//! `--check`: the handout builds, `cargo test` passes in it, every lesson's tests fail on the
//! stubs, and then every command it names runs there.

use std::path::Path;

use anyhow::{Result, bail, ensure};

use crate::cmd::{Cmd, Output};
use crate::grade::BUILD_ENV;
use crate::lessons;
use crate::libtest::{Outcome, TestRun};
use crate::report::some_names;
use crate::scratch::scratch_dir;

use super::commands::check_commands;

/// Proves the handout at `out` works as a student starts: the root `cargo test` passes, and
/// each lesson builds and fails every one of its tests.
pub fn check_handout(root: &Path, out: &Path) -> Result<()> {
    // A target directory of its own (grading's are its sandbox's), kept between checks, with
    // grading's build settings.
    let target = scratch_dir(root).join("handout-target");
    let cargo = || {
        let mut cmd = Cmd::cargo(out).env("CARGO_TARGET_DIR", &target);
        for (key, value) in BUILD_ENV {
            cmd = cmd.quiet_env(key, value);
        }
        cmd
    };
    let test = cargo().arg("test");
    println!("$ {}   (in {})", test.display(), out.display());
    let output = test.run()?;
    if !output.success() {
        bail!("`cargo test` fails in the handout:\n{}", failures(&output));
    }
    for number in lessons::discover(out)? {
        let package = format!("lesson{number}");
        let test = cargo()
            .args(["test", "-p", &package, "--no-fail-fast"])
            .quiet_env("PROPTEST_DISABLE_FAILURE_PERSISTENCE", "1");
        println!("$ {}", test.display());
        let output = test.run()?;
        let run = TestRun::parse(&output.stdout());
        let suite: Vec<_> = run.suite().collect();
        ensure!(
            !suite.is_empty(),
            "{package} ran no suite test in the handout (does it compile?):\n{}",
            failures(&output)
        );
        let passing: Vec<&str> = suite
            .iter()
            .filter(|t| t.outcome != Outcome::Failed)
            .map(|t| t.short_name())
            .collect();
        ensure!(
            passing.is_empty(),
            "{package} in the handout: {} of {} tests do not fail on the stubs: {}",
            passing.len(),
            suite.len(),
            some_names(&passing, 5)
        );
        println!(
            "{package}: 0/{} pass on the stubs, as expected",
            suite.len()
        );
    }
    println!(
        "The handout builds, `cargo test` passes, and every lesson's tests fail on the stubs."
    );
    check_commands(out, &cargo)
}

/// What went wrong in a cargo run: its failed tests with their output, or else its last lines.
fn failures(output: &Output) -> String {
    let failed: Vec<String> = TestRun::parse(&output.stdout())
        .tests
        .into_iter()
        .filter(|test| test.outcome == Outcome::Failed)
        .map(|test| format!("{}\n{}", test.name, test.output))
        .collect();
    if failed.is_empty() {
        let combined = output.combined();
        let lines: Vec<&str> = combined.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    } else {
        failed.join("\n\n")
    }
}
