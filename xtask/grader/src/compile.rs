//! Compiling a lesson of a scratch copy with cargo, inside bubblewrap, and finding the
//! executables it made.
//!
//! Cargo and rustc run sandboxed ([`BuildSandbox`]): no network, the scratch copy, the
//! toolchain and the registry read-only at fixed paths (`/grade/ws`, `/grade/toolchain`,
//! `/grade/cargo/registry`), and only the submission's own target directory writable
//! (`/grade/target`). So no macro trick of a submission (`include_str!` under another name, a
//! `#[path]` made by a macro, a module in a `.txt` file) can reach the instructor's tree,
//! `grading.toml` or the machine's `/etc`: they are not there. Test builds also see the hidden
//! suites (`/grade/hidden`), and the build of lesson N's performance runner sees its reference
//! solution (`/grade/instructor/solutions/lessonN`), read-only; [`dep_info_problems`] then
//! refuses a lesson whose crate read any file outside its own `src/` and the public suites, so
//! neither can be embedded.
//!
//! Every path inside is the same for every submission, so the dependencies a class cache
//! compiled once ([`seed`]) are fresh for every submission's own target directory.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::sandbox::{self, Confinement, Ending, Job, Limits, Mount, View};
use super::workspace::{HIDDEN_TARGET, MANIFESTS_DIR};
use course::cargo::{Build, diagnostics};
use course::cmd::{Line, Output, Stream};

/// Output kept from cargo: its JSON messages for a failing build can be long.
const CARGO_OUTPUT: usize = 64 * 1024 * 1024;
/// The scratch copy, inside a build's sandbox.
pub const WORKSPACE: &str = "/grade/ws";
/// The submission's target directory, inside.
const TARGET: &str = "/grade/target";
/// The toolchain (rustc's sysroot), inside.
const TOOLCHAIN: &str = "/grade/toolchain";
/// Cargo's home (a tmpfs holding the registry, read-only), inside.
const CARGO_HOME: &str = "/grade/cargo";
/// The hidden suites, inside a test build.
pub const HIDDEN: &str = "/grade/hidden";
/// The instructor's workspace manifest and reference solutions, inside a performance build.
pub const INSTRUCTOR: &str = "/grade/instructor";
/// Where cargo's lock files for the scratch copy's manifests live, in the target directory.
const LOCKS: &str = ".grade-locks";

/// One executable cargo built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executable {
    /// The target's name: `suite` for `tests/suite.rs`.
    pub target: String,
    /// The target's kinds: `test` for an integration test, `bin` for a binary.
    pub kind: Vec<String>,
    /// The file.
    pub path: PathBuf,
}

/// What a build gave.
#[derive(Debug, Clone)]
pub enum Built {
    /// It succeeded and made these executables.
    Ok(Vec<Executable>),
    /// It failed with these errors, each as rustc renders it.
    Failed(Vec<String>),
}

/// What every build of a session shares: bubblewrap and what it shows cargo.
#[derive(Debug, Clone)]
pub struct BuildSandbox {
    /// The bubblewrap program.
    pub bwrap: PathBuf,
    /// The toolchain's sysroot on the host (its `bin/cargo` and `bin/rustc` are used).
    pub toolchain: PathBuf,
    /// What of the host's cargo home the build sees: (host path, name inside `CARGO_HOME`).
    pub cargo_home: Vec<(PathBuf, String)>,
    /// The hidden suites' directory on the host, shown to test builds.
    pub hidden: Option<PathBuf>,
    /// The instructor's workspace manifest, which the reference solutions inherit from.
    pub instructor_manifest: PathBuf,
    /// The user and group cargo has inside (bubblewrap runs as the grader: only cargo and
    /// rustc run in a build, no code of a submission's).
    pub ids: Option<(u32, u32)>,
    /// Limits for cargo and rustc: the largest file is `[limits] build_mib`.
    pub limits: Limits,
}

