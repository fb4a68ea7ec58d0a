//! Exercise 1: sharing one total between threads, and the updates a two-step add loses.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use std::thread::{self, ThreadId};

use proptest::prelude::*;
use subject::{Counter, RacyCounter, add_in_parallel};
use testkit::{PATIENCE, Rendezvous, bounded, check, check_eq};

use super::{Unlucky, assert_panics_saying};

const BOOK: testkit::Book = super::book("lost-updates");

/// What a test that runs `add_in_parallel` says when it never returns.
const STUCK: &str = "are the worker threads joined, and is each one started before the first is \
                     joined?";

/// A counter that writes down every add: which worker, which amount, on which thread.
#[derive(Default)]
struct Ledger {
    adds: Mutex<Vec<(usize, u64, ThreadId)>>,
}

impl Counter for Ledger {
    fn add(&self, worker: usize, amount: u64) {
        let mut adds = self.adds.lock().unwrap_or_else(|e| e.into_inner());
        adds.push((worker, amount, thread::current().id()));
    }

    fn total(&self) -> u64 {
        let adds = self.adds.lock().unwrap_or_else(|e| e.into_inner());
        adds.iter().map(|&(_, amount, _)| amount).sum()
    }
}

impl Ledger {
    fn adds(self) -> Vec<(usize, u64, ThreadId)> {
        self.adds.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs `add_in_parallel` on a [`Ledger`], bounded, from a thread of the test's own; returns
/// the total, every add, and that calling thread's id.
fn ledger_of(amounts: Vec<u64>, threads: usize) -> (u64, Vec<(usize, u64, ThreadId)>, ThreadId) {
    bounded!(
        {
            let ledger = Ledger::default();
            let total = add_in_parallel(&ledger, &amounts, threads);
            (total, ledger.adds(), thread::current().id())
        },
        "add_in_parallel never returned: {STUCK}"
    )
}

/// The amounts each worker added, in the order it added them.
fn by_worker(adds: &[(usize, u64, ThreadId)]) -> BTreeMap<usize, Vec<u64>> {
    let mut workers: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    for &(worker, amount, _) in adds {
        workers.entry(worker).or_default().push(amount);
    }
    workers
}

/// The chunks the spec asks for: `div_ceil` amounts each, numbered by worker, empty ones left out.
fn expected_chunks(amounts: &[u64], threads: usize) -> BTreeMap<usize, Vec<u64>> {
    let size = amounts.len().div_ceil(threads).max(1);
    amounts
        .chunks(size)
        .map(<[u64]>::to_vec)
        .enumerate()
        .collect()
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn each_worker_adds_its_own_contiguous_chunk_in_order(
        threads in 1usize..=8,
        amounts in proptest::collection::vec(0u64..1_000, 0..200),
    ) {
        let (total, adds, _) = ledger_of(amounts.clone(), threads);
        check_eq!(
            total,
            amounts.iter().sum::<u64>(),
            "add_in_parallel should return counter.total() once every worker is done"
        );
        let size = amounts.len().div_ceil(threads);
        check_eq!(
            by_worker(&adds),
            expected_chunks(&amounts, threads),
            "{} amounts on {threads} threads: worker w should add, in order, the w-th chunk of \
             {size} amounts (len.div_ceil(threads); the last chunks fewer or none), and nothing \
             else. Left: what each worker added; right: its chunk",
            amounts.len()
        );
    }
}

#[test]
fn chunks_that_do_not_divide_evenly_are_rounded_up() {
    for (len, threads, sizes) in [
        (10u64, 4usize, vec![3usize, 3, 3, 1]),
        (9, 4, vec![3, 3, 3]),
        (7, 2, vec![4, 3]),
        (3, 8, vec![1, 1, 1]),
        (1, 1, vec![1]),
    ] {
        let amounts: Vec<u64> = (1..=len).collect();
        let (_, adds, _) = ledger_of(amounts.clone(), threads);
        let got: Vec<usize> = by_worker(&adds).values().map(Vec::len).collect();
        check_eq!(
            got,
            sizes,
            "{len} amounts on {threads} threads: workers 0, 1, ... should get chunks of \
             {len}.div_ceil({threads}) = {} amounts, the last ones fewer or none",
            len.div_ceil(threads as u64)
        );
        check_eq!(
            by_worker(&adds),
            expected_chunks(&amounts, threads),
            "{len} amounts on {threads} threads: each worker should add its own chunk, in order"
        );
    }
}

#[test]
fn nothing_to_add_returns_the_total_at_once() {
    for threads in [1, 3] {
        let (total, adds, _) = ledger_of(Vec::new(), threads);
        check!(
            total == 0 && adds.is_empty(),
            "add_in_parallel(counter, &[], {threads}) should add nothing and return 0, but it \
             returned {total} after {} adds (slice::chunks panics on a chunk size of 0)",
            adds.len()
        );
    }
}

#[test]
fn every_worker_has_a_thread_of_its_own_and_all_run_at_once() {
    for threads in 2..=4 {
        let (met, adds, caller) = bounded!(
            {
                let all_running = Rendezvous::new(threads);
                let ledger = Ledger::default();
                let amounts = vec![1; threads * 3];
                add_in_parallel(
                    &MeetFirst {
                        inner: &ledger,
                        all_running: &all_running,
                    },
                    &amounts,
                    threads,
                );
                (
                    all_running.meet(PATIENCE),
                    ledger.adds(),
                    thread::current().id(),
                )
            },
            "add_in_parallel never returned: {STUCK}"
        );
        check!(
            met.is_ok(),
            "{threads} workers never all added at the same time: start every worker's thread \
             before joining any (std::thread::scope does that)"
        );
        check!(
            adds.iter().all(|&(_, _, id)| id != caller),
            "{threads} workers: some adds ran on the thread that called add_in_parallel. Each \
             worker runs on a thread of its own, never on the caller's, worker 0 included: \
             spawn a thread for every chunk"
        );
        let workers: HashSet<usize> = adds.iter().map(|&(worker, _, _)| worker).collect();
        let threads_used: HashSet<ThreadId> = adds.iter().map(|&(_, _, id)| id).collect();
        let pairs: HashSet<(usize, ThreadId)> =
            adds.iter().map(|&(worker, _, id)| (worker, id)).collect();
        check!(
            workers.len() == threads && threads_used.len() == threads && pairs.len() == threads,
            "{} amounts on {threads} threads: expected workers 0 to {} each on a thread of its \
             own, but saw workers {workers:?} on {} threads",
            threads * 3,
            threads - 1,
            threads_used.len()
        );
    }
}

/// Wraps a counter so that each worker's first add waits until every worker has made one.
struct MeetFirst<'a> {
    inner: &'a Ledger,
    all_running: &'a Rendezvous,
}

impl Counter for MeetFirst<'_> {
    fn add(&self, worker: usize, amount: u64) {
        let me = thread::current().id();
        let first_add = {
            let adds = self.inner.adds.lock().unwrap_or_else(|e| e.into_inner());
            !adds.iter().any(|&(_, _, id)| id == me)
        };
        self.inner.add(worker, amount);
        if first_add {
            // The test reads the outcome by meeting once more itself; a stranded wait shows up
            // there.
            let _ = self.all_running.meet(PATIENCE);
        }
    }

