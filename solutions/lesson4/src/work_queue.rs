//! Exercise 3: a work queue. A fixed set of workers takes jobs from one crossbeam channel and
//! sends results down another, until the job channel is closed; and the older way to stop them,
//! a poison pill per worker.

use std::sync::Arc;
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender};

use crate::errors::panic_message;
pub use crate::errors::{Task, WorkQueueError};

/// Worker threads started by [`start_workers`] or [`start_pill_workers`].
#[derive(Debug)]
pub struct Workers {
    handles: Vec<JoinHandle<usize>>,
}

impl Workers {
    /// How many workers were started.
    pub fn count(&self) -> usize {
        self.handles.len()
    }

    // ANCHOR: join
    /// Waits for every worker to stop and returns how many jobs each one did, in the order they
    /// were started; or the first worker (in that order) that panicked.
    pub fn join(self) -> Result<Vec<usize>, WorkQueueError> {
        let mut done = Vec::with_capacity(self.handles.len());
        let mut first_panic = None;
        // Join them all, even after a panic, so that no worker outlives this call.
        for (worker, handle) in self.handles.into_iter().enumerate() {
            match handle.join() {
                Ok(jobs) => done.push(jobs),
                Err(payload) => {
                    first_panic.get_or_insert(WorkQueueError::WorkerPanicked {
                        worker,
                        message: panic_message(payload.as_ref()),
                    });
                }
            }
        }
        first_panic.map_or(Ok(done), Err)
    }
    // ANCHOR_END: join
}

/// Starts `count` workers. Each takes jobs from `jobs` and sends `work(job)` to `results`
/// until the job channel is closed and empty, or until nobody receives results any more.
// ANCHOR: start_workers
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
    // Every message is a job.
    spawn_workers(count, jobs, results, work, Some)
}
// ANCHOR_END: start_workers

/// Like [`start_workers`], but each worker stops at the first [`Task::Stop`] it takes (or when
/// the channel is closed, or nobody receives results).
// ANCHOR: start_pill_workers
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
    spawn_workers(count, jobs, results, work, |task| match task {
        Task::Job(job) => Some(job),
        Task::Stop => None,
    })
}
// ANCHOR_END: start_pill_workers

/// Sends one [`Task::Stop`] per worker: `count` pills in all.
pub fn send_pills<J>(jobs: &Sender<Task<J>>, count: usize) -> Result<(), WorkQueueError> {
    for _ in 0..count {
        jobs.send(Task::Stop)
            .map_err(|_| WorkQueueError::NobodyListening)?;
    }
    Ok(())
}

/// Runs `work` on every job with `workers` workers and returns the results in the order they
/// were finished.
// ANCHOR: process_all
pub fn process_all<J, R, F>(jobs: Vec<J>, workers: usize, work: F) -> Result<Vec<R>, WorkQueueError>
where
    J: Send + 'static,
    R: Send + 'static,
    F: Fn(J) -> R + Send + Sync + 'static,
{
    let (job_sender, job_receiver) = crossbeam_channel::unbounded();
    let (result_sender, result_receiver) = crossbeam_channel::unbounded();
    let pool = start_workers(workers, job_receiver, result_sender, work)?;
    for job in jobs {
        if job_sender.send(job).is_err() {
            // Every worker has stopped, which only a panic does here: `join` says which.
            break;
        }
    }
    // Closing the job channel is the signal to stop. The workers now hold the only result
    // senders, so the loop below ends when the last of them stops.
    drop(job_sender);
    let results = result_receiver.iter().collect();
    pool.join()?;
    Ok(results)
}
// ANCHOR_END: process_all

// ANCHOR: worker_loop
/// Starts `count` threads. Each takes messages from `jobs` until the channel is closed and
/// empty, or until `job_in` finds no job in a message (a poison pill), and sends `work(job)` to
/// `results`; it also stops when nobody receives results any more. Each thread returns how
/// many jobs it did.
fn spawn_workers<M, J, R, F>(
    count: usize,
    jobs: Receiver<M>,
    results: Sender<R>,
    work: F,
    job_in: fn(M) -> Option<J>,
) -> Result<Workers, WorkQueueError>
where
    M: Send + 'static,
    J: 'static,
    R: Send + 'static,
    F: Fn(J) -> R + Send + Sync + 'static,
{
    if count == 0 {
        return Err(WorkQueueError::NoWorkers);
    }
    let work = Arc::new(work);
    let handles = (0..count)
        .map(|id| {
            let (jobs, results, work) = (jobs.clone(), results.clone(), Arc::clone(&work));
            thread::Builder::new()
                .name(format!("queue-worker-{id}"))
                .spawn(move || {
                    let mut done = 0;
                    for message in jobs {
                        let Some(job) = job_in(message) else { break };
                        if results.send(work(job)).is_err() {
                            break;
                        }
                        done += 1;
                    }
                    done
                })
                .map_err(WorkQueueError::Spawn)
        })
        .collect::<Result<_, _>>()?;
    Ok(Workers { handles })
}
// ANCHOR_END: worker_loop
