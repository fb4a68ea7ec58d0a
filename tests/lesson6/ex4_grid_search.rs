//! Exercise 4: grid search, the cubic that best fits a target curve.

use proptest::prelude::*;
use subject::{Cubic, SearchError, best_fit};

use super::{any_cubic, cubic_value, in_pool};

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
            assert!(
                matches!(found, Ok(fit) if fit.index == 637 && fit.error == 6.0),
                "run {run} on {threads} threads: rows 637, 646, 655, … fit equally well (error \
                 6), and the lowest, 637, must win every time, but best_fit gave {found:?}; \
                 compare (error, index) pairs so that the answer never depends on which thread \
                 finished first; {}",
                super::see("grid-search")
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
        assert!(
            matches!(found, Ok(fit) if fit.index == 3 && fit.cubic == wanted),
            "rows 3, 7, 11 and 50 all hold the target's own cubic, so row 3 must win, on \
             {threads} threads; got {found:?}; {}",
            super::see("grid-search")
        );
    }
}

#[test]
fn a_nan_error_never_wins() {
    // At x = ±2, 1e308·x³ overflows to +∞ and -1e308·x² to -∞: their sum is NaN.
    let overflowing = Cubic::new(1e308, -1e308, 0.0, 0.0);
    let grid = [overflowing, Cubic::new(0.0, 0.0, 0.0, 5.0)];
    let found = best_fit(&grid, &XS, &[0.0; 6]);
    assert!(
        matches!(found, Ok(fit) if fit.index == 1),
        "row 0's error is NaN, which must count as worse than any number, so row 1 wins; got \
         {found:?}; {}",
        super::see("grid-search")
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
    ];
    for (got, expected, what) in cases {
        assert_eq!(
            got,
            expected,
            "best_fit with {what}; {}",
            super::see("grid-search")
        );
    }
    let nan_target = best_fit(&grid, &[0.0, 1.0], &[0.0, f64::NAN]);
    assert!(
        matches!(
            nan_target,
            Err(SearchError::NotFinite {
                input: "target",
                index: 1,
                value
            }) if value.is_nan()
        ),
        "a NaN in the target should be Err(NotFinite {{ input: \"target\", index: 1, .. }}), \
         got {nan_target:?}; {}",
        super::see("grid-search")
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
            super::see("grid-search")
        );
    }
}
