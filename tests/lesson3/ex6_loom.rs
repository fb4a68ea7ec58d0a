//! Exercise 6: the read-then-write add made right with compare-and-swap. The same counter is
//! model-checked by loom in tests/lesson3/loom.rs.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use subject::{CasCounter, Counter};
use testkit::{PATIENCE, within};

use super::{Unlucky, hammer, never_loses_racing_adds, see};

proptest! {
    #![proptest_config(testkit::proptest_config(32))]

    #[test]
    fn totals_are_exact_for_any_threads_and_adds(threads in 1usize..=6, adds in 0u64..300) {
        prop_assert_eq!(
            hammer(&CasCounter::new(), threads, adds),
            threads as u64 * adds,
            "{} threads each added 1 to a CasCounter {} times; {}",
            threads,
            adds,
            see("loom")
        );
    }
}

#[test]
fn racing_adds_are_never_lost_with_compare_and_swap() {
    never_loses_racing_adds("CasCounter", "loom", |_| CasCounter::new());
}

// ANCHOR: retry_test
#[test]
fn the_unlucky_interleaving_is_retried_not_lost() {
    let (total, pauses, happened) = within(
        PATIENCE * 2,
        "the unlucky interleaving",
        "the two adds never finished",
        || {
            let counter = CasCounter::new();
            let unlucky = Unlucky::new("loom");
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
    );
    assert!(
        happened,
        "the second add never ran while the first was paused between its read and its write; {}",
        see("loom")
    );
    assert_eq!(
        pauses,
        1,
        "add_pausing should call `between` exactly once, however often it retries; {}",
        see("loom")
    );
    assert_eq!(
        total,
        2,
        "the first add read 0 and paused while the second added 1; its write must then fail \
         (the total is no longer 0) and retry from 1, giving 2, but the total is {total}; {}",
        see("loom")
    );
}
// ANCHOR_END: retry_test
