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
    ShardedCounter, TransferError,
};
use testkit::{Book, check_eq};

const BOOK: Book = Book::new(3, "loom");
/// Exercise 3's section, for the bank's models.
const DEADLOCK: Book = Book::new(3, "deadlock");

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
    check_eq!(
        totals,
        BTreeSet::from([1, 2, 3]),
        "adding 1 and 2 at once, RacyCounter can end at 3, or lose either update and end at 1 \
         or 2, and loom should have found all three endings"
    );
}
// ANCHOR_END: totals_model

/// Checks that `kind` ends at 3, never losing an update, however loom interleaves the adds.
fn never_loses_an_update<C: Counter + Send + 'static>(kind: &str, make: fn() -> C) {
    let totals = totals_of_two_adds(make);
    check_eq!(
        totals,
        BTreeSet::from([3]),
        "adding 1 and 2 at once to a {kind}, some interleaving ended elsewhere than 3"
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
/// The bank models leak their bank instead of sharing it through loom's `Arc`: on a deadlock
/// loom stops the model with a panic that names it, and a loom `Arc` dropped while that panic
/// unwinds would abort the whole test binary instead.
fn leaked_bank(balances: &[u64]) -> &'static Bank {
    Box::leak(Box::new(Bank::new(balances)))
}

#[test]
fn loom_proves_transfers_both_ways_deadlock_free_and_conserving() {
    loom::model(|| {
        let bank = leaked_bank(&[10, 10]);
        let there = thread::spawn(move || bank.transfer(0, 1, 3));
        let back = thread::spawn(move || bank.transfer(1, 0, 4));
        let snapshot = bank.balances();
        let total = bank.total();
        assert!(
            snapshot.iter().sum::<u64>() == 20 && total == 20,
            "snapshots taken during two transfers saw balances {snapshot:?} and a total of \
             {total}, not 20: money in flight. Hold both accounts' locks for a whole transfer, \
             and every lock for a snapshot; {DEADLOCK}"
        );
        assert_eq!(there.join().unwrap(), Ok(()));
        assert_eq!(back.join().unwrap(), Ok(()));
        assert_eq!(bank.balances(), vec![11, 9]);
    });
}
// ANCHOR_END: transfer_model

// ANCHOR: withdrawals_model
#[test]
fn loom_proves_two_withdrawals_never_spend_the_same_money() {
    loom::model(|| {
        let bank = leaked_bank(&[5, 0, 0]);
        let withdraw = |to| thread::spawn(move || bank.transfer(0, to, 3));
        let (first, second) = (withdraw(1), withdraw(2));
        let outcomes = [first.join().unwrap(), second.join().unwrap()];
        let refused = TransferError::InsufficientFunds {
            account: 0,
            balance: 2,
            amount: 3,
        };
        let done = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
        assert!(
            done == 1 && outcomes.contains(&Err(refused)),
            "account 0 holds 5 and two transfers take 3 each, so one must succeed and the other \
             be refused with a balance of 2, but they gave {outcomes:?}: both passed the funds \
             check before either took the money. Check the funds under both locks; {DEADLOCK}"
        );
        let balances = bank.balances();
        assert!(
            balances == [2, 3, 0] || balances == [2, 0, 3],
            "after one transfer of 3 from account 0 (of 5), the balances are {balances:?}"
        );
    });
}
// ANCHOR_END: withdrawals_model

/// The loom models are built with optimisations and without overflow checks: the one place this
/// lesson's tests see what a release build of your code does. `Bank::new` must refuse a total
/// past `u64::MAX` there too, where a `debug_assert!` is compiled out and a `sum()` wraps
/// silently.
#[test]
fn a_release_build_refuses_a_bank_whose_total_would_overflow() {
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let refused = std::panic::catch_unwind(|| {
        loom::model(|| {
            Bank::new(&[u64::MAX, 1]);
        });
    });
    let message = match &refused {
        Ok(()) => "returned a bank".to_string(),
        Err(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|text| text.to_string()))
            .unwrap_or_default(),
    };
    assert!(
        message.contains("more than u64::MAX"),
        "in a {build} build Bank::new(&[u64::MAX, 1]) {message:?}: the opening balances add up to \
         more than u64::MAX, and the spec says Bank::new panics saying so, in every build \
         (assert!, not debug_assert!; u64::checked_add, not +); {DEADLOCK}"
    );
}
