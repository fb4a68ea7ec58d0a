//! Exercise 4: the smallest input size at which the parallel version wins.
//!
//! Seeds 000 and 004 both ask it: below some size, starting workers and handing them items
//! costs more than the work itself, above it the parallel version is faster. The search doubles
//! the size until parallel wins, then bisects between the last loss and the first win. Every
//! verdict comes from the medians of several races, so one disturbed measurement cannot flip it.

use std::fmt;
use std::time::Duration;

use crate::median::median;

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
/// Finds the smallest size in `search.start..=search.limit` at which the parallel version
/// beats the serial one, calling `race(n)` `search.repetitions` times per size it tries.
pub fn find_crossover(
    search: &Search,
    mut race: impl FnMut(u64) -> Race,
) -> Result<Crossover, CrossoverError> {
    if search.start == 0 {
        return Err(CrossoverError::ZeroStart);
    }
    if search.limit < search.start {
        return Err(CrossoverError::LimitBelowStart {
            start: search.start,
            limit: search.limit,
        });
    }
    if search.repetitions == 0 {
        return Err(CrossoverError::NoRepetitions);
    }
    let mut parallel_wins = |n: u64| {
        let races: Vec<Race> = (0..search.repetitions).map(|_| race(n)).collect();
        median(races.iter().map(|r| r.parallel).collect())
            < median(races.iter().map(|r| r.serial).collect())
    };

    // Doubling: `lost` is the largest size known to lose, `won` the first size seen to win.
    let mut lost = None;
    let mut n = search.start;
    let won = loop {
        if parallel_wins(n) {
            break n;
        }
        if n == search.limit {
            return Ok(Crossover::NotUpTo(search.limit));
        }
        lost = Some(n);
        n = n.saturating_mul(2).min(search.limit);
    };
    let Some(mut lost) = lost else {
        return Ok(Crossover::At(won));
    };

    // Bisection: keep "lost < answer <= won" until the two are neighbours.
    let mut won = won;
    while won - lost > 1 {
        let middle = lost + (won - lost) / 2;
        if parallel_wins(middle) {
            won = middle;
        } else {
            lost = middle;
        }
    }
    Ok(Crossover::At(won))
}
// ANCHOR_END: find_crossover
