//! `tests/lessonN/seeds-reference.json`, the reference solution's recorded run.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::machine::Machine;
use super::measurement::{Measurement, judge};

/// `tests/lessonN/seeds-reference.json`: the reference solution's run of a lesson's seeds,
/// recorded by `cargo xtask seeds --record`, with the machine it ran on.
///
/// ```json
/// {
///   "package": "lesson1-solution",
///   "machine": {"cpu": "…", "logical_cores": 2, "os": "linux 6.1.0 (Debian GNU/Linux 12)",
///               "rustc": "rustc 1.95.0 (…)", "date": "2026-12-02", "load_average": "1.9 1.2 0.8"},
///   "measurements": [
///     {"seed":"000","experiment":"square","n":10,"threads":2,"serial_s":…,"parallel_s":…,"measurement_error":false}
///   ]
/// }
/// ```
///
/// `measurements` holds exactly the JSON lines the lesson's example printed, one per line of
/// the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorded {
    /// The package that was measured: `lessonN-solution`.
    pub package: String,
    /// Where it was measured.
    pub machine: Machine,
    /// The measurements, in the order the example printed them.
    pub measurements: Vec<Measurement>,
}

impl Recorded {
    /// The file's path, relative to the workspace root.
    pub fn relative_path(lesson: u32) -> String {
        format!("tests/lesson{lesson}/seeds-reference.json")
    }

    /// Reads and checks the text of a `seeds-reference.json`.
    pub fn parse(text: &str) -> Result<Self> {
        let mut recorded: Recorded = serde_json::from_str(text)?;
        for measurement in &mut recorded.measurements {
            judge(measurement);
        }
        Ok(recorded)
    }

    /// Reads lesson `lesson`'s file; a lesson without one has no recorded numbers.
    pub fn load(root: &Path, lesson: u32) -> Result<Option<Self>> {
        let relative = Self::relative_path(lesson);
        let path = root.join(&relative);
        if !path.is_file() {
            return Ok(None);
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("could not read {relative}"))?;
        let recorded = Self::parse(&text).with_context(|| {
            format!(
                "{relative} is not a valid record of the reference's seeds (rewrite it with \
                 `cargo xtask seeds --record --lesson {lesson}`)"
            )
        })?;
        Ok(Some(recorded))
    }

    /// The file's text: the package and machine, then one measurement per line.
    pub fn to_text(&self) -> String {
        let lines: Vec<String> = self
            .measurements
            .iter()
            .map(|m| format!("    {}", compact(m)))
            .collect();
        format!(
            "{{\n  \"package\": {},\n  \"machine\": {},\n  \"measurements\": [\n{}\n  ]\n}}\n",
            compact(&self.package),
            compact(&self.machine),
            lines.join(",\n")
        )
    }

    /// The recorded row for `row`: the same experiment, size and thread count, or else the
    /// one of the same experiment and size whose thread count is nearest (ties: the lower).
    pub fn matching(&self, row: &Measurement) -> Option<&Measurement> {
        self.measurements
            .iter()
            .filter(|recorded| recorded.key() == row.key())
            .min_by_key(|recorded| (recorded.threads.abs_diff(row.threads), recorded.threads))
    }
}

/// `value` as one line of JSON.
fn compact<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeds::fixtures::{measurement, recorded};

    #[test]
    fn a_recorded_file_reads_back_and_keeps_one_measurement_a_line() {
        let text = recorded().to_text();
        assert_eq!(Recorded::parse(&text).unwrap(), recorded());
        assert!(text.contains(r#""logical_cores":2"#), "{text}");
        let measurement_lines = text
            .lines()
            .filter(|line| line.trim_start().starts_with(r#"{"seed""#))
            .count();
        assert_eq!(measurement_lines, 2, "{text}");
        let error = format!(
            "{:#}",
            Recorded::parse(&text.replace("\"package\"", "\"packge\"")).unwrap_err()
        );
        assert!(error.contains("unknown field `packge`"), "{error}");
    }

    #[test]
    fn the_recorded_row_at_the_nearest_thread_count_stands_in() {
        let recorded = recorded();
        assert_eq!(
            recorded.matching(&measurement(100, 2)).unwrap().parallel_s,
            0.3
        );
        assert_eq!(recorded.matching(&measurement(100, 8)).unwrap().threads, 2);
        assert!(recorded.matching(&measurement(7, 2)).is_none());
    }
}
