//! Exercise 2: the grid as a CSV file, `grid_params.csv` in seed 002.
//!
//! Use the csv crate (`csv::WriterBuilder`, `csv::ReaderBuilder`) and the serde derives on
//! [`Cubic`]; parsing CSV by hand is how files with quotes, `\r\n` line ends or a byte-order
//! mark end up misread. The error type is given: fill in its fields as the docs say.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::Cubic;

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

// ANCHOR: write_grid
/// Writes `grid` to `path` as CSV: the header `a,b,c,d`, then one line per cubic, in order.
///
/// Every finite number is written so that [`read_grid`] gives back exactly the same `f64`, bit
/// for bit. An empty grid gives a file holding only the header.
///
/// Errors: [`GridFileError::Io`] naming the path, with `action` "create" if the file cannot be
/// created and "write" if writing it fails.
pub fn write_grid(path: &Path, grid: &[Cubic]) -> Result<(), GridFileError> {
    let _ = (path, grid);
    todo!("Exercise 6.2: read book/src/lesson6.md#grid-file")
}
// ANCHOR_END: write_grid

// ANCHOR: read_grid
/// Reads a grid file written by [`write_grid`] or by seed 002's Python (`csv.DictWriter`, whose
/// lines end in `\r\n`). Blank lines are skipped, and spaces around a field are allowed.
///
/// Errors:
/// - [`GridFileError::Io`] with `action` "read" when the file cannot be read;
/// - [`GridFileError::Malformed`] for the first line that is wrong, with its line number as an
///   editor shows it (the header is line 1, and blank lines count) and a `problem` that quotes
///   what was found:
///   - line 1 of an empty file: "the file is empty, …";
///   - a header other than `a,b,c,d`: quote the header found;
///   - a row with other than four fields: say how many, as in "3 fields";
///   - a field that is not a number: quote it;
///   - bytes that are not UTF-8: say "UTF-8".
///
/// The given `Display` adds what a valid file looks like.
///
/// Careful: the csv crate's `Position::line()` does not count lines the way an editor does once
/// a file has `\r\n` line ends or blank lines; the book shows how to get it right.
pub fn read_grid(path: &Path) -> Result<Vec<Cubic>, GridFileError> {
    let _ = path;
    todo!("Exercise 6.2: read book/src/lesson6.md#grid-file")
}
// ANCHOR_END: read_grid
