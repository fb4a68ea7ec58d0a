//! Which of the course's files go into the handout, and which stay out.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

use crate::cmd::Cmd;
use crate::grade::config::FILE_NAME;

/// The course's files, relative to `root`: what git tracks plus untracked files it does not
/// ignore, or without git every file outside `target/`, `.git/` and the built book.
pub fn course_files(root: &Path) -> Result<Vec<PathBuf>> {
    if root.join(".git").exists() {
        let listed = Cmd::new("git", root)
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ])
            .run();
        if let Some(output) = listed.ok().filter(|output| output.success()) {
            let mut files: Vec<PathBuf> = output
                .stdout()
                .split('\0')
                .map(|line| line.trim_matches('\n'))
                .filter(|line| !line.is_empty())
                .map(PathBuf::from)
                .collect();
            files.sort();
            files.dedup();
            return Ok(files);
        }
    }
    let mut files = Vec::new();
    walk(root, Path::new(""), &mut files)?;
    files.sort();
    Ok(files)
}

fn walk(root: &Path, relative: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let dir = root.join(relative);
    for entry in fs::read_dir(&dir).with_context(|| format!("could not list {}", dir.display()))? {
        let entry = entry?;
        let path = relative.join(entry.file_name());
        let skipped = ["target", ".git"]
            .iter()
            .any(|name| entry.file_name() == *name)
            || path == Path::new("book/book");
        if skipped {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk(root, &path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// Why `file` stays out of the handout, or `None` when it goes in.
pub fn leave_out(file: &Path, hidden: Option<&Path>) -> Option<String> {
    let parts: Vec<&str> = file
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    if parts.first() == Some(&"solutions") {
        return Some("solutions/".to_owned());
    }
    if parts.contains(&"target") {
        return Some("build output (target/)".to_owned());
    }
    if let Some(hidden) = hidden.filter(|hidden| file.starts_with(hidden)) {
        return Some(format!("the hidden tests ({}/)", hidden.display()));
    }
    if file == Path::new(FILE_NAME) {
        return Some(FILE_NAME.to_owned());
    }
    if parts.len() >= 3 && parts[0] == "tests" && parts[2] == "mutants" {
        return Some("the mutants (tests/*/mutants/, patches of the reference)".to_owned());
    }
    if parts.len() >= 3 && parts[0] == "tests" && parts[2] == "alternatives" {
        return Some(
            "the alternatives (tests/*/alternatives/, other correct solutions)".to_owned(),
        );
    }
    if parts.starts_with(&["xtask", "tests"]) {
        return Some("the grader's tests (xtask/tests/)".to_owned());
    }
    None
}

/// `path` relative to `root`, when it lies inside it.
pub fn relative_to(root: &Path, path: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    path.strip_prefix(&root).ok().map(Path::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_students_must_not_see_stays_out() {
        let hidden = Path::new("hidden");
        let out = |file: &str| leave_out(Path::new(file), Some(hidden));
        assert!(out("solutions/lesson1/src/pool.rs").is_some());
        assert!(out("hidden/lesson1/extra.rs").is_some());
        assert!(out("grading.toml").is_some());
        assert!(out("tests/lesson1/mutants/serial_pool.patch").is_some());
        assert!(out("tests/lesson1/alternatives/std_channels.patch").is_some());
        assert!(out("xtask/tests/grade.rs").is_some());
        assert!(out("lessons/lesson3/target/criterion/report/index.html").is_some());
        for kept in [
            "lessons/lesson1/src/pool.rs",
            "tests/lesson1/main.rs",
            "tests/lesson1/perf.rs",
            "xtask/grader/src/lib.rs",
            "README.md",
        ] {
            assert!(out(kept).is_none(), "{kept}");
        }
    }
}
