//! The median of a set of run times, shared by the harness and the crossover search.

use std::time::Duration;

/// The middle time; for an even count, the mean of the two middle ones. The median shrugs off
/// a run that another program disturbed, where a mean would not.
///
/// Panics if `times` is empty: check the repetition count before calling it.
///
/// Provided for exercises 3 and 4, which both need it (the `allow` keeps the stubs, which do
/// not call it yet, free of warnings).
#[allow(dead_code)]
pub(crate) fn median(mut times: Vec<Duration>) -> Duration {
    assert!(!times.is_empty(), "the median of no times is undefined");
    times.sort_unstable();
    let middle = times.len() / 2;
    if times.len() % 2 == 1 {
        times[middle]
    } else {
        (times[middle - 1] + times[middle]) / 2
    }
}
