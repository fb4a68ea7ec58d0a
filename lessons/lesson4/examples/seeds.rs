//! Runs lesson 4's seed experiments, written once in tests/lesson4/seeds.rs, on this crate:
//! `cargo run --release -p lesson4 --example lesson4-seeds`.
extern crate lesson4 as subject;
#[path = "../../../tests/lesson4/seeds.rs"]
mod seeds;

fn main() -> std::process::ExitCode {
    seeds::main()
}
