//! The scratch copy of the workspace a submission is graded in.
//!
//! It holds the instructor's manifests, suites and stubs, with each graded lesson's `src/`
//! replaced by the submission's, plus what grading generates: a test target for the hidden
//! tests, and a small runner crate per lesson with performance kernels. The reference
//! solutions are not copied: the build of lesson N's runner sees the instructor's
//! `solutions/lessonN` read-only at a fixed path of its sandbox ([`compile`]'s `INSTRUCTOR`).
//!
//! Each lesson crate is compiled with `unsafe_code` forbidden (its manifest's `[lints]` gets
//! `unsafe_code = "forbid"` on top of the workspace's lints), so a submission is safe Rust: no
//! code before `main`, no global allocator, no `no_mangle`, `export_name` or `link_section`
//! (unsafe attributes in edition 2024), no assembly, no raw file descriptors. The instructor's
//! suites compiled in the same package hold no `unsafe` either.
//!
//! [`compile`]: super::compile
//!
//! [`Scratch::sync`] makes the copy match that plan, writing only files whose content differs,
//! so an unchanged submission keeps its file times and cargo rebuilds nothing; it also undoes
//! anything a run managed to change.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::compile::{HIDDEN, INSTRUCTOR, WORKSPACE};
use super::perf_crate;
use course::scratch::{Mirror, Source};

/// The test target, in each lesson crate of a scratch copy, that runs the hidden tests.
pub const HIDDEN_TARGET: &str = "grade_hidden";
/// Where grading keeps its own files inside a scratch copy.
pub const GRADE_DIR: &str = ".grade";
/// The workspace manifests builds choose from, inside a scratch copy: `tests.toml` (no
/// performance runner) and `perfN.toml` (lesson N's runner alone, so its build needs only
/// lesson N's reference).
pub const MANIFESTS_DIR: &str = ".grade/manifests";
/// Entries of the workspace a scratch copy leaves out: the reference solutions (used from the
/// instructor's tree) and the tooling.
const LEFT_OUT: &[&str] = &["solutions", "xtask"];

/// What one lesson adds to a scratch copy.
#[derive(Debug, Clone, Default)]
pub struct LessonPlan {
    /// The lesson's number.
    pub number: u32,
    /// The submission's `src/` files (relative path, file); `None` keeps the instructor's stubs.
    pub src: Option<Vec<(PathBuf, PathBuf)>>,
    /// The lesson's provided files (`lesson.toml`'s `provided`, relative to the crate), which
    /// come from the instructor's stubs even when the submission has its own.
    pub provided: Vec<PathBuf>,
    /// The hidden suites, `hidden/lessonN/*.rs`.
    pub hidden: Vec<PathBuf>,
    /// The performance kernels and the reference, when the lesson is timed.
    pub perf: Option<PerfPlan>,
}

/// What a lesson's performance runner is built from, as its build's sandbox shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerfPlan {
    /// The kernels: `tests/lessonN/perf.rs` of the scratch copy.
    pub kernels: PathBuf,
    /// The reference crate: the instructor's `solutions/lessonN`.
    pub reference: PathBuf,
}

impl PerfPlan {
    /// Lesson `n`'s plan, with the paths its build sees.
    pub fn for_lesson(n: u32) -> Self {
        Self {
            kernels: Path::new(WORKSPACE).join(format!("tests/lesson{n}/perf.rs")),
            reference: Path::new(INSTRUCTOR).join(format!("solutions/lesson{n}")),
        }
    }
}

/// A planned scratch copy.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Its directory.
    pub dir: PathBuf,
    mirror: Mirror,
}

