//! Exercise 5: map-reduce. Workers take inputs from a channel, map each one and fold the results
//! into a partial of their own; the partials come back on a second channel and the caller
//! reduces them to one. Word frequencies over many texts are the classic example.

use std::thread;

pub use crate::errors::{MapReduceError, WordCounts};

/// Maps every input with `map` on `workers` threads and combines the results with `reduce`,
/// starting from `M::default()`.
// ANCHOR: map_reduce
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
    if workers == 0 {
        return Err(MapReduceError::NoWorkers);
    }
    let (input_tx, input_rx) = crossbeam_channel::unbounded();
    for input in inputs {
        input_tx.send(input).expect("the receiver is still here");
    }
    drop(input_tx);
    let (partial_tx, partial_rx) = crossbeam_channel::unbounded();
    let (map, reduce) = (&map, &reduce);
    thread::scope(|scope| {
        for id in 0..workers {
            let inputs = input_rx.clone();
            let partials = partial_tx.clone();
            thread::Builder::new()
                .name(format!("map-reduce-{id}"))
                .spawn_scoped(scope, move || {
                    let mut partial = M::default();
                    for input in inputs {
                        reduce(&mut partial, map(input));
                    }
                    let _ = partials.send(partial);
                })
                .map_err(MapReduceError::Spawn)?;
        }
        // The workers hold the only senders now: the loop ends when the last one is done.
        drop(partial_tx);
        let mut total = M::default();
        for partial in partial_rx {
            reduce(&mut total, partial);
        }
        Ok(total)
    })
}
// ANCHOR_END: map_reduce

/// The words of `text` and how often each occurs.
// ANCHOR: count_words
pub fn count_words(text: &str) -> WordCounts {
    let mut counts = WordCounts::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() {
            *counts.entry(word.to_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}
// ANCHOR_END: count_words

/// Adds the counts in `part` to `total`.
pub fn merge_counts(total: &mut WordCounts, part: WordCounts) {
    for (word, count) in part {
        *total.entry(word).or_insert(0) += count;
    }
}

/// The word counts of all `texts` together, counted by `workers` threads.
pub fn word_frequencies(texts: Vec<String>, workers: usize) -> Result<WordCounts, MapReduceError> {
    map_reduce(texts, workers, |text| count_words(&text), merge_counts)
}

/// The `k` most frequent words, most frequent first; words with equal counts in alphabetical
/// order: Python's `Counter.most_common(k)`, with ties broken so the answer is always the same.
pub fn most_common(counts: &WordCounts, k: usize) -> Vec<(String, usize)> {
    let mut ranked: Vec<(String, usize)> = counts
        .iter()
        .map(|(word, &count)| (word.clone(), count))
        .collect();
    ranked.sort_unstable_by(|(a, m), (b, n)| n.cmp(m).then_with(|| a.cmp(b)));
    ranked.truncate(k);
    ranked
}
