//! The cubic polynomial of seed 002, one grid row of coefficients. The struct is given; its two
//! methods are part of exercise 3.

use serde::{Deserialize, Serialize};

/// The cubic `a·x³ + b·x² + c·x + d`: one row of the parameter grid, and one line of its CSV
/// file, whose header is `a,b,c,d` (the serde derives give the csv crate those names).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cubic {
    /// The coefficient of `x³`.
    pub a: f64,
    /// The coefficient of `x²`.
    pub b: f64,
    /// The coefficient of `x`.
    pub c: f64,
    /// The constant term.
    pub d: f64,
}

impl Cubic {
    /// The cubic with these coefficients.
    pub const fn new(a: f64, b: f64, c: f64, d: f64) -> Cubic {
        Cubic { a, b, c, d }
    }

    // ANCHOR: at
    /// The value at `x`, written as the seed writes it: `a * x * x * x + b * x * x + c * x + d`,
    /// evaluated left to right.
    ///
    /// Every table of exercise 3 computes each element with this one method, which is what makes
    /// the parallel tables equal the serial one bit for bit.
    pub fn at(&self, x: f64) -> f64 {
        let _ = x;
        todo!("Exercise 6.3: read book/src/lesson6.md#evaluate")
    }
    // ANCHOR_END: at

    // ANCHOR: horner_at
    /// The value at `x` in Horner form, `((a * x + b) * x + c) * x + d`: three multiplications
    /// instead of six. It rounds differently, so it may differ from [`Cubic::at`] in the last
    /// bits; the tests allow 1e-14 of `|a·x³| + |b·x²| + |c·x| + |d|`.
    pub fn horner_at(&self, x: f64) -> f64 {
        let _ = x;
        todo!("Exercise 6.3: read book/src/lesson6.md#evaluate")
    }
    // ANCHOR_END: horner_at
}
