//! The plan: every argument checked and every file read before any experiment runs.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use super::peers::{Python, probe};
use super::plot::plotter;
use super::published::SeedsFile;
use super::recorded::Recorded;
use super::{Options, Subject};
use crate::lessons;

/// Everything the command will do, decided (and every argument checked) before any of it.
#[derive(Debug)]
pub struct Plan {
    pub(super) subject: Subject,
    /// The lessons to run, each with its example's name and its data files, read and checked.
    pub(super) lessons: Vec<Planned>,
    /// The directory for the pictures, checked to be writable, and the plotting package.
    pub(super) plot: Option<(PathBuf, String)>,
    pub(super) json: bool,
    pub(super) record: bool,
    /// With `--peers`: the Python to run them on, or the line that says why there is none.
    pub(super) peers: Option<Result<Python, String>>,
}

#[derive(Debug)]
pub(super) struct Planned {
    pub(super) lesson: u32,
    pub(super) example: String,
    pub(super) published: SeedsFile,
    pub(super) recorded: Option<Recorded>,
}

/// Checks every argument and reads every file the run will need, so that a mistake is
/// reported at once rather than after minutes of experiments.
pub fn plan(root: &Path, options: &Options) -> Result<Plan> {
    let subject = if options.reference || options.record {
        Subject::Reference
    } else {
        Subject::Student
    };
    if subject == Subject::Reference && !root.join("solutions").is_dir() {
        let flag = if options.record {
            "--record"
        } else {
            "--reference"
        };
        bail!(
            "{flag} runs the reference solutions (solutions/), which this copy of the course \
             does not have: run `cargo xtask seeds` to measure your own code"
        );
    }
    let numbers = lessons::discover(root)?;
    if let Some(wanted) = options.lesson {
        lessons::ensure_exists(&numbers, wanted)?;
    }
    let has_example = |number: u32| {
        root.join(subject.dir(number))
            .join("examples/seeds.rs")
            .is_file()
    };
    let chosen: Vec<u32> = numbers
        .iter()
        .copied()
        .filter(|&number| options.lesson.is_none_or(|wanted| wanted == number))
        .filter(|&number| has_example(number))
        .collect();
    if chosen.is_empty() {
        match options.lesson {
            Some(wanted) => bail!(
                "lesson {wanted} has no seeds example: {}/examples/seeds.rs is missing",
                subject.dir(wanted)
            ),
            None => bail!(
                "no lesson has a seeds example ({}/examples/seeds.rs)",
                subject.dir(0).replace('0', "N")
            ),
        }
    }
    let mut planned = Vec::new();
    for lesson in chosen {
        let manifest = format!("{}/Cargo.toml", subject.dir(lesson));
        let text = fs::read_to_string(root.join(&manifest))
            .with_context(|| format!("could not read {manifest}"))?;
        let example = seeds_example_name(&text)
            .with_context(|| format!("{manifest} is not a valid manifest"))?;
        planned.push(Planned {
            lesson,
            example,
            published: SeedsFile::load(root, lesson)?,
            recorded: Recorded::load(root, lesson)?,
        });
    }
    let plot = match &options.plot {
        Some(dir) => Some((writable_dir(dir)?, plotter(root, subject)?)),
        None => None,
    };
    Ok(Plan {
        subject,
        lessons: planned,
        plot,
        json: options.json,
        record: options.record,
        peers: options
            .peers
            .then(|| probe(root, options.python.as_deref().unwrap_or("python3"))),
    })
}

/// `dir` made absolute, created if missing, and proved writable by writing a file into it.
fn writable_dir(dir: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(dir)
        .with_context(|| format!("--plot {}: could not resolve the path", dir.display()))?;
    let shown = dir.display();
    if absolute.exists() && !absolute.is_dir() {
        bail!("--plot {shown}: it is a file, not a directory: give a directory for the SVGs");
    }
    fs::create_dir_all(&absolute).map_err(|error| {
        anyhow::anyhow!(
            "--plot {shown}: could not create the directory ({error}): choose one you can write \
             to"
        )
    })?;
    let probe = absolute.join(".seeds-plot-write-test");
    fs::write(&probe, b"").map_err(|error| {
        anyhow::anyhow!(
            "--plot {shown}: cannot write into this directory ({error}): choose one you can \
             write to"
        )
    })?;
    let _ = fs::remove_file(&probe);
    Ok(absolute)
}

