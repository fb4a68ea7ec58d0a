//! Exercise 1: the grid, numpy's `linspace` and Python's `itertools.product`.

use proptest::prelude::*;
use subject::{Cubic, cubic_grid, linspace, product};
use testkit::{check, check_eq};

use super::{bits, every_combination};

const BOOK: testkit::Book = super::book("grid");

/// `np.linspace(0, 1, 10)`, as numpy prints it: the seed's values for each of a, b, c and d.
const SEED_AXIS: [f64; 10] = [
    0.0,
    0.1111111111111111,
    0.2222222222222222,
    0.3333333333333333,
    0.4444444444444444,
    0.5555555555555556,
    0.6666666666666666,
    0.7777777777777777,
    0.8888888888888888,
    1.0,
];

#[test]
fn linspace_gives_numpys_values_bit_for_bit() {
    check_eq!(
        bits(&linspace(0.0, 1.0, 10)),
        bits(&SEED_AXIS),
        "linspace(0.0, 1.0, 10) should be np.linspace(0, 1, 10), {SEED_AXIS:?}"
    );
    let numpy = [
        -1.0,
        -0.6666666666666667,
        -0.33333333333333337,
        0.0,
        0.33333333333333326,
        0.6666666666666665,
        1.0,
    ];
    check_eq!(
        bits(&linspace(-1.0, 1.0, 7)),
        bits(&numpy),
        "linspace(-1.0, 1.0, 7) should be numpy's {numpy:?}: element i is start + i * step, with \
         step = (end - start) / (points - 1), and the last element is end itself"
    );
}

#[test]
fn linspace_reaches_both_ends_of_the_seed_range() {
    let xs = linspace(-2.0, 2.0, 50);
    check_eq!(
        xs.len(),
        50,
        "linspace(-2.0, 2.0, 50) should give 50 points"
    );
    check_eq!(
        (xs[0], xs[49]),
        (-2.0, 2.0),
        "the seed's x run from -2 to 2, both included"
    );
    check_eq!(
        xs[1],
        -1.9183673469387754,
        "50 points from -2 to 2 are 4/49 apart (49 gaps between 50 points), so the second is \
         numpy's -1.9183673469387754"
    );
}

#[test]
fn linspace_of_zero_one_and_two_points() {
    check_eq!(linspace(3.0, 5.0, 0), Vec::<f64>::new(), "no points: empty");
    check_eq!(
        linspace(3.0, 5.0, 1),
        vec![3.0],
        "one point is the start, as in numpy"
    );
    check_eq!(
        linspace(3.0, 5.0, 2),
        vec![3.0, 5.0],
        "two points are the two ends"
    );
    check_eq!(
        linspace(1.0, 0.0, 3),
        vec![1.0, 0.5, 0.0],
        "a range may run downwards"
    );
}

#[test]
fn product_follows_itertools_order() {
    let got = product(&[&[1.0, 2.0], &[10.0, 20.0, 30.0]]);
    let expected = vec![
        vec![1.0, 10.0],
        vec![1.0, 20.0],
        vec![1.0, 30.0],
        vec![2.0, 10.0],
        vec![2.0, 20.0],
        vec![2.0, 30.0],
    ];
    check_eq!(
        got,
        expected,
        "itertools.product([1, 2], [10, 20, 30]) changes the last axis fastest, like an odometer"
    );
}

#[test]
fn product_of_an_empty_axis_or_of_no_axes() {
    check_eq!(
        product(&[&[1.0, 2.0], &[], &[3.0]]),
        Vec::<Vec<f64>>::new(),
        "one empty axis leaves nothing to combine"
    );
    check_eq!(
        product(&[]),
        vec![Vec::<f64>::new()],
        "itertools.product() with no axes gives one empty tuple, so product(&[]) is one empty row"
    );
}

