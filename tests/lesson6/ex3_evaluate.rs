//! Exercise 3: every cubic at every x, serially and at two task granularities.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::thread::{self, ThreadId};

use proptest::prelude::*;
use subject::{
    Cubic, evaluate_chunked, evaluate_horner, evaluate_per_row, evaluate_serial, table_chunked,
    table_per_row,
};
use testkit::{PATIENCE, Rendezvous, Stranded};

use super::{any_cubic, any_xs, bits, cubic_value, in_pool};

// ANCHOR: tolerance
/// How far Horner's form may drift from the direct form: 1e-14 of the sum of the terms'
/// magnitudes, `|a·x³| + |b·x²| + |c·x| + |d|`. Each form rounds a handful of times, each
/// rounding off by at most 2⁻⁵³ ≈ 1.1e-16 of that sum, so 1e-14 leaves room for both. Relative
/// to the value itself there is no bound at all: where the terms cancel to nearly 0, a tiny
/// absolute difference is a huge relative one.
const HORNER_TOLERANCE: f64 = 1e-14;

fn close_to_direct(cubic: &Cubic, x: f64, direct: f64, horner: f64) -> bool {
    let scale =
        (cubic.a * x * x * x).abs() + (cubic.b * x * x).abs() + (cubic.c * x).abs() + cubic.d.abs();
    (direct - horner).abs() <= HORNER_TOLERANCE * scale
}
// ANCHOR_END: tolerance

/// Checks that both parties of a two-way rendezvous were there and met; `failure` says what it
/// means if they did not.
fn assert_both_met(outcomes: Mutex<Vec<Result<(), Stranded>>>, failure: &str) {
    let outcomes = outcomes.into_inner().unwrap();
    assert_eq!(
        outcomes.len(),
        2,
        "fill should have been called once for each of the two meeting rows, got {outcomes:?}; {}",
        super::see("evaluate")
    );
    for outcome in outcomes {
        if let Err(stranded) = outcome {
            panic!("{failure} ({stranded}); {}", super::see("evaluate"));
        }
    }
}

/// A table whose row `i` holds `i` in every column.
fn rows_of_own_index(rows: usize, width: usize) -> Vec<f64> {
    (0..rows).flat_map(|i| vec![i as f64; width]).collect()
}

#[test]
fn cubic_at_is_the_seeds_polynomial() {
    let cubic = Cubic::new(1.0, -2.0, 3.0, -4.0);
    let pairs = [(0.0, -4.0), (1.0, -2.0), (2.0, 2.0), (-2.0, -26.0)];
    for (x, expected) in pairs {
        assert_eq!(
            cubic.at(x),
            expected,
            "{cubic:?}.at({x}) should be a·x³ + b·x² + c·x + d = {expected}; {}",
            super::see("evaluate")
        );
        assert_eq!(
            cubic.horner_at(x),
            expected,
            "{cubic:?}.horner_at({x}) should be ((a·x + b)·x + c)·x + d = {expected}; {}",
            super::see("evaluate")
        );
    }
}

#[test]
fn the_serial_table_is_row_major() {
    let grid = [
        Cubic::new(0.0, 0.0, 1.0, 0.0),
        Cubic::new(1.0, 0.0, 0.0, 1.0),
    ];
    let xs = [-1.0, 0.0, 2.0];
    assert_eq!(
        evaluate_serial(&grid, &xs),
        vec![-1.0, 0.0, 2.0, 0.0, 1.0, 9.0],
        "row i holds cubic i at every x: element i * xs.len() + j is grid[i].at(xs[j]); {}",
        super::see("evaluate")
    );
}

#[test]
fn table_per_row_runs_two_rows_at_once() {
    let all_running = Rendezvous::new(2);
    let outcomes = Mutex::new(Vec::new());
    in_pool(2, || {
        table_per_row(2, 1, |_, _| {
            let outcome = all_running.meet(PATIENCE);
            outcomes.lock().unwrap().push(outcome);
        })
    });
    assert_both_met(
        outcomes,
        "two rows on a pool of two threads never ran at the same time: give each row a rayon \
         task of its own",
    );
}

