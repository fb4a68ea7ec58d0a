//! Helpers for the per-worker counters of exercises 2 and 5, provided so that both give the same
//! clear message when they are built or used wrongly: use them in `ShardedCounter` and
//! `PackedCounter`. Both crates share this file unchanged.

// Unused until the counters call them (in the stubs they do not yet).
#![allow(dead_code)]

/// Panics with a message that says what to do when a per-worker counter of type `kind` is asked
/// for 0 workers.
pub(crate) fn check_workers(workers: usize, kind: &str) {
    assert!(
        workers > 0,
        "a {kind} needs at least 1 worker to keep a slot for, but 0 were asked for: make it with \
         {kind}::new(threads) for as many workers as add to it"
    );
}

/// Worker `worker`'s slot, or a panic that says how the counter was built and what to do.
pub(crate) fn slot<'a, S>(slots: &'a [S], worker: usize, kind: &str) -> &'a S {
    slots.get(worker).unwrap_or_else(|| {
        panic!(
            "worker {worker} has no slot: this {kind} was made for {} workers, numbered 0 to {}; \
             make it with {kind}::new(threads) for as many workers as add to it",
            slots.len(),
            slots.len().saturating_sub(1)
        )
    })
}

/// Where `value` lives in memory, as a number of bytes: subtract two of these to see how far
/// apart two slots are.
pub(crate) fn address<T>(value: &T) -> usize {
    std::ptr::from_ref(value) as usize
}
