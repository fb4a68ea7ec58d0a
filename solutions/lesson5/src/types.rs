//! The data every exercise takes and gives back, provided: the tests build and read these same
//! types, so every solution uses them as they are.

use std::time::Duration;

/// Amdahl's model of a run time, fitted to measurements: `T(p) = T1 * ((1 - f) + f / p)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AmdahlFit {
    /// `T1`: the model's time on one thread, in seconds.
    pub serial_time: f64,
    /// `f`: the parallel fraction, between 0 and 1.
    pub parallel_fraction: f64,
}

// ANCHOR: clock
/// A source of time: the time elapsed since some fixed origin, never going back.
pub trait Clock: Sync {
    /// The time since the clock's origin.
    fn now(&self) -> Duration;
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

/// What [`scaling_svg`](crate::scaling_svg) draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalingChart<'a> {
    /// The caption over both panels.
    pub title: &'a str,
    /// `T1`: the serial run's time in seconds, the baseline every speedup divides.
    pub serial_seconds: f64,
    /// The measured `(threads, seconds)` points.
    pub measured: &'a [(usize, f64)],
    /// Amdahl's model fitted to the points, drawn as a curve in both panels when given.
    pub fit: Option<AmdahlFit>,
}