#[test]
fn table_per_row_fills_each_row_once_with_its_index() {
    let filled = Mutex::new(Vec::new());
    let table = in_pool(2, || {
        table_per_row(37, 3, |i, row| {
            filled.lock().unwrap().push(i);
            row.fill(i as f64);
        })
    });
    let mut filled = filled.into_inner().unwrap();
    filled.sort_unstable();
    assert_eq!(
        filled,
        (0..37).collect::<Vec<_>>(),
        "table_per_row(37, 3, fill) should call fill once for each row; {}",
        super::see("evaluate")
    );
    assert_eq!(
        table,
        rows_of_own_index(37, 3),
        "fill(i, row) should get row i, the 3 elements from 3·i on; {}",
        super::see("evaluate")
    );
}

#[test]
fn table_chunked_runs_two_tasks_at_once() {
    let all_running = Rendezvous::new(2);
    let outcomes = Mutex::new(Vec::new());
    in_pool(2, || {
        // Rows 0 and 3 start the two tasks of three rows each; they must meet.
        table_chunked(6, 1, 3, |i, _| {
            if i.is_multiple_of(3) {
                let outcome = all_running.meet(PATIENCE);
                outcomes.lock().unwrap().push(outcome);
            }
        })
    });
    assert_both_met(
        outcomes,
        "two tasks of 3 rows on a pool of two threads never ran at the same time",
    );
}

// ANCHOR: one_thread_per_task
#[test]
fn table_chunked_fills_each_task_on_one_thread_in_order() {
    let rows_per_task = 4;
    let calls: Mutex<Vec<(usize, ThreadId)>> = Mutex::new(Vec::new());
    let table = in_pool(3, || {
        table_chunked(23, 2, rows_per_task, |i, row| {
            calls.lock().unwrap().push((i, thread::current().id()));
            row.fill(i as f64);
        })
    });
    assert_eq!(
        table,
        rows_of_own_index(23, 2),
        "table_chunked(23, 2, 4, fill) should call fill(i, row i) once for each of 23 rows, the \
         last task taking the 3 rows left over; {}",
        super::see("evaluate")
    );
    let calls = calls.into_inner().unwrap();
    for task in 0..23_usize.div_ceil(rows_per_task) {
        let first = task * rows_per_task;
        let in_task: Vec<(usize, ThreadId)> = calls
            .iter()
            .copied()
            .filter(|&(i, _)| i / rows_per_task == task)
            .collect();
        let rows: Vec<usize> = in_task.iter().map(|&(i, _)| i).collect();
        let expected: Vec<usize> = (first..(first + rows_per_task).min(23)).collect();
        assert_eq!(
            rows,
            expected,
            "task {task} should fill rows {expected:?}, in that order; {}",
            super::see("evaluate")
        );
        assert!(
            in_task.iter().all(|&(_, id)| id == in_task[0].1),
            "the rows of task {task} ran on different threads: with rows_per_task = 4, rows \
             4k..4k+4 form one task, run start to end by one thread; {}",
            super::see("evaluate")
        );
    }
}
// ANCHOR_END: one_thread_per_task

#[test]
fn table_chunked_refuses_zero_rows_per_task() {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        table_chunked(4, 2, 0, |_, row| row.fill(1.0))
    }));
    let payload = match outcome {
        Ok(table) => panic!(
            "table_chunked(4, 2, 0, ..) returned {table:?}: tasks of 0 rows never finish the \
             table, so it should panic saying rows_per_task must be at least 1; {}",
            super::see("evaluate")
        ),
        Err(payload) => payload,
    };
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|text| text.to_string()))
        .unwrap_or_default();
    if message.starts_with("not yet implemented") {
        panic::resume_unwind(payload);
    }
    assert!(
        message.contains("rows_per_task"),
        "the panic should name rows_per_task, but it says {message:?}; {}",
        super::see("evaluate")
    );
}

