//! Building and testing one package with cargo, and reading what cargo reports.
//!
//! [`test_package`] is the one way every task runs a lesson's tests: it compiles the tests
//! first (`cargo test --no-run`, with cargo's JSON messages, so a compile error is told apart
//! from a failing test), then runs them with `--no-fail-fast` and reads the results with
//! [`crate::libtest`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;

use crate::cmd::{Cmd, Line, Output};
use crate::libtest::TestRun;
use crate::report::plural;

/// How many times loom may preempt a thread in one explored execution. loom itself sets no
/// bound; three finds every bug in the course's small models and keeps each run to seconds.
pub const LOOM_MAX_PREEMPTIONS: &str = "3";

/// One diagnostic from the compiler, out of cargo's `--message-format=json` stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// `error`, `warning`, …
    pub level: String,
    /// The message as rustc would print it, with its source excerpt.
    pub rendered: String,
    /// The manifest of the package the diagnostic is about.
    pub manifest_path: PathBuf,
}

impl Diagnostic {
    /// Whether it is an error (as opposed to a warning or a note).
    pub fn is_error(&self) -> bool {
        self.level.starts_with("error")
    }

    /// Whether it is a warning.
    pub fn is_warning(&self) -> bool {
        self.level == "warning"
    }
}

/// What a `cargo build`/`cargo test --no-run` with `--message-format=json` reported.
#[derive(Debug)]
pub struct Build {
    /// The command's output: JSON lines on stdout, cargo's own messages on stderr.
    pub output: Output,
    /// The compiler's diagnostics, each once (cargo reports a diagnostic again for every
    /// target that compiles the same file, such as `lib` and `lib test`).
    pub diagnostics: Vec<Diagnostic>,
}

impl Build {
    /// Runs `cmd`, which must ask for `--message-format=json`.
    pub fn run(cmd: &Cmd) -> Result<Self> {
        Self::run_observed(cmd, &mut |_| {})
    }

    /// [`Build::run`], handing each line to `observe` as it arrives.
    pub fn run_observed(cmd: &Cmd, observe: &mut dyn FnMut(&Line)) -> Result<Self> {
        let output = cmd.run_observed(observe)?;
        let diagnostics = diagnostics(&output.stdout());
        Ok(Self {
            output,
            diagnostics,
        })
    }

    /// Whether the build succeeded.
    pub fn success(&self) -> bool {
        self.output.success()
    }

    /// The compile errors. When cargo failed before compiling anything (a broken manifest, a
    /// missing dependency), there are none to read, so this gives cargo's own error lines.
    pub fn errors(&self) -> Vec<String> {
        let errors: Vec<String> = self
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.rendered.trim_end().to_owned())
            .collect();
        if errors.is_empty() && !self.success() {
            let stderr = self.output.stderr();
            let cargo_errors: Vec<&str> = stderr
                .lines()
                .skip_while(|line| !line.starts_with("error"))
                .collect();
            return vec![if cargo_errors.is_empty() {
                stderr.trim_end().to_owned()
            } else {
                cargo_errors.join("\n")
            }];
        }
        errors
    }
}

/// Reads the compiler diagnostics out of cargo's JSON message stream, dropping duplicates.
pub fn diagnostics(json_lines: &str) -> Vec<Diagnostic> {
    #[derive(Deserialize)]
    struct CargoMessage {
        reason: String,
        manifest_path: Option<PathBuf>,
        message: Option<CompilerMessage>,
    }
    #[derive(Deserialize)]
    struct CompilerMessage {
        level: String,
        rendered: Option<String>,
        message: String,
    }

    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for line in json_lines.lines().filter(|line| line.starts_with('{')) {
        let Ok(parsed) = serde_json::from_str::<CargoMessage>(line) else {
            continue;
        };
        let (Some(message), Some(manifest_path)) = (parsed.message, parsed.manifest_path) else {
            continue;
        };
        if parsed.reason != "compiler-message" {
            continue;
        }
        let diagnostic = Diagnostic {
            level: message.level,
            rendered: message.rendered.unwrap_or(message.message),
            manifest_path,
        };
        if seen.insert((diagnostic.level.clone(), diagnostic.rendered.clone())) {
            found.push(diagnostic);
        }
    }
    found
}

/// What running a package's tests gave.
#[derive(Debug)]
pub enum TestReport {
    /// The package or its tests do not compile.
    DoesNotCompile {
        /// The compile errors, each as rustc renders it.
        errors: Vec<String>,
    },
    /// The tests ran.
    Ran {
        /// The results read from the harness's output.
        run: TestRun,
        /// The `cargo test` run itself, for a caller that wants to show it.
        output: Output,
    },
}

/// Which package's tests to run, and where.
#[derive(Debug, Clone)]
pub struct PackageTests<'a> {
    /// The workspace to run in.
    pub workspace: &'a Path,
    /// The package, as `-p` takes it.
    pub package: &'a str,
    /// A target directory other than the workspace's own (`CARGO_TARGET_DIR`).
    pub target_dir: Option<&'a Path>,
    /// Whether failures are expected (stubs, mutants, a student's work in progress): then
    /// proptest is told not to save failing cases, which it would otherwise write next to the
    /// shared suite as `*.proptest-regressions` files.
    pub failures_expected: bool,
    /// Whether to print each cargo command before it runs.
    pub show_commands: bool,
    /// Which of the package's test targets to build and run.
    pub targets: Targets<'a>,
    /// Only the tests whose names contain one of these (libtest's filters); all when empty.
    pub filters: &'a [String],
}

