//! `cargo xtask progress`: where a student stands, exercise by exercise, and what to do next.
//!
//! Everything is read from a fresh `cargo test -p lessonN` run (and, for a lesson with loom
//! models whose tests pass, a fresh run of the models); nothing is stored between runs.

use std::fmt;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cargo::{PackageTests, Targets, TestReport, first_lines};
use crate::cmd::{Line, Stream};
use crate::lessons::{self, Exercise, Lesson, LessonMeta};
use crate::libtest::{Outcome, TestRun};
use crate::loom;
use crate::report::{Table, plural};

/// How far an exercise is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every test passes.
    Passing,
    /// Every test fails on a `todo!()`: the stub is untouched.
    NotStarted,
    /// Some tests fail for another reason, or some pass and some fail.
    Failing,
    /// The suite has no test for it (a problem of the course, not the student's).
    NoTests,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Passing => "passing",
            Status::NotStarted => "not started",
            Status::Failing => "failing",
            Status::NoTests => "no tests",
        })
    }
}

/// One exercise's state, as one test run shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseProgress<'m> {
    /// Its 1-based number in the lesson.
    pub number: usize,
    /// What lesson.toml says about it.
    pub exercise: &'m Exercise,
    /// How far it is.
    pub status: Status,
    /// How many of its tests pass.
    pub passed: usize,
    /// How many tests it has (ignored ones left out).
    pub total: usize,
}

/// Each exercise of `meta` with its status in `run`, in lesson order.
pub fn exercises<'m>(meta: &'m LessonMeta, run: &TestRun) -> Vec<ExerciseProgress<'m>> {
    meta.exercises
        .iter()
        .enumerate()
        .map(|(index, exercise)| {
            let tests: Vec<_> = run
                .suite()
                .filter(|test| test.exercise() == Some(exercise.module.as_str()))
                .filter(|test| test.outcome != Outcome::Ignored)
                .collect();
            let passed = tests
                .iter()
                .filter(|test| test.outcome == Outcome::Passed)
                .count();
            let status = if tests.is_empty() {
                Status::NoTests
            } else if passed == tests.len() {
                Status::Passing
            } else if tests.iter().all(|test| test.not_yet_implemented()) {
                Status::NotStarted
            } else {
                Status::Failing
            };
            ExerciseProgress {
                number: index + 1,
                exercise,
                status,
                passed,
                total: tests.len(),
            }
        })
        .collect()
}

/// The advice for an exercise that does not pass yet, on one line (for `cargo xtask ci`'s
/// summary; [`Next`] is the same advice as `cargo xtask progress` prints it).
pub fn next_step(lesson: &Lesson, progress: &ExerciseProgress<'_>) -> String {
    format!(
        "Next: lesson {}, exercise {} \"{}\" — read {}, then run cargo test -p {} {}",
        lesson.number,
        progress.number,
        progress.exercise.title,
        lesson.meta.section(progress.exercise),
        lesson.stub_package(),
        progress.exercise.module
    )
}

/// What to do next: a sentence or two, then the command to run, on a line of its own so it
/// can be copied whole. No line is wider than 100 columns (rustfmt's width), so none wraps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    /// What the step is, a line each.
    pub what: Vec<String>,
    /// The command to run.
    pub command: String,
}

impl Next {
    /// The step for an exercise that does not pass yet.
    pub fn exercise(lesson: &Lesson, progress: &ExerciseProgress<'_>) -> Self {
        Self {
            what: vec![
                format!(
                    "Next: lesson {}, exercise {}, \"{}\".",
                    lesson.number, progress.number, progress.exercise.title
                ),
                format!(
                    "Read {} (cargo xtask book --open), then run:",
                    lesson.meta.section(progress.exercise)
                ),
            ],
            command: format!(
                "cargo test -p {} {}",
                lesson.stub_package(),
                progress.exercise.module
            ),
        }
    }

