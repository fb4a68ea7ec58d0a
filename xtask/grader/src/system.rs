//! System packages the course needs, pinned: bubblewrap, the sandbox `cargo xtask grade`
//! builds and runs every submission in. On Debian as root it is installed with apt-get at the
//! pinned version; elsewhere the message says how to get it. Grading never runs unconfined
//! for want of it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Result, bail};

/// The bubblewrap version the grader is written and tested for.
pub const BWRAP_VERSION: &str = "0.8.0";
/// Its Debian 12 package, pinned.
pub const BWRAP_PACKAGE: &str = "bubblewrap=0.8.0-2+deb12u1";
/// The oldest bubblewrap with every option the grader uses (`--disable-userns` came in 0.8.0).
const BWRAP_OLDEST: (u32, u32, u32) = (0, 8, 0);

/// The `bwrap` program, checked: on the PATH, at least [`BWRAP_OLDEST`]. When it is missing
/// and `install` is set, installs the pinned package first where that is possible (root, apt).
pub fn bubblewrap(install: bool) -> Result<PathBuf> {
    match find_bwrap() {
        Some((path, version)) => return check_version(path, &version),
        None if install && can_apt() => apt_install()?,
        None => {}
    }
    match find_bwrap() {
        Some((path, version)) => check_version(path, &version),
        None => bail!("{}", missing_message()),
    }
}

/// Where `bwrap` is and what `bwrap --version` says.
fn find_bwrap() -> Option<(PathBuf, String)> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/bin")])
        .map(|dir| dir.join("bwrap"))
        .find(|candidate| candidate.is_file())?;
    let output = Command::new(&found)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    Some((found, version))
}

/// `bubblewrap 0.8.0` → (0, 8, 0).
fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let number = text.trim().strip_prefix("bubblewrap ")?;
    let mut parts = number.split('.').map(|part| {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

fn check_version(path: PathBuf, version: &str) -> Result<PathBuf> {
    match parse_version(version) {
        Some(found) if found >= BWRAP_OLDEST => {
            let wanted = format!("bubblewrap {BWRAP_VERSION}");
            if version != wanted {
                eprintln!(
                    "note: {} is {version:?}; the grader is tested with {wanted:?}",
                    path.display()
                );
            }
            Ok(path)
        }
        _ => bail!(
            "{} says it is {version:?}, but grading needs bubblewrap {BWRAP_VERSION} or newer \
             (for --disable-userns and --size). {}",
            path.display(),
            how_to_install()
        ),
    }
}

/// Whether this process may install Debian packages: root, with apt-get.
fn can_apt() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    root && Path::new("/usr/bin/apt-get").is_file()
}

fn apt_install() -> Result<()> {
    eprintln!("bubblewrap is missing: installing {BWRAP_PACKAGE} with apt-get");
    let run = |args: &[&str]| -> Result<bool> {
        let status = Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .status()?;
        Ok(status.success())
    };
    if !run(&["install", "-y", "--no-install-recommends", BWRAP_PACKAGE])? {
        // A fresh machine may not have the package lists yet.
        if !(run(&["update"])?
            && run(&["install", "-y", "--no-install-recommends", BWRAP_PACKAGE])?)
        {
            bail!(
                "apt-get could not install {BWRAP_PACKAGE} (its output is above). {}",
                how_to_install()
            );
        }
    }
    Ok(())
}

fn how_to_install() -> String {
    format!(
        "Install it with `apt-get install {BWRAP_PACKAGE}` on Debian 12 (as root), or your \
         system's bubblewrap package (0.8 or newer) elsewhere"
    )
}

fn missing_message() -> String {
    format!(
        "`cargo xtask grade` builds and runs every submission inside bubblewrap (`bwrap`), \
         which is not installed here. {}. Grading needs Linux, bubblewrap, and either \
         unprivileged user namespaces or a grader running as root; it never runs a submission \
         unconfined.",
        how_to_install()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_and_compared() {
        assert_eq!(parse_version("bubblewrap 0.8.0\n"), Some((0, 8, 0)));
        assert_eq!(parse_version("bubblewrap 0.11.1"), Some((0, 11, 1)));
        assert_eq!(parse_version("bubblewrap 1.0"), Some((1, 0, 0)));
        assert_eq!(parse_version("bwrap"), None);
        assert!(check_version(PathBuf::from("/x/bwrap"), "bubblewrap 0.8.0").is_ok());
        let old = check_version(PathBuf::from("/x/bwrap"), "bubblewrap 0.6.2").unwrap_err();
        assert!(format!("{old}").contains(BWRAP_PACKAGE), "{old}");
        assert!(missing_message().contains("user namespaces"));
    }
}
