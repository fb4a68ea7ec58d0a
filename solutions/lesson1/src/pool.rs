//! Exercise 3: your own `multiprocessing.Pool`, on std threads and a crossbeam channel.
//!
//! Workers are plain threads that pull boxed jobs from one shared channel. Each job runs inside
//! `catch_unwind`, so a panicking task becomes an `Err` for whoever waits on it, and the worker
//! lives on to run the next job. Results travel back on a channel of their own, one per call.

use std::any::Any;
use std::fmt;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

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
pub struct Pool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

/// The pending result of [`Pool::apply_async`]: Python's `AsyncResult`.
#[derive(Debug)]
pub struct AsyncResult<T> {
    outcome: Receiver<Result<T, TaskPanicked>>,
}

/// The pending results of [`Pool::map_async`].
#[derive(Debug)]
pub struct MapResult<U> {
    chunks: Vec<Receiver<ChunkOutcome<U>>>,
}

/// What one chunk of a map sends back: its results, or the first item that panicked.
type ChunkOutcome<U> = Result<Vec<U>, TaskPanicked>;

impl Pool {
    // ANCHOR: worker
    /// Starts a pool of `workers` threads, each waiting for jobs.
    pub fn new(workers: usize) -> Result<Pool, PoolError> {
        if workers == 0 {
            return Err(PoolError::NoWorkers);
        }
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        let mut handles = Vec::with_capacity(workers);
        for id in 0..workers {
            let queue = queue.clone();
            let handle = thread::Builder::new()
                .name(format!("pool-worker-{id}"))
                // The loop ends when every sender is gone: that is how Drop says "shut down".
                .spawn(move || {
                    for job in queue {
                        job();
                    }
                })
                .map_err(PoolError::Spawn)?;
            handles.push(handle);
        }
        Ok(Pool {
            jobs: Some(jobs),
            workers: handles,
        })
    }
    // ANCHOR_END: worker

    /// The number of worker threads.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Queues `task` and returns at once with a handle to its result.
    // ANCHOR: apply_async
    pub fn apply_async<F, T>(&self, task: F) -> AsyncResult<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (reply, outcome) = crossbeam_channel::bounded(1);
        self.submit(Box::new(move || {
            let result =
                panic::catch_unwind(AssertUnwindSafe(task)).map_err(|payload| TaskPanicked {
                    item: None,
                    message: panic_message(payload.as_ref()),
                });
            // The caller may have dropped its handle; then nobody wants the result.
            let _ = reply.send(result);
        }));
        AsyncResult { outcome }
    }
    // ANCHOR_END: apply_async

    /// Runs `task` on a worker and waits for its result: `apply_async(task).get()`.
    pub fn apply<F, T>(&self, task: F) -> Result<T, TaskPanicked>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.apply_async(task).get()
    }

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
        self.map_async(f, items, chunk_size).get()
    }

    /// Like [`Pool::map`], but returns at once with a handle to the results.
    // ANCHOR: map_async
    pub fn map_async<T, U, F>(&self, f: F, items: Vec<T>, chunk_size: usize) -> MapResult<U>
    where
        F: Fn(T) -> U + Send + Sync + 'static,
        T: Send + 'static,
        U: Send + 'static,
    {
        assert!(chunk_size > 0, "Pool::map needs a chunk size of at least 1");
        let f = Arc::new(f);
        let mut chunks = Vec::with_capacity(items.len().div_ceil(chunk_size));
        let mut items = items.into_iter();
        let mut first_index = 0;
        loop {
            let chunk: Vec<T> = items.by_ref().take(chunk_size).collect();
            if chunk.is_empty() {
                break;
            }
            let start = first_index;
            first_index += chunk.len();
            let (reply, outcome) = crossbeam_channel::bounded(1);
            let f = Arc::clone(&f);
            self.submit(Box::new(move || {
                let _ = reply.send(run_chunk(&*f, start, chunk));
            }));
            chunks.push(outcome);
        }
        MapResult { chunks }
    }
    // ANCHOR_END: map_async

    fn submit(&self, job: Job) {
        self.jobs
            .as_ref()
            .expect("jobs are only taken away in Drop")
            .send(job)
            .expect("workers only stop after the pool is dropped");
    }
}

/// Calls `f` on every item of a chunk whose first item has input index `start`, catching panics
/// item by item so that every item runs and the first failure in input order is the one reported.
fn run_chunk<T, U>(f: &impl Fn(T) -> U, start: usize, chunk: Vec<T>) -> ChunkOutcome<U> {
    let mut results = Vec::with_capacity(chunk.len());
    let mut first_panic = None;
    for (index, item) in (start..).zip(chunk) {
        match panic::catch_unwind(AssertUnwindSafe(|| f(item))) {
            Ok(value) => results.push(value),
            Err(payload) => {
                first_panic.get_or_insert(TaskPanicked {
                    item: Some(index),
                    message: panic_message(payload.as_ref()),
                });
            }
        }
    }
    first_panic.map_or(Ok(results), Err)
}

// ANCHOR: drop
impl Drop for Pool {
    fn drop(&mut self) {
        // Closing the channel ends each worker's `for job in queue` loop once the queue is empty.
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            // Jobs catch their own panics, so a worker only fails if the runtime itself does.
            let _ = worker.join();
        }
    }
}
// ANCHOR_END: drop

impl<T> AsyncResult<T> {
    /// Waits for the task and returns its value, or the panic it ended with.
    pub fn get(self) -> Result<T, TaskPanicked> {
        self.outcome.recv().unwrap_or_else(|_| Err(lost_task()))
    }
}

impl<U> MapResult<U> {
    /// Waits for every chunk and returns all results in input order, or the first panic in
    /// input order.
    pub fn get(self) -> Result<Vec<U>, TaskPanicked> {
        let mut results = Vec::new();
        let mut first_panic = None;
        // Chunks were queued in input order, so reading their channels in that order restores
        // it, whatever order the workers finished in.
        for chunk in self.chunks {
            match chunk.recv().unwrap_or_else(|_| Err(lost_task())) {
                Ok(values) => results.extend(values),
                Err(panicked) => {
                    first_panic.get_or_insert(panicked);
                }
            }
        }
        first_panic.map_or(Ok(results), Err)
    }
}

/// Python's default chunk size for `Pool.map`: the items split into about four chunks per
/// worker, rounded up, and never less than 1.
pub fn default_chunk_size(items: usize, workers: usize) -> usize {
    items.div_ceil(workers.max(1) * 4).max(1)
}

/// The text of a panic, whether it was raised with a literal or a formatted message.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a text message".to_string()
    }
}

/// The error for a task whose worker disappeared before answering.
fn lost_task() -> TaskPanicked {
    TaskPanicked {
        item: None,
        message: "the worker running this task stopped before sending a result".to_string(),
    }
}