impl BuildSandbox {
    /// The toolchain that runs this grader (`$CARGO`'s, or `rustc --print sysroot`) and the
    /// host's cargo home.
    pub fn locate(
        bwrap: PathBuf,
        hidden: Option<PathBuf>,
        instructor_manifest: PathBuf,
        ids: Option<(u32, u32)>,
        limits: Limits,
    ) -> Result<Self> {
        let from_cargo = std::env::var_os("CARGO")
            .map(PathBuf::from)
            .and_then(|cargo| Some(cargo.parent()?.parent()?.to_owned()))
            .filter(|sysroot| sysroot.join("bin/rustc").is_file());
        let toolchain = match from_cargo {
            Some(sysroot) => sysroot,
            None => {
                let output = std::process::Command::new("rustc")
                    .args(["--print", "sysroot"])
                    .output()
                    .context("could not run `rustc --print sysroot` to find the toolchain")?;
                PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
            }
        };
        anyhow::ensure!(
            toolchain.join("bin/cargo").is_file(),
            "the toolchain at {} has no bin/cargo: grading needs a rustup or standalone \
             toolchain with cargo beside rustc",
            toolchain.display()
        );
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
            .context("neither CARGO_HOME nor HOME is set: where is cargo's registry?")?;
        let cargo_home = ["registry", "git", "config.toml", "config"]
            .into_iter()
            .map(|name| (home.join(name), name.to_owned()))
            .filter(|(path, _)| path.exists())
            .collect();
        Ok(Self {
            bwrap,
            toolchain,
            cargo_home,
            hidden: hidden.filter(|dir| dir.is_dir()),
            instructor_manifest,
            ids,
            limits,
        })
    }
}

/// How to run cargo for one scratch copy.
#[derive(Debug, Clone)]
pub struct Cargo {
    /// The scratch copy.
    pub workspace: PathBuf,
    /// The submission's own target directory.
    pub target_dir: PathBuf,
    /// The time limit of one build.
    pub timeout: Duration,
    /// The session's build sandbox.
    pub sandbox: BuildSandbox,
    /// The reference solutions on the host, by lesson, for the performance runners.
    pub references: Vec<(u32, PathBuf)>,
    /// The most the build may add to the target directory, in bytes.
    pub max_size: u64,
}

/// Which of the scratch copy's workspace manifests a build uses: the one without performance
/// runners, or the one with lesson N's alone (so only its reference need be there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manifest {
    Tests,
    Perf(u32),
}

impl Cargo {
    /// Builds the integration tests of `package` (`cargo test --no-run --test '*'`): the
    /// instructor's suites and the hidden tests, never unit tests a submission wrote in `src/`.
    /// The executables are the test binaries (kind `test`) and the programs the tests run
    /// (`CARGO_BIN_EXE_…`, kind `bin`).
    pub fn tests(&self, package: &str) -> Result<Built> {
        self.tests_of(&[package])
    }

    /// [`Cargo::tests`] for several packages at once (the class cache).
    pub fn tests_of(&self, packages: &[&str]) -> Result<Built> {
        let mut args = vec!["test", "--no-run"];
        for package in packages {
            args.extend(["-p", package]);
        }
        args.extend(["--test", "*"]);
        self.build(&args, Manifest::Tests)
    }

