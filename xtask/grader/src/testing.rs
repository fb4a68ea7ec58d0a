//! Running a lesson's test binaries in the sandbox and reading every test's result, in a way
//! code inside the test process cannot forge.
//!
//! Everything in a test process can write to its standard output, so what the output says
//! proves nothing by itself. What proves something is testkit's guard (tests/testkit/src/
//! guard.rs), linked into every test binary: asked for by [`GUARD`], it reads a secret the
//! grader makes afresh for every run from fd 3 before `main`, and writes it back at exit only
//! when the process exits on its first thread, where libtest's `main` ends once it has
//! reported every test. A run whose output holds the secret and that exited with libtest's
//! code 0 or 101 is *verified*. So:
//!
//! - a verified run that exited 0 passed every test it ran;
//! - a test that the output (verified or not) reports as failed fails, with its message (a
//!   forger gains nothing by faking a failure);
//! - nothing else makes a test pass: a test reported passing by a run that failed or could
//!   not be verified is run again.
//!
//! Each binary runs once with all its tests, as `cargo test` would. The tests still without a
//! verdict then run again: one after the other in one process (`--test-threads 1`) when that
//! run ended outside the harness, so the test it stopped in (one that called
//! `std::process::exit`, crashed or hung) is found and fails with its own reason; the tests
//! reported passing meanwhile, together, to confirm them; and whatever is left, each in a
//! process of its own, each verified on its own. A time budget bounds the reruns. The set of
//! tests comes from the binary's own list (`--list`, which runs no code of the submission), so
//! a crash cannot make tests disappear from the total.
//!
//! What remains possible: code that breaks Rust's memory safety in safe code (through a
//! soundness bug of the compiler) could read the secret from memory; it would then control
//! the process entirely. Nothing short of a second process can hold against that.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};

use super::config::LimitsConfig;
use super::model::{Status, TestReport, shorten};
use super::runner::Runner;
use super::sandbox::{Channel, Ending, Finished, signal_name};
use course::cargo::first_lines;
use course::libtest::{Outcome, TestCase, TestRun};
use course::report::counted;

/// The argument that asks a test binary's guard for a proof (testkit's `guard::WANTED`): a
/// libtest `--skip` filter that matches no test.
pub const GUARD: &str = "--skip=testkit-guard:secret-on-fd-3";
/// What the guard's proof line starts with, before the secret (testkit's
/// `guard::PROOF_PREFIX`).
const PROOF_PREFIX: &str = "test harness finished: ";
/// Random bytes in a secret; the guard receives them as twice as many hex digits.
const SECRET_BYTES: usize = 32;

/// The longest a binary may take to list its tests.
const LIST_TIMEOUT: Duration = Duration::from_secs(60);
/// How much of a failed test's output its message keeps.
const MESSAGE_LINES: usize = 40;
const MESSAGE_CHARS: usize = 4000;

/// What a test fails with when the process ended on a test's thread.
const ENDED_EARLY: &str = "the test process ended before the test harness finished (does the \
                           code call std::process::exit?)";

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

impl Binary {
    /// How the lesson's message names it: a hidden target's name and output are never quoted,
    /// as students read that message.
    fn shown(&self) -> &str {
        if self.hidden {
            "the hidden tests"
        } else {
            &self.target
        }
    }
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

/// A test's verdict.
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    passed: bool,
    message: String,
}

impl Verdict {
    fn failed(message: impl Into<String>) -> Self {
        Self {
            passed: false,
            message: message.into(),
        }
    }
}

/// How a run runs the tests it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// All at once, as `cargo test` does.
    Together,
    /// One after the other in one process, in libtest's name order, so the test the process
    /// stopped in is the last one it started.
    InOrder,
}

/// One run to make: which tests (`None`: all of the binary's) and how.
#[derive(Debug, Clone, Copy)]
struct Request<'a> {
    names: Option<&'a [String]>,
    mode: Mode,
}

