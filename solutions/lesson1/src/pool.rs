//! Exercise 3: your own `multiprocessing.Pool`, on std threads and a crossbeam channel.
//!
//! Workers are plain threads that pull boxed jobs from one shared channel. Each job runs inside
//! `catch_unwind`, so a panicking task becomes an `Err` for whoever waits on it, and the worker
//! lives on to run the next job. Results travel back on a channel of their own, one per call.

use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use std::vec;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError};

use crate::errors::{PoolError, TaskPanicked, panic_message};

/// A unit of work as the workers see it: run once, on whichever worker takes it.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// What a call hands back: its value, or the first panic.
type Outcome<T> = Result<T, TaskPanicked>;

/// A fixed set of worker threads that run the tasks given to them: Python's
/// `multiprocessing.Pool`, with threads instead of processes.
///
/// Submitting never blocks: the job queue has no size limit, so a running task may wait for a
/// task submitted after it, and a result nobody has asked for yet never holds up a worker.
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
    outcome: Receiver<Outcome<T>>,
    /// The outcome once `ready` or `wait` has taken it off the channel.
    received: Option<Outcome<T>>,
}

/// The pending results of [`Pool::map_async`]: Python's `MapResult`.
#[derive(Debug)]
pub struct MapResult<U> {
    all: AsyncResult<Vec<U>>,
}

/// The results of [`Pool::imap`], in input order.
#[derive(Debug)]
pub struct Imap<U> {
    chunks: vec::IntoIter<Receiver<Vec<Outcome<U>>>>,
    current: vec::IntoIter<Outcome<U>>,
}

/// The results of [`Pool::imap_unordered`], each with its item's index.
#[derive(Debug)]
pub struct ImapUnordered<U> {
    chunks: Receiver<Vec<(usize, Outcome<U>)>>,
    current: vec::IntoIter<(usize, Outcome<U>)>,
}

