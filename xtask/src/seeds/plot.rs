//! `--plot`: the pictures, drawn by lesson 5's `plot_seeds` example.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};

use super::Subject;
use super::lesson_run::{Outcome, failure_excerpt, not_started};
use super::table::lowercase_first;
use crate::cmd::Cmd;
use crate::scratch;

/// The lesson whose example draws the pictures, and the example's name.
const PLOTTER: (u32, &str) = (5, "lesson5-plot-seeds");

/// The package whose `plot_seeds` example draws the pictures, checked to have it.
pub(super) fn plotter(root: &Path, subject: Subject) -> Result<String> {
    let (lesson, example) = PLOTTER;
    let source = format!("{}/examples/plot_seeds.rs", subject.dir(lesson));
    ensure!(
        root.join(&source).is_file(),
        "--plot draws with lesson {lesson}'s {example} example, but {source} is missing"
    );
    Ok(subject.package(lesson))
}

/// Writes the pictures into `dir` with `package`'s (lesson 5's) `plot_seeds` example.
pub(super) fn plot(root: &Path, dir: &Path, package: &str, lines: &str) -> Result<()> {
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