    /// Builds the binary of `package` with optimizations (a performance runner,
    /// `grade-perf-lessonN`).
    pub fn release_binary(&self, package: &str) -> Result<Built> {
        let lesson = package
            .strip_prefix("grade-perf-lesson")
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("{package} is not a performance runner's package"))?;
        self.build(
            &["build", "--release", "-p", package, "--bins"],
            Manifest::Perf(lesson),
        )
    }

    /// What cargo sees: the system, the toolchain, the registry, the scratch copy with the
    /// manifest for `manifest` and its lock file, the target directory, and the hidden suites
    /// or the reference.
    fn view(&self, manifest: Manifest) -> Result<View> {
        let build = &self.sandbox;
        let mut view = View {
            chdir: WORKSPACE.into(),
            ids: build.ids,
            ..View::system(true, 1 << 30)
        };
        // Debian's `cc` is a link through /etc/alternatives.
        if Path::new("/etc/alternatives").is_dir() {
            view = view.with(ro("/etc/alternatives", "/etc/alternatives"));
        }
        view = view
            .with(ro(&build.toolchain, TOOLCHAIN))
            .with(Mount::Tmpfs {
                dest: CARGO_HOME.into(),
                size: 1 << 20,
            });
        for (host, name) in &build.cargo_home {
            view = view.with(ro(host, Path::new(CARGO_HOME).join(name)));
        }
        let (manifest_file, lock_name) = match manifest {
            Manifest::Tests => ("tests.toml".to_owned(), "tests.lock".to_owned()),
            Manifest::Perf(n) => (format!("perf{n}.toml"), format!("perf{n}.lock")),
        };
        let locks = self.target_dir.join(LOCKS);
        fs::create_dir_all(&locks)
            .with_context(|| format!("could not create {}", locks.display()))?;
        let lock = locks.join(&lock_name);
        if !lock.exists() {
            let source = self.workspace.join("Cargo.lock");
            if source.is_file() {
                fs::copy(&source, &lock)
                    .with_context(|| format!("could not copy {}", source.display()))?;
            } else {
                fs::write(&lock, "")?;
            }
        }
        let workspace = Path::new(WORKSPACE);
        view = view
            .with(ro(&self.workspace, workspace))
            .with(ro(
                self.workspace.join(MANIFESTS_DIR).join(manifest_file),
                workspace.join("Cargo.toml"),
            ))
            .with(Mount::Writable {
                source: lock,
                dest: workspace.join("Cargo.lock"),
            })
            .with(Mount::Writable {
                source: self.target_dir.clone(),
                dest: TARGET.into(),
            });
        match manifest {
            Manifest::Tests => {
                if let Some(hidden) = &build.hidden {
                    view = view.with(ro(hidden, HIDDEN));
                }
            }
            Manifest::Perf(n) => {
                let instructor = Path::new(INSTRUCTOR);
                view = view.with(ro(
                    &build.instructor_manifest,
                    instructor.join("Cargo.toml"),
                ));
                // The course's public tests/, which a reference may include from (lesson 3's
                // documents itself with tests/lesson3/rejected.md).
                if let Some(tests) = build
                    .instructor_manifest
                    .parent()
                    .map(|root| root.join("tests"))
                    .filter(|tests| tests.is_dir())
                {
                    view = view.with(ro(tests, instructor.join("tests")));
                }
                if let Some((_, reference)) = self.references.iter().find(|(k, _)| *k == n) {
                    view = view.with(ro(
                        reference,
                        instructor.join(format!("solutions/lesson{n}")),
                    ));
                }
            }
        }
        Ok(view)
    }

    fn build(&self, args: &[&str], manifest: Manifest) -> Result<Built> {
        fs::create_dir_all(&self.target_dir)
            .with_context(|| format!("could not create {}", self.target_dir.display()))?;
        let view = self.view(manifest)?;
        let missing = view.missing();
        anyhow::ensure!(
            missing.is_empty(),
            "the build's sandbox would show paths that do not exist: {missing:?}"
        );
        let mut args: Vec<OsString> = args.iter().map(OsString::from).collect();
        args.extend(["--offline".into(), "--message-format=json".into()]);
        let toolchain = Path::new(TOOLCHAIN);
        let mut env: Vec<(OsString, OsString)> = vec![
            (
                "PATH".into(),
                format!("{TOOLCHAIN}/bin:/usr/local/bin:/usr/bin:/bin").into(),
            ),
            ("HOME".into(), "/tmp".into()),
            ("TMPDIR".into(), "/tmp".into()),
            ("LANG".into(), "C.UTF-8".into()),
            ("CARGO_HOME".into(), CARGO_HOME.into()),
            ("CARGO_TARGET_DIR".into(), TARGET.into()),
            ("CARGO_TERM_COLOR".into(), "never".into()),
            ("CARGO_NET_OFFLINE".into(), "true".into()),
            ("RUSTC".into(), toolchain.join("bin/rustc").into()),
        ];
        env.extend(
            super::BUILD_ENV
                .iter()
                .map(|(key, value)| (OsString::from(key), OsString::from(value))),
        );
        if let Some(jobs) = std::env::var_os("CARGO_BUILD_JOBS") {
            env.push(("CARGO_BUILD_JOBS".into(), jobs));
        }
        let job = Job {
            program: toolchain.join("bin/cargo"),
            args,
            dir: WORKSPACE.into(),
            env,
            confinement: Some(Confinement {
                limits: self.sandbox.limits,
                user: None,
                bwrap: self.sandbox.bwrap.clone(),
                view,
            }),
            timeout: self.timeout,
            stall: None,
            output_cap: CARGO_OUTPUT,
            channel: None,
            proc: true,
        };
        let finished = sandbox::run(&job)?;
        let stdout = finished.stdout.text();
        let status = match finished.ending {
            Ending::Exited(code) => ExitStatus::from_raw((code & 0xff) << 8),
            Ending::Signaled(signal) => ExitStatus::from_raw(signal),
            Ending::TimedOut | Ending::Stalled => {
                return Ok(Built::Failed(vec![format!(
                    "compiling took longer than {} s and was stopped ([limits] build_timeout_s \
                     in the grading configuration)",
                    self.timeout.as_secs()
                )]));
            }
        };
        let lines = |text: &str, stream| {
            text.lines()
                .map(|line| Line {
                    stream,
                    text: line.to_owned(),
                })
                .collect::<Vec<_>>()
        };
        let mut all = lines(&stdout, Stream::Stdout);
        all.extend(lines(&finished.stderr.text(), Stream::Stderr));
        let build = Build {
            diagnostics: diagnostics(&stdout),
            output: Output { status, lines: all },
        };
        let own = own_size(&self.target_dir);
        if own > self.max_size {
            // Too big to keep: the next build starts again from the class cache.
            let _ = fs::remove_dir_all(&self.target_dir);
            return Ok(Built::Failed(vec![format!(
                "the build wrote {} MiB, more than the {} MiB a submission's build may \
                 ([limits] build_mib in the grading configuration)",
                own >> 20,
                self.max_size >> 20
            )]));
        }
        if !build.success() {
            return Ok(Built::Failed(build.errors()));
        }
        let problems = dep_info_problems(&stdout, &self.target_dir);
        if !problems.is_empty() {
            return Ok(Built::Failed(problems));
        }
        Ok(Built::Ok(
            executables(&stdout)
                .into_iter()
                .map(|exe| Executable {
                    path: self.on_host(&exe.path),
                    ..exe
                })
                .collect(),
        ))
    }

    /// Where a file of the target directory is inside a build's sandbox (where a test
    /// binary expects a program of `CARGO_BIN_EXE_…`).
    pub fn inside(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.target_dir) {
            Ok(rest) => Path::new(TARGET).join(rest),
            Err(_) => path.to_owned(),
        }
    }

    /// A path cargo reported from inside its sandbox, on the host.
    fn on_host(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(TARGET) {
            Ok(rest) => self.target_dir.join(rest),
            Err(_) => path.to_owned(),
        }
    }
}

