//! Running a lesson's test binaries in the sandbox and reading every test's result.
//!
//! Each binary runs once with all its tests, as `cargo test` would. When that run times out or
//! crashes, the tests that did not report run again one at a time (`--test-threads 1`, in
//! libtest's name order), so the test that hangs or crashes is found and fails alone while the
//! others still count; a time budget bounds those reruns. The set of tests comes from the
//! binary's own list (`--list`), so a crash cannot make tests disappear from the total.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use super::model::{Status, TestReport, shorten};
use super::runner::Runner;
use super::sandbox::Ending;
use crate::cargo::first_lines;
use crate::libtest::{Outcome, TestRun};
use crate::report::counted;

/// The longest a binary may take to list its tests.
const LIST_TIMEOUT: Duration = Duration::from_secs(60);
/// How much of a failed test's output its message keeps.
const MESSAGE_LINES: usize = 40;
const MESSAGE_CHARS: usize = 4000;

/// A test binary to run.
#[derive(Debug, Clone)]
pub struct Binary {
    /// Its target's name, for messages.
    pub target: String,
    /// The executable.
    pub path: PathBuf,
    /// Whether its tests are the instructor's hidden ones.
    pub hidden: bool,
}

/// What running a lesson's tests found.
#[derive(Debug, Clone, Default)]
pub struct Tested {
    /// `Ok`, `Timeout` or `Crashed`.
    pub status: Option<Status>,
    /// Every test that counts.
    pub tests: Vec<TestReport>,
    /// Sentences for the lesson's message.
    pub notes: Vec<String>,
    /// Whether a binary could not even list its tests: then nothing of the lesson counts.
    pub unlisted: bool,
}

/// A test's verdict, as read so far.
#[derive(Debug, Clone)]
struct Verdict {
    passed: bool,
    message: String,
}

