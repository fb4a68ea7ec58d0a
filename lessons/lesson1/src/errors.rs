//! The lesson's error types and `panic_message`: provided, identical in your crate and in the
//! reference, so that every exercise reports failures the same way. You do not need to change
//! anything here.

use std::any::Any;
use std::fmt;
use std::io;

/// Why a requested pool size was refused: the error of [`crate::pool_size()`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolSizeError {
    /// The request was `0`: a pool without workers would never run anything.
    Zero,
    /// The request was neither a whole number nor `auto`; holds the text exactly as given,
    /// surrounding spaces included.
    NotANumber(String),
}

impl fmt::Display for PoolSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolSizeError::Zero => {
                write!(f, "a pool needs at least 1 worker, but 0 was requested")
            }
            PoolSizeError::NotANumber(text) => write!(
                f,
                "pool size {text:?} is not a whole number: give a count such as 4, or `auto` \
                 for one worker per core"
            ),
        }
    }
}

impl std::error::Error for PoolSizeError {}

/// Why a [`crate::Pool`] could not be built.
#[derive(Debug)]
pub enum PoolError {
    /// `Pool::new(0)`: a pool without workers would never run anything.
    NoWorkers,
    /// The operating system refused to start a worker thread.
    Spawn(io::Error),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::NoWorkers => {
                write!(f, "a pool needs at least 1 worker, but 0 were asked for")
            }
            PoolError::Spawn(err) => write!(f, "could not start a worker thread: {err}"),
        }
    }
}

impl std::error::Error for PoolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PoolError::NoWorkers => None,
            PoolError::Spawn(err) => Some(err),
        }
    }
}

/// A task (or one of its callbacks) panicked instead of returning a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPanicked {
    /// For the calls on items (`map`, `imap`, …): the input index of the item whose call
    /// panicked. `None` for a single task from `apply_async` and for a panicking callback.
    pub item: Option<usize>,
    /// The panic's message, as `panic_message` reads it from the payload.
    pub message: String,
}

impl fmt::Display for TaskPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.item {
            Some(index) => write!(f, "the task for item {index} panicked: {}", self.message),
            None => write!(f, "the task panicked: {}", self.message),
        }
    }
}

impl std::error::Error for TaskPanicked {}

/// The text of a panic, whether it was raised with a literal or a formatted message, or a
/// placeholder when the payload is not a string: give it the payload that
/// `std::panic::catch_unwind` returns. Provided, since downcasting `Any` is not what this
/// lesson is about.
#[allow(
    dead_code,
    reason = "the stubs do not call it until exercise 3 is done"
)]
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a text message".to_string()
    }
}
