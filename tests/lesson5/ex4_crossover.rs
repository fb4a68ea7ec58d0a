//! Exercise 4: the crossover search, on a synthetic cost model whose answer is known.

use std::collections::BTreeMap;
use std::time::Duration;

use proptest::prelude::*;
use subject::{Crossover, CrossoverError, Race, Search, find_crossover};

// ANCHOR: cost_model
/// A parallel version that pays `overhead_ns` to start and then splits `per_item_ns` of work per
/// item over `threads`, against a serial version that just does the work: the shape of seed
/// 004's table, in whole nanoseconds so every comparison is exact.
#[derive(Debug, Clone, Copy)]
struct CostModel {
    overhead_ns: u64,
    per_item_ns: u64,
    threads: u64,
}

impl CostModel {
    fn race(&self, n: u64) -> Race {
        let work = n * self.per_item_ns;
        Race {
            serial: Duration::from_nanos(work),
            parallel: Duration::from_nanos(self.overhead_ns + work.div_ceil(self.threads)),
        }
    }

    /// The answer by brute force: the first size from `start` on where parallel is faster.
    fn first_win(&self, start: u64, limit: u64) -> Option<u64> {
        (start..=limit).find(|&n| {
            let race = self.race(n);
            race.parallel < race.serial
        })
    }
}
// ANCHOR_END: cost_model

/// The seed-004-like model the book works through: 100 µs to start, 5 ns per item, 2 threads.
/// At n = 40 000 both take 200 µs (a tie, which parallel does not win); at 40 001 parallel wins.
const BOOK_MODEL: CostModel = CostModel {
    overhead_ns: 100_000,
    per_item_ns: 5,
    threads: 2,
};

fn search(start: u64, limit: u64, repetitions: usize) -> Search {
    Search {
        start,
        limit,
        repetitions,
    }
}

fn found(search: &Search, race: impl FnMut(u64) -> Race) -> Crossover {
    find_crossover(search, race).unwrap_or_else(|error| {
        panic!(
            "find_crossover({search:?}) failed with \"{error}\", but the search is valid; {}",
            super::see("crossover")
        )
    })
}

// ANCHOR: crossover_test
#[test]
fn finds_the_first_size_where_parallel_is_strictly_faster() {
    let answer = found(&search(1, 1 << 30, 3), |n| BOOK_MODEL.race(n));
    assert_eq!(
        answer,
        Crossover::At(40_001),
        "at n = 40 000 serial and parallel tie (200 µs each) and at 40 001 parallel wins: the \
         answer is the first size that wins, not the last one that loses; {}",
        super::see("crossover")
    );
}
// ANCHOR_END: crossover_test

#[test]
fn a_win_at_the_start_is_the_answer() {
    let answer = found(&search(50_000, 1 << 20, 1), |n| BOOK_MODEL.race(n));
    assert_eq!(
        answer,
        Crossover::At(50_000),
        "parallel already wins at the first size tried; {}",
        super::see("crossover")
    );
}

#[test]
fn gives_up_at_the_limit_without_going_past_it() {
    let one_thread = CostModel {
        threads: 1,
        ..BOOK_MODEL
    };
    let mut largest = 0;
    let answer = found(&search(3, 1_000, 3), |n| {
        largest = largest.max(n);
        one_thread.race(n)
    });
    assert_eq!(
        (answer, largest),
        (Crossover::NotUpTo(1_000), 1_000),
        "one thread plus start-up never beats serial: try the limit itself, never more, then \
         answer NotUpTo(limit) (got the answer and the largest size raced); {}",
        super::see("crossover")
    );
}

#[test]
fn races_each_size_it_tries_exactly_repetitions_times() {
    let mut races = BTreeMap::<u64, usize>::new();
    found(&search(1, 1 << 30, 5), |n| {
        *races.entry(n).or_default() += 1;
        BOOK_MODEL.race(n)
    });
    let wrong: Vec<_> = races.iter().filter(|&(_, &count)| count != 5).collect();
    assert!(
        wrong.is_empty(),
        "with 5 repetitions every size tried should be raced exactly 5 times (and never again \
         later); these were not (size, races): {wrong:?}; {}",
        super::see("crossover")
    );
}

#[test]
fn doubling_and_bisection_need_few_sizes() {
    let mut sizes = 0;
    found(&search(1, 1 << 40, 1), |n| {
        sizes += 1;
        BOOK_MODEL.race(n)
    });
    assert!(
        sizes <= 2 * 40,
        "finding 40 001 below 2^40 took {sizes} races: doubling needs about log2(40 001) = 16, \
         bisection as many again; a scan size by size would need 40 001; {}",
        super::see("crossover")
    );
}

#[test]
fn one_disturbed_race_does_not_flip_a_verdict() {
    let mut calls = 0;
    let answer = found(&search(1, 1 << 30, 5), |n| {
        calls += 1;
        let mut race = BOOK_MODEL.race(n);
        // The third race at every size is disturbed: the slower side looks 10x faster.
        if calls % 5 == 3 {
            if race.parallel < race.serial {
                race.serial /= 10;
            } else {
                race.parallel /= 10;
            }
        }
        race
    });
    assert_eq!(
        answer,
        Crossover::At(40_001),
        "one race in five at every size was disturbed; comparing the medians of the five \
         serial times and the five parallel times ignores it; {}",
        super::see("crossover")
    );
}

#[test]
fn impossible_searches_are_refused() {
    let cases = [
        (search(0, 10, 3), CrossoverError::ZeroStart),
        (
            search(10, 5, 3),
            CrossoverError::LimitBelowStart {
                start: 10,
                limit: 5,
            },
        ),
        (search(1, 10, 0), CrossoverError::NoRepetitions),
    ];
    for (search, expected) in cases {
        assert_eq!(
            find_crossover(&search, |n| BOOK_MODEL.race(n)),
            Err(expected),
            "{search:?} cannot be searched; {}",
            super::see("crossover")
        );
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn agrees_with_a_brute_force_scan(
        overhead_ns in 1u64..20_000,
        per_item_ns in 1u64..50,
        threads in 1u64..=8,
        start in 1u64..=64,
        limit in 64u64..=100_000,
    ) {
        let model = CostModel { overhead_ns, per_item_ns, threads };
        let expected = model.first_win(start, limit).map_or(Crossover::NotUpTo(limit), Crossover::At);
        let answer = found(&search(start, limit, 1), |n| model.race(n));
        prop_assert_eq!(
            answer, expected,
            "{:?} searched from {} to {}; {}", model, start, limit, super::see("crossover")
        );
    }
}
