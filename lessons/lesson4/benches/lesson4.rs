//! Runs the lesson 4 benchmarks, written once in tests/lesson4/bench.rs, against this crate.
extern crate lesson4 as subject;
#[path = "../../../tests/lesson4/bench.rs"]
mod bench;
criterion::criterion_main!(bench::benches);
