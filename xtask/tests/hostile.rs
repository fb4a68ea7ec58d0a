//! `cargo xtask grade` on hostile submissions (xtask/tests/fixtures/lesson1/): each gets its
//! status and a clear message without hanging the grader, no process of theirs survives, the
//! instructor's tree is unchanged, and the submission after them is graded normally.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{grade, lessons_of, one_at_a_time, root};
use serde_json::Value;

/// The marker of the sleepers the many_processes fixture starts.
const SLEEPER: &str = "3600.4242";

/// Builds the submission `dir` from the reference solution of lesson 1 with the hostile
/// function of `case` exported in place of the one it replaces.
fn hostile_submission(case: &str, dir: &Path) {
    let src = dir.join("lessons/lesson1/src");
    common::copy_dir(&root().join("solutions/lesson1/src"), &src);
    let fixture = root()
        .join("xtask/tests/fixtures/lesson1")
        .join(case)
        .join("hostile.rs");
    let hostile = fs::read_to_string(&fixture).unwrap();
    fs::write(src.join("hostile.rs"), &hostile).unwrap();
    let replaced = hostile
        .lines()
        .find_map(|line| line.strip_prefix("//! replaces: "))
        .expect("each fixture names what it replaces")
        .trim();
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut lib = lib.replace("pub mod pool;", "pub mod hostile;\npub mod pool;");
    if replaced != "nothing" {
        let before = lib.clone();
        lib = lib
            .replace(&format!(", {replaced}}}"), "}")
            .replace(&format!("{replaced}, "), "");
        assert_ne!(lib, before, "lib.rs does not re-export {replaced}");
        lib.push_str(&format!("pub use hostile::{replaced};\n"));
    }
    fs::write(src.join("lib.rs"), lib).unwrap();
}

/// The contents of the instructor's files a hostile submission could aim at.
fn instructor_files() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut add = |path: PathBuf| {
        if let Ok(bytes) = fs::read(&path) {
            files.insert(path, bytes);
        }
    };
    for file in ["README.md", "Cargo.toml", "Cargo.lock", "grading.toml"] {
        add(root().join(file));
    }
    fn walk(dir: &Path, add: &mut dyn FnMut(PathBuf)) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                walk(&entry.path(), add);
            } else {
                add(entry.path());
            }
        }
    }
    for dir in [
        "lessons/lesson1",
        "solutions/lesson1",
        "tests/lesson1",
        "tests/testkit",
    ] {
        walk(&root().join(dir), &mut add);
    }
    files
}

/// Processes still running with the sleepers' marker.
fn sleepers() -> usize {
    fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|entry| {
            fs::read(entry.path().join("cmdline"))
                .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(SLEEPER))
        })
        .count()
}

/// Every `GRADE_FIXTURE_BREACH` file the writes_outside fixture could have made, removed.
fn breaches(scratch: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let crate_dir = scratch.join("lessons/lesson1");
    for dir in crate_dir.ancestors() {
        let breach = dir.join("GRADE_FIXTURE_BREACH");
        if breach.exists() {
            let _ = fs::remove_file(&breach);
            found.push(breach);
        }
    }
    let x = scratch.join("x");
    if x.exists() {
        let _ = fs::remove_file(&x);
        found.push(x);
    }
    found
}

