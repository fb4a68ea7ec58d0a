//! Exercise 6: lazy results with `imap` (in input order) and `imap_unordered` (as they come).

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use subject::TaskPanicked;
use testkit::{PATIENCE, Signal, bounded, check, check_eq};

use super::pool;

const BOOK: testkit::Book = super::book("imap");

/// `Ok(x)` for every `x` of `values`, as `imap` yields them.
fn all_ok(values: impl IntoIterator<Item = u32>) -> Vec<Result<u32, TaskPanicked>> {
    values.into_iter().map(Ok).collect()
}

#[test]
fn imap_gives_results_in_input_order_when_later_items_finish_first() {
    // The schedule of ex3's order test: item 1's result always arrives before item 0's.
    let pool = pool(2);
    let third_started = Arc::new(Signal::new());
    let results = bounded!(
        pool.imap(
            move |x: u32| {
                match x {
                    0 => assert!(third_started.wait(PATIENCE), "item 2 never started"),
                    2 => third_started.raise(),
                    _ => {}
                }
                x
            },
            vec![0, 1, 2],
            1,
        )
        .collect::<Vec<_>>()
    );
    check_eq!(
        results,
        all_ok([0, 1, 2]),
        "imap must hand results back in input order, whatever order they finish in"
    );
}

#[test]
fn imap_hands_out_each_result_before_later_items_finish() {
    // Item 1 finishes only once the test has taken item 0's result: an imap that waits for
    // every result before handing out the first never gets there.
    let pool = pool(2);
    let first_taken = Arc::new(Signal::new());
    let taken = Arc::clone(&first_taken);
    let mut results = pool.imap(
        move |x: u32| {
            if x == 1 {
                assert!(taken.wait(PATIENCE), "the test never got item 0's result");
            }
            x
        },
        vec![0, 1, 2],
        1,
    );
    let (first, results) = bounded!(
        (results.next(), results),
        "the first next() never returned although item 0 was done: imap is lazy, each next() \
         waits only for the chunk holding the next item"
    );
    first_taken.raise();
    let rest = bounded!(results.collect::<Vec<_>>());
    check_eq!(
        (first, rest),
        (Some(Ok(0)), all_ok([1, 2])),
        "imap's results, one next() at a time"
    );
}

#[test]
fn both_queue_every_item_before_returning() {
    // Item 0 finishes only once item 1 has started: an iterator that queued an item only when
    // asked for its result would wait for item 0 before queueing item 1.
    let pool = pool(2);
    for unordered in [false, true] {
        let second_started = Arc::new(Signal::new());
        let f = move |x: u32| {
            if x == 0 {
                assert!(second_started.wait(PATIENCE), "item 1 never started");
            } else {
                second_started.raise();
            }
            x
        };
        let pool = Arc::clone(&pool);
        let results: Vec<Result<u32, TaskPanicked>> = if unordered {
            let mut results: Vec<_> = bounded!(pool.imap_unordered(f, vec![0, 1], 1).collect());
            results.sort_by_key(|(index, _)| *index);
            results.into_iter().map(|(_, result)| result).collect()
        } else {
            bounded!(pool.imap(f, vec![0, 1], 1).collect())
        };
        let which = if unordered { "imap_unordered" } else { "imap" };
        check_eq!(
            results,
            all_ok([0, 1]),
            "{which} over two items where item 0 waits for item 1 to start: queue every chunk \
             before returning the iterator, not one at a time as results are asked for"
        );
    }
}

#[test]
fn imap_reports_each_panic_in_its_place_and_goes_on() {
    let pool = pool(3);
    let ran = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&ran);
    let results = bounded!(
        pool.imap(
            move |x: u32| {
                count.fetch_add(1, Ordering::SeqCst);
                assert!(x != 4 && x != 5, "item {x} failed");
                x
            },
            (0..10).collect(),
            3,
        )
        .collect::<Vec<_>>()
    );
    let failed = |item: usize| {
        Err(TaskPanicked {
            item: Some(item),
            message: format!("item {item} failed"),
        })
    };
    let mut expected = all_ok(0..10);
    expected[4] = failed(4);
    expected[5] = failed(5);
    check_eq!(
        results,
        expected,
        "imap yields one Result per item, Err(TaskPanicked {{ item: Some(i), .. }}) with that \
         item's own message for each call that panicked"
    );
    check_eq!(
        ran.load(Ordering::SeqCst),
        10,
        "every item should run, those after a panic in its chunk too"
    );
}

#[test]
fn imap_unordered_hands_out_results_as_they_come() {
    // Item 0 finishes only once the test has taken a result, so the first one must be item 1's.
    let pool = pool(2);
    let first_taken = Arc::new(Signal::new());
    let taken = Arc::clone(&first_taken);
    let mut results = pool.imap_unordered(
        move |x: u32| {
            if x == 0 {
                assert!(taken.wait(PATIENCE), "the test never got a result");
            }
            x * 10
        },
        vec![0, 1],
        1,
    );
    let (first, results) = bounded!(
        (results.next(), results),
        "the first next() never returned although item 1 was done: imap_unordered hands out \
         each result as soon as its chunk has run, in whatever order they come"
    );
    first_taken.raise();
    let rest = bounded!(results.collect::<Vec<_>>());
    check_eq!(
        (first, rest),
        (Some((1, Ok(10))), vec![(0, Ok(0))]),
        "imap_unordered's results, each with its item's index"
    );
}

