//! Exercise 1: speedup, efficiency, Amdahl, Gustafson and Karp–Flatt.

use proptest::prelude::*;
use subject::{LawError, amdahl, amdahl_limit, efficiency, gustafson, karp_flatt, speedup};

use super::close;

fn law(anchor_hint: &str) -> String {
    format!("{anchor_hint}; {}", super::see("laws"))
}

#[test]
fn speedup_is_serial_time_over_parallel_time() {
    // Seed 004's largest row: 10.859 s serially, 6.246 s on 8 processes.
    let s = speedup(10.859_373_2, 6.245_669_53).expect("two positive times have a speedup");
    assert!(
        close(s, 1.7387, 1e-3),
        "speedup(10.86, 6.25) is {s}, but the seed's 1e7 row shows 1.73: S = T1 / Tp, the serial \
         time divided by the parallel time (not the other way round); {}",
        super::see("laws")
    );
    let slower = speedup(0.000_186, 0.001_69).expect("two positive times have a speedup");
    assert!(
        slower < 1.0,
        "a parallel run that takes longer than the serial one has a speedup below 1, got {slower}; \
         {}",
        super::see("laws")
    );
}

#[test]
fn efficiency_is_speedup_per_thread() {
    let e = efficiency(8.0, 2.0, 4.0).expect("valid inputs");
    assert!(
        close(e, 1.0, 1e-12),
        "4x faster on 4 threads is an efficiency of 1, got {e}; {}",
        law("E = S / p")
    );
    // Seed 003: 8.40 s on one process, 4.63 s on two.
    let e = efficiency(8.40, 4.63, 2.0).expect("valid inputs");
    assert!(
        close(e, 0.9071, 1e-3),
        "efficiency(8.40, 4.63, 2) should be 0.907, got {e}; {}",
        law("E = S / p")
    );
}

#[test]
fn amdahl_matches_worked_examples() {
    let cases = [
        (0.9, 10.0, 1.0 / 0.19),
        (0.5, 2.0, 4.0 / 3.0),
        (0.95, 8.0, 1.0 / (0.05 + 0.95 / 8.0)),
        (0.0, 64.0, 1.0),
        (1.0, 64.0, 64.0),
    ];
    for (f, p, expected) in cases {
        let s = amdahl(f, p).expect("valid inputs");
        assert!(
            close(s, expected, 1e-9),
            "amdahl({f}, {p}) should be {expected:.4}, got {s:.4}: f is the *parallel* fraction, \
             so S = 1 / ((1 - f) + f / p); {}",
            super::see("laws")
        );
    }
}

#[test]
fn amdahl_limit_is_one_over_the_serial_fraction() {
    let limit = amdahl_limit(0.95).expect("valid fraction");
    assert!(
        close(limit, 20.0, 1e-9),
        "with 5% serial work no number of threads gives more than 20x, got {limit}; {}",
        law("the limit is 1 / (1 - f)")
    );
    let unlimited = amdahl_limit(1.0).expect("valid fraction");
    assert!(
        unlimited.is_infinite() && unlimited > 0.0,
        "a fully parallel program has no limit: amdahl_limit(1.0) should be +infinity, got \
         {unlimited}; {}",
        super::see("laws")
    );
}

#[test]
fn gustafson_grows_linearly_with_threads() {
    for (f, p, expected) in [
        (0.9, 10.0, 9.1),
        (0.5, 4.0, 2.5),
        (0.0, 8.0, 1.0),
        (1.0, 8.0, 8.0),
    ] {
        let s = gustafson(f, p).expect("valid inputs");
        assert!(
            close(s, expected, 1e-9),
            "gustafson({f}, {p}) should be {expected}, got {s}; {}",
            law("scaled speedup is (1 - f) + f * p")
        );
    }
}

#[test]
fn karp_flatt_measures_the_serial_fraction() {
    // Seed 003: 8.40 s on one process, 4.63 s on two.
    let e = karp_flatt(8.40 / 4.63, 2.0).expect("valid inputs");
    assert!(
        close(e, 0.1024, 1e-3),
        "karp_flatt(1.814, 2) should be 0.102 (about a tenth of the work stayed serial), got \
         {e}; {}",
        law("e = (1/S - 1/p) / (1 - 1/p)")
    );
    let perfect = karp_flatt(4.0, 4.0).expect("valid inputs");
    assert!(
        close(perfect, 0.0, 1e-12),
        "a perfect speedup leaves no serial fraction, got {perfect}; {}",
        super::see("laws")
    );
    let none = karp_flatt(1.0, 4.0).expect("valid inputs");
    assert!(
        close(none, 1.0, 1e-12),
        "no speedup at all means everything is serial, got {none}; {}",
        super::see("laws")
    );
}

