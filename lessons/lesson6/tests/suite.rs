//! Runs the lesson 6 suite, written once in tests/lesson6/, against this crate.
extern crate lesson6 as subject;
#[path = "../../../tests/lesson6/main.rs"]
mod suite;
