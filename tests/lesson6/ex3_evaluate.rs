//! Exercise 3: every cubic at every x, serially and at two task granularities.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, ThreadId};

use proptest::prelude::*;
use subject::{
    Cubic, evaluate_chunked, evaluate_horner, evaluate_per_row, evaluate_serial, table_chunked,
    table_per_row,
};
use testkit::{PATIENCE, Rendezvous, check, check_eq, fail};

use super::{any_cubic, any_xs, bits, cubic_value, every_combination, horner_value, in_pool};

const BOOK: testkit::Book = super::book("evaluate");

/// A table whose row `i` holds `i` in every column.
fn rows_of_own_index(rows: usize, width: usize) -> Vec<f64> {
    (0..rows).flat_map(|i| vec![i as f64; width]).collect()
}

/// `values` evenly spaced from `start` to `end`, computed by the suite itself.
fn axis(start: f64, end: f64, values: usize) -> Vec<f64> {
    let step = (end - start) / (values - 1) as f64;
    (0..values).map(|i| start + step * i as f64).collect()
}

/// The grader's kind of input, smaller: every combination of `values` coefficients from -2 to
/// 2, and 64 x from -1 to 1.
fn graders_grid(values: usize) -> (Vec<Cubic>, Vec<f64>) {
    let v = axis(-2.0, 2.0, values);
    (every_combination(&v, &v, &v, &v), axis(-1.0, 1.0, 64))
}

/// The table of `value` at every cubic and x, computed by the suite itself.
fn table_of(grid: &[Cubic], xs: &[f64], value: fn(&Cubic, f64) -> f64) -> Vec<f64> {
    grid.iter()
        .flat_map(|cubic| xs.iter().map(move |&x| value(cubic, x)))
        .collect()
}

/// The first element where `got` and `expected` differ in any bit, as (row, column).
fn first_difference(got: &[f64], expected: &[f64], width: usize) -> Option<(usize, usize)> {
    let at = got
        .iter()
        .zip(expected)
        .position(|(got, expected)| got.to_bits() != expected.to_bits())?;
    Some((at / width, at % width))
}

/// What two plausible other formulas give, so that a test can check that its inputs tell them
/// apart from the right one: `a * x.powi(3)` style, and fused multiply-adds.
fn powi_value(cubic: &Cubic, x: f64) -> f64 {
    cubic.a * x.powi(3) + cubic.b * x.powi(2) + cubic.c * x + cubic.d
}

fn fused_horner_value(cubic: &Cubic, x: f64) -> f64 {
    cubic
        .a
        .mul_add(x, cubic.b)
        .mul_add(x, cubic.c)
        .mul_add(x, cubic.d)
}

#[test]
fn cubic_at_is_the_seeds_polynomial() {
    let cubic = Cubic::new(1.0, -2.0, 3.0, -4.0);
    let pairs = [(0.0, -4.0), (1.0, -2.0), (2.0, 2.0), (-2.0, -26.0)];
    for (x, expected) in pairs {
        check_eq!(
            cubic.at(x),
            expected,
            "{cubic:?}.at({x}) should be a·x³ + b·x² + c·x + d = {expected}"
        );
        check_eq!(
            cubic.horner_at(x),
            expected,
            "{cubic:?}.horner_at({x}) should be ((a·x + b)·x + c)·x + d = {expected}"
        );
    }
}

// ANCHOR: last_bit
#[test]
fn at_and_horner_at_are_their_expressions_to_the_last_bit() {
    let (grid, xs) = graders_grid(6);
    let at_table = table_of(&grid, &xs, cubic_value);
    let horner_table = table_of(&grid, &xs, horner_value);
    // These inputs must tell the right expressions from their look-alikes, or they test nothing.
    assert_ne!(bits(&at_table), bits(&table_of(&grid, &xs, powi_value)));
    assert_ne!(bits(&horner_table), bits(&at_table));
    assert_ne!(
        bits(&horner_table),
        bits(&table_of(&grid, &xs, fused_horner_value))
    );
    let width = xs.len();
    let at: Vec<f64> = table_of(&grid, &xs, Cubic::at);
    if let Some((i, j)) = first_difference(&at, &at_table, width) {
        fail!(
            "{:?}.at({:?}) is {:?}, but a * x * x * x + b * x * x + c * x + d, left to right, is \
             {:?}: write the seed's expression exactly as it reads (not x.powi(3), not mul_add), \
             since the grader compares your tables with the reference's bit for bit",
            grid[i],
            xs[j],
            at[i * width + j],
            at_table[i * width + j]
        );
    }
    let horner: Vec<f64> = table_of(&grid, &xs, Cubic::horner_at);
    if let Some((i, j)) = first_difference(&horner, &horner_table, width) {
        fail!(
            "{:?}.horner_at({:?}) is {:?}, but ((a * x + b) * x + c) * x + d is {:?}: each \
             operation rounded on its own, no mul_add",
            grid[i],
            xs[j],
            horner[i * width + j],
            horner_table[i * width + j]
        );
    }
}
// ANCHOR_END: last_bit

