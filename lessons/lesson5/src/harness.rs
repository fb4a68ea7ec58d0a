//! Exercise 3: a measuring harness that times a workload on pools of 1, 2, … p threads.
//!
//! The harness reads time only through the [`Clock`] it is given. A real run passes a
//! [`SystemClock`]; a test passes a fake clock that the workload itself moves forward, so every
//! number the harness reports is known in advance and can be checked exactly.

use std::fmt;
use std::time::{Duration, Instant};

use rayon::ThreadPoolBuildError;

// ANCHOR: clock
/// A source of time: the time elapsed since some fixed origin, never going back.
pub trait Clock: Sync {
    /// The time since the clock's origin.
    fn now(&self) -> Duration;
}

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

/// How to measure: on pools of 1 to `max_threads` threads, each with `warmups` untimed runs and
/// then `repetitions` timed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The largest pool; every size from 1 up to it is measured.
    pub max_threads: usize,
    /// Untimed runs before the timed ones on each pool, to fill caches and start threads.
    pub warmups: usize,
    /// Timed runs on each pool; their median is reported.
    pub repetitions: usize,
}

/// What the harness found for one pool size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scaling {
    /// The pool's number of threads, `p`.
    pub threads: usize,
    /// The median of the timed runs on `p` threads.
    pub median: Duration,
    /// The median on 1 thread divided by the median on `p` threads.
    pub speedup: f64,
    /// The speedup divided by `p`.
    pub efficiency: f64,
}

/// Why the harness could not measure.
#[derive(Debug)]
pub enum HarnessError {
    /// `max_threads` was 0: there is no pool to measure.
    NoThreads,
    /// `repetitions` was 0: there would be no time to report.
    NoRepetitions,
    /// The median run on this many threads took no time at all, so no speedup can be
    /// computed: give the workload more to do.
    TooFastToTime {
        /// The pool size whose median was zero.
        threads: usize,
    },
    /// rayon could not start a pool's threads.
    Pool(ThreadPoolBuildError),
}

impl fmt::Display for HarnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HarnessError::NoThreads => {
                write!(f, "max_threads is 0: measure at least a pool of 1 thread")
            }
            HarnessError::NoRepetitions => write!(
                f,
                "repetitions is 0: the harness needs at least 1 timed run per pool size"
            ),
            HarnessError::TooFastToTime { threads } => write!(
                f,
                "the median run on {threads} thread(s) took no measurable time: give the \
                 workload more to do"
            ),
            HarnessError::Pool(err) => write!(f, "could not start a rayon pool: {err}"),
        }
    }
}

impl std::error::Error for HarnessError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HarnessError::Pool(err) => Some(err),
            _ => None,
        }
    }
}

// ANCHOR: measure_scaling
/// Runs `work` on rayon pools of 1, 2, … `plan.max_threads` threads and reports, per pool size
/// `p`, the median time of the timed runs, the speedup over 1 thread and the efficiency.
///
/// For each `p`: build a pool of exactly `p` threads and, inside `pool.install`, run `work`
/// `plan.warmups` times untimed, then `plan.repetitions` times, each timed as `clock.now()`
/// after minus `clock.now()` before. Read time only from `clock`, never from `Instant`: that is
/// what lets the tests stand in a fake clock. The median is the crate's provided `median`.
/// `speedup` is median(1) / median(p) and `efficiency` is speedup / p; the rows come in order
/// of `p`.
///
/// Errors, in this order: [`HarnessError::NoThreads`] if `max_threads` is 0,
/// [`HarnessError::NoRepetitions`] if `repetitions` is 0, [`HarnessError::Pool`] if a pool
/// cannot start, [`HarnessError::TooFastToTime`] for the first `p` whose median is zero.
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
