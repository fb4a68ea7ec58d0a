//! Exercise 2: a bounded blocking queue for many producers and many consumers, on a `Mutex` and
//! two `Condvar`s: Python's `queue.Queue(maxsize)`, plus `close()`.
//!
//! Everything the queue knows lives in one `State` behind the mutex. A thread that cannot go on
//! (a push on a full queue, a pop on an empty one) sleeps on a condition variable, which
//! releases the mutex while it sleeps; whoever changes the state in a way that could let it go
//! on wakes it. Every wait sits in a loop that checks the state again after waking, since a
//! wake-up is only a hint: another thread may have got there first.
//!
//! Two things make it about as fast as crossbeam's channel: a call that cannot go on looks again
//! a few times before it sleeps, and a notification is sent only when the waiting counters say
//! somebody sleeps (`notify_one` is a system call even when nobody waits).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use crate::errors::{Closed, PopError, PushError, ZeroCapacity};

/// A first-in, first-out queue that holds at most `capacity` items, for any number of producers
/// and consumers: Python's `queue.Queue(maxsize=capacity)`, plus `close()`.
#[derive(Debug)]
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

/// How long a blocking call may wait.
#[derive(Debug, Clone, Copy)]
enum Patience {
    Forever,
    Until(Instant),
}

impl Patience {
    fn after(timeout: Duration) -> Patience {
        // A timeout too large to represent as an instant is as good as forever.
        Instant::now()
            .checked_add(timeout)
            .map_or(Patience::Forever, Patience::Until)
    }

    /// Patience for a call that must not wait at all.
    fn none() -> Patience {
        Patience::Until(Instant::now())
    }

    fn run_out(self) -> bool {
        match self {
            Patience::Forever => false,
            Patience::Until(deadline) => Instant::now() >= deadline,
        }
    }
}

