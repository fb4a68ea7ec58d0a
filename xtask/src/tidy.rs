//! Tidy tests: invariants of the course's own files, checked by `cargo test -p xtask` (and so
//! by `cargo xtask ci`) on the real workspace.

use std::fs;
use std::path::Path;

use crate::lessons::{self, Lesson};

/// What is wrong with `lesson`'s provided files (`lesson.toml`'s `provided`): each must exist
/// in the stubs and in the reference, byte for byte the same. The stubs' copy is the source:
/// students get it, and grading uses it in place of theirs.
fn provided_problems(root: &Path, lesson: &Lesson) -> Vec<String> {
    let stub_dir = lesson.stub_dir();
    let solution_dir = format!("solutions/lesson{}", lesson.number);
    let listed = format!("tests/lesson{}/lesson.toml", lesson.number);
    let mut problems = Vec::new();
    for file in &lesson.meta.provided {
        let stub = format!("{stub_dir}/{file}");
        let solution = format!("{solution_dir}/{file}");
        let (Ok(stub_bytes), Ok(solution_bytes)) =
            (fs::read(root.join(&stub)), fs::read(root.join(&solution)))
        else {
            let missing: Vec<&str> = [&stub, &solution]
                .into_iter()
                .filter(|path| !root.join(path).is_file())
                .map(String::as_str)
                .collect();
            problems.push(format!(
                "{listed} provides {file}, but {} {} missing: a provided file lives in both \
                 crates, the same in each (or drop it from `provided`)",
                missing.join(" and "),
                if missing.len() == 1 { "is" } else { "are" }
            ));
            continue;
        };
        if stub_bytes != solution_bytes {
            let line = first_different_line(&stub_bytes, &solution_bytes);
            problems.push(format!(
                "{listed} provides {file}, but {solution} differs from {stub} (from line \
                 {line}): students get the stubs' copy and are graded with it, so fix \
                 {solution}: `cp {stub} {solution}` (if the reference's change is the one you \
                 want, make it in {stub} first)"
            ));
        }
    }
    problems
}

/// The 1-based number of the first line where `a` and `b` differ.
fn first_different_line(a: &[u8], b: &[u8]) -> usize {
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    1 + a[..same].iter().filter(|&&byte| byte == b'\n').count()
}

#[test]
fn provided_files_are_the_same_in_the_stubs_and_the_reference() {
    let root = lessons::workspace_root().unwrap();
    if !root.join("solutions").is_dir() {
        // The students' copy: only the stubs' copy of each provided file is there.
        return;
    }
    let mut problems = Vec::new();
    for number in lessons::discover(&root).unwrap() {
        let lesson = Lesson::load(&root, number).unwrap();
        problems.extend(provided_problems(&root, &lesson));
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn a_provided_file_that_differs_or_is_missing_is_named() {
    let root = std::env::temp_dir().join(format!("xtask-tidy-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("lessons/lesson1/src/errors.rs", "a\nb\nc\n");
    write("solutions/lesson1/src/errors.rs", "a\nb\nc\n");
    write("lessons/lesson1/src/panics.rs", "a\nb\nc\n");
    write("solutions/lesson1/src/panics.rs", "a\nB\nc\n");
    write("lessons/lesson1/src/only_stub.rs", "");
    let meta = lessons::LessonMeta::parse(
        "number = 1\ntitle = \"P\"\nchapter = \"a.md\"\nprovided = [\"src/errors.rs\", \
         \"src/panics.rs\", \"src/only_stub.rs\", \"src/nowhere.rs\"]\n[[exercises]]\n\
         module = \"ex1_a\"\ntitle = \"A\"\nanchor = \"a\"\n",
        1,
    )
    .unwrap();
    let problems = provided_problems(&root, &Lesson { number: 1, meta });
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].contains(
            "solutions/lesson1/src/panics.rs differs from lessons/lesson1/src/panics.rs (from \
             line 2)"
        ),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].contains("fix solutions/lesson1/src/panics.rs"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].contains("but solutions/lesson1/src/only_stub.rs is missing"),
        "{}",
        problems[1]
    );
    assert!(
        problems[2].contains(
            "lessons/lesson1/src/nowhere.rs and solutions/lesson1/src/nowhere.rs are missing"
        ),
        "{}",
        problems[2]
    );
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn the_first_different_line_is_counted_from_one() {
    assert_eq!(first_different_line(b"abc", b"abd"), 1);
    assert_eq!(first_different_line(b"a\nb\nc", b"a\nb\nd"), 3);
    assert_eq!(first_different_line(b"a\n", b"a\nb"), 2);
}

/// A `major.minor[.patch]` version as numbers, for comparing minimum Rust versions.
fn version(text: &str) -> Vec<u32> {
    text.split('.')
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

#[test]
fn every_crate_states_the_minimum_rust_its_dependencies_need() {
    let root = lessons::workspace_root().unwrap();
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|id| id.as_str())
        .collect();
    let mut stated = None;
    let mut needed = (Vec::new(), String::new());
    for package in metadata["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap_or_default();
        let rust = package["rust_version"].as_str();
        if members.contains(&package["id"].as_str().unwrap_or_default()) {
            let rust = rust.unwrap_or_else(|| {
                panic!("{name} states no rust-version: add `rust-version.workspace = true`")
            });
            assert!(
                stated.is_none_or(|stated| stated == rust),
                "{name} states rust-version {rust}, another crate {stated:?}: inherit the \
                 workspace's"
            );
            stated = Some(rust);
        } else if let Some(rust) = rust.filter(|rust| version(rust) > needed.0) {
            needed = (
                version(rust),
                format!(
                    "{name} {} needs {rust}",
                    package["version"].as_str().unwrap_or("?")
                ),
            );
        }
    }
    let stated = stated.expect("the workspace has members");
    assert!(
        version(stated) >= needed.0,
        "the workspace states rust-version {stated}, but {}: raise it in Cargo.toml and in \
         README.md and book/src/introduction.md",
        needed.1
    );
    for page in ["README.md", "book/src/introduction.md"] {
        let text = fs::read_to_string(root.join(page)).unwrap();
        assert!(
            text.contains(&format!("{stated} or newer")),
            "{page} must say that the course needs Rust {stated} or newer"
        );
    }
}

/// The lines of Rust under `dir` that write the keyword `unsafe` outside a `//` comment, as
/// `path:line`.
fn unsafe_lines(dir: &Path) -> Vec<String> {
    let (mut files, mut found) = (Vec::new(), Vec::new());
    crate::book::collect_files(dir, &mut files).unwrap();
    for entry in files {
        if entry.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let text = fs::read_to_string(&entry).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let mut words = code.split(|c: char| !(c.is_alphanumeric() || c == '_'));
            if words.any(|word| word == "unsafe") {
                found.push(format!("{}:{}", entry.display(), number + 1));
            }
        }
    }
    found
}

#[test]
fn the_lessons_and_the_reference_are_safe_rust() {
    let root = lessons::workspace_root().unwrap();
    // The students' copy has no solutions/.
    let found: Vec<String> = ["lessons", "solutions"]
        .iter()
        .map(|dir| root.join(dir))
        .filter(|dir| dir.is_dir())
        .flat_map(|dir| unsafe_lines(&dir))
        .collect();
    assert!(
        found.is_empty(),
        "the grader forbids unsafe code in every submission, and grades the reference as one: \
         remove it from {found:?}"
    );
}