impl Pool {
    // ANCHOR: worker
    /// Starts a pool of exactly `workers` threads (all of them before returning, and never any
    /// other), each taking jobs from one shared channel until the channel is closed.
    ///
    /// Errors: [`PoolError::NoWorkers`] for 0, [`PoolError::Spawn`] if a thread cannot start
    /// (use `std::thread::Builder::spawn`, which reports that instead of panicking).
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
        self.apply_async_with(task, |_| {}, |_| {})
    }

    /// [`Pool::apply_async`] with Python's `callback` and `error_callback`.
    ///
    /// Exactly one of the two runs, once: `on_ok` with a reference to the task's value, or
    /// `on_err` with the same [`TaskPanicked`] that `get` returns. It runs on the worker that
    /// ran the task, right after the task, whether or not anybody ever asks for the result, and
    /// before the result is available: while it runs, [`AsyncResult::ready`] is `false`, and
    /// `get` returns only after it has returned. A callback should be quick, since its worker
    /// runs nothing else meanwhile. If a callback panics, the worker survives and `get` returns
    /// that panic (`item: None`) instead of the task's outcome.
    // ANCHOR: apply_async
    pub fn apply_async_with<F, T, C, E>(&self, task: F, on_ok: C, on_err: E) -> AsyncResult<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
        C: FnOnce(&T) + Send + 'static,
        E: FnOnce(&TaskPanicked) + Send + 'static,
    {
        // Capacity 1: the worker's send never waits for the caller to ask for the result.
        let (reply, outcome) = crossbeam_channel::bounded(1);
        self.submit(Box::new(move || {
            let result = catch(task).map_err(|message| TaskPanicked {
                item: None,
                message,
            });
            finish(result, on_ok, on_err, &reply);
        }));
        AsyncResult::new(outcome)
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
        self.map_async(f, items, chunk_size).get()
    }

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
        self.map_async_with(f, items, chunk_size, |_| {}, |_| {})
    }

    /// [`Pool::map_async`] with Python's `callback` and `error_callback`.
    ///
    /// Exactly one of the two runs, once, after every item has run: `on_ok` with all results
    /// in input order, or `on_err` with the same [`TaskPanicked`] that `get` returns (the first
    /// panic in input order). It runs on the worker that finished the last chunk (for no items
    /// at all: on the calling thread, before `map_async_with` returns), whether or not anybody
    /// ever asks for the results, and before they are available: while it runs,
    /// [`MapResult::ready`] is `false`, and `get` returns only after it has returned. If a
    /// callback panics, `get` returns that panic (`item: None`) instead.
    // ANCHOR: map_async
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
        let chunks = split(items, chunk_size);
        let (reply, outcome) = crossbeam_channel::bounded(1);
        let all = AsyncResult::new(outcome);
        if chunks.is_empty() {
            finish(
                Ok(Vec::new()),
                |values: &Vec<U>| on_ok(values),
                on_err,
                &reply,
            );
            return MapResult { all };
        }
        // Each chunk's values join the others in input order as soon as those ahead of them are
        // in; the last chunk to finish finishes the call.
        let gather = Arc::new(Gather::new(&chunks, (on_ok, on_err, reply)));
        let f = Arc::new(f);
        for (position, (start, chunk)) in chunks.into_iter().enumerate() {
            let f = Arc::clone(&f);
            let gather = Arc::clone(&gather);
            self.submit(Box::new(move || {
                gather.store(position, map_chunk(&*f, start, chunk));
            }));
        }
        MapResult { all }
    }
    // ANCHOR_END: map_async

    /// Applies `f` to every item, `chunk_size` items per job (Python's default is 1), queues
    /// them all and returns at once with an iterator over the results in input order: one
    /// `Result` per item, `Err(TaskPanicked { item: Some(index), .. })` for a call that
    /// panicked (the iteration goes on past it).
    ///
    /// The iterator is lazy: each `next` waits only for the chunk holding the next item, so the
    /// first results can be used while later items still run. Results wait in the iterator
    /// until taken, never holding up a worker; dropping the iterator early throws the rest
    /// away (their items still run). Panics if `chunk_size` is 0.
    // ANCHOR: imap
    pub fn imap<T, U, F>(&self, f: F, items: Vec<T>, chunk_size: usize) -> Imap<U>
    where
        F: Fn(T) -> U + Send + Sync + 'static,
        T: Send + 'static,
        U: Send + 'static,
    {
        let f = Arc::new(f);
        let mut chunks = Vec::new();
        for (start, chunk) in split(items, chunk_size) {
            let (reply, outcome) = crossbeam_channel::bounded(1);
            let f = Arc::clone(&f);
            self.submit(Box::new(move || {
                let _ = reply.send(run_chunk(&*f, start, chunk));
            }));
            chunks.push(outcome);
        }
        Imap {
            chunks: chunks.into_iter(),
            current: Vec::new().into_iter(),
        }
    }
    // ANCHOR_END: imap

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
        let f = Arc::new(f);
        // Unbounded, so that a reader who is slow, or gone, never holds up a worker.
        let (reply, chunks) = crossbeam_channel::unbounded();
        for (start, chunk) in split(items, chunk_size) {
            let reply = reply.clone();
            let f = Arc::clone(&f);
            self.submit(Box::new(move || {
                let results = (start..).zip(run_chunk(&*f, start, chunk)).collect();
                let _ = reply.send(results);
            }));
        }
        // The iterator ends once every chunk's job, and with it its sender, is gone.
        ImapUnordered {
            chunks,
            current: Vec::new().into_iter(),
        }
    }

    fn submit(&self, job: Job) {
        self.jobs
            .as_ref()
            .expect("jobs are only taken away in Drop")
            .send(job)
            .expect("workers only stop after the pool is dropped");
    }
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

/// Cuts `items` into chunks of `chunk_size`, each with the input index of its first item. The
/// chunks are cut off the end, so that each item is copied once and the first chunk keeps the
/// allocation of `items`.
fn split<T>(mut items: Vec<T>, chunk_size: usize) -> Vec<(usize, Vec<T>)> {
    assert!(chunk_size > 0, "a chunk size must be at least 1");
    let mut chunks: Vec<_> = (0..items.len())
        .step_by(chunk_size)
        .skip(1)
        .rev()
        .map(|start| (start, items.split_off(start)))
        .collect();
    if !items.is_empty() {
        chunks.push((0, items));
    }
    chunks.reverse();
    chunks
}

/// Runs `work`, turning a panic into its message.
fn catch<R>(work: impl FnOnce() -> R) -> Result<R, String> {
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| panic_message(payload.as_ref()))
}

