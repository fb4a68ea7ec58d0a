//! Lesson 2's test suite, written once and run against both crates:
//! `cargo test -p lesson2` checks your code, `cargo test -p lesson2-solution` the reference.
//!
//! Each exercise has its own module; run one with e.g. `cargo test -p lesson2 ex2_processes`.
//! The suite needs Linux: it reads `/proc` and starts `sh`, `timeout` and `mkfifo`.

mod ex1_threads;
mod ex2_processes;
mod ex3_isolation;
mod ex4_global_lock;
mod ex5_costs;
mod ex6_io_vs_cpu;

use std::path::Path;

use subject::Worker;
use testkit::Stranded;

/// The book section that explains `anchor` in this lesson's chapter, for failure messages.
fn see(anchor: &str) -> String {
    testkit::see(2, anchor)
}

/// The worker program this crate builds (`src/bin/worker.rs`); the shim in `tests/suite.rs`
/// names it, since only the package that builds a program knows where cargo put it.
fn worker() -> Worker {
    Worker::new(crate::WORKER_BIN)
}

// ANCHOR: shell
/// A stand-in worker: `sh -c script`, which sees `args` as `$1`, `$2`, …
fn shell(script: &str, args: &[&Path]) -> Worker {
    args.iter().fold(
        Worker::new("sh").arg("-c").arg(script).arg("fake-worker"),
        |worker, arg| worker.arg(arg),
    )
}
// ANCHOR_END: shell

// ANCHOR: reaped
/// Whether process `pid` still exists, running or as a zombie that nobody has waited for:
/// Linux keeps `/proc/<pid>` until the parent has reaped the process.
fn exists(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Fails the test if one of the children `pids` still exists after the call that started them
/// has returned.
fn assert_all_reaped(pids: &[u32], call: &str, anchor: &str) {
    let left: Vec<u32> = pids.iter().copied().filter(|&pid| exists(pid)).collect();
    assert!(
        left.is_empty(),
        "{call} returned while its children {left:?} still existed (still running, or zombies \
         nobody waited for): wait for every child you start, on every path, including errors; {}",
        see(anchor)
    );
}
// ANCHOR_END: reaped

/// Fails the test, saying `what` should have happened, unless every task reached its
/// rendezvous.
fn assert_all_met(outcomes: impl IntoIterator<Item = Result<(), Stranded>>, what: &str) {
    for outcome in outcomes {
        if let Err(stranded) = outcome {
            panic!("{what}, but they did not: {stranded}");
        }
    }
}

/// The process ids a stand-in worker appended to `file`, one per line.
fn pids_written_to(file: &Path) -> Vec<u32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(|line| {
            line.trim()
                .parse()
                .expect("a stand-in worker wrote its pid")
        })
        .collect()
}
