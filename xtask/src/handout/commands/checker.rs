//! The proof of each kind of named command (the table in [`Checker::problem`]), with what the
//! check learns once about the handout.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};

use crate::cmd::Cmd;
use crate::lessons;

use super::benches::bench_problem;
use super::cargo_command::CargoCommand;
use super::instances::ANY;
use super::package::{Package, rust_sources, target_sources};
use super::shell::is_assignment;
use super::xtask_commands::xtask_problem;

/// What the command check learns once about the handout and reuses for every command.
pub struct Checker<'a> {
    cargo: &'a dyn Fn() -> Cmd,
    packages: Vec<Package>,
    pub lessons: Vec<u32>,
    /// Each package's test names (from `cargo test -p P --tests -- --list`), once listed.
    tests: std::collections::HashMap<String, Vec<String>>,
    /// The builds run as proofs, and what each said.
    built: std::collections::HashMap<String, std::result::Result<(), String>>,
    /// How each command was proved, for the summary: parsed, from metadata, built, listed.
    pub proofs: std::collections::BTreeMap<&'static str, usize>,
}

impl<'a> Checker<'a> {
    /// Reads the handout's workspace at `out` with `cargo metadata`, run by `cargo`.
    pub fn new(out: &'a Path, cargo: &'a dyn Fn() -> Cmd) -> Result<Self> {
        let metadata = cargo()
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .run()?;
        ensure!(
            metadata.success(),
            "`cargo metadata` fails in the handout:\n{}",
            metadata.stderr()
        );
        let value: serde_json::Value = serde_json::from_str(&metadata.stdout())
            .context("`cargo metadata` printed something that is not JSON")?;
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let packages = value["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|package| Package {
                name: text(&package["name"]),
                manifest: PathBuf::from(text(&package["manifest_path"])),
                targets: package["targets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|target| {
                        let kinds = target["kind"].as_array().cloned().unwrap_or_default();
                        kinds.into_iter().map(move |kind| {
                            (
                                text(&kind),
                                text(&target["name"]),
                                PathBuf::from(text(&target["src_path"])),
                            )
                        })
                    })
                    .collect(),
                path_dependencies: package["dependencies"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|dependency| dependency["path"].as_str())
                    .map(PathBuf::from)
                    .collect(),
            })
            .collect();
        Ok(Self {
            cargo,
            packages,
            lessons: lessons::discover(out)?,
            tests: Default::default(),
            built: Default::default(),
            proofs: Default::default(),
        })
    }

    /// Why the concrete command `words` does not run in the handout, or `None` when it does.
    /// Each kind of command has its proof, the cheapest that still shows it would run:
    ///
    /// | named | proof |
    /// |---|---|
    /// | `cargo xtask …` | xtask's own parser reads it, and it is not in [`COURSE_ONLY`] |
    /// | `cargo test -p P FILTER` | P exists and a test of P has FILTER in its name |
    /// | `cargo bench -p P -- ARGS` | every target it runs is criterion's, ARGS' filter is in them |
    /// | `cargo run … --example E -- --FLAG` | the example builds, and its code reads `--FLAG` |
    /// | `cargo build …` | it builds (in the debug profile) |
    /// | other `cargo test`, `check`, `clippy`, `fmt`, `doc` | its packages and targets exist |
    /// | `VAR=… cargo …` | its packages and targets exist (building would rebuild everything) |
    /// | `cargo install …` | cargo's own |
    ///
    /// [`COURSE_ONLY`]: super::xtask_commands::COURSE_ONLY
    pub fn problem(&mut self, words: &[String]) -> Option<String> {
        let assignments = words.iter().take_while(|word| is_assignment(word)).count();
        let args = &words[assignments + 1..];
        if args.first().is_some_and(|first| first == "xtask") {
            *self.proofs.entry("read by xtask's parser").or_default() += 1;
            return xtask_problem(&args[1..]);
        }
        let command = match CargoCommand::parse(args) {
            Ok(command) => command,
            Err(problem) => return Some(problem),
        };
        if command.subcommand == "install" {
            // Named only as what the tools run to install their pinned helpers (mdbook,
            // cargo-mutants): that cargo has the subcommand is the proof.
            *self.proofs.entry("cargo's own").or_default() += 1;
            return None;
        }
        let known = [
            "test", "bench", "run", "build", "check", "clippy", "fmt", "doc",
        ];
        if !known.contains(&command.subcommand.as_str()) {
            return Some(format!(
                "the handout check has no proof for `cargo {}`: add one to \
                 xtask/src/handout/commands/checker.rs",
                command.subcommand
            ));
        }
        let mut packages = Vec::new();
        for name in &command.packages {
            match self.packages.iter().find(|p| &p.name == name) {
                Some(package) => packages.push(package),
                None => {
                    let lessons: Vec<&str> = self
                        .packages
                        .iter()
                        .map(|p| p.name.as_str())
                        .filter(|n| n.starts_with("lesson"))
                        .collect();
                    return Some(format!(
                        "there is no package `{name}` in the handout (its lesson packages: {})",
                        lessons.join(", ")
                    ));
                }
            }
        }
        for (kind, name) in &command.targets {
            let found = packages.iter().any(|p| {
                p.targets
                    .iter()
                    .any(|(k, n, _)| k == kind && (n == name || name == ANY))
            });
            if !found && !packages.is_empty() {
                return Some(format!(
                    "{} has no {kind} target `{name}`",
                    packages
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        let package = (packages.len() == 1).then(|| packages[0]);
        let environment = assignments > 0;
        match command.subcommand.as_str() {
            "test" => {
                let filter = command.filter.as_ref().filter(|f| *f != ANY);
                match (package, filter) {
                    (Some(package), Some(filter)) if !environment => {
                        let name = package.name.clone();
                        return self.filter_problem(&name, filter);
                    }
                    _ => *self.proofs.entry("found in cargo metadata").or_default() += 1,
                }
            }
            "bench" => {
                if let Some(package) = package
                    && let Some(problem) = bench_problem(package, &command)
                {
                    return Some(problem);
                }
                *self.proofs.entry("found in cargo metadata").or_default() += 1;
            }
            "run" | "build" if !environment => {
                let mut build = vec!["build".to_owned()];
                for name in &command.packages {
                    build.extend(["-p".to_owned(), name.clone()]);
                }
                for (kind, name) in &command.targets {
                    build.extend([format!("--{kind}"), name.clone()]);
                }
                if let (Some(package), Some(example)) = (
                    package,
                    command.targets.iter().find(|(kind, _)| *kind == "example"),
                ) {
                    let mut sources = target_sources(package, "example", &example.1);
                    for dependency in &package.path_dependencies {
                        rust_sources(&dependency.join("src"), &mut sources);
                    }
                    for flag in command.after.iter().filter(|arg| arg.starts_with("--")) {
                        if !sources.contains(&format!("\"{flag}\"")) {
                            return Some(format!(
                                "neither the example `{}` nor the crates it uses mention \
                                 `{flag}`, so it takes no such argument",
                                example.1
                            ));
                        }
                    }
                }
                return self.build_problem(build);
            }
            _ => *self.proofs.entry("found in cargo metadata").or_default() += 1,
        }
        None
    }

    /// Why `filter` matches no test of `package`.
    fn filter_problem(&mut self, package: &str, filter: &str) -> Option<String> {
        if !self.tests.contains_key(package) {
            let listing = (self.cargo)()
                .args(["test", "-p", package, "--tests", "--", "--list"])
                .run();
            let names = match listing {
                Ok(output) if output.success() => output
                    .stdout()
                    .lines()
                    .filter_map(|line| line.strip_suffix(": test"))
                    .map(str::to_owned)
                    .collect(),
                Ok(output) => return Some(format!("its tests do not build:\n{}", output.stderr())),
                Err(error) => return Some(format!("{error:#}")),
            };
            self.tests.insert(package.to_owned(), names);
        }
        *self.proofs.entry("matched a test").or_default() += 1;
        let names = &self.tests[package];
        (!names.iter().any(|name| name.contains(filter))).then(|| {
            format!(
                "no test of {package} has `{filter}` in its name, so it would run nothing \
                 ({} tests listed)",
                names.len()
            )
        })
    }

    /// Why `cargo ARGS` does not build, running it once.
    fn build_problem(&mut self, args: Vec<String>) -> Option<String> {
        let key = args.join(" ");
        if !self.built.contains_key(&key) {
            let cmd = (self.cargo)().args(&args);
            println!("$ {}", cmd.display());
            let result = match cmd.run() {
                Ok(output) if output.success() => Ok(()),
                Ok(output) => Err(format!(
                    "`cargo {key}` fails:\n{}",
                    output.stderr().trim_end()
                )),
                Err(error) => Err(format!("{error:#}")),
            };
            self.built.insert(key.clone(), result);
            *self.proofs.entry("built").or_default() += 1;
        }
        self.built[&key].clone().err()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handout::commands::shell::words;

    #[test]
    fn the_checker_names_what_does_not_exist() {
        let root = lessons::workspace_root().unwrap();
        let cargo = || Cmd::cargo(&root);
        let mut checker = Checker::new(&root, &cargo).unwrap();
        let mut problem = |line: &str| checker.problem(&words(line));
        let missing = problem("cargo test -p lesson9").unwrap();
        assert!(missing.contains("no package `lesson9`"), "{missing}");
        let example = problem("cargo run -p lesson1 --example lesson9-seeds").unwrap();
        assert!(
            example.contains("no example target `lesson9-seeds`"),
            "{example}"
        );
        let course = problem("cargo xtask seeds --reference").unwrap();
        assert!(course.contains("course's repository"), "{course}");
        assert_eq!(problem("cargo bench -p lesson1 -- --quick square"), None);
        assert_eq!(
            problem("cargo clippy -p lesson1 --all-targets -- -D warnings"),
            None
        );
        assert_eq!(problem("cargo xtask loom --lesson 3 transfers"), None);
    }
}
