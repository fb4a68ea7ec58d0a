//! The reports `cargo xtask grade` writes: a terminal table, JSON, CSV and Markdown gradebooks,
//! and Gradescope's `results.json`.

mod csv;
mod gradescope;
mod json;
mod markdown;
mod table;

use anyhow::{Result, ensure};

use super::Format;
use super::config::Scoring;
use super::model::SubmissionReport;

/// `reports` in `format`.
pub fn render(format: Format, reports: &[SubmissionReport], scoring: &Scoring) -> Result<String> {
    Ok(match format {
        Format::Table => table::render(reports),
        Format::Json => json::render(reports)?,
        Format::Csv => csv::render(reports),
        Format::Markdown => markdown::render(reports),
        Format::Gradescope => {
            ensure!(
                reports.len() == 1,
                "--format gradescope writes the results of one submission (Gradescope grades \
                 each submission on its own), but {} were graded: give one directory",
                reports.len()
            );
            gradescope::render(&reports[0], scoring)?
        }
    })
}

/// The lessons graded, in order, across all reports (their columns in a gradebook).
fn lesson_columns(reports: &[SubmissionReport]) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for report in reports {
        for lesson in &report.lessons {
            if !columns.contains(&lesson.lesson) {
                columns.push(lesson.lesson.clone());
            }
        }
    }
    columns
}

/// A score as a gradebook shows it: one decimal.
fn points(score: f64) -> String {
    format!("{score:.1}")
}

#[cfg(test)]
pub(super) mod sample {
    //! Reports to render in the format tests.

    use std::time::Duration;

    use crate::model::{LessonReport, Status, SubmissionReport, TestReport};

    /// A lesson of `status` with `passed` of two tests, one of them hidden.
    pub fn lesson(name: &str, status: Status, passed: usize, score: f64) -> LessonReport {
        let tests = (0..2)
            .map(|index| TestReport {
                name: format!("suite::ex1::t{index}"),
                passed: index < passed,
                hidden: index == 1,
                message: if index < passed {
                    String::new()
                } else {
                    "assertion failed".into()
                },
            })
            .collect();
        LessonReport {
            lesson: name.into(),
            status,
            tests_passed: passed,
            tests_total: 2,
            tests,
            speedup: (passed == 2).then_some(1.9),
            reference_speedup: (passed == 2).then_some(1.95),
            correctness: passed as f64 / 2.0,
            performance: (passed == 2).then_some(1.0),
            score,
            message: if status == Status::Ok {
                String::new()
            } else {
                "it broke, badly".into()
            },
            timed: true,
        }
    }

    /// Alice passes lesson 1 and fails to compile lesson 2; "bob, jr" passes half of lesson 1.
    pub fn class() -> Vec<SubmissionReport> {
        vec![
            SubmissionReport {
                submission: "alice".into(),
                score: 50.0,
                lessons: vec![
                    lesson("lesson1", Status::Ok, 2, 100.0),
                    lesson("lesson2", Status::CompileError, 0, 0.0),
                ],
                elapsed: Duration::from_secs(42),
            },
            SubmissionReport {
                submission: "bob, jr".into(),
                score: 35.0,
                lessons: vec![lesson("lesson1", Status::Timeout, 1, 35.0)],
                elapsed: Duration::from_secs(7),
            },
        ]
    }
}