impl Runner<'_> {
    /// Runs every binary and gathers the results.
    pub fn run(&self, binaries: &[Binary]) -> Result<Tested> {
        let mut tested = Tested::default();
        let mut budget = self.limits.rerun_budget();
        let mut leftovers = 0;
        let mut survivors = 0;
        let mut dropped = 0;
        for binary in binaries {
            let listed = match self.list(binary)? {
                Ok(listed) => listed,
                Err(reason) => {
                    tested.status = worst(tested.status, Status::Crashed);
                    tested.unlisted = true;
                    tested.notes.push(format!(
                        "the test binary {} could not list its tests ({reason}), so no test of \
                         the lesson counts",
                        binary.target
                    ));
                    continue;
                }
            };
            if listed.is_empty() {
                continue;
            }
            let mut verdicts = BTreeMap::new();
            let first = self.sandboxed(
                &binary.path,
                &["--color", "never"],
                self.limits.timeout(),
                None,
            )?;
            leftovers += first.leftovers;
            survivors += first.survivors;
            dropped += first.stdout.dropped() + first.stderr.dropped();
            let output = TestRun::parse(&first.stdout.text());
            if let Some(reason) = tampering(&output, &listed, first.ending) {
                tested.status = worst(tested.status, Status::Crashed);
                tested.notes.push(format!(
                    "{}: the test output is not the test harness's own ({reason}), so none of \
                     its tests count",
                    binary.target
                ));
                tested
                    .tests
                    .extend(listed.into_iter().map(|name| TestReport {
                        name,
                        passed: false,
                        hidden: binary.hidden,
                        message: format!(
                            "not counted: the test output was tampered with ({reason})"
                        ),
                    }));
                continue;
            }
            read_results(&output, &listed, &mut verdicts);
            let complete = listed.iter().all(|name| verdicts.contains_key(name));
            let problem = match first.ending {
                Ending::Exited(0 | 101) if complete => None,
                Ending::TimedOut => Some((
                    Status::Timeout,
                    format!(
                        "the tests did not finish within {} s and were killed",
                        self.limits.timeout_s
                    ),
                )),
                Ending::Signaled(signal) => Some((
                    Status::Crashed,
                    format!(
                        "the test process crashed: {}",
                        self.crash(signal, &first.stderr.text())
                    ),
                )),
                Ending::Exited(code) => Some((
                    Status::Crashed,
                    format!(
                        "the test process exited with code {code} before reporting every test \
                         (does the code call std::process::exit?)"
                    ),
                )),
                Ending::Stalled => Some((
                    Status::Crashed,
                    "the test process stopped before reporting every test".to_owned(),
                )),
            };
            if let Some((status, note)) = problem {
                tested.status = worst(tested.status, status);
                tested.notes.push(format!("{}: {note}", binary.target));
                let rerun = self.rerun(binary, &listed, &mut verdicts, &mut budget)?;
                leftovers += rerun.leftovers;
                survivors += rerun.survivors;
                dropped += rerun.dropped;
                tested.notes.extend(rerun.note);
            }
            for name in listed {
                let verdict = verdicts.remove(&name).unwrap_or_else(|| Verdict {
                    passed: false,
                    message: "did not report a result".to_owned(),
                });
                tested.tests.push(TestReport {
                    name,
                    passed: verdict.passed,
                    hidden: binary.hidden,
                    message: verdict.message,
                });
            }
        }
        tested.status = Some(tested.status.unwrap_or(Status::Ok));
        if leftovers > 0 {
            tested.notes.push(format!(
                "killed {} the tests left running",
                counted(leftovers, "process", "processes")
            ));
        }
        if survivors > 0 {
            tested.notes.push(format!(
                "{} of the tests could not be killed",
                counted(survivors, "process", "processes")
            ));
        }
        if dropped > 0 {
            tested.notes.push(format!(
                "output truncated: {:.1} MiB beyond the {} KiB kept per stream was dropped",
                dropped as f64 / (1024.0 * 1024.0),
                self.limits.output_kib
            ));
        }
        Ok(tested)
    }

    /// The names of the binary's tests that run (not ignored), or why it could not list them.
    fn list(&self, binary: &Binary) -> Result<Result<Vec<String>, String>> {
        let mut names = Vec::new();
        for ignored in [false, true] {
            let mut args = vec!["--list", "--format", "terse"];
            if ignored {
                args.push("--ignored");
            }
            let run = self.sandboxed(
                &binary.path,
                &args,
                LIST_TIMEOUT.min(self.limits.timeout()),
                None,
            )?;
            if run.ending != Ending::Exited(0) {
                let why = match run.ending {
                    Ending::Signaled(signal) => self.crash(signal, &run.stderr.text()),
                    Ending::TimedOut | Ending::Stalled => "it did not answer in time".to_owned(),
                    Ending::Exited(code) => format!("it exited with code {code}"),
                };
                return Ok(Err(why));
            }
            let listed = run
                .stdout
                .text()
                .lines()
                .filter_map(|line| line.strip_suffix(": test"))
                .map(str::to_owned)
                .collect::<Vec<_>>();
            if ignored {
                names.retain(|name| !listed.contains(name));
            } else {
                names = listed;
            }
        }
        Ok(Ok(names))
    }

    /// Reruns, one at a time, the tests of `binary` that have no verdict yet.
    fn rerun(
        &self,
        binary: &Binary,
        listed: &[String],
        verdicts: &mut BTreeMap<String, Verdict>,
        budget: &mut Duration,
    ) -> Result<Rerun> {
        let mut remaining: Vec<String> = listed
            .iter()
            .filter(|name| !verdicts.contains_key(*name))
            .cloned()
            .collect();
        // libtest runs tests in the order of their names; so does this list.
        remaining.sort();
        let mut rerun = Rerun::default();
        let count = remaining.len();
        while !remaining.is_empty() && !budget.is_zero() {
            let mut args = vec!["--color", "never", "--test-threads", "1", "--exact"];
            args.extend(remaining.iter().map(String::as_str));
            let run = self.sandboxed(
                &binary.path,
                &args,
                *budget,
                Some(self.limits.test_timeout()),
            )?;
            *budget = budget.saturating_sub(run.elapsed);
            rerun.leftovers += run.leftovers;
            rerun.survivors += run.survivors;
            rerun.dropped += run.stdout.dropped() + run.stderr.dropped();
            let stdout = run.stdout.text();
            let output = TestRun::parse(&stdout);
            if let Some(reason) = tampering(&output, &remaining, run.ending) {
                for name in remaining.drain(..) {
                    verdicts.insert(
                        name,
                        Verdict {
                            passed: false,
                            message: format!(
                                "not counted: the test output was tampered with ({reason})"
                            ),
                        },
                    );
                }
                break;
            }
            read_results(&output, listed, verdicts);
            remaining.retain(|name| !verdicts.contains_key(name));
            if remaining.is_empty() {
                break;
            }
            let reason = match run.ending {
                Ending::Exited(0 | 101) => {
                    // The run ended normally yet did not report these: nothing more to learn.
                    break;
                }
                Ending::Stalled => format!(
                    "timed out: no result after {} s (an infinite loop or a deadlock?)",
                    self.limits.test_timeout_s
                ),
                Ending::TimedOut => "timed out: still running when the time for rerunning \
                                     unfinished tests ran out"
                    .to_owned(),
                Ending::Signaled(signal) => format!(
                    "crashed the test process: {}",
                    self.crash(signal, &run.stderr.text())
                ),
                Ending::Exited(code) => format!(
                    "the test process exited with code {code} during this test (does the code \
                     call std::process::exit?)"
                ),
            };
            let culprit = started_test(&stdout)
                .filter(|name| remaining.iter().any(|r| r == name))
                .unwrap_or_else(|| remaining[0].clone());
            remaining.retain(|name| *name != culprit);
            verdicts.insert(
                culprit,
                Verdict {
                    passed: false,
                    message: reason,
                },
            );
        }
        for name in remaining {
            verdicts.entry(name).or_insert_with(|| Verdict {
                passed: false,
                message: format!(
                    "not run: the {} s for rerunning unfinished tests ran out",
                    self.limits.rerun_budget_s
                ),
            });
        }
        rerun.note = Some(format!(
            "{} rerun one at a time",
            counted(count, "unfinished test was", "unfinished tests were")
        ));
        Ok(rerun)
    }
}

