use std::ops::{Deref, DerefMut};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::{PATIENCE, within};

/// Owns a value whose `Drop` may block (a pool joining its workers, a queue's threads) and drops
/// it within [`PATIENCE`], so a `Drop` that never returns fails the test with `hint` instead of
/// hanging the run. Dereferences to the value.
///
/// While the thread is already panicking the value is dropped on a thread of its own and not
/// waited for: the test has failed anyway, and a second panic would abort the whole run.
#[derive(Debug)]
pub struct BoundedDrop<T: Send + 'static> {
    value: Option<T>,
    limit: Duration,
    what: String,
    hint: String,
}

impl<T: Send + 'static> BoundedDrop<T> {
    /// Wraps `value`; `what` names it in a failure (`"dropping the pool"`), `hint` says what a
    /// hang there usually means.
    pub fn new(value: T, what: impl Into<String>, hint: impl Into<String>) -> Self {
        BoundedDrop {
            value: Some(value),
            limit: PATIENCE,
            what: what.into(),
            hint: hint.into(),
        }
    }

    /// The same guard with another limit than [`PATIENCE`].
    pub fn with_limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }
}

impl<T: Send + 'static> Deref for BoundedDrop<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value
            .as_ref()
            .expect("the value is only taken in Drop")
    }
}

impl<T: Send + 'static> DerefMut for BoundedDrop<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value
            .as_mut()
            .expect("the value is only taken in Drop")
    }
}

impl<T: Send + 'static> Drop for BoundedDrop<T> {
    fn drop(&mut self) {
        let Some(value) = self.value.take() else {
            return;
        };
        if thread::panicking() {
            let _ = thread::Builder::new().spawn(move || drop(value));
        } else {
            within(self.limit, &self.what, &self.hint, move || drop(value));
        }
    }
}

/// Joins `thread` within [`PATIENCE`] and returns its value; a panic in the thread is passed on
/// unchanged, and a thread still running at the limit fails the test with `hint`.
pub fn join_within<T: Send + 'static>(thread: JoinHandle<T>, what: &str, hint: &str) -> T {
    within(PATIENCE, what, hint, move || {
        thread
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    })
}
