// Lesson 6's performance kernels, for `cargo xtask grade`: the contract is in the header of
// tests/lesson1/perf.rs.

use subject::{Cubic, LoopOrder, Matrix};

/// Seed 002's parameter grid, finer: 20 values per coefficient (160 000 cubics), each
/// evaluated at 64 points; the grid is shifted by up to a quarter step, drawn from the seed.
const AXIS_POINTS: usize = 20;
const X_POINTS: usize = 64;

/// Seed 002's integer matrix product, at 640 × 640 so one run takes a fraction of a second,
/// with entries from -9 to 9 drawn from the seed.
const SIDE: usize = 640;

/// The kernels of lesson 6: the chunked grid evaluation and the row-block matrix product,
/// each on a rayon pool of the given size started for the call.
pub fn kernels(k: &mut impl crate::Kernels) {
    k.kernel("evaluate_chunked", grid_and_xs, evaluate_serial, evaluate_chunked);
    k.kernel("parallel_dot", matrices, matmul_serial, parallel_dot);
}

/// `points` evenly spaced values from `start` to `end`, both included.
fn axis(start: f64, end: f64, points: usize) -> Vec<f64> {
    let step = (end - start) / (points - 1) as f64;
    (0..points).map(|i| start + step * i as f64).collect()
}

fn grid_and_xs(seed: u64) -> (Vec<Cubic>, Vec<f64>) {
    let step = 4.0 / (AXIS_POINTS - 1) as f64;
    let shift = (perfkit::mix(seed, 0) % 1024) as f64 / 1024.0 * step / 4.0;
    let values = axis(-2.0 + shift, 2.0 + shift, AXIS_POINTS);
    let mut grid = Vec::with_capacity(AXIS_POINTS.pow(4));
    for &a in &values {
        for &b in &values {
            for &c in &values {
                for &d in &values {
                    grid.push(Cubic::new(a, b, c, d));
                }
            }
        }
    }
    (grid, axis(-1.0, 1.0, X_POINTS))
}

/// Outputs are compared by their bits (perfkit::Digest): parallel evaluation must give the very
/// same floats.
fn evaluate_serial((grid, xs): &(Vec<Cubic>, Vec<f64>)) -> Vec<f64> {
    subject::evaluate_serial(grid, xs)
}

/// About four tasks per thread, like Python's default `starmap` chunk size.
fn evaluate_chunked((grid, xs): &(Vec<Cubic>, Vec<f64>), threads: usize) -> Vec<f64> {
    let rows_per_task = grid.len().div_ceil(4 * threads).max(1);
    testkit::in_rayon_pool(threads, || {
        subject::evaluate_chunked(grid, xs, rows_per_task)
    })
}

fn matrices(seed: u64) -> (Matrix, Matrix) {
    let entry = |i: usize, j: usize| (perfkit::mix(seed, (i * SIDE + j) as u64) % 19) as i64 - 9;
    (
        Matrix::from_fn(SIDE, SIDE, entry),
        Matrix::from_fn(SIDE, SIDE, |i, j| entry(j, i)),
    )
}

fn matmul_serial((a, b): &(Matrix, Matrix)) -> Vec<i64> {
    subject::matmul_serial(a, b, LoopOrder::Ikj)
        .expect("square matrices of one size multiply")
        .as_slice()
        .to_vec()
}

/// One block of rows per thread, each block in cache-friendly i-k-j order.
fn parallel_dot((a, b): &(Matrix, Matrix), threads: usize) -> Vec<i64> {
    let rows_per_block = SIDE.div_ceil(threads);
    testkit::in_rayon_pool(threads, || subject::parallel_dot(a, b, rows_per_block, LoopOrder::Ikj))
        .expect("square matrices of one size multiply")
        .as_slice()
        .to_vec()
}
