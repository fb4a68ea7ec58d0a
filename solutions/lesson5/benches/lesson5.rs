//! Runs the lesson 5 benchmarks, written once in tests/lesson5/bench.rs, against this crate.
extern crate lesson5_solution as subject;
#[path = "../../../tests/lesson5/bench.rs"]
mod bench;
criterion::criterion_main!(bench::benches);
