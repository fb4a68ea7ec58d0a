//! Gradescope's `results.json` for one submission: its score, and each test as an item worth
//! its share of the points, so the items add up to the score.
//!
//! This is the one report students read. A hidden test's item has the visibility the
//! instructor chose (`[scoring] hidden_visibility`: by default `hidden`, never shown), and
//! nothing visible names or quotes a hidden test: the summary and the other items say only
//! how many tests passed.
//!
//! A lesson's tests share its correctness points (all its points when it has no performance
//! kernels), its performance is one more item, and a lesson that did not compile or is missing
//! is one failed item worth the whole lesson. Every lesson weighs the same, as the score is
//! the mean over lessons.

use anyhow::Result;
use serde::Serialize;

use crate::config::Scoring;
use crate::model::{Status, SubmissionReport, round};

#[derive(Serialize)]
struct Results {
    score: f64,
    execution_time: f64,
    output: String,
    tests: Vec<Item>,
}

#[derive(Serialize)]
struct Item {
    name: String,
    score: f64,
    max_score: f64,
    status: &'static str,
    output: String,
    visibility: &'static str,
}

impl Item {
    fn new(
        name: String,
        score: f64,
        max_score: f64,
        output: String,
        visibility: &'static str,
    ) -> Self {
        let passed = score >= max_score - 1e-9;
        Self {
            name,
            score: round(score, 4),
            max_score: round(max_score, 4),
            status: if passed { "passed" } else { "failed" },
            output,
            visibility,
        }
    }
}

/// `message` with every line that names one of `hidden` replaced, for a visible item.
fn withhold(message: &str, hidden: &[&str]) -> String {
    if hidden.is_empty() {
        return message.to_owned();
    }
    message
        .split('\n')
        .map(|line| {
            if hidden.iter().any(|name| line.contains(name)) {
                "(a line about a hidden test, withheld)"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `report` as Gradescope's results.json.
pub fn render(report: &SubmissionReport, scoring: &Scoring) -> Result<String> {
    let lessons = report.lessons.len().max(1) as f64;
    let full = (scoring.correctness + scoring.performance) / lessons;
    let hidden_visibility = scoring.hidden_visibility.label();
    let mut tests = Vec::new();
    let mut output = Vec::new();
    for lesson in &report.lessons {
        // The grader's notes never name a hidden test; this holds whatever else might.
        let hidden: Vec<&str> = lesson
            .tests
            .iter()
            .filter(|test| test.hidden)
            .map(|test| test.name.as_str())
            .collect();
        let message = withhold(&lesson.message, &hidden);
        output.push(format!(
            "{}: {}, {}/{} tests, {:.1} points{}",
            lesson.lesson,
            lesson.status.label(),
            lesson.tests_passed,
            lesson.tests_total,
            lesson.score,
            if message.is_empty() {
                String::new()
            } else {
                format!(" - {message}")
            }
        ));
        let broken = matches!(lesson.status, Status::CompileError | Status::Missing);
        if broken || lesson.tests.is_empty() {
            tests.push(Item::new(
                lesson.lesson.clone(),
                0.0,
                full,
                message,
                "visible",
            ));
            continue;
        }
        let correctness = if lesson.timed {
            scoring.correctness
        } else {
            scoring.correctness + scoring.performance
        } / lessons;
        let each = correctness / lesson.tests.len() as f64;
        for test in &lesson.tests {
            tests.push(Item::new(
                format!("{}: {}", lesson.lesson, test.name),
                if test.passed { each } else { 0.0 },
                each,
                if test.hidden {
                    test.message.clone()
                } else {
                    withhold(&test.message, &hidden)
                },
                if test.hidden {
                    hidden_visibility
                } else {
                    "visible"
                },
            ));
        }
        if lesson.timed {
            let max = scoring.performance / lessons;
            tests.push(Item::new(
                format!("{}: performance", lesson.lesson),
                lesson.performance.unwrap_or(0.0) * max,
                max,
                message,
                "visible",
            ));
        }
    }
    let results = Results {
        score: report.score,
        execution_time: round(report.elapsed.as_secs_f64(), 1),
        output: output.join("\n"),
        tests,
    };
    let mut text = serde_json::to_string_pretty(&results)?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HiddenVisibility;
    use crate::report::sample;

    #[test]
    fn items_add_up_to_the_score() {
        let alice = &sample::class()[0];
        let text = render(alice, &Scoring::default()).unwrap();
        let results: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(results["score"], 50.0);
        assert_eq!(results["execution_time"], 42.0);
        let items = results["tests"].as_array().unwrap();
        let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "lesson1: suite::ex1::t0",
                "lesson1: suite::ex1::t1",
                "lesson1: performance",
                "lesson2"
            ]
        );
        let total: f64 = items.iter().map(|i| i["score"].as_f64().unwrap()).sum();
        assert!((total - 50.0).abs() < 1e-6, "{total}");
        assert_eq!(items[0]["max_score"], 17.5);
        assert_eq!(items[1]["visibility"], "hidden");
        assert_eq!(items[3]["status"], "failed");
        assert_eq!(items[3]["max_score"], 50.0);
        assert!(
            results["output"]
                .as_str()
                .unwrap()
                .contains("lesson2: compile_error")
        );
    }

    #[test]
    fn hidden_tests_are_named_only_in_their_own_items() {
        let mut alice = sample::class()[0].clone();
        let lesson = &mut alice.lessons[0];
        lesson.tests[1].passed = false;
        lesson.tests[1].message = "assertion failed: the secret answer is 42".into();
        lesson.message = "killed 1 process\nsuite::ex1::t1 was slow".into();
        lesson.tests[0].message = "see also suite::ex1::t1".into();
        let mut scoring = Scoring::default();
        for (choice, label) in [
            (HiddenVisibility::Hidden, "hidden"),
            (HiddenVisibility::AfterPublished, "after_published"),
        ] {
            scoring.hidden_visibility = choice;
            let text = render(&alice, &scoring).unwrap();
            let results: serde_json::Value = serde_json::from_str(&text).unwrap();
            let items = results["tests"].as_array().unwrap();
            for item in items {
                let shown = item.to_string();
                if item["visibility"] == "visible" {
                    assert!(!shown.contains("ex1::t1"), "{shown}");
                    assert!(!shown.contains("secret answer"), "{shown}");
                } else {
                    assert_eq!(item["visibility"], label);
                    assert!(shown.contains("secret answer"), "{shown}");
                }
            }
            let summary = results["output"].as_str().unwrap();
            assert!(!summary.contains("ex1::t1"), "{summary}");
            assert!(summary.contains("killed 1 process"), "{summary}");
        }
    }
}
