//! Seeds 000 and 003 rerun in Rust, at the seeds' own sizes:
//!
//! - `square`: seed 000's `x**2` over n = 10, 10 000 and 1 000 000 numbers;
//! - `sort10`: seed 000's ten random arrays of N = 5, 10 000 and 1 000 000 numbers, each sorted;
//! - `factorial_1e6`: seed 003's exact factorial of a million random integers in [1, 100), on
//!   pools of 1 up to all available threads.
//!
//! Run it with `cargo run --release -p lesson1 --example lesson1-seeds` (your code) for a table, or
//! add `-- --json` for one JSON object per line. Every parallel time includes starting the pool, as
//! Python's `with Pool(n) as p:` does; times are medians of several runs after a warm-up, the
//! serial and parallel runs taking turns so that both see the same machine. `cargo xtask seeds
//! --lesson 1` sets its rows beside the seed's and the reference's numbers.

use std::process::ExitCode;

use seedkit::{Measurement, Report, grouped, serial_and_each, serial_and_parallel};
use subject::{Pool, cpu_count, default_chunk_size, factorial, random_inputs, sort_random, square};

/// Enough repetitions for a stable median, fewer for the long runs.
fn repetitions(n: u64) -> usize {
    if n >= 1_000_000 { 5 } else { 51 }
}

fn pool(threads: usize) -> Pool {
    Pool::new(threads).expect("starting the pool's threads failed")
}

// ANCHOR: square
fn square_experiment(report: &mut Report, threads: usize) {
    for n in [10, 10_000, 1_000_000] {
        let (serial_s, parallel_s) = serial_and_parallel(
            &format!("square at n = {}", grouped(n)),
            repetitions(n),
            || (0..n).map(square).collect::<Vec<u64>>(),
            || {
                let items: Vec<u64> = (0..n).collect();
                let chunk_size = default_chunk_size(items.len(), threads);
                pool(threads)
                    .map(square, items, chunk_size)
                    .expect("square never panics")
            },
        );
        report.add(Measurement {
            seed: "000",
            experiment: "square",
            n,
            threads,
            serial_s,
            parallel_s,
        });
    }
}
// ANCHOR_END: square

fn sort_experiment(report: &mut Report, threads: usize) {
    const ARRAYS: usize = 10;
    const SEED: u64 = 42;
    for n in [5, 10_000, 1_000_000] {
        let size = n as usize;
        let (serial_s, parallel_s) = serial_and_parallel(
            &format!("sort10 at n = {}", grouped(n)),
            repetitions(n),
            || {
                (0..ARRAYS)
                    .map(|_| sort_random(size, SEED))
                    .collect::<Vec<_>>()
            },
            || {
                pool(threads)
                    .map(|size| sort_random(size, SEED), vec![size; ARRAYS], 1)
                    .expect("sorting never panics")
            },
        );
        report.add(Measurement {
            seed: "000",
            experiment: "sort10",
            n,
            threads,
            serial_s,
            parallel_s,
        });
    }
}

fn factorial_experiment(report: &mut Report) {
    const INPUTS: usize = 1_000_000;
    const REPS: usize = 3;
    let inputs = random_inputs(INPUTS, 1, 100, 2017);
    // Keep each factorial's size, so the work cannot be skipped and memory stays small.
    let digest = |k: u32| factorial(k).bits();
    let thread_counts: Vec<usize> = (1..=cpu_count()).collect();
    let mut on_pools: Vec<_> = thread_counts
        .iter()
        .map(|&threads| {
            let inputs = &inputs;
            move || {
                let chunk_size = default_chunk_size(INPUTS, threads);
                let sizes = pool(threads)
                    .map(digest, inputs.clone(), chunk_size)
                    .expect("factorial never panics");
                sizes.into_iter().sum::<u64>()
            }
        })
        .collect();
    // Each round runs the serial loop and then every pool size, so all rows see one machine.
    let (serial_s, parallel) = serial_and_each(
        "factorial_1e6",
        REPS,
        || inputs.iter().map(|&k| digest(k)).sum::<u64>(),
        &mut on_pools,
    );
    for (threads, parallel_s) in thread_counts.into_iter().zip(parallel) {
        report.add(Measurement {
            seed: "003",
            experiment: "factorial_1e6",
            n: INPUTS as u64,
            threads,
            serial_s,
            parallel_s,
        });
    }
}

pub fn main() -> ExitCode {
    let mut report = Report::from_args_or_exit();
    let threads = cpu_count();
    square_experiment(&mut report, threads);
    sort_experiment(&mut report, threads);
    factorial_experiment(&mut report);
    report.finish();
    ExitCode::SUCCESS
}
