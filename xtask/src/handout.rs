//! `cargo xtask handout --out DIR`: the students' copy of the course.
//!
//! Everything the course's repository holds (what git tracks, or every file outside `target/`
//! without git), except what students must not see: the reference solutions (`solutions/`),
//! the hidden tests and the grading configuration, the mutants and alternatives (patches of
//! the reference), and the grader's own tests. Some files are adapted so the copy still works
//! without them: the workspace manifest no longer lists `solutions/*`; README.md and the book's
//! chapters keep only what students need (their course-only blocks go, their handout-only
//! comments open up), and the chapters no longer include code from `solutions/`. With
//! `--check`, the copy is then built and tested the way a student starts: `cargo test` passes
//! and every lesson's tests fail on the stubs; and every command its README, book and `cargo
//! xtask --help` pages name is proved to run there ([`check_commands`]).

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail, ensure};

use crate::cmd::{Cmd, Output};
use crate::grade::BUILD_ENV;
use crate::grade::config::{FILE_NAME, Loaded};
use crate::lessons;
use crate::libtest::{Outcome, TestRun};
use crate::report::{plural, some_names};
use crate::scratch::scratch_dir;

/// What replaces a book line that includes code from the reference solution.
const BOOK_PLACEHOLDER: &str =
    "// The reference solution is not part of the student handout: ask your instructor.";

/// The markers of README.md and the book's chapters: lines between `COURSE_BEGIN` and `COURSE_END` are for the course's
/// repository only (the instructors' section, commands that need the reference); a comment
/// opened by `HANDOUT_BEGIN` holds lines for the handout only, which it un-comments.
const COURSE_BEGIN: &str = "<!-- course:begin -->";
const COURSE_END: &str = "<!-- course:end -->";
const HANDOUT_BEGIN: &str = "<!-- handout:";
const HANDOUT_END: &str = "-->";

