//! Submissions: which directories are graded, and what is taken from each.
//!
//! Only a lesson's `src/` tree is taken from a submission. Everything else a build or a test
//! needs comes from the instructor's tree; what a submission changed there is reported as
//! ignored.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};

use course::report::some_names;

/// One student's copy of the course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The name in reports: the directory's name, made unique.
    pub name: String,
    /// The directory.
    pub dir: PathBuf,
}

impl Submission {
    /// A name safe as a directory name, for the submission's scratch copy.
    pub fn scratch_name(&self) -> String {
        let name = self
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect::<String>();
        match name.trim_start_matches('.') {
            "" => "submission".to_owned(),
            name => name.to_owned(),
        }
    }
}

/// The submissions to grade: each of `dirs`, each subdirectory of `class` (hidden ones left
/// out), or, with neither, the checkout at `root` itself.
pub fn collect(root: &Path, dirs: &[PathBuf], class: Option<&Path>) -> Result<Vec<Submission>> {
    let mut found: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        ensure!(
            dir.is_dir(),
            "submission {} is not a directory: give the directory holding a student's copy of \
             the course (with its lessons/)",
            dir.display()
        );
        ensure!(
            dir.join("lessons").is_dir(),
            "submission {} has no lessons/ directory, so it holds nothing to grade: give the \
             directory holding a student's copy of the course; nothing was graded",
            dir.display()
        );
        found.push(dir.clone());
    }
    if let Some(class) = class {
        let entries = fs::read_dir(class).with_context(|| {
            format!(
                "could not list the class directory {}: --class takes a directory holding one \
                 directory per submission",
                class.display()
            )
        })?;
        let mut members = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("could not list {}", class.display()))?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if !hidden && entry.path().is_dir() {
                members.push(entry.path());
            }
        }
        if members.is_empty() {
            bail!(
                "the class directory {} holds no submission: expected one directory per \
                 student; nothing was graded",
                class.display()
            );
        }
        // A student who handed in nothing still gets a row (of zeros); a class in which no
        // one did is a wrong directory.
        if !members.iter().any(|member| member.join("lessons").is_dir()) {
            bail!(
                "no directory of the class directory {} has a lessons/ directory, so there is \
                 nothing to grade: --class takes a directory holding one student's copy of the \
                 course per subdirectory; nothing was graded",
                class.display()
            );
        }
        members.sort();
        found.extend(members);
    }
    if found.is_empty() {
        found.push(root.to_owned());
    }
    let mut taken = BTreeSet::new();
    let mut submissions = Vec::new();
    for dir in found {
        let absolute = dir.canonicalize().unwrap_or(dir);
        let base = absolute.file_name().map_or_else(
            || "submission".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut name = base.clone();
        let mut counter = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}-{counter}");
            counter += 1;
        }
        submissions.push(Submission {
            name,
            dir: absolute,
        });
    }
    Ok(submissions)
}

/// What a submission offers for one lesson.
#[derive(Debug, Clone, Default)]
pub struct Intake {
    /// The files of its `src/` tree: (path relative to `src/`, the file in the submission).
    /// `None` when the submission has no `src/` for the lesson.
    pub files: Option<Vec<(PathBuf, PathBuf)>>,
    /// What was left out or ignored, as sentences for the lesson's message.
    pub notes: Vec<String>,
}

/// Reads lesson `number` of the submission at `dir`, comparing what it cannot change with the
/// instructor's tree at `root`: everything outside the lesson's `src/`, and the `provided`
/// files (relative to the crate) inside it.
pub fn intake(dir: &Path, root: &Path, number: u32, provided: &[PathBuf]) -> Result<Intake> {
    let lesson = format!("lessons/lesson{number}");
    let mut intake = Intake::default();
    let src = dir.join(&lesson).join("src");
    if let Some(link) = first_link(dir, &Path::new(&lesson).join("src")) {
        intake.notes.push(format!(
            "{} is a symbolic link, which is not taken: commit the directory itself",
            link.display()
        ));
        return Ok(intake);
    }
    match fs::symlink_metadata(&src) {
        Ok(meta) if meta.is_dir() => {
            let mut files = Vec::new();
            let mut refused = Vec::new();
            walk_src(&src, Path::new(""), &mut files, &mut refused)?;
            if !refused.is_empty() {
                intake.notes.push(format!(
                    "ignored: {} in {lesson}/src (only plain files are taken; commit the files \
                     themselves)",
                    some_names(&refused, 3)
                ));
            }
            intake.files = Some(files);
        }
        _ => {}
    }
    let mut changed = Vec::new();
    compare_tree(dir, root, Path::new(&lesson), &mut changed, &|path| {
        path.starts_with(format!("lessons/lesson{number}/src"))
            || path.starts_with(format!("lessons/lesson{number}/target"))
    })?;
    compare_tree(
        dir,
        root,
        Path::new(&format!("tests/lesson{number}")),
        &mut changed,
        &|_| false,
    )?;
    compare_tree(dir, root, Path::new("Cargo.toml"), &mut changed, &|_| false)?;
    if !changed.is_empty() {
        intake.notes.push(format!(
            "ignored: changes to {} (tests, manifests and benches come from the instructor's \
             copy; only {lesson}/src is graded)",
            some_names(&changed, 4)
        ));
    }
    let mut changed = Vec::new();
    for file in provided {
        compare_tree(
            dir,
            root,
            &Path::new(&lesson).join(file),
            &mut changed,
            &|_| false,
        )?;
    }
    if !changed.is_empty() {
        intake.notes.push(format!(
            "ignored: changes to {} (the course provides {}, so the instructor's copy is \
             graded)",
            some_names(&changed, 4),
            if changed.len() == 1 { "it" } else { "them" }
        ));
    }
    Ok(intake)
}

