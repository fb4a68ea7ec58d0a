//! The synchronisation types the shared-state code uses: std's normally, loom's under
//! `--cfg loom`.
//!
//! Every type in this crate that threads share takes its `Mutex` and atomics from here, never
//! from `std::sync` directly. Then `RUSTFLAGS="--cfg loom"` swaps in loom's instrumented versions,
//! and the models in tests/lesson3/loom.rs can run the same code under every interleaving.

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