fn ro(source: impl AsRef<Path>, dest: impl AsRef<Path>) -> Mount {
    Mount::ReadOnly {
        source: source.as_ref().to_owned(),
        dest: dest.as_ref().to_owned(),
    }
}

/// The bytes of the files in `dir` that are its own (not hard links shared with the class
/// cache).
fn own_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.nlink() == 1 {
                total += meta.len();
            }
        }
    }
    total
}

/// Lesson crates' source files, by the dep-info rustc wrote for each of their targets, that lie
/// outside what the crate may compile: its own directory (`src/` from the submission, the
/// instructor's test shims) and the public suites under `tests/`, plus, for the hidden-test
/// target alone, the hidden suites. One sentence per file.
fn dep_info_problems(json_lines: &str, target_dir: &Path) -> Vec<String> {
    #[derive(Deserialize)]
    struct Artifact {
        reason: String,
        manifest_path: Option<PathBuf>,
        target: Option<Target>,
        #[serde(default)]
        filenames: Vec<PathBuf>,
    }
    #[derive(Deserialize)]
    struct Target {
        name: String,
    }
    let lessons = Path::new(WORKSPACE).join("lessons");
    let mut problems = BTreeSet::new();
    for line in json_lines.lines().filter(|line| line.starts_with('{')) {
        let Ok(artifact) = serde_json::from_str::<Artifact>(line) else {
            continue;
        };
        let (Some(manifest), Some(target)) = (artifact.manifest_path, artifact.target) else {
            continue;
        };
        if artifact.reason != "compiler-artifact" {
            continue;
        }
        let Some(crate_dir) = manifest
            .parent()
            .filter(|dir| dir.parent() == Some(&lessons))
        else {
            continue;
        };
        let Some(lesson) = crate_dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let mut allowed = vec![crate_dir.to_owned(), Path::new(WORKSPACE).join("tests")];
        if target.name == HIDDEN_TARGET {
            allowed.push(Path::new(HIDDEN).join(lesson));
        }
        for output in &artifact.filenames {
            let Some(dep_info) = dep_info_of(output) else {
                continue;
            };
            let host = target_dir.join(dep_info.strip_prefix(TARGET).unwrap_or(&dep_info));
            let Ok(text) = fs::read_to_string(&host) else {
                continue;
            };
            for source in dep_info_sources(&text) {
                // rustc names a workspace member's files relative to the workspace root.
                let source = normalized(&Path::new(WORKSPACE).join(source));
                if !allowed.iter().any(|dir| source.starts_with(dir)) {
                    problems.insert(format!(
                        "refused: lessons/{lesson} compiled {}, which is not one of its own \
                         files (the crate may only use files in its src/ and the course's \
                         public tests/); grading does not accept a lesson that embeds other \
                         files",
                        shown(&source)
                    ));
                }
            }
        }
    }
    problems.into_iter().collect()
}

