//! The course book: making sure the pinned mdbook is installed, building the book, and checking
//! that the result reads offline and has the sections the tooling links to.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail, ensure};

use crate::cmd::Cmd;
use crate::lessons::Lesson;
use crate::offline::{self, Finding};
use crate::report::plural;
use crate::tools::{self, Pinned};

/// The mdbook the book is written for; `cargo xtask book` installs it when missing.
pub const MDBOOK: Pinned = Pinned {
    krate: "mdbook",
    version: "0.5.4",
    version_args: &["--version"],
    version_prefix: "mdbook v",
    needed_by: "The book",
};

/// Where a book's parts are, as its `book.toml` says.
#[derive(Debug, Clone)]
pub struct Book {
    /// The directory holding `book.toml`.
    pub dir: PathBuf,
    /// The Markdown sources (`[book] src`, by default `src`).
    pub src_dir: PathBuf,
    /// The build output (`[build] build-dir`, by default `book`).
    pub out_dir: PathBuf,
}

impl Book {
    /// Reads `dir/book.toml`.
    pub fn locate(dir: &Path) -> Result<Self> {
        let config = dir.join("book.toml");
        ensure!(
            config.is_file(),
            "{} is missing: the book is built from the directory that holds its book.toml",
            config.display()
        );
        let text = fs::read_to_string(&config)
            .with_context(|| format!("could not read {}", config.display()))?;
        let table: toml::Table = toml::from_str(&text)
            .with_context(|| format!("{} is not valid TOML", config.display()))?;
        let setting = |section: &str, key: &str, default: &str| -> Result<PathBuf> {
            match table.get(section).and_then(|s| s.get(key)) {
                None => Ok(dir.join(default)),
                Some(value) => value.as_str().map(|v| dir.join(v)).with_context(|| {
                    format!(
                        "{}: `{section}.{key}` must be a path in quotes",
                        config.display()
                    )
                }),
            }
        };
        Ok(Self {
            dir: dir.to_owned(),
            src_dir: setting("book", "src", "src")?,
            out_dir: setting("build", "build-dir", "book")?,
        })
    }

    /// Where the HTML lands: the build directory, or its `html/` when the book has several
    /// renderers.
    pub fn html_dir(&self) -> PathBuf {
        let nested = self.out_dir.join("html");
        if nested.join("index.html").is_file() {
            nested
        } else {
            self.out_dir.clone()
        }
    }
}

/// The `book` command: installs mdbook if needed, builds the book at `dir`, checks it reads
/// offline, and opens it if asked.
pub fn command(root: &Path, dir: &Path, open: bool) -> Result<()> {
    let book = Book::locate(dir)?;
    let detail = build(root, &book)?;
    let index = book.html_dir().join("index.html");
    println!("book: {detail}");
    if open {
        open_in_browser(&index);
    } else {
        println!("Open {} in a browser to read it.", index.display());
    }
    Ok(())
}

/// Builds `book` with the pinned mdbook and checks the output reads offline. Gives a one-line
/// summary.
pub fn build(root: &Path, book: &Book) -> Result<String> {
    build_html(root, book)?;
    offline_summary(root, book)
}

/// Builds `book` with the pinned mdbook, installing it first if needed.
pub fn build_html(root: &Path, book: &Book) -> Result<()> {
    let mdbook = tools::ensure(root, &MDBOOK)?;
    let cmd = Cmd::new(&mdbook, root)
        .arg("build")
        .arg(relative(root, &book.dir));
    println!("$ {}", cmd.display());
    let output = cmd.run()?;
    if !output.success() {
        bail!(
            "`{}` failed\n{}",
            cmd.display(),
            output.combined().trim_end()
        );
    }
    Ok(())
}

