//! The course's own commands, run as `cargo xtask <command>` from anywhere in the workspace.
//!
//! - `cargo xtask ci`: everything continuous integration must prove.
//! - `cargo xtask progress`: a student's progress, exercise by exercise, and what to do next.
//! - `cargo xtask check --lesson N`: what CI holds a student's lesson to, for that lesson.
//! - `cargo xtask book`: builds the course book with the pinned mdbook.
//! - `cargo xtask mutants`: how well a lesson's suite catches wrong solutions (maintainers).
//! - `cargo xtask loom`: model-checks a lesson's concurrent code with loom.
//! - `cargo xtask seeds`: every lesson's seed experiments beside the seeds' published numbers.
//! - `cargo xtask grade`, `cargo xtask handout`: grading a class, and the students' copy.

mod book;
mod cargo_mutants;
mod check;
mod ci;
mod handout;
mod loom;
mod mutants;
mod offline;
mod progress;
mod seeds;
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
#[cfg(test)]
mod tidy;
mod tools;

use course::{cargo, cmd, lessons, libtest, report, scratch};
use grader as grade;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Whether this is the students' copy of the course (`cargo xtask handout` leaves out
/// `solutions/`): `--help` then shows only the commands and flags that work there.
fn students_copy() -> bool {
    #[cfg(test)]
    if let Some(pretend) = tests::STUDENTS_COPY.get() {
        return pretend;
    }
    lessons::workspace_root().is_ok_and(|root| !root.join("solutions").is_dir())
}

/// What `cargo xtask --help` says the commands are.
fn about() -> &'static str {
    if students_copy() {
        "The course's own commands: progress, check, loom, seeds, book and ci"
    } else {
        "The course's own commands (mutants, grade and handout are for its staff)"
    }
}

/// What `cargo xtask ci --help` says CI checks, in the course or in the students' copy.
fn ci_about() -> &'static str {
    if students_copy() {
        "Runs every check of your copy of the course: formatting, clippy, the tooling's tests, \
         every lesson's tests on your code (and lesson 3's loom models once its tests pass), \
         and the book's build. Every step runs even after a failure; a summary table ends the \
         run, and the exit code is 1 if any step failed. It passes once every exercise is \
         done; `cargo xtask check --lesson N` runs the same checks for one lesson."
    } else {
        "Formatting, clippy, the tests of the solutions and tooling, the benchmarks in test \
         mode; for each lesson: the stubs build without warnings and fail every test, the \
         reference passes every test of the same suite (and its loom models, where the lesson \
         has them), the mutants in tests/lessonN/mutants are caught and the alternatives in \
         tests/lessonN/alternatives pass every test; finally the book builds and reads \
         offline. Every step runs even after a failure; a summary table ends the run, and the \
         exit code is 1 if any step failed."
    }
}

