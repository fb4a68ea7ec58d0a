//! The handout's packages as `cargo metadata` describes them, and the sources of their targets.

use std::fs;
use std::path::{Path, PathBuf};

/// One package of the handout's workspace, as `cargo metadata` describes it.
#[derive(Debug)]
pub struct Package {
    pub name: String,
    pub manifest: PathBuf,
    /// `(kind, name, source file)` of each target; kinds are cargo's (`lib`, `bin`, `test`,
    /// `bench`, `example`).
    pub targets: Vec<(String, String, PathBuf)>,
    /// The directories of its path dependencies (testkit, seedkit), whose code its targets
    /// run too.
    pub path_dependencies: Vec<PathBuf>,
}

/// Appends every Rust file under `dir` to `text`.
pub fn rust_sources(dir: &Path, text: &mut String) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|entry| entry.ok()) {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, text);
        } else if path.extension().is_some_and(|e| e == "rs") {
            text.push_str(&fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

/// The source of `package`'s target, with the files its `#[path = "…"]` modules name (the
/// shared suites, benches and experiments under tests/).
pub fn target_sources(package: &Package, kind: &str, name: &str) -> String {
    let Some((_, _, main)) = package
        .targets
        .iter()
        .find(|(k, n, _)| k == kind && n == name)
    else {
        return String::new();
    };
    let mut text = fs::read_to_string(main).unwrap_or_default();
    let dir = main.parent().unwrap_or(Path::new("."));
    let included: Vec<String> = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("#[path = \""))
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|path| fs::read_to_string(dir.join(path)).ok())
        .collect();
    for file in included {
        text.push_str(&file);
    }
    text
}
