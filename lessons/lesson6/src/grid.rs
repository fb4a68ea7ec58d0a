//! Exercise 1: the parameter grid, as numpy's `linspace` and Python's `itertools.product`
//! build it.

use crate::Cubic;

// ANCHOR: linspace
/// `points` evenly spaced numbers from `start` to `end`, both included: numpy's
/// `np.linspace(start, end, points)`, to the last bit.
///
/// Element `i` is `start + i * step` with `step = (end - start) / (points - 1)`, except the last,
/// which is `end` exactly (adding up steps would miss it by a rounding error). No points give an
/// empty vector, one point gives `[start]`. `end` may be below `start`.
pub fn linspace(start: f64, end: f64, points: usize) -> Vec<f64> {
    let _ = (start, end, points);
    todo!("Exercise 6.1: read book/src/lesson6.md#grid")
}
// ANCHOR_END: linspace

// ANCHOR: product
/// Every combination of one value per axis, in the order of Python's
/// `itertools.product(*axes)`: the last axis changes fastest, like the digits of an odometer.
/// `product(&[&[1.0, 2.0], &[10.0, 20.0]])` is `[[1, 10], [1, 20], [2, 10], [2, 20]]`.
///
/// Axes may have any length and there may be any number of them. An empty axis makes the
/// product empty; no axes at all give one empty row, as `itertools.product()` gives one empty
/// tuple.
pub fn product(axes: &[&[f64]]) -> Vec<Vec<f64>> {
    let _ = axes;
    todo!("Exercise 6.1: read book/src/lesson6.md#grid")
}
// ANCHOR_END: product

/// The grid of cubics over these coefficient values, in `itertools.product(a, b, c, d)` order:
/// `d` changes fastest, `a` slowest. Seed 002's grid is
/// `cubic_grid(&v, &v, &v, &v)` with `v = linspace(0.0, 1.0, 10)`: 10 000 cubics.
pub fn cubic_grid(a: &[f64], b: &[f64], c: &[f64], d: &[f64]) -> Vec<Cubic> {
    let _ = (a, b, c, d);
    todo!("Exercise 6.1: read book/src/lesson6.md#grid")
}
