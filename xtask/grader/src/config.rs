//! The grading configuration: `grading.toml` at the workspace root, every field optional.
//!
//! The file itself documents each field; [`Config::default`] holds the same defaults, so a
//! checkout without the file (a student's handout) grades the same way.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde::Deserialize;

/// The configuration file's name, at the workspace root.
pub const FILE_NAME: &str = "grading.toml";

/// Everything `cargo xtask grade` can be told.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The instructor's hidden suites, `<dir>/lessonN/*.rs`, relative to the file's directory.
    pub hidden_tests: PathBuf,
    /// Points and the performance threshold.
    pub scoring: Scoring,
    /// Time and resource limits.
    pub limits: LimitsConfig,
    /// How performance is measured.
    pub performance: Performance,
    /// Who runs a submission's code inside bubblewrap.
    pub sandbox: Sandbox,
}

/// `[scoring]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scoring {
    /// Points for correctness: this times the share of tests passed.
    pub correctness: f64,
    /// Points for performance, given only when every test of the lesson passes.
    pub performance: f64,
    /// Full performance points at a speedup of `threshold` × the reference's speedup.
    pub threshold: f64,
    /// When Gradescope shows students the hidden tests' names and messages.
    pub hidden_visibility: super::model::HiddenVisibility,
}

/// `[limits]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Compiling one lesson of one submission, in seconds.
    pub build_timeout_s: u64,
    /// One run of a lesson's test binary, all its tests, in seconds.
    pub timeout_s: u64,
    /// After a timeout or a crash, the unfinished tests run again one at a time; each may
    /// take this long, in seconds.
    pub test_timeout_s: u64,
    /// ... and all of those reruns together this long, in seconds.
    pub rerun_budget_s: u64,
    /// CPU seconds per process.
    pub cpu_s: u64,
    /// Address space per process, in MiB.
    pub memory_mib: u64,
    /// Processes and threads a run may have at once.
    pub processes: u64,
    /// The largest file a run may write, in MiB.
    pub file_size_mib: u64,
    /// The size of a run's writable directory (and of its private `/tmp` and `/dev/shm`,
    /// each), in MiB: memory-backed, gone when the run ends.
    pub disk_mib: u64,
    /// What one submission's build may add to its own target directory, in MiB (the files it
    /// shares with the class's dependency cache do not count); also the largest file the
    /// compiler may write.
    pub build_mib: u64,
    /// Output kept per stream of a run, in KiB.
    pub output_kib: u64,
}

/// `[performance]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Performance {
    /// Whether performance is measured at all.
    pub enabled: bool,
    /// Threads for the parallel kernels; 0 means every core the grader may use.
    pub threads: usize,
    /// Untimed runs of each variant before timing.
    pub warmup: u32,
    /// Timed runs of each variant; the median counts.
    pub runs: u32,
    /// The whole timing run, in seconds.
    pub timeout_s: u64,
}

/// `[sandbox]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sandbox {
    /// When the grader runs as root, bubblewrap runs a submission's code as this user id...
    pub user: u32,
    /// ... and this group id.
    pub group: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            hidden_tests: PathBuf::from("hidden"),
            scoring: Scoring::default(),
            limits: LimitsConfig::default(),
            performance: Performance::default(),
            sandbox: Sandbox::default(),
        }
    }
}

impl Default for Scoring {
    fn default() -> Self {
        Self {
            correctness: 70.0,
            performance: 30.0,
            threshold: 0.8,
            hidden_visibility: super::model::HiddenVisibility::Hidden,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            build_timeout_s: 900,
            timeout_s: 120,
            test_timeout_s: 30,
            rerun_budget_s: 180,
            cpu_s: 600,
            memory_mib: 4096,
            processes: 1024,
            file_size_mib: 256,
            disk_mib: 512,
            build_mib: 2048,
            output_kib: 1024,
        }
    }
}

impl Default for Performance {
    fn default() -> Self {
        Self {
            enabled: true,
            threads: 0,
            warmup: 1,
            runs: 5,
            timeout_s: 300,
        }
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self {
            user: 65534,
            group: 65534,
        }
    }
}

/// A configuration and where its relative paths start.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The settings.
    pub config: Config,
    /// The file it came from, `None` for the defaults.
    pub file: Option<PathBuf>,
    /// The directory relative paths are relative to.
    pub base: PathBuf,
}

impl Loaded {
    /// Reads `explicit`, or else `<root>/grading.toml` when it exists, or else the defaults.
    pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Self> {
        let file = match explicit {
            Some(path) => Some(path.to_owned()),
            None => Some(root.join(FILE_NAME)).filter(|path| path.is_file()),
        };
        let Some(file) = file else {
            return Ok(Self {
                config: Config::default(),
                file: None,
                base: root.to_owned(),
            });
        };
        let text = fs::read_to_string(&file).with_context(|| {
            format!(
                "could not read the grading configuration {}",
                file.display()
            )
        })?;
        let config = Config::parse(&text).with_context(|| {
            format!(
                "{} is not a valid grading configuration (the fields are documented in the \
                 workspace's {FILE_NAME})",
                file.display()
            )
        })?;
        let base = file
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned();
        Ok(Self {
            config,
            file: Some(file),
            base,
        })
    }

