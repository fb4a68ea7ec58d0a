//! Finding the workspace and its lessons, and reading each lesson's `lesson.toml`.
//!
//! A lesson exists when `lessons/lessonN/Cargo.toml` does: nothing lists the lessons by hand.
//! Its other parts live at fixed places: the reference crate `solutions/lessonN` (package
//! `lessonN-solution`), the suite and metadata under `tests/lessonN/`.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;

/// The workspace root: the directory that holds `xtask/` (this crate is `xtask/course`).
pub fn workspace_root() -> Result<PathBuf> {
    // This crate is xtask/course, two levels below the workspace.
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .ancestors()
        .nth(2)
        .context("the course crate is not two levels below the workspace")?;
    ensure!(
        root.join("Cargo.toml").is_file() && root.join("xtask").is_dir(),
        "expected the workspace's Cargo.toml in {}, above xtask/; run the tasks as \
         `cargo xtask …` from inside the course workspace",
        root.display()
    );
    Ok(root.to_owned())
}

/// `1–6` for three or more consecutive lessons, else the numbers listed: `1, 2, 4`.
pub fn lesson_list(numbers: &[u32]) -> String {
    match (numbers.first(), numbers.last()) {
        (Some(first), Some(last))
            if numbers.len() > 2 && (last - first) as usize + 1 == numbers.len() =>
        {
            format!("{first}–{last}")
        }
        _ => numbers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Fails with "there is no lesson 9: the lessons are 1–6" unless `wanted` is one of `numbers`.
pub fn ensure_exists(numbers: &[u32], wanted: u32) -> Result<()> {
    ensure!(
        numbers.contains(&wanted),
        "there is no lesson {wanted}: the lessons are {}",
        lesson_list(numbers)
    );
    Ok(())
}

/// The numbers of the lessons in the workspace, in order: one per `lessons/lessonN/Cargo.toml`.
pub fn discover(root: &Path) -> Result<Vec<u32>> {
    let lessons_dir = root.join("lessons");
    let entries = fs::read_dir(&lessons_dir)
        .with_context(|| format!("could not list the lessons in {}", lessons_dir.display()))?;
    let mut numbers = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("could not list {}", lessons_dir.display()))?;
        if !entry.path().join("Cargo.toml").is_file() {
            continue;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let number = lesson_number(&name).with_context(|| {
            format!(
                "lessons/{name} is a crate but not named like a lesson: the lesson crates are \
                 lessons/lesson1, lessons/lesson2, …"
            )
        })?;
        numbers.push(number);
    }
    numbers.sort_unstable();
    ensure!(
        !numbers.is_empty(),
        "found no lesson in {}: each lesson is a crate lessons/lessonN with its Cargo.toml",
        lessons_dir.display()
    );
    Ok(numbers)
}

/// `lesson12` gives 12.
fn lesson_number(dir_name: &str) -> Option<u32> {
    let digits = dir_name.strip_prefix("lesson")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    digits.parse().ok()
}

/// A lesson's `tests/lessonN/lesson.toml`: what the tooling knows about it besides its tests.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonMeta {
    /// The lesson's number, the N of its directory names.
    pub number: u32,
    /// A short title, such as "Pools".
    pub title: String,
    /// The book chapter, relative to the workspace root: `book/src/lesson1.md`.
    pub chapter: String,
    /// The exercises, in the order a student does them.
    pub exercises: Vec<Exercise>,
    /// The test target holding the lesson's loom models (`tests/<name>.rs` in both crates),
    /// compiled only under `--cfg loom`; `None` for a lesson without loom models.
    #[serde(default)]
    pub loom_test: Option<String>,
    /// Files the course gives students ready-made (error types, helpers), relative to the
    /// crate directory: `src/errors.rs`. Each must be byte-identical in `lessons/lessonN` and
    /// `solutions/lessonN`, and grading uses the instructor's copy, never the student's.
    #[serde(default)]
    pub provided: Vec<String>,
}

/// One exercise of a lesson, as `lesson.toml` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// The suite module holding its tests (`tests/lessonN/<module>.rs`), such as `ex3_pool`.
    pub module: String,
    /// A short title, such as "Your own pool".
    pub title: String,
    /// The heading anchor in the chapter that explains it, without `#`: `own-pool`.
    pub anchor: String,
}

