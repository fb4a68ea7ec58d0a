//! Measuring a lesson's performance: build its runner crate (see [`super::perf_crate`] and the
//! workspace crate `tests/perfkit`) with optimizations, run it twice in the sandbox, and turn
//! its reports into speedups.
//!
//! The first run times only the student's parallel versions, on seeds it draws itself; the
//! second, which runs no student code, times the reference's serial and parallel versions on
//! the same seeds. Both report on fd 3, without a `/proc` (see perfkit's crate docs for why the
//! student's code cannot write there); their standard output counts for nothing. Every output
//! the student's kernels gave, warm-up runs included, must equal the reference's serial output
//! for the same seed, and a speedup above the thread count × [`IMPOSSIBLE_TOLERANCE`] is refused
//! as impossible. Several kernels combine by the geometric mean of their speedups.

use std::time::Duration;

use anyhow::Result;
use perfkit::wire::{self, Report, Variant};

use super::compile::{Built, Cargo};
use super::config::Performance;
use super::perf_crate::perf_package;
use super::runner::Runner;
use super::sandbox::{Channel, Ending};
use super::score::{IMPOSSIBLE_TOLERANCE, geometric_mean, impossible};
use course::cargo::first_lines;

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
    /// The submission's kernel gave a wrong result, crashed, ran too long or was impossibly
    /// fast.
    Failed(String),
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
    let warmup = config.warmup as usize;
    let runs = warmup + config.runs as usize;
    let timeout = Duration::from_secs(config.timeout_s);
    let threads_arg = threads.to_string();
    let runs_arg = runs.to_string();
    let run = |args: &[&str]| -> Result<Result<Report, String>> {
        let finished =
            runner.sandboxed_with(&exe.path, args, timeout, None, Some(Channel::Take), false)?;
        let failed = match finished.ending {
            Ending::Exited(0) => None,
            Ending::TimedOut | Ending::Stalled => {
                Some(format!("it did not finish within {} s", config.timeout_s))
            }
            Ending::Signaled(signal) => Some(format!(
                "it crashed: {}",
                runner.crash(signal, &finished.stderr.text())
            )),
            Ending::Exited(code) => Some(format!(
                "it failed (exit code {code}): {}",
                first_lines(finished.stderr.text().trim(), 6)
            )),
        };
        if let Some(why) = failed {
            return Ok(Err(why));
        }
        if finished.channel.dropped() > 0 {
            return Ok(Err("its report was cut off at the output limit".to_owned()));
        }
        Ok(Report::parse(&finished.channel.text()))
    };
    let student = match run(&["student", &threads_arg, &runs_arg])? {
        Ok(report) if report.complete => report,
        Ok(report) => return Ok(Measured::Failed(stopped_early(&report, runs))),
        Err(why) => {
            return Ok(Measured::Failed(format!(
                "the timing run of your kernels: {why}"
            )));
        }
    };
    let seeds: Vec<String> = student.seeds.iter().map(|seed| wire::hex(*seed)).collect();
    let mut args = vec!["reference", threads_arg.as_str()];
    args.extend(seeds.iter().map(String::as_str));
    let reference = match run(&args)? {
        Ok(report) if report.complete => Ok(report),
        Ok(_) => Err("it stopped before it finished".to_owned()),
        Err(why) => Err(why),
    };
    let reference = match reference {
        Ok(report) => report,
        Err(why) => {
            return Ok(Measured::Failed(format!(
                "the reference's timing run (no code of yours runs in it): {why}; tell your \
                 instructor"
            )));
        }
    };
    Ok(evaluate(&student, &reference, warmup, threads, n))
}

/// Why a student run without its end line counts nothing.
fn stopped_early(report: &Report, runs: usize) -> String {
    let reached = report.records.last().map_or_else(
        || "before its first kernel finished a run".to_owned(),
        |last| {
            format!(
                "after run {} of {runs} of kernel {}",
                last.run + 1,
                last.kernel
            )
        },
    );
    format!(
        "the timing run of your kernels stopped {reached} and exited without finishing (does \
         your code call std::process::exit?), so no speed counts"
    )
}

/// "run 2 of 6 (warm-up)", for messages.
fn which_run(run: usize, runs: usize, warmup: usize) -> String {
    let warm = if run < warmup { ", a warm-up run" } else { "" };
    format!("run {} of {runs}{warm}", run + 1)
}

