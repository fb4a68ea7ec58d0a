//! Lesson 6, polynomial grid: the reference solution.
//!
//! Seed 002's Exercise 9.1 evaluates a cubic `a·x³ + b·x² + c·x + d` for every point of a
//! 10×10×10×10 grid of coefficients at 50 values of x, writes the grid to a CSV file, and finds
//! that handing each grid row to its own task is slower than not parallelising at all. This
//! crate builds the grid, stores it, evaluates it at three task granularities, searches it for
//! the best fit to a curve, and ends with the seed's other parallel kernel, a matrix product
//! split by row blocks.
//!
//! | exercise | module | book |
//! |---|---|---|
//! | 1. The grid | [`grid`] | `book/src/lesson6.md#grid` |
//! | 2. The grid as a CSV file | [`grid_file`] | `book/src/lesson6.md#grid-file` |
//! | 3. Evaluating the grid | [`evaluate`] | `book/src/lesson6.md#evaluate` |
//! | 4. Grid search | [`search`] | `book/src/lesson6.md#grid-search` |
//! | 5. Matrix product by row blocks | [`matmul`] | `book/src/lesson6.md#parallel-dot` |
//!
//! The data types ([`types`]) and the error types ([`errors`]) are given ready-made.

pub mod errors;
pub mod evaluate;
pub mod grid;
pub mod grid_file;
pub mod matmul;
pub mod search;
pub mod types;

pub use errors::{GridFileError, MatrixError, SearchError};
pub use evaluate::{
    evaluate_chunked, evaluate_horner, evaluate_per_row, evaluate_serial, table_chunked,
    table_per_row,
};
pub use grid::{cubic_grid, linspace, product};
pub use grid_file::{read_grid, write_grid};
pub use matmul::{matmul_serial, parallel_dot};
pub use search::{best_fit, lowest_error};
pub use types::{BestFit, Cubic, LoopOrder, Matrix};
