//! Helpers shared by every lesson's test suite.
//!
//! The course's house rules for concurrency tests live here, so each suite follows them without
//! repeating them:
//!
//! - every wait is bounded ([`within`], [`Rendezvous`], [`Signal`]), so a deadlock or a serial
//!   implementation fails a test with a message instead of hanging the run;
//! - parallelism is proved by what happened, never by how long it took: a rendezvous that only
//!   completes when n tasks run at once, a high-water mark of tasks in flight ([`HighWater`]),
//!   the set of distinct threads that did the work ([`ThreadIds`]);
//! - every failure message names the book section that helps ([`see`], [`Book`] and the
//!   [`check!`], [`check_eq!`], [`fail!`] and [`bounded!`] macros that append it);
//! - every drop and join that can block is bounded too ([`BoundedDrop`], [`join_within`]).
//!
//! It also carries the [`guard`] by which `cargo xtask grade` tells a test run that ended in
//! the harness from one that code under test ended or forged: every test binary that links
//! testkit has it, and it does nothing unless the grader asks for it.

mod bounded_drop;
pub mod guard;
pub mod kernel_thread;
mod rendezvous;
mod spec;
mod todo_once;
mod tracking;
mod within;

pub use bounded_drop::{BoundedDrop, join_within};
pub use rendezvous::{Rendezvous, Signal, Stranded};
pub use spec::Book;
pub use tracking::{HighWater, ThreadEnds, ThreadIds};
pub use within::{wait_until, within};

use std::time::Duration;

/// How long a test waits for other threads before it declares a deadlock or a serial run.
///
/// Generous on purpose: a correct implementation reaches a rendezvous in microseconds, and the
/// limit is only ever reached by a wrong one, so a long limit costs nothing on a passing run and
/// keeps a loaded CI machine from turning a slow scheduler into a failure.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The proptest settings every suite uses: `cases` random cases per property, no regression
/// files, and a limit on shrinking.
///
/// proptest normally saves each failing case next to the test's source so it is retried first
/// next time. Here the sources are shared by the stubs, whose properties all fail until solved,
/// and the reference; saved cases would litter the instructor's tree with the stubs' failures.
///
/// Shrinking retries smaller inputs while they keep failing. When the failure is a hang, each
/// retry waits a full [`PATIENCE`], so an unlimited search would take minutes; with the limit a
/// failing property still reports a small input, after a few seconds at most.
///
/// On a stub every case panics on the same `todo!()`; the test prints that panic once, not once
/// per case (see `todo_once.rs`).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    todo_once::install();
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        max_shrink_time: 3_000,
        ..proptest::test_runner::Config::default()
    }
}

/// The thread counts every benchmark compares: 1, 2 and all available threads, without
/// repeats, so a 2-core machine measures 1 and 2 and a 16-core one 1, 2 and 16.
pub fn thread_counts() -> Vec<usize> {
    let available = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut counts = vec![1, 2, available];
    counts.sort_unstable();
    counts.dedup();
    counts
}

/// The criterion settings every lesson's benchmarks use: short runs, since the point is the
/// ratio between variants measured in the same run, and a student should not wait minutes
/// for it.
pub fn quick_criterion() -> criterion::Criterion {
    criterion::Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

/// Burns CPU for `iterations` rounds of a loop the optimizer may not remove, so a test can hold
/// a task busy without depending on any exercise's code.
pub fn spin(iterations: u64) -> u64 {
    let mut count = 0;
    for _ in 0..iterations {
        count = std::hint::black_box(count + 1);
    }
    count
}

/// [`spin`] for each entry of `rounds`, one after the other on the calling thread: the serial
/// version of a busy map, which performance kernels time parallel maps against. It takes any
/// slice-like input so that `testkit::spin_each` can stand as a kernel's `fn(&Vec<u64>) -> _`.
pub fn spin_each(rounds: &impl AsRef<[u64]>) -> Vec<u64> {
    rounds
        .as_ref()
        .iter()
        .map(|&iterations| spin(iterations))
        .collect()
}

/// Runs `work` on a fresh rayon pool of exactly `threads` threads, so that every rayon call
/// inside it (`par_iter`, `join`, …) uses that pool rather than the global one, and shuts the
/// pool down afterwards. Starting and stopping the pool is part of what `work` costs, as it is
/// for Python's `with Pool(n) as p:`.
///
/// Panics if the pool's threads cannot be started.
pub fn in_rayon_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap_or_else(|error| {
            panic!("could not start a rayon pool of {threads} threads: {error}")
        })
        .install(work)
}

/// A pointer to the book for a failure message: `see(1, "own-pool")` reads
/// "see the book: book/src/lesson1.md#own-pool".
pub fn see(lesson: u32, anchor: &str) -> String {
    format!("see the book: book/src/lesson{lesson}.md#{anchor} (build it with `cargo xtask book`)")
}

/// The text a panic was raised with, from the payload `catch_unwind` or `join` returns, whether
/// it was a literal or a formatted message; a placeholder for any other payload.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a text message)".to_owned())
}
