//! What a sandboxed process sees, as bubblewrap (`bwrap`) arguments.
//!
//! A [`View`] lists the mounts of a fresh root: nothing is there unless a [`Mount`] puts it
//! there. Every namespace is new (`--unshare-all`: no network at all, not even the loopback of
//! the host, so no TCP, UDP or Unix path socket reaches anything outside; private System V IPC,
//! PID, UTS and cgroup namespaces), so the run cannot see or signal the grader's processes,
//! and when bubblewrap dies (it is the run's PID 1) the kernel kills everything in it. Nested
//! user namespaces are refused (`--disable-userns`), so no process inside can gain
//! capabilities back; the root is read-only once the mounts are made (`--remount-ro /`), so
//! the only places a run may write are the size-limited tmpfs directories of its view, which
//! disappear with it.

use std::ffi::OsString;
use std::os::fd::RawFd;
use std::path::{Path, PathBuf};

/// One entry of a [`View`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mount {
    /// The host's `source`, read-only, at `dest`.
    ReadOnly {
        /// The host's path.
        source: PathBuf,
        /// The path inside.
        dest: PathBuf,
    },
    /// The host's `source`, writable, at `dest`.
    Writable {
        /// The host's path.
        source: PathBuf,
        /// The path inside.
        dest: PathBuf,
    },
    /// An empty tmpfs of at most `size` bytes at `dest`, gone when the run ends.
    Tmpfs {
        /// The path inside.
        dest: PathBuf,
        /// Its size limit in bytes.
        size: u64,
    },
    /// A symbolic link `dest` → `target`.
    Symlink {
        /// What it points at.
        target: PathBuf,
        /// The link.
        dest: PathBuf,
    },
    /// A copy of the file open on `fd` (in the process that starts bubblewrap) at `dest`,
    /// with `mode`, in a directory of its own that is read-only inside: mode 0o111 lets the
    /// run execute the program without being able to read it.
    File {
        /// The descriptor, open (and inherited) when bubblewrap starts.
        fd: RawFd,
        /// The path inside.
        dest: PathBuf,
        /// Its permissions.
        mode: u32,
        /// Its size in bytes (its directory's tmpfs is sized to it).
        size: u64,
    },
}

/// The whole file system of one sandboxed process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    /// The mounts, in order (a later one may sit inside an earlier one).
    pub mounts: Vec<Mount>,
    /// Whether the run gets a `/proc` of its own PID namespace.
    pub proc: bool,
    /// The working directory inside.
    pub chdir: PathBuf,
    /// The user and group ids the process has inside, when not the caller's own.
    pub ids: Option<(u32, u32)>,
    /// The size of the private `/tmp` and `/dev/shm`, in bytes.
    pub scratch_size: u64,
}

impl View {
    /// A view with the host's system directories (programs and shared libraries) read-only,
    /// `/dev`'s basic devices, a private `/tmp` and `/dev/shm` of `scratch_size` bytes each,
    /// and `/proc` when `proc`.
    pub fn system(proc: bool, scratch_size: u64) -> Self {
        let mut mounts = vec![Mount::ReadOnly {
            source: "/usr".into(),
            dest: "/usr".into(),
        }];
        // Debian's merged /usr: /bin, /lib… are links into /usr. Elsewhere they are bound.
        for top in ["bin", "sbin", "lib", "lib32", "lib64", "libx32"] {
            let host = Path::new("/").join(top);
            match std::fs::read_link(&host) {
                Ok(target) => mounts.push(Mount::Symlink { target, dest: host }),
                Err(_) if host.is_dir() => mounts.push(Mount::ReadOnly {
                    source: host.clone(),
                    dest: host,
                }),
                Err(_) => {}
            }
        }
        // The dynamic loader's cache (without it, libraries in multiarch directories are not
        // found); nothing else of /etc: no passwd, no hosts, no configuration of the machine.
        for file in ["/etc/ld.so.cache"] {
            if Path::new(file).exists() {
                mounts.push(Mount::ReadOnly {
                    source: file.into(),
                    dest: file.into(),
                });
            }
        }
        Self {
            mounts,
            proc,
            chdir: "/".into(),
            ids: None,
            scratch_size,
        }
    }

    /// Adds `mount`.
    pub fn with(mut self, mount: Mount) -> Self {
        self.mounts.push(mount);
        self
    }

    /// The host paths this view binds that do not exist, which bubblewrap would refuse.
    pub fn missing(&self) -> Vec<PathBuf> {
        self.mounts
            .iter()
            .filter_map(|mount| match mount {
                Mount::ReadOnly { source, .. } | Mount::Writable { source, .. }
                    if std::fs::symlink_metadata(source).is_err() =>
                {
                    Some(source.clone())
                }
                _ => None,
            })
            .collect()
    }

