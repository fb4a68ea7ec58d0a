//! Lesson 4's test suite, written once and run against both crates:
//! `cargo test -p lesson4` checks your code, `cargo test -p lesson4-solution` the reference.
//!
//! Each exercise has its own module; run one with e.g. `cargo test -p lesson4 ex2_bounded_queue`.
//! Every call into the code under test that could block runs bounded (`testkit::bounded!`,
//! `testkit::within`), so a deadlock or a lost wakeup fails its test with a message instead of
//! hanging the run.

mod ex1_ordered_results;
mod ex2_bounded_queue;
mod ex3_work_queue;
mod ex4_pipeline;
mod ex5_map_reduce;

use std::panic::{self, AssertUnwindSafe};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use testkit::{Book, PATIENCE};

/// The section `anchor` of this lesson's chapter, for failure messages.
const fn book(anchor: &'static str) -> Book {
    Book::new(4, anchor)
}

/// A function that panics on `bad` (on purpose) and passes every other value through.
type Refusing = Arc<dyn Fn(u64) -> u64 + Send + Sync>;

/// Runs `call` bounded, handing it a [`Refusing`] function to pass to the code under test;
/// whether the call panicked after that function had been called on `bad` (once). `what` names
/// the call in a failure, which points at `book`.
fn panic_reaches_caller(
    what: &str,
    book: Book,
    bad: u64,
    call: impl FnOnce(Refusing) + Send + 'static,
) -> bool {
    let reached = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&reached);
    let refusing: Refusing = Arc::new(move |value| {
        counted.fetch_add(usize::from(value == bad), Ordering::SeqCst);
        assert!(value != bad, "refusing {value}, on purpose");
        value
    });
    let panicked = testkit::within(
        PATIENCE,
        what,
        &format!(
            "it neither returned nor panicked: is something waiting for a result that a \
             panicking thread will never send (a count of results, or a sender kept alive)? \
             {book}"
        ),
        move || panic::catch_unwind(AssertUnwindSafe(|| call(refusing))).is_err(),
    );
    panicked && reached.load(Ordering::SeqCst) == 1
}

/// How long a task inside a bounded call waits for its partners (at a rendezvous, for a
/// signal): half the bound, so that the task's own message, which says what it waited for,
/// reports the failure rather than the bound.
const MEETING: std::time::Duration = std::time::Duration::from_secs(PATIENCE.as_secs() / 2);
