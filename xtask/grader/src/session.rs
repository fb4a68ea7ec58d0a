//! One grading session: every submission, every lesson, then the report.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::compile::{self, BuildSandbox, Built, Cargo};
use super::config::{Config, Loaded};
use super::model::{LessonReport, Status, SubmissionReport, round};
use super::perf::{self, Measured};
use super::progress::Progress;
use super::runner::{Runner, Sandboxing};
use super::sandbox::{self, Ending, Limits};
use super::score::{self, Performance};
use super::submission::{self, Intake, Submission};
use super::testing::Binary;
use super::vet;
use super::workspace::{HIDDEN_TARGET, LessonPlan, PerfPlan, Scratch};
use super::{Course, Options};
use course::cargo::first_lines;
use course::lessons::{self, Lesson};
use course::report::{plural, some_names};
use course::scratch::scratch_dir;

/// How many compile errors a lesson's message shows.
const ERRORS_SHOWN: usize = 3;

/// What every lesson of the session shares.
struct Session<'a> {
    root: &'a Path,
    config: &'a Config,
    sandboxing: Sandboxing,
    /// How builds are sandboxed.
    build: BuildSandbox,
    /// Where each submission's own target directory lives (`<targets>/<submission>`).
    targets: PathBuf,
    /// The class cache's target directory: the dependencies, compiled once.
    cache_target: PathBuf,
    /// Where the scratch copies live, one directory per submission.
    copies: PathBuf,
    /// Per lesson: its hidden suites and its performance plan.
    lessons: Vec<LessonSetup>,
}

/// What the instructor's tree says about one lesson.
struct LessonSetup {
    number: u32,
    /// The files given ready-made, relative to the crate: graded from the instructor's copy.
    provided: Vec<PathBuf>,
    hidden: Vec<PathBuf>,
    /// Whether the lesson has performance points.
    timed: bool,
    /// How to time it; `None` when it is not timed or there is no reference to compare with.
    perf: Option<PerfPlan>,
    /// The reference solution on the host, when `perf` is set.
    reference: Option<PathBuf>,
}

/// Runs the session `options` describes.
pub fn grade(course: &Course, options: &Options) -> Result<Vec<SubmissionReport>> {
    let (root, loaded) = (course.root.as_path(), &course.loaded);
    let config = &loaded.config;
    let numbers = select(&lessons::discover(root)?, &options.lessons)?;
    let submissions = submission::collect(root, &options.submissions, options.class.as_deref())?;
    if options.format == super::Format::Gradescope && submissions.len() != 1 {
        bail!(
            "--format gradescope writes the results of one submission (Gradescope grades each \
             submission on its own), but {} were given: give one directory; nothing was graded",
            submissions.len()
        );
    }
    // Kept between sessions, so a re-grade rebuilds only what changed: the scratch copies,
    // each submission's own target directory, and the class's dependency cache. Nothing a
    // run writes is on disk: its directories are tmpfs, gone with it.
    // The one target directory all submissions of a class shared before each had its own:
    // readable by every run then, so it goes.
    let legacy = scratch_dir(root).join("grade-target");
    if legacy.is_dir() {
        let _ = fs::remove_dir_all(&legacy);
    }
    let copies = scratch_dir(root).join("grade");
    // Before runs had a tmpfs, each wrote into `.grade/run` of its scratch copy.
    for copy in fs::read_dir(&copies).into_iter().flatten().flatten() {
        let run = copy.path().join(".grade/run");
        if run.is_dir() {
            let _ = fs::remove_dir_all(&run);
        }
    }
    let targets = scratch_dir(root).join("grade-targets");
    let cache = scratch_dir(root).join("grade-cache");
    for dir in [&copies, &targets, &cache] {
        fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    }
    let _alone = lock_session(&cache)?;
    let bwrap = crate::system::bubblewrap(true)?;
    sandbox::stop_cleanly_on_interrupt();
    if !sandbox::become_subreaper() {
        eprintln!(
            "warning: could not make the grader a child subreaper: a process that leaves its \
             process group could outlive its lesson"
        );
    }
    let sandboxing = sandboxing(config, bwrap.clone());
    probe(&sandboxing, config)?;
    let lessons = numbers
        .iter()
        .map(|&number| setup(root, loaded, number))
        .collect::<Result<Vec<_>>>()?;
    let ids = sandboxing.user;
    let build = BuildSandbox::locate(
        bwrap,
        Some(loaded.hidden_dir()),
        root.join("Cargo.toml"),
        ids,
        Limits {
            cpu_seconds: config.limits.build_timeout_s,
            address_space: u64::MAX,
            processes: 4096,
            file_size: config.limits.build(),
        },
    )?;
    let session = Session {
        root,
        config,
        sandboxing,
        build,
        targets,
        cache_target: cache.join("target"),
        copies,
        lessons,
    };
    session.warm_cache(&cache.join("ws"));
    eprintln!(
        "grading {} × {} ({}); the configuration: {}",
        plural(submissions.len(), "submission"),
        plural(numbers.len(), "lesson"),
        session.sandboxing_summary(),
        loaded
            .file
            .as_ref()
            .map_or_else(|| "the defaults".to_owned(), |f| f.display().to_string())
    );
    let mut progress = Progress::new(submissions.len() * numbers.len());
    let mut reports = Vec::new();
    for submission in &submissions {
        reports.push(session.grade(submission, &mut progress)?);
    }
    Ok(reports)
}

