//! Exercise 5: per-worker slots packed side by side.

use proptest::prelude::*;
use subject::PackedCounter;
use testkit::check_eq;

use super::{
    hammer, never_loses_racing_adds, refuses_workers_without_a_slot, sums_every_slot,
    wraps_around_at_u64_max,
};

const BOOK: testkit::Book = super::book("false-sharing");

proptest! {
    #![proptest_config(testkit::proptest_config(32))]

    #[test]
    fn totals_are_exact_for_any_threads_and_adds(threads in 1usize..=6, adds in 0u64..300) {
        check_eq!(
            hammer(PackedCounter::new(threads), threads, adds, BOOK),
            threads as u64 * adds,
            "{threads} threads each added 1 to a PackedCounter {adds} times"
        );
    }
}

#[test]
fn racing_adds_are_never_lost_in_packed_slots() {
    never_loses_racing_adds("PackedCounter", BOOK, PackedCounter::new);
}

#[test]
fn packed_counter_wraps_around_at_u64_max() {
    wraps_around_at_u64_max("PackedCounter", BOOK, || PackedCounter::new(2), (0, 1));
    wraps_around_at_u64_max("PackedCounter", BOOK, || PackedCounter::new(3), (2, 0));
}

#[test]
fn packed_counter_sums_every_slot() {
    sums_every_slot::<PackedCounter>();
}

#[test]
fn packed_counter_refuses_workers_without_a_slot() {
    refuses_workers_without_a_slot::<PackedCounter>();
}

#[test]
fn packed_slots_sit_side_by_side() {
    let counter = PackedCounter::new(8);
    let offsets: Vec<usize> = (0..8).map(|worker| counter.slot_offset(worker)).collect();
    let side_by_side: Vec<usize> = (0..8).map(|worker| worker * 8).collect();
    check_eq!(
        offsets,
        side_by_side,
        "a PackedCounter's slots should be plain AtomicU64s in one Vec, 8 bytes apart, so that \
         eight of them share a cache line: that is the false sharing the benchmark measures"
    );
}
