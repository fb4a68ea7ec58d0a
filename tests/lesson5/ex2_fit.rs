//! Exercise 2: recovering the parallel fraction from measured times by least squares.

use proptest::prelude::*;
use subject::{AmdahlFit, FitError, fit_amdahl};

use super::close;

/// What Amdahl's law predicts for `p` threads, written out here so these tests need no other
/// exercise.
fn amdahl_time(serial_time: f64, f: f64, p: usize) -> f64 {
    serial_time * ((1.0 - f) + f / p as f64)
}

fn fitted(samples: &[(usize, f64)]) -> AmdahlFit {
    fit_amdahl(samples).unwrap_or_else(|error| {
        panic!(
            "fit_amdahl({samples:?}) failed with \"{error}\", but these samples can be fitted; {}",
            super::see("fit")
        )
    })
}

#[test]
fn exact_times_give_back_the_model() {
    let samples: Vec<(usize, f64)> = (1..=8).map(|p| (p, amdahl_time(2.0, 0.75, p))).collect();
    let fit = fitted(&samples);
    assert!(
        close(fit.parallel_fraction, 0.75, 1e-9) && close(fit.serial_time, 2.0, 1e-9),
        "times that follow Amdahl's law exactly (T1 = 2 s, f = 0.75) were fitted as {fit:?}: fit \
         the straight line T = a + b * (1/p), then T1 = a + b and f = b / T1; {}",
        super::see("fit")
    );
}

#[test]
fn two_runs_of_seed_003_fix_the_fraction() {
    // Seed 003's factorials: 8.40 s on one process, 4.63 s on two.
    let fit = fitted(&[(1, 8.40), (2, 4.63)]);
    assert!(
        close(fit.parallel_fraction, 0.8976, 1e-3),
        "two points fix the line: 8.40 s on 1 and 4.63 s on 2 threads give f = 0.898, got \
         {fit:?}; {}",
        super::see("fit")
    );
}

#[test]
fn repeated_runs_count_as_their_mean() {
    let fit = fitted(&[(1, 1.0), (1, 1.2), (2, 0.55), (2, 0.65)]);
    let expected = AmdahlFit {
        serial_time: 1.1,
        parallel_fraction: 1.0 / 1.1,
    };
    assert!(
        close(fit.serial_time, expected.serial_time, 1e-9)
            && close(fit.parallel_fraction, expected.parallel_fraction, 1e-9),
        "two runs on each of 1 and 2 threads should fit like their means (1.1 s, 0.6 s): \
         expected {expected:?}, got {fit:?}; {}",
        super::see("fit")
    );
}

#[test]
fn the_fraction_stays_between_0_and_1() {
    let superlinear = fitted(&[(1, 1.0), (2, 0.4)]);
    let slowdown = fitted(&[(1, 1.0), (2, 1.5)]);
    assert_eq!(
        (superlinear.parallel_fraction, slowdown.parallel_fraction),
        (1.0, 0.0),
        "a run more than twice as fast on 2 threads fits f > 1, and one that got slower fits \
         f < 0; clamp the estimate into 0..=1; {}",
        super::see("fit")
    );
}

#[test]
fn predict_follows_the_model() {
    let model = AmdahlFit {
        serial_time: 2.0,
        parallel_fraction: 0.75,
    };
    let t = model.predict(4.0);
    assert!(
        close(t, 0.875, 1e-12),
        "{model:?}.predict(4.0) should be 2 * (0.25 + 0.75 / 4) = 0.875, got {t}; {}",
        super::see("fit")
    );
}

#[test]
fn one_thread_count_is_not_enough() {
    for (samples, distinct) in [(vec![], 0), (vec![(2, 1.0), (2, 1.1)], 1)] {
        assert_eq!(
            fit_amdahl(&samples),
            Err(FitError::TooFewThreadCounts { distinct }),
            "fit_amdahl({samples:?}): a line through one thread count is not determined; {}",
            super::see("fit")
        );
    }
}

#[test]
fn bad_samples_are_named() {
    let cases = [
        (vec![(1, 1.0), (0, 0.5)], 1, 0, 0.5),
        (vec![(1, -1.0), (2, 0.5)], 0, 1, -1.0),
        (
            vec![(1, 1.0), (2, 0.5), (4, f64::INFINITY)],
            2,
            4,
            f64::INFINITY,
        ),
    ];
    for (samples, index, threads, seconds) in cases {
        assert_eq!(
            fit_amdahl(&samples),
            Err(FitError::BadSample {
                index,
                threads,
                seconds
            }),
            "fit_amdahl({samples:?}) should name sample {index} as the bad one; {}",
            super::see("fit")
        );
    }
    let message = fit_amdahl(&[(1, 1.0), (0, 0.5)]).unwrap_err().to_string();
    assert!(
        message.contains("sample 1"),
        "the message should say which sample is bad, got {message:?}"
    );
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
        prop_assert!(
            (fit.parallel_fraction - f).abs() <= 0.03,
            "times from T1 = {} s and f = {} with at most 1% noise were fitted as f = {}, more \
             than 0.03 away; {}",
            serial_time, f, fit.parallel_fraction, super::see("fit")
        );
        prop_assert!(
            close(fit.serial_time / serial_time, 1.0, 0.05),
            "T1 = {} s was fitted as {} s; {}", serial_time, fit.serial_time, super::see("fit")
        );
    }
}
