//! Exercise 2: counters that never lose an update, and a sum with no shared state at all.

use std::collections::HashMap;
use std::sync::Mutex;
use std::thread::{self, ThreadId};

use proptest::prelude::*;
use subject::{AtomicCounter, MutexCounter, ShardedCounter, sum_locally};
use testkit::{PATIENCE, Rendezvous, ThreadIds, bounded, check, check_eq};

use super::{
    assert_panics_saying, hammer, never_loses_racing_adds, refuses_workers_without_a_slot,
    sums_every_slot, wraps_around_at_u64_max,
};

const BOOK: testkit::Book = super::book("counters");

proptest! {
    #![proptest_config(testkit::proptest_config(32))]

    #[test]
    fn totals_are_exact_for_any_threads_and_adds(threads in 1usize..=6, adds in 0u64..300) {
        let expected = threads as u64 * adds;
        let totals = [
            ("MutexCounter", hammer(MutexCounter::new(), threads, adds, BOOK)),
            ("AtomicCounter", hammer(AtomicCounter::new(), threads, adds, BOOK)),
            ("ShardedCounter", hammer(ShardedCounter::new(threads), threads, adds, BOOK)),
        ];
        for (kind, total) in totals {
            check_eq!(total, expected, "{threads} threads each added 1 to a {kind} {adds} times");
        }
    }

    #[test]
    fn sum_locally_equals_the_serial_sum(
        threads in 1usize..=8,
        items in proptest::collection::vec(0u32..1_000_000, 0..300),
    ) {
        let expected: u64 = items.iter().map(|&x| u64::from(x) * 3).sum();
        check_eq!(
            bounded!(sum_locally(&items, threads, |&x| u64::from(x) * 3)),
            expected,
            "sum_locally(items, {threads}, f) should equal items.iter().map(f).sum()"
        );
    }
}

#[test]
fn racing_adds_are_never_lost_behind_a_mutex() {
    never_loses_racing_adds("MutexCounter", BOOK, |_| MutexCounter::new());
}

#[test]
fn racing_adds_are_never_lost_with_fetch_add() {
    never_loses_racing_adds("AtomicCounter", BOOK, |_| AtomicCounter::new());
}

#[test]
fn racing_adds_are_never_lost_in_sharded_slots() {
    never_loses_racing_adds("ShardedCounter", BOOK, ShardedCounter::new);
}

#[test]
fn mutex_counter_wraps_around_at_u64_max() {
    wraps_around_at_u64_max("MutexCounter", BOOK, MutexCounter::new, (0, 1));
}

#[test]
fn atomic_counter_wraps_around_at_u64_max() {
    wraps_around_at_u64_max("AtomicCounter", BOOK, AtomicCounter::new, (0, 1));
}

#[test]
fn sharded_counter_wraps_around_at_u64_max() {
    wraps_around_at_u64_max("ShardedCounter", BOOK, || ShardedCounter::new(2), (0, 1));
    wraps_around_at_u64_max("ShardedCounter", BOOK, || ShardedCounter::new(3), (2, 0));
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
    check_eq!(
        counter.slot_offset(0),
        0,
        "slot_offset(w) is how many bytes after worker 0's slot worker w's slot starts, so \
         slot_offset(0) is 0"
    );
    for worker in 0..3 {
        let gap = counter.slot_offset(worker + 1) - counter.slot_offset(worker);
        check!(
            gap >= 64,
            "worker {worker}'s slot and worker {}'s are {gap} bytes apart, so they share a \
             64-byte cache line: wrap each slot in crossbeam_utils::CachePadded",
            worker + 1
        );
    }
}

#[test]
fn sum_locally_adds_seed_001s_amounts_to_15() {
    check_eq!(
        bounded!(sum_locally(&[3, 2, 9, 1], 2, |&amount| amount)),
        15,
        "seed 001 adds 3, 2, 9 and 1 on a pool of 2 and hopes for 15"
    );
}

#[test]
fn sum_locally_of_nothing_is_0() {
    for threads in [1, 4] {
        check_eq!(
            bounded!(sum_locally(&[] as &[u64], threads, |&x| x)),
            0,
            "sum_locally(&[], {threads}, f) should be 0 (slice::chunks panics on a chunk size of 0)"
        );
    }
}

