//! `cargo xtask mutants --lesson N`: cargo-mutants on a reference solution, with the lesson's
//! suite as the judge and the lesson's explained survivors left out.
//!
//! cargo-mutants makes many small mechanical mutants of `solutions/lessonN` (an operator
//! swapped, a body replaced by a default value) and runs the suite on each; a mutant the suite
//! does not fail on is *missed*. A missed mutant is either a gap in the suite or a change no test
//! can see; the second kind is listed in `tests/lessonN/mutants/survivors.toml`:
//!
//! ```toml
//! [[excluded]]
//! mutant = 'replace <impl fmt::Debug for Pool>::fmt -> fmt::Result with Ok\(Default::default\(\)\)'
//! reason = "Debug output is not part of the spec"
//! ```
//!
//! `mutant` is a regular expression (the `regex` crate's, as cargo-mutants' own `--exclude-re`)
//! searched for in the name `cargo mutants --list` prints, such as
//! `solutions/lesson1/src/pool.rs:40:9: replace Pool::size -> usize with 1`. Leave the line and
//! column out of it, so the entry survives edits above the function. Excluded mutants are not
//! run; an entry that matches no mutant is stale and fails the command.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use regex::Regex;
use serde::Deserialize;

use crate::cmd::Cmd;
use crate::lessons::Lesson;
use crate::report::{duration, plural};
use crate::scratch;
use crate::tools::{self, Pinned};

/// The cargo-mutants the course is measured with; installed when missing.
pub const CARGO_MUTANTS: Pinned = Pinned {
    krate: "cargo-mutants",
    version: "27.1.0",
    version_args: &["mutants", "--version"],
    version_prefix: "cargo-mutants ",
    needed_by: "`cargo xtask mutants`",
};

/// The longest one mutant's suite run may take, in seconds. A suite's bounded waits give up
/// after `testkit::PATIENCE` (10 s), and libtest runs only as many tests at once as there are
/// cores, so a mutant that deadlocks a dozen tests takes a minute to be caught on 2 cores; a
/// mutant that runs past this limit is reported as a timeout (a wait that is not bounded).
pub const TEST_TIMEOUT_S: u32 = 120;

/// What `cargo xtask mutants` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The lesson, by number.
    pub lesson: u32,
    /// Only list the mutants and check the exclusions, without running anything.
    pub list: bool,
    /// Only mutants in files matching these globs (cargo-mutants' `--file`).
    pub files: Vec<String>,
    /// Only mutants whose names match these regular expressions (cargo-mutants' `--re`).
    pub only: Vec<String>,
}

impl Options {
    /// Whether only some of the lesson's mutants are looked at, so an exclusion matching none
    /// of them proves nothing.
    fn filtered(&self) -> bool {
        !self.files.is_empty() || !self.only.is_empty()
    }
}

/// One `[[excluded]]` entry of a survivors.toml.
#[derive(Debug, Clone)]
pub struct Exclusion {
    /// The regular expression, as written.
    pub mutant: String,
    /// Why no test can tell the mutant from the reference.
    pub reason: String,
    regex: Regex,
}

/// A lesson's explained survivors: `tests/lessonN/mutants/survivors.toml`.
#[derive(Debug, Clone, Default)]
pub struct Survivors {
    /// The entries, in the file's order.
    pub excluded: Vec<Exclusion>,
}

impl Survivors {
    /// Reads the text of a survivors.toml; `shown` names the file in errors.
    pub fn parse(text: &str, shown: &str) -> Result<Self> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            excluded: Vec<Entry>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Entry {
            mutant: String,
            reason: Option<String>,
        }

