//! Exercise 2: the grid as a CSV file, written and read back.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use subject::{Cubic, GridFileError, read_grid, write_grid};
use tempfile::TempDir;

use super::bits;

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
        Ok(grid) => panic!(
            "read_grid accepted the malformed file {contents:?} as {grid:?}; {}",
            super::see("grid-file")
        ),
    };
    let message = error.to_string();
    assert_eq!(
        error.line(),
        Some(line),
        "the problem in {contents:?} is on line {line} (the header is line 1), but the error \
         was {message:?}; {}",
        super::see("grid-file")
    );
    for needed in [
        format!("line {line}"),
        detail.to_string(),
        "a,b,c,d".to_string(),
    ] {
        assert!(
            message.contains(&needed),
            "the error for {contents:?} should mention {needed:?} (the line, the problem, and \
             what a valid file looks like), but it reads {message:?}; {}",
            super::see("grid-file")
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
    assert_eq!(
        lines.len(),
        3,
        "two cubics make a header and two lines, but the file is {text:?}; {}",
        super::see("grid-file")
    );
    assert_eq!(
        lines[0],
        "a,b,c,d",
        "the first line is the header; {}",
        super::see("grid-file")
    );
    let first_row: Vec<f64> = lines[1]
        .split(',')
        .map(|field| field.parse().expect("a field that is not a number"))
        .collect();
    assert_eq!(
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
    assert_eq!(
        text.trim_end(),
        "a,b,c,d",
        "an empty grid still gets its header, so the file can be read back; {}",
        super::see("grid-file")
    );
    let back = read_grid(&path);
    assert!(
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
    assert!(
        matches!(&grid, Ok(grid) if *grid == expected),
        "the first lines of seed 002's grid_params.csv (csv.DictWriter ends lines with \\r\\n) \
         should read as {expected:?}, got {grid:?}; {}",
        super::see("grid-file")
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

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = scratch();
    let path = dir.path().join("no_such_grid.csv");
    let error = read_grid(&path);
    let named = |error: &GridFileError| error.to_string().contains("no_such_grid.csv");
    assert!(
        matches!(&error, Err(error @ GridFileError::Io { .. }) if named(error)),
        "reading a file that does not exist should be Err(GridFileError::Io {{ .. }}) naming the \
         file, got {error:?}; {}",
        super::see("grid-file")
    );
}

#[test]
fn writing_where_no_file_can_be_made_is_an_error_naming_it() {
    let dir = scratch();
    let path: &Path = &dir.path().join("missing_directory").join("grid.csv");
    let error = write_grid(path, &[Cubic::new(1.0, 2.0, 3.0, 4.0)]);
    assert!(
        matches!(&error, Err(error @ GridFileError::Io { .. }) if error.to_string().contains("grid.csv")),
        "creating a file in a directory that does not exist should be Err(GridFileError::Io \
         {{ .. }}) naming the file, got {error:?}; {}",
        super::see("grid-file")
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
            super::see("grid-file")
        );
    }
    // ANCHOR_END: round_trip
}
