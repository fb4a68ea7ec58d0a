//! Exercise 5: map-reduce, and word frequencies with it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use subject::{
    MapReduceError, WordCounts, count_words, map_reduce, merge_counts, most_common,
    word_frequencies,
};
use testkit::{HighWater, PATIENCE, Rendezvous, within};

const ANCHOR: &str = "map-reduce";

fn counts(pairs: &[(&str, usize)]) -> WordCounts {
    pairs
        .iter()
        .map(|&(word, count)| (word.to_string(), count))
        .collect()
}

fn stuck() -> String {
    super::stuck(ANCHOR)
}

#[test]
fn zero_workers_is_an_error() {
    let mapped = map_reduce(vec![1u32], 0, u64::from, |total: &mut u64, x| *total += x);
    let words = word_frequencies(vec!["a b".to_string()], 0);
    assert!(
        matches!(
            (mapped, words),
            (
                Err(MapReduceError::NoWorkers),
                Err(MapReduceError::NoWorkers)
            )
        ),
        "map_reduce and word_frequencies with 0 workers should be Err(MapReduceError::NoWorkers); \
         {}",
        super::see(ANCHOR)
    );
}

#[test]
fn count_words_splits_on_everything_but_letters_and_digits() {
    let cases: [(&str, WordCounts); 5] = [
        (
            "The cat, the hat. THE end!",
            counts(&[("the", 3), ("cat", 1), ("hat", 1), ("end", 1)]),
        ),
        ("don't stop", counts(&[("don", 1), ("t", 1), ("stop", 1)])),
        ("route 66\n\troute", counts(&[("route", 2), ("66", 1)])),
        ("Größe größe", counts(&[("größe", 2)])),
        ("  ... !? ", WordCounts::new()),
    ];
    for (text, expected) in cases {
        assert_eq!(
            count_words(text),
            expected,
            "count_words({text:?}): a word is a run of letters or digits (char::is_alphanumeric), \
             counted in lower case; {}",
            super::see(ANCHOR)
        );
    }
}

#[test]
fn merge_counts_adds_word_by_word() {
    let mut total = counts(&[("a", 1), ("b", 2)]);
    merge_counts(&mut total, counts(&[("b", 3), ("c", 1)]));
    assert_eq!(
        total,
        counts(&[("a", 1), ("b", 5), ("c", 1)]),
        "merging {{b: 3, c: 1}} into {{a: 1, b: 2}}; {}",
        super::see(ANCHOR)
    );
}

#[test]
fn most_common_ranks_by_count_then_alphabetically() {
    let words = counts(&[("pear", 2), ("apple", 5), ("fig", 2), ("kiwi", 1)]);
    let ranked = |k| -> Vec<(String, usize)> { most_common(&words, k) };
    let expected: Vec<(String, usize)> = [("apple", 5), ("fig", 2), ("pear", 2)]
        .iter()
        .map(|&(word, count)| (word.to_string(), count))
        .collect();
    assert_eq!(
        ranked(3),
        expected,
        "most_common(counts, 3): highest count first, equal counts in alphabetical order; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        ranked(10).len(),
        4,
        "asking for more words than there are gives them all; {}",
        super::see(ANCHOR)
    );
}

// ANCHOR: map_reduce_rendezvous
#[test]
fn map_reduce_maps_on_every_worker_at_once() {
    for workers in 2..=4 {
        let all_mapping = Arc::new(Rendezvous::new(workers));
        let stranded = within(PATIENCE * 2, "map_reduce", &stuck(), move || {
            map_reduce(
                (0..workers).collect(),
                workers,
                |_: usize| usize::from(all_mapping.meet(PATIENCE).is_err()),
                |total: &mut usize, failed| *total += failed,
            )
        })
        .expect("map_reduce failed");
        assert_eq!(
            stranded,
            0,
            "{workers} inputs on {workers} workers were never all mapped at once: start \
             {workers} threads that all take inputs from the one channel; {}",
            super::see(ANCHOR)
        );
    }
}
// ANCHOR_END: map_reduce_rendezvous

#[test]
fn never_more_maps_at_once_than_workers() {
    let in_flight = Arc::new(HighWater::new());
    let watched = Arc::clone(&in_flight);
    let total = within(PATIENCE, "map_reduce", &stuck(), move || {
        map_reduce(
            (0..60u64).collect(),
            3,
            move |x| {
                let _inside = watched.enter();
                testkit::spin(2_000 + x)
            },
            |total: &mut u64, x| *total += x,
        )
    });
    assert!(
        total.is_ok(),
        "map_reduce failed: {total:?}; {}",
        super::see(ANCHOR)
    );
    assert!(
        in_flight.highest() <= 3,
        "map_reduce(.., 3, ..) ran {} maps at once: only the 3 workers should map; {}",
        in_flight.highest(),
        super::see(ANCHOR)
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn map_reduce_maps_each_input_exactly_once(
        workers in 1usize..=6,
        inputs in proptest::collection::vec(any::<u16>(), 0..200),
    ) {
        let mut expected = inputs.clone();
        expected.sort_unstable();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let got = within(PATIENCE, "map_reduce", &stuck(), move || {
            map_reduce(
                inputs,
                workers,
                move |x| {
                    counted.fetch_add(1, Ordering::SeqCst);
                    vec![x]
                },
                |all: &mut Vec<u16>, part| all.extend(part),
            )
        });
        let mut got = got.expect("map_reduce failed");
        got.sort_unstable();
        prop_assert_eq!(
            (calls.load(Ordering::SeqCst), got),
            (expected.len(), expected),
            "map_reduce(inputs, {}, ..) should map every input once and reduce every result \
             into the answer; {}",
            workers,
            super::see(ANCHOR)
        );
    }
}

/// Texts made of a few words, in any case, with punctuation and digits between them.
fn texts() -> impl Strategy<Value = Vec<String>> {
    let word = prop::sample::select(vec![
        "queue",
        "Queue",
        "PIPE",
        "pipe",
        "worker",
        "ünïcode",
        "42",
        "x",
        "",
        "don't",
    ]);
    let gap = prop::sample::select(vec![" ", ", ", ".\n", "--", "\t", "!?"]);
    let text = proptest::collection::vec((word, gap), 0..30).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(w, g)| [w, g])
            .collect::<String>()
    });
    proptest::collection::vec(text, 0..25)
}

/// Word counts written out independently of the exercise: lower-cased runs of alphanumerics.
fn serial_word_counts(texts: &[String]) -> HashMap<String, usize> {
    let mut total = HashMap::new();
    for text in texts {
        let mut word = String::new();
        for c in text.chars().chain([' ']) {
            if c.is_alphanumeric() {
                word.push(c);
            } else if !word.is_empty() {
                *total.entry(word.to_lowercase()).or_insert(0) += 1;
                word.clear();
            }
        }
    }
    total
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn word_frequencies_equal_the_serial_count(workers in 1usize..=6, texts in texts()) {
        let expected = serial_word_counts(&texts);
        let got = within(
            PATIENCE,
            "word_frequencies",
            &stuck(),
            move || word_frequencies(texts, workers),
        );
        prop_assert_eq!(
            got.expect("word_frequencies failed"),
            expected,
            "word_frequencies(texts, {}) should count exactly what one thread counts; {}",
            workers,
            super::see(ANCHOR)
        );
    }
}
