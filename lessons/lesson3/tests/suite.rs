//! Runs the lesson 3 suite, written once in tests/lesson3/, against this crate.
extern crate lesson3 as subject;
#[path = "../../../tests/lesson3/main.rs"]
mod suite;
