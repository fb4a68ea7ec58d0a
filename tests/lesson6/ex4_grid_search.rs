//! Exercise 4: grid search, the cubic that best fits a target curve.

use std::sync::Mutex;

use proptest::prelude::*;
use subject::{Cubic, SearchError, best_fit, lowest_error};
use testkit::{PATIENCE, Rendezvous, check, check_eq};

use super::{any_cubic, cubic_value, in_pool};

const BOOK: testkit::Book = super::book("grid-search");

/// Six distinct x from -2 to 2: enough that two different cubics never agree at all of them.
const XS: [f64; 6] = [-2.0, -1.2, -0.4, 0.4, 1.2, 2.0];

fn curve(cubic: &Cubic) -> Vec<f64> {
    XS.iter().map(|&x| cubic_value(cubic, x)).collect()
}

/// A grid of `rows` flat lines `y = d`: `d = 1` at row `first_best` and every 9th row after it,
/// `d` between 2 and 8 everywhere else.
fn flat_lines(rows: usize, first_best: usize) -> Vec<Cubic> {
    (0..rows)
        .map(|i| {
            let best = i >= first_best && (i - first_best).is_multiple_of(9);
            let d = if best { 1.0 } else { 2.0 + (i % 7) as f64 };
            Cubic::new(0.0, 0.0, 0.0, d)
        })
        .collect()
}

// ANCHOR: tie_break
#[test]
fn equal_errors_go_to_the_lowest_row_on_any_number_of_threads() {
    // Flat lines against the target y = 0: the error of y = d is 6·d², least for d = 1, which
    // first appears at row 637 and then every 9 rows.
    let grid = flat_lines(2_000, 637);
    let target = [0.0; 6];
    for threads in 1..=4 {
        for run in 0..5 {
            let found = in_pool(threads, || best_fit(&grid, &XS, &target));
            check!(
                matches!(found, Ok(fit) if fit.index == 637 && fit.error == 6.0),
                "run {run} on {threads} threads: rows 637, 646, 655, … fit equally well (error \
                 6), and the lowest, 637, must win every time, but best_fit gave {found:?}; \
                 compare (error, index) pairs so that the answer never depends on which thread \
                 finished first"
            );
        }
    }
}
// ANCHOR_END: tie_break

#[test]
fn the_lowest_of_several_exact_matches_wins() {
    let wanted = Cubic::new(0.25, -0.5, 0.75, 1.0);
    let mut grid: Vec<Cubic> = (0..64)
        .map(|i| Cubic::new(0.0, 0.1 * f64::from(i), 0.5, 0.0))
        .collect();
    for copy in [11, 3, 50, 7] {
        grid[copy] = wanted;
    }
    for threads in 1..=4 {
        let found = in_pool(threads, || best_fit(&grid, &XS, &curve(&wanted)));
        check!(
            matches!(found, Ok(fit) if fit.index == 3 && fit.cubic == wanted),
            "rows 3, 7, 11 and 50 all hold the target's own cubic, so row 3 must win, on \
             {threads} threads; got {found:?}"
        );
    }
}

