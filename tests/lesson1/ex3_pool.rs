//! Exercise 3: your own `Pool`, Python's `multiprocessing.Pool` on std threads.

use std::collections::HashSet;
use std::error::Error;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use proptest::prelude::*;
use subject::{Pool, PoolError, TaskPanicked, default_chunk_size};
use testkit::{
    BoundedDrop, HighWater, PATIENCE, Rendezvous, Signal, ThreadEnds, bounded, check, check_eq,
    fail,
};

use super::pool;

const BOOK: testkit::Book = super::book("own-pool");

/// Tasks waiting for more tasks than any sensible fixed-size queue holds.
const MANY: usize = 10_000;

/// A task's panic as `get` should report it.
fn panicked(item: Option<usize>, message: &str) -> TaskPanicked {
    TaskPanicked {
        item,
        message: message.to_string(),
    }
}

#[test]
fn zero_workers_is_an_error() {
    let refused = Pool::new(0);
    check!(
        matches!(refused, Err(PoolError::NoWorkers)),
        "Pool::new(0) should be Err(PoolError::NoWorkers): such a pool could never run a task"
    );
    if let Err(error) = refused {
        check!(
            error.to_string().contains("at least 1 worker") && error.source().is_none(),
            "PoolError::NoWorkers reads {error} and has no source"
        );
    }
}

#[test]
fn reports_its_number_of_workers() {
    for workers in [1, 3, 8] {
        check_eq!(
            pool(workers).workers(),
            workers,
            "Pool::new({workers}).workers()"
        );
    }
}

/// How many threads this process has, from Linux's `/proc`.
#[cfg(target_os = "linux")]
fn threads_of_this_process() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("cannot read /proc/self/task")
        .count()
}

#[test]
#[cfg(target_os = "linux")]
fn starts_exactly_the_workers_asked_for() {
    let test = concat!(module_path!(), "::starts_exactly_the_workers_asked_for");
    if super::reexec::child(test) {
        // Alone in a process of its own, where no other test starts threads.
        let before = threads_of_this_process();
        for workers in [1, 2, 3, 5] {
            let pool = Pool::new(workers).expect("Pool::new failed");
            let started = threads_of_this_process() - before;
            check_eq!(
                started,
                workers,
                "Pool::new({workers}) left {started} new threads running: a pool starts exactly \
                 its workers, all before `new` returns, and no thread of any other kind"
            );
            drop(pool);
            check!(
                testkit::wait_until(PATIENCE, || threads_of_this_process() == before),
                "dropping a pool of {workers} left threads behind"
            );
        }
        return;
    }
    let (passed, output) = super::reexec::start(test).finish(
        "counting the threads of a new pool",
        "Pool::new or its drop never returned",
    );
    check!(
        passed,
        "counting the pool's threads in a process of its own failed:\n{output}\n"
    );
}

#[test]
fn apply_async_hands_back_each_value() {
    let pool = pool(3);
    let handles: Vec<_> = (0..20u64)
        .map(|i| pool.apply_async(move || i * i))
        .collect();
    let values = bounded!(handles.into_iter().map(|h| h.get()).collect::<Vec<_>>());
    let expected: Vec<_> = (0..20u64).map(|i| Ok(i * i)).collect();
    check_eq!(
        values,
        expected,
        "each apply_async handle should give back its own task's value"
    );
}

#[test]
fn apply_waits_for_the_value() {
    let pool = pool(2);
    check_eq!(
        bounded!(pool.apply(|| 6 * 7)),
        Ok(42),
        "pool.apply(|| 6 * 7)"
    );
}

