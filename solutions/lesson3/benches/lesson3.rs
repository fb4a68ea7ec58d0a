//! Runs the lesson 3 benchmarks, written once in tests/lesson3/bench.rs, against this crate.
extern crate lesson3_solution as subject;
#[path = "../../../tests/lesson3/bench.rs"]
mod bench;
criterion::criterion_main!(bench::benches);
