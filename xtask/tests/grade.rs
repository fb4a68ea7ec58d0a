//! `cargo xtask grade` on the course's own lessons: the reference solutions score full
//! correctness with a performance figure, hidden tests run and are marked hidden, the
//! untouched stubs score 0; and `cargo xtask handout` makes a copy that builds and fails its
//! tests as a student's first run should.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::process::Command;

use common::{Graded, grade, lessons_of, one_at_a_time, root};

#[test]
fn the_solutions_score_full_correctness_and_a_performance_figure() {
    let _alone = one_at_a_time();
    let work = common::fresh("complete");
    let lessons = common::lessons_with_solutions();
    let submission = work.join("complete");
    common::submission_from_solutions(&submission, &lessons);
    let hidden = root().join("xtask/tests/fixtures/hidden");
    let config = common::config(
        &work,
        &format!("hidden_tests = {:?}\n", hidden.to_str().unwrap()),
    );
    let args = [
        submission.as_os_str(),
        OsStr::new("--config"),
        config.as_os_str(),
    ];
    let first = grade(&args);
    check_complete(&first, &lessons);
    // Again, with everything built: the time a re-grade of one submission takes.
    let again = grade(&args);
    check_complete(&again, &lessons);
    eprintln!(
        "grading the solutions of {} lessons: {:.1} s, then {:.1} s warm",
        lessons.len(),
        first.elapsed.as_secs_f64(),
        again.elapsed.as_secs_f64()
    );
}

