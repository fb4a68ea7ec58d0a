//! Runs the lesson 6 benchmarks, written once in tests/lesson6/bench.rs, against this crate.
extern crate lesson6 as subject;
#[path = "../../../tests/lesson6/bench.rs"]
mod bench;
criterion::criterion_main!(bench::benches);