#[test]
fn sum_locally_wraps_around_at_u64_max() {
    const MAX: u64 = u64::MAX;
    let cases: [(&[u64], usize, u64, &str); 5] = [
        (&[MAX - 1, 1], 1, MAX, "u64::MAX exactly, on one thread"),
        (
            &[MAX - 1, 1],
            2,
            MAX,
            "u64::MAX exactly, from two partial sums",
        ),
        (&[MAX, 2], 1, 1, "u64::MAX + 2 within one thread's chunk"),
        (
            &[MAX, 2],
            2,
            1,
            "u64::MAX + 2 when the partial sums are added up",
        ),
        (
            &[MAX, MAX, 2, 1],
            2,
            1,
            "both chunks and their sum wrapping",
        ),
    ];
    for (items, threads, expected, case) in cases {
        let given = items.to_vec();
        let sum = bounded!(std::panic::catch_unwind(|| sum_locally(
            &given,
            threads,
            |&x| x
        )));
        match sum {
            Ok(sum) => check_eq!(
                sum,
                expected,
                "sum_locally({items:?}, {threads}, |&x| x): {case}. Sums wrap around at \
                 u64::MAX (u64::wrapping_add)"
            ),
            Err(_) => testkit::fail!(
                "sum_locally({items:?}, {threads}, |&x| x) panicked ({case}): sums wrap around \
                 at u64::MAX, so an overflow is no panic, in a debug build either \
                 (u64::wrapping_add, or fold(0, u64::wrapping_add))"
            ),
        }
    }
}

#[test]
fn sum_locally_gives_each_thread_one_contiguous_chunk() {
    for (len, threads) in [(10usize, 4usize), (9, 4), (7, 2), (3, 8), (5, 1)] {
        let size = len.div_ceil(threads);
        let chunks: Vec<Vec<usize>> = (0..len)
            .collect::<Vec<_>>()
            .chunks(size)
            .map(<[usize]>::to_vec)
            .collect();
        let (sum, groups) = bounded!({
            let seen: Mutex<Vec<(usize, ThreadId)>> = Mutex::new(Vec::new());
            let items: Vec<usize> = (0..len).collect();
            let sum = sum_locally(&items, threads, |&index| {
                let me = thread::current().id();
                seen.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((index, me));
                index as u64
            });
            let mut by_thread: HashMap<ThreadId, Vec<usize>> = HashMap::new();
            for (index, id) in seen.into_inner().unwrap_or_else(|e| e.into_inner()) {
                by_thread.entry(id).or_default().push(index);
            }
            let mut groups: Vec<Vec<usize>> = by_thread.into_values().collect();
            groups.iter_mut().for_each(|group| group.sort_unstable());
            groups.sort();
            (sum, groups)
        });
        check_eq!(
            sum,
            (0..len as u64).sum::<u64>(),
            "sum_locally(0..{len}, {threads}, f)"
        );
        check_eq!(
            groups,
            chunks,
            "{len} items on {threads} threads: each thread should get one contiguous chunk of \
             {len}.div_ceil({threads}) = {size} items (the last fewer), and no thread two. \
             Left: the items each thread saw; right: the chunks"
        );
    }
}

#[test]
fn sum_locally_runs_its_threads_at_once() {
    for threads in 2..=4 {
        let (total, workers) = bounded!({
            let all_running = Rendezvous::new(threads);
            let workers = ThreadIds::new();
            let items: Vec<u64> = (0..threads as u64).collect();
            let total = sum_locally(&items, threads, |&x| {
                workers.record();
                match all_running.meet(PATIENCE) {
                    Ok(()) => x,
                    Err(stranded) => testkit::fail!(
                        "{threads} items on {threads} threads never ran all at once \
                         ({stranded}): start every thread before joining any"
                    ),
                }
            });
            (total, workers.count())
        });
        check_eq!(
            total,
            (0..threads as u64).sum::<u64>(),
            "sum_locally of 0..{threads}"
        );
        check_eq!(
            workers,
            threads,
            "{threads} items on {threads} threads: each item should have had a thread of its own"
        );
    }
}

#[test]
fn sum_locally_passes_a_panic_on_and_refuses_zero_threads() {
    assert_panics_saying(
        &["item 3 is bad"],
        "a panic in `value` should reach the caller with its own message \
         (std::panic::resume_unwind passes a joined thread's panic on)",
        BOOK,
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
        BOOK,
        || {
            sum_locally(&[1u64], 0, |&x| x);
        },
    );
}
