//! Running a program for the grader: in its own process group, with a wall-clock limit,
//! bounded output, and (for a submission's code and for builds) inside bubblewrap, with
//! resource limits and, when the grader is root, as another user ([`confine`], [`bwrap`]).
//!
//! After every run, whatever it started is killed. Inside bubblewrap the run has a PID
//! namespace of its own, so bubblewrap's end (it is the namespace's init) kills everything in
//! it; as a second layer, the run's process group is killed, then every descendant of the
//! grader, which finds processes that left the group because the grader is their subreaper
//! ([`procs`]). So no process of a submission outlives its run.

mod bwrap;
mod capture;
mod confine;
mod procs;

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

pub use bwrap::{Mount, View};
pub use capture::Capture;
pub use confine::{Confinement, Limits};
pub use procs::become_subreaper;

/// How long the grader waits for the output pipes to close once the run is over.
const DRAIN_LIMIT: Duration = Duration::from_secs(2);
/// How often the grader looks at the child while nothing arrives.
const POLL: Duration = Duration::from_millis(20);

/// One program to run.
#[derive(Debug, Clone)]
pub struct Job {
    /// The program (inside the sandbox's [`View`], when there is a confinement).
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Its working directory (with a confinement: the view's `chdir` counts instead).
    pub dir: PathBuf,
    /// Its whole environment: nothing of the grader's is passed on unless it is here.
    pub env: Vec<(OsString, OsString)>,
    /// Bubblewrap and limits, for a submission's code and for builds; `None` runs the program
    /// as it is (the grader's own probes).
    pub confinement: Option<Confinement>,
    /// The wall-clock limit.
    pub timeout: Duration,
    /// Kill the run when it prints nothing for this long.
    pub stall: Option<Duration>,
    /// How much of each output stream to keep ([`Capture`]).
    pub output_cap: usize,
    /// A pipe on the child's file descriptor 3, for the trusted code of the run.
    pub channel: Option<Channel>,
    /// Whether the run sees a `/proc` (lessons 3 and 4 read thread states there); without one,
    /// no code in the run can reach a file descriptor it was not handed. With a confinement,
    /// its view's `proc` is set from this.
    pub proc: bool,
}

/// A pipe between the grader and the run, on the child's file descriptor 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// The child reads these bytes on fd 3 (then end of file).
    Give(Vec<u8>),
    /// The child writes on fd 3; what it wrote comes back in [`Finished::channel`], bounded
    /// like the output streams.
    Take,
}

/// The file descriptor a [`Channel`] is on in the child.
pub const CHANNEL_FD: i32 = 3;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited with this code.
    Exited(i32),
    /// A signal killed it (not the grader's).
    Signaled(i32),
    /// It ran past [`Job::timeout`] and was killed.
    TimedOut,
    /// It printed nothing for [`Job::stall`] and was killed.
    Stalled,
}

/// What a finished run left.
#[derive(Debug)]
pub struct Finished {
    /// How it ended.
    pub ending: Ending,
    /// Its standard output, bounded.
    pub stdout: Capture,
    /// Its standard error, bounded.
    pub stderr: Capture,
    /// How long it ran.
    pub elapsed: Duration,
    /// Processes it started that were still alive when it ended, and were killed.
    pub leftovers: usize,
    /// Processes that would not die (0 unless something is badly wrong).
    pub survivors: usize,
    /// What the child wrote on a [`Channel::Take`] (empty otherwise).
    pub channel: Capture,
}

/// Set when the grader is asked to stop (Ctrl-C, `kill`).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn note_interrupt(_signal: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Makes Ctrl-C (SIGINT), SIGTERM and SIGHUP stop grading cleanly: a run in progress and
/// everything it started are killed before the grader exits. Without this, a run, which is in
/// a process group of its own, would not see the terminal's Ctrl-C and would outlive the
/// grader.
pub fn stop_cleanly_on_interrupt() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = note_interrupt as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
    Channel,
}

