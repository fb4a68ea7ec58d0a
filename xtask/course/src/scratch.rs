//! Scratch copies of the workspace, to change and test without touching the real one.
//!
//! A [`Mirror`] keeps a copy in step with a plan of files, writing only what differs, so cargo
//! rebuilds only the crates whose files changed: `cargo xtask ci` mirrors the workspace into
//! one copy and applies each mutant's patch there in turn, and grading mirrors the workspace
//! with a student's `src/` in place of a stub's.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

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

/// Where a file of a [`Mirror`] comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file, read at each sync.
    File(PathBuf),
    /// Generated text.
    Text(String),
}

/// A planned copy of a tree: each file by its path relative to the copy's directory.
#[derive(Debug, Clone)]
pub struct Mirror {
    /// The copy's directory.
    pub dir: PathBuf,
    /// The files the copy holds, and where each comes from.
    pub files: BTreeMap<PathBuf, Source>,
}

impl Mirror {
    /// An empty plan for a copy at `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            files: BTreeMap::new(),
        }
    }

    /// A plan holding the workspace at `root`: its [`WORKSPACE_ENTRIES`] but those in
    /// `left_out` (an entry the workspace lacks, such as a `Cargo.lock` not yet made, is left
    /// out too).
    pub fn of_workspace(root: &Path, dir: &Path, left_out: &[&str]) -> Result<Self> {
        let mut mirror = Self::new(dir);
        for entry in WORKSPACE_ENTRIES.iter().filter(|e| !left_out.contains(e)) {
            let from = root.join(entry);
            if from.exists() {
                mirror.add_tree(&from, Path::new(entry))?;
            }
        }
        Ok(mirror)
    }

    /// Adds every file below `from` under `relative`, skipping build output and version
    /// control.
    pub fn add_tree(&mut self, from: &Path, relative: &Path) -> Result<()> {
        let meta =
            fs::metadata(from).with_context(|| format!("could not read {}", from.display()))?;
        if meta.is_dir() {
            for entry in
                fs::read_dir(from).with_context(|| format!("could not list {}", from.display()))?
            {
                let entry = entry?;
                let name = entry.file_name();
                if !SKIPPED.iter().any(|skipped| name == **skipped) {
                    self.add_tree(&entry.path(), &relative.join(&name))?;
                }
            }
        } else {
            self.files
                .insert(relative.to_owned(), Source::File(from.to_owned()));
        }
        Ok(())
    }

    /// Makes the copy match the plan: writes each file whose content differs (leaving the
    /// others, and their times, alone) and removes whatever the plan does not hold, links
    /// included. Gives the paths it wrote or removed.
    pub fn sync(&self) -> Result<Vec<PathBuf>> {
        let mut changed = Vec::new();
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("could not create {}", self.dir.display()))?;
        for (relative, source) in &self.files {
            let dest = self.dir.join(relative);
            let wanted = match source {
                Source::File(path) => {
                    fs::read(path).with_context(|| format!("could not read {}", path.display()))?
                }
                Source::Text(text) => text.clone().into_bytes(),
            };
            let is_plain_file = fs::symlink_metadata(&dest).is_ok_and(|m| m.is_file());
            if is_plain_file && fs::read(&dest).ok().as_deref() == Some(wanted.as_slice()) {
                continue;
            }
            remove_any(&dest)?;
            if let Some(parent) = dest.parent() {
                make_dirs(&self.dir, parent)?;
            }
            fs::write(&dest, &wanted)
                .with_context(|| format!("could not write {}", dest.display()))?;
            changed.push(relative.clone());
        }
        self.remove_extras(Path::new(""), &mut changed)?;
        Ok(changed)
    }

    /// Removes what the plan does not hold, below `relative`; gives whether nothing is left.
    /// Empty directories go, except the copy's root.
    fn remove_extras(&self, relative: &Path, removed: &mut Vec<PathBuf>) -> Result<bool> {
        let dir = self.dir.join(relative);
        let mut empty = true;
        for entry in
            fs::read_dir(&dir).with_context(|| format!("could not list {}", dir.display()))?
        {
            let entry = entry?;
            let path = relative.join(entry.file_name());
            let meta = fs::symlink_metadata(entry.path())?;
            if meta.is_dir() {
                if self.remove_extras(&path, removed)? {
                    fs::remove_dir(entry.path())?;
                } else {
                    empty = false;
                }
            } else if self.files.contains_key(&path) {
                empty = false;
            } else {
                remove_any(&entry.path())?;
                removed.push(path);
            }
        }
        Ok(empty)
    }
}

/// Creates `dir` and its parents below `root`, replacing anything in the way that is not a
/// directory (a run may have left a file or a link there).
fn make_dirs(root: &Path, dir: &Path) -> Result<()> {
    let relative = dir.strip_prefix(root).unwrap_or(dir);
    let mut path = root.to_owned();
    for component in relative.components() {
        path.push(component);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                remove_any(&path)?;
                fs::create_dir(&path)?;
            }
            Err(_) => fs::create_dir(&path)
                .with_context(|| format!("could not create {}", path.display()))?,
        }
    }
    Ok(())
}

/// Removes a file, a link or a directory tree, if there is one.
fn remove_any(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(_) => Ok(()),
    }
    .with_context(|| format!("could not remove {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_holds_what_a_build_needs_and_writes_only_what_differs() {
        let base = std::env::temp_dir().join(format!("xtask-scratch-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let root = base.join("workspace");
        for file in [
            "Cargo.toml",
            "lessons/lesson1/src/lib.rs",
            "lessons/lesson1/target/debug/junk",
            "tests/lesson1/main.rs",
            "xtask/src/main.rs",
            "target/debug/junk",
            "book/src/SUMMARY.md",
            ".git/HEAD",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, file).unwrap();
        }
        let dest = base.join("copy");
        fs::create_dir_all(dest.join("stale/deep")).unwrap();
        fs::write(dest.join("stale/deep/file"), "").unwrap();
        let mirror = Mirror::of_workspace(&root, &dest, &["xtask"]).unwrap();
        assert!(!mirror.sync().unwrap().is_empty());

        let read = |file: &str| fs::read_to_string(dest.join(file)).ok();
        assert_eq!(read("Cargo.toml").as_deref(), Some("Cargo.toml"));
        assert_eq!(
            read("lessons/lesson1/src/lib.rs").as_deref(),
            Some("lessons/lesson1/src/lib.rs")
        );
        assert!(read("tests/lesson1/main.rs").is_some());
        for absent in [
            "lessons/lesson1/target",
            "target",
            "book",
            ".git",
            "stale",
            "xtask",
        ] {
            assert!(!dest.join(absent).exists(), "{absent} was copied");
        }

        let untouched = fs::metadata(dest.join("Cargo.toml"))
            .unwrap()
            .modified()
            .unwrap();
        fs::write(dest.join("tests/lesson1/main.rs"), "changed").unwrap();
        assert_eq!(
            mirror.sync().unwrap(),
            [PathBuf::from("tests/lesson1/main.rs")]
        );
        assert_eq!(
            read("tests/lesson1/main.rs").as_deref(),
            Some("tests/lesson1/main.rs")
        );
        let after = fs::metadata(dest.join("Cargo.toml"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(untouched, after, "an unchanged file was written again");
        fs::remove_dir_all(&base).unwrap();
    }
}
