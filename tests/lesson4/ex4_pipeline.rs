//! Exercise 4: a three-stage pipeline on bounded channels.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use proptest::prelude::*;
use subject::{PipelineError, Stage, run_pipeline, run_serial};
use testkit::{PATIENCE, Rendezvous, within};

const ANCHOR: &str = "pipeline";

const STAGES: [Stage; 3] = [Stage::Parse, Stage::Compute, Stage::Aggregate];

/// Where a test makes the pipeline fail: this stage, on the item with this value.
type Failing = (Stage, u64);

/// The error a failing stage gives.
fn refusal(stage: Stage, item: u64) -> String {
    format!("{stage:?} refuses item {item}")
}

/// A parse or compute step that passes each value on unchanged, except where `failing` says.
fn pass(this: Stage, failing: Failing) -> impl FnMut(u64) -> Result<u64, String> + Send + 'static {
    move |value| {
        if (this, value) == failing {
            Err(refusal(this, value))
        } else {
            Ok(value)
        }
    }
}

/// An aggregate step that sums, except where `failing` says.
fn sum(failing: Failing) -> impl FnMut(u64, u64) -> Result<u64, String> + Send + 'static {
    move |total, value| {
        if (Stage::Aggregate, value) == failing {
            Err(refusal(Stage::Aggregate, value))
        } else {
            Ok(total + value)
        }
    }
}

/// Counts, when dropped, one stage whose closure is gone, hence whose thread is done with it.
struct Dropped(Arc<AtomicUsize>);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Runs the pipeline over the endless input 0, 1, 2, … with `failing` failing, and returns its
/// outcome and how many of the three stage closures had been dropped when it returned.
fn run_endless(failing: Failing) -> (Result<u64, PipelineError<String>>, usize) {
    let dropped = Arc::new(AtomicUsize::new(0));
    let guard = || Dropped(Arc::clone(&dropped));
    let (parse_guard, compute_guard, aggregate_guard) = (guard(), guard(), guard());
    let (mut parse, mut compute, mut aggregate) = (
        pass(Stage::Parse, failing),
        pass(Stage::Compute, failing),
        sum(failing),
    );
    let hint = format!(
        "the {:?} stage failed on item {}, but the pipeline went on: a failing stage must stop, \
         and the stages around it must notice (a send or receive on a channel whose other end \
         is gone fails); {}",
        failing.0,
        failing.1,
        super::see(ANCHOR)
    );
    let outcome = within(
        PATIENCE,
        "run_pipeline over endless input",
        &hint,
        move || {
            run_pipeline(
                0u64..,
                2,
                move |value| {
                    let _alive = &parse_guard;
                    parse(value)
                },
                move |value| {
                    let _alive = &compute_guard;
                    compute(value)
                },
                0,
                move |total, value| {
                    let _alive = &aggregate_guard;
                    aggregate(total, value)
                },
            )
        },
    );
    let dropped = dropped.load(Ordering::SeqCst);
    (outcome, dropped)
}

#[test]
fn serial_run_parses_computes_and_aggregates() {
    let total = run_serial(
        ["1", " 2", "3 "],
        |text: &str| text.trim().parse::<i64>().map_err(|e| e.to_string()),
        |x| Ok(x * x),
        0,
        |total, x| Ok(total + x),
    );
    assert_eq!(
        total,
        Ok(14),
        "run_serial should parse 1, 2, 3, square each and add them up; {}",
        super::see(ANCHOR)
    );
}

#[test]
fn serial_run_stops_at_the_first_error() {
    for stage in STAGES {
        let failing = (stage, 5);
        let outcome = within(
            PATIENCE,
            "run_serial over endless input",
            &super::stuck(ANCHOR),
            move || {
                run_serial(
                    0u64..,
                    pass(Stage::Parse, failing),
                    pass(Stage::Compute, failing),
                    0,
                    sum(failing),
                )
            },
        );
        assert_eq!(
            outcome,
            Err(PipelineError {
                stage,
                item: 5,
                error: refusal(stage, 5)
            }),
            "the {stage:?} step fails on item 5: run_serial should stop there and return that \
             stage, that item and the step's error; {}",
            super::see(ANCHOR)
        );
    }
}

// ANCHOR: rendezvous_test
#[test]
fn the_three_stages_run_at_the_same_time_on_threads_of_their_own() {
    let all_busy = Arc::new(Rendezvous::new(3));
    let stage_threads = Arc::new(Mutex::new(Vec::<ThreadId>::new()));
    // Each stage works on a different item when they meet: parse on 2, compute on 1,
    // aggregate on 0.
    let at = |meeting_item: u64| {
        let (all_busy, stage_threads) = (Arc::clone(&all_busy), Arc::clone(&stage_threads));
        move |item: u64| -> Result<u64, String> {
            stage_threads.lock().unwrap().push(thread::current().id());
            if item == meeting_item {
                all_busy
                    .meet(PATIENCE)
                    .map_err(|stranded| stranded.to_string())?;
            }
            Ok(item)
        }
    };
    let (parse, compute, aggregate) = (at(2), at(1), at(0));
    let (caller, outcome) = within(
        PATIENCE * 2,
        "run_pipeline",
        &super::stuck(ANCHOR),
        move || {
            let caller = thread::current().id();
            let outcome = run_pipeline(0u64..3, 1, parse, compute, 0, move |total, item| {
                Ok(total + aggregate(item)?)
            });
            (caller, outcome)
        },
    );
    assert_eq!(
        outcome,
        Ok(3),
        "parse (on item 2), compute (on item 1) and aggregate (on item 0) should all be busy at \
         once: run each stage on a thread of its own; {}",
        super::see(ANCHOR)
    );
    let threads: HashSet<ThreadId> = stage_threads.lock().unwrap().iter().copied().collect();
    assert!(
        threads.len() == 3 && !threads.contains(&caller),
        "the stages ran on {} distinct thread(s){}: give each stage a thread of its own and let \
         the caller only wait; {}",
        threads.len(),
        if threads.contains(&caller) {
            ", one of them the caller's"
        } else {
            ""
        },
        super::see(ANCHOR)
    );
}
// ANCHOR_END: rendezvous_test

