//! Seed 004's speedup table rerun in Rust, at the seed's sizes:
//!
//! - `cubes_sqrt`: the pairs `(a, √(a³))` for n = 1e2, 1e3, … 1e7, serially and on a rayon pool
//!   of all available threads (the seed used `Pool(cpu_count())`, 8 processes on 8 cores); then
//!   the largest size again on 1 up to twice the available threads, to see the speedup level
//!   off once threads outnumber cores (seed 002's "why is it getting worse for more jobs?").
//!
//! It also searches for the crossover, the smallest n at which the parallel version wins
//! (seeds 000 and 004 ask for it), and prints it as a `note:` on standard error.
//!
//! Run it with `cargo run --release -p lesson5 --example lesson5-seeds` (your code) for a table, or
//! add `-- --json` for one JSON object per line. Every parallel time includes starting the pool, as
//! the seed's does; times are medians of several runs after a warm-up, the serial and parallel runs
//! taking turns. `cargo xtask seeds --lesson 5` sets its rows beside the seed's and the reference's
//! numbers.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use seedkit::{Measurement, Report, grouped, serial_and_parallel};
use subject::{Crossover, Race, Search, cubes_sqrt, cubes_sqrt_par, find_crossover};

/// Seed 004's input sizes.
const SIZES: [u64; 6] = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Enough repetitions for a stable median, fewer for the long runs.
fn repetitions(n: u64) -> usize {
    match n {
        10_000_000.. => 5,
        1_000_000.. => 21,
        _ => 51,
    }
}

/// The parallel version as the seed times it: start a pool, map, collect, shut the pool down.
fn parallel(threads: usize, n: usize) -> Vec<(u64, f64)> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("starting the pool's threads failed")
        .install(|| cubes_sqrt_par(n))
}

// ANCHOR: measure
fn measure(report: &mut Report, n: u64, threads: usize) {
    let size = usize::try_from(n).expect("the sizes fit in usize");
    // Serial and parallel take turns, so that both see the same machine.
    let (serial_s, parallel_s) = serial_and_parallel(
        &format!("cubes_sqrt at n = {} on {threads} threads", grouped(n)),
        repetitions(n),
        || cubes_sqrt(size),
        || parallel(threads, size),
    );
    report.add(Measurement {
        seed: "004",
        experiment: "cubes_sqrt",
        n,
        threads,
        serial_s,
        parallel_s,
    });
}
// ANCHOR_END: measure

/// One race at size `n`: the serial version, then the parallel one, each timed once.
fn race(threads: usize, n: u64) -> Race {
    let size = usize::try_from(n).expect("the sizes fit in usize");
    let timed = |work: &dyn Fn() -> Vec<(u64, f64)>| -> Duration {
        let start = Instant::now();
        std::hint::black_box(work());
        start.elapsed()
    };
    Race {
        serial: timed(&|| cubes_sqrt(size)),
        parallel: timed(&|| parallel(threads, size)),
    }
}

/// The crossover is searched on a geometric grid of sizes, eight steps per doubling from 100
/// on (100, 109, 119, … about 9% apart), so it is found to within 9% in a few dozen races;
/// `find_crossover` searches the step number, exactly as it would search a size.
const STEPS_PER_DOUBLING: f64 = 8.0;
const SMALLEST: f64 = 100.0;

fn size_at(step: u64) -> u64 {
    (SMALLEST * (step as f64 / STEPS_PER_DOUBLING).exp2()).round() as u64
}

fn crossover_note(threads: usize) -> String {
    let largest = SIZES[SIZES.len() - 1] as f64;
    let search = Search {
        start: 1,
        limit: (STEPS_PER_DOUBLING * (largest / SMALLEST).log2()).floor() as u64,
        repetitions: 7,
    };
    let found =
        find_crossover(&search, |step| race(threads, size_at(step))).expect("the search is valid");
    match found {
        Crossover::At(step) if step == search.start => format!(
            "note: cubes_sqrt on {threads} threads: the parallel version (pool start included) \
             already wins at n = {}",
            grouped(size_at(step))
        ),
        Crossover::At(step) => format!(
            "note: cubes_sqrt on {threads} threads: the parallel version (pool start included) \
             wins from about n = {} on (it lost at n = {})",
            grouped(size_at(step)),
            grouped(size_at(step - 1))
        ),
        Crossover::NotUpTo(step) => format!(
            "note: cubes_sqrt on {threads} threads: the parallel version (pool start included) \
             never won, up to n = {}",
            grouped(size_at(step))
        ),
    }
}

pub fn main() -> ExitCode {
    let mut report = Report::from_args_or_exit();
    let threads = available_threads();
    for n in SIZES {
        measure(&mut report, n, threads);
    }
    let largest = SIZES[SIZES.len() - 1];
    for more in (1..=2 * threads).filter(|&p| p != threads) {
        measure(&mut report, largest, more);
    }
    let note = crossover_note(threads);
    report.finish();
    eprintln!("{note}");
    ExitCode::SUCCESS
}
