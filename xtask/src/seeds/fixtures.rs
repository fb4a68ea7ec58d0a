//! The tests' shared data: measurements, a seeds file, a recorded run and a few lessons' runs.

use super::lesson_run::{LessonRun, Outcome};
use super::machine::Machine;
use super::measurement::Measurement;
use super::published::SeedsFile;
use super::recorded::Recorded;

pub(super) fn measurement(n: u64, threads: usize) -> Measurement {
    Measurement {
        seed: "004".to_owned(),
        experiment: "cubes_sqrt".to_owned(),
        n,
        threads,
        serial_s: 0.5,
        parallel_s: 0.25,
        measurement_error: false,
    }
}

pub(super) const SEEDS: &str = r#"
[[published]]
seed = "004"
experiment = "cubes_sqrt"
n = 100
processes = 8
cores = 8
serial_s = 0.00009639
parallel_s = 0.1197657
speedup = 0.008

[[published]]
seed = "003"
experiment = "factorial_1e6"
n = 1000000
processes = 1
serial_s = 8.40
parallel_s = 8.40

[[published]]
seed = "003"
experiment = "factorial_1e6"
n = 1000000
processes = 2
serial_s = 8.40
parallel_s = 4.63
"#;

pub(super) fn machine() -> Machine {
    Machine {
        cpu: "Example CPU @ 2.90GHz".to_owned(),
        logical_cores: 2,
        os: "linux 6.1.0 (Debian GNU/Linux 12 (bookworm))".to_owned(),
        rustc: "rustc 1.95.0 (0123456789 2026-10-01)".to_owned(),
        date: "2026-12-02".to_owned(),
        load_average: "1.95 1.20 0.80".to_owned(),
        load_average_at_start: "0.50 0.40 0.30".to_owned(),
    }
}

pub(super) fn recorded() -> Recorded {
    Recorded {
        package: "lesson5-solution".to_owned(),
        machine: machine(),
        measurements: vec![
            Measurement {
                parallel_s: 0.3,
                ..measurement(100, 2)
            },
            Measurement {
                parallel_s: 0.45,
                ..measurement(100, 1)
            },
        ],
    }
}

/// Lesson 5 with a published and an unpublished row and a note; lesson 6 failed; lesson 1
/// not started.
pub(super) fn sample_runs() -> [LessonRun; 3] {
    let file = SeedsFile::parse(SEEDS).unwrap();
    let row = measurement(100, 2);
    let published = file.matching(&row).cloned();
    let impossible = Measurement {
        serial_s: 1.61,
        parallel_s: 0.4,
        measurement_error: true,
        ..measurement(100, 2)
    };
    [
        LessonRun {
            lesson: 1,
            package: "lesson1".to_owned(),
            outcome: Outcome::NotStarted {
                exercise: "Exercise 1.1".to_owned(),
                section: "book/src/lesson1.md#pool-size".to_owned(),
            },
            notes: Vec::new(),
            recorded: None,
            peers: None,
        },
        LessonRun {
            lesson: 5,
            package: "lesson5".to_owned(),
            outcome: Outcome::Rows(vec![
                (row, published),
                (measurement(1000, 2), None),
                (measurement(100, 4), None),
                (impossible, None),
            ]),
            notes: vec!["note: crossover at n = 40001".to_owned()],
            recorded: Some(recorded()),
            peers: None,
        },
        LessonRun {
            lesson: 6,
            package: "lesson6".to_owned(),
            outcome: Outcome::Failed("`cargo run` failed:\nerror: boom".to_owned()),
            notes: Vec::new(),
            recorded: None,
            peers: None,
        },
    ]
}
