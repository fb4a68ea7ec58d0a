//! Measuring a lesson's performance: build its runner crate (see [`super::workspace`]) with
//! optimizations, run it in the sandbox, and turn its timings into speedups.
//!
//! The runner times, for each kernel of `tests/lessonN/perf.rs`, the reference's serial and
//! parallel versions and the student's parallel version, interleaved, in one process on the same
//! input, and first checks that the student's parallel output equals the serial output. Several
//! kernels combine by the geometric mean of their speedups.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

use super::compile::{Built, Cargo};
use super::config::Performance;
use super::perf_crate::perf_package;
use super::runner::Runner;
use super::sandbox::Ending;
use super::score::geometric_mean;
use crate::cargo::first_lines;

/// What measuring gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    /// Timed: the combined speedups and a sentence per kernel.
    Timed {
        /// Reference serial / student parallel.
        speedup: f64,
        /// Reference serial / reference parallel.
        reference_speedup: f64,
        /// What was timed, for the lesson's message.
        detail: String,
    },
    /// The submission's kernel gave a wrong result, crashed or ran too long.
    Failed(String),
}

/// One kernel's line from the runner.
#[derive(Debug, Clone, Deserialize)]
struct KernelTimes {
    kernel: String,
    correct: bool,
    #[serde(default)]
    reference_serial: Vec<f64>,
    #[serde(default)]
    reference_parallel: Vec<f64>,
    #[serde(default)]
    student_parallel: Vec<f64>,
}

/// Builds and runs lesson `n`'s performance runner.
pub fn measure(
    cargo: &Cargo,
    runner: &Runner<'_>,
    n: u32,
    config: &Performance,
) -> Result<Measured> {
    let package = perf_package(n);
    let exe = match cargo.release_binary(&package)? {
        Built::Failed(errors) => {
            return Ok(Measured::Failed(format!(
                "the performance kernels (tests/lesson{n}/perf.rs) do not compile against this \
                 code: {}",
                first_lines(errors.first().map_or("", String::as_str), 8)
            )));
        }
        Built::Ok(executables) => executables.into_iter().find(|e| e.target == package),
    };
    let Some(exe) = exe else {
        return Ok(Measured::Failed(format!(
            "cargo built no binary for {package}"
        )));
    };
    let threads = if config.threads == 0 {
        std::thread::available_parallelism().map_or(1, usize::from)
    } else {
        config.threads
    };
    let nonce = format!("{:016x}", RandomState::new().hash_one(std::process::id()));
    let (threads_arg, warmup, runs) = (
        threads.to_string(),
        config.warmup.to_string(),
        config.runs.to_string(),
    );
    let run = runner.sandboxed(
        &exe.path,
        &[nonce.as_str(), &threads_arg, &warmup, &runs],
        Duration::from_secs(config.timeout_s),
        None,
    )?;
    match run.ending {
        Ending::Exited(0) => {}
        Ending::TimedOut | Ending::Stalled => {
            return Ok(Measured::Failed(format!(
                "timing did not finish within {} s",
                config.timeout_s
            )));
        }
        Ending::Signaled(signal) => {
            return Ok(Measured::Failed(format!(
                "the timing run crashed: {}",
                runner.crash(signal, &run.stderr.text())
            )));
        }
        Ending::Exited(code) => {
            let stderr = run.stderr.text();
            return Ok(Measured::Failed(format!(
                "the timing run failed (exit code {code}): {}",
                first_lines(stderr.trim(), 6)
            )));
        }
    }
    Ok(evaluate(&run.stdout.text(), &nonce, threads))
}

/// Reads the runner's lines (the last line for each kernel counts) into speedups.
fn evaluate(stdout: &str, nonce: &str, threads: usize) -> Measured {
    let prefix = format!("GRADE-PERF {nonce} ");
    let mut kernels = BTreeMap::new();
    for line in stdout.lines() {
        if let Some(times) = line
            .strip_prefix(&prefix)
            .and_then(|json| serde_json::from_str::<KernelTimes>(json).ok())
        {
            kernels.insert(times.kernel.clone(), times);
        }
    }
    if kernels.is_empty() {
        return Measured::Failed("the timing run reported no kernel".to_owned());
    }
    let mut speedups = Vec::new();
    let mut reference_speedups = Vec::new();
    let mut details = Vec::new();
    for times in kernels.values() {
        if !times.correct {
            return Measured::Failed(format!(
                "kernel {}: the parallel version's output differs from the serial version's, \
                 so its speed does not count",
                times.kernel
            ));
        }
        let (Some(serial), Some(reference), Some(student)) = (
            median(&times.reference_serial),
            median(&times.reference_parallel),
            median(&times.student_parallel),
        ) else {
            return Measured::Failed(format!("kernel {}: no timing", times.kernel));
        };
        let speedup = serial / student;
        let reference_speedup = serial / reference;
        speedups.push(speedup);
        reference_speedups.push(reference_speedup);
        details.push(format!(
            "{}: reference serial {serial:.3} s, reference parallel {reference:.3} s \
             ({reference_speedup:.2}x), yours {student:.3} s ({speedup:.2}x)",
            times.kernel
        ));
    }
    Measured::Timed {
        speedup: geometric_mean(&speedups),
        reference_speedup: geometric_mean(&reference_speedups),
        detail: format!(
            "performance on {} ({})",
            crate::report::plural(threads, "thread"),
            details.join("; ")
        ),
    }
}

/// The median of positive, finite times; `None` when there is none.
fn median(times: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = times
        .iter()
        .copied()
        .filter(|t| t.is_finite() && *t > 0.0)
        .collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[0.0, f64::NAN]), None);
    }

    #[test]
    fn runner_lines_become_speedups() {
        let out = "noise\nGRADE-PERF n1 {\"kernel\":\"busy\",\"correct\":true,\
                   \"reference_serial\":[2e0,2e0,2e0],\"reference_parallel\":[1e0,1e0,1e0],\
                   \"student_parallel\":[1.6e0,1.6e0,1.6e0]}\n\
                   GRADE-PERF other {\"kernel\":\"forged\",\"correct\":false}\n";
        match evaluate(out, "n1", 2) {
            Measured::Timed {
                speedup,
                reference_speedup,
                detail,
            } => {
                assert!((speedup - 1.25).abs() < 1e-9);
                assert!((reference_speedup - 2.0).abs() < 1e-9);
                assert!(detail.contains("on 2 threads"), "{detail}");
                assert!(detail.contains("(1.25x)"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        let wrong = "GRADE-PERF n1 {\"kernel\":\"busy\",\"correct\":false}\n";
        assert!(matches!(evaluate(wrong, "n1", 2), Measured::Failed(m) if m.contains("differs")));
        assert!(matches!(evaluate("", "n1", 2), Measured::Failed(_)));
    }
}
