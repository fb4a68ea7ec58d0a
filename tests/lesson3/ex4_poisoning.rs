//! Exercise 4: a thread panicked while holding a lock.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use subject::{Poisoned, lock_and_repair, lock_or_fail};
use testkit::{PATIENCE, Signal, bounded, check, check_eq, wait_until};

use super::panic_text;

const BOOK: testkit::Book = super::book("poisoning");

/// A ledger of paired entries: every debit is followed by its credit.
type Ledger = Mutex<Vec<i64>>;

/// A fresh ledger holding one paired entry.
fn ledger() -> Ledger {
    Mutex::new(vec![-10, 10])
}

/// The message of the panic that poisons the ledger.
const CRASH: &str = "the writer crashed between the debit and the credit (on purpose)";

/// Poisons `ledger` the way real code does: a thread takes the lock, writes the first half of
/// an entry, and panics before writing the second.
fn poison(ledger: &Ledger) {
    thread::scope(|scope| {
        let crashed = scope
            .spawn(|| {
                let mut entries = ledger.lock().unwrap();
                entries.push(-40);
                panic!("{CRASH}");
            })
            .join();
        assert!(crashed.is_err(), "the poisoning thread was meant to panic");
    });
    assert!(ledger.is_poisoned(), "the ledger should now be poisoned");
}

/// Drops the unpaired last entry, if any: the repair this ledger needs after a crash.
fn drop_half_entry(entries: &mut Vec<i64>) {
    if entries.len() % 2 == 1 {
        entries.pop();
    }
}

/// What `lock_and_repair` did: the data each `repair` call saw, and the data its guard showed.
type Repaired = (Vec<Vec<i64>>, Vec<i64>);

/// `lock_and_repair` with the ledger's repair, recording what the repair saw.
fn repair_ledger(ledger: &Ledger) -> Repaired {
    let mut seen_by_repair = Vec::new();
    let entries = lock_and_repair(ledger, |entries| {
        seen_by_repair.push(entries.clone());
        drop_half_entry(entries);
    });
    let after = entries.clone();
    drop(entries);
    (seen_by_repair, after)
}

/// `lock_or_fail` on the ledger, with the data copied out of the guard.
fn refuse_or_copy(ledger: &Ledger) -> Result<Vec<i64>, Poisoned> {
    lock_or_fail(ledger, "the ledger").map(|entries| entries.clone())
}

/// A kernel thread id that no thread has: the caller's id is not known (yet).
const UNKNOWN: u64 = 0;

/// Runs `call` on a ledger that another thread holds locked and poisons while `call` waits for
/// it: the writer takes the lock and writes half an entry; `call` starts; once its thread is
/// asleep waiting for the lock, the writer panics. So the lock is healthy when `call` starts and
/// poisoned when `call` gets it, every run. (Where the system does not show whether a thread is
/// asleep, the writer panics as soon as `call` has started, which makes the order likely only.)
///
/// Returns what `call` returned, or the message it panicked with, and whether the ledger is
/// poisoned afterwards.
fn poisoned_while_waiting<R: Send + 'static>(call: fn(&Ledger) -> R) -> (Result<R, String>, bool) {
    bounded!(
        {
            let ledger = ledger();
            let (holding, started) = (Signal::new(), AtomicU64::new(UNKNOWN));
            thread::scope(|scope| {
                let writer = scope.spawn(|| {
                    let mut entries = ledger.lock().unwrap();
                    entries.push(-40);
                    holding.raise();
                    wait_until(PATIENCE, || started.load(Ordering::SeqCst) != UNKNOWN);
                    let caller = started.load(Ordering::SeqCst);
                    if caller != u64::MAX {
                        // A call that spins instead of sleeping is let through after a quarter
                        // of the patience: if it is right it finds the lock poisoned all the same.
                        wait_until(PATIENCE / 4, || testkit::kernel_thread::asleep(caller));
                    }
                    panic!("{CRASH}");
                });
                assert!(holding.wait(PATIENCE), "the writer never took the lock");
                let caller = scope.spawn(|| {
                    started.store(
                        testkit::kernel_thread::current_tid().unwrap_or(u64::MAX),
                        Ordering::SeqCst,
                    );
                    panic::catch_unwind(AssertUnwindSafe(|| call(&ledger)))
                        .map_err(|payload| panic_text(payload.as_ref()))
                });
                assert!(writer.join().is_err(), "the writer was meant to panic");
                let outcome = caller.join().expect("the call's panic is caught");
                (outcome, ledger.is_poisoned())
            })
        },
        "the call never returned, though the lock it waited for was let go when the writer \
         panicked"
    )
}

