//! Runs lesson 3's seed experiments, written once in tests/lesson3/seeds.rs, on this crate:
//! `cargo run --release -p lesson3-solution --example lesson3-seeds`.
extern crate lesson3_solution as subject;
#[path = "../../../tests/lesson3/seeds.rs"]
mod seeds;

fn main() -> std::process::ExitCode {
    seeds::main()
}
