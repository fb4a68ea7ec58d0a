//! Lesson 2, process vs thread: your exercises.
//!
//! Every exercise function below is a stub that panics with `todo!`; replace each `todo!` with
//! code that meets the spec in its doc comment. `cargo test -p lesson2` checks your work, `cargo
//! xtask progress` says how far you are, and the book explains each exercise.
//!
//! Python runs CPU-bound work in processes because its interpreter lock lets only one thread
//! compute at a time. Rust has no such lock. This crate runs the same work both ways, on threads
//! and in child processes that talk to the parent over pipes, and measures what each costs.
//!
//! Linux and other Unix systems only: the worker reports its parent's process id with
//! `std::os::unix::process::parent_id`, and the tests read `/proc`.
//!
//! | exercise | module | book |
//! |---|---|---|
//! | 1. A map on threads | [`threads`] | `book/src/lesson2.md#threads` |
//! | 2. The same map in child processes | [`processes`] | `book/src/lesson2.md#processes` |
//! | 3. Each process has its own globals | [`isolation`] | `book/src/lesson2.md#isolation` |
//! | 4. The global interpreter lock | [`global_lock`] | `book/src/lesson2.md#global-lock` |
//! | 5. What a thread and a process cost | [`costs`] | `book/src/lesson2.md#costs` |
//! | 6. Waiting against computing | [`io_vs_cpu`] | `book/src/lesson2.md#io-vs-cpu` |
//!
//! Provided, with nothing to fill in: [`work`] (the task), [`protocol`] (the lines parent and
//! child exchange) and [`child`] (which program to start, and what can go wrong).

pub mod child;
pub mod costs;
pub mod global_lock;
pub mod io_vs_cpu;
pub mod isolation;
pub mod processes;
pub mod protocol;
pub mod threads;
pub mod work;

pub use child::{ChildError, TaskFailed, Worker};
pub use costs::{spawn_and_join_thread, spawn_and_wait_process};
pub use global_lock::{GlobalLock, run_with_global_lock, run_without_lock};
pub use io_vs_cpu::{cpu_bound_time, io_bound_time, sleep_add};
pub use isolation::{TOTAL, increment, increment_in_children, increment_on_threads, serve_counter};
pub use processes::{map_in_processes, serve};
pub use protocol::{FrameError, Increment, Reply, Subtotal, WorkerError};
pub use threads::map_on_threads;
pub use work::{AddTask, SEED_PAIRS, SEED_SPIN, ZeroWorkers, seed_tasks};
