//! Reading the human output of Rust's test harness (libtest), as `cargo test` prints it.
//!
//! Only stable output is used: the `test NAME ... ok` lines, the `---- NAME stdout ----` failure
//! blocks and the `test result:` summaries, all on standard output. A run of several test
//! binaries (the suite, doc tests) is read section by section, each starting at `running N
//! tests`, so a name that two binaries share is not confused.

use std::collections::HashMap;

/// The prefix of every test of a lesson's shared suite, as the shim `tests/suite.rs` mounts
/// it (`#[path = …] mod suite;`).
pub const SUITE_PREFIX: &str = "suite::";

/// The panic message of `todo!()`, which every stub function raises.
pub const NOT_YET_IMPLEMENTED: &str = "not yet implemented";

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `ok`.
    Passed,
    /// `FAILED`.
    Failed,
    /// `ignored`, with or without a reason.
    Ignored,
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The full name, such as `suite::ex3_pool::map_keeps_input_order`; a `#[should_panic]`
    /// test's ` - should panic` marker is dropped.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// For a failed test, what libtest printed in its `---- NAME stdout ----` block (the
    /// captured output and the panic messages); empty otherwise.
    pub output: String,
}

impl TestCase {
    /// Whether the test belongs to a lesson's shared suite.
    pub fn in_suite(&self) -> bool {
        self.name.starts_with(SUITE_PREFIX)
    }

    /// The name without the `suite::` prefix: `ex3_pool::map_keeps_input_order`.
    pub fn short_name(&self) -> &str {
        self.name.strip_prefix(SUITE_PREFIX).unwrap_or(&self.name)
    }

    /// The suite module the test lives in, which names its exercise: `ex3_pool`. `None` for a
    /// test outside the suite, or directly at its root.
    pub fn exercise(&self) -> Option<&str> {
        let rest = self.name.strip_prefix(SUITE_PREFIX)?;
        rest.split_once("::").map(|(module, _)| module)
    }

    /// Whether the test failed because a stub was still a `todo!()`.
    pub fn not_yet_implemented(&self) -> bool {
        self.outcome == Outcome::Failed && self.output.contains(NOT_YET_IMPLEMENTED)
    }
}

/// Everything read from one `cargo test` run's standard output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestRun {
    /// Every test result, in the order libtest printed them.
    pub tests: Vec<TestCase>,
    /// The count of each `running N tests` line, in order: one per test binary that ran.
    pub sections: Vec<usize>,
    /// Each `test result:` summary, in order.
    pub summaries: Vec<Summary>,
}

/// The counts of one `test result:` line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Whether it said `ok` (rather than `FAILED`).
    pub ok: bool,
    /// `N passed`.
    pub passed: usize,
    /// `N failed`.
    pub failed: usize,
    /// `N ignored`.
    pub ignored: usize,
}

impl TestRun {
    /// Reads the standard output of `cargo test` (or of one test binary).
    pub fn parse(stdout: &str) -> Self {
        Parser::default().run(stdout)
    }

    /// The tests of the lesson's shared suite (names starting with `suite::`).
    pub fn suite(&self) -> impl Iterator<Item = &TestCase> {
        self.tests.iter().filter(|test| test.in_suite())
    }

    /// The other tests: doc tests, unit tests inside the crate.
    pub fn others(&self) -> impl Iterator<Item = &TestCase> {
        self.tests.iter().filter(|test| !test.in_suite())
    }

    /// Whether every result the summaries announced was read, so the list is complete.
    pub fn complete(&self) -> bool {
        let announced: usize = self
            .summaries
            .iter()
            .map(|summary| summary.passed + summary.failed + summary.ignored)
            .sum();
        announced == self.tests.len()
    }
}

#[derive(Default)]
struct Parser {
    run: TestRun,
    /// This section's failed tests, by name, as indices into `run.tests`.
    failed_here: HashMap<String, usize>,
    /// The failure block being read: an index into `run.tests`.
    block: Option<usize>,
}

impl Parser {
    fn run(mut self, stdout: &str) -> TestRun {
        for raw in stdout.lines() {
            let line = strip_ansi(raw);
            let line = line.trim_end();
            self.line(line);
        }
        for test in &mut self.run.tests {
            let trimmed = test.output.trim_matches('\n').to_owned();
            test.output = trimmed;
        }
        self.run
    }

    fn line(&mut self, line: &str) {
        // Only a header naming a test that failed in this section starts a block, so a line
        // of a test's own output that merely looks like one does not.
        if let Some(&index) = block_header(line).and_then(|name| self.failed_here.get(name)) {
            self.block = Some(index);
            return;
        }
        if let Some(index) = self.block {
            // The block ends at the list of failures (or of successes, with --show-output).
            if line == "failures:" || line == "successes:" {
                self.block = None;
            } else {
                let output = &mut self.run.tests[index].output;
                output.push_str(line);
                output.push('\n');
            }
            return;
        }
        if let Some(count) = section_start(line) {
            self.run.sections.push(count);
            self.failed_here.clear();
        } else if let Some(counts) = line.strip_prefix("test result: ") {
            self.run.summaries.push(summary(counts));
        } else if let Some(test) = result_line(line) {
            if test.outcome == Outcome::Failed {
                self.failed_here
                    .insert(test.name.clone(), self.run.tests.len());
            }
            self.run.tests.push(test);
        }
    }
}

