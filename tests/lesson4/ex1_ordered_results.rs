//! Exercise 1: results tagged with their index, put back in input order.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use subject::{OrderError, one_thread_per_item, ordered_map, restore_order, root_of_cube};
use testkit::{
    HighWater, Rendezvous, Signal, ThreadEnds, ThreadIds, bounded, check, check_eq, fail,
};

use super::{MEETING, panic_reaches_caller};

const BOOK: testkit::Book = super::book("ordered-results");

#[test]
fn root_of_cube_matches_the_seed() {
    // Seed 004's printed output, Python's (a, math.sqrt(a**3)) for a in 1..=7.
    let seed_output = [
        (1, 1.0),
        (2, 2.8284271247461903),
        (3, 5.196152422706632),
        (4, 8.0),
        (5, 11.180339887498949),
        (6, 14.696938456699069),
        (7, 18.520259177452136),
    ];
    for (a, root) in seed_output {
        check_eq!(
            root_of_cube(a),
            (a, root),
            "root_of_cube({a}) should be ({a}, √{a}³) exactly as Python prints it"
        );
    }
}

#[test]
fn root_of_cube_does_not_overflow() {
    // 3 000 000³ = 2.7e19 no longer fits a u64 (at most 1.8e19).
    check_eq!(
        root_of_cube(3_000_000),
        (3_000_000, 27e18_f64.sqrt()),
        "root_of_cube(3_000_000): the cube overflows u64, so compute it in u128 (or f64)"
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(128))]

    #[test]
    fn restore_order_puts_shuffled_results_back(
        tagged in (0usize..200)
            .prop_flat_map(|n| Just((0..n).map(|i| (i, i * 10)).collect::<Vec<_>>()).prop_shuffle())
    ) {
        let expected: Vec<usize> = (0..tagged.len()).map(|i| i * 10).collect();
        let arrival: Vec<usize> = tagged.iter().map(|&(index, _)| index).collect();
        let restored = restore_order(tagged);
        prop_assert!(
            matches!(&restored, Ok(values) if *values == expected),
            "results arrived in the index order {:?}; restore_order should give them back by \
             index, got {:?}; {}",
            arrival,
            restored,
            BOOK
        );
    }
}

#[test]
fn restore_order_refuses_bad_tags() {
    let out_of_range = restore_order(vec![(0, 'a'), (5, 'b'), (1, 'c')]);
    check!(
        matches!(
            out_of_range,
            Err(OrderError::OutOfRange { index: 5, len: 3 })
        ),
        "3 results cannot include index 5: expected Err(OrderError::OutOfRange {{ index: 5, len: \
         3 }}), got {out_of_range:?}"
    );
    let duplicate = restore_order(vec![(1, 'a'), (0, 'b'), (1, 'c')]);
    match duplicate {
        Err(OrderError::Duplicate { index: 1 }) => {}
        other => fail!(
            "index 1 arrives twice (and 2 never): expected Err(OrderError::Duplicate {{ index: \
             1 }}), got {other:?}"
        ),
    }
    let message = OrderError::Duplicate { index: 1 }.to_string();
    check!(
        message.contains('1'),
        "the error message {message:?} should name the index that arrived twice"
    );
}

#[test]
fn ordered_map_needs_a_worker() {
    let refused = ordered_map(vec![1, 2, 3], 0, |x: i32| x);
    check!(
        matches!(refused, Err(OrderError::NoWorkers)),
        "ordered_map(.., 0, ..) should be Err(OrderError::NoWorkers): nobody would take the \
         items; got {refused:?}"
    );
}

// ANCHOR: reverse_finish_test
#[test]
fn ordered_map_restores_order_when_later_items_finish_first() {
    // Two workers, three items. Item 0 holds its worker until item 2 starts, and item 2 can
    // only start on the other worker once that worker has sent item 1's result. So item 1's
    // result always arrives before item 0's.
    let third_started = Arc::new(Signal::new());
    let results = bounded!({
        ordered_map(vec![0, 1, 2], 2, move |i: usize| {
            match i {
                0 => assert!(
                    third_started.wait(MEETING),
                    "item 0 waited {MEETING:?} for item 2 to start, but it never did: are two \
                     workers taking items at once, each sending a result before taking the \
                     next item?"
                ),
                2 => third_started.raise(),
                _ => {}
            }
            i
        })
    });
    check!(
        matches!(&results, Ok(values) if *values == [0, 1, 2]),
        "item 1's result arrived before item 0's; the consumer must put the results back by \
         their tags and return [0, 1, 2], got {results:?}"
    );
}
// ANCHOR_END: reverse_finish_test