/// Writes the handout of the workspace at `root` to `out`; with `check`, proves it works.
pub fn run(root: &Path, out: &Path, check: bool) -> Result<ExitCode> {
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} exists and is not empty: give a new directory, or remove this one first",
            out.display()
        );
    }
    let loaded = Loaded::load(root, None)?;
    let hidden = relative_to(root, &loaded.hidden_dir());
    let files = course_files(root)?;
    let mut copied = 0;
    let mut left_out = Vec::new();
    for file in files {
        if let Some(reason) = leave_out(&file, hidden.as_deref()) {
            if !left_out.contains(&reason) {
                left_out.push(reason);
            }
            continue;
        }
        let from = root.join(&file);
        if !from.is_file() {
            continue;
        }
        let to = out.join(&file);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("could not create {}", parent.display()))?;
        }
        match adapt(&file, &from)? {
            Some(text) => fs::write(&to, text),
            None => fs::copy(&from, &to).map(|_| ()),
        }
        .with_context(|| format!("could not write {}", to.display()))?;
        copied += 1;
    }
    // The lock file still names the reference crates; cargo drops them when it next resolves.
    let metadata = Cmd::cargo(out).args(["metadata", "--format-version", "1", "--offline"]);
    if !metadata.run().is_ok_and(|output| output.success()) {
        eprintln!("warning: could not refresh the handout's Cargo.lock; cargo will on first use");
    }
    println!(
        "Wrote the handout to {}: {}, leaving out {}.",
        out.display(),
        plural(copied, "file"),
        left_out.join(", ")
    );
    if check {
        check_handout(root, out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The course's files, relative to `root`: what git tracks plus untracked files it does not
/// ignore, or without git every file outside `target/`, `.git/` and the built book.
fn course_files(root: &Path) -> Result<Vec<PathBuf>> {
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
fn leave_out(file: &Path, hidden: Option<&Path>) -> Option<String> {
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
fn relative_to(root: &Path, path: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    path.strip_prefix(&root).ok().map(Path::to_owned)
}

/// The handout's version of `file`, when it differs from the original.
fn adapt(file: &Path, from: &Path) -> Result<Option<String>> {
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

/// README.md or a chapter of the book as students get it: the course-only blocks dropped, the
/// handout-only comments un-commented. Fails, naming `file` and the line, on a marker that is
/// not closed or not opened.
fn for_students(file: &Path, markdown: &str) -> Result<String> {
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

/// Proves the handout at `out` works as a student starts: the root `cargo test` passes, and
/// each lesson builds and fails every one of its tests.
fn check_handout(root: &Path, out: &Path) -> Result<()> {
    // A target directory of its own (grading's are its sandbox's), kept between checks, with
    // grading's build settings.
    let target = scratch_dir(root).join("handout-target");
    let cargo = || {
        let mut cmd = Cmd::cargo(out).env("CARGO_TARGET_DIR", &target);
        for (key, value) in BUILD_ENV {
            cmd = cmd.quiet_env(key, value);
        }
        cmd
    };
    let test = cargo().arg("test");
    println!("$ {}   (in {})", test.display(), out.display());
    let output = test.run()?;
    if !output.success() {
        bail!("`cargo test` fails in the handout:\n{}", failures(&output));
    }
    for number in lessons::discover(out)? {
        let package = format!("lesson{number}");
        let test = cargo()
            .args(["test", "-p", &package, "--no-fail-fast"])
            .quiet_env("PROPTEST_DISABLE_FAILURE_PERSISTENCE", "1");
        println!("$ {}", test.display());
        let output = test.run()?;
        let run = TestRun::parse(&output.stdout());
        let suite: Vec<_> = run.suite().collect();
        ensure!(
            !suite.is_empty(),
            "{package} ran no suite test in the handout (does it compile?):\n{}",
            failures(&output)
        );
        let passing: Vec<&str> = suite
            .iter()
            .filter(|t| t.outcome != Outcome::Failed)
            .map(|t| t.short_name())
            .collect();
        ensure!(
            passing.is_empty(),
            "{package} in the handout: {} of {} tests do not fail on the stubs: {}",
            passing.len(),
            suite.len(),
            some_names(&passing, 5)
        );
        println!(
            "{package}: 0/{} pass on the stubs, as expected",
            suite.len()
        );
    }
    println!(
        "The handout builds, `cargo test` passes, and every lesson's tests fail on the stubs."
    );
    check_commands(out, &cargo)
}

/// What went wrong in a cargo run: its failed tests with their output, or else its last lines.
fn failures(output: &Output) -> String {
    let failed: Vec<String> = TestRun::parse(&output.stdout())
        .tests
        .into_iter()
        .filter(|test| test.outcome == Outcome::Failed)
        .map(|test| format!("{}\n{}", test.name, test.output))
        .collect();
    if failed.is_empty() {
        let combined = output.combined();
        let lines: Vec<&str> = combined.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    } else {
        failed.join("\n\n")
    }
}

/// A command the handout names, and where: a file and line, or the help page that names it.
#[derive(Debug, Clone, PartialEq)]
struct Named {
    place: String,
    command: String,
}

/// The commands `file` names: code spans that start with `cargo`, and the lines of its console
/// blocks (and `$ ` lines of other non-Rust blocks) that do. A `$ ` prompt, a trailing
/// `# comment` and variables set before `cargo` are allowed.
fn named_in_markdown(file: &Path, text: &str) -> Vec<Named> {
    let mut named = Vec::new();
    let place = |line: usize| format!("{}:{line}", file.display());
    let mut fence: Option<(String, String)> = None;
    let mut prose = String::new();
    let mut prose_lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (&fence, marker) {
            (None, Some(marker)) => {
                let info = trimmed.trim_start_matches(marker.chars().next().unwrap_or('`'));
                let language = info.split([',', ' ']).next().unwrap_or("").to_owned();
                fence = Some((marker.to_owned(), language));
            }
            (Some((open, _)), Some(marker)) if marker == open => fence = None,
            (Some((_, language)), _) => {
                let console = ["console", "sh", "shell", "bash"].contains(&language.as_str());
                let prompted = trimmed.strip_prefix("$ ");
                let command = match prompted {
                    Some(command) => Some(command),
                    None if console => Some(trimmed),
                    None => None,
                };
                let rust = language.starts_with("rust");
                if let Some(command) = command.filter(|_| !rust).and_then(shell_command) {
                    named.push(Named {
                        place: place(index + 1),
                        command,
                    });
                }
            }
            (None, None) => {
                prose_lines.push((prose.len(), index + 1));
                prose.push_str(line);
                prose.push('\n');
            }
        }
    }
    for (offset, span) in code_spans(&prose) {
        let line = prose_lines
            .iter()
            .rev()
            .find(|(start, _)| *start <= offset)
            .map_or(1, |(_, line)| *line);
        if let Some(command) = shell_command(&span) {
            named.push(Named {
                place: place(line),
                command,
            });
        }
    }
    named.sort_by_key(|n| {
        let line = n.place.rsplit(':').next().and_then(|l| l.parse().ok());
        line.unwrap_or(0usize)
    });
    named
}

/// The code spans of Markdown prose (or of help text), with the byte offset of each: text
/// between two equal runs of backticks, on one line or across a line break.
fn code_spans(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let run_at = |start: usize| bytes[start..].iter().take_while(|&&b| b == b'`').count();
    let mut spans = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'`' {
            at += 1;
            continue;
        }
        let run = run_at(at);
        let mut close = at + run;
        let mut found = None;
        while close < bytes.len() {
            if bytes[close] == b'`' {
                let other = run_at(close);
                if other == run {
                    found = Some(close);
                    break;
                }
                close += other;
            } else if bytes[close..].starts_with(b"\n\n") {
                break;
            } else {
                close += 1;
            }
        }
        match found {
            Some(close) => {
                let inside = text[at + run..close].replace('\n', " ");
                spans.push((at, inside.trim().to_owned()));
                at = close + run;
            }
            None => at += run,
        }
    }
    spans
}

/// `line` as a command when it runs cargo: without a trailing `# comment`, whitespace
/// collapsed. Variables set before `cargo` (`RUSTFLAGS="--cfg loom" cargo …`) are kept.
fn shell_command(line: &str) -> Option<String> {
    let line = match line.find(" #") {
        Some(comment) => &line[..comment],
        None => line,
    };
    let words = words(line);
    let first_program = words.iter().find(|word| !is_assignment(word))?;
    (first_program == "cargo" && words.len() > 1)
        .then(|| line.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether a shell word sets a variable (`NAME=value`).
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    })
}

/// A command line split into words as a shell would, quotes removed.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_default().push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    words
}

/// What a placeholder such as `FILTER`, `DIR` or `<models>` becomes: any value will do.
const ANY: &str = "<any>";

/// The concrete commands a named command stands for: `[optional parts]` left out and put in,
/// `lessonN` and `N` as every lesson, `FILTER`, `DIR` and `<placeholders>` as [`ANY`].
fn instances(command: &str, lessons: &[u32]) -> Vec<Vec<String>> {
    let mut forms = vec![String::new()];
    let mut rest = command;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|close| open + close) else {
            break;
        };
        let (before, optional) = (&rest[..open], &rest[open + 1..close]);
        forms = forms
            .into_iter()
            .flat_map(|form| {
                [
                    format!("{form}{before}"),
                    format!("{form}{before}{optional}"),
                ]
            })
            .collect();
        rest = &rest[close + 1..];
    }
    let mut concrete = Vec::new();
    for form in forms {
        let form = format!("{form}{rest}");
        let numbered = words(&form)
            .iter()
            .any(|word| word == "N" || word.contains("lessonN"));
        let numbers: Vec<Option<u32>> = if numbered {
            lessons.iter().copied().map(Some).collect()
        } else {
            vec![None]
        };
        for number in numbers {
            let filled: Vec<String> = words(&form)
                .into_iter()
                .map(|word| match (word.as_str(), number) {
                    ("N", Some(n)) => n.to_string(),
                    ("FILTER" | "DIR" | "PATH" | "NAME", _) => ANY.to_owned(),
                    (w, _) if w.starts_with('<') && w.ends_with('>') => ANY.to_owned(),
                    (w, Some(n)) => w.replace("lessonN", &format!("lesson{n}")),
                    (w, None) => w.to_owned(),
                })
                .collect();
            if !concrete.contains(&filled) {
                concrete.push(filled);
            }
        }
    }
    concrete
}