        let file: File = toml::from_str(text).with_context(|| {
            format!(
                "{shown} is not a valid survivors file: it holds [[excluded]] tables, each with \
                 `mutant = 'regex'` and `reason = \"...\"`"
            )
        })?;
        let mut excluded = Vec::new();
        for (index, entry) in file.excluded.into_iter().enumerate() {
            let which = format!("{shown}: excluded[{index}] (mutant = '{}')", entry.mutant);
            let reason = entry.reason.unwrap_or_default();
            ensure!(
                !reason.trim().is_empty(),
                "{which} has no reason: say why no test can tell this mutant from the reference"
            );
            ensure!(
                !entry.mutant.trim().is_empty(),
                "{shown}: excluded[{index}] has an empty `mutant`, which would exclude every mutant"
            );
            let regex = Regex::new(&entry.mutant)
                .with_context(|| format!("{which} is not a valid regular expression"))?;
            excluded.push(Exclusion {
                mutant: entry.mutant,
                reason,
                regex,
            });
        }
        Ok(Self { excluded })
    }

    /// Reads `lesson`'s survivors.toml; none when the lesson has no such file.
    pub fn load(root: &Path, lesson: &Lesson) -> Result<Self> {
        let shown = format!("{}/survivors.toml", lesson.mutants_dir());
        let path = root.join(&shown);
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = fs::read_to_string(&path).with_context(|| format!("could not read {shown}"))?;
        Self::parse(&text, &shown)
    }

    /// The first entry that excludes the mutant named `name`, by its index.
    pub fn excluding(&self, name: &str) -> Option<usize> {
        self.excluded
            .iter()
            .position(|entry| entry.regex.is_match(name))
    }
}

/// The lesson's mutants, split by the exclusions.
#[derive(Debug, Default)]
struct Plan {
    /// The mutants to run.
    tested: Vec<String>,
    /// The excluded ones, each with the index of the entry that excludes it.
    excluded: Vec<(String, usize)>,
    /// The entries that exclude nothing.
    stale: Vec<usize>,
}

impl Plan {
    fn new(names: &[String], survivors: &Survivors) -> Self {
        let mut plan = Self::default();
        let mut used = vec![false; survivors.excluded.len()];
        for name in names {
            match survivors.excluding(name) {
                Some(index) => {
                    used[index] = true;
                    plan.excluded.push((name.clone(), index));
                }
                None => plan.tested.push(name.clone()),
            }
        }
        // An entry that only matches mutants an earlier entry took still matches something.
        for (index, entry) in survivors.excluded.iter().enumerate() {
            if !used[index] && !names.iter().any(|name| entry.regex.is_match(name)) {
                plan.stale.push(index);
            }
        }
        plan
    }
}

/// The outcome files cargo-mutants writes in `mutants.out/`, one mutant name a line.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outcomes {
    caught: Vec<String>,
    missed: Vec<String>,
    timeout: Vec<String>,
    unviable: Vec<String>,
}

impl Outcomes {
    fn read(dir: &Path) -> Result<Self> {
        let read = |file: &str| -> Result<Vec<String>> {
            let path = dir.join(file);
            if !path.exists() {
                return Ok(Vec::new());
            }
            let text = fs::read_to_string(&path)
                .with_context(|| format!("could not read {}", path.display()))?;
            Ok(text
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(str::to_owned)
                .collect())
        };
        Ok(Self {
            caught: read("caught.txt")?,
            missed: read("missed.txt")?,
            timeout: read("timeout.txt")?,
            unviable: read("unviable.txt")?,
        })
    }

    fn summary(&self, excluded: usize) -> String {
        format!(
            "{} caught, {} missed, {} excluded, {}, {} unviable",
            self.caught.len(),
            self.missed.len(),
            excluded,
            plural(self.timeout.len(), "timeout"),
            self.unviable.len()
        )
    }
}

/// Where the command keeps cargo-mutants' output for lesson `number`.
pub fn output_dir(root: &Path, number: u32) -> PathBuf {
    scratch::scratch_dir(root)
        .join("mutants")
        .join(format!("lesson{number}"))
}

/// The target directory cargo-mutants' copies of lesson `number` build in, kept between runs
/// so the dependencies compile once. One per lesson: cargo holds a target directory's lock
/// while the tests run, so two lessons' runs sharing one would wait on each other and time out.
fn target_dir(root: &Path, number: u32) -> PathBuf {
    output_dir(root, number).join("target")
}

/// The arguments every cargo-mutants call takes: the package, the filters, no config file.
fn common_args(lesson: &Lesson, options: &Options) -> Vec<String> {
    let mut args = vec![
        "mutants".to_owned(),
        "--no-config".to_owned(),
        "--colors=never".to_owned(),
        "--package".to_owned(),
        lesson.solution_package(),
    ];
    for file in &options.files {
        args.extend(["--file".to_owned(), file.clone()]);
    }
    for only in &options.only {
        args.extend(["--re".to_owned(), only.clone()]);
    }
    args
}

