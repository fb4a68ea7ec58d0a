//! Runs the lesson 5 suite, written once in tests/lesson5/, against this crate.
extern crate lesson5 as subject;
#[path = "../../../tests/lesson5/main.rs"]
mod suite;
