//! Exercise 4: a three-stage pipeline on bounded channels.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use proptest::prelude::*;
use subject::{PipelineError, Stage, run_pipeline, run_serial};
use testkit::{
    PATIENCE, Rendezvous, ThreadEnds, bounded, check, check_eq, fail, wait_until, within,
};

use super::{MEETING, panic_reaches_caller};
use testkit::kernel_thread;

const BOOK: testkit::Book = super::book("pipeline");

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
         is gone fails); {BOOK}",
        failing.0, failing.1,
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
    check_eq!(
        total,
        Ok(14),
        "run_serial should parse 1, 2, 3, square each and add them up"
    );
}

#[test]
fn serial_run_stops_at_the_first_error() {
    for stage in STAGES {
        let failing = (stage, 5);
        let outcome = bounded!({
            run_serial(
                0u64..,
                pass(Stage::Parse, failing),
                pass(Stage::Compute, failing),
                0,
                sum(failing),
            )
        });
        check_eq!(
            outcome,
            Err(PipelineError {
                stage,
                item: 5,
                error: refusal(stage, 5)
            }),
            "the {stage:?} step fails on item 5: run_serial should stop there and return that \
             stage, that item and the step's error"
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
                    .meet(MEETING)
                    .map_err(|stranded| stranded.to_string())?;
            }
            Ok(item)
        }
    };
    let (parse, compute, aggregate) = (at(2), at(1), at(0));
    let (caller, outcome) = bounded!({
        let caller = thread::current().id();
        let outcome = run_pipeline(0u64..3, 1, parse, compute, 0, move |total, item| {
            Ok(total + aggregate(item)?)
        });
        (caller, outcome)
    });
    check_eq!(
        outcome,
        Ok(3),
        "parse (on item 2), compute (on item 1) and aggregate (on item 0) should all be busy at \
         once: run each stage on a thread of its own"
    );
    let threads: HashSet<ThreadId> = stage_threads.lock().unwrap().iter().copied().collect();
    check!(
        threads.len() == 3 && !threads.contains(&caller),
        "the stages ran on {} distinct thread(s){}: give each stage a thread of its own and let \
         the caller only wait",
        threads.len(),
        if threads.contains(&caller) {
            ", one of them the caller's"
        } else {
            ""
        }
    );
}
// ANCHOR_END: rendezvous_test

// ANCHOR: error_test
#[test]
fn an_error_in_any_stage_stops_every_stage_and_is_returned() {
    for stage in STAGES {
        let (outcome, dropped) = run_endless((stage, 5));
        check_eq!(
            outcome,
            Err(PipelineError {
                stage,
                item: 5,
                error: refusal(stage, 5)
            }),
            "the {stage:?} stage fails on item 5 of an endless input: the pipeline should stop \
             and return that stage, that item and the stage's error"
        );
        check_eq!(
            dropped,
            3,
            "run_pipeline returned (after the {stage:?} stage failed) while only {dropped} of \
             the 3 stage closures had been dropped: a stage thread was still running. Run the \
             stages in std::thread::scope, or join every stage before returning"
        );
    }
}
// ANCHOR_END: error_test

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
        let got = bounded!({
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
            });
        prop_assert_eq!(
            got,
            expected,
            "run_pipeline(.., capacity {}, ..) should return what a serial loop does: the total, \
             or the error of the first item that fails, whichever stage it fails in; {}",
            capacity,
            BOOK
        );
    }
}

