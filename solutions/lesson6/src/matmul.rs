//! Exercise 5: seed 002's `parallel_dot`, an integer matrix product split into blocks of rows.
//!
//! [`Matrix`], [`LoopOrder`] and [`MatrixError`] are given (in `types.rs` and `errors.rs`);
//! the matrix's fields are visible here, so `out.data.par_chunks_mut(..)` works.

use rayon::prelude::*;

use crate::{LoopOrder, Matrix, MatrixError};

/// `a × b` on the calling thread, its loops in `order`. Arithmetic wraps on overflow, like
/// numpy's `int64` (`wrapping_mul`, `wrapping_add`): entry (i, j) is the sum over k of `a(i, k)
/// · b(k, j)` modulo 2⁶⁴, exact in any order of the additions, so both loop orders (and
/// [`parallel_dot`]) give the very same matrix.
///
/// The i-k-j order may also run in tiles, as the reference's does: a few rows and columns of the
/// output at a time, k in panels, so that the pieces of `a` and `b` in use stay in the cache, as
/// long as every step still adds `a(i, k)` times a piece of row k of `b` to the same piece of row
/// i of the output. The matrix is the same.
///
/// Fails with [`MatrixError::ShapeMismatch`] unless `a.cols() == b.rows()`. Any side may be 0.
// ANCHOR: matmul_serial
pub fn matmul_serial(a: &Matrix, b: &Matrix, order: LoopOrder) -> Result<Matrix, MatrixError> {
    check_shapes(a, b)?;
    let mut out = Matrix::zeros(a.rows, b.cols);
    multiply_rows(a, b, 0, &mut out.data, order);
    Ok(out)
}
// ANCHOR_END: matmul_serial

/// `a × b` on the current rayon pool: the output split into blocks of `rows_per_block` rows,
/// one task per block, each computing its rows of `a` times all of `b` with its loops in
/// `order`, the last block taking the rows that are left. Equal to [`matmul_serial`] for every
/// shape. Seed 002's `np.split(A, n_jobs)` and `np.vstack`, without its rule that the rows must
/// divide evenly.
///
/// Fails with [`MatrixError::ShapeMismatch`] unless `a.cols() == b.rows()`, then with
/// [`MatrixError::NoRowsPerBlock`] when `rows_per_block` is 0. Any `rows_per_block` from 1 to
/// `usize::MAX` is valid: one of `a.rows()` or more makes a single block (mind that
/// `rows_per_block * b.cols()` can overflow).
///
/// Hint: write one private function that fills a block of output rows in either order, and call
/// it from both [`matmul_serial`] (one block of all rows) and here.
// ANCHOR: parallel_dot
pub fn parallel_dot(
    a: &Matrix,
    b: &Matrix,
    rows_per_block: usize,
    order: LoopOrder,
) -> Result<Matrix, MatrixError> {
    check_shapes(a, b)?;
    if rows_per_block == 0 {
        return Err(MatrixError::NoRowsPerBlock);
    }
    let mut out = Matrix::zeros(a.rows, b.cols);
    if b.cols > 0 {
        // Each block of output rows is a disjoint `&mut` slice, so the tasks need no locks.
        out.data
            .par_chunks_mut(rows_per_block.saturating_mul(b.cols))
            .enumerate()
            .for_each(|(block, rows)| multiply_rows(a, b, block * rows_per_block, rows, order));
    }
    Ok(out)
}
// ANCHOR_END: parallel_dot

/// Fills `out`, the output rows from `first_row` on, with those rows of `a × b`.
// ANCHOR: multiply_rows
fn multiply_rows(a: &Matrix, b: &Matrix, first_row: usize, out: &mut [i64], order: LoopOrder) {
    if b.cols == 0 {
        return;
    }
    match order {
        LoopOrder::Ijk => {
            for (i, out_row) in (first_row..).zip(out.chunks_mut(b.cols)) {
                let a_row = a.row(i);
                for (j, entry) in out_row.iter_mut().enumerate() {
                    *entry = (0..a.cols).fold(0i64, |sum, k| {
                        sum.wrapping_add(a_row[k].wrapping_mul(b.data[k * b.cols + j]))
                    });
                }
            }
        }
        LoopOrder::Ikj => ikj_tiled(a, b, first_row, out),
    }
}

/// The output rows of a tile, and of the kernel's block of sums.
const TILE_ROWS: usize = 4;
/// The output columns of a tile.
const TILE_COLS: usize = 4;
/// The values of k in a panel: a tile's piece of `b`, 256 × 4 entries (8 KiB), stays in L1.
const PANEL_DEPTH: usize = 256;
/// The rows in a band: the band's panel of `a`, 128 × 256 entries (256 KiB), stays in L2.
const BAND_ROWS: usize = 128;

