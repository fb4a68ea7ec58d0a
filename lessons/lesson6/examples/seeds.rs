//! Runs lesson 6's seed experiments, written once in tests/lesson6/seeds.rs, on this crate:
//! `cargo run --release -p lesson6 --example lesson6-seeds`.
extern crate lesson6 as subject;
#[path = "../../../tests/lesson6/seeds.rs"]
mod seeds;

fn main() -> std::process::ExitCode {
    seeds::main()
}
