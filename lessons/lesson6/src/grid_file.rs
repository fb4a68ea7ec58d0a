//! Exercise 2: the grid as a CSV file, `grid_params.csv` in seed 002.
//!
//! Use the csv crate (`csv::WriterBuilder`, `csv::ReaderBuilder`) and the serde derives on
//! [`Cubic`]; parsing CSV by hand is how files with quotes, `\r\n` line ends or a byte-order
//! mark end up misread. The error type, [`GridFileError`], is given in `errors.rs`: fill in its
//! fields as the docs below say.

use std::path::Path;

use crate::{Cubic, GridFileError};

// ANCHOR: write_grid
/// Writes `grid` to `path` as CSV: the header `a,b,c,d`, then one line per cubic, in order.
///
/// Every finite number is written so that [`read_grid`] gives back exactly the same `f64`, bit
/// for bit. An empty grid gives a file holding only the header.
///
/// Errors: [`GridFileError::Io`] naming the path, with `action` "create" if the file cannot be
/// created (opened for writing) and "write" if writing to it, or flushing it, fails after it
/// was created.
pub fn write_grid(path: &Path, grid: &[Cubic]) -> Result<(), GridFileError> {
    let _ = (path, grid);
    todo!("Exercise 6.2: read book/src/lesson6.md#grid-file")
}
// ANCHOR_END: write_grid

// ANCHOR: read_grid
/// Reads a grid file written by [`write_grid`] or by seed 002's Python (`csv.DictWriter`, whose
/// lines end in `\r\n`). Blank lines are skipped, and spaces around a field are allowed, in the
/// header as in the rows: ` a , b,c,d` and `1 , 2,3 ,4` are a valid header and row.
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
