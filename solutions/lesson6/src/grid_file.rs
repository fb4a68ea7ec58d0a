//! Exercise 2: the grid as a CSV file, `grid_params.csv` in seed 002.
//!
//! Use the csv crate (`csv::WriterBuilder`, `csv::ReaderBuilder`) and the serde derives on
//! [`Cubic`]; parsing CSV by hand is how files with quotes, `\r\n` line ends or a byte-order
//! mark end up misread. The error type, [`GridFileError`], is given in `errors.rs`: fill in its
//! fields as the docs below say.

use std::fs;
use std::io;
use std::path::Path;

use csv::{DeserializeErrorKind, ErrorKind, StringRecord};

use crate::{Cubic, GridFileError};

/// The header every grid file starts with.
const HEADER: [&str; 4] = ["a", "b", "c", "d"];

/// Writes `grid` to `path` as CSV: the header `a,b,c,d`, then one line per cubic, in order.
///
/// Every finite number is written so that [`read_grid`] gives back exactly the same `f64`, bit
/// for bit. An empty grid gives a file holding only the header.
///
/// Errors: [`GridFileError::Io`] naming the path, with `action` "create" if the file cannot be
/// created (opened for writing) and "write" if writing to it, or flushing it, fails after it
/// was created.
// ANCHOR: write_grid
pub fn write_grid(path: &Path, grid: &[Cubic]) -> Result<(), GridFileError> {
    let io_error = |action, err: csv::Error| io_failure(path, action, into_io(err));
    let mut writer = csv::WriterBuilder::new()
        // Written by hand, so that an empty grid still gets its header.
        .has_headers(false)
        .from_path(path)
        .map_err(|err| io_error("create", err))?;
    writer
        .write_record(HEADER)
        .map_err(|err| io_error("write", err))?;
    for cubic in grid {
        writer
            .serialize(cubic)
            .map_err(|err| io_error("write", err))?;
    }
    writer.flush().map_err(|err| io_failure(path, "write", err))
}
// ANCHOR_END: write_grid

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
// ANCHOR: read_grid
pub fn read_grid(path: &Path) -> Result<Vec<Cubic>, GridFileError> {
    let bytes = fs::read(path).map_err(|err| io_failure(path, "read", err))?;
    let mut reader = csv::ReaderBuilder::new()
        // Rows of the wrong length are reported by `parse_row`, with a clearer message.
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let header = reader
        .headers()
        .map_err(|err| read_failure(path, &bytes, err))?
        .clone();
    check_header(&header).map_err(|problem| malformed(path, 1, problem))?;
    let mut grid = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|err| read_failure(path, &bytes, err))?;
        let line = record
            .position()
            .map_or(0, |position| line_at(&bytes, position));
        let cubic =
            parse_row(&record, &header).map_err(|problem| malformed(path, line, problem))?;
        grid.push(cubic);
    }
    Ok(grid)
}
// ANCHOR_END: read_grid

fn check_header(header: &StringRecord) -> Result<(), String> {
    if header.is_empty() {
        return Err("the file is empty, but the header `a,b,c,d` was expected".to_string());
    }
    if header.iter().ne(HEADER) {
        let found: Vec<&str> = header.iter().collect();
        return Err(format!(
            "the header is `{}`, but it must be `a,b,c,d`",
            found.join(",")
        ));
    }
    Ok(())
}

fn parse_row(record: &StringRecord, header: &StringRecord) -> Result<Cubic, String> {
    if record.len() != HEADER.len() {
        let found: Vec<&str> = record.iter().collect();
        return Err(format!(
            "the row `{}` has {} fields, but a grid row needs 4 (a, b, c and d)",
            found.join(","),
            record.len()
        ));
    }
    record
        .deserialize(Some(header))
        .map_err(|err| match err.kind() {
            ErrorKind::Deserialize { err, .. } => describe_bad_field(record, err),
            _ => format!("the row could not be read: {err}"),
        })
}

fn describe_bad_field(record: &StringRecord, err: &csv::DeserializeError) -> String {
    let column = err.field().and_then(|i| usize::try_from(i).ok());
    match (column, err.kind()) {
        (Some(i), DeserializeErrorKind::ParseFloat(_)) => format!(
            "column {} holds `{}`, which is not a number",
            HEADER[i], &record[i]
        ),
        _ => format!("the row could not be read: {err}"),
    }
}

fn malformed(path: &Path, line: u64, problem: String) -> GridFileError {
    GridFileError::Malformed {
        path: path.to_path_buf(),
        line,
        problem,
    }
}

/// The line, counting from 1, of the record that starts at `position`.
///
/// The csv crate's own `Position::line` is not what an editor shows once a file has `\r\n` line
/// ends (as Python writes them) or blank lines, so count the line breaks before the record's
/// first byte instead. A record's position can fall on the line breaks that precede it.
// ANCHOR: line_at
fn line_at(bytes: &[u8], position: &csv::Position) -> u64 {
    let offset = usize::try_from(position.byte()).map_or(bytes.len(), |o| o.min(bytes.len()));
    let breaks_before = bytes[offset..]
        .iter()
        .take_while(|&&byte| byte == b'\r' || byte == b'\n')
        .count();
    let start = offset + breaks_before;
    let newlines = bytes[..start].iter().filter(|&&byte| byte == b'\n').count();
    newlines as u64 + 1
}
// ANCHOR_END: line_at

/// A reading error from the csv crate: bytes that are not UTF-8 are the file's fault, anything
/// else is unexpected, since the whole file is already in memory.
fn read_failure(path: &Path, bytes: &[u8], err: csv::Error) -> GridFileError {
    match err.kind() {
        ErrorKind::Utf8 { pos, .. } => malformed(
            path,
            pos.as_ref().map_or(0, |position| line_at(bytes, position)),
            "the line is not valid UTF-8 text".to_string(),
        ),
        _ => io_failure(path, "read", into_io(err)),
    }
}

fn io_failure(path: &Path, action: &'static str, source: io::Error) -> GridFileError {
    GridFileError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// The operating system's error inside a csv error, or the csv error itself wrapped as one.
fn into_io(err: csv::Error) -> io::Error {
    if !matches!(err.kind(), ErrorKind::Io(_)) {
        return io::Error::other(err);
    }
    match err.into_kind() {
        ErrorKind::Io(source) => source,
        _ => unreachable!("the kind was checked just above"),
    }
}
