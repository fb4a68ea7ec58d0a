//! Running one program of a submission in the sandbox: a fresh bubblewrap sandbox per run, a
//! clean environment, the class's limits.
//!
//! What a run sees: the system's programs and libraries read-only, `/dev`'s basic devices, a
//! `/proc` of its own PID namespace when asked, its program as `/grade/bin/NAME` (a copy, mode
//! 0111, in a read-only directory: it can run itself again, through `current_exe`, but not
//! read itself), and `/grade/run`, its working directory, HOME and TMPDIR: a tmpfs of
//! `[limits] disk_mib`. Nothing else: not the scratch copy, the build, the instructor's tree,
//! other submissions or the binary of another test target. Nothing a run writes outlives it.

use std::ffi::OsString;
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::config::LimitsConfig;
use super::model::shorten;
use super::sandbox::{self, Channel, Confinement, Finished, Job, Limits, Mount, View, signal_name};

/// A run's working directory inside its sandbox.
pub const RUN_DIR: &str = "/grade/run";
/// Where a run's program is inside its sandbox.
const BIN_DIR: &str = "/grade/bin";

/// How the submission's code is held.
#[derive(Debug, Clone)]
pub struct Sandboxing {
    /// Resource limits.
    pub limits: Limits,
    /// The user and group bubblewrap starts as, when the grader is root.
    pub user: Option<(u32, u32)>,
    /// The bubblewrap program.
    pub bwrap: PathBuf,
    /// The size of a run's writable tmpfs directories, in bytes.
    pub disk: u64,
}

/// Runs test binaries (and the performance runner) of one submission.
#[derive(Debug, Clone)]
pub struct Runner<'a> {
    /// How the code is held.
    pub sandboxing: &'a Sandboxing,
    /// The configured limits.
    pub limits: &'a LimitsConfig,
    /// Programs the lesson's tests start by the path they were compiled with
    /// (`CARGO_BIN_EXE_…`): (host file, path inside), each there as a copy of mode 0111.
    pub companions: Vec<(PathBuf, PathBuf)>,
}

impl Runner<'_> {
    /// Runs `program` with `args` in a fresh sandbox.
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
        let (fd, size) = open_high(program)?;
        let name = program
            .file_name()
            .with_context(|| format!("{} names no file", program.display()))?;
        let inside = Path::new(BIN_DIR).join(name);
        let disk = self.sandboxing.disk;
        let mut view = View {
            chdir: RUN_DIR.into(),
            ..View::system(proc, disk)
        }
        .with(Mount::Tmpfs {
            dest: RUN_DIR.into(),
            size: disk,
        })
        .with(Mount::File {
            fd: fd.as_raw_fd(),
            dest: inside.clone(),
            mode: 0o111,
            size,
        });
        let mut fds = vec![fd];
        for (host, inside) in &self.companions {
            let (fd, size) = open_high(host)?;
            view = view.with(Mount::File {
                fd: fd.as_raw_fd(),
                dest: inside.clone(),
                mode: 0o111,
                size,
            });
            fds.push(fd);
        }
        let job = Job {
            program: inside,
            args: args.iter().map(OsString::from).collect(),
            dir: RUN_DIR.into(),
            env: vec![
                ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
                ("HOME".into(), RUN_DIR.into()),
                ("TMPDIR".into(), RUN_DIR.into()),
                ("LANG".into(), "C.UTF-8".into()),
                ("RUST_BACKTRACE".into(), "0".into()),
                ("PROPTEST_DISABLE_FAILURE_PERSISTENCE".into(), "1".into()),
            ],
            confinement: Some(Confinement {
                limits: self.sandboxing.limits,
                user: self.sandboxing.user,
                bwrap: self.sandboxing.bwrap.clone(),
                view,
            }),
            timeout,
            stall,
            output_cap: self.limits.output_cap(),
            channel,
            proc,
        };
        let finished = sandbox::run(&job);
        drop(fds);
        finished
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

