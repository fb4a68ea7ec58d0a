//! The Markdown gradebook: the CSV's table, with each lesson that did not run cleanly marked by
//! its status.

use super::{lesson_columns, points};
use crate::model::{Status, SubmissionReport};

/// `reports` as a Markdown table.
pub fn render(reports: &[SubmissionReport]) -> String {
    let columns = lesson_columns(reports);
    let mut text = format!("| submission | score | {} |\n", columns.join(" | "));
    text.push_str(&format!("|---|---:|{}\n", "---:|".repeat(columns.len())));
    for report in reports {
        let cells: Vec<String> = columns
            .iter()
            .map(|column| {
                report
                    .lessons
                    .iter()
                    .find(|lesson| &lesson.lesson == column)
                    .map_or_else(String::new, |lesson| match lesson.status {
                        Status::Ok => points(lesson.score),
                        status => format!("{} ({})", points(lesson.score), status.label()),
                    })
            })
            .collect();
        text.push_str(&format!(
            "| {} | {} | {} |\n",
            escape(&report.submission),
            points(report.score),
            cells.join(" | ")
        ));
    }
    text
}

/// Escapes the characters that would break a table cell.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn a_table_with_statuses() {
        assert_eq!(
            render(&sample::class()),
            "| submission | score | lesson1 | lesson2 |\n|---|---:|---:|---:|\n\
             | alice | 50.0 | 100.0 | 0.0 (compile_error) |\n\
             | bob, jr | 35.0 | 35.0 (timeout) |  |\n"
        );
        assert_eq!(escape("a|b"), "a\\|b");
    }
}