/// Runs the pipeline over 0, 1, 2, … with channels of capacity 2, where `late` fails on item
/// `late_item` only after the thread of `early`, which fails on the later item `early_item`,
/// has ended. So the stage that fails first in time is `early`, on the later item.
fn failing_in_reverse(
    (late, late_item): Failing,
    (early, early_item): Failing,
) -> Result<u64, PipelineError<String>> {
    let early_ended = Arc::new(ThreadEnds::new());
    let step = move |stage: Stage, value: u64| -> Result<u64, String> {
        if stage == early && value == 0 {
            early_ended.mark();
        }
        if (stage, value) == (early, early_item) {
            return Err(refusal(stage, value));
        }
        if (stage, value) == (late, late_item) {
            check!(
                early_ended.wait_for(1, MEETING),
                "the {late:?} stage held item {late_item} while the {early:?} stage went on to \
                 item {early_item}, which fails, but the {early:?} stage's thread never ended: \
                 with channels of capacity 2, each stage on a thread of its own, it should get \
                 there and stop"
            );
            return Err(refusal(stage, value));
        }
        Ok(value)
    };
    let (parse, compute, aggregate) = (step.clone(), step.clone(), step);
    bounded!(run_pipeline(
        0u64..,
        2,
        move |value| parse(Stage::Parse, value),
        move |value| compute(Stage::Compute, value),
        0,
        move |total, value| Ok(total + aggregate(Stage::Aggregate, value)?),
    ))
}

#[test]
fn when_two_stages_fail_the_earlier_item_wins_not_the_earlier_error() {
    let cases = [
        ((Stage::Compute, 2), (Stage::Parse, 5)),
        ((Stage::Aggregate, 1), (Stage::Compute, 3)),
    ];
    for (late, early) in cases {
        let outcome = failing_in_reverse(late, early);
        check_eq!(
            outcome,
            Err(PipelineError {
                stage: late.0,
                item: late.1 as usize,
                error: refusal(late.0, late.1)
            }),
            "the {:?} stage failed on item {} first, and then the {:?} stage on item {}: the \
             pipeline should return the error of the earlier item, {}, as run_serial would, \
             whichever stage it is and whenever it happened",
            early.0,
            early.1,
            late.0,
            late.1,
            late.1
        );
    }
}

/// Watches how far a stage gets ahead of the next one, `held`, which holds its first item until
/// every stage before it is asleep (blocked on a full channel): the most items the stage before
/// `held` had started beyond those `held` had finished.
#[derive(Default)]
struct Lead {
    /// The kernel's ids of parse's and compute's threads, 0 until known. Atomics, not a lock: a
    /// stage waiting for a lock of the test's would look asleep too.
    upstream_threads: [AtomicU64; 2],
    started: AtomicUsize,
    finished: AtomicUsize,
    most: AtomicUsize,
}

impl Lead {
    /// Called by each stage before `held` on every item: parse is stage 0, compute stage 1.
    fn upstream(&self, stage: usize) {
        if let Some(tid) = kernel_thread::current_tid() {
            self.upstream_threads[stage].store(tid, Ordering::SeqCst);
        }
    }

    /// Called by the stage right before `held` as it starts an item.
    fn start(&self) {
        let item = self.started.fetch_add(1, Ordering::SeqCst);
        let lead = item - self.finished.load(Ordering::SeqCst).min(item);
        self.most.fetch_max(lead, Ordering::SeqCst);
    }