    /// The step for lesson `number`'s loom models, which found a bug or do not compile.
    pub fn loom(number: u32, problem: &str) -> Self {
        Self {
            what: vec![
                format!("Next: lesson {number}'s tests pass, but {problem}."),
                format!("Read book/src/lesson{number}.md#loom, then run:"),
            ],
            command: format!("cargo xtask loom --lesson {number}"),
        }
    }

    /// What is left when every exercise of `lessons` passes (and the loom models of
    /// `loom`): checking them as CI does.
    pub fn done(lessons: &[u32], loom: &[u32]) -> Self {
        let loom = match loom {
            [] => String::new(),
            [one] => format!(", and so do lesson {one}'s loom models"),
            _ => ", and so do the loom models".to_owned(),
        };
        let lesson = match lessons {
            [one] => one.to_string(),
            _ => "N".to_owned(),
        };
        Self {
            what: vec![
                format!("Every exercise passes{loom}. Well done!"),
                "Check a lesson as CI does, formatting and clippy included, with:".to_owned(),
            ],
            command: format!("cargo xtask check --lesson {lesson}"),
        }
    }

    /// The step when lesson `number`'s crate or `lesson.toml` cannot be read.
    pub fn unreadable(number: u32) -> Self {
        Self {
            what: vec![format!(
                "Next: lesson {number} could not be read (the error is above); once it is \
                 fixed, run:"
            )],
            command: format!("cargo xtask progress --lesson {number}"),
        }
    }

    /// The step when lesson `number` no longer compiles.
    pub fn compile(number: u32) -> Self {
        Self {
            what: vec![format!(
                "Next: make lesson {number} compile again; the errors are in the output of:"
            )],
            command: format!("cargo build -p lesson{number}"),
        }
    }

    /// The step when lesson `number`'s test run ended before reporting every test.
    pub fn unfinished(number: u32) -> Self {
        Self {
            what: vec![format!(
                "Next: lesson {number}'s test run stopped before it reported every test \
                 (a crash?); see why with:"
            )],
            command: format!("cargo test -p lesson{number}"),
        }
    }
}

impl fmt::Display for Next {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.what {
            writeln!(f, "{line}")?;
        }
        write!(f, "    {}", self.command)
    }
}

/// Whether any test binary of `package` was built in the workspace's target directory: when
/// none was, its first `cargo test` compiles the lesson's dependencies too, which takes minutes.
pub fn tests_built(root: &Path, package: &str) -> bool {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), |dir| root.join(dir));
    tests_built_in(&target, package)
}

/// [`tests_built`] for the target directory `target`.
fn tests_built_in(target: &Path, package: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(target.join("debug/.fingerprint")) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let hash = name
            .to_str()
            .and_then(|name| name.strip_prefix(package))
            .and_then(|rest| rest.strip_prefix('-'));
        hash.is_some_and(|hash| hash.bytes().all(|b| b.is_ascii_hexdigit()))
            && entry.path().join("test-integration-test-suite").exists()
    })
}

/// Shows that a long cargo run is going on: on a terminal, a spinner with what cargo is doing
/// (the crate it compiles, how many tests have run) and the time so far; otherwise one plain
/// line when it starts.
pub struct Activity {
    bar: Option<ProgressBar>,
    seen: Seen,
}

impl Activity {
    /// Starts showing `what` (such as `[1/6] cargo test -p lesson1`): a spinner on a terminal,
    /// a plain line otherwise.
    pub fn start(what: &str) -> Self {
        let activity = Self::spinner(what);
        if activity.bar.is_none() {
            println!("  {what} …");
        }
        activity
    }

    /// Starts showing `what` with a spinner on a terminal, and nothing otherwise.
    pub fn spinner(what: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix} [{elapsed}] {wide_msg}")
                    .expect("the template is valid"),
            );
            bar.set_prefix(what.to_owned());
            bar.enable_steady_tick(Duration::from_millis(150));
            bar
        });
        Self {
            bar,
            seen: Seen::default(),
        }
    }

    /// Takes in one line of cargo's output.
    pub fn observe(&mut self, line: &Line) {
        if let Some(message) = self.seen.read(line)
            && let Some(bar) = &self.bar
        {
            bar.set_message(message);
        }
    }

    /// Clears the spinner.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// What an [`Activity`] has read of cargo's output so far.
