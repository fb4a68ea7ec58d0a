//! Where the handout names commands: its Markdown (code spans and console blocks) and its
//! `cargo xtask --help` pages.

use std::path::Path;

use anyhow::{Result, ensure};

use crate::cmd::Cmd;

use super::shell::shell_command;

/// A command the handout names, and where: a file and line, or the help page that names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub place: String,
    pub command: String,
}

/// The commands `file` names: code spans that start with `cargo`, and the lines of its console
/// blocks (and `$ ` lines of other non-Rust blocks) that do. A `$ ` prompt, a trailing
/// `# comment` and variables set before `cargo` are allowed.
pub fn named_in_markdown(file: &Path, text: &str) -> Vec<Named> {
    let mut named = Vec::new();
    let place = |line: usize| format!("{}:{line}", file.display());
    let mut fence: Option<(String, String)> = None;
    let mut prose = String::new();
    let mut prose_lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (&fence, marker) {
            (None, Some(marker)) => {
                let info = trimmed.trim_start_matches(marker.chars().next().unwrap_or('`'));
                let language = info.split([',', ' ']).next().unwrap_or("").to_owned();
                fence = Some((marker.to_owned(), language));
            }
            (Some((open, _)), Some(marker)) if marker == open => fence = None,
            (Some((_, language)), _) => {
                let console = ["console", "sh", "shell", "bash"].contains(&language.as_str());
                let prompted = trimmed.strip_prefix("$ ");
                let command = match prompted {
                    Some(command) => Some(command),
                    None if console => Some(trimmed),
                    None => None,
                };
                let rust = language.starts_with("rust");
                if let Some(command) = command.filter(|_| !rust).and_then(shell_command) {
                    named.push(Named {
                        place: place(index + 1),
                        command,
                    });
                }
            }
            (None, None) => {
                prose_lines.push((prose.len(), index + 1));
                prose.push_str(line);
                prose.push('\n');
            }
        }
    }
    for (offset, span) in code_spans(&prose) {
        let line = prose_lines
            .iter()
            .rev()
            .find(|(start, _)| *start <= offset)
            .map_or(1, |(_, line)| *line);
        if let Some(command) = shell_command(&span) {
            named.push(Named {
                place: place(line),
                command,
            });
        }
    }
    named.sort_by_key(|n| {
        let line = n.place.rsplit(':').next().and_then(|l| l.parse().ok());
        line.unwrap_or(0usize)
    });
    named
}

/// The code spans of Markdown prose (or of help text), with the byte offset of each: text
/// between two equal runs of backticks, on one line or across a line break.
fn code_spans(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let run_at = |start: usize| bytes[start..].iter().take_while(|&&b| b == b'`').count();
    let mut spans = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'`' {
            at += 1;
            continue;
        }
        let run = run_at(at);
        let mut close = at + run;
        let mut found = None;
        while close < bytes.len() {
            if bytes[close] == b'`' {
                let other = run_at(close);
                if other == run {
                    found = Some(close);
                    break;
                }
                close += other;
            } else if bytes[close..].starts_with(b"\n\n") {
                break;
            } else {
                close += 1;
            }
        }
        match found {
            Some(close) => {
                let inside = text[at + run..close].replace('\n', " ");
                spans.push((at, inside.trim().to_owned()));
                at = close + run;
            }
            None => at += run,
        }
    }
    spans
}

/// The commands the handout's `cargo xtask --help` and each subcommand's `--help` name, read
/// from the handout's own xtask. `<command>` in the main page stands for each subcommand.
pub fn named_in_help(cargo: &dyn Fn() -> Cmd) -> Result<(Vec<Named>, usize)> {
    let help = |args: &[&str]| -> Result<String> {
        let cmd = cargo()
            .args(["run", "--quiet", "-p", "xtask", "--"])
            .args(args)
            .arg("--help");
        let output = cmd.run()?;
        ensure!(
            output.success(),
            "`{}` fails in the handout:\n{}",
            cmd.display(),
            output.combined().trim_end()
        );
        Ok(output.stdout())
    };
    let main = help(&[])?;
    let subcommands: Vec<String> = main
        .lines()
        .skip_while(|line| line.trim() != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    ensure!(
        !subcommands.is_empty(),
        "the handout's `cargo xtask --help` lists no commands:\n{main}"
    );
    let mut named = Vec::new();
    let mut add = |page: &str, text: &str| {
        for (_, span) in code_spans(text) {
            let Some(command) = shell_command(&span) else {
                continue;
            };
            let commands = if command.contains("<command>") {
                subcommands
                    .iter()
                    .map(|name| command.replace("<command>", name))
                    .collect()
            } else {
                vec![command]
            };
            named.extend(commands.into_iter().map(|command| Named {
                place: format!("`{page}`"),
                command,
            }));
        }
    };
    add("cargo xtask --help", &main);
    for name in &subcommands {
        add(&format!("cargo xtask {name} --help"), &help(&[name])?);
    }
    Ok((named, subcommands.len() + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handout::commands::shell::words;

    #[test]
    fn commands_are_found_in_spans_and_console_blocks() {
        let chapter = "Run `cargo test -p lesson1 ex1`, or `cargo\nxtask progress`.\n\n\
                       Not `cargo` alone, nor `rustc x`.\n\n```console\n$ cargo bench -p \
                       lesson1\ncargo xtask ci      # everything\n```\n\n```text\n$ cargo \
                       xtask seeds\ncargo ran this\n```\n\n```rust\n// `cargo build`\n$ \
                       cargo fmt\n```\n\n```console\n$ RUSTFLAGS=\"--cfg loom\" cargo test \
                       --release\n```\n";
        let named = named_in_markdown(Path::new("book/src/a.md"), chapter);
        let found: Vec<(&str, &str)> = named
            .iter()
            .map(|n| (n.place.as_str(), n.command.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("book/src/a.md:1", "cargo test -p lesson1 ex1"),
                ("book/src/a.md:1", "cargo xtask progress"),
                ("book/src/a.md:7", "cargo bench -p lesson1"),
                ("book/src/a.md:8", "cargo xtask ci"),
                ("book/src/a.md:12", "cargo xtask seeds"),
                (
                    "book/src/a.md:22",
                    "RUSTFLAGS=\"--cfg loom\" cargo test --release"
                ),
            ]
        );
        assert_eq!(
            words("RUSTFLAGS=\"--cfg loom\" cargo  test"),
            ["RUSTFLAGS=--cfg loom", "cargo", "test"]
        );
        assert_eq!(
            code_spans("a ``x ` y`` b `c`"),
            [(2, "x ` y".into()), (14, "c".into())]
        );
    }
}
