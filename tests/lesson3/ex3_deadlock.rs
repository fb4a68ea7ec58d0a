//! Exercise 3: transfers between accounts that each have their own lock.
//!
//! Real threads cannot be paused inside `transfer`, so the races that need an exact
//! interleaving (two withdrawals that both pass the funds check, a snapshot taken between the
//! locks) are judged by the loom models in tests/lesson3/loom.rs; the tests here check every
//! result and make the races likely.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

use proptest::prelude::*;
use subject::{Bank, TransferError};
use testkit::{PATIENCE, Rendezvous, bounded, check, check_eq};

use super::{StartLine, assert_panics_saying};

const BOOK: testkit::Book = super::book("deadlock");

/// What a test says when transfers never finish.
const DEADLOCKED: &str = "most likely two transfers each hold one account's lock and wait for \
                          the other's, or one transfer locks the same account twice. Take the \
                          two locks in one global order, whichever way the money goes";

/// One transfer, as the tests describe it: from, to, amount.
type Transfer = (usize, usize, u64);

/// Runs each list of transfers on a thread of its own, all started together, and gives back
/// every transfer with its outcome. Fails the test if they do not all finish in time.
fn run_concurrently(
    bank: &Arc<Bank>,
    lists: Vec<Vec<Transfer>>,
) -> Vec<(Transfer, Result<(), TransferError>)> {
    let bank = Arc::clone(bank);
    bounded!(
        {
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
                    .flat_map(|run| {
                        run.join().unwrap_or_else(|_| {
                            testkit::fail!(
                                "a transfer panicked (see its message above): transfer refuses \
                                 with an Err and never panics; an overflow there means the \
                                 funds were checked before both locks were taken"
                            )
                        })
                    })
                    .collect()
            })
        },
        "{DEADLOCKED}"
    )
}

/// `bank.balances()`, bounded.
fn balances(bank: &Arc<Bank>) -> Vec<u64> {
    let bank = Arc::clone(bank);
    bounded!(bank.balances(), "{DEADLOCKED}")
}

#[test]
fn a_transfer_moves_money_between_two_accounts() {
    let bank = Arc::new(Bank::new(&[100, 50, 0]));
    check_eq!(
        bank.accounts(),
        3,
        "Bank::new(&[100, 50, 0]) has 3 accounts"
    );
    let steps: [(Transfer, [u64; 3], &str); 5] = [
        ((0, 2, 30), [70, 50, 30], "the lower account gives"),
        ((2, 1, 30), [70, 80, 0], "the higher account gives"),
        ((1, 0, 80), [150, 0, 0], "a whole balance moves"),
        (
            (0, 1, 0),
            [150, 0, 0],
            "nothing moves, and that is no error",
        ),
        ((0, 2, 150), [0, 0, 150], "the whole bank moves"),
    ];
    for ((from, to, amount), after, case) in steps {
        let outcome = run_concurrently(&bank, vec![vec![(from, to, amount)]]);
        check_eq!(
            outcome[0].1,
            Ok(()),
            "transfer({from}, {to}, {amount}) has the funds it needs ({case})"
        );
        check_eq!(
            balances(&bank),
            after,
            "after transfer({from}, {to}, {amount}) ({case})"
        );
    }
    let total = bounded!(bank.total());
    check_eq!(total, 150, "total() is the sum of the balances");
}

#[test]
fn refused_transfers_say_why_and_change_nothing() {
    let bank = Arc::new(Bank::new(&[100, 50]));
    let missing = |account| TransferError::NoSuchAccount {
        account,
        accounts: 2,
    };
    let refusals = [
        ((0, 5, 1), missing(5), "no account 5", "a missing target"),
        ((7, 0, 1), missing(7), "no account 7", "a missing source"),
        (
            (5, 5, 1),
            missing(5),
            "no account 5",
            "a missing account comes before the same one",
        ),
        (
            (9, 1, 1_000),
            missing(9),
            "no account 9",
            "a missing account comes before funds",
        ),
        (
            (1, 0, 51),
            TransferError::InsufficientFunds {
                account: 1,
                balance: 50,
                amount: 51,
            },
            "holds 50",
            "one unit too many",
        ),
        (
            (0, 1, u64::MAX),
            TransferError::InsufficientFunds {
                account: 0,
                balance: 100,
                amount: u64::MAX,
            },
            "holds 100",
            "the largest amount",
        ),
        (
            (1, 1, 10),
            TransferError::SameAccount { account: 1 },
            "to itself",
            "the same account",
        ),
        (
            (1, 1, 1_000),
            TransferError::SameAccount { account: 1 },
            "to itself",
            "the same account comes before funds",
        ),
    ];
    for ((from, to, amount), expected, words, case) in refusals {
        let outcome = run_concurrently(&bank, vec![vec![(from, to, amount)]]);
        check_eq!(
            outcome[0].1.as_ref(),
            Err(&expected),
            "transfer({from}, {to}, {amount}) on balances [100, 50] ({case}): missing accounts \
             are refused first, then from == to, then too little money"
        );
        let message = expected.to_string();
        check!(message.contains(words), "{message:?} should say {words:?}");
        check_eq!(
            balances(&bank),
            [100, 50],
            "a refused transfer({from}, {to}, {amount}) must not change any balance"
        );
    }
}

