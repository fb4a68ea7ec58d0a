//! Runs the lesson 4 suite, written once in tests/lesson4/, against this crate.
extern crate lesson4_solution as subject;
#[path = "../../../tests/lesson4/main.rs"]
mod suite;
