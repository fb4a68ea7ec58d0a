//! Compiling a lesson of a scratch copy with cargo, and finding the executables it made.
//!
//! Cargo runs as the grader (it runs none of the submission's code: only `src/` comes from the
//! submission, so there is no build script or macro crate of theirs), but in its own process
//! group with a time limit, so a pathological program cannot hold grading forever.

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

use super::sandbox::{self, Ending, Job};
use crate::cargo::{Build, diagnostics};
use crate::cmd::{Line, Output, Stream};

/// Output kept from cargo: its JSON messages for a failing build can be long.
const CARGO_OUTPUT: usize = 64 * 1024 * 1024;

/// One executable cargo built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executable {
    /// The target's name: `suite` for `tests/suite.rs`.
    pub target: String,
    /// The target's kinds: `test` for an integration test, `bin` for a binary.
    pub kind: Vec<String>,
    /// The file.
    pub path: PathBuf,
}

/// What a build gave.
#[derive(Debug, Clone)]
pub enum Built {
    /// It succeeded and made these executables.
    Ok(Vec<Executable>),
    /// It failed with these errors, each as rustc renders it.
    Failed(Vec<String>),
}

/// How to run cargo for one scratch copy.
#[derive(Debug, Clone)]
pub struct Cargo {
    /// The scratch copy.
    pub workspace: PathBuf,
    /// The class's shared target directory.
    pub target_dir: PathBuf,
    /// The time limit of one build.
    pub timeout: Duration,
}

impl Cargo {
    /// Builds the integration tests of `package` (`cargo test --no-run --test '*'`): the
    /// instructor's suites and the hidden tests, never unit tests a submission wrote in `src/`.
    pub fn tests(&self, package: &str) -> Result<Built> {
        let built = self.build(&["test", "-p", package, "--no-run", "--test", "*"])?;
        // Binaries the tests need (`CARGO_BIN_EXE_…`) are reported too; only tests run.
        Ok(match built {
            Built::Ok(executables) => Built::Ok(
                executables
                    .into_iter()
                    .filter(|e| e.kind.iter().any(|k| k == "test"))
                    .collect(),
            ),
            failed => failed,
        })
    }

    /// Builds the binary of `package` with optimizations.
    pub fn release_binary(&self, package: &str) -> Result<Built> {
        self.build(&["build", "--release", "-p", package, "--bins"])
    }

    fn build(&self, args: &[&str]) -> Result<Built> {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let mut args: Vec<OsString> = args.iter().map(OsString::from).collect();
        args.push("--message-format=json".into());
        let job = Job {
            program: program.into(),
            args,
            dir: self.workspace.clone(),
            env: cargo_environment()
                .into_iter()
                .chain([
                    ("CARGO_TARGET_DIR".into(), self.target_dir.clone().into()),
                    ("CARGO_TERM_COLOR".into(), "never".into()),
                ])
                .chain(
                    super::BUILD_ENV
                        .iter()
                        .map(|(key, value)| (OsString::from(key), OsString::from(value))),
                )
                .collect(),
            confinement: None,
            timeout: self.timeout,
            stall: None,
            output_cap: CARGO_OUTPUT,
            channel: None,
            proc: true,
        };
        let finished = sandbox::run(&job)?;
        let stdout = finished.stdout.text();
        let status = match finished.ending {
            Ending::Exited(code) => ExitStatus::from_raw((code & 0xff) << 8),
            Ending::Signaled(signal) => ExitStatus::from_raw(signal),
            Ending::TimedOut | Ending::Stalled => {
                return Ok(Built::Failed(vec![format!(
                    "compiling took longer than {} s and was stopped ([limits] build_timeout_s \
                     in the grading configuration)",
                    self.timeout.as_secs()
                )]));
            }
        };
        let lines = |text: &str, stream| {
            text.lines()
                .map(|line| Line {
                    stream,
                    text: line.to_owned(),
                })
                .collect::<Vec<_>>()
        };
        let mut all = lines(&stdout, Stream::Stdout);
        all.extend(lines(&finished.stderr.text(), Stream::Stderr));
        let build = Build {
            diagnostics: diagnostics(&stdout),
            output: Output { status, lines: all },
        };
        if !build.success() {
            return Ok(Built::Failed(build.errors()));
        }
        Ok(Built::Ok(executables(&stdout)))
    }
}