#[derive(Debug, Default)]
struct Seen {
    compiled: usize,
    tests: usize,
    ran: usize,
}

impl Seen {
    /// Reads `line`; gives the new message when it tells something.
    fn read(&mut self, line: &Line) -> Option<String> {
        let text = line.text.trim_start();
        match line.stream {
            Stream::Stderr => {
                if text.starts_with("Blocking waiting for file lock") {
                    return Some("waiting for another cargo command to finish".to_owned());
                }
                let name = text.strip_prefix("Compiling ")?.split(' ').next()?;
                self.compiled += 1;
                Some(format!(
                    "compiling {name} ({} so far)",
                    plural(self.compiled, "crate")
                ))
            }
            Stream::Stdout => {
                if let Some(count) = text
                    .strip_prefix("running ")
                    .and_then(|rest| rest.strip_suffix(" tests").or(rest.strip_suffix(" test")))
                    .and_then(|count| count.parse::<usize>().ok())
                {
                    // A binary without tests (the library's unit tests, the doc tests) says
                    // nothing worth showing.
                    if count == 0 {
                        return None;
                    }
                    self.tests = count;
                    self.ran = 0;
                } else if text.starts_with("test ") && text.contains(" ... ") {
                    self.ran += 1;
                } else {
                    return None;
                }
                Some(format!("testing: {} of {} done", self.ran, self.tests))
            }
        }
    }
}

/// Prints the progress of every lesson, or of lesson `only`, and the next thing to do.
pub fn run(root: &Path, only: Option<u32>) -> Result<()> {
    let mut numbers = lessons::discover(root)?;
    if let Some(wanted) = only {
        lessons::ensure_exists(&numbers, wanted)?;
        numbers = vec![wanted];
    }

    let unbuilt: Vec<u32> = numbers
        .iter()
        .copied()
        .filter(|n| !tests_built(root, &format!("lesson{n}")))
        .collect();
    if let Some(notice) = first_run(&unbuilt) {
        println!("{notice}");
    }

    let mut next = None;
    let mut loom_passed = Vec::new();
    for (index, &number) in numbers.iter().enumerate() {
        let lesson = match Lesson::load(root, number) {
            Ok(lesson) => lesson,
            Err(error) => {
                println!("\nLesson {number}: cannot show its progress: {error:#}");
                next.get_or_insert_with(|| Next::unreadable(number));
                continue;
            }
        };
        println!("\nLesson {number}: {}", lesson.meta.title);
        let counter = if numbers.len() > 1 {
            format!("[{}/{}] ", index + 1, numbers.len())
        } else {
            String::new()
        };
        let step = lesson_progress(root, &lesson, &counter, &mut loom_passed)?;
        if next.is_none() {
            next = step;
        }
    }

    println!();
    println!(
        "{}",
        next.unwrap_or_else(|| Next::done(&numbers, &loom_passed))
    );
    Ok(())
}

/// What a run that must first build the tests of lessons `unbuilt` says before it starts.
fn first_run(unbuilt: &[u32]) -> Option<String> {
    let (which, time) = match unbuilt {
        [] => return None,
        [one] => (format!("lesson {one}'s tests"), "1-2 minutes"),
        [_, _] => ("the tests of 2 lessons".to_owned(), "1-2 minutes"),
        _ => (
            format!("the tests of {} lessons", unbuilt.len()),
            "3-5 minutes",
        ),
    };
    Some(format!(
        "First run: cargo builds {which} and their dependencies before running them,\n\
         about {time} on 2 cores. Later runs rebuild only what you changed, in seconds."
    ))
}