#[test]
fn tables_without_columns_or_rows_are_empty() {
    let never = |i: usize, _: &mut [f64]| panic!("fill was called for row {i} of an empty table");
    for (rows, width) in [(0, 0), (0, 5), (7, 0)] {
        let per_row = table_per_row(rows, width, never);
        let chunked = table_chunked(rows, width, 3, never);
        assert!(
            per_row.is_empty() && chunked.is_empty(),
            "a {rows}×{width} table is empty and fill is never called; {}",
            super::see("evaluate")
        );
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn cubic_at_agrees_with_the_formula(cubic in any_cubic(), x in -4.0..=4.0f64) {
        let expected = cubic_value(&cubic, x);
        prop_assert!(
            close_to_direct(&cubic, x, expected, cubic.at(x)),
            "{:?}.at({}) = {}, but a·x³ + b·x² + c·x + d = {}; {}",
            cubic,
            x,
            cubic.at(x),
            expected,
            super::see("evaluate")
        );
    }

    #[test]
    fn horner_agrees_with_the_direct_form(cubic in any_cubic(), x in -4.0..=4.0f64) {
        let (direct, horner) = (cubic.at(x), cubic.horner_at(x));
        prop_assert!(
            close_to_direct(&cubic, x, direct, horner),
            "{:?} at x = {}: horner_at gives {}, at gives {}, further apart than {} of the \
             terms' size; {}",
            cubic,
            x,
            horner,
            direct,
            HORNER_TOLERANCE,
            super::see("evaluate")
        );
    }

    // ANCHOR: bitwise
    #[test]
    fn parallel_tables_equal_the_serial_one_bit_for_bit(
        grid in proptest::collection::vec(any_cubic(), 0..60),
        xs in any_xs(12),
        rows_per_task in 1usize..10,
        threads in 1usize..=4,
    ) {
        let serial = evaluate_serial(&grid, &xs);
        prop_assert_eq!(serial.len(), grid.len() * xs.len(), "one value per cubic and x");
        let (per_row, chunked) = in_pool(threads, || {
            (evaluate_per_row(&grid, &xs), evaluate_chunked(&grid, &xs, rows_per_task))
        });
        prop_assert_eq!(
            bits(&per_row),
            bits(&serial),
            "evaluate_per_row differs from evaluate_serial on {} threads: compute every element \
             with the same expression, cubic.at(x); {}",
            threads,
            super::see("evaluate")
        );
        prop_assert_eq!(
            bits(&chunked),
            bits(&serial),
            "evaluate_chunked(.., {}) differs from evaluate_serial on {} threads; {}",
            rows_per_task,
            threads,
            super::see("evaluate")
        );
    }
    // ANCHOR_END: bitwise

    #[test]
    fn the_horner_table_is_close_to_the_serial_one(
        grid in proptest::collection::vec(any_cubic(), 0..40),
        xs in any_xs(12),
        rows_per_task in 1usize..10,
    ) {
        let serial = evaluate_serial(&grid, &xs);
        let horner = in_pool(2, || evaluate_horner(&grid, &xs, rows_per_task));
        prop_assert_eq!(horner.len(), serial.len(), "one value per cubic and x");
        for (i, cubic) in grid.iter().enumerate() {
            for (j, &x) in xs.iter().enumerate() {
                let at = i * xs.len() + j;
                prop_assert!(
                    close_to_direct(cubic, x, serial[at], horner[at]),
                    "element ({}, {}) of evaluate_horner is {}, the serial table has {}; {}",
                    i,
                    j,
                    horner[at],
                    serial[at],
                    super::see("evaluate")
                );
            }
        }
    }
}
