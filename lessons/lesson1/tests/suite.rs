//! Runs the lesson 1 suite, written once in tests/lesson1/, against this crate.
extern crate lesson1 as subject;
#[path = "../../../tests/lesson1/main.rs"]
mod suite;
