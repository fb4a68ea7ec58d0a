//! Exercise 1: sharing one total between threads, and the updates a two-step add loses.

use std::collections::HashSet;
use std::sync::Mutex;
use std::thread::{self, ThreadId};

use proptest::prelude::*;
use subject::{Counter, RacyCounter, add_in_parallel};
use testkit::{PATIENCE, Rendezvous, within};

use super::{Unlucky, assert_panics_saying, see};

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

/// What a test that runs `add_in_parallel` says when it never returns.
fn stuck() -> String {
    format!(
        "add_in_parallel never returned: are the worker threads joined, and is each one started \
         before the first is joined? {}",
        see("lost-updates")
    )
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn every_amount_is_added_once_by_a_worker_in_range(
        threads in 1usize..=8,
        amounts in proptest::collection::vec(0u64..1_000, 0..200),
    ) {
        let ledger = Ledger::default();
        let total = add_in_parallel(&ledger, &amounts, threads);
        prop_assert_eq!(
            total,
            amounts.iter().sum::<u64>(),
            "add_in_parallel should return counter.total() once every worker is done; {}",
            see("lost-updates")
        );
        let adds = ledger.adds();
        let mut added: Vec<u64> = adds.iter().map(|&(_, amount, _)| amount).collect();
        let mut given = amounts.clone();
        added.sort_unstable();
        given.sort_unstable();
        prop_assert_eq!(
            added,
            given,
            "each amount should be added exactly once, by the worker whose chunk holds it; {}",
            see("lost-updates")
        );
        for &(worker, _, _) in &adds {
            prop_assert!(
                worker < threads,
                "add_in_parallel(.., {}) called add with worker {}: workers are numbered 0 to {}; {}",
                threads,
                worker,
                threads - 1,
                see("lost-updates")
            );
        }
    }
}

#[test]
fn every_worker_has_a_thread_of_its_own_and_all_run_at_once() {
    for threads in 2..=4 {
        let outcome = within(PATIENCE * 2, "add_in_parallel", &stuck(), move || {
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
            (all_running.meet(PATIENCE), ledger.adds())
        });
        let (met, adds) = outcome;
        assert!(
            met.is_ok(),
            "{threads} workers never all added at the same time: start every worker's thread \
             before joining any (std::thread::scope does that); {}",
            see("lost-updates")
        );
        let workers: HashSet<usize> = adds.iter().map(|&(worker, _, _)| worker).collect();
        let threads_used: HashSet<ThreadId> = adds.iter().map(|&(_, _, id)| id).collect();
        let pairs: HashSet<(usize, ThreadId)> =
            adds.iter().map(|&(worker, _, id)| (worker, id)).collect();
        assert!(
            workers.len() == threads && threads_used.len() == threads && pairs.len() == threads,
            "{} amounts on {threads} threads: expected workers 0 to {} each on a thread of its \
             own, but saw workers {workers:?} on {} threads; {}",
            threads * 3,
            threads - 1,
            threads_used.len(),
            see("lost-updates")
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
        "lost-updates",
        || {
            add_in_parallel(&Ledger::default(), &[1, 2, 3], 0);
        },
    );
}

#[test]
fn a_racy_counter_on_one_thread_loses_nothing() {
    let amounts: Vec<u64> = (1..=10_000).collect();
    let total = add_in_parallel(&RacyCounter::new(), &amounts, 1);
    assert_eq!(
        total,
        amounts.iter().sum::<u64>(),
        "with one worker nothing can race, so even RacyCounter must count every amount; {}",
        see("lost-updates")
    );
}

#[test]
fn a_racy_counter_never_counts_more_than_was_added() {
    let amounts = vec![1; 200_000];
    for threads in [2, 4] {
        let total = add_in_parallel(&RacyCounter::new(), &amounts, threads);
        assert!(
            total <= 200_000,
            "a lost update can only make the total smaller, yet {threads} workers counted \
             {total} of 200000; {}",
            see("lost-updates")
        );
    }
}

// ANCHOR: unlucky_test
#[test]
fn the_unlucky_interleaving_loses_an_update() {
    let (total, happened) = within(PATIENCE * 2, "add_in_parallel", &stuck(), || {
        let counter = SlowMotion {
            racy: RacyCounter::new(),
            unlucky: Unlucky::new("lost-updates"),
        };
        let total = add_in_parallel(&counter, &[1, 1], 2);
        (total, counter.unlucky.happened())
    });
    assert!(
        happened,
        "worker 1 never added while worker 0 was paused between its read and its write: the \
         workers did not run at the same time; {}",
        see("lost-updates")
    );
    assert_eq!(
        total,
        1,
        "worker 0 read 0 and paused, worker 1 added 1, then worker 0 wrote 0 + 1: the total \
         should be 1, one update lost; {}",
        see("lost-updates")
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