#[test]
fn hostile_submissions_get_their_status_and_are_contained() {
    let _alone = one_at_a_time();
    let work = common::fresh("hostile");
    let class = work.join("class");
    let cases = [
        "borrows_the_reference",
        "compile_error",
        "deadlock",
        "forges_results",
        "huge_alloc",
        "infinite_loop",
        "many_processes",
        "panic",
        "prints_megabytes",
        "reads_outside",
        "stack_overflow",
        "writes_outside",
    ];
    for case in cases {
        hostile_submission(case, &class.join(case));
    }
    // A submission holding no code: its lesson is a link to the reference solution.
    let linker = class.join("links_the_reference/lessons");
    fs::create_dir_all(&linker).unwrap();
    std::os::unix::fs::symlink(root().join("solutions/lesson1"), linker.join("lesson1")).unwrap();
    // Last in the class: graded after all of them, it must not notice them.
    common::submission_from_solutions(&class.join("z_complete"), &[1]);
    let config = common::config(
        &work,
        "[limits]\ntimeout_s = 20\ntest_timeout_s = 5\nrerun_budget_s = 60\n\
         [performance]\nenabled = false\n",
    );
    let before = instructor_files();
    let graded = grade(&[
        OsStr::new("--class"),
        class.as_os_str(),
        OsStr::new("--lesson"),
        OsStr::new("1"),
        OsStr::new("--config"),
        config.as_os_str(),
    ]);
    eprintln!(
        "{}\ngrading {} hostile submissions and a complete one took {:.0} s",
        graded.stderr,
        cases.len() + 1,
        graded.elapsed.as_secs_f64()
    );

    let reports: BTreeMap<String, Value> = graded
        .report
        .as_array()
        .expect("an array: several submissions")
        .iter()
        .map(|report| {
            let (_, lesson) = lessons_of(report).remove(0);
            (report["submission"].as_str().unwrap().to_owned(), lesson)
        })
        .collect();
    let lesson = |name: &str| &reports[name];
    let message = |name: &str| lesson(name)["message"].as_str().unwrap().to_owned();
    let failed = |name: &str| -> Vec<String> {
        lesson(name)["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|test| test["passed"] == false)
            .map(|test| format!("{}: {}", test["name"], test["message"]))
            .collect()
    };
    let expect = |name: &str, status: &str, failing: usize| {
        let lesson = lesson(name);
        assert_eq!(lesson["status"], status, "{name}: {lesson:#}");
        let total = lesson["tests_total"].as_u64().unwrap() as usize;
        assert!(total > 0, "{name}: {lesson:#}");
        assert_eq!(
            lesson["tests_passed"].as_u64().unwrap() as usize,
            total - failing,
            "{name}: {:#?}",
            failed(name)
        );
    };

    assert_eq!(lesson("borrows_the_reference")["status"], "compile_error");
    let borrower = message("borrows_the_reference");
    assert!(
        borrower.starts_with("refused before compiling: src/hostile.rs:6: path = "),
        "{borrower}"
    );
    assert!(
        borrower.contains("src/hostile.rs:10: include_str!"),
        "{borrower}"
    );

    let linker = lesson("links_the_reference");
    assert_eq!(linker["status"], "missing", "{linker:#}");
    assert_eq!(linker["score"], 0.0, "{linker:#}");
    assert!(
        message("links_the_reference")
            .contains("lessons/lesson1 is a symbolic link, which is not taken"),
        "{}",
        message("links_the_reference")
    );

    assert_eq!(lesson("compile_error")["status"], "compile_error");
    assert!(
        message("compile_error").contains("cannot add"),
        "{}",
        message("compile_error")
    );
    assert_eq!(lesson("compile_error")["score"], 0.0);

    expect("infinite_loop", "timeout", 1);
    assert!(
        failed("infinite_loop")[0].contains("random_inputs"),
        "{:?}",
        failed("infinite_loop")
    );
    assert!(failed("infinite_loop")[0].contains("timed out"));
    assert!(message("infinite_loop").contains("did not finish within 20 s"));

    expect("deadlock", "timeout", 2);
    assert!(
        failed("deadlock").iter().all(|f| f.contains("timed out")),
        "{:?}",
        failed("deadlock")
    );

    expect("panic", "ok", 2);
    assert!(
        failed("panic")
            .iter()
            .all(|f| f.contains("the student's own panic"))
    );

    // Both of lesson 1's busy_loop tests fail: one in the test process, one in the child it
    // re-runs itself as.
    expect("stack_overflow", "crashed", 2);
    assert!(
        failed("stack_overflow")
            .iter()
            .all(|f| f.contains("busy_loop"))
    );
    assert!(
        failed("stack_overflow")
            .iter()
            .any(|f| f.contains("stack overflow")),
        "{:?}",
        failed("stack_overflow")
    );

    expect("huge_alloc", "crashed", 1);
    assert!(failed("huge_alloc")[0].contains("square"));
    assert!(
        failed("huge_alloc")[0].contains("out of memory"),
        "{:?}",
        failed("huge_alloc")
    );

    let spawner = message("many_processes");
    assert!(spawner.contains("the tests left running"), "{spawner}");
    assert_eq!(sleepers(), 0, "sleepers survived grading");

    expect("writes_outside", "ok", 0);
    let scratch = root().join("target/xtask/grade/writes_outside");
    assert_eq!(
        breaches(&scratch),
        Vec::<PathBuf>::new(),
        "writes got through"
    );

    if graded.stderr.contains("Landlock confines") {
        expect("reads_outside", "ok", 0);
    }

    expect("prints_megabytes", "ok", 0);
    assert!(message("prints_megabytes").contains("output truncated"));

    let forger = lesson("forges_results");
    assert_eq!(forger["status"], "crashed", "{forger:#}");
    assert_eq!(forger["tests_passed"], 0, "{forger:#}");
    assert!(
        message("forges_results").contains("is not the test harness's own"),
        "{}",
        message("forges_results")
    );

    expect("z_complete", "ok", 0);
    assert_eq!(lesson("z_complete")["score"], 100.0);

    assert!(
        instructor_files() == before,
        "a hostile submission changed the instructor's tree"
    );
    // Generous: what matters is that it ends; the limits above bound it to about 5 minutes.
    assert!(
        graded.elapsed < Duration::from_secs(900),
        "{:?}",
        graded.elapsed
    );
}