/// The grader's environment variables that cargo and rustc see: what they need to find the
/// toolchain, the registry and the network, and nothing else, since a submission can read any
/// of them while it compiles (`env!`) and print it in a test's output. `RUSTFLAGS` is left out
/// too, so the instructor's shell cannot change how submissions compile.
fn cargo_environment() -> Vec<(OsString, OsString)> {
    const KEEP: &[&str] = &[
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LC_ALL",
        "LC_CTYPE",
        "TMPDIR",
        "CARGO_HOME",
        "CARGO_BUILD_JOBS",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
        "RUSTC",
        "RUSTC_WRAPPER",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "no_proxy",
        "NO_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ];
    const KEEP_PREFIXES: &[&str] = &["CARGO_NET_", "CARGO_HTTP_"];
    std::env::vars_os()
        .filter(|(key, _)| {
            key.to_str().is_some_and(|key| {
                KEEP.contains(&key) || KEEP_PREFIXES.iter().any(|prefix| key.starts_with(prefix))
            })
        })
        .collect()
}

/// The executables in cargo's JSON messages, in the order they were reported.
pub fn executables(json_lines: &str) -> Vec<Executable> {
    #[derive(Deserialize)]
    struct Artifact {
        reason: String,
        target: Option<Target>,
        executable: Option<PathBuf>,
    }
    #[derive(Deserialize)]
    struct Target {
        name: String,
        #[serde(default)]
        kind: Vec<String>,
    }
    json_lines
        .lines()
        .filter(|line| line.starts_with('{'))
        .filter_map(|line| serde_json::from_str::<Artifact>(line).ok())
        .filter(|artifact| artifact.reason == "compiler-artifact")
        .filter_map(|artifact| {
            let target = artifact.target?;
            Some(Executable {
                target: target.name,
                kind: target.kind,
                path: artifact.executable?,
            })
        })
        .collect()
}

/// The test targets of the crate at `crate_dir` that have no libtest harness
/// (`harness = false`): their binaries do not understand libtest's arguments, so they are not
/// run.
pub fn harnessless_tests(crate_dir: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(crate_dir.join("Cargo.toml")) else {
        return Vec::new();
    };
    let Ok(manifest) = toml::from_str::<toml::Table>(&text) else {
        return Vec::new();
    };
    let Some(tests) = manifest.get("test").and_then(|t| t.as_array()) else {
        return Vec::new();
    };
    tests
        .iter()
        .filter(|test| test.get("harness").and_then(|h| h.as_bool()) == Some(false))
        .filter_map(|test| test.get("name")?.as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executables_come_from_artifact_messages() {
        let stream = r#"{"reason":"compiler-artifact","target":{"name":"lesson1","kind":["lib"]},"executable":null}
{"reason":"compiler-artifact","target":{"name":"suite","kind":["test"]},"executable":"/t/debug/deps/suite-abc"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            executables(stream),
            [Executable {
                target: "suite".into(),
                kind: vec!["test".into()],
                path: PathBuf::from("/t/debug/deps/suite-abc")
            }]
        );
    }

    #[test]
    fn cargo_sees_no_secret() {
        let kept: Vec<String> = cargo_environment()
            .into_iter()
            .filter_map(|(key, _)| key.into_string().ok())
            .collect();
        assert!(kept.iter().any(|key| key == "PATH"));
        assert!(
            !kept
                .iter()
                .any(|key| key.contains("TOKEN") || key == "RUSTFLAGS")
        );
    }

    #[test]
    fn harnessless_targets_are_found() {
        let dir = std::env::temp_dir().join(format!("xtask-harness-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"x\"\n[[test]]\nname = \"models\"\nharness = false\n\
             [[test]]\nname = \"suite\"\n",
        )
        .unwrap();
        assert_eq!(harnessless_tests(&dir), ["models"]);
        assert!(harnessless_tests(&dir.join("nope")).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
