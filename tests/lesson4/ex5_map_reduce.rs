//! Exercise 5: map-reduce, and word frequencies with it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use subject::{
    MapReduceError, WordCounts, count_words, map_reduce, merge_counts, most_common,
    word_frequencies,
};
use testkit::{HighWater, Rendezvous, bounded, check, check_eq, fail};

use super::{MEETING, panic_reaches_caller};

const BOOK: testkit::Book = super::book("map-reduce");

fn counts(pairs: &[(&str, usize)]) -> WordCounts {
    pairs
        .iter()
        .map(|&(word, count)| (word.to_string(), count))
        .collect()
}

#[test]
fn zero_workers_is_an_error() {
    let mapped = map_reduce(vec![1u32], 0, u64::from, |total: &mut u64, x| *total += x);
    let words = word_frequencies(vec!["a b".to_string()], 0);
    check!(
        matches!(
            (mapped, words),
            (
                Err(MapReduceError::NoWorkers),
                Err(MapReduceError::NoWorkers)
            )
        ),
        "map_reduce and word_frequencies with 0 workers should be Err(MapReduceError::NoWorkers);"
    );
}

#[test]
fn count_words_splits_on_everything_but_letters_and_digits() {
    let cases: [(&str, WordCounts); 6] = [
        (
            "The cat, the hat. THE end!",
            counts(&[("the", 3), ("cat", 1), ("hat", 1), ("end", 1)]),
        ),
        ("don't stop", counts(&[("don", 1), ("t", 1), ("stop", 1)])),
        ("route 66\n\troute", counts(&[("route", 2), ("66", 1)])),
        ("Größe größe", counts(&[("größe", 2)])),
        ("x² ½ Ⅻ", counts(&[("x²", 1), ("½", 1), ("ⅻ", 1)])),
        ("  ... !? ", WordCounts::new()),
    ];
    for (text, expected) in cases {
        check_eq!(
            count_words(text),
            expected,
            "count_words({text:?}): a word is a run of letters or digits (char::is_alphanumeric), \
             counted in lower case"
        );
    }
}

#[test]
fn merge_counts_adds_word_by_word() {
    let mut total = counts(&[("a", 1), ("b", 2)]);
    merge_counts(&mut total, counts(&[("b", 3), ("c", 1)]));
    check_eq!(
        total,
        counts(&[("a", 1), ("b", 5), ("c", 1)]),
        "merging {{b: 3, c: 1}} into {{a: 1, b: 2}}"
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
    check_eq!(
        ranked(3),
        expected,
        "most_common(counts, 3): highest count first, equal counts in alphabetical order"
    );
    check_eq!(
        ranked(10).len(),
        4,
        "asking for more words than there are gives them all"
    );
}

// ANCHOR: map_reduce_rendezvous
#[test]
fn map_reduce_maps_on_every_worker_at_once() {
    for workers in 2..=4 {
        let all_mapping = Arc::new(Rendezvous::new(workers));
        let stranded = bounded!({
            map_reduce(
                (0..workers).collect(),
                workers,
                |_: usize| usize::from(all_mapping.meet(MEETING).is_err()),
                |total: &mut usize, failed| *total += failed,
            )
        })
        .expect("map_reduce failed");
        check_eq!(
            stranded,
            0,
            "{workers} inputs on {workers} workers were never all mapped at once: start \
             {workers} threads that all take inputs from the one channel"
        );
    }
}
// ANCHOR_END: map_reduce_rendezvous

#[test]
fn never_more_maps_at_once_than_workers() {
    let in_flight = Arc::new(HighWater::new());
    let watched = Arc::clone(&in_flight);
    let total = bounded!({
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
    check!(total.is_ok(), "map_reduce failed: {total:?}");
    check!(
        in_flight.highest() <= 3,
        "map_reduce(.., 3, ..) ran {} maps at once: only the 3 workers should map",
        in_flight.highest()
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
        let got = bounded!({
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
            BOOK
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
        let got = bounded!(word_frequencies(texts, workers));
        prop_assert_eq!(
            got.expect("word_frequencies failed"),
            expected,
            "word_frequencies(texts, {}) should count exactly what one thread counts; {}",
            workers,
            BOOK
        );
    }
}

#[test]
fn count_words_splits_first_and_lowercases_each_word() {
    // 'İ' lowercases to "i̇", an i and a combining dot (U+0307), which is no letter: lowercasing
    // the whole text first would split "İstanbul" into "i" and "stanbul". And a capital sigma
    // lowercases to 'ς' at the end of a word, which str::to_lowercase knows and char's does not.
    let cases = [
        (
            "İstanbul istanbul",
            counts(&[("i\u{307}stanbul", 1), ("istanbul", 1)]),
        ),
        ("ΟΔΟΣ οδος", counts(&[("οδος", 2)])),
    ];
    for (text, expected) in cases {
        check_eq!(
            count_words(text),
            expected,
            "count_words({text:?}): split the text into runs of letters and digits first, then \
             lowercase each word with str::to_lowercase"
        );
    }
}

#[test]
fn a_panic_in_map_reaches_the_caller() {
    for workers in [1, 3] {
        check!(
            panic_reaches_caller("map_reduce with a map that panics", BOOK, 5, move |map| {
                let _ = map_reduce(
                    (0..8).collect(),
                    workers,
                    move |x| map(x),
                    |total, x| {
                        *total += x;
                    },
                );
            }),
            "map panics on input 5, so map_reduce(.., {workers}, ..) should panic too, not \
             return a total without it or wait for a partial that never comes"
        );
    }
}

#[test]
fn map_reduce_errors_say_what_went_wrong() {
    use std::error::Error;
    let refused = map_reduce(vec![1u8], 0, u64::from, |total: &mut u64, x| *total += x);
    let Err(no_workers) = refused else {
        fail!("map_reduce with 0 workers should fail, got {refused:?}");
    };
    let spawn = MapReduceError::Spawn(std::io::Error::other("no more threads"));
    check!(
        no_workers.to_string().contains('0') && no_workers.source().is_none(),
        "MapReduceError::NoWorkers should say 0 workers were asked for, and have no source"
    );
    check!(
        spawn.to_string().contains("no more threads") && spawn.source().is_some(),
        "MapReduceError::Spawn should quote the io::Error and give it as its source"
    );
}

#[test]
fn most_common_of_nothing_is_nothing() {
    let words = counts(&[("a", 1)]);
    check!(
        most_common(&words, 0).is_empty() && most_common(&WordCounts::new(), 3).is_empty(),
        "most_common(counts, 0), and most_common of no words, are empty"
    );
}
