//! The grader's proof that a test run ended the way the test harness ends it.
//!
//! `cargo xtask grade` runs a lesson's test binaries on students' code, and everything in the
//! process can write to its standard output, so the output alone cannot say whether the
//! harness or a forger printed it. When the grader asks for it ([`WANTED`] among the
//! arguments), this guard, linked into every test binary through testkit, does before `main`:
//!
//! 1. it reads the grader's secret for this run from file descriptor [`SECRET_FD`] and closes
//!    that descriptor, before any code of the crate under test can run;
//! 2. it makes the process not dumpable, so that, run as an unprivileged user, nothing in it
//!    can open `/proc/self/mem` (or `/proc/self/fd`, or `/proc/self/exe`) to find the secret;
//! 3. it notes the thread it runs on, the process's first, on which libtest's `main` runs;
//! 4. it registers a handler with `atexit` that writes [`PROOF_PREFIX`] and the secret to the
//!    standard output, but only when the process exits on that first thread.
//!
//! libtest runs every test on a thread of its own and ends on the first thread, once it has
//! printed its whole report: `main` returns (exit code 0, every test passed) or calls
//! `std::process::exit(101)` (some failed). A test, or a thread it started, that ends the
//! process (`std::process::exit`, an abort, a signal) ends it on another thread, or without
//! `atexit` handlers, so the run carries no proof; and Rust's standard library lets only the
//! first caller of `exit` proceed, so a late `exit` from a test cannot change the status of a
//! harness that is already exiting. Code in safe Rust (the crate under test is compiled with
//! `unsafe_code` forbidden) has no constructor, no global allocator and no raw file
//! descriptors, so it can neither read the secret first nor from memory.
//!
//! Without [`WANTED`] the guard does nothing: `cargo test` runs as it always does. The guard
//! exists on Linux with glibc, which hands `.init_array` functions the program's arguments (as
//! Rust's standard library relies on too); elsewhere nothing is ever proved.

/// The argument by which the grader asks for the guard: a libtest `--skip` filter that matches
/// no test, so the harness reads it and changes nothing. It reveals nothing: the secret comes
/// on [`SECRET_FD`]. (An argument rather than an environment variable, because the grader's
/// sandbox gives every run the same fixed environment.)
pub const WANTED: &str = "--skip=testkit-guard:secret-on-fd-3";

/// The file descriptor the grader hands the secret over on.
pub const SECRET_FD: i32 = 3;

/// The length of the secret, in bytes: the grader sends exactly this many (hex digits).
pub const SECRET_LEN: usize = 64;