#[test]
fn the_chunked_tables_are_the_formulas_bit_for_bit_as_the_grader_checks() {
    let (grid, xs) = graders_grid(9);
    let direct = table_of(&grid, &xs, cubic_value);
    let horner = table_of(&grid, &xs, horner_value);
    for threads in 1..=3 {
        // The grader's chunk size: about four tasks per thread.
        let rows_per_task = grid.len().div_ceil(4 * threads);
        let (chunked, horner_chunked) = in_pool(threads, || {
            (
                evaluate_chunked(&grid, &xs, rows_per_task),
                evaluate_horner(&grid, &xs, rows_per_task),
            )
        });
        for (name, got, expected, formula) in [
            ("evaluate_chunked", chunked, &direct, "cubic.at(x)"),
            (
                "evaluate_horner",
                horner_chunked,
                &horner,
                "cubic.horner_at(x)",
            ),
        ] {
            check_eq!(
                got.len(),
                expected.len(),
                "{name} of {} cubics at {} x should have one value per pair",
                grid.len(),
                xs.len()
            );
            if let Some((i, j)) = first_difference(&got, expected, xs.len()) {
                fail!(
                    "{name}(grid, xs, {rows_per_task}) on {threads} threads: element ({i}, {j}), \
                     {:?} at x = {:?}, is {:?}, but {formula} is {:?}; the grader checks this \
                     table bit for bit",
                    grid[i],
                    xs[j],
                    got[i * xs.len() + j],
                    expected[i * xs.len() + j]
                );
            }
        }
    }
}

#[test]
fn the_serial_table_is_row_major() {
    let grid = [
        Cubic::new(0.0, 0.0, 1.0, 0.0),
        Cubic::new(1.0, 0.0, 0.0, 1.0),
    ];
    let xs = [-1.0, 0.0, 2.0];
    check_eq!(
        evaluate_serial(&grid, &xs),
        vec![-1.0, 0.0, 2.0, 0.0, 1.0, 9.0],
        "row i holds cubic i at every x: element i * xs.len() + j is grid[i].at(xs[j])"
    );
}

// ANCHOR: own_task
/// Fills a `rows`-row table with `table_per_row` on `threads` threads, where row `blocked`'s
/// `fill` does not return until every other row has been filled. Only a row that is a task of
/// its own lets that happen: a row batched with others in one task holds them up behind it.
fn row_waits_for_all_the_others(threads: usize, rows: usize, blocked: usize) {
    let filled = AtomicUsize::new(0);
    let others_done = Mutex::new(None);
    in_pool(threads, || {
        table_per_row(rows, 1, |i, _| {
            if i == blocked {
                let done =
                    testkit::wait_until(PATIENCE, || filled.load(Ordering::SeqCst) == rows - 1);
                *others_done.lock().unwrap() = Some(done);
            }
            filled.fetch_add(1, Ordering::SeqCst);
        })
    });
    let others_done = others_done.into_inner().unwrap();
    check!(
        others_done == Some(true),
        "table_per_row({rows}, ..) on {threads} threads: while row {blocked}'s fill was still \
         running, the other threads filled only {} of the other {} rows{}: some row is not a \
         task of its own but waits behind row {blocked} in the same batch (rayon batches \
         items unless told not to: with_max_len(1))",
        filled.load(Ordering::SeqCst).min(rows - 1),
        rows - 1,
        if others_done.is_none() {
            " (and row's fill was never called)"
        } else {
            ""
        }
    );
}

#[test]
fn table_per_row_gives_every_row_a_task_of_its_own() {
    for threads in [2, 3] {
        for blocked in [0, 1, 4, 8] {
            row_waits_for_all_the_others(threads, 9, blocked);
        }
    }
}
// ANCHOR_END: own_task

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
    check_eq!(
        filled,
        (0..37).collect::<Vec<_>>(),
        "table_per_row(37, 3, fill) should call fill once for each row"
    );
    check_eq!(
        table,
        rows_of_own_index(37, 3),
        "fill(i, row) should get row i, the 3 elements from 3·i on"
    );
}

