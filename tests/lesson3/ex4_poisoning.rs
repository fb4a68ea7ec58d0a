//! Exercise 4: a thread panicked while holding a lock.

use std::sync::Mutex;
use std::thread;

use subject::{Poisoned, lock_and_repair, lock_or_fail};

use super::see;

/// A ledger of paired entries: every debit is followed by its credit.
type Ledger = Mutex<Vec<i64>>;

/// Poisons `ledger` the way real code does: a thread takes the lock, writes the first half of
/// an entry, and panics before writing the second.
fn poison(ledger: &Ledger) {
    thread::scope(|scope| {
        let crashed = scope
            .spawn(|| {
                let mut entries = ledger.lock().unwrap();
                entries.push(-40);
                panic!("the writer crashed between the debit and the credit (on purpose)");
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

#[test]
fn a_healthy_lock_is_simply_taken() {
    let ledger: Ledger = Mutex::new(vec![-10, 10]);
    match lock_or_fail(&ledger, "the ledger") {
        Ok(entries) => assert_eq!(*entries, vec![-10, 10]),
        Err(refused) => panic!(
            "lock_or_fail refused a lock that was never poisoned: {refused}; {}",
            see("poisoning")
        ),
    }
    let mut repairs = 0;
    let entries = lock_and_repair(&ledger, |_| repairs += 1);
    assert_eq!(*entries, vec![-10, 10]);
    drop(entries);
    assert_eq!(
        repairs,
        0,
        "lock_and_repair called `repair` on a lock that was never poisoned; {}",
        see("poisoning")
    );
}

#[test]
fn a_poisoned_lock_is_refused_with_a_reason() {
    let ledger: Ledger = Mutex::new(vec![-10, 10]);
    poison(&ledger);
    match lock_or_fail(&ledger, "the ledger") {
        Ok(entries) => panic!(
            "lock_or_fail handed out a poisoned lock's data, {:?}, half of an entry included: a \
             thread panicked while holding it, so it must be refused with Poisoned; {}",
            *entries,
            see("poisoning")
        ),
        Err(refused) => {
            assert_eq!(
                refused,
                Poisoned {
                    what: "the ledger".to_string()
                },
                "the error should name what the lock protects, as the caller called it"
            );
            let message = refused.to_string();
            assert!(
                message.contains("the ledger") && message.contains("panicked"),
                "the message {message:?} should name the ledger and say a thread panicked"
            );
        }
    }
    assert!(
        ledger.is_poisoned(),
        "lock_or_fail should leave the lock poisoned, so everyone after sees it too; {}",
        see("poisoning")
    );
}

#[test]
fn a_poisoned_lock_is_repaired_once_then_healthy() {
    let ledger: Ledger = Mutex::new(vec![-10, 10]);
    poison(&ledger);
    let mut seen_by_repair = Vec::new();
    let entries = lock_and_repair(&ledger, |entries| {
        seen_by_repair.push(entries.clone());
        drop_half_entry(entries);
    });
    let after = entries.clone();
    drop(entries);
    assert_eq!(
        seen_by_repair,
        vec![vec![-10, 10, -40]],
        "repair should run once, on the data exactly as the panicking thread left it; {}",
        see("poisoning")
    );
    assert_eq!(
        after,
        vec![-10, 10],
        "the guard should show the repaired data"
    );
    assert!(
        !ledger.is_poisoned(),
        "after the repair the lock should be healthy again (Mutex::clear_poison); {}",
        see("poisoning")
    );
    let mut repairs = 0;
    drop(lock_and_repair(&ledger, |_| repairs += 1));
    assert_eq!(
        repairs,
        0,
        "a second lock_and_repair found the lock poisoned again; {}",
        see("poisoning")
    );
    assert!(
        lock_or_fail(&ledger, "the ledger").is_ok(),
        "after the repair, lock_or_fail should take the lock"
    );
}
