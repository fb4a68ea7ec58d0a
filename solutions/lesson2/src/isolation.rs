//! Exercise 3: seed 001's global `total`, in child processes and in threads.

use std::io::{BufRead, Write};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use crate::child::{ChildError, Worker};
use crate::plumbing::{answer_each_line, finish, start};
use crate::protocol::{Increment, Subtotal, WorkerError};

// ANCHOR: total
/// Seed 001's global `total`. Every process has its own: a child starts from 0, whatever the
/// parent's says, and nothing a child adds ever reaches the parent.
pub static TOTAL: AtomicU64 = AtomicU64::new(0);
// ANCHOR_END: total

/// Adds `amount` to this process's [`TOTAL`] and returns the new total: seed 001's
/// `increment`, which does `global total; total += amt`.
///
/// Several threads may call it at once, and no addition may be lost: one atomic
/// read-modify-write (`fetch_add`) does it. Mind what `fetch_add` returns.
// ANCHOR: increment
pub fn increment(amount: u64) -> u64 {
    // fetch_add returns the value before the addition, so add once more for the new total.
    TOTAL
        .fetch_add(amount, Ordering::SeqCst)
        .wrapping_add(amount)
}
// ANCHOR_END: increment

/// The worker program's counting mode (`lesson2-worker count`): reads one `increment N` per
/// line from `input` until it ends, and answers each on `output` with `subtotal T`, this
/// process's total after [`increment`]ing it by `N`.
///
/// As in [`crate::serve`]: parse with `line.parse::<Increment>()`
/// ([`crate::protocol::Increment`]), stop at a bad line with `WorkerError::BadFrame`, write
/// with `writeln!`, flush at the end.
pub fn serve_counter(input: impl BufRead, output: impl Write) -> Result<(), WorkerError> {
    answer_each_line(input, output, |request: Increment| Subtotal {
        total: increment(request.amount),
    })
}

/// Seed 001's `Pool(2).map(increment, [3, 2, 9, 1])` with real processes: one child per list
/// in `per_child`, all running at once. Returns, per child, the subtotals it answered.
///
/// - Start each child with `worker.command().arg("count")`, stdin, stdout and stderr piped,
///   and write its list to it as `increment N` lines; then close its stdin. The lists are short:
///   a list's requests, and its child's answers, fit in a pipe's buffer, so writing them all
///   before reading any answer cannot block.
/// - Start them all before waiting for any, then wait for every one of them, even after one
///   has failed, so that none is left behind. Read each child's stdout and stderr while waiting
///   for it (`Child::wait_with_output`): a failing child may say more on its stderr than a
///   pipe holds.
/// - A child that ends unsuccessfully is `ChildError::Crashed { status, stderr }`; one whose
///   stdout is not exactly one `subtotal T` line per increment (fewer, more, or a line that is
///   not a subtotal) is `ChildError::Garbage`. Return the first error, in list order, once every
///   child has been waited for.
///
/// `[[3, 2], [9, 1]]` gives `[[3, 5], [9, 10]]`: neither child ever sees 15, and this process's
/// [`TOTAL`] does not move.
// ANCHOR: increment_in_children
pub fn increment_in_children(
    worker: &Worker,
    per_child: &[Vec<u64>],
) -> Result<Vec<Vec<u64>>, ChildError> {
    // Start every child before waiting for any, so that they count at the same time.
    let started: Vec<Result<Child, ChildError>> = per_child
        .iter()
        .map(|amounts| start_counter(worker, amounts))
        .collect();
    // Wait for every child, even after one has failed, so that none is left behind.
    let finished: Vec<Result<Vec<u64>, ChildError>> = started
        .into_iter()
        .zip(per_child)
        .map(|(child, amounts)| finish_counter(child?, amounts.len()))
        .collect();
    finished.into_iter().collect()
}
// ANCHOR_END: increment_in_children

/// Starts one counting child and sends it all of its increments.
fn start_counter(worker: &Worker, amounts: &[u64]) -> Result<Child, ChildError> {
    let mut child = start(
        worker,
        worker
            .command()
            .arg("count")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let requests: String = amounts
        .iter()
        .map(|&amount| format!("{}\n", Increment { amount }))
        .collect();
    // A child that died early breaks the pipe; its exit status, read later, says why.
    let _ = stdin.write_all(requests.as_bytes());
    Ok(child)
}

/// Waits for a counting child and reads its `expected` subtotals.
fn finish_counter(child: Child, expected: usize) -> Result<Vec<u64>, ChildError> {
    let output = finish(child)?;
    let text = String::from_utf8_lossy(&output.stdout);
    let garbage = |problem: String| ChildError::Garbage {
        stdout: text.clone().into_owned(),
        problem,
    };
    let totals = text
        .lines()
        .map(|line| line.parse::<Subtotal>().map(|subtotal| subtotal.total))
        .collect::<Result<Vec<u64>, _>>()
        .map_err(|err| garbage(err.to_string()))?;
    if totals.len() != expected {
        return Err(garbage(format!(
            "expected {expected} subtotals, got {}",
            totals.len()
        )));
    }
    Ok(totals)
}

/// The same increments on threads of this process: one scoped thread per amount, each calling
/// [`increment`]. Returns this process's [`TOTAL`] once every thread has finished.
// ANCHOR: increment_on_threads
pub fn increment_on_threads(amounts: &[u64]) -> u64 {
    thread::scope(|scope| {
        for &amount in amounts {
            scope.spawn(move || increment(amount));
        }
    });
    TOTAL.load(Ordering::SeqCst)
}
// ANCHOR_END: increment_on_threads
