//! Exercise 3: accounts behind a lock each, and a transfer that cannot deadlock.

use std::fmt;
use std::sync::PoisonError;

use crate::sync::{Mutex, MutexGuard};

/// Why a transfer was refused. A refused transfer changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    /// The bank has no account with this number.
    NoSuchAccount {
        /// The account asked for.
        account: usize,
        /// How many accounts the bank has, numbered from 0.
        accounts: usize,
    },
    /// `from` and `to` are the same account.
    SameAccount {
        /// The account given as both ends.
        account: usize,
    },
    /// The account to take the money from holds less than the amount.
    InsufficientFunds {
        /// The account the money would come from.
        account: usize,
        /// Its balance.
        balance: u64,
        /// The amount asked for.
        amount: u64,
    },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TransferError::NoSuchAccount { account, accounts } => write!(
                f,
                "there is no account {account}: this bank has {accounts} accounts, numbered from \
                 0 to {}",
                accounts.saturating_sub(1)
            ),
            TransferError::SameAccount { account } => write!(
                f,
                "a transfer from account {account} to itself moves nothing: give two different \
                 accounts"
            ),
            TransferError::InsufficientFunds {
                account,
                balance,
                amount,
            } => write!(
                f,
                "account {account} holds {balance}, too little to transfer {amount}"
            ),
        }
    }
}

impl std::error::Error for TransferError {}

/// Accounts, each behind a lock of its own, so that transfers between different accounts run in
/// parallel.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    /// A bank with one account per balance, numbered from 0 in the order given.
    ///
    /// Panics if the balances add up to more than `u64::MAX`: transfers keep the total, so it
    /// has to fit.
    pub fn new(balances: &[u64]) -> Bank {
        let fits = balances
            .iter()
            .try_fold(0u64, |sum, &balance| sum.checked_add(balance));
        assert!(
            fits.is_some(),
            "the opening balances add up to more than u64::MAX ({}), so the bank's total would \
             not fit: open it with smaller balances",
            u64::MAX
        );
        Bank {
            accounts: balances
                .iter()
                .map(|&balance| Mutex::new(balance))
                .collect(),
        }
    }

    /// How many accounts the bank has.
    pub fn accounts(&self) -> usize {
        self.accounts.len()
    }

    // ANCHOR: transfer
    /// Moves `amount` from account `from` to account `to`, holding both accounts' locks, so no
    /// one ever sees the money in neither account or in both.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        self.check(from)?;
        self.check(to)?;
        if from == to {
            return Err(TransferError::SameAccount { account: from });
        }
        // Every transfer locks the lower-numbered account first, whichever way the money goes.
        // Two transfers can then never each hold one lock while waiting for the other's.
        let mut low = lock(&self.accounts[from.min(to)]);
        let mut high = lock(&self.accounts[from.max(to)]);
        let (source, target) = if from < to {
            (&mut *low, &mut *high)
        } else {
            (&mut *high, &mut *low)
        };
        if *source < amount {
            return Err(TransferError::InsufficientFunds {
                account: from,
                balance: *source,
                amount,
            });
        }
        *source -= amount;
        // Cannot overflow: the total fits a u64 (see `new`) and transfers keep it.
        *target += amount;
        Ok(())
    }
    // ANCHOR_END: transfer

    /// Every account's balance, read at one instant: all the locks are held at once, taken in
    /// the same order as `transfer` takes them.
    pub fn balances(&self) -> Vec<u64> {
        let all: Vec<MutexGuard<'_, u64>> = self.accounts.iter().map(lock).collect();
        all.iter().map(|balance| **balance).collect()
    }

    /// The sum of every balance, read at one instant.
    pub fn total(&self) -> u64 {
        self.balances().iter().sum()
    }

    fn check(&self, account: usize) -> Result<(), TransferError> {
        if account < self.accounts.len() {
            Ok(())
        } else {
            Err(TransferError::NoSuchAccount {
                account,
                accounts: self.accounts.len(),
            })
        }
    }
}

/// Locks one account. No `Bank` method panics while it holds a lock, so a poisoned lock can
/// never hide a half-done transfer, and the balance inside is good to use.
fn lock(account: &Mutex<u64>) -> MutexGuard<'_, u64> {
    account.lock().unwrap_or_else(PoisonError::into_inner)
}
