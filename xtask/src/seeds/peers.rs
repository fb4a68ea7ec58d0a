//! `--peers`: the Python peers of a lesson's experiments ([`SCRIPT`]), run on this machine
//! right after the lesson's Rust run, read back, and set against the Rust rows.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, ensure};
use seedkit::{STALL_LIMIT, grouped, human_seconds, speedup_cell};
use serde::Deserialize;

use super::Subject;
use super::lesson_run::{LessonRun, Outcome, failure_excerpt};
use super::measurement::{Measurement, judge};
use crate::cmd::{Cmd, Line, Stream};
use crate::report::{counted, duration, plural};

/// The script, relative to the workspace root; its docstring says what each peer does.
pub const SCRIPT: &str = "tests/seedkit/peers.py";

/// The end of every line that says the peers cannot run.
const WITHOUT: &str = "going on without the Python rows";

/// How to install numpy for `program`.
fn install(program: &str) -> String {
    format!("`{program} -m pip install numpy`, or Debian's `python3-numpy`")
}

/// A Python that can run the peers, as `peers.py --list` described it.
#[derive(Debug, Clone, PartialEq)]
pub struct Python {
    program: String,
    /// `Python 3.11.7 with numpy 2.4.6`.
    pub described: String,
    /// The experiments the script has a peer for.
    experiments: Vec<String>,
}

/// What `peers.py --list` prints.
#[derive(Debug, Deserialize)]
struct Listing {
    python: String,
    numpy: Option<String>,
    experiments: Vec<String>,
}

/// `program`, ready to run the peers, or the one line that says why it cannot and what to
/// install.
pub(super) fn probe(root: &Path, program: &str) -> Result<Python, String> {
    let cmd = Cmd::new(program, root).args([SCRIPT, "--list"]);
    let output = cmd.run().map_err(|error| {
        format!(
            "--peers: could not start `{program}` ({}): install Python 3 with numpy ({}) or \
             name one with --python PATH; {WITHOUT}",
            error.root_cause(),
            install("python3")
        )
    })?;
    if !output.success() {
        let stderr = output.stderr();
        let last = stderr.lines().last().unwrap_or("no output");
        return Err(format!(
            "--peers: `{}` failed ({}: {last}); {WITHOUT}",
            cmd.display(),
            output.status
        ));
    }
    let listing: Listing = serde_json::from_str(output.stdout().trim()).map_err(|error| {
        format!(
            "--peers: `{}` printed no list of peers ({error}); {WITHOUT}",
            cmd.display()
        )
    })?;
    ready(program, listing)
}

/// The Python `listing` describes, or the line that says it lacks numpy.
fn ready(program: &str, listing: Listing) -> Result<Python, String> {
    let Some(numpy) = listing.numpy else {
        return Err(format!(
            "--peers: {program} (Python {}) has no numpy: install it ({}) or name another \
             Python with --python PATH; {WITHOUT}",
            listing.python,
            install(program)
        ));
    };
    Ok(Python {
        program: program.to_owned(),
        described: format!("Python {} with numpy {numpy}", listing.python),
        experiments: listing.experiments,
    })
}

/// One measurement of a peer: the Rust rows' format, and which Python side it is.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PeerRow {
    #[serde(flatten)]
    pub measurement: Measurement,
    /// `numpy` or `python`: what does the work.
    pub peer: String,
}

/// What one lesson's peers gave.
#[derive(Debug, Clone, PartialEq)]
pub enum PeerOutcome {
    /// Their measurements.
    Rows(Vec<PeerRow>),
    /// Why there are none.
    Failed(String),
}

/// One lesson's run of its peers.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerRun {
    /// The Python they ran on, [`Python::described`].
    pub python: String,
    /// What came of it.
    pub outcome: PeerOutcome,
}

/// Reads the script's standard output: one [`PeerRow`] per non-blank line.
pub(super) fn parse_peers(stdout: &str) -> Result<Vec<PeerRow>> {
    let mut found = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut row: PeerRow = serde_json::from_str(line).with_context(|| {
            format!(
                "output line {} is not a peer measurement such as {{\"seed\":\"000\",\
                 \"experiment\":\"sort10\",\"n\":10,\"threads\":2,\"serial_s\":1e-6,\
                 \"parallel_s\":2e-6,\"peer\":\"numpy\"}}: {line:?}",
                index + 1
            )
        })?;
        judge(&mut row.measurement);
        found.push(row);
    }
    Ok(found)
}

