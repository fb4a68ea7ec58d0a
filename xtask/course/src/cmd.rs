//! Running the commands the tasks are made of: `cargo`, `git`, `mdbook`.
//!
//! Every command runs from a directory the caller names (normally the workspace root) and its
//! output is kept line by line, in the order it arrived, tagged with the stream it came from. A
//! command can also be streamed: each line is echoed as it arrives, so a long `cargo test` shows
//! its progress, and is still kept for parsing afterwards.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;

use anyhow::{Context, Result};

/// Which of the child's output streams a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// The child's standard output.
    Stdout,
    /// The child's standard error.
    Stderr,
}

/// One line of a command's output, without its line ending.
#[derive(Debug, Clone)]
pub struct Line {
    /// Where the line came from.
    pub stream: Stream,
    /// The text, decoded as UTF-8 with invalid bytes replaced.
    pub text: String,
}

/// What a finished command left behind.
#[derive(Debug)]
pub struct Output {
    /// How the command ended.
    pub status: ExitStatus,
    /// Everything it printed, in the order the lines arrived.
    pub lines: Vec<Line>,
}

impl Output {
    /// Whether the command exited with status 0.
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// The standard output alone, one `\n` after each line.
    pub fn stdout(&self) -> String {
        self.join(Some(Stream::Stdout))
    }

    /// The standard error alone, one `\n` after each line.
    pub fn stderr(&self) -> String {
        self.join(Some(Stream::Stderr))
    }

    /// Both streams, interleaved as they arrived.
    pub fn combined(&self) -> String {
        self.join(None)
    }

    fn join(&self, only: Option<Stream>) -> String {
        let mut text = String::new();
        for line in &self.lines {
            if only.is_none_or(|stream| stream == line.stream) {
                text.push_str(&line.text);
                text.push('\n');
            }
        }
        text
    }
}

/// How much of a command's output reaches the terminal while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Echo {
    /// Nothing: the caller decides what to show afterwards.
    Quiet,
    /// Every line, as it arrives.
    Stream,
}

/// A command to run: a builder around [`std::process::Command`] that remembers how to show
/// itself to the user.
#[derive(Debug, Clone)]
pub struct Cmd {
    program: OsString,
    shown_as: String,
    args: Vec<OsString>,
    dir: PathBuf,
    /// Variables to set, and whether [`Cmd::display`] shows them.
    envs: Vec<(OsString, OsString, bool)>,
    echo: Echo,
}

impl Cmd {
    /// A command running `program` in `dir`.
    pub fn new(program: impl AsRef<OsStr>, dir: &Path) -> Self {
        let program = program.as_ref().to_owned();
        let shown_as = Path::new(&program)
            .file_stem()
            .map_or_else(|| program.to_string_lossy(), |stem| stem.to_string_lossy())
            .into_owned();
        Self {
            program,
            shown_as,
            args: Vec::new(),
            dir: dir.to_owned(),
            envs: Vec::new(),
            echo: Echo::Quiet,
        }
    }

