//! The errors of every exercise, provided: the tests compare them with `==` and read their
//! messages, so every solution returns these same values.

use std::fmt;

use rayon::ThreadPoolBuildError;

use crate::types::AmdahlFit;

/// Why a law was given an input it has no answer for.
#[derive(Debug, Clone, PartialEq)]
pub enum LawError {
    /// A run time that is not a positive, finite number of seconds.
    NotATime {
        /// Which argument: `"serial"` or `"parallel"`.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A thread count below 1, or not finite (NaN or infinite).
    TooFewThreads(f64),
    /// A parallel fraction outside `0..=1`, or NaN.
    NotAFraction(f64),
    /// A speedup that is not a positive, finite number.
    NotASpeedup(f64),
    /// Karp–Flatt at one thread: `1 - 1/p` is 0 and the formula divides by it.
    OneThread,
}

impl fmt::Display for LawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LawError::NotATime { what, value } => write!(
                f,
                "the {what} time is {value} s, but a run time must be a positive, finite number \
                 of seconds"
            ),
            LawError::TooFewThreads(p) => write!(
                f,
                "the thread count is {p}, but the laws need at least 1 thread (a finite number)"
            ),
            LawError::NotAFraction(value) => write!(
                f,
                "the parallel fraction is {value}, but a fraction of the run time lies between \
                 0 and 1"
            ),
            LawError::NotASpeedup(value) => write!(
                f,
                "the speedup is {value}, but a speedup is a positive, finite ratio of two times"
            ),
            LawError::OneThread => write!(
                f,
                "Karp–Flatt needs a run on more than 1 thread: at 1 thread its formula divides \
                 by zero"
            ),
        }
    }
}

impl std::error::Error for LawError {}

/// Why no Amdahl model could be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// All samples share fewer than two thread counts, so nothing says how time changes with
    /// the thread count.
    TooFewThreadCounts {
        /// How many different thread counts the samples have.
        distinct: usize,
    },
    /// A sample with 0 threads or a time that is not a positive, finite number of seconds.
    BadSample {
        /// Its position in the slice.
        index: usize,
        /// Its thread count.
        threads: usize,
        /// Its time.
        seconds: f64,
    },
    /// The best line predicts no positive, finite time on one thread: the times grow so fast
    /// with the thread count that Amdahl's model does not describe them.
    NotAmdahl {
        /// The fitted one-thread time.
        serial_time: f64,
    },
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitError::TooFewThreadCounts { distinct } => write!(
                f,
                "the samples cover {distinct} thread count(s), but a fit needs at least 2 \
                 different ones: measure on 1 thread and on more"
            ),
            FitError::BadSample {
                index,
                threads,
                seconds,
            } => write!(
                f,
                "sample {index} is ({threads} threads, {seconds} s): a sample needs at least 1 \
                 thread and a positive, finite time"
            ),
            FitError::NotAmdahl { serial_time } => write!(
                f,
                "the best fit predicts {serial_time} s on one thread: these times do not shrink \
                 with more threads the way Amdahl's law describes"
            ),
        }
    }
}

impl std::error::Error for FitError {}

/// Why the harness could not measure.
#[derive(Debug)]
pub enum HarnessError {
    /// `max_threads` was 0: there is no pool to measure.
    NoThreads,
    /// `repetitions` was 0: there would be no time to report.
    NoRepetitions,
    /// The median run on this many threads took no time at all, so no speedup can be
    /// computed: give the workload more to do. Any pool size can be the first one too fast,
    /// not only 1.
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

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum PlotError {
    /// There is no measured point to draw.
    NoPoints,
    /// A point with 0 threads or a time that is not a positive, finite number of seconds.
    BadPoint {
        /// Its position in `measured`.
        index: usize,
        /// Its thread count.
        threads: usize,
        /// Its time.
        seconds: f64,
    },
    /// The serial time is not a positive, finite number of seconds.
    BadSerialTime(f64),
    /// The fit's time is not positive and finite, or its fraction is outside `0..=1`.
    BadFit(AmdahlFit),
    /// plotters failed; holds its message.
    Draw(String),
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlotError::NoPoints => write!(f, "the chart has no measured point to draw"),
            PlotError::BadPoint {
                index,
                threads,
                seconds,
            } => write!(
                f,
                "point {index} is ({threads} threads, {seconds} s): a point needs at least 1 \
                 thread and a positive, finite time"
            ),
            PlotError::BadSerialTime(seconds) => write!(
                f,
                "the serial time is {seconds} s: the baseline of a speedup must be a positive, \
                 finite time"
            ),
            PlotError::BadFit(fit) => write!(
                f,
                "the fit {fit:?} cannot be drawn: it needs a positive serial time and a parallel \
                 fraction between 0 and 1"
            ),
            PlotError::Draw(message) => write!(f, "plotters could not draw the chart: {message}"),
        }
    }
}

impl std::error::Error for PlotError {}
