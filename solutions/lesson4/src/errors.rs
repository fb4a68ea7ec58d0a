//! The error types and data types of every exercise, and a helper, provided: the tests compare
//! these values with `==` and read their messages, so every solution uses these same ones. The
//! exercise modules re-export them.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::io;

/// What went wrong while mapping items through a queue and putting the results back in order.
#[derive(Debug)]
pub enum OrderError {
    /// [`ordered_map`](crate::ordered_map) was asked for 0 workers: nobody would ever take an
    /// item.
    NoWorkers,
    /// A result carried the index `index`, but there were only `len` items.
    OutOfRange {
        /// The index the result was tagged with.
        index: usize,
        /// How many items there were.
        len: usize,
    },
    /// Two results carried the same index: one item was delivered twice (or another never).
    Duplicate {
        /// The index that arrived twice.
        index: usize,
    },
    /// The operating system refused to start a thread.
    Spawn(io::Error),
}

impl fmt::Display for OrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrderError::NoWorkers => {
                write!(f, "a map needs at least 1 worker, but 0 were asked for")
            }
            OrderError::OutOfRange { index, len } => write!(
                f,
                "a result is tagged with index {index}, but there are only {len} items \
                 (indices 0..{len})"
            ),
            OrderError::Duplicate { index } => write!(
                f,
                "two results are tagged with index {index}: each item must be delivered exactly \
                 once"
            ),
            OrderError::Spawn(err) => write!(f, "could not start a thread: {err}"),
        }
    }
}

impl std::error::Error for OrderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OrderError::Spawn(err) => Some(err),
            _ => None,
        }
    }
}

/// `BoundedQueue::new(0)`: a queue that can hold nothing would block every push forever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZeroCapacity;

impl fmt::Display for ZeroCapacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a bounded queue needs a capacity of at least 1: with 0, every push would wait forever"
        )
    }
}

impl std::error::Error for ZeroCapacity {}

/// [`BoundedQueue::push`](crate::BoundedQueue::push) on a closed queue: the item comes back to
/// the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the queue is closed: it takes no more items")
    }
}

impl<T: fmt::Debug> std::error::Error for Closed<T> {}

/// Why [`BoundedQueue::try_push`](crate::BoundedQueue::try_push) or
/// [`BoundedQueue::push_timeout`](crate::BoundedQueue::push_timeout) did not queue the item, which
/// comes back to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushError<T> {
    /// The queue was full (and, for `push_timeout`, stayed full until the time ran out).
    Full(T),
    /// The queue was closed.
    Closed(T),
}

impl<T> PushError<T> {
    /// The item that was not queued.
    pub fn into_inner(self) -> T {
        match self {
            PushError::Full(item) | PushError::Closed(item) => item,
        }
    }
}

impl<T> fmt::Display for PushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::Full(_) => write!(f, "the queue is full"),
            PushError::Closed(_) => write!(f, "the queue is closed: it takes no more items"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for PushError<T> {}

/// Why [`BoundedQueue::try_pop`](crate::BoundedQueue::try_pop) or
/// [`BoundedQueue::pop_timeout`](crate::BoundedQueue::pop_timeout) returned no item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopError {
    /// The queue was empty but still open (and, for `pop_timeout`, stayed so until the time ran
    /// out): more items may come.
    Empty,
    /// The queue was closed and every item in it had been taken: no item will ever come.
    Closed,
}

impl fmt::Display for PopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PopError::Empty => write!(f, "the queue is empty"),
            PopError::Closed => write!(f, "the queue is closed and empty"),
        }
    }
}

impl std::error::Error for PopError {}

/// What can go wrong with a work queue.
#[derive(Debug)]
pub enum WorkQueueError {
    /// Asked for 0 workers: nobody would ever take a job.
    NoWorkers,
    /// The operating system refused to start a worker thread.
    Spawn(io::Error),
    /// [`send_pills`](crate::send_pills) found nobody left listening on the job channel.
    NobodyListening,
    /// A worker panicked while doing a job.
    WorkerPanicked {
        /// The worker's number, from 0 in the order they were started.
        worker: usize,
        /// The panic's message.
        message: String,
    },
}

impl fmt::Display for WorkQueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkQueueError::NoWorkers => {
                write!(
                    f,
                    "a work queue needs at least 1 worker, but 0 were asked for"
                )
            }
            WorkQueueError::Spawn(err) => write!(f, "could not start a worker thread: {err}"),
            WorkQueueError::NobodyListening => write!(
                f,
                "could not send the poison pills: every receiver of the job channel is gone"
            ),
            WorkQueueError::WorkerPanicked { worker, message } => {
                write!(f, "worker {worker} panicked: {message}")
            }
        }
    }
}

impl std::error::Error for WorkQueueError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WorkQueueError::Spawn(err) => Some(err),
            _ => None,
        }
    }
}

/// A message on a poison-pill job channel: a job, or the order for one worker to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task<J> {
    /// Work to do.
    Job(J),
    /// The poison pill: the worker that takes it stops.
    Stop,
}

/// The text of a panic, whether it was raised with a literal or a formatted message: give it
/// the payload that `JoinHandle::join` returns for a thread that panicked. Provided, since
/// downcasting `Any` is not what this lesson is about.
#[allow(dead_code)]
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a text message".to_string()
    }
}

/// The three stages of a pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Turns each input into a value.
    Parse,
    /// Turns each parsed value into a result.
    Compute,
    /// Folds the results into one.
    Aggregate,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Parse => "parse",
            Stage::Compute => "compute",
            Stage::Aggregate => "aggregate",
        })
    }
}

/// A stage's error for one item: which stage, which item (by input index), and what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineError<E> {
    /// The stage that failed.
    pub stage: Stage,
    /// The input index of the item it failed on.
    pub item: usize,
    /// The stage's own error.
    pub error: E,
}

impl<E: fmt::Display> fmt::Display for PipelineError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} stage failed on item {}: {}",
            self.stage, self.item, self.error
        )
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for PipelineError<E> {}

/// How often each word occurs.
pub type WordCounts = HashMap<String, usize>;

/// What can go wrong in a map-reduce.
#[derive(Debug)]
pub enum MapReduceError {
    /// Asked for 0 workers: nobody would ever map an input.
    NoWorkers,
    /// The operating system refused to start a worker thread.
    Spawn(io::Error),
}

impl fmt::Display for MapReduceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapReduceError::NoWorkers => {
                write!(
                    f,
                    "a map-reduce needs at least 1 worker, but 0 were asked for"
                )
            }
            MapReduceError::Spawn(err) => write!(f, "could not start a worker thread: {err}"),
        }
    }
}

impl std::error::Error for MapReduceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MapReduceError::NoWorkers => None,
            MapReduceError::Spawn(err) => Some(err),
        }
    }
}