/// Runs `job` to its end (or its limit), then kills everything it left behind.
pub fn run(job: &Job) -> Result<Finished> {
    let mut command = match &job.confinement {
        Some(confinement) => {
            let mut view = confinement.view.clone();
            view.proc = job.proc;
            let mut command = Command::new(&confinement.bwrap);
            command
                .args(view.args())
                .arg(&job.program)
                .args(&job.args)
                .current_dir("/");
            command
        }
        None => {
            let mut command = Command::new(&job.program);
            command.args(&job.args).current_dir(&job.dir);
            command
        }
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    command
        .env_clear()
        .envs(job.env.iter().map(|(key, value)| (key, value)));
    let plan = match &job.confinement {
        Some(confinement) => Some(confinement.prepare().with_context(|| {
            format!(
                "could not prepare the sandbox for {}",
                job.program.display()
            )
        })?),
        None => None,
    };
    let keep: Vec<RawFd> = job
        .confinement
        .as_ref()
        .map(|confinement| confinement.view.fds())
        .unwrap_or_default();
    let pipe = job.channel.as_ref().map(open_channel).transpose()?;
    let child_end = pipe.as_ref().map(|(child, _)| child.as_raw_fd());
    if plan.is_some() || child_end.is_some() {
        // SAFETY: the closure only makes system calls (no allocation: `keep` is the closure's own),
        // which is what a forked child of a multi-threaded process may do.
        unsafe {
            command.pre_exec(move || {
                if let Some(plan) = plan {
                    plan.apply(&keep)?;
                }
                if let Some(fd) = child_end {
                    put_on_channel_fd(fd)?;
                }
                Ok(())
            });
        }
    }
    let program_name = job
        .program
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let confined = job.confinement.is_some();
    let leftovers = |except: Option<i32>| {
        if confined {
            procs::sandbox_leftovers(&program_name)
        } else {
            procs::living_descendants(except).len()
        }
    };
    let started = Instant::now();
    let mut child = command.spawn().with_context(|| {
        format!(
            "could not start {} in {}",
            job.program.display(),
            job.dir.display()
        )
    })?;
    // The child holds its end of the channel now.
    let channel_reader = match pipe {
        Some((child, ours)) => {
            drop(child);
            ours
        }
        None => None,
    };
    let group = child.id() as i32;

    let (sender, receiver) = mpsc::channel();
    let out_reader = child
        .stdout
        .take()
        .map(|out| reader(out, Stream::Stdout, sender.clone()));
    let err_reader = child
        .stderr
        .take()
        .map(|err| reader(err, Stream::Stderr, sender.clone()));
    let channel_handle =
        channel_reader.map(|ours| reader(File::from(ours), Stream::Channel, sender.clone()));
    drop(sender);
    let mut stdout = Capture::new(job.output_cap);
    let mut stderr = Capture::new(job.output_cap);
    let mut channel = Capture::new(job.output_cap);
    let mut take = |(stream, bytes): (Stream, Vec<u8>)| match stream {
        Stream::Stdout => stdout.push(&bytes),
        Stream::Stderr => stderr.push(&bytes),
        Stream::Channel => channel.push(&bytes),
    };

    let deadline = started + job.timeout;
    let mut last_output = started;
    let mut pipes_open = true;
    let (ending, leftovers) = loop {
        if INTERRUPTED.load(Ordering::SeqCst) {
            procs::kill_group(group);
            let _ = child.wait();
            procs::sweep();
            bail!(
                "interrupted: the run of {} was stopped",
                job.program.display()
            );
        }
        if let Some(status) = child
            .try_wait()
            .context("could not wait for a run to end")?
        {
            // Whatever it started and left running counts before the group is killed.
            let leftovers = leftovers(None);
            break (ending_of(status, confined), leftovers);
        }
        let now = Instant::now();
        let stalled = job.stall.is_some_and(|stall| now >= last_output + stall);
        if now >= deadline || stalled {
            let leftovers = leftovers(Some(group));
            procs::kill_group(group);
            let _ = child.wait();
            let ending = if now >= deadline {
                Ending::TimedOut
            } else {
                Ending::Stalled
            };
            break (ending, leftovers);
        }
        if pipes_open {
            match receiver.recv_timeout(POLL) {
                Ok(chunk) => {
                    last_output = Instant::now();
                    take(chunk);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => pipes_open = false,
            }
        } else {
            thread::sleep(POLL);
        }
    };
    procs::kill_group(group);
    let survivors = procs::sweep();

    // Everything is dead, so the pipes close; what is still in them is read.
    let drain_until = Instant::now() + DRAIN_LIMIT;
    while pipes_open {
        let left = drain_until.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left) {
            Ok(chunk) => take(chunk),
            Err(_) => pipes_open = false,
        }
    }
    for handle in [out_reader, err_reader, channel_handle]
        .into_iter()
        .flatten()
    {
        if handle.is_finished() {
            let _ = handle.join();
        }
    }
    Ok(Finished {
        ending,
        stdout,
        stderr,
        elapsed: started.elapsed(),
        leftovers,
        survivors,
        channel,
    })
}

/// The pipe for `channel`: the child's end, and the grader's end when the grader reads.
/// For [`Channel::Give`] the bytes are written (and the writing end closed) before the child
/// starts; a pipe holds 64 KiB, far more than a key.
fn open_channel(channel: &Channel) -> Result<(OwnedFd, Option<OwnedFd>)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 returns.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        bail!(
            "could not open a pipe for the run: {}",
            std::io::Error::last_os_error()
        );
    }
    // SAFETY: pipe2 succeeded, so both are open descriptors that nothing else owns.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    Ok(match channel {
        Channel::Give(bytes) => {
            File::from(write)
                .write_all(bytes)
                .context("could not hand the run its bytes")?;
            (read, None)
        }
        Channel::Take => (write, Some(read)),
    })
}