/// The test targets of a package a [`PackageTests`] builds and runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets<'a> {
    /// All of them, as a plain `cargo test` does: unit tests, every test target, examples
    /// and doc tests.
    All,
    /// Only the lesson's suite, `--test suite`.
    Suite,
    /// Only this loom models target (`--test NAME`), in release mode under `--cfg loom`.
    Loom(&'a str),
}

impl PackageTests<'_> {
    fn cargo(&self) -> Cmd {
        let mut cmd = Cmd::cargo(self.workspace);
        if let Some(dir) = self.target_dir {
            cmd = cmd.env("CARGO_TARGET_DIR", dir);
        }
        if self.failures_expected {
            cmd = cmd.quiet_env("PROPTEST_DISABLE_FAILURE_PERSISTENCE", "1");
        }
        if matches!(self.targets, Targets::Loom(_)) {
            cmd = cmd
                .env("RUSTFLAGS", "--cfg loom")
                .env("LOOM_MAX_PREEMPTIONS", LOOM_MAX_PREEMPTIONS);
        }
        cmd
    }

    /// `cargo test -p PACKAGE`, narrowed to the targets asked for.
    fn test_command(&self) -> Cmd {
        let cmd = self.cargo().args(["test", "-p", self.package]);
        match self.targets {
            Targets::All => cmd,
            Targets::Suite => cmd.args(["--test", "suite"]),
            Targets::Loom(models) => cmd.args(["--release", "--test", models]),
        }
    }

    fn announce(&self, cmd: &Cmd) {
        if self.show_commands {
            println!("$ {}", cmd.display());
        }
    }

    /// Compiles the package's tests, then runs them all (`--no-fail-fast`).
    pub fn run(&self) -> Result<TestReport> {
        self.run_observed(&mut |_| {})
    }

    /// [`PackageTests::run`], handing every line cargo and the tests print to `observe` as it
    /// arrives, so a caller can show how far the build and the run are.
    pub fn run_observed(&self, observe: &mut dyn FnMut(&Line)) -> Result<TestReport> {
        let build = self
            .test_command()
            .args(["--no-run", "--message-format=json"]);
        self.announce(&build);
        let build = Build::run_observed(&build, observe)?;
        if !build.success() {
            return Ok(TestReport::DoesNotCompile {
                errors: build.errors(),
            });
        }
        let mut test = self.test_command().arg("--no-fail-fast");
        if !self.filters.is_empty() {
            test = test.arg("--").args(self.filters);
        }
        self.announce(&test);
        let output = test.run_observed(observe)?;
        let run = TestRun::parse(&output.stdout());
        Ok(TestReport::Ran { run, output })
    }
}

/// The first `lines` lines of `text`, with a note of how many were left out.
pub fn first_lines(text: &str, lines: usize) -> String {
    let total = text.lines().count();
    let mut shown: Vec<&str> = text.lines().take(lines).collect();
    let note;
    if total > lines {
        note = format!("… ({})", plural(total - lines, "more line"));
        shown.push(&note);
    }
    shown.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_diagnostics_once_each() {
        let stream = r#"{"reason":"compiler-artifact","package_id":"x","manifest_path":"/w/lessons/lesson1/Cargo.toml"}
{"reason":"compiler-message","package_id":"x","manifest_path":"/w/lessons/lesson1/Cargo.toml","target":{"kind":["lib"]},"message":{"rendered":"warning: unused variable: `a`\n","level":"warning","message":"unused variable: `a`","spans":[]}}
{"reason":"compiler-message","package_id":"x","manifest_path":"/w/lessons/lesson1/Cargo.toml","target":{"kind":["lib"]},"message":{"rendered":"warning: unused variable: `a`\n","level":"warning","message":"unused variable: `a`","spans":[]}}
{"reason":"compiler-message","package_id":"y","manifest_path":"/w/tests/testkit/Cargo.toml","target":{"kind":["lib"]},"message":{"rendered":"error[E0308]: mismatched types\n","level":"error","message":"mismatched types","spans":[]}}
not json at all
{"reason":"build-finished","success":false}
"#;
        let found = diagnostics(stream);
        assert_eq!(found.len(), 2);
        assert!(found[0].is_warning());
        assert_eq!(
            found[0].manifest_path,
            Path::new("/w/lessons/lesson1/Cargo.toml")
        );
        assert!(found[1].is_error());
        assert_eq!(found[1].rendered, "error[E0308]: mismatched types\n");
    }

    #[test]
    fn first_lines_says_what_it_left_out() {
        assert_eq!(first_lines("a\nb\nc", 2), "a\nb\n… (1 more line)");
        assert_eq!(first_lines("a\nb\nc", 1), "a\n… (2 more lines)");
        assert_eq!(first_lines("a\nb", 2), "a\nb");
    }
}
