//! Exercise 3: your own `multiprocessing.Pool`, on std threads and a crossbeam channel.
//!
//! The plan the book walks through: workers are plain threads that pull boxed jobs from one
//! shared channel. Each job runs inside `catch_unwind`, so a panicking task becomes an `Err` for
//! whoever waits on it and the worker lives on. Results travel back on a channel of their own,
//! one per call. The types below are a suggestion: change their private fields as you like, but
//! keep every public signature, since the tests call them.

use std::any::Any;
use std::fmt;
use std::io;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

/// A unit of work as the workers see it: run once, on whichever worker takes it.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a [`Pool`] could not be built.
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

/// A task panicked instead of returning a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPanicked {
    /// For [`Pool::map`]: the index of the first item (in input order) whose call panicked.
    /// `None` for a single task from [`Pool::apply_async`].
    pub item: Option<usize>,
    /// The panic's message, or a placeholder when the payload was not a string.
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

/// A fixed set of worker threads that run the tasks given to them: Python's
/// `multiprocessing.Pool`, with threads instead of processes.
///
/// Dropping the pool lets the workers finish the jobs already queued, then joins every one of
/// them, like leaving Python's `with Pool(n) as p:` block.
#[derive(Debug)]
// Remove this `allow` once your methods use the fields.
#[allow(dead_code)]
pub struct Pool {
    /// Where jobs are queued; `None` once `Drop` has closed the channel.
    jobs: Option<Sender<Job>>,
    /// One handle per worker thread, to join them in `Drop`.
    workers: Vec<JoinHandle<()>>,
}

/// The pending result of [`Pool::apply_async`]: Python's `AsyncResult`.
#[derive(Debug)]
#[allow(dead_code)]
pub struct AsyncResult<T> {
    /// The worker sends the task's outcome here.
    outcome: Receiver<Result<T, TaskPanicked>>,
}

/// The pending results of [`Pool::map_async`].
#[derive(Debug)]
#[allow(dead_code)]
pub struct MapResult<U> {
    /// One receiver per chunk, in input order.
    chunks: Vec<Receiver<Result<Vec<U>, TaskPanicked>>>,
}

impl Pool {
    // ANCHOR: pool_new
    /// Starts a pool of `workers` threads, each taking jobs from one shared channel until the
    /// channel is closed.
    ///
    /// Errors: [`PoolError::NoWorkers`] for 0, [`PoolError::Spawn`] if a thread cannot start
    /// (use `std::thread::Builder::spawn`, which reports that instead of panicking).
    pub fn new(workers: usize) -> Result<Pool, PoolError> {
        let _ = workers;
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }
    // ANCHOR_END: pool_new

    /// The number of worker threads.
    pub fn workers(&self) -> usize {
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }

    // ANCHOR: pool_apply_async
    /// Queues `task` and returns at once with a handle to its result.
    ///
    /// If the task panics, [`AsyncResult::get`] returns [`TaskPanicked`] with `item: None` and
    /// the panic's message, and the worker goes on to its next job.
    pub fn apply_async<F, T>(&self, task: F) -> AsyncResult<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _ = task;
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }
    // ANCHOR_END: pool_apply_async

    /// Runs `task` on a worker and waits for its result: `apply_async(task).get()`.
    pub fn apply<F, T>(&self, task: F) -> Result<T, TaskPanicked>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _ = task;
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }

    // ANCHOR: pool_map
    /// Applies `f` to every item, `chunk_size` items per job, and waits for the results, which
    /// come back in input order.
    ///
    /// If calls panic, the error names the first such item in input order; every other item
    /// still runs, and the pool stays usable. Panics if `chunk_size` is 0, like
    /// [`slice::chunks`].
    pub fn map<T, U, F>(
        &self,
        f: F,
        items: Vec<T>,
        chunk_size: usize,
    ) -> Result<Vec<U>, TaskPanicked>
    where
        F: Fn(T) -> U + Send + Sync + 'static,
        T: Send + 'static,
        U: Send + 'static,
    {
        let _ = (f, items, chunk_size);
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }
    // ANCHOR_END: pool_map

    /// Like [`Pool::map`], but returns at once with a handle to the results.
    ///
    /// Hint: share `f` between jobs with an `Arc`, send one job per chunk, and keep one
    /// receiver per chunk in input order.
    pub fn map_async<T, U, F>(&self, f: F, items: Vec<T>, chunk_size: usize) -> MapResult<U>
    where
        F: Fn(T) -> U + Send + Sync + 'static,
        T: Send + 'static,
        U: Send + 'static,
    {
        let _ = (f, items, chunk_size);
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }
}

impl Drop for Pool {
    /// Closes the job channel, so each worker's loop ends once the queue is empty, then joins
    /// every worker.
    fn drop(&mut self) {
        // Left empty so that a panicking stub does not panic again while unwinding; fill it in.
    }
}

impl<T> AsyncResult<T> {
    /// Waits for the task and returns its value, or the panic it ended with.
    pub fn get(self) -> Result<T, TaskPanicked> {
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }
}

impl<U> MapResult<U> {
    /// Waits for every chunk and returns all results in input order, or the first panic in
    /// input order.
    pub fn get(self) -> Result<Vec<U>, TaskPanicked> {
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }
}

/// Python's default chunk size for `Pool.map`: the items split into about four chunks per
/// worker, rounded up, and never less than 1. `default_chunk_size(100, 4)` is 7.
pub fn default_chunk_size(items: usize, workers: usize) -> usize {
    let _ = (items, workers);
    todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
}

/// The text of a panic, whether it was raised with a literal or a formatted message: give it
/// the payload that `std::panic::catch_unwind` returns. Provided, since downcasting `Any` is
/// not what this lesson is about.
#[allow(dead_code)]
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a text message".to_string()
    }
}