#[test]
fn the_fit_is_by_squared_error_not_absolute_error() {
    // Against the target (3, 0, 0, 0, 0, 0), y = 0 misses by 3 once (squares: 9) and y = 0.5
    // misses by 2.5 once and by 0.5 five times (squares: 6.25 + 5 · 0.25 = 7.5). By absolute
    // error y = 0 would win, 3 against 5.
    let grid = [
        Cubic::new(0.0, 0.0, 0.0, 0.0),
        Cubic::new(0.0, 0.0, 0.0, 0.5),
    ];
    let target = [3.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    let found = in_pool(2, || best_fit(&grid, &XS, &target));
    check!(
        matches!(found, Ok(fit) if fit.index == 1 && fit.error == 7.5),
        "y = 0 has squared error 9 and y = 0.5 has 7.5 against {target:?}, so row 1 wins with \
         error 7.5, the sum of the squared differences (by absolute differences, 3 against 5, \
         row 0 would); got {found:?}"
    );
}

#[test]
fn the_winners_error_is_summed_in_ascending_order() {
    // Against y = 0 these misses are 1 at the first x and 1e-8 at the five others. Added up
    // from the first, each square of 1e-16 is lost in the rounding of 1 + 1e-16, so the sum is
    // exactly 1; added in pairs or from the end, the small squares meet first and the sum comes
    // out a bit above 1.
    let grid = [Cubic::new(0.0, 0.0, 0.0, 0.0)];
    let target = [-1.0, -1e-8, -1e-8, -1e-8, -1e-8, -1e-8];
    let found = in_pool(2, || best_fit(&grid, &XS, &target));
    check!(
        matches!(found, Ok(fit) if fit.index == 0 && fit.error == 1.0),
        "y = 0 against {target:?}: the squares are 1 and five times 1e-16, and summed in \
         ascending order of j, as the spec says, they make exactly 1.0; got {found:?}"
    );
}

#[test]
fn a_nan_error_never_wins() {
    // At x = ±2, 1e308·x³ overflows to +∞ and -1e308·x² to -∞: their sum is NaN.
    let overflowing = Cubic::new(1e308, -1e308, 0.0, 0.0);
    let grid = [overflowing, Cubic::new(0.0, 0.0, 0.0, 5.0)];
    let found = best_fit(&grid, &XS, &[0.0; 6]);
    check!(
        matches!(found, Ok(fit) if fit.index == 1),
        "row 0's error is NaN, which must count as worse than any number, so row 1 wins; got \
         {found:?}"
    );
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let grid = [Cubic::new(1.0, 0.0, 0.0, 0.0)];
    let cases = [
        (
            best_fit(&[], &XS, &[0.0; 6]),
            Err(SearchError::EmptyGrid),
            "an empty grid",
        ),
        (
            best_fit(&grid, &XS, &[0.0; 5]),
            Err(SearchError::LengthMismatch { xs: 6, target: 5 }),
            "6 x but 5 target values",
        ),
        (
            best_fit(&grid, &[0.0, f64::INFINITY], &[0.0, 0.0]),
            Err(SearchError::NotFinite {
                input: "xs",
                index: 1,
                value: f64::INFINITY,
            }),
            "an infinite x",
        ),
        (
            best_fit(&[], &XS, &[0.0; 2]),
            Err(SearchError::EmptyGrid),
            "an empty grid and 6 x but 2 target values (the empty grid is checked first)",
        ),
        (
            best_fit(&grid, &[f64::NAN, 1.0], &[0.0]),
            Err(SearchError::LengthMismatch { xs: 2, target: 1 }),
            "2 x, one NaN, but 1 target value (lengths are checked before values)",
        ),
        (
            best_fit(
                &grid,
                &[0.0, 1.0, f64::NEG_INFINITY],
                &[f64::INFINITY, 0.0, 0.0],
            ),
            Err(SearchError::NotFinite {
                input: "xs",
                index: 2,
                value: f64::NEG_INFINITY,
            }),
            "a bad x at index 2 and a bad target value at index 0 (xs are checked first)",
        ),
        (
            best_fit(
                &grid,
                &[0.0, 1.0, 2.0],
                &[0.0, f64::INFINITY, f64::NEG_INFINITY],
            ),
            Err(SearchError::NotFinite {
                input: "target",
                index: 1,
                value: f64::INFINITY,
            }),
            "two bad target values (the first is reported)",
        ),
    ];
    for (got, expected, what) in cases {
        check_eq!(got, expected, "best_fit with {what}");
    }
    let nan_target = best_fit(&grid, &[0.0, 1.0], &[0.0, f64::NAN]);
    check!(
        matches!(
            nan_target,
            Err(SearchError::NotFinite {
                input: "target",
                index: 1,
                value
            }) if value.is_nan()
        ),
        "a NaN in the target should be Err(NotFinite {{ input: \"target\", index: 1, .. }}), \
         got {nan_target:?}"
    );
}

#[test]
fn search_errors_say_what_is_wrong() {
    let grid = [Cubic::new(1.0, 0.0, 0.0, 0.0)];
    let messages = [
        (best_fit(&[], &XS, &[0.0; 6]), vec!["no rows"]),
        (
            best_fit(&grid, &XS, &[0.0; 5]),
            vec!["6 x values", "5 target values"],
        ),
        (
            best_fit(&grid, &[0.0; 4], &[0.0, 0.0, 0.0, f64::INFINITY]),
            vec!["target[3]", "inf", "finite"],
        ),
    ];
    for (outcome, words) in messages {
        let text = outcome.as_ref().map_err(ToString::to_string);
        check!(
            matches!(&text, Err(text) if words.iter().all(|word| text.contains(word))),
            "best_fit should fail with an error that reads with {words:?} (the given Display), \
             but gave {outcome:?}, which reads {text:?}"
        );
    }
}

// ANCHOR: parallel_search
#[test]
fn lowest_error_scores_rows_in_parallel() {
    // Every row's error call arrives at one two-party rendezvous: the first two meet, later
    // ones pass. A search that scores one row at a time leaves the first call waiting alone.
    let two_at_once = Rendezvous::new(2);
    let outcomes = Mutex::new(Vec::new());
    let found = in_pool(2, || {
        lowest_error(50, |i| {
            let met = two_at_once.meet(PATIENCE);
            outcomes.lock().unwrap().push(met);
            (i as f64 - 20.0).abs()
        })
    });
    let outcomes = outcomes.into_inner().unwrap();
    check_eq!(
        outcomes.len(),
        50,
        "lowest_error(50, error) should call error once per row"
    );
    if let Some(Err(stranded)) = outcomes.iter().find(|outcome| outcome.is_err()) {
        testkit::fail!(
            "lowest_error(50, ..) on 2 threads never scored two rows at once ({stranded}): \
             score the rows in parallel (a rayon parallel iterator), not one after another"
        );
    }
    check_eq!(
        found,
        Some((20, 0.0)),
        "row 20's error, 0, is the smallest of |i - 20|"
    );
}
// ANCHOR_END: parallel_search

#[test]
fn lowest_error_calls_error_once_per_row() {
    for threads in [1, 3] {
        let calls = Mutex::new(Vec::new());
        let found = in_pool(threads, || {
            lowest_error(100, |i| {
                calls.lock().unwrap().push(i);
                ((i * 37) % 101) as f64
            })
        });
        let mut calls = calls.into_inner().unwrap();
        calls.sort_unstable();
        check_eq!(
            calls,
            (0..100).collect::<Vec<_>>(),
            "lowest_error(100, error) on {threads} threads should call error once for each row"
        );
        check_eq!(
            found,
            Some((0, 0.0)),
            "row 0's error, (0 · 37) mod 101 = 0, is the smallest"
        );
    }
    let never = lowest_error(0, |i| panic!("error was called for row {i} of no rows"));
    check_eq!(never, None, "lowest_error(0, ..) has no row to return");
}

#[test]
fn lowest_error_counts_nan_as_infinity() {
    type Case<'a> = (&'a [f64], Option<(usize, f64)>, &'a str);
    let cases: [Case; 5] = [
        (
            &[f64::NAN, 3.0, f64::INFINITY, 3.0],
            Some((1, 3.0)),
            "3 beats NaN and ∞; the first 3 wins",
        ),
        (
            &[f64::INFINITY, f64::NAN],
            Some((0, f64::INFINITY)),
            "NaN counts as ∞: a tie, row 0 wins",
        ),
        (
            &[-1.0, -7.5, 2.0],
            Some((1, -7.5)),
            "errors may be negative: -7.5 is smallest",
        ),
        (
            &[5.0, f64::NEG_INFINITY, f64::NAN],
            Some((1, f64::NEG_INFINITY)),
            "-∞ is smallest",
        ),
        (
            &[f64::MAX, f64::MAX],
            Some((0, f64::MAX)),
            "equal errors: row 0 wins",
        ),
    ];
    for (errors, expected, why) in cases {
        let found = in_pool(2, || lowest_error(errors.len(), |i| errors[i]));
        check_eq!(
            found,
            expected,
            "lowest_error over errors {errors:?}: {why}"
        );
    }
    let all_nan = in_pool(2, || lowest_error(3, |_| f64::NAN));
    check!(
        matches!(all_nan, Some((0, error)) if error.is_nan()),
        "when every error is NaN, all tie (as ∞) and row 0 wins with its own error, NaN; got \
         {all_nan:?}"
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn finds_the_row_the_target_was_made_from(
        grid in proptest::collection::vec(any_cubic(), 1..200),
        pick in any::<prop::sample::Index>(),
        threads in 1usize..=4,
    ) {
        let made_from = grid[pick.index(grid.len())];
        let first_copy = grid.iter().position(|c| *c == made_from).expect("it was picked from the grid");
        let found = in_pool(threads, || best_fit(&grid, &XS, &curve(&made_from)));
        prop_assert!(
            matches!(found, Ok(fit) if fit.index == first_copy && fit.error < 1e-18),
            "the target is row {}'s own curve, so row {} should win with an error of about 0; \
             got {:?}; {}",
            first_copy,
            first_copy,
            found,
            BOOK
        );
    }
}
