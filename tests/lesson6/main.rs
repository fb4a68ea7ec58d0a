//! Lesson 6's test suite, written once and run against both crates:
//! `cargo test -p lesson6` checks your code, `cargo test -p lesson6-solution` the reference.
//!
//! Each exercise has its own module; run one with e.g. `cargo test -p lesson6 ex3_evaluate`.

mod ex1_grid;
mod ex2_grid_file;
mod ex3_evaluate;
mod ex4_grid_search;
mod ex5_parallel_dot;

use proptest::prelude::*;
use subject::Cubic;
use testkit::Book;

/// The section `anchor` of this lesson's chapter, for failure messages.
const fn book(anchor: &'static str) -> Book {
    Book::new(6, anchor)
}

/// Every rayon call inside `in_pool(threads, work)` runs on a fresh pool of exactly `threads`.
use testkit::in_rayon_pool as in_pool;

/// The bit patterns of `values`: equal only if every value is the very same `f64`, which `==`
/// on floats does not quite say (`0.0 == -0.0`).
fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|value| value.to_bits()).collect()
}

/// `a·x³ + b·x² + c·x + d` as the seed writes it, left to right, computed by the suite itself
/// rather than by the code under test.
fn cubic_value(cubic: &Cubic, x: f64) -> f64 {
    cubic.a * x * x * x + cubic.b * x * x + cubic.c * x + cubic.d
}

/// `((a·x + b)·x + c)·x + d`, Horner's form, computed by the suite itself.
fn horner_value(cubic: &Cubic, x: f64) -> f64 {
    ((cubic.a * x + cubic.b) * x + cubic.c) * x + cubic.d
}

/// Every cubic with `a` from the first axis, `b` from the second, and so on, `d` changing fastest:
/// the grid as the suite builds it, by four nested loops.
fn every_combination(a: &[f64], b: &[f64], c: &[f64], d: &[f64]) -> Vec<Cubic> {
    let mut grid = Vec::new();
    for &a in a {
        for &b in b {
            for &c in c {
                for &d in d {
                    grid.push(Cubic::new(a, b, c, d));
                }
            }
        }
    }
    grid
}

/// Cubics with coefficients in [-10, 10], wider than the seed's [0, 1] so that signs cancel.
fn any_cubic() -> impl Strategy<Value = Cubic> {
    let coefficient = -10.0..=10.0f64;
    (
        coefficient.clone(),
        coefficient.clone(),
        coefficient.clone(),
        coefficient,
    )
        .prop_map(|(a, b, c, d)| Cubic::new(a, b, c, d))
}

/// x values in [-4, 4], twice the seed's range.
fn any_xs(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(-4.0..=4.0f64, 0..=max_len)
}
