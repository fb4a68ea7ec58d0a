//! Lesson 6's benchmarks, written once and run against both crates:
//! `cargo bench -p lesson6` times your code, `cargo bench -p lesson6-solution` the reference.
//!
//! Seed 002's two workloads: its 10 000-cubic grid at 50 x, serially, one task per row, in
//! chunks and in Horner form; and its 1000×1000 integer matrix product, serially in both loop
//! orders and by row blocks, at 1, 2 and all available threads.

use criterion::{BenchmarkId, Criterion, criterion_group};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::ThreadPool;
use subject::{
    LoopOrder, Matrix, cubic_grid, evaluate_chunked, evaluate_horner, evaluate_per_row,
    evaluate_serial, linspace, matmul_serial, parallel_dot,
};

/// The seed's matrices are 1000×1000. A debug build (`cargo test --benches` runs each benchmark
/// once, unoptimised) would take minutes on those, so it gets 100×100.
const SIDE: usize = if cfg!(debug_assertions) { 100 } else { 1_000 };

fn pool(threads: usize) -> ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("could not start a rayon pool")
}

/// Python's default `starmap` chunk size: about four chunks per worker.
fn starmap_chunk(rows: usize, threads: usize) -> usize {
    rows.div_ceil(4 * threads).max(1)
}

fn poly_grid(c: &mut Criterion) {
    let axis = linspace(0.0, 1.0, 10);
    let grid = cubic_grid(&axis, &axis, &axis, &axis);
    let xs = linspace(-2.0, 2.0, 50);
    let mut group = c.benchmark_group("poly_grid_1e4x50");
    group.bench_function("serial", |b| b.iter(|| evaluate_serial(&grid, &xs)));
    for threads in testkit::thread_counts() {
        let pool = pool(threads);
        let chunk = starmap_chunk(grid.len(), threads);
        group.bench_with_input(BenchmarkId::new("per_row", threads), &threads, |b, _| {
            b.iter(|| pool.install(|| evaluate_per_row(&grid, &xs)))
        });
        group.bench_with_input(BenchmarkId::new("chunked", threads), &threads, |b, _| {
            b.iter(|| pool.install(|| evaluate_chunked(&grid, &xs, chunk)))
        });
        group.bench_with_input(BenchmarkId::new("horner", threads), &threads, |b, _| {
            b.iter(|| pool.install(|| evaluate_horner(&grid, &xs, chunk)))
        });
    }
    group.finish();
}

fn random_matrix(rng: &mut ChaCha8Rng) -> Matrix {
    Matrix::from_fn(SIDE, SIDE, |_, _| rng.random_range(0..10))
}

fn int_matmul(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let (a, b) = (random_matrix(&mut rng), random_matrix(&mut rng));
    let mut group = c.benchmark_group(format!("int_matmul_{SIDE}"));
    for order in [LoopOrder::Ijk, LoopOrder::Ikj] {
        let name = format!("{order:?}").to_lowercase();
        group.bench_function(format!("serial_{name}"), |bench| {
            bench.iter(|| matmul_serial(&a, &b, order).expect("square matrices multiply"))
        });
        for threads in testkit::thread_counts() {
            let pool = pool(threads);
            let rows_per_block = SIDE.div_ceil(threads);
            group.bench_with_input(
                BenchmarkId::new(format!("blocks_{name}"), threads),
                &threads,
                |bench, _| {
                    bench.iter(|| {
                        pool.install(|| parallel_dot(&a, &b, rows_per_block, order))
                            .expect("square matrices multiply")
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = testkit::quick_criterion();
    targets = poly_grid, int_matmul
}
