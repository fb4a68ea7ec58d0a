//! Mutants: deliberately wrong versions of a reference solution, which the suite must catch.
//!
//! Each `tests/lessonN/mutants/NAME.patch` starts with free prose, then holds a unified diff
//! (as `git diff` writes it) against `solutions/lessonN/`:
//!
//! ```text
//! Workers take one task at a time, so the pool runs serially.
//! caught-by: ex3_pool::tasks_run_in_parallel
//!
//! diff --git a/solutions/lesson1/src/pool.rs b/solutions/lesson1/src/pool.rs
//! …
//! ```
//!
//! The first non-empty line says what the mutant breaks; `caught-by:` lines name suite tests
//! that must fail on it. [`check`] applies the patch to a scratch copy of the workspace and
//! runs the reference crate's suite there: the tests the header names, or all of them.
//!
//! An *alternative*, `tests/lessonN/alternatives/NAME.patch`, has the same form without
//! `caught-by:` lines: a correct solution of another design than the reference's (another
//! channel, another way to collect results), which [`check_alternative`] proves the suite
//! accepts. It keeps the suite from asking for more than the spec says.
//!
//! A race that a real run only hits now and then cannot be caught reliably by the suite, so a
//! mutant may instead say `checked-by: loom`: then the lesson's loom models run on it (every
//! interleaving, so the verdict never depends on luck), and `caught-by:` names models.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};

use crate::cargo::{PackageTests, Targets, TestReport, first_lines};
use crate::cmd::{Cmd, Output};
use crate::lessons::Lesson;
use crate::libtest::{Outcome, SUITE_PREFIX, TestCase, TestRun};
use crate::report::{plural, some_names};
use crate::scratch::{self, Mirror};

/// What a mutant's patch file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The first line of prose: what the mutant breaks.
    pub description: String,
    /// Suite tests that must fail, without the `suite::` prefix: `ex3_pool::some_test`; or,
    /// with `checked_by_loom`, loom models by name.
    pub caught_by: Vec<String>,
    /// Whether the lesson's loom models, not its suite, must catch the mutant
    /// (`checked-by: loom`).
    pub checked_by_loom: bool,
    /// The files the diff changes, relative to the workspace root.
    pub files: Vec<String>,
    /// How many leading path components `git apply -p` strips: 1 for `a/…`/`b/…` paths.
    pub strip: usize,
}

/// Reads a patch file's prose header and the paths its diff changes.
pub fn parse(text: &str) -> Result<Header> {
    let lines: Vec<&str> = text.lines().collect();
    let diff_start = lines
        .iter()
        .enumerate()
        .position(|(index, line)| {
            line.starts_with("diff --git ")
                || (line.starts_with("--- ")
                    && lines
                        .get(index + 1)
                        .is_some_and(|next| next.starts_with("+++ ")))
        })
        .context(
            "found no diff: after the description, paste the output of `git diff` of the \
             wrong reference solution",
        )?;
    let (prose, diff) = lines.split_at(diff_start);

    let first = prose
        .iter()
        .map(|line| line.trim())
        .find(|line| !line.is_empty());
    let description = first
        .filter(|line| !line.starts_with("caught-by:") && !line.starts_with("checked-by:"))
        .context(
            "the patch starts without a description: its first line must say what the mutant \
             breaks, before any `caught-by:` line and the diff",
        )?
        .to_owned();
    let mut caught_by = Vec::new();
    let mut checked_by_loom = false;
    for line in prose.iter().map(|line| line.trim()) {
        if let Some(checker) = line.strip_prefix("checked-by:") {
            ensure!(
                checker.trim() == "loom",
                "`checked-by:` takes only `loom`, found `{}`",
                checker.trim()
            );
            checked_by_loom = true;
        }
        if let Some(names) = line.strip_prefix("caught-by:") {
            let before = caught_by.len();
            caught_by.extend(
                names
                    .split([',', ' '])
                    .filter(|name| !name.is_empty())
                    .map(|name| name.strip_prefix(SUITE_PREFIX).unwrap_or(name).to_owned()),
            );
            ensure!(
                caught_by.len() > before,
                "a `caught-by:` line names no test: write `caught-by: ex3_pool::some_test`"
            );
        }
    }

    let old_paths: Vec<&str> = diff
        .iter()
        .filter_map(|line| line.strip_prefix("--- "))
        .map(diff_path)
        .collect();
    let new_paths: Vec<&str> = diff
        .iter()
        .filter_map(|line| line.strip_prefix("+++ "))
        .map(diff_path)
        .collect();
    let git_style = diff.iter().any(|line| line.starts_with("diff --git "))
        || (old_paths
            .iter()
            .all(|p| p.starts_with("a/") || *p == "/dev/null")
            && new_paths
                .iter()
                .all(|p| p.starts_with("b/") || *p == "/dev/null"));
    let strip = usize::from(git_style);
    let mut files = Vec::new();
    for (old, new) in old_paths.iter().zip(&new_paths) {
        let path = if *new == "/dev/null" { old } else { new };
        let path = if git_style {
            path.split_once('/').map_or(*path, |(_, rest)| rest)
        } else {
            path
        };
        if !files.iter().any(|f| f == path) {
            files.push(path.to_owned());
        }
    }
    ensure!(
        !files.is_empty(),
        "the diff changes no file: it needs `--- a/PATH` and `+++ b/PATH` lines"
    );
    Ok(Header {
        description,
        caught_by,
        checked_by_loom,
        files,
        strip,
    })
}

