//! Exercise 6: the read-then-write add made right with compare-and-swap. The same counter is
//! model-checked by loom in tests/lesson3/loom.rs.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use subject::{CasCounter, Counter};
use testkit::{bounded, check, check_eq};

use super::{Unlucky, hammer, never_loses_racing_adds, wraps_around_at_u64_max};

const BOOK: testkit::Book = super::book("loom");

proptest! {
    #![proptest_config(testkit::proptest_config(32))]

    #[test]
    fn totals_are_exact_for_any_threads_and_adds(threads in 1usize..=6, adds in 0u64..300) {
        check_eq!(
            hammer(CasCounter::new(), threads, adds, BOOK),
            threads as u64 * adds,
            "{threads} threads each added 1 to a CasCounter {adds} times"
        );
    }
}

#[test]
fn racing_adds_are_never_lost_with_compare_and_swap() {
    never_loses_racing_adds("CasCounter", BOOK, |_| CasCounter::new());
}

#[test]
fn cas_counter_wraps_around_at_u64_max() {
    wraps_around_at_u64_max("CasCounter", BOOK, CasCounter::new, (0, 1));
}

// ANCHOR: retry_test
#[test]
fn the_unlucky_interleaving_is_retried_not_lost() {
    let (total, pauses, happened) = bounded!(
        {
            let counter = CasCounter::new();
            let unlucky = Unlucky::new(BOOK);
            let pauses = AtomicUsize::new(0);
            std::thread::scope(|scope| {
                scope.spawn(|| {
                    counter.add_pausing(1, || {
                        pauses.fetch_add(1, Ordering::SeqCst);
                        unlucky.pause();
                    });
                });
                scope.spawn(|| unlucky.second(|| counter.add(1, 1)));
            });
            (counter.total(), pauses.into_inner(), unlucky.happened())
        },
        "the two adds never finished"
    );
    check!(
        happened,
        "the second add never ran while the first was paused between its read and its write"
    );
    check_eq!(
        pauses,
        1,
        "add_pausing should call `between` exactly once, however often it retries"
    );
    check_eq!(
        total,
        2,
        "the first add read 0 and paused while the second added 1; its write must then fail \
         (the total is no longer 0) and retry from 1, giving 2, but the total is {total}"
    );
}
// ANCHOR_END: retry_test