impl LessonMeta {
    /// Reads `text`, the contents of the lesson.toml of lesson `number`, and checks it.
    pub fn parse(text: &str, number: u32) -> Result<Self> {
        let meta: LessonMeta = toml::from_str(text)?;
        ensure!(
            meta.number == number,
            "field `number` is {}, but the file belongs to lesson {number}",
            meta.number
        );
        ensure!(!meta.title.trim().is_empty(), "field `title` is empty");
        ensure!(
            meta.chapter.ends_with(".md"),
            "field `chapter` is {:?}: give the chapter's Markdown file, relative to the \
             workspace root, such as \"book/src/lesson{number}.md\"",
            meta.chapter
        );
        ensure!(
            !meta.exercises.is_empty(),
            "no [[exercises]]: each exercise needs an entry with its module, title and anchor"
        );
        let mut modules = HashSet::new();
        let mut anchors = HashSet::new();
        for (index, exercise) in meta.exercises.iter().enumerate() {
            let which = format!("exercises[{index}]");
            let module = &exercise.module;
            ensure!(
                is_identifier(module),
                "{which}: field `module` is {module:?}, which is not a Rust module name"
            );
            ensure!(
                modules.insert(module.as_str()),
                "{which}: module {module:?} appears twice"
            );
            ensure!(
                !exercise.title.trim().is_empty(),
                "{which}: field `title` is empty"
            );
            let anchor = &exercise.anchor;
            ensure!(
                !anchor.is_empty() && !anchor.contains(['#', ' ']),
                "{which}: field `anchor` is {anchor:?}: give the heading's id without `#`, \
                 such as \"own-pool\""
            );
            ensure!(
                anchors.insert(anchor.as_str()),
                "{which}: anchor {anchor:?} appears twice"
            );
        }
        let mut provided = HashSet::new();
        for (index, path) in meta.provided.iter().enumerate() {
            ensure!(
                is_crate_relative(path),
                "provided[{index}] is {path:?}: give a file relative to the crate directory, \
                 such as \"src/errors.rs\" (no leading `/`, no `..`)"
            );
            ensure!(
                provided.insert(path.as_str()),
                "provided[{index}]: {path:?} appears twice"
            );
        }
        Ok(meta)
    }

    /// The exercise whose tests live in suite module `module`, with its 1-based number.
    pub fn exercise(&self, module: &str) -> Option<(usize, &Exercise)> {
        self.exercises
            .iter()
            .enumerate()
            .find(|(_, exercise)| exercise.module == module)
            .map(|(index, exercise)| (index + 1, exercise))
    }

    /// Where the book explains `exercise`: `book/src/lesson1.md#own-pool`.
    pub fn section(&self, exercise: &Exercise) -> String {
        format!("{}#{}", self.chapter, exercise.anchor)
    }
}

/// Whether `path` names a file inside a crate directory: relative, with no `..`, `.` or empty
/// component.
fn is_crate_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path
            .split(['/', '\\'])
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One lesson of the workspace, with its metadata read.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// The lesson's number.
    pub number: u32,
    /// Its `lesson.toml`.
    pub meta: LessonMeta,
}

impl Lesson {
    /// Reads lesson `number` of the workspace at `root`: checks its stub crate and reads
    /// `tests/lessonN/lesson.toml`.
    pub fn load(root: &Path, number: u32) -> Result<Self> {
        check_package(root, &Self::stub_dir_of(number), &format!("lesson{number}"))?;
        let relative = format!("tests/lesson{number}/lesson.toml");
        let path = root.join(&relative);
        if !path.is_file() {
            bail!(
                "{relative} is missing: lessons/lesson{number} exists, so the lesson needs its \
                 metadata file there (number, title, chapter and [[exercises]]; copy another \
                 lesson's and edit it)"
            );
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("could not read {relative}"))?;
        let meta = LessonMeta::parse(&text, number)
            .with_context(|| format!("{relative} is not a valid lesson description"))?;
        Ok(Self { number, meta })
    }

    /// Checks that the reference crate `solutions/lessonN` exists and is named as the
    /// tooling expects.
    pub fn check_solution(&self, root: &Path) -> Result<()> {
        let dir = format!("solutions/lesson{}", self.number);
        check_package(root, &dir, &self.solution_package()).with_context(|| {
            format!(
                "lesson {} has no usable reference solution: every lessons/lessonN needs its \
                 solutions/lessonN",
                self.number
            )
        })
    }

    /// The stub crate's package name: `lesson1`.
    pub fn stub_package(&self) -> String {
        format!("lesson{}", self.number)
    }