/// What the reruns of one binary found besides verdicts.
#[derive(Debug, Default)]
struct Rerun {
    leftovers: usize,
    survivors: usize,
    dropped: u64,
    note: Option<String>,
}

/// The more serious of two statuses: a timeout over a crash over a clean run.
fn worst(current: Option<Status>, new: Status) -> Option<Status> {
    let rank = |status: Status| match status {
        Status::Timeout => 3,
        Status::Crashed => 2,
        _ => 1,
    };
    match current {
        Some(current) if rank(current) >= rank(new) => Some(current),
        _ => Some(new),
    }
}

/// Why a run's output cannot be the test harness's own, or `None` when it can be.
///
/// Code inside the test process can print anything, so passing these checks proves nothing;
/// they catch what a forger would most easily print: a result twice, a result for a test that
/// was not run (`requested` are the ones that were), a second header or summary, a summary
/// that does not add up to the results, or an exit status that contradicts them.
fn tampering(run: &TestRun, requested: &[String], ending: Ending) -> Option<String> {
    let mut seen = BTreeSet::new();
    for test in &run.tests {
        if test.outcome != Outcome::Ignored && !requested.contains(&test.name) {
            return Some(format!("a result for {}, which was not run", test.name));
        }
        if !seen.insert(test.name.as_str()) {
            return Some(format!("two results for {}", test.name));
        }
    }
    if run.sections.len() > 1 || run.summaries.len() > 1 {
        return Some(format!(
            "{} and {} where the harness prints one of each",
            counted(
                run.sections.len(),
                "`running N tests` header",
                "`running N tests` headers"
            ),
            counted(run.summaries.len(), "summary", "summaries")
        ));
    }
    let summary = run.summaries.first()?;
    let Some(&announced) = run.sections.first() else {
        return Some("a summary without the header the harness starts with".to_owned());
    };
    let count = |outcome| run.tests.iter().filter(|t| t.outcome == outcome).count();
    let read = (
        count(Outcome::Passed),
        count(Outcome::Failed),
        count(Outcome::Ignored),
    );
    if (summary.passed, summary.failed, summary.ignored) != read
        || announced != run.tests.len()
        || summary.ok != (read.1 == 0)
    {
        return Some(format!(
            "the header announces {announced} tests and the summary says {} passed, {} failed, \
             {} ignored, but the results read are {} passed, {} failed, {} ignored",
            summary.passed, summary.failed, summary.ignored, read.0, read.1, read.2
        ));
    }
    match ending {
        Ending::Exited(code) if (code == 0) != (read.1 == 0) => Some(format!(
            "the process exited with code {code} after reporting {} failed",
            read.1
        )),
        _ => None,
    }
}

/// Adds the results in libtest's `run` for the tests in `listed`. A test reported twice with
/// different outcomes fails: only forged output says both.
fn read_results(run: &TestRun, listed: &[String], verdicts: &mut BTreeMap<String, Verdict>) {
    for test in &run.tests {
        if test.outcome == Outcome::Ignored || !listed.contains(&test.name) {
            continue;
        }
        let passed = test.outcome == Outcome::Passed;
        let message = if passed {
            String::new()
        } else if test.output.trim().is_empty() {
            "failed".to_owned()
        } else {
            shorten(
                &first_lines(test.output.trim(), MESSAGE_LINES),
                MESSAGE_CHARS,
            )
        };
        match verdicts.get_mut(&test.name) {
            Some(verdict) if verdict.passed != passed => {
                verdict.passed = false;
                verdict.message = "the output reported this test both passing and failing, \
                                   so it fails (was the output tampered with?)"
                    .to_owned();
            }
            Some(_) => {}
            None => {
                verdicts.insert(test.name.clone(), Verdict { passed, message });
            }
        }
    }
}