/// The course's own commands.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = about(),
    long_about = None,
    after_help = "Run `cargo xtask <command> --help` for what each command does."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Shows how far you are in each lesson, and what to do next.
    ///
    /// Runs each lesson's tests on your code (`cargo test -p lessonN`) and shows every
    /// exercise as passing, failing or not started; for a lesson with loom models (lesson 3),
    /// runs them too once its tests pass. Then it names the next exercise, the book section
    /// that explains it, and the command to run, on a line of its own. Nothing is stored:
    /// every run tests afresh. The first run builds every lesson's tests and their
    /// dependencies, which takes 3-5 minutes on 2 cores; on a terminal a spinner shows what
    /// cargo is doing.
    Progress {
        /// Only this lesson (its number, such as 1).
        #[arg(long, value_name = "N")]
        lesson: Option<u32>,
    },
    /// Checks one lesson as CI checks it: rustfmt, clippy with warnings denied, the tests.
    ///
    /// Runs, on your lesson N alone: `cargo fmt -p lessonN -- --check`, `cargo clippy -p
    /// lessonN --all-targets -- -D warnings` and `cargo test -p lessonN`, and, for a lesson
    /// with loom models (lesson 3), `cargo xtask loom --lesson N` once the tests pass. Every
    /// step runs; each ends in one line (ok, FAILED or skipped), with what failed below it.
    /// The exit code is 1 if any step failed.
    Check {
        /// The lesson, by number.
        #[arg(long, value_name = "N")]
        lesson: u32,
    },
    /// Builds the course book (installing the pinned mdbook if needed).
    ///
    /// Installs mdbook 0.5.4 with `cargo install --locked` when it is missing or another
    /// version, builds the book with `mdbook build`, and checks that the pages load nothing
    /// from the network, so the book reads offline.
    Book {
        /// Opens the built book in a browser.
        #[arg(long)]
        open: bool,
        /// The book's directory, the one holding book.toml [default: book/ in the workspace].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Runs every check continuous integration runs.
    #[command(long_about = ci_about())]
    Ci,
    /// Runs cargo-mutants on a lesson's reference and shows what its suite misses (maintainers).
    ///
    /// Installs cargo-mutants 27.1.0 with `cargo install --locked` when it is missing, then
    /// mutates solutions/lessonN and runs the suite (`--test suite`, one mutant at a time, at
    /// most 120 s each) on every mutant, except those tests/lessonN/mutants/survivors.toml
    /// excludes with a reason. Prints the missed and timed-out mutants and a summary (caught /
    /// missed / excluded / timeouts / unviable, elapsed); cargo-mutants' logs go to
    /// target/xtask/mutants/lessonN. The exit code is 1 when a mutant is missed or times out,
    /// or an exclusion matches no mutant.
    ///
    /// It is too slow for CI. Measured on 2 cores: a mutant the suite catches at once takes
    /// 4 s (8 s on a loaded machine), one that deadlocks a test about PATIENCE (10 s) more, one
    /// that hangs the full 120 s; a lesson of 100-150 mutants takes 15-40 minutes, plus a few
    /// minutes for the first build. `--list` is instant, and `--file` narrows a run to a file.
    ///
    /// With --patches, checks the lesson's hand-written patches instead, as `cargo xtask ci`
    /// does: each mutant in tests/lessonN/mutants/*.patch must be caught, each alternative in
    /// tests/lessonN/alternatives/*.patch must pass every test.
    #[command(hide = students_copy())]
    Mutants {
        /// The lesson, by number.
        #[arg(long, value_name = "N")]
        lesson: u32,
        /// Lists the mutants, marking the excluded ones, and checks survivors.toml; runs nothing.
        #[arg(long, conflicts_with = "patches")]
        list: bool,
        /// Checks the hand-written mutants and alternatives instead of running cargo-mutants.
        #[arg(long)]
        patches: bool,
        /// Only mutants in files matching this glob: `pool.rs`, or a whole path such as
        /// `solutions/lesson1/src/pool.rs` (repeatable).
        #[arg(long, short = 'f', value_name = "GLOB", conflicts_with = "patches")]
        file: Vec<String>,
        /// Only mutants whose names match this regular expression (repeatable).
        #[arg(
            long = "re",
            short = 'F',
            value_name = "REGEX",
            conflicts_with = "patches"
        )]
        only: Vec<String>,
    },
    /// Model-checks a lesson's concurrent code with loom (lesson 3 has loom models).
    ///
    /// loom runs each model under every interleaving of its threads that matters, so a lost
    /// update or a deadlock that a real run shows once in a million tries is found every time.
    /// Runs `RUSTFLAGS="--cfg loom" cargo test -p lessonN --release --test <models>` in a target
    /// directory of its own (target/loom), so your normal builds stay cached; its first run
    /// builds the dependencies there, a few minutes. With FILTER, runs only the models whose
    /// names contain it: `cargo xtask loom --lesson 3 withdrawals`.
    Loom {
        /// The lesson, by number.
        #[arg(long, value_name = "N")]
        lesson: u32,
        /// Only the models whose names contain this.
        #[arg(value_name = "FILTER")]
        filter: Option<String>,
        /// Runs the models against the reference solution instead of your code.
        #[arg(long, hide = students_copy())]
        reference: bool,
    },
    /// Reruns the seed tutorials' experiments on your code, beside the seeds' and the
    /// reference's numbers.
    ///
    /// Runs every lesson's seeds example on your crate (`cargo run --release -p lessonN
    /// --example lessonN-seeds -- --json`), one after another, and prints one table: each
    /// experiment with the speedup its seed published (tests/lessonN/seeds.toml, with the
    /// seed's process and core counts), the reference solution's recorded speedup
    /// (tests/lessonN/seeds-reference.json, measured on the machine named above the table) and
    /// this run's serial and parallel times and speedup. Serial and parallel runs take turns,
    /// and a speedup above the thread count is marked as a measurement error. A lesson whose
    /// exercises are not started gets a line naming the exercise and its book section, one
    /// that fails gets an error; the others still run, and the exit code is then 1.
    Seeds {
        #[command(flatten)]
        options: seeds::Options,
    },
    /// Grades submissions: tests, hidden tests and performance, lesson by lesson (instructors).
    ///
    /// A submission is a directory holding a student's copy of the course; only each lesson's
    /// src/ is taken from it, everything else comes from this workspace. Each lesson is built
    /// and run inside bubblewrap (no network, private IPC, PID, /tmp and /dev/shm, resource
    /// limits, an unprivileged user, a read-only view of only what the step needs); each
    /// submission builds in its own target directory, seeded from the class's dependency cache.
    /// A test passes only in a run that carries testkit's guard's proof; when every test
    /// passes, the kernels are timed against the reference. Needs Linux and bubblewrap. Scores
    /// and limits come from grading.toml. Without a submission, grades this checkout.
    #[command(hide = students_copy())]
    Grade {
        #[command(flatten)]
        options: grade::Options,
    },
    /// Writes the students' copy of the course: no solutions, hidden tests or grading config.
    ///
    /// Copies the course (what git tracks) to DIR without solutions/, the hidden tests,
    /// grading.toml, the mutants, the alternatives and the grader's tests, and adapts the
    /// workspace manifest, README.md and the book (their `<!-- course:begin -->` blocks go,
    /// their `<!-- handout:` comments open up) so the copy builds without them and names
    /// nothing it lacks. With --check, then runs `cargo test` in the copy and each lesson's
    /// tests, which must all fail on the stubs, and proves that every command the copy's
    /// README, book and `cargo xtask --help` pages name runs there, naming the file and line
    /// of any that does not.
    #[command(hide = students_copy())]
    Handout {
        /// The directory to write (new or empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Builds and tests the handout afterwards, and checks every command it names.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let root = lessons::workspace_root()?;
    match cli.command {
        Command::Ci => ci::run(&root),
        Command::Progress { lesson } => {
            progress::run(&root, lesson)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { lesson } => check::run(&root, lesson),
        Command::Loom {
            lesson,
            filter,
            reference,
        } => {
            let numbers = lessons::discover(&root)?;
            lessons::ensure_exists(&numbers, lesson)?;
            let lesson = lessons::Lesson::load(&root, lesson)?;
            let subject = if reference {
                if !root.join("solutions").is_dir() {
                    anyhow::bail!(
                        "--reference runs the models on the reference solution in solutions/, \
                         which this copy of the course does not have; run `cargo xtask loom \
                         --lesson {}` for your own code",
                        lesson.number
                    );
                }
                loom::Subject::Reference
            } else {
                loom::Subject::Student
            };
            println!(
                "{}",
                loom::command(&root, &lesson, subject, filter.as_deref())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Mutants { .. } if !root.join("solutions").is_dir() => anyhow::bail!(
            "`cargo xtask mutants` is for the course's maintainers: it mutates the reference \
             solutions in solutions/, which this copy of the course does not have; to check your \
             own code, run `cargo xtask check --lesson N` or `cargo xtask progress`"
        ),
        Command::Mutants {
            lesson,
            patches: true,
            ..
        } => ci::patches(&root, lesson),
        Command::Mutants {
            lesson,
            list,
            file,
            only,
            patches: false,
        } => cargo_mutants::run(
            &root,
            &cargo_mutants::Options {
                lesson,
                list,
                files: file,
                only,
            },
        ),
        Command::Book { open, dir } => {
            let dir = dir.unwrap_or_else(|| root.join("book"));
            book::command(&root, &dir, open)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Seeds { options } => seeds::run(&root, &options),
        Command::Grade { options } => grade::run(&root, &options),
        Command::Handout { out, check } => handout::run(&root, &out, check),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::cell::Cell;

    thread_local! {
        /// Makes [`students_copy`] answer this on the test's thread, when set.
        pub static STUDENTS_COPY: Cell<Option<bool>> = const { Cell::new(None) };
    }

    /// Every help text `cargo xtask --help` and its visible commands' `--help` print, with
    /// [`students_copy`] answering `students`.
    fn help_texts(students: bool) -> Vec<(String, String)> {
        STUDENTS_COPY.set(Some(students));
        let mut cli = Cli::command();
        cli.build();
        let mut texts = vec![("cargo xtask".to_owned(), cli.render_long_help().to_string())];
        for command in cli.get_subcommands_mut() {
            if !command.is_hide_set() {
                let name = command.get_name().to_owned();
                texts.push((name, command.render_long_help().to_string()));
            }
        }
        STUDENTS_COPY.set(None);
        texts
    }

    #[test]
    fn the_students_help_offers_only_what_works_in_their_copy() {
        let texts = help_texts(true);
        let commands: Vec<&str> = texts.iter().map(|(name, _)| name.as_str()).collect();
        for wanted in ["progress", "check", "loom", "seeds", "book", "ci"] {
            assert!(
                commands.contains(&wanted),
                "{wanted} is missing: {commands:?}"
            );
        }
        for course_only in ["mutants", "grade", "handout"] {
            assert!(
                !commands.contains(&course_only),
                "{course_only} is offered to students"
            );
        }
        for (name, text) in &texts {
            for unknown in [
                "-solution",
                "solutions/",
                "mutants",
                "--reference",
                "--record",
            ] {
                assert!(
                    !text.contains(unknown),
                    "`cargo xtask {name} --help` in the students' copy names {unknown:?}, which \
                     is not there:\n{text}"
                );
            }
        }
        let texts = help_texts(false);
        let commands: Vec<&str> = texts.iter().map(|(name, _)| name.as_str()).collect();
        for course_only in ["mutants", "grade", "handout"] {
            assert!(
                commands.contains(&course_only),
                "{course_only} is missing in the course"
            );
        }
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn arguments_are_read() {
        let cli = Cli::try_parse_from(["xtask", "progress", "--lesson", "2"]).unwrap();
        assert!(matches!(cli.command, Command::Progress { lesson: Some(2) }));
        let cli = Cli::try_parse_from(["xtask", "book", "--open"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Book {
                open: true,
                dir: None
            }
        ));
        assert!(Cli::try_parse_from(["xtask", "progress", "--lesson", "one"]).is_err());
        let cli = Cli::try_parse_from(["xtask", "mutants", "--lesson", "1", "-f", "src/a.rs"]);
        assert!(matches!(
            cli.unwrap().command,
            Command::Mutants { lesson: 1, patches: false, ref file, .. } if file == &["src/a.rs"]
        ));
        let both = ["xtask", "mutants", "--lesson", "1", "--patches", "--list"];
        assert!(Cli::try_parse_from(both).is_err());
        let cli = Cli::try_parse_from(["xtask", "check", "--lesson", "3"]).unwrap();
        assert!(matches!(cli.command, Command::Check { lesson: 3 }));
        assert!(Cli::try_parse_from(["xtask", "check"]).is_err());
        let cli = Cli::try_parse_from(["xtask", "loom", "--lesson", "3", "withdrawals"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Loom { lesson: 3, filter: Some(ref f), reference: false } if f == "withdrawals"
        ));
        let cli = Cli::try_parse_from(["xtask", "loom", "--lesson", "3"]).unwrap();
        assert!(matches!(cli.command, Command::Loom { filter: None, .. }));
    }
}
