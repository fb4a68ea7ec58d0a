//! Wording and plain-text tables for what the tasks print.

use std::fmt::Write as _;
use std::time::Duration;

/// `1 test`, `2 tests`: `word` with an `s` unless there is exactly one.
pub fn plural(count: usize, word: &str) -> String {
    counted(count, word, &format!("{word}s"))
}

/// `count` followed by `one` when it is exactly 1, else by `many`: `2 tests are`.
pub fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Up to `max` names joined with commas, then `…` and how many were left out.
pub fn some_names<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let mut shown: Vec<&str> = names.iter().take(max).map(AsRef::as_ref).collect();
    let rest;
    if names.len() > max {
        rest = format!("… ({} more)", names.len() - max);
        shown.push(&rest);
    }
    shown.join(", ")
}

/// A duration as a person reads it: `0.4s`, `12s`, `3m05s`.
pub fn duration(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds < 10.0 {
        format!("{seconds:.1}s")
    } else if seconds < 60.0 {
        format!("{seconds:.0}s")
    } else {
        let whole = elapsed.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

/// A table of left-aligned text columns, separated by two spaces, with a header row and a
/// rule under it.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column headings.
    pub fn new<S: ToString>(header: &[S]) -> Self {
        Self {
            header: header.iter().map(ToString::to_string).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are left empty.
    pub fn row<S: ToString>(&mut self, cells: &[S]) {
        self.rows
            .push(cells.iter().map(ToString::to_string).collect());
    }

    /// The table as text, each line indented by `indent` spaces and ended by `\n`.
    pub fn render(&self, indent: usize) -> String {
        let columns = self.header.len();
        let mut widths = vec![0; columns];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut text = String::new();
        let mut line = |cells: &[String]| {
            let mut out = " ".repeat(indent);
            for (index, width) in widths.iter().enumerate() {
                let cell = cells.get(index).map_or("", String::as_str);
                if index + 1 == columns {
                    out.push_str(cell);
                } else {
                    let _ = write!(out, "{cell:<width$}  ");
                }
            }
            text.push_str(out.trim_end());
            text.push('\n');
        };
        line(&self.header);
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        line(&rule);
        for row in &self.rows {
            line(row);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_lists() {
        assert_eq!(plural(1, "test"), "1 test");
        assert_eq!(plural(0, "test"), "0 tests");
        assert_eq!(counted(2, "test is", "tests are"), "2 tests are");
        assert_eq!(some_names(&["a", "b", "c"], 2), "a, b, … (1 more)");
        assert_eq!(some_names(&["a"], 2), "a");
        assert_eq!(duration(Duration::from_millis(400)), "0.4s");
        assert_eq!(duration(Duration::from_secs(12)), "12s");
        assert_eq!(duration(Duration::from_secs(185)), "3m05s");
    }

    #[test]
    fn tables_align_their_columns() {
        let mut table = Table::new(&["step", "status", "detail"]);
        table.row(&["fmt", "ok", ""]);
        table.row(&["clippy", "FAILED", "2 errors"]);
        assert_eq!(
            table.render(2),
            "  step    status  detail\n  ------  ------  --------\n  fmt     ok\n  \
             clippy  FAILED  2 errors\n"
        );
    }
}
