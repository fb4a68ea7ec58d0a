//! Exercise 1: the parameter grid, as numpy's `linspace` and Python's `itertools.product`
//! build it.

use crate::Cubic;

/// `points` evenly spaced numbers from `start` to `end`, both included: numpy's
/// `np.linspace(start, end, points)`, to the last bit.
///
/// Element `i` is `start + i * step` with `step = (end - start) / (points - 1)`, except the last,
/// which is `end` exactly (adding up steps would miss it by a rounding error). No points give an
/// empty vector, one point gives `[start]`. `end` may be below `start`.
// ANCHOR: linspace
pub fn linspace(start: f64, end: f64, points: usize) -> Vec<f64> {
    match points {
        0 => Vec::new(),
        1 => vec![start],
        _ => {
            let step = (end - start) / (points - 1) as f64;
            let mut xs: Vec<f64> = (0..points).map(|i| start + i as f64 * step).collect();
            // numpy's last point is the end itself, not the start plus rounded steps.
            xs[points - 1] = end;
            xs
        }
    }
}
// ANCHOR_END: linspace

/// Every combination of one value per axis, in the order of Python's
/// `itertools.product(*axes)`: the last axis changes fastest, like the digits of an odometer.
/// `product(&[&[1.0, 2.0], &[10.0, 20.0]])` is `[[1, 10], [1, 20], [2, 10], [2, 20]]`.
///
/// Axes may have any length and there may be any number of them. An empty axis makes the
/// product empty; no axes at all give one empty row, as `itertools.product()` gives one empty
/// tuple.
// ANCHOR: product
pub fn product(axes: &[&[f64]]) -> Vec<Vec<f64>> {
    if axes.iter().any(|axis| axis.is_empty()) {
        return Vec::new();
    }
    let rows: usize = axes.iter().map(|axis| axis.len()).product();
    let mut digits = vec![0; axes.len()];
    let mut out = Vec::with_capacity(rows);
    for _ in 0..rows {
        out.push(axes.iter().zip(&digits).map(|(axis, &i)| axis[i]).collect());
        // Advance the odometer: bump the last digit, carrying leftwards past full axes.
        for (digit, axis) in digits.iter_mut().zip(axes).rev() {
            *digit += 1;
            if *digit < axis.len() {
                break;
            }
            *digit = 0;
        }
    }
    out
}
// ANCHOR_END: product

/// The grid of cubics over these coefficient values, in `itertools.product(a, b, c, d)` order:
/// `d` changes fastest, `a` slowest. Seed 002's grid is
/// `cubic_grid(&v, &v, &v, &v)` with `v = linspace(0.0, 1.0, 10)`: 10 000 cubics.
pub fn cubic_grid(a: &[f64], b: &[f64], c: &[f64], d: &[f64]) -> Vec<Cubic> {
    product(&[a, b, c, d])
        .into_iter()
        .map(|row| Cubic::new(row[0], row[1], row[2], row[3]))
        .collect()
}
