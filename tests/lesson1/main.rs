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

use std::ops::Deref;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use subject::Pool;
use testkit::{Book, BoundedDrop, PATIENCE};

/// The section `anchor` of this lesson's chapter, for failure messages.
const fn book(anchor: &'static str) -> Book {
    Book::new(1, anchor)
}

/// A pool the test can share with the threads its bounded calls run on. Whoever lets go of the
/// last `Arc` drops the pool within `testkit::PATIENCE`, so a `Drop` that never returns fails
/// the test instead of hanging the run.
type SharedPool = Arc<Watched>;

/// Set once a pool's drop has run out of time: the pool's `Drop` hangs, every test will find
/// the same, and they need not each wait the full `PATIENCE` to say so.
static A_DROP_HUNG: AtomicBool = AtomicBool::new(false);

/// A pool dropped within a time limit: `testkit::PATIENCE`, or a second once a drop has hung.
#[derive(Debug)]
struct Watched(Option<BoundedDrop<Pool>>);

impl Deref for Watched {
    type Target = Pool;

    fn deref(&self) -> &Pool {
        self.0.as_ref().expect("the pool is only taken in Drop")
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let pool = self.0.take();
        if let Err(hung) = panic::catch_unwind(AssertUnwindSafe(move || drop(pool))) {
            A_DROP_HUNG.store(true, Ordering::SeqCst);
            panic::resume_unwind(hung);
        }
    }
}

/// `Pool::new(workers)`, which must succeed, for sharing.
fn pool(workers: usize) -> SharedPool {
    let pool = Pool::new(workers).unwrap_or_else(|error| {
        panic!("Pool::new({workers}) failed: {error}; {}", book("own-pool"))
    });
    let limit = if A_DROP_HUNG.load(Ordering::SeqCst) {
        Duration::from_secs(1)
    } else {
        PATIENCE
    };
    let pool = BoundedDrop::new(
        pool,
        "dropping the pool",
        format!(
            "Pool's Drop never returned: the job sender is still alive, so the workers wait for \
             jobs forever. Close the channel in Drop (drop the pool's Sender, e.g. \
             `drop(self.jobs.take())`) before joining the workers; {}",
            book("own-pool")
        ),
    )
    .with_limit(limit);
    Arc::new(Watched(Some(pool)))
}
