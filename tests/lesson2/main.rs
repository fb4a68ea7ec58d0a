//! Lesson 2's test suite, written once and run against both crates:
//! `cargo test -p lesson2` checks your code, `cargo test -p lesson2-solution` the reference.
//!
//! Each exercise has its own module; run one with e.g. `cargo test -p lesson2 ex2_processes`.
//! The suite needs Linux: it reads `/proc` and starts `sh`, `timeout` and `mkfifo`.

mod ex1_threads;
mod ex2_processes;
mod ex3_isolation;
mod ex4_global_lock;
mod ex5_costs;
mod ex6_io_vs_cpu;

use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};

use subject::Worker;
use testkit::{Book, Stranded, panic_text};

/// The section `anchor` of this lesson's chapter, which a module's failure messages point to.
const fn book(anchor: &'static str) -> Book {
    Book::new(2, anchor)
}

/// The worker program this crate builds (`src/bin/worker.rs`); the shim in `tests/suite.rs`
/// names it, since only the package that builds a program knows where cargo put it.
fn worker() -> Worker {
    Worker::new(crate::WORKER_BIN)
}

// ANCHOR: shell
/// A stand-in worker: `sh -c script`, which sees `args` as `$1`, `$2`, …
fn shell(script: &str, args: &[&Path]) -> Worker {
    args.iter().fold(
        Worker::new("sh").arg("-c").arg(script).arg("fake-worker"),
        |worker, arg| worker.arg(arg),
    )
}
// ANCHOR_END: shell

/// A temporary directory for a test's files, removed when it is dropped.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("could not make a temporary directory")
}

// ANCHOR: schedule
/// A stand-in worker whose children wait for each other, so that a test can force an order of
/// events between processes. Each child reads its first request (`add X ..` or `increment X`)
/// and calls itself child X. A named pipe `A-B` in `$1` means "child B waits until child A has
/// started": child A writes into it as it starts, and child B reads from it before answering
/// (opening a named pipe waits for the other end). Then it answers `X` as the real worker would
/// (`sum X ..` or `subtotal X`). `timeout` ends a child after 8 s if the other never comes.
const SCHEDULED: &str = r#"
read -r kind x _
for f in "$1/$x-"*; do if [ -p "$f" ]; then echo go > "$f"; fi; done
for f in "$1/"*"-$x"; do if [ -p "$f" ]; then read -r _ < "$f"; fi; done
case "$kind" in
  add) echo "sum $x pid $$ ppid $PPID" ;;
  *) echo "subtotal $x" ;;
esac
"#;

/// The [`SCHEDULED`] worker, with one named pipe in `dir` for each `(a, b)` of `waits`: child
/// `b` finishes only once child `a` has started.
fn scheduled(dir: &Path, waits: &[(u32, u32)]) -> Worker {
    for (a, b) in waits {
        let made = Command::new("mkfifo")
            .arg(dir.join(format!("{a}-{b}")))
            .status();
        assert!(
            made.is_ok_and(|status| status.success()),
            "this test needs `mkfifo`"
        );
    }
    ["8", "sh", "-c", SCHEDULED, "fake-worker"]
        .iter()
        .fold(Worker::new("timeout"), |worker, arg| worker.arg(arg))
        .arg(dir)
}

/// The [`SCHEDULED`] worker for `n` children that can only finish together: children 0 to
/// n − 2 each wait for child n − 1, which can only start once they are all running, if no more
/// than `n` run at a time.
fn all_together(dir: &Path, n: u32) -> Worker {
    let waits: Vec<(u32, u32)> = (0..n - 1).map(|child| (n - 1, child)).collect();
    scheduled(dir, &waits)
}
// ANCHOR_END: schedule

// ANCHOR: reaped
/// Whether process `pid` still exists, running or as a zombie that nobody has waited for:
/// Linux keeps `/proc/<pid>` until the parent has reaped the process.
fn exists(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// The process ids that `children` stand-in workers appended to `file`, one per line, once they
/// all have: a child the call did not wait for may write its id after the call returned.
/// Fails the test if more or fewer children wrote theirs.
fn pids_of_children(file: &Path, children: usize, book: Book) -> Vec<u32> {
    testkit::wait_until(testkit::PATIENCE, || {
        pids_written_to(file).len() >= children
    });
    let pids = pids_written_to(file);
    assert!(
        pids.len() == children,
        "{children} children should have been started, one per task, but {} were: {pids:?}; \
         {book}",
        pids.len()
    );
    pids
}

/// Fails the test if one of the children `pids` still exists after `call`, which started them,
/// has returned.
fn assert_all_reaped(pids: &[u32], call: &str, book: Book) {
    let left: Vec<u32> = pids.iter().copied().filter(|&pid| exists(pid)).collect();
    assert!(
        left.is_empty(),
        "{call} returned while its children {left:?} still existed (still running, or zombies \
         nobody waited for): wait for every child you start, on every path, including errors; \
         {book}"
    );
}
// ANCHOR_END: reaped

/// The process ids a stand-in worker appended to `file`, one per line.
fn pids_written_to(file: &Path) -> Vec<u32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect()
}

