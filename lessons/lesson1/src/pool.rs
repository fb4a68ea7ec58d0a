//! Exercise 3: your own `multiprocessing.Pool`, on std threads and a crossbeam channel.
//!
//! The plan the book walks through: workers are plain threads that pull boxed jobs from one
//! shared channel. Each job runs inside `catch_unwind`, so a panicking task becomes an `Err` for
//! whoever waits on it and the worker lives on. Results travel back on a channel of their own,
//! one per call. The types below are a suggestion: change their private fields as you like, but
//! keep every public signature, since the tests call them.
//!
//! Exercise 3 is the core (`new`, `apply_async`, `map`, `Drop`); exercise 5 adds Python's
//! callbacks and `ready`/`wait`, exercise 6 the lazy iterators `imap` and `imap_unordered`.

use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::errors::{PoolError, TaskPanicked};

/// A unit of work as the workers see it: run once, on whichever worker takes it.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads that run the tasks given to them: Python's
/// `multiprocessing.Pool`, with threads instead of processes.
///
/// Submitting never blocks: the job queue has no size limit, so a running task may wait for a
/// task submitted after it, and a result nobody has asked for yet never holds up a worker.
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
    /// The outcome, once `ready` or `wait` has taken it off the channel.
    received: Option<Result<T, TaskPanicked>>,
}

/// The pending results of [`Pool::map_async`]: Python's `MapResult`.
#[derive(Debug)]
#[allow(dead_code)]
pub struct MapResult<U> {
    /// All results at once, sent by whichever worker finishes the last chunk.
    all: AsyncResult<Vec<U>>,
}

/// The results of [`Pool::imap`], in input order.
#[derive(Debug)]
#[allow(dead_code)]
pub struct Imap<U> {
    /// One receiver per chunk, in input order.
    chunks: std::vec::IntoIter<Receiver<Vec<Result<U, TaskPanicked>>>>,
    /// The results of the chunk being handed out.
    current: std::vec::IntoIter<Result<U, TaskPanicked>>,
}

/// The results of [`Pool::imap_unordered`], each with its item's index.
#[derive(Debug)]
#[allow(dead_code)]
pub struct ImapUnordered<U> {
    /// Every chunk sends its results here, tagged with their indices, as soon as it is done.
    chunks: Receiver<Vec<(usize, Result<U, TaskPanicked>)>>,
    /// The results of the chunk being handed out.
    current: std::vec::IntoIter<(usize, Result<U, TaskPanicked>)>,
}

impl Pool {
    // ANCHOR: pool_new
    /// Starts a pool of exactly `workers` threads (all of them before returning, and never any
    /// other), each taking jobs from one shared channel until the channel is closed.
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
    /// Never blocks, however many tasks are queued: a task may wait for one submitted after it,
    /// as long as a worker is free to run that one. The result waits in the handle until it is
    /// asked for, so a worker never waits for [`AsyncResult::get`]: handles can be awaited in
    /// any order, or dropped unread. If the task panics, `get` returns [`TaskPanicked`] with
    /// `item: None` and the panic's message, and the worker goes on to its next job.
    pub fn apply_async<F, T>(&self, task: F) -> AsyncResult<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _ = task;
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }
    // ANCHOR_END: pool_apply_async

    // ANCHOR: pool_apply_async_with
    /// [`Pool::apply_async`] with Python's `callback` and `error_callback`.
    ///
    /// Exactly one of the two runs, once: `on_ok` with a reference to the task's value, or
    /// `on_err` with the same [`TaskPanicked`] that `get` returns. It runs on the worker that
    /// ran the task, right after the task, whether or not anybody ever asks for the result, and
    /// before the result is available: while it runs, [`AsyncResult::ready`] is `false`, and
    /// `get` returns only after it has returned. A callback should be quick, since its worker
    /// runs nothing else meanwhile. If a callback panics, the worker survives and `get` returns
    /// that panic (`item: None`) instead of the task's outcome.
    pub fn apply_async_with<F, T, C, E>(&self, task: F, on_ok: C, on_err: E) -> AsyncResult<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
        C: FnOnce(&T) + Send + 'static,
        E: FnOnce(&TaskPanicked) + Send + 'static,
    {
        let _ = (task, on_ok, on_err);
        todo!("Exercise 1.5: read book/src/lesson1.md#callbacks")
    }
    // ANCHOR_END: pool_apply_async_with

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
    /// Applies `f` to every item, `chunk_size` items per job (the last chunk is shorter when
    /// `chunk_size` does not divide the number of items), and waits for the results, which
    /// come back in input order.
    ///
    /// If calls panic, the error names the first such item in input order, with that call's
    /// own panic message; every other item still runs (those in the same chunk too), and the
    /// pool stays usable. Panics if `chunk_size` is 0, like [`slice::chunks`].
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

    /// Like [`Pool::map`], but returns at once (it never blocks, like
    /// [`Pool::apply_async`]) with a handle to the results.
    ///
    /// Hint: share `f` between jobs with an `Arc` and send one job per chunk.
    pub fn map_async<T, U, F>(&self, f: F, items: Vec<T>, chunk_size: usize) -> MapResult<U>
    where
        F: Fn(T) -> U + Send + Sync + 'static,
        T: Send + 'static,
        U: Send + 'static,
    {
        let _ = (f, items, chunk_size);
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }

    // ANCHOR: pool_map_async_with
    /// [`Pool::map_async`] with Python's `callback` and `error_callback`.
    ///
    /// Exactly one of the two runs, once, after every item has run: `on_ok` with all results
    /// in input order, or `on_err` with the same [`TaskPanicked`] that `get` returns (the first
    /// panic in input order). It runs on the worker that finished the last chunk (for no items
    /// at all: on the calling thread, before `map_async_with` returns), whether or not anybody
    /// ever asks for the results, and before they are available: while it runs,
    /// [`MapResult::ready`] is `false`, and `get` returns only after it has returned. If a
    /// callback panics, `get` returns that panic (`item: None`) instead.
    pub fn map_async_with<T, U, F, C, E>(
        &self,
        f: F,
        items: Vec<T>,
        chunk_size: usize,
        on_ok: C,
        on_err: E,
    ) -> MapResult<U>
    where
        F: Fn(T) -> U + Send + Sync + 'static,
        T: Send + 'static,
        U: Send + 'static,
        C: FnOnce(&[U]) + Send + 'static,
        E: FnOnce(&TaskPanicked) + Send + 'static,
    {
        let _ = (f, items, chunk_size, on_ok, on_err);
        todo!("Exercise 1.5: read book/src/lesson1.md#callbacks")
    }
    // ANCHOR_END: pool_map_async_with

    // ANCHOR: pool_imap
    /// Applies `f` to every item, `chunk_size` items per job (Python's default is 1), queues
    /// them all and returns at once with an iterator over the results in input order: one
    /// `Result` per item, `Err(TaskPanicked { item: Some(index), .. })` for a call that
    /// panicked (the iteration goes on past it).
    ///
    /// The iterator is lazy: each `next` waits only for the chunk holding the next item, so the
    /// first results can be used while later items still run. Results wait in the iterator
    /// until taken, never holding up a worker; dropping the iterator early throws the rest
    /// away (their items still run). Panics if `chunk_size` is 0.
    pub fn imap<T, U, F>(&self, f: F, items: Vec<T>, chunk_size: usize) -> Imap<U>
    where
        F: Fn(T) -> U + Send + Sync + 'static,
        T: Send + 'static,
        U: Send + 'static,
    {
        let _ = (f, items, chunk_size);
        todo!("Exercise 1.6: read book/src/lesson1.md#imap")
    }
    // ANCHOR_END: pool_imap

    // ANCHOR: pool_imap_unordered
    /// Like [`Pool::imap`], but the results come in the order they are computed, each paired
    /// with its item's input index: `next` returns a result as soon as its chunk has run,
    /// whatever is still running before it in the input (within a chunk, in input order).
    /// Every item comes exactly once, and the iteration ends after the last.
    pub fn imap_unordered<T, U, F>(
        &self,
        f: F,
        items: Vec<T>,
        chunk_size: usize,
    ) -> ImapUnordered<U>
    where
        F: Fn(T) -> U + Send + Sync + 'static,
        T: Send + 'static,
        U: Send + 'static,
    {
        let _ = (f, items, chunk_size);
        todo!("Exercise 1.6: read book/src/lesson1.md#imap")
    }
    // ANCHOR_END: pool_imap_unordered
}