/// Holds grading in this checkout to one session at a time (two would share the scratch
/// copies, the targets and the cache): an exclusive lock on a file of the cache, kept until the
/// returned file is dropped; a second session waits, and says so.
fn lock_session(cache: &Path) -> Result<fs::File> {
    use std::os::fd::AsRawFd;
    let path = cache.join("session.lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("could not open {}", path.display()))?;
    // SAFETY: flock on a descriptor this function owns.
    let locked = |flags| unsafe { libc::flock(file.as_raw_fd(), flags) } == 0;
    if !locked(libc::LOCK_EX | libc::LOCK_NB) {
        eprintln!(
            "another `cargo xtask grade` is running in this checkout; waiting for it to end \
             ({} is locked)",
            path.display()
        );
        if !locked(libc::LOCK_EX) {
            bail!(
                "could not lock {}: {}",
                path.display(),
                std::io::Error::last_os_error()
            );
        }
    }
    Ok(file)
}

/// The lessons to grade: `wanted`, each of which must exist, or all of them.
fn select(all: &[u32], wanted: &[u32]) -> Result<Vec<u32>> {
    if wanted.is_empty() {
        return Ok(all.to_vec());
    }
    let mut selected = Vec::new();
    for number in wanted {
        lessons::ensure_exists(all, *number)?;
        if !selected.contains(number) {
            selected.push(*number);
        }
    }
    selected.sort_unstable();
    Ok(selected)
}

/// How the submissions' code is held: bubblewrap, the limits, and (when the grader is root)
/// the configured user, so that no code of a submission runs as root.
fn sandboxing(config: &Config, bwrap: PathBuf) -> Sandboxing {
    let limits = &config.limits;
    let mib = |value: u64| value.saturating_mul(1024 * 1024);
    Sandboxing {
        limits: Limits {
            cpu_seconds: limits.cpu_s,
            address_space: mib(limits.memory_mib),
            processes: limits.processes,
            file_size: mib(limits.file_size_mib),
        },
        user: sandbox::is_root().then_some((config.sandbox.user, config.sandbox.group)),
        bwrap,
        disk: limits.disk(),
    }
}

/// Checks that bubblewrap can start a program here as planned; when it cannot (no user
/// namespaces for this user, a container that forbids them), grading stops: it never runs a
/// submission unconfined.
fn probe(sandboxing: &Sandboxing, config: &Config) -> Result<()> {
    let runner = Runner {
        sandboxing,
        limits: &config.limits,
        companions: Vec::new(),
    };
    let program = ["/usr/bin/true", "/bin/true"]
        .into_iter()
        .map(Path::new)
        .find(|path| path.is_file())
        .context("this machine has no /usr/bin/true to try the sandbox with")?;
    let run = runner.sandboxed(program, &[], Duration::from_secs(30), None)?;
    if run.ending == Ending::Exited(0) {
        return Ok(());
    }
    let said = run.stderr.text();
    let who = match sandboxing.user {
        Some((uid, gid)) => {
            format!("as user {uid} (group {gid}, [sandbox] in the grading configuration)")
        }
        None => "as you".to_owned(),
    };
    bail!(
        "bubblewrap ({}) could not start a program {who}: {:?}, {}. Grading builds and runs \
         every submission inside bubblewrap and needs Linux with unprivileged user namespaces \
         (sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0 where \
         those exist; inside a container, one that allows them), or a grader running as root; \
         it does not grade unconfined.",
        sandboxing.bwrap.display(),
        run.ending,
        said.trim()
    )
}

/// Reads what the instructor's tree says about lesson `number`.
fn setup(root: &Path, loaded: &Loaded, number: u32) -> Result<LessonSetup> {
    let hidden_dir = loaded.hidden_dir().join(format!("lesson{number}"));
    let mut hidden = Vec::new();
    if hidden_dir.is_dir() {
        for entry in fs::read_dir(&hidden_dir)
            .with_context(|| format!("could not list {}", hidden_dir.display()))?
        {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "rs") && path.is_file() {
                hidden.push(path.canonicalize()?);
            }
        }
        hidden.sort();
    }
    let kernels = root.join(format!("tests/lesson{number}/perf.rs"));
    let reference = root.join(format!("solutions/lesson{number}"));
    let timed = loaded.config.performance.enabled && kernels.is_file();
    let reference = (timed && reference.join("Cargo.toml").is_file())
        .then(|| reference.canonicalize().unwrap_or(reference));
    let perf = reference.as_ref().map(|_| PerfPlan::for_lesson(number));
    let provided = Lesson::load(root, number)?
        .meta
        .provided
        .into_iter()
        .map(PathBuf::from)
        .collect();
    Ok(LessonSetup {
        number,
        provided,
        hidden,
        timed,
        perf,
        reference,
    })
}

