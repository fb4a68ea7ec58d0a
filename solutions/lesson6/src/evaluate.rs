//! Exercise 3: every cubic of the grid at every x, serially and at two task granularities.
//!
//! Every function here returns one contiguous row-major table: row `i` holds cubic `i` at every
//! x, so element `i * xs.len() + j` is `grid[i].at(xs[j])`. Compute each element with that same
//! expression in every variant, and the parallel tables will equal the serial one bit for bit.
//!
//! The two `table_*` functions decide how rows are split into rayon tasks and know nothing about
//! cubics; the four `evaluate_*` functions use them.

use rayon::prelude::*;

use crate::Cubic;

impl Cubic {
    /// The value at `x`, computed exactly as the seed writes it: `a * x * x * x + b * x * x + c *
    /// x + d`, evaluated left to right, so `a * x * x * x` is `((a * x) * x) * x` (not `a *
    /// x.powi(3)`, which rounds differently), and with no fused multiply-add (`mul_add`).
    ///
    /// That fixes the result to the last bit. Every table of exercise 3 computes each element
    /// with this one method, which is what makes the parallel tables equal the serial one bit for
    /// bit; the tests, and the grader's performance check, compare bits with the reference.
    // ANCHOR: at
    pub fn at(&self, x: f64) -> f64 {
        self.a * x * x * x + self.b * x * x + self.c * x + self.d
    }
    // ANCHOR_END: at

    /// The value at `x` in Horner form, computed exactly as `((a * x + b) * x + c) * x + d`,
    /// each operation rounded on its own (no `mul_add`): three multiplications instead of six.
    /// It rounds differently from [`Cubic::at`], so the two may differ in the last bits, but it
    /// too is fixed to the last bit, and the tests compare bits.
    // ANCHOR: horner_at
    pub fn horner_at(&self, x: f64) -> f64 {
        ((self.a * x + self.b) * x + self.c) * x + self.d
    }
    // ANCHOR_END: horner_at
}

/// Builds a `rows × width` row-major table on the current rayon pool, with one task per row:
/// `fill(i, row)` writes row `i`, and runs as a task of its own. This is joblib's
/// `Parallel(delayed(f)(row) for row in rows)`: the finest granularity there is.
///
/// Rows are never batched: each is a rayon task that any idle thread of the pool can take, so
/// while one row's `fill` is still running, the pool's other threads can fill every other row.
/// `fill` is called exactly once per row. When `width` is 0 the table is empty and `fill` is
/// never called.
///
/// Hint: `par_chunks_mut(width)` gives the rows as disjoint `&mut` slices; rayon groups items
/// into larger tasks unless told not to (`with_max_len`).
// ANCHOR: table_per_row
pub fn table_per_row<F>(rows: usize, width: usize, fill: F) -> Vec<f64>
where
    F: Fn(usize, &mut [f64]) + Sync,
{
    let mut table = vec![0.0; rows * width];
    if width > 0 {
        table
            .par_chunks_mut(width)
            // Without this, rayon would hand each thread long runs of rows; split down to one.
            .with_max_len(1)
            .enumerate()
            .for_each(|(i, row)| fill(i, row));
    }
    table
}
// ANCHOR_END: table_per_row

/// Builds a `rows × width` row-major table on the current rayon pool, `rows_per_task`
/// consecutive rows per task: rows `0..k`, `k..2k`, … for `k = rows_per_task`, the last task
/// taking what is left. Each task calls `fill(i, row)` for its rows in ascending order, on one
/// thread, and that thread fills no other row in between. This is `pool.starmap(f, rows,
/// chunksize=k)`.
///
/// The tasks are rayon tasks of their own, run in parallel: with as many tasks as the pool has
/// threads, all of them run at once. `fill` is called exactly once per row; never when `width`
/// is 0. Any `rows_per_task` from 1 to `usize::MAX` is valid (one of `rows` or more makes a
/// single task; mind that `rows_per_task * width` can overflow).
///
/// Panics if `rows_per_task` is 0, with a message naming `rows_per_task`, even when the table
/// is empty, since no task could then make progress.
// ANCHOR: table_chunked
pub fn table_chunked<F>(rows: usize, width: usize, rows_per_task: usize, fill: F) -> Vec<f64>
where
    F: Fn(usize, &mut [f64]) + Sync,
{
    assert!(
        rows_per_task > 0,
        "table_chunked needs rows_per_task of at least 1, got 0"
    );
    let mut table = vec![0.0; rows * width];
    if width > 0 {
        table
            .par_chunks_mut(rows_per_task.saturating_mul(width))
            .enumerate()
            .for_each(|(task, block)| {
                let first = task * rows_per_task;
                for (i, row) in (first..).zip(block.chunks_mut(width)) {
                    fill(i, row);
                }
            });
    }
    table
}
// ANCHOR_END: table_chunked

/// Every cubic at every x, on the calling thread: the reference the parallel versions must
/// equal bit for bit (the grader checks your `evaluate_chunked` against the reference
/// solution's `evaluate_serial`, bit for bit, before it times it).
// ANCHOR: evaluate
pub fn evaluate_serial(grid: &[Cubic], xs: &[f64]) -> Vec<f64> {
    let mut table = Vec::with_capacity(grid.len() * xs.len());
    for cubic in grid {
        table.extend(xs.iter().map(|&x| cubic.at(x)));
    }
    table
}

/// [`evaluate_serial`]'s table, one rayon task per cubic ([`table_per_row`]).
pub fn evaluate_per_row(grid: &[Cubic], xs: &[f64]) -> Vec<f64> {
    table_per_row(grid.len(), xs.len(), |i, row| direct_row(&grid[i], xs, row))
}

/// [`evaluate_serial`]'s table, `rows_per_task` cubics per rayon task ([`table_chunked`]).
///
/// Panics if `rows_per_task` is 0, naming `rows_per_task`, even for an empty grid or no x.
pub fn evaluate_chunked(grid: &[Cubic], xs: &[f64], rows_per_task: usize) -> Vec<f64> {
    table_chunked(grid.len(), xs.len(), rows_per_task, |i, row| {
        direct_row(&grid[i], xs, row)
    })
}

/// Like [`evaluate_chunked`], but each element is [`Cubic::horner_at`].
///
/// Panics if `rows_per_task` is 0, naming `rows_per_task`, even for an empty grid or no x.
pub fn evaluate_horner(grid: &[Cubic], xs: &[f64], rows_per_task: usize) -> Vec<f64> {
    table_chunked(grid.len(), xs.len(), rows_per_task, |i, row| {
        for (value, &x) in row.iter_mut().zip(xs) {
            *value = grid[i].horner_at(x);
        }
    })
}
fn direct_row(cubic: &Cubic, xs: &[f64], row: &mut [f64]) {
    for (value, &x) in row.iter_mut().zip(xs) {
        *value = cubic.at(x);
    }
}
// ANCHOR_END: evaluate
