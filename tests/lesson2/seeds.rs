//! Seed 001 rerun in Rust, on threads, at the seed's own sizes:
//!
//! - `sleep_add`: ten additions that each sleep 0.1 s, one after another and on 1, 5 and 10
//!   threads. Waiting needs no core, so 10 threads finish in about 0.1 s even on 2 cores.
//! - `busy_add`: ten additions that each loop three million times, one after another and on 1,
//!   2, all available and 10 threads. Computing needs a core, so the time stops falling once
//!   every core is busy.
//!
//! Run it with `cargo run --release -p lesson2 --example lesson2-seeds` (your code) for a table,
//! which ends with what exercise 6's model predicts for each row, or add `-- --json` for one JSON
//! object per line. Times are medians of several runs after a warm-up, each round running the
//! serial version and then every thread count, so that all see the same machine; each parallel time
//! includes starting its threads. `cargo xtask seeds --lesson 2` sets its rows beside the seed's
//! and the reference's numbers.

use std::process::ExitCode;
use std::time::Duration;

use seedkit::{Measurement, Report, human_seconds, serial_and_each};
use subject::{
    AddTask, SEED_PAIRS, SEED_SPIN, cpu_bound_time, io_bound_time, map_on_threads, seed_tasks,
    sleep_add,
};

/// Seed 001's sleep: a tenth of a second per addition.
const DELAY: Duration = Duration::from_millis(100);

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Times `serial` against `parallel` on each of `thread_counts`, interleaved, and reports one
/// row per thread count.
fn experiment<T: PartialEq + std::fmt::Debug>(
    report: &mut Report,
    name: &'static str,
    repetitions: usize,
    thread_counts: &[usize],
    serial: impl FnMut() -> T,
    parallel: impl Fn(usize) -> T,
) -> Vec<Measurement> {
    let parallel = &parallel;
    let mut on_threads: Vec<_> = thread_counts
        .iter()
        .map(|&threads| move || parallel(threads))
        .collect();
    let (serial_s, parallel_s) = serial_and_each(name, repetitions, serial, &mut on_threads);
    let mut rows = Vec::new();
    for (&threads, parallel_s) in thread_counts.iter().zip(parallel_s) {
        let row = Measurement {
            seed: "001",
            experiment: name,
            n: SEED_PAIRS.len() as u64,
            threads,
            serial_s,
            parallel_s,
        };
        report.add(row.clone());
        rows.push(row);
    }
    rows
}

// ANCHOR: sleep_add
fn sleep_add_experiment(report: &mut Report) -> Vec<Measurement> {
    let add = |&(x, y): &(u32, u32)| sleep_add(x, y, DELAY);
    experiment(
        report,
        "sleep_add",
        3,
        &[1, 5, 10],
        || SEED_PAIRS.iter().map(add).collect::<Vec<u64>>(),
        |threads| map_on_threads(threads, &SEED_PAIRS, add).expect("threads is positive"),
    )
}
// ANCHOR_END: sleep_add

fn busy_add_experiment(report: &mut Report) -> Vec<Measurement> {
    let tasks = seed_tasks(SEED_SPIN);
    let compute = |task: &AddTask| task.compute();
    let mut counts = vec![1, 2, cores(), 10];
    counts.sort_unstable();
    counts.dedup();
    experiment(
        report,
        "busy_add",
        11,
        &counts,
        || tasks.iter().map(compute).collect::<Vec<u64>>(),
        |threads| map_on_threads(threads, &tasks, compute).expect("threads is positive"),
    )
}

/// What exercise 6's model predicts for each row, next to what was measured.
fn model_table(rows: &[Measurement]) -> String {
    let mut out = format!(
        "\nexercise 6's model on {} cores:\n{:<15} {:>7} {:>12} {:>12}\n",
        cores(),
        "experiment",
        "threads",
        "measured",
        "predicted"
    );
    for row in rows {
        let tasks = row.n as usize;
        let predicted = if row.experiment == "sleep_add" {
            io_bound_time(tasks, row.threads, DELAY)
        } else {
            let per_task = Duration::from_secs_f64(row.serial_s / tasks as f64);
            cpu_bound_time(tasks, row.threads, cores(), per_task)
        }
        .expect("threads and cores are positive");
        out += &format!(
            "{:<15} {:>7} {:>12} {:>12}\n",
            row.experiment,
            row.threads,
            human_seconds(row.parallel_s),
            human_seconds(predicted.as_secs_f64())
        );
    }
    out
}

pub fn main() -> ExitCode {
    let mut report = Report::from_args_or_exit();
    let json = report.json();
    let mut rows = sleep_add_experiment(&mut report);
    rows.extend(busy_add_experiment(&mut report));
    report.finish();
    if !json {
        print!("{}", model_table(&rows));
    }
    ExitCode::SUCCESS
}
