//! Seed 002 rerun in Rust, at its own sizes:
//!
//! - `poly_grid`: Exercise 9.1's 10 000 cubics (a 10×10×10×10 grid on [0, 1], written to
//!   `grid_params.csv` and read back) at 50 x in [-2, 2], serially and in chunks of rows, like
//!   `pool.starmap`; `poly_grid_row` the same with one task per row, like joblib's
//!   `Parallel(delayed(poly)(x, *line) for line in df.values)`; `poly_grid_apply` with one
//!   blocking round trip to the pool per row, like `[pool.apply(poly, ..) for line in ..]`;
//! - `int_matmul_1000`: `parallel_dot` of two 1000×1000 random integer matrices in blocks of
//!   rows, one block per thread like `np.split(A, n_jobs)`, against the same product as one block
//!   on one thread, both in the cache-friendly i-k-j loop order; `int_matmul_ijk` the same in
//!   textbook i-j-k order.
//!
//! `n` is the number of grid rows, or the matrices' side. Run it with `cargo run --release -p
//! lesson6 --example lesson6-seeds` (your code) for a table, or add `-- --json` for one JSON object
//! per line. Times are medians of several runs after a warm-up, each round running the serial
//! version and then the parallel ones, so that all see the same machine. `cargo xtask seeds
//! --lesson 6` sets its rows beside the seed's and the reference's numbers.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::ThreadPool;
use seedkit::{Measurement, Report, serial_and_each, serial_and_parallel};
use subject::{
    Cubic, LoopOrder, Matrix, cubic_grid, evaluate_chunked, evaluate_per_row, evaluate_serial,
    linspace, parallel_dot, read_grid, write_grid,
};

const SIDE: usize = 1_000;

fn pool(threads: usize) -> ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("could not start a rayon pool")
}

/// The seed's grid, after the same trip through `grid_params.csv` that the seed makes.
fn seed_grid() -> Vec<Cubic> {
    let axis = linspace(0.0, 1.0, 10);
    let grid = cubic_grid(&axis, &axis, &axis, &axis);
    let dir = tempfile::tempdir().expect("could not create a temporary directory");
    let path = dir.path().join("grid_params.csv");
    write_grid(&path, &grid).expect("could not write grid_params.csv");
    let back = read_grid(&path).expect("could not read grid_params.csv back");
    assert_eq!(
        back, grid,
        "the grid changed on its way through the CSV file"
    );
    back
}

/// Python's `pool.apply` in a loop: the caller hands the pool one row at a time and waits.
fn evaluate_by_round_trips(pool: &ThreadPool, grid: &[Cubic], xs: &[f64]) -> Vec<f64> {
    let mut table = Vec::with_capacity(grid.len() * xs.len());
    for cubic in grid {
        table.extend(pool.install(|| xs.iter().map(|&x| cubic.at(x)).collect::<Vec<_>>()));
    }
    table
}

// ANCHOR: poly_grid
fn poly_grid_experiment(report: &mut Report) {
    const REPS: usize = 51;
    let grid = seed_grid();
    let xs = linspace(-2.0, 2.0, 50);
    let n = grid.len() as u64;
    let serial = || evaluate_serial(&grid, &xs);
    for threads in testkit::thread_counts() {
        let pool = pool(threads);
        // Python's default starmap chunk size: about four chunks per worker.
        let rows_per_task = grid.len().div_ceil(4 * threads);
        let mut tasks: [Box<dyn FnMut() -> Vec<f64>>; 2] = [
            Box::new(|| pool.install(|| evaluate_chunked(&grid, &xs, rows_per_task))),
            Box::new(|| pool.install(|| evaluate_per_row(&grid, &xs))),
        ];
        let what = format!("poly_grid on {threads} threads");
        // Each round runs the serial version and then each parallel one, so all see one
        // machine; the slow round trips get fewer rounds of their own.
        let (serial_s, tasks_s) = serial_and_each(&what, REPS, serial, &mut tasks);
        let (apply_serial_s, apply_s) = serial_and_parallel(&what, 11, serial, || {
            evaluate_by_round_trips(&pool, &grid, &xs)
        });
        let variants = [
            ("poly_grid", serial_s, tasks_s[0]),
            ("poly_grid_row", serial_s, tasks_s[1]),
            ("poly_grid_apply", apply_serial_s, apply_s),
        ];
        for (experiment, serial_s, parallel_s) in variants {
            report.add(Measurement {
                seed: "002",
                experiment,
                n,
                threads,
                serial_s,
                parallel_s,
            });
        }
    }
}
// ANCHOR_END: poly_grid

fn random_matrix(rng: &mut ChaCha8Rng) -> Matrix {
    Matrix::from_fn(SIDE, SIDE, |_, _| rng.random_range(0..10))
}

fn matmul_experiment(report: &mut Report) {
    const REPS: usize = 3;
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let (a, b) = (random_matrix(&mut rng), random_matrix(&mut rng));
    let thread_counts = testkit::thread_counts();
    let one_thread = pool(1);
    for (experiment, order) in [
        ("int_matmul_1000", LoopOrder::Ikj),
        ("int_matmul_ijk", LoopOrder::Ijk),
    ] {
        let (a, b) = (&a, &b);
        // The serial run is the parallel code with all rows in one block on one thread, so the
        // speedup compares one algorithm with itself (another serial function, however alike,
        // may compile to different machine code).
        let serial = || {
            one_thread
                .install(|| parallel_dot(a, b, SIDE, order))
                .expect("square matrices multiply")
        };
        let mut on_pools: Vec<_> = thread_counts
            .iter()
            .map(|&threads| {
                let pool = pool(threads);
                let rows_per_block = SIDE.div_ceil(threads);
                move || {
                    pool.install(|| parallel_dot(a, b, rows_per_block, order))
                        .expect("square matrices multiply")
                }
            })
            .collect();
        let (serial_s, parallel) = serial_and_each(experiment, REPS, serial, &mut on_pools);
        for (&threads, parallel_s) in thread_counts.iter().zip(parallel) {
            report.add(Measurement {
                seed: "002",
                experiment,
                n: SIDE as u64,
                threads,
                serial_s,
                parallel_s,
            });
        }
    }
}

pub fn main() -> std::process::ExitCode {
    let mut report = Report::from_args_or_exit();
    poly_grid_experiment(&mut report);
    matmul_experiment(&mut report);
    report.finish();
    std::process::ExitCode::SUCCESS
}