    /// The hidden tests' directory.
    pub fn hidden_dir(&self) -> PathBuf {
        self.base.join(&self.config.hidden_tests)
    }
}

impl Config {
    /// Reads and checks a configuration's text.
    pub fn parse(text: &str) -> Result<Self> {
        if let Ok(raw) = toml::from_str::<toml::Table>(text) {
            let sandbox = raw.get("sandbox").and_then(toml::Value::as_table);
            for gone in ["landlock", "drop_privileges"] {
                ensure!(
                    !sandbox.is_some_and(|table| table.contains_key(gone)),
                    "[sandbox] {gone} is no longer a setting: every submission is built and \
                     run inside bubblewrap, and never as root; remove the line"
                );
            }
        }
        let config: Config = toml::from_str(text)?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<()> {
        let scoring = &self.scoring;
        ensure!(
            scoring.correctness >= 0.0 && scoring.performance >= 0.0,
            "[scoring] correctness and performance are points, so neither may be negative"
        );
        ensure!(
            scoring.correctness + scoring.performance > 0.0,
            "[scoring] correctness and performance are both 0: nothing would earn a point"
        );
        ensure!(
            scoring.threshold > 0.0,
            "[scoring] threshold must be above 0 (0.8 gives full points at 80% of the \
             reference's speedup)"
        );
        let limits = &self.limits;
        for (name, value) in [
            ("build_timeout_s", limits.build_timeout_s),
            ("timeout_s", limits.timeout_s),
            ("test_timeout_s", limits.test_timeout_s),
            ("cpu_s", limits.cpu_s),
            ("memory_mib", limits.memory_mib),
            ("processes", limits.processes),
            ("file_size_mib", limits.file_size_mib),
            ("disk_mib", limits.disk_mib),
            ("build_mib", limits.build_mib),
            ("output_kib", limits.output_kib),
        ] {
            ensure!(value > 0, "[limits] {name} must be above 0");
        }
        ensure!(
            self.performance.runs > 0,
            "[performance] runs must be at least 1: the median of no run is nothing"
        );
        ensure!(
            self.performance.timeout_s > 0,
            "[performance] timeout_s must be above 0"
        );
        Ok(())
    }
}

impl LimitsConfig {
    /// [`LimitsConfig::build_timeout_s`] as a duration.
    pub fn build_timeout(&self) -> Duration {
        Duration::from_secs(self.build_timeout_s)
    }

    /// [`LimitsConfig::timeout_s`] as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_s)
    }

    /// [`LimitsConfig::test_timeout_s`] as a duration.
    pub fn test_timeout(&self) -> Duration {
        Duration::from_secs(self.test_timeout_s)
    }

    /// [`LimitsConfig::rerun_budget_s`] as a duration.
    pub fn rerun_budget(&self) -> Duration {
        Duration::from_secs(self.rerun_budget_s)
    }

    /// [`LimitsConfig::disk_mib`] in bytes.
    pub fn disk(&self) -> u64 {
        self.disk_mib.saturating_mul(1024 * 1024)
    }

    /// [`LimitsConfig::build_mib`] in bytes.
    pub fn build(&self) -> u64 {
        self.build_mib.saturating_mul(1024 * 1024)
    }

    /// [`LimitsConfig::output_kib`] in bytes.
    pub fn output_cap(&self) -> usize {
        usize::try_from(self.output_kib.saturating_mul(1024)).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_holds_the_defaults() {
        let root = course::lessons::workspace_root().unwrap();
        // A student's handout has no grading configuration.
        if let Ok(text) = fs::read_to_string(root.join(FILE_NAME)) {
            assert_eq!(Config::parse(&text).unwrap(), Config::default());
        }
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn fields_are_read_and_checked() {
        let config = Config::parse("[scoring]\ncorrectness = 100\nperformance = 0\n").unwrap();
        assert_eq!(config.scoring.correctness, 100.0);
        let error = |text: &str| format!("{:#}", Config::parse(text).unwrap_err());
        assert!(error("[limits]\ntimeout = 3\n").contains("unknown field `timeout`"));
        assert!(error("[sandbox]\nbwrap = 1\n").contains("unknown field `bwrap`"));
        assert!(error("[sandbox]\nlandlock = true\n").contains("no longer a setting"));
        assert!(error("[limits]\ndisk_mib = 0\n").contains("disk_mib must be above 0"));
        assert!(error("[limits]\ntimeout_s = 0\n").contains("timeout_s must be above 0"));
        assert!(error("[performance]\nruns = 0\n").contains("runs must be at least 1"));
        assert!(error("[scoring]\nthreshold = 0\n").contains("threshold must be above 0"));
        assert!(error("[scoring]\ncorrectness = 0\nperformance = 0\n").contains("both 0"));
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let loaded = Loaded {
            config: Config::default(),
            file: None,
            base: PathBuf::from("/course"),
        };
        assert_eq!(loaded.hidden_dir(), Path::new("/course/hidden"));
    }
}
