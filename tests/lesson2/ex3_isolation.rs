//! Exercise 3: each process has its own globals; threads share theirs.

use std::io::Cursor;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, MutexGuard, PoisonError};

use proptest::prelude::*;
use subject::{
    ChildError, TOTAL, WorkerError, increment, increment_in_children, increment_on_threads,
    serve_counter,
};

/// The tests below all read or change this test process's `TOTAL`, so they take turns: global
/// state makes tests depend on each other too.
static TOTAL_IN_USE: Mutex<()> = Mutex::new(());

fn own_the_total() -> MutexGuard<'static, ()> {
    TOTAL_IN_USE.lock().unwrap_or_else(PoisonError::into_inner)
}

fn total() -> u64 {
    TOTAL.load(Ordering::SeqCst)
}

/// The running totals of `amounts`, starting from `start`.
fn running_totals(start: u64, amounts: &[u64]) -> Vec<u64> {
    amounts
        .iter()
        .scan(start, |total, amount| {
            *total += amount;
            Some(*total)
        })
        .collect()
}

#[test]
fn increment_adds_to_this_process_total() {
    let _turn = own_the_total();
    let before = total();
    assert_eq!(
        increment(5),
        before + 5,
        "increment(5) should return the new total; {}",
        super::see("isolation")
    );
    assert_eq!(total(), before + 5, "increment(5) should add 5 to TOTAL");
}

// ANCHOR: children_test
#[test]
fn each_child_counts_in_its_own_copy() {
    let _turn = own_the_total();
    let before = total();
    let per_child = increment_in_children(&super::worker(), &[vec![3, 2], vec![9, 1]])
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        per_child,
        vec![vec![3, 5], vec![9, 10]],
        "each child should start from its own TOTAL of 0 and report its running total after \
         each increment; {}",
        super::see("isolation")
    );
    assert_eq!(
        total(),
        before,
        "the children's increments changed this process's TOTAL: they must happen in child \
         processes (the worker program, started with the argument `count`), not here; {}",
        super::see("isolation")
    );
}
// ANCHOR_END: children_test

// ANCHOR: threads_test
#[test]
fn threads_share_one_total_and_it_adds_up() {
    let _turn = own_the_total();
    let before = total();
    let amounts: Vec<u64> = (1..=100).collect();
    let after = increment_on_threads(&amounts);
    assert!(
        after == before + 5050 && total() == before + 5050,
        "100 threads adding 1 to 100 to the shared TOTAL should raise it by 5050, from {before} \
         to {}; increment_on_threads returned {after} and TOTAL is {}; {}",
        before + 5050,
        total(),
        super::see("isolation")
    );
}
// ANCHOR_END: threads_test

#[test]
fn serve_counter_answers_running_subtotals() {
    let _turn = own_the_total();
    let before = total();
    let mut output = Vec::new();
    serve_counter(Cursor::new("increment 3\nincrement 2\n"), &mut output)
        .expect("serve_counter refused two valid increments");
    assert_eq!(
        String::from_utf8_lossy(&output),
        format!("subtotal {}\nsubtotal {}\n", before + 3, before + 5),
        "serve_counter should answer each `increment N` with `subtotal T`, the total after it; \
         {}",
        super::see("isolation")
    );
}

#[test]
fn serve_counter_refuses_a_bad_amount_naming_it() {
    let _turn = own_the_total();
    let before = total();
    match serve_counter(Cursor::new("increment three\n"), Vec::new()) {
        Err(error @ WorkerError::BadFrame { line: 1, .. }) => assert!(
            error.to_string().contains("increment three"),
            "the error should quote the bad line: {error}"
        ),
        other => panic!(
            "`increment three` is not a valid request, so serve_counter should return \
             Err(WorkerError::BadFrame {{ line: 1, .. }}), got {other:?}; {}",
            super::see("isolation")
        ),
    }
    assert_eq!(total(), before, "a refused request must not change TOTAL");
}

#[test]
fn a_failing_child_is_an_error_and_no_child_is_left_behind() {
    let dir = tempfile::tempdir().expect("could not make a temporary directory");
    let pid_file = dir.path().join("pids");
    let script = r#"echo $$ >> "$1"; echo "cannot count today" >&2; exit 4"#;
    let outcome = increment_in_children(
        &super::shell(script, &[&pid_file]),
        &[vec![1], vec![2], vec![3]],
    );
    match outcome {
        Err(error @ ChildError::Crashed { .. }) => assert!(
            error.to_string().contains("cannot count today"),
            "the error should pass on what the child said: {error}"
        ),
        other => panic!(
            "children that exit with status 4 should give Err(ChildError::Crashed {{ .. }}), got \
             {other:?}; {}",
            super::see("isolation")
        ),
    }
    let pids = super::pids_written_to(&pid_file);
    assert_eq!(pids.len(), 3, "3 lists should have started 3 children");
    super::assert_all_reaped(&pids, "increment_in_children", "isolation");
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
            per_child.iter().map(|amounts| running_totals(0, amounts)).collect();
        let got = increment_in_children(&super::worker(), &per_child)
            .unwrap_or_else(|err| panic!("{err}"));
        prop_assert_eq!(
            got,
            expected,
            "each child should report the running totals of its own list, from 0; {}",
            super::see("isolation")
        );
        prop_assert_eq!(total(), before, "the parent's TOTAL must not change");
    }
}