#[test]
fn a_bank_whose_total_would_overflow_is_refused() {
    for balances in [
        vec![u64::MAX, 1],
        vec![1, u64::MAX],
        vec![u64::MAX, u64::MAX],
        vec![1 << 63, 1 << 63, 1 << 63],
    ] {
        assert_panics_saying(
            &["more than u64::MAX"],
            &format!(
                "Bank::new(&{balances:?}) should panic saying the balances add up to more than \
                 u64::MAX (u64::checked_add; a wrapped sum can look small)"
            ),
            BOOK,
            move || {
                Bank::new(&balances);
            },
        );
    }
}

#[test]
fn a_total_of_exactly_u64_max_fits() {
    let opened =
        std::panic::catch_unwind(|| (Bank::new(&[u64::MAX]), Bank::new(&[u64::MAX - 5, 5])));
    let Ok((whole, split)) = opened else {
        testkit::fail!(
            "Bank::new(&[u64::MAX]) or Bank::new(&[u64::MAX - 5, 5]) panicked: balances that \
             add up to exactly u64::MAX fit, only more is refused"
        )
    };
    let (whole, split) = (Arc::new(whole), Arc::new(split));
    check_eq!(balances(&whole), [u64::MAX], "Bank::new(&[u64::MAX])");
    let total = bounded!(whole.total());
    check_eq!(total, u64::MAX, "Bank::new(&[u64::MAX]).total()");
    for ((from, to, amount), after) in [
        ((1, 0, 5), [u64::MAX, 0]),
        ((0, 1, u64::MAX), [0, u64::MAX]),
    ] {
        let outcome = run_concurrently(&split, vec![vec![(from, to, amount)]]);
        check_eq!(
            outcome[0].1,
            Ok(()),
            "transfer({from}, {to}, {amount}) in a bank holding u64::MAX in all has the funds"
        );
        check_eq!(
            balances(&split),
            after,
            "after transfer({from}, {to}, {amount})"
        );
        let split = Arc::clone(&split);
        let total = bounded!(split.total());
        check_eq!(
            total,
            u64::MAX,
            "the total of a bank opened with u64::MAX - 5 and 5"
        );
    }
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
    let outcomes = run_concurrently(&bank, there_and_back);
    check!(
        outcomes.iter().all(|(_, outcome)| outcome.is_ok()),
        "every transfer had the funds it needed, yet some were refused"
    );
    check_eq!(
        balances(&bank),
        [1_000_000, 1_000_000],
        "as many units went each way, so the balances should be back where they started"
    );
}
// ANCHOR_END: deadlock_test

#[test]
fn withdrawals_racing_for_the_same_money_never_overdraw() {
    const UNITS: u64 = 2_000;
    let bank = Arc::new(Bank::new(&[UNITS, 0, 0, 0, 0]));
    let lists = (1..=4).map(|to| vec![(0, to, 1); UNITS as usize]).collect();
    let outcomes = run_concurrently(&bank, lists);
    let done = outcomes
        .iter()
        .filter(|(_, outcome)| outcome.is_ok())
        .count();
    check_eq!(
        done as u64,
        UNITS,
        "four threads took 1 unit at a time from an account holding {UNITS}: exactly {UNITS} \
         transfers can succeed. Check the funds under both locks, not before taking them"
    );
    check_eq!(
        balances(&bank)[0],
        0,
        "the account that gave everything away"
    );
}

