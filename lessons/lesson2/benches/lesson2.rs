//! Runs the lesson 2 benchmarks, written once in tests/lesson2/bench.rs, against this crate.
extern crate lesson2 as subject;

/// This package's worker program, which the benchmarks start as child processes.
const WORKER_BIN: &str = env!("CARGO_BIN_EXE_lesson2-worker");

#[path = "../../../tests/lesson2/bench.rs"]
mod bench;
criterion::criterion_main!(bench::benches);