#[test]
fn handles_can_be_awaited_in_any_order() {
    let pool = pool(1);
    let handles: Vec<_> = (0..5u32).map(|i| pool.apply_async(move || i)).collect();
    let maps: Vec<_> = (0..3u32)
        .map(|i| pool.map_async(move |x: u32| x + i, vec![0, 1], 1))
        .collect();
    let values = bounded!(
        (
            maps.into_iter().rev().map(|m| m.get()).collect::<Vec<_>>(),
            handles
                .into_iter()
                .rev()
                .map(|h| h.get())
                .collect::<Vec<_>>(),
        ),
        "the last handle never got its result: the only worker is stuck handing back an \
         earlier result that nobody has asked for yet. A result must wait in its handle (a \
         reply channel with room for it, capacity 1), never in the worker"
    );
    check_eq!(
        values,
        (
            vec![Ok(vec![2, 3]), Ok(vec![1, 2]), Ok(vec![0, 1])],
            vec![Ok(4), Ok(3), Ok(2), Ok(1), Ok(0)]
        ),
        "handles awaited in reverse order should still give back their own values"
    );
}

#[test]
fn unread_results_never_hold_up_a_worker() {
    let pool = pool(1);
    let unread: Vec<_> = (0..50u32).map(|i| pool.apply_async(move || i)).collect();
    let unread_maps: Vec<_> = (0..50u32)
        .map(|i| pool.map_async(move |x: u32| x * i, vec![1, 2, 3], 2))
        .collect();
    let pool_ = Arc::clone(&pool);
    let after = bounded!(
        pool_.apply(|| "still running"),
        "a task queued behind 100 results that nobody has read never ran: the worker is stuck \
         handing one of them back. A result must wait in its handle, never in the worker"
    );
    check_eq!(
        after,
        Ok("still running"),
        "pool.apply after unread results"
    );
    drop((unread, unread_maps));
}

#[test]
fn a_task_may_wait_for_tasks_submitted_after_it() {
    // Both workers are busy while the test queues MANY more tasks: the first waits for the very
    // last task to run, the second for the test to finish queueing. Submitting must not wait for
    // a free worker, or nothing would ever move.
    let pool = pool(2);
    let last_ran = Arc::new(Signal::new());
    let all_queued = Arc::new(Signal::new());
    let both_busy = Arc::new(Rendezvous::new(3));
    let first = {
        let (last_ran, both_busy) = (Arc::clone(&last_ran), Arc::clone(&both_busy));
        pool.apply_async(move || both_busy.meet(PATIENCE).is_ok() && last_ran.wait(PATIENCE))
    };
    let second = {
        let (all_queued, both_busy) = (Arc::clone(&all_queued), Arc::clone(&both_busy));
        pool.apply_async(move || both_busy.meet(PATIENCE).is_ok() && all_queued.wait(PATIENCE))
    };
    check!(
        both_busy.meet(PATIENCE).is_ok(),
        "two tasks on a pool of two workers never ran at once"
    );
    let queued = {
        let (pool, last_ran) = (Arc::clone(&pool), Arc::clone(&last_ran));
        bounded!(
            {
                let fillers: Vec<_> = (0..MANY).map(|i| pool.apply_async(move || i)).collect();
                let mapped = pool.map_async(|x: usize| x, (0..MANY).collect(), 1);
                let last = pool.apply_async(move || last_ran.raise());
                (fillers, mapped, last)
            },
            "queueing {MANY} tasks while every worker was busy blocked: apply_async and \
             map_async must return at once, so the job queue needs room for any number of jobs \
             (an unbounded channel), or a task that waits for a later one deadlocks the pool"
        )
    };
    all_queued.raise();
    let (fillers, mapped, last) = queued;
    let outcome = bounded!((
        first.get(),
        second.get(),
        last.get(),
        mapped.get().map(|values| values.len()),
        fillers
            .into_iter()
            .map(|h| h.get())
            .filter(Result::is_err)
            .count()
    ));
    check_eq!(
        outcome,
        (Ok(true), Ok(true), Ok(()), Ok(MANY), 0),
        "the first task should have seen the last one run, and every task its value"
    );
}