#[test]
fn the_seed_grid_has_d_changing_fastest() {
    let grid = cubic_grid(&SEED_AXIS, &SEED_AXIS, &SEED_AXIS, &SEED_AXIS);
    check_eq!(
        grid.len(),
        10_000,
        "10 values for each of a, b, c, d make 10 000 cubics"
    );
    let ninth = SEED_AXIS[1];
    let rows = [
        (0, Cubic::new(0.0, 0.0, 0.0, 0.0)),
        (1, Cubic::new(0.0, 0.0, 0.0, ninth)),
        (10, Cubic::new(0.0, 0.0, ninth, 0.0)),
        (1_000, Cubic::new(ninth, 0.0, 0.0, 0.0)),
        (9_999, Cubic::new(1.0, 1.0, 1.0, 1.0)),
    ];
    for (index, expected) in rows {
        check_eq!(
            grid[index],
            expected,
            "row {index} of the seed grid, the line after the header in grid_params.csv; the \
             grid must follow itertools.product(a, b, c, d)"
        );
    }
}

/// The coefficient (`"a"` to `"d"`) that differs between the first two rows of `grid`: the one
/// that changes fastest.
fn fastest(grid: &[Cubic]) -> &'static str {
    let (first, second) = (grid[0], grid[1]);
    [
        ("a", first.a != second.a),
        ("b", first.b != second.b),
        ("c", first.c != second.c),
        ("d", first.d != second.d),
    ]
    .into_iter()
    .find(|&(_, differs)| differs)
    .map_or("none", |(name, _)| name)
}

// ANCHOR: distinct_axes
#[test]
fn a_grid_of_four_different_axes_keeps_each_coefficient_on_its_axis() {
    let (a, b, c, d) = (
        [1.0, 2.0],
        [10.0, 20.0, 30.0],
        [100.0, 200.0],
        [1e3, 2e3, 3e3, 4e3, 5e3],
    );
    let grid = cubic_grid(&a, &b, &c, &d);
    let expected = every_combination(&a, &b, &c, &d);
    check_eq!(
        grid.len(),
        expected.len(),
        "cubic_grid of axes of 2, 3, 2 and 5 values has 2·3·2·5 = 60 rows"
    );
    check!(
        grid == expected,
        "cubic_grid(a = {a:?}, b = {b:?}, c = {c:?}, d = {d:?}) should follow \
         itertools.product(a, b, c, d): each coefficient takes its values from its own axis, d \
         changes fastest and a slowest, but in your grid {} changes fastest; its first rows are \
         {:?}",
        fastest(&grid),
        &grid[..grid.len().min(6)]
    );
}
// ANCHOR_END: distinct_axes

fn any_axes() -> impl Strategy<Value = Vec<Vec<f64>>> {
    proptest::collection::vec(proptest::collection::vec(-1e3..1e3f64, 0..5), 0..5)
}

proptest! {
    #![proptest_config(testkit::proptest_config(128))]

    #[test]
    fn linspace_is_evenly_spaced_from_end_to_end(
        start in -1e6..1e6f64,
        end in -1e6..1e6f64,
        points in 2usize..200,
    ) {
        let xs = linspace(start, end, points);
        prop_assert_eq!(xs.len(), points, "linspace(.., {}) has the wrong length; {}", points, BOOK);
        prop_assert_eq!(
            (xs[0], xs[points - 1]),
            (start, end),
            "linspace must start at start and end exactly at end; {}",
            BOOK
        );
        let step = (end - start) / (points - 1) as f64;
        let slack = 1e-9 * (start.abs() + end.abs() + 1.0);
        for (i, pair) in xs.windows(2).enumerate() {
            prop_assert!(
                (pair[1] - pair[0] - step).abs() <= slack,
                "the gap after point {} is {}, not (end - start) / (points - 1) = {}; {}",
                i,
                pair[1] - pair[0],
                step,
                BOOK
            );
        }
    }

    #[test]
    fn product_row_r_counts_in_mixed_radix(axes in any_axes()) {
        let views: Vec<&[f64]> = axes.iter().map(Vec::as_slice).collect();
        let rows = product(&views);
        let count: usize = axes.iter().map(Vec::len).product();
        prop_assert_eq!(rows.len(), count, "the product has one row per combination; {}", BOOK);
        for (r, row) in rows.iter().enumerate() {
            // Row r's digits, last axis least significant, as itertools.product counts.
            let mut rest = r;
            let mut expected = vec![0.0; axes.len()];
            for (slot, axis) in expected.iter_mut().zip(&axes).rev() {
                *slot = axis[rest % axis.len()];
                rest /= axis.len();
            }
            prop_assert_eq!(
                row,
                &expected,
                "row {} of the product of axes {:?}; {}",
                r,
                axes,
                BOOK
            );
        }
    }
}
