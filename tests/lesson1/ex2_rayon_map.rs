//! Exercise 2: an ordered parallel map on a rayon pool of exactly `n` threads.

use std::sync::Mutex;

use proptest::prelude::*;
use subject::parallel_map;
use testkit::{
    HighWater, PATIENCE, Rendezvous, Signal, ThreadEnds, ThreadIds, check, check_eq, fail,
};

const BOOK: testkit::Book = super::book("rayon-map");

/// The sizes of the rayon pools that `parallel_map(threads, ..)` ran its calls on.
fn pool_sizes_seen(threads: usize) -> Vec<usize> {
    let sizes_seen = Mutex::new(Vec::new());
    let items: Vec<u32> = (0..16).collect();
    parallel_map(threads, &items, |_| {
        sizes_seen
            .lock()
            .unwrap()
            .push(rayon::current_num_threads());
    })
    .expect("building a rayon pool failed");
    sizes_seen.into_inner().unwrap()
}

#[test]
fn runs_on_a_pool_of_exactly_the_requested_size() {
    for threads in 1..=4 {
        let sizes_seen = pool_sizes_seen(threads);
        check!(
            sizes_seen.len() == 16 && sizes_seen.iter().all(|&size| size == threads),
            "parallel_map({threads}, ..) ran its calls on pools of {sizes_seen:?} threads: build a \
             pool with ThreadPoolBuilder::num_threads({threads}) and run the map inside \
             pool.install(..), not on rayon's global pool"
        );
    }
}

#[test]
fn zero_threads_lets_rayon_choose() {
    let rayon_default = rayon::ThreadPoolBuilder::new()
        .build()
        .expect("building a rayon pool failed")
        .current_num_threads();
    let sizes_seen = pool_sizes_seen(0);
    check!(
        sizes_seen.len() == 16 && sizes_seen.iter().all(|&size| size == rayon_default),
        "parallel_map(0, ..) ran its calls on pools of {sizes_seen:?} threads, but a threads of 0 \
         means rayon's own choice, {rayon_default} here: pass 0 on to \
         ThreadPoolBuilder::num_threads unchanged"
    );
}

#[test]
fn the_pool_is_torn_down_after_the_call() {
    let ended = ThreadEnds::new();
    let items: Vec<u32> = (0..8).collect();
    parallel_map(2, &items, |_| ended.mark()).expect("building a rayon pool failed");
    check!(
        ended.wait_for(items.len(), PATIENCE),
        "the threads that ran parallel_map(2, ..) were still running {PATIENCE:?} after it \
         returned: build the pool for the call and let it drop at the end, as `with Pool(n)` \
         does, rather than keeping it"
    );
}

#[test]
fn n_threads_run_n_items_at_once() {
    for threads in 2..=4 {
        let all_running = Rendezvous::new(threads);
        let workers = ThreadIds::new();
        let items: Vec<usize> = (0..threads).collect();
        let met = parallel_map(threads, &items, |_| {
            workers.record();
            all_running.meet(PATIENCE)
        })
        .expect("building a rayon pool failed");
        if let Some(Err(stranded)) = met.into_iter().find(Result::is_err) {
            fail!(
                "{threads} items on {threads} threads never ran all at once ({stranded}): the \
                 calls ran one at a time"
            );
        }
        check_eq!(
            workers.count(),
            threads,
            "each item should have had a thread of its own"
        );
    }
}

#[test]
fn never_more_calls_at_once_than_threads() {
    let in_flight = HighWater::new();
    let items: Vec<u64> = (0..64).collect();
    parallel_map(2, &items, |&x| {
        let _inside = in_flight.enter();
        testkit::spin(1_000 + x)
    })
    .expect("building a rayon pool failed");
    check!(
        in_flight.highest() <= 2,
        "a pool of 2 threads ran {} calls at once",
        in_flight.highest()
    );
}

#[test]
fn results_keep_input_order_when_later_items_finish_first() {
    // Item 0 returns only after item 1's work is done. Rayon's `collect` puts every result at its
    // item's place whatever the finishing order; a map that gathered results as they come (a
    // channel in `for_each`, say) would almost always hand back item 1's first.
    let second_returned = Signal::new();
    let results = parallel_map(2, &[10, 20], |&x| {
        if x == 10 {
            check!(
                second_returned.wait(PATIENCE),
                "item 0 waited {PATIENCE:?} for item 1, but it never ran: a pool of 2 threads \
                 should run both at once"
            );
        } else {
            second_returned.raise();
        }
        x
    })
    .expect("building a rayon pool failed");
    check_eq!(
        results,
        vec![10, 20],
        "item 1 finished before item 0, and the results came back in finishing order: collect \
         them in input order instead"
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn equals_the_sequential_map(
        threads in 1usize..=8,
        items in proptest::collection::vec(any::<i32>(), 0..300),
    ) {
        let expected: Vec<i64> = items.iter().map(|&x| i64::from(x) * 3 - 1).collect();
        let got = parallel_map(threads, &items, |&x| i64::from(x) * 3 - 1)
            .expect("building a rayon pool failed");
        prop_assert_eq!(
            got,
            expected,
            "parallel_map({}, ..) differs from items.iter().map(f); {}",
            threads,
            BOOK
        );
    }
}
