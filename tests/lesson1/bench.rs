//! Lesson 1's benchmarks, written once and run against both crates:
//! `cargo bench -p lesson1` times your code, `cargo bench -p lesson1-solution` the reference.
//!
//! Two workloads from the seeds, each serial, on your `Pool` and on a rayon pool, at 1, 2 and
//! all available threads. Every parallel run includes starting its workers, as Python's
//! `with Pool(n) as p: p.map(..)` does, so the fine-grained case shows what that costs.

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group};
use subject::{Pool, busy_loop, default_chunk_size, parallel_map, square};

/// Seed 000's square task, at the size where the seed asks whether parallel ever wins.
const SQUARES: u64 = 1_000_000;
/// Seed 001's CPU-bound version: ten additions that each loop three million times.
const BUSY_TASKS: usize = 10;
const BUSY_ITERATIONS: u64 = 3_000_000;

/// A tiny task per item: the cost of handing items to threads dominates.
fn fine_grained(c: &mut Criterion) {
    let items: Vec<u64> = (0..SQUARES).collect();
    let mut group = c.benchmark_group("square_1e6");
    group.bench_function("serial", |b| {
        b.iter(|| items.iter().map(|&x| square(x)).collect::<Vec<u64>>())
    });
    for threads in testkit::thread_counts() {
        group.bench_with_input(
            BenchmarkId::new("own_pool", threads),
            &threads,
            |b, &threads| {
                b.iter_batched(
                    || items.clone(),
                    |items| {
                        let pool = Pool::new(threads).expect("Pool::new failed");
                        let chunk_size = default_chunk_size(items.len(), threads);
                        pool.map(square, items, chunk_size)
                            .expect("a square task panicked")
                    },
                    BatchSize::LargeInput,
                )
            },
        );
        group.bench_with_input(
            BenchmarkId::new("rayon", threads),
            &threads,
            |b, &threads| {
                b.iter(|| parallel_map(threads, &items, |&x| square(x)).expect("rayon pool failed"))
            },
        );
    }
    group.finish();
}

/// Few tasks that each compute for milliseconds: handing them out is cheap by comparison.
fn coarse_grained(c: &mut Criterion) {
    let items = vec![BUSY_ITERATIONS; BUSY_TASKS];
    let mut group = c.benchmark_group("busy_loop_10x3e6");
    group.bench_function("serial", |b| {
        b.iter(|| items.iter().map(|&k| busy_loop(k)).collect::<Vec<u64>>())
    });
    for threads in testkit::thread_counts() {
        group.bench_with_input(
            BenchmarkId::new("own_pool", threads),
            &threads,
            |b, &threads| {
                b.iter(|| {
                    let pool = Pool::new(threads).expect("Pool::new failed");
                    pool.map(busy_loop, items.clone(), 1)
                        .expect("a busy task panicked")
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("rayon", threads),
            &threads,
            |b, &threads| {
                b.iter(|| {
                    parallel_map(threads, &items, |&k| busy_loop(k)).expect("rayon pool failed")
                })
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = testkit::quick_criterion();
    targets = fine_grained, coarse_grained
}
