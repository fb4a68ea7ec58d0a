//! Runs lesson 5's seed experiments, written once in tests/lesson5/seeds.rs, on this crate:
//! `cargo run --release -p lesson5-solution --example lesson5-seeds`.
extern crate lesson5_solution as subject;
#[path = "../../../tests/lesson5/seeds.rs"]
mod seeds;

fn main() -> std::process::ExitCode {
    seeds::main()
}