/// A loom model's name without the module the shim mounts the models in:
/// `models::loom_proves_x` is `loom_proves_x`.
fn model_name(name: &str) -> &str {
    name.split_once("::").map_or(name, |(_, rest)| rest)
}

/// The path on a `---`/`+++` line, without a trailing timestamp.
fn diff_path(rest: &str) -> &str {
    rest.split('\t').next().unwrap_or(rest).trim_end()
}

/// What a patch file of a lesson is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A wrong solution the suite must catch: `tests/lessonN/mutants/NAME.patch`.
    Mutant,
    /// A correct solution of another design, which must pass every test:
    /// `tests/lessonN/alternatives/NAME.patch`.
    Alternative,
}

impl Kind {
    /// The word for one patch of this kind.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Mutant => "mutant",
            Kind::Alternative => "alternative",
        }
    }

    /// Where `lesson` keeps its patches of this kind, relative to the root.
    fn dir(self, lesson: &Lesson) -> String {
        match self {
            Kind::Mutant => lesson.mutants_dir(),
            Kind::Alternative => lesson.alternatives_dir(),
        }
    }
}

/// The patch files of `kind` of `lesson`, sorted by name; none when it has no such directory.
pub fn list(root: &Path, lesson: &Lesson, kind: Kind) -> Result<Vec<PathBuf>> {
    let dir = root.join(kind.dir(lesson));
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut patches = Vec::new();
    for entry in fs::read_dir(&dir).with_context(|| format!("could not list {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("could not list {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "patch") {
            patches.push(path);
        }
    }
    patches.sort();
    Ok(patches)
}

/// The patch's name: its file name without `.patch`.
pub fn name(patch: &Path) -> String {
    patch
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
}

/// The scratch copy every patch of lesson `number` is applied to in turn. It is synced with
/// the workspace before each patch, which rewrites only the files the last patch changed, so
/// cargo rebuilds only the patched crate and its suite. One per lesson, so two lessons' patches
/// can be checked at the same time.
fn scratch_copy(root: &Path, number: u32) -> PathBuf {
    scratch::scratch_dir(root)
        .join("patches")
        .join(format!("lesson{number}"))
}

/// A patch applied to the scratch copy.
struct Applied {
    header: Header,
    /// The patch's path as messages show it.
    shown: String,
    scratch: PathBuf,
}

/// Checks that a patch of `kind` for lesson `number` says what such a patch may say, and
/// changes only the lesson's reference solution.
fn check_header(header: &Header, kind: Kind, number: u32) -> Result<()> {
    if kind == Kind::Alternative {
        ensure!(
            header.caught_by.is_empty() && !header.checked_by_loom,
            "it has `caught-by:` or `checked-by:` lines, but an alternative is a correct \
             solution that every test passes; a wrong one belongs in tests/lesson{number}/mutants"
        );
    }
    let allowed = format!("solutions/lesson{number}/");
    let outside: Vec<&String> = header
        .files
        .iter()
        .filter(|file| !file.starts_with(&allowed))
        .collect();
    ensure!(
        outside.is_empty(),
        "the patch changes {}, outside {allowed}\nA {} of lesson {number} may only change the \
         reference solution; a change to the suite would make the check meaningless.",
        some_names(&outside, 3),
        kind.noun()
    );
    Ok(())
}

/// Reads `patch`, checks it changes only `lesson`'s reference, and applies it to the scratch
/// copy, synced with the workspace first.
fn apply(root: &Path, lesson: &Lesson, patch: &Path, kind: Kind) -> Result<Applied> {
    let shown = patch
        .strip_prefix(root)
        .unwrap_or(patch)
        .display()
        .to_string();
    let noun = kind.noun();
    let text = fs::read_to_string(patch).with_context(|| format!("could not read {shown}"))?;
    let header = parse(&text).with_context(|| format!("{shown} is not a valid {noun}"))?;
    check_header(&header, kind, lesson.number)
        .with_context(|| format!("{shown} is not a valid {noun}"))?;
    println!("{noun}: {}", header.description);
    let allowed = format!("solutions/lesson{}/", lesson.number);

    let scratch = scratch_copy(root, lesson.number);
    Mirror::of_workspace(root, &scratch, &[])?.sync()?;
    let apply = Cmd::new("git", &scratch)
        .arg("apply")
        .arg(format!("-p{}", header.strip))
        .arg(patch)
        // The copy lies inside the real repository; without a ceiling, git would treat it as
        // a subdirectory of that repository and silently skip every path outside it.
        .quiet_env("GIT_CEILING_DIRECTORIES", scratch.parent().unwrap_or(root));
    println!(
        "$ {}   (in {})",
        apply.display(),
        scratch.strip_prefix(root).unwrap_or(&scratch).display()
    );
    let applied = apply.run()?;
    if !applied.success() {
        bail!(
            "{shown} no longer applies: refresh it\nThe reference changed since the {noun} \
             was written. Make the same change again in {allowed}, put the output of \
             `git diff {allowed}` under the patch's description lines, and restore the \
             reference. git apply said:\n{}",
            applied.combined().trim_end()
        );
    }
    Ok(Applied {
        header,
        shown,
        scratch,
    })
}

/// Builds and runs the suite of the patched copy (or, for `checked-by: loom`, the lesson's
/// loom models), only the tests named in `filters` when there are some.
fn run_tests(
    root: &Path,
    lesson: &Lesson,
    applied: &Applied,
    kind: Kind,
    filters: &[String],
) -> Result<(TestRun, Output)> {
    let shown = &applied.shown;
    let targets = if applied.header.checked_by_loom {
        Targets::Loom(lesson.meta.loom_test.as_deref().with_context(|| {
            format!(
                "{shown} says `checked-by: loom`, but tests/lesson{}/lesson.toml names no \
                 `loom_test`",
                lesson.number
            )
        })?)
    } else {
        Targets::Suite
    };
    // loom builds need other compiler flags, so they get a target directory of their own.
    let target = if matches!(targets, Targets::Loom(_)) {
        scratch::scratch_dir(root).join("loom-target")
    } else {
        scratch::shared_target_dir(root)
    };
    let package = lesson.solution_package();
    let tests = PackageTests {
        workspace: &applied.scratch,
        package: &package,
        target_dir: Some(&target),
        // Even an alternative may fail; proptest must not save its cases next to the suite.
        failures_expected: true,
        show_commands: true,
        targets,
        filters,
    };
    match tests.run()? {
        TestReport::DoesNotCompile { errors } => {
            let why = match kind {
                Kind::Mutant => {
                    "so it proves nothing\nA mutant must be a wrong program, not a broken one"
                }
                Kind::Alternative => "but an alternative must be a working solution",
            };
            bail!(
                "the patch does not compile, {why}; refresh {shown}. The first error:\n{}",
                first_lines(errors.first().map_or("", String::as_str), 15)
            )
        }
        TestReport::Ran { run, output } => Ok((run, output)),
    }
}

/// Applies the mutant `patch` of `lesson` to the scratch copy, builds the reference crate's
/// suite there, runs the tests its `caught-by:` lines name (all of them when it names none),
/// and checks the suite catches it. Gives a one-line summary such as `caught by 2 tests
/// (ex3_pool::a, ex3_pool::b)`.
pub fn check(root: &Path, lesson: &Lesson, patch: &Path) -> Result<String> {
    let applied = apply(root, lesson, patch, Kind::Mutant)?;
    let header = &applied.header;
    let (run, output) = run_tests(root, lesson, &applied, Kind::Mutant, &header.caught_by)?;

    // The suite's tests by their short names; loom models by their names in the models target.
    let checked: Vec<(&str, Outcome)> = if header.checked_by_loom {
        run.tests
            .iter()
            .map(|test| (model_name(&test.name), test.outcome))
            .collect()
    } else {
        run.suite()
            .map(|test| (test.short_name(), test.outcome))
            .collect()
    };
    let mut failed: Vec<&str> = checked
        .iter()
        .filter(|(_, outcome)| *outcome == Outcome::Failed)
        .map(|(name, _)| *name)
        .collect();
    // The tests the header names come first in the summary: they are the point of the mutant.
    failed.sort_by_key(|name| !header.caught_by.iter().any(|wanted| wanted == name));
    if failed.is_empty() {
        bail!(
            "survived: all {} run pass on it\nThe suite does not catch this mistake: \
             {}\nAdd a test that fails on it.{}",
            plural(checked.len(), "test"),
            header.description,
            crash_note(&run, &output)
        );
    }
    let mut problems = Vec::new();
    for wanted in &header.caught_by {
        match checked.iter().find(|(name, _)| name == wanted) {
            None => problems.push(format!(
                "`caught-by: {wanted}` names no test that ran (renamed?)"
            )),
            Some((_, outcome)) if *outcome != Outcome::Failed => problems.push(format!(
                "`caught-by: {wanted}` must fail on the mutant, but it did not"
            )),
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        bail!(
            "{}\nThe header of {} promises these. The tests that failed: {}",
            problems.join("\n"),
            applied.shown,
            failed.join(", ")
        );
    }
    Ok(format!(
        "caught by {} ({})",
        plural(failed.len(), "test"),
        some_names(&failed, 2)
    ))
}

/// Applies the alternative `patch` of `lesson` to the scratch copy and checks that every test
/// of the suite passes on it, and that the suite ran exactly the tests `reference` (the
/// reference's suite, by full name) holds. Gives a one-line summary.
pub fn check_alternative(
    root: &Path,
    lesson: &Lesson,
    patch: &Path,
    reference: &BTreeSet<String>,
) -> Result<String> {
    let applied = apply(root, lesson, patch, Kind::Alternative)?;
    let (run, output) = run_tests(root, lesson, &applied, Kind::Alternative, &[])?;
    let suite: Vec<&TestCase> = run.suite().collect();
    let failed: Vec<&TestCase> = suite
        .iter()
        .copied()
        .filter(|test| test.outcome != Outcome::Passed)
        .collect();
    if !failed.is_empty() {
        for test in &failed {
            println!("---- {} ----\n{}\n", test.name, test.output);
        }
        let names: Vec<&str> = failed.iter().map(|test| test.short_name()).collect();
        bail!(
            "rejected: {}/{} pass, but a correct design must pass every test: {}\nEither the \
             alternative is wrong (fix {}), or the suite asks for more than the spec says: \
             a test must accept every design the doc comments allow. Their output is above.",
            suite.len() - failed.len(),
            suite.len(),
            some_names(&names, 3),
            applied.shown
        );
    }
    ensure!(
        run.complete(),
        "the test run stopped before reporting every result (a crash?){}",
        crash_note(&run, &output)
    );
    let names: BTreeSet<String> = suite.iter().map(|test| test.name.clone()).collect();
    let missing: Vec<&String> = reference.difference(&names).collect();
    let extra: Vec<&String> = names.difference(reference).collect();
    ensure!(
        missing.is_empty() && extra.is_empty(),
        "the suite ran other tests on the alternative than on the reference\nOnly on the \
         reference: {}. Only on the alternative: {}.",
        some_names(&missing, 5),
        some_names(&extra, 5)
    );
    Ok(format!("accepted: {}/{} pass", suite.len(), suite.len()))
}

/// For a run that stopped early, a note with the start of its error output.
fn crash_note(run: &TestRun, output: &Output) -> String {
    if run.complete() {
        String::new()
    } else {
        format!(
            "\nThe test run stopped early (a crash?); its error output:\n{}",
            first_lines(output.stderr().trim_end(), 20)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "\
Workers take one task at a time, so the pool runs serially.

The pool must still return results in order; only the parallelism is lost.
caught-by: ex3_pool::tasks_run_in_parallel
caught-by: suite::ex3_pool::uses_every_worker, ex3_pool::other

diff --git a/solutions/lesson1/src/pool.rs b/solutions/lesson1/src/pool.rs
index 1111111..2222222 100644
--- a/solutions/lesson1/src/pool.rs
+++ b/solutions/lesson1/src/pool.rs
@@ -1,3 +1,3 @@
 fn a() {}
-fn b() {}
+fn c() {}
 fn d() {}
";

    #[test]
    fn reads_the_header() {
        let header = parse(PATCH).unwrap();
        assert_eq!(
            header.description,
            "Workers take one task at a time, so the pool runs serially."
        );
        assert_eq!(
            header.caught_by,
            [
                "ex3_pool::tasks_run_in_parallel",
                "ex3_pool::uses_every_worker",
                "ex3_pool::other"
            ]
        );
        assert_eq!(header.files, ["solutions/lesson1/src/pool.rs"]);
        assert_eq!(header.strip, 1);
    }

    #[test]
    fn caught_by_is_optional() {
        let text = "Off by one.\n--- a/solutions/lesson1/src/a.rs\n+++ b/solutions/lesson1/src/a.rs\n@@ -1 +1 @@\n-a\n+b\n";
        let header = parse(text).unwrap();
        assert!(header.caught_by.is_empty());
        assert_eq!(header.files, ["solutions/lesson1/src/a.rs"]);
        assert_eq!(header.strip, 1);
    }

    #[test]
    fn plain_paths_are_applied_as_they_are() {
        let text = "Off by one.\n--- solutions/lesson1/src/a.rs\t2024-01-01\n+++ solutions/lesson1/src/a.rs\t2024-01-02\n@@ -1 +1 @@\n-a\n+b\n";
        let header = parse(text).unwrap();
        assert_eq!(header.files, ["solutions/lesson1/src/a.rs"]);
        assert_eq!(header.strip, 0);
    }

    #[test]
    fn a_deleted_file_is_named_by_its_old_path() {
        let text = "Drop it.\ndiff --git a/solutions/lesson1/src/x.rs b/solutions/lesson1/src/x.rs\ndeleted file mode 100644\n--- a/solutions/lesson1/src/x.rs\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n";
        assert_eq!(parse(text).unwrap().files, ["solutions/lesson1/src/x.rs"]);
    }

    #[test]
    fn bad_headers_are_explained() {
        let error = |text: &str| format!("{:#}", parse(text).unwrap_err());
        let no_description = PATCH.replacen(
            "Workers take one task at a time, so the pool runs serially.\n\nThe pool must still return results in order; only the parallelism is lost.\n",
            "",
            1,
        );
        assert!(error(&no_description).contains("without a description"));
        assert!(error("Off by one.\nno diff here\n").contains("found no diff"));
        let empty = PATCH.replace("caught-by: ex3_pool::tasks_run_in_parallel", "caught-by:");
        assert!(error(&empty).contains("names no test"));
    }

    #[test]
    fn an_alternative_has_no_tests_to_fail() {
        let alternative = "Results by index instead of channels.\n\n--- a/solutions/lesson1/src/a.rs\n+++ b/solutions/lesson1/src/a.rs\n@@ -1 +1 @@\n-a\n+b\n";
        let header = parse(alternative).unwrap();
        assert!(check_header(&header, Kind::Alternative, 1).is_ok());
        let error = format!(
            "{:#}",
            check_header(&parse(PATCH).unwrap(), Kind::Alternative, 1).unwrap_err()
        );
        assert!(
            error.contains("an alternative is a correct solution"),
            "{error}"
        );
        assert!(error.contains("tests/lesson1/mutants"), "{error}");
        let loom = alternative.replace("\n\n", "\nchecked-by: loom\n");
        assert!(check_header(&parse(&loom).unwrap(), Kind::Alternative, 1).is_err());
    }

    #[test]
    fn a_patch_may_change_only_its_lessons_reference() {
        let header = parse(PATCH).unwrap();
        assert!(check_header(&header, Kind::Mutant, 1).is_ok());
        let error = format!("{:#}", check_header(&header, Kind::Mutant, 2).unwrap_err());
        assert!(
            error.contains("changes solutions/lesson1/src/pool.rs, outside solutions/lesson2/"),
            "{error}"
        );
        let suite = PATCH.replace("solutions/lesson1/src/pool.rs", "tests/lesson1/ex3_pool.rs");
        let error = format!(
            "{:#}",
            check_header(&parse(&suite).unwrap(), Kind::Mutant, 1).unwrap_err()
        );
        assert!(error.contains("outside solutions/lesson1/"), "{error}");
    }

    #[test]
    fn names_come_from_the_file() {
        assert_eq!(
            name(Path::new("tests/lesson1/mutants/serial_pool.patch")),
            "serial_pool"
        );
    }
}
