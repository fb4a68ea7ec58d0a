//! The seeds examples' JSON lines: one measurement each.

use anyhow::{Context, Result};
use seedkit::is_measurement_error;
use serde::{Deserialize, Serialize};

/// One measurement, as a lesson's seeds example prints it with `--json`, one per line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// The seed tutorial, by number: "000" … "004".
    pub seed: String,
    /// The experiment's name, such as `square`.
    pub experiment: String,
    /// The problem size.
    pub n: u64,
    /// Threads of the parallel run.
    pub threads: usize,
    /// Median seconds of the serial run.
    pub serial_s: f64,
    /// Median seconds of the parallel run.
    pub parallel_s: f64,
    /// Whether the speedup is above what `threads` allows ([`seedkit::is_measurement_error`]);
    /// recomputed on reading, so a line without the field is judged too.
    #[serde(default)]
    pub measurement_error: bool,
}

impl Measurement {
    /// Serial time over parallel time.
    pub fn speedup(&self) -> f64 {
        self.serial_s / self.parallel_s
    }

    pub(super) fn key(&self) -> (&str, &str, u64) {
        (&self.seed, &self.experiment, self.n)
    }
}

/// Reads a seeds example's standard output: one [`Measurement`] per non-blank line.
pub fn parse_measurements(stdout: &str) -> Result<Vec<Measurement>> {
    let mut found = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut measurement: Measurement = serde_json::from_str(line).with_context(|| {
            format!(
                "output line {} is not a seed measurement such as {{\"seed\":\"000\",\
                 \"experiment\":\"square\",\"n\":10,\"threads\":2,\"serial_s\":1e-6,\
                 \"parallel_s\":2e-6}}: {line:?}",
                index + 1
            )
        })?;
        judge(&mut measurement);
        found.push(measurement);
    }
    Ok(found)
}

/// Sets `measurement_error` from the numbers, whatever the line said.
pub(super) fn judge(measurement: &mut Measurement) {
    measurement.measurement_error |=
        is_measurement_error(measurement.speedup(), measurement.threads);
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"seed":"004","experiment":"cubes_sqrt","n":100,"threads":2,"serial_s":1e-7,"parallel_s":7e-5}"#;
    #[test]
    fn reads_measurement_lines_and_skips_blank_ones() {
        let rows = parse_measurements(&format!("{LINE}\n\n{LINE}\n")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].experiment, "cubes_sqrt");
        assert_eq!(rows[0].threads, 2);
        assert_eq!(rows[0].parallel_s, 7e-5);
        assert!(!rows[0].measurement_error);
    }

    #[test]
    fn an_impossible_speedup_is_flagged_on_reading_whatever_the_line_says() {
        let line = r#"{"seed":"002","experiment":"int_matmul_1000","n":1000,"threads":2,"serial_s":1.61,"parallel_s":0.4,"measurement_error":false}"#;
        assert!(parse_measurements(line).unwrap()[0].measurement_error);
        let flagged = LINE.replace('}', r#","measurement_error":true}"#);
        assert!(parse_measurements(&flagged).unwrap()[0].measurement_error);
    }

    #[test]
    fn a_bad_line_is_named_with_its_number() {
        let error = format!(
            "{:#}",
            parse_measurements(&format!("{LINE}\nhello")).unwrap_err()
        );
        assert!(error.contains("output line 2"), "{error}");
        assert!(error.contains("\"hello\""), "{error}");
        let missing = LINE.replace(r#""threads":2,"#, "");
        let error = format!("{:#}", parse_measurements(&missing).unwrap_err());
        assert!(error.contains("missing field `threads`"), "{error}");
    }
}
