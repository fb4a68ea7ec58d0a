//! The one check of a submission's files that the compiler and the sandbox cannot make: their
//! names.
//!
//! Everything this module used to refuse by reading source text is now refused by something
//! that cannot be talked around: assembly, `no_mangle`, `export_name`, `link_section` and a
//! global allocator by the compiler (the lesson crate forbids `unsafe_code`, and in edition
//! 2024 those are unsafe attributes or need `unsafe`); `#[path]`, `include!`, `include_str!`,
//! `include_bytes!` and debugger-visualizer files that leave the crate, however a macro spells
//! them, by the build's sandbox (the instructor's tree is not there) and by the check of the
//! build's dep-info (every file the crate compiled must be its own or a public suite).
//!
//! That dep-info check reads rustc's Makefile-style `.d` files, where a space in a name is
//! written `\ ` and nothing else is escaped: a file named `a\` followed by another file would
//! read as one name, and a name with a newline as two lines. So a submission's files must have
//! plain names (letters, digits, `_`, `-`, `.`), which every Rust module has anyway; a lesson
//! with another is refused before compiling, the file named.

use std::path::{Component, PathBuf};

use anyhow::Result;

/// Checks the submission's files (path relative to `src/`, the file); gives one sentence per
/// problem, such as `src/a b.rs: …`.
pub fn check(files: &[(PathBuf, PathBuf)]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (relative, _) in files {
        let plain = relative.components().all(|component| match component {
            Component::Normal(name) => name.to_str().is_some_and(|name| {
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            }),
            _ => false,
        });
        if !plain {
            problems.push(format!(
                "src/{}: grading accepts only file names of letters, digits, `_`, `-` and `.` \
                 (the compiler's list of the files it read could not be checked otherwise); \
                 rename the file",
                relative.display()
            ));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(names: &[&str]) -> Vec<String> {
        let files: Vec<(PathBuf, PathBuf)> = names
            .iter()
            .map(|name| (PathBuf::from(name), PathBuf::from("/unused")))
            .collect();
        check(&files).unwrap()
    }

    #[test]
    fn plain_names_pass() {
        assert!(problems(&["lib.rs", "pool/mod.rs", "notes-1.txt", "a_b.rs"]).is_empty());
    }

    #[test]
    fn names_the_dep_info_cannot_hold_are_refused() {
        let found = problems(&["evil\\", "a b.rs", "x\ny.rs", "colon:.rs", "ok.rs"]);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(
            found[0].starts_with("src/evil\\: grading accepts only"),
            "{found:?}"
        );
    }
}
