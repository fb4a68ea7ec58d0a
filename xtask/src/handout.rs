//! `cargo xtask handout --out DIR`: the students' copy of the course.
//!
//! Everything the course's repository holds (what git tracks, or every file outside `target/`
//! without git), except what students must not see: the reference solutions (`solutions/`),
//! the hidden tests and the grading configuration, the mutants and alternatives (patches of
//! the reference), and the grader's own tests. Three files are adapted so the copy still works without them: the
//! workspace manifest no longer lists `solutions/*`, README.md keeps only what students need
//! (its course-only blocks go, its handout-only comments open up), and
//! the book's chapters no longer include code from `solutions/`. With `--check`, the copy is
//! then built and tested the way a student starts: `cargo test` passes and every lesson's
//! tests fail on the stubs.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail, ensure};

use crate::cmd::{Cmd, Output};
use crate::grade::BUILD_ENV;
use crate::grade::config::{FILE_NAME, Loaded};
use crate::lessons;
use crate::libtest::{Outcome, TestRun};
use crate::report::{plural, some_names};
use crate::scratch::scratch_dir;

/// What replaces a book line that includes code from the reference solution.
const BOOK_PLACEHOLDER: &str =
    "// The reference solution is not part of the student handout: ask your instructor.";

/// README.md's markers: lines between `COURSE_BEGIN` and `COURSE_END` are for the course's
/// repository only (the instructors' section, commands that need the reference); a comment
/// opened by `HANDOUT_BEGIN` holds lines for the handout only, which it un-comments.
const COURSE_BEGIN: &str = "<!-- course:begin -->";
const COURSE_END: &str = "<!-- course:end -->";
const HANDOUT_BEGIN: &str = "<!-- handout:";
const HANDOUT_END: &str = "-->";

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

/// The course's files, relative to `root`: what git tracks plus untracked files it does not
/// ignore, or without git every file outside `target/`, `.git/` and the built book.
fn course_files(root: &Path) -> Result<Vec<PathBuf>> {
    if root.join(".git").exists() {
        let listed = Cmd::new("git", root)
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ])
            .run();
        if let Some(output) = listed.ok().filter(|output| output.success()) {
            let mut files: Vec<PathBuf> = output
                .stdout()
                .split('\0')
                .map(|line| line.trim_matches('\n'))
                .filter(|line| !line.is_empty())
                .map(PathBuf::from)
                .collect();
            files.sort();
            files.dedup();
            return Ok(files);
        }
    }
    let mut files = Vec::new();
    walk(root, Path::new(""), &mut files)?;
    files.sort();
    Ok(files)
}