/// Runs the `mutants` command; the exit code is 1 when a mutant was missed or timed out, or an
/// exclusion is stale.
pub fn run(root: &Path, options: &Options) -> Result<ExitCode> {
    let lesson = Lesson::load(root, options.lesson)?;
    lesson.check_solution(root)?;
    let survivors = Survivors::load(root, &lesson)?;
    let program = tools::ensure(root, &CARGO_MUTANTS)?;

    let list = Cmd::new(&program, root)
        .args(common_args(&lesson, options))
        .arg("--list");
    let listed = list.run()?;
    ensure!(
        listed.success(),
        "`{}` failed:\n{}",
        list.display(),
        listed.combined().trim_end()
    );
    let names: Vec<String> = listed
        .stdout()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let plan = Plan::new(&names, &survivors);
    let survivors_file = format!("{}/survivors.toml", lesson.mutants_dir());
    let stale: Vec<String> = if options.filtered() {
        Vec::new()
    } else {
        plan.stale
            .iter()
            .map(|&index| {
                let entry = &survivors.excluded[index];
                format!(
                    "excluded[{index}] (mutant = '{}') matches no mutant: remove it from \
                     {survivors_file}, or fix its regex",
                    entry.mutant
                )
            })
            .collect()
    };

    if options.list {
        for name in &plan.tested {
            println!("{name}");
        }
        for (name, index) in &plan.excluded {
            println!("excluded: {name}  ({})", survivors.excluded[*index].reason);
        }
        for line in &stale {
            println!("stale: {line}");
        }
        println!(
            "{}: {} to test, {} excluded by {survivors_file}",
            lesson.solution_package(),
            plural(plan.tested.len(), "mutant"),
            plan.excluded.len()
        );
        return Ok(exit_code(stale.is_empty()));
    }

    let out = output_dir(root, lesson.number);
    fs::create_dir_all(&out).with_context(|| format!("could not create {}", out.display()))?;
    let mut sweep = Cmd::new(&program, root)
        .args(common_args(&lesson, options))
        .args(["--jobs", "1", "--timeout"])
        .arg(TEST_TIMEOUT_S.to_string())
        .arg("--output")
        .arg(&out)
        .env("CARGO_TARGET_DIR", target_dir(root, lesson.number))
        // Failing runs must not leave proptest regression files next to the shared suite.
        .quiet_env("PROPTEST_DISABLE_FAILURE_PERSISTENCE", "1")
        .streamed();
    for entry in &survivors.excluded {
        sweep = sweep.arg("--exclude-re").arg(&entry.mutant);
    }
    let sweep = sweep.args(["--", "--test", "suite"]);
    println!(
        "Testing {} of {} ({} excluded): 4-15 s a mutant on 2 cores, {TEST_TIMEOUT_S} s for \
         one that hangs.",
        plural(plan.tested.len(), "mutant"),
        lesson.solution_package(),
        plan.excluded.len()
    );
    println!("$ {}", sweep.display());
    let started = Instant::now();
    let output = sweep.run()?;
    let elapsed = started.elapsed();
    // cargo-mutants exits 2 when a mutant was missed, 3 on a timeout and 4 when the
    // unmutated tree fails; anything else means it could not run at all.
    let logs = out.join("mutants.out/log");
    match output.status.code() {
        Some(0 | 2 | 3) => {}
        Some(4) => bail!(
            "the unmodified reference does not build or does not pass its suite, so no mutant \
             was tested: see {} or run `cargo test -p {} --test suite`",
            logs.join("baseline.log").display(),
            lesson.solution_package()
        ),
        _ => bail!(
            "`cargo mutants` failed ({}) before judging the mutants: its output is above",
            output.status
        ),
    }
    let outcomes = Outcomes::read(&out.join("mutants.out"))?;
    report(&outcomes, &stale, &out);
    println!(
        "{}: {}, in {}",
        lesson.solution_package(),
        outcomes.summary(plan.excluded.len()),
        duration(elapsed)
    );
    Ok(exit_code(
        outcomes.missed.is_empty() && outcomes.timeout.is_empty() && stale.is_empty(),
    ))
}

