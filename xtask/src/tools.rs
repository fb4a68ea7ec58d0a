//! Programs the course's commands need beyond cargo, each pinned to one version and installed
//! with `cargo install --locked` when missing: mdbook for the book, cargo-mutants for
//! `cargo xtask mutants`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Result, bail, ensure};

use crate::cmd::Cmd;

/// A program installed from a crate at a pinned version.
#[derive(Debug, Clone, Copy)]
pub struct Pinned {
    /// The crate `cargo install` takes, which is also the program's name.
    pub krate: &'static str,
    /// The version the course is written for.
    pub version: &'static str,
    /// The arguments that make the program print its version.
    pub version_args: &'static [&'static str],
    /// What that prints before the version: `mdbook v` for `mdbook v0.5.4`.
    pub version_prefix: &'static str,
    /// Who needs it, for the message before an install: "The book".
    pub needed_by: &'static str,
}

impl Pinned {
    /// What the pinned version prints when asked for its version.
    fn wanted(&self) -> String {
        format!("{}{}", self.version_prefix, self.version)
    }

    /// The `cargo install` command for the pinned version.
    pub fn install_command(&self, root: &Path) -> Cmd {
        Cmd::cargo(root).args(["install", "--locked", self.krate, "--version", self.version])
    }
}

/// The program to run for `tool`: the pinned version, on the PATH or in cargo's bin
/// directory, installed with cargo first if neither has it.
pub fn ensure(root: &Path, tool: &Pinned) -> Result<OsString> {
    let wanted = tool.wanted();
    let in_cargo_home = cargo_home().map(|home| {
        home.join("bin")
            .join(format!("{}{}", tool.krate, std::env::consts::EXE_SUFFIX))
            .into_os_string()
    });
    let candidates: Vec<OsString> = std::iter::once(OsString::from(tool.krate))
        .chain(in_cargo_home.clone())
        .collect();
    let mut found = None;
    for candidate in &candidates {
        match version_of(candidate, tool) {
            Some(version) if version == wanted => return Ok(candidate.clone()),
            Some(version) => found = found.or(Some(version)),
            None => {}
        }
    }
    let install = tool.install_command(root).streamed();
    println!(
        "{} needs {wanted}, but {}. Installing it (once; this takes a few minutes):",
        tool.needed_by,
        found.map_or_else(
            || format!("{} is not installed", tool.krate),
            |other| format!("the {} found is {other}", tool.krate)
        )
    );
    println!("$ {}", install.display());
    let output = install.run()?;
    ensure!(
        output.success(),
        "could not install {} {} (the output is above); install it by hand with `{}` and try \
         again",
        tool.krate,
        tool.version,
        install.display()
    );
    // A freshly installed program lands in cargo's bin directory, which may come after another
    // version on the PATH.
    for candidate in in_cargo_home.iter().chain(&candidates) {
        if version_of(candidate, tool).as_deref() == Some(wanted.as_str()) {
            return Ok(candidate.clone());
        }
    }
    bail!(
        "installed {} {}, but cannot find it: add {} to your PATH",
        tool.krate,
        tool.version,
        cargo_home().map_or_else(
            || "cargo's bin directory".to_owned(),
            |home| home.join("bin").display().to_string()
        )
    )
}

/// The first line `program` prints when asked for its version, if it runs.
fn version_of(program: &OsString, tool: &Pinned) -> Option<String> {
    let output = Command::new(program)
        .args(tool.version_args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    output.status.success().then(|| {
        let text = String::from_utf8_lossy(&output.stdout);
        text.lines().next().unwrap_or("").trim().to_owned()
    })
}

fn cargo_home() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Some(PathBuf::from(home));
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".cargo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOOL: Pinned = Pinned {
        krate: "sometool",
        version: "1.2.3",
        version_args: &["--version"],
        version_prefix: "sometool v",
        needed_by: "A test",
    };

    #[test]
    fn the_pinned_version_is_installed_locked() {
        assert_eq!(TOOL.wanted(), "sometool v1.2.3");
        let install = TOOL.install_command(Path::new(".")).display();
        assert!(
            install.ends_with("install --locked sometool --version 1.2.3"),
            "{install}"
        );
    }

    #[test]
    fn a_program_that_does_not_run_has_no_version() {
        let missing = OsString::from("/nonexistent/xtask-no-such-program");
        assert_eq!(version_of(&missing, &TOOL), None);
    }
}