impl Scratch {
    /// Plans the copy at `dir` of the workspace at `root` with `lessons` in place. Each copy
    /// builds into a target directory of its own, at the same path inside its sandbox as
    /// every other, so the class cache's dependencies are fresh in it.
    pub fn plan(root: &Path, dir: &Path, lessons: &[LessonPlan]) -> Result<Self> {
        let mut mirror = Mirror::of_workspace(root, dir, LEFT_OUT)?;
        let files = &mut mirror.files;
        let mut members = Vec::new();
        for lesson in lessons {
            let n = lesson.number;
            let crate_dir = PathBuf::from(format!("lessons/lesson{n}"));
            if let Some(src) = &lesson.src {
                files.retain(|path, _| !path.starts_with(crate_dir.join("src")));
                for (relative, file) in src {
                    files.insert(
                        crate_dir.join("src").join(relative),
                        Source::File(file.clone()),
                    );
                }
                for provided in &lesson.provided {
                    let path = crate_dir.join(provided);
                    files.insert(path.clone(), Source::File(root.join(path)));
                }
            }
            if !lesson.hidden.is_empty() {
                let shim = hidden_shim(n, &lesson.hidden)?;
                let path = crate_dir.join("tests").join(format!("{HIDDEN_TARGET}.rs"));
                files.insert(path, Source::Text(shim));
            }
            if let Some(perf) = &lesson.perf {
                let member = format!("{GRADE_DIR}/perf/lesson{n}");
                let (manifest, main) = perf_crate::runner(n, perf)?;
                files.insert(
                    Path::new(&member).join("Cargo.toml"),
                    Source::Text(manifest),
                );
                files.insert(Path::new(&member).join("src/main.rs"), Source::Text(main));
                members.push(member);
            }
        }
        let manifest_path = root.join("Cargo.toml");
        let manifest = fs::read_to_string(&manifest_path)
            .with_context(|| format!("could not read {}", manifest_path.display()))?;
        for lesson in lessons {
            let relative = PathBuf::from(format!("lessons/lesson{}/Cargo.toml", lesson.number));
            let path = root.join(&relative);
            let text = fs::read_to_string(&path)
                .with_context(|| format!("could not read {}", path.display()))?;
            let safe = forbid_unsafe(&text, &manifest).with_context(|| {
                format!("could not forbid unsafe code in {}", relative.display())
            })?;
            files.insert(relative, Source::Text(safe));
        }
        let adapt = |members: &[String]| {
            scratch_manifest(&manifest, members)
                .context("could not adapt the workspace's Cargo.toml for grading")
        };
        let all = adapt(&members)?;
        files.insert(PathBuf::from("Cargo.toml"), Source::Text(all));
        let manifests = Path::new(MANIFESTS_DIR);
        files.insert(manifests.join("tests.toml"), Source::Text(adapt(&[])?));
        for member in &members {
            let n = member.trim_start_matches(&format!("{GRADE_DIR}/perf/lesson"));
            files.insert(
                manifests.join(format!("perf{n}.toml")),
                Source::Text(adapt(std::slice::from_ref(member))?),
            );
        }
        Ok(Self {
            dir: dir.to_owned(),
            mirror,
        })
    }

    /// Makes the copy match the plan. Gives the files it had to write or remove, except the
    /// lock file (which cargo rewrites itself); on a copy that was in sync, a change means a
    /// run wrote to the workspace.
    pub fn sync(&self) -> Result<Vec<PathBuf>> {
        let mut changed = self.mirror.sync()?;
        changed.retain(|path| path != Path::new("Cargo.lock"));
        self.keep_instructor_times()?;
        Ok(changed)
    }

    /// Gives the copy's files that come from the instructor's tree (not a submission's `src/`)
    /// their original modification times, so that every copy, and the class cache's, holds
    /// the course's kits (testkit…) with the same times: cargo then finds the cache's build of
    /// them fresh in every submission's target directory. A submission's own files keep the
    /// time they were copied, so a change to them is always rebuilt.
    fn keep_instructor_times(&self) -> Result<()> {
        for (relative, source) in &self.mirror.files {
            let Source::File(original) = source else {
                continue;
            };
            let submitted = relative.starts_with("lessons")
                && relative
                    .components()
                    .nth(2)
                    .is_some_and(|c| c.as_os_str() == "src");
            if submitted {
                continue;
            }
            let dest = self.dir.join(relative);
            let (Ok(from), Ok(to)) = (fs::metadata(original), fs::metadata(&dest)) else {
                continue;
            };
            let (Ok(time), Ok(now)) = (from.modified(), to.modified()) else {
                continue;
            };
            if time != now {
                fs::File::options()
                    .write(true)
                    .open(&dest)
                    .and_then(|file| file.set_modified(time))
                    .with_context(|| format!("could not set the time of {}", dest.display()))?;
            }
        }
        Ok(())
    }
}

/// A lesson crate's manifest with `unsafe_code = "forbid"` among its lints: the workspace's
/// lints copied in when it inherits them (`[lints] workspace = true` cannot be added to).
fn forbid_unsafe(text: &str, workspace_manifest: &str) -> Result<String> {
    let mut manifest: toml::Table = toml::from_str(text)?;
    let inherits = manifest
        .get("lints")
        .and_then(|lints| lints.get("workspace"))
        .and_then(toml::Value::as_bool)
        == Some(true);
    let mut lints = if inherits {
        let workspace: toml::Table = toml::from_str(workspace_manifest)?;
        workspace
            .get("workspace")
            .and_then(|w| w.get("lints"))
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default()
    } else {
        manifest
            .get("lints")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default()
    };
    let rust = lints
        .entry("rust")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(rust) = rust.as_table_mut() else {
        bail!("its [lints.rust] is not a table");
    };
    rust.insert("unsafe_code".into(), toml::Value::String("forbid".into()));
    manifest.insert("lints".into(), toml::Value::Table(lints));
    Ok(toml::to_string(&manifest)?)
}

