//! Draws the seed experiments' speedup pictures with this crate's plotting code; the program
//! is written once in tests/lesson5/plot_seeds.rs. `cargo xtask seeds --plot DIR` runs it.
extern crate lesson5 as subject;
#[path = "../../../tests/lesson5/plot_seeds.rs"]
mod plot_seeds;

fn main() -> std::process::ExitCode {
    plot_seeds::main()
}
