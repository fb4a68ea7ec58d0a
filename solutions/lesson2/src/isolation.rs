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

/// Adds `amount` to this process's [`TOTAL`] and returns the new total: seed 001's `increment`.
// ANCHOR: increment
pub fn increment(amount: u64) -> u64 {
    // fetch_add returns the value before the addition, so add once more for the new total.
    TOTAL
        .fetch_add(amount, Ordering::SeqCst)
        .wrapping_add(amount)
}
// ANCHOR_END: increment

/// The worker program's counting mode (`lesson2-worker count`): reads one `increment N` per
/// line and answers each with `subtotal T`, this process's total after the increment.
pub fn serve_counter(input: impl BufRead, output: impl Write) -> Result<(), WorkerError> {
    answer_each_line(input, output, |request: Increment| Subtotal {
        total: increment(request.amount),
    })
}

/// Seed 001's `Pool(2).map(increment, [3, 2, 9, 1])` with real processes: one child per list in
/// `per_child`, each running `worker` with the extra argument `count`.
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

/// The same increments on threads of this process: one thread per amount, each calling
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