impl Drop for Pool {
    /// Closes the job channel, so each worker's loop ends once the queue is empty, then joins
    /// every worker.
    fn drop(&mut self) {
        // Left empty so that a panicking stub does not panic again while unwinding; fill it in.
    }
}

impl<T> AsyncResult<T> {
    /// Whether the result is there, so that [`AsyncResult::get`] would return at once. Never
    /// waits. It takes `&mut self` because finding out may mean taking the result off a
    /// channel: the handle keeps it for `get`.
    pub fn ready(&mut self) -> bool {
        todo!("Exercise 1.5: read book/src/lesson1.md#callbacks")
    }

    /// Waits until the result is there or `timeout` has passed, whichever comes first, and
    /// returns whether it is there; the result stays in the handle for [`AsyncResult::get`].
    pub fn wait(&mut self, timeout: Duration) -> bool {
        let _ = timeout;
        todo!("Exercise 1.5: read book/src/lesson1.md#callbacks")
    }

    /// Waits for the task and returns its value, or the panic it ended with.
    pub fn get(self) -> Result<T, TaskPanicked> {
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }
}

impl<U> MapResult<U> {
    /// Whether the results are there, so that [`MapResult::get`] would return at once. Never
    /// waits; `&mut self` as for [`AsyncResult::ready`].
    pub fn ready(&mut self) -> bool {
        todo!("Exercise 1.5: read book/src/lesson1.md#callbacks")
    }

    /// Waits until the results are there or `timeout` has passed, whichever comes first, and
    /// returns whether they are there; they stay in the handle for [`MapResult::get`].
    pub fn wait(&mut self, timeout: Duration) -> bool {
        let _ = timeout;
        todo!("Exercise 1.5: read book/src/lesson1.md#callbacks")
    }

    /// Waits for every chunk and returns all results in input order, or the first panic in
    /// input order.
    pub fn get(self) -> Result<Vec<U>, TaskPanicked> {
        todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
    }
}

impl<U> Iterator for Imap<U> {
    type Item = Result<U, TaskPanicked>;

    /// The next item's result, in input order, once its chunk has run; `None` after the last.
    fn next(&mut self) -> Option<Self::Item> {
        todo!("Exercise 1.6: read book/src/lesson1.md#imap")
    }
}

impl<U> Iterator for ImapUnordered<U> {
    type Item = (usize, Result<U, TaskPanicked>);

    /// The next result to be computed, with its item's index; `None` after the last.
    fn next(&mut self) -> Option<Self::Item> {
        todo!("Exercise 1.6: read book/src/lesson1.md#imap")
    }
}

/// Python's default chunk size for `Pool.map`: the items split into about four chunks per
/// worker, rounded up, and never less than 1. `default_chunk_size(100, 4)` is 7. A `workers`
/// of 0 counts as 1.
pub fn default_chunk_size(items: usize, workers: usize) -> usize {
    let _ = (items, workers);
    todo!("Exercise 1.3: read book/src/lesson1.md#own-pool")
}