/// `running 14 tests` (or `running 1 test`) gives 14.
fn section_start(line: &str) -> Option<usize> {
    line.strip_prefix("running ")
        .and_then(|rest| rest.strip_suffix(" tests").or(rest.strip_suffix(" test")))
        .and_then(|count| count.parse::<usize>().ok())
}

/// `test NAME ... ok`, `test NAME - should panic ... FAILED`, `test NAME ... ignored, reason`.
fn result_line(line: &str) -> Option<TestCase> {
    let rest = line.strip_prefix("test ")?;
    let (name, result) = rest.rsplit_once(" ... ")?;
    let outcome = match result.split([' ', ',']).next()? {
        "ok" => Outcome::Passed,
        "FAILED" => Outcome::Failed,
        "ignored" => Outcome::Ignored,
        _ => return None,
    };
    let name = name.strip_suffix(" - should panic").unwrap_or(name);
    Some(TestCase {
        name: name.to_owned(),
        outcome,
        output: String::new(),
    })
}

/// `---- NAME stdout ----` gives `NAME`.
fn block_header(line: &str) -> Option<&str> {
    line.strip_prefix("---- ")?.strip_suffix(" stdout ----")
}

/// The counts of a summary:
/// `ok. 3 passed; 1 failed; 2 ignored; 0 measured; 5 filtered out; finished in 0.01s`.
fn summary(counts: &str) -> Summary {
    let mut summary = Summary {
        ok: counts.starts_with("ok."),
        ..Summary::default()
    };
    for part in counts.split(';') {
        let mut words = part.split_whitespace();
        let Some(count) = words.find_map(|word| word.parse::<usize>().ok()) else {
            continue;
        };
        match words.next() {
            Some("passed") => summary.passed = count,
            Some("failed") => summary.failed = count,
            Some("ignored") => summary.ignored = count,
            _ => {}
        }
    }
    summary
}

