//! Exercise 1: how many workers a pool should have.

use std::fmt;

/// Why a requested pool size was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolSizeError {
    /// The request was `0`: a pool without workers would never run anything.
    Zero,
    /// The request was neither a whole number nor `auto`; holds the text as given.
    NotANumber(String),
}

impl fmt::Display for PoolSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolSizeError::Zero => {
                write!(f, "a pool needs at least 1 worker, but 0 was requested")
            }
            PoolSizeError::NotANumber(text) => write!(
                f,
                "pool size {text:?} is not a whole number: give a count such as 4, or `auto` \
                 for one worker per core"
            ),
        }
    }
}

impl std::error::Error for PoolSizeError {}

// ANCHOR: cpu_count
/// The number of threads this process can run at once: Python's `multiprocessing.cpu_count()`.
///
/// Read it from [`std::thread::available_parallelism`], which also honours CPU quotas and
/// affinity masks (a container limited to 2 cores reports 2, not the host's 64). When the
/// platform cannot tell, return 1 rather than fail.
pub fn cpu_count() -> usize {
    todo!("Exercise 1.1: read book/src/lesson1.md#pool-size")
}
// ANCHOR_END: cpu_count

// ANCHOR: pool_size
/// Decides a pool's size from an optional request, such as a `--threads` flag or an
/// environment variable.
///
/// - `None`, an empty or blank string, or `auto` (any case): [`cpu_count`].
/// - A whole number, surrounding spaces allowed: exactly that many, even above the core count
///   (oversubscribing is allowed: IO-bound work profits from it).
/// - `0`: [`PoolSizeError::Zero`].
/// - Anything else: [`PoolSizeError::NotANumber`] holding the text as given.
pub fn pool_size(requested: Option<&str>) -> Result<usize, PoolSizeError> {
    let _ = requested;
    todo!("Exercise 1.1: read book/src/lesson1.md#pool-size")
}
// ANCHOR_END: pool_size