/// Calls `f` on every item of a chunk whose first item has input index `start`, catching panics
/// item by item, so that every item runs and each failure names its own item.
fn run_chunk<T, U>(f: &impl Fn(T) -> U, start: usize, chunk: Vec<T>) -> Vec<Outcome<U>> {
    (start..)
        .zip(chunk)
        .map(|(index, item)| {
            catch(|| f(item)).map_err(|message| TaskPanicked {
                item: Some(index),
                message,
            })
        })
        .collect()
}

/// Calls `f` on every item of a chunk whose first item has input index `start`, like
/// [`run_chunk`], but keeps only the values and the chunk's first panic. Collecting a `Vec`'s
/// own iterator through `zip` and `filter_map` runs in place where a `U` fits in the space of a
/// `T`: the values overwrite the items in the chunk's allocation (hence `chunk` first in `zip`).
fn map_chunk<T, U>(f: &impl Fn(T) -> U, start: usize, chunk: Vec<T>) -> Outcome<Vec<U>> {
    let mut first_panic = None;
    let values = chunk
        .into_iter()
        .zip(start..)
        .filter_map(|(item, index)| {
            catch(|| f(item))
                .map_err(|message| {
                    first_panic.get_or_insert(TaskPanicked {
                        item: Some(index),
                        message,
                    });
                })
                .ok()
        })
        .collect();
    first_panic.map_or(Ok(values), Err)
}

/// Runs the callback that matches `result`, then makes the result available through `reply`.
/// A panicking callback becomes the call's outcome.
fn finish<T>(
    result: Outcome<T>,
    on_ok: impl FnOnce(&T),
    on_err: impl FnOnce(&TaskPanicked),
    reply: &Sender<Outcome<T>>,
) {
    let called = match &result {
        Ok(value) => catch(|| on_ok(value)),
        Err(panicked) => catch(|| on_err(panicked)),
    };
    let result = match called {
        Ok(()) => result,
        Err(message) => Err(TaskPanicked {
            item: None,
            message,
        }),
    };
    // The caller may have dropped its handle; then nobody wants the result.
    let _ = reply.send(result);
}

/// The callbacks and reply channel of a map, waiting for its last chunk.
type Completion<U, C, E> = (C, E, Sender<Outcome<Vec<U>>>);

/// Where the chunks of one `map_async_with` meet.
struct Gather<U, C, E> {
    slots: Mutex<Slots<U>>,
    finish: Mutex<Option<Completion<U, C, E>>>,
}

/// The chunks' results, put together in input order as they come in.
struct Slots<U> {
    /// The values of the chunks before position `next`, in the first chunk's allocation, with
    /// room for `len` in all.
    values: Vec<U>,
    len: usize,
    next: usize,
    /// The values of chunks that finished before a chunk ahead of them, by position.
    early: Vec<Option<Vec<U>>>,
    /// The panic with the lowest input index so far.
    first_panic: Option<TaskPanicked>,
    /// How many chunks are still running.
    missing: usize,
}

impl<U, C, E> Gather<U, C, E>
where
    C: FnOnce(&[U]),
    E: FnOnce(&TaskPanicked),
{
    /// Waits for the results of `chunks`, which `split` cut.
    fn new<T>(chunks: &[(usize, Vec<T>)], completion: Completion<U, C, E>) -> Self {
        let len = chunks.iter().map(|(_, chunk)| chunk.len()).sum();
        Gather {
            slots: Mutex::new(Slots {
                values: Vec::new(),
                len,
                next: 0,
                early: chunks.iter().map(|_| None).collect(),
                first_panic: None,
                missing: chunks.len(),
            }),
            finish: Mutex::new(Some(completion)),
        }
    }

    /// Stores the outcome of the chunk at `position`; the last chunk finishes the call.
    fn store(&self, position: usize, outcome: Outcome<Vec<U>>) {
        let result = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.put(position, outcome);
            if slots.missing > 0 {
                return;
            }
            match slots.first_panic.take() {
                Some(panicked) => Err(panicked),
                None => Ok(mem::take(&mut slots.values)),
            }
        };
        let completion = self.finish.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((on_ok, on_err, reply)) = completion {
            finish(result, |values: &Vec<U>| on_ok(values), on_err, &reply);
        }
    }
}