/// `path` with its `.` and `..` taken away lexically (the scratch copy holds no links).
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Where a path inside a build's sandbox comes from, for a message.
fn shown(path: &Path) -> String {
    let places = [
        (WORKSPACE, "the scratch copy's "),
        (HIDDEN, "the hidden tests' "),
        (INSTRUCTOR, "the instructor's "),
        (TARGET, "the build directory's "),
    ];
    for (inside, what) in places {
        if let Ok(rest) = path.strip_prefix(inside) {
            return format!("{what}{}", rest.display());
        }
    }
    path.display().to_string()
}

/// The dep-info file rustc writes beside an output: `deps/libx-HASH.rlib` → `deps/x-HASH.d`,
/// `deps/suite-HASH` → `deps/suite-HASH.d`. Only files in a `deps` directory have one.
fn dep_info_of(output: &Path) -> Option<PathBuf> {
    let dir = output.parent()?;
    if dir.file_name()? != "deps" {
        return None;
    }
    let name = output.file_name()?.to_str()?;
    let stem = match name.rsplit_once('.') {
        Some((stem, "rlib" | "rmeta" | "so" | "a")) => stem.strip_prefix("lib").unwrap_or(stem),
        Some((_, _)) | None => name,
    };
    Some(dir.join(format!("{stem}.d")))
}

/// The source files a Makefile-style dep-info file lists (`out: a.rs b.rs`), spaces escaped
/// with `\`.
fn dep_info_sources(text: &str) -> BTreeSet<PathBuf> {
    let mut sources = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((_, deps)) = split_rule(line) else {
            continue;
        };
        let mut current = String::new();
        let mut chars = deps.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&' ') => {
                    current.push(' ');
                    chars.next();
                }
                ' ' => {
                    if !current.is_empty() {
                        sources.insert(PathBuf::from(std::mem::take(&mut current)));
                    }
                }
                c => current.push(c),
            }
        }
        if !current.is_empty() {
            sources.insert(PathBuf::from(current));
        }
    }
    sources
}

/// `target: deps` split at the first unescaped `: `.
fn split_rule(line: &str) -> Option<(&str, &str)> {
    let mut from = 0;
    while let Some(at) = line[from..].find(':') {
        let at = from + at;
        let escaped = line[..at].ends_with('\\');
        let rest = &line[at + 1..];
        if !escaped && (rest.is_empty() || rest.starts_with(' ')) {
            return Some((&line[..at], rest));
        }
        from = at + 1;
    }
    None
}

/// Gives `target` the class cache's files it does not have yet, as hard links (which the
/// cache made read-only), except those `keep_out` names: the lesson crates' own build
/// output, which each submission makes itself. Only cargo's per-unit directories are linked
/// (`<profile>/{deps,build,.fingerprint}`); the rest (the lock files, uplifted copies) cargo
/// remakes.
pub fn seed(cache: &Path, target: &Path, keep_out: &dyn Fn(&str) -> bool) -> Result<usize> {
    let mut linked = 0;
    for profile in ["debug", "release"] {
        for area in ["deps", "build", ".fingerprint"] {
            let from = cache.join(profile).join(area);
            let Ok(entries) = fs::read_dir(&from) else {
                continue;
            };
            let to = target.join(profile).join(area);
            fs::create_dir_all(&to)
                .with_context(|| format!("could not create {}", to.display()))?;
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(text) = name.to_str() else { continue };
                if keep_out(unit_name(text)) {
                    // Seeded by an earlier grader that shared it: the submission's own now.
                    unlink_shared(&entry.path(), &to.join(&name));
                    continue;
                }
                linked += link_tree(&entry.path(), &to.join(&name))?;
            }
        }
    }
    Ok(linked)
}