/// Runs the peers of `run`'s measured experiments on `threads` processes; `None` when it
/// measured none that has a peer.
pub(super) fn run_peers(
    root: &Path,
    python: &Python,
    run: &LessonRun,
    threads: usize,
) -> Option<PeerRun> {
    let Outcome::Rows(rows) = &run.outcome else {
        return None;
    };
    let mut experiments: Vec<&str> = Vec::new();
    for (row, _) in rows {
        let name = row.experiment.as_str();
        if python.experiments.iter().any(|known| known == name) && !experiments.contains(&name) {
            experiments.push(name);
        }
    }
    if experiments.is_empty() {
        return None;
    }
    let lesson = run.lesson;
    let cmd = Cmd::new(&python.program, root)
        .args([SCRIPT, "--threads", &threads.to_string()])
        .args(["--stall-limit", &STALL_LIMIT.as_secs().to_string()])
        .args(experiments);
    eprintln!("lesson {lesson}: {}", cmd.display());
    let started = Instant::now();
    let outcome = match cmd.run_observed(&mut progress(lesson)) {
        Ok(output) if output.success() => match rows_of(&output.stdout()) {
            Ok(rows) => {
                eprintln!(
                    "lesson {lesson}: {} in {}",
                    plural(rows.len(), "Python measurement"),
                    duration(started.elapsed())
                );
                PeerOutcome::Rows(rows)
            }
            Err(error) => PeerOutcome::Failed(format!("`{}`: {error:#}", cmd.display())),
        },
        Ok(output) => PeerOutcome::Failed(format!(
            "`{}` failed ({}):\n{}",
            cmd.display(),
            output.status,
            failure_excerpt(&output.stderr())
        )),
        Err(error) => PeerOutcome::Failed(format!("{error:#}")),
    };
    Some(PeerRun {
        python: python.described.clone(),
        outcome,
    })
}

fn rows_of(stdout: &str) -> Result<Vec<PeerRow>> {
    let rows = parse_peers(stdout)?;
    ensure!(!rows.is_empty(), "it printed no measurement");
    Ok(rows)
}

/// Each peer measurement as it arrives, as the Rust ones are shown.
fn progress(lesson: u32) -> impl FnMut(&Line) {
    move |line: &Line| {
        if line.stream == Stream::Stdout
            && let Ok(row) = serde_json::from_str::<PeerRow>(&line.text)
        {
            let measured = &row.measurement;
            eprintln!(
                "lesson {lesson}: {} peer: {} at n = {} on {}: {}",
                row.peer,
                measured.experiment,
                grouped(measured.n),
                counted(measured.threads, "process", "processes"),
                speedup_cell(measured.speedup(), measured.threads)
            );
        }
    }
}

/// Whether `peer` pairs with `row`: the same seed, experiment, size and thread count.
pub(super) fn pairs(row: &Measurement, peer: &PeerRow) -> bool {
    peer.measurement.key() == row.key() && peer.measurement.threads == row.threads
}

/// The lines under the table that put each measured row beside its peer, the ratio spelled
/// out: `sort10 n = 1,000,000, parallel on 2: reference 171.54 ms, numpy 140.00 ms: 1.2×
/// slower`, each size's serial times first. Empty when no row has a peer.
pub(super) fn against_python(runs: &[LessonRun], subject: Subject) -> Vec<String> {
    let ours = match subject {
        Subject::Reference => "reference",
        Subject::Student => "your code",
    };
    let mut lines = Vec::new();
    let mut python = None;
    for run in runs {
        let (Outcome::Rows(rows), Some(peers)) = (&run.outcome, &run.peers) else {
            continue;
        };
        let PeerOutcome::Rows(peer_rows) = &peers.outcome else {
            continue;
        };
        let mut serial_shown = Vec::new();
        for (row, _) in rows {
            for peer in peer_rows.iter().filter(|peer| pairs(row, peer)) {
                python.get_or_insert(peers.python.as_str());
                let theirs = &peer.measurement;
                let size = format!("{} n = {}", row.experiment, grouped(row.n));
                let compare = |what: &str, rust_s: f64, python_s: f64| {
                    format!(
                        "{size}, {what}: {ours} {}, {} {}: {}",
                        human_seconds(rust_s),
                        peer.peer,
                        human_seconds(python_s),
                        ratio(rust_s, python_s)
                    )
                };
                if !serial_shown.contains(&row.key()) {
                    serial_shown.push(row.key());
                    lines.push(compare("serial", row.serial_s, theirs.serial_s));
                }
                let parallel = format!("parallel on {}", grouped(row.threads as u64));
                lines.push(compare(&parallel, row.parallel_s, theirs.parallel_s));
            }
        }
    }
    if let Some(python) = python {
        lines.insert(0, format!("Against Python, this run ({python}, {SCRIPT}):"));
    }
    lines
}

