//! Exercise 4: the smallest input size at which the parallel version wins.
//!
//! Seeds 000 and 004 both ask it: below some size, starting workers and handing them items
//! costs more than the work itself, above it the parallel version is faster. The search doubles
//! the size until parallel wins, then bisects between the last loss and the first win. Every
//! verdict comes from the medians of several races, so one disturbed measurement cannot flip it.

use std::fmt;
use std::time::Duration;

/// One race at one input size: how long the serial and the parallel version took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Race {
    /// The serial version's time.
    pub serial: Duration,
    /// The parallel version's time.
    pub parallel: Duration,
}

/// Where and how thoroughly to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Search {
    /// The first size tried, at least 1.
    pub start: u64,
    /// The largest size tried; the search gives up there.
    pub limit: u64,
    /// Races per size; the verdict compares their medians.
    pub repetitions: usize,
}

/// What the search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crossover {
    /// The smallest size at which the parallel version was faster.
    At(u64),
    /// The parallel version never won, up to and including this size (the limit).
    NotUpTo(u64),
}

/// Why the search could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrossoverError {
    /// `start` was 0, and doubling 0 never gets anywhere.
    ZeroStart,
    /// `limit` was below `start`.
    LimitBelowStart {
        /// The first size.
        start: u64,
        /// The largest size.
        limit: u64,
    },
    /// `repetitions` was 0: there would be no race to judge by.
    NoRepetitions,
}

impl fmt::Display for CrossoverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrossoverError::ZeroStart => write!(
                f,
                "the search starts at size 0, and doubling 0 stays 0: start at 1 or more"
            ),
            CrossoverError::LimitBelowStart { start, limit } => write!(
                f,
                "the search would start at size {start} but stop at {limit}: the limit must be \
                 at least the start"
            ),
            CrossoverError::NoRepetitions => write!(
                f,
                "repetitions is 0: race each size at least once (an odd count such as 5 gives a \
                 clean median)"
            ),
        }
    }
}

impl std::error::Error for CrossoverError {}

// ANCHOR: find_crossover
/// Finds the smallest size in `search.start..=search.limit` at which the parallel version is
/// strictly faster than the serial one.
///
/// To judge a size `n`, call `race(n)` `search.repetitions` times and compare the median of the
/// parallel times with the median of the serial times (the crate's provided `median`); a tie
/// is a loss. Judge each size at most once.
///
/// 1. Doubling: try `start`, `2 start`, `4 start`, … (never past `limit`, but do try `limit`
///    itself) until parallel wins. A win at `start` is the answer. No win up to `limit` is
///    [`Crossover::NotUpTo`]`(limit)`.
/// 2. Bisection: the answer lies above the last size that lost and at or below the first that
///    won. Halve that interval until the two are neighbours; the one that won is the answer.
///
/// This assumes that once parallel wins it keeps winning at larger sizes, as it does when its
/// extra cost is a fixed start-up.
///
/// Errors, in this order: [`CrossoverError::ZeroStart`], [`CrossoverError::LimitBelowStart`],
/// [`CrossoverError::NoRepetitions`].
pub fn find_crossover(
    search: &Search,
    race: impl FnMut(u64) -> Race,
) -> Result<Crossover, CrossoverError> {
    let _ = (search, race);
    todo!("Exercise 5.4: read book/src/lesson5.md#crossover")
}
// ANCHOR_END: find_crossover
