//! The work this lesson runs on threads and in processes, and the error for "0 workers".
//! Provided: there is nothing to fill in here.

use std::fmt;
use std::hint::black_box;

/// One of seed 001's additions: `x + y`, after `spin` rounds of a busy loop that stand in for a
/// slow calculation.
///
/// Seed 001 makes its `add` slow in two ways: by sleeping 0.1 s, like a program waiting for a disk
/// or a network, and by looping three million times, which is real computation. This is the
/// computing kind; exercise 6 adds the sleeping kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddTask {
    /// The first number.
    pub x: u32,
    /// The second number.
    pub y: u32,
    /// How many rounds of busy work come before the addition.
    pub spin: u64,
}

impl AddTask {
    /// The addition `x + y` after `spin` rounds of busy work.
    pub const fn new(x: u32, y: u32, spin: u64) -> AddTask {
        AddTask { x, y, spin }
    }

    /// Spins `spin` rounds, then returns `x + y` (as a `u64`, so it never overflows).
    pub fn compute(&self) -> u64 {
        let mut rounds = 0;
        for _ in 0..self.spin {
            // Hides the counter from the optimizer, which would otherwise delete the loop.
            rounds = black_box(rounds + 1);
        }
        black_box(rounds);
        u64::from(self.x) + u64::from(self.y)
    }
}

/// Seed 001's ten pairs of numbers to add.
pub const SEED_PAIRS: [(u32, u32); 10] = [
    (10, 1),
    (10, 2),
    (10, 3),
    (10, 4),
    (10, 5),
    (3, 3),
    (2, 2),
    (1, 1),
    (1, 3),
    (4, 3),
];

/// Seed 001's busy loop: three million rounds per addition.
pub const SEED_SPIN: u64 = 3_000_000;

/// Seed 001's ten additions, each after `spin` rounds of busy work.
pub fn seed_tasks(spin: u64) -> Vec<AddTask> {
    SEED_PAIRS
        .iter()
        .map(|&(x, y)| AddTask::new(x, y, spin))
        .collect()
}

/// A count of workers (threads, processes or cores) that must be at least 1 was 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZeroWorkers {
    /// What was asked for: `"threads"`, `"processes"` or `"cores"`.
    pub what: &'static str,
}

impl fmt::Display for ZeroWorkers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "0 {} were asked for, but at least 1 is needed to run anything",
            self.what
        )
    }
}

impl std::error::Error for ZeroWorkers {}