/// `cargo xtask` subcommands, and `(subcommand, flag)` pairs, that need the course's
/// repository (the reference solutions, the instructors' files): the handout must not name them.
const COURSE_ONLY: &[(&str, Option<&str>)] = &[
    ("grade", None),
    ("handout", None),
    ("mutants", None),
    ("loom", Some("--reference")),
    ("seeds", Some("--reference")),
    ("seeds", Some("--record")),
];

/// Why `cargo xtask ARGS` does not run in the handout, read with xtask's own command line.
fn xtask_problem(args: &[String]) -> Option<String> {
    use clap::Parser as _;
    let parsed = crate::Cli::try_parse_from(
        std::iter::once("cargo xtask").chain(args.iter().map(String::as_str)),
    );
    if let Err(error) = parsed {
        use clap::error::ErrorKind;
        if !matches!(
            error.kind(),
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
        ) {
            let message = error.to_string();
            let first = message
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            return Some(format!("xtask's command line refuses it: {first}"));
        }
    }
    let subcommand = args.iter().find(|arg| !arg.starts_with('-'))?;
    COURSE_ONLY
        .iter()
        .find(|(name, flag)| {
            name == subcommand && flag.is_none_or(|flag| args.iter().any(|arg| arg == flag))
        })
        .map(|(name, flag)| {
            format!(
                "`cargo xtask {name}{}` needs the course's repository (solutions/ or the \
                 instructors' files), which the handout does not have",
                flag.map(|f| format!(" {f}")).unwrap_or_default()
            )
        })
}

/// The cargo options the check understands, and whether each takes a value. A command with
/// another option fails the check until it is added here.
const CARGO_OPTIONS: &[(&str, bool)] = &[
    ("-p", true),
    ("--package", true),
    ("--example", true),
    ("--test", true),
    ("--bench", true),
    ("--bin", true),
    ("--features", true),
    ("--release", false),
    ("--all-targets", false),
    ("--workspace", false),
    ("--no-run", false),
    ("--no-fail-fast", false),
    ("--lib", false),
    ("--bins", false),
    ("--tests", false),
    ("--examples", false),
    ("--benches", false),
    ("--doc", false),
    ("--open", false),
    ("--check", false),
    ("--all", false),
    ("-q", false),
    ("--quiet", false),
    ("--locked", false),
    ("--offline", false),
];

