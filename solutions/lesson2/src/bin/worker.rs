//! The worker program that the lesson's child processes run. Provided.
//!
//! `lesson2-worker` answers `add X Y SPIN` lines with [`serve`] (exercise 2);
//! `lesson2-worker count` answers `increment N` lines with [`serve_counter`] (exercise 3).
//! Either reads its standard input to the end, answers on its standard output, and on a bad
//! request says why on its standard error and exits with status 1.

use std::io;
use std::process::ExitCode;

use lesson2_solution::{serve, serve_counter};

// ANCHOR: main
fn main() -> ExitCode {
    let program = env!("CARGO_BIN_NAME");
    let input = io::stdin().lock();
    let output = io::stdout().lock();
    let served = match std::env::args().nth(1).as_deref() {
        None => serve(input, output),
        Some("count") => serve_counter(input, output),
        Some(other) => {
            eprintln!("{program}: unknown mode {other:?}; run it with no argument, or `count`");
            return ExitCode::from(2);
        }
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{program}: {err}");
            ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: main
