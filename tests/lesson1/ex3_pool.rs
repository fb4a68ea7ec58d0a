//! Exercise 3: your own `Pool`, Python's `multiprocessing.Pool` on std threads.

use std::sync::Arc;

use proptest::prelude::*;
use subject::{Pool, PoolError, TaskPanicked, default_chunk_size};
use testkit::{HighWater, PATIENCE, Rendezvous, Signal, ThreadEnds, within};

/// A pool the test can share with the bounded-wait runner thread.
fn pool(workers: usize) -> Arc<Pool> {
    Arc::new(Pool::new(workers).expect("Pool::new failed for a positive worker count"))
}

/// What a test waiting on a pool says when the wait runs out.
fn stuck(what: &str) -> String {
    format!(
        "the pool never returned from {what}: a result was never sent back, or the workers are \
         stuck; {}",
        super::see("own-pool")
    )
}

#[test]
fn zero_workers_is_an_error() {
    assert!(
        matches!(Pool::new(0), Err(PoolError::NoWorkers)),
        "Pool::new(0) should be Err(PoolError::NoWorkers): such a pool could never run a task; {}",
        super::see("own-pool")
    );
}

#[test]
fn reports_its_number_of_workers() {
    for workers in [1, 3, 8] {
        assert_eq!(
            pool(workers).workers(),
            workers,
            "Pool::new({workers}).workers()"
        );
    }
}

#[test]
fn apply_async_hands_back_each_value() {
    let pool = pool(3);
    let handles: Vec<_> = (0..20u64)
        .map(|i| pool.apply_async(move || i * i))
        .collect();
    let values = within(PATIENCE, "AsyncResult::get", &stuck("get()"), move || {
        handles.into_iter().map(|h| h.get()).collect::<Vec<_>>()
    });
    let expected: Vec<_> = (0..20u64).map(|i| Ok(i * i)).collect();
    assert_eq!(
        values, expected,
        "each apply_async handle should give back its own task's value"
    );
}

#[test]
fn apply_waits_for_the_value() {
    let pool = pool(2);
    let answer = within(PATIENCE, "Pool::apply", &stuck("apply()"), move || {
        pool.apply(|| 6 * 7)
    });
    assert_eq!(answer, Ok(42));
}

#[test]
fn map_async_gives_results_in_input_order() {
    let pool = pool(4);
    let pending = pool.map_async(|x: u32| x + 1, (0..100).collect(), 7);
    let results = within(
        PATIENCE,
        "MapResult::get",
        &stuck("map_async(..).get()"),
        move || pending.get(),
    );
    assert_eq!(results, Ok((1..=100).collect::<Vec<u32>>()));
}

#[test]
fn map_of_no_items_is_empty() {
    let pool = pool(2);
    let results = within(
        PATIENCE,
        "Pool::map",
        &stuck("map() of no items"),
        move || pool.map(|x: u8| x, Vec::new(), 1),
    );
    assert_eq!(results, Ok(Vec::new()));
}

// ANCHOR: order_test
#[test]
fn results_keep_input_order_when_later_items_finish_first() {
    // Two workers, three items, one per chunk. Item 0 holds its worker until item 2 starts, and
    // item 2 can only start on the other worker after item 1's result has been sent back. So
    // item 1's result always arrives before item 0's, and a map that hands results back in
    // arrival order instead of input order puts it first.
    let pool = pool(2);
    let third_started = Arc::new(Signal::new());
    let results = within(PATIENCE * 2, "Pool::map", &stuck("map()"), move || {
        pool.map(
            move |x: usize| {
                match x {
                    0 => assert!(
                        third_started.wait(PATIENCE),
                        "item 0 waited {PATIENCE:?} for item 2 to start, but it never did: the \
                         pool does not run two tasks at once"
                    ),
                    2 => third_started.raise(),
                    _ => {}
                }
                x
            },
            vec![0, 1, 2],
            1,
        )
    });
    assert_eq!(
        results,
        Ok(vec![0, 1, 2]),
        "item 1 finished before item 0, and map returned results in finishing order (or failed): \
         put each chunk's results back at its position in the input; {}",
        super::see("own-pool")
    );
}
// ANCHOR_END: order_test
// ANCHOR: rendezvous_test
#[test]
fn n_workers_run_n_tasks_at_once() {
    for workers in 2..=4 {
        let pool = pool(workers);
        let all_running = Arc::new(Rendezvous::new(workers));
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let all_running = Arc::clone(&all_running);
                pool.apply_async(move || all_running.meet(PATIENCE))
            })
            .collect();
        let outcomes = within(PATIENCE * 2, "the rendezvous", &stuck("get()"), move || {
            handles.into_iter().map(|h| h.get()).collect::<Vec<_>>()
        });
        for outcome in outcomes {
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(stranded)) => panic!(
                    "tasks ran one at a time: {workers} tasks on a pool of {workers} workers \
                     never all ran together ({stranded}); start {workers} worker threads that \
                     each take jobs from the shared channel; {}",
                    super::see("own-pool")
                ),
                Err(panicked) => panic!("a rendezvous task failed: {panicked}"),
            }
        }
    }
}