/// One guarded run, read.
#[derive(Debug, Clone)]
struct Reading {
    /// Whether the output holds this run's proof and the exit code is libtest's.
    verified: bool,
    /// How it ended.
    ending: Ending,
    /// The standard output, without the proof.
    stdout: String,
    /// The results in it.
    run: TestRun,
    /// For a run a signal killed, what that means.
    crash: String,
    /// How long it took.
    elapsed: Duration,
}

impl Reading {
    /// Reads a run that was handed `secret`.
    fn new(ending: Ending, stdout: &str, secret: &str, crash: String, elapsed: Duration) -> Self {
        let proved = stdout.contains(&format!("{PROOF_PREFIX}{secret}"));
        let verified = proved && matches!(ending, Ending::Exited(0 | 101));
        // The proof goes: a forged failure block could otherwise quote it in a message.
        let stdout: String = stdout
            .split_inclusive('\n')
            .filter(|line| !line.contains(secret))
            .collect();
        Self {
            verified,
            ending,
            run: TestRun::parse(&stdout),
            stdout,
            crash,
            elapsed,
        }
    }

    /// The tests in `names` that this run's output reports passing.
    fn reported_passing(&self, names: &[String]) -> BTreeSet<String> {
        self.run
            .tests
            .iter()
            .filter(|test| test.outcome == Outcome::Passed && names.contains(&test.name))
            .map(|test| test.name.clone())
            .collect()
    }
}

/// What the runs of one binary left besides verdicts.
#[derive(Debug, Default)]
struct Tally {
    leftovers: usize,
    survivors: usize,
    dropped: u64,
}

impl Tally {
    fn add(&mut self, finished: &Finished) {
        self.leftovers += finished.leftovers;
        self.survivors += finished.survivors;
        self.dropped += finished.stdout.dropped() + finished.stderr.dropped();
    }
}