#[test]
fn ordered_map_runs_its_workers_at_once() {
    for workers in 2..=4 {
        let all_running = Arc::new(Rendezvous::new(workers));
        let outcomes = bounded!({
            ordered_map((0..workers).collect(), workers, |_| {
                all_running.meet(MEETING)
            })
        })
        .expect("ordered_map failed");
        if let Some(Err(stranded)) = outcomes.into_iter().find(Result::is_err) {
            fail!(
                "{workers} items on {workers} workers never ran all at once ({stranded}): start \
                 {workers} threads that all take items from the one job channel"
            );
        }
    }
}

#[test]
fn ordered_map_uses_only_the_workers_asked_for() {
    let in_flight = Arc::new(HighWater::new());
    let threads = Arc::new(ThreadIds::new());
    let (watched, seen) = (Arc::clone(&in_flight), Arc::clone(&threads));
    let results = bounded!({
        ordered_map((0..60u64).collect(), 3, move |x| {
            let _inside = watched.enter();
            seen.record();
            testkit::spin(2_000 + x)
        })
    });
    check!(results.is_ok(), "ordered_map failed: {results:?}");
    check!(
        in_flight.highest() <= 3 && threads.count() <= 3,
        "ordered_map(.., 3, ..) ran {} calls at once on {} threads: only the 3 workers should \
         call f",
        in_flight.highest(),
        threads.count()
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn ordered_map_delivers_each_item_once_in_order(
        workers in 1usize..=8,
        items in proptest::collection::vec(any::<i32>(), 0..300),
    ) {
        let expected: Vec<i64> = items.iter().map(|&x| i64::from(x) * 2 + 1).collect();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let got = bounded!({
            ordered_map(items, workers, move |x| {
                counted.fetch_add(1, Ordering::SeqCst);
                i64::from(x) * 2 + 1
            })
        });
        prop_assert!(
            matches!(&got, Ok(values) if *values == expected),
            "ordered_map(items, {}, f) should equal items.map(f), got {:?}; {}",
            workers,
            got,
            BOOK
        );
        prop_assert_eq!(
            calls.load(Ordering::SeqCst),
            expected.len(),
            "f should be called exactly once per item; {}",
            BOOK
        );
    }
}

#[test]
fn one_thread_per_item_runs_every_item_at_once() {
    // Seed 004 starts 7 processes, one per number from 1 to 7.
    let items: Vec<u64> = (1..=7).collect();
    let all_running = Arc::new(Rendezvous::new(items.len()));
    let threads = Arc::new(ThreadIds::new());
    let seen = Arc::clone(&threads);
    let results = bounded!({
        one_thread_per_item(items, move |a| {
            seen.record();
            all_running.meet(MEETING).map(|()| a * a)
        })
    })
    .expect("one_thread_per_item failed");
    if let Some(Err(stranded)) = results.iter().find(|outcome| outcome.is_err()) {
        fail!(
            "7 items never ran all at once ({stranded}): start one thread per item, as seed 004 \
             starts one process per item"
        );
    }
    check_eq!(
        threads.count(),
        7,
        "7 items should run on 7 different threads"
    );
    let squares: Vec<u64> = results.into_iter().map(Result::unwrap).collect();
    check_eq!(
        squares,
        [1, 4, 9, 16, 25, 36, 49],
        "the results should come back in input order"
    );
}

#[test]
fn one_thread_per_item_restores_order_when_later_items_finish_first() {
    // Each item waits until the thread of the item after it has ended, which happens only after
    // that thread sent its result: the results arrive in the order 4, 3, 2, 1, 0.
    let ended: Arc<Vec<ThreadEnds>> = Arc::new((0..5).map(|_| ThreadEnds::new()).collect());
    let results = bounded!({
        one_thread_per_item((0..5).collect(), move |i: usize| {
            ended[i].mark();
            if let Some(next) = ended.get(i + 1) {
                assert!(
                    next.wait_for(1, MEETING),
                    "item {i} waited {MEETING:?} for the thread of item {} to end, but it \
                     never did: start one thread per item, all of them before collecting",
                    i + 1
                );
            }
            i
        })
    });
    check!(
        matches!(&results, Ok(values) if *values == [0, 1, 2, 3, 4]),
        "the results arrived in the order 4, 3, 2, 1, 0; put them back by their tags and return \
         [0, 1, 2, 3, 4], got {results:?}"
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(32))]

    #[test]
    fn one_thread_per_item_delivers_each_item_once_in_order(
        items in proptest::collection::vec(any::<u16>(), 0..40),
    ) {
        let expected: Vec<u32> = items.iter().map(|&x| u32::from(x) + 7).collect();
        let got = bounded!(one_thread_per_item(items, |x| u32::from(x) + 7));
        prop_assert!(
            matches!(&got, Ok(values) if *values == expected),
            "one_thread_per_item(items, f) should equal items.map(f), got {:?}; {}",
            got,
            BOOK
        );
    }
}