fn walk(root: &Path, relative: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let dir = root.join(relative);
    for entry in fs::read_dir(&dir).with_context(|| format!("could not list {}", dir.display()))? {
        let entry = entry?;
        let path = relative.join(entry.file_name());
        let skipped = ["target", ".git"]
            .iter()
            .any(|name| entry.file_name() == *name)
            || path == Path::new("book/book");
        if skipped {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk(root, &path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// Why `file` stays out of the handout, or `None` when it goes in.
fn leave_out(file: &Path, hidden: Option<&Path>) -> Option<String> {
    let parts: Vec<&str> = file
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    if parts.first() == Some(&"solutions") {
        return Some("solutions/".to_owned());
    }
    if parts.contains(&"target") {
        return Some("build output (target/)".to_owned());
    }
    if let Some(hidden) = hidden.filter(|hidden| file.starts_with(hidden)) {
        return Some(format!("the hidden tests ({}/)", hidden.display()));
    }
    if file == Path::new(FILE_NAME) {
        return Some(FILE_NAME.to_owned());
    }
    if parts.len() >= 3 && parts[0] == "tests" && parts[2] == "mutants" {
        return Some("the mutants (tests/*/mutants/, patches of the reference)".to_owned());
    }
    if parts.len() >= 3 && parts[0] == "tests" && parts[2] == "alternatives" {
        return Some(
            "the alternatives (tests/*/alternatives/, other correct solutions)".to_owned(),
        );
    }
    if parts.starts_with(&["xtask", "tests"]) {
        return Some("the grader's tests (xtask/tests/)".to_owned());
    }
    None
}

/// `path` relative to `root`, when it lies inside it.
fn relative_to(root: &Path, path: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    path.strip_prefix(&root).ok().map(Path::to_owned)
}

/// The handout's version of `file`, when it differs from the original.
fn adapt(file: &Path, from: &Path) -> Result<Option<String>> {
    let read =
        || fs::read_to_string(from).with_context(|| format!("could not read {}", from.display()));
    if file == Path::new("Cargo.toml") {
        return without_solutions(&read()?)
            .map(Some)
            .context("could not take solutions/ out of the workspace's Cargo.toml");
    }
    if file == Path::new("README.md") {
        return for_students(&read()?)
            .map(Some)
            .context("could not make the students' README.md");
    }
    if file.starts_with("book/src") && file.extension().is_some_and(|e| e == "md") {
        let text = read()?;
        if text.contains("solutions/") {
            return Ok(Some(without_solution_includes(&text)));
        }
    }
    Ok(None)
}

/// The workspace manifest without `solutions/…` in `members` and `default-members`, comments
/// and layout kept.
pub fn without_solutions(manifest: &str) -> Result<String> {
    let parsed: toml::Table = toml::from_str(manifest)?;
    let workspace = parsed
        .get("workspace")
        .and_then(|w| w.as_table())
        .context("it has no [workspace] table")?;
    let mut text = manifest.to_owned();
    for key in ["members", "default-members"] {
        let entries = workspace.get(key).and_then(|m| m.as_array());
        for entry in entries.into_iter().flatten().filter_map(|e| e.as_str()) {
            if entry.starts_with("solutions/") || entry == "solutions" {
                let quoted = format!("\"{entry}\"");
                for pattern in [format!("{quoted}, "), format!(", {quoted}"), quoted.clone()] {
                    text = text.replace(&pattern, "");
                }
            }
        }
    }
    let check: toml::Table = toml::from_str(&text).context("the edited manifest does not parse")?;
    let still = ["members", "default-members"].iter().any(|key| {
        check["workspace"]
            .get(*key)
            .and_then(|m| m.as_array())
            .is_some_and(|list| {
                list.iter()
                    .any(|e| e.as_str().is_some_and(|e| e.starts_with("solutions")))
            })
    });
    ensure!(!still, "solutions/ is still listed after editing");
    Ok(text)
}

/// README.md as students get it: the course-only blocks dropped, the handout-only comments
/// un-commented. Fails, naming the line, on a marker that is not closed or not opened.
fn for_students(markdown: &str) -> Result<String> {
    #[derive(PartialEq)]
    enum Block {
        Both,
        CourseOnly,
        HandoutOnly,
    }
    let mut block = Block::Both;
    let mut opened_at = 0;
    let mut kept: Vec<&str> = Vec::new();
    for (index, line) in markdown.lines().enumerate() {
        let number = index + 1;
        let marker = line.trim();
        let unexpected = |what: &str| {
            anyhow::anyhow!(
                "README.md line {number}: `{marker}` {what}; the handout's markers are \
                 `{COURSE_BEGIN}` … `{COURSE_END}` and `{HANDOUT_BEGIN}` … `{HANDOUT_END}`, \
                 each on a line of its own"
            )
        };
        match (&block, marker) {
            (Block::Both, COURSE_BEGIN) => (block, opened_at) = (Block::CourseOnly, number),
            (Block::Both, HANDOUT_BEGIN) => (block, opened_at) = (Block::HandoutOnly, number),
            (Block::CourseOnly, COURSE_END) | (Block::HandoutOnly, HANDOUT_END) => {
                block = Block::Both;
            }
            (_, COURSE_BEGIN | HANDOUT_BEGIN) => {
                bail!(unexpected(&format!(
                    "opens a block inside the one opened on line {opened_at}"
                )))
            }
            (Block::Both, COURSE_END) => bail!(unexpected("closes a block that was not opened")),
            (Block::CourseOnly, _) => {}
            (Block::Both | Block::HandoutOnly, _) => kept.push(line),
        }
    }
    ensure!(
        block == Block::Both,
        "README.md line {opened_at}: this block is never closed (`{COURSE_END}` or \
         `{HANDOUT_END}` on a line of its own)"
    );
    let mut text = String::new();
    for line in kept {
        // Dropping a block can leave two blank lines in a row; Markdown needs only one.
        if !(line.trim().is_empty() && text.ends_with("\n\n")) {
            text.push_str(line);
            text.push('\n');
        }
    }
    Ok(format!("{}\n", text.trim_end()))
}

/// A chapter whose `{{#include …solutions/…}}` lines are replaced by a placeholder.
fn without_solution_includes(chapter: &str) -> String {
    let mut text: String = chapter
        .lines()
        .map(|line| {
            let include = line.trim_start().starts_with("{{#") && line.contains("solutions/");
            if include { BOOK_PLACEHOLDER } else { line }
        })
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

/// Proves the handout at `out` works as a student starts: the root `cargo test` passes, and
/// each lesson builds and fails every one of its tests.
fn check_handout(root: &Path, out: &Path) -> Result<()> {
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
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_loses_solutions_and_keeps_its_comments() {
        let manifest = "[workspace]\n# Lessons and solutions.\nmembers = [\"lessons/*\", \
                        \"solutions/*\", \"xtask\"]\ndefault-members = [\"solutions/*\", \
                        \"xtask\"]\n";
        let text = without_solutions(manifest).unwrap();
        assert_eq!(
            text,
            "[workspace]\n# Lessons and solutions.\nmembers = [\"lessons/*\", \"xtask\"]\n\
             default-members = [\"xtask\"]\n"
        );
        let root = lessons::workspace_root().unwrap();
        let real = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(
            !without_solutions(&real)
                .unwrap()
                .contains("\"solutions/*\"")
        );
    }

    #[test]
    fn the_readme_keeps_what_students_need() {
        let readme = "# Course\n\n## Start\n\nrun it\n<!-- course:begin -->\n- bench the \
                      reference\n<!-- course:end -->\n<!-- handout:\n- bench yours\n-->\n\n\
                      <!-- course:begin -->\n## Instructors\n\ngrade\n<!-- course:end -->\n\n\
                      ## Where\n\nhere\n";
        assert_eq!(
            for_students(readme).unwrap(),
            "# Course\n\n## Start\n\nrun it\n- bench yours\n\n## Where\n\nhere\n"
        );
        let unclosed = for_students("a\n<!-- course:begin -->\nb\n").unwrap_err();
        assert!(unclosed.to_string().contains("line 2"), "{unclosed}");
        let stray = for_students("a\n<!-- course:end -->\n").unwrap_err();
        assert!(stray.to_string().contains("line 2"), "{stray}");
        let root = lessons::workspace_root().unwrap();
        let real = for_students(&fs::read_to_string(root.join("README.md")).unwrap()).unwrap();
        for gone in [
            "solutions/",
            "-solution",
            "## Instructors",
            "cargo xtask grade",
            "<!--",
            "-->",
        ] {
            assert!(
                !real.contains(gone),
                "the handout's README still says {gone:?}"
            );
        }
        assert!(real.contains("cargo test -p lesson1"));
        assert!(real.contains("cargo xtask ci"));
    }

    #[test]
    fn the_book_includes_no_solution() {
        let chapter = "```rust\n{{#include ../../solutions/lesson1/src/pool.rs:worker}}\n```\n\
                       {{#include ../../lessons/lesson1/src/pool.rs:pool_new}}\n";
        let text = without_solution_includes(chapter);
        assert!(!text.contains("solutions/"));
        assert!(text.contains(BOOK_PLACEHOLDER));
        assert!(text.contains("lessons/lesson1/src/pool.rs:pool_new"));
    }

    #[test]
    fn what_students_must_not_see_stays_out() {
        let hidden = Path::new("hidden");
        let out = |file: &str| leave_out(Path::new(file), Some(hidden));
        assert!(out("solutions/lesson1/src/pool.rs").is_some());
        assert!(out("hidden/lesson1/extra.rs").is_some());
        assert!(out("grading.toml").is_some());
        assert!(out("tests/lesson1/mutants/serial_pool.patch").is_some());
        assert!(out("tests/lesson1/alternatives/std_channels.patch").is_some());
        assert!(out("xtask/tests/grade.rs").is_some());
        assert!(out("lessons/lesson3/target/criterion/report/index.html").is_some());
        for kept in [
            "lessons/lesson1/src/pool.rs",
            "tests/lesson1/main.rs",
            "tests/lesson1/perf.rs",
            "xtask/grader/src/lib.rs",
            "README.md",
        ] {
            assert!(out(kept).is_none(), "{kept}");
        }
    }
}
