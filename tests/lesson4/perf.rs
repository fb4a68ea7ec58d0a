// Lesson 4's performance kernels, for `cargo xtask grade`: the contract is in the header of
// tests/lesson1/perf.rs.

use std::collections::BTreeMap;

/// Exercise 1's fixed workers: 2 000 items of about 200 000 busy rounds each (a few more,
/// drawn from the seed), so each worker takes hundreds of items from the queue and the cost of
/// the channels shows next to the work.
const ITEMS: usize = 2_000;
const ITERATIONS: u64 = 200_000;

/// Exercise 5's word count: 300 texts of 4 000 words each, drawn from 800 different words.
const TEXTS: usize = 300;
const WORDS_PER_TEXT: usize = 4_000;
const VOCABULARY: u64 = 800;

/// The kernels of lesson 4.
pub fn kernels(k: &mut impl crate::Kernels) {
    k.kernel("ordered_map_busy_loop", busy_inputs, testkit::spin_each, busy_ordered);
    k.kernel("word_frequencies", texts, words_serial, words_map_reduce);
}

fn busy_inputs(seed: u64) -> Vec<u64> {
    (0..ITEMS as u64)
        .map(|i| ITERATIONS + perfkit::mix(seed, i) % 7)
        .collect()
}

fn busy_ordered(items: &Vec<u64>, threads: usize) -> Vec<u64> {
    subject::ordered_map(items.clone(), threads, testkit::spin)
        .expect("ordered_map failed with at least 1 worker")
}

/// Texts of words separated by spaces and punctuation, some capitalised, from the seed's
/// pseudo-random sequence, so each run counts other words.
fn texts(seed: u64) -> Vec<String> {
    let mut drawn = 0;
    let mut next = move || {
        drawn += 1;
        perfkit::mix(seed, drawn)
    };
    (0..TEXTS)
        .map(|_| {
            let mut text = String::new();
            for _ in 0..WORDS_PER_TEXT {
                let draw = next();
                let mut id = draw % VOCABULARY;
                let mut word = String::new();
                loop {
                    word.push(char::from(b'a' + (id % 26) as u8));
                    id /= 26;
                    if id == 0 {
                        break;
                    }
                }
                if draw % 5 == 0 {
                    word = word.to_uppercase();
                }
                text.push_str(&word);
                text.push_str(if draw % 11 == 0 { ". " } else { " " });
            }
            text
        })
        .collect()
}

/// The serial version: every text counted and merged on this thread.
fn words_serial(texts: &Vec<String>) -> BTreeMap<String, usize> {
    let mut total = subject::WordCounts::new();
    for text in texts {
        subject::merge_counts(&mut total, subject::count_words(text));
    }
    total.into_iter().collect()
}

fn words_map_reduce(texts: &Vec<String>, threads: usize) -> BTreeMap<String, usize> {
    subject::word_frequencies(texts.clone(), threads)
        .expect("word_frequencies failed with at least 1 worker")
        .into_iter()
        .collect()
}
