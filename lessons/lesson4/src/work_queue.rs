//! Exercise 3: a work queue. A fixed set of workers takes jobs from one crossbeam channel and
//! sends results down another, until the job channel is closed; and the older way to stop them,
//! a poison pill per worker.
//!
//! The workers are plain `std::thread`s (not scoped: they outlive the call that starts them),
//! so everything they use must be `'static`. Share `work` between them with an `Arc`.

use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

pub use crate::errors::{Task, WorkQueueError};

/// Worker threads started by [`start_workers`] or [`start_pill_workers`]. Each thread returns
/// how many jobs it did.
#[derive(Debug)]
// Remove this `allow` once your methods use the field.
#[allow(dead_code)]
pub struct Workers {
    handles: Vec<JoinHandle<usize>>,
}

impl Workers {
    /// How many workers were started.
    pub fn count(&self) -> usize {
        todo!("Exercise 4.3: read book/src/lesson4.md#work-queue")
    }

    // ANCHOR: join
    /// Waits for every worker to stop and returns how many jobs each one did, in the order they
    /// were started.
    ///
    /// If workers panicked, returns [`WorkQueueError::WorkerPanicked`] for the first of them in
    /// that order (the provided `errors::panic_message` turns `join`'s payload into text), but only
    /// after joining all the others too, so that no worker outlives this call.
    pub fn join(self) -> Result<Vec<usize>, WorkQueueError> {
        todo!("Exercise 4.3: read book/src/lesson4.md#work-queue")
    }
    // ANCHOR_END: join
}

// ANCHOR: start_workers
/// Starts `count` workers. Each takes jobs from `jobs`, sends `work(job)` to `results`, and
/// counts the jobs it did, until the job channel is closed (every `Sender` dropped) and empty.
/// A worker also stops when its result cannot be sent because nobody receives any more; that
/// job does not count as done.
///
/// Errors: [`WorkQueueError::NoWorkers`] for 0, [`WorkQueueError::Spawn`] if a thread cannot
/// start.
pub fn start_workers<J, R, F>(
    count: usize,
    jobs: Receiver<J>,
    results: Sender<R>,
    work: F,
) -> Result<Workers, WorkQueueError>
where
    J: Send + 'static,
    R: Send + 'static,
    F: Fn(J) -> R + Send + Sync + 'static,
{
    let _ = (count, jobs, results, work);
    todo!("Exercise 4.3: read book/src/lesson4.md#work-queue")
}
// ANCHOR_END: start_workers

// ANCHOR: start_pill_workers
/// Like [`start_workers`], for a channel of [`Task`]s: each worker does every [`Task::Job`] it
/// takes and stops at the first [`Task::Stop`], leaving the rest of the channel to the others.
/// It also stops when the channel is closed and empty, or nobody receives results.
pub fn start_pill_workers<J, R, F>(
    count: usize,
    jobs: Receiver<Task<J>>,
    results: Sender<R>,
    work: F,
) -> Result<Workers, WorkQueueError>
where
    J: Send + 'static,
    R: Send + 'static,
    F: Fn(J) -> R + Send + Sync + 'static,
{
    let _ = (count, jobs, results, work);
    todo!("Exercise 4.3: read book/src/lesson4.md#work-queue")
}
// ANCHOR_END: start_pill_workers

/// Sends `count` poison pills ([`Task::Stop`]), one per worker.
/// [`WorkQueueError::NobodyListening`] if the channel has no receiver left.
pub fn send_pills<J>(jobs: &Sender<Task<J>>, count: usize) -> Result<(), WorkQueueError> {
    let _ = (jobs, count);
    todo!("Exercise 4.3: read book/src/lesson4.md#work-queue")
}

// ANCHOR: process_all
/// Runs `work` on every job with `workers` workers from [`start_workers`] and returns the
/// results in the order they were finished (not the order of `jobs`).
///
/// Send every job, close the job channel, collect results until the result channel is closed,
/// and join the workers. Errors: those of [`start_workers`] and [`Workers::join`]; if a job
/// panics, the call still returns, with [`WorkQueueError::WorkerPanicked`].
pub fn process_all<J, R, F>(jobs: Vec<J>, workers: usize, work: F) -> Result<Vec<R>, WorkQueueError>
where
    J: Send + 'static,
    R: Send + 'static,
    F: Fn(J) -> R + Send + Sync + 'static,
{
    let _ = (jobs, workers, work);
    todo!("Exercise 4.3: read book/src/lesson4.md#work-queue")
}
// ANCHOR_END: process_all
