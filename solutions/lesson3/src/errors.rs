//! The errors of exercises 3 and 4, provided: the tests compare them with `==` and read their
//! messages, so every solution returns these same values.

use std::fmt;

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

/// A lock was poisoned: a thread panicked while holding it, so the data may be half-updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poisoned {
    /// What the lock protects, as the caller named it: "the ledger".
    pub what: String,
}

impl fmt::Display for Poisoned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the lock on {} is poisoned: a thread panicked while holding it, so {} may be \
             half-updated; check and repair it (see lock_and_repair) before using it again",
            self.what, self.what
        )
    }
}

impl std::error::Error for Poisoned {}