/// A fresh secret for one run: hex digits of random bytes from the kernel.
fn secret() -> Result<String> {
    let mut bytes = [0u8; SECRET_BYTES];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .context("could not read /dev/urandom for a test run's secret")?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

impl Runner<'_> {
    /// Runs every binary and gathers the results.
    pub fn run(&self, binaries: &[Binary]) -> Result<Tested> {
        let mut tested = Tested::default();
        let mut budget = self.limits.rerun_budget();
        let mut tally = Tally::default();
        for binary in binaries {
            let listed = match self.list(binary, &mut tally)? {
                Ok(listed) => listed,
                Err(reason) => {
                    tested.status = worst(tested.status, Status::Crashed);
                    tested.unlisted = true;
                    tested.notes.push(format!(
                        "the test binary of {} could not list its tests ({reason}), so no \
                         test of the lesson counts",
                        binary.shown()
                    ));
                    continue;
                }
            };
            if listed.is_empty() {
                continue;
            }
            let mut exec = |request: Request<'_>, timeout, stall| {
                self.guarded(binary, request, timeout, stall, &mut tally)
            };
            let mut judged = judge(&listed, self.limits, binary.hidden, &mut budget, &mut exec)?;
            if let Some(status) = judged.status {
                tested.status = worst(tested.status, status);
            }
            tested.notes.extend(
                judged
                    .notes
                    .iter()
                    .map(|note| format!("{}: {note}", binary.shown())),
            );
            for name in listed {
                let verdict = judged
                    .verdicts
                    .remove(&name)
                    .unwrap_or_else(|| Verdict::failed("did not report a result"));
                tested.tests.push(TestReport {
                    name,
                    passed: verdict.passed,
                    hidden: binary.hidden,
                    message: verdict.message,
                });
            }
        }
        tested.status = Some(tested.status.unwrap_or(Status::Ok));
        if tally.leftovers > 0 {
            tested.notes.push(format!(
                "killed {} the tests left running",
                counted(tally.leftovers, "process", "processes")
            ));
        }
        if tally.survivors > 0 {
            tested.notes.push(format!(
                "{} of the tests could not be killed",
                counted(tally.survivors, "process", "processes")
            ));
        }
        if tally.dropped > 0 {
            tested.notes.push(format!(
                "output truncated: {:.1} MiB beyond the {} KiB kept per stream was dropped",
                tally.dropped as f64 / (1024.0 * 1024.0),
                self.limits.output_kib
            ));
        }
        Ok(tested)
    }

    /// Runs some of `binary`'s tests with a fresh secret for its guard, and reads the run.
    fn guarded(
        &self,
        binary: &Binary,
        request: Request<'_>,
        timeout: Duration,
        stall: Option<Duration>,
        tally: &mut Tally,
    ) -> Result<Reading> {
        let secret = secret()?;
        let mut args = vec!["--color", "never", GUARD];
        if request.mode == Mode::InOrder {
            args.extend(["--test-threads", "1"]);
        }
        if let Some(names) = request.names {
            args.push("--exact");
            args.extend(names.iter().map(String::as_str));
        }
        let channel = Some(Channel::Give(secret.clone().into_bytes()));
        let finished = self.sandboxed_with(&binary.path, &args, timeout, stall, channel, true)?;
        tally.add(&finished);
        let crash = match finished.ending {
            Ending::Signaled(signal) => self.crash(signal, &finished.stderr.text()),
            _ => String::new(),
        };
        Ok(Reading::new(
            finished.ending,
            &finished.stdout.text(),
            &secret,
            crash,
            finished.elapsed,
        ))
    }

    /// The names of the binary's tests that run (not ignored), or why it could not list them.
    /// The first listing also checks that a binary with tests carries testkit's guard:
    /// without it no run could be verified.
    fn list(&self, binary: &Binary, tally: &mut Tally) -> Result<Result<Vec<String>, String>> {
        let mut names = Vec::new();
        for ignored in [false, true] {
            let mut args = vec!["--list", "--format", "terse"];
            let mut channel = None;
            let mut secret = String::new();
            if ignored {
                args.push("--ignored");
            } else {
                secret = self::secret()?;
                args.push(GUARD);
                channel = Some(Channel::Give(secret.clone().into_bytes()));
            }
            let run = self.sandboxed_with(
                &binary.path,
                &args,
                LIST_TIMEOUT.min(self.limits.timeout()),
                None,
                channel,
                true,
            )?;
            tally.add(&run);
            if run.ending != Ending::Exited(0) {
                let why = match run.ending {
                    Ending::Signaled(signal) if binary.hidden => {
                        format!("killed by {}", signal_name(signal))
                    }
                    Ending::Signaled(signal) => self.crash(signal, &run.stderr.text()),
                    Ending::TimedOut | Ending::Stalled => "it did not answer in time".to_owned(),
                    Ending::Exited(code) => format!("it exited with code {code}"),
                };
                return Ok(Err(why));
            }
            let stdout = run.stdout.text();
            let has_tests = stdout.lines().any(|line| line.ends_with(": test"));
            if !ignored && has_tests && !stdout.contains(&format!("{PROOF_PREFIX}{secret}")) {
                return Ok(Err(
                    "it lacks testkit's guard, which vouches for its results: the instructor's \
                     test target must link testkit, for example with `extern crate testkit as \
                     _;`"
                    .to_owned(),
                ));
            }
            let listed = stdout
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
}

/// The verdicts on one binary's tests, and what the lesson's message says about its runs.
#[derive(Debug, Default)]
struct Judged {
    verdicts: BTreeMap<String, Verdict>,
    status: Option<Status>,
    notes: Vec<String>,
}

/// Makes one guarded run: `exec(request, timeout, stall)`.
type Exec<'e> = dyn FnMut(Request<'_>, Duration, Option<Duration>) -> Result<Reading> + 'e;

