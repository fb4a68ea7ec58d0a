//! Lesson 2's benchmarks, written once and run against both crates:
//! `cargo bench -p lesson2` times your code, `cargo bench -p lesson2-solution` the reference.
//!
//! - `spawn`: one thread's spawn and join against one process's spawn and wait.
//! - `cpu_map/<spin>`: seed 001's ten additions, each after `spin` rounds of busy work,
//!   serially, on threads and in child processes: from which size processes pay.
//! - `global_lock`: the same work on `n` threads with and without one global lock.

use criterion::{BenchmarkId, Criterion, criterion_group};
use subject::{
    AddTask, GlobalLock, Worker, map_in_processes, map_on_threads, run_with_global_lock,
    run_without_lock, seed_tasks, spawn_and_join_thread, spawn_and_wait_process,
};

/// Busy work per addition: far less than starting a process costs, seed 001's three million
/// rounds (under a millisecond in Rust), and ten times that.
const SPINS: [u64; 3] = [10_000, 3_000_000, 30_000_000];

/// Work per thread in the global-lock benchmark: ten of seed 001's loops, so that the time to
/// start a thread is small beside it.
const LOCKED_SPIN: u64 = 10 * subject::SEED_SPIN;

fn worker() -> Worker {
    Worker::new(crate::WORKER_BIN)
}

fn compute(task: &AddTask) -> u64 {
    task.compute()
}

/// The fixed cost of a worker: a thread against a process that starts and ends at once.
fn spawn(c: &mut Criterion) {
    let worker = worker();
    let mut group = c.benchmark_group("spawn");
    group.bench_function("thread", |b| b.iter(|| spawn_and_join_thread(|| 1)));
    group.bench_function("process", |b| {
        b.iter(|| spawn_and_wait_process(&worker).expect("the worker program failed"))
    });
    group.finish();
}

/// The same CPU-bound map serially, on threads and in processes, for growing tasks.
fn cpu_map(c: &mut Criterion) {
    let worker = worker();
    for spin in SPINS {
        let tasks = seed_tasks(spin);
        let mut group = c.benchmark_group(format!("cpu_map/{spin}"));
        group.bench_function("serial", |b| {
            b.iter(|| tasks.iter().map(compute).collect::<Vec<u64>>())
        });
        for n in testkit::thread_counts() {
            group.bench_with_input(BenchmarkId::new("threads", n), &n, |b, &n| {
                b.iter(|| map_on_threads(n, &tasks, compute).expect("n is positive"))
            });
            group.bench_with_input(BenchmarkId::new("processes", n), &n, |b, &n| {
                b.iter(|| {
                    for outcome in map_in_processes(&worker, &tasks, n).expect("n is positive") {
                        outcome.expect("a child failed");
                    }
                })
            });
        }
        group.finish();
    }
}

/// `n` threads each computing one long addition, under one lock and free.
fn global_lock(c: &mut Criterion) {
    let tasks = seed_tasks(LOCKED_SPIN);
    let mut group = c.benchmark_group("global_lock");
    for n in testkit::thread_counts() {
        let work = |index: usize| tasks[index % tasks.len()].compute();
        group.bench_with_input(BenchmarkId::new("serial", n), &n, |b, &n| {
            b.iter(|| (0..n).map(work).collect::<Vec<u64>>())
        });
        group.bench_with_input(BenchmarkId::new("locked", n), &n, |b, &n| {
            let lock = GlobalLock::new();
            b.iter(|| run_with_global_lock(&lock, n, work))
        });
        group.bench_with_input(BenchmarkId::new("free", n), &n, |b, &n| {
            b.iter(|| run_without_lock(n, work))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = testkit::quick_criterion();
    targets = spawn, cpu_map, global_lock
}