/// Moves `fd` to [`CHANNEL_FD`] in the child, open across `exec`.
fn put_on_channel_fd(fd: RawFd) -> std::io::Result<()> {
    // SAFETY: plain system calls on descriptors this child owns.
    let done = unsafe {
        if fd == CHANNEL_FD {
            libc::fcntl(fd, libc::F_SETFD, 0)
        } else {
            libc::dup2(fd, CHANNEL_FD)
        }
    };
    if done < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// How a run ended, from its exit status. bubblewrap ends with 128 + N when the program was
/// killed by signal N (as a shell does), so for a confined run such a code is taken for the
/// signal; a program that exits with 134 of its own accord reads as killed by SIGABRT.
fn ending_of(status: ExitStatus, confined: bool) -> Ending {
    if let Some(code) = status.code()
        && confined
        && (129..=128 + 64).contains(&code)
    {
        return Ending::Signaled(code - 128);
    }
    match (status.code(), status.signal()) {
        (Some(code), _) => Ending::Exited(code),
        (None, Some(signal)) => Ending::Signaled(signal),
        (None, None) => Ending::Exited(-1),
    }
}

/// Reads `source` in chunks on its own thread and sends them down `sender`.
fn reader(
    mut source: impl Read + Send + 'static,
    stream: Stream,
    sender: mpsc::Sender<(Stream, Vec<u8>)>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            match source.read(&mut buffer) {
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Ok(0) | Err(_) => break,
                Ok(read) => {
                    if sender.send((stream, buffer[..read].to_vec())).is_err() {
                        break;
                    }
                }
            }
        }
    })
}

/// A signal's name, such as `SIGABRT`, for messages.
pub fn signal_name(signal: i32) -> String {
    let name = match signal {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGXCPU => "SIGXCPU",
        libc::SIGXFSZ => "SIGXFSZ",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGTRAP => "SIGTRAP",
        _ => return format!("signal {signal}"),
    };
    name.to_owned()
}

/// Whether this process runs as root, which may change user and is not held by
/// `RLIMIT_NPROC`.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}
