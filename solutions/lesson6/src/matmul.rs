//! Exercise 5: seed 002's `parallel_dot`, an integer matrix product split into blocks of rows.
//!
//! [`Matrix`], [`LoopOrder`] and [`MatrixError`] are given (in `types.rs` and `errors.rs`);
//! the matrix's fields are visible here, so `out.data.par_chunks_mut(..)` works.

use rayon::prelude::*;

use crate::{LoopOrder, Matrix, MatrixError};

/// `a × b` on the calling thread, its loops in `order`. Arithmetic wraps on overflow, like
/// numpy's `int64` (`wrapping_mul`, `wrapping_add`): entry (i, j) is the sum over k of `a(i, k)
/// · b(k, j)` modulo 2⁶⁴, exact in any order of the additions, so both loop orders (and
/// [`parallel_dot`]) give the very same matrix.
///
/// Fails with [`MatrixError::ShapeMismatch`] unless `a.cols() == b.rows()`. Any side may be 0.
// ANCHOR: matmul_serial
pub fn matmul_serial(a: &Matrix, b: &Matrix, order: LoopOrder) -> Result<Matrix, MatrixError> {
    check_shapes(a, b)?;
    let mut out = Matrix::zeros(a.rows, b.cols);
    multiply_rows(a, b, 0, &mut out.data, order);
    Ok(out)
}
// ANCHOR_END: matmul_serial

/// `a × b` on the current rayon pool: the output split into blocks of `rows_per_block` rows,
/// one task per block, each computing its rows of `a` times all of `b` with its loops in
/// `order`, the last block taking the rows that are left. Equal to [`matmul_serial`] for every
/// shape. Seed 002's `np.split(A, n_jobs)` and `np.vstack`, without its rule that the rows must
/// divide evenly.
///
/// Fails with [`MatrixError::ShapeMismatch`] unless `a.cols() == b.rows()`, then with
/// [`MatrixError::NoRowsPerBlock`] when `rows_per_block` is 0. Any `rows_per_block` from 1 to
/// `usize::MAX` is valid: one of `a.rows()` or more makes a single block (mind that
/// `rows_per_block * b.cols()` can overflow).
///
/// Hint: write one private function that fills a block of output rows in either order, and call
/// it from both [`matmul_serial`] (one block of all rows) and here.
// ANCHOR: parallel_dot
pub fn parallel_dot(
    a: &Matrix,
    b: &Matrix,
    rows_per_block: usize,
    order: LoopOrder,
) -> Result<Matrix, MatrixError> {
    check_shapes(a, b)?;
    if rows_per_block == 0 {
        return Err(MatrixError::NoRowsPerBlock);
    }
    let mut out = Matrix::zeros(a.rows, b.cols);
    if b.cols > 0 {
        // Each block of output rows is a disjoint `&mut` slice, so the tasks need no locks.
        out.data
            .par_chunks_mut(rows_per_block.saturating_mul(b.cols))
            .enumerate()
            .for_each(|(block, rows)| multiply_rows(a, b, block * rows_per_block, rows, order));
    }
    Ok(out)
}
// ANCHOR_END: parallel_dot

/// Fills `out`, the output rows from `first_row` on, with those rows of `a × b`.
// ANCHOR: multiply_rows
fn multiply_rows(a: &Matrix, b: &Matrix, first_row: usize, out: &mut [i64], order: LoopOrder) {
    if b.cols == 0 {
        return;
    }
    for (i, out_row) in (first_row..).zip(out.chunks_mut(b.cols)) {
        let a_row = a.row(i);
        match order {
            LoopOrder::Ijk => {
                for (j, entry) in out_row.iter_mut().enumerate() {
                    *entry = (0..a.cols).fold(0i64, |sum, k| {
                        sum.wrapping_add(a_row[k].wrapping_mul(b.data[k * b.cols + j]))
                    });
                }
            }
            LoopOrder::Ikj => {
                for (k, &a_ik) in a_row.iter().enumerate() {
                    for (entry, &b_kj) in out_row.iter_mut().zip(b.row(k)) {
                        *entry = entry.wrapping_add(a_ik.wrapping_mul(b_kj));
                    }
                }
            }
        }
    }
}
// ANCHOR_END: multiply_rows

fn check_shapes(a: &Matrix, b: &Matrix) -> Result<(), MatrixError> {
    if a.cols != b.rows {
        return Err(MatrixError::ShapeMismatch {
            left: (a.rows, a.cols),
            right: (b.rows, b.cols),
        });
    }
    Ok(())
}
