//! The named-commands check: every command the handout's README.md, book and help pages name
//! runs there.

mod benches;
mod cargo_command;
mod checker;
mod instances;
mod named;
mod package;
mod shell;
mod xtask_commands;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};

use crate::cmd::Cmd;
use crate::report::plural;

use checker::Checker;
use instances::instances;
use named::{named_in_help, named_in_markdown};

/// Proves that every command the handout's README.md, its book and its `cargo xtask --help`
/// pages name runs there, each by the cheapest proof that it would (see [`Checker::problem`]):
/// `cargo xtask …` is read by xtask's own parser and must not need the course's repository;
/// `cargo test -p P FILTER` needs the package and a test whose name holds FILTER; `cargo bench
/// -p P -- ARGS` needs every benchmarked target to take criterion's arguments; `cargo run
/// --example E` and `cargo build` are built (in the debug profile: the release build proves
/// nothing more and costs minutes); other cargo commands need their package and targets to
/// exist. Fails naming the file and line (or help page) of every command that does not run.
pub fn check_commands(out: &Path, cargo: &dyn Fn() -> Cmd) -> Result<()> {
    let started = std::time::Instant::now();
    let mut named = Vec::new();
    let mut pages = vec![PathBuf::from("README.md")];
    let book_src = out.join("book/src");
    let mut chapters: Vec<PathBuf> = fs::read_dir(&book_src)
        .with_context(|| format!("could not list {}", book_src.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .filter_map(|path| path.strip_prefix(out).ok().map(Path::to_owned))
        .collect();
    chapters.sort();
    pages.extend(chapters);
    for page in &pages {
        let text = fs::read_to_string(out.join(page))
            .with_context(|| format!("could not read {}", out.join(page).display()))?;
        named.extend(named_in_markdown(page, &text));
    }
    let (from_help, help_pages) = named_in_help(cargo)?;
    named.extend(from_help);
    let mut checker = Checker::new(out, cargo)?;
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in &named {
        for words in instances(&entry.command, &checker.lessons) {
            checked += 1;
            if let Some(problem) = checker.problem(&words) {
                problems.push(format!("{}: `{}`: {problem}", entry.place, words.join(" ")));
                break;
            }
        }
    }
    ensure!(
        problems.is_empty(),
        "{} that the handout names {} not run there:\n  {}",
        plural(problems.len(), "command"),
        if problems.len() == 1 { "does" } else { "do" },
        problems.join("\n  ")
    );
    let proofs: Vec<String> = checker
        .proofs
        .iter()
        .map(|(how, count)| format!("{count} {how}"))
        .collect();
    println!(
        "Every command the handout names runs there: {} named in README.md, {} pages of the book \
         and {} help pages ({} instances: {}), checked in {:.0} s.",
        named.len(),
        pages.len() - 1,
        help_pages,
        checked,
        proofs.join(", "),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handout::commands::xtask_commands::xtask_problem;
    use crate::handout::markers::{COURSE_BEGIN, COURSE_END, for_students};
    use crate::lessons;

    #[test]
    fn the_students_book_and_readme_name_no_course_only_command() {
        let root = lessons::workspace_root().unwrap();
        let mut pages = vec![PathBuf::from("README.md")];
        for entry in fs::read_dir(root.join("book/src")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                pages.push(path.strip_prefix(&root).unwrap().to_owned());
            }
        }
        let mut problems = Vec::new();
        for page in pages {
            let text = for_students(&page, &fs::read_to_string(root.join(&page)).unwrap());
            for named in named_in_markdown(&page, &text.unwrap()) {
                for words in instances(&named.command, &[1, 3]) {
                    let solution = words.iter().any(|w| w.ends_with("-solution"));
                    let problem = if words.get(1).is_some_and(|w| w == "xtask") {
                        xtask_problem(&words[2..])
                    } else {
                        solution.then(|| "names the reference's package".to_owned())
                    };
                    if let Some(problem) = problem {
                        problems.push(format!("{}: `{}`: {problem}", named.place, named.command));
                        break;
                    }
                }
            }
        }
        assert!(
            problems.is_empty(),
            "the handout would name commands it cannot run (mark course-only prose with \
             `{COURSE_BEGIN}` … `{COURSE_END}`):\n{}",
            problems.join("\n")
        );
    }
}
