//! `cargo xtask handout --out DIR`: the students' copy of the course.
//!
//! Everything the course's repository holds (what git tracks, or every file outside `target/`
//! without git), except what students must not see: the reference solutions (`solutions/`),
//! the hidden tests and the grading configuration, the mutants and alternatives (patches of
//! the reference), and the grader's own tests. Some files are adapted so the copy still works
//! without them: the workspace manifest no longer lists `solutions/*`; README.md and the book's
//! chapters keep only what students need (their course-only blocks go, their handout-only
//! comments open up), and the chapters no longer include code from `solutions/`. With
//! `--check`, the copy is then built and tested the way a student starts: `cargo test` passes
//! and every lesson's tests fail on the stubs; and every command its README, book and `cargo
//! xtask --help` pages name is proved to run there ([`check_commands`](commands::check_commands)).

mod adapt;
mod check;
mod commands;
mod files;
mod markers;

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cmd::Cmd;
use crate::grade::config::Loaded;
use crate::report::plural;

use adapt::adapt;
use check::check_handout;
use files::{course_files, leave_out, relative_to};

/// Writes the handout of the workspace at `root` to `out`; with `check`, proves it works.
pub fn run(root: &Path, out: &Path, check: bool) -> Result<ExitCode> {
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} exists and is not empty: give a new directory, or remove this one first",
            out.display()
        );
    }
    let loaded = Loaded::load(root, None)?;
    let hidden = relative_to(root, &loaded.hidden_dir());
    let files = course_files(root)?;
    let mut copied = 0;
    let mut left_out = Vec::new();
    for file in files {
        if let Some(reason) = leave_out(&file, hidden.as_deref()) {
            if !left_out.contains(&reason) {
                left_out.push(reason);
            }
            continue;
        }
        let from = root.join(&file);
        if !from.is_file() {
            continue;
        }
        let to = out.join(&file);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("could not create {}", parent.display()))?;
        }
        match adapt(&file, &from)? {
            Some(text) => fs::write(&to, text),
            None => fs::copy(&from, &to).map(|_| ()),
        }
        .with_context(|| format!("could not write {}", to.display()))?;
        copied += 1;
    }
    // The lock file still names the reference crates; cargo drops them when it next resolves.
    let metadata = Cmd::cargo(out).args(["metadata", "--format-version", "1", "--offline"]);
    if !metadata.run().is_ok_and(|output| output.success()) {
        eprintln!("warning: could not refresh the handout's Cargo.lock; cargo will on first use");
    }
    println!(
        "Wrote the handout to {}: {}, leaving out {}.",
        out.display(),
        plural(copied, "file"),
        left_out.join(", ")
    );
    if check {
        check_handout(root, out)?;
    }
    Ok(ExitCode::SUCCESS)
}
