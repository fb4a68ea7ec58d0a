//! `cargo xtask ci`: everything continuous integration must prove, step by step.
//!
//! Every step runs even after one fails, so the summary shows the whole state at once. Each
//! step prints its command as it starts; a failing step prints what a maintainer needs to fix
//! it (a command's output, the tests that went wrong), a passing one only its summary line.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};

use crate::book::{self, Book};
use crate::cargo::{Build, PackageTests, Targets, TestReport, first_lines};
use crate::cmd::{Cmd, Output, Stream};
use crate::lessons::{self, Lesson};
use crate::libtest::{Outcome, TestCase, TestRun};
use crate::loom;
use crate::mutants::{self, Kind};
use crate::progress;
use crate::report::{Table, counted, duration, plural, some_names};

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Failed,
    Skipped,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "FAILED",
            Status::Skipped => "skipped",
        }
    }
}

/// One line of the summary.
struct Step {
    name: String,
    status: Status,
    detail: String,
    elapsed: Duration,
}

/// The steps run so far.
struct Ci<'a> {
    root: &'a Path,
    /// The command, for the summary's title.
    title: &'static str,
    steps: Vec<Step>,
}

impl<'a> Ci<'a> {
    /// Runs one step: prints its name, times it, records how it went. A step gives its
    /// one-line summary, or an error whose first line summarizes it and whose rest (printed
    /// here) explains it.
    fn step(&mut self, name: &str, run: impl FnOnce() -> Result<String>) -> bool {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = run();
        let elapsed = started.elapsed();
        let (status, detail) = match result {
            Ok(detail) => {
                println!("{name}: {detail}");
                (Status::Ok, detail)
            }
            Err(error) => {
                println!("{name} FAILED: {error:#}");
                let full = format!("{error:#}");
                let first = full.lines().next().unwrap_or("").to_owned();
                (Status::Failed, first)
            }
        };
        self.steps.push(Step {
            name: name.to_owned(),
            status,
            detail,
            elapsed,
        });
        status == Status::Ok
    }

    fn skip(&mut self, name: &str, why: &str) {
        println!("\n==> {name}: skipped, {why}");
        self.steps.push(Step {
            name: name.to_owned(),
            status: Status::Skipped,
            detail: why.to_owned(),
            elapsed: Duration::ZERO,
        });
    }

