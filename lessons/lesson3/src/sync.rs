//! The synchronisation types the shared-state code uses: std's normally, loom's under
//! `--cfg loom`. Provided: both crates share this file unchanged.
//!
//! Every type in this crate that threads share takes its `Mutex` and atomics from here, never
//! from `std::sync` directly. Then `RUSTFLAGS="--cfg loom"` swaps in loom's instrumented versions,
//! and the models in tests/lesson3/loom.rs can run the same code under every interleaving.

// `MutexGuard` is here for code that names a guard's type (`Bank::balances` may); code that
// does not leaves it unused, hence the `allow`.
#![allow(unused_imports)]

// ANCHOR: sync
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU64, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU64, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};
// ANCHOR_END: sync
