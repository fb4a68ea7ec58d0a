//! Exercise 2: counters that never lose an update, and a sum with no shared state at all.

use proptest::prelude::*;
use subject::{AtomicCounter, MutexCounter, ShardedCounter, sum_locally};
use testkit::{PATIENCE, Rendezvous, ThreadIds};

use super::{
    assert_panics_saying, hammer, never_loses_racing_adds, refuses_workers_without_a_slot, see,
    sums_every_slot,
};

proptest! {
    #![proptest_config(testkit::proptest_config(32))]

    #[test]
    fn totals_are_exact_for_any_threads_and_adds(threads in 1usize..=6, adds in 0u64..300) {
        let expected = threads as u64 * adds;
        let totals = [
            ("MutexCounter", hammer(&MutexCounter::new(), threads, adds)),
            ("AtomicCounter", hammer(&AtomicCounter::new(), threads, adds)),
            ("ShardedCounter", hammer(&ShardedCounter::new(threads), threads, adds)),
        ];
        for (kind, total) in totals {
            prop_assert_eq!(
                total,
                expected,
                "{} threads each added 1 to a {} {} times; {}",
                threads,
                kind,
                adds,
                see("counters")
            );
        }
    }

    #[test]
    fn sum_locally_equals_the_serial_sum(
        threads in 1usize..=8,
        items in proptest::collection::vec(0u32..1_000_000, 0..300),
    ) {
        let expected: u64 = items.iter().map(|&x| u64::from(x) * 3).sum();
        prop_assert_eq!(
            sum_locally(&items, threads, |&x| u64::from(x) * 3),
            expected,
            "sum_locally(items, {}, f) should equal items.iter().map(f).sum(); {}",
            threads,
            see("counters")
        );
    }
}

#[test]
fn racing_adds_are_never_lost_behind_a_mutex() {
    never_loses_racing_adds("MutexCounter", "counters", |_| MutexCounter::new());
}

#[test]
fn racing_adds_are_never_lost_with_fetch_add() {
    never_loses_racing_adds("AtomicCounter", "counters", |_| AtomicCounter::new());
}

#[test]
fn racing_adds_are_never_lost_in_sharded_slots() {
    never_loses_racing_adds("ShardedCounter", "counters", ShardedCounter::new);
}

#[test]
fn sharded_counter_sums_every_slot() {
    sums_every_slot::<ShardedCounter>();
}

#[test]
fn sharded_counter_refuses_workers_without_a_slot() {
    refuses_workers_without_a_slot::<ShardedCounter>();
}

#[test]
fn sharded_slots_each_have_a_cache_line_of_their_own() {
    let counter = ShardedCounter::new(4);
    for worker in 0..3 {
        let gap = counter.slot_offset(worker + 1) - counter.slot_offset(worker);
        assert!(
            gap >= 64,
            "worker {worker}'s slot and worker {}'s are {gap} bytes apart, so they share a \
             64-byte cache line: wrap each slot in crossbeam_utils::CachePadded; {}",
            worker + 1,
            see("counters")
        );
    }
}

#[test]
fn sum_locally_adds_seed_001s_amounts_to_15() {
    let total = sum_locally(&[3, 2, 9, 1], 2, |&amount| amount);
    assert_eq!(
        total,
        15,
        "seed 001 adds 3, 2, 9 and 1 on a pool of 2 and hopes for 15; {}",
        see("counters")
    );
}

#[test]
fn sum_locally_runs_its_threads_at_once() {
    for threads in 2..=4 {
        let all_running = Rendezvous::new(threads);
        let workers = ThreadIds::new();
        let items: Vec<u64> = (0..threads as u64).collect();
        let total = sum_locally(&items, threads, |&x| {
            workers.record();
            match all_running.meet(PATIENCE) {
                Ok(()) => x,
                Err(stranded) => panic!(
                    "{threads} items on {threads} threads never ran all at once ({stranded}): \
                     start every thread before joining any; {}",
                    see("counters")
                ),
            }
        });
        assert_eq!(total, items.iter().sum::<u64>());
        assert_eq!(
            workers.count(),
            threads,
            "{threads} items on {threads} threads: each item should have had a thread of its \
             own; {}",
            see("counters")
        );
    }
}

#[test]
fn sum_locally_passes_a_panic_on_and_refuses_zero_threads() {
    assert_panics_saying(
        &["item 3 is bad"],
        "a panic in `value` should reach the caller with its own message \
         (std::panic::resume_unwind passes a joined thread's panic on)",
        "counters",
        || {
            sum_locally(&[1u64, 2, 3, 4], 2, |&x| {
                assert!(x != 3, "item 3 is bad");
                x
            });
        },
    );
    assert_panics_saying(
        &["at least 1 thread"],
        "sum_locally(.., 0, ..) should panic saying it needs at least 1 thread",
        "counters",
        || {
            sum_locally(&[1u64], 0, |&x| x);
        },
    );
}
