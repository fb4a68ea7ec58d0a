//! Lesson 5's benchmarks, written once and run against both crates:
//! `cargo bench -p lesson5` times your code, `cargo bench -p lesson5-solution` the reference.
//!
//! Seed 004's workload at a size where parallel loses and one where it wins: serially, and on
//! rayon pools of 1, 2 and all available threads. Every parallel run includes starting its
//! pool, as the seed's `Pool(processes=cpu_count())` does, so the small size shows what that
//! costs. Compare the ratios with the crossover that `--example seeds` finds.

use criterion::{BenchmarkId, Criterion, criterion_group};
use subject::{cubes_sqrt, cubes_sqrt_par};

fn cubes_sqrt_at(c: &mut Criterion, n: usize) {
    let mut group = c.benchmark_group(format!("cubes_sqrt_{n}"));
    group.bench_function("serial", |b| b.iter(|| cubes_sqrt(n)));
    for threads in testkit::thread_counts() {
        group.bench_with_input(
            BenchmarkId::new("rayon", threads),
            &threads,
            |b, &threads| b.iter(|| testkit::in_rayon_pool(threads, || cubes_sqrt_par(n))),
        );
    }
    group.finish();
}

/// Seed 004's 1e3 row: the parallel run lost by a factor of a hundred there.
fn small(c: &mut Criterion) {
    cubes_sqrt_at(c, 1_000);
}

/// Seed 004's 1e6 row: the speedup had reached its plateau of 1.72 on 8 cores.
fn large(c: &mut Criterion) {
    cubes_sqrt_at(c, 1_000_000);
}

criterion_group! {
    name = benches;
    config = testkit::quick_criterion();
    targets = small, large
}
