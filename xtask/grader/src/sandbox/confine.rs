//! What a submission's process may do: resource limits, the user bubblewrap starts as, and
//! the [`View`] of the file system bubblewrap gives it. [`Confinement::prepare`] does the work
//! that needs the grader (counting processes); [`Plan::apply`] runs in the forked child right
//! before it `exec`s bubblewrap.
//!
//! Landlock, the hand-made layer this sandbox had before bubblewrap, is not applied any more:
//! a Landlock domain forbids the mounts bubblewrap makes, so it could only be entered inside
//! the sandbox, where the mount namespace already shows nothing but what the run may read and
//! nothing writable but its own tmpfs (or, for a build, its own target directory), the network
//! namespace has no interface, and the PID namespace hides every other process. It would add
//! nothing there. The resource limits stay: namespaces do not bound CPU, memory, tasks or the
//! size of one file.

use std::io;
use std::os::fd::RawFd;
use std::path::PathBuf;

use super::bwrap::View;
use super::procs;

/// Resource limits for a submission's processes (each one of them; children inherit them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// CPU seconds per process (`RLIMIT_CPU`): past it the kernel kills the process.
    pub cpu_seconds: u64,
    /// Address space per process in bytes (`RLIMIT_AS`): a larger allocation fails.
    pub address_space: u64,
    /// Tasks (processes and threads) the sandbox user may run at once (`RLIMIT_NPROC`),
    /// counted on top of those the user already runs.
    pub processes: u64,
    /// The largest file a process may write, in bytes (`RLIMIT_FSIZE`).
    pub file_size: u64,
}

/// How to confine one run.
#[derive(Debug, Clone)]
pub struct Confinement {
    /// The resource limits.
    pub limits: Limits,
    /// Start bubblewrap as this user and group (uid, gid) instead of the grader's; only root
    /// can. A test run always has one when the grader is root: bubblewrap started by root
    /// would map the run's user to the real root, and a process could then open its own
    /// memory through `/proc` however it was started.
    pub user: Option<(u32, u32)>,
    /// The bubblewrap program.
    pub bwrap: PathBuf,
    /// What the process sees.
    pub view: View,
}

/// Everything the child needs, as plain values, so applying it allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    limits: Limits,
    processes: u64,
    user: Option<(u32, u32)>,
}

impl Confinement {
    /// Works out the process limit.
    pub fn prepare(&self) -> io::Result<Plan> {
        // RLIMIT_NPROC counts every task of the user, so the limit is on top of what the
        // user runs already (for the grader's own user, that includes the grader).
        // SAFETY: getuid has no preconditions.
        let uid = self
            .user
            .map_or_else(|| unsafe { libc::getuid() }, |(uid, _)| uid);
        let processes = procs::tasks_of_user(uid) + self.limits.processes;
        Ok(Plan {
            limits: self.limits,
            processes,
            user: self.user,
        })
    }
}

impl Plan {
    /// Applies the confinement to the calling process. Meant for `pre_exec`: only system
    /// calls, no allocation. Order matters: limits first, while the process may still do
    /// everything, then the user, then the parent-death signal (a change of user clears it).
    /// `keep` are descriptors bubblewrap must inherit ([`View::fds`]).
    pub fn apply(&self, keep: &[RawFd]) -> io::Result<()> {
        let limits = self.limits;
        set_limit(libc::RLIMIT_CPU, limits.cpu_seconds)?;
        set_limit(libc::RLIMIT_AS, limits.address_space)?;
        set_limit(libc::RLIMIT_NPROC, self.processes)?;
        set_limit(libc::RLIMIT_FSIZE, limits.file_size)?;
        set_limit(libc::RLIMIT_CORE, 0)?;
        // SAFETY: each call takes integers only and affects this (single-threaded) child.
        unsafe {
            for &fd in keep {
                if libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            if let Some((uid, gid)) = self.user
                && (libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setgid(gid) != 0
                    || libc::setuid(uid) != 0)
            {
                return Err(io::Error::last_os_error());
            }
            // If the grader dies, bubblewrap dies with it, and with bubblewrap the whole run.
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

#[cfg(target_env = "gnu")]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(target_env = "gnu"))]
type Resource = libc::c_int;

/// Sets both the soft and the hard limit to `value`, or to the present hard limit when that is
/// lower (only root may raise a hard limit).
fn set_limit(resource: Resource, value: u64) -> io::Result<()> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit for the kernel to fill, then to read.
    unsafe {
        if libc::getrlimit(resource, &mut limit) != 0 {
            return Err(io::Error::last_os_error());
        }
        let value = value.min(limit.rlim_max);
        limit.rlim_cur = value;
        limit.rlim_max = value;
        if libc::setrlimit(resource, &limit) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