/// Compares the student's report with the reference's (run on the same seeds) and turns the
/// times into speedups; `n` is the lesson.
fn evaluate(
    student: &Report,
    reference: &Report,
    warmup: usize,
    threads: usize,
    n: u32,
) -> Measured {
    let kernels = reference.kernels();
    if kernels.is_empty() {
        return Measured::Failed("the timing run reported no kernel".to_owned());
    }
    if student.seeds != reference.seeds {
        return Measured::Failed(
            "the reference was timed on other seeds than your kernels (a grader bug: tell \
             your instructor)"
                .to_owned(),
        );
    }
    let runs = student.seeds.len();
    let mut speedups = Vec::new();
    let mut reference_speedups = Vec::new();
    let mut details = Vec::new();
    for kernel in kernels {
        let mut times = [Vec::new(), Vec::new(), Vec::new()];
        for run in 0..runs {
            let which = which_run(run, runs, warmup);
            let (Some(serial), Some(parallel)) = (
                reference.find(kernel, run, Variant::Serial),
                reference.find(kernel, run, Variant::Parallel),
            ) else {
                return Measured::Failed(format!(
                    "kernel {kernel}: the reference reported no time for {which} (a grader bug: \
                     tell your instructor)"
                ));
            };
            if parallel.digest != serial.digest {
                return Measured::Failed(format!(
                    "kernel {kernel}: the reference's own parallel output differs from its \
                     serial output in {which}: tests/lesson{n}/perf.rs or the reference solution \
                     is wrong, not your code; tell your instructor"
                ));
            }
            let Some(yours) = student.find(kernel, run, Variant::Student) else {
                return Measured::Failed(format!(
                    "kernel {kernel}: your timing run reported nothing for {which}"
                ));
            };
            if yours.digest != serial.digest {
                let hint = if run > 0 {
                    format!(
                        " (the earlier {} right: is a result kept from an earlier call, \
                         or does the output not follow the input?)",
                        if run == 1 { "run was" } else { "runs were" }
                    )
                } else {
                    String::new()
                };
                return Measured::Failed(format!(
                    "kernel {kernel}: your parallel output in {which} differs from the \
                     reference's serial output for the same input{hint}, so its speed does \
                     not count"
                ));
            }
            if run >= warmup {
                times[0].push(serial.seconds);
                times[1].push(parallel.seconds);
                times[2].push(yours.seconds);
            }
        }
        let [Some(serial), Some(reference_time), Some(yours)] = times.map(|t| median(&t)) else {
            return Measured::Failed(format!("kernel {kernel}: no timing"));
        };
        let speedup = serial / yours;
        let reference_speedup = serial / reference_time;
        if impossible(speedup, threads) {
            return Measured::Failed(format!(
                "kernel {kernel}: measured {speedup:.0}× on {}: impossible (more than \
                 {IMPOSSIBLE_TOLERANCE} × the thread count; the reference reached \
                 {reference_speedup:.2}×), no performance points: the timed call did not do \
                 the work",
                course::report::plural(threads, "thread"),
            ));
        }
        speedups.push(speedup);
        reference_speedups.push(reference_speedup);
        details.push(format!(
            "{kernel}: reference serial {serial:.3} s, reference parallel {reference_time:.3} s \
             ({reference_speedup:.2}x), yours {yours:.3} s ({speedup:.2}x)"
        ));
    }
    Measured::Timed {
        speedup: geometric_mean(&speedups),
        reference_speedup: geometric_mean(&reference_speedups),
        detail: format!(
            "performance on {} ({})",
            course::report::plural(threads, "thread"),
            details.join("; ")
        ),
    }
}

