//! One `not yet implemented` message per test, however often a stub panics in it.
//!
//! A property test runs its body for hundreds of cases and then shrinks the failing one, and on
//! a stub every run panics on the same `todo!()`. The standard panic hook prints each of those
//! panics (with a backtrace under `RUST_BACKTRACE=1`), so a first `cargo test` of an untouched
//! lesson printed thousands of lines that all say the same thing. [`install`] wraps the panic
//! hook so that a thread prints only its first panic whose message says `not yet implemented`;
//! every other panic is printed as before. libtest runs each test on a thread of its own, so
//! each test still shows where its stub panicked, once.
//!
//! It is installed before `main` where testkit can run code then (Linux, as the [`guard`]
//! does), and otherwise by [`crate::proptest_config`], which every property test calls before
//! its first case.
//!
//! [`guard`]: crate::guard

use std::cell::Cell;
use std::panic;
use std::sync::Once;

/// The panic message of `todo!()`.
const NOT_YET_IMPLEMENTED: &str = "not yet implemented";

thread_local! {
    /// Whether this thread already printed a `not yet implemented` panic.
    static TOLD: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the current panic hook so that each thread prints only its first `not yet
/// implemented` panic. Only the first call does anything.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let todo = crate::panic_text(info.payload()).contains(NOT_YET_IMPLEMENTED);
            if todo && TOLD.with(|told| told.replace(true)) {
                return;
            }
            previous(info);
        }));
    });
}

#[cfg(target_os = "linux")]
mod at_start {
    /// Run before `main`, as every entry of `.init_array` is; an rlib's `#[used]` static is kept
    /// in every binary that links testkit.
    #[used]
    #[unsafe(link_section = ".init_array")]
    static CONSTRUCTOR: extern "C" fn() = start;

    extern "C" fn start() {
        super::install();
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    /// Panics on `todo!()` three times on one thread, once on another, and in every case of a
    /// property on a third; run by
    /// [`a_thread_prints_its_first_todo_only`] in a child process, passes otherwise.
    #[test]
    fn panics_on_todos() {
        if std::env::var_os("TESTKIT_TODO_ONCE_CHILD").is_none() {
            return;
        }
        super::install();
        for _ in 0..3 {
            let _ = std::panic::catch_unwind(|| todo!("the same stub"));
        }
        let _ = std::panic::catch_unwind(|| panic!("index out of bounds"));
        let _ = std::panic::catch_unwind(|| panic!("index out of bounds"));
        let other = std::thread::spawn(|| std::panic::catch_unwind(|| todo!("on another thread")));
        let _ = other.join();
        let property = std::thread::spawn(|| {
            let mut runner = proptest::test_runner::TestRunner::new(crate::proptest_config(64));
            let result = runner.run(&(0..100u32), |_| todo!("in a property"));
            assert!(result.is_err(), "a property of a todo!() fails");
        });
        property.join().expect("the property ran");
    }

    #[test]
    fn a_thread_prints_its_first_todo_only() {
        let output = Command::new(std::env::current_exe().expect("the test binary's path"))
            .args([
                "--exact",
                "todo_once::tests::panics_on_todos",
                "--nocapture",
            ])
            .env("TESTKIT_TODO_ONCE_CHILD", "1")
            .env("RUST_BACKTRACE", "0")
            .output()
            .expect("the test binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert_eq!(
            stderr.matches("not yet implemented: the same stub").count(),
            1,
            "a thread should print its first todo panic only:\n{stderr}"
        );
        assert_eq!(
            stderr
                .matches("not yet implemented: on another thread")
                .count(),
            1,
            "another thread should print its own first todo panic:\n{stderr}"
        );
        assert_eq!(
            stderr.matches("not yet implemented: in a property").count(),
            1,
            "a property test should print its first todo panic only, not one per case:\n{stderr}"
        );
        assert_eq!(
            stderr.matches("index out of bounds").count(),
            2,
            "every other panic should be printed:\n{stderr}"
        );
    }
}