/// The i-k-j product, tiled: for each band of output rows (i), each panel of k, and each tile of
/// columns (j), [`tile_sums`] sums each tile of the band over the panel, `TILE_ROWS` rows ×
/// `TILE_COLS` columns, and the sums are added to `out`. A tile's rows of `a` in the panel are
/// first copied column by column, their `TILE_ROWS` entries of column k side by side, and the
/// piece of `b` row by row, so that the kernel reads both in order; zeros pad them to whole
/// tiles.
fn ikj_tiled(a: &Matrix, b: &Matrix, first_row: usize, out: &mut [i64]) {
    let mut a_panel: Vec<[i64; TILE_ROWS]> = Vec::new();
    let mut b_piece: Vec<[i64; TILE_COLS]> = Vec::new();
    for (band_index, out_band) in out.chunks_mut(BAND_ROWS.saturating_mul(b.cols)).enumerate() {
        let (band, band_rows) = (first_row + band_index * BAND_ROWS, out_band.len() / b.cols);
        for k0 in (0..a.cols).step_by(PANEL_DEPTH) {
            let ks = k0..a.cols.min(k0 + PANEL_DEPTH);
            a_panel.clear();
            for tile in (0..band_rows).step_by(TILE_ROWS) {
                let rows = TILE_ROWS.min(band_rows - tile);
                a_panel.extend(ks.clone().map(|k| {
                    let mut entries = [0; TILE_ROWS];
                    for (r, entry) in entries.iter_mut().enumerate().take(rows) {
                        *entry = a.data[(band + tile + r) * a.cols + k];
                    }
                    entries
                }));
            }
            for j0 in (0..b.cols).step_by(TILE_COLS) {
                let cols = TILE_COLS.min(b.cols - j0);
                b_piece.clear();
                b_piece.extend(ks.clone().map(|k| {
                    let mut entries = [0; TILE_COLS];
                    entries[..cols].copy_from_slice(&b.row(k)[j0..j0 + cols]);
                    entries
                }));
                let out_tiles = out_band.chunks_mut(TILE_ROWS.saturating_mul(b.cols));
                for (a_tile, out_tile) in a_panel.chunks(ks.len()).zip(out_tiles) {
                    let sums = tile_sums(a_tile, &b_piece);
                    for (out_row, row_sums) in out_tile.chunks_mut(b.cols).zip(sums) {
                        for (entry, sum) in out_row[j0..j0 + cols].iter_mut().zip(row_sums) {
                            *entry = entry.wrapping_add(sum);
                        }
                    }
                }
            }
        }
    }
}

/// One tile's sums over a panel: entry (r, w) is the sum over k of `a_tile[k][r] · b_piece[k][w]`.
/// For each k, row r's `a(i, k)` times the piece of row k of `b` is added to its row of sums.
fn tile_sums(
    a_tile: &[[i64; TILE_ROWS]],
    b_piece: &[[i64; TILE_COLS]],
) -> [[i64; TILE_COLS]; TILE_ROWS] {
    let mut sums = [[0i64; TILE_COLS]; TILE_ROWS];
    for (a_k, b_k) in a_tile.iter().zip(b_piece) {
        for (row_sums, &a_ik) in sums.iter_mut().zip(a_k) {
            for (sum, &b_kj) in row_sums.iter_mut().zip(b_k) {
                *sum = sum.wrapping_add(a_ik.wrapping_mul(b_kj));
            }
        }
    }
    sums
}

// ANCHOR_END: multiply_rows

fn check_shapes(a: &Matrix, b: &Matrix) -> Result<(), MatrixError> {
    if a.cols != b.rows {
        return Err(MatrixError::ShapeMismatch {
            left: (a.rows, a.cols),
            right: (b.rows, b.cols),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    fn random_matrix(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Matrix {
        Matrix::from_fn(rows, cols, |_, _| rng.random())
    }

    fn product_by_definition(a: &Matrix, b: &Matrix) -> Matrix {
        Matrix::from_fn(a.rows, b.cols, |i, j| {
            (0..a.cols).fold(0i64, |sum, k| {
                sum.wrapping_add(a.get(i, k).wrapping_mul(b.get(k, j)))
            })
        })
    }

    /// 133 rows are a band of 128 and one of 5, each ending in a tile of 1 row (4 + 1); 517
    /// values of k are panels of 256, 256 and 5; 7 columns are tiles of 4 and 3. Full-range
    /// entries, whose high halves count.
    fn ragged_pair() -> (Matrix, Matrix) {
        let mut rng = ChaCha8Rng::seed_from_u64(16);
        let a = random_matrix(BAND_ROWS + TILE_ROWS + 1, 2 * PANEL_DEPTH + 5, &mut rng);
        let b = random_matrix(a.cols, TILE_COLS + 3, &mut rng);
        (a, b)
    }

    #[test]
    fn bands_panels_and_tiles_with_pieces_left_over_make_the_product() {
        let (a, b) = ragged_pair();
        let expected = product_by_definition(&a, &b);
        assert_eq!(matmul_serial(&a, &b, LoopOrder::Ikj), Ok(expected.clone()));
        for rows_per_block in [1, 50, 129] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(3)
                .build()
                .unwrap();
            let got = pool.install(|| parallel_dot(&a, &b, rows_per_block, LoopOrder::Ikj));
            assert_eq!(got, Ok(expected.clone()), "blocks of {rows_per_block} rows");
        }
    }
}