/// How `rust_s` compares with `python_s`: `1.2× faster`, `3.0× slower`, `45× faster`.
pub(super) fn ratio(rust_s: f64, python_s: f64) -> String {
    if !(rust_s > 0.0 && python_s > 0.0 && rust_s.is_finite() && python_s.is_finite()) {
        return "not comparable".to_owned();
    }
    let (factor, word) = if rust_s <= python_s {
        (python_s / rust_s, "faster")
    } else {
        (rust_s / python_s, "slower")
    };
    if factor < 9.95 {
        format!("{factor:.1}× {word}")
    } else {
        format!("{factor:.0}× {word}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons;

    const LINE: &str = r#"{"seed": "000", "experiment": "sort10", "n": 1000000, "threads": 2, "serial_s": 0.25, "parallel_s": 0.14, "peer": "numpy"}"#;

    #[test]
    fn reads_peer_lines_and_judges_them() {
        let rows = parse_peers(&format!("{LINE}\n\n{LINE}\n")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].peer, "numpy");
        assert_eq!(rows[0].measurement.experiment, "sort10");
        assert_eq!(rows[0].measurement.threads, 2);
        assert!(!rows[0].measurement.measurement_error);
        let impossible = LINE.replace("0.14", "0.01");
        assert!(
            parse_peers(&impossible).unwrap()[0]
                .measurement
                .measurement_error
        );
        let error = format!("{:#}", parse_peers(&format!("{LINE}\noops")).unwrap_err());
        assert!(error.contains("output line 2"), "{error}");
        let nameless = LINE.replace(r#", "peer": "numpy""#, "");
        let error = format!("{:#}", parse_peers(&nameless).unwrap_err());
        assert!(error.contains("missing field `peer`"), "{error}");
    }

    #[test]
    fn the_ratio_is_spelled_out_either_way() {
        assert_eq!(ratio(0.081, 0.098), "1.2× faster");
        assert_eq!(ratio(0.3, 0.1), "3.0× slower");
        assert_eq!(ratio(0.29, 13.1), "45× faster");
        assert_eq!(ratio(1.0, 1.0), "1.0× faster");
        assert_eq!(ratio(0.0, 1.0), "not comparable");
    }

    #[test]
    fn a_missing_python_is_one_line_saying_what_to_install() {
        let root = lessons::workspace_root().unwrap();
        let error = probe(&root, "no-such-python-xtask").unwrap_err();
        assert!(
            error.starts_with("--peers: could not start `no-such-python-xtask`"),
            "{error}"
        );
        assert!(error.contains("python3 -m pip install numpy"), "{error}");
        assert!(error.contains("python3-numpy"), "{error}");
        assert!(
            error.ends_with("going on without the Python rows"),
            "{error}"
        );
        assert!(!error.contains('\n'), "{error}");
        let listing = |numpy: Option<&str>| Listing {
            python: "3.11.2".to_owned(),
            numpy: numpy.map(str::to_owned),
            experiments: vec!["sort10".to_owned()],
        };
        let error = ready("/opt/py/bin/python", listing(None)).unwrap_err();
        assert_eq!(
            error,
            "--peers: /opt/py/bin/python (Python 3.11.2) has no numpy: install it \
             (`/opt/py/bin/python -m pip install numpy`, or Debian's `python3-numpy`) or name \
             another Python with --python PATH; going on without the Python rows"
        );
        let python = ready("python3", listing(Some("2.4.6"))).unwrap();
        assert_eq!(python.described, "Python 3.11.2 with numpy 2.4.6");
    }

    /// The script itself, at its small sizes, where a Python with numpy is at hand.
    #[test]
    fn the_script_prints_lines_that_pair_with_the_rust_rows() {
        let root = lessons::workspace_root().unwrap();
        let python = match probe(&root, "python3") {
            Ok(python) => python,
            Err(why) => {
                eprintln!("skipped: {why}");
                return;
            }
        };
        assert_eq!(
            python.experiments,
            ["sort10", "factorial_1e6", "int_matmul_1000"]
        );
        let output = Cmd::new("python3", &root)
            .args([SCRIPT, "--small", "--threads", "2", "square"])
            .args(&python.experiments)
            .run()
            .unwrap();
        assert!(output.success(), "{}", output.combined());
        let rows = parse_peers(&output.stdout()).unwrap();
        let shape: Vec<(&str, &str, usize, &str)> = rows
            .iter()
            .map(|row| {
                let m = &row.measurement;
                (
                    m.seed.as_str(),
                    m.experiment.as_str(),
                    m.threads,
                    row.peer.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("000", "sort10", 2, "numpy"),
                ("003", "factorial_1e6", 1, "python"),
                ("003", "factorial_1e6", 2, "python"),
                ("002", "int_matmul_1000", 2, "numpy"),
            ]
        );
    }
}