#[test]
fn map_async_gives_results_in_input_order() {
    let pool = pool(4);
    let pending = pool.map_async(|x: u32| x + 1, (0..100).collect(), 7);
    check_eq!(
        bounded!(pending.get()),
        Ok((1..=100).collect::<Vec<u32>>()),
        "map_async(|x| x + 1, 0..100, 7).get()"
    );
}

#[test]
fn map_of_no_items_is_empty() {
    let pool = pool(2);
    check_eq!(
        bounded!(pool.map(|x: u8| x, Vec::new(), 1)),
        Ok(Vec::new()),
        "map of no items"
    );
}

#[test]
fn chunk_sizes_need_not_divide_the_items() {
    let pool = pool(3);
    for (len, chunk_size) in [(10, 3), (10, 4), (10, 10), (10, 11), (1, 5), (7, 1)] {
        let pool = Arc::clone(&pool);
        let got = bounded!(pool.map(|x: usize| x * 2, (0..len).collect(), chunk_size));
        check_eq!(
            got,
            Ok((0..len).map(|x| x * 2).collect::<Vec<_>>()),
            "map over {len} items in chunks of {chunk_size}: the last chunk holds what is left"
        );
    }
}

#[test]
fn a_chunk_runs_as_one_job() {
    // Two workers, items 0..4 in chunks of 2. Item 0 holds its worker until item 2 has started,
    // which only a job on the other worker can do. Item 1 belongs to item 0's job, so it runs
    // after item 0 on the same thread; a pool that sent one job per item would hand item 1 to
    // the other worker.
    let pool = pool(2);
    let third_started = Arc::new(Signal::new());
    let threads = Arc::new(Mutex::new(vec![None; 4]));
    let (signal, seen) = (Arc::clone(&third_started), Arc::clone(&threads));
    let results = bounded!(pool.map(
        move |x: usize| {
            seen.lock().unwrap()[x] = Some(thread::current().id());
            match x {
                0 => signal.wait(PATIENCE),
                2 => {
                    signal.raise();
                    true
                }
                _ => true,
            }
        },
        (0..4).collect(),
        2,
    ));
    check_eq!(
        results,
        Ok(vec![true; 4]),
        "item 0 should have seen item 2 start on the other worker"
    );
    let threads = threads.lock().unwrap();
    check!(
        threads[0] == threads[1] && threads[2] == threads[3] && threads[0] != threads[2],
        "items 0 and 1 (one chunk) should run on one thread, items 2 and 3 on the other: send \
         one job per chunk of chunk_size items, not one per item"
    );
}

