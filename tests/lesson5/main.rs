//! Lesson 5's test suite, written once and run against both crates:
//! `cargo test -p lesson5` checks your code, `cargo test -p lesson5-solution` the reference.
//!
//! Each exercise has its own module; run one with e.g. `cargo test -p lesson5 ex2_fit`.

mod ex1_laws;
mod ex2_fit;
mod ex3_harness;
mod ex4_crossover;
mod ex5_plot;
mod svg;

use testkit::Book;

/// The section `anchor` of this lesson's chapter, for failure messages.
const fn book(anchor: &'static str) -> Book {
    Book::new(5, anchor)
}

/// Whether `actual` is within `tolerance` of `expected`, relative to the larger of the two
/// (absolute near zero), so one tolerance serves small and large values alike.
fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    let scale = actual.abs().max(expected.abs()).max(1.0);
    (actual - expected).abs() <= tolerance * scale
}

/// Fails unless `error`'s message holds each of `words`, so that it says what went wrong.
fn says(error: &dyn std::error::Error, words: &[&str], book: Book) {
    let message = error.to_string();
    for word in words {
        assert!(
            message.contains(word),
            "the message of {error:?} should say {word:?}, but it is {message:?}; {book}"
        );
    }
}

/// Runs `work`, turning a panic into `Err` with its message, so a test can say what a panic
/// means instead of only quoting it.
fn no_panic<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .map_err(|payload| testkit::panic_text(payload.as_ref()))
}
