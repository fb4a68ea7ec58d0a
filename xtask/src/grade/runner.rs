//! Running one program of a submission in the sandbox: a fresh run directory, a clean
//! environment, the class's limits.

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use super::config::LimitsConfig;
use super::model::shorten;
use super::sandbox::{self, Channel, Confinement, Finished, Job, Limits, signal_name};

/// How the submission's code is held.
#[derive(Debug, Clone)]
pub struct Sandboxing {
    /// Resource limits.
    pub limits: Limits,
    /// The user and group to run as, when the grader is root and may change user.
    pub user: Option<(u32, u32)>,
    /// Whether to use Landlock.
    pub landlock: bool,
}

/// Runs test binaries (and the performance runner) of one scratch copy.
#[derive(Debug, Clone)]
pub struct Runner<'a> {
    /// The directory a run may write to; made afresh for every run.
    pub run_dir: PathBuf,
    /// The directories a run may also read and execute from (the scratch copy and the build),
    /// besides the system's.
    pub readable: Vec<PathBuf>,
    /// How the code is held.
    pub sandboxing: &'a Sandboxing,
    /// The configured limits.
    pub limits: &'a LimitsConfig,
}

impl Runner<'_> {
    /// Runs `program` with `args` in a fresh run directory, confined.
    pub fn sandboxed(
        &self,
        program: &Path,
        args: &[&str],
        timeout: Duration,
        stall: Option<Duration>,
    ) -> Result<Finished> {
        self.sandboxed_with(program, args, timeout, stall, None, true)
    }

    /// [`Runner::sandboxed`] with a [`Channel`] on the child's fd 3, and with or without a
    /// `/proc`.
    pub fn sandboxed_with(
        &self,
        program: &Path,
        args: &[&str],
        timeout: Duration,
        stall: Option<Duration>,
        channel: Option<Channel>,
        proc: bool,
    ) -> Result<Finished> {
        let user = self.sandboxing.user;
        fresh_dir(&self.run_dir, user)?;
        let dir = self.run_dir.clone().into_os_string();
        let path = std::env::var_os("PATH")
            .unwrap_or_else(|| OsString::from("/usr/local/bin:/usr/bin:/bin"));
        let job = Job {
            program: program.to_owned(),
            args: args.iter().map(OsString::from).collect(),
            dir: self.run_dir.clone(),
            env: vec![
                ("PATH".into(), path),
                ("HOME".into(), dir.clone()),
                ("TMPDIR".into(), dir),
                ("LANG".into(), "C.UTF-8".into()),
                ("RUST_BACKTRACE".into(), "0".into()),
                ("PROPTEST_DISABLE_FAILURE_PERSISTENCE".into(), "1".into()),
            ],
            confinement: Some(Confinement {
                limits: self.sandboxing.limits,
                user,
                writable: self.run_dir.clone(),
                readable: self.readable.clone(),
                landlock: self.sandboxing.landlock,
            }),
            timeout,
            stall,
            output_cap: self.limits.output_cap(),
            channel,
            proc,
        };
        sandbox::run(&job)
    }

    /// What a crash by `signal` means, read from the process's error output.
    pub fn crash(&self, signal: i32, stderr: &str) -> String {
        let line = |needle: &str| {
            stderr
                .lines()
                .find(|line| line.contains(needle))
                .map(|line| line.trim().to_owned())
        };
        if let Some(line) = line("has overflowed its stack") {
            return format!("stack overflow ({line})");
        }
        if let Some(line) = line("memory allocation of") {
            return format!(
                "out of memory: {line} (the limit is {} MiB of address space per process)",
                self.limits.memory_mib
            );
        }
        match signal {
            libc::SIGXCPU => format!(
                "it used more than {} s of CPU time and was killed",
                self.limits.cpu_s
            ),
            libc::SIGXFSZ => format!(
                "it wrote a file larger than {} MiB and was killed",
                self.limits.file_size_mib
            ),
            _ => {
                let last = stderr
                    .lines()
                    .rev()
                    .map(str::trim)
                    .find(|line| !line.is_empty())
                    .map(|line| format!(": {}", shorten(line, 200)))
                    .unwrap_or_default();
                format!("killed by {}{last}", signal_name(signal))
            }
        }
    }
}

/// Makes `dir` an empty directory that only `user` (or the grader) may use.
fn fresh_dir(dir: &Path, user: Option<(u32, u32)>) -> Result<()> {
    if fs::symlink_metadata(dir).is_ok() {
        // A run may have left read-only directories; make them writable to remove them.
        let _ = make_writable(dir);
        fs::remove_dir_all(dir)
            .with_context(|| format!("could not clear the run directory {}", dir.display()))?;
    }
    fs::create_dir_all(dir)
        .with_context(|| format!("could not create the run directory {}", dir.display()))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    if let Some((uid, gid)) = user {
        std::os::unix::fs::chown(dir, Some(uid), Some(gid))
            .with_context(|| format!("could not hand {} to user {uid}", dir.display()))?;
    }
    Ok(())
}

fn make_writable(path: &Path) -> std::io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.is_dir() {
        fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
        for entry in fs::read_dir(path)? {
            let _ = make_writable(&entry?.path());
        }
    }
    Ok(())
}

/// Whether a user other than the owner can reach `path`: every directory on the way is
/// searchable by others, and so is the file (executable, for a program).
pub fn others_can_reach(path: &Path) -> bool {
    let Ok(path) = path.canonicalize() else {
        return false;
    };
    path.ancestors()
        .all(|step| fs::metadata(step).is_ok_and(|meta| meta.permissions().mode() & 0o001 != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crashes_are_explained() {
        let limits = LimitsConfig::default();
        let sandboxing = Sandboxing {
            limits: Limits {
                cpu_seconds: 1,
                address_space: 1,
                processes: 1,
                file_size: 1,
            },
            user: None,
            landlock: false,
        };
        let runner = Runner {
            run_dir: PathBuf::from("/nowhere"),
            readable: Vec::new(),
            sandboxing: &sandboxing,
            limits: &limits,
        };
        let overflow =
            "\nthread 'suite::x' has overflowed its stack\nfatal runtime error: stack overflow\n";
        assert!(
            runner
                .crash(libc::SIGABRT, overflow)
                .starts_with("stack overflow (thread 'suite::x'")
        );
        let oom = "memory allocation of 68719476736 bytes failed\n";
        assert!(runner.crash(libc::SIGABRT, oom).contains("4096 MiB"));
        assert!(runner.crash(libc::SIGXCPU, "").contains("600 s of CPU"));
        assert_eq!(
            runner.crash(libc::SIGSEGV, "\nlast words\n\n"),
            "killed by SIGSEGV: last words"
        );
    }
}
