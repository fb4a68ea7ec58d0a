//! Lesson 4's test suite, written once and run against both crates:
//! `cargo test -p lesson4` checks your code, `cargo test -p lesson4-solution` the reference.
//!
//! Each exercise has its own module; run one with e.g. `cargo test -p lesson4 ex2_bounded_queue`.

mod ex1_ordered_results;
mod ex2_bounded_queue;
mod ex3_work_queue;
mod ex4_pipeline;
mod ex5_map_reduce;

use testkit::PATIENCE;

/// The book section that explains `anchor` in this lesson's chapter, for failure messages.
fn see(anchor: &str) -> String {
    testkit::see(4, anchor)
}

/// What a test says when the call it waits on never returns.
fn stuck(anchor: &str) -> String {
    format!(
        "a thread is waiting for something that never comes (a message never sent, a channel \
         never closed, a sleeper never woken); {}",
        see(anchor)
    )
}

/// Waits until `condition` holds, checking it over and over; fails the test with the message
/// `failure` gives if it still does not hold after [`PATIENCE`]. For states another thread
/// reaches by itself, such as "one thread is asleep in `pop`", which no signal announces.
fn eventually(condition: impl FnMut() -> bool, failure: impl Fn() -> String) {
    assert!(
        testkit::wait_until(PATIENCE, condition),
        "waited {PATIENCE:?} and still: {}",
        failure()
    );
}
