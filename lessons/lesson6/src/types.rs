//! The lesson's data types, given ready-made: the cubic of one grid row, the winner of a grid
//! search, and the integer matrix of exercise 5. The exercises' functions are in the other
//! modules (`Cubic::at` and `Cubic::horner_at` in [`evaluate`](crate::evaluate)).

use serde::{Deserialize, Serialize};

use crate::MatrixError;

/// The cubic `a·x³ + b·x² + c·x + d`: one row of the parameter grid, and one line of its CSV
/// file, whose header is `a,b,c,d` (the serde derives give the csv crate those names).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cubic {
    /// The coefficient of `x³`.
    pub a: f64,
    /// The coefficient of `x²`.
    pub b: f64,
    /// The coefficient of `x`.
    pub c: f64,
    /// The constant term.
    pub d: f64,
}

impl Cubic {
    /// The cubic with these coefficients.
    pub const fn new(a: f64, b: f64, c: f64, d: f64) -> Cubic {
        Cubic { a, b, c, d }
    }
}

/// The winner of a grid search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BestFit {
    /// Its row in the grid: the lowest such row when several fit equally well.
    pub index: usize,
    /// The cubic in that row.
    pub cubic: Cubic,
    /// Its sum of squared differences from the target.
    pub error: f64,
}

/// A dense matrix of `i64`, stored row by row, like a numpy array from `np.random.randint`.
///
/// Given, with its constructors and accessors. Its fields are visible inside this crate, so
/// exercise 5 may use them directly, for instance `out.data.par_chunks_mut(..)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) data: Vec<i64>,
}

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
