//! `cargo xtask check --lesson N`: what CI holds a student's lesson to, run on that lesson alone.
//!
//! CI formats and lints the whole workspace (`cargo fmt --all -- --check`, `cargo clippy
//! --workspace --all-targets -- -D warnings`) and runs every lesson's tests. This runs the same
//! steps for one package, so a student's unfinished lesson 2 does not hide lesson 1's verdict:
//! rustfmt on the lesson's package, clippy with the flags CI uses, the lesson's tests, and its
//! loom models (for a lesson that has them) once the tests pass. Every step runs, whatever the
//! others gave; each ends in one line, with the details below a failure's line.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cargo::{Build, TestReport, first_lines};
use crate::cmd::Cmd;
use crate::lessons::{self, Lesson};
use crate::progress::{self, Activity, LoomStatus, Next, Status};
use crate::report::plural;

/// How many of clippy's or the compiler's messages a failed step shows.
const SHOWN: usize = 2;

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// It passed; the detail says what was checked.
    Ok(String),
    /// It failed: a one-line summary, and what to show below it.
    Failed { summary: String, details: String },
    /// It did not run, and why.
    Skipped(String),
}

/// `cargo xtask check --lesson N`: the exit code is 1 when a step fails.
pub fn run(root: &Path, number: u32) -> Result<ExitCode> {
    let numbers = lessons::discover(root)?;
    lessons::ensure_exists(&numbers, number)?;
    let lesson = Lesson::load(root, number)?;
    let package = lesson.stub_package();
    println!("Checking lesson {number} ({package}) as CI checks it:");

    let mut failed = false;
    let mut report = |name: &str, verdict: Verdict| {
        let (status, detail) = match &verdict {
            Verdict::Ok(detail) => ("ok", detail.as_str()),
            Verdict::Failed { summary, .. } => ("FAILED", summary.as_str()),
            Verdict::Skipped(why) => ("skipped", why.as_str()),
        };
        println!("  {name:<8} {status:<7}  {detail}");
        if let Verdict::Failed { details, .. } = &verdict {
            failed = true;
            for line in details.lines() {
                println!("      {line}");
            }
        }
    };

    report("rustfmt", rustfmt(root, &package)?);
    report("clippy", clippy(root, &package)?);
    let (tests, mut next) = tests(root, &lesson)?;
    let passed = matches!(tests, Verdict::Ok(_));
    report("tests", tests);
    if lesson.meta.loom_test.is_some() {
        let verdict = if passed {
            let (verdict, step) = loom_models(root, &lesson)?;
            next = next.or(step);
            verdict
        } else {
            Verdict::Skipped("after the tests pass".to_owned())
        };
        report("loom", verdict);
    }

    println!();
    if failed {
        let next = next.unwrap_or_else(|| Next {
            what: vec!["Next: fix what the FAILED lines above show, then run again:".to_owned()],
            command: format!("cargo xtask check --lesson {number}"),
        });
        println!("{next}");
    } else {
        println!("Lesson {number} passes every check CI makes.");
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// rustfmt on the package's files, as `cargo fmt --all -- --check` checks them in CI.
fn rustfmt(root: &Path, package: &str) -> Result<Verdict> {
    let cmd = Cmd::cargo(root).args(["fmt", "-p", package, "--", "--check"]);
    let output = cmd.run()?;
    if output.success() {
        return Ok(Verdict::Ok("every file is formatted".to_owned()));
    }
    let stdout = output.stdout();
    let files = unformatted_files(&stdout);
    if files.is_empty() {
        return Ok(Verdict::Failed {
            summary: "rustfmt did not run (is it installed? `rustup component add rustfmt`)"
                .to_owned(),
            details: first_lines(&output.combined(), 10),
        });
    }
    let files: Vec<String> = files
        .iter()
        .map(|file| relative(root, file))
        .collect::<Vec<_>>();
    Ok(Verdict::Failed {
        summary: format!(
            "{} not formatted: `cargo fmt -p {package}` formats the lesson",
            plural(files.len(), "file")
        ),
        details: files.join("\n"),
    })
}

/// The files `rustfmt --check` shows a diff for, each once, from its `Diff in FILE:LINE:`
/// (or older rustfmt's `Diff in FILE at line LINE:`) lines.
fn unformatted_files(stdout: &str) -> Vec<&str> {
    let mut files: Vec<&str> = Vec::new();
    for place in stdout
        .lines()
        .filter_map(|line| line.strip_prefix("Diff in "))
    {
        let file = match place.split_once(" at line ") {
            Some((file, _)) => file,
            None => place.rsplitn(3, ':').last().unwrap_or(place),
        };
        if !files.contains(&file) {
            files.push(file);
        }
    }
    files
}

/// `path` relative to `root` when it is inside it.
fn relative(root: &Path, path: &str) -> String {
    Path::new(path)
        .strip_prefix(root)
        .map_or_else(|_| path.to_owned(), |p| p.display().to_string())
}

/// clippy with warnings denied, on every target of the package, as CI runs it.
fn clippy(root: &Path, package: &str) -> Result<Verdict> {
    let shown = format!("cargo clippy -p {package} --all-targets -- -D warnings");
    let cmd = Cmd::cargo(root).args([
        "clippy",
        "-p",
        package,
        "--all-targets",
        "--message-format=json",
        "--",
        "-D",
        "warnings",
    ]);
    let mut activity = Activity::spinner(&format!("clippy: {shown}"));
    let build = Build::run_observed(&cmd, &mut |line| activity.observe(line));
    activity.finish();
    let build = build?;
    if build.success() {
        return Ok(Verdict::Ok("no warnings".to_owned()));
    }
    let errors = build.errors();
    if build.diagnostics.is_empty() {
        return Ok(Verdict::Failed {
            summary: "clippy did not run (is it installed? `rustup component add clippy`)"
                .to_owned(),
            details: first_lines(errors.first().map_or("", String::as_str), 10),
        });
    }
    let mut details: Vec<String> = errors
        .iter()
        .take(SHOWN)
        .map(|error| first_lines(error, 16))
        .collect();
    if errors.len() > SHOWN {
        details.push(format!("… and {} more: {shown}", errors.len() - SHOWN));
    }
    Ok(Verdict::Failed {
        summary: format!(
            "{} (warnings count as errors)",
            plural(errors.len(), "problem")
        ),
        details: details.join("\n\n"),
    })
}

/// The lesson's tests on the student's code: every one must pass.
fn tests(root: &Path, lesson: &Lesson) -> Result<(Verdict, Option<Next>)> {
    let package = lesson.stub_package();
    let activity = Activity::spinner(&format!("tests: cargo test -p {package}"));
    let run = match progress::student_tests(root, &package, activity)? {
        TestReport::DoesNotCompile { errors } => {
            return Ok((
                Verdict::Failed {
                    summary: format!("do not compile ({})", plural(errors.len(), "error")),
                    details: first_lines(errors.first().map_or("", String::as_str), 16),
                },
                Some(Next::compile(lesson.number)),
            ));
        }
        TestReport::Ran { run, .. } => run,
    };
    let suite = run.suite().count();
    let passing = run
        .suite()
        .filter(|test| test.outcome == crate::libtest::Outcome::Passed)
        .count();
    let exercises = progress::exercises(&lesson.meta, &run);
    let waiting = exercises
        .iter()
        .find(|exercise| matches!(exercise.status, Status::NotStarted | Status::Failing));
    let others_failed: Vec<&str> = run
        .others()
        .filter(|test| test.outcome == crate::libtest::Outcome::Failed)
        .map(|test| test.name.as_str())
        .collect();
    Ok(match waiting {
        Some(exercise) => (
            Verdict::Failed {
                summary: format!(
                    "{passing}/{suite} pass; exercise {} \"{}\" is {}",
                    exercise.number, exercise.exercise.title, exercise.status
                ),
                details: String::new(),
            },
            Some(Next::exercise(lesson, exercise)),
        ),
        None if !run.complete() => (
            Verdict::Failed {
                summary: format!("{passing}/{suite} pass, and the run stopped early"),
                details: String::new(),
            },
            Some(Next::unfinished(lesson.number)),
        ),
        None if !others_failed.is_empty() => (
            Verdict::Failed {
                summary: format!(
                    "the suite passes, but {} of your own fail",
                    plural(others_failed.len(), "test")
                ),
                details: others_failed.join("\n"),
            },
            None,
        ),
        None => (Verdict::Ok(format!("{passing}/{suite} pass")), None),
    })
}

/// The lesson's loom models on the student's code.
fn loom_models(root: &Path, lesson: &Lesson) -> Result<(Verdict, Option<Next>)> {
    Ok(
        match progress::loom_status(root, lesson, "loom: ", false)? {
            LoomStatus::Pass(summary) => (Verdict::Ok(summary), None),
            LoomStatus::Fail { problem, details } => {
                let next = Next::loom(lesson.number, &problem);
                (
                    Verdict::Failed {
                        summary: problem,
                        details,
                    },
                    Some(next),
                )
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The course's stubs are formatted, and a stub's tests read as its first exercise not
    /// started, with the command to run next.
    #[test]
    fn lesson_1s_stub_is_formatted_and_not_started() {
        let root = lessons::workspace_root().unwrap();
        assert_eq!(
            rustfmt(&root, "lesson1").unwrap(),
            Verdict::Ok("every file is formatted".to_owned())
        );
        let lesson = Lesson::load(&root, 1).unwrap();
        let (verdict, next) = tests(&root, &lesson).unwrap();
        let Verdict::Failed { summary, .. } = verdict else {
            panic!("the stub's tests should fail: {verdict:?}");
        };
        assert!(summary.starts_with("0/"), "{summary}");
        assert!(summary.contains("exercise 1 "), "{summary}");
        assert!(summary.ends_with("is not started"), "{summary}");
        assert_eq!(next.unwrap().command, "cargo test -p lesson1 ex1_pool_size");
    }

    #[test]
    fn unformatted_files_are_read_from_rustfmts_diffs() {
        let stdout = "Diff in /w/lessons/lesson1/src/pool.rs:12:\n-  x\n+ x\n\
                      Diff in /w/lessons/lesson1/src/pool.rs:40:\n\
                      Diff in /w/lessons/lesson1/src/lib.rs at line 3:\n";
        assert_eq!(
            unformatted_files(stdout),
            [
                "/w/lessons/lesson1/src/pool.rs",
                "/w/lessons/lesson1/src/lib.rs"
            ]
        );
        assert!(unformatted_files("error: no such command: `fmt`\n").is_empty());
        assert_eq!(
            relative(Path::new("/w"), "/w/lessons/lesson1/src/lib.rs"),
            "lessons/lesson1/src/lib.rs"
        );
    }
}
