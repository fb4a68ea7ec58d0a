//! Exercise 2: the grid as a CSV file, `grid_params.csv` in seed 002.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use csv::{DeserializeErrorKind, ErrorKind, StringRecord};

use crate::Cubic;

/// The header every grid file starts with.
const HEADER: [&str; 4] = ["a", "b", "c", "d"];

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

/// Writes `grid` to `path` as CSV: the header `a,b,c,d`, then one line per cubic, in order.
///
/// Every number is written so that [`read_grid`] gives back exactly the same `f64`, bit for bit.
/// An empty grid gives a file holding only the header.
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
/// lines end in `\r\n`).
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