    /// Called by `held` on every item: holds the first one, until the stages before are asleep.
    fn held(&self, value: u64, stages_before: usize) {
        // Where the system does not show whether a thread sleeps, nothing is held.
        if value == 0 && kernel_thread::current_tid().is_some() {
            wait_until(MEETING, || {
                self.upstream_threads[..stages_before].iter().all(|tid| {
                    let tid = tid.load(Ordering::SeqCst);
                    tid != 0 && kernel_thread::asleep(tid)
                })
            });
        }
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
}

/// How far the stage before `held` got ahead of it, with channels of `capacity`.
fn most_ahead(capacity: usize, held: Stage) -> usize {
    let lead = Arc::new(Lead::default());
    let (parse_lead, compute_lead, aggregate_lead) =
        (Arc::clone(&lead), Arc::clone(&lead), Arc::clone(&lead));
    let items = capacity as u64 + 10;
    let outcome = bounded!(run_pipeline(
        0..items,
        capacity,
        move |value| {
            parse_lead.upstream(0);
            if held == Stage::Compute {
                parse_lead.start();
            }
            Ok::<_, String>(value)
        },
        move |value| {
            if held == Stage::Compute {
                compute_lead.held(value, 1);
            } else {
                compute_lead.upstream(1);
                compute_lead.start();
            }
            Ok(value)
        },
        0,
        move |total, value| {
            if held == Stage::Aggregate {
                aggregate_lead.held(value, 2);
            }
            Ok(total + value)
        },
    ));
    check_eq!(
        outcome,
        Ok((0..items).sum()),
        "the pipeline should add up 0..{items}"
    );
    lead.most.load(Ordering::SeqCst)
}

#[test]
fn each_stage_runs_at_most_capacity_plus_one_items_ahead_of_the_next() {
    for (ahead, held) in [
        (Stage::Parse, Stage::Compute),
        (Stage::Compute, Stage::Aggregate),
    ] {
        for capacity in [0, 1, 3] {
            let lead = most_ahead(capacity, held);
            check!(
                lead <= capacity + 1,
                "the {held:?} stage held its first item, and the {ahead:?} stage started item k \
                 when {held:?} had finished only k - {lead} items: with channels of capacity \
                 {capacity}, {ahead:?} can be at most {} items ahead (a full channel and the item \
                 {held:?} holds). Join the stages with crossbeam_channel::bounded(capacity), \
                 capacity as given (0 included), so that a full channel makes the stage wait",
                capacity + 1
            );
        }
    }
}

#[test]
fn aggregate_sees_the_items_in_input_order() {
    for capacity in [0, 1, 3] {
        let seen = bounded!(run_pipeline(
            0..300u32,
            capacity,
            Ok::<_, String>,
            Ok,
            Vec::new(),
            |mut seen, value| {
                seen.push(value);
                Ok(seen)
            },
        ));
        check!(
            matches!(&seen, Ok(seen) if seen.iter().copied().eq(0..300)),
            "aggregate should see the items 0..300 in input order, with channels of capacity \
             {capacity}"
        );
    }
}

#[test]
fn a_panic_in_a_stage_reaches_the_caller() {
    for stage in STAGES {
        let reached =
            panic_reaches_caller("run_pipeline with a stage that panics", BOOK, 3, move |f| {
                // Only `stage` calls the refusing function.
                let step = move |this: Stage, value| if this == stage { f(value) } else { value };
                let (parse, compute, aggregate) = (step.clone(), step.clone(), step);
                let _ = run_pipeline(
                    0u64..,
                    1,
                    move |value| Ok::<_, String>(parse(Stage::Parse, value)),
                    move |value| Ok(compute(Stage::Compute, value)),
                    0,
                    move |total, value| Ok(total + aggregate(Stage::Aggregate, value)),
                );
            });
        check!(
            reached,
            "the {stage:?} stage panics on item 3 of an endless input, so run_pipeline should \
             panic too (join each stage and pass its panic on), not return or run forever"
        );
    }
}

#[test]
fn a_pipeline_error_names_the_stage_the_item_and_the_error() {
    let failed = run_serial(
        0..20u32,
        Ok::<_, String>,
        |x| {
            if x == 12 {
                Err("too big".to_string())
            } else {
                Ok(x)
            }
        },
        0,
        |total, x| Ok(total + x),
    );
    let Err(error) = failed else {
        fail!("compute fails on item 12, so run_serial should fail, got {failed:?}");
    };
    let message = error.to_string();
    check!(
        ["compute", "12", "too big"]
            .iter()
            .all(|word| message.contains(word)),
        "the message of {error:?} is {message:?}: it should name the stage, the item and the \
         stage's error"
    );
    let names: Vec<String> = STAGES.iter().map(ToString::to_string).collect();
    check_eq!(
        names,
        ["parse", "compute", "aggregate"],
        "the stages' names"
    );
}
