//! Exercise 3: every cubic of the grid at every x, serially and at two task granularities.
//!
//! Every function here returns one contiguous row-major table: row `i` holds cubic `i` at every
//! x, so element `i * xs.len() + j` is `grid[i].at(xs[j])`. Each element is computed by the same
//! expression in every variant, so the parallel tables equal the serial one bit for bit.

use rayon::prelude::*;

use crate::Cubic;

/// Builds a `rows × width` row-major table on the current rayon pool, with one task per row:
/// `fill(i, row)` writes row `i`, and runs as a task of its own. This is joblib's
/// `Parallel(delayed(f)(row) for row in rows)`: the finest granularity there is.
///
/// `fill` is called exactly once per row. When `width` is 0 the table is empty and `fill` is
/// never called.
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
/// thread. This is `pool.starmap(f, rows, chunksize=k)`.
///
/// `fill` is called exactly once per row; never when `width` is 0.
///
/// Panics if `rows_per_task` is 0, since no task could then make progress.
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
/// equal bit for bit.
// ANCHOR: evaluate_serial
pub fn evaluate_serial(grid: &[Cubic], xs: &[f64]) -> Vec<f64> {
    let mut table = Vec::with_capacity(grid.len() * xs.len());
    for cubic in grid {
        table.extend(xs.iter().map(|&x| cubic.at(x)));
    }
    table
}
// ANCHOR_END: evaluate_serial

/// [`evaluate_serial`]'s table, one rayon task per cubic ([`table_per_row`]).
// ANCHOR: evaluate_parallel
pub fn evaluate_per_row(grid: &[Cubic], xs: &[f64]) -> Vec<f64> {
    table_per_row(grid.len(), xs.len(), |i, row| direct_row(&grid[i], xs, row))
}

/// [`evaluate_serial`]'s table, `rows_per_task` cubics per rayon task ([`table_chunked`]).
///
/// Panics if `rows_per_task` is 0.
pub fn evaluate_chunked(grid: &[Cubic], xs: &[f64], rows_per_task: usize) -> Vec<f64> {
    table_chunked(grid.len(), xs.len(), rows_per_task, |i, row| {
        direct_row(&grid[i], xs, row)
    })
}

/// Like [`evaluate_chunked`], but each element is [`Cubic::horner_at`].
///
/// Panics if `rows_per_task` is 0.
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
// ANCHOR_END: evaluate_parallel
