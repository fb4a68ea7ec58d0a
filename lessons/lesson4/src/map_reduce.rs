//! Exercise 5: map-reduce. Workers take inputs from a channel, map each one and fold the results
//! into a partial of their own; the partials come back on a second channel and the caller
//! reduces them to one. Word frequencies over many texts are the classic example.

pub use crate::errors::{MapReduceError, WordCounts};

// ANCHOR: map_reduce
/// Maps every input with `map` on `workers` threads and combines the results with `reduce`,
/// starting from `M::default()`.
///
/// The inputs go into one channel that the workers share; each worker folds what it maps into a
/// partial result of its own (`reduce(&mut partial, map(input))`) and, when the channel is
/// empty, sends its partial down a second channel; the calling thread reduces the partials into
/// the answer. The order in which results are combined is not fixed, so `reduce` must not care
/// about it (adding counts does not).
///
/// Errors: [`MapReduceError::NoWorkers`] for 0, [`MapReduceError::Spawn`] if a thread cannot
/// start. A panic in `map` or `reduce` is passed on to the caller.
pub fn map_reduce<T, M, F, R>(
    inputs: Vec<T>,
    workers: usize,
    map: F,
    reduce: R,
) -> Result<M, MapReduceError>
where
    T: Send,
    M: Default + Send,
    F: Fn(T) -> M + Sync,
    R: Fn(&mut M, M) + Sync,
{
    let _ = (inputs, workers, map, reduce);
    todo!("Exercise 4.5: read book/src/lesson4.md#map-reduce")
}
// ANCHOR_END: map_reduce

// ANCHOR: count_words
/// The words of `text` and how often each occurs: the map step.
///
/// A word is a run of letters or digits (`char::is_alphanumeric`); everything else separates
/// words. Words are counted in lower case (`str::to_lowercase`), so "The" and "the" are one
/// word. "Don't stop!" counts `don`, `t` and `stop` once each.
pub fn count_words(text: &str) -> WordCounts {
    let _ = text;
    todo!("Exercise 4.5: read book/src/lesson4.md#map-reduce")
}
// ANCHOR_END: count_words

/// Adds the counts in `part` to `total`: the reduce step.
pub fn merge_counts(total: &mut WordCounts, part: WordCounts) {
    let _ = (total, part);
    todo!("Exercise 4.5: read book/src/lesson4.md#map-reduce")
}

/// The word counts of all `texts` together, counted by `workers` threads: [`map_reduce`] with
/// [`count_words`] and [`merge_counts`]. Errors as for [`map_reduce`].
pub fn word_frequencies(texts: Vec<String>, workers: usize) -> Result<WordCounts, MapReduceError> {
    let _ = (texts, workers);
    todo!("Exercise 4.5: read book/src/lesson4.md#map-reduce")
}

/// The `k` most frequent words with their counts, most frequent first, words with equal counts
/// in alphabetical order: Python's `Counter.most_common(k)`, with ties broken so the answer is
/// always the same. Fewer than `k` if there are fewer words.
pub fn most_common(counts: &WordCounts, k: usize) -> Vec<(String, usize)> {
    let _ = (counts, k);
    todo!("Exercise 4.5: read book/src/lesson4.md#map-reduce")
}
