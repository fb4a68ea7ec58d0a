//! Seed 004's queue experiment rerun in Rust (`queue_cubes`): `(a, √a³)` for a in 1..=n,
//!
//! - with one thread per item, each putting its tagged result on one channel, as the seed starts
//!   one `Process` per item feeding a `Queue` (the rows whose thread count equals n), at the
//!   seed's n = 7 and at n = 10 000;
//! - with a pool of one worker per core taking items from a queue (`ordered_map`), at n = 7,
//!   10 000 and 1 000 000.
//!
//! Each row compares against a plain serial map. Run it with `cargo run --release -p lesson4
//! --example lesson4-seeds` (your code) for a table, or add `-- --json` for one JSON object per
//! line. Times are medians of several runs after a warm-up, the serial and parallel runs taking
//! turns so that both see the same machine, and include starting the threads, as the seed's timing
//! includes starting its processes. `cargo xtask seeds --lesson 4` sets its rows beside the seed's
//! and the reference's numbers.

use std::process::ExitCode;
use std::thread;

use seedkit::{Measurement, Report, grouped, serial_and_parallel};
use subject::{one_thread_per_item, ordered_map, root_of_cube};

/// Enough repetitions for a stable median, fewer for the long runs.
fn repetitions(n: u64) -> usize {
    if n >= 10_000 { 5 } else { 51 }
}

fn inputs(n: u64) -> Vec<u64> {
    (1..=n).collect()
}

/// Times the plain serial map against `parallel`, interleaved, and reports the row.
fn measure(report: &mut Report, n: u64, threads: usize, parallel: impl FnMut() -> Vec<(u64, f64)>) {
    let (serial_s, parallel_s) = serial_and_parallel(
        &format!("queue_cubes at n = {} on {threads} threads", grouped(n)),
        repetitions(n),
        || inputs(n).into_iter().map(root_of_cube).collect::<Vec<_>>(),
        parallel,
    );
    report.add(Measurement {
        seed: "004",
        experiment: "queue_cubes",
        n,
        threads,
        serial_s,
        parallel_s,
    });
}

// ANCHOR: queue_cubes
fn thread_per_item(report: &mut Report, n: u64) {
    measure(report, n, n as usize, || {
        one_thread_per_item(inputs(n), root_of_cube).expect("starting a thread failed")
    });
}

fn pool(report: &mut Report, n: u64, workers: usize) {
    measure(report, n, workers, || {
        ordered_map(inputs(n), workers, root_of_cube).expect("starting a worker failed")
    });
}
// ANCHOR_END: queue_cubes

pub fn main() -> ExitCode {
    let mut report = Report::from_args_or_exit();
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    for n in [7, 10_000] {
        thread_per_item(&mut report, n);
    }
    for n in [7, 10_000, 1_000_000] {
        pool(&mut report, n, cores);
    }
    report.finish();
    ExitCode::SUCCESS
}
