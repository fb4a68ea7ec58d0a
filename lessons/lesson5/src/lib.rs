//! Lesson 5, speedup and Amdahl: your exercises.
//!
//! Every function below is a stub that panics with `todo!`; replace each `todo!` with code that
//! meets the spec in its doc comment. `cargo test -p lesson5` checks your work, `cargo xtask
//! progress` says how far you are, and the book explains each exercise.
//!
//! How much faster does a program get on more threads, why does it stop getting faster, and
//! from which input size is going parallel worth it at all? This crate answers with formulas,
//! a fit, a measuring harness, a search and a picture.
//!
//! | exercise | module | book |
//! |---|---|---|
//! | 1. The laws of speedup | [`laws`] | `book/src/lesson5.md#laws` |
//! | 2. Fitting Amdahl's law | [`fit`] | `book/src/lesson5.md#fit` |
//! | 3. A measuring harness | [`harness`], [`workload`] | `book/src/lesson5.md#harness` |
//! | 4. The crossover size | [`crossover`] | `book/src/lesson5.md#crossover` |
//! | 5. Speedup plots | [`plot`] | `book/src/lesson5.md#plot` |

pub mod crossover;
mod errors;
pub mod fit;
pub mod harness;
pub mod laws;
mod median;
pub mod plot;
mod types;
pub mod workload;

pub use crossover::{Crossover, CrossoverError, Race, Search, find_crossover};
pub use fit::{AmdahlFit, FitError, fit_amdahl};
pub use harness::{Clock, HarnessError, Plan, Scaling, SystemClock, measure_scaling};
pub use laws::{LawError, amdahl, amdahl_limit, efficiency, gustafson, karp_flatt, speedup};
pub use plot::{PlotError, ScalingChart, scaling_svg};
pub use workload::{cubes_sqrt, cubes_sqrt_par};