impl<U> Slots<U> {
    /// Takes in the outcome of the chunk at `position`, and the values of every chunk that
    /// can now join `values`.
    fn put(&mut self, position: usize, outcome: Outcome<Vec<U>>) {
        self.missing -= 1;
        match outcome {
            Err(panicked) => {
                let earlier = self.first_panic.as_ref();
                if earlier.is_none_or(|first| panicked.item < first.item) {
                    self.first_panic = Some(panicked);
                }
            }
            // After a panic the values are of no use, so they need not be put together.
            Ok(_) if self.first_panic.is_some() => {}
            Ok(values) => {
                self.early[position] = Some(values);
                while let Some(values) = self.early.get_mut(self.next).and_then(Option::take) {
                    if self.next == 0 {
                        self.values = values;
                        self.values.reserve_exact(self.len - self.values.len());
                    } else {
                        self.values.extend(values);
                    }
                    self.next += 1;
                }
            }
        }
    }
}

impl<T> AsyncResult<T> {
    fn new(outcome: Receiver<Outcome<T>>) -> Self {
        AsyncResult {
            outcome,
            received: None,
        }
    }

    /// Whether the result is there, so that [`AsyncResult::get`] would return at once. Never
    /// waits. It takes `&mut self` because finding out may mean taking the result off a
    /// channel: the handle keeps it for `get`.
    pub fn ready(&mut self) -> bool {
        if self.received.is_none() {
            self.received = match self.outcome.try_recv() {
                Ok(outcome) => Some(outcome),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => Some(Err(lost_task())),
            };
        }
        self.received.is_some()
    }

    /// Waits until the result is there or `timeout` has passed, whichever comes first, and
    /// returns whether it is there; the result stays in the handle for [`AsyncResult::get`].
    pub fn wait(&mut self, timeout: Duration) -> bool {
        if self.received.is_none() {
            self.received = match self.outcome.recv_timeout(timeout) {
                Ok(outcome) => Some(outcome),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => Some(Err(lost_task())),
            };
        }
        self.received.is_some()
    }

    /// Waits for the task and returns its value, or the panic it ended with.
    pub fn get(self) -> Result<T, TaskPanicked> {
        match self.received {
            Some(outcome) => outcome,
            None => self.outcome.recv().unwrap_or_else(|_| Err(lost_task())),
        }
    }
}

impl<U> MapResult<U> {
    /// Whether the results are there, so that [`MapResult::get`] would return at once. Never
    /// waits; `&mut self` as for [`AsyncResult::ready`].
    pub fn ready(&mut self) -> bool {
        self.all.ready()
    }

    /// Waits until the results are there or `timeout` has passed, whichever comes first, and
    /// returns whether they are there; they stay in the handle for [`MapResult::get`].
    pub fn wait(&mut self, timeout: Duration) -> bool {
        self.all.wait(timeout)
    }

    /// Waits for every chunk and returns all results in input order, or the first panic in
    /// input order.
    pub fn get(self) -> Result<Vec<U>, TaskPanicked> {
        self.all.get()
    }
}

impl<U> Iterator for Imap<U> {
    type Item = Result<U, TaskPanicked>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(result) = self.current.next() {
                return Some(result);
            }
            let chunk = self.chunks.next()?;
            // Chunks were queued in input order, so taking them in that order keeps it.
            self.current = chunk
                .recv()
                .unwrap_or_else(|_| vec![Err(lost_task())])
                .into_iter();
        }
    }
}

impl<U> Iterator for ImapUnordered<U> {
    type Item = (usize, Result<U, TaskPanicked>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(result) = self.current.next() {
                return Some(result);
            }
            self.current = self.chunks.recv().ok()?.into_iter();
        }
    }
}

/// Python's default chunk size for `Pool.map`: the items split into about four chunks per
/// worker, rounded up, and never less than 1. `default_chunk_size(100, 4)` is 7. A `workers`
/// of 0 counts as 1.
pub fn default_chunk_size(items: usize, workers: usize) -> usize {
    items.div_ceil(workers.max(1) * 4).max(1)
}

/// The error for a task whose worker disappeared before answering.
fn lost_task() -> TaskPanicked {
    TaskPanicked {
        item: None,
        message: "the worker running this task stopped before sending a result".to_string(),
    }
}