#[test]
fn the_last_chunk_is_the_short_one() {
    // Two workers, items 0..10 in chunks of 4: [0, 4), [4, 8) and [8, 10). Items 3 and 7 each
    // wait for the first item of the next chunk to start, which only another job can do: a
    // split that put the short chunk anywhere but last would hold items 3 and 4 (or 7 and 8) in
    // one job, and the first of them would wait in vain.
    let pool = pool(2);
    let started: Arc<Vec<Signal>> = Arc::new((0..10).map(|_| Signal::new()).collect());
    let results = bounded!(pool.map(
        move |x: usize| {
            started[x].raise();
            if x == 3 || x == 7 {
                started[x + 1].wait(PATIENCE)
            } else {
                true
            }
        },
        (0..10).collect(),
        4,
    ));
    check_eq!(
        results,
        Ok(vec![true; 10]),
        "items 3 and 7 should each have seen the next chunk's first item start: chunks of 4 \
         over 10 items are [0, 4), [4, 8) and [8, 10)"
    );
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
    let results = bounded!(pool.map(
        move |x: usize| {
            match x {
                0 => check!(
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
    ));
    check_eq!(
        results,
        Ok(vec![0, 1, 2]),
        "item 1 finished before item 0, and map returned results in finishing order (or \
         failed): put each chunk's results back at its position in the input"
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
        for outcome in bounded!(handles.into_iter().map(|h| h.get()).collect::<Vec<_>>()) {
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(stranded)) => fail!(
                    "tasks ran one at a time: {workers} tasks on a pool of {workers} workers \
                     never all ran together ({stranded}); start {workers} worker threads that \
                     each take jobs from the shared channel"
                ),
                Err(panicked) => fail!("a rendezvous task failed: {panicked}"),
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
    let results = bounded!(pool.map(
        move |x: u64| {
            let _inside = watched.enter();
            testkit::spin(2_000 + x)
        },
        (0..60).collect(),
        1,
    ));
    check!(results.is_ok(), "map failed: {results:?}");
    check!(
        in_flight.highest() <= 3,
        "a pool of 3 workers ran {} tasks at once: only the workers may run tasks",
        in_flight.highest()
    );
}

#[test]
fn a_panicking_task_is_an_error_and_the_pool_survives() {
    let pool = pool(1);
    let outcomes = {
        let pool = Arc::clone(&pool);
        bounded!((
            pool.apply_async(|| -> u8 { panic!("boom in task") }).get(),
            pool.apply_async(|| -> u8 { panic!("boom number {}", 2) })
                .get(),
        ))
    };
    check_eq!(
        outcomes,
        (
            Err(panicked(None, "boom in task")),
            Err(panicked(None, "boom number 2"))
        ),
        "a task that panics should come back as Err(TaskPanicked {{ item: None, message }}) with \
         the panic's own message: catch the panic in the worker (std::panic::catch_unwind) and \
         give its payload to the provided panic_message"
    );
    if let (Err(first), _) = &outcomes {
        check_eq!(
            first.to_string(),
            "the task panicked: boom in task",
            "TaskPanicked's Display"
        );
    }
    check_eq!(
        bounded!(pool.apply(|| "still here")),
        Ok("still here"),
        "after tasks panicked, the pool's only worker should still run tasks"
    );
}

#[test]
fn a_panic_in_map_names_the_first_failing_item_and_every_item_runs() {
    let pool = pool(2);
    let ran = Arc::new(Mutex::new(HashSet::new()));
    let seen = Arc::clone(&ran);
    let outcome = {
        let pool = Arc::clone(&pool);
        bounded!(pool.map(
            move |x: u32| {
                seen.lock().unwrap().insert(x);
                assert!(x == 0 || !x.is_multiple_of(13), "item {x} is unlucky");
                assert!(x != 14, "item 14 is unlucky too");
                x
            },
            (0..40).collect(),
            4,
        ))
    };
    check_eq!(
        outcome,
        Err(panicked(Some(13), "item 13 is unlucky")),
        "items 13, 14, 26 and 39 panic, so map should name item 13 with its own message"
    );
    if let Err(error) = &outcome {
        check_eq!(
            error.to_string(),
            "the task for item 13 panicked: item 13 is unlucky",
            "TaskPanicked's Display"
        );
    }
    let ran = ran.lock().unwrap().len();
    check_eq!(
        ran,
        40,
        "only {ran} of 40 items ran: a panic must not stop the rest of its chunk (catch each \
         item's panic on its own) nor the other chunks"
    );
    check_eq!(
        bounded!(pool.map(|x: u32| x * 2, vec![1, 2, 3], 1)),
        Ok(vec![2, 4, 6]),
        "the pool should keep working after a panic in map"
    );
}

#[test]
fn the_first_panic_in_input_order_wins_over_the_first_to_happen() {
    // The schedule of the order test: item 0 holds its worker until item 2 starts, which the
    // other worker does only after item 1's job is over. Items 0 and 1 both panic, item 1 first.
    let pool = pool(2);
    let third_started = Arc::new(Signal::new());
    let outcome = bounded!(pool.map(
        move |x: u32| {
            match x {
                0 => assert!(third_started.wait(PATIENCE), "item 2 never started"),
                2 => {
                    third_started.raise();
                    return x;
                }
                _ => {}
            }
            panic!("item {x} failed");
        },
        vec![0, 1, 2],
        1,
    ));
    check_eq!(
        outcome,
        Err(panicked(Some(0), "item 0 failed")),
        "items 0 and 1 both panic, item 1 first: the error names the first panic in input order, \
         not the first to happen"
    );
}

#[test]
fn a_chunk_size_of_zero_panics() {
    let pool = pool(1);
    for chunked in [0, 1] {
        let pool = Arc::clone(&pool);
        let refused = bounded!(
            panic::catch_unwind(AssertUnwindSafe(|| {
                pool.map(|x: u8| x, vec![1, 2, 3], chunked).is_ok()
            }))
            .is_err()
        );
        check_eq!(
            refused,
            chunked == 0,
            "Pool::map(f, items, {chunked}): a chunk size of 0 panics, like slice::chunks, and \
             any other chunk size works"
        );
    }
}

#[test]
fn dropping_the_pool_runs_the_queued_jobs_then_joins_every_worker() {
    // Every worker is held by a task for HOLD (the test never releases it first), and 100 jobs
    // are queued behind them. A Drop that closes the channel and joins returns only after the
    // holds have run out and the 100 jobs have run; one that returns at once leaves them all.
    let workers = 3;
    let ended = ThreadEnds::new();
    let pool = BoundedDrop::new(
        Pool::new(workers).expect("Pool::new(3) failed"),
        "dropping the pool",
        format!(
            "Pool's Drop never returned: the job sender is still alive, so the workers wait for \
             jobs forever. Close the channel in Drop (drop the pool's Sender) before joining; \
             {BOOK}"
        ),
    );
    let all_busy = Arc::new(Rendezvous::new(workers + 1));
    let release = Arc::new(Signal::new());
    for _ in 0..workers {
        let (ended, all_busy, release) =
            (ended.clone(), Arc::clone(&all_busy), Arc::clone(&release));
        drop(pool.apply_async(move || {
            ended.mark();
            all_busy.meet(PATIENCE).is_ok() && !release.wait(HOLD)
        }));
    }
    check!(
        all_busy.meet(PATIENCE).is_ok(),
        "{workers} tasks on a pool of {workers} workers never all ran at once"
    );
    let ran = Arc::new(AtomicUsize::new(0));
    for _ in 0..100 {
        let ran = Arc::clone(&ran);
        drop(pool.apply_async(move || ran.fetch_add(1, Ordering::SeqCst)));
    }
    drop(pool);
    let (ran, ended) = (ran.load(Ordering::SeqCst), ended.count());
    release.raise();
    check_eq!(
        ran,
        100,
        "drop(pool) returned before the jobs already queued had run: Drop should close the job \
         channel, so that the workers finish the queue and stop, then join every worker"
    );
    check_eq!(
        ended,
        workers,
        "drop(pool) returned while worker threads were still running: Drop should join every \
         worker"
    );
}

/// How long the drop test holds every worker before the queued jobs may run.
const HOLD: Duration = Duration::from_secs(2);

#[test]
fn default_chunk_size_follows_pythons_rule() {
    let cases = [
        (0, 4, 1),
        (1, 4, 1),
        (16, 4, 1),
        (17, 4, 2),
        (100, 4, 7),
        (10, 0, 3),
        (1_000_000, 2, 125_000),
        (usize::MAX, 1, usize::MAX / 4 + 1),
    ];
    for (items, workers, expected) in cases {
        check_eq!(
            default_chunk_size(items, workers),
            expected,
            "default_chunk_size({items}, {workers}): about four chunks per worker (0 workers \
             count as 1), rounded up, at least 1"
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
        let got = bounded!(pool.map(|x: i32| i64::from(x) - 7, items, chunk_size));
        prop_assert_eq!(
            got,
            Ok(expected),
            "Pool::new({}).map(f, items, {}) differs from items.iter().map(f); {}",
            workers,
            chunk_size,
            BOOK
        );
    }
}
