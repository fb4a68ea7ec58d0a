//! Lesson 3's loom models: the counters and `transfer` run under every interleaving loom can
//! find, with loom's instrumented Mutex and atomics (src/sync.rs swaps them in).
//!
//! They exist only under `--cfg loom`; run them with `cargo xtask loom --lesson 3` (add
//! `--reference` for the reference), which runs
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p lesson3 --release --test loom
//! ```
//!
//! A separate target directory keeps the normal build's cache: changing RUSTFLAGS rebuilds
//! everything.
#![cfg(loom)]

use std::collections::BTreeSet;
use std::sync::Mutex as StdMutex;

use loom::sync::Arc;
use loom::thread;
use subject::{
    AtomicCounter, Bank, CasCounter, Counter, MutexCounter, PackedCounter, RacyCounter,
    ShardedCounter,
};

fn see(anchor: &str) -> String {
    format!("see the book: book/src/lesson3.md#{anchor} (build it with `cargo xtask book`)")
}

// ANCHOR: totals_model
/// Every total two workers can end with when worker 0 adds 1 and worker 1 adds 2 at the same
/// time: loom runs the model once per interleaving, and each run records its total.
fn totals_of_two_adds<C: Counter + Send + 'static>(make: fn() -> C) -> BTreeSet<u64> {
    // A std Mutex, not loom's: loom tracks only its own types, so this one simply collects
    // results across runs.
    let seen = std::sync::Arc::new(StdMutex::new(BTreeSet::new()));
    let record = std::sync::Arc::clone(&seen);
    loom::model(move || {
        let counter = Arc::new(make());
        let other = Arc::clone(&counter);
        let worker_1 = thread::spawn(move || other.add(1, 2));
        counter.add(0, 1);
        worker_1.join().expect("worker 1 panicked");
        record.lock().unwrap().insert(counter.total());
    });
    seen.lock().unwrap().clone()
}

#[test]
fn loom_finds_the_lost_update_in_racy_counter() {
    let totals = totals_of_two_adds(RacyCounter::new);
    assert_eq!(
        totals,
        BTreeSet::from([1, 2, 3]),
        "adding 1 and 2 at once, RacyCounter can end at 3, or lose either update and end at 1 \
         or 2, and loom should have found all three endings; {}",
        see("loom")
    );
}
// ANCHOR_END: totals_model

/// Checks that `kind` ends at 3, never losing an update, however loom interleaves the adds.
fn never_loses_an_update<C: Counter + Send + 'static>(kind: &str, make: fn() -> C) {
    let totals = totals_of_two_adds(make);
    assert_eq!(
        totals,
        BTreeSet::from([3]),
        "adding 1 and 2 at once to a {kind}, some interleaving ended elsewhere than 3; {}",
        see("loom")
    );
}

#[test]
fn loom_proves_the_mutex_counter() {
    never_loses_an_update("MutexCounter", MutexCounter::new);
}

#[test]
fn loom_proves_the_atomic_counter() {
    never_loses_an_update("AtomicCounter", AtomicCounter::new);
}

#[test]
fn loom_proves_the_sharded_counter() {
    never_loses_an_update("ShardedCounter", || ShardedCounter::new(2));
}

#[test]
fn loom_proves_the_packed_counter() {
    never_loses_an_update("PackedCounter", || PackedCounter::new(2));
}

#[test]
fn loom_proves_the_cas_counter() {
    never_loses_an_update("CasCounter", CasCounter::new);
}

// ANCHOR: transfer_model
#[test]
fn loom_proves_transfers_both_ways_deadlock_free_and_conserving() {
    loom::model(|| {
        let bank = Arc::new(Bank::new(&[10, 10]));
        let there = {
            let bank = Arc::clone(&bank);
            thread::spawn(move || bank.transfer(0, 1, 3))
        };
        let back = {
            let bank = Arc::clone(&bank);
            thread::spawn(move || bank.transfer(1, 0, 4))
        };
        assert_eq!(
            bank.total(),
            20,
            "a snapshot taken during two transfers saw money in flight; {}",
            see("deadlock")
        );
        assert_eq!(there.join().unwrap(), Ok(()));
        assert_eq!(back.join().unwrap(), Ok(()));
        assert_eq!(bank.balances(), vec![11, 9]);
    });
}
// ANCHOR_END: transfer_model
