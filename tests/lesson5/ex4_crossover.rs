//! Exercise 4: the crossover search, on a synthetic cost model whose answer is known.

use std::collections::BTreeMap;
use std::time::Duration;

use proptest::prelude::*;
use subject::{Crossover, CrossoverError, Race, Search, find_crossover};
use testkit::{check, check_eq, fail};

const BOOK: testkit::Book = super::book("crossover");

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

/// More races than any right search needs (64 doublings and 64 halvings, a few races each,
/// many times over): a search that gets there is going round in circles.
const MOST_RACES: usize = 100_000;

/// `race`, failing the test once it is called [`MOST_RACES`] times, so that a search which
/// never ends fails at once instead of hanging.
fn limited(mut race: impl FnMut(u64) -> Race) -> impl FnMut(u64) -> Race {
    let mut races = 0;
    move |n| {
        races += 1;
        if races > MOST_RACES {
            fail!(
                "the search raced {MOST_RACES} times without an answer (the last at size {n}): \
                 does every step of the doubling and the bisection make progress?"
            );
        }
        race(n)
    }
}

fn found(search: &Search, race: impl FnMut(u64) -> Race) -> Crossover {
    find_crossover(search, limited(race)).unwrap_or_else(|error| {
        fail!("find_crossover({search:?}) failed with \"{error}\", but the search is valid")
    })
}

/// A race in which parallel wins exactly from `threshold` on: 1 ms against 2 ms, with no
/// arithmetic on the size, so sizes up to `u64::MAX` are safe to race.
fn wins_from(threshold: u64) -> impl FnMut(u64) -> Race {
    move |n| Race {
        serial: Duration::from_millis(2),
        parallel: Duration::from_millis(if n >= threshold { 1 } else { 3 }),
    }
}

// ANCHOR: crossover_test
#[test]
fn finds_the_first_size_where_parallel_is_strictly_faster() {
    let answer = found(&search(1, 1 << 30, 3), |n| BOOK_MODEL.race(n));
    check_eq!(
        answer,
        Crossover::At(40_001),
        "at n = 40 000 serial and parallel tie (200 µs each) and at 40 001 parallel wins: the \
         answer is the first size that wins, not the last one that loses"
    );
}
// ANCHOR_END: crossover_test

