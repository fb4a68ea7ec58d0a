//! Exercise 4: the smallest input size at which the parallel version wins.
//!
//! Seeds 000 and 004 both ask it: below some size, starting workers and handing them items
//! costs more than the work itself, above it the parallel version is faster. The search doubles
//! the size until parallel wins, then bisects between the last loss and the first win. Every
//! verdict comes from the medians of several races, so one disturbed measurement cannot flip it.

pub use crate::errors::CrossoverError;
pub use crate::types::{Crossover, Race, Search};

// ANCHOR: find_crossover
/// Finds the smallest size in `search.start..=search.limit` at which the parallel version is
/// strictly faster than the serial one.
///
/// To judge a size `n`, call `race(n)` `search.repetitions` times and compare the median of the
/// parallel times with the median of the serial times (the crate's provided `median`); a tie
/// is a loss. The two medians decide, not a count of the races parallel won: with races of
/// (serial, parallel) = (6, 1), (4, 5) and (8, 9) ms parallel wins one race in three, yet its
/// median, 5 ms, beats the serial median, 6 ms, so parallel wins at that size. Judge each size
/// at most once.
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
/// Any sizes up to `u64::MAX` are allowed, `limit = u64::MAX` included: neither doubling nor
/// the middle of an interval may overflow (`2 n` past `limit` is `limit`).
///
/// Errors, the first that applies, before any race: [`CrossoverError::ZeroStart`],
/// [`CrossoverError::LimitBelowStart`], [`CrossoverError::NoRepetitions`]. So a search from 0
/// with 0 repetitions is `ZeroStart`.
pub fn find_crossover(
    search: &Search,
    race: impl FnMut(u64) -> Race,
) -> Result<Crossover, CrossoverError> {
    let _ = (search, race);
    todo!("Exercise 5.4: read book/src/lesson5.md#crossover")
}
// ANCHOR_END: find_crossover