/// The workspace manifest of a scratch copy: the solutions and the tooling are not members,
/// the performance runners are, and there are no default members (grading names packages).
fn scratch_manifest(text: &str, extra_members: &[String]) -> Result<String> {
    let mut manifest: toml::Table = toml::from_str(text)?;
    let Some(workspace) = manifest.get_mut("workspace").and_then(|w| w.as_table_mut()) else {
        bail!("it has no [workspace] table");
    };
    let mut members: Vec<toml::Value> = match workspace.get("members") {
        Some(toml::Value::Array(members)) => members.clone(),
        _ => bail!("its [workspace] has no `members` list"),
    };
    members.retain(|member| {
        let first = member
            .as_str()
            .and_then(|m| Path::new(m).components().next())
            .and_then(|c| match c {
                Component::Normal(name) => name.to_str(),
                _ => None,
            });
        !first.is_some_and(|first| LEFT_OUT.contains(&first))
    });
    members.extend(extra_members.iter().cloned().map(toml::Value::String));
    workspace.insert("members".into(), toml::Value::Array(members));
    workspace.remove("default-members");
    Ok(toml::to_string(&manifest)?)
}

/// The test target that mounts lesson `n`'s hidden suites, each file a module of `hidden`.
fn hidden_shim(n: u32, files: &[PathBuf]) -> Result<String> {
    let mut modules = String::new();
    for file in files {
        let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let identifier = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !identifier {
            bail!(
                "hidden suite {} is not named like a Rust module: rename it to letters, digits \
                 and underscores, such as extra_tests.rs",
                file.display()
            );
        }
        let inside = Path::new(HIDDEN)
            .join(format!("lesson{n}"))
            .join(file.file_name().unwrap_or_default());
        modules.push_str(&format!(
            "    #[path = {}]\n    mod {name};\n",
            rust_string(&inside)?
        ));
    }
    Ok(format!(
        "//! Generated by `cargo xtask grade`: the instructor's hidden tests for lesson {n}.\n\
         #![allow(missing_docs)]\n\
         extern crate lesson{n} as subject;\n\
         extern crate testkit as _;\n\
         mod hidden {{\n{modules}}}\n"
    ))
}

