//! Exercise 2: the grid as a CSV file, written and read back.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use subject::{Cubic, GridFileError, read_grid, write_grid};
use tempfile::TempDir;
use testkit::{check, check_eq, fail};

use super::bits;

const BOOK: testkit::Book = super::book("grid-file");

/// A scratch directory for one test, deleted when the test ends.
fn scratch() -> TempDir {
    tempfile::tempdir().expect("the test could not create a temporary directory")
}

/// `contents` written to `grid_params.csv` in `dir`.
fn file_with(dir: &TempDir, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.path().join("grid_params.csv");
    fs::write(&path, contents).expect("the test could not write its input file");
    path
}

fn coefficients(grid: &[Cubic]) -> Vec<u64> {
    let flat: Vec<f64> = grid.iter().flat_map(|c| [c.a, c.b, c.c, c.d]).collect();
    bits(&flat)
}

/// Reads a file that holds `contents` and checks the error points at `line` and mentions
/// `detail`, besides saying what a valid file looks like.
// ANCHOR: assert_refused
fn assert_refused(contents: impl AsRef<[u8]>, line: u64, detail: &str) {
    let dir = scratch();
    let path = file_with(&dir, &contents);
    let contents = String::from_utf8_lossy(contents.as_ref());
    let error = match read_grid(&path) {
        Err(error) => error,
        Ok(grid) => fail!("read_grid accepted the malformed file {contents:?} as {grid:?}"),
    };
    let message = error.to_string();
    check_eq!(
        error.line(),
        Some(line),
        "the problem in {contents:?} is on line {line} (the header is line 1), but the error \
         was {message:?}",
    );
    for needed in [
        format!("line {line}"),
        detail.to_string(),
        "a,b,c,d".to_string(),
    ] {
        check!(
            message.contains(&needed),
            "the error for {contents:?} should mention {needed:?} (the line, the problem, and \
             what a valid file looks like), but it reads {message:?}",
        );
    }
}
// ANCHOR_END: assert_refused

#[test]
fn the_file_is_a_header_then_one_line_per_cubic() {
    let dir = scratch();
    let path = dir.path().join("grid_params.csv");
    let grid = [
        Cubic::new(0.0, 0.5, 1.0, 0.25),
        Cubic::new(-1.5, 2.0, 3.0, 4.0),
    ];
    write_grid(&path, &grid).expect("write_grid failed on a writable path");
    let text = fs::read_to_string(&path).expect("write_grid left no readable file");
    let lines: Vec<&str> = text.lines().collect();
    check_eq!(
        lines.len(),
        3,
        "two cubics make a header and two lines, but the file is {text:?}",
    );
    check_eq!(lines[0], "a,b,c,d", "the first line is the header",);
    let first_row: Vec<f64> = lines[1]
        .split(',')
        .map(|field| field.parse().expect("a field that is not a number"))
        .collect();
    check_eq!(
        first_row,
        vec![0.0, 0.5, 1.0, 0.25],
        "line 2 holds the first cubic's a, b, c and d"
    );
}

#[test]
fn an_empty_grid_is_just_the_header() {
    let dir = scratch();
    let path = dir.path().join("grid_params.csv");
    write_grid(&path, &[]).expect("write_grid failed on a writable path");
    let text = fs::read_to_string(&path).expect("write_grid left no readable file");
    check_eq!(
        text.trim_end(),
        "a,b,c,d",
        "an empty grid still gets its header, so the file can be read back",
    );
    let back = read_grid(&path);
    check!(
        matches!(&back, Ok(grid) if grid.is_empty()),
        "a file with only the header is an empty grid, got {back:?}"
    );
}

#[test]
fn reads_the_file_pythons_dictwriter_writes() {
    let dir = scratch();
    let path = file_with(
        &dir,
        "a,b,c,d\r\n0.0,0.0,0.0,0.0\r\n0.0,0.0,0.0,0.1111111111111111\r\n",
    );
    let grid = read_grid(&path);
    let expected = vec![
        Cubic::new(0.0, 0.0, 0.0, 0.0),
        Cubic::new(0.0, 0.0, 0.0, 1.0 / 9.0),
    ];
    check!(
        matches!(&grid, Ok(grid) if *grid == expected),
        "the first lines of seed 002's grid_params.csv (csv.DictWriter ends lines with \\r\\n) \
         should read as {expected:?}, got {grid:?}",
    );
}

#[test]
fn an_empty_file_is_refused_at_line_1() {
    assert_refused("", 1, "empty");
}

#[test]
fn a_wrong_header_is_refused_at_line_1() {
    assert_refused("x,y,z,w\n1,2,3,4\n", 1, "x,y,z,w");
    assert_refused("a,b,c\n1,2,3\n", 1, "header");
}

#[test]
fn a_row_of_the_wrong_length_is_refused_with_its_line() {
    assert_refused("a,b,c,d\n1,2,3,4\n5,6,7\n", 3, "3 fields");
    assert_refused("a,b,c,d\n1,2,3,4,5\n", 2, "5 fields");
}

#[test]
fn a_field_that_is_not_a_number_is_refused_with_its_line() {
    assert_refused("a,b,c,d\n1,2,3,4\n5,6,7,8\n1,two,3,4\n", 4, "two");
}