    /// bubblewrap's arguments for this view, up to (and including) the `--` before the
    /// program.
    pub fn args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = Vec::new();
        let mut push = |items: &[&dyn AsRef<std::ffi::OsStr>]| {
            args.extend(items.iter().map(|item| item.as_ref().to_owned()));
        };
        push(&[
            &"--unshare-all",
            &"--unshare-user",
            &"--disable-userns",
            &"--die-with-parent",
            &"--new-session",
            &"--cap-drop",
            &"ALL",
        ]);
        if let Some((uid, gid)) = self.ids {
            push(&[&"--uid", &uid.to_string(), &"--gid", &gid.to_string()]);
        }
        push(&[&"--dev", &"/dev"]);
        if self.proc {
            push(&[&"--proc", &"/proc"]);
        }
        let scratch = self.scratch_size.max(1).to_string();
        push(&[&"--size", &scratch, &"--tmpfs", &"/tmp"]);
        push(&[&"--size", &scratch, &"--tmpfs", &"/dev/shm"]);
        for mount in &self.mounts {
            match mount {
                Mount::ReadOnly { source, dest } => push(&[&"--ro-bind", source, dest]),
                Mount::Writable { source, dest } => push(&[&"--bind", source, dest]),
                Mount::Tmpfs { dest, size } => {
                    push(&[&"--size", &size.max(&1).to_string(), &"--tmpfs", dest]);
                }
                Mount::Symlink { target, dest } => push(&[&"--symlink", target, dest]),
                // Placed last, a directory at a time.
                Mount::File { .. } => {}
            }
        }
        let mut dirs: Vec<&Path> = Vec::new();
        for mount in &self.mounts {
            if let Mount::File { dest, .. } = mount {
                let dir = dest.parent().unwrap_or(Path::new("/"));
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
        }
        for dir in dirs {
            let files: Vec<(RawFd, &PathBuf, u32, u64)> = self
                .mounts
                .iter()
                .filter_map(|mount| match mount {
                    Mount::File {
                        fd,
                        dest,
                        mode,
                        size,
                    } if dest.parent() == Some(dir) => Some((*fd, dest, *mode, *size)),
                    _ => None,
                })
                .collect();
            // Room for the files, each rounded up to whole pages, and the directory.
            let room: u64 = files
                .iter()
                .map(|(_, _, _, size)| size.next_multiple_of(4096))
                .sum::<u64>()
                + (64 << 10);
            push(&[&"--size", &room.to_string(), &"--tmpfs", &dir]);
            for (fd, dest, mode, _) in files {
                push(&[
                    &"--perms",
                    &format!("{mode:o}"),
                    &"--file",
                    &fd.to_string(),
                    dest,
                ]);
            }
            push(&[&"--remount-ro", &dir]);
        }
        push(&[&"--remount-ro", &"/", &"--chdir", &self.chdir, &"--"]);
        args
    }

    /// The descriptors [`Mount::File`] entries need open in bubblewrap.
    pub fn fds(&self) -> Vec<RawFd> {
        self.mounts
            .iter()
            .filter_map(|mount| match mount {
                Mount::File { fd, .. } => Some(*fd),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_view_becomes_arguments() {
        let view = View {
            chdir: "/grade/run".into(),
            ids: Some((65534, 65534)),
            ..View::system(true, 1024)
        }
        .with(Mount::Tmpfs {
            dest: "/grade/run".into(),
            size: 4096,
        })
        .with(Mount::File {
            fd: 11,
            dest: "/grade/bin/suite".into(),
            mode: 0o111,
            size: 100,
        });
        let args = strings(&view.args()).join(" ");
        for needle in [
            "--unshare-all --unshare-user --disable-userns --die-with-parent --new-session",
            "--uid 65534 --gid 65534",
            "--ro-bind /usr /usr",
            "--proc /proc",
            "--size 1024 --tmpfs /tmp",
            "--size 1024 --tmpfs /dev/shm",
            "--size 4096 --tmpfs /grade/run",
            "--size 69632 --tmpfs /grade/bin --perms 111 --file 11 /grade/bin/suite --remount-ro /grade/bin",
        ] {
            assert!(args.contains(needle), "{needle:?} not in {args}");
        }
        assert!(
            args.ends_with("--remount-ro / --chdir /grade/run --"),
            "{args}"
        );
        assert_eq!(view.fds(), [11]);
        let without = strings(&View::system(false, 1).args()).join(" ");
        assert!(!without.contains("--proc"), "{without}");
        assert!(!without.contains("/etc/passwd"), "{without}");
    }

    #[test]
    fn missing_sources_are_named() {
        let view = View::default().with(Mount::ReadOnly {
            source: "/no/such/place".into(),
            dest: "/x".into(),
        });
        assert_eq!(view.missing(), [PathBuf::from("/no/such/place")]);
    }
}