#[test]
fn imap_unordered_keeps_input_order_within_a_chunk() {
    let pool = pool(1);
    let indices: Vec<usize> = bounded!(
        pool.imap_unordered(|x: u32| x, (0..12).collect(), 3)
            .map(|(index, _)| index)
            .collect()
    );
    let in_runs = indices.len() == 12
        && indices
            .iter()
            .enumerate()
            .all(|(at, &index)| index % 3 == 0 || (at > 0 && indices[at - 1] == index - 1));
    check!(
        in_runs,
        "imap_unordered over 12 items in chunks of 3 on one worker gave the indices {indices:?}: \
         each chunk's results come together, in input order"
    );
}

#[test]
fn unread_lazy_results_never_hold_up_a_worker() {
    let pool = pool(1);
    let ordered = pool.imap(|x: u32| x, (0..200).collect(), 1);
    let unordered = pool.imap_unordered(|x: u32| x, (0..200).collect(), 1);
    let pool_ = Arc::clone(&pool);
    check_eq!(
        bounded!(
            pool_.apply(|| "still running"),
            "a task queued behind 400 lazy results that nobody has read never ran: results \
             must wait in the iterator (a channel with room for all of them), never in the worker"
        ),
        Ok("still running"),
        "pool.apply after unread imap results"
    );
    let counts = bounded!((ordered.count(), unordered.count()));
    check_eq!(
        counts,
        (200, 200),
        "read at last, each iterator should yield every result"
    );
}

#[test]
fn dropping_the_iterators_early_leaves_the_items_to_run() {
    let pool = pool(2);
    let ran = Arc::new(AtomicUsize::new(0));
    for unordered in [false, true] {
        let count = Arc::clone(&ran);
        let f = move |x: u32| {
            count.fetch_add(1, Ordering::SeqCst);
            x
        };
        let first = if unordered {
            let mut results = pool.imap_unordered(f, (0..50).collect(), 4);
            bounded!(results.next().map(|(_, result)| result.is_ok()))
        } else {
            let mut results = pool.imap(f, (0..50).collect(), 4);
            bounded!(results.next().map(|result| result.is_ok()))
        };
        check_eq!(first, Some(true), "the first result");
    }
    check!(
        testkit::wait_until(PATIENCE, || ran.load(Ordering::SeqCst) == 100),
        "after the iterators were dropped, only {} of 100 items ran: the rest still run, their \
         results thrown away",
        ran.load(Ordering::SeqCst)
    );
    check_eq!(
        bounded!(pool.apply(|| 5)),
        Ok(5),
        "the pool after dropped iterators"
    );
}

#[test]
fn no_items_and_a_chunk_size_of_zero() {
    let pool = pool(1);
    let empty = {
        let pool = Arc::clone(&pool);
        bounded!((
            pool.imap(|x: u8| x, Vec::new(), 1).count(),
            pool.imap_unordered(|x: u8| x, Vec::new(), 1).count()
        ))
    };
    check_eq!(
        empty,
        (0, 0),
        "imap and imap_unordered of no items yield nothing"
    );
    let refused = bounded!((
        panic::catch_unwind(AssertUnwindSafe(|| pool
            .imap(|x: u8| x, vec![1], 0)
            .count()))
        .is_err(),
        panic::catch_unwind(AssertUnwindSafe(|| pool
            .imap_unordered(|x: u8| x, vec![1], 0)
            .count()))
        .is_err()
    ));
    check_eq!(refused, (true, true), "a chunk size of 0 panics, as in map");
}

proptest! {
    #![proptest_config(testkit::proptest_config(48))]

    #[test]
    fn both_equal_the_sequential_map(
        workers in 1usize..=6,
        chunk_size in 1usize..=40,
        items in proptest::collection::vec(any::<i32>(), 0..200),
    ) {
        let f = |x: i32| {
            assert!(x % 17 != 0, "item {x} is divisible by 17");
            i64::from(x) - 7
        };
        let expected: Vec<Result<i64, String>> = items
            .iter()
            .map(|&x| if x % 17 == 0 { Err(format!("item {x} is divisible by 17")) } else { Ok(i64::from(x) - 7) })
            .collect();
        let pool = pool(workers);
        let (ordered, mut unordered) = bounded!((
            pool.imap(f, items.clone(), chunk_size).collect::<Vec<_>>(),
            pool.imap_unordered(f, items, chunk_size).collect::<Vec<_>>()
        ));
        let message = |result: Result<i64, TaskPanicked>| result.map_err(|panicked| panicked.message);
        let ordered: Vec<_> = ordered.into_iter().map(message).collect();
        prop_assert_eq!(
            &ordered,
            &expected,
            "Pool::new({}).imap(f, items, {}) differs from items.iter().map(f); {}",
            workers,
            chunk_size,
            BOOK
        );
        unordered.sort_by_key(|(index, _)| *index);
        let indices: Vec<usize> = unordered.iter().map(|(index, _)| *index).collect();
        prop_assert_eq!(
            indices,
            (0..expected.len()).collect::<Vec<_>>(),
            "imap_unordered should yield every index exactly once; {}",
            BOOK
        );
        let unordered: Vec<_> = unordered.into_iter().map(|(_, result)| message(result)).collect();
        prop_assert_eq!(
            unordered,
            expected,
            "imap_unordered's results, sorted by index, differ from items.iter().map(f); {}",
            BOOK
        );
    }
}
