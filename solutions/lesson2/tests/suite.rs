//! Runs the lesson 2 suite, written once in tests/lesson2/, against this crate.
extern crate lesson2_solution as subject;

/// This package's worker program, which the suite starts as child processes.
const WORKER_BIN: &str = env!("CARGO_BIN_EXE_lesson2-solution-worker");

#[path = "../../../tests/lesson2/main.rs"]
mod suite;