/// Prints what needs a maintainer's attention.
fn report(outcomes: &Outcomes, stale: &[String], out: &Path) {
    let sections: [(&str, &[String], &str); 3] = [
        (
            "missed",
            &outcomes.missed,
            "no test fails on these: add a test that does or, when no test can tell the \
             mutant from the reference, an [[excluded]] entry saying why",
        ),
        (
            "timed out",
            &outcomes.timeout,
            "the suite ran past the time limit on these: a wait or a loop in a test is not \
             bounded (testkit::bounded!, join_within, BoundedDrop)",
        ),
        ("stale", stale, "these exclusions match no mutant any more"),
    ];
    for (title, names, advice) in sections {
        if !names.is_empty() {
            println!("\n{} {title}; {advice}:", names.len());
            for name in names {
                println!("  {name}");
            }
        }
    }
    println!(
        "\ncargo-mutants' logs, one per mutant: {}",
        out.join("mutants.out/log").display()
    );
}

fn exit_code(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SURVIVORS: &str = r#"
[[excluded]]
mutant = 'replace <impl fmt::Debug for Pool>::fmt'
reason = "Debug output is not part of the spec"

[[excluded]]
mutant = 'busy_loop -> u64 with (0|1)$'
reason = "the spec only asks that it takes time"
"#;

    fn error_of(text: &str) -> String {
        format!("{:#}", Survivors::parse(text, "s.toml").unwrap_err())
    }

    #[test]
    fn exclusions_are_read() {
        let survivors = Survivors::parse(SURVIVORS, "s.toml").unwrap();
        assert_eq!(survivors.excluded.len(), 2);
        assert_eq!(
            survivors.excluded[1].reason,
            "the spec only asks that it takes time"
        );
        let name = "solutions/lesson1/src/workloads.rs:9:5: replace busy_loop -> u64 with 1";
        assert_eq!(survivors.excluding(name), Some(1));
        assert_eq!(survivors.excluding(&format!("{name}0")), None);
        assert!(Survivors::parse("", "s.toml").unwrap().excluded.is_empty());
    }

    #[test]
    fn a_bad_entry_is_named_with_its_file() {
        let error = error_of("[[excluded]]\nmutant = 'a'\n");
        assert!(
            error.contains("s.toml: excluded[0] (mutant = 'a') has no reason"),
            "{error}"
        );
        let error = error_of(&format!(
            "{SURVIVORS}[[excluded]]\nmutant = 'x('\nreason = \"r\"\n"
        ));
        assert!(
            error.contains("s.toml: excluded[2] (mutant = 'x(') is not a valid regular"),
            "{error}"
        );
        assert!(error.contains("unclosed group"), "{error}");
        let error = error_of("[[excluded]]\nmutant = 'a'\nreason = \"  \"\n");
        assert!(error.contains("has no reason"), "{error}");
        let error = error_of("[[excluded]]\nmutant = ''\nreason = \"r\"\n");
        assert!(error.contains("empty `mutant`"), "{error}");
        let error = error_of("[[excluded]]\nmutnat = 'a'\nreason = \"r\"\n");
        assert!(
            error.starts_with("s.toml is not a valid survivors file"),
            "{error}"
        );
    }

    #[test]
    fn exclusions_that_match_nothing_are_stale() {
        let survivors = Survivors::parse(SURVIVORS, "s.toml").unwrap();
        let names = [
            "src/a.rs:1:1: replace busy_loop -> u64 with 0".to_owned(),
            "src/a.rs:1:1: replace busy_loop -> u64 with 1".to_owned(),
            "src/a.rs:2:1: replace < with <= in chunk".to_owned(),
        ];
        let plan = Plan::new(&names, &survivors);
        assert_eq!(plan.tested, [names[2].clone()]);
        assert_eq!(
            plan.excluded,
            [(names[0].clone(), 1), (names[1].clone(), 1)]
        );
        assert_eq!(plan.stale, [0]);
    }

    #[test]
    fn outcomes_are_read_from_cargo_mutants_files() {
        let dir = std::env::temp_dir().join(format!("xtask-outcomes-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("caught.txt"), "a\nb\n").unwrap();
        fs::write(dir.join("missed.txt"), "c\n").unwrap();
        let outcomes = Outcomes::read(&dir).unwrap();
        assert_eq!(outcomes.caught, ["a", "b"]);
        assert_eq!(outcomes.missed, ["c"]);
        assert!(outcomes.timeout.is_empty());
        assert_eq!(
            outcomes.summary(4),
            "2 caught, 1 missed, 4 excluded, 0 timeouts, 0 unviable"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