/// A cargo command line, read as far as the check needs it.
#[derive(Debug, Default, PartialEq)]
struct CargoCommand {
    subcommand: String,
    packages: Vec<String>,
    /// `(kind, name)`: `("example", "lesson1-seeds")`, `("test", "loom")`.
    targets: Vec<(&'static str, String)>,
    release: bool,
    filter: Option<String>,
    /// What follows `--`: the test harness's or the program's own arguments.
    after: Vec<String>,
}

impl CargoCommand {
    /// Reads `args` (the words after `cargo`).
    fn parse(args: &[String]) -> std::result::Result<Self, String> {
        let mut command = Self {
            subcommand: args.first().cloned().unwrap_or_default(),
            ..Self::default()
        };
        let mut rest = args.iter().skip(1);
        while let Some(arg) = rest.next() {
            if arg == "--" {
                command.after = rest.cloned().collect();
                break;
            }
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            if !name.starts_with('-') {
                if command.filter.is_some() || !["test", "bench"].contains(&&*command.subcommand) {
                    return Err(format!(
                        "`cargo {}` takes no argument `{arg}` here",
                        command.subcommand
                    ));
                }
                command.filter = Some(arg.clone());
                continue;
            }
            let Some(&(_, takes_value)) = CARGO_OPTIONS.iter().find(|(option, _)| *option == name)
            else {
                return Err(format!(
                    "the handout check does not know cargo's `{name}`: if cargo takes it, add \
                     it to CARGO_OPTIONS in xtask/src/handout.rs"
                ));
            };
            let value = if takes_value {
                match inline.or_else(|| rest.next().cloned()) {
                    Some(value) => value,
                    None => return Err(format!("`{name}` needs a value")),
                }
            } else {
                String::new()
            };
            match name {
                "-p" | "--package" => command.packages.push(value),
                "--example" => command.targets.push(("example", value)),
                "--test" => command.targets.push(("test", value)),
                "--bench" => command.targets.push(("bench", value)),
                "--bin" => command.targets.push(("bin", value)),
                "--release" => command.release = true,
                _ => {}
            }
        }
        Ok(command)
    }
}

/// One package of the handout's workspace, as `cargo metadata` describes it.
#[derive(Debug)]
struct Package {
    name: String,
    manifest: PathBuf,
    /// `(kind, name, source file)` of each target; kinds are cargo's (`lib`, `bin`, `test`,
    /// `bench`, `example`).
    targets: Vec<(String, String, PathBuf)>,
    /// The directories of its path dependencies (testkit, seedkit), whose code its targets
    /// run too.
    path_dependencies: Vec<PathBuf>,
}

/// What the command check learns once about the handout and reuses for every command.
struct Checker<'a> {
    cargo: &'a dyn Fn() -> Cmd,
    packages: Vec<Package>,
    lessons: Vec<u32>,
    /// Each package's test names (from `cargo test -p P --tests -- --list`), once listed.
    tests: std::collections::HashMap<String, Vec<String>>,
    /// The builds run as proofs, and what each said.
    built: std::collections::HashMap<String, std::result::Result<(), String>>,
    /// How each command was proved, for the summary: parsed, from metadata, built, listed.
    proofs: std::collections::BTreeMap<&'static str, usize>,
}

