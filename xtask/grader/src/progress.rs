//! The progress indicator on standard error while grading: a bar redrawn in place on a
//! terminal, one line per graded lesson otherwise (a CI log).

use std::io::{IsTerminal, Write};
use std::time::Instant;

use course::report::duration;

/// The bar's width in characters.
const WIDTH: usize = 24;

/// Progress over `total` lessons to grade.
#[derive(Debug)]
pub struct Progress {
    total: usize,
    done: usize,
    terminal: bool,
    started: Instant,
}

impl Progress {
    /// Progress over `total` steps, drawn as a bar when standard error is a terminal.
    pub fn new(total: usize) -> Self {
        Self {
            total,
            done: 0,
            terminal: std::io::stderr().is_terminal(),
            started: Instant::now(),
        }
    }

    /// Shows what is happening now: `alice lesson2: building`.
    pub fn stage(&mut self, submission: &str, lesson: &str, what: &str) {
        if self.terminal {
            let line = format!(
                "{} {}/{} {submission} {lesson}: {what}",
                bar(self.done, self.total),
                self.done,
                self.total
            );
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{line}");
            let _ = err.flush();
        }
    }

    /// Records a finished step and prints its one-line summary.
    pub fn finished(&mut self, summary: &str) {
        self.done += 1;
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r\x1b[2K");
        }
        let _ = writeln!(
            err,
            "[{}/{} {}] {summary}",
            self.done,
            self.total,
            duration(self.started.elapsed())
        );
        let _ = err.flush();
    }
}

/// `[#####-------]` for `done` of `total`.
fn bar(done: usize, total: usize) -> String {
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(WIDTH - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_proportion() {
        assert_eq!(bar(0, 4), format!("[{}]", "-".repeat(WIDTH)));
        assert_eq!(bar(2, 4), format!("[{}{}]", "#".repeat(12), "-".repeat(12)));
        assert_eq!(bar(4, 4), format!("[{}]", "#".repeat(WIDTH)));
        assert_eq!(bar(0, 0), format!("[{}]", "#".repeat(WIDTH)));
    }
}