/// The crate or package a unit's file is named after: `libnum_bigint-0a1b.rlib` →
/// `num_bigint`, `lesson1-solution-0a1b` → `lesson1_solution`, `suite-0a1b.d` → `suite`.
pub fn unit_name(file: &str) -> &str {
    let stem = file.split('.').next().unwrap_or(file);
    let stem = stem.rsplit_once('-').map_or(stem, |(name, _hash)| name);
    stem.strip_prefix("lib").unwrap_or(stem)
}

/// Removes the files of `to` that are hard links to those of `from`.
fn unlink_shared(from: &Path, to: &Path) {
    let (Ok(ours), Ok(theirs)) = (fs::symlink_metadata(from), fs::symlink_metadata(to)) else {
        return;
    };
    if ours.is_dir() && theirs.is_dir() {
        for entry in fs::read_dir(from).into_iter().flatten().flatten() {
            unlink_shared(&entry.path(), &to.join(entry.file_name()));
        }
    } else if ours.is_file() && ours.ino() == theirs.ino() && ours.dev() == theirs.dev() {
        let _ = fs::remove_file(to);
    }
}

fn link_tree(from: &Path, to: &Path) -> Result<usize> {
    let meta = fs::symlink_metadata(from)?;
    if meta.is_dir() {
        fs::create_dir_all(to).with_context(|| format!("could not create {}", to.display()))?;
        let mut linked = 0;
        for entry in fs::read_dir(from)?.flatten() {
            linked += link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        return Ok(linked);
    }
    if !meta.is_file() {
        return Ok(0);
    }
    // Small files cargo and rustc rewrite in place when they redo a unit (its fingerprint,
    // its dep-info) are copied, with the cache's time; outputs, which rustc replaces whole,
    // are linked.
    let in_place = meta.len() < 64 << 10
        && (to.extension().is_some_and(|e| e == "d")
            || to.components().any(|c| c.as_os_str() == ".fingerprint"));
    let there = fs::symlink_metadata(to).ok();
    let same = there.as_ref().is_some_and(|there| {
        if in_place {
            there.len() == meta.len() && there.modified().ok() == meta.modified().ok()
        } else {
            there.ino() == meta.ino() && there.dev() == meta.dev()
        }
    });
    if same {
        return Ok(0);
    }
    if there.is_some() {
        // An older build of the cache's unit: the cache's is fresh.
        fs::remove_file(to).with_context(|| format!("could not replace {}", to.display()))?;
    }
    if in_place {
        fs::copy(from, to)
            .with_context(|| format!("could not copy {} to {}", from.display(), to.display()))?;
        fs::set_permissions(to, fs::Permissions::from_mode(0o644))?;
        fs::File::options()
            .write(true)
            .open(to)
            .and_then(|copy| copy.set_modified(meta.modified()?))
            .with_context(|| format!("could not set the time of {}", to.display()))?;
    } else {
        fs::hard_link(from, to)
            .with_context(|| format!("could not link {} to {}", from.display(), to.display()))?;
    }
    Ok(1)
}

/// Makes every file of the class cache's units read-only (`writable` false), so a build that
/// shares them through hard links cannot change them, or writable again for the cache's own
/// build, which may have to redo a unit (cargo rewrites some files in place).
pub fn freeze(cache: &Path, writable: bool) {
    let mut stack: Vec<PathBuf> = ["debug", "release"]
        .iter()
        .flat_map(|profile| {
            ["deps", "build", ".fingerprint"].map(|area| cache.join(profile).join(area))
        })
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                let mode = if writable {
                    meta.permissions().mode() | 0o200
                } else {
                    meta.permissions().mode() & !0o222
                };
                let _ = fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode));
            }
        }
    }
}

/// The executables in cargo's JSON messages, in the order they were reported.
pub fn executables(json_lines: &str) -> Vec<Executable> {
    #[derive(Deserialize)]
    struct Artifact {
        reason: String,
        target: Option<Target>,
        executable: Option<PathBuf>,
    }
    #[derive(Deserialize)]
    struct Target {
        name: String,
        #[serde(default)]
        kind: Vec<String>,
    }
    json_lines
        .lines()
        .filter(|line| line.starts_with('{'))
        .filter_map(|line| serde_json::from_str::<Artifact>(line).ok())
        .filter(|artifact| artifact.reason == "compiler-artifact")
        .filter_map(|artifact| {
            let target = artifact.target?;
            Some(Executable {
                target: target.name,
                kind: target.kind,
                path: artifact.executable?,
            })
        })
        .collect()
}

