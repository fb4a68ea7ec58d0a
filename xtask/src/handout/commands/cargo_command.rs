//! Cargo command lines, read as far as the check needs them.

/// The cargo options the check understands, and whether each takes a value. A command with
/// another option fails the check until it is added here.
const CARGO_OPTIONS: &[(&str, bool)] = &[
    ("-p", true),
    ("--package", true),
    ("--example", true),
    ("--test", true),
    ("--bench", true),
    ("--bin", true),
    ("--features", true),
    ("--release", false),
    ("--all-targets", false),
    ("--workspace", false),
    ("--no-run", false),
    ("--no-fail-fast", false),
    ("--lib", false),
    ("--bins", false),
    ("--tests", false),
    ("--examples", false),
    ("--benches", false),
    ("--doc", false),
    ("--open", false),
    ("--check", false),
    ("--all", false),
    ("-q", false),
    ("--quiet", false),
    ("--locked", false),
    ("--offline", false),
];

/// A cargo command line, read as far as the check needs it.
#[derive(Debug, Default, PartialEq)]
pub struct CargoCommand {
    pub subcommand: String,
    pub packages: Vec<String>,
    /// `(kind, name)`: `("example", "lesson1-seeds")`, `("test", "loom")`.
    pub targets: Vec<(&'static str, String)>,
    pub release: bool,
    pub filter: Option<String>,
    /// What follows `--`: the test harness's or the program's own arguments.
    pub after: Vec<String>,
}

impl CargoCommand {
    /// Reads `args` (the words after `cargo`).
    pub fn parse(args: &[String]) -> std::result::Result<Self, String> {
        let mut command = Self {
            subcommand: args.first().cloned().unwrap_or_default(),
            ..Self::default()
        };
        let mut rest = args.iter().skip(1);
        while let Some(arg) = rest.next() {
            if arg == "--" {
                command.after = rest.cloned().collect();
                break;
            }
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            if !name.starts_with('-') {
                if command.filter.is_some() || !["test", "bench"].contains(&&*command.subcommand) {
                    return Err(format!(
                        "`cargo {}` takes no argument `{arg}` here",
                        command.subcommand
                    ));
                }
                command.filter = Some(arg.clone());
                continue;
            }
            let Some(&(_, takes_value)) = CARGO_OPTIONS.iter().find(|(option, _)| *option == name)
            else {
                return Err(format!(
                    "the handout check does not know cargo's `{name}`: if cargo takes it, add \
                     it to CARGO_OPTIONS in xtask/src/handout/commands/cargo_command.rs"
                ));
            };
            let value = if takes_value {
                match inline.or_else(|| rest.next().cloned()) {
                    Some(value) => value,
                    None => return Err(format!("`{name}` needs a value")),
                }
            } else {
                String::new()
            };
            match name {
                "-p" | "--package" => command.packages.push(value),
                "--example" => command.targets.push(("example", value)),
                "--test" => command.targets.push(("test", value)),
                "--bench" => command.targets.push(("bench", value)),
                "--bin" => command.targets.push(("bin", value)),
                "--release" => command.release = true,
                _ => {}
            }
        }
        Ok(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handout::commands::shell::words;

    #[test]
    fn cargo_command_lines_are_read() {
        let args = |line: &str| words(line);
        let command =
            CargoCommand::parse(&args("bench -p lesson2 --bench=lesson2 -- --quick spawn"))
                .unwrap();
        assert_eq!(command.packages, ["lesson2"]);
        assert_eq!(command.targets, [("bench", "lesson2".to_owned())]);
        assert_eq!(command.after, ["--quick", "spawn"]);
        let test = CargoCommand::parse(&args("test -p lesson1 ex3_pool --release")).unwrap();
        assert_eq!(test.filter.as_deref(), Some("ex3_pool"));
        assert!(test.release);
        let unknown = CargoCommand::parse(&args("test --frobnicate")).unwrap_err();
        assert!(unknown.contains("CARGO_OPTIONS"), "{unknown}");
        assert!(CargoCommand::parse(&args("run -p lesson1 stray")).is_err());
    }
}
