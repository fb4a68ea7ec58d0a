//! Exercise 3: each process has its own globals; threads share theirs.

use std::io::Cursor;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use subject::{
    ChildError, TOTAL, Worker, WorkerError, increment, increment_in_children, increment_on_threads,
    serve_counter,
};
use testkit::{PATIENCE, Rendezvous, bounded, check, check_eq, fail};

const BOOK: testkit::Book = super::book("isolation");

/// The tests below all read or change this test process's `TOTAL`, so they take turns: global
/// state makes tests depend on each other too.
static TOTAL_IN_USE: Mutex<()> = Mutex::new(());

fn own_the_total() -> MutexGuard<'static, ()> {
    TOTAL_IN_USE.lock().unwrap_or_else(PoisonError::into_inner)
}

fn total() -> u64 {
    TOTAL.load(Ordering::SeqCst)
}

/// The running totals of `amounts`, starting from 0.
fn running_totals(amounts: &[u64]) -> Vec<u64> {
    amounts
        .iter()
        .scan(0, |total, amount| {
            *total += amount;
            Some(*total)
        })
        .collect()
}

/// `increment_in_children` with a time limit.
fn in_children(worker: Worker, per_child: Vec<Vec<u64>>) -> Result<Vec<Vec<u64>>, ChildError> {
    bounded!(
        increment_in_children(&worker, &per_child),
        "the parent is still waiting: for a child that wrote more than a pipe holds and waits \
         for somebody to read it (read its stdout and stderr while you wait: \
         Child::wait_with_output), or for children started one after another that wait for \
         each other"
    )
}

// ANCHOR: counting_badly
/// A stand-in counting worker that writes its pid to the file `$1`, reads its first request
/// `increment N` and, by `N`: answers twice (1), not at all (2), with a line that is not a
/// subtotal (3); says it cannot count on stderr and exits with status 4 (4); writes 200 000
/// bytes on stderr and exits with status 6 (5); or answers `subtotal N` (anything else).
const COUNTING_BADLY: &str = r#"
echo $$ >> "$1"
read -r _ n
case "$n" in
  1) echo "subtotal 1"; echo "subtotal 1" ;;
  2) ;;
  3) echo "total 3" ;;
  4) echo "cannot count today" >&2; exit 4 ;;
  5) head -c 200000 /dev/zero | tr '\0' x | fold -w 99 >&2; exit 6 ;;
  *) echo "subtotal $n" ;;
esac
"#;
// ANCHOR_END: counting_badly

/// Runs one child per amount on the [`COUNTING_BADLY`] worker, each given that one amount, and
/// checks that every child was started and reaped.
fn counting_badly(amounts: &[u64]) -> Result<Vec<Vec<u64>>, ChildError> {
    let dir = super::scratch();
    let pid_file = dir.path().join("pids");
    let per_child = amounts.iter().map(|&amount| vec![amount]).collect();
    let outcome = in_children(super::shell(COUNTING_BADLY, &[&pid_file]), per_child);
    super::assert_all_reaped(
        &super::pids_of_children(&pid_file, amounts.len(), BOOK),
        "increment_in_children",
        BOOK,
    );
    outcome
}

#[test]
fn increment_adds_to_this_process_total() {
    let _turn = own_the_total();
    let before = total();
    check_eq!(
        increment(5),
        before + 5,
        "increment(5) should return the new total"
    );
    check_eq!(total(), before + 5, "increment(5) should add 5 to TOTAL");
}

// ANCHOR: lost_updates_test
#[test]
fn increments_on_threads_at_once_are_never_lost() {
    let _turn = own_the_total();
    let before = total();
    let (calls, overlapped) = bounded!(
        increment_at_once(2, 2_000),
        "`increment` should return at once"
    );
    check_eq!(
        total(),
        before + calls,
        "{calls} calls of increment(1) from 2 threads at once (which saw each other's additions \
         land between two of their own {overlapped} times) should raise TOTAL by {calls}: a load \
         followed by a store loses the additions other threads make in between; use one atomic \
         read-modify-write (fetch_add)"
    );
}

/// `threads` threads call `increment(1)` at once, over and over, until each has seen the
/// others' additions land between two of its own `overlaps` times (proof that they ran at the
/// same time, so that a read and a write apart would have been interleaved), or for 5 s at
/// most. Returns how many calls they made and how many overlaps they saw.
fn increment_at_once(threads: usize, overlaps: u64) -> (u64, u64) {
    let start = Rendezvous::new(threads);
    thread::scope(|scope| {
        let counters: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let _ = start.meet(PATIENCE);
                    let until = Instant::now() + Duration::from_secs(5);
                    let (mut calls, mut seen) = (1, 0);
                    let mut last = increment(1);
                    // The clock is read now and then only, so that the loop is nearly all
                    // increments.
                    while seen < overlaps && (calls % 256 != 0 || Instant::now() < until) {
                        let now = increment(1);
                        calls += 1;
                        if now != last.wrapping_add(1) {
                            seen += 1;
                        }
                        last = now;
                    }
                    (calls, seen)
                })
            })
            .collect();
        counters
            .into_iter()
            .map(|counter| counter.join().expect("a counting thread panicked"))
            .fold((0, 0), |(calls, seen), (more, also)| {
                (calls + more, seen + also)
            })
    })
}
// ANCHOR_END: lost_updates_test

