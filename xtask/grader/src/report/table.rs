//! The terminal report: a row per lesson, then a line per submission with its score.

use crate::model::{SubmissionReport, shorten};
use course::report::Table;

/// The longest message a row shows; the JSON report has the whole of it.
const MESSAGE: usize = 90;

/// `reports` as a table.
pub fn render(reports: &[SubmissionReport]) -> String {
    let mut table = Table::new(&[
        "submission",
        "lesson",
        "status",
        "tests",
        "speedup",
        "perf",
        "score",
        "message",
    ]);
    for report in reports {
        for lesson in &report.lessons {
            let speedup = match (lesson.speedup, lesson.reference_speedup) {
                (Some(speedup), Some(reference)) => format!("{speedup:.2}/{reference:.2}"),
                _ => "-".to_owned(),
            };
            let first_line = lesson.message.lines().next().unwrap_or("");
            table.row(&[
                report.submission.clone(),
                lesson.lesson.clone(),
                lesson.status.label().to_owned(),
                format!("{}/{}", lesson.tests_passed, lesson.tests_total),
                speedup,
                lesson
                    .performance
                    .map_or_else(|| "-".to_owned(), |p| format!("{p:.2}")),
                format!("{:.1}", lesson.score),
                shorten(first_line, MESSAGE),
            ]);
        }
    }
    let mut text = table.render(0);
    text.push('\n');
    for report in reports {
        text.push_str(&format!(
            "{}: {:.1}/100 over {}\n",
            report.submission,
            report.score,
            course::report::plural(report.lessons.len(), "lesson")
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn a_row_per_lesson_and_a_score_per_submission() {
        let text = render(&sample::class());
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("submission  lesson   status"),
            "{text}"
        );
        assert!(
            lines[2].contains("alice") && lines[2].contains("1.90/1.95"),
            "{text}"
        );
        assert!(
            lines[3].contains("compile_error") && lines[3].contains("it broke"),
            "{text}"
        );
        assert!(
            text.ends_with("alice: 50.0/100 over 2 lessons\nbob, jr: 35.0/100 over 1 lesson\n")
        );
    }
}