// ANCHOR: lockstep
/// `threads` tasks of `rows_per_task` rows on `threads` threads, in lockstep: row `j` of every
/// task waits at rendezvous `j` for row `j` of every other task. Tasks of exactly
/// `rows_per_task` consecutive rows, all running at once, each filling its rows in order on one
/// thread, meet at every rendezvous; tasks of another size, or rows that are tasks of their own,
/// leave some row waiting at a rendezvous the others never reach.
fn tasks_meet_row_by_row(threads: usize, rows_per_task: usize) {
    let rows = threads * rows_per_task;
    let meetings: Vec<Rendezvous> = (0..rows_per_task)
        .map(|_| Rendezvous::new(threads))
        .collect();
    let calls = Mutex::new(Vec::new());
    in_pool(threads, || {
        table_chunked(rows, 2, rows_per_task, |i, row| {
            let met = meetings[i % rows_per_task].meet(PATIENCE);
            calls.lock().unwrap().push((i, thread::current().id(), met));
            row.fill(i as f64);
        })
    });
    let calls = calls.into_inner().unwrap();
    if let Some((i, _, Err(stranded))) = calls.iter().find(|(_, _, met)| met.is_err()) {
        fail!(
            "table_chunked({rows}, 2, {rows_per_task}, ..) on {threads} threads: row {i}, row {} \
             of task {}, waited for row {} of the other tasks, and {stranded}. With \
             rows_per_task = {rows_per_task}, rows {rows_per_task}·t to {rows_per_task}·t + \
             {} are task t, filled in order by one thread, and the {threads} tasks run at once",
            i % rows_per_task,
            i / rows_per_task,
            i % rows_per_task,
            rows_per_task - 1
        );
    }
    for task in 0..threads {
        let threads_of_task: Vec<ThreadId> = calls
            .iter()
            .filter(|(i, _, _)| i / rows_per_task == task)
            .map(|&(_, id, _)| id)
            .collect();
        check!(
            threads_of_task.len() == rows_per_task
                && threads_of_task.iter().all(|id| *id == threads_of_task[0]),
            "table_chunked({rows}, 2, {rows_per_task}, ..): the rows of task {task} should be \
             filled once each, all on one thread, but they were filled {} times on {} threads",
            threads_of_task.len(),
            {
                let mut distinct = threads_of_task.clone();
                distinct.dedup();
                distinct.len()
            }
        );
    }
}

#[test]
fn table_chunked_tasks_are_exactly_rows_per_task_rows() {
    for (threads, rows_per_task) in [(2, 3), (3, 4), (4, 2)] {
        tasks_meet_row_by_row(threads, rows_per_task);
    }
}
// ANCHOR_END: lockstep

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
    check_eq!(
        table,
        rows_of_own_index(23, 2),
        "table_chunked(23, 2, 4, fill) should call fill(i, row i) once for each of 23 rows, the \
         last task taking the 3 rows left over"
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
        check_eq!(
            rows,
            expected,
            "task {task} should fill rows {expected:?}, in that order"
        );
        check!(
            in_task.iter().all(|&(_, id)| id == in_task[0].1),
            "the rows of task {task} ran on different threads: with rows_per_task = 4, rows \
             4k..4k+4 form one task, run start to end by one thread"
        );
    }
}
// ANCHOR_END: one_thread_per_task

/// Runs `work`, which should panic with a message naming `rows_per_task`; `call` names it.
fn assert_refuses_zero_rows_per_task<T: std::fmt::Debug>(call: &str, work: impl FnOnce() -> T) {
    let payload = match panic::catch_unwind(AssertUnwindSafe(work)) {
        Ok(table) => fail!(
            "{call} returned {table:?}: tasks of 0 rows never finish a table, so it should \
             panic saying rows_per_task must be at least 1, even when the table is empty"
        ),
        Err(payload) => payload,
    };
    let message = testkit::panic_text(payload.as_ref());
    if message.starts_with("not yet implemented") {
        panic::resume_unwind(payload);
    }
    check!(
        message.contains("rows_per_task"),
        "{call} should panic naming rows_per_task, but it says {message:?}"
    );
}

