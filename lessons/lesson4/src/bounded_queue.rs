//! Exercise 2: a bounded blocking queue for many producers and many consumers, on a `Mutex` and
//! two `Condvar`s: Python's `queue.Queue(maxsize)`, plus `close()`.
//!
//! The plan the book walks through: everything the queue knows lives in one `State` behind the
//! mutex. A thread that cannot go on (a push on a full queue, a pop on an empty one) sleeps on a
//! condition variable, which releases the mutex while it sleeps; whoever changes the state in a
//! way that could let it go on wakes it. The types below are a suggestion: change their private
//! fields as you like, but keep every public signature, since the tests call them.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

pub use crate::errors::{Closed, PopError, PushError, ZeroCapacity};

/// A first-in, first-out queue that holds at most `capacity` items, for any number of producers
/// and consumers: Python's `queue.Queue(maxsize=capacity)`, plus `close()`.
///
/// Share it between threads with an `Arc` (or a scope): every method takes `&self`.
#[derive(Debug)]
// Remove this `allow` once your methods use the fields.
#[allow(dead_code)]
pub struct BoundedQueue<T> {
    capacity: usize,
    state: Mutex<State<T>>,
    /// Signalled when an item arrives or the queue closes: sleeping pops wait here.
    not_empty: Condvar,
    /// Signalled when an item leaves or the queue closes: sleeping pushes wait here.
    not_full: Condvar,
}

// ANCHOR: state
/// Everything that changes, behind the one mutex.
#[derive(Debug)]
#[allow(dead_code)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
    /// The most items ever held at once.
    high_water: usize,
    /// Threads asleep in a pop or a push right now.
    waiting_pops: usize,
    waiting_pushes: usize,
}
// ANCHOR_END: state

impl<T> BoundedQueue<T> {
    // ANCHOR: new
    /// An empty, open queue that holds at most `capacity` items; [`ZeroCapacity`] for 0.
    pub fn new(capacity: usize) -> Result<BoundedQueue<T>, ZeroCapacity> {
        let _ = capacity;
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }
    // ANCHOR_END: new

    /// The most items the queue holds at once.
    pub fn capacity(&self) -> usize {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// How many items the queue holds right now.
    pub fn len(&self) -> usize {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// Whether the queue holds no items right now.
    pub fn is_empty(&self) -> bool {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// Whether [`BoundedQueue::close`] has been called.
    pub fn is_closed(&self) -> bool {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    // ANCHOR: instruments
    /// The most items the queue has ever held at once. Never more than the capacity: the tests
    /// check that with it.
    pub fn high_water(&self) -> usize {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// How many threads are asleep in a pop right now, waiting for an item: count one up just
    /// before a pop waits on its condition variable and down again when it wakes.
    pub fn waiting_pops(&self) -> usize {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// How many threads are asleep in a push right now, waiting for room; counted like
    /// [`BoundedQueue::waiting_pops`].
    pub fn waiting_pushes(&self) -> usize {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }
    // ANCHOR_END: instruments

    // ANCHOR: push_pop
    /// Adds `item` at the back. While the queue is full, sleeps until a pop makes room. On a
    /// closed queue (including one closed while this push sleeps) returns the item in
    /// `Err(Closed(item))`.
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        let _ = item;
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// Takes the item at the front. While the queue is empty and open, sleeps until a push or a
    /// close. After `close`, still returns the items left in the queue, one per call, and only
    /// then `None`.
    pub fn pop(&self) -> Option<T> {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// Closes the queue: every later push fails, and every thread asleep in a push or a pop
    /// wakes up (`notify_all`) to find out. Closing twice is harmless.
    pub fn close(&self) {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }
    // ANCHOR_END: push_pop

    // ANCHOR: try_and_timeout
    /// Adds `item` at the back if there is room right now, without waiting.
    /// [`PushError::Closed`] on a closed queue (even a full one), else [`PushError::Full`] on a
    /// full one; either way the item comes back.
    pub fn try_push(&self, item: T) -> Result<(), PushError<T>> {
        let _ = item;
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// Like [`BoundedQueue::push`], but waits at most `timeout` for room:
    /// [`PushError::Full`] if there was still none by then. A `timeout` too long to represent
    /// as an `Instant` (such as `Duration::MAX`) waits as long as it takes, without panicking.
    pub fn push_timeout(&self, item: T, timeout: Duration) -> Result<(), PushError<T>> {
        let _ = (item, timeout);
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// Takes the item at the front if there is one right now, without waiting.
    /// [`PopError::Empty`] if the queue is empty and open, [`PopError::Closed`] if it is empty
    /// and closed.
    pub fn try_pop(&self) -> Result<T, PopError> {
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }

    /// Like [`BoundedQueue::pop`], but waits at most `timeout` for an item:
    /// [`PopError::Empty`] if none came by then, [`PopError::Closed`] once closed and empty. A
    /// `timeout` too long to represent as an `Instant` waits as long as it takes, as for
    /// [`BoundedQueue::push_timeout`].
    pub fn pop_timeout(&self, timeout: Duration) -> Result<T, PopError> {
        let _ = timeout;
        todo!("Exercise 4.2: read book/src/lesson4.md#bounded-queue")
    }
    // ANCHOR_END: try_and_timeout
}
