//! `cargo xtask …` commands: read by xtask's own parser, and refused when they need the
//! course's repository.

/// `cargo xtask` subcommands, and `(subcommand, flag)` pairs, that need the course's
/// repository (the reference solutions, the instructors' files): the handout must not name them.
pub const COURSE_ONLY: &[(&str, Option<&str>)] = &[
    ("grade", None),
    ("handout", None),
    ("mutants", None),
    ("loom", Some("--reference")),
    ("seeds", Some("--reference")),
    ("seeds", Some("--record")),
];

/// Why `cargo xtask ARGS` does not run in the handout, read with xtask's own command line.
pub fn xtask_problem(args: &[String]) -> Option<String> {
    use clap::Parser as _;
    let parsed = crate::Cli::try_parse_from(
        std::iter::once("cargo xtask").chain(args.iter().map(String::as_str)),
    );
    if let Err(error) = parsed {
        use clap::error::ErrorKind;
        if !matches!(
            error.kind(),
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
        ) {
            let message = error.to_string();
            let first = message
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            return Some(format!("xtask's command line refuses it: {first}"));
        }
    }
    let subcommand = args.iter().find(|arg| !arg.starts_with('-'))?;
    COURSE_ONLY
        .iter()
        .find(|(name, flag)| {
            name == subcommand && flag.is_none_or(|flag| args.iter().any(|arg| arg == flag))
        })
        .map(|(name, flag)| {
            format!(
                "`cargo xtask {name}{}` needs the course's repository (solutions/ or the \
                 instructors' files), which the handout does not have",
                flag.map(|f| format!(" {f}")).unwrap_or_default()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handout::commands::shell::words;

    #[test]
    fn xtask_commands_are_read_by_its_own_parser() {
        let problem = |line: &str| xtask_problem(&words(line));
        assert_eq!(problem("progress --lesson 2"), None);
        assert_eq!(problem("book --help"), None);
        assert!(problem("progress --lesson two").is_some());
        assert!(problem("frobnicate").is_some());
        let course = problem("mutants --lesson 1 --list").unwrap();
        assert!(course.contains("course's repository"), "{course}");
    }
}