/// The name cargo knows `examples/seeds.rs` by in a lesson crate's Cargo.toml: its
/// `[[example]]` entry's name (the lessons use `lessonN-seeds`, so that their binaries do not
/// overwrite each other in `target/`), or `seeds` when the manifest has no entry for it.
pub fn seeds_example_name(manifest: &str) -> Result<String> {
    #[derive(Deserialize)]
    struct Manifest {
        #[serde(default)]
        example: Vec<Example>,
    }
    #[derive(Deserialize)]
    struct Example {
        name: String,
        path: Option<String>,
    }

    let manifest: Manifest = toml::from_str(manifest)?;
    Ok(manifest
        .example
        .into_iter()
        .find(|example| example.path.as_deref() == Some("examples/seeds.rs"))
        .map_or_else(|| "seeds".to_owned(), |example| example.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scratch;

    #[test]
    fn the_seeds_example_is_found_by_its_path() {
        let named = "[package]\nname = \"lesson1-solution\"\n\n[[example]]\nname = \"other\"\n\
                     path = \"examples/other.rs\"\n\n[[example]]\nname = \"lesson1-seeds\"\n\
                     path = \"examples/seeds.rs\"\n";
        assert_eq!(seeds_example_name(named).unwrap(), "lesson1-seeds");
        let plain = "[package]\nname = \"lesson1-solution\"\n";
        assert_eq!(seeds_example_name(plain).unwrap(), "seeds");
        let broken = "[[example]]\npath = \"examples/seeds.rs\"\n";
        let error = format!("{:#}", seeds_example_name(broken).unwrap_err());
        assert!(error.contains("missing field `name`"), "{error}");
    }

    /// A scratch directory of this test's own under target/, removed first if a run left it.
    fn scratch(name: &str) -> PathBuf {
        let root = lessons::workspace_root().unwrap();
        let dir = scratch::scratch_dir(&root).join("seeds-tests").join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn plan_error(root: &Path, options: &Options) -> String {
        format!("{:#}", plan(root, options).unwrap_err())
    }

    #[test]
    fn arguments_are_checked_before_any_experiment() {
        let root = lessons::workspace_root().unwrap();
        let error = plan_error(
            &root,
            &Options {
                lesson: Some(9),
                ..Options::default()
            },
        );
        assert_eq!(error, "there is no lesson 9: the lessons are 1–6");

        let dir = scratch("plot");
        let file = dir.join("a-file");
        fs::write(&file, "").unwrap();
        for bad in [file.clone(), file.join("below")] {
            let error = plan_error(
                &root,
                &Options {
                    plot: Some(bad.clone()),
                    ..Options::default()
                },
            );
            assert!(
                error.starts_with(&format!("--plot {}:", bad.display())),
                "{error}"
            );
        }
        let fresh = dir.join("new/pictures");
        let planned = plan(
            &root,
            &Options {
                plot: Some(fresh.clone()),
                lesson: Some(5),
                ..Options::default()
            },
        )
        .unwrap();
        assert!(fresh.is_dir(), "--plot creates its directory");
        assert_eq!(planned.plot.unwrap().1, "lesson5");
        assert_eq!(planned.subject, Subject::Student);
        assert_eq!(planned.lessons.len(), 1);
        assert_eq!(planned.lessons[0].example, "lesson5-seeds");
    }

    #[test]
    fn peers_without_a_python_are_one_line_and_the_rest_still_runs() {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            options: Options,
        }
        use clap::Parser as _;
        let parse = |args: &[&str]| Cli::try_parse_from(["seeds"].iter().chain(args));
        assert!(
            parse(&["--python", "python3"]).is_err(),
            "--python needs --peers"
        );
        assert!(
            parse(&["--peers", "--json"]).is_err(),
            "the peers show in the table only"
        );
        let options = parse(&[
            "--peers",
            "--python",
            "no-such-python-xtask",
            "--lesson",
            "1",
        ])
        .unwrap()
        .options;
        let root = lessons::workspace_root().unwrap();
        let planned = plan(&root, &options).unwrap();
        assert_eq!(planned.lessons.len(), 1);
        let Some(Err(line)) = planned.peers else {
            panic!("no Python, no peers: {:?}", planned.peers);
        };
        assert!(line.contains("no-such-python-xtask"), "{line}");
        assert!(plan(&root, &Options::default()).unwrap().peers.is_none());
    }

    #[test]
    fn every_lesson_runs_on_the_students_crate_unless_asked_for_the_reference() {
        let root = lessons::workspace_root().unwrap();
        let planned = plan(&root, &Options::default()).unwrap();
        assert_eq!(planned.subject, Subject::Student);
        let numbers: Vec<u32> = planned.lessons.iter().map(|p| p.lesson).collect();
        assert_eq!(numbers, lessons::discover(&root).unwrap());
        if !root.join("solutions").is_dir() {
            // The students' copy, where --record is refused (tested below).
            return;
        }
        let recording = plan(
            &root,
            &Options {
                record: true,
                ..Options::default()
            },
        )
        .unwrap();
        assert_eq!(
            recording.subject,
            Subject::Reference,
            "--record implies --reference"
        );
        assert_eq!(Subject::Reference.package(3), "lesson3-solution");
        assert_eq!(Subject::Student.package(3), "lesson3");
    }

    #[test]
    fn the_reference_is_refused_where_there_is_none() {
        let copy = scratch("handout");
        fs::create_dir_all(copy.join("lessons/lesson1/examples")).unwrap();
        fs::write(
            copy.join("lessons/lesson1/Cargo.toml"),
            "[package]\nname = \"lesson1\"\n",
        )
        .unwrap();
        for (flag, options) in [
            (
                "--reference",
                Options {
                    reference: true,
                    ..Options::default()
                },
            ),
            (
                "--record",
                Options {
                    record: true,
                    ..Options::default()
                },
            ),
        ] {
            let error = plan_error(&copy, &options);
            assert!(
                error.starts_with(&format!("{flag} runs the reference solutions")),
                "{error}"
            );
            assert!(error.contains("run `cargo xtask seeds`"), "{error}");
        }
        let error = plan_error(&copy, &Options::default());
        assert_eq!(
            error,
            "no lesson has a seeds example (lessons/lessonN/examples/seeds.rs)"
        );
    }
}
