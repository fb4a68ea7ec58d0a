//! Exercise 5: seed 002's `parallel_dot`, an integer matrix product split into blocks of rows.
//!
//! [`Matrix`], [`LoopOrder`] and [`MatrixError`] are given (in `types.rs` and `errors.rs`);
//! the matrix's fields are visible here, so `out.data.par_chunks_mut(..)` works.

use crate::{LoopOrder, Matrix, MatrixError};

// ANCHOR: matmul_serial
/// `a × b` on the calling thread, its loops in `order`. Arithmetic wraps on overflow, like
/// numpy's `int64` (`wrapping_mul`, `wrapping_add`): entry (i, j) is the sum over k of `a(i, k)
/// · b(k, j)` modulo 2⁶⁴, exact in any order of the additions, so both loop orders (and
/// [`parallel_dot`]) give the very same matrix.
///
/// The i-k-j order may also run in tiles, as the reference's does: a few rows and columns of the
/// output at a time, k in panels, so that the pieces of `a` and `b` in use stay in the cache, as
/// long as every step still adds `a(i, k)` times a piece of row k of `b` to the same piece of row
/// i of the output. The matrix is the same.
///
/// Fails with [`MatrixError::ShapeMismatch`] unless `a.cols() == b.rows()`. Any side may be 0.
pub fn matmul_serial(a: &Matrix, b: &Matrix, order: LoopOrder) -> Result<Matrix, MatrixError> {
    let _ = (a, b, order);
    todo!("Exercise 6.5: read book/src/lesson6.md#parallel-dot")
}
// ANCHOR_END: matmul_serial

// ANCHOR: parallel_dot
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
pub fn parallel_dot(
    a: &Matrix,
    b: &Matrix,
    rows_per_block: usize,
    order: LoopOrder,
) -> Result<Matrix, MatrixError> {
    let _ = (a, b, rows_per_block, order);
    todo!("Exercise 6.5: read book/src/lesson6.md#parallel-dot")
}
// ANCHOR_END: parallel_dot