/// Runs the `listed` tests through `exec` and judges each (see the module's documentation).
/// Reruns spend `budget`. A `hidden`
/// binary's notes quote none of its output.
fn judge(
    listed: &[String],
    limits: &LimitsConfig,
    hidden: bool,
    budget: &mut Duration,
    exec: &mut Exec<'_>,
) -> Result<Judged> {
    let mut judged = Judged::default();
    let verdicts = &mut judged.verdicts;
    let all = Request {
        names: None,
        mode: Mode::Together,
    };
    let first = exec(all, limits.timeout(), None)?;
    settle(&first, listed, verdicts);
    if !first.verified {
        let (status, note) = first_problem(&first, limits, hidden);
        judged.status = Some(status);
        judged.notes.push(note);
    }
    let pending = without_verdict(listed, verdicts);
    if pending.is_empty() {
        return Ok(judged);
    }
    let stall = Some(limits.test_timeout());

    // Reported passing by a run that failed or ended outside the harness: to confirm.
    let mut to_confirm = BTreeSet::new();
    // Left for a process each.
    let mut alone = BTreeSet::new();
    // One after the other, to find the test the process stops in.
    let mut in_order = Vec::new();
    if first.verified {
        to_confirm.extend(pending);
    } else {
        in_order = pending;
        in_order.sort();
    }
    let scanned = in_order.len();
    while !in_order.is_empty() && !budget.is_zero() {
        let request = Request {
            names: Some(&in_order),
            mode: Mode::InOrder,
        };
        let reading = exec(request, *budget, stall)?;
        spend(budget, &reading);
        settle(&reading, &in_order, verdicts);
        let passing = reading.reported_passing(&in_order);
        in_order.retain(|name| !verdicts.contains_key(name) && !passing.contains(name));
        to_confirm.extend(passing);
        if in_order.is_empty() {
            break;
        }
        if reading.verified {
            // The harness reported every test, yet these cannot be read: run them alone.
            alone.extend(in_order.drain(..));
            break;
        }
        match started_test(&reading.stdout).filter(|name| in_order.contains(name)) {
            Some(culprit) => {
                in_order.retain(|name| *name != culprit);
                verdicts.insert(culprit, Verdict::failed(blame(&reading, limits)));
            }
            None => alone.extend(in_order.drain(..)),
        }
    }
    to_confirm.retain(|name| !verdicts.contains_key(name));
    if !to_confirm.is_empty() && !budget.is_zero() {
        let names: Vec<String> = to_confirm.iter().cloned().collect();
        let request = Request {
            names: Some(&names),
            mode: Mode::Together,
        };
        // Like the first run: no test's result is printed before it ends, so no stall limit.
        let reading = exec(request, limits.timeout().min(*budget), None)?;
        spend(budget, &reading);
        settle(&reading, &names, verdicts);
        alone.extend(without_verdict(&names, verdicts));
    }
    let isolated = alone.len();
    for name in alone {
        if budget.is_zero() {
            break;
        }
        let names = [name];
        let request = Request {
            names: Some(&names),
            mode: Mode::InOrder,
        };
        let reading = exec(request, *budget, stall)?;
        spend(budget, &reading);
        settle(&reading, &names, verdicts);
        let [name] = names;
        verdicts.entry(name).or_insert_with(|| {
            Verdict::failed(if reading.verified {
                "failed: the test harness reported a failure, but its message could not be read"
                    .to_owned()
            } else {
                blame(&reading, limits)
            })
        });
    }
    for name in listed {
        verdicts.entry(name.clone()).or_insert_with(|| {
            Verdict::failed(format!(
                "not run: the {} s for rerunning unfinished tests ran out",
                limits.rerun_budget_s
            ))
        });
    }
    if scanned > 0 {
        judged.notes.push(format!(
            "{} rerun one at a time",
            counted(scanned, "unfinished test was", "unfinished tests were")
        ));
    }
    if isolated > 0 {
        judged.notes.push(format!(
            "{} rerun each in a process of its own",
            counted(isolated, "test was", "tests were")
        ));
    }
    Ok(judged)
}

/// Takes what `reading` took from the reruns' `budget`.
fn spend(budget: &mut Duration, reading: &Reading) {
    *budget = budget.saturating_sub(reading.elapsed);
}

/// The tests of `names` that have no verdict yet, in their order.
fn without_verdict(names: &[String], verdicts: &BTreeMap<String, Verdict>) -> Vec<String> {
    names
        .iter()
        .filter(|name| !verdicts.contains_key(*name))
        .cloned()
        .collect()
}

