//! Exercise 5: seed 002's `parallel_dot`, a matrix product by blocks of rows.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use subject::{LoopOrder, Matrix, MatrixError, matmul_serial, parallel_dot};
use testkit::{check, check_eq};

use super::in_pool;

const BOOK: testkit::Book = super::book("parallel-dot");

const ORDERS: [LoopOrder; 2] = [LoopOrder::Ijk, LoopOrder::Ikj];

/// `a × b` by the definition, computed by the suite itself.
fn product_by_definition(a: &Matrix, b: &Matrix) -> Matrix {
    Matrix::from_fn(a.rows(), b.cols(), |i, j| {
        (0..a.cols()).fold(0i64, |sum, k| {
            sum.wrapping_add(a.get(i, k).wrapping_mul(b.get(k, j)))
        })
    })
}

fn matrix(rows: usize, cols: usize, entries: &[i64]) -> Matrix {
    Matrix::new(rows, cols, entries.to_vec()).expect("the test built a matrix of the wrong size")
}

/// A `rows × cols` matrix of small integers, like seed 002's `np.random.randint`.
fn any_matrix(rows: usize, cols: usize) -> impl Strategy<Value = Matrix> {
    proptest::collection::vec(-20i64..20, rows * cols)
        .prop_map(move |entries| matrix(rows, cols, &entries))
}

/// Two matrices that can be multiplied: `m × k` and `k × n`, each side 0 to 9.
fn any_pair() -> impl Strategy<Value = (Matrix, Matrix)> {
    (0usize..10, 0usize..10, 0usize..10)
        .prop_flat_map(|(m, k, n)| (any_matrix(m, k), any_matrix(k, n)))
}

#[test]
fn a_small_product_in_both_loop_orders() {
    let a = matrix(2, 3, &[1, 2, 3, 4, 5, 6]);
    let b = matrix(3, 2, &[7, 8, 9, 10, 11, 12]);
    let expected = matrix(2, 2, &[58, 64, 139, 154]);
    for order in ORDERS {
        check_eq!(
            matmul_serial(&a, &b, order),
            Ok(expected.clone()),
            "[[1, 2, 3], [4, 5, 6]] × [[7, 8], [9, 10], [11, 12]] in {order:?} order",
        );
        check_eq!(
            parallel_dot(&a, &b, 1, order),
            Ok(expected.clone()),
            "parallel_dot of the same matrices, a block per row, in {order:?} order",
        );
    }
}

// ANCHOR: partial_block
#[test]
fn the_last_partial_block_is_computed_too() {
    let a = Matrix::from_fn(7, 3, |i, k| (i * 3 + k) as i64 + 1);
    let b = Matrix::from_fn(3, 4, |k, j| (k + j) as i64 - 2);
    let expected = product_by_definition(&a, &b);
    for order in ORDERS {
        let got = in_pool(2, || parallel_dot(&a, &b, 3, order));
        check_eq!(
            got,
            Ok(expected.clone()),
            "7 rows in blocks of 3 are blocks of 3, 3 and 1 rows; the last block, row 6, must \
             be computed too ({order:?} order)",
        );
    }
}
// ANCHOR_END: partial_block

#[test]
fn products_wrap_on_overflow_like_numpys_int64() {
    let a = matrix(1, 2, &[i64::MAX, 1]);
    let b = matrix(2, 1, &[2, 3]);
    let wrapped = matrix(1, 1, &[i64::MAX.wrapping_mul(2).wrapping_add(3)]);
    for order in ORDERS {
        check_eq!(
            matmul_serial(&a, &b, order),
            Ok(wrapped.clone()),
            "i64::MAX · 2 + 3 wraps around in numpy's int64: use wrapping_mul and wrapping_add \
             ({order:?} order)",
        );
        check_eq!(
            parallel_dot(&a, &b, 1, order),
            Ok(wrapped.clone()),
            "parallel_dot should wrap the same way ({order:?} order)",
        );
    }
}

#[test]
fn mismatched_shapes_are_refused_naming_both() {
    let a = Matrix::zeros(2, 3);
    let b = Matrix::zeros(4, 5);
    let mismatch = Err(MatrixError::ShapeMismatch {
        left: (2, 3),
        right: (4, 5),
    });
    for order in ORDERS {
        let serial = matmul_serial(&a, &b, order);
        let parallel = parallel_dot(&a, &b, 2, order);
        check!(
            serial == mismatch && parallel == mismatch,
            "a 2×3 matrix cannot multiply a 4×5 one (3 ≠ 4): both functions should return \
             Err(MatrixError::ShapeMismatch {{ left: (2, 3), right: (4, 5) }}), got {serial:?} \
             and {parallel:?}",
        );
    }
}

#[test]
fn blocks_of_zero_rows_are_refused() {
    let a = Matrix::zeros(2, 2);
    let refused = parallel_dot(&a, &a, 0, LoopOrder::Ikj);
    check_eq!(
        refused,
        Err(MatrixError::NoRowsPerBlock),
        "blocks of 0 rows would never cover the matrix",
    );
}

#[test]
fn a_shape_mismatch_is_reported_before_zero_rows_per_block() {
    let (a, b) = (Matrix::zeros(2, 3), Matrix::zeros(4, 5));
    check_eq!(
        parallel_dot(&a, &b, 0, LoopOrder::Ijk),
        Err(MatrixError::ShapeMismatch {
            left: (2, 3),
            right: (4, 5),
        }),
        "parallel_dot of a 2×3 and a 4×5 matrix with blocks of 0 rows: the shapes are checked \
         first"
    );
}

