//! Exercise 1: a CPU-bound map on `n` threads of this process.

use proptest::prelude::*;
use subject::{ZeroWorkers, map_on_threads};
use testkit::{HighWater, PATIENCE, Rendezvous, ThreadEnds, ThreadIds};

#[test]
fn zero_threads_is_an_error() {
    assert_eq!(
        map_on_threads(0, &[1, 2, 3], |&x: &i32| x),
        Err(ZeroWorkers { what: "threads" }),
        "map_on_threads(0, ..) can never run an item, so it should be Err(ZeroWorkers {{ what: \
         \"threads\" }}); {}",
        super::see("threads")
    );
}

#[test]
fn no_items_give_no_results() {
    assert_eq!(
        map_on_threads(3, &[], |&x: &i32| x),
        Ok(Vec::new()),
        "an empty input should give an empty output; {}",
        super::see("threads")
    );
}

#[test]
fn n_threads_run_n_items_at_once() {
    for threads in 2..=4 {
        let all_running = Rendezvous::new(threads);
        let workers = ThreadIds::new();
        let items: Vec<usize> = (0..threads).collect();
        let met = map_on_threads(threads, &items, |_| {
            workers.record();
            all_running.meet(PATIENCE)
        })
        .expect("map_on_threads failed with a positive thread count");
        super::assert_all_met(
            met,
            &format!(
                "{threads} items on {threads} threads should all run at once (spawn every \
                 thread first, join them afterwards; {})",
                super::see("threads")
            ),
        );
        assert_eq!(
            workers.count(),
            threads,
            "each of the {threads} items should have run on a thread of its own"
        );
    }
}

#[test]
fn never_more_threads_than_asked_for() {
    let in_flight = HighWater::new();
    let workers = ThreadIds::new();
    let items: Vec<u64> = (0..64).collect();
    map_on_threads(2, &items, |&x| {
        workers.record();
        let _inside = in_flight.enter();
        testkit::spin(1_000 + x)
    })
    .expect("map_on_threads failed with a positive thread count");
    assert!(
        in_flight.highest() <= 2 && workers.count() <= 2,
        "map_on_threads(2, ..) ran items on {} threads, up to {} at once: start at most 2 \
         threads, each with a chunk of the items; {}",
        workers.count(),
        in_flight.highest(),
        super::see("threads")
    );
}

// ANCHOR: order_test
#[test]
fn results_keep_input_order_when_later_items_finish_first() {
    // Two threads, chunks [0, 1] and [2, 3]. Item 1, the first chunk's last, waits until the
    // second chunk's thread has ended, which it does only after its chunk's results were
    // handed over. So the second chunk always finishes first, and a map that collects chunks
    // in finishing order instead of input order puts its results first.
    let second_chunk_ended = ThreadEnds::new();
    let input: Vec<usize> = (0..4).collect();
    let results = map_on_threads(2, &input, |&index| {
        match index {
            1 => assert!(
                second_chunk_ended.wait_for(1, PATIENCE),
                "item 1 waited {PATIENCE:?} for the thread of items 2 and 3 to end, but it never \
                 did: give each chunk a scoped thread of its own and start them all before \
                 joining any; {}",
                super::see("threads")
            ),
            2 => second_chunk_ended.mark(),
            _ => {}
        }
        index * 10
    });
    assert_eq!(
        results,
        Ok(vec![0, 10, 20, 30]),
        "the chunk of items 2 and 3 finished first, and the results came back in finishing \
         order: join the threads in the order you started them and append each chunk's \
         results; {}",
        super::see("threads")
    );
}
// ANCHOR_END: order_test

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn equals_the_sequential_map(
        threads in 1usize..=8,
        items in proptest::collection::vec(any::<i32>(), 0..200),
    ) {
        let expected: Vec<i64> = items.iter().map(|&x| i64::from(x) * 2 + 1).collect();
        prop_assert_eq!(
            map_on_threads(threads, &items, |&x| i64::from(x) * 2 + 1),
            Ok(expected),
            "map_on_threads({}, ..) differs from items.iter().map(f); {}",
            threads,
            super::see("threads")
        );
    }
}