/// Records what `reading` decides about the tests it was asked to run (`requested`): every
/// one its output reports failed fails, with its message; when the run is verified and exited
/// 0, every other one passed. A test that already has a verdict keeps it. A failure reported
/// without its message by a run that ended outside the harness (which prints the messages
/// last) is left for a rerun to explain.
fn settle(reading: &Reading, requested: &[String], verdicts: &mut BTreeMap<String, Verdict>) {
    let requested: BTreeSet<&String> = requested.iter().collect();
    for test in &reading.run.tests {
        let explained = reading.verified || !test.output.trim().is_empty();
        if test.outcome == Outcome::Failed && explained && requested.contains(&test.name) {
            verdicts
                .entry(test.name.clone())
                .or_insert_with(|| Verdict::failed(failure_message(test)));
        }
    }
    if reading.verified && reading.ending == Ending::Exited(0) {
        for name in requested {
            verdicts.entry(name.clone()).or_insert(Verdict {
                passed: true,
                message: String::new(),
            });
        }
    }
}

/// A failed test's message: what libtest printed in its failure block.
fn failure_message(test: &TestCase) -> String {
    if test.output.trim().is_empty() {
        "failed".to_owned()
    } else {
        shorten(
            &first_lines(test.output.trim(), MESSAGE_LINES),
            MESSAGE_CHARS,
        )
    }
}

/// The lesson's status and a sentence for its message, after a first run of all the tests
/// that could not be verified.
fn first_problem(first: &Reading, limits: &LimitsConfig, hidden: bool) -> (Status, String) {
    match first.ending {
        Ending::TimedOut => (
            Status::Timeout,
            format!(
                "the tests did not finish within {} s and were killed",
                limits.timeout_s
            ),
        ),
        Ending::Signaled(signal) => (
            Status::Crashed,
            format!(
                "the test process crashed: {}",
                if hidden {
                    format!("killed by {}", signal_name(signal))
                } else {
                    first.crash.clone()
                }
            ),
        ),
        Ending::Exited(0 | 101) => (Status::Crashed, ENDED_EARLY.to_owned()),
        Ending::Exited(code) => (
            Status::Crashed,
            format!(
                "the test process exited with code {code} before the test harness finished \
                 (does the code call std::process::exit?)"
            ),
        ),
        Ending::Stalled => (
            Status::Crashed,
            "the test process stopped before reporting every test".to_owned(),
        ),
    }
}

