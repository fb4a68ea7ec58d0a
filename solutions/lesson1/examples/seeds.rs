//! Runs lesson 1's seed experiments, written once in tests/lesson1/seeds.rs, on this crate:
//! `cargo run --release -p lesson1-solution --example lesson1-seeds`.
extern crate lesson1_solution as subject;
#[path = "../../../tests/lesson1/seeds.rs"]
mod seeds;

fn main() -> std::process::ExitCode {
    seeds::main()
}