impl Session<'_> {
    /// One line on how the code is held, for the start of the session.
    fn sandboxing_summary(&self) -> String {
        let who = match self.sandboxing.user {
            Some((uid, _)) => format!("as uid {uid}"),
            None => "as you".to_owned(),
        };
        format!(
            "bubblewrap builds and runs every submission {who}, without network, each run seeing \
             only its own program and a {} MiB tmpfs; each process at most {} MiB, {} s of CPU, \
             {} tasks",
            self.config.limits.disk_mib,
            self.config.limits.memory_mib,
            self.config.limits.cpu_s,
            self.config.limits.processes
        )
    }

    /// How cargo builds the copy at `workspace` into `target_dir`.
    fn cargo(&self, workspace: &Path, target_dir: &Path, max_size: u64) -> Cargo {
        Cargo {
            workspace: workspace.to_owned(),
            target_dir: target_dir.to_owned(),
            timeout: self.config.limits.build_timeout(),
            sandbox: self.build.clone(),
            references: self
                .lessons
                .iter()
                .filter_map(|lesson| Some((lesson.number, lesson.reference.clone()?)))
                .collect(),
            max_size,
        }
    }

    /// Compiles the dependencies of every lesson once for the class, in a scratch copy that
    /// holds only the instructor's stubs: their tests' dependencies, and for timed lessons the
    /// reference and the performance runner's release dependencies. Each submission's target
    /// directory is then seeded from it ([`compile::seed`]). A failure only costs time: each
    /// submission then compiles its dependencies itself.
    fn warm_cache(&self, workspace: &Path) {
        let plans: Vec<LessonPlan> = self
            .lessons
            .iter()
            .map(|lesson| LessonPlan {
                number: lesson.number,
                src: None,
                provided: lesson.provided.clone(),
                hidden: lesson.hidden.clone(),
                perf: lesson.perf.clone(),
            })
            .collect();
        let warmed = (|| -> Result<Vec<String>> {
            let scratch = Scratch::plan(self.root, workspace, &plans)?;
            scratch.sync()?;
            let cargo = self.cargo(workspace, &self.cache_target, u64::MAX);
            compile::freeze(&self.cache_target, true);
            let mut failures = Vec::new();
            let packages: Vec<String> = self
                .lessons
                .iter()
                .map(|lesson| format!("lesson{}", lesson.number))
                .collect();
            let names: Vec<&str> = packages.iter().map(String::as_str).collect();
            if let Built::Failed(errors) = cargo.tests_of(&names)? {
                failures.extend(errors);
            }
            for lesson in self.lessons.iter().filter(|lesson| lesson.perf.is_some()) {
                let package = super::perf_crate::perf_package(lesson.number);
                if let Built::Failed(errors) = cargo.release_binary(&package)? {
                    failures.extend(errors);
                }
            }
            compile::freeze(&self.cache_target, false);
            Ok(failures)
        })();
        let failures = match warmed {
            Ok(failures) => failures,
            Err(error) => vec![format!("{error:#}")],
        };
        if let Some(first) = failures.first() {
            eprintln!(
                "warning: the class's dependency cache did not build (each submission compiles \
                 its dependencies itself): {}",
                first_lines(first, 10)
            );
        }
    }

    /// Whether a unit of the class cache is one each submission compiles itself: the lesson
    /// crates, their test targets and binaries, and the performance runners. The registry's
    /// crates, the course's kits (testkit…, whose files every copy holds with the
    /// instructor's times) and the reference solutions (read where they are) are shared.
    fn own_unit(&self, name: &str) -> bool {
        let name = name.replace('-', "_");
        let root = self.root;
        name == HIDDEN_TARGET
            || self.lessons.iter().any(|lesson| {
                let n = lesson.number;
                let crate_dir = root.join(format!("lessons/lesson{n}"));
                let crate_name = format!("lesson{n}");
                // The library, and binaries named after it (lesson 2's `lesson2-worker`).
                let of_lesson = name == crate_name
                    || name
                        .strip_prefix(&format!("{crate_name}_"))
                        .is_some_and(|rest| rest != "solution");
                of_lesson
                    || name == format!("grade_perf_lesson{n}")
                    || crate_dir.join("tests").join(format!("{name}.rs")).is_file()
                    || compile::harnessless_tests(&crate_dir).contains(&name)
            })
    }

    /// Grades every lesson of one submission.
    fn grade(&self, submission: &Submission, progress: &mut Progress) -> Result<SubmissionReport> {
        let started = Instant::now();
        let mut intakes = Vec::new();
        for lesson in &self.lessons {
            let intake =
                submission::intake(&submission.dir, self.root, lesson.number, &lesson.provided)
                    .unwrap_or_else(|error| Intake {
                        files: None,
                        notes: vec![format!("could not read the submission: {error:#}")],
                    });
            intakes.push(intake);
        }
        let plans: Vec<LessonPlan> = self
            .lessons
            .iter()
            .zip(&intakes)
            .map(|(lesson, intake)| LessonPlan {
                number: lesson.number,
                src: intake.files.clone(),
                provided: lesson.provided.clone(),
                hidden: lesson.hidden.clone(),
                perf: lesson.perf.clone(),
            })
            .collect();
        let scratch_name = submission.scratch_name();
        let scratch = Scratch::plan(self.root, &self.copies.join(&scratch_name), &plans)?;
        let target_dir = self.targets.join(&scratch_name);
        compile::seed(&self.cache_target, &target_dir, &|name| self.own_unit(name))?;
        let cargo = self.cargo(&scratch.dir, &target_dir, self.config.limits.build());
        let runner = Runner {
            sandboxing: &self.sandboxing,
            limits: &self.config.limits,
            companions: Vec::new(),
        };
        let mut reports: Vec<LessonReport> = Vec::new();
        for (lesson, intake) in self.lessons.iter().zip(intakes) {
            let name = format!("lesson{}", lesson.number);
            progress.stage(&submission.name, &name, "copying");
            let changed = scratch.sync()?;
            if let Some(previous) = reports.last_mut().filter(|_| !changed.is_empty()) {
                let files: Vec<String> = changed.iter().map(|p| p.display().to_string()).collect();
                append(
                    &mut previous.message,
                    &format!(
                        "its tests changed {} of the workspace ({}), which were restored",
                        plural(files.len(), "file"),
                        some_names(&files, 3)
                    ),
                );
            }
            let stage = |what: &str| progress.stage(&submission.name, &name, what);
            let report = self.lesson(lesson, intake, &scratch, &cargo, &runner, stage)?;
            progress.finished(&format!(
                "{} {name}: {}, {}/{} tests, {:.1}",
                submission.name,
                report.status.label(),
                report.tests_passed,
                report.tests_total,
                report.score
            ));
            reports.push(report);
        }
        let scores: Vec<f64> = reports.iter().map(|r| r.score).collect();
        Ok(SubmissionReport {
            submission: submission.name.clone(),
            score: score::submission(&scores),
            lessons: reports,
            elapsed: started.elapsed(),
        })
    }

    /// Grades one lesson of a submission whose scratch copy is in sync.
    fn lesson(
        &self,
        lesson: &LessonSetup,
        intake: Intake,
        scratch: &Scratch,
        cargo: &Cargo,
        runner: &Runner<'_>,
        mut stage: impl FnMut(&str),
    ) -> Result<LessonReport> {
        let n = lesson.number;
        let mut report = LessonReport {
            lesson: format!("lesson{n}"),
            status: Status::Ok,
            tests_passed: 0,
            tests_total: 0,
            tests: Vec::new(),
            speedup: None,
            reference_speedup: None,
            correctness: 0.0,
            performance: None,
            score: 0.0,
            message: String::new(),
            timed: lesson.timed,
        };
        let finish = |mut report: LessonReport, notes: &[String]| {
            for note in notes {
                append(&mut report.message, note);
            }
            report
        };
        let Some(files) = &intake.files else {
            report.status = Status::Missing;
            report.message = format!("the submission has no lessons/lesson{n}/src");
            return Ok(finish(report, &intake.notes));
        };
        let refused = vet::check(files)?;
        if !refused.is_empty() {
            report.status = Status::CompileError;
            report.message = format!("refused before compiling: {}", refused.join("; "));
            return Ok(finish(report, &intake.notes));
        }
        stage("building");
        let executables = match cargo.tests(&format!("lesson{n}"))? {
            Built::Ok(executables) => executables,
            Built::Failed(errors) => {
                report.status = Status::CompileError;
                let shown: Vec<String> = errors
                    .iter()
                    .take(ERRORS_SHOWN)
                    .map(|error| shown_error(error))
                    .collect();
                report.message = format!(
                    "does not compile ({}):\n{}",
                    plural(errors.len(), "error"),
                    shown.join("\n\n")
                );
                return Ok(finish(report, &intake.notes));
            }
        };
        let harnessless =
            compile::harnessless_tests(&scratch.dir.join(format!("lessons/lesson{n}")));
        let (tests, programs): (Vec<_>, Vec<_>) = executables
            .into_iter()
            .partition(|exe| exe.kind.iter().any(|kind| kind == "test"));
        // The programs the tests start (`CARGO_BIN_EXE_…`), where they were built.
        let runner = &Runner {
            companions: programs
                .iter()
                .map(|exe| (exe.path.clone(), cargo.inside(&exe.path)))
                .collect(),
            ..runner.clone()
        };
        let binaries: Vec<Binary> = tests
            .into_iter()
            .filter(|exe| !harnessless.contains(&exe.target))
            .map(|exe| Binary {
                hidden: exe.target == HIDDEN_TARGET,
                target: exe.target,
                path: exe.path,
            })
            .collect();
        stage("testing");
        let tested = runner.run(&binaries)?;
        let mut notes = tested.notes.clone();
        let total = tested.tests.len();
        let passed = if tested.unlisted {
            0
        } else {
            tested.tests.iter().filter(|t| t.passed).count()
        };
        let performance = if !lesson.timed {
            Performance::NotGraded
        } else if passed < total || total == 0 {
            notes.push("performance is measured once every test passes".to_owned());
            Performance::NotMeasured
        } else if lesson.perf.is_some() {
            stage("timing");
            match perf::measure(cargo, runner, n, &self.config.performance)? {
                Measured::Timed {
                    speedup,
                    reference_speedup,
                    detail,
                } => {
                    notes.push(detail);
                    report.speedup = Some(round(speedup, 3));
                    report.reference_speedup = Some(round(reference_speedup, 3));
                    Performance::Measured {
                        speedup,
                        reference_speedup,
                    }
                }
                Measured::Failed(why) => {
                    notes.push(format!("performance: {why}"));
                    Performance::Failed
                }
            }
        } else {
            notes.push(format!(
                "performance not measured: this checkout has no reference solution \
                 (solutions/lesson{n}) to compare with"
            ));
            Performance::NotMeasured
        };
        let points = score::lesson(&self.config.scoring, passed, total, &performance);
        report.status = tested.status.unwrap_or(Status::Ok);
        report.tests_passed = passed;
        report.tests_total = total;
        report.tests = tested.tests;
        report.correctness = points.correctness;
        report.performance = points.performance;
        report.score = points.score;
        notes.extend(intake.notes);
        Ok(finish(report, &notes))
    }
}