/// Why the test a rerun that could not be verified stopped in fails.
fn blame(reading: &Reading, limits: &LimitsConfig) -> String {
    match reading.ending {
        Ending::Exited(0 | 101) => ENDED_EARLY.to_owned(),
        Ending::Exited(code) => format!(
            "the test process exited with code {code} during this test (does the code call \
             std::process::exit?)"
        ),
        Ending::Signaled(_) => format!("crashed the test process: {}", reading.crash),
        Ending::Stalled => format!(
            "timed out: no result after {} s (an infinite loop or a deadlock?)",
            limits.test_timeout_s
        ),
        Ending::TimedOut => format!(
            "timed out: still running when the {} s for rerunning unfinished tests ran out",
            limits.rerun_budget_s
        ),
    }
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

    const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn limits() -> LimitsConfig {
        LimitsConfig {
            timeout_s: 20,
            test_timeout_s: 5,
            rerun_budget_s: 60,
            ..LimitsConfig::default()
        }
    }

    fn read(ending: Ending, stdout: &str) -> Reading {
        Reading::new(
            ending,
            stdout,
            SECRET,
            String::new(),
            Duration::from_secs(1),
        )
    }

    fn proof() -> String {
        format!("\n{PROOF_PREFIX}{SECRET}\n")
    }

    #[test]
    fn only_the_proof_of_this_run_with_libtests_exit_code_verifies() {
        let output = format!("running 1 test\ntest a ... ok\n{}", proof());
        assert!(read(Ending::Exited(0), &output).verified);
        assert!(read(Ending::Exited(101), &output).verified);
        assert!(!read(Ending::Exited(1), &output).verified);
        assert!(!read(Ending::Signaled(6), &output).verified);
        let other = output.replace("0123", "3210");
        assert!(!read(Ending::Exited(0), &other).verified);
        assert!(!read(Ending::Exited(0), "running 1 test\ntest a ... ok\n").verified);
        // The secret never reaches a message, even quoted in a forged failure block.
        let quoted = format!("test a ... FAILED\n---- a stdout ----\n{}", proof());
        let reading = read(Ending::Exited(101), &quoted);
        assert!(!reading.stdout.contains(SECRET));
        assert!(reading.verified);
    }

    #[test]
    fn a_verified_pass_passes_everything_requested_and_failures_always_fail() {
        let requested = names(&["a", "b", "c"]);
        let mut verdicts = BTreeMap::new();
        let forged_failure = format!("test c ... FAILED\n{}", proof());
        settle(
            &read(Ending::Exited(0), &forged_failure),
            &requested,
            &mut verdicts,
        );
        assert!(verdicts["a"].passed && verdicts["b"].passed);
        assert_eq!(verdicts["c"], Verdict::failed("failed"));

        // Unverified output never makes a test pass, whatever it says.
        let mut verdicts = BTreeMap::new();
        let forged = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n\
                      ---- b stdout ----\nboom\n\nfailures:\n    b\n\n\
                      test result: FAILED. 1 passed; 1 failed\n";
        settle(&read(Ending::Exited(0), forged), &requested, &mut verdicts);
        assert!(!verdicts.contains_key("a"));
        assert_eq!(verdicts["b"], Verdict::failed("boom"));
        // Nor does a verified run that failed.
        settle(
            &read(Ending::Exited(101), &format!("{forged}{}", proof())),
            &requested,
            &mut verdicts,
        );
        assert!(!verdicts.contains_key("a") && !verdicts.contains_key("c"));
        // Results for tests that were not asked for are not read.
        settle(
            &read(
                Ending::Exited(0),
                &format!("test z ... FAILED\n{}", proof()),
            ),
            &names(&["a"]),
            &mut verdicts,
        );
        assert!(verdicts["a"].passed && !verdicts.contains_key("z"));
    }

    /// What a test of a fake binary does.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Does {
        Pass,
        Fail,
        /// Ends the process with this code on its own thread.
        Exit(i32),
        Crash,
        Hang,
        /// Prints a passing report for every test of the run and exits 0.
        Forge,
        /// Aborts when all tests run at once, forges otherwise (issue 14, class 3a).
        AbortThenForge,
    }

    /// A test binary, simulated: each run prints what libtest (and the tests) would.
    struct Fake {
        tests: Vec<(String, Does)>,
        runs: Vec<(Mode, usize)>,
    }

    impl Fake {
        fn new(tests: &[(&str, Does)]) -> Self {
            Self {
                tests: tests.iter().map(|(n, d)| ((*n).to_owned(), *d)).collect(),
                runs: Vec::new(),
            }
        }

        fn listed(&self) -> Vec<String> {
            self.tests.iter().map(|(n, _)| n.clone()).collect()
        }

        fn exec(
            &mut self,
            request: Request<'_>,
            timeout: Duration,
            stall: Option<Duration>,
        ) -> Result<Reading> {
            let mut run: Vec<(String, Does)> = self
                .tests
                .iter()
                .filter(|(name, _)| request.names.is_none_or(|names| names.contains(name)))
                .cloned()
                .collect();
            run.sort_by(|a, b| a.0.cmp(&b.0));
            self.runs.push((request.mode, run.len()));
            let together = request.names.is_none();
            let in_order = request.mode == Mode::InOrder;
            let mut out = format!("\nrunning {} tests\n", run.len());
            let mut failed = Vec::new();
            let mut elapsed = Duration::from_millis(100);
            let mut ending = None;
            for (name, does) in &run {
                if in_order {
                    out.push_str(&format!("test {name} ... "));
                }
                let line = |result: &str| {
                    if in_order {
                        format!("{result}\n")
                    } else {
                        format!("test {name} ... {result}\n")
                    }
                };
                match does {
                    Does::Pass => out.push_str(&line("ok")),
                    Does::Fail => {
                        out.push_str(&line("FAILED"));
                        failed.push(name.clone());
                    }
                    Does::Exit(code) => ending = Some(Ending::Exited(*code)),
                    Does::Crash => ending = Some(Ending::Signaled(11)),
                    Does::Hang => {
                        let waited = stall.unwrap_or(timeout).min(timeout);
                        elapsed += waited;
                        ending = Some(if stall.is_some_and(|s| s < timeout) {
                            Ending::Stalled
                        } else {
                            Ending::TimedOut
                        });
                    }
                    Does::AbortThenForge if together => ending = Some(Ending::Signaled(6)),
                    Does::Forge | Does::AbortThenForge => {
                        for (name, _) in &run {
                            out.push_str(&format!("test {name} ... ok\n"));
                        }
                        out.push_str(&format!(
                            "\ntest result: ok. {} passed; 0 failed; 0 ignored\n",
                            run.len()
                        ));
                        ending = Some(Ending::Exited(0));
                    }
                }
                if ending.is_some() {
                    break;
                }
            }
            let ending = ending.unwrap_or_else(|| {
                if !failed.is_empty() {
                    out.push_str("\nfailures:\n\n");
                    for name in &failed {
                        out.push_str(&format!("---- {name} stdout ----\n{name} broke\n\n"));
                    }
                    out.push_str("failures:\n");
                }
                out.push_str(&proof());
                Ending::Exited(if failed.is_empty() { 0 } else { 101 })
            });
            Ok(Reading::new(
                ending,
                &out,
                SECRET,
                "killed by SIGSEGV".to_owned(),
                elapsed,
            ))
        }

        fn judge(&mut self, budget: &mut Duration) -> Judged {
            let listed = self.listed();
            let limits = limits();
            judge(&listed, &limits, false, budget, &mut |r, t, s| {
                self.exec(r, t, s)
            })
            .unwrap()
        }
    }

    fn verdict<'a>(judged: &'a Judged, name: &str) -> &'a Verdict {
        &judged.verdicts[name]
    }

    fn passed(judged: &Judged) -> Vec<&str> {
        judged
            .verdicts
            .iter()
            .filter(|(_, v)| v.passed)
            .map(|(n, _)| n.as_str())
            .collect()
    }

    #[test]
    fn a_passing_binary_runs_once() {
        let mut fake = Fake::new(&[("a", Does::Pass), ("b", Does::Pass)]);
        let judged = fake.judge(&mut Duration::from_secs(60));
        assert_eq!(passed(&judged), ["a", "b"]);
        assert_eq!(judged.status, None);
        assert!(judged.notes.is_empty());
        assert_eq!(fake.runs, [(Mode::Together, 2)]);
    }

    #[test]
    fn failures_fail_and_the_rest_is_confirmed_together() {
        let mut fake = Fake::new(&[("a", Does::Pass), ("b", Does::Fail), ("c", Does::Pass)]);
        let judged = fake.judge(&mut Duration::from_secs(60));
        assert_eq!(passed(&judged), ["a", "c"]);
        assert_eq!(verdict(&judged, "b"), &Verdict::failed("b broke"));
        assert_eq!(judged.status, None);
        assert!(judged.notes.is_empty(), "{:?}", judged.notes);
        assert_eq!(fake.runs, [(Mode::Together, 3), (Mode::Together, 2)]);
    }

    #[test]
    fn a_test_that_exits_fails_alone_and_the_others_pass() {
        let mut fake = Fake::new(&[
            ("a", Does::Pass),
            ("b", Does::Fail),
            ("c", Does::Exit(0)),
            ("d", Does::Pass),
        ]);
        let judged = fake.judge(&mut Duration::from_secs(60));
        assert_eq!(passed(&judged), ["a", "d"]);
        assert_eq!(verdict(&judged, "b"), &Verdict::failed("b broke"));
        assert_eq!(verdict(&judged, "c"), &Verdict::failed(ENDED_EARLY));
        assert_eq!(judged.status, Some(Status::Crashed));
        assert_eq!(judged.notes[0], ENDED_EARLY);
        assert!(judged.notes[1].contains("4 unfinished tests were rerun one at a time"));
        assert_eq!(
            fake.runs,
            [
                (Mode::Together, 4),
                (Mode::InOrder, 4),
                // b failed before c ended the process, so its message comes from this run.
                (Mode::InOrder, 2),
                (Mode::Together, 2)
            ]
        );
    }

    #[test]
    fn crashes_hangs_and_other_exit_codes_are_blamed_on_their_test() {
        let mut fake = Fake::new(&[
            ("a", Does::Crash),
            ("b", Does::Pass),
            ("c", Does::Hang),
            ("d", Does::Exit(3)),
            ("e", Does::Pass),
        ]);
        let judged = fake.judge(&mut Duration::from_secs(60));
        assert_eq!(passed(&judged), ["b", "e"]);
        assert!(
            verdict(&judged, "a")
                .message
                .contains("crashed the test process: killed by SIGSEGV")
        );
        assert!(
            verdict(&judged, "c")
                .message
                .contains("no result after 5 s")
        );
        assert!(verdict(&judged, "d").message.contains("exited with code 3"));
        assert_eq!(judged.status, Some(Status::Crashed));
    }

    #[test]
    fn a_forger_gains_nothing_and_innocent_tests_still_pass() {
        for forger in [Does::Forge, Does::AbortThenForge] {
            let mut fake = Fake::new(&[
                ("a", Does::Pass),
                ("b", forger),
                ("c", Does::Pass),
                ("d", forger),
            ]);
            let judged = fake.judge(&mut Duration::from_secs(60));
            assert_eq!(passed(&judged), ["a", "c"], "{forger:?}");
            assert_eq!(verdict(&judged, "b"), &Verdict::failed(ENDED_EARLY));
            assert_eq!(verdict(&judged, "d"), &Verdict::failed(ENDED_EARLY));
            assert!(
                judged
                    .notes
                    .iter()
                    .any(|n| n.contains("in a process of its own")),
                "{:?}",
                judged.notes
            );
        }
    }

    #[test]
    fn tests_beyond_the_budget_are_not_run_and_never_pass() {
        let mut fake = Fake::new(&[("a", Does::Hang), ("b", Does::Hang), ("c", Does::Pass)]);
        let judged = fake.judge(&mut Duration::from_secs(7));
        assert_eq!(judged.status, Some(Status::Timeout));
        assert!(
            verdict(&judged, "a")
                .message
                .contains("no result after 5 s")
        );
        assert!(verdict(&judged, "b").message.starts_with("timed out"));
        assert!(
            verdict(&judged, "c")
                .message
                .starts_with("not run: the 60 s for rerunning")
        );
        assert!(passed(&judged).is_empty());
    }

    #[test]
    fn hidden_crashes_are_not_quoted_in_notes() {
        let reading = Reading::new(
            Ending::Signaled(6),
            "",
            SECRET,
            "stack overflow (thread 'hidden::extra::secret_name' has overflowed its stack)"
                .to_owned(),
            Duration::ZERO,
        );
        let (_, note) = first_problem(&reading, &limits(), true);
        assert_eq!(note, "the test process crashed: killed by SIGABRT");
        let (_, note) = first_problem(&reading, &limits(), false);
        assert!(note.contains("secret_name"));
    }

    #[test]
    fn the_guard_is_asked_for_as_testkit_expects() {
        let guard = include_str!("../../../tests/testkit/src/guard.rs");
        assert!(guard.contains(&format!("pub const WANTED: &str = {GUARD:?};")));
        assert!(guard.contains(&format!("pub const PROOF_PREFIX: &str = {PROOF_PREFIX:?};")));
        assert!(guard.contains(&format!(
            "pub const SECRET_LEN: usize = {};",
            2 * SECRET_BYTES
        )));
        let secret = secret().unwrap();
        assert_eq!(secret.len(), 2 * SECRET_BYTES);
        assert!(secret.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(secret, super::secret().unwrap());
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
