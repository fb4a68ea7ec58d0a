//! Landlock: the kernel's unprivileged sandbox, which here forbids a submission to write
//! anywhere but its own run directory, to read or execute anything but the system's directories
//! ([`SYSTEM_DIRS`]) and the directories the grader names (the scratch copy, the build), to open
//! TCP connections, and to signal processes outside its sandbox. So the reference solutions,
//! the hidden tests and the grading configuration cannot be read while a submission runs, and
//! cannot end up in a report a student sees.
//!
//! The rules are built in the grader ([`ruleset`]) and put in force in the child right before
//! it executes the test binary ([`restrict_self`]); they hold for every process it starts. On a
//! kernel without Landlock nothing is restricted, and the caller says so.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

// The kernel's Landlock interface (include/uapi/linux/landlock.h).
const CREATE_RULESET_VERSION: u32 = 1;
const RULE_PATH_BENEATH: u32 = 1;

const ACCESS_FS_EXECUTE: u64 = 1 << 0;
const ACCESS_FS_WRITE_FILE: u64 = 1 << 1;
const ACCESS_FS_READ_FILE: u64 = 1 << 2;
const ACCESS_FS_READ_DIR: u64 = 1 << 3;
const ACCESS_FS_REMOVE_DIR: u64 = 1 << 4;
const ACCESS_FS_REMOVE_FILE: u64 = 1 << 5;
const ACCESS_FS_MAKE_CHAR: u64 = 1 << 6;
const ACCESS_FS_MAKE_DIR: u64 = 1 << 7;
const ACCESS_FS_MAKE_REG: u64 = 1 << 8;
const ACCESS_FS_MAKE_SOCK: u64 = 1 << 9;
const ACCESS_FS_MAKE_FIFO: u64 = 1 << 10;
const ACCESS_FS_MAKE_BLOCK: u64 = 1 << 11;
const ACCESS_FS_MAKE_SYM: u64 = 1 << 12;
/// ABI 2.
const ACCESS_FS_REFER: u64 = 1 << 13;
/// ABI 3.
const ACCESS_FS_TRUNCATE: u64 = 1 << 14;
/// ABI 4.
const ACCESS_NET_BIND_TCP: u64 = 1 << 0;
const ACCESS_NET_CONNECT_TCP: u64 = 1 << 1;
/// ABI 6.
const SCOPE_ABSTRACT_UNIX_SOCKET: u64 = 1 << 0;
const SCOPE_SIGNAL: u64 = 1 << 1;

#[repr(C)]
struct RulesetAttr {
    handled_access_fs: u64,
    handled_access_net: u64,
    scoped: u64,
}

#[repr(C, packed)]
struct PathBeneathAttr {
    allowed_access: u64,
    parent_fd: i32,
}

/// The Landlock ABI version the kernel offers, or `None` without Landlock.
pub fn abi() -> Option<i64> {
    // SAFETY: asking for the version passes no memory to the kernel.
    let version = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<RulesetAttr>(),
            0usize,
            CREATE_RULESET_VERSION,
        )
    };
    (version >= 1).then_some(version)
}

/// What the rules handle at a given ABI: reading, executing and writes of every kind, and from
/// ABI 4 TCP, from ABI 6 signals and abstract sockets. What is handled and not granted by a rule is forbidden.
fn handled(abi: i64) -> RulesetAttr {
    let mut fs = READ
        | ACCESS_FS_WRITE_FILE
        | ACCESS_FS_REMOVE_DIR
        | ACCESS_FS_REMOVE_FILE
        | ACCESS_FS_MAKE_CHAR
        | ACCESS_FS_MAKE_DIR
        | ACCESS_FS_MAKE_REG
        | ACCESS_FS_MAKE_SOCK
        | ACCESS_FS_MAKE_FIFO
        | ACCESS_FS_MAKE_BLOCK
        | ACCESS_FS_MAKE_SYM;
    if abi >= 2 {
        fs |= ACCESS_FS_REFER;
    }
    if abi >= 3 {
        fs |= ACCESS_FS_TRUNCATE;
    }
    let net = if abi >= 4 {
        ACCESS_NET_BIND_TCP | ACCESS_NET_CONNECT_TCP
    } else {
        0
    };
    let scoped = if abi >= 6 {
        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    } else {
        0
    };
    RulesetAttr {
        handled_access_fs: fs,
        handled_access_net: net,
        scoped,
    }
}

