//! Exercise 1: a CPU-bound map on `n` threads of this process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, ThreadId};

use proptest::prelude::*;
use subject::{AddTask, ZeroWorkers, map_on_threads};
use testkit::{PATIENCE, Rendezvous, ThreadEnds, ThreadIds, bounded, check, check_eq};

const BOOK: testkit::Book = super::book("threads");

#[test]
fn zero_threads_is_an_error() {
    let outcome = bounded!(map_on_threads(0, &[1, 2, 3], |&x: &i32| x));
    check_eq!(
        outcome,
        Err(ZeroWorkers { what: "threads" }),
        "map_on_threads(0, ..) can never run an item, so it should be Err(ZeroWorkers {{ what: \
         \"threads\" }})"
    );
    let message = outcome.expect_err("checked above").to_string();
    check!(
        message.contains("0 threads"),
        "the error should say that 0 threads were asked for, got {message:?}"
    );
}

#[test]
fn seed_001s_additions_on_threads() {
    let sums = bounded!(map_on_threads(
        3,
        &subject::seed_tasks(1_000),
        AddTask::compute
    ));
    check_eq!(
        sums,
        Ok(vec![11, 12, 13, 14, 15, 6, 4, 2, 4, 7]),
        "seed 001's ten additions (seed_tasks) on 3 threads"
    );
}

#[test]
fn no_items_give_no_results() {
    check_eq!(
        bounded!(map_on_threads(3, &[], |&x: &i32| x)),
        Ok(Vec::new()),
        "an empty input should give an empty output"
    );
}

#[test]
fn n_threads_run_n_items_at_once() {
    for threads in 2..=4 {
        let all_running = Arc::new(Rendezvous::new(threads));
        let workers = Arc::new(ThreadIds::new());
        let seen = workers.clone();
        let met = bounded!(
            map_on_threads(threads, &(0..threads).collect::<Vec<_>>(), |_| {
                seen.record();
                all_running.meet(PATIENCE)
            }),
            "spawn every thread first, join them afterwards"
        )
        .expect("map_on_threads failed with a positive thread count");
        super::assert_all_met(
            met,
            &format!(
                "{threads} items on {threads} threads should all run at once (spawn every \
                 thread first, join them afterwards; {BOOK})"
            ),
        );
        check_eq!(
            workers.count(),
            threads,
            "each of the {threads} items should have run on a thread of its own"
        );
    }
}

// ANCHOR: chunks_test
#[test]
fn each_thread_gets_one_contiguous_chunk_rounded_up() {
    // Sizes that do not divide evenly: 7 items on 3 threads are chunks of ⌈7 / 3⌉ = 3, 3 and 1.
    for (items, threads) in [(7, 3), (5, 2), (10, 4), (9, 4), (2, 5), (64, 2), (1, 1)] {
        let ran_on: Arc<Mutex<HashMap<usize, ThreadId>>> = Arc::default();
        let record = ran_on.clone();
        bounded!(map_on_threads(
            threads,
            &(0..items).collect::<Vec<usize>>(),
            |&item| {
                let mut ran_on = record.lock().unwrap_or_else(PoisonError::into_inner);
                ran_on.insert(item, thread::current().id());
            }
        ))
        .expect("map_on_threads failed with a positive thread count");
        let ran_on = ran_on.lock().unwrap_or_else(PoisonError::into_inner);
        let mut chunks: Vec<Vec<usize>> = Vec::new();
        for item in 0..items {
            match chunks.last_mut() {
                Some(chunk) if ran_on.get(&chunk[0]) == ran_on.get(&item) => chunk.push(item),
                _ => chunks.push(vec![item]),
            }
        }
        let expected: Vec<Vec<usize>> = (0..items)
            .collect::<Vec<_>>()
            .chunks(items.div_ceil(threads))
            .map(<[usize]>::to_vec)
            .collect();
        let distinct: std::collections::HashSet<_> = ran_on.values().collect();
        check!(
            chunks == expected && distinct.len() == expected.len(),
            "{items} items on {threads} threads should run as the chunks {expected:?}, each on a \
             thread of its own ({} threads), but ran as {chunks:?} on {} threads: chunks hold \
             items.len().div_ceil(threads) items (rounded up), the last one fewer",
            expected.len(),
            distinct.len()
        );
    }
}
// ANCHOR_END: chunks_test

// ANCHOR: order_test
#[test]
fn results_keep_input_order_when_later_items_finish_first() {
    // Two threads, chunks [0, 1] and [2, 3]. Item 1, the first chunk's last, waits until the
    // second chunk's thread has ended, which it does only after its chunk's results were
    // handed over. So the second chunk always finishes first, and a map that collects chunks
    // in finishing order instead of input order puts its results first.
    let second_chunk_ended = ThreadEnds::new();
    let results = bounded!(map_on_threads(2, &[0, 1, 2, 3], |&index: &usize| {
        match index {
            1 => check!(
                second_chunk_ended.wait_for(1, PATIENCE),
                "item 1 waited {PATIENCE:?} for the thread of items 2 and 3 to end, but it never \
                 did: give each chunk a scoped thread of its own and start them all before \
                 joining any"
            ),
            2 => second_chunk_ended.mark(),
            _ => {}
        }
        index * 10
    }));
    check_eq!(
        results,
        Ok(vec![0, 10, 20, 30]),
        "the chunk of items 2 and 3 finished first, and the results came back in finishing \
         order: join the threads in the order you started them and append each chunk's results"
    );
}
// ANCHOR_END: order_test

#[test]
fn a_panic_in_f_reaches_the_caller() {
    // Item 4 is in the second of three chunks; the others finish normally.
    super::assert_passes_on_panic(
        || {
            bounded!(map_on_threads(3, &(0..9).collect::<Vec<u32>>(), |&item| {
                assert!(item != 4, "item 4 cannot be mapped");
                item
            }))
        },
        "item 4 cannot be mapped",
        true,
        "a chunk whose thread panicked has no results, so the map cannot return Ok; join every \
         thread and pass its panic on with std::panic::resume_unwind",
        BOOK,
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn equals_the_sequential_map(
        threads in 1usize..=8,
        items in proptest::collection::vec(any::<i32>(), 0..200),
    ) {
        let expected: Vec<i64> = items.iter().map(|&x| i64::from(x) * 2 + 1).collect();
        prop_assert_eq!(
            bounded!(map_on_threads(threads, &items, |&x| i64::from(x) * 2 + 1)),
            Ok(expected),
            "map_on_threads({}, ..) differs from items.iter().map(f); {}",
            threads,
            BOOK
        );
    }
}
