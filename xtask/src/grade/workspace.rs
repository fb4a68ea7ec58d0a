//! The scratch copy of the workspace a submission is graded in.
//!
//! It holds the instructor's manifests, suites and stubs, with each graded lesson's `src/`
//! replaced by the submission's, plus what grading generates: a test target for the hidden
//! tests, and a small runner crate per lesson with performance kernels. The reference
//! solutions are not copied: the runner crates use the instructor's `solutions/lessonN`
//! directly, so the reference compiles once for the whole class.
//!
//! [`Scratch::sync`] makes the copy match that plan, writing only files whose content differs,
//! so an unchanged submission keeps its file times and cargo rebuilds nothing; it also undoes
//! anything a run managed to change.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::perf_crate;
use crate::scratch::{Mirror, Source};

/// The test target, in each lesson crate of a scratch copy, that runs the hidden tests.
pub const HIDDEN_TARGET: &str = "grade_hidden";
/// Where grading keeps its own files inside a scratch copy.
pub const GRADE_DIR: &str = ".grade";
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

/// What a lesson's performance runner is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerfPlan {
    /// The kernels: the instructor's `tests/lessonN/perf.rs`.
    pub kernels: PathBuf,
    /// The reference crate: the instructor's `solutions/lessonN`.
    pub reference: PathBuf,
}

/// A planned scratch copy.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Its directory.
    pub dir: PathBuf,
    mirror: Mirror,
}

impl Scratch {
    /// Plans the copy at `dir` of the workspace at `root` with `lessons` in place.
    ///
    /// Every copy builds into the class's one target directory, where cargo would take the
    /// lesson crates of two copies for the same crate (it names build output by the path
    /// relative to the workspace, the same in every copy) and could reuse one submission's
    /// build for another. So each lesson crate of this copy gets a version of its own, from
    /// `tag` (`0.1.0+grade.<tag>`): its build output, and that of everything built on it, is
    /// this copy's alone, while the dependencies are still shared.
    pub fn plan(root: &Path, dir: &Path, tag: &str, lessons: &[LessonPlan]) -> Result<Self> {
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
            let tagged = tagged_manifest(&text, &manifest, tag).with_context(|| {
                format!("could not give {} a version of its own", relative.display())
            })?;
            files.insert(relative, Source::Text(tagged));
        }
        let manifest = scratch_manifest(&manifest, &members)
            .context("could not adapt the workspace's Cargo.toml for grading")?;
        files.insert(PathBuf::from("Cargo.toml"), Source::Text(manifest));
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
        Ok(changed)
    }

    /// A fresh directory for one run, the only place the run may write.
    pub fn run_dir(&self) -> PathBuf {
        self.dir.join(GRADE_DIR).join("run")
    }
}

/// A lesson crate's manifest with the version `VERSION+grade.<tag>` (the crate's own version,
/// or the workspace's when it inherits it).
fn tagged_manifest(text: &str, workspace_manifest: &str, tag: &str) -> Result<String> {
    let mut manifest: toml::Table = toml::from_str(text)?;
    let Some(package) = manifest.get_mut("package").and_then(|p| p.as_table_mut()) else {
        bail!("it has no [package] table");
    };
    let version = match package.get("version") {
        Some(toml::Value::String(version)) => version.clone(),
        Some(toml::Value::Table(_)) => {
            let workspace: toml::Table = toml::from_str(workspace_manifest)?;
            workspace
                .get("workspace")
                .and_then(|w| w.get("package"))
                .and_then(|p| p.get("version"))
                .and_then(|v| v.as_str())
                .context("it inherits the workspace's version, which has none")?
                .to_owned()
        }
        _ => "0.0.0".to_owned(),
    };
    let base = version.split('+').next().unwrap_or(&version);
    package.insert(
        "version".into(),
        toml::Value::String(format!("{base}+grade.{tag}")),
    );
    Ok(toml::to_string(&manifest)?)
}

/// A tag for [`Scratch::plan`] from a submission's name: 16 hex digits of its FNV-1a hash,
/// the same on every run.
pub fn tag(name: &str) -> String {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
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
        modules.push_str(&format!(
            "    #[path = {}]\n    mod {name};\n",
            rust_string(file)?
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
    fn each_copy_versions_its_lesson_crates() {
        let workspace = "[workspace]\n[workspace.package]\nversion = \"2.0.0\"\n";
        let own = tagged_manifest(
            "[package]\nname = \"l\"\nversion = \"0.1.0\"\n",
            workspace,
            "ab",
        )
        .unwrap();
        assert!(own.contains("version = \"0.1.0+grade.ab\""), "{own}");
        let inherited = "[package]\nname = \"l\"\nversion.workspace = true\n";
        let inherited = tagged_manifest(inherited, workspace, "ab").unwrap();
        assert!(
            inherited.contains("version = \"2.0.0+grade.ab\""),
            "{inherited}"
        );
        assert_eq!(tag("alice"), tag("alice"));
        assert_ne!(tag("alice"), tag("bob"));
        assert_eq!(tag("alice").len(), 16);
    }

    #[test]
    fn hidden_suites_become_modules() {
        let shim = hidden_shim(2, &[PathBuf::from("/h/lesson2/extra.rs")]).unwrap();
        assert!(shim.contains("extern crate lesson2 as subject;"), "{shim}");
        assert!(
            shim.contains("#[path = \"/h/lesson2/extra.rs\"]\n    mod extra;"),
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
        let scratch = Scratch::plan(&root, &base.join("copy"), "t1", &[plan]).unwrap();
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
                .contains("version = \"0.1.0+grade.t1\"")
        );

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