/// The size of the ruleset attribute the kernel of that ABI knows.
fn attr_size(abi: i64) -> usize {
    match abi {
        ..=3 => 8,
        4..=5 => 16,
        _ => size_of::<RulesetAttr>(),
    }
}

/// Reading files and directories, and executing programs.
const READ: u64 = ACCESS_FS_EXECUTE | ACCESS_FS_READ_FILE | ACCESS_FS_READ_DIR;

/// The system's directories every run may read and execute from: programs, libraries,
/// configuration, and the kernel's views of processes, devices and cgroups. Those missing on
/// this machine are skipped.
pub const SYSTEM_DIRS: &[&str] = &[
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/etc",
    "/proc",
    "/sys",
    "/nix/store",
];

/// A ruleset that lets a process write only below `writable` (every kind of write) and to
/// devices under `/dev` (such as `/dev/null`), and read or execute only below `writable`,
/// `readable`, `/dev` and the [`SYSTEM_DIRS`]. `None` when the kernel has no Landlock.
pub fn ruleset(writable: &Path, readable: &[PathBuf]) -> io::Result<Option<OwnedFd>> {
    let Some(abi) = abi() else {
        return Ok(None);
    };
    let attr = handled(abi);
    // SAFETY: `attr` is a valid ruleset attribute of at least the size passed.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            &attr as *const RulesetAttr,
            attr_size(abi),
            0u32,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just gave us this descriptor, and nothing else owns it.
    let ruleset = unsafe { OwnedFd::from_raw_fd(fd as RawFd) };
    add_rule(&ruleset, writable, attr.handled_access_fs)?;
    add_rule(
        &ruleset,
        Path::new("/dev"),
        READ | ACCESS_FS_WRITE_FILE | (attr.handled_access_fs & ACCESS_FS_TRUNCATE),
    )?;
    let system = SYSTEM_DIRS.iter().map(Path::new).filter(|dir| dir.exists());
    for dir in system.chain(readable.iter().map(PathBuf::as_path)) {
        add_rule(&ruleset, dir, READ)?;
    }
    Ok(Some(ruleset))
}

fn add_rule(ruleset: &OwnedFd, path: &Path, access: u64) -> io::Result<()> {
    let name = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a path with a NUL byte"))?;
    // SAFETY: `name` is a valid C string; the descriptor is closed below.
    let dir = unsafe { libc::open(name.as_ptr(), libc::O_PATH | libc::O_CLOEXEC) };
    if dir < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `open` just gave us this descriptor.
    let dir = unsafe { OwnedFd::from_raw_fd(dir) };
    let rule = PathBeneathAttr {
        allowed_access: access,
        parent_fd: dir.as_raw_fd(),
    };
    // SAFETY: `rule` is a valid path-beneath attribute and both descriptors are open.
    let added = unsafe {
        libc::syscall(
            libc::SYS_landlock_add_rule,
            ruleset.as_raw_fd(),
            RULE_PATH_BENEATH,
            &rule as *const PathBeneathAttr,
            0u32,
        )
    };
    if added < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Puts `ruleset` in force for the calling process and everything it starts. Meant for a
/// freshly forked child, before `exec`: it only makes system calls.
pub fn restrict_self(ruleset: RawFd) -> io::Result<()> {
    // SAFETY: both calls take integers only.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::syscall(libc::SYS_landlock_restrict_self, ruleset, 0u32) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_abis_handle_more() {
        assert_eq!(handled(1).handled_access_fs & ACCESS_FS_REFER, 0);
        assert_ne!(handled(3).handled_access_fs & ACCESS_FS_TRUNCATE, 0);
        assert_eq!(handled(3).handled_access_net, 0);
        assert_ne!(handled(4).handled_access_net, 0);
        assert_eq!(handled(5).scoped, 0);
        assert_ne!(handled(6).scoped & SCOPE_SIGNAL, 0);
        assert_eq!(attr_size(1), 8);
        assert_eq!(attr_size(4), 16);
        assert_eq!(attr_size(7), 24);
        assert_eq!(size_of::<PathBeneathAttr>(), 12);
    }
}
