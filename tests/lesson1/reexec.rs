//! Runs one test of this suite again in a child process of its own, for the few checks that
//! need a process nobody else shares: counting the process's threads (the other tests start
//! threads of their own all the time), or watching a call that must never return.
//!
//! The test calls [`child`] first: in the child it returns `true` and the test does the inside
//! part; in the parent it returns `false` and the test starts the child with [`start`].

use std::env;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// The environment variable that tells a child which test it runs for.
const CHILD: &str = "LESSON1_SUITE_CHILD";

/// Whether this process is the child started for `test` (its path without the crate, as
/// `module_path!()` and the test's name give it).
pub fn child(test: &str) -> bool {
    env::var(CHILD).is_ok_and(|running| running == test)
}

/// What [`Running::listen_for`] heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// The line it listened for.
    Line,
    /// Nothing of the kind before the limit; the child is still running.
    Silence,
    /// The child closed its output (it ended) without printing the line.
    Ended,
}

/// A child process running one test of this suite, with its output read line by line.
pub struct Running {
    process: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

/// Starts this suite's binary again running only `test`, one test thread, output shown.
pub fn start(test: &str) -> Running {
    let binary = env::current_exe().expect("the suite cannot find its own binary");
    let filter = test.split_once("::").map_or(test, |(_, rest)| rest);
    let mut process = Command::new(binary)
        .args([filter, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD, test)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the suite could not start a copy of itself");
    let (sender, lines) = mpsc::channel();
    for stream in [
        Box::new(process.stdout.take().expect("stdout is piped")) as Box<dyn std::io::Read + Send>,
        Box::new(process.stderr.take().expect("stderr is piped")),
    ] {
        let sender = sender.clone();
        thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
    }
    Running {
        process,
        lines,
        seen: Vec::new(),
    }
}

impl Running {
    /// Waits at most `limit` for a line of output that contains `marker`.
    pub fn listen_for(&mut self, marker: &str, limit: Duration) -> Heard {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(next) => {
                    let found = next.contains(marker);
                    self.seen.push(next);
                    if found {
                        return Heard::Line;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => return Heard::Silence,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Heard::Ended,
            }
        }
    }

    /// Waits for the child to end, within `testkit::PATIENCE`; whether its test passed, and
    /// everything it printed.
    pub fn finish(mut self, what: &str, hint: &str) -> (bool, String) {
        let process = self.process;
        let status = testkit::within(testkit::PATIENCE, what, hint, move || {
            let mut process = process;
            process.wait()
        });
        self.seen.extend(self.lines.iter());
        (
            status.is_ok_and(|status| status.success()),
            quoted(&self.seen),
        )
    }

    /// Kills the child and waits for it.
    pub fn kill(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }

    /// What the child has printed so far, one line each.
    pub fn output(&mut self) -> String {
        self.seen.extend(self.lines.try_iter());
        quoted(&self.seen)
    }
}

/// The child's lines behind a margin, so that its `test result:` line, quoted in a failure
/// message, is never mistaken for this run's own by whoever reads the output (the grader does).
fn quoted(lines: &[String]) -> String {
    lines.iter().map(|line| format!("  | {line}\n")).collect()
}