/// A compile error as a lesson's message shows it: one in the hidden tests is not quoted, as
/// the message reaches students.
fn shown_error(error: &str) -> String {
    if error.contains(compile::HIDDEN) || error.contains(HIDDEN_TARGET) {
        return "error in the instructor's hidden tests, not quoted: they call the lesson's \
                public items as its doc comments specify them; check every name and signature"
            .to_owned();
    }
    first_lines(error, 15)
}

/// Adds a sentence to a lesson's message.
fn append(message: &mut String, sentence: &str) {
    if !message.is_empty() {
        message.push_str("; ");
    }
    message.push_str(sentence);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lessons_are_selected_by_number() {
        assert_eq!(select(&[1, 2, 3], &[]).unwrap(), [1, 2, 3]);
        assert_eq!(select(&[1, 2, 3], &[3, 1, 3]).unwrap(), [1, 3]);
        let error = format!("{:#}", select(&[1, 2], &[7]).unwrap_err());
        assert_eq!(error, "there is no lesson 7: the lessons are 1, 2");
    }

    #[test]
    fn errors_in_hidden_tests_are_not_quoted() {
        let hidden = format!(
            "error[E0425]: cannot find `secret_helper`\n --> {}/lesson1/x.rs:3:5",
            compile::HIDDEN
        );
        assert!(!shown_error(&hidden).contains("secret_helper"));
        assert_eq!(shown_error("error: plain\n"), "error: plain");
    }

    #[test]
    fn sentences_are_joined() {
        let mut message = String::new();
        append(&mut message, "a");
        append(&mut message, "b");
        assert_eq!(message, "a; b");
    }
}
