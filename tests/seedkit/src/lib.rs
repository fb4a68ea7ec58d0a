//! Timing and reporting shared by every lesson's `--example lessonN-seeds`.
//!
//! Each example reruns one seed tutorial's experiment and hands its measurements to a
//! [`Report`], which prints either a readable table or, with `--json`, one JSON object per line
//! in the format `cargo xtask` and the book's tables read:
//!
//! ```text
//! {"seed":"000","experiment":"square","n":1000000,"threads":2,"serial_s":0.0009,"parallel_s":0.0011}
//! ```

use std::time::Instant;

use serde::Serialize;

/// One measurement: the same work done serially and on `threads` threads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// Which seed tutorial the experiment comes from, by its number: "000" … "004".
    pub seed: &'static str,
    /// The experiment's name, fixed per lesson (for example `square`).
    pub experiment: &'static str,
    /// The problem size, as the seed states it.
    pub n: u64,
    /// How many threads (or processes) the parallel run used.
    pub threads: usize,
    /// Median wall-clock seconds of the serial run.
    pub serial_s: f64,
    /// Median wall-clock seconds of the parallel run.
    pub parallel_s: f64,
}

impl Measurement {
    /// Serial time over parallel time: above 1 means the parallel run won.
    pub fn speedup(&self) -> f64 {
        self.serial_s / self.parallel_s
    }
}

/// The median wall-clock time of `repetitions` runs of `work`, in seconds, after one untimed
/// warm-up run. The median shrugs off a run disturbed by another program.
pub fn median_seconds<T>(repetitions: usize, mut work: impl FnMut() -> T) -> f64 {
    std::hint::black_box(work());
    let mut times: Vec<f64> = (0..repetitions.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(work());
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_unstable_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Collects measurements and prints them as a table or as JSON lines.
#[derive(Debug)]
pub struct Report {
    json: bool,
    rows: Vec<Measurement>,
}

impl Report {
    /// A report in the format the command line asks for: JSON lines with `--json`, otherwise a
    /// table. Any other argument is an error naming it, so a typo is not silently ignored.
    pub fn from_args() -> Result<Report, String> {
        let mut json = false;
        for arg in std::env::args().skip(1) {
            match arg.as_str() {
                "--json" => json = true,
                other => {
                    return Err(format!(
                        "unknown argument {other:?}: the seeds example takes only --json"
                    ));
                }
            }
        }
        Ok(Report {
            json,
            rows: Vec::new(),
        })
    }

    /// [`Report::from_args`], or, on a bad argument, the error on stderr and exit status 2.
    pub fn from_args_or_exit() -> Report {
        Report::from_args().unwrap_or_else(|message| {
            eprintln!("error: {message}");
            std::process::exit(2)
        })
    }

    /// Whether the report prints JSON lines (`--json`) rather than a table.
    pub fn json(&self) -> bool {
        self.json
    }

    /// Records one measurement; in JSON mode it is printed at once, so a long run shows
    /// progress.
    pub fn add(&mut self, measurement: Measurement) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string(&measurement).expect("a measurement always serializes")
            );
        } else {
            eprintln!(
                "  measured {} n={} on {} threads",
                measurement.experiment, measurement.n, measurement.threads
            );
        }
        self.rows.push(measurement);
    }

    /// Prints the table (in table mode; JSON lines are already out).
    pub fn finish(self) {
        if !self.json {
            print!("{}", table(&self.rows));
        }
    }
}

/// The measurements as an aligned text table with a speedup column.
pub fn table(rows: &[Measurement]) -> String {
    let mut out = format!(
        "{:<5} {:<15} {:>10} {:>7} {:>12} {:>12} {:>8}\n",
        "seed", "experiment", "n", "threads", "serial", "parallel", "speedup"
    );
    for row in rows {
        out += &format!(
            "{:<5} {:<15} {:>10} {:>7} {:>12} {:>12} {:>7.2}x\n",
            row.seed,
            row.experiment,
            row.n,
            row.threads,
            human_seconds(row.serial_s),
            human_seconds(row.parallel_s),
            row.speedup()
        );
    }
    out
}

/// Seconds in a unit that keeps the digits readable: `1.25 s`, `12.50 ms`, `42.1 µs`, `85 ns`.
pub fn human_seconds(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else if seconds >= 1e-6 {
        format!("{:.1} µs", seconds * 1e6)
    } else {
        format!("{:.0} ns", seconds * 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Measurement {
        Measurement {
            seed: "000",
            experiment: "square",
            n: 1_000_000,
            threads: 2,
            serial_s: 0.5,
            parallel_s: 0.25,
        }
    }

    #[test]
    fn json_line_has_the_documented_fields_in_order() {
        let line = serde_json::to_string(&sample()).unwrap();
        assert_eq!(
            line,
            r#"{"seed":"000","experiment":"square","n":1000000,"threads":2,"serial_s":0.5,"parallel_s":0.25}"#
        );
    }

    #[test]
    fn table_shows_the_speedup() {
        let text = table(&[sample()]);
        assert!(text.contains("2.00x"), "{text}");
        assert!(text.contains("500.00 ms"), "{text}");
    }

    #[test]
    fn seconds_pick_a_readable_unit() {
        assert_eq!(human_seconds(2.5), "2.50 s");
        assert_eq!(human_seconds(0.0125), "12.50 ms");
        assert_eq!(human_seconds(0.000_042_1), "42.1 µs");
        assert_eq!(human_seconds(0.000_000_085), "85 ns");
    }

    #[test]
    fn median_runs_the_work_once_more_than_asked() {
        let mut calls = 0;
        let _ = median_seconds(5, || calls += 1);
        assert_eq!(calls, 6, "one warm-up plus five timed runs");
    }
}
