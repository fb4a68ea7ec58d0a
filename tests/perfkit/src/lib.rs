//! The performance runner `cargo xtask grade` builds for each lesson with kernels
//! (`tests/lessonN/perf.rs`), as a library: the grader generates only a crate whose `main`
//! includes the kernels twice (against the reference solution and against the student's
//! crate) and calls [`main`].
//!
//! # How a lesson is timed
//!
//! The grader starts the runner twice, each time in the sandbox, without a `/proc`, with a pipe
//! on file descriptor 3:
//!
//! 1. `student THREADS RUNS`: the runner draws `RUNS` random seeds, and for each kernel and
//!    seed makes the input (untimed), times the student's parallel version on it, and reports
//!    the time and a [`digest`] of the output. Only the student's code runs in this process.
//! 2. `reference THREADS SEED…`, with the seeds the student's run reported: the reference's
//!    serial and parallel versions, timed on the same inputs. No student code runs in this
//!    process, so nothing the student left running can slow the reference down.
//!
//! Each run reports on fd 3 only ([`wire`]), which the runner takes before calling any kernel
//! and keeps close-on-exec; the student's crate is compiled with `unsafe_code` forbidden and
//! there is no `/proc`, so safe code cannot reach that descriptor (nor `/dev/fd`, a link into
//! `/proc`). What the student's code prints counts for nothing. The grader then checks every
//! output (warm-up runs included) against the reference's serial output for the same seed, and
//! refuses a speedup above the thread count (× a small tolerance).
//!
//! Each run's seeds are drawn inside the runner, after fd 3 is taken and before any kernel
//! runs, from the standard library's random hasher keys; they are never in argv, so a kernel
//! cannot know the next input before it is called, and a result kept from an earlier call is
//! wrong for the next seed.
//!
//! What remains possible in safe Rust: a student's kernel sees its own inputs and may do work
//! on other threads between calls (it cannot know the next input, so this buys nothing but
//! slows its own timed runs), and it may use more threads than it is given (the
//! impossible-speedup rule bounds what that earns).

mod digest;
mod runner;
pub mod wire;

pub use digest::{Digest, digest, mix};
pub use runner::{Collected, Kernels, Role, main, run};
