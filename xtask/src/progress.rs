//! `cargo xtask progress`: where a student stands, exercise by exercise, and what to do next.
//!
//! Everything is read from a fresh `cargo test -p lessonN` run; nothing is stored between runs.

use std::fmt;
use std::path::Path;

use anyhow::{Result, bail};

use crate::cargo::{PackageTests, Targets, TestReport, first_lines};
use crate::lessons::{self, Exercise, Lesson, LessonMeta};
use crate::libtest::{Outcome, TestRun};
use crate::report::Table;

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

/// The advice for an exercise that does not pass yet.
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

/// Prints the progress of every lesson, or of lesson `only`, and the next thing to do.
pub fn run(root: &Path, only: Option<u32>) -> Result<()> {
    let mut numbers = lessons::discover(root)?;
    if let Some(wanted) = only {
        if !numbers.contains(&wanted) {
            let known: Vec<String> = numbers.iter().map(u32::to_string).collect();
            bail!(
                "there is no lesson {wanted}: the lessons are {}",
                known.join(", ")
            );
        }
        numbers = vec![wanted];
    }

    let mut next = None;
    for number in numbers {
        let lesson = match Lesson::load(root, number) {
            Ok(lesson) => lesson,
            Err(error) => {
                println!("\nLesson {number}: cannot show its progress: {error:#}");
                continue;
            }
        };
        println!("\nLesson {number}: {}", lesson.meta.title);
        let package = lesson.stub_package();
        println!("  (running cargo test -p {package} …)");
        let report = PackageTests {
            workspace: root,
            package: &package,
            target_dir: None,
            failures_expected: true,
            show_commands: false,
            targets: Targets::All,
            filters: &[],
        }
        .run()?;
        let run = match report {
            TestReport::DoesNotCompile { errors } => {
                println!(
                    "  does not compile: run `cargo build -p {package}` to see the errors. \
                     The first one:"
                );
                let first = errors.first().map_or("", String::as_str);
                for line in first_lines(first, 12).lines() {
                    println!("    {line}");
                }
                next.get_or_insert_with(|| {
                    format!(
                        "Next: make lesson {number} compile again: run `cargo build -p \
                         {package}` and fix the errors it shows"
                    )
                });
                continue;
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
        if !run.complete() {
            println!(
                "  The test run stopped before reporting every test (a crash?): run \
                 `cargo test -p {package}` to see why."
            );
        }
        if let Some(waiting) = progress
            .iter()
            .find(|p| matches!(p.status, Status::NotStarted | Status::Failing))
        {
            next.get_or_insert_with(|| next_step(&lesson, waiting));
        }
    }

    println!();
    match next {
        Some(step) => println!("{step}"),
        None => println!("Every exercise passes. Well done!"),
    }
    Ok(())
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
    fn the_next_step_names_the_section_and_the_command() {
        let lesson = Lesson {
            number: 1,
            meta: meta(),
        };
        let run = TestRun::parse(RUN);
        let progress = exercises(&lesson.meta, &run);
        assert_eq!(
            next_step(&lesson, &progress[2]),
            "Next: lesson 1, exercise 3 \"Your own pool\" — read \
             book/src/lesson1.md#own-pool, then run cargo test -p lesson1 ex3_pool"
        );
    }
}
