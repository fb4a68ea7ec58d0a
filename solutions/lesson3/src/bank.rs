//! Exercise 3: accounts behind a lock each, and a transfer that cannot deadlock.

use std::sync::PoisonError;

use crate::sync::{Mutex, MutexGuard};

pub use crate::errors::TransferError;

/// Accounts, each behind a lock of its own, so that transfers between different accounts run in
/// parallel.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    /// A bank with one account per balance, numbered from 0 in the order given.
    ///
    /// Panics if the balances add up to more than `u64::MAX`, with a message saying so: transfers
    /// keep the total, so it has to fit (`u64::checked_add`). A total of exactly `u64::MAX` fits.
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
    /// Moves `amount` from account `from` to account `to`.
    ///
    /// - Holds both accounts' locks for the whole transfer, so no one ever sees the money in
    ///   neither account or in both.
    /// - Must not deadlock, however many threads transfer in whichever directions at once.
    /// - Refuses, changing nothing: an account that does not exist
    ///   ([`TransferError::NoSuchAccount`]), `from == to` ([`TransferError::SameAccount`]; what
    ///   would locking the same mutex twice do?), and a source holding less than `amount`
    ///   ([`TransferError::InsufficientFunds`]).
    /// - The refusals are checked in that order: a missing account is reported even when
    ///   `from == to`, and the funds are checked last, under both locks, so that two transfers
    ///   can never both spend the same money. `InsufficientFunds` reports the balance found
    ///   there.
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

    /// Every account's balance, read at one instant: hold all the locks at once. Take them in an
    /// order that cannot deadlock with `transfer`.
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