#[test]
fn blank_lines_and_pythons_line_ends_still_count() {
    assert_refused("a,b,c,d\n\n1,2,3,4\n\n0.5,0.5,oops,0.5\n", 5, "oops");
    assert_refused("a,b,c,d\r\n0.0,0.0,0.0,0.0\r\n0.0,x,0.0,0.0\r\n", 3, "x");
}

#[test]
fn bytes_that_are_not_text_are_refused_with_their_line() {
    assert_refused(b"a,b,c,d\n1,2,3,4\n\xff,2,3,4\n", 3, "UTF-8");
}

/// Checks that `outcome` is a [`GridFileError::Io`] about the file `name`, with `action` and,
/// as its source, the operating system's own error of `kind`; `doing` says what was tried.
fn assert_io_error<T: std::fmt::Debug>(
    outcome: Result<T, GridFileError>,
    doing: &str,
    name: &str,
    action: &str,
    kind: std::io::ErrorKind,
) {
    let error = match outcome {
        Err(error @ GridFileError::Io { .. }) => error,
        other => fail!(
            "{doing} should be Err(GridFileError::Io {{ action: {action:?}, .. }}), got {other:?}"
        ),
    };
    let GridFileError::Io {
        path,
        action: named,
        source,
    } = &error
    else {
        unreachable!("matched just above")
    };
    check_eq!(
        error.line(),
        None,
        "{doing}: an I/O error is about no line of the file"
    );
    check_eq!(
        *named,
        action,
        "{doing}: the error's action says what was being done when it failed, so it should be          {action:?}, and it reads {error}"
    );
    check!(
        path.ends_with(name) && error.to_string().contains(name),
        "{doing}: the error should name the file {name}, but it is {error:?}"
    );
    check!(
        source.kind() == kind
            && std::error::Error::source(&error).is_some_and(|inner| inner.is::<std::io::Error>()),
        "{doing}: the error's source should be what the operating system said ({kind:?}), the \
         io::Error itself, not one wrapped around another error; got {source:?}"
    );
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = scratch();
    let path = dir.path().join("no_such_grid.csv");
    assert_io_error(
        read_grid(&path),
        "reading a file that does not exist",
        "no_such_grid.csv",
        "read",
        std::io::ErrorKind::NotFound,
    );
}

#[test]
fn writing_where_no_file_can_be_made_is_an_error_naming_it() {
    let dir = scratch();
    let path: &Path = &dir.path().join("missing_directory").join("grid.csv");
    assert_io_error(
        write_grid(path, &[Cubic::new(1.0, 2.0, 3.0, 4.0)]),
        "creating a file in a directory that does not exist",
        "grid.csv",
        "create",
        std::io::ErrorKind::NotFound,
    );
}

/// Linux's `/dev/full` opens for writing but refuses every write ("no space left on device"):
/// a file that can be created but not written. `None` where it cannot be opened (another
/// system, or a sandbox that forbids it), and then the test has nothing to try.
fn full_device() -> Option<&'static Path> {
    let path = Path::new("/dev/full");
    fs::OpenOptions::new().write(true).open(path).ok()?;
    Some(path)
}

#[test]
fn a_file_that_cannot_be_written_is_a_write_error() {
    let Some(full) = full_device() else {
        eprintln!("no writable /dev/full here: nothing to check");
        return;
    };
    // Some rows, then thousands: a writer that buffers fails on its flush, or on a row.
    for rows in [1, 5_000] {
        let grid: Vec<Cubic> = (0..rows)
            .map(|i| Cubic::new(f64::from(i) / 7.0, 1.0 / 3.0, -2.0 / 3.0, 0.1))
            .collect();
        assert_io_error(
            write_grid(full, &grid),
            &format!("writing {rows} rows to /dev/full, which opens but takes no byte"),
            "full",
            "write",
            std::io::ErrorKind::StorageFull,
        );
    }
}

#[test]
fn spaces_around_fields_and_blank_lines_are_allowed() {
    let dir = scratch();
    let path = file_with(
        &dir,
        " a , b,c ,d\n\n1 , 2,3 ,4\r\n\r\n  0.5,0.25 , -1,  2\n",
    );
    let grid = read_grid(&path);
    let expected = vec![
        Cubic::new(1.0, 2.0, 3.0, 4.0),
        Cubic::new(0.5, 0.25, -1.0, 2.0),
    ];
    check!(
        matches!(&grid, Ok(grid) if *grid == expected),
        "spaces around a field are allowed, in the header as in the rows (csv::Trim::All), so \
         \" a , b,c ,d\" is the header and \"1 , 2,3 ,4\" the cubic (1, 2, 3, 4), and blank \
         lines are skipped; expected {expected:?}, got {grid:?}"
    );
}

fn any_finite() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    // ANCHOR: round_trip
    #[test]
    fn a_written_grid_reads_back_bit_for_bit(
        grid in proptest::collection::vec(
            (any_finite(), any_finite(), any_finite(), any_finite())
                .prop_map(|(a, b, c, d)| Cubic::new(a, b, c, d)),
            0..40,
        ),
    ) {
        let dir = scratch();
        let path = dir.path().join("grid_params.csv");
        write_grid(&path, &grid).expect("write_grid failed on a writable path");
        let back = read_grid(&path).expect("read_grid refused a file write_grid wrote");
        prop_assert_eq!(
            coefficients(&back),
            coefficients(&grid),
            "the grid read back differs from the grid written: every f64 must survive the \
             trip through text exactly; {}",
            BOOK
        );
    }
    // ANCHOR_END: round_trip
}
