//! Lesson 1's test suite, written once and run against both crates:
//! `cargo test -p lesson1` checks your code, `cargo test -p lesson1-solution` the reference.
//!
//! Each exercise has its own module; run one with e.g. `cargo test -p lesson1 ex3_pool`.

mod ex1_pool_size;
mod ex2_rayon_map;
mod ex3_pool;
mod ex4_workloads;

/// The book section that explains `anchor` in this lesson's chapter, for failure messages.
fn see(anchor: &str) -> String {
    testkit::see(1, anchor)
}
