//! Scratch copies of the workspace, to change and test without touching the real one.
//!
//! `cargo xtask ci` copies the workspace once per mutant and applies the mutant's patch to the
//! copy; a grading task can copy it the same way and put a student's `src/` in place of a
//! stub's with [`copy_tree`].

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// What a scratch copy takes from the workspace root: everything a build and the tests need,
/// and nothing else (no `target/`, no `book/`, no `.git`).
pub const WORKSPACE_ENTRIES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    ".cargo",
    "lessons",
    "solutions",
    "tests",
    "xtask",
];

/// Names never copied, at any depth: build output and version control.
const SKIPPED: &[&str] = &["target", ".git"];

/// Where scratch copies live, under the real workspace's target directory.
pub fn scratch_dir(root: &Path) -> PathBuf {
    root.join("target").join("xtask")
}

/// The target directory every scratch copy builds into, so dependencies compile only once
/// for all of them.
pub fn shared_target_dir(root: &Path) -> PathBuf {
    scratch_dir(root).join("scratch-target")
}

/// Makes `dest` a fresh copy of the workspace at `root` ([`WORKSPACE_ENTRIES`]; an entry the
/// workspace lacks, such as a `Cargo.lock` not yet made, is left out). Whatever was at `dest`
/// before is removed first.
pub fn copy_workspace(root: &Path, dest: &Path) -> Result<()> {
    if dest.exists() {
        fs::remove_dir_all(dest)
            .with_context(|| format!("could not remove the old scratch copy {}", dest.display()))?;
    }
    fs::create_dir_all(dest)
        .with_context(|| format!("could not create the scratch directory {}", dest.display()))?;
    for entry in WORKSPACE_ENTRIES {
        let from = root.join(entry);
        if from.exists() {
            copy_tree(&from, &dest.join(entry))?;
        }
    }
    Ok(())
}

/// Copies the file or directory `from` to `to`, recursively, skipping `target/` and `.git`
/// directories. Symbolic links are followed. `to` must not exist yet.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        bail!(
            "cannot copy {} to {}: it exists already",
            from.display(),
            to.display()
        );
    }
    let meta = fs::metadata(from).with_context(|| format!("could not read {}", from.display()))?;
    if meta.is_dir() {
        fs::create_dir_all(to).with_context(|| format!("could not create {}", to.display()))?;
        let entries =
            fs::read_dir(from).with_context(|| format!("could not list {}", from.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("could not list {}", from.display()))?;
            let name = entry.file_name();
            if SKIPPED.iter().any(|skipped| name == **skipped) {
                continue;
            }
            copy_tree(&entry.path(), &to.join(&name))?;
        }
    } else {
        fs::copy(from, to)
            .with_context(|| format!("could not copy {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_what_a_build_needs_and_nothing_else() {
        let base = std::env::temp_dir().join(format!("xtask-scratch-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let root = base.join("workspace");
        for file in [
            "Cargo.toml",
            "lessons/lesson1/src/lib.rs",
            "lessons/lesson1/target/debug/junk",
            "tests/lesson1/main.rs",
            "target/debug/junk",
            "book/src/SUMMARY.md",
            ".git/HEAD",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, file).unwrap();
        }
        let dest = base.join("copy");
        fs::create_dir_all(dest.join("stale")).unwrap();
        copy_workspace(&root, &dest).unwrap();

        let read = |file: &str| fs::read_to_string(dest.join(file)).ok();
        assert_eq!(read("Cargo.toml").as_deref(), Some("Cargo.toml"));
        assert_eq!(
            read("lessons/lesson1/src/lib.rs").as_deref(),
            Some("lessons/lesson1/src/lib.rs")
        );
        assert!(read("tests/lesson1/main.rs").is_some());
        for absent in ["lessons/lesson1/target", "target", "book", ".git", "stale"] {
            assert!(!dest.join(absent).exists(), "{absent} was copied");
        }
        assert!(copy_tree(&root.join("tests"), &dest.join("tests")).is_err());
        fs::remove_dir_all(&base).unwrap();
    }
}
