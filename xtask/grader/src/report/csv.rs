//! The CSV gradebook: a header, then a row per submission with its score and a column per
//! lesson.

use super::{lesson_columns, points};
use crate::model::SubmissionReport;

/// `reports` as CSV.
pub fn render(reports: &[SubmissionReport]) -> String {
    let columns = lesson_columns(reports);
    let mut text = String::new();
    let mut header = vec!["submission".to_owned(), "score".to_owned()];
    header.extend(columns.iter().cloned());
    push_row(&mut text, &header);
    for report in reports {
        let mut row = vec![report.submission.clone(), points(report.score)];
        for column in &columns {
            let cell = report
                .lessons
                .iter()
                .find(|lesson| &lesson.lesson == column)
                .map_or_else(String::new, |lesson| points(lesson.score));
            row.push(cell);
        }
        push_row(&mut text, &row);
    }
    text
}

/// One line of CSV, quoting the cells that need it (RFC 4180).
fn push_row(text: &mut String, cells: &[String]) {
    let quoted: Vec<String> = cells
        .iter()
        .map(|cell| {
            if cell.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", cell.replace('"', "\"\""))
            } else {
                cell.clone()
            }
        })
        .collect();
    text.push_str(&quoted.join(","));
    text.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn a_row_per_submission_a_column_per_lesson() {
        assert_eq!(
            render(&sample::class()),
            "submission,score,lesson1,lesson2\nalice,50.0,100.0,0.0\n\"bob, jr\",35.0,35.0,\n"
        );
    }
}