#[test]
fn a_win_at_the_start_is_the_answer() {
    let answer = found(&search(50_000, 1 << 20, 1), |n| BOOK_MODEL.race(n));
    check_eq!(
        answer,
        Crossover::At(50_000),
        "parallel already wins at the first size tried"
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
    check_eq!(
        (answer, largest),
        (Crossover::NotUpTo(1_000), 1_000),
        "one thread plus start-up never beats serial: try the limit itself, never more, then \
         answer NotUpTo(limit) (got the answer and the largest size raced)"
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
    check!(
        wrong.is_empty(),
        "with 5 repetitions every size tried should be raced exactly 5 times (and never again \
         later); these were not (size, races): {wrong:?}"
    );
}

#[test]
fn doubling_and_bisection_need_few_sizes() {
    let mut sizes = 0;
    found(&search(1, 1 << 40, 1), |n| {
        sizes += 1;
        BOOK_MODEL.race(n)
    });
    check!(
        sizes <= 2 * 40,
        "finding 40 001 below 2^40 took {sizes} races: doubling needs about log2(40 001) = 16, \
         bisection as many again; a scan size by size would need 40 001"
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
    check_eq!(
        answer,
        Crossover::At(40_001),
        "one race in five at every size was disturbed; comparing the medians of the five \
         serial times and the five parallel times ignores it"
    );
}

#[test]
fn the_medians_decide_not_a_majority_of_races() {
    // At every size the three races are paired so that the side whose median is faster wins
    // only one race of the three: a verdict by counting races is wrong at every size.
    let mut raced = BTreeMap::<u64, u32>::new();
    let answer = found(&search(1, 1 << 30, 3), |n| {
        let round = raced.entry(n).or_default();
        *round += 1;
        let Race {
            serial: s,
            parallel: p,
        } = BOOK_MODEL.race(n);
        let zero = Duration::ZERO;
        // Medians stay s and p; the winner by median wins round 1 only.
        let (serial, parallel) = match (p < s, *round) {
            (_, 1) => (s, p),
            (true, 2) => (zero, zero),
            (true, _) => (s, s + p),
            (false, 2) => (s + p + Duration::from_nanos(1), p),
            (false, _) => (s, zero),
        };
        Race { serial, parallel }
    });
    check_eq!(
        answer,
        Crossover::At(40_001),
        "the three races at each size were paired so that the faster median wins only one of \
         them: judge a size by comparing the median serial time with the median parallel time, \
         never by counting the races parallel won"
    );
}

#[test]
fn searches_up_to_u64_max_never_overflow() {
    let top = u64::MAX;
    let cases = [
        (search(1, top, 1), top - 1, Crossover::At(top - 1)),
        (search(1, top, 1), top, Crossover::At(top)),
        (
            search(3, top, 1),
            (1 << 63) + 5,
            Crossover::At((1 << 63) + 5),
        ),
        (search(top - 10, top, 1), top - 3, Crossover::At(top - 3)),
        (search(top, top, 2), top, Crossover::At(top)),
        (search(1 << 62, top, 1), 0, Crossover::At(1 << 62)),
    ];
    for (search, threshold, expected) in cases {
        let outcome = super::no_panic(|| find_crossover(&search, limited(wins_from(threshold))));
        check_eq!(
            outcome,
            Ok(Ok(expected)),
            "{search:?} where parallel wins from {threshold} on (Err(text) is a panic): near \
             u64::MAX, 2 n and lost + won overflow; saturate the doubling at the limit and take \
             the middle as lost + (won - lost) / 2"
        );
    }
    let never_wins = |_| Race {
        serial: Duration::from_millis(2),
        parallel: Duration::from_millis(3),
    };
    let never = super::no_panic(|| find_crossover(&search(5, top, 1), limited(never_wins)));
    check_eq!(
        never,
        Ok(Ok(Crossover::NotUpTo(top))),
        "a search from 5 to u64::MAX that parallel never wins ends at u64::MAX itself (Err(text) \
         is a panic)"
    );
}

#[test]
fn impossible_searches_are_refused_before_any_race() {
    let cases = [
        (search(0, 10, 3), CrossoverError::ZeroStart),
        (search(0, 10, 0), CrossoverError::ZeroStart),
        (
            search(10, 5, 3),
            CrossoverError::LimitBelowStart {
                start: 10,
                limit: 5,
            },
        ),
        (
            search(10, 5, 0),
            CrossoverError::LimitBelowStart {
                start: 10,
                limit: 5,
            },
        ),
        (search(1, 10, 0), CrossoverError::NoRepetitions),
    ];
    for (search, expected) in cases {
        let got = find_crossover(&search, |n| -> Race {
            fail!("{search:?} cannot be searched, yet it raced size {n}: check it before racing")
        });
        check_eq!(
            got,
            Err(expected.clone()),
            "{search:?} cannot be searched: it should fail with {expected:?}, the first error \
             that applies in the order ZeroStart, LimitBelowStart, NoRepetitions"
        );
    }
}

#[test]
fn errors_say_what_went_wrong() {
    let refused = |search: Search| {
        find_crossover(&search, limited(|n| BOOK_MODEL.race(n)))
            .expect_err("this search cannot start")
    };
    let cases: [(CrossoverError, &[&str]); 3] = [
        (refused(search(0, 10, 1)), &["size 0"]),
        (refused(search(10, 5, 1)), &["size 10", "stop at 5"]),
        (refused(search(1, 10, 0)), &["repetitions is 0"]),
    ];
    for (error, words) in cases {
        super::says(&error, words, BOOK);
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
        check_eq!(answer, expected, "{model:?} searched from {start} to {limit}");
    }
}
