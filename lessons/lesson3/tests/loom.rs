//! Runs the lesson 3 loom models, written once in tests/lesson3/loom.rs, against this crate.
//! They exist only under `RUSTFLAGS="--cfg loom"`; see book/src/lesson3.md#loom.
extern crate lesson3 as subject;
#[path = "../../../tests/lesson3/loom.rs"]
mod models;
