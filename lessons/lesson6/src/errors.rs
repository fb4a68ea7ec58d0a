//! Why the exercises' functions can fail, given ready-made: fill in the fields as each
//! function's doc comment says, and the `Display` messages below say the rest.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// What a valid grid file looks like, for the end of every "malformed" message.
const VALID_FILE: &str = "a grid file has the header `a,b,c,d` on line 1, then one row of four \
                          numbers per line, such as `0,0.5,1,0.25`";

/// Why a grid file could not be written or read.
#[derive(Debug)]
pub enum GridFileError {
    /// The file could not be created, written or read.
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done: "create", "write" or "read".
        action: &'static str,
        /// What the operating system said.
        source: io::Error,
    },
    /// A line of the file is not part of a valid grid file.
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line, counting from 1; the header is line 1.
        line: u64,
        /// What is wrong with that line.
        problem: String,
    },
}

impl GridFileError {
    /// The line a [`GridFileError::Malformed`] error is about; `None` for I/O errors.
    pub fn line(&self) -> Option<u64> {
        match self {
            GridFileError::Io { .. } => None,
            GridFileError::Malformed { line, .. } => Some(*line),
        }
    }
}

impl fmt::Display for GridFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GridFileError::Io {
                path,
                action,
                source,
            } => write!(f, "could not {action} {}: {source}", path.display()),
            GridFileError::Malformed {
                path,
                line,
                problem,
            } => write!(
                f,
                "{}, line {line}: {problem}; {VALID_FILE}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for GridFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GridFileError::Io { source, .. } => Some(source),
            GridFileError::Malformed { .. } => None,
        }
    }
}

/// Why a grid search could not start.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchError {
    /// The grid has no rows, so nothing can win.
    EmptyGrid,
    /// The target has a different number of values than there are x.
    LengthMismatch {
        /// How many x there are.
        xs: usize,
        /// How many target values there are.
        target: usize,
    },
    /// An x or a target value is NaN or infinite, which would make every error NaN or infinite.
    NotFinite {
        /// `"xs"` or `"target"`.
        input: &'static str,
        /// The position of the bad value.
        index: usize,
        /// The bad value.
        value: f64,
    },
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchError::EmptyGrid => write!(f, "the grid has no rows to search"),
            SearchError::LengthMismatch { xs, target } => write!(
                f,
                "there are {xs} x values but {target} target values: give one target value per x"
            ),
            SearchError::NotFinite {
                input,
                index,
                value,
            } => write!(
                f,
                "{input}[{index}] is {value}: the x values and the target must be finite numbers"
            ),
        }
    }
}

impl std::error::Error for SearchError {}

/// Why two matrices could not be built or multiplied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatrixError {
    /// [`Matrix::new`](crate::Matrix::new) got a number of entries other than `rows × cols`.
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
    /// [`parallel_dot`](crate::parallel_dot) was asked for blocks of 0 rows.
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