/// The first component of `relative` (a path below `dir`, walked from `dir` down) that is a
/// symbolic link, as a path relative to `dir`: a link anywhere on the way, not only at its end,
/// could lead out of the submission.
fn first_link(dir: &Path, relative: &Path) -> Option<PathBuf> {
    let mut walked = PathBuf::new();
    for component in relative.components() {
        walked.push(component);
        match fs::symlink_metadata(dir.join(&walked)) {
            Ok(meta) if meta.is_symlink() => return Some(walked),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Lists the plain files below `dir`; symbolic links and special files go to `refused`.
fn walk_src(
    dir: &Path,
    relative: &Path,
    files: &mut Vec<(PathBuf, PathBuf)>,
    refused: &mut Vec<String>,
) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))?;
    let mut entries: Vec<_> = entries.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let name = relative.join(entry.file_name());
        let meta = fs::symlink_metadata(&path)
            .with_context(|| format!("could not read {}", path.display()))?;
        if meta.is_dir() {
            walk_src(&path, &name, files, refused)?;
        } else if meta.is_file() {
            files.push((name, path));
        } else {
            let kind = if meta.is_symlink() {
                "symbolic link"
            } else {
                "special file"
            };
            refused.push(format!("{kind} {}", name.display()));
        }
    }
    Ok(())
}

