//! Lesson 3's benchmarks, written once and run against both crates:
//! `cargo bench -p lesson3` times your code, `cargo bench -p lesson3-solution` the reference.
//!
//! Seed 001's shared total at scale: a million amounts added by 1, 2 and all available threads
//! to a counter behind a mutex, an atomic, padded per-worker slots, and no shared counter at all
//! (local sums reduced at the end); then padded against packed slots, to price false sharing.

use criterion::{BenchmarkId, Criterion, criterion_group};
use subject::{
    AtomicCounter, Counter, MutexCounter, PackedCounter, ShardedCounter, add_in_parallel,
    sum_locally,
};

/// How many amounts each run adds: seed 001's four amounts, repeated.
const AMOUNTS: usize = 1_000_000;

fn amounts() -> Vec<u64> {
    [3, 2, 9, 1].into_iter().cycle().take(AMOUNTS).collect()
}

/// Times adding every amount to a fresh counter from `make(threads)`, for each thread count.
fn bench_counter<C: Counter>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    amounts: &[u64],
    make: impl Fn(usize) -> C,
) {
    for threads in testkit::thread_counts() {
        group.bench_with_input(BenchmarkId::new(name, threads), &threads, |b, &threads| {
            b.iter(|| add_in_parallel(&make(threads), amounts, threads))
        });
    }
}

/// The four right ways to share a total.
fn shared_total(c: &mut Criterion) {
    let amounts = amounts();
    let mut group = c.benchmark_group("shared_total_1e6");
    group.bench_function("serial", |b| b.iter(|| amounts.iter().sum::<u64>()));
    bench_counter(&mut group, "mutex", &amounts, |_| MutexCounter::new());
    bench_counter(&mut group, "atomic", &amounts, |_| AtomicCounter::new());
    bench_counter(&mut group, "sharded", &amounts, ShardedCounter::new);
    for threads in testkit::thread_counts() {
        group.bench_with_input(
            BenchmarkId::new("local_reduce", threads),
            &threads,
            |b, &threads| b.iter(|| sum_locally(&amounts, threads, |&amount| amount)),
        );
    }
    group.finish();
}

/// The same per-worker slots, a cache line apart or side by side.
fn false_sharing(c: &mut Criterion) {
    let amounts = amounts();
    let mut group = c.benchmark_group("false_sharing_1e6");
    bench_counter(&mut group, "padded", &amounts, ShardedCounter::new);
    bench_counter(&mut group, "packed", &amounts, PackedCounter::new);
    group.finish();
}

criterion_group! {
    name = benches;
    config = testkit::quick_criterion();
    targets = shared_total, false_sharing
}