    /// A `cargo` command in `dir`, using the cargo that runs this task (the `CARGO` variable
    /// cargo sets for `cargo run`), so the whole run uses one toolchain.
    pub fn cargo(dir: &Path) -> Self {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        Self::new(program, dir)
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Adds several arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|arg| arg.as_ref().to_owned()));
        self
    }

    /// Sets an environment variable for the command; [`Cmd::display`] shows it.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.envs
            .push((key.as_ref().to_owned(), value.as_ref().to_owned(), true));
        self
    }

    /// Sets an environment variable that only tunes how the command runs, so
    /// [`Cmd::display`] leaves it out to keep the shown command short.
    pub fn quiet_env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.envs
            .push((key.as_ref().to_owned(), value.as_ref().to_owned(), false));
        self
    }

    /// Echoes the output as it arrives (it is kept for parsing all the same). When this
    /// process writes to a terminal, cargo is asked for colours too.
    pub fn streamed(mut self) -> Self {
        self.echo = Echo::Stream;
        if std::io::stdout().is_terminal() && std::env::var_os("CARGO_TERM_COLOR").is_none() {
            self = self.quiet_env("CARGO_TERM_COLOR", "always");
        }
        self
    }

    /// The command as a user would type it, such as `cargo test -p lesson1`. Environment
    /// variables set for it come first, as a shell would take them.
    pub fn display(&self) -> String {
        let mut shown = String::new();
        for (key, value, shown_env) in &self.envs {
            if *shown_env {
                let _ = write!(
                    shown,
                    "{}={} ",
                    key.to_string_lossy(),
                    quoted(&value.to_string_lossy())
                );
            }
        }
        shown.push_str(&self.shown_as);
        for arg in &self.args {
            shown.push(' ');
            shown.push_str(&quoted(&arg.to_string_lossy()));
        }
        shown
    }

    /// Runs the command to its end and collects its output. Fails only when the command
    /// cannot be started at all; a command that runs and exits non-zero is an `Ok` whose
    /// [`Output::success`] is false.
    pub fn run(&self) -> Result<Output> {
        self.run_observed(&mut |_| {})
    }

    /// [`Cmd::run`], handing each line to `observe` as it arrives (to show progress).
    pub fn run_observed(&self, observe: &mut dyn FnMut(&Line)) -> Result<Output> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value, _) in &self.envs {
            command.env(key, value);
        }
        let mut child = command.spawn().with_context(|| {
            format!(
                "could not start `{}` in {}: is `{}` installed and on the PATH?",
                self.display(),
                self.dir.display(),
                self.shown_as
            )
        })?;

        let (sender, receiver) = mpsc::channel();
        let readers = [
            child
                .stdout
                .take()
                .map(|out| reader(out, Stream::Stdout, sender.clone())),
            child
                .stderr
                .take()
                .map(|err| reader(err, Stream::Stderr, sender.clone())),
        ];
        drop(sender);

        let mut lines = Vec::new();
        for line in receiver {
            self.show(&line);
            observe(&line);
            lines.push(line);
        }
        for handle in readers.into_iter().flatten() {
            let _ = handle.join();
        }
        let status = child
            .wait()
            .with_context(|| format!("could not wait for `{}` to finish", self.display()))?;
        Ok(Output { status, lines })
    }

    fn show(&self, line: &Line) {
        // A hung test is the one thing worth showing from a quiet run while it happens:
        // libtest announces it after a minute, and without this the run would look frozen.
        let hung = line.text.contains("has been running for over");
        if self.echo == Echo::Stream || hung {
            match line.stream {
                Stream::Stdout => {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{}", line.text);
                    let _ = out.flush();
                }
                Stream::Stderr => eprintln!("{}", line.text),
            }
        }
    }
}

/// Reads `source` line by line on its own thread and sends each line down `sender`.
fn reader(
    source: impl Read + Send + 'static,
    stream: Stream,
    sender: mpsc::Sender<Line>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut source = BufReader::new(source);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match source.read_until(b'\n', &mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    while buffer.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                        buffer.pop();
                    }
                    let text = String::from_utf8_lossy(&buffer).into_owned();
                    if sender.send(Line { stream, text }).is_err() {
                        break;
                    }
                }
            }
        }
    })
}

/// Quotes an argument for display when a shell would need it.
fn quoted(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,%".contains(c));
    if plain {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_reads_like_a_shell_command() {
        let cmd = Cmd::new("/usr/bin/cargo", Path::new("."))
            .args(["test", "-p", "lesson1", "--", "has space"])
            .env("CARGO_TARGET_DIR", "target/x")
            .quiet_env("CARGO_TERM_COLOR", "always");
        assert_eq!(
            cmd.display(),
            "CARGO_TARGET_DIR=target/x cargo test -p lesson1 -- 'has space'"
        );
    }

    #[cfg(unix)]
    #[test]
    fn run_keeps_both_streams() {
        let output = Cmd::new("sh", Path::new("."))
            .args(["-c", "echo out; echo err >&2; exit 3"])
            .run()
            .unwrap();
        assert!(!output.success());
        assert_eq!(output.stdout(), "out\n");
        assert_eq!(output.stderr(), "err\n");
        assert_eq!(output.lines.len(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn an_observer_sees_every_line_as_it_comes() {
        let mut seen = Vec::new();
        let output = Cmd::new("sh", Path::new("."))
            .args(["-c", "echo one; echo two"])
            .run_observed(&mut |line| seen.push(line.text.clone()))
            .unwrap();
        assert_eq!(seen, ["one", "two"]);
        assert_eq!(output.lines.len(), 2);
    }

    #[test]
    fn a_missing_program_is_a_clear_error() {
        let error = Cmd::new("no-such-program-xtask", Path::new("."))
            .run()
            .unwrap_err();
        assert!(format!("{error:#}").contains("is `no-such-program-xtask` installed"));
    }
}
