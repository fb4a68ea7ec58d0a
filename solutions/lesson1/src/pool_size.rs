//! Exercise 1: how many workers a pool should have.

use crate::errors::PoolSizeError;
use std::num::NonZeroUsize;
use std::thread;

/// The number of threads this process can run at once: Python's `multiprocessing.cpu_count()`.
///
/// Read it from [`std::thread::available_parallelism`], which also honours CPU quotas and
/// affinity masks (a container limited to 2 cores reports 2, not the host's 64). When the
/// platform cannot tell, return 1 rather than fail.
// ANCHOR: cpu_count
pub fn cpu_count() -> usize {
    thread::available_parallelism().map_or(1, NonZeroUsize::get)
}
// ANCHOR_END: cpu_count

/// Decides a pool's size from an optional request, such as a `--threads` flag or an
/// environment variable.
///
/// - `None`, an empty or blank string, or `auto` (any case): [`cpu_count`].
/// - A whole number, surrounding spaces allowed: exactly that many, even above the core count
///   (oversubscribing is allowed: IO-bound work profits from it).
/// - `0`: [`PoolSizeError::Zero`].
/// - Anything else: [`PoolSizeError::NotANumber`] holding the text exactly as given
///   (not trimmed).
pub fn pool_size(requested: Option<&str>) -> Result<usize, PoolSizeError> {
    let text = requested.map(str::trim).unwrap_or("");
    if text.is_empty() || text.eq_ignore_ascii_case("auto") {
        return Ok(cpu_count());
    }
    match text.parse::<usize>() {
        Ok(0) => Err(PoolSizeError::Zero),
        Ok(n) => Ok(n),
        Err(_) => Err(PoolSizeError::NotANumber(
            requested.unwrap_or("").to_string(),
        )),
    }
}