/// The median of times (a time of 0 counts: it is an impossibly fast run); `None` when there
/// is none, or one is negative or not finite.
fn median(times: &[f64]) -> Option<f64> {
    if times.is_empty() || times.iter().any(|t| !t.is_finite() || *t < 0.0) {
        return None;
    }
    let mut sorted = times.to_vec();
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
    use perfkit::wire::Record;

    const SEEDS: [u64; 3] = [11, 22, 33];

    fn record(kernel: &str, run: usize, variant: Variant, seconds: f64, digest: u64) -> Record {
        Record {
            kernel: kernel.to_owned(),
            run,
            variant,
            seconds,
            digest,
        }
    }

    /// The reference's report: serial 2 s and parallel 1 s in every run, output `100 + run`.
    fn reference() -> Report {
        let mut records = Vec::new();
        for run in 0..SEEDS.len() {
            records.push(record("busy", run, Variant::Serial, 2.0, 100 + run as u64));
            records.push(record(
                "busy",
                run,
                Variant::Parallel,
                1.0,
                100 + run as u64,
            ));
        }
        Report {
            seeds: SEEDS.to_vec(),
            records,
            complete: true,
        }
    }

    /// The student's report: `seconds` and `digests` per run.
    fn student(seconds: [f64; 3], digests: [u64; 3]) -> Report {
        let records = (0..3)
            .map(|run| record("busy", run, Variant::Student, seconds[run], digests[run]))
            .collect();
        Report {
            seeds: SEEDS.to_vec(),
            records,
            complete: true,
        }
    }

    fn failure(measured: Measured) -> String {
        match measured {
            Measured::Failed(why) => why,
            other => panic!("not a failure: {other:?}"),
        }
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[0.0, 0.0, 1.0]), Some(0.0));
        assert_eq!(median(&[1.0, f64::NAN]), None);
        assert_eq!(median(&[1.0, -1.0]), None);
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn reports_become_speedups_from_the_runs_after_the_warm_up() {
        // The warm-up run's 9 s is left out: the median of 1.6 and 1.6.
        let yours = student([9.0, 1.6, 1.6], [100, 101, 102]);
        match evaluate(&yours, &reference(), 1, 2, 1) {
            Measured::Timed {
                speedup,
                reference_speedup,
                detail,
            } => {
                assert!((speedup - 1.25).abs() < 1e-9, "{speedup}");
                assert!((reference_speedup - 2.0).abs() < 1e-9);
                assert!(detail.contains("on 2 threads"), "{detail}");
                assert!(detail.contains("(1.25x)"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_output_is_checked_warm_up_included() {
        let kept = student([1.0, 1.0, 1.0], [100, 100, 100]);
        let why = failure(evaluate(&kept, &reference(), 1, 2, 1));
        assert!(why.contains("kernel busy"), "{why}");
        assert!(why.contains("run 2 of 3"), "{why}");
        assert!(why.contains("kept from an earlier call"), "{why}");
        assert!(why.contains("does not count"), "{why}");

        let last = student([1.0, 1.0, 1.0], [100, 101, 7]);
        assert!(failure(evaluate(&last, &reference(), 1, 2, 1)).contains("run 3 of 3"));

        let warm = student([1.0, 1.0, 1.0], [7, 101, 102]);
        let why = failure(evaluate(&warm, &reference(), 1, 2, 1));
        assert!(why.contains("run 1 of 3, a warm-up run"), "{why}");
        assert!(!why.contains("earlier"), "{why}");
    }

    #[test]
    fn impossible_speedups_earn_nothing() {
        // 2 s / 1 ms = 2000× on 2 threads.
        let forged = student([1e-3, 1e-3, 1e-3], [100, 101, 102]);
        let why = failure(evaluate(&forged, &reference(), 1, 2, 1));
        assert!(
            why.contains("measured 2000× on 2 threads: impossible"),
            "{why}"
        );
        assert!(why.contains("no performance points"), "{why}");
        // A run that took no measurable time at all is impossible too.
        let instant = student([0.0, 0.0, 0.0], [100, 101, 102]);
        assert!(failure(evaluate(&instant, &reference(), 1, 2, 1)).contains("impossible"));
        // 2.4× on 2 threads is within the tolerance; on 1 thread it is not.
        let fast = student([1.0, 2.0 / 2.4, 2.0 / 2.4], [100, 101, 102]);
        assert!(matches!(
            evaluate(&fast, &reference(), 1, 2, 1),
            Measured::Timed { .. }
        ));
        assert!(failure(evaluate(&fast, &reference(), 1, 1, 1)).contains("on 1 thread:"));
    }

    #[test]
    fn missing_runs_and_broken_references_are_named() {
        let mut short = student([1.0, 1.0, 1.0], [100, 101, 102]);
        short.records.pop();
        assert!(failure(evaluate(&short, &reference(), 1, 2, 1)).contains("nothing for run 3"));

        let mut wrong = reference();
        wrong.records[3].digest = 0;
        let fine = student([1.0, 1.0, 1.0], [100, 101, 102]);
        let why = failure(evaluate(&fine, &wrong, 1, 2, 1));
        assert!(why.contains("not your code"), "{why}");
        assert!(why.contains("tests/lesson1/perf.rs"), "{why}");

        let mut other_seeds = reference();
        other_seeds.seeds[0] = 0;
        assert!(failure(evaluate(&fine, &other_seeds, 1, 2, 1)).contains("other seeds"));
        assert!(failure(evaluate(&fine, &Report::default(), 1, 2, 1)).contains("no kernel"));
    }

    #[test]
    fn a_run_that_stopped_early_says_where() {
        let mut report = student([1.0, 1.0, 1.0], [100, 101, 102]);
        report.records.truncate(2);
        report.complete = false;
        let why = stopped_early(&report, 3);
        assert!(why.contains("after run 2 of 3 of kernel busy"), "{why}");
        assert!(why.contains("std::process::exit"), "{why}");
        assert!(stopped_early(&Report::default(), 3).contains("before its first kernel"));
    }
}