/// The test targets of the crate at `crate_dir` that have no libtest harness
/// (`harness = false`): their binaries do not understand libtest's arguments, so they are not
/// run.
pub fn harnessless_tests(crate_dir: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(crate_dir.join("Cargo.toml")) else {
        return Vec::new();
    };
    let Ok(manifest) = toml::from_str::<toml::Table>(&text) else {
        return Vec::new();
    };
    let Some(tests) = manifest.get("test").and_then(|t| t.as_array()) else {
        return Vec::new();
    };
    tests
        .iter()
        .filter(|test| test.get("harness").and_then(|h| h.as_bool()) == Some(false))
        .filter_map(|test| test.get("name")?.as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executables_come_from_artifact_messages() {
        let stream = r#"{"reason":"compiler-artifact","target":{"name":"lesson1","kind":["lib"]},"executable":null}
{"reason":"compiler-artifact","target":{"name":"suite","kind":["test"]},"executable":"/t/debug/deps/suite-abc"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            executables(stream),
            [Executable {
                target: "suite".into(),
                kind: vec!["test".into()],
                path: PathBuf::from("/t/debug/deps/suite-abc")
            }]
        );
    }

    #[test]
    fn dep_info_is_read() {
        let text = "/grade/target/debug/deps/lesson1-ab.d: src/lib.rs /grade/ws/x\\ y.rs\n\
                    \n/grade/ws/x\\ y.rs:\n# env-dep:CARGO_PKG_NAME=lesson1\n";
        let sources = dep_info_sources(text);
        assert!(sources.contains(Path::new("src/lib.rs")), "{sources:?}");
        assert!(
            sources.contains(Path::new("/grade/ws/x y.rs")),
            "{sources:?}"
        );
        assert_eq!(sources.len(), 2, "{sources:?}");
        assert_eq!(
            dep_info_of(Path::new("/t/debug/deps/liblesson1-ab.rlib")),
            Some(PathBuf::from("/t/debug/deps/lesson1-ab.d"))
        );
        assert_eq!(
            dep_info_of(Path::new("/t/debug/deps/suite-ab")),
            Some(PathBuf::from("/t/debug/deps/suite-ab.d"))
        );
        assert_eq!(dep_info_of(Path::new("/t/debug/liblesson1.rlib")), None);
    }

    #[test]
    fn files_outside_the_crate_are_refused() {
        let dir = std::env::temp_dir().join(format!("xtask-depinfo-{}", std::process::id()));
        let deps = dir.join("debug/deps");
        fs::create_dir_all(&deps).unwrap();
        fs::write(
            deps.join("lesson1-ab.d"),
            "/grade/target/debug/deps/lesson1-ab.d: /grade/ws/lessons/lesson1/src/lib.rs \
             lessons/lesson1/src/../../../tests/lesson3/rejected.md \
             lessons/lesson1/src/../../../../../grade/hidden/lesson1/extra.rs\n",
        )
        .unwrap();
        let message = r#"{"reason":"compiler-artifact","manifest_path":"/grade/ws/lessons/lesson1/Cargo.toml","target":{"name":"lesson1","kind":["lib"]},"filenames":["/grade/target/debug/deps/liblesson1-ab.rlib"],"executable":null}"#;
        let problems = dep_info_problems(message, &dir);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("compiled the hidden tests' lesson1/extra.rs"),
            "{problems:?}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn units_are_named_by_their_crate() {
        assert_eq!(unit_name("libnum_bigint-0a1b.rlib"), "num_bigint");
        assert_eq!(unit_name("lesson1-solution-0a1b"), "lesson1-solution");
        assert_eq!(unit_name("suite-0a1b.d"), "suite");
        assert_eq!(unit_name("grade_hidden-0a1b"), "grade_hidden");
    }

    #[test]
    fn harnessless_targets_are_found() {
        let dir = std::env::temp_dir().join(format!("xtask-harness-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"x\"\n[[test]]\nname = \"models\"\nharness = false\n\
             [[test]]\nname = \"suite\"\n",
        )
        .unwrap();
        assert_eq!(harnessless_tests(&dir), ["models"]);
        assert!(harnessless_tests(&dir.join("nope")).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
