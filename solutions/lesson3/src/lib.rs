//! Lesson 3, shared-state pitfalls: the reference solution.
//!
//! Seed 001's Python pool adds 3, 2, 9 and 1 to a global `total` and never sees 15: every worker
//! process changes its own copy. Threads share one copy, which brings the opposite problems:
//! updates that get lost, locks that deadlock, locks left poisoned by a panic, and cores that
//! fight over a cache line. This crate meets each one and the fix for it, and model-checks the
//! fixes with loom (`RUSTFLAGS="--cfg loom"`, see `src/sync.rs`).
//!
//! | exercise | module | book |
//! |---|---|---|
//! | 1. Lost updates | [`lost_updates`] | `book/src/lesson3.md#lost-updates` |
//! | 2. Counters that are right | [`counters`] | `book/src/lesson3.md#counters` |
//! | 3. Transfers that cannot deadlock | [`bank`] | `book/src/lesson3.md#deadlock` |
//! | 4. Poisoned locks | [`poisoning`] | `book/src/lesson3.md#poisoning` |
//! | 5. False sharing | [`false_sharing`] | `book/src/lesson3.md#false-sharing` |
//! | 6. Model checking with loom | [`cas_counter`] | `book/src/lesson3.md#loom` |

pub mod bank;
pub mod cas_counter;
mod counter;
pub mod counters;
mod errors;
pub mod false_sharing;
pub mod lost_updates;
pub mod poisoning;
mod slots;
mod sync;

#[doc = include_str!("../../../tests/lesson3/rejected.md")]
pub mod rejected {}

pub use bank::{Bank, TransferError};
pub use cas_counter::CasCounter;
pub use counters::{AtomicCounter, MutexCounter, ShardedCounter, sum_locally};
pub use false_sharing::PackedCounter;
pub use lost_updates::{Counter, RacyCounter, add_in_parallel};
pub use poisoning::{Poisoned, lock_and_repair, lock_or_fail};