/// A path as a Rust string literal.
pub fn rust_string(path: &Path) -> Result<String> {
    let text = path
        .to_str()
        .with_context(|| format!("{} is not a UTF-8 path", path.display()))?;
    Ok(format!("{text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_drops_solutions_and_tooling() {
        let text = "[workspace]\nresolver = \"3\"\nmembers = [\"lessons/*\", \"solutions/*\", \
                    \"tests/testkit\", \"xtask\"]\ndefault-members = [\"solutions/*\"]\n\n\
                    [workspace.dependencies]\ntestkit = { path = \"tests/testkit\" }\n";
        let out = scratch_manifest(text, &[".grade/perf/lesson1".to_owned()]).unwrap();
        let parsed: toml::Table = toml::from_str(&out).unwrap();
        let members = parsed["workspace"]["members"].as_array().unwrap();
        let members: Vec<&str> = members.iter().filter_map(|m| m.as_str()).collect();
        assert_eq!(
            members,
            ["lessons/*", "tests/testkit", ".grade/perf/lesson1"]
        );
        assert!(parsed["workspace"].get("default-members").is_none());
        assert!(parsed["workspace"]["dependencies"].get("testkit").is_some());
        assert!(scratch_manifest("[package]\n", &[]).is_err());
    }

    #[test]
    fn lesson_crates_forbid_unsafe_code() {
        let workspace = "[workspace]\n[workspace.lints.rust]\nmissing_docs = \"warn\"\n\
                         [workspace.lints.clippy]\ndbg_macro = \"warn\"\n";
        let inherited = "[package]\nname = \"l\"\n[lints]\nworkspace = true\n";
        let out: toml::Table =
            toml::from_str(&forbid_unsafe(inherited, workspace).unwrap()).unwrap();
        assert_eq!(out["lints"]["rust"]["unsafe_code"].as_str(), Some("forbid"));
        assert_eq!(out["lints"]["rust"]["missing_docs"].as_str(), Some("warn"));
        assert_eq!(out["lints"]["clippy"]["dbg_macro"].as_str(), Some("warn"));
        assert!(out["lints"].get("workspace").is_none());
        let own = "[package]\nname = \"l\"\n";
        let out: toml::Table = toml::from_str(&forbid_unsafe(own, workspace).unwrap()).unwrap();
        assert_eq!(out["lints"]["rust"]["unsafe_code"].as_str(), Some("forbid"));
    }

    #[test]
    fn hidden_suites_become_modules() {
        let shim = hidden_shim(2, &[PathBuf::from("/h/lesson2/extra.rs")]).unwrap();
        assert!(shim.contains("extern crate lesson2 as subject;"), "{shim}");
        assert!(
            shim.contains("#[path = \"/grade/hidden/lesson2/extra.rs\"]\n    mod extra;"),
            "{shim}"
        );
        assert!(hidden_shim(2, &[PathBuf::from("/h/2-bad.rs")]).is_err());
    }

    #[test]
    fn sync_writes_only_what_differs_and_removes_the_rest() {
        let base = std::env::temp_dir().join(format!("xtask-ws-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let root = base.join("root");
        for (file, text) in [
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"lessons/*\", \"solutions/*\"]\n",
            ),
            (
                "lessons/lesson1/Cargo.toml",
                "[package]\nname = \"lesson1\"\nversion = \"0.1.0\"\n",
            ),
            ("lessons/lesson1/src/lib.rs", "// stub\n"),
            ("lessons/lesson1/src/errors.rs", "// provided\n"),
            ("lessons/lesson1/src/panics.rs", "// provided too\n"),
            ("lessons/lesson1/target/junk", "x"),
            ("solutions/lesson1/src/lib.rs", "// reference\n"),
            ("tests/lesson1/main.rs", "// suite\n"),
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let student = base.join("student.rs");
        fs::write(&student, "// the student's\n").unwrap();
        let altered = base.join("altered.rs");
        fs::write(&altered, "// a provided file, altered\n").unwrap();
        // The student changed one provided file and deleted the other.
        let plan = LessonPlan {
            number: 1,
            src: Some(vec![
                (PathBuf::from("lib.rs"), student),
                (PathBuf::from("errors.rs"), altered),
            ]),
            provided: vec![
                PathBuf::from("src/errors.rs"),
                PathBuf::from("src/panics.rs"),
            ],
            ..LessonPlan::default()
        };
        let scratch = Scratch::plan(&root, &base.join("copy"), &[plan]).unwrap();
        assert!(!scratch.sync().unwrap().is_empty());
        let copy = &scratch.dir;
        let read = |file: &str| fs::read_to_string(copy.join(file)).ok();
        assert_eq!(
            read("lessons/lesson1/src/lib.rs").as_deref(),
            Some("// the student's\n")
        );
        assert_eq!(
            read("lessons/lesson1/src/errors.rs").as_deref(),
            Some("// provided\n"),
            "grading must use the instructor's copy of a provided file"
        );
        assert_eq!(
            read("lessons/lesson1/src/panics.rs").as_deref(),
            Some("// provided too\n")
        );
        assert!(read("solutions/lesson1/src/lib.rs").is_none());
        assert!(read("lessons/lesson1/target/junk").is_none());
        assert!(!read("Cargo.toml").unwrap().contains("solutions"));
        assert!(
            read("lessons/lesson1/Cargo.toml")
                .unwrap()
                .contains("unsafe_code = \"forbid\"")
        );
        assert!(read(".grade/manifests/tests.toml").is_some());

        assert_eq!(scratch.sync().unwrap(), Vec::<PathBuf>::new());
        fs::write(copy.join("tests/lesson1/main.rs"), "// tampered\n").unwrap();
        fs::create_dir_all(copy.join("tests/lesson1/new")).unwrap();
        fs::write(copy.join("tests/lesson1/new/x.rs"), "").unwrap();
        std::os::unix::fs::symlink("/etc", copy.join("lessons/lesson1/src/link")).unwrap();
        let changed = scratch.sync().unwrap();
        assert_eq!(changed.len(), 3, "{changed:?}");
        assert_eq!(read("tests/lesson1/main.rs").as_deref(), Some("// suite\n"));
        assert!(!copy.join("tests/lesson1/new").exists());
        assert!(fs::symlink_metadata(copy.join("lessons/lesson1/src/link")).is_err());
        fs::remove_dir_all(&base).unwrap();
    }
}