// ANCHOR: children_test
#[test]
fn each_child_counts_in_its_own_copy() {
    let _turn = own_the_total();
    let before = total();
    let per_child = in_children(super::worker(), vec![vec![3, 2], vec![9, 1]])
        .unwrap_or_else(|err| fail!("{err}"));
    check_eq!(
        per_child,
        vec![vec![3, 5], vec![9, 10]],
        "each child should start from its own TOTAL of 0 and report its running total after \
         each increment"
    );
    check_eq!(
        total(),
        before,
        "the children's increments changed this process's TOTAL: they must happen in child \
         processes (the worker program, started with the argument `count`), not here"
    );
}
// ANCHOR_END: children_test

#[test]
fn the_children_all_count_at_once() {
    let dir = super::scratch();
    let worker = super::all_together(dir.path(), 3);
    let outcome = bounded!(
        increment_in_children(&worker, &[vec![0], vec![1], vec![2]]),
        "3 children that can only finish together are still waiting for each other: start every \
         child before waiting for any"
    );
    check!(
        matches!(&outcome, Ok(totals) if *totals == [[0], [1], [2]]),
        "3 children that can only finish together should each answer its one increment, got \
         {outcome:?}: start every child before waiting for any"
    );
}

// ANCHOR: threads_test
#[test]
fn threads_share_one_total_and_it_adds_up() {
    let _turn = own_the_total();
    let before = total();
    let amounts: Vec<u64> = (1..=100).collect();
    let after = bounded!(increment_on_threads(&amounts));
    check!(
        after == before + 5050 && total() == before + 5050,
        "100 threads adding 1 to 100 to the shared TOTAL should raise it by 5050, from {before} \
         to {}; increment_on_threads returned {after} and TOTAL is {}",
        before + 5050,
        total()
    );
}
// ANCHOR_END: threads_test

#[test]
fn serve_counter_answers_running_subtotals() {
    let _turn = own_the_total();
    let before = total();
    let output = super::Unflushed::default();
    let sink = output.clone();
    bounded!(serve_counter(
        Cursor::new("increment 3\nincrement 2\n"),
        sink
    ))
    .expect("serve_counter refused two valid increments");
    check_eq!(
        output.flushed(),
        format!("subtotal {}\nsubtotal {}\n", before + 3, before + 5),
        "serve_counter should answer each `increment N` with `subtotal T`, the total after it, \
         and flush its output at the end"
    );
}

#[test]
fn serve_counter_refuses_a_bad_amount_naming_it() {
    let _turn = own_the_total();
    let before = total();
    match bounded!(serve_counter(Cursor::new("increment three\n"), Vec::new())) {
        Err(error @ WorkerError::BadFrame { line: 1, .. }) => check!(
            error.to_string().contains("increment three"),
            "the error should quote the bad line: {error}"
        ),
        other => fail!(
            "`increment three` is not a valid request, so serve_counter should return \
             Err(WorkerError::BadFrame {{ line: 1, .. }}), got {other:?}"
        ),
    }
    check_eq!(total(), before, "a refused request must not change TOTAL");
}

#[test]
fn a_failing_child_is_an_error_and_no_child_is_left_behind() {
    match counting_badly(&[4, 4, 4]) {
        Err(error @ ChildError::Crashed { .. }) => check!(
            error.to_string().contains("cannot count today"),
            "the error should pass on what the child said: {error}"
        ),
        other => fail!(
            "children that exit with status 4 should give Err(ChildError::Crashed {{ .. }}), got \
             {other:?}"
        ),
    }
}

#[test]
fn a_child_may_say_more_on_stderr_than_a_pipe_holds() {
    match counting_badly(&[7, 5]) {
        Err(ChildError::Crashed { status, stderr })
            if status.code() == Some(6) && stderr.len() >= 200_000 => {}
        other => fail!(
            "a child that exits with status 6 after 200 000 bytes on stderr should give \
             Err(ChildError::Crashed {{ .. }}) with all of them, got {}",
            describe(&other)
        ),
    }
}

#[test]
fn answers_that_are_not_one_subtotal_per_increment_are_garbage() {
    for (amount, what) in [
        (1, "one more line than increments"),
        (2, "no answer"),
        (3, "a line that is not a subtotal"),
    ] {
        let outcome = counting_badly(&[6, amount]);
        check!(
            matches!(outcome, Err(ChildError::Garbage { .. })),
            "a child that answers its one increment with {what} should give \
             Err(ChildError::Garbage {{ .. }}), got {}",
            describe(&outcome)
        );
    }
}

#[test]
fn the_first_error_in_list_order_is_returned() {
    // The second child prints garbage, the third crashes: the second's error comes first.
    let outcome = counting_badly(&[6, 3, 4]);
    check!(
        matches!(outcome, Err(ChildError::Garbage { .. })),
        "the second list's child printed garbage and the third's crashed, so the error should be \
         the second's (Err(ChildError::Garbage {{ .. }})), got {}",
        describe(&outcome)
    );
}

/// An outcome, short enough for a message even when a child said a lot.
fn describe(outcome: &Result<Vec<Vec<u64>>, ChildError>) -> String {
    let text = format!("{outcome:?}");
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
        None => text,
    }
}

proptest! {
    // Every case starts real processes, so a few cases have to do.
    #![proptest_config(testkit::proptest_config(8))]

    #[test]
    fn every_child_counts_from_zero(
        per_child in proptest::collection::vec(
            proptest::collection::vec(0u64..1_000, 0..5),
            0..4,
        ),
    ) {
        let _turn = own_the_total();
        let before = total();
        let expected: Vec<Vec<u64>> =
            per_child.iter().map(|amounts| running_totals(amounts)).collect();
        let got = in_children(super::worker(), per_child).unwrap_or_else(|err| fail!("{err}"));
        prop_assert_eq!(
            got,
            expected,
            "each child should report the running totals of its own list, from 0; {}",
            BOOK
        );
        prop_assert_eq!(total(), before, "the parent's TOTAL must not change");
    }
}