/// Removes terminal colour codes (`ESC [ … letter`), in case the harness was asked for colour.
fn strip_ansi(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\u{1b}') {
        return line.into();
    }
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for end in chars.by_ref() {
                    if ('@'..='~').contains(&end) {
                        break;
                    }
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured from `cargo test --no-fail-fast` on a stub crate with a suite, proptest and
    /// doc tests (backtraces shortened).
    const STUB_RUN: &str = "\
running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s


running 8 tests
test suite::ex1_add::ignored ... ignored
test suite::ex1_add::ignored_reason ... ignored, slow
test suite::ex1_add::panics - should panic ... ok
test suite::ex1_add::adds ... FAILED
test suite::ex1_add::prints ... FAILED
test suite::ex1_add::prop_add ... FAILED
test suite::ex1_add::thread_panic ... FAILED
test suite::ex1_add::prop_mul ... ok

failures:

---- suite::ex1_add::adds stdout ----

thread 'suite::ex1_add::adds' (10399) panicked at src/lib.rs:7:37:
not yet implemented: see the book: book/src/lesson1.md#x
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- suite::ex1_add::prints stdout ----
hello
---- fake stdout ----

thread 'suite::ex1_add::prints' (10401) panicked at tests/suite.rs:6:69:
assertion `left == right` failed: one is not two
  left: 1
 right: 2

---- suite::ex1_add::prop_add stdout ----
proptest: FileFailurePersistence::SourceParallel set, but failed to find lib.rs or main.rs

thread 'suite::ex1_add::prop_add' (10402) panicked at src/lib.rs:7:37:
not yet implemented: see the book: book/src/lesson1.md#x

thread 'suite::ex1_add::prop_add' (10402) panicked at tests/suite.rs:9:5:
Test failed: not yet implemented: see the book: book/src/lesson1.md#x.
minimal failing input: a = 0, b = 0
\tsuccesses: 0
\tlocal rejects: 0
\tglobal rejects: 0


---- suite::ex1_add::thread_panic stdout ----

thread '<unnamed>' (10405) panicked at src/lib.rs:7:37:
not yet implemented: see the book: book/src/lesson1.md#x

thread 'suite::ex1_add::thread_panic' (10404) panicked at tests/suite.rs:13:80:
called `Result::unwrap()` on an `Err` value: Any { .. }


failures:
    suite::ex1_add::adds
    suite::ex1_add::prints
    suite::ex1_add::prop_add
    suite::ex1_add::thread_panic

test result: FAILED. 2 passed; 4 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.08s


running 2 tests
test src/lib.rs - mul (line 10) ... ok
test src/lib.rs - add (line 4) ... FAILED

failures:

---- src/lib.rs - add (line 4) stdout ----
Test executable failed (exit status: 101).

stderr:

thread 'main' (10431) panicked at src/lib.rs:7:37:
not yet implemented: see the book: book/src/lesson1.md#x



failures:
    src/lib.rs - add (line 4)

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.06s

all doctests ran in 0.22s; merged doctests compilation took 0.16s
";

    fn find<'a>(run: &'a TestRun, name: &str) -> &'a TestCase {
        run.tests
            .iter()
            .find(|test| test.name == name)
            .unwrap_or_else(|| panic!("no test {name} in {run:#?}"))
    }

    #[test]
    fn reads_every_result_line() {
        let run = TestRun::parse(STUB_RUN);
        assert_eq!(run.tests.len(), 10);
        assert_eq!(run.sections.len(), 3);
        assert!(run.complete());
        assert_eq!(run.suite().count(), 8);
        assert_eq!(run.others().count(), 2);
        let outcomes: Vec<_> = run.suite().map(|t| (t.short_name(), t.outcome)).collect();
        assert_eq!(
            outcomes,
            [
                ("ex1_add::ignored", Outcome::Ignored),
                ("ex1_add::ignored_reason", Outcome::Ignored),
                ("ex1_add::panics", Outcome::Passed),
                ("ex1_add::adds", Outcome::Failed),
                ("ex1_add::prints", Outcome::Failed),
                ("ex1_add::prop_add", Outcome::Failed),
                ("ex1_add::thread_panic", Outcome::Failed),
                ("ex1_add::prop_mul", Outcome::Passed),
            ]
        );
    }

    #[test]
    fn failure_blocks_belong_to_their_test() {
        let run = TestRun::parse(STUB_RUN);
        let adds = find(&run, "suite::ex1_add::adds");
        assert!(adds.output.starts_with("thread 'suite::ex1_add::adds'"));
        assert!(adds.output.ends_with("display a backtrace"));
        assert!(adds.not_yet_implemented());

        // A line in the test's own output that looks like a header does not end its block.
        let prints = find(&run, "suite::ex1_add::prints");
        assert!(prints.output.starts_with("hello\n---- fake stdout ----\n"));
        assert!(prints.output.contains("one is not two"));
        assert!(!prints.not_yet_implemented());

        // proptest's shrinking output and a panic on another thread stay with their test.
        assert!(find(&run, "suite::ex1_add::prop_add").not_yet_implemented());
        assert!(find(&run, "suite::ex1_add::thread_panic").not_yet_implemented());

        // The last block of a binary ends at its `failures:` list.
        let doc = find(&run, "src/lib.rs - add (line 4)");
        assert!(doc.not_yet_implemented());
        assert!(!doc.output.contains("failures:"));
        assert!(find(&run, "suite::ex1_add::panics").output.is_empty());
    }

    #[test]
    fn names_give_their_exercise() {
        let run = TestRun::parse(STUB_RUN);
        assert_eq!(
            find(&run, "suite::ex1_add::adds").exercise(),
            Some("ex1_add")
        );
        assert_eq!(find(&run, "src/lib.rs - mul (line 10)").exercise(), None);
        let root = TestCase {
            name: "suite::at_root".into(),
            outcome: Outcome::Passed,
            output: String::new(),
        };
        assert_eq!(root.exercise(), None);
    }

    #[test]
    fn a_name_shared_by_two_binaries_keeps_its_own_block() {
        let output = "\
running 1 test
test tests::same ... FAILED

failures:

---- tests::same stdout ----
first binary

failures:
    tests::same

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out

running 1 test
test tests::same ... FAILED

failures:

---- tests::same stdout ----
second binary

failures:
    tests::same

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out
";
        let run = TestRun::parse(output);
        let blocks: Vec<_> = run.tests.iter().map(|t| t.output.as_str()).collect();
        assert_eq!(blocks, ["first binary", "second binary"]);
    }

    #[test]
    fn colours_and_noise_are_ignored() {
        let output = "\
running 2 tests
test a::b ... \u{1b}[32mok\u{1b}[0m
test a::slow has been running for over 60 seconds
test a::c ... \u{1b}[31mFAILED\u{1b}[0m
some stray line
test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out
";
        let run = TestRun::parse(output);
        let names: Vec<_> = run
            .tests
            .iter()
            .map(|t| (t.name.as_str(), t.outcome))
            .collect();
        assert_eq!(
            names,
            [("a::b", Outcome::Passed), ("a::c", Outcome::Failed)]
        );
        assert!(run.complete());
    }

    #[test]
    fn a_truncated_run_is_not_complete() {
        let output =
            "running 2 tests\ntest a ... ok\ntest result: ok. 2 passed; 0 failed; 0 ignored\n";
        assert!(!TestRun::parse(output).complete());
        assert!(TestRun::parse("").complete());
    }
}
