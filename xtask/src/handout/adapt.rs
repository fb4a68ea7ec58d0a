//! The handout's versions of the files it adapts: the workspace manifest, README.md and the
//! book's chapters.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, ensure};

use super::markers::for_students;

/// What replaces a book line that includes code from the reference solution.
const BOOK_PLACEHOLDER: &str =
    "// The reference solution is not part of the student handout: ask your instructor.";

/// The handout's version of `file`, when it differs from the original.
pub fn adapt(file: &Path, from: &Path) -> Result<Option<String>> {
    let read =
        || fs::read_to_string(from).with_context(|| format!("could not read {}", from.display()));
    if file == Path::new("Cargo.toml") {
        return without_solutions(&read()?)
            .map(Some)
            .context("could not take solutions/ out of the workspace's Cargo.toml");
    }
    if file == Path::new("README.md") {
        return for_students(file, &read()?)
            .map(Some)
            .context("could not make the students' README.md");
    }
    if file.starts_with("book/src") && file.extension().is_some_and(|e| e == "md") {
        let text = for_students(file, &read()?)
            .with_context(|| format!("could not make the students' {}", file.display()))?;
        return Ok(Some(without_solution_includes(&text)));
    }
    Ok(None)
}

/// The workspace manifest without `solutions/…` in `members` and `default-members`, comments
/// and layout kept.
pub fn without_solutions(manifest: &str) -> Result<String> {
    let parsed: toml::Table = toml::from_str(manifest)?;
    let workspace = parsed
        .get("workspace")
        .and_then(|w| w.as_table())
        .context("it has no [workspace] table")?;
    let mut text = manifest.to_owned();
    for key in ["members", "default-members"] {
        let entries = workspace.get(key).and_then(|m| m.as_array());
        for entry in entries.into_iter().flatten().filter_map(|e| e.as_str()) {
            if entry.starts_with("solutions/") || entry == "solutions" {
                let quoted = format!("\"{entry}\"");
                for pattern in [format!("{quoted}, "), format!(", {quoted}"), quoted.clone()] {
                    text = text.replace(&pattern, "");
                }
            }
        }
    }
    let check: toml::Table = toml::from_str(&text).context("the edited manifest does not parse")?;
    let still = ["members", "default-members"].iter().any(|key| {
        check["workspace"]
            .get(*key)
            .and_then(|m| m.as_array())
            .is_some_and(|list| {
                list.iter()
                    .any(|e| e.as_str().is_some_and(|e| e.starts_with("solutions")))
            })
    });
    ensure!(!still, "solutions/ is still listed after editing");
    Ok(text)
}

/// A chapter whose `{{#include …solutions/…}}` lines are replaced by a placeholder.
fn without_solution_includes(chapter: &str) -> String {
    let mut text: String = chapter
        .lines()
        .map(|line| {
            let include = line.trim_start().starts_with("{{#") && line.contains("solutions/");
            if include { BOOK_PLACEHOLDER } else { line }
        })
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons;

    #[test]
    fn the_manifest_loses_solutions_and_keeps_its_comments() {
        let manifest = "[workspace]\n# Lessons and solutions.\nmembers = [\"lessons/*\", \
                        \"solutions/*\", \"xtask\"]\ndefault-members = [\"solutions/*\", \
                        \"xtask\"]\n";
        let text = without_solutions(manifest).unwrap();
        assert_eq!(
            text,
            "[workspace]\n# Lessons and solutions.\nmembers = [\"lessons/*\", \"xtask\"]\n\
             default-members = [\"xtask\"]\n"
        );
        let root = lessons::workspace_root().unwrap();
        let real = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(
            !without_solutions(&real)
                .unwrap()
                .contains("\"solutions/*\"")
        );
    }

    #[test]
    fn the_book_includes_no_solution() {
        let chapter = "```rust\n{{#include ../../solutions/lesson1/src/pool.rs:worker}}\n```\n\
                       {{#include ../../lessons/lesson1/src/pool.rs:pool_new}}\n";
        let text = without_solution_includes(chapter);
        assert!(!text.contains("solutions/"));
        assert!(text.contains(BOOK_PLACEHOLDER));
        assert!(text.contains("lessons/lesson1/src/pool.rs:pool_new"));
    }
}
