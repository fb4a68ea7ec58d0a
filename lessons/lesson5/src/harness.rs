//! Exercise 3: a measuring harness that times a workload on pools of 1, 2, … p threads.
//!
//! The harness reads time only through the [`Clock`] it is given. A real run passes a
//! [`SystemClock`]; a test passes a fake clock that the workload itself moves forward, so every
//! number the harness reports is known in advance and can be checked exactly.

use std::time::Duration;
use std::time::Instant;

pub use crate::errors::HarnessError;
pub use crate::types::{Clock, Plan, Scaling};

// ANCHOR: clock
/// The real clock: [`Instant`], measured from when the clock was made.
#[derive(Debug, Clone, Copy)]
// Remove this `allow` once your methods use the field.
#[allow(dead_code)]
pub struct SystemClock {
    /// When the clock was made.
    origin: Instant,
}

impl SystemClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        todo!("Exercise 5.3: read book/src/lesson5.md#harness")
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    /// The time since [`SystemClock::new`]: [`Instant::elapsed`].
    fn now(&self) -> Duration {
        todo!("Exercise 5.3: read book/src/lesson5.md#harness")
    }
}
// ANCHOR_END: clock

// ANCHOR: measure_scaling
/// Runs `work` on rayon pools of 1, 2, … `plan.max_threads` threads and reports, per pool size
/// `p`, the median time of the timed runs, the speedup over 1 thread and the efficiency.
///
/// For each `p`: build a pool of exactly `p` threads and, inside `pool.install`, run `work`
/// `plan.warmups` times untimed, then `plan.repetitions` times, each timed as `clock.now()`
/// after minus `clock.now()` before. Read time only from `clock`, never from `Instant`: that is
/// what lets the tests stand in a fake clock. The median is the crate's provided `median`.
/// `speedup` is median(1) / median(p) (each as [`Duration::as_secs_f64`]) and `efficiency` is
/// speedup / p; the rows come in order of `p`.
///
/// Errors, the first that applies: [`HarnessError::NoThreads`] if `max_threads` is 0 (whatever
/// `repetitions` is), then [`HarnessError::NoRepetitions`] if `repetitions` is 0; then, pool
/// size by pool size from 1 up, [`HarnessError::Pool`] if that pool cannot start and
/// [`HarnessError::TooFastToTime`] if its median is zero. Every pool size is checked, not only
/// 1: work can be too fast to time on 3 threads after 1 and 2 were timed.
pub fn measure_scaling<C, W, R>(
    clock: &C,
    plan: &Plan,
    work: W,
) -> Result<Vec<Scaling>, HarnessError>
where
    C: Clock,
    W: Fn() -> R + Sync,
{
    let _ = (clock, plan, work);
    todo!("Exercise 5.3: read book/src/lesson5.md#harness")
}
// ANCHOR_END: measure_scaling
