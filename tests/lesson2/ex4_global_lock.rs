//! Exercise 4: threads under one global lock, as CPython runs them, and the same threads free.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use proptest::prelude::*;
use subject::{GlobalLock, run_with_global_lock, run_without_lock};
use testkit::{HighWater, PATIENCE, Rendezvous, ThreadIds, bounded, check, check_eq};

const BOOK: testkit::Book = super::book("global-lock");

/// What one call of the work saw.
#[derive(Debug)]
struct Seen {
    index: usize,
    held_the_lock: bool,
    /// For the first call only: whether every other thread then queued for the lock.
    others_queued: Option<bool>,
}

// ANCHOR: lock_test
#[test]
fn with_the_lock_one_thread_computes_at_a_time() {
    for threads in 2..=4 {
        let lock = Arc::new(GlobalLock::new());
        let computing = Arc::new(HighWater::new());
        let workers = Arc::new(ThreadIds::new());
        let first = AtomicBool::new(true);
        let (held, inside, ran_on) = (lock.clone(), computing.clone(), workers.clone());
        let seen = bounded!(
            run_with_global_lock(&held, threads, |index| {
                ran_on.record();
                let _inside = inside.enter();
                // The first thread in holds on until all the others queue for the lock, or
                // until one of them gets in beside it.
                let others_queued = first.swap(false, Ordering::SeqCst).then(|| {
                    testkit::wait_until(PATIENCE / 2, || {
                        held.waiting() == threads - 1 || inside.highest() > 1
                    }) && inside.highest() == 1
                });
                testkit::spin(10_000);
                Seen {
                    index,
                    held_the_lock: held.is_held(),
                    others_queued,
                }
            }),
            "a thread never finished"
        );
        check!(
            !lock.is_held(),
            "run_with_global_lock returned while a thread still held the lock: every thread \
             drops its guard when its work is done"
        );
        let indexes: Vec<usize> = seen.iter().map(|seen| seen.index).collect();
        check_eq!(
            indexes,
            (0..threads).collect::<Vec<_>>(),
            "thread i should compute work(i), and the results come back in thread order"
        );
        check!(
            seen.iter().all(|seen| seen.held_the_lock),
            "work ran while nobody held the lock: acquire it before calling work, and keep the \
             guard until work returns"
        );
        check_eq!(
            computing.highest(),
            1,
            "{} threads computed at the same time, but under the global lock only one may",
            computing.highest()
        );
        check!(
            seen.iter().any(|seen| seen.others_queued == Some(true)) && workers.count() == threads,
            "while one thread computed, the other {} never all waited for the lock (the work \
             ran on {} threads): start all {threads} threads at once and let each acquire the \
             lock itself",
            threads - 1,
            workers.count()
        );
    }
}
// ANCHOR_END: lock_test

#[test]
fn without_the_lock_all_threads_compute_at_once() {
    for threads in 2..=4 {
        let all_computing = Rendezvous::new(threads);
        let workers = Arc::new(ThreadIds::new());
        let seen = workers.clone();
        let met = bounded!(run_without_lock(threads, |_| {
            seen.record();
            all_computing.meet(PATIENCE)
        }));
        super::assert_all_met(
            met,
            &format!("without the lock, {threads} threads should all compute at once ({BOOK})"),
        );
        check_eq!(
            workers.count(),
            threads,
            "run_without_lock({threads}, ..) should start {threads} threads"
        );
    }
}

#[test]
fn a_panic_in_work_reaches_the_caller() {
    let hint = "a thread whose work panicked has no result to return: join every thread and \
                pass its panic on with std::panic::resume_unwind";
    super::assert_passes_on_panic(
        || {
            bounded!(run_with_global_lock(&GlobalLock::new(), 3, |index| {
                assert!(index != 1, "work(1) cannot be done");
                index
            }))
        },
        "work(1) cannot be done",
        true,
        hint,
        BOOK,
    );
    super::assert_passes_on_panic(
        || {
            bounded!(run_without_lock(3, |index| {
                assert!(index != 2, "work(2) cannot be done");
                index
            }))
        },
        "work(2) cannot be done",
        true,
        hint,
        BOOK,
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(16))]

    #[test]
    fn with_the_lock_thread_i_computes_work_of_i(threads in 0usize..6) {
        let expected: Vec<usize> = (0..threads).map(|i| i * 3 + 1).collect();
        prop_assert_eq!(
            bounded!(run_with_global_lock(&GlobalLock::new(), threads, |i| i * 3 + 1)),
            expected,
            "run_with_global_lock should return work(0), .., work({}) in order; {}",
            threads.saturating_sub(1),
            BOOK
        );
    }

    #[test]
    fn without_the_lock_thread_i_computes_work_of_i(threads in 0usize..6) {
        let expected: Vec<usize> = (0..threads).map(|i| i * 3 + 1).collect();
        prop_assert_eq!(
            bounded!(run_without_lock(threads, |i| i * 3 + 1)),
            expected,
            "run_without_lock should return work(0), .., work({}) in order; {}",
            threads.saturating_sub(1),
            BOOK
        );
    }
}
