//! Seed 001's global total, rerun in Rust: workers add 3, 2, 9 and 1 to a `total`.
//!
//! - With processes, as in the seed: each worker is a child process (this same program, started
//!   again with an environment variable) with its own copy of the global `TOTAL`, so nobody sees
//!   15 and the parent's copy stays 0.
//! - With threads sharing one atomic `TOTAL`: every thread adds to the same total, which ends
//!   at 15.
//! - With `RacyCounter` at a larger scale: threads share one total again, but an add is a read
//!   and a write, and updates get lost.
//!
//! Then the timing experiment `global_total`: n amounts (the seed's 4, then a million) added up
//! in a plain loop on one thread, and added by all available threads to one shared
//! `AtomicCounter`.
//!
//! Run it with `cargo run --release -p lesson3 --example lesson3-seeds` (your code) for a table, or
//! add `-- --json` for one JSON object per line (the story then goes to stderr). `cargo xtask seeds
//! --lesson 3` sets its rows beside the seed's and the reference's numbers.

use std::env;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;

use seedkit::{Measurement, Report, grouped, serial_and_parallel};
use subject::{AtomicCounter, Counter, RacyCounter, add_in_parallel};

/// Seed 001's amounts: `p.map(increment, [3, 2, 9, 1])` on a pool of 2.
const AMOUNTS: [u64; 4] = [3, 2, 9, 1];
const WORKERS: usize = 2;

/// Set in a child process's environment: the worker's number and the amounts it adds, "0:3,2".
const WORKER_ENV: &str = "LESSON3_SEEDS_WORKER";

/// The global the seed's `increment` changes. Each process has its own.
static TOTAL: AtomicU64 = AtomicU64::new(0);

/// The seed's `increment`: adds to the global and reports what this worker sees.
fn increment(worker: &str, amount: u64) -> String {
    let now = TOTAL.fetch_add(amount, Ordering::SeqCst) + amount;
    format!("{worker}: SUB TOTAL SO FAR {now}")
}

/// The amounts each of `WORKERS` workers gets, in contiguous chunks as `Pool.map` deals them.
fn chunks() -> impl Iterator<Item = &'static [u64]> {
    AMOUNTS.chunks(AMOUNTS.len().div_ceil(WORKERS))
}

/// In a child process: adds this worker's amounts to this process's own `TOTAL`.
fn run_worker_process(spec: &str) -> ExitCode {
    let Some((worker, amounts)) = spec.split_once(':') else {
        eprintln!("error: {WORKER_ENV}={spec:?} should look like \"0:3,2\"");
        return ExitCode::from(2);
    };
    for amount in amounts.split(',') {
        let Ok(amount) = amount.parse() else {
            eprintln!("error: {WORKER_ENV}={spec:?} holds {amount:?}, not a whole number");
            return ExitCode::from(2);
        };
        println!("{}", increment(&format!("process {worker}"), amount));
    }
    ExitCode::SUCCESS
}

// ANCHOR: processes
/// The seed as written: one child process per worker, each changing its own `TOTAL`.
fn with_processes(say: &dyn Fn(String)) -> Result<(), String> {
    let this_program =
        env::current_exe().map_err(|e| format!("cannot find this program to rerun it: {e}"))?;
    // Start every worker before waiting for any, as a pool of processes does.
    let mut children = Vec::new();
    for (worker, chunk) in chunks().enumerate() {
        let amounts: Vec<String> = chunk.iter().map(u64::to_string).collect();
        let child = Command::new(&this_program)
            .env(WORKER_ENV, format!("{worker}:{}", amounts.join(",")))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start worker process {worker}: {e}"))?;
        children.push(child);
    }
    for (worker, child) in children.into_iter().enumerate() {
        let finished = child
            .wait_with_output()
            .map_err(|e| format!("lost worker process {worker}: {e}"))?;
        if !finished.status.success() {
            return Err(format!(
                "worker process {worker} failed ({}): {}",
                finished.status,
                String::from_utf8_lossy(&finished.stderr)
            ));
        }
        for line in String::from_utf8_lossy(&finished.stdout).lines() {
            say(format!("  {line}"));
        }
    }
    say(format!(
        "  parent process: total = {} (its own copy, which no worker touched)",
        TOTAL.load(Ordering::SeqCst)
    ));
    Ok(())
}
// ANCHOR_END: processes