// ANCHOR_END: rendezvous_test
#[test]
fn never_more_tasks_at_once_than_workers() {
    let pool = pool(3);
    let in_flight = Arc::new(HighWater::new());
    let watched = Arc::clone(&in_flight);
    let results = within(PATIENCE, "Pool::map", &stuck("map()"), move || {
        pool.map(
            move |x: u64| {
                let _inside = watched.enter();
                testkit::spin(2_000 + x)
            },
            (0..60).collect(),
            1,
        )
    });
    assert!(results.is_ok(), "map failed: {results:?}");
    assert!(
        in_flight.highest() <= 3,
        "a pool of 3 workers ran {} tasks at once: only the workers may run tasks; {}",
        in_flight.highest(),
        super::see("own-pool")
    );
}

#[test]
fn a_panicking_task_is_an_error_and_the_pool_survives() {
    let pool = pool(1);
    let outcome = within(PATIENCE, "get() of a panicking task", &stuck("get()"), {
        let pool = Arc::clone(&pool);
        move || pool.apply_async(|| -> u8 { panic!("boom in task") }).get()
    });
    match outcome {
        Err(TaskPanicked {
            item: None,
            message,
        }) => assert!(
            message.contains("boom in task"),
            "the error should carry the panic's message, got {message:?}"
        ),
        other => panic!(
            "a task that panics should come back as Err(TaskPanicked {{ item: None, .. }}), got \
             {other:?}: catch the panic in the worker (std::panic::catch_unwind); {}",
            super::see("own-pool")
        ),
    }
    let after = within(
        PATIENCE,
        "get() after a panic",
        &stuck("get() after a panic"),
        move || pool.apply(|| "still here"),
    );
    assert_eq!(
        after,
        Ok("still here"),
        "after a task panicked, the pool's only worker should still run tasks; {}",
        super::see("own-pool")
    );
}

#[test]
fn a_panic_in_map_names_the_first_failing_item() {
    let pool = pool(2);
    let outcome = within(PATIENCE, "map() with a panicking item", &stuck("map()"), {
        let pool = Arc::clone(&pool);
        move || {
            pool.map(
                |x: u32| {
                    assert!(x == 0 || !x.is_multiple_of(13), "item {x} is unlucky");
                    x
                },
                (0..40).collect(),
                4,
            )
        }
    });
    match outcome {
        Err(TaskPanicked {
            item: Some(13),
            message,
        }) => assert!(
            message.contains("item 13 is unlucky"),
            "the error should carry the panic's message, got {message:?}"
        ),
        other => panic!(
            "items 13, 26 and 39 panic, so map should return Err(TaskPanicked {{ item: Some(13), \
             .. }}), got {other:?}; {}",
            super::see("own-pool")
        ),
    }
    let after = within(
        PATIENCE,
        "map() after a panic",
        &stuck("map() after a panic"),
        move || pool.map(|x: u32| x * 2, vec![1, 2, 3], 1),
    );
    assert_eq!(
        after,
        Ok(vec![2, 4, 6]),
        "the pool should keep working after a panic in map"
    );
}

#[test]
fn dropping_the_pool_joins_every_worker() {
    let workers = 3;
    let ended = ThreadEnds::new();
    let pool = Pool::new(workers).expect("Pool::new(3) failed");
    let all_running = Arc::new(Rendezvous::new(workers));
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let ended = ended.clone();
            let all_running = Arc::clone(&all_running);
            pool.apply_async(move || {
                ended.mark();
                all_running.meet(PATIENCE)
            })
        })
        .collect();
    let pool = within(
        PATIENCE * 2,
        "marking every worker",
        &stuck("get()"),
        move || {
            for handle in handles {
                assert!(
                    matches!(handle.get(), Ok(Ok(()))),
                    "the marking tasks should all run at once, one per worker"
                );
            }
            pool
        },
    );
    within(
        PATIENCE,
        "dropping the pool",
        &stuck("drop(pool)"),
        move || drop(pool),
    );
    assert_eq!(
        ended.count(),
        workers,
        "drop(pool) returned while worker threads were still running: Drop should close the job \
         channel and join every worker; {}",
        super::see("own-pool")
    );
}

#[test]
fn default_chunk_size_follows_pythons_rule() {
    let cases = [
        (0, 4, 1),
        (1, 4, 1),
        (16, 4, 1),
        (17, 4, 2),
        (100, 4, 7),
        (1_000_000, 2, 125_000),
    ];
    for (items, workers, expected) in cases {
        assert_eq!(
            default_chunk_size(items, workers),
            expected,
            "default_chunk_size({items}, {workers}): about four chunks per worker, rounded up, \
             at least 1; {}",
            super::see("own-pool")
        );
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn map_equals_the_sequential_map(
        workers in 1usize..=8,
        chunk_size in 1usize..=50,
        items in proptest::collection::vec(any::<i32>(), 0..300),
    ) {
        let expected: Vec<i64> = items.iter().map(|&x| i64::from(x) - 7).collect();
        let pool = pool(workers);
        let got = within(PATIENCE, "Pool::map", &stuck("map()"), move || {
            pool.map(|x: i32| i64::from(x) - 7, items, chunk_size)
        });
        prop_assert_eq!(
            got,
            Ok(expected),
            "Pool::new({}).map(f, items, {}) differs from items.iter().map(f); {}",
            workers,
            chunk_size,
            super::see("own-pool")
        );
    }
}