fn check_complete(graded: &Graded, lessons: &[u32]) {
    let report = &graded.report;
    assert_eq!(report["submission"], "complete", "{report:#}");
    let graded_lessons = lessons_of(report);
    assert_eq!(graded_lessons.len(), lessons.len(), "{report:#}");
    for (name, lesson) in &graded_lessons {
        let context = format!("{name}: {lesson:#}\n{}", graded.stderr);
        assert_eq!(lesson["status"], "ok", "{context}");
        assert_eq!(lesson["correctness"], 1.0, "{context}");
        assert!(lesson["tests_total"].as_u64().unwrap() > 0, "{context}");
        assert_eq!(lesson["tests_passed"], lesson["tests_total"], "{context}");
        assert!(lesson["score"].as_f64().unwrap() >= 70.0, "{context}");
        let number: u32 = name.strip_prefix("lesson").unwrap().parse().unwrap();
        if root()
            .join(format!("tests/lesson{number}/perf.rs"))
            .is_file()
        {
            let speedup = lesson["speedup"].as_f64();
            assert!(speedup.is_some_and(|s| s > 0.0), "no speedup: {context}");
            assert!(lesson["reference_speedup"].as_f64().is_some(), "{context}");
            let performance = lesson["performance"].as_f64().unwrap_or(f64::NAN);
            assert!(
                performance > 0.0 && performance <= 1.0,
                "a performance share in (0, 1]: {context}"
            );
            let score = lesson["score"].as_f64().unwrap();
            assert!(
                (score - (70.0 + 30.0 * performance)).abs() < 0.1,
                "score = 70 + 30 × performance: {context}"
            );
        } else {
            assert_eq!(lesson["score"], 100.0, "{context}");
        }
    }
    let (_, lesson1) = &graded_lessons[0];
    let hidden: Vec<&serde_json::Value> = lesson1["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|test| test["hidden"] == true)
        .collect();
    assert_eq!(hidden.len(), 2, "the fixture's hidden tests: {lesson1:#}");
    assert!(hidden.iter().all(|test| {
        test["passed"] == true
            && test["name"]
                .as_str()
                .unwrap()
                .starts_with("hidden::extra::")
    }));
}

#[test]
fn the_untouched_stubs_score_zero() {
    let _alone = one_at_a_time();
    // No submission: the checkout itself, whose lessons hold the stubs.
    let graded = grade(&[]);
    let report = &graded.report;
    assert_eq!(report["score"], 0.0, "{report:#}");
    for (name, lesson) in lessons_of(report) {
        assert_eq!(lesson["score"], 0.0, "{name}: {lesson:#}");
        assert_eq!(lesson["tests_passed"], 0, "{name}: {lesson:#}");
        assert!(lesson["performance"].is_null(), "{name}: {lesson:#}");
    }
    let (_, lesson1) = &lessons_of(report)[0];
    assert_eq!(lesson1["status"], "ok", "{lesson1:#}");
    assert!(lesson1["tests_total"].as_u64().unwrap() > 0);
    let test = &lesson1["tests"][0];
    assert!(
        test["message"]
            .as_str()
            .unwrap()
            .contains("not yet implemented"),
        "{test:#}"
    );
}

#[test]
fn edits_outside_src_are_ignored_and_reported() {
    let _alone = one_at_a_time();
    let work = common::fresh("tampering");
    let submission = work.join("tamperer");
    common::submission_from_solutions(&submission, &[1]);
    // A suite that passes anything, a new dependency, and a symbolic link in src/.
    fs::create_dir_all(submission.join("tests/lesson1")).unwrap();
    fs::write(
        submission.join("tests/lesson1/main.rs"),
        "// nothing to fail\n",
    )
    .unwrap();
    let manifest = fs::read_to_string(root().join("lessons/lesson1/Cargo.toml")).unwrap();
    fs::write(
        submission.join("lessons/lesson1/Cargo.toml"),
        format!("{manifest}\n[dependencies.cheat]\nversion = \"1\"\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "/etc/hostname",
        submission.join("lessons/lesson1/src/leak.rs"),
    )
    .unwrap();
    let config = common::config(&work, "[performance]\nenabled = false\n");
    let graded = grade(&[
        submission.as_os_str(),
        OsStr::new("--lesson"),
        OsStr::new("1"),
        OsStr::new("--config"),
        config.as_os_str(),
    ]);
    let (_, lesson) = &lessons_of(&graded.report)[0];
    let message = lesson["message"].as_str().unwrap();
    assert_eq!(lesson["status"], "ok", "{lesson:#}");
    assert_eq!(lesson["score"], 100.0, "{lesson:#}");
    assert!(
        message.contains("ignored: changes to lessons/lesson1/Cargo.toml, tests/lesson1/main.rs"),
        "{message}"
    );
    assert!(message.contains("symbolic link leak.rs"), "{message}");
}

/// Runs `cargo xtask grade ARGS`, which must refuse before grading anything; gives its
/// standard error.
fn refused(args: &[&OsStr]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("grade")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !output.status.success(),
        "grading {args:?} should fail:\n{stderr}"
    );
    assert!(
        !stderr.contains("grading ") && !stderr.contains("building"),
        "grading {args:?} should stop before any grading:\n{stderr}"
    );
    assert!(stderr.contains("nothing was graded"), "{stderr}");
    stderr
}

#[test]
fn gradescope_results_for_several_submissions_are_refused_before_grading() {
    let work = common::fresh("gradescope-several");
    let (alice, bob) = (work.join("alice"), work.join("bob"));
    for submission in [&alice, &bob] {
        fs::create_dir_all(submission.join("lessons")).unwrap();
    }
    let format = [OsStr::new("--format"), OsStr::new("gradescope")];
    let stderr = refused(&[alice.as_os_str(), bob.as_os_str(), format[0], format[1]]);
    assert!(stderr.contains("one submission"), "{stderr}");
    let stderr = refused(&[
        OsStr::new("--class"),
        work.as_os_str(),
        format[0],
        format[1],
    ]);
    assert!(stderr.contains("but 2 were given"), "{stderr}");
}

#[test]
fn a_directory_with_nothing_to_grade_is_an_error() {
    let work = common::fresh("nothing-to-grade");
    let blank = work.join("class/blank");
    fs::create_dir_all(&blank).unwrap();
    let stderr = refused(&[blank.as_os_str()]);
    assert!(stderr.contains("has no lessons/ directory"), "{stderr}");
    let stderr = refused(&[OsStr::new("--class"), work.join("class").as_os_str()]);
    assert!(stderr.contains("nothing to grade"), "{stderr}");
    let stderr = refused(&[OsStr::new("--class"), blank.as_os_str()]);
    assert!(stderr.contains("holds no submission"), "{stderr}");
}

#[test]
fn the_handout_builds_and_its_stubs_fail() {
    let _alone = one_at_a_time();
    let out = common::fresh("handout").join("course");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["handout", "--check", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    for absent in [
        "solutions",
        "grading.toml",
        "hidden",
        "tests/lesson1/mutants",
        "tests/lesson1/alternatives",
        "xtask/tests",
    ] {
        assert!(!out.join(absent).exists(), "{absent} is in the handout");
    }
    for present in [
        "lessons/lesson1/src/lib.rs",
        "tests/lesson1/main.rs",
        "xtask/src/main.rs",
    ] {
        assert!(
            out.join(present).is_file(),
            "{present} is missing from the handout"
        );
    }
    let readme = fs::read_to_string(out.join("README.md")).unwrap();
    assert!(!readme.contains("## Instructors"));
    assert!(readme.contains("cargo test -p lesson1"));
    for chapter in fs::read_dir(out.join("book/src")).unwrap() {
        let path = chapter.unwrap().path();
        let chapter = fs::read_to_string(&path).unwrap_or_default();
        for absent in [
            "../solutions/",
            "-solution`",
            "<!-- course:",
            "<!-- handout:",
        ] {
            assert!(
                !chapter.contains(absent),
                "the handout's {} still says {absent:?}",
                path.display()
            );
        }
    }
    assert!(text.contains("lesson1: 0/"), "{text}");
    assert!(
        text.contains("Every command the handout names runs there"),
        "{text}"
    );
}
