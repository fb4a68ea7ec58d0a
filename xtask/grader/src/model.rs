//! What grading finds, in the shape of the JSON report: one [`SubmissionReport`] per
//! submission, one [`LessonReport`] per lesson, one [`TestReport`] per test.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How a lesson's grading went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The tests ran to their end.
    Ok,
    /// The lesson or its tests did not compile.
    CompileError,
    /// The tests ran past their time limit and were killed.
    Timeout,
    /// The test process died (a signal, a stack overflow, an abort) or stopped early.
    Crashed,
    /// The submission has no `lessons/lessonN/src`.
    Missing,
}

impl Status {
    /// The name the reports use: `ok`, `compile_error`, …
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::CompileError => "compile_error",
            Status::Timeout => "timeout",
            Status::Crashed => "crashed",
            Status::Missing => "missing",
        }
    }
}

/// When Gradescope shows a student the instructor's hidden tests, their names and messages
/// (`[scoring] hidden_visibility`); until then the student sees only what they add to the
/// score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HiddenVisibility {
    /// Never.
    #[default]
    Hidden,
    /// After the assignment's due date.
    AfterDueDate,
    /// Once the instructor publishes the grades.
    AfterPublished,
}

impl HiddenVisibility {
    /// Gradescope's name for it, as results.json's `visibility` takes it.
    pub fn label(self) -> &'static str {
        match self {
            HiddenVisibility::Hidden => "hidden",
            HiddenVisibility::AfterDueDate => "after_due_date",
            HiddenVisibility::AfterPublished => "after_published",
        }
    }
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestReport {
    /// The test's full name, such as `suite::ex3_pool::map_keeps_input_order`.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// Whether it is one of the instructor's hidden tests.
    pub hidden: bool,
    /// Why it failed (empty when it passed).
    pub message: String,
}

/// One lesson's grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonReport {
    /// `lesson1`, …
    pub lesson: String,
    /// How grading went.
    pub status: Status,
    /// Tests that passed.
    pub tests_passed: usize,
    /// Tests that count (ignored ones left out).
    pub tests_total: usize,
    /// Every test.
    pub tests: Vec<TestReport>,
    /// Reference serial time / student parallel time; `None` when not measured.
    pub speedup: Option<f64>,
    /// Reference serial time / reference parallel time; `None` when not measured.
    pub reference_speedup: Option<f64>,
    /// The share of tests passed, 0 to 1.
    pub correctness: f64,
    /// `min(1, speedup / (threshold × reference_speedup))`; `None` when not measured.
    pub performance: Option<f64>,
    /// The lesson's points.
    pub score: f64,
    /// What happened, in sentences: the problems, what was ignored, what was killed.
    pub message: String,
    /// Whether the lesson has performance points (kernels, and performance switched on);
    /// without them correctness alone counts, scaled to the lesson's full points.
    #[serde(skip)]
    pub timed: bool,
}

/// One submission's grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubmissionReport {
    /// The submission's name (its directory's name).
    pub submission: String,
    /// The mean of the lesson scores.
    pub score: f64,
    /// Each graded lesson.
    pub lessons: Vec<LessonReport>,
    /// How long grading it took.
    #[serde(skip)]
    pub elapsed: Duration,
}

/// Rounds to `places` decimal places, for reports that read well.
pub fn round(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// `text` cut to `max` characters, with `…` where it was cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!(
            "{}…",
            text.chars().take(max.saturating_sub(1)).collect::<String>()
        )
    }
}
