//! Exercise 3: accounts behind a lock each, and a transfer that cannot deadlock.

use crate::sync::Mutex;

pub use crate::errors::TransferError;

/// Accounts, each behind a lock of its own, so that transfers between different accounts run in
/// parallel.
#[derive(Debug)]
// A suggestion: change the private field as you like. Remove this `allow` once you use it.
#[allow(dead_code)]
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    /// A bank with one account per balance, numbered from 0 in the order given.
    ///
    /// Panics if the balances add up to more than `u64::MAX`, with a message saying so: transfers
    /// keep the total, so it has to fit (`u64::checked_add`). A total of exactly `u64::MAX` fits.
    pub fn new(balances: &[u64]) -> Bank {
        let _ = balances;
        todo!("Exercise 3.3: read book/src/lesson3.md#deadlock")
    }

    /// How many accounts the bank has.
    pub fn accounts(&self) -> usize {
        todo!("Exercise 3.3: read book/src/lesson3.md#deadlock")
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
        let _ = (from, to, amount);
        todo!("Exercise 3.3: read book/src/lesson3.md#deadlock")
    }
    // ANCHOR_END: transfer

    /// Every account's balance, read at one instant: hold all the locks at once. Take them in an
    /// order that cannot deadlock with `transfer`.
    pub fn balances(&self) -> Vec<u64> {
        todo!("Exercise 3.3: read book/src/lesson3.md#deadlock")
    }

    /// The sum of every balance, read at one instant.
    pub fn total(&self) -> u64 {
        todo!("Exercise 3.3: read book/src/lesson3.md#deadlock")
    }
}