#[test]
fn root_of_cube_rounds_once_from_the_exact_cube() {
    // The exact cube, rounded once to f64, then rooted. Cubing in f64, `(a as f64).powi(3)`,
    // rounds twice and gives another root for the first two; the last is the largest a whose
    // cube fits a u128.
    for a in [
        79_637_402_468,
        1_845_931_153_244,
        2_642_246,
        6_981_463_658_331,
    ] {
        let exact = (u128::from(a) * u128::from(a) * u128::from(a)) as f64;
        check_eq!(
            root_of_cube(a),
            (a, exact.sqrt()),
            "root_of_cube({a}) should be the root of the exact cube a³ (in u128) converted to f64 \
             once, bit for bit: cubing in f64 rounds at each product"
        );
    }
}

#[test]
fn restore_order_refuses_a_tag_equal_to_the_length() {
    let tagged = restore_order(vec![(0, 'a'), (2, 'b')]);
    check!(
        matches!(tagged, Err(OrderError::OutOfRange { index: 2, len: 2 })),
        "2 results have the tags 0 and 1: tag 2 is one too many, so restore_order should be \
         Err(OrderError::OutOfRange {{ index: 2, len: 2 }}), got {tagged:?}"
    );
    check!(
        matches!(restore_order::<char>(Vec::new()), Ok(values) if values.is_empty()),
        "no results put in order are no results"
    );
}

#[test]
fn order_errors_say_what_went_wrong() {
    let errors = (
        ordered_map(vec![1], 0, |x: u8| x),
        restore_order(vec![(7, 'a'), (0, 'b'), (1, 'c')]),
        restore_order(vec![(4, 'a'), (4, 'b'), (0, 'c'), (1, 'd'), (2, 'e')]),
    );
    let (Err(no_workers), Err(out_of_range), Err(duplicate)) = errors else {
        fail!("expected three errors (0 workers, tag 7 of 3, tag 4 twice), got {errors:?}");
    };
    let cases = [
        (no_workers, vec!["0"]),
        (out_of_range, vec!["7", "3"]),
        (duplicate, vec!["4"]),
        (
            OrderError::Spawn(std::io::Error::other("no more threads")),
            vec!["no more threads"],
        ),
    ];
    for (error, words) in cases {
        let message = error.to_string();
        check!(
            words.iter().all(|word| message.contains(word)),
            "the message of {error:?} is {message:?}: it should name {words:?}"
        );
        check_eq!(
            std::error::Error::source(&error).is_some(),
            matches!(error, OrderError::Spawn(_)),
            "{error:?}.source(): only Spawn has one, the io::Error"
        );
    }
}

#[test]
fn a_panic_in_f_reaches_the_caller_of_ordered_map() {
    for workers in [1, 3] {
        check!(
            panic_reaches_caller("ordered_map with an f that panics", BOOK, 4, move |f| {
                let _ = ordered_map((0..6).collect(), workers, move |x| f(x));
            }),
            "f panics on item 4, so ordered_map(.., {workers}, f) should panic too, not return: \
             the 5 other results are not the whole answer"
        );
    }
}

#[test]
fn a_panic_in_f_reaches_the_caller_of_one_thread_per_item() {
    check!(
        panic_reaches_caller("one_thread_per_item with an f that panics", BOOK, 2, |f| {
            let _ = one_thread_per_item((0..6).collect(), move |x| f(x));
        }),
        "f panics on item 2, so one_thread_per_item should panic too, not return"
    );
}

#[test]
fn ordered_map_keeps_order_at_the_graders_size() {
    // The grader maps 2 000 items on up to one worker per core.
    let items: Vec<u64> = (0..2_000).collect();
    let expected: Vec<u64> = items.iter().map(|x| x * 3).collect();
    for workers in [1, 7, 16] {
        let items = items.clone();
        let got = bounded!(ordered_map(items, workers, |x| x * 3));
        check!(
            matches!(&got, Ok(values) if *values == expected),
            "ordered_map over 2 000 items on {workers} workers should return f of each item in \
             input order"
        );
    }
}