impl<T> BoundedQueue<T> {
    /// An empty, open queue that holds at most `capacity` items.
    pub fn new(capacity: usize) -> Result<BoundedQueue<T>, ZeroCapacity> {
        if capacity == 0 {
            return Err(ZeroCapacity);
        }
        Ok(BoundedQueue {
            capacity,
            state: Mutex::new(State {
                items: VecDeque::with_capacity(capacity),
                closed: false,
                high_water: 0,
                waiting_pops: 0,
                waiting_pushes: 0,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        })
    }

    /// The most items the queue holds at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many items the queue holds right now.
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether the queue holds no items right now.
    pub fn is_empty(&self) -> bool {
        self.lock().items.is_empty()
    }

    /// Whether [`BoundedQueue::close`] has been called.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// The most items the queue has ever held at once.
    pub fn high_water(&self) -> usize {
        self.lock().high_water
    }

    /// How many threads are asleep in a pop right now, waiting for an item.
    pub fn waiting_pops(&self) -> usize {
        self.lock().waiting_pops
    }

    /// How many threads are asleep in a push right now, waiting for room.
    pub fn waiting_pushes(&self) -> usize {
        self.lock().waiting_pushes
    }

    /// Adds `item` at the back, sleeping while the queue is full.
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        self.push_with(item, Patience::Forever)
            .map_err(|refused| Closed(refused.into_inner()))
    }

    /// Adds `item` at the back if there is room right now.
    pub fn try_push(&self, item: T) -> Result<(), PushError<T>> {
        self.push_with(item, Patience::none())
    }

    /// Like [`BoundedQueue::push`], but waits at most `timeout` for room:
    /// [`PushError::Full`] if there was still none by then. A `timeout` too long to represent
    /// as an `Instant` (such as `Duration::MAX`) waits as long as it takes, without panicking.
    pub fn push_timeout(&self, item: T, timeout: Duration) -> Result<(), PushError<T>> {
        self.push_with(item, Patience::after(timeout))
    }

    /// Takes the item at the front, sleeping while the queue is empty and open.
    pub fn pop(&self) -> Option<T> {
        self.pop_with(Patience::Forever).ok()
    }

    /// Takes the item at the front if there is one right now.
    pub fn try_pop(&self) -> Result<T, PopError> {
        self.pop_with(Patience::none())
    }

    /// Like [`BoundedQueue::pop`], but waits at most `timeout` for an item:
    /// [`PopError::Empty`] if none came by then, [`PopError::Closed`] once closed and empty. A
    /// `timeout` too long to represent as an `Instant` waits as long as it takes, as for
    /// [`BoundedQueue::push_timeout`].
    pub fn pop_timeout(&self, timeout: Duration) -> Result<T, PopError> {
        self.pop_with(Patience::after(timeout))
    }

    // ANCHOR: close
    /// Closes the queue and wakes every sleeping push and pop.
    pub fn close(&self) {
        self.lock().closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }
    // ANCHOR_END: close

    // ANCHOR: push_with
    fn push_with(&self, item: T, patience: Patience) -> Result<(), PushError<T>> {
        let mut state = self.lock();
        let mut looks = 0;
        loop {
            if state.closed {
                return Err(PushError::Closed(item));
            }
            if state.items.len() < self.capacity {
                state.items.push_back(item);
                state.high_water = state.high_water.max(state.items.len());
                let sleeping = state.waiting_pops > 0;
                drop(state);
                if sleeping {
                    self.not_empty.notify_one();
                }
                return Ok(());
            }
            if patience.run_out() {
                return Err(PushError::Full(item));
            }
            if looks < LOOKS_BEFORE_SLEEPING {
                looks += 1;
                drop(state);
                pause(looks);
                state = self.lock();
                continue;
            }
            state.waiting_pushes += 1;
            state = sleep(&self.not_full, state, patience);
            state.waiting_pushes -= 1;
        }
    }
    // ANCHOR_END: push_with

    // ANCHOR: pop_with
    fn pop_with(&self, patience: Patience) -> Result<T, PopError> {
        let mut state = self.lock();
        let mut looks = 0;
        loop {
            // Items still come out after close: closing stops pushes, not pops.
            if let Some(item) = state.items.pop_front() {
                let sleeping = state.waiting_pushes > 0;
                drop(state);
                if sleeping {
                    self.not_full.notify_one();
                }
                return Ok(item);
            }
            if state.closed {
                return Err(PopError::Closed);
            }
            if patience.run_out() {
                return Err(PopError::Empty);
            }
            if looks < LOOKS_BEFORE_SLEEPING {
                looks += 1;
                drop(state);
                pause(looks);
                state = self.lock();
                continue;
            }
            state.waiting_pops += 1;
            state = sleep(&self.not_empty, state, patience);
            state.waiting_pops -= 1;
        }
    }
    // ANCHOR_END: pop_with

    /// Every update of the state is one step on the `VecDeque` or a counter, so a thread that
    /// panicked while holding the lock cannot have left it half-done: carry on.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How many times a push or pop that cannot go on lets go of the lock and looks again before it
/// sleeps on its condition variable. With one producer and one consumer on a queue of 64 slots,
/// the other side almost always makes room or brings an item within these few microseconds, and
/// a sleep and a wake-up cost two system calls and a context switch each.
const LOOKS_BEFORE_SLEEPING: u32 = 10;

/// The pause before look number `look` (from 1): a spin that doubles each time, then a yield.
fn pause(look: u32) {
    if look <= 6 {
        for _ in 0..1u32 << look {
            std::hint::spin_loop();
        }
    } else {
        std::thread::yield_now();
    }
}

/// Sleeps on `condvar`, releasing the lock meanwhile, until woken or out of patience. Either way
/// the caller looks at the state again: a wake-up says "something changed", not what.
fn sleep<'q, T>(
    condvar: &Condvar,
    state: MutexGuard<'q, State<T>>,
    patience: Patience,
) -> MutexGuard<'q, State<T>> {
    match patience {
        Patience::Forever => condvar.wait(state).unwrap_or_else(|e| e.into_inner()),
        Patience::Until(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            condvar
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0
        }
    }
}