    /// The reference crate's package name: `lesson1-solution`.
    pub fn solution_package(&self) -> String {
        format!("lesson{}-solution", self.number)
    }

    /// The stub crate's directory, relative to the root: `lessons/lesson1`.
    pub fn stub_dir(&self) -> String {
        Self::stub_dir_of(self.number)
    }

    fn stub_dir_of(number: u32) -> String {
        format!("lessons/lesson{number}")
    }

    /// The directory of the mutants, relative to the root: `tests/lesson1/mutants`.
    pub fn mutants_dir(&self) -> String {
        format!("tests/lesson{}/mutants", self.number)
    }

    /// The directory of the correct alternatives, relative to the root:
    /// `tests/lesson1/alternatives`.
    pub fn alternatives_dir(&self) -> String {
        format!("tests/lesson{}/alternatives", self.number)
    }
}

/// Checks that `dir` (relative to `root`) holds a Cargo.toml for package `expected`.
fn check_package(root: &Path, dir: &str, expected: &str) -> Result<()> {
    #[derive(Deserialize)]
    struct Manifest {
        package: Option<Package>,
    }
    #[derive(Deserialize)]
    struct Package {
        name: String,
    }

    let manifest = format!("{dir}/Cargo.toml");
    let path = root.join(&manifest);
    if !path.is_file() {
        bail!("{manifest} is missing");
    }
    let text = fs::read_to_string(&path).with_context(|| format!("could not read {manifest}"))?;
    let parsed: Manifest =
        toml::from_str(&text).with_context(|| format!("{manifest} is not valid TOML"))?;
    let name = parsed
        .package
        .with_context(|| format!("{manifest} has no [package] section"))?
        .name;
    ensure!(
        name == expected,
        "{manifest} names its package {name:?}, but the tooling runs it as `-p {expected}`: \
         rename the package to {expected:?}"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON1: &str = r#"
number = 1
title = "Pools"
chapter = "book/src/lesson1.md"

[[exercises]]
module = "ex1_pool_size"
title = "Choosing a pool size"
anchor = "pool-size"

[[exercises]]
module = "ex3_pool"
title = "Your own pool"
anchor = "own-pool"
"#;

    fn error_of(text: &str) -> String {
        format!("{:#}", LessonMeta::parse(text, 1).unwrap_err())
    }

    #[test]
    fn reads_a_lesson() {
        let meta = LessonMeta::parse(LESSON1, 1).unwrap();
        assert_eq!(meta.title, "Pools");
        assert_eq!(meta.exercises.len(), 2);
        let (number, exercise) = meta.exercise("ex3_pool").unwrap();
        assert_eq!(number, 2);
        assert_eq!(meta.section(exercise), "book/src/lesson1.md#own-pool");
        assert!(meta.exercise("ex9_nothing").is_none());
        assert!(meta.provided.is_empty());
        let with = format!("provided = [\"src/errors.rs\"]\n{LESSON1}");
        let meta = LessonMeta::parse(&with, 1).unwrap();
        assert_eq!(meta.provided, ["src/errors.rs"]);
    }

    #[test]
    fn a_missing_field_is_named() {
        let text = LESSON1.replace("anchor = \"own-pool\"\n", "");
        let error = error_of(&text);
        assert!(error.contains("missing field `anchor`"), "{error}");
        assert!(error.contains("line"), "{error}");
    }

    #[test]
    fn a_misspelt_field_is_named() {
        let text = LESSON1.replace("title = \"Pools\"", "tittle = \"Pools\"");
        let error = error_of(&text);
        assert!(error.contains("unknown field `tittle`"), "{error}");
    }

    #[test]
    fn a_wrong_type_is_named() {
        let error = error_of(&LESSON1.replace("number = 1", "number = \"one\""));
        assert!(error.contains("number"), "{error}");
    }

    #[test]
    fn the_number_must_match_the_directory() {
        let error = format!("{:#}", LessonMeta::parse(LESSON1, 2).unwrap_err());
        assert!(error.contains("`number` is 1, but the file belongs to lesson 2"));
    }

    #[test]
    fn exercises_are_checked() {
        let error = error_of(&LESSON1.replace("\"ex3_pool\"", "\"ex1_pool_size\""));
        assert!(error.contains("exercises[1]: module \"ex1_pool_size\" appears twice"));
        let error = error_of(&LESSON1.replace("\"ex3_pool\"", "\"ex3-pool\""));
        assert!(error.contains("not a Rust module name"));
        let error = error_of(&LESSON1.replace("\"own-pool\"", "\"#own-pool\""));
        assert!(error.contains("without `#`"));
        let error = error_of(&LESSON1.replace("\"book/src/lesson1.md\"", "\"lesson1\""));
        assert!(error.contains("field `chapter`"));
        let error = error_of(&format!(
            "provided = [\"src/errors.rs\", \"../x.rs\"]\n{LESSON1}"
        ));
        assert!(error.contains("provided[1] is \"../x.rs\""), "{error}");
        let error = error_of(&format!(
            "provided = [\"src/a.rs\", \"src/a.rs\"]\n{LESSON1}"
        ));
        assert!(
            error.contains("provided[1]: \"src/a.rs\" appears twice"),
            "{error}"
        );
        let none = "number = 1\ntitle = \"Pools\"\nchapter = \"a.md\"\nexercises = []\n";
        assert!(error_of(none).contains("no [[exercises]]"));
    }

    #[test]
    fn a_missing_lesson_is_named_with_the_lessons_there_are() {
        let error = |numbers: &[u32], wanted| ensure_exists(numbers, wanted).unwrap_err();
        assert_eq!(
            error(&[1, 2, 3, 4, 5, 6], 9).to_string(),
            "there is no lesson 9: the lessons are 1–6"
        );
        assert_eq!(
            error(&[1, 3], 2).to_string(),
            "there is no lesson 2: the lessons are 1, 3"
        );
        assert_eq!(
            error(&[1, 2], 7).to_string(),
            "there is no lesson 7: the lessons are 1, 2"
        );
        assert_eq!(lesson_list(&[1, 2, 4]), "1, 2, 4");
        assert!(ensure_exists(&[1, 2], 2).is_ok());
    }

    #[test]
    fn lesson_directories_are_numbered() {
        assert_eq!(lesson_number("lesson1"), Some(1));
        assert_eq!(lesson_number("lesson12"), Some(12));
        assert_eq!(lesson_number("lesson"), None);
        assert_eq!(lesson_number("lesson01"), None);
        assert_eq!(lesson_number("lesson1b"), None);
        assert_eq!(lesson_number("notes"), None);
    }

    #[test]
    fn discovery_sorts_by_number_and_loads_metadata() {
        let root = std::env::temp_dir().join(format!("xtask-lessons-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for n in [10, 2] {
            let dir = root.join(format!("lessons/lesson{n}"));
            fs::create_dir_all(&dir).unwrap();
            let manifest = format!("[package]\nname = \"lesson{n}\"\n");
            fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        }
        fs::create_dir_all(root.join("lessons/notes")).unwrap();
        assert_eq!(discover(&root).unwrap(), [2, 10]);

        let error = format!("{:#}", Lesson::load(&root, 2).unwrap_err());
        assert!(
            error.contains("tests/lesson2/lesson.toml is missing"),
            "{error}"
        );

        fs::create_dir_all(root.join("tests/lesson2")).unwrap();
        let text = LESSON1.replace("number = 1", "number = 2");
        fs::write(root.join("tests/lesson2/lesson.toml"), text).unwrap();
        let lesson = Lesson::load(&root, 2).unwrap();
        let error = format!("{:#}", lesson.check_solution(&root).unwrap_err());
        assert!(
            error.contains("solutions/lesson2/Cargo.toml is missing"),
            "{error}"
        );

        fs::write(root.join("tests/lesson2/lesson.toml"), "number = 2\n").unwrap();
        let error = format!("{:#}", Lesson::load(&root, 2).unwrap_err());
        assert!(
            error.starts_with("tests/lesson2/lesson.toml is not a valid"),
            "{error}"
        );
        assert!(error.contains("missing field `title`"), "{error}");

        let wrong = "[package]\nname = \"pools\"\n";
        fs::write(root.join("lessons/lesson10/Cargo.toml"), wrong).unwrap();
        let error = format!("{:#}", Lesson::load(&root, 10).unwrap_err());
        assert!(error.contains("names its package \"pools\""), "{error}");

        fs::create_dir_all(root.join("lessons/extra")).unwrap();
        fs::write(root.join("lessons/extra/Cargo.toml"), wrong).unwrap();
        let error = format!("{:#}", discover(&root).unwrap_err());
        assert!(error.contains("lessons/extra is a crate but not named like a lesson"));
        fs::remove_dir_all(&root).unwrap();
    }
}