/// Adds to `changed` each file below `relative` that the submission at `dir` has and that is
/// missing or different in the instructor's tree at `root`, except the paths `skip` names.
fn compare_tree(
    dir: &Path,
    root: &Path,
    relative: &Path,
    changed: &mut Vec<String>,
    skip: &dyn Fn(&Path) -> bool,
) -> Result<()> {
    if skip(relative) || changed.len() > 100 {
        return Ok(());
    }
    let theirs = dir.join(relative);
    let Ok(meta) = fs::symlink_metadata(&theirs) else {
        return Ok(());
    };
    if meta.is_dir() {
        let entries = fs::read_dir(&theirs)
            .with_context(|| format!("could not list {}", theirs.display()))?;
        let mut names: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        names.sort();
        for name in names {
            compare_tree(dir, root, &relative.join(name), changed, skip)?;
        }
    } else {
        let ours = root.join(relative);
        let same = meta.is_file()
            && fs::metadata(&ours).is_ok_and(|m| m.len() == meta.len())
            && fs::read(&ours).ok() == fs::read(&theirs).ok();
        if !same {
            changed.push(relative.display().to_string());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-sub-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn only_src_is_taken_and_the_rest_is_compared() {
        let base = temp("intake");
        let (root, student) = (base.join("root"), base.join("student"));
        for tree in [&root, &student] {
            write(&tree.join("Cargo.toml"), "[workspace]\n");
            write(&tree.join("lessons/lesson1/Cargo.toml"), "[package]\n");
            write(&tree.join("tests/lesson1/main.rs"), "mod a;\n");
            write(&tree.join("lessons/lesson1/src/lib.rs"), "// stub\n");
            write(&tree.join("lessons/lesson1/src/errors.rs"), "// provided\n");
        }
        write(
            &student.join("lessons/lesson1/src/errors.rs"),
            "// altered\n",
        );
        write(
            &student.join("lessons/lesson1/src/lib.rs"),
            "pub fn f() {}\n",
        );
        write(&student.join("lessons/lesson1/src/deep/mod.rs"), "\n");
        write(
            &student.join("lessons/lesson1/Cargo.toml"),
            "[package]\n[dependencies]\nx = \"1\"\n",
        );
        write(&student.join("tests/lesson1/main.rs"), "// all pass now\n");
        write(&student.join("lessons/lesson1/target/junk"), "x");
        std::os::unix::fs::symlink("/etc/passwd", student.join("lessons/lesson1/src/leak.rs"))
            .unwrap();

        let provided = [PathBuf::from("src/errors.rs")];
        let intake = intake(&student, &root, 1, &provided).unwrap();
        let files: Vec<_> = intake
            .files
            .unwrap()
            .into_iter()
            .map(|(rel, _)| rel)
            .collect();
        assert_eq!(
            files,
            [
                PathBuf::from("deep/mod.rs"),
                PathBuf::from("errors.rs"),
                PathBuf::from("lib.rs")
            ]
        );
        let notes = intake.notes.join("\n");
        assert!(notes.contains("symbolic link leak.rs"), "{notes}");
        assert!(
            notes.contains("lessons/lesson1/Cargo.toml, tests/lesson1/main.rs"),
            "{notes}"
        );
        assert!(!notes.contains("target"), "{notes}");
        assert!(
            notes.contains(
                "ignored: changes to lessons/lesson1/src/errors.rs (the course provides it"
            ),
            "{notes}"
        );

        let missing = super::intake(&student, &root, 2, &[]).unwrap();
        assert!(missing.files.is_none());
        assert!(missing.notes.is_empty());
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_link_anywhere_on_the_way_to_src_is_not_followed() {
        let base = temp("links");
        let (root, reference) = (base.join("root"), base.join("reference"));
        write(
            &reference.join("lessons/lesson1/src/lib.rs"),
            "// answers\n",
        );
        for (case, link, target) in [
            (
                "lesson",
                "lessons/lesson1",
                reference.join("lessons/lesson1"),
            ),
            ("lessons", "lessons", reference.join("lessons")),
            (
                "src",
                "lessons/lesson1/src",
                reference.join("lessons/lesson1/src"),
            ),
        ] {
            let student = base.join(case);
            let link = student.join(link);
            fs::create_dir_all(link.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(&target, &link).unwrap();
            let intake = intake(&student, &root, 1, &[]).unwrap();
            assert!(intake.files.is_none(), "{case}: {:?}", intake.files);
            let notes = intake.notes.join("\n");
            let name = link.strip_prefix(&student).unwrap().display().to_string();
            assert!(
                notes.contains(&format!("{name} is a symbolic link, which is not taken")),
                "{case}: {notes}"
            );
        }
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn submissions_are_named_uniquely() {
        let base = temp("collect");
        for dir in ["class/bob", "class/alice", "other/alice"] {
            fs::create_dir_all(base.join(dir).join("lessons")).unwrap();
        }
        fs::create_dir_all(base.join("class/.git")).unwrap();
        fs::write(base.join("class/notes.txt"), "").unwrap();
        let found = collect(
            &base,
            &[base.join("other/alice")],
            Some(&base.join("class")),
        )
        .unwrap();
        let names: Vec<_> = found.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["alice", "alice-2", "bob"]);
        let default = collect(&base, &[], None).unwrap();
        assert_eq!(default[0].dir, base.canonicalize().unwrap());
        assert!(collect(&base, &[base.join("nope")], None).is_err());
        fs::create_dir_all(base.join("empty")).unwrap();
        assert!(collect(&base, &[], Some(&base.join("empty"))).is_err());

        // Nothing to grade: a submission without lessons/, a class none of whose members has
        // one. A class member without it is graded (to zero) beside the others.
        fs::create_dir_all(base.join("blank/carol")).unwrap();
        let error = format!(
            "{:#}",
            collect(&base, &[base.join("blank/carol")], None).unwrap_err()
        );
        assert!(error.contains("has no lessons/ directory"), "{error}");
        assert!(error.contains("nothing was graded"), "{error}");
        let error = format!(
            "{:#}",
            collect(&base, &[], Some(&base.join("blank"))).unwrap_err()
        );
        assert!(error.contains("nothing to grade"), "{error}");
        fs::create_dir_all(base.join("class/dave")).unwrap();
        let class = collect(&base, &[], Some(&base.join("class"))).unwrap();
        assert_eq!(class.len(), 3);
        let odd = Submission {
            name: "../a b".into(),
            dir: base.clone(),
        };
        assert_eq!(odd.scratch_name(), "_a_b");
        fs::remove_dir_all(&base).unwrap();
    }
}
