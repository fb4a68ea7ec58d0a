//! Lesson 1, pools: your exercises.
//!
//! Every function below is a stub that panics with `todo!`; replace each `todo!` with code that
//! meets the spec in its doc comment. `cargo test -p lesson1` checks your work, `cargo xtask
//! progress` says how far you are, and the book explains each exercise.
//!
//! Python's `multiprocessing.Pool` hands items to a fixed set of workers and gives the results
//! back in order. This crate builds the same thing in Rust three ways, from "let a library do it"
//! to "write it yourself", plus the seed tutorials' workloads to run on them.
//!
//! | exercise | module | book |
//! |---|---|---|
//! | 1. Choosing a pool size | [`pool_size`](mod@pool_size) | `book/src/lesson1.md#pool-size` |
//! | 2. An ordered map on a rayon pool | [`rayon_map`] | `book/src/lesson1.md#rayon-map` |
//! | 3. Your own pool | [`pool`] | `book/src/lesson1.md#own-pool` |
//! | 4. The seeds' workloads | [`workloads`] | `book/src/lesson1.md#workloads` |
//! | 5. Callbacks, `ready` and `wait` | [`pool`] | `book/src/lesson1.md#callbacks` |
//! | 6. Lazy results: `imap`, `imap_unordered` | [`pool`] | `book/src/lesson1.md#imap` |
//!
//! [`errors`] is provided: the error types every exercise returns, and `panic_message`.

pub mod errors;
pub mod pool;
pub mod pool_size;
pub mod rayon_map;
pub mod workloads;

pub use errors::{PoolError, PoolSizeError, TaskPanicked};
pub use pool::{AsyncResult, Imap, ImapUnordered, MapResult, Pool, default_chunk_size};
pub use pool_size::{cpu_count, pool_size};
pub use rayon_map::parallel_map;
pub use workloads::{busy_loop, factorial, random_inputs, sort_random, square};