/// `cargo test -p package`, every test target, on the student's code (failures expected),
/// with `activity` showing how far it has got.
pub fn student_tests(root: &Path, package: &str, mut activity: Activity) -> Result<TestReport> {
    let report = PackageTests {
        workspace: root,
        package,
        target_dir: None,
        failures_expected: true,
        show_commands: false,
        targets: Targets::All,
        filters: &[],
    }
    .run_observed(&mut |line| activity.observe(line));
    activity.finish();
    report
}

/// Runs lesson `lesson`'s tests (and its loom models once they pass), prints its table, and
/// gives the lesson's next step, if it has one. A lesson whose models pass joins `loom_passed`.
fn lesson_progress(
    root: &Path,
    lesson: &Lesson,
    counter: &str,
    loom_passed: &mut Vec<u32>,
) -> Result<Option<Next>> {
    let number = lesson.number;
    let package = lesson.stub_package();
    let activity = Activity::start(&format!("{counter}cargo test -p {package}"));
    let run = match student_tests(root, &package, activity)? {
        TestReport::DoesNotCompile { errors } => {
            println!("  does not compile. The first error:");
            let first = errors.first().map_or("", String::as_str);
            for line in first_lines(first, 12).lines() {
                println!("    {line}");
            }
            return Ok(Some(Next::compile(number)));
        }
        TestReport::Ran { run, .. } => run,
    };

    let progress = exercises(&lesson.meta, &run);
    let mut table = Table::new(&["#", "exercise", "status", "tests"]);
    for exercise in &progress {
        table.row(&[
            exercise.number.to_string(),
            exercise.exercise.title.clone(),
            exercise.status.to_string(),
            format!("{}/{}", exercise.passed, exercise.total),
        ]);
    }
    print!("{}", table.render(2));
    let waiting = progress
        .iter()
        .find(|p| matches!(p.status, Status::NotStarted | Status::Failing));
    let mut next = waiting.map(|exercise| Next::exercise(lesson, exercise));
    if !run.complete() {
        println!("  The test run stopped before reporting every test (a crash?).");
        next.get_or_insert_with(|| Next::unfinished(number));
    }
    if lesson.meta.loom_test.is_some() {
        if next.is_some() {
            println!("  loom models: after the tests pass (cargo xtask loom --lesson {number})");
        } else {
            match loom_status(root, lesson, counter, true)? {
                LoomStatus::Pass(summary) => {
                    println!("  loom models: {summary}");
                    loom_passed.push(number);
                }
                LoomStatus::Fail { problem, .. } => {
                    println!("  loom models: {problem}");
                    next = Some(Next::loom(number, &problem));
                }
            }
        }
    }
    Ok(next)
}

/// How a lesson's loom models fared on the student's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoomStatus {
    /// Every model passes; how many.
    Pass(String),
    /// Something is wrong: what, and the details (compile errors, failing models).
    Fail {
        /// One line, such as "2 of 9 loom models fail".
        problem: String,
        /// What to show below it.
        details: String,
    },
}

