//! Exercise 4: a three-stage pipeline, parse → compute → aggregate, each stage on a thread of
//! its own, joined by bounded channels.
//!
//! Items flow down the pipeline tagged with their input index, so an error can say which item
//! caused it. Shutdown travels both ways by dropping channel ends: a stage that runs out of
//! input drops its sender and the next stage drains what is left and stops; a stage that fails
//! drops its receiver, the stage before it finds that its next send fails, and stops too.

use std::panic;
use std::thread;

use crossbeam_channel::{Receiver, Sender};

pub use crate::errors::{PipelineError, Stage};

/// The same work as [`run_pipeline`], on the calling thread alone: each item is parsed,
/// computed and aggregated before the next one is read.
// ANCHOR: run_serial
pub fn run_serial<I, A, B, S, E>(
    inputs: I,
    mut parse: impl FnMut(I::Item) -> Result<A, E>,
    mut compute: impl FnMut(A) -> Result<B, E>,
    init: S,
    mut aggregate: impl FnMut(S, B) -> Result<S, E>,
) -> Result<S, PipelineError<E>>
where
    I: IntoIterator,
{
    let mut total = init;
    for (item, input) in inputs.into_iter().enumerate() {
        let fail = |stage| move |error| PipelineError { stage, item, error };
        let parsed = parse(input).map_err(fail(Stage::Parse))?;
        let computed = compute(parsed).map_err(fail(Stage::Compute))?;
        total = aggregate(total, computed).map_err(fail(Stage::Aggregate))?;
    }
    Ok(total)
}
// ANCHOR_END: run_serial

/// Runs parse, compute and aggregate on three threads of their own, joined by two channels of
/// `capacity` items each.
// ANCHOR: run_pipeline
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
    let (parsed_tx, parsed_rx) = crossbeam_channel::bounded(capacity);
    let (computed_tx, computed_rx) = crossbeam_channel::bounded(capacity);
    let inputs = inputs.into_iter().enumerate();
    let (parse_failure, compute_failure, total) = thread::scope(|scope| {
        let parse = spawn_stage(scope, Stage::Parse, move || {
            pass_on(inputs, parse, parsed_tx, Stage::Parse)
        });
        let compute = spawn_stage(scope, Stage::Compute, move || {
            pass_on(parsed_rx, compute, computed_tx, Stage::Compute)
        });
        let total = spawn_stage(scope, Stage::Aggregate, move || {
            fold(computed_rx, init, aggregate)
        });
        (join(parse), join(compute), join(total))
    });
    let (total, aggregate_failure) = match total {
        Ok(total) => (Some(total), None),
        Err(failure) => (None, Some(failure)),
    };
    // The error on the earliest item wins, whichever stage hit its error first in time: stages
    // pass items on in order and a closed channel still delivers what it holds, so the earliest
    // failing item always reached the stage it fails in. That makes the outcome the one a serial
    // run gives, whatever the timing.
    let earliest = [parse_failure, compute_failure, aggregate_failure]
        .into_iter()
        .flatten()
        .min_by_key(|failure| failure.item);
    match earliest {
        Some(failure) => Err(failure),
        None => Ok(total.expect("the aggregate stage returns a total unless it fails")),
    }
}
// ANCHOR_END: run_pipeline

// ANCHOR: pass_on
/// The body of the parse and compute stages: applies `step` to each tagged item and sends the
/// result on. Returns the stage's error, if it had one.
fn pass_on<X, Y, E>(
    items: impl IntoIterator<Item = (usize, X)>,
    mut step: impl FnMut(X) -> Result<Y, E>,
    next: Sender<(usize, Y)>,
    stage: Stage,
) -> Option<PipelineError<E>> {
    for (item, value) in items {
        match step(value) {
            Ok(output) => {
                if next.send((item, output)).is_err() {
                    // The next stage has stopped, so it failed: its error tells the story.
                    return None;
                }
            }
            Err(error) => return Some(PipelineError { stage, item, error }),
        }
    }
    // Out of input: returning drops `next`, and the next stage drains it and stops.
    None
}
// ANCHOR_END: pass_on

/// The body of the aggregate stage.
fn fold<B, S, E>(
    items: Receiver<(usize, B)>,
    init: S,
    mut aggregate: impl FnMut(S, B) -> Result<S, E>,
) -> Result<S, PipelineError<E>> {
    let mut total = init;
    for (item, value) in items {
        total = aggregate(total, value).map_err(|error| PipelineError {
            stage: Stage::Aggregate,
            item,
            error,
        })?;
    }
    Ok(total)
}

fn spawn_stage<'scope, T: Send + 'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    stage: Stage,
    body: impl FnOnce() -> T + Send + 'scope,
) -> thread::ScopedJoinHandle<'scope, T> {
    thread::Builder::new()
        .name(format!("pipeline-{stage}"))
        .spawn_scoped(scope, body)
        .unwrap_or_else(|err| panic!("could not start the {stage} stage's thread: {err}"))
}

/// Waits for a stage; a panic in it goes on in the caller, as it would in a serial run.
fn join<T>(handle: thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|payload| panic::resume_unwind(payload))
}
