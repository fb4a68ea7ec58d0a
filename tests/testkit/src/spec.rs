//! Assertions and bounded calls that read like the specification they check.
//!
//! A suite module declares where the book explains it once, `const BOOK: testkit::Book =
//! super::book("own-pool");`, and these macros append that pointer to every failure message, so
//! a test body holds only the property and the explanation.

use std::fmt;

/// A section of the course book: what every failure message points a student to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Book {
    /// The lesson whose chapter holds the section.
    pub lesson: u32,
    /// The section's id in that chapter (`own-pool` for `{#own-pool}`).
    pub anchor: &'static str,
}

impl Book {
    /// The section `anchor` of lesson `lesson`'s chapter.
    pub const fn new(lesson: u32, anchor: &'static str) -> Book {
        Book { lesson, anchor }
    }
}

impl fmt::Display for Book {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::see(self.lesson, self.anchor))
    }
}

/// `assert!` whose message ends with the calling module's `BOOK` section.
///
/// ```ignore
/// check!(pool.workers() == 3, "Pool::new(3) should start 3 workers");
/// ```
#[macro_export]
macro_rules! check {
    ($condition:expr, $($message:tt)+) => {
        assert!($condition, "{}; {}", format_args!($($message)+), BOOK)
    };
}

/// `assert_eq!` whose message ends with the calling module's `BOOK` section.
#[macro_export]
macro_rules! check_eq {
    ($left:expr, $right:expr, $($message:tt)+) => {
        assert_eq!($left, $right, "{}; {}", format_args!($($message)+), BOOK)
    };
}

/// `panic!` whose message ends with the calling module's `BOOK` section.
#[macro_export]
macro_rules! fail {
    ($($message:tt)+) => {
        panic!("{}; {}", format_args!($($message)+), BOOK)
    };
}

/// Evaluates an expression on another thread and returns its value, failing the test if it has
/// not finished within [`PATIENCE`](crate::PATIENCE).
///
/// The expression is moved into the thread (clone an `Arc` first to keep using it) and names
/// itself in the failure: ``pool.map(f, items, 1)` did not finish within 10s: <hint>; see the
/// book …``. Without a hint the message says what usually causes a hang.
#[macro_export]
macro_rules! bounded {
    ($work:expr) => {
        $crate::bounded!(
            $work,
            "it is deadlocked, or waits for something that never happens (a result never sent, \
             a wakeup never given, a thread never joined)"
        )
    };
    ($work:expr, $($hint:tt)+) => {
        $crate::within(
            $crate::PATIENCE,
            &format!("`{}`", stringify!($work)),
            &format!("{}; {}", format_args!($($hint)+), BOOK),
            move || $work,
        )
    };
}
