//! Runs the lesson 1 benchmarks, written once in tests/lesson1/bench.rs, against this crate.
extern crate lesson1_solution as subject;
#[path = "../../../tests/lesson1/bench.rs"]
mod bench;
criterion::criterion_main!(bench::benches);
