//! Lesson 1's test suite, written once and run against both crates:
//! `cargo test -p lesson1` checks your code, `cargo test -p lesson1-solution` the reference.
//!
//! Each exercise has its own module; run one with e.g. `cargo test -p lesson1 ex3_pool`. Every
//! call into the code under test that could block runs bounded (`testkit::bounded!`), and every
//! pool is dropped bounded too, so a deadlock fails its test with a message instead of hanging
//! the run.

mod ex1_pool_size;
mod ex2_rayon_map;
mod ex3_pool;
mod ex4_workloads;
mod ex5_callbacks;
mod ex6_imap;
mod reexec;

use std::sync::Arc;

use subject::Pool;
use testkit::{Book, BoundedDrop};

/// The section `anchor` of this lesson's chapter, for failure messages.
const fn book(anchor: &'static str) -> Book {
    Book::new(1, anchor)
}

/// A pool the test can share with the threads its bounded calls run on. Whoever lets go of the
/// last `Arc` drops the pool within `testkit::PATIENCE`, so a `Drop` that never returns fails
/// the test instead of hanging the run.
type SharedPool = Arc<BoundedDrop<Pool>>;

/// `Pool::new(workers)`, which must succeed, for sharing.
fn pool(workers: usize) -> SharedPool {
    let pool = Pool::new(workers).unwrap_or_else(|error| {
        panic!("Pool::new({workers}) failed: {error}; {}", book("own-pool"))
    });
    Arc::new(BoundedDrop::new(
        pool,
        "dropping the pool",
        format!(
            "Pool's Drop never returned: the job sender is still alive, so the workers wait for \
             jobs forever. Close the channel in Drop (drop the pool's Sender, e.g. \
             `drop(self.jobs.take())`) before joining the workers; {}",
            book("own-pool")
        ),
    ))
}
