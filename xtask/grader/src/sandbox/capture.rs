//! Keeping a bounded amount of a child's output.
//!
//! A submission may print megabytes. The first `cap` bytes are kept as they came; after that,
//! only the lines libtest's result parser needs (`test NAME ... ok`, `running N tests`, the
//! failure block headers, the summary) are kept, up to another `cap` bytes, so a flood of output
//! cannot hide the results, and everything else is counted and dropped. Reading never stops, so
//! the child never blocks on a full pipe.

/// The longest line kept once the first `cap` bytes are used up; longer ones are dropped.
const MAX_LINE: usize = 4096;

/// The bounded output of one stream.
#[derive(Debug, Clone)]
pub struct Capture {
    cap: usize,
    kept: Vec<u8>,
    /// Whether the first `cap` bytes are used up: from then on only result lines are kept.
    full: bool,
    /// Bytes kept after the cap was reached (result lines only).
    kept_after_cap: usize,
    /// The line being read once the cap is reached.
    line: Vec<u8>,
    /// Whether the current line outgrew [`MAX_LINE`].
    line_too_long: bool,
    dropped: u64,
}

impl Capture {
    /// An empty capture that keeps about `cap` bytes (and up to `cap` more of result lines).
    pub fn new(cap: usize) -> Self {
        Self {
            cap,
            kept: Vec::new(),
            full: false,
            kept_after_cap: 0,
            line: Vec::new(),
            line_too_long: false,
            dropped: 0,
        }
    }

    /// Adds what the child wrote next.
    pub fn push(&mut self, mut bytes: &[u8]) {
        if !self.full {
            let take = bytes.len().min(self.cap - self.kept.len());
            self.kept.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if bytes.is_empty() {
                return;
            }
            self.full = true;
            // The cap is reached in the middle of a line: that line continues in `line`, so
            // a result line that straddles the cap is still recognized.
            let start = self
                .kept
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            self.line = self.kept.split_off(start);
        }
        for piece in bytes.split_inclusive(|&b| b == b'\n') {
            let (text, ends_line) = match piece.strip_suffix(b"\n") {
                Some(text) => (text, true),
                None => (piece, false),
            };
            if self.line_too_long || self.line.len() + text.len() > MAX_LINE {
                self.line_too_long = true;
                self.dropped += (self.line.len() + text.len()) as u64;
                self.line.clear();
            } else {
                self.line.extend_from_slice(text);
            }
            if ends_line {
                self.end_line();
            }
        }
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        let fits = self.kept_after_cap + line.len() < self.cap;
        if !self.line_too_long && fits && is_result_line(&line) {
            self.kept_after_cap += line.len() + 1;
            self.kept.extend_from_slice(&line);
            self.kept.push(b'\n');
        } else if !self.line_too_long {
            self.dropped += line.len() as u64 + 1;
        }
        self.line_too_long = false;
    }

    /// How many bytes were dropped.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// What was kept, as text (invalid UTF-8 replaced), including an unfinished last line.
    pub fn text(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.kept).into_owned();
        if !self.line.is_empty() && is_result_line(&self.line) {
            text.push_str(&String::from_utf8_lossy(&self.line));
        }
        text
    }
}

/// The lines of libtest's output that say which tests ran and how they ended.
fn is_result_line(line: &[u8]) -> bool {
    const STARTS: &[&[u8]] = &[b"test ", b"running ", b"failures:", b"successes:", b"---- "];
    STARTS.iter().any(|start| line.starts_with(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_everything_under_the_cap() {
        let mut capture = Capture::new(100);
        capture.push(b"running 1 test\n");
        capture.push(b"test a ... ");
        assert_eq!(capture.text(), "running 1 test\ntest a ... ");
        capture.push(b"ok\n");
        assert_eq!(capture.text(), "running 1 test\ntest a ... ok\n");
        assert_eq!(capture.dropped(), 0);
    }

    #[test]
    fn a_flood_keeps_the_result_lines() {
        let mut capture = Capture::new(64);
        capture.push(b"running 2 tests\ntest a ... ");
        let flood = vec![b'x'; 10_000];
        capture.push(&flood);
        capture.push(b"\nok\ntest b ... FAILED\n");
        for _ in 0..1000 {
            capture.push(b"noise noise noise\n");
        }
        capture.push(b"test result: FAILED. 1 passed; 1 failed\n");
        let text = capture.text();
        assert!(text.starts_with("running 2 tests\n"), "{text}");
        assert!(text.contains("test b ... FAILED\n"), "{text}");
        assert!(
            text.ends_with("test result: FAILED. 1 passed; 1 failed\n"),
            "{text}"
        );
        assert!(!text.contains("noise"), "{text}");
        assert!(capture.dropped() > 10_000);
    }

    #[test]
    fn a_result_line_straddling_the_cap_survives() {
        let mut capture = Capture::new(30);
        capture.push(b"running 1 test\ntest straddles ... ok\n");
        assert_eq!(capture.text(), "running 1 test\ntest straddles ... ok\n");
    }

    #[test]
    fn result_lines_after_the_cap_are_bounded_too() {
        let mut capture = Capture::new(32);
        for _ in 0..100 {
            capture.push(b"test forged ... ok\n");
        }
        assert!(capture.text().len() <= 64 + 20);
        assert!(capture.dropped() > 0);
    }
}