/// Checks the built `book` reads offline, and says so in one line.
pub fn offline_summary(root: &Path, book: &Book) -> Result<String> {
    let html = book.html_dir();
    let checked = check_offline(root, &html)?;
    Ok(format!(
        "built in {}; its {} (HTML, CSS) load nothing from the network",
        relative(root, &html).display(),
        plural(checked, "file")
    ))
}

/// Checks that no HTML or CSS file under `dir` loads anything from the network. Gives how
/// many files it read.
pub fn check_offline(root: &Path, dir: &Path) -> Result<usize> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        let scan: fn(&str) -> Vec<Finding> = match extension {
            "html" | "htm" => offline::scan_html,
            "css" => offline::scan_css,
            _ => continue,
        };
        let text = fs::read_to_string(file)
            .with_context(|| format!("could not read {}", file.display()))?;
        checked += 1;
        for finding in scan(&text) {
            problems.push(format!(
                "{}:{}: {}",
                relative(root, file).display(),
                finding.line,
                finding.reference
            ));
        }
    }
    ensure!(
        checked > 0,
        "found no HTML in {}: did the build write elsewhere?",
        dir.display()
    );
    if !problems.is_empty() {
        let total = problems.len();
        problems.truncate(20);
        bail!(
            "the book would not read offline: {} a remote resource\nBundle each file into the \
             book (its theme or src/) instead, or drop it:\n  {}{}",
            if total == 1 {
                "1 reference loads".to_owned()
            } else {
                format!("{total} references load")
            },
            problems.join("\n  "),
            if total > 20 { "\n  …" } else { "" }
        );
    }
    Ok(checked)
}

/// Checks that each lesson's chapter was built and has a heading for every exercise's anchor,
/// since the progress report and the suites' failure messages link to them.
pub fn check_anchors(root: &Path, book: &Book, lessons: &[Lesson]) -> Result<String> {
    let html_dir = book.html_dir();
    let mut problems = Vec::new();
    let mut anchors = 0;
    for lesson in lessons {
        let chapter = root.join(&lesson.meta.chapter);
        let Ok(inside) = chapter.strip_prefix(&book.src_dir) else {
            problems.push(format!(
                "lesson {}: chapter {} is not inside the book's sources ({})",
                lesson.number,
                lesson.meta.chapter,
                relative(root, &book.src_dir).display()
            ));
            continue;
        };
        let page = html_dir.join(inside).with_extension("html");
        let Ok(html) = fs::read_to_string(&page) else {
            problems.push(format!(
                "lesson {}: {} was not built: is {} listed in {}?",
                lesson.number,
                relative(root, &page).display(),
                lesson.meta.chapter,
                relative(root, &book.src_dir.join("SUMMARY.md")).display()
            ));
            continue;
        };
        let ids = offline::ids(&html);
        for (index, exercise) in lesson.meta.exercises.iter().enumerate() {
            anchors += 1;
            if !ids.contains(&exercise.anchor) {
                problems.push(format!(
                    "lesson {}, exercise {} \"{}\": {} has no heading with id `{}` (write the \
                     heading as `## Title {{#{}}}`)",
                    lesson.number,
                    index + 1,
                    exercise.title,
                    lesson.meta.chapter,
                    exercise.anchor,
                    exercise.anchor
                ));
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} missing from the book\n  {}",
            plural(problems.len(), "link target"),
            problems.join("\n  ")
        );
    }
    Ok(format!(
        "{} of {} found",
        plural(anchors, "exercise anchor"),
        plural(lessons.len(), "lesson")
    ))
}

/// Every file under `dir`, sorted, appended to `files`.
pub(crate) fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("could not list {}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    files.sort();
    Ok(())
}

/// Opens `page` in the system's browser, or says where it is when there is no way to.
fn open_in_browser(page: &Path) {
    let openers: &[(&str, &[&str])] = if cfg!(windows) {
        &[("cmd", &["/C", "start", ""])]
    } else if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else {
        &[("xdg-open", &[])]
    };
    for (program, args) in openers {
        let opened = Command::new(program)
            .args(*args)
            .arg(page)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if opened.is_ok_and(|status| status.success()) {
            println!("Opened {} in your browser.", page.display());
            return;
        }
    }
    println!(
        "Could not open a browser from here; open {} yourself.",
        page.display()
    );
}