/// Runs lesson `lesson`'s loom models on the student's code, with a spinner saying `label`
/// (and, when `announce` is set and there is no terminal, a plain line instead).
pub fn loom_status(
    root: &Path,
    lesson: &Lesson,
    label: &str,
    announce: bool,
) -> Result<LoomStatus> {
    let what = format!(
        "{label}cargo xtask loom --lesson {} (its first run builds in target/loom)",
        lesson.number
    );
    let mut activity = if announce {
        Activity::start(&what)
    } else {
        Activity::spinner(&what)
    };
    let request = loom::Request {
        subject: loom::Subject::Student,
        filter: None,
        show_commands: false,
    };
    let models = loom::models(root, lesson, request, &mut |line| activity.observe(line));
    activity.finish();
    Ok(match models? {
        loom::Models::DoesNotCompile { errors } => LoomStatus::Fail {
            problem: "the loom models do not compile".to_owned(),
            details: first_lines(errors.first().map_or("", String::as_str), 16),
        },
        loom::Models::Ran { passed, failed, .. } if failed.is_empty() && passed > 0 => {
            LoomStatus::Pass(format!("{} pass", plural(passed, "model")))
        }
        loom::Models::Ran { failed, output, .. } if failed.is_empty() => LoomStatus::Fail {
            problem: "no loom model ran".to_owned(),
            details: first_lines(&output.combined(), 12),
        },
        loom::Models::Ran { passed, failed, .. } => LoomStatus::Fail {
            problem: format!(
                "{} of {} loom models fail",
                failed.len(),
                passed + failed.len()
            ),
            details: failed.join("\n"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> LessonMeta {
        LessonMeta::parse(
            "number = 1\ntitle = \"Pools\"\nchapter = \"book/src/lesson1.md\"\n\
             [[exercises]]\nmodule = \"ex1_size\"\ntitle = \"Choosing a pool size\"\nanchor = \"pool-size\"\n\
             [[exercises]]\nmodule = \"ex2_map\"\ntitle = \"A map\"\nanchor = \"rayon-map\"\n\
             [[exercises]]\nmodule = \"ex3_pool\"\ntitle = \"Your own pool\"\nanchor = \"own-pool\"\n\
             [[exercises]]\nmodule = \"ex4_empty\"\ntitle = \"Nothing\"\nanchor = \"nothing\"\n",
            1,
        )
        .unwrap()
    }

    const RUN: &str = "\
running 7 tests
test suite::ex1_size::a ... ok
test suite::ex1_size::b ... ok
test suite::ex1_size::slow ... ignored
test suite::ex2_map::a ... ok
test suite::ex2_map::b ... FAILED
test suite::ex3_pool::a ... FAILED
test suite::ex3_pool::b ... FAILED

failures:

---- suite::ex2_map::b stdout ----

thread 'suite::ex2_map::b' panicked at tests/lesson1/ex2_map.rs:3:5:
assertion `left == right` failed

---- suite::ex3_pool::a stdout ----

thread 'suite::ex3_pool::a' panicked at lessons/lesson1/src/pool.rs:9:9:
not yet implemented: see book/src/lesson1.md#own-pool

---- suite::ex3_pool::b stdout ----

thread '<unnamed>' panicked at lessons/lesson1/src/pool.rs:9:9:
not yet implemented: see book/src/lesson1.md#own-pool

failures:
    suite::ex2_map::b
    suite::ex3_pool::a
    suite::ex3_pool::b

test result: FAILED. 3 passed; 3 failed; 1 ignored; 0 measured; 0 filtered out
";

    #[test]
    fn statuses_come_from_the_run() {
        let meta = meta();
        let run = TestRun::parse(RUN);
        let progress = exercises(&meta, &run);
        let summary: Vec<_> = progress
            .iter()
            .map(|p| (p.number, p.status, p.passed, p.total))
            .collect();
        assert_eq!(
            summary,
            [
                (1, Status::Passing, 2, 2),
                (2, Status::Failing, 1, 2),
                (3, Status::NotStarted, 0, 2),
                (4, Status::NoTests, 0, 0),
            ]
        );
    }

    #[test]
    fn a_todo_next_to_a_real_failure_is_failing() {
        let meta = meta();
        let run = TestRun::parse(&RUN.replace(
            "thread '<unnamed>' panicked at lessons/lesson1/src/pool.rs:9:9:\nnot yet implemented",
            "thread '<unnamed>' panicked at lessons/lesson1/src/pool.rs:9:9:\nindex out of bounds",
        ));
        assert_eq!(exercises(&meta, &run)[2].status, Status::Failing);
    }

    #[test]
    fn every_next_step_fits_the_terminal_and_ends_in_its_command() {
        let root = lessons::workspace_root().unwrap();
        for number in lessons::discover(&root).unwrap() {
            let lesson = Lesson::load(&root, number).unwrap();
            let run = TestRun::default();
            let mut steps: Vec<Next> = exercises(&lesson.meta, &run)
                .iter()
                .map(|exercise| Next::exercise(&lesson, exercise))
                .collect();
            steps.push(Next::compile(number));
            steps.push(Next::unfinished(number));
            steps.push(Next::unreadable(number));
            steps.push(Next::loom(number, "12 of 12 loom models fail"));
            steps.push(Next::done(&[number], &[number]));
            steps.push(Next::done(&[1, number], &[1, number]));
            for step in steps {
                let text = step.to_string();
                for line in text.lines() {
                    assert!(
                        line.chars().count() <= 100,
                        "a line of lesson {number}'s next step is wider than 100 columns:\n{line}"
                    );
                }
                assert_eq!(
                    text.lines().last(),
                    Some(format!("    {}", step.command).as_str())
                );
                assert!(step.command.starts_with("cargo "), "{text}");
            }
        }
    }

    #[test]
    fn a_first_run_says_it_builds_and_how_long_that_takes() {
        assert_eq!(first_run(&[]), None);
        for unbuilt in [&[3][..], &[1, 2], &[1, 2, 3, 4, 5, 6]] {
            let notice = first_run(unbuilt).unwrap();
            assert!(notice.contains("minutes on 2 cores"), "{notice}");
            for line in notice.lines() {
                assert!(
                    line.chars().count() <= 100,
                    "wider than 100 columns: {line}"
                );
            }
        }
        assert!(first_run(&[3]).unwrap().contains("lesson 3's tests"));
    }

    #[test]
    fn the_next_exercise_is_read_then_tested_in_both_forms() {
        let lesson = Lesson {
            number: 1,
            meta: meta(),
        };
        let run = TestRun::parse(RUN);
        let progress = exercises(&lesson.meta, &run);
        assert_eq!(
            Next::exercise(&lesson, &progress[2]).to_string(),
            "Next: lesson 1, exercise 3, \"Your own pool\".\n\
             Read book/src/lesson1.md#own-pool (cargo xtask book --open), then run:\n    \
             cargo test -p lesson1 ex3_pool"
        );
        assert_eq!(
            next_step(&lesson, &progress[2]),
            "Next: lesson 1, exercise 3 \"Your own pool\" — read \
             book/src/lesson1.md#own-pool, then run cargo test -p lesson1 ex3_pool"
        );
    }

    #[test]
    fn the_spinner_follows_the_build_and_the_tests() {
        let mut seen = Seen::default();
        let line = |stream, text: &str| Line {
            stream,
            text: text.to_owned(),
        };
        assert_eq!(
            seen.read(&line(Stream::Stderr, "   Compiling rayon-core v1.13.0")),
            Some("compiling rayon-core (1 crate so far)".to_owned())
        );
        assert_eq!(seen.read(&line(Stream::Stderr, "warning: unused")), None);
        assert_eq!(seen.read(&line(Stream::Stdout, "running 0 tests")), None);
        assert_eq!(
            seen.read(&line(Stream::Stdout, "running 61 tests")),
            Some("testing: 0 of 61 done".to_owned())
        );
        assert_eq!(
            seen.read(&line(Stream::Stdout, "test suite::ex1::a ... FAILED")),
            Some("testing: 1 of 61 done".to_owned())
        );
        assert_eq!(seen.read(&line(Stream::Stdout, "{\"reason\":\"x\"}")), None);
    }

    #[test]
    fn a_lesson_never_built_is_told_apart_from_a_built_one() {
        let root = std::env::temp_dir().join(format!("xtask-built-{}", std::process::id()));
        let fingerprints = root.join("debug/.fingerprint");
        std::fs::create_dir_all(fingerprints.join("lesson1-solution-0123abcd")).unwrap();
        std::fs::write(
            fingerprints.join("lesson1-solution-0123abcd/test-integration-test-suite"),
            "",
        )
        .unwrap();
        std::fs::create_dir_all(fingerprints.join("lesson1-89ab")).unwrap();
        assert!(
            !tests_built_in(&root, "lesson1"),
            "a library alone is not the tests"
        );
        std::fs::write(
            fingerprints.join("lesson1-89ab/test-integration-test-suite"),
            "",
        )
        .unwrap();
        assert!(tests_built_in(&root, "lesson1"));
        assert!(!tests_built_in(&root, "lesson2"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
