//! Runs lesson 2's seed experiments, written once in tests/lesson2/seeds.rs, on this crate:
//! `cargo run --release -p lesson2-solution --example lesson2-seeds`.
extern crate lesson2_solution as subject;
#[path = "../../../tests/lesson2/seeds.rs"]
mod seeds;

fn main() -> std::process::ExitCode {
    seeds::main()
}