/// `path` relative to `root` when it is inside it, for shorter messages.
fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The widest code line the book shows whole: rustfmt's width, which book/wide-code.css
    /// makes room for.
    const CODE_COLUMNS: usize = 100;

    /// The lines an mdBook `{{#include …}}` or `{{#rustdoc_include …}}` directive (its text
    /// between the braces) puts in `chapter`: a whole file, an anchor's lines or a line range,
    /// without the anchor comments. `None` when the line is not such a directive.
    fn included(chapter: &Path, directive: &str) -> Option<Result<Vec<String>, String>> {
        let inner = directive.trim().strip_prefix("{{#")?.strip_suffix("}}")?;
        let (kind, target) = inner.split_once(' ')?;
        if kind != "include" && kind != "rustdoc_include" {
            return None;
        }
        let mut parts = target.trim().split(':');
        let file = chapter.parent()?.join(parts.next()?);
        let Ok(text) = fs::read_to_string(&file) else {
            return Some(Err(format!("{} is missing", file.display())));
        };
        let lines: Vec<&str> = text.lines().collect();
        let number = |part: Option<&str>| part.and_then(|p| p.parse::<usize>().ok());
        let selected: Vec<&str> = match (parts.next(), parts.next()) {
            (None, _) => lines,
            (Some(anchor), None) if number(Some(anchor)).is_none() => {
                let start = lines
                    .iter()
                    .position(|l| l.trim_end().ends_with(&format!("ANCHOR: {anchor}")));
                let end = lines
                    .iter()
                    .position(|l| l.trim_end().ends_with(&format!("ANCHOR_END: {anchor}")));
                match (start, end) {
                    (Some(start), Some(end)) if start < end => lines[start + 1..end].to_vec(),
                    _ => return Some(Err(format!("{} has no anchor `{anchor}`", file.display()))),
                }
            }
            (from, to) => {
                let from = number(from).unwrap_or(1).max(1) - 1;
                let to = number(to).unwrap_or(lines.len()).min(lines.len());
                lines.get(from..to).unwrap_or_default().to_vec()
            }
        };
        Some(Ok(selected
            .into_iter()
            .filter(|line| !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:"))
            .map(str::to_owned)
            .collect()))
    }

    /// Every line of `chapter`'s code blocks, included code resolved, that is wider than
    /// [`CODE_COLUMNS`], as `file:line: (N columns) text`.
    fn wide_code_lines(chapter: &Path) -> Vec<String> {
        let text = fs::read_to_string(chapter).unwrap();
        let mut wide = Vec::new();
        let mut in_code = false;
        for (index, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
                continue;
            }
            if !in_code {
                continue;
            }
            let (source, lines) = match included(chapter, line) {
                Some(Ok(lines)) => (line.trim().to_owned(), lines),
                Some(Err(problem)) => {
                    wide.push(format!("{}:{}: {problem}", chapter.display(), index + 1));
                    continue;
                }
                None => ("this line".to_owned(), vec![line.to_owned()]),
            };
            for code in lines {
                let columns = code.chars().count();
                if columns > CODE_COLUMNS {
                    wide.push(format!(
                        "{}:{}: {source} has a line of {columns} columns: {}",
                        chapter.display(),
                        index + 1,
                        code.trim()
                    ));
                }
            }
        }
        wide
    }

    #[test]
    fn the_books_code_fits_100_columns() {
        let root = crate::lessons::workspace_root().unwrap();
        let book = Book::locate(&root.join("book")).unwrap();
        let mut chapters: Vec<PathBuf> = fs::read_dir(&book.src_dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "md"))
            .collect();
        chapters.sort();
        let prefix = format!("{}/", root.display());
        let wide: Vec<String> = chapters
            .iter()
            .flat_map(|c| wide_code_lines(c))
            .map(|line| line.replacen(&prefix, "", 1))
            .collect();
        assert!(
            wide.is_empty(),
            "the book shows code {CODE_COLUMNS} columns wide (rustfmt's width; book/wide-code.css \
             makes room for it), and these lines are wider, so they wrap: reflow them (a doc \
             comment or a string), or reshape a table of output to fit\n{}",
            wide.join("\n")
        );
    }

    #[test]
    fn included_code_is_resolved_as_mdbook_does() {
        let dir = std::env::temp_dir().join(format!("xtask-include-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src")).unwrap();
        let code = "a\n// ANCHOR: two\nb\n// ANCHOR: inner\nc\n// ANCHOR_END: inner\n\
                    // ANCHOR_END: two\nd\n";
        fs::write(dir.join("code.rs"), code).unwrap();
        let chapter = dir.join("src/chapter.md");
        let lines = |directive: &str| included(&chapter, directive).unwrap().unwrap();
        assert_eq!(lines("{{#include ../code.rs:two}}"), ["b", "c"]);
        assert_eq!(lines("{{#rustdoc_include ../code.rs:2:3}}"), ["b"]);
        assert_eq!(lines("{{#include ../code.rs}}").len(), 4);
        assert!(
            included(&chapter, "{{#include ../code.rs:three}}")
                .unwrap()
                .is_err()
        );
        assert!(included(&chapter, "let x = 1;").is_none());
        fs::write(
            &chapter,
            format!(
                "```rust\n{{{{#include ../code.rs:two}}}}\n{}\n```\n",
                "x".repeat(101)
            ),
        )
        .unwrap();
        let wide = wide_code_lines(&chapter);
        assert_eq!(wide.len(), 1, "{wide:?}");
        assert!(
            wide[0].contains("chapter.md:3: this line has a line of 101 columns"),
            "{}",
            wide[0]
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn book_toml_settings_are_read() {
        let dir = std::env::temp_dir().join(format!("xtask-book-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let error = format!("{:#}", Book::locate(&dir).unwrap_err());
        assert!(error.contains("book.toml is missing"), "{error}");

        fs::write(dir.join("book.toml"), "[book]\ntitle = \"x\"\n").unwrap();
        let book = Book::locate(&dir).unwrap();
        assert_eq!(book.src_dir, dir.join("src"));
        assert_eq!(book.out_dir, dir.join("book"));

        let custom = "[book]\nsrc = \"chapters\"\n[build]\nbuild-dir = \"out\"\n";
        fs::write(dir.join("book.toml"), custom).unwrap();
        let book = Book::locate(&dir).unwrap();
        assert_eq!(book.src_dir, dir.join("chapters"));
        assert_eq!(book.html_dir(), dir.join("out"));

        fs::write(dir.join("book.toml"), "[build]\nbuild-dir = 3\n").unwrap();
        let error = format!("{:#}", Book::locate(&dir).unwrap_err());
        assert!(
            error.contains("`build.build-dir` must be a path"),
            "{error}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn offline_check_names_file_and_line() {
        let dir = std::env::temp_dir().join(format!("xtask-offline-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("css")).unwrap();
        fs::write(
            dir.join("index.html"),
            "<html>\n<a href=\"https://x.org\">x</a>",
        )
        .unwrap();
        fs::write(dir.join("css/ok.css"), "body { color: red }").unwrap();
        assert_eq!(check_offline(&dir, &dir).unwrap(), 2);

        let remote = "body {}\n@import url(https://fonts.example/f.css);\n";
        fs::write(dir.join("css/fonts.css"), remote).unwrap();
        let error = format!("{:#}", check_offline(&dir, &dir).unwrap_err());
        assert!(
            error.contains("css/fonts.css:2: url(https://fonts.example/f.css)"),
            "{error}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