#[test]
fn blocks_larger_than_the_matrix_make_one_block() {
    let a = Matrix::from_fn(5, 4, |i, k| (i as i64 - 2) * (k as i64 + 1));
    let b = Matrix::from_fn(4, 3, |k, j| (k * 3 + j) as i64 - 5);
    let expected = product_by_definition(&a, &b);
    for rows_per_block in [5, 6, usize::MAX / 2, usize::MAX] {
        for order in ORDERS {
            let got = in_pool(2, || parallel_dot(&a, &b, rows_per_block, order));
            check_eq!(
                got,
                Ok(expected.clone()),
                "parallel_dot of a 5×4 and a 4×3 matrix in blocks of {rows_per_block} rows is \
                 one block of all 5 rows ({order:?} order; mind that rows_per_block * columns \
                 overflows)"
            );
        }
    }
}

#[test]
fn large_entries_wrap_the_same_in_every_order_and_block() {
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let a = Matrix::from_fn(23, 17, |_, _| rng.random());
    let b = Matrix::from_fn(17, 19, |_, _| rng.random());
    let expected = product_by_definition(&a, &b);
    for order in ORDERS {
        check_eq!(
            matmul_serial(&a, &b, order),
            Ok(expected.clone()),
            "matmul_serial of 23×17 and 17×19 matrices of full-range i64 in {order:?} order: \
             every entry is the wrapping sum of wrapping products, whatever the loop order"
        );
        for (threads, rows_per_block) in [(1, 23), (2, 12), (3, 8), (2, 5), (3, 1)] {
            let got = in_pool(threads, || parallel_dot(&a, &b, rows_per_block, order));
            check!(
                got.as_ref() == Ok(&expected),
                "parallel_dot of the same matrices in blocks of {rows_per_block} rows on \
                 {threads} threads, {order:?} order, should equal the product exactly, as the \
                 grader checks against the serial product"
            );
        }
    }
}

#[test]
fn matrices_hold_their_entries_row_by_row() {
    let identity = Matrix::from_fn(3, 3, |i, j| i64::from(i == j));
    let m = matmul_serial(
        &matrix(2, 3, &[1, 2, 3, 4, 5, 6]),
        &identity,
        LoopOrder::Ikj,
    )
    .expect("a 2×3 matrix times the 3×3 identity");
    check!(
        m.rows() == 2 && m.cols() == 3 && m.as_slice() == [1, 2, 3, 4, 5, 6],
        "Matrix::new(2, 3, [1, 2, 3, 4, 5, 6]) is 2×3 with those entries, row by row: {m:?}"
    );
    check!(
        m.row(1) == [4, 5, 6] && m.get(1, 0) == 4 && m.get(0, 2) == 3,
        "row 1 of [[1, 2, 3], [4, 5, 6]] is [4, 5, 6], entry (1, 0) is 4, (0, 2) is 3"
    );
    let wrong = Matrix::new(2, 3, vec![1, 2]);
    check_eq!(
        wrong.clone(),
        Err(MatrixError::DataLength {
            rows: 2,
            cols: 3,
            len: 2,
        }),
        "a 2×3 matrix needs 6 entries"
    );
    let messages = [
        (wrong, vec!["2×3", "2 were given"]),
        (
            parallel_dot(&m, &Matrix::zeros(4, 5), 1, LoopOrder::Ijk),
            vec!["2×3", "4×5"],
        ),
        (
            parallel_dot(&m, &identity, 0, LoopOrder::Ijk),
            vec!["rows_per_block is 0"],
        ),
    ];
    for (outcome, words) in messages {
        let text = outcome.as_ref().map_err(ToString::to_string);
        check!(
            matches!(&text, Err(text) if words.iter().all(|word| text.contains(word))),
            "{outcome:?} should be an error that reads with {words:?}, as the given Display \
             writes it, but reads {text:?}"
        );
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn the_serial_product_is_the_definition((a, b) in any_pair()) {
        let expected = product_by_definition(&a, &b);
        for order in ORDERS {
            prop_assert_eq!(
                matmul_serial(&a, &b, order),
                Ok(expected.clone()),
                "matmul_serial of a {}×{} and a {}×{} matrix in {:?} order; {}",
                a.rows(),
                a.cols(),
                b.rows(),
                b.cols(),
                order,
                BOOK
            );
        }
    }

    #[test]
    fn parallel_dot_is_the_product_for_any_shape_and_block(
        (a, b) in any_pair(),
        rows_per_block in 1usize..6,
        threads in 1usize..=4,
    ) {
        let expected = product_by_definition(&a, &b);
        for order in ORDERS {
            let got = in_pool(threads, || parallel_dot(&a, &b, rows_per_block, order));
            prop_assert_eq!(
                got,
                Ok(expected.clone()),
                "parallel_dot of a {}×{} and a {}×{} matrix, blocks of {} rows, {:?} order, on \
                 {} threads; {}",
                a.rows(),
                a.cols(),
                b.rows(),
                b.cols(),
                rows_per_block,
                order,
                threads,
                BOOK
            );
        }
    }
}