/// `program` open for the sandbox ([`high_fd`]), and its size.
fn open_high(program: &Path) -> Result<(OwnedFd, u64)> {
    let file = File::open(program)
        .with_context(|| format!("could not open {} to run it", program.display()))?;
    let size = file.metadata()?.len();
    Ok((high_fd(&file.into())?, size))
}

/// A duplicate of `fd` numbered 10 or above, closed on `exec` (the sandbox opens it for
/// bubblewrap alone), so it can never be the channel's descriptor 3.
fn high_fd(fd: &OwnedFd) -> Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC on a descriptor we own returns a new one or -1.
    let new = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
    if new < 0 {
        bail!(
            "could not duplicate a descriptor for the sandbox: {}",
            std::io::Error::last_os_error()
        );
    }
    // SAFETY: fcntl just returned this open descriptor, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
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
            bwrap: PathBuf::from("bwrap"),
            disk: 1,
        };
        let runner = Runner {
            sandboxing: &sandboxing,
            limits: &limits,
            companions: Vec::new(),
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

    /// Runs `script` with `sh` in the sandbox, as a test binary would run; `None` where this
    /// machine has no working bubblewrap (the integration tests need one; unit tests say so).
    fn in_sandbox(script: &str, channel: Option<Channel>, proc: bool) -> Option<Finished> {
        let Ok(bwrap) = crate::system::bubblewrap(false) else {
            eprintln!("no bubblewrap here: the sandbox itself is not tried");
            return None;
        };
        let limits = LimitsConfig::default();
        let sandboxing = Sandboxing {
            limits: Limits {
                cpu_seconds: 10,
                address_space: 1 << 30,
                processes: 64,
                file_size: 1 << 20,
            },
            user: sandbox::is_root().then_some((65534, 65534)),
            bwrap,
            disk: 1 << 20,
        };
        let runner = Runner {
            sandboxing: &sandboxing,
            limits: &limits,
            companions: Vec::new(),
        };
        let sh = Path::new("/bin/sh");
        let run = runner
            .sandboxed_with(
                sh,
                &["-c", script],
                Duration::from_secs(20),
                None,
                channel,
                proc,
            )
            .unwrap();
        Some(run)
    }

    #[test]
    fn a_run_sees_only_its_view() {
        let script = "echo home=$HOME; cd /grade/run && echo here=$(pwd); \
                      ls /etc; ls /grade; ls /proc >/dev/null 2>&1 && echo proc; \
                      cat /grade/bin/sh >/dev/null 2>&1 || echo unreadable; \
                      head -c 2000000 /dev/zero > /grade/run/big 2>/dev/null || echo full; \
                      echo secret >&3; cat <&3 2>/dev/null; \
                      (echo x > /dev/udp/127.0.0.1/9) 2>/dev/null; exit 7";
        let Some(run) = in_sandbox(script, Some(Channel::Take), false) else {
            return;
        };
        let out = run.stdout.text();
        assert_eq!(
            run.ending,
            sandbox::Ending::Exited(7),
            "{out}{}",
            run.stderr.text()
        );
        assert!(out.contains("home=/grade/run\nhere=/grade/run\n"), "{out}");
        assert!(out.contains("ld.so.cache"), "{out}");
        assert!(!out.contains("passwd"), "{out}");
        assert!(out.contains("bin\nrun\n"), "{out}");
        assert!(!out.contains("proc"), "{out}");
        assert!(out.contains("unreadable"), "{out}");
        assert!(out.contains("full"), "{out}");
        assert_eq!(run.channel.text(), "secret\n");
        let Some(given) = in_sandbox(
            "cat <&3; ls /proc/self >/dev/null && echo proc",
            Some(Channel::Give(b"key".to_vec())),
            true,
        ) else {
            return;
        };
        assert_eq!(given.stdout.text(), "keyproc\n", "{}", given.stderr.text());
    }
}
