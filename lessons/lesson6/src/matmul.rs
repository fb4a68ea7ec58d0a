//! Exercise 5: seed 002's `parallel_dot`, an integer matrix product split into blocks of rows.

use std::fmt;

/// A dense matrix of `i64`, stored row by row, like a numpy array from `np.random.randint`.
///
/// Given, with its constructors and accessors. Inside this module you may also use the private
/// fields directly, for instance `out.data.par_chunks_mut(..)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<i64>,
}

/// Why two matrices could not be built or multiplied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatrixError {
    /// [`Matrix::new`] got a number of entries other than `rows × cols`.
    DataLength {
        /// The rows asked for.
        rows: usize,
        /// The columns asked for.
        cols: usize,
        /// The entries given.
        len: usize,
    },
    /// The left matrix's column count differs from the right one's row count.
    ShapeMismatch {
        /// The left matrix's (rows, columns).
        left: (usize, usize),
        /// The right matrix's (rows, columns).
        right: (usize, usize),
    },
    /// [`parallel_dot`] was asked for blocks of 0 rows.
    NoRowsPerBlock,
}

impl fmt::Display for MatrixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatrixError::DataLength { rows, cols, len } => write!(
                f,
                "a {rows}×{cols} matrix needs {rows}×{cols} entries, row by row, but {len} were \
                 given"
            ),
            MatrixError::ShapeMismatch { left, right } => write!(
                f,
                "cannot multiply a {}×{} matrix by a {}×{} one: the left one's column count must \
                 equal the right one's row count",
                left.0, left.1, right.0, right.1
            ),
            MatrixError::NoRowsPerBlock => write!(
                f,
                "rows_per_block is 0: each block needs at least 1 row of the left matrix"
            ),
        }
    }
}

impl std::error::Error for MatrixError {}

impl Matrix {
    /// A `rows × cols` matrix from its entries, row by row.
    ///
    /// Fails with [`MatrixError::DataLength`] unless there are exactly `rows × cols` entries.
    pub fn new(rows: usize, cols: usize, data: Vec<i64>) -> Result<Matrix, MatrixError> {
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(MatrixError::DataLength {
                rows,
                cols,
                len: data.len(),
            });
        }
        Ok(Matrix { rows, cols, data })
    }

    /// A `rows × cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix {
            rows,
            cols,
            data: vec![0; rows * cols],
        }
    }

    /// A `rows × cols` matrix whose entry (i, j) is `entry(i, j)`, called row by row.
    pub fn from_fn(rows: usize, cols: usize, mut entry: impl FnMut(usize, usize) -> i64) -> Matrix {
        let data = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| (i, j)))
            .map(|(i, j)| entry(i, j))
            .collect();
        Matrix { rows, cols, data }
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The entry in row `i`, column `j`. Panics outside the matrix.
    pub fn get(&self, i: usize, j: usize) -> i64 {
        assert!(
            i < self.rows && j < self.cols,
            "entry ({i}, {j}) is outside a {}×{} matrix",
            self.rows,
            self.cols
        );
        self.data[i * self.cols + j]
    }

    /// Row `i`. Panics outside the matrix.
    pub fn row(&self, i: usize) -> &[i64] {
        assert!(
            i < self.rows,
            "row {i} is outside a {}×{} matrix",
            self.rows,
            self.cols
        );
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// All entries, row by row.
    pub fn as_slice(&self) -> &[i64] {
        &self.data
    }
}

/// The order of the three loops of a matrix product, which decides how memory is walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopOrder {
    /// The textbook order: each output entry is a dot product of a row of the left matrix with a
    /// column of the right one, and walking a column jumps a whole row ahead in memory at every
    /// step.
    Ijk,
    /// Row-streaming order: for each entry `a[i][k]`, add `a[i][k]` times row `k` of the right
    /// matrix to output row `i`. Every inner loop walks two rows in memory order.
    Ikj,
}

// ANCHOR: matmul_serial
/// `a × b` on the calling thread, its loops in `order`. Arithmetic wraps on overflow, like
/// numpy's `int64` (`wrapping_mul`, `wrapping_add`).
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
/// Fails with [`MatrixError::ShapeMismatch`] unless `a.cols() == b.rows()`, and with
/// [`MatrixError::NoRowsPerBlock`] when `rows_per_block` is 0.
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
