//! Whether `cargo bench -p P -- ARGS` can pass criterion's arguments to every target it runs.

use std::fs;

use super::cargo_command::CargoCommand;
use super::package::{Package, target_sources};

/// Why `cargo bench` cannot pass `command`'s arguments after `--` to every target it runs in
/// `package`: each must be a bench without libtest's harness (criterion's), since libtest
/// refuses criterion's flags. A benchmark filter must appear in the benches' sources.
pub fn bench_problem(package: &Package, command: &CargoCommand) -> Option<String> {
    if command.after.is_empty() {
        return None;
    }
    let manifest: toml::Table = fs::read_to_string(&package.manifest)
        .ok()
        .and_then(|text| toml::from_str(&text).ok())
        .unwrap_or_default();
    let benched =
        |section: &toml::Value| section.get("bench").and_then(|b| b.as_bool()) != Some(false);
    let section_named = |array: &str, name: &str| {
        manifest
            .get(array)
            .and_then(|a| a.as_array())
            .and_then(|a| {
                a.iter()
                    .find(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
            })
            .cloned()
    };
    for (kind, name, _) in &package.targets {
        let refuses = match kind.as_str() {
            "lib" => manifest.get("lib").is_none_or(benched),
            "bin" => section_named("bin", name).is_none_or(|b| benched(&b)),
            "bench" => section_named("bench", name)
                .is_none_or(|b| b.get("harness").and_then(|h| h.as_bool()) != Some(false)),
            _ => false,
        };
        if refuses {
            return Some(format!(
                "`cargo bench -p {}` also runs its {kind} target `{name}` under libtest, which \
                 refuses criterion's arguments: give it `bench = false` in {}",
                package.name,
                package.manifest.display()
            ));
        }
    }
    let filters: Vec<&String> = command
        .after
        .iter()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let sources: String = package
        .targets
        .iter()
        .filter(|(kind, ..)| kind == "bench")
        .map(|(_, name, _)| target_sources(package, "bench", name))
        .collect();
    filters
        .into_iter()
        .find(|filter| !sources.contains(filter.as_str()))
        .map(|filter| {
            format!(
                "no benchmark of {} mentions `{filter}`, so the filter would run nothing",
                package.name
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handout::commands::shell::words;

    #[test]
    fn criterion_arguments_need_every_benched_target_to_be_criterions() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("benches")).unwrap();
        fs::write(
            dir.join("benches/shim.rs"),
            "#[path = \"shared.rs\"]\nmod bench;\n",
        )
        .unwrap();
        fs::write(
            dir.join("benches/shared.rs"),
            "c.benchmark_group(\"square_1e6\");\n",
        )
        .unwrap();
        let manifest = dir.join("Cargo.toml");
        let package = Package {
            name: "lesson1".to_owned(),
            manifest: manifest.clone(),
            path_dependencies: Vec::new(),
            targets: vec![
                (
                    "lib".to_owned(),
                    "lesson1".to_owned(),
                    dir.join("src/lib.rs"),
                ),
                (
                    "bench".to_owned(),
                    "lesson1".to_owned(),
                    dir.join("benches/shim.rs"),
                ),
            ],
        };
        let problem = |line: &str| {
            let command = CargoCommand::parse(&words(line)).unwrap();
            bench_problem(&package, &command)
        };
        fs::write(
            &manifest,
            "[lib]\nbench = false\n[[bench]]\nname = \"lesson1\"\nharness = false\n",
        )
        .unwrap();
        assert_eq!(problem("bench -p lesson1 -- --quick"), None);
        assert_eq!(problem("bench -p lesson1 -- --quick square"), None);
        let unknown = problem("bench -p lesson1 -- cube").unwrap();
        assert!(unknown.contains("mentions `cube`"), "{unknown}");
        fs::write(
            &manifest,
            "[[bench]]\nname = \"lesson1\"\nharness = false\n",
        )
        .unwrap();
        assert_eq!(problem("bench -p lesson1"), None);
        let refused = problem("bench -p lesson1 -- --quick").unwrap();
        assert!(refused.contains("lib target `lesson1`"), "{refused}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
