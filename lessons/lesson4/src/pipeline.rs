//! Exercise 4: a three-stage pipeline, parse → compute → aggregate, each stage on a thread of
//! its own, joined by bounded channels.
//!
//! Items flow down the pipeline tagged with their input index, so an error can say which item
//! caused it. Shutdown travels both ways by dropping channel ends: a stage that runs out of
//! input drops its sender and the next stage drains what is left and stops; a stage that fails
//! drops its receiver, the stage before it finds that its next send fails, and stops too. Use
//! `crossbeam_channel::bounded` and `std::thread::scope`.

pub use crate::errors::{PipelineError, Stage};

// ANCHOR: run_serial
/// The same work as [`run_pipeline`], on the calling thread alone: each input is parsed,
/// computed and aggregated (starting from `init`) before the next one is read.
///
/// Stops at the first error and returns it as a [`PipelineError`] naming the stage and the
/// input's index (0 for the first input), so it never reads past a failing input, even when
/// `inputs` is endless.
pub fn run_serial<I, A, B, S, E>(
    inputs: I,
    parse: impl FnMut(I::Item) -> Result<A, E>,
    compute: impl FnMut(A) -> Result<B, E>,
    init: S,
    aggregate: impl FnMut(S, B) -> Result<S, E>,
) -> Result<S, PipelineError<E>>
where
    I: IntoIterator,
{
    let _ = (inputs, parse, compute, init, aggregate);
    todo!("Exercise 4.4: read book/src/lesson4.md#pipeline")
}
// ANCHOR_END: run_serial

// ANCHOR: run_pipeline
/// Runs parse, compute and aggregate each on a thread of its own, joined by two bounded
/// channels of `capacity` items (0 makes every hand-over a rendezvous), and returns the
/// aggregate.
///
/// - **Order**: items travel tagged with their input index and each stage handles them in
///   input order, so `aggregate` sees the same sequence as in [`run_serial`].
/// - **Backpressure**: a stage that is ahead waits on the full channel, so parse is never more
///   than `capacity + 1` items ahead of compute.
/// - **Shutdown**: when the input runs out, each stage finishes what is queued and stops.
/// - **Errors**: a stage that fails stops; the stages after it finish what is already queued,
///   the stages before it stop at their next send. The call returns the error of the earliest
///   item that failed, which makes the outcome the same as [`run_serial`]'s, whatever the
///   timing, and it returns even when `inputs` is endless.
/// - **No leftovers**: every stage thread has ended when the call returns
///   (`std::thread::scope` sees to that). A panic in a stage is passed on to the caller.
pub fn run_pipeline<I, A, B, S, E>(
    inputs: I,
    capacity: usize,
    parse: impl FnMut(I::Item) -> Result<A, E> + Send,
    compute: impl FnMut(A) -> Result<B, E> + Send,
    init: S,
    aggregate: impl FnMut(S, B) -> Result<S, E> + Send,
) -> Result<S, PipelineError<E>>
where
    I: IntoIterator,
    I::IntoIter: Send,
    A: Send,
    B: Send,
    S: Send,
    E: Send,
{
    let _ = (inputs, capacity, parse, compute, init, aggregate);
    todo!("Exercise 4.4: read book/src/lesson4.md#pipeline")
}
// ANCHOR_END: run_pipeline
