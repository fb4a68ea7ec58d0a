//! The table: every lesson's rows beside the seed's and the reference's speedups.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use seedkit::{ERROR_MARK, error_mark_legend, grouped, human_seconds, speedup_cell, times};

use super::Subject;
use super::lesson_run::{LessonRun, Outcome};
use super::measurement::Measurement;
use super::peers::{PeerOutcome, PeerRow, PeerRun, against_python, pairs};
use crate::lessons::lesson_list;

const NONE: &str = "—";

/// The widest line [`render`] may print: rustfmt's width, which fits a terminal and the book.
pub const WIDTH: usize = 100;

/// The table of every lesson's rows, the machines above it and the notes and errors under it.
pub fn render(runs: &[LessonRun], subject: Subject, threads_here: usize) -> String {
    let mut text = String::new();
    let measured = runs
        .iter()
        .any(|run| matches!(run.outcome, Outcome::Rows(_)));
    if !measured {
        text.push_str(&wrap(
            &format!(
                "Seeds on {}: no lesson could be measured yet. Each lesson's experiments run \
                 once the exercises they use are done (`cargo test -p lessonN` passes).",
                subject.describe()
            ),
            WIDTH,
        ));
        text.push('\n');
        for run in runs {
            text.push_str(&wrap(&heading(run), WIDTH));
        }
        let below = below_table(runs, false);
        if !below.is_empty() {
            text.push('\n');
            text.push_str(&below);
        }
        return text;
    }
    let intro = format!(
        "Seeds on {}. seed: the tutorial's own speedup (tests/lessonN/seeds.toml; p processes, \
         c cores, where it says). reference: the reference solution's recorded speedup (@t: \
         recorded at t threads only). The last four columns are this run, on {}.",
        subject.describe(),
        counted_grouped(threads_here, "available thread")
    );
    text.push_str(&wrap(&intro, WIDTH));
    if runs.iter().any(|run| !peer_rows(run).is_empty()) {
        text.push_str(&wrap(
            "Rows named \"numpy peer\" or \"python peer\": the experiment in Python on this \
             machine, run right after the lesson, on as many processes as the threads column says.",
            WIDTH,
        ));
    }
    text.push_str(&wrap(&recorded_machines(runs), WIDTH));
    text.push('\n');

    let header = [
        "experiment",
        "n",
        "seed",
        "reference",
        "threads",
        "serial",
        "parallel",
        "speedup",
    ];
    // Each lesson is a heading line followed by its rows (none when it did not run).
    let mut blocks: Vec<(String, Vec<[String; 8]>)> = Vec::new();
    let mut impossible = false;
    for run in runs {
        let heading = heading(run);
        let mut cells = Vec::new();
        if let Outcome::Rows(rows) = &run.outcome {
            for (row, published) in rows {
                impossible |= row.measurement_error;
                let reference = run
                    .recorded
                    .as_ref()
                    .and_then(|recorded| recorded.matching(row))
                    .map_or_else(
                        || NONE.to_owned(),
                        |recorded| {
                            impossible |= recorded.measurement_error;
                            let mut cell = times(recorded.speedup());
                            if recorded.threads != row.threads {
                                let _ = write!(cell, "@{}", recorded.threads);
                            }
                            if recorded.measurement_error {
                                cell.push_str(ERROR_MARK);
                            }
                            cell
                        },
                    );
                let seed = published
                    .as_ref()
                    .and_then(|p| p.speedup().map(|speedup| (p, speedup)))
                    .map_or_else(
                        || NONE.to_owned(),
                        |(p, speedup)| {
                            let setup = p.setup();
                            if setup.is_empty() {
                                times(speedup)
                            } else {
                                format!("{} ({setup})", times(speedup))
                            }
                        },
                    );
                cells.push(row_cells(row.experiment.clone(), row, seed, reference));
                for peer in peer_rows(run).iter().filter(|peer| pairs(row, peer)) {
                    impossible |= peer.measurement.measurement_error;
                    cells.push(peer_cells(peer));
                }
            }
            // A peer row no Rust row pairs with still shows, at the end of its lesson.
            for peer in peer_rows(run) {
                if !rows.iter().any(|(row, _)| pairs(row, peer)) {
                    impossible |= peer.measurement.measurement_error;
                    cells.push(peer_cells(peer));
                }
            }
        }
        blocks.push((heading, cells));
    }
    let mut widths = header.map(|cell| cell.chars().count());
    for (_, rows) in &blocks {
        for row in rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (index, (cell, &width)) in cells.iter().zip(&widths).enumerate() {
            // Names to the left, numbers to the right, as they read best.
            if index == 0 {
                let _ = write!(out, "{cell:<width$}");
            } else {
                let _ = write!(out, "  {cell:>width$}");
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    text.push_str(&line(&header.map(str::to_owned)));
    text.push_str(&line(&widths.map(|width| "-".repeat(width))));
    for (heading, rows) in &blocks {
        text.push_str(&wrap(heading, WIDTH));
        for row in rows {
            text.push_str(&line(row));
        }
    }
    if impossible {
        text.push('\n');
        text.push_str(&error_mark_legend());
        text.push('\n');
    }
    let against = against_python(runs, subject);
    if !against.is_empty() {
        text.push('\n');
        for line in against {
            text.push_str(&wrap(&line, WIDTH));
        }
    }
    let below = below_table(runs, false);
    if !below.is_empty() {
        text.push('\n');
        text.push_str(&below);
    }
    text
}

/// A row of the table: its name, size, the seed's and the reference's cells, and this run.
fn row_cells(name: String, row: &Measurement, seed: String, reference: String) -> [String; 8] {
    [
        name,
        grouped(row.n),
        seed,
        reference,
        grouped(row.threads as u64),
        human_seconds(row.serial_s),
        human_seconds(row.parallel_s),
        speedup_cell(row.speedup(), row.threads),
    ]
}

/// A peer's row, under the Rust row it pairs with: neither the seed's nor the reference's.
fn peer_cells(peer: &PeerRow) -> [String; 8] {
    let name = format!("  {} peer", peer.peer);
    row_cells(name, &peer.measurement, String::new(), String::new())
}

/// The peer rows `run` measured; none when its peers did not run or failed.
fn peer_rows(run: &LessonRun) -> &[PeerRow] {
    match &run.peers {
        Some(PeerRun {
            outcome: PeerOutcome::Rows(rows),
            ..
        }) => rows,
        _ => &[],
    }
}

/// A lesson's line in the table: `lesson 1 (seed 000, 003)` above its rows, or what kept it
/// from running.
fn heading(run: &LessonRun) -> String {
    match &run.outcome {
        Outcome::Rows(rows) => {
            let mut seeds: Vec<&str> = rows.iter().map(|(row, _)| row.seed.as_str()).collect();
            seeds.dedup();
            format!("lesson {} (seed {})", run.lesson, seeds.join(", "))
        }
        Outcome::NotStarted { exercise, section } => {
            let mut line = format!(
                "lesson {}: not started: {}",
                run.lesson,
                lowercase_first(exercise)
            );
            if !section.is_empty() {
                let _ = write!(line, ", see {section}");
            }
            line
        }
        Outcome::Failed(_) => format!("lesson {}: FAILED (see below)", run.lesson),
    }
}

/// `1 available thread`, `10,000 available threads`.
pub(super) fn counted_grouped(count: usize, word: &str) -> String {
    let s = if count == 1 { "" } else { "s" };
    format!("{} {word}{s}", grouped(count as u64))
}

/// `Exercise 1.3` as `exercise 1.3`, to read inside a sentence.
pub(super) fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// Where the recorded reference numbers come from, once per machine.
fn recorded_machines(runs: &[LessonRun]) -> String {
    let mut machines: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for run in runs {
        if let Some(recorded) = &run.recorded {
            machines
                .entry(recorded.machine.describe())
                .or_default()
                .push(run.lesson);
        }
    }
    match machines.len() {
        0 => "No reference numbers are recorded for these lessons.".to_owned(),
        1 => {
            let (machine, _) = machines.into_iter().next().expect("one machine");
            format!("The reference numbers were recorded on {machine}.")
        }
        _ => {
            let parts: Vec<String> = machines
                .into_iter()
                .map(|(machine, lessons)| {
                    let which = if lessons.len() == 1 {
                        "lesson"
                    } else {
                        "lessons"
                    };
                    format!("{which} {}: {machine}", lesson_list(&lessons))
                })
                .collect();
            format!(
                "The reference numbers were recorded on: {}.",
                parts.join("; ")
            )
        }
    }
}

/// The notes and errors that go under the table, or to standard error with `--json`, where
/// they include the exercises not started (which the table shows in its own lines).
pub(super) fn below_table(runs: &[LessonRun], not_started: bool) -> String {
    let mut below = String::new();
    for run in runs {
        match &run.outcome {
            Outcome::Failed(error) => {
                let _ = writeln!(below, "lesson {}: {error}", run.lesson);
            }
            Outcome::NotStarted { .. } if not_started => {
                below.push_str(&wrap(&heading(run), WIDTH))
            }
            _ => {}
        }
        if let Some(PeerRun {
            outcome: PeerOutcome::Failed(error),
            ..
        }) = &run.peers
        {
            let _ = writeln!(below, "lesson {}: Python peers: {error}", run.lesson);
        }
        for note in &run.notes {
            below.push_str(&wrap(&format!("lesson {}: {note}", run.lesson), WIDTH));
        }
    }
    below
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word stays
/// whole), each ended by `\n`.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons;
    use crate::seeds::fixtures::{machine, recorded, sample_runs};
    use crate::seeds::published::{Published, SeedsFile};
    use crate::seeds::recorded::Recorded;

    #[test]
    fn the_table_shows_the_seed_the_reference_and_this_run() {
        let text = render(&sample_runs(), Subject::Student, 2);
        assert!(text.contains("2 available threads"), "{text}");
        assert!(text.contains("Seeds on your code"), "{text}");
        assert!(
            text.contains("recorded on Example CPU @ 2.90GHz, 2 logical cores"),
            "{text}"
        );
        let lines: Vec<&str> = text.lines().collect();
        let first = lines
            .iter()
            .find(|l| l.starts_with("cubes_sqrt ") && l.contains(" 100 ") && l.contains("2.00x"))
            .unwrap();
        for cell in [
            "0.0080x (8p, 8c)",
            "1.67x",
            "500.00 ms",
            "250.00 ms",
            "2.00x",
        ] {
            assert!(first.contains(cell), "{cell:?} missing from {first:?}");
        }
        let second = lines.iter().find(|l| l.contains("1,000")).unwrap();
        assert_eq!(second.matches(NONE).count(), 2, "{second}");
        let nearest = lines
            .iter()
            .find(|l| l.starts_with("cubes_sqrt ") && l.contains(" 4 "))
            .unwrap();
        assert!(nearest.contains("1.67x@2"), "{nearest}");
        assert!(
            text.contains("lesson 1: not started: exercise 1.1, see book/src/lesson1.md#pool-size"),
            "{text}"
        );
        assert!(text.contains("lesson 5 (seed 004)"), "{text}");
        assert!(text.contains("lesson 6: FAILED (see below)"), "{text}");
        assert!(
            text.contains("lesson 6: `cargo run` failed:\nerror: boom"),
            "{text}"
        );
        assert!(
            text.contains("lesson 5: note: crossover at n = 40001"),
            "{text}"
        );
    }

    #[test]
    fn with_nothing_measured_there_is_no_empty_table() {
        let runs = [sample_runs().into_iter().next().unwrap()];
        let text = render(&runs, Subject::Student, 2);
        assert!(
            text.starts_with(
                "Seeds on your code (the lessonN crates): no lesson could be measured yet."
            ),
            "{text}"
        );
        assert!(
            text.ends_with(
                "\n\nlesson 1: not started: exercise 1.1, see book/src/lesson1.md#pool-size\n"
            ),
            "{text}"
        );
        assert!(!text.contains("parallel"), "no table header: {text}");
    }

    #[test]
    fn an_impossible_speedup_is_marked_and_explained() {
        let text = render(&sample_runs(), Subject::Reference, 2);
        assert!(text.contains("4.03x!"), "{text}");
        assert!(text.contains("measurement error"), "{text}");
        assert!(text.contains("Seeds on the reference solutions"), "{text}");
    }

    fn peer(experiment: &str, threads: usize, serial_s: f64, parallel_s: f64) -> PeerRow {
        PeerRow {
            measurement: Measurement {
                seed: "000".to_owned(),
                experiment: experiment.to_owned(),
                n: 1_000_000,
                threads,
                serial_s,
                parallel_s,
                measurement_error: false,
            },
            peer: "numpy".to_owned(),
        }
    }

    /// Lesson 1 measured sort10 on 1 and 2 threads; its peers on 2 and 3 processes, or failed.
    fn with_peers(outcome: PeerOutcome) -> LessonRun {
        let rust = |threads, parallel_s| {
            let row = peer("sort10", threads, 0.279, parallel_s).measurement;
            (row, None)
        };
        LessonRun {
            lesson: 1,
            package: "lesson1-solution".to_owned(),
            outcome: Outcome::Rows(vec![rust(1, 0.3), rust(2, 0.172)]),
            notes: Vec::new(),
            recorded: None,
            peers: Some(PeerRun {
                python: "Python 3.11.7 with numpy 2.4.6".to_owned(),
                outcome,
            }),
        }
    }

    #[test]
    fn a_peer_row_sits_under_its_rust_row_and_the_ratio_is_spelled_out() {
        let peers = PeerOutcome::Rows(vec![
            peer("sort10", 3, 0.25, 0.1),
            peer("sort10", 2, 0.25, 0.14),
        ]);
        let text = render(&[with_peers(peers)], Subject::Reference, 2);
        let lines: Vec<&str> = text.lines().collect();
        let rust = lines
            .iter()
            .position(|l| l.starts_with("sort10 ") && l.contains("172.00 ms"))
            .unwrap();
        let under = lines[rust + 1];
        assert!(under.starts_with("  numpy peer "), "{text}");
        for cell in [" 2 ", "250.00 ms", "140.00 ms", "1.79x"] {
            assert!(under.contains(cell), "{cell:?} missing from {under:?}");
        }
        assert_eq!(under.matches(NONE).count(), 0, "{under}");
        assert!(
            lines[rust + 2].starts_with("  numpy peer ") && lines[rust + 2].contains(" 3 "),
            "the peer no Rust row pairs with comes last:\n{text}"
        );
        assert!(text.contains("Rows named \"numpy peer\""), "{text}");
        let against = "\nAgainst Python, this run (Python 3.11.7 with numpy 2.4.6, \
                       tests/seedkit/peers.py):\n\
                       sort10 n = 1,000,000, serial: reference 279.00 ms, numpy 250.00 ms: 1.1× \
                       slower\n\
                       sort10 n = 1,000,000, parallel on 2: reference 172.00 ms, numpy 140.00 ms: \
                       1.2× slower\n";
        assert!(text.ends_with(against), "{text}");
        let yours = render(
            &[with_peers(PeerOutcome::Rows(Vec::new()))],
            Subject::Student,
            2,
        );
        assert!(
            !yours.contains("Against Python"),
            "no peer, no line:\n{yours}"
        );
        assert!(!yours.contains("peer"), "{yours}");
    }

    #[test]
    fn a_failed_peer_run_is_an_error_line_for_its_lesson() {
        let failed = PeerOutcome::Failed("`python3 peers.py` failed (exit status: 3)".to_owned());
        let text = render(&[with_peers(failed)], Subject::Reference, 2);
        assert!(
            text.ends_with(
                "\n\nlesson 1: Python peers: `python3 peers.py` failed (exit status: 3)\n"
            ),
            "{text}"
        );
        assert!(!text.contains("numpy peer"), "{text}");
        assert!(!text.contains("Against Python"), "{text}");
    }

    #[test]
    fn the_table_fits_100_columns_at_its_widest() {
        let widest = |experiment: &str| Measurement {
            seed: "002".to_owned(),
            experiment: experiment.to_owned(),
            n: 10_000_000,
            threads: 10_000,
            serial_s: 119.77e-3,
            parallel_s: 149.7,
            measurement_error: false,
        };
        let published = Published {
            seed: "002".to_owned(),
            experiment: "poly_grid_apply".to_owned(),
            n: 10_000_000,
            processes: Some(16),
            cores: Some(16),
            serial_s: None,
            parallel_s: None,
            speedup: Some(0.008),
        };
        let mut far = Recorded {
            measurements: vec![Measurement {
                threads: 16,
                serial_s: 99.99,
                parallel_s: 1.0,
                measurement_error: true,
                ..widest("poly_grid_apply")
            }],
            ..recorded()
        };
        far.machine.cpu = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz with a long name".into();
        let mut other = far.clone();
        other.machine.date = "2026-12-03".into();
        let runs = vec![
            LessonRun {
                lesson: 6,
                package: "lesson6-solution".to_owned(),
                outcome: Outcome::Rows(vec![(widest("poly_grid_apply"), Some(published))]),
                notes: vec![format!("note: {}", "a long note ".repeat(12))],
                recorded: Some(far),
                peers: Some(PeerRun {
                    python: "Python 3.11.7 with numpy 2.4.6".to_owned(),
                    outcome: PeerOutcome::Rows(vec![PeerRow {
                        measurement: Measurement {
                            serial_s: 999.99,
                            parallel_s: 99.99,
                            ..widest("poly_grid_apply")
                        },
                        peer: "python".to_owned(),
                    }]),
                }),
            },
            LessonRun {
                lesson: 12,
                package: "lesson12-solution".to_owned(),
                outcome: Outcome::NotStarted {
                    exercise: "Exercise 12.12".to_owned(),
                    section: "book/src/lesson12.md#a-rather-long-section-anchor".to_owned(),
                },
                notes: Vec::new(),
                recorded: Some(other),
                peers: None,
            },
        ];
        let text = render(&runs, Subject::Reference, 10_000);
        let widest_line = text.lines().map(|line| line.chars().count()).max().unwrap();
        assert!(widest_line <= WIDTH, "{widest_line} columns:\n{text}");
        assert!(text.contains("0.0080x (16p, 16c)"), "{text}");
        assert!(text.contains("99.99x@16!"), "{text}");
        assert!(
            machine()
                .describe()
                .ends_with("(load 0.50 0.40 0.30 at the start, 1.95 1.20 0.80 at the end)"),
            "{}",
            machine().describe()
        );
        assert!(text.contains("0.00080x"), "{text}");
        assert!(text.contains("  python peer"), "{text}");
        assert!(text.contains("Against Python"), "{text}");
    }

    #[test]
    fn the_lessons_checked_in_have_valid_seeds_and_reference_files() {
        let root = lessons::workspace_root().unwrap();
        let mut runs = Vec::new();
        for lesson in lessons::discover(&root).unwrap() {
            let published = SeedsFile::load(&root, lesson).unwrap();
            if let Some(recorded) = Recorded::load(&root, lesson).unwrap() {
                assert_eq!(recorded.package, Subject::Reference.package(lesson));
                assert!(!recorded.measurements.is_empty());
                // The recorded rows, as if measured here: the table of the real data.
                let rows = recorded
                    .measurements
                    .iter()
                    .map(|row| (row.clone(), published.matching(row).cloned()))
                    .collect();
                runs.push(LessonRun {
                    lesson,
                    package: recorded.package.clone(),
                    outcome: Outcome::Rows(rows),
                    notes: Vec::new(),
                    recorded: Some(recorded),
                    peers: None,
                });
            }
        }
        let text = render(&runs, Subject::Reference, 2);
        for line in text.lines() {
            assert!(
                line.chars().count() <= WIDTH,
                "{line:?} is too wide:\n{text}"
            );
        }
    }
}
