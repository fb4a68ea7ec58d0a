//! README.md and the book's chapters as students get them, read by their course-only and
//! handout-only markers.

use std::path::Path;

use anyhow::{Result, bail, ensure};

/// The markers of README.md and the book's chapters: lines between `COURSE_BEGIN` and
/// `COURSE_END` are for the course's repository only (the instructors' section, commands that
/// need the reference); a comment opened by `HANDOUT_BEGIN` holds lines for the handout only,
/// which it un-comments.
pub const COURSE_BEGIN: &str = "<!-- course:begin -->";
pub const COURSE_END: &str = "<!-- course:end -->";
const HANDOUT_BEGIN: &str = "<!-- handout:";
const HANDOUT_END: &str = "-->";

/// README.md or a chapter of the book as students get it: the course-only blocks dropped, the
/// handout-only comments un-commented. Fails, naming `file` and the line, on a marker that is
/// not closed or not opened.
pub fn for_students(file: &Path, markdown: &str) -> Result<String> {
    #[derive(PartialEq)]
    enum Block {
        Both,
        CourseOnly,
        HandoutOnly,
    }
    let mut block = Block::Both;
    let mut opened_at = 0;
    let mut kept: Vec<&str> = Vec::new();
    for (index, line) in markdown.lines().enumerate() {
        let number = index + 1;
        let marker = line.trim();
        let unexpected = |what: &str| {
            anyhow::anyhow!(
                "{} line {number}: `{marker}` {what}; the handout's markers are \
                 `{COURSE_BEGIN}` … `{COURSE_END}` and `{HANDOUT_BEGIN}` … `{HANDOUT_END}`, \
                 each on a line of its own",
                file.display()
            )
        };
        match (&block, marker) {
            (Block::Both, COURSE_BEGIN) => (block, opened_at) = (Block::CourseOnly, number),
            (Block::Both, HANDOUT_BEGIN) => (block, opened_at) = (Block::HandoutOnly, number),
            (Block::CourseOnly, COURSE_END) | (Block::HandoutOnly, HANDOUT_END) => {
                block = Block::Both;
            }
            (_, COURSE_BEGIN | HANDOUT_BEGIN) => {
                bail!(unexpected(&format!(
                    "opens a block inside the one opened on line {opened_at}"
                )))
            }
            (Block::Both, COURSE_END) => bail!(unexpected("closes a block that was not opened")),
            (Block::CourseOnly, _) => {}
            (Block::Both | Block::HandoutOnly, _) => kept.push(line),
        }
    }
    ensure!(
        block == Block::Both,
        "{} line {opened_at}: this block is never closed (`{COURSE_END}` or \
         `{HANDOUT_END}` on a line of its own)",
        file.display()
    );
    let mut text = String::new();
    for line in kept {
        // Dropping a block can leave two blank lines in a row; Markdown needs only one.
        if !(line.trim().is_empty() && text.ends_with("\n\n")) {
            text.push_str(line);
            text.push('\n');
        }
    }
    Ok(format!("{}\n", text.trim_end()))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::lessons;

    #[test]
    fn the_readme_keeps_what_students_need() {
        let readme = "# Course\n\n## Start\n\nrun it\n<!-- course:begin -->\n- bench the \
                      reference\n<!-- course:end -->\n<!-- handout:\n- bench yours\n-->\n\n\
                      <!-- course:begin -->\n## Instructors\n\ngrade\n<!-- course:end -->\n\n\
                      ## Where\n\nhere\n";
        assert_eq!(
            for_students(Path::new("README.md"), readme).unwrap(),
            "# Course\n\n## Start\n\nrun it\n- bench yours\n\n## Where\n\nhere\n"
        );
        let unclosed =
            for_students(Path::new("README.md"), "a\n<!-- course:begin -->\nb\n").unwrap_err();
        assert!(unclosed.to_string().contains("line 2"), "{unclosed}");
        let stray =
            for_students(Path::new("book/src/a.md"), "a\n<!-- course:end -->\n").unwrap_err();
        assert!(
            stray.to_string().contains("book/src/a.md line 2"),
            "{stray}"
        );
        let root = lessons::workspace_root().unwrap();
        let readme = root.join("README.md");
        let real = for_students(&readme, &fs::read_to_string(&readme).unwrap()).unwrap();
        for gone in [
            "solutions/",
            "-solution",
            "## Instructors",
            "cargo xtask grade",
            "<!--",
            "-->",
        ] {
            assert!(
                !real.contains(gone),
                "the handout's README still says {gone:?}"
            );
        }
        assert!(real.contains("cargo test -p lesson1"));
        assert!(real.contains("cargo xtask ci"));
    }
}
