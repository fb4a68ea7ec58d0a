//! The cubic polynomial of seed 002, one grid row of coefficients.

use serde::{Deserialize, Serialize};

/// The cubic `a·x³ + b·x² + c·x + d`: one row of the parameter grid, and one line of its CSV
/// file, whose header is `a,b,c,d`.
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

    /// The value at `x`, written as the seed writes it: `a * x * x * x + b * x * x + c * x + d`,
    /// evaluated left to right.
    // ANCHOR: at
    pub fn at(&self, x: f64) -> f64 {
        self.a * x * x * x + self.b * x * x + self.c * x + self.d
    }
    // ANCHOR_END: at

    /// The value at `x` in Horner form, `((a * x + b) * x + c) * x + d`: three multiplications
    /// instead of six, and rounded differently.
    // ANCHOR: horner_at
    pub fn horner_at(&self, x: f64) -> f64 {
        ((self.a * x + self.b) * x + self.c) * x + self.d
    }
    // ANCHOR_END: horner_at
}