/// The same workers as threads: one `TOTAL` for everybody.
fn with_threads(say: &dyn Fn(String)) {
    let lines: Vec<String> = thread::scope(|scope| {
        let workers: Vec<_> = chunks()
            .enumerate()
            .map(|(worker, chunk)| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&amount| increment(&format!("thread {worker}"), amount))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("an increment never panics"))
            .collect()
    });
    for line in lines {
        say(format!("  {line}"));
    }
    say(format!(
        "  main thread: total = {}",
        TOTAL.load(Ordering::SeqCst)
    ));
}

/// `threads` threads, set off together, each adding 1 to one `RacyCounter` ten million times:
/// how much of the total survives.
fn with_a_racy_counter(say: &dyn Fn(String), threads: usize) {
    const ADDS: u64 = 10_000_000;
    let expected = ADDS * threads as u64;
    for round in 1..=3 {
        let counter = RacyCounter::new();
        let arrived = AtomicUsize::new(0);
        thread::scope(|scope| {
            for worker in 0..threads {
                let (counter, arrived) = (&counter, &arrived);
                scope.spawn(move || {
                    // Spin until every thread is here: a thread that is spinning is running, so
                    // they all start adding at the same moment on cores of their own. (A
                    // sleeping barrier often wakes the last thread on the same core as the one
                    // that woke it, and the two then take turns instead of racing.)
                    arrived.fetch_add(1, Ordering::SeqCst);
                    while arrived.load(Ordering::SeqCst) < threads {
                        std::hint::spin_loop();
                    }
                    for _ in 0..ADDS {
                        counter.add(worker, 1);
                    }
                });
            }
        });
        let counted = counter.total();
        say(format!(
            "  round {round}: {threads} threads each added 1 {} times; RacyCounter counted {} of \
             {}, {} updates lost",
            grouped(ADDS),
            grouped(counted),
            grouped(expected),
            grouped(expected - counted)
        ));
    }
}

/// Times adding up `n` of the seed's amounts in a plain loop on one thread, against adding them
/// from `threads` threads to one shared atomic counter.
fn global_total_experiment(report: &mut Report, threads: usize) {
    for n in [4, 1_000_000] {
        let amounts: Vec<u64> = AMOUNTS.iter().copied().cycle().take(n).collect();
        let reps = if n > 1_000 { 11 } else { 101 };
        let (serial_s, parallel_s) = serial_and_parallel(
            &format!("global_total at n = {}", grouped(n as u64)),
            reps,
            || {
                let mut total = 0u64;
                for &amount in &amounts {
                    total += amount;
                }
                total
            },
            || add_in_parallel(&AtomicCounter::new(), &amounts, threads),
        );
        report.add(Measurement {
            seed: "001",
            experiment: "global_total",
            n: n as u64,
            threads,
            serial_s,
            parallel_s,
        });
    }
}

pub fn main() -> ExitCode {
    if let Ok(spec) = env::var(WORKER_ENV) {
        return run_worker_process(&spec);
    }
    let mut report = Report::from_args_or_exit();
    // In JSON mode stdout carries only the measurements, so the story goes to stderr.
    let json = report.json();
    let say = move |line: String| {
        if json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    let threads = thread::available_parallelism().map_or(1, |n| n.get());

    say(format!(
        "seed 001: increment {AMOUNTS:?} on {WORKERS} workers, hoping for a total of {}",
        AMOUNTS.iter().sum::<u64>()
    ));
    say("with processes, each with its own global total:".to_string());
    if let Err(message) = with_processes(&say) {
        eprintln!("error: {message}");
        return ExitCode::FAILURE;
    }
    say("with threads, sharing one atomic total:".to_string());
    with_threads(&say);
    say("with threads sharing a RacyCounter (read, then write):".to_string());
    with_a_racy_counter(&say, threads.max(2));
    say(String::new());

    global_total_experiment(&mut report, threads);
    report.finish();
    ExitCode::SUCCESS
}