// ANCHOR: error_test
#[test]
fn an_error_in_any_stage_stops_every_stage_and_is_returned() {
    for stage in STAGES {
        let (outcome, dropped) = run_endless((stage, 5));
        assert_eq!(
            outcome,
            Err(PipelineError {
                stage,
                item: 5,
                error: refusal(stage, 5)
            }),
            "the {stage:?} stage fails on item 5 of an endless input: the pipeline should stop \
             and return that stage, that item and the stage's error; {}",
            super::see(ANCHOR)
        );
        assert_eq!(
            dropped,
            3,
            "run_pipeline returned (after the {stage:?} stage failed) while only {dropped} of \
             the 3 stage closures had been dropped: a stage thread was still running. Run the \
             stages in std::thread::scope, or join every stage before returning; {}",
            super::see(ANCHOR)
        );
    }
}
// ANCHOR_END: error_test

#[test]
fn parse_runs_at_most_capacity_ahead_of_compute() {
    const CAPACITY: usize = 2;
    let compute_started = Arc::new(AtomicUsize::new(0));
    let most_ahead = Arc::new(AtomicUsize::new(0));
    let (started, ahead) = (Arc::clone(&compute_started), Arc::clone(&most_ahead));
    let outcome = within(PATIENCE, "run_pipeline", &super::stuck(ANCHOR), move || {
        run_pipeline(
            0..60usize,
            CAPACITY,
            move |item| {
                let lead = item - started.load(Ordering::SeqCst).min(item);
                ahead.fetch_max(lead, Ordering::SeqCst);
                Ok::<_, String>(item)
            },
            move |item| {
                compute_started.fetch_add(1, Ordering::SeqCst);
                testkit::spin(20_000);
                Ok(item)
            },
            0,
            |total, item| Ok(total + item),
        )
    });
    assert_eq!(
        outcome,
        Ok((0..60).sum()),
        "the pipeline should add up 0..60; {}",
        super::see(ANCHOR)
    );
    let lead = most_ahead.load(Ordering::SeqCst);
    assert!(
        lead <= CAPACITY + 1,
        "parse started item k while compute had started only k - {lead} items: with channels of \
         capacity {CAPACITY}, parse can be at most {} items ahead (the full channel and the item \
         compute holds). Use crossbeam_channel::bounded(capacity), so that a full channel makes \
         parse wait; {}",
        CAPACITY + 1,
        super::see(ANCHOR)
    );
}

/// What a serial loop gives for the proptest's pipeline, written out independently.
fn serial_expectation(
    inputs: &[u16],
    parse_bad: u16,
    compute_bad: u32,
    limit: u64,
) -> Result<u64, PipelineError<String>> {
    let mut total = 0u64;
    for (item, &input) in inputs.iter().enumerate() {
        let fail = |stage| {
            Err(PipelineError {
                stage,
                item,
                error: format!("{stage:?}"),
            })
        };
        if input == parse_bad {
            return fail(Stage::Parse);
        }
        let parsed = u32::from(input);
        if parsed % 64 == compute_bad {
            return fail(Stage::Compute);
        }
        total += u64::from(parsed) * 3;
        if total > limit {
            return fail(Stage::Aggregate);
        }
    }
    Ok(total)
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn the_pipeline_returns_what_a_serial_loop_returns(
        inputs in proptest::collection::vec(0u16..200, 0..80),
        capacity in 0usize..=3,
        parse_bad in 0u16..300,
        compute_bad in 0u32..100,
        limit in 0u64..40_000,
    ) {
        let expected = serial_expectation(&inputs, parse_bad, compute_bad, limit);
        let got = within(
            PATIENCE,
            "run_pipeline",
            &super::stuck(ANCHOR),
            move || {
                run_pipeline(
                    inputs,
                    capacity,
                    move |input| if input == parse_bad {
                        Err(format!("{:?}", Stage::Parse))
                    } else {
                        Ok(u32::from(input))
                    },
                    move |parsed| if parsed % 64 == compute_bad {
                        Err(format!("{:?}", Stage::Compute))
                    } else {
                        Ok(u64::from(parsed) * 3)
                    },
                    0u64,
                    move |total, value| {
                        let total = total + value;
                        if total > limit {
                            Err(format!("{:?}", Stage::Aggregate))
                        } else {
                            Ok(total)
                        }
                    },
                )
            },
        );
        prop_assert_eq!(
            got,
            expected,
            "run_pipeline(.., capacity {}, ..) should return what a serial loop does: the total, \
             or the error of the first item that fails, whichever stage it fails in; {}",
            capacity,
            super::see(ANCHOR)
        );
    }
}
