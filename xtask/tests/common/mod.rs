//! Helpers shared by the grader's integration tests: building submissions, running
//! `cargo xtask grade`, reading its JSON.

// Each test file uses only some of these.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_owned()
}

/// A fresh directory for one test, under target/ so it is never committed.
pub fn fresh(name: &str) -> PathBuf {
    let dir = root().join("target/xtask/grade-tests").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Grading runs one at a time: they share a target directory and the machine's cores, and
/// performance figures mean little under a parallel build.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The lessons of the workspace that have a reference solution.
pub fn lessons_with_solutions() -> Vec<u32> {
    let mut found: Vec<u32> = fs::read_dir(root().join("lessons"))
        .unwrap()
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let number: u32 = name.strip_prefix("lesson")?.parse().ok()?;
            root()
                .join(format!("solutions/lesson{number}/src"))
                .is_dir()
                .then_some(number)
        })
        .collect();
    found.sort_unstable();
    found
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Makes `dir` a submission whose lessons hold the reference solutions' `src/`, as a student
/// who wrote them would have it: where the reference names its own crate (a binary target's
/// `use lessonN_solution::…`), the student's crate is `lessonN`.
pub fn submission_from_solutions(dir: &Path, lessons: &[u32]) {
    for n in lessons {
        let src = dir.join(format!("lessons/lesson{n}/src"));
        copy_dir(&root().join(format!("solutions/lesson{n}/src")), &src);
        rename_crate(&src, &format!("lesson{n}_solution"), &format!("lesson{n}"));
    }
}

/// Replaces the crate name `from` by `to` in every Rust file below `dir`.
fn rename_crate(dir: &Path, from: &str, to: &str) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rename_crate(&path, from, to);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap();
            if text.contains(from) {
                fs::write(&path, text.replace(from, to)).unwrap();
            }
        }
    }
}

/// Writes a grading configuration holding `text` and gives its path.
pub fn config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("grading.toml");
    fs::write(&path, text).unwrap();
    path
}

/// What one `cargo xtask grade --format json` gave.
pub struct Graded {
    /// The report.
    pub report: Value,
    /// The progress and warnings on standard error.
    pub stderr: String,
    /// How long it took.
    pub elapsed: Duration,
}

/// Runs `cargo xtask grade --format json ARGS` and reads its report.
pub fn grade(args: &[&std::ffi::OsStr]) -> Graded {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("grade")
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("the xtask binary runs");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "grade failed:\n{stderr}\n{stdout}");
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}):\n{stdout}\n{stderr}"));
    Graded {
        report,
        stderr,
        elapsed,
    }
}

/// Grades lesson 1 of every submission in `class` with the configuration `config`, and says
/// how long it took, with the grader's progress, for the test's log (`what` names the class).
pub fn grade_lesson1_of_class(class: &Path, config: &Path, what: &str) -> Graded {
    let graded = grade(&[
        OsStr::new("--class"),
        class.as_os_str(),
        OsStr::new("--lesson"),
        OsStr::new("1"),
        OsStr::new("--config"),
        config.as_os_str(),
    ]);
    eprintln!(
        "{}\ngrading {what} took {:.0} s",
        graded.stderr,
        graded.elapsed.as_secs_f64()
    );
    graded
}

/// Each submission's only lesson, by submission name, from a class's report.
pub fn only_lesson_by_submission(graded: &Graded) -> BTreeMap<String, Value> {
    graded
        .report
        .as_array()
        .expect("an array: several submissions")
        .iter()
        .map(|report| {
            let (_, lesson) = lessons_of(report).remove(0);
            (report["submission"].as_str().unwrap().to_owned(), lesson)
        })
        .collect()
}

/// The lessons of one submission's report, by name.
pub fn lessons_of(submission: &Value) -> Vec<(String, Value)> {
    submission["lessons"]
        .as_array()
        .expect("a lessons array")
        .iter()
        .map(|lesson| {
            (
                lesson["lesson"].as_str().unwrap().to_owned(),
                lesson.clone(),
            )
        })
        .collect()
}
