//! Lesson 4, queues: the reference solution.
//!
//! Python's `multiprocessing.Queue` carries results from worker processes back to the parent,
//! in whatever order the workers finish. This crate follows a queue from seed 004's simplest use
//! (one worker per item, results tagged with their index) to the patterns built on queues: a
//! bounded blocking queue of your own, a work queue with clean shutdown, a pipeline with
//! backpressure and error propagation, and map-reduce.
//!
//! | exercise | module | book |
//! |---|---|---|
//! | 1. Results in input order | [`ordered`] | `book/src/lesson4.md#ordered-results` |
//! | 2. A bounded blocking queue | [`bounded_queue`] | `book/src/lesson4.md#bounded-queue` |
//! | 3. A work queue | [`work_queue`] | `book/src/lesson4.md#work-queue` |
//! | 4. A pipeline | [`pipeline`] | `book/src/lesson4.md#pipeline` |
//! | 5. Map-reduce | [`mod@map_reduce`] | `book/src/lesson4.md#map-reduce` |

pub mod bounded_queue;
mod errors;
pub mod map_reduce;
pub mod ordered;
pub mod pipeline;
pub mod work_queue;

pub use bounded_queue::{BoundedQueue, Closed, PopError, PushError, ZeroCapacity};
pub use map_reduce::{
    MapReduceError, WordCounts, count_words, map_reduce, merge_counts, most_common,
    word_frequencies,
};
pub use ordered::{OrderError, one_thread_per_item, ordered_map, restore_order, root_of_cube};
pub use pipeline::{PipelineError, Stage, run_pipeline, run_serial};
pub use work_queue::{
    Task, WorkQueueError, Workers, process_all, send_pills, start_pill_workers, start_workers,
};