impl<'a> Checker<'a> {
    /// Reads the handout's workspace at `out` with `cargo metadata`, run by `cargo`.
    fn new(out: &'a Path, cargo: &'a dyn Fn() -> Cmd) -> Result<Self> {
        let metadata = cargo()
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .run()?;
        ensure!(
            metadata.success(),
            "`cargo metadata` fails in the handout:\n{}",
            metadata.stderr()
        );
        let value: serde_json::Value = serde_json::from_str(&metadata.stdout())
            .context("`cargo metadata` printed something that is not JSON")?;
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let packages = value["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|package| Package {
                name: text(&package["name"]),
                manifest: PathBuf::from(text(&package["manifest_path"])),
                targets: package["targets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|target| {
                        let kinds = target["kind"].as_array().cloned().unwrap_or_default();
                        kinds.into_iter().map(move |kind| {
                            (
                                text(&kind),
                                text(&target["name"]),
                                PathBuf::from(text(&target["src_path"])),
                            )
                        })
                    })
                    .collect(),
                path_dependencies: package["dependencies"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|dependency| dependency["path"].as_str())
                    .map(PathBuf::from)
                    .collect(),
            })
            .collect();
        Ok(Self {
            cargo,
            packages,
            lessons: lessons::discover(out)?,
            tests: Default::default(),
            built: Default::default(),
            proofs: Default::default(),
        })
    }

    /// Why the concrete command `words` does not run in the handout, or `None` when it does.
    /// Each kind of command has its proof, the cheapest that still shows it would run:
    ///
    /// | named | proof |
    /// |---|---|
    /// | `cargo xtask …` | xtask's own parser reads it, and it is not in [`COURSE_ONLY`] |
    /// | `cargo test -p P FILTER` | P exists and a test of P has FILTER in its name |
    /// | `cargo bench -p P -- ARGS` | every target it runs is criterion's, ARGS' filter is in them |
    /// | `cargo run … --example E -- --FLAG` | the example builds, and its code reads `--FLAG` |
    /// | `cargo build …` | it builds (in the debug profile) |
    /// | other `cargo test`, `check`, `clippy`, `fmt`, `doc` | its packages and targets exist |
    /// | `VAR=… cargo …` | its packages and targets exist (building would rebuild everything) |
    /// | `cargo install …` | cargo's own |
    fn problem(&mut self, words: &[String]) -> Option<String> {
        let assignments = words.iter().take_while(|word| is_assignment(word)).count();
        let args = &words[assignments + 1..];
        if args.first().is_some_and(|first| first == "xtask") {
            *self.proofs.entry("read by xtask's parser").or_default() += 1;
            return xtask_problem(&args[1..]);
        }
        let command = match CargoCommand::parse(args) {
            Ok(command) => command,
            Err(problem) => return Some(problem),
        };
        if command.subcommand == "install" {
            // Named only as what the tools run to install their pinned helpers (mdbook,
            // cargo-mutants): that cargo has the subcommand is the proof.
            *self.proofs.entry("cargo's own").or_default() += 1;
            return None;
        }
        let known = [
            "test", "bench", "run", "build", "check", "clippy", "fmt", "doc",
        ];
        if !known.contains(&command.subcommand.as_str()) {
            return Some(format!(
                "the handout check has no proof for `cargo {}`: add one to xtask/src/handout.rs",
                command.subcommand
            ));
        }
        let mut packages = Vec::new();
        for name in &command.packages {
            match self.packages.iter().find(|p| &p.name == name) {
                Some(package) => packages.push(package),
                None => {
                    let lessons: Vec<&str> = self
                        .packages
                        .iter()
                        .map(|p| p.name.as_str())
                        .filter(|n| n.starts_with("lesson"))
                        .collect();
                    return Some(format!(
                        "there is no package `{name}` in the handout (its lesson packages: {})",
                        lessons.join(", ")
                    ));
                }
            }
        }
        for (kind, name) in &command.targets {
            let found = packages.iter().any(|p| {
                p.targets
                    .iter()
                    .any(|(k, n, _)| k == kind && (n == name || name == ANY))
            });
            if !found && !packages.is_empty() {
                return Some(format!(
                    "{} has no {kind} target `{name}`",
                    packages
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        let package = (packages.len() == 1).then(|| packages[0]);
        let environment = assignments > 0;
        match command.subcommand.as_str() {
            "test" => {
                let filter = command.filter.as_ref().filter(|f| *f != ANY);
                match (package, filter) {
                    (Some(package), Some(filter)) if !environment => {
                        let name = package.name.clone();
                        return self.filter_problem(&name, filter);
                    }
                    _ => *self.proofs.entry("found in cargo metadata").or_default() += 1,
                }
            }
            "bench" => {
                if let Some(package) = package
                    && let Some(problem) = bench_problem(package, &command)
                {
                    return Some(problem);
                }
                *self.proofs.entry("found in cargo metadata").or_default() += 1;
            }
            "run" | "build" if !environment => {
                let mut build = vec!["build".to_owned()];
                for name in &command.packages {
                    build.extend(["-p".to_owned(), name.clone()]);
                }
                for (kind, name) in &command.targets {
                    build.extend([format!("--{kind}"), name.clone()]);
                }
                if let (Some(package), Some(example)) = (
                    package,
                    command.targets.iter().find(|(kind, _)| *kind == "example"),
                ) {
                    let mut sources = target_sources(package, "example", &example.1);
                    for dependency in &package.path_dependencies {
                        rust_sources(&dependency.join("src"), &mut sources);
                    }
                    for flag in command.after.iter().filter(|arg| arg.starts_with("--")) {
                        if !sources.contains(&format!("\"{flag}\"")) {
                            return Some(format!(
                                "neither the example `{}` nor the crates it uses mention \
                                 `{flag}`, so it takes no such argument",
                                example.1
                            ));
                        }
                    }
                }
                return self.build_problem(build);
            }
            _ => *self.proofs.entry("found in cargo metadata").or_default() += 1,
        }
        None
    }

    /// Why `filter` matches no test of `package`.
    fn filter_problem(&mut self, package: &str, filter: &str) -> Option<String> {
        if !self.tests.contains_key(package) {
            let listing = (self.cargo)()
                .args(["test", "-p", package, "--tests", "--", "--list"])
                .run();
            let names = match listing {
                Ok(output) if output.success() => output
                    .stdout()
                    .lines()
                    .filter_map(|line| line.strip_suffix(": test"))
                    .map(str::to_owned)
                    .collect(),
                Ok(output) => return Some(format!("its tests do not build:\n{}", output.stderr())),
                Err(error) => return Some(format!("{error:#}")),
            };
            self.tests.insert(package.to_owned(), names);
        }
        *self.proofs.entry("matched a test").or_default() += 1;
        let names = &self.tests[package];
        (!names.iter().any(|name| name.contains(filter))).then(|| {
            format!(
                "no test of {package} has `{filter}` in its name, so it would run nothing \
                 ({} tests listed)",
                names.len()
            )
        })
    }

    /// Why `cargo ARGS` does not build, running it once.
    fn build_problem(&mut self, args: Vec<String>) -> Option<String> {
        let key = args.join(" ");
        if !self.built.contains_key(&key) {
            let cmd = (self.cargo)().args(&args);
            println!("$ {}", cmd.display());
            let result = match cmd.run() {
                Ok(output) if output.success() => Ok(()),
                Ok(output) => Err(format!(
                    "`cargo {key}` fails:\n{}",
                    output.stderr().trim_end()
                )),
                Err(error) => Err(format!("{error:#}")),
            };
            self.built.insert(key.clone(), result);
            *self.proofs.entry("built").or_default() += 1;
        }
        self.built[&key].clone().err()
    }
}

/// Why `cargo bench` cannot pass `command`'s arguments after `--` to every target it runs in
/// `package`: each must be a bench without libtest's harness (criterion's), since libtest
/// refuses criterion's flags. A benchmark filter must appear in the benches' sources.
fn bench_problem(package: &Package, command: &CargoCommand) -> Option<String> {
    if command.after.is_empty() {
        return None;
    }
    let manifest: toml::Table = fs::read_to_string(&package.manifest)
        .ok()
        .and_then(|text| toml::from_str(&text).ok())
        .unwrap_or_default();
    let benched =
        |section: &toml::Value| section.get("bench").and_then(|b| b.as_bool()) != Some(false);
    let section_named = |array: &str, name: &str| {
        manifest
            .get(array)
            .and_then(|a| a.as_array())
            .and_then(|a| {
                a.iter()
                    .find(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
            })
            .cloned()
    };
    for (kind, name, _) in &package.targets {
        let refuses = match kind.as_str() {
            "lib" => manifest.get("lib").is_none_or(benched),
            "bin" => section_named("bin", name).is_none_or(|b| benched(&b)),
            "bench" => section_named("bench", name)
                .is_none_or(|b| b.get("harness").and_then(|h| h.as_bool()) != Some(false)),
            _ => false,
        };
        if refuses {
            return Some(format!(
                "`cargo bench -p {}` also runs its {kind} target `{name}` under libtest, which \
                 refuses criterion's arguments: give it `bench = false` in {}",
                package.name,
                package.manifest.display()
            ));
        }
    }
    let filters: Vec<&String> = command
        .after
        .iter()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let sources: String = package
        .targets
        .iter()
        .filter(|(kind, ..)| kind == "bench")
        .map(|(_, name, _)| target_sources(package, "bench", name))
        .collect();
    filters
        .into_iter()
        .find(|filter| !sources.contains(filter.as_str()))
        .map(|filter| {
            format!(
                "no benchmark of {} mentions `{filter}`, so the filter would run nothing",
                package.name
            )
        })
}

/// Appends every Rust file under `dir` to `text`.
fn rust_sources(dir: &Path, text: &mut String) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|entry| entry.ok()) {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, text);
        } else if path.extension().is_some_and(|e| e == "rs") {
            text.push_str(&fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

/// The source of `package`'s target, with the files its `#[path = "…"]` modules name (the
/// shared suites, benches and experiments under tests/).
fn target_sources(package: &Package, kind: &str, name: &str) -> String {
    let Some((_, _, main)) = package
        .targets
        .iter()
        .find(|(k, n, _)| k == kind && n == name)
    else {
        return String::new();
    };
    let mut text = fs::read_to_string(main).unwrap_or_default();
    let dir = main.parent().unwrap_or(Path::new("."));
    let included: Vec<String> = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("#[path = \""))
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|path| fs::read_to_string(dir.join(path)).ok())
        .collect();
    for file in included {
        text.push_str(&file);
    }
    text
}

/// The commands the handout's `cargo xtask --help` and each subcommand's `--help` name, read
/// from the handout's own xtask. `<command>` in the main page stands for each subcommand.
fn named_in_help(cargo: &dyn Fn() -> Cmd) -> Result<(Vec<Named>, usize)> {
    let help = |args: &[&str]| -> Result<String> {
        let cmd = cargo()
            .args(["run", "--quiet", "-p", "xtask", "--"])
            .args(args)
            .arg("--help");
        let output = cmd.run()?;
        ensure!(
            output.success(),
            "`{}` fails in the handout:\n{}",
            cmd.display(),
            output.combined().trim_end()
        );
        Ok(output.stdout())
    };
    let main = help(&[])?;
    let subcommands: Vec<String> = main
        .lines()
        .skip_while(|line| line.trim() != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    ensure!(
        !subcommands.is_empty(),
        "the handout's `cargo xtask --help` lists no commands:\n{main}"
    );
    let mut named = Vec::new();
    let mut add = |page: &str, text: &str| {
        for (_, span) in code_spans(text) {
            let Some(command) = shell_command(&span) else {
                continue;
            };
            let commands = if command.contains("<command>") {
                subcommands
                    .iter()
                    .map(|name| command.replace("<command>", name))
                    .collect()
            } else {
                vec![command]
            };
            named.extend(commands.into_iter().map(|command| Named {
                place: format!("`{page}`"),
                command,
            }));
        }
    };
    add("cargo xtask --help", &main);
    for name in &subcommands {
        add(&format!("cargo xtask {name} --help"), &help(&[name])?);
    }
    Ok((named, subcommands.len() + 1))
}

/// Proves that every command the handout's README.md, its book and its `cargo xtask --help`
/// pages name runs there, each by the cheapest proof that it would (see [`Checker::problem`]):
/// `cargo xtask …` is read by xtask's own parser and must not need the course's repository;
/// `cargo test -p P FILTER` needs the package and a test whose name holds FILTER; `cargo bench
/// -p P -- ARGS` needs every benchmarked target to take criterion's arguments; `cargo run
/// --example E` and `cargo build` are built (in the debug profile: the release build proves
/// nothing more and costs minutes); other cargo commands need their package and targets to
/// exist. Fails naming the file and line (or help page) of every command that does not run.
fn check_commands(out: &Path, cargo: &dyn Fn() -> Cmd) -> Result<()> {
    let started = std::time::Instant::now();
    let mut named = Vec::new();
    let mut pages = vec![PathBuf::from("README.md")];
    let book_src = out.join("book/src");
    let mut chapters: Vec<PathBuf> = fs::read_dir(&book_src)
        .with_context(|| format!("could not list {}", book_src.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .filter_map(|path| path.strip_prefix(out).ok().map(Path::to_owned))
        .collect();
    chapters.sort();
    pages.extend(chapters);
    for page in &pages {
        let text = fs::read_to_string(out.join(page))
            .with_context(|| format!("could not read {}", out.join(page).display()))?;
        named.extend(named_in_markdown(page, &text));
    }
    let (from_help, help_pages) = named_in_help(cargo)?;
    named.extend(from_help);
    let mut checker = Checker::new(out, cargo)?;
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in &named {
        for words in instances(&entry.command, &checker.lessons) {
            checked += 1;
            if let Some(problem) = checker.problem(&words) {
                problems.push(format!("{}: `{}`: {problem}", entry.place, words.join(" ")));
                break;
            }
        }
    }
    ensure!(
        problems.is_empty(),
        "{} that the handout names {} not run there:\n  {}",
        plural(problems.len(), "command"),
        if problems.len() == 1 { "does" } else { "do" },
        problems.join("\n  ")
    );
    let proofs: Vec<String> = checker
        .proofs
        .iter()
        .map(|(how, count)| format!("{count} {how}"))
        .collect();
    println!(
        "Every command the handout names runs there: {} named in README.md, {} pages of the book \
         and {} help pages ({} instances: {}), checked in {:.0} s.",
        named.len(),
        pages.len() - 1,
        help_pages,
        checked,
        proofs.join(", "),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn commands_are_found_in_spans_and_console_blocks() {
        let chapter = "Run `cargo test -p lesson1 ex1`, or `cargo\nxtask progress`.\n\n\
                       Not `cargo` alone, nor `rustc x`.\n\n```console\n$ cargo bench -p \
                       lesson1\ncargo xtask ci      # everything\n```\n\n```text\n$ cargo \
                       xtask seeds\ncargo ran this\n```\n\n```rust\n// `cargo build`\n$ \
                       cargo fmt\n```\n\n```console\n$ RUSTFLAGS=\"--cfg loom\" cargo test \
                       --release\n```\n";
        let named = named_in_markdown(Path::new("book/src/a.md"), chapter);
        let found: Vec<(&str, &str)> = named
            .iter()
            .map(|n| (n.place.as_str(), n.command.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("book/src/a.md:1", "cargo test -p lesson1 ex1"),
                ("book/src/a.md:1", "cargo xtask progress"),
                ("book/src/a.md:7", "cargo bench -p lesson1"),
                ("book/src/a.md:8", "cargo xtask ci"),
                ("book/src/a.md:12", "cargo xtask seeds"),
                (
                    "book/src/a.md:22",
                    "RUSTFLAGS=\"--cfg loom\" cargo test --release"
                ),
            ]
        );
        assert_eq!(
            words("RUSTFLAGS=\"--cfg loom\" cargo  test"),
            ["RUSTFLAGS=--cfg loom", "cargo", "test"]
        );
        assert_eq!(
            code_spans("a ``x ` y`` b `c`"),
            [(2, "x ` y".into()), (14, "c".into())]
        );
    }

    #[test]
    fn placeholders_stand_for_every_lesson_and_any_value() {
        let forms = instances("cargo xtask progress [--lesson N]", &[1, 2]);
        let joined: Vec<String> = forms.iter().map(|w| w.join(" ")).collect();
        assert_eq!(
            joined,
            [
                "cargo xtask progress",
                "cargo xtask progress --lesson 1",
                "cargo xtask progress --lesson 2"
            ]
        );
        let seeds = instances("cargo run -p lessonN --example lessonN-seeds", &[3]);
        assert_eq!(
            seeds[0].join(" "),
            "cargo run -p lesson3 --example lesson3-seeds"
        );
        let filtered = instances("cargo xtask loom --lesson 3 FILTER", &[3]);
        assert_eq!(filtered[0].last().map(String::as_str), Some(ANY));
    }

    #[test]
    fn cargo_command_lines_are_read() {
        let args = |line: &str| words(line);
        let command =
            CargoCommand::parse(&args("bench -p lesson2 --bench=lesson2 -- --quick spawn"))
                .unwrap();
        assert_eq!(command.packages, ["lesson2"]);
        assert_eq!(command.targets, [("bench", "lesson2".to_owned())]);
        assert_eq!(command.after, ["--quick", "spawn"]);
        let test = CargoCommand::parse(&args("test -p lesson1 ex3_pool --release")).unwrap();
        assert_eq!(test.filter.as_deref(), Some("ex3_pool"));
        assert!(test.release);
        let unknown = CargoCommand::parse(&args("test --frobnicate")).unwrap_err();
        assert!(unknown.contains("CARGO_OPTIONS"), "{unknown}");
        assert!(CargoCommand::parse(&args("run -p lesson1 stray")).is_err());
    }

    #[test]
    fn criterion_arguments_need_every_benched_target_to_be_criterions() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("benches")).unwrap();
        fs::write(
            dir.join("benches/shim.rs"),
            "#[path = \"shared.rs\"]\nmod bench;\n",
        )
        .unwrap();
        fs::write(
            dir.join("benches/shared.rs"),
            "c.benchmark_group(\"square_1e6\");\n",
        )
        .unwrap();
        let manifest = dir.join("Cargo.toml");
        let package = Package {
            name: "lesson1".to_owned(),
            manifest: manifest.clone(),
            path_dependencies: Vec::new(),
            targets: vec![
                (
                    "lib".to_owned(),
                    "lesson1".to_owned(),
                    dir.join("src/lib.rs"),
                ),
                (
                    "bench".to_owned(),
                    "lesson1".to_owned(),
                    dir.join("benches/shim.rs"),
                ),
            ],
        };
        let problem = |line: &str| {
            let command = CargoCommand::parse(&words(line)).unwrap();
            bench_problem(&package, &command)
        };
        fs::write(
            &manifest,
            "[lib]\nbench = false\n[[bench]]\nname = \"lesson1\"\nharness = false\n",
        )
        .unwrap();
        assert_eq!(problem("bench -p lesson1 -- --quick"), None);
        assert_eq!(problem("bench -p lesson1 -- --quick square"), None);
        let unknown = problem("bench -p lesson1 -- cube").unwrap();
        assert!(unknown.contains("mentions `cube`"), "{unknown}");
        fs::write(
            &manifest,
            "[[bench]]\nname = \"lesson1\"\nharness = false\n",
        )
        .unwrap();
        assert_eq!(problem("bench -p lesson1"), None);
        let refused = problem("bench -p lesson1 -- --quick").unwrap();
        assert!(refused.contains("lib target `lesson1`"), "{refused}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_checker_names_what_does_not_exist() {
        let root = lessons::workspace_root().unwrap();
        let cargo = || Cmd::cargo(&root);
        let mut checker = Checker::new(&root, &cargo).unwrap();
        let mut problem = |line: &str| checker.problem(&words(line));
        let missing = problem("cargo test -p lesson9").unwrap();
        assert!(missing.contains("no package `lesson9`"), "{missing}");
        let example = problem("cargo run -p lesson1 --example lesson9-seeds").unwrap();
        assert!(
            example.contains("no example target `lesson9-seeds`"),
            "{example}"
        );
        let course = problem("cargo xtask seeds --reference").unwrap();
        assert!(course.contains("course's repository"), "{course}");
        assert_eq!(problem("cargo bench -p lesson1 -- --quick square"), None);
        assert_eq!(
            problem("cargo clippy -p lesson1 --all-targets -- -D warnings"),
            None
        );
        assert_eq!(problem("cargo xtask loom --lesson 3 transfers"), None);
    }

    #[test]
    fn xtask_commands_are_read_by_its_own_parser() {
        let problem = |line: &str| xtask_problem(&words(line));
        assert_eq!(problem("progress --lesson 2"), None);
        assert_eq!(problem("book --help"), None);
        assert!(problem("progress --lesson two").is_some());
        assert!(problem("frobnicate").is_some());
        let course = problem("mutants --lesson 1 --list").unwrap();
        assert!(course.contains("course's repository"), "{course}");
    }

    #[test]
    fn the_students_book_and_readme_name_no_course_only_command() {
        let root = lessons::workspace_root().unwrap();
        let mut pages = vec![PathBuf::from("README.md")];
        for entry in fs::read_dir(root.join("book/src")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                pages.push(path.strip_prefix(&root).unwrap().to_owned());
            }
        }
        let mut problems = Vec::new();
        for page in pages {
            let text = for_students(&page, &fs::read_to_string(root.join(&page)).unwrap());
            for named in named_in_markdown(&page, &text.unwrap()) {
                for words in instances(&named.command, &[1, 3]) {
                    let solution = words.iter().any(|w| w.ends_with("-solution"));
                    let problem = if words.get(1).is_some_and(|w| w == "xtask") {
                        xtask_problem(&words[2..])
                    } else {
                        solution.then(|| "names the reference's package".to_owned())
                    };
                    if let Some(problem) = problem {
                        problems.push(format!("{}: `{}`: {problem}", named.place, named.command));
                        break;
                    }
                }
            }
        }
        assert!(
            problems.is_empty(),
            "the handout would name commands it cannot run (mark course-only prose with \
             `{COURSE_BEGIN}` … `{COURSE_END}`):\n{}",
            problems.join("\n")
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