/// Fails the test, saying `what` should have happened, unless every task reached its
/// rendezvous.
fn assert_all_met(outcomes: impl IntoIterator<Item = Result<(), Stranded>>, what: &str) {
    for outcome in outcomes {
        if let Err(stranded) = outcome {
            panic!("{what}, but they did not: {stranded}");
        }
    }
}

/// What `std::thread::scope` panics with when a thread it started panicked and was not joined:
/// another way for a scoped thread's panic to reach the caller.
const SCOPE_PANIC: &str = "a scoped thread panicked";

/// Runs `call`, which should panic because the work it was given panicked with a message
/// containing `expected`, and fails the test with `hint` if it returned instead. The caller
/// must get the work's own panic, or, where `scoped`, the scope's.
fn assert_passes_on_panic<T>(
    call: impl FnOnce() -> T,
    expected: &str,
    scoped: bool,
    hint: &str,
    book: Book,
) {
    match panic::catch_unwind(AssertUnwindSafe(call)) {
        Ok(_) => {
            panic!("the work panicked with {expected:?}, but the call returned: {hint}; {book}")
        }
        Err(payload) => {
            let said = panic_text(&*payload);
            assert!(
                said.contains(expected) || (scoped && said.contains(SCOPE_PANIC)),
                "the work panicked with {expected:?}, but the caller got a panic saying {said:?}: \
                 pass the work's own panic on (std::panic::resume_unwind); {book}"
            );
        }
    }
}

/// The environment variable that tells a copy of this test program started by
/// [`rerun_with_stdin`] that it is that copy.
const RERUN: &str = "LESSON2_SUITE_RERUN";

/// Runs the test `name` (`module_path!()`, `::` and the test's name) once more, in a fresh copy of
/// this test program whose stdin is a pipe holding `input`, and returns what that copy wrote to
/// its stdout; fails the test if the copy's run failed. In that copy, it runs `body` instead
/// and returns `None`.
///
/// Children that a call wrongly lets inherit the test program's stdin or stdout then see that
/// pipe, and the stdout that comes back, whatever the stdin and stdout this test ran with.
fn rerun_with_stdin(name: &str, input: &str, body: impl FnOnce()) -> Option<String> {
    if std::env::var_os(RERUN).is_some() {
        body();
        return None;
    }
    // module_path!() starts with the test program's crate, which libtest's names leave out.
    let name = name.split_once("::").map_or(name, |(_, name)| name);
    let program = std::env::current_exe().expect("a test program knows its own path");
    let mut copy = Command::new(program)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(RERUN, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("could not start a copy of this test program");
    let mut stdin = copy.stdin.take().expect("stdin was piped");
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    let output = testkit::within(
        testkit::PATIENCE * 2,
        "the copy of this test with a pipe for its stdin",
        "it is still running: probably a child still waiting for input that never comes",
        move || copy.wait_with_output(),
    )
    .expect("could not wait for the copy of this test program");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    // The copy's report is quoted line by line behind a margin, so that nobody reading this
    // run's output takes the copy's result lines for this run's own.
    let report: String = format!("{stdout}{}", String::from_utf8_lossy(&output.stderr))
        .lines()
        .map(|line| format!("  | {line}\n"))
        .collect();
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{name} failed when run with a pipe for its stdin; that run said:\n{report}"
    );
    Some(stdout)
}

/// A writer that keeps what it is given until it is flushed, so that a test sees whether a
/// worker's loop flushes its output at the end.
#[derive(Debug, Clone, Default)]
struct Unflushed {
    /// What was written and not yet flushed, and what was flushed.
    state: Arc<Mutex<(Vec<u8>, Vec<u8>)>>,
}

impl Unflushed {
    /// What reached the other side: everything written before the last flush.
    fn flushed(&self) -> String {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&state.1).into_owned()
    }
}

impl Write for Unflushed {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let pending = std::mem::take(&mut state.0);
        state.1.extend(pending);
        Ok(())
    }
}
