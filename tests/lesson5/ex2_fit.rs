//! Exercise 2: recovering the parallel fraction from measured times by least squares.

use proptest::prelude::*;
use subject::{AmdahlFit, FitError, fit_amdahl};
use testkit::{check, check_eq, fail};

use super::close;

const BOOK: testkit::Book = super::book("fit");

/// What Amdahl's law predicts for `p` threads, written out here so these tests need no other
/// exercise.
fn amdahl_time(serial_time: f64, f: f64, p: usize) -> f64 {
    serial_time * ((1.0 - f) + f / p as f64)
}

/// The least-squares line `a + b x` through the points `(1/p, seconds)`, one point per sample,
/// from the normal equations: `(a, b)`.
fn least_squares(samples: &[(usize, f64)]) -> (f64, f64) {
    let n = samples.len() as f64;
    let (mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0);
    for &(p, y) in samples {
        let x = 1.0 / p as f64;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    let b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    ((sy - b * sx) / n, b)
}

fn fitted(samples: &[(usize, f64)]) -> AmdahlFit {
    fit_amdahl(samples).unwrap_or_else(|error| {
        fail!("fit_amdahl({samples:?}) failed with \"{error}\", but these samples can be fitted")
    })
}

/// Fails unless `fit_amdahl(samples)` is `Err(expected)`, comparing `Debug` texts because a
/// NaN inside an error is never `==` to itself.
fn refused(samples: &[(usize, f64)], expected: FitError, why: &str) {
    let got = fit_amdahl(samples);
    check!(
        format!("{got:?}") == format!("{:?}", Err::<AmdahlFit, _>(expected.clone())),
        "fit_amdahl({samples:?}) should be Err({expected:?}), got {got:?}: {why}"
    );
}

#[test]
fn exact_times_give_back_the_model() {
    let samples: Vec<(usize, f64)> = (1..=8).map(|p| (p, amdahl_time(2.0, 0.75, p))).collect();
    let fit = fitted(&samples);
    check!(
        close(fit.parallel_fraction, 0.75, 1e-9) && close(fit.serial_time, 2.0, 1e-9),
        "times that follow Amdahl's law exactly (T1 = 2 s, f = 0.75) were fitted as {fit:?}: fit \
         the straight line T = a + b * (1/p), then T1 = a + b and f = b / T1"
    );
}

#[test]
fn two_runs_of_seed_003_fix_the_fraction() {
    // Seed 003's factorials: 8.40 s on one process, 4.63 s on two.
    let fit = fitted(&[(1, 8.40), (2, 4.63)]);
    check!(
        close(fit.parallel_fraction, 0.8976, 1e-3),
        "two points fix the line: 8.40 s on 1 and 4.63 s on 2 threads give f = 0.898, got {fit:?}"
    );
}

#[test]
fn repeated_runs_count_as_their_mean() {
    let fit = fitted(&[(1, 1.0), (1, 1.2), (2, 0.55), (2, 0.65)]);
    let expected = AmdahlFit {
        serial_time: 1.1,
        parallel_fraction: 1.0 / 1.1,
    };
    check!(
        close(fit.serial_time, expected.serial_time, 1e-9)
            && close(fit.parallel_fraction, expected.parallel_fraction, 1e-9),
        "two runs on each of 1 and 2 threads should fit like their means (1.1 s, 0.6 s): \
         expected {expected:?}, got {fit:?}"
    );
}

#[test]
fn every_run_weighs_the_same() {
    // Three runs on 1 thread, one on 2, two on 4: the thread counts measured more often pull
    // the line harder than one averaged point per thread count would.
    let samples = [(1, 1.0), (1, 1.1), (1, 0.9), (2, 0.5), (4, 0.45), (4, 0.35)];
    let (a, b) = least_squares(&samples);
    let expected = AmdahlFit {
        serial_time: a + b,
        parallel_fraction: b / (a + b),
    };
    let fit = fitted(&samples);
    check!(
        close(fit.serial_time, expected.serial_time, 1e-9)
            && close(fit.parallel_fraction, expected.parallel_fraction, 1e-9),
        "fit_amdahl({samples:?}) should fit one point per sample, expected {expected:?}, got \
         {fit:?}: every run is one point of the least-squares line (averaging each thread count \
         first weighs the single run on 2 threads like the three on 1)"
    );
}

#[test]
fn the_fraction_stays_between_0_and_1() {
    let superlinear = fitted(&[(1, 1.0), (2, 0.4)]);
    let slowdown = fitted(&[(1, 1.0), (2, 1.5)]);
    check_eq!(
        (superlinear.parallel_fraction, slowdown.parallel_fraction),
        (1.0, 0.0),
        "a run more than twice as fast on 2 threads fits f > 1, and one that got slower fits \
         f < 0; clamp the estimate into 0..=1"
    );
    check!(
        close(superlinear.serial_time, 1.0, 1e-9) && close(slowdown.serial_time, 1.0, 1e-9),
        "clamping f leaves T1 = a + b alone: both fits go through 1 s on 1 thread, got \
         {superlinear:?} and {slowdown:?}"
    );
}

#[test]
fn predict_follows_the_model() {
    let model = AmdahlFit {
        serial_time: 2.0,
        parallel_fraction: 0.75,
    };
    for (p, expected) in [(1.0, 2.0), (4.0, 0.875), (2.5, 1.1)] {
        let t = model.predict(p);
        check!(
            close(t, expected, 1e-12),
            "{model:?}.predict({p}) should be 2 * (0.25 + 0.75 / {p}) = {expected}, got {t}"
        );
    }
}

#[test]
fn one_thread_count_is_not_enough() {
    for (samples, distinct) in [
        (vec![], 0),
        (vec![(2, 1.0), (2, 1.1)], 1),
        (vec![(1, 1.0), (1, 1.0), (1, 1.2)], 1),
    ] {
        check_eq!(
            fit_amdahl(&samples),
            Err(FitError::TooFewThreadCounts { distinct }),
            "fit_amdahl({samples:?}): a line through one thread count is not determined"
        );
    }
}

#[test]
fn bad_samples_are_named() {
    let cases = [
        (vec![(1, 1.0), (0, 0.5)], 1, 0, 0.5),
        (vec![(1, -1.0), (2, 0.5)], 0, 1, -1.0),
        (vec![(1, 1.0), (2, 0.0)], 1, 2, 0.0),
        (vec![(1, 1.0), (2, f64::NAN)], 1, 2, f64::NAN),
        (
            vec![(1, 1.0), (2, 0.5), (4, f64::INFINITY)],
            2,
            4,
            f64::INFINITY,
        ),
        (
            vec![(1, f64::NEG_INFINITY), (2, 0.5)],
            0,
            1,
            f64::NEG_INFINITY,
        ),
    ];
    for (samples, index, threads, seconds) in cases {
        refused(
            &samples,
            FitError::BadSample {
                index,
                threads,
                seconds,
            },
            "a sample needs at least 1 thread and a positive, finite time",
        );
    }
    let cases: [(FitError, &[&str]); 3] = [
        (
            fit_amdahl(&[(1, 1.0), (0, 0.5)]).unwrap_err(),
            &["sample 1", "0 threads"],
        ),
        (
            fit_amdahl(&[(2, 1.0), (2, 1.5)]).unwrap_err(),
            &["1 thread count"],
        ),
        (fit_amdahl(&[(2, 1.0), (4, 3.0)]).unwrap_err(), &["-3"]),
    ];
    for (error, words) in cases {
        super::says(&error, words, BOOK);
    }
}

#[test]
fn the_first_error_that_applies_wins() {
    let why = "BadSample (the first in slice order) comes before TooFewThreadCounts, which comes \
               before NotAmdahl";
    let cases = [
        (
            vec![(1, f64::NAN), (0, 1.0)],
            FitError::BadSample {
                index: 0,
                threads: 1,
                seconds: f64::NAN,
            },
        ),
        (
            vec![(0, 1.0)],
            FitError::BadSample {
                index: 0,
                threads: 0,
                seconds: 1.0,
            },
        ),
        (
            vec![(2, 1.0), (2, f64::NAN)],
            FitError::BadSample {
                index: 1,
                threads: 2,
                seconds: f64::NAN,
            },
        ),
        (
            vec![(2, 1.0), (4, 3.0), (0, -1.0)],
            FitError::BadSample {
                index: 2,
                threads: 0,
                seconds: -1.0,
            },
        ),
    ];
    for (samples, expected) in cases {
        refused(&samples, expected, why);
    }
}

#[test]
fn times_that_grow_with_threads_are_not_amdahl() {
    // 1 s on 2 threads but 3 s on 4: the line through them falls below zero at 1 thread.
    for samples in [
        vec![(2, 1.0), (4, 3.0)],
        // A line through exactly 0 s on one thread: 0 is no time either.
        vec![(2, 1.0), (4, 1.5)],
        vec![(2, 1.0), (3, 2.0), (4, 3.0), (4, 3.2)],
        vec![(1, 0.2), (2, 3.0), (3, 6.0)],
    ] {
        let (a, b) = least_squares(&samples);
        match fit_amdahl(&samples) {
            Err(FitError::NotAmdahl { serial_time }) => check!(
                close(serial_time, a + b, 1e-9),
                "fit_amdahl({samples:?}) is NotAmdahl, but it should quote the fitted T1 = {}, \
                 not {serial_time}",
                a + b
            ),
            other => fail!(
                "fit_amdahl({samples:?}) fits T1 = a + b = {} s, which is no time on one \
                 thread: it should be Err(NotAmdahl {{ serial_time: {} }}), got {other:?}",
                a + b,
                a + b
            ),
        }
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(256))]

    /// With every time off by at most 1%, on 1 to 8 threads, the worst case moves f by 0.027.
    #[test]
    fn recovers_f_from_noisy_times(
        serial_time in 1e-4..1e2f64,
        f in 0.0..=1.0f64,
        noise in prop::collection::vec(-0.01..=0.01f64, 8),
    ) {
        let samples: Vec<(usize, f64)> = (1..=8)
            .zip(&noise)
            .map(|(p, e)| (p, amdahl_time(serial_time, f, p) * (1.0 + e)))
            .collect();
        let fit = fitted(&samples);
        check!(
            (fit.parallel_fraction - f).abs() <= 0.03,
            "times from T1 = {serial_time} s and f = {f} with at most 1% noise were fitted as \
             f = {}, more than 0.03 away",
            fit.parallel_fraction
        );
        check!(
            close(fit.serial_time / serial_time, 1.0, 0.05),
            "T1 = {serial_time} s was fitted as {} s",
            fit.serial_time
        );
    }

    /// Any samples on two or more thread counts fit as the least-squares line through every
    /// sample, repeated thread counts included.
    #[test]
    fn fits_the_least_squares_line_through_every_sample(
        samples in prop::collection::vec((1usize..=6, 0.5..2.0f64), 3..12),
    ) {
        let (a, b) = least_squares(&samples);
        let distinct = {
            let mut counts: Vec<usize> = samples.iter().map(|&(p, _)| p).collect();
            counts.sort_unstable();
            counts.dedup();
            counts.len()
        };
        prop_assume!(distinct >= 2 && a + b > 0.01);
        let fit = fitted(&samples);
        let f = (b / (a + b)).clamp(0.0, 1.0);
        check!(
            close(fit.serial_time, a + b, 1e-9) && close(fit.parallel_fraction, f, 1e-9),
            "fit_amdahl({samples:?}) should be T1 = {}, f = {f} (one point per sample), got \
             {fit:?}",
            a + b
        );
    }
}