    fn total(&self) -> u64 {
        self.inner.total()
    }
}

#[test]
fn zero_threads_is_refused_with_a_reason() {
    assert_panics_saying(
        &["at least 1 thread"],
        "add_in_parallel(.., 0) should panic saying it needs at least 1 thread",
        BOOK,
        || {
            add_in_parallel(&Ledger::default(), &[1, 2, 3], 0);
        },
    );
}

#[test]
fn a_racy_counter_on_one_thread_loses_nothing() {
    let amounts: Vec<u64> = (1..=10_000).collect();
    let expected = amounts.iter().sum::<u64>();
    let total = bounded!(add_in_parallel(&RacyCounter::new(), &amounts, 1));
    check_eq!(
        total,
        expected,
        "with one worker nothing can race, so even RacyCounter must count every amount"
    );
}

#[test]
fn a_racy_counter_never_counts_more_than_was_added() {
    for threads in [2, 4] {
        let total = bounded!(add_in_parallel(
            &RacyCounter::new(),
            &vec![1; 200_000],
            threads
        ));
        check!(
            total <= 200_000,
            "a lost update can only make the total smaller, yet {threads} workers counted \
             {total} of 200000"
        );
    }
}

// ANCHOR: unlucky_test
#[test]
fn the_unlucky_interleaving_loses_an_update() {
    let (total, happened) = bounded!(
        {
            let counter = SlowMotion {
                racy: RacyCounter::new(),
                unlucky: Unlucky::new(BOOK),
            };
            let total = add_in_parallel(&counter, &[1, 1], 2);
            (total, counter.unlucky.happened())
        },
        "add_in_parallel never returned: {STUCK}"
    );
    check!(
        happened,
        "worker 1 never added while worker 0 was paused between its read and its write: the \
         workers did not run at the same time"
    );
    check_eq!(
        total,
        1,
        "worker 0 read 0 and paused, worker 1 added 1, then worker 0 wrote 0 + 1: the total \
         should be 1, one update lost"
    );
}

/// A RacyCounter whose worker 0 pauses between its read and its write, while worker 1 adds.
struct SlowMotion {
    racy: RacyCounter,
    unlucky: Unlucky,
}

impl Counter for SlowMotion {
    fn add(&self, worker: usize, amount: u64) {
        match worker {
            0 => self.racy.add_pausing(amount, || self.unlucky.pause()),
            _ => self.unlucky.second(|| self.racy.add(worker, amount)),
        }
    }

    fn total(&self) -> u64 {
        self.racy.total()
    }
}
// ANCHOR_END: unlucky_test