    fn summary(&self) -> ExitCode {
        let mut table = Table::new(&["step", "status", "detail", "time"]);
        for step in &self.steps {
            // Long details are cut so the table stays readable; the full text is above.
            let detail = shorten(&step.detail, 72);
            table.row(&[
                step.name.as_str(),
                step.status.label(),
                detail.as_str(),
                duration(step.elapsed).as_str(),
            ]);
        }
        let failed = self
            .steps
            .iter()
            .filter(|s| s.status == Status::Failed)
            .count();
        println!("\nSummary of {}:\n{}", self.title, table.render(2));
        if failed == 0 {
            println!("All {} steps passed.", self.steps.len());
            ExitCode::SUCCESS
        } else {
            println!(
                "{} of {} failed; each one's details are above, under its `==>` line.",
                plural(failed, "step"),
                self.steps.len()
            );
            ExitCode::FAILURE
        }
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// Runs every CI step and prints the summary; the exit code says whether all passed.
///
/// In a students' copy (`cargo xtask handout`, which has no `solutions/`), the lesson steps
/// check the student's work instead: each lesson's tests must all pass on the student's code.
pub fn run(root: &Path) -> Result<ExitCode> {
    let mut ci = Ci {
        root,
        title: "cargo xtask ci",
        steps: Vec::new(),
    };
    let students_copy = !root.join("solutions").is_dir();
    if students_copy {
        println!(
            "A students' copy (no solutions/): checking your work. Every lesson's tests must \
             pass on your code in lessons/."
        );
    }
    let cargo = || Cmd::cargo(root);

    ci.step("fmt", || {
        command_step(cargo().args(["fmt", "--all", "--", "--check"]), |_| {
            "every file is formatted".to_owned()
        })
    });
    ci.step("clippy", || {
        command_step(
            cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
            |_| "no warnings".to_owned(),
        )
    });
    // The grader's own tests build and run submissions inside bubblewrap.
    #[cfg(target_os = "linux")]
    ci.step("bubblewrap", || {
        grader::system::bubblewrap(true).map(|path| format!("{} is ready", path.display()))
    });
    ci.step("test", || command_step(cargo().arg("test"), test_detail));
    ci.step("test --benches", || {
        command_step(cargo().args(["test", "--benches"]), |output| {
            let benches = output
                .stdout()
                .lines()
                .filter(|line| line.starts_with("Testing "))
                .count();
            format!("{} ran once each", plural(benches, "benchmark"))
        })
    });

    let mut loaded = Vec::new();
    match lessons::discover(root) {
        Err(error) => {
            ci.step("lessons", || Err(error));
        }
        Ok(numbers) => {
            for number in numbers {
                let lesson = if students_copy {
                    student_lesson_steps(&mut ci, number)
                } else {
                    lesson_steps(&mut ci, number)
                };
                loaded.extend(lesson);
            }
        }
    }

    let book_dir = root.join("book");
    let mut built = None;
    ci.step("book", || {
        let book = Book::locate(&book_dir)?;
        book::build_html(root, &book)?;
        let book = built.insert(book);
        book::offline_summary(root, book)
    });
    match &built {
        Some(book) => {
            ci.step("book anchors", || book::check_anchors(root, book, &loaded));
        }
        None => ci.skip("book anchors", "the book did not build"),
    }
    Ok(ci.summary())
}

/// A step that runs one command and passes when it exits 0. The command's output is shown
/// only when it fails; `detail` summarizes a success.
fn command_step(cmd: Cmd, detail: impl FnOnce(&Output) -> String) -> Result<String> {
    println!("$ {}", cmd.display());
    let output = cmd.run()?;
    if output.success() {
        return Ok(detail(&output));
    }
    for line in &output.lines {
        if !(line.stream == Stream::Stderr && is_cargo_progress(&line.text)) {
            println!("{}", line.text);
        }
    }
    let run = TestRun::parse(&output.stdout());
    let failed: Vec<&str> = run
        .tests
        .iter()
        .filter(|test| test.outcome == Outcome::Failed)
        .map(|test| test.name.as_str())
        .collect();
    if failed.is_empty() {
        bail!("{}; the output is above", output.status)
    } else {
        bail!(
            "{} failed: {}; the output is above",
            plural(failed.len(), "test"),
            some_names(&failed, 3)
        )
    }
}

/// Cargo's progress lines (`Compiling …`, `Checking …`), which say nothing about a failure.
fn is_cargo_progress(line: &str) -> bool {
    const PROGRESS: &[&str] = &[
        "Compiling ",
        "Checking ",
        "Documenting ",
        "Downloading ",
        "Downloaded ",
        "Blocking waiting",
        "Locking ",
        "Updating ",
        "Adding ",
        "Fresh ",
    ];
    let line = line.trim_start();
    PROGRESS.iter().any(|prefix| line.starts_with(prefix))
}

fn test_detail(output: &Output) -> String {
    let run = TestRun::parse(&output.stdout());
    let ignored = run
        .tests
        .iter()
        .filter(|t| t.outcome == Outcome::Ignored)
        .count();
    let mut detail = format!(
        "{} pass in {}",
        plural(run.tests.len() - ignored, "test"),
        counted(run.sections.len(), "test binary", "test binaries")
    );
    if ignored > 0 {
        detail.push_str(&format!(", {ignored} ignored"));
    }
    detail
}

/// The steps for lesson `number`; gives the lesson when its metadata could be read.
fn lesson_steps(ci: &mut Ci<'_>, number: u32) -> Option<Lesson> {
    let root = ci.root;
    let lesson = metadata_step(ci, number)?;
    let stub = lesson.stub_package();
    let solution = lesson.solution_package();

    let mut compiles = false;
    ci.step(&format!("{stub} build"), || {
        stub_warnings(root, &lesson, &mut compiles)
    });

    let mut stub_names = None;
    if compiles {
        ci.step(&format!("{stub} stubs"), || {
            let (names, detail) = stub_tests(root, &lesson)?;
            stub_names = Some(names);
            Ok(detail)
        });
    } else {
        ci.skip(
            &format!("{stub} stubs"),
            &format!("the stubs do not compile (see {stub} build)"),
        );
    }

    let solution_run = solution_step(ci, &lesson, stub_names.as_ref());
    if let Some(run) = &solution_run {
        ci.step(&format!("lesson{number} exercises"), || {
            exercises_match(&lesson, run)
        });
    }
    if lesson.meta.loom_test.is_some() {
        ci.step(&format!("{solution} loom"), || {
            loom::run(root, &lesson, loom::Subject::Reference)
        });
    }
    patch_steps(ci, &lesson, solution_run.as_ref());
    Some(lesson)
}

/// The step reading lesson `number`'s metadata; gives the lesson when it could be read.
fn metadata_step(ci: &mut Ci<'_>, number: u32) -> Option<Lesson> {
    let root = ci.root;
    let mut loaded = None;
    ci.step(&format!("lesson{number} metadata"), || {
        let lesson = Lesson::load(root, number)?;
        let detail = format!(
            "\"{}\", {}",
            lesson.meta.title,
            plural(lesson.meta.exercises.len(), "exercise")
        );
        loaded = Some(lesson);
        Ok(detail)
    });
    loaded
}

/// The step running the reference's tests, which must all pass (and run the stubs' suite,
/// when `stub_names` gives it); gives the run when they did.
fn solution_step(
    ci: &mut Ci<'_>,
    lesson: &Lesson,
    stub_names: Option<&BTreeSet<String>>,
) -> Option<TestRun> {
    let root = ci.root;
    let mut solution_run = None;
    ci.step(&lesson.solution_package(), || {
        lesson.check_solution(root)?;
        let run = solution_tests(root, lesson, stub_names)?;
        let detail = format!(
            "{}/{} pass",
            run.suite().filter(|t| t.outcome == Outcome::Passed).count(),
            run.suite().count()
        );
        solution_run = Some(run);
        Ok(detail)
    });
    solution_run
}

/// One step per hand-written patch of `lesson`: each mutant must be caught, each alternative
/// must pass the suite the reference passed (`reference`, `None` when it did not: then the
/// patches prove nothing and are skipped).
fn patch_steps(ci: &mut Ci<'_>, lesson: &Lesson, reference: Option<&TestRun>) {
    let root = ci.root;
    let number = lesson.number;
    let names: Option<BTreeSet<String>> =
        reference.map(|run| run.suite().map(|test| test.name.clone()).collect());
    for kind in [Kind::Mutant, Kind::Alternative] {
        let noun = kind.noun();
        let patches = match mutants::list(root, lesson, kind) {
            Ok(patches) => patches,
            Err(error) => {
                ci.step(&format!("lesson{number} {noun}s"), || Err(error));
                continue;
            }
        };
        for patch in patches {
            let name = format!("lesson{number} {noun} {}", mutants::name(&patch));
            match (&names, kind) {
                (None, _) => ci.skip(
                    &name,
                    &format!(
                        "the reference solution fails its own suite, so a {noun} proves nothing"
                    ),
                ),
                (Some(_), Kind::Mutant) => {
                    ci.step(&name, || mutants::check(root, lesson, &patch));
                }
                (Some(names), Kind::Alternative) => {
                    ci.step(&name, || {
                        mutants::check_alternative(root, lesson, &patch, names)
                    });
                }
            }
        }
    }
}

/// `cargo xtask mutants --lesson N --patches`: the reference's tests, then lesson `number`'s
/// hand-written mutants and alternatives, as `cargo xtask ci` checks them, and a summary.
pub fn patches(root: &Path, number: u32) -> Result<ExitCode> {
    let mut ci = Ci {
        root,
        title: "cargo xtask mutants --patches",
        steps: Vec::new(),
    };
    if let Some(lesson) = metadata_step(&mut ci, number) {
        let reference = solution_step(&mut ci, &lesson, None);
        patch_steps(&mut ci, &lesson, reference.as_ref());
    }
    Ok(ci.summary())
}

/// The steps for lesson `number` in a students' copy: the student's crate passes every test
/// of its suite (and its loom models, where the lesson has them).
fn student_lesson_steps(ci: &mut Ci<'_>, number: u32) -> Option<Lesson> {
    let root = ci.root;
    let lesson = match Lesson::load(root, number) {
        Ok(lesson) => lesson,
        Err(error) => {
            ci.step(&format!("lesson{number} metadata"), || Err(error));
            return None;
        }
    };
    let package = lesson.stub_package();
    let passed = ci.step(&package, || {
        let run = match student_tests(root, &lesson)? {
            TestReport::DoesNotCompile { errors } => bail!(
                "does not compile ({}): run `cargo build -p {package}` to see the errors\n{}",
                plural(errors.len(), "error"),
                errors.join("\n\n")
            ),
            TestReport::Ran { run, .. } => run,
        };
        let suite: Vec<&TestCase> = run.suite().collect();
        let passing = names_with(&suite, Outcome::Passed).len();
        let progress = progress::exercises(&lesson.meta, &run);
        let waiting = progress.iter().find(|exercise| {
            matches!(
                exercise.status,
                progress::Status::NotStarted | progress::Status::Failing
            )
        });
        match waiting {
            None if passing == suite.len() && run.complete() => {
                Ok(format!("{passing}/{} pass", suite.len()))
            }
            None => bail!(
                "{passing}/{} pass, and the run did not finish: run `cargo test -p {package}` \
                 to see why",
                suite.len()
            ),
            Some(exercise) => bail!(
                "{passing}/{} pass. {}",
                suite.len(),
                progress::next_step(&lesson, exercise)
            ),
        }
    });
    if lesson.meta.loom_test.is_some() {
        let name = format!("{package} loom");
        if passed {
            ci.step(&name, || loom::run(root, &lesson, loom::Subject::Student));
        } else {
            ci.skip(&name, &format!("{package} does not pass its tests yet"));
        }
    }
    Some(lesson)
}

/// The stub crate builds, all targets, without a single warning of its own. Sets `compiles`
/// when it builds at all.
fn stub_warnings(root: &Path, lesson: &Lesson, compiles: &mut bool) -> Result<String> {
    let package = lesson.stub_package();
    let cmd = Cmd::cargo(root).args([
        "build",
        "-p",
        &package,
        "--all-targets",
        "--message-format=json",
    ]);
    println!("$ {}", cmd.display());
    let build = Build::run(&cmd)?;
    let errors = build.errors();
    if !build.success() {
        bail!(
            "does not compile ({})\n{}",
            plural(errors.len(), "error"),
            errors.join("\n\n")
        );
    }
    *compiles = true;
    let manifest = root.join(lesson.stub_dir()).join("Cargo.toml");
    let manifest = manifest.canonicalize().unwrap_or(manifest);
    let warnings: Vec<&str> = build
        .diagnostics
        .iter()
        .filter(|d| d.is_warning())
        .filter(|d| {
            d.manifest_path
                .canonicalize()
                .unwrap_or(d.manifest_path.clone())
                == manifest
        })
        .map(|d| d.rendered.trim_end())
        .collect();
    if !warnings.is_empty() {
        println!("{}", warnings.join("\n\n"));
        bail!(
            "{}, shown above\nThe stubs are what students start from, so they must build \
             cleanly: name unused parameters `_x`, or allow the lint where it is meant.",
            plural(warnings.len(), "warning")
        );
    }
    Ok("builds with no warnings".to_owned())
}

/// Runs the tests of the student's crate of `lesson` (the stubs, in the course), which may fail.
fn student_tests(root: &Path, lesson: &Lesson) -> Result<TestReport> {
    PackageTests {
        workspace: root,
        package: &lesson.stub_package(),
        target_dir: None,
        failures_expected: true,
        show_commands: true,
        targets: Targets::All,
        filters: &[],
    }
    .run()
}

/// Every suite test fails on the stubs, each because of a `todo!()`. Gives the suite's test
/// names and the summary.
fn stub_tests(root: &Path, lesson: &Lesson) -> Result<(BTreeSet<String>, String)> {
    let package = lesson.stub_package();
    let run = ran(&package, student_tests(root, lesson)?)?;
    let suite: Vec<&TestCase> = run.suite().collect();
    ensure!(
        !suite.is_empty(),
        "no suite test ran\nExpected tests named suite::exN_…, from the shim \
         {}/tests/suite.rs that mounts tests/lesson{}/main.rs.",
        lesson.stub_dir(),
        lesson.number
    );
    let passed = names_with(&suite, Outcome::Passed);
    if !passed.is_empty() {
        bail!(
            "{}/{} pass, but every test must fail on the stubs: {}\nA test that passes on a \
             `todo!()` checks too little, or the stub does too much (a #[should_panic] test \
             passes on any panic). Passing: {}",
            passed.len(),
            suite.len(),
            some_names(&passed, 2),
            passed.join(", ")
        );
    }
    let ignored = names_with(&suite, Outcome::Ignored);
    ensure!(
        ignored.is_empty(),
        "{} ignored: {}\nA suite test must run, or it proves nothing.",
        counted(ignored.len(), "test is", "tests are"),
        ignored.join(", ")
    );
    let other_reason: Vec<&str> = suite
        .iter()
        .filter(|test| !test.not_yet_implemented())
        .map(|test| test.short_name())
        .collect();
    ensure!(
        other_reason.is_empty(),
        "{} for a reason other than a `todo!()`: {}\nTheir output lacks \"not yet \
         implemented\", so `cargo xtask progress` would call a fresh exercise \"failing\" \
         instead of \"not started\". All of them: {}",
        counted(other_reason.len(), "test fails", "tests fail"),
        some_names(&other_reason, 2),
        other_reason.join(", ")
    );
    let names = suite.iter().map(|test| test.name.clone()).collect();
    let mut detail = format!("0/{} pass, as expected", suite.len());
    let others = run.others().count();
    if others > 0 {
        detail.push_str(&format!(
            " ({} outside the suite not counted)",
            plural(others, "test")
        ));
    }
    Ok((names, detail))
}

/// Every test of the reference crate passes, and its suite is the stubs' suite.
fn solution_tests(
    root: &Path,
    lesson: &Lesson,
    stub_names: Option<&BTreeSet<String>>,
) -> Result<TestRun> {
    let package = lesson.solution_package();
    let report = PackageTests {
        workspace: root,
        package: &package,
        target_dir: None,
        failures_expected: false,
        show_commands: true,
        targets: Targets::All,
        filters: &[],
    }
    .run()?;
    let output = match &report {
        TestReport::Ran { output, .. } => Some(output.stderr()),
        TestReport::DoesNotCompile { .. } => None,
    };
    let run = ran(&package, report)?;
    ensure!(
        run.suite().next().is_some(),
        "no suite test ran\nExpected tests named suite::exN_…, from the shim \
         solutions/lesson{}/tests/suite.rs.",
        lesson.number
    );
    let failed: Vec<&TestCase> = run
        .tests
        .iter()
        .filter(|t| t.outcome == Outcome::Failed)
        .collect();
    if !failed.is_empty() {
        for test in &failed {
            println!("---- {} ----\n{}\n", test.name, test.output);
        }
        let names: Vec<&str> = failed.iter().map(|t| t.name.as_str()).collect();
        bail!(
            "{}/{} pass, but the reference must pass every test: {}\nTheir output is above. \
             Failing: {}",
            run.tests.len() - failed.len(),
            run.tests.len(),
            some_names(&names, 2),
            names.join(", ")
        );
    }
    if !run.complete() {
        bail!(
            "the test run stopped before reporting every result (a crash?):\n{}",
            first_lines(output.as_deref().unwrap_or("").trim_end(), 30)
        );
    }
    let all: Vec<&TestCase> = run.tests.iter().collect();
    let ignored = names_with(&all, Outcome::Ignored);
    ensure!(
        ignored.is_empty(),
        "{} ignored: {}\nA test must run, or it proves nothing.",
        counted(ignored.len(), "test is", "tests are"),
        ignored.join(", ")
    );
    if let Some(stub_names) = stub_names {
        let names: BTreeSet<String> = run.suite().map(|t| t.name.clone()).collect();
        let only_stub: Vec<&String> = stub_names.difference(&names).collect();
        let only_solution: Vec<&String> = names.difference(stub_names).collect();
        ensure!(
            only_stub.is_empty() && only_solution.is_empty(),
            "{package} and {} do not run the same suite\nOnly in the stubs: {}. Only in the \
             reference: {}. Both shims must mount tests/lesson{}/main.rs, with nothing \
             depending on which crate is the subject.",
            lesson.stub_package(),
            some_names(&only_stub, 5),
            some_names(&only_solution, 5),
            lesson.number
        );
    }
    Ok(run)
}

/// The suite's modules and lesson.toml's exercises are the same: each exercise has tests,
/// each test belongs to an exercise.
fn exercises_match(lesson: &Lesson, run: &TestRun) -> Result<String> {
    let mut problems = Vec::new();
    for exercise in &lesson.meta.exercises {
        let count = run
            .suite()
            .filter(|t| t.exercise() == Some(exercise.module.as_str()))
            .count();
        if count == 0 {
            problems.push(format!(
                "exercise \"{}\" (module {}) has no test in the suite",
                exercise.title, exercise.module
            ));
        }
    }
    let mut strays = BTreeSet::new();
    for test in run.suite() {
        match test.exercise() {
            Some(module) if lesson.meta.exercise(module).is_some() => {}
            Some(module) => {
                strays.insert(module.to_owned());
            }
            None => {
                strays.insert(format!("{} (at the suite's root)", test.short_name()));
            }
        }
    }
    for stray in strays {
        problems.push(format!(
            "suite module {stray} has tests but no [[exercises]] entry, so progress cannot \
             show them"
        ));
    }
    if !problems.is_empty() {
        return Err(anyhow!(problems.join("\n"))).with_context(|| {
            format!(
                "tests/lesson{}/lesson.toml does not match the suite",
                lesson.number
            )
        });
    }
    Ok(format!(
        "{} in lesson.toml, each with tests",
        plural(lesson.meta.exercises.len(), "exercise")
    ))
}

/// The run of a report, or an error when the tests did not compile.
fn ran(package: &str, report: TestReport) -> Result<TestRun> {
    match report {
        TestReport::Ran { run, .. } => Ok(run),
        TestReport::DoesNotCompile { errors } => bail!(
            "{package} or its tests do not compile ({})\n{}",
            plural(errors.len(), "error"),
            errors.join("\n\n")
        ),
    }
}

fn names_with<'t>(tests: &[&'t TestCase], outcome: Outcome) -> Vec<&'t str> {
    tests
        .iter()
        .filter(|test| test.outcome == outcome)
        .map(|test| test.short_name())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::LessonMeta;

    fn lesson() -> Lesson {
        let meta = LessonMeta::parse(
            "number = 1\ntitle = \"Pools\"\nchapter = \"book/src/lesson1.md\"\n\
             [[exercises]]\nmodule = \"ex1_a\"\ntitle = \"A\"\nanchor = \"a\"\n\
             [[exercises]]\nmodule = \"ex2_b\"\ntitle = \"B\"\nanchor = \"b\"\n",
            1,
        )
        .unwrap();
        Lesson { number: 1, meta }
    }

    #[test]
    fn exercises_must_match_the_suite() {
        let run = TestRun::parse(
            "running 2 tests\ntest suite::ex1_a::x ... ok\ntest suite::ex2_b::y ... ok\n",
        );
        assert!(exercises_match(&lesson(), &run).is_ok());

        let run = TestRun::parse(
            "running 2 tests\ntest suite::ex1_a::x ... ok\ntest suite::ex9_z::y ... ok\n",
        );
        let error = format!("{:#}", exercises_match(&lesson(), &run).unwrap_err());
        assert!(
            error.contains("exercise \"B\" (module ex2_b) has no test"),
            "{error}"
        );
        assert!(error.contains("suite module ex9_z has tests"), "{error}");
    }

    #[test]
    fn long_details_are_shortened() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