#[test]
fn nonsense_inputs_are_refused_with_a_reason() {
    let cases: [(&str, Result<f64, LawError>, LawError); 8] = [
        (
            "speedup(0.0, 1.0)",
            speedup(0.0, 1.0),
            LawError::NotATime {
                what: "serial",
                value: 0.0,
            },
        ),
        (
            "speedup(1.0, -2.0)",
            speedup(1.0, -2.0),
            LawError::NotATime {
                what: "parallel",
                value: -2.0,
            },
        ),
        (
            "efficiency(1.0, 1.0, 0.0)",
            efficiency(1.0, 1.0, 0.0),
            LawError::TooFewThreads(0.0),
        ),
        (
            "amdahl(1.5, 2.0)",
            amdahl(1.5, 2.0),
            LawError::NotAFraction(1.5),
        ),
        (
            "amdahl(0.5, 0.5)",
            amdahl(0.5, 0.5),
            LawError::TooFewThreads(0.5),
        ),
        (
            "gustafson(-0.1, 2.0)",
            gustafson(-0.1, 2.0),
            LawError::NotAFraction(-0.1),
        ),
        (
            "karp_flatt(1.5, 1.0)",
            karp_flatt(1.5, 1.0),
            LawError::OneThread,
        ),
        (
            "karp_flatt(-3.0, 2.0)",
            karp_flatt(-3.0, 2.0),
            LawError::NotASpeedup(-3.0),
        ),
    ];
    for (call, got, expected) in cases {
        assert_eq!(
            got,
            Err(expected),
            "{call} has no meaningful answer and should be refused; {}",
            super::see("laws")
        );
    }
    let message = amdahl_limit(f64::NAN).unwrap_err().to_string();
    assert!(
        message.contains("NaN"),
        "the error should quote the bad value, got {message:?}"
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(256))]

    #[test]
    fn one_thread_gives_no_speedup(f in 0.0..=1.0f64) {
        let s = amdahl(f, 1.0).expect("valid inputs");
        prop_assert!(
            close(s, 1.0, 1e-12),
            "amdahl({}, 1) is {}, but one thread is the baseline: S(1) = 1; {}", f, s,
            super::see("laws")
        );
    }

    #[test]
    fn more_threads_never_hurt_in_amdahls_model(f in 0.0..=1.0f64, p in 1.0..1000.0f64, more in 0.0..100.0f64) {
        let fewer = amdahl(f, p).expect("valid inputs");
        let plenty = amdahl(f, p + more).expect("valid inputs");
        prop_assert!(
            plenty >= fewer * (1.0 - 1e-12),
            "amdahl({}, {}) = {} but amdahl({}, {}) = {}: S must not fall as p grows; {}",
            f, p, fewer, f, p + more, plenty, super::see("laws")
        );
    }

    #[test]
    fn speedup_is_bounded_by_threads_and_by_the_serial_part(f in 0.0..=1.0f64, p in 1.0..1000.0f64) {
        let s = amdahl(f, p).expect("valid inputs");
        let limit = amdahl_limit(f).expect("valid fraction");
        prop_assert!(
            s <= p * (1.0 + 1e-12),
            "amdahl({}, {}) = {} beats the {} threads: S <= p; {}", f, p, s, p, super::see("laws")
        );
        prop_assert!(
            s <= limit * (1.0 + 1e-12),
            "amdahl({}, {}) = {} exceeds 1 / (1 - f) = {}: the serial part (1 - f) never speeds \
             up, check which of f and 1 - f you divide by p; {}",
            f, p, s, limit, super::see("laws")
        );
    }

    #[test]
    fn karp_flatt_recovers_the_serial_fraction(f in 0.0..=1.0f64, p in 2.0..256.0f64) {
        let s = amdahl(f, p).expect("valid inputs");
        let e = karp_flatt(s, p).expect("valid inputs");
        prop_assert!(
            close(e, 1.0 - f, 1e-9),
            "for a program that follows Amdahl with parallel fraction {}, Karp–Flatt on p = {} \
             should give the serial fraction {}, got {}; {}",
            f, p, 1.0 - f, e, super::see("laws")
        );
    }

    #[test]
    fn speedup_and_efficiency_agree(t1 in 1e-6..1e3f64, tp in 1e-6..1e3f64, p in 1.0..128.0f64) {
        let s = speedup(t1, tp).expect("valid times");
        let e = efficiency(t1, tp, p).expect("valid inputs");
        prop_assert!(close(s, t1 / tp, 1e-12), "speedup({}, {}) = {}, expected T1/Tp; {}", t1, tp, s, super::see("laws"));
        prop_assert!(close(e, s / p, 1e-12), "efficiency is speedup / p; {}", super::see("laws"));
    }
}