/// The test a single-threaded libtest run was in when it stopped: its last line is
/// `test NAME ... ` with no result yet.
fn started_test(stdout: &str) -> Option<String> {
    let last = stdout.rsplit('\n').next()?;
    let name = last
        .strip_prefix("test ")?
        .trim_end()
        .strip_suffix(" ...")?;
    Some(
        name.strip_suffix(" - should panic")
            .unwrap_or(name)
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn results_are_read_for_listed_tests_only() {
        let output = "running 3 tests\ntest a ... ok\ntest b ... FAILED\ntest zz ... ok\n\
                      test c ... ignored\n\nfailures:\n\n---- b stdout ----\nboom\n\nfailures:\n    b\n";
        let mut verdicts = BTreeMap::new();
        read_results(
            &TestRun::parse(output),
            &names(&["a", "b", "c"]),
            &mut verdicts,
        );
        assert!(verdicts["a"].passed);
        assert!(!verdicts["b"].passed);
        assert_eq!(verdicts["b"].message, "boom");
        assert!(!verdicts.contains_key("c") && !verdicts.contains_key("zz"));
    }

    #[test]
    fn a_forged_pass_is_caught() {
        let output = "test a ... ok\nrunning 1 test\ntest a ... FAILED\n";
        let mut verdicts = BTreeMap::new();
        read_results(&TestRun::parse(output), &names(&["a"]), &mut verdicts);
        assert!(!verdicts["a"].passed);
        assert!(verdicts["a"].message.contains("both passing and failing"));
    }

    /// A genuine run of tests a, b and c (c ignored), with `b`'s outcome and the summary
    /// given, and lines `extra` forged after the header.
    fn run(b: &str, extra: &str, summary: &str) -> TestRun {
        TestRun::parse(&format!(
            "\nrunning 3 tests\n{extra}test a ... ok\ntest b ... {b}\ntest c ... ignored\n\n\
             test result: {summary}; 0 measured; 0 filtered out; finished in 0.01s\n"
        ))
    }

    #[test]
    fn genuine_output_is_not_called_tampered() {
        let listed = names(&["a", "b"]);
        let passing = run("ok", "", "ok. 2 passed; 0 failed; 1 ignored");
        assert_eq!(tampering(&passing, &listed, Ending::Exited(0)), None);
        let failing = run("FAILED", "", "FAILED. 1 passed; 1 failed; 1 ignored");
        assert_eq!(tampering(&failing, &listed, Ending::Exited(101)), None);
        let crashed = TestRun::parse("running 3 tests\ntest a ... ok\n");
        assert_eq!(tampering(&crashed, &listed, Ending::Signaled(11)), None);
    }

    #[test]
    fn forged_output_is_called_tampered() {
        let listed = names(&["a", "b"]);
        let verdict = |run: &TestRun, ending| tampering(run, &listed, ending).unwrap_or_default();
        let twice = run("ok", "test b ... ok\n", "ok. 3 passed; 0 failed; 1 ignored");
        assert!(verdict(&twice, Ending::Exited(0)).contains("two results for b"));
        let stranger = run("ok", "test z ... ok\n", "ok. 3 passed; 0 failed; 1 ignored");
        assert!(verdict(&stranger, Ending::Exited(0)).contains("for z, which was not run"));
        let short = run("FAILED", "", "ok. 2 passed; 0 failed; 1 ignored");
        assert!(verdict(&short, Ending::Exited(0)).contains("the summary says 2 passed"));
        let exit = run("FAILED", "", "FAILED. 1 passed; 1 failed; 1 ignored");
        assert!(verdict(&exit, Ending::Exited(0)).contains("exited with code 0"));
        let summaries = TestRun::parse(&format!(
            "{}test result: ok. 2 passed; 0 failed; 1 ignored\n",
            "running 3 tests\ntest a ... ok\ntest b ... ok\ntest c ... ignored\n\n"
        ));
        assert_eq!(summaries.summaries.len(), 1);
        let header = TestRun::parse("test a ... ok\ntest result: ok. 1 passed; 0 failed\n");
        assert!(verdict(&header, Ending::Exited(0)).contains("without the header"));
        let two = TestRun::parse("running 1 test\nrunning 1 test\n");
        assert!(verdict(&two, Ending::Exited(0)).contains("2 `running N tests` headers"));
    }

    #[test]
    fn the_running_test_is_found() {
        assert_eq!(
            started_test("running 2 tests\ntest a ... ok\ntest b ... ").as_deref(),
            Some("b")
        );
        assert_eq!(started_test("test a ... ok\n"), None);
        assert_eq!(
            started_test("test p - should panic ... ").as_deref(),
            Some("p")
        );
    }

    #[test]
    fn statuses_keep_the_worst() {
        assert_eq!(worst(None, Status::Ok), Some(Status::Ok));
        assert_eq!(
            worst(Some(Status::Timeout), Status::Crashed),
            Some(Status::Timeout)
        );
        assert_eq!(
            worst(Some(Status::Ok), Status::Crashed),
            Some(Status::Crashed)
        );
    }
}
