//! `--json`: every measured row as one JSON line, with the numbers it is compared with.

use std::fmt::Write as _;

use serde::Serialize;

use super::lesson_run::{LessonRun, Outcome};
use super::measurement::Measurement;

/// One line of `--json`: the measurement with its lesson and package first, the matched
/// published numbers under `published` and the reference's recorded row under `reference`.
#[derive(Debug, Serialize)]
struct JsonLine<'a> {
    lesson: u32,
    package: &'a str,
    #[serde(flatten)]
    measurement: &'a Measurement,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<PublishedNumbers>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<ReferenceNumbers>,
}

/// The published numbers of a [`JsonLine`], without the keys that repeat the measurement's.
#[derive(Debug, Serialize)]
struct PublishedNumbers {
    #[serde(skip_serializing_if = "Option::is_none")]
    processes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cores: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parallel_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speedup: Option<f64>,
}

/// The reference's recorded row of a [`JsonLine`] (possibly at another thread count).
#[derive(Debug, Serialize)]
struct ReferenceNumbers {
    threads: usize,
    serial_s: f64,
    parallel_s: f64,
    measurement_error: bool,
}

/// Every measured row of `runs` as JSON lines, each ending in `\n`.
pub fn json_lines(runs: &[LessonRun]) -> String {
    let mut text = String::new();
    for run in runs {
        let Outcome::Rows(rows) = &run.outcome else {
            continue;
        };
        for (measurement, published) in rows {
            let reference = run
                .recorded
                .as_ref()
                .and_then(|recorded| recorded.matching(measurement));
            let line = JsonLine {
                lesson: run.lesson,
                package: &run.package,
                measurement,
                published: published.as_ref().map(|entry| PublishedNumbers {
                    processes: entry.processes,
                    cores: entry.cores,
                    serial_s: entry.serial_s,
                    parallel_s: entry.parallel_s,
                    speedup: entry.speedup,
                }),
                reference: reference.map(|row| ReferenceNumbers {
                    threads: row.threads,
                    serial_s: row.serial_s,
                    parallel_s: row.parallel_s,
                    measurement_error: row.measurement_error,
                }),
            };
            let json = serde_json::to_string(&line).expect("a measurement always serializes");
            let _ = writeln!(text, "{json}");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeds::fixtures::{measurement, sample_runs};
    use crate::seeds::measurement::parse_measurements;

    #[test]
    fn json_lines_carry_the_lesson_published_and_reference_numbers() {
        let lines = json_lines(&sample_runs());
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(lines.len(), 4, "only lesson 5 measured: {lines:?}");
        assert_eq!(
            lines[..2],
            [
                r#"{"lesson":5,"package":"lesson5","seed":"004","experiment":"cubes_sqrt","n":100,"threads":2,"serial_s":0.5,"parallel_s":0.25,"measurement_error":false,"published":{"processes":8,"cores":8,"serial_s":0.00009639,"parallel_s":0.1197657,"speedup":0.008},"reference":{"threads":2,"serial_s":0.5,"parallel_s":0.3,"measurement_error":false}}"#,
                r#"{"lesson":5,"package":"lesson5","seed":"004","experiment":"cubes_sqrt","n":1000,"threads":2,"serial_s":0.5,"parallel_s":0.25,"measurement_error":false}"#,
            ]
        );
        assert!(
            lines[3].contains(r#""measurement_error":true"#),
            "{}",
            lines[3]
        );
        // What --json prints reads back as measurements, the extra keys ignored.
        assert_eq!(
            parse_measurements(lines[1]).unwrap(),
            [measurement(1000, 2)]
        );
    }
}