/// Snapshots taken while one thread moves money from the first of many accounts to the last, a
/// unit at a time. A snapshot that holds every lock at once always sees the opening total; one
/// that reads the accounts one lock at a time sees the transfers that land between its reads of
/// the two ends counted twice (or, reading backwards, not at all). The snapshots go on until that has had
/// [`OVERLAPS`] chances (transfers that finished while a snapshot ran), so on a machine where the
/// two threads do overlap a wrong snapshot fails all but certainly; the loom model
/// `loom_proves_transfers_both_ways_deadlock_free_and_conserving` judges it every time.
#[test]
fn a_snapshot_never_sees_money_in_flight() {
    const ACCOUNTS: usize = 64;
    const SNAPSHOTS: usize = 20_000;
    const OVERLAPS: u64 = 500;
    const EACH: u64 = 1 << 40;
    let bank = Arc::new(Bank::new(&[EACH; ACCOUNTS]));
    let wrong = bounded!(
        {
            let watching = AtomicBool::new(true);
            let moved = AtomicU64::new(0);
            let start = StartLine::new(2);
            thread::scope(|scope| {
                scope.spawn(|| {
                    start.wait();
                    while watching.load(Ordering::SeqCst) {
                        bank.transfer(0, ACCOUNTS - 1, 1)
                            .expect("account 0 holds enough for every transfer of this test");
                        moved.fetch_add(1, Ordering::SeqCst);
                    }
                });
                start.wait();
                let mut chances = 0;
                let mut wrong = None;
                for snapshot in 0..SNAPSHOTS {
                    let before = moved.load(Ordering::SeqCst);
                    let (what, total) = if snapshot % 2 == 0 {
                        ("balances()", bank.balances().iter().sum::<u64>())
                    } else {
                        ("total()", bank.total())
                    };
                    chances += moved.load(Ordering::SeqCst) - before;
                    if total != EACH * ACCOUNTS as u64 {
                        wrong = Some((what, total));
                        break;
                    }
                    if chances >= OVERLAPS {
                        break;
                    }
                }
                watching.store(false, Ordering::SeqCst);
                wrong
            })
        },
        "{DEADLOCKED}"
    );
    if let Some((what, total)) = wrong {
        testkit::fail!(
            "{what} taken during transfers from account 0 to account {} saw a total of {total}, \
             not {}: the money was in neither account, or in both. Hold both accounts' locks for \
             the whole transfer, and every lock for a snapshot",
            ACCOUNTS - 1,
            EACH * ACCOUNTS as u64
        );
    }
}

/// The refusal a transfer must give before it looks at any balance, if any.
fn refusal_before_funds(from: usize, to: usize, accounts: usize) -> Option<TransferError> {
    if from >= accounts {
        Some(TransferError::NoSuchAccount {
            account: from,
            accounts,
        })
    } else if to >= accounts {
        Some(TransferError::NoSuchAccount {
            account: to,
            accounts,
        })
    } else if from == to {
        Some(TransferError::SameAccount { account: from })
    } else {
        None
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
        let accounts = balances.len();
        let bank = Arc::new(Bank::new(&balances));
        let lists: Vec<Vec<Transfer>> = (0..threads)
            .map(|t| transfers.iter().copied().skip(t).step_by(threads).collect())
            .collect();
        let outcomes = run_concurrently(&bank, lists);
        let mut expected: Vec<i128> = balances.iter().map(|&b| i128::from(b)).collect();
        for ((from, to, amount), outcome) in outcomes {
            let must_refuse = refusal_before_funds(from, to, accounts);
            match (&outcome, &must_refuse) {
                (Ok(()), None) => {
                    expected[from] -= i128::from(amount);
                    expected[to] += i128::from(amount);
                }
                (Err(TransferError::InsufficientFunds { account, balance, amount: asked }), None)
                    if *account == from && *asked == amount && *balance < amount => {}
                // Both accounts missing: either may be named.
                (Err(TransferError::NoSuchAccount { account, accounts: n }), Some(_))
                    if *n == accounts && from >= accounts && to >= accounts
                        && (*account == from || *account == to) => {}
                (Err(refused), Some(expected)) if refused == expected => {}
                _ => testkit::fail!(
                    "transfer({from}, {to}, {amount}) with {accounts} accounts gave \
                     {outcome:?}, but the right answer is {}",
                    must_refuse.map_or_else(
                        || format!("Ok, or InsufficientFunds {{ account: {from}, balance: less \
                                    than {amount}, amount: {amount} }}"),
                        |refusal| format!("Err({refusal:?})")
                    )
                ),
            }
        }
        let got: Vec<i128> = self::balances(&bank).iter().map(|&b| i128::from(b)).collect();
        check_eq!(
            got,
            expected,
            "the final balances should be the opening ones plus the effect of every transfer \
             that returned Ok, no more and no less"
        );
    }
}