#[test]
fn zero_rows_per_task_panics_naming_it() {
    let grid = [Cubic::new(1.0, 2.0, 3.0, 4.0); 3];
    let xs = [0.5, 1.5];
    assert_refuses_zero_rows_per_task("table_chunked(4, 2, 0, ..)", || {
        table_chunked(4, 2, 0, |_, row| row.fill(1.0))
    });
    assert_refuses_zero_rows_per_task("table_chunked(0, 0, 0, ..)", || {
        table_chunked(0, 0, 0, |_, row| row.fill(1.0))
    });
    assert_refuses_zero_rows_per_task("evaluate_chunked(3 cubics, 2 x, 0)", || {
        evaluate_chunked(&grid, &xs, 0)
    });
    assert_refuses_zero_rows_per_task("evaluate_chunked(no cubics, no x, 0)", || {
        evaluate_chunked(&[], &[], 0)
    });
    assert_refuses_zero_rows_per_task("evaluate_horner(3 cubics, 2 x, 0)", || {
        evaluate_horner(&grid, &xs, 0)
    });
    assert_refuses_zero_rows_per_task("evaluate_horner(3 cubics, no x, 0)", || {
        evaluate_horner(&grid, &[], 0)
    });
}

#[test]
fn tasks_larger_than_the_table_make_one_task() {
    let grid = [
        Cubic::new(1.0, -2.0, 0.5, 3.0),
        Cubic::new(-0.25, 1.0, 2.0, -1.0),
    ];
    let xs = [-1.5, 0.1, 2.0];
    for rows_per_task in [5, usize::MAX / 2, usize::MAX] {
        let threads = Mutex::new(Vec::new());
        let table = in_pool(2, || {
            table_chunked(5, 3, rows_per_task, |i, row| {
                threads.lock().unwrap().push(thread::current().id());
                row.fill(i as f64);
            })
        });
        check_eq!(
            table,
            rows_of_own_index(5, 3),
            "table_chunked(5, 3, {rows_per_task}, ..) is one task of all 5 rows (mind that \
             rows_per_task * width overflows)"
        );
        let threads = threads.into_inner().unwrap();
        check!(
            threads.iter().all(|id| *id == threads[0]),
            "table_chunked(5, 3, {rows_per_task}, ..) is one task, run by one thread"
        );
        let (chunked, horner) = in_pool(2, || {
            (
                evaluate_chunked(&grid, &xs, rows_per_task),
                evaluate_horner(&grid, &xs, rows_per_task),
            )
        });
        check_eq!(
            bits(&chunked),
            bits(&table_of(&grid, &xs, cubic_value)),
            "evaluate_chunked(2 cubics, 3 x, {rows_per_task}) is one task of both cubics"
        );
        check_eq!(
            bits(&horner),
            bits(&table_of(&grid, &xs, horner_value)),
            "evaluate_horner(2 cubics, 3 x, {rows_per_task}) is one task of both cubics"
        );
    }
}

#[test]
fn tables_without_columns_or_rows_are_empty() {
    let never = |i: usize, _: &mut [f64]| panic!("fill was called for row {i} of an empty table");
    for (rows, width) in [(0, 0), (0, 5), (7, 0)] {
        let per_row = table_per_row(rows, width, never);
        let chunked = table_chunked(rows, width, 3, never);
        check!(
            per_row.is_empty() && chunked.is_empty(),
            "a {rows}×{width} table is empty and fill is never called"
        );
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    // ANCHOR: bitwise
    #[test]
    fn every_table_is_its_formula_bit_for_bit(
        grid in proptest::collection::vec(any_cubic(), 0..60),
        xs in any_xs(12),
        rows_per_task in 1usize..10,
        threads in 1usize..=4,
    ) {
        let direct = bits(&table_of(&grid, &xs, cubic_value));
        let horner = bits(&table_of(&grid, &xs, horner_value));
        let serial = evaluate_serial(&grid, &xs);
        let (per_row, chunked, horner_chunked) = in_pool(threads, || {
            (
                evaluate_per_row(&grid, &xs),
                evaluate_chunked(&grid, &xs, rows_per_task),
                evaluate_horner(&grid, &xs, rows_per_task),
            )
        });
        for (name, table, expected) in [
            ("evaluate_serial", &serial, &direct),
            ("evaluate_per_row", &per_row, &direct),
            ("evaluate_chunked", &chunked, &direct),
            ("evaluate_horner", &horner_chunked, &horner),
        ] {
            let expression = if name == "evaluate_horner" {
                "grid[i].horner_at(xs[j])"
            } else {
                "grid[i].at(xs[j])"
            };
            prop_assert!(
                bits(table) == *expected,
                "{} of {} cubics at {} x (rows_per_task {}, {} threads) is not, bit for bit, \
                 the table whose element i * xs.len() + j is {}: compute every element with \
                 that one expression; {}",
                name,
                grid.len(),
                xs.len(),
                rows_per_task,
                threads,
                expression,
                BOOK
            );
        }
    }
    // ANCHOR_END: bitwise
}
