//! Exercise 3: transfers between accounts that each have their own lock.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use proptest::prelude::*;
use subject::{Bank, TransferError};
use testkit::{PATIENCE, Rendezvous, within};

use super::{StartLine, assert_panics_saying, see};

/// What a test says when transfers never finish.
fn deadlocked() -> String {
    format!(
        "most likely two transfers each hold one account's lock and wait for the other's. Take \
         the two locks in one global order, whichever way the money goes; {}",
        see("deadlock")
    )
}

/// One transfer, as the tests describe it: from, to, amount.
type Transfer = (usize, usize, u64);

/// Runs each list of transfers on a thread of its own, all started together, and gives back
/// every transfer with its outcome. Fails the test if they do not all finish in time.
fn run_concurrently(
    bank: &Arc<Bank>,
    lists: Vec<Vec<Transfer>>,
    what: &str,
) -> Vec<(Transfer, Result<(), TransferError>)> {
    let bank = Arc::clone(bank);
    within(PATIENCE, what, &deadlocked(), move || {
        let start = Rendezvous::new(lists.len());
        thread::scope(|scope| {
            let runs: Vec<_> = lists
                .iter()
                .map(|list| {
                    let (bank, start) = (&bank, &start);
                    scope.spawn(move || {
                        let _ = start.meet(PATIENCE);
                        list.iter()
                            .map(|&(from, to, amount)| {
                                ((from, to, amount), bank.transfer(from, to, amount))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            runs.into_iter()
                .flat_map(|run| run.join().expect("a transfer panicked"))
                .collect()
        })
    })
}

#[test]
fn a_transfer_moves_money_between_two_accounts() {
    let bank = Bank::new(&[100, 50, 0]);
    assert_eq!(
        bank.accounts(),
        3,
        "Bank::new(&[100, 50, 0]) has 3 accounts"
    );
    assert_eq!(bank.transfer(0, 2, 30), Ok(()));
    assert_eq!(
        bank.balances(),
        vec![70, 50, 30],
        "after moving 30 from account 0 to account 2; {}",
        see("deadlock")
    );
    assert_eq!(bank.transfer(2, 1, 30), Ok(()));
    assert_eq!(
        bank.balances(),
        vec![70, 80, 0],
        "after moving 30 from account 2 to account 1 (the higher account gives this time); {}",
        see("deadlock")
    );
    assert_eq!(bank.total(), 150, "total() is the sum of the balances");
}

#[test]
fn refused_transfers_say_why_and_change_nothing() {
    let bank = Arc::new(Bank::new(&[100, 50]));
    let refusals = [
        (
            (0, 5, 1),
            TransferError::NoSuchAccount {
                account: 5,
                accounts: 2,
            },
            "no account 5",
        ),
        (
            (1, 0, 51),
            TransferError::InsufficientFunds {
                account: 1,
                balance: 50,
                amount: 51,
            },
            "holds 50",
        ),
        (
            (1, 1, 10),
            TransferError::SameAccount { account: 1 },
            "to itself",
        ),
    ];
    for ((from, to, amount), expected, words) in refusals {
        let outcome = run_concurrently(
            &bank,
            vec![vec![(from, to, amount)]],
            "a transfer that should be refused",
        );
        assert_eq!(
            outcome[0].1.as_ref(),
            Err(&expected),
            "transfer({from}, {to}, {amount}) on balances [100, 50]; {}",
            see("deadlock")
        );
        let message = expected.to_string();
        assert!(message.contains(words), "{message:?} should say {words:?}");
        assert_eq!(
            bank.balances(),
            vec![100, 50],
            "a refused transfer({from}, {to}, {amount}) must not change any balance; {}",
            see("deadlock")
        );
    }
}

#[test]
fn a_bank_whose_total_would_overflow_is_refused() {
    assert_panics_saying(
        &["more than u64::MAX"],
        "Bank::new(&[u64::MAX, 1]) should panic saying the balances add up to more than u64::MAX",
        "deadlock",
        || {
            Bank::new(&[u64::MAX, 1]);
        },
    );
}

// ANCHOR: deadlock_test
#[test]
fn transfers_both_ways_at_once_never_deadlock() {
    const TRANSFERS: usize = 100_000;
    let bank = Arc::new(Bank::new(&[1_000_000, 1_000_000]));
    let there_and_back = vec![
        vec![(0, 1, 1); TRANSFERS],
        vec![(1, 0, 1); TRANSFERS],
        vec![(0, 1, 1); TRANSFERS],
        vec![(1, 0, 1); TRANSFERS],
    ];
    let outcomes = run_concurrently(&bank, there_and_back, "transfers in both directions");
    assert!(
        outcomes.iter().all(|(_, outcome)| outcome.is_ok()),
        "every transfer had the funds it needed, yet some were refused; {}",
        see("deadlock")
    );
    assert_eq!(
        bank.balances(),
        vec![1_000_000, 1_000_000],
        "as many units went each way, so the balances should be back where they started; {}",
        see("deadlock")
    );
}
// ANCHOR_END: deadlock_test

#[test]
fn a_snapshot_never_sees_money_in_flight() {
    let bank = Arc::new(Bank::new(&[500, 500, 500]));
    let totals = within(
        PATIENCE,
        "transfers watched by snapshots",
        &deadlocked(),
        move || {
            const SNAPSHOTS: usize = 50_000;
            let watching = AtomicBool::new(true);
            let start = StartLine::new(2);
            thread::scope(|scope| {
                scope.spawn(|| {
                    start.wait();
                    let mut from = 0;
                    while watching.load(Ordering::Relaxed) {
                        bank.transfer(from, (from + 1) % 3, 7)
                            .expect("every account holds enough for this transfer");
                        from = (from + 1) % 3;
                    }
                });
                start.wait();
                let totals: Vec<u64> = (0..SNAPSHOTS).map(|_| bank.total()).collect();
                watching.store(false, Ordering::Relaxed);
                totals
            })
        },
    );
    if let Some(wrong) = totals.iter().find(|&&total| total != 1_500) {
        panic!(
            "a snapshot taken during transfers saw a total of {wrong}, not 1500: the money was \
             in neither account, or in both. Hold both accounts' locks for the whole transfer, \
             and take every lock for a snapshot; {}",
            see("deadlock")
        );
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn random_concurrent_transfers_keep_every_unit(
        balances in proptest::collection::vec(0u64..100, 2..6),
        transfers in proptest::collection::vec((0usize..6, 0usize..6, 0u64..60), 0..80),
        threads in 1usize..=4,
    ) {
        let bank = Arc::new(Bank::new(&balances));
        let lists: Vec<Vec<Transfer>> = (0..threads)
            .map(|t| transfers.iter().copied().skip(t).step_by(threads).collect())
            .collect();
        let outcomes = run_concurrently(&bank, lists, "random transfers");
        let mut expected: Vec<i128> = balances.iter().map(|&b| i128::from(b)).collect();
        for &((from, to, amount), ref outcome) in &outcomes {
            let accounts = balances.len();
            let must_refuse = if from >= accounts || to >= accounts {
                Some("NoSuchAccount")
            } else if from == to {
                Some("SameAccount")
            } else {
                None
            };
            match (outcome, must_refuse) {
                (Ok(()), None) => {
                    expected[from] -= i128::from(amount);
                    expected[to] += i128::from(amount);
                }
                (Err(TransferError::InsufficientFunds { .. }), None) => {}
                (Err(TransferError::NoSuchAccount { .. }), Some("NoSuchAccount"))
                | (Err(TransferError::SameAccount { .. }), Some("SameAccount")) => {}
                (outcome, must_refuse) => prop_assert!(
                    false,
                    "transfer({}, {}, {}) with {} accounts gave {:?}, but the right answer is {}; {}",
                    from,
                    to,
                    amount,
                    accounts,
                    outcome,
                    must_refuse.map_or("Ok or InsufficientFunds".to_string(), |e| format!("Err({e})")),
                    see("deadlock")
                ),
            }
        }
        let got: Vec<i128> = bank.balances().iter().map(|&b| i128::from(b)).collect();
        prop_assert_eq!(
            got,
            expected,
            "the final balances should be the opening ones plus the effect of every transfer \
             that returned Ok, no more and no less; {}",
            see("deadlock")
        );
    }
}