#[test]
fn a_healthy_lock_is_simply_taken() {
    let (taken, repaired) = bounded!({
        let ledger = ledger();
        (refuse_or_copy(&ledger), repair_ledger(&ledger))
    });
    match taken {
        Ok(entries) => check_eq!(
            entries,
            [-10, 10],
            "lock_or_fail's guard on a healthy ledger"
        ),
        Err(refused) => {
            testkit::fail!("lock_or_fail refused a lock that was never poisoned: {refused}")
        }
    }
    check_eq!(
        repaired,
        (vec![], vec![-10, 10]),
        "lock_and_repair on a lock that was never poisoned should not call `repair` (left: what \
         each repair call saw, then the data the guard showed)"
    );
}

/// Checks that `lock_or_fail` refused a poisoned ledger (`when` says how it got poisoned) and
/// left it poisoned.
fn check_refused(outcome: Result<Result<Vec<i64>, Poisoned>, String>, poisoned: bool, when: &str) {
    match outcome {
        Err(panicked) => testkit::fail!(
            "lock_or_fail panicked with {panicked:?} on a ledger {when}: it should return \
             Err(Poisoned), not panic (what does lock() return for a poisoned lock?)"
        ),
        Ok(Ok(entries)) => testkit::fail!(
            "lock_or_fail handed out the data of a ledger {when}, {entries:?}, half of an entry \
             included: a thread panicked while holding the lock, so it must be refused with \
             Poisoned. Whether a lock is poisoned is what lock() says on taking it, not what \
             is_poisoned() said before"
        ),
        Ok(Err(refused)) => {
            check_eq!(
                refused,
                Poisoned {
                    what: "the ledger".to_string()
                },
                "the error should name what the lock protects, as the caller called it"
            );
            let message = refused.to_string();
            check!(
                message.contains("the ledger") && message.contains("panicked"),
                "the message {message:?} should name the ledger and say a thread panicked"
            );
        }
    }
    check!(
        poisoned,
        "lock_or_fail should leave the lock poisoned, so everyone after sees it too"
    );
}

#[test]
fn a_poisoned_lock_is_refused_with_a_reason() {
    let (outcome, poisoned) = bounded!({
        let ledger = ledger();
        poison(&ledger);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| refuse_or_copy(&ledger)))
            .map_err(|payload| panic_text(payload.as_ref()));
        (outcome, ledger.is_poisoned())
    });
    check_refused(outcome, poisoned, "that a thread poisoned");
}

#[test]
fn a_lock_poisoned_while_waiting_for_it_is_refused() {
    let (outcome, poisoned) = poisoned_while_waiting(refuse_or_copy);
    check_refused(
        outcome,
        poisoned,
        "that was healthy when lock_or_fail was called and poisoned while it waited",
    );
}

/// Checks that `lock_and_repair` repaired a poisoned ledger once (`when` says how it got
/// poisoned) and left the lock healthy.
fn check_repaired(outcome: Result<Repaired, String>, poisoned: bool, when: &str) {
    let (seen_by_repair, after) = outcome.unwrap_or_else(|panicked| {
        testkit::fail!(
            "lock_and_repair panicked with {panicked:?} on a ledger {when}: it should repair \
             the data (PoisonError::into_inner hands over the guard)"
        )
    });
    check_eq!(
        seen_by_repair,
        [[-10, 10, -40]],
        "on a ledger {when}, repair should run once, on the data exactly as the panicking \
         thread left it. Whether a lock is poisoned is what lock() says on taking it, not what \
         is_poisoned() said before"
    );
    check_eq!(after, [-10, 10], "the guard should show the repaired data");
    check!(
        !poisoned,
        "after the repair the lock should be healthy again (Mutex::clear_poison)"
    );
}

#[test]
fn a_poisoned_lock_is_repaired_once_then_healthy() {
    let (outcome, poisoned, again, taken) = bounded!({
        let ledger = ledger();
        poison(&ledger);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| repair_ledger(&ledger)))
            .map_err(|payload| panic_text(payload.as_ref()));
        let poisoned = ledger.is_poisoned();
        let again = panic::catch_unwind(AssertUnwindSafe(|| repair_ledger(&ledger)));
        (outcome, poisoned, again, refuse_or_copy(&ledger).is_ok())
    });
    check_repaired(outcome, poisoned, "that a thread poisoned");
    check!(
        again.is_ok_and(|(seen, _)| seen.is_empty()),
        "a second lock_and_repair found the lock poisoned again, or panicked"
    );
    check!(taken, "after the repair, lock_or_fail should take the lock");
}

#[test]
fn a_lock_poisoned_while_waiting_for_it_is_repaired() {
    let (outcome, poisoned) = poisoned_while_waiting(repair_ledger);
    check_repaired(
        outcome,
        poisoned,
        "that was healthy when lock_and_repair was called and poisoned while it waited",
    );
}