/// What the proof line starts with; the secret and a newline follow. The line starts with
/// `test ` so that the grader's bounded output capture keeps it after a flood of output, as it
/// keeps the harness's own result lines.
pub const PROOF_PREFIX: &str = "test harness finished: ";

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod linux {
    use std::ffi::{c_char, c_int, c_void};
    use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

    use super::{PROOF_PREFIX, SECRET_FD, SECRET_LEN, WANTED};

    /// `PR_SET_DUMPABLE` of `<linux/prctl.h>`.
    const PR_SET_DUMPABLE: c_int = 4;

    unsafe extern "C" {
        fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;
        fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;
        fn close(fd: c_int) -> c_int;
        fn prctl(option: c_int, ...) -> c_int;
        fn atexit(function: extern "C" fn()) -> c_int;
        fn pthread_self() -> usize;
    }

    /// The secret, once read.
    static SECRET: [AtomicU8; SECRET_LEN] = [const { AtomicU8::new(0) }; SECRET_LEN];
    /// Whether the secret was read and the handler registered.
    static ARMED: AtomicBool = AtomicBool::new(false);
    /// The first thread, `pthread_self()` in the constructor.
    static FIRST_THREAD: AtomicUsize = AtomicUsize::new(0);

    /// Run before `main`, as every entry of `.init_array` is, with glibc's arguments `argc`,
    /// `argv` and `envp`. An rlib's `#[used]` static is kept by rustc in every binary that
    /// links the crate.
    #[used]
    #[unsafe(link_section = ".init_array")]
    static CONSTRUCTOR: extern "C" fn(c_int, *const *const c_char, *const *const c_char) = arm;

    extern "C" fn arm(argc: c_int, argv: *const *const c_char, _envp: *const *const c_char) {
        if argv.is_null() {
            return;
        }
        let wanted = (0..usize::try_from(argc).unwrap_or(0)).any(|index| {
            // SAFETY: glibc passes `argc` NUL-terminated strings in `argv`, as to `main`.
            let arg = unsafe { std::ffi::CStr::from_ptr(*argv.add(index)) };
            arg.to_bytes() == WANTED.as_bytes()
        });
        if !wanted {
            return;
        }
        let mut secret = [0u8; SECRET_LEN];
        let mut filled = 0;
        while filled < SECRET_LEN {
            // SAFETY: the buffer has `SECRET_LEN - filled` bytes from `filled` on.
            let count = unsafe {
                read(
                    SECRET_FD,
                    secret[filled..].as_mut_ptr().cast(),
                    SECRET_LEN - filled,
                )
            };
            if count <= 0 {
                break;
            }
            filled += count as usize;
        }
        // SAFETY: closing a descriptor this process was handed for the guard alone (or one that
        // is not open, which fails harmlessly).
        unsafe { close(SECRET_FD) };
        // SAFETY: prctl with PR_SET_DUMPABLE takes one integer argument.
        let undumpable = unsafe { prctl(PR_SET_DUMPABLE, 0 as std::ffi::c_ulong) } == 0;
        if filled == SECRET_LEN && undumpable {
            for (slot, byte) in SECRET.iter().zip(secret) {
                slot.store(byte, Ordering::Relaxed);
            }
            // SAFETY: pthread_self has no preconditions.
            FIRST_THREAD.store(unsafe { pthread_self() }, Ordering::Relaxed);
            // SAFETY: `prove` is an `extern "C" fn()` that never unwinds.
            if unsafe { atexit(prove) } == 0 {
                ARMED.store(true, Ordering::Release);
            }
        }
        for byte in &mut secret {
            // SAFETY: a write to a byte of a local array, kept so the copy on the stack goes.
            unsafe { std::ptr::write_volatile(byte, 0) };
        }
    }

    /// Writes the proof line, with `write(2)` alone (no allocation, no lock), when the process
    /// exits on its first thread.
    extern "C" fn prove() {
        // SAFETY: pthread_self has no preconditions.
        if !ARMED.load(Ordering::Acquire)
            || unsafe { pthread_self() } != FIRST_THREAD.load(Ordering::Relaxed)
        {
            return;
        }
        let mut line = [0u8; 1 + PROOF_PREFIX.len() + SECRET_LEN + 1];
        // A newline first, so the proof starts a line whatever was printed before it.
        line[0] = b'\n';
        line[1..=PROOF_PREFIX.len()].copy_from_slice(PROOF_PREFIX.as_bytes());
        for (slot, byte) in line[1 + PROOF_PREFIX.len()..].iter_mut().zip(&SECRET) {
            *slot = byte.load(Ordering::Relaxed);
        }
        let last = line.len() - 1;
        line[last] = b'\n';
        let mut written = 0;
        while written < line.len() {
            // SAFETY: the buffer has `line.len() - written` bytes from `written` on.
            let count = unsafe { write(1, line[written..].as_ptr().cast(), line.len() - written) };
            if count <= 0 {
                break;
            }
            written += count as usize;
        }
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::*;

    /// Runs this test binary's test `name` with the guard asked for and `secret` on fd 3 (the
    /// shell moves its standard input there); returns its exit code and standard output.
    fn guarded(name: &str, secret: &[u8]) -> (Option<i32>, String) {
        let exe = std::env::current_exe().expect("the test binary's path");
        let args = ["--exact", name, "--test-threads", "1", WANTED];
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" 3<&0 </dev/null")
            .arg(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("sh starts");
        child
            .stdin
            .take()
            .expect("a pipe")
            .write_all(secret)
            .expect("the secret is written");
        let output = child.wait_with_output().expect("the run ends");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    }

    fn secret() -> Vec<u8> {
        (0..SECRET_LEN)
            .map(|i| b"0123456789abcdef"[i % 16])
            .collect()
    }

    fn proof(secret: &[u8]) -> String {
        format!("\n{PROOF_PREFIX}{}\n", String::from_utf8_lossy(secret))
    }

    #[test]
    fn idle() {}

    /// Ends the process on its own thread, as a test calling `std::process::exit` does, when
    /// run by [`exits_on_its_own_thread_without_proof`]; passes otherwise.
    #[test]
    fn exits_early() {
        if std::env::args().any(|arg| arg == WANTED) {
            std::process::exit(0);
        }
    }

    #[test]
    fn a_run_that_ends_in_the_harness_proves_it() {
        let secret = secret();
        let (code, stdout) = guarded("guard::tests::idle", &secret);
        assert_eq!(code, Some(0), "{stdout}");
        assert!(stdout.ends_with(&proof(&secret)), "{stdout}");
        assert_eq!(stdout.matches(PROOF_PREFIX).count(), 1, "{stdout}");
    }

    #[test]
    fn exits_on_its_own_thread_without_proof() {
        let (code, stdout) = guarded("guard::tests::exits_early", &secret());
        assert_eq!(code, Some(0), "{stdout}");
        assert!(!stdout.contains(PROOF_PREFIX), "{stdout}");
    }

    #[test]
    fn a_short_secret_arms_nothing() {
        let (code, stdout) = guarded("guard::tests::idle", b"short");
        assert_eq!(code, Some(0), "{stdout}");
        assert!(!stdout.contains(PROOF_PREFIX), "{stdout}");
    }
}
