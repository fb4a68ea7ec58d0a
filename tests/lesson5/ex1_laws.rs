//! Exercise 1: speedup, efficiency, Amdahl, Gustafson and Karp–Flatt.

use proptest::prelude::*;
use subject::{LawError, amdahl, amdahl_limit, efficiency, gustafson, karp_flatt, speedup};
use testkit::{check, fail};

use super::close;

const BOOK: testkit::Book = super::book("laws");

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

/// Fails unless `got` (the result of `call`) is `Err(expected)`. Errors are compared as their
/// `Debug` text, since a NaN inside one is never `==` to itself.
fn refuses(call: &str, got: Result<f64, LawError>, expected: LawError, why: &str) {
    match got {
        Err(error) if format!("{error:?}") == format!("{expected:?}") => {}
        Err(error) => fail!("{call} should fail with {expected:?}, not {error:?}: {why}"),
        Ok(value) => {
            fail!("{call} should fail with {expected:?}, but it returned Ok({value}): {why}")
        }
    }
}

/// Every law that takes a thread count, called with `p` threads and otherwise valid arguments.
fn with_threads(p: f64) -> [(String, Result<f64, LawError>); 4] {
    [
        (
            format!("efficiency(1.0, 1.0, {p})"),
            efficiency(1.0, 1.0, p),
        ),
        (format!("amdahl(0.5, {p})"), amdahl(0.5, p)),
        (format!("gustafson(0.5, {p})"), gustafson(0.5, p)),
        (format!("karp_flatt(1.5, {p})"), karp_flatt(1.5, p)),
    ]
}

fn not_a_time(what: &'static str, value: f64) -> LawError {
    LawError::NotATime { what, value }
}

#[test]
fn speedup_is_serial_time_over_parallel_time() {
    // Seed 004's largest row: 10.859 s serially, 6.246 s on 8 processes.
    let s = speedup(10.859_373_2, 6.245_669_53).expect("two positive times have a speedup");
    check!(
        close(s, 1.7387, 1e-3),
        "speedup(10.86, 6.25) is {s}, but the seed's 1e7 row shows 1.73: S = T1 / Tp, the serial \
         time divided by the parallel time (not the other way round)"
    );
    let slower = speedup(0.000_186, 0.001_69).expect("two positive times have a speedup");
    check!(
        slower < 1.0,
        "a parallel run that takes longer than the serial one has a speedup below 1, got {slower}"
    );
}

#[test]
fn efficiency_is_speedup_per_thread() {
    let e = efficiency(8.0, 2.0, 4.0).expect("valid inputs");
    check!(
        close(e, 1.0, 1e-12),
        "4x faster on 4 threads is an efficiency of 1 (E = S / p), got {e}"
    );
    // Seed 003: 8.40 s on one process, 4.63 s on two.
    let e = efficiency(8.40, 4.63, 2.0).expect("valid inputs");
    check!(
        close(e, 0.9071, 1e-3),
        "efficiency(8.40, 4.63, 2) should be 0.907 (E = S / p), got {e}"
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
        check!(
            close(s, expected, 1e-9),
            "amdahl({f}, {p}) should be {expected:.4}, got {s:.4}: f is the *parallel* fraction, \
             so S = 1 / ((1 - f) + f / p)"
        );
    }
}

#[test]
fn amdahl_limit_is_one_over_the_serial_fraction() {
    let limit = amdahl_limit(0.95).expect("valid fraction");
    check!(
        close(limit, 20.0, 1e-9),
        "with 5% serial work no number of threads gives more than 20x (1 / (1 - f)), got {limit}"
    );
    let unlimited = amdahl_limit(1.0).expect("valid fraction");
    check!(
        unlimited.is_infinite() && unlimited > 0.0,
        "a fully parallel program has no limit: amdahl_limit(1.0) should be +infinity, got \
         {unlimited}"
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
        check!(
            close(s, expected, 1e-9),
            "gustafson({f}, {p}) should be {expected} (scaled speedup is (1 - f) + f * p), got {s}"
        );
    }
}

#[test]
fn karp_flatt_measures_the_serial_fraction() {
    // Seed 003: 8.40 s on one process, 4.63 s on two.
    let e = karp_flatt(8.40 / 4.63, 2.0).expect("valid inputs");
    check!(
        close(e, 0.1024, 1e-3),
        "karp_flatt(1.814, 2) should be 0.102 (about a tenth of the work stayed serial; e = \
         (1/S - 1/p) / (1 - 1/p)), got {e}"
    );
    let perfect = karp_flatt(4.0, 4.0).expect("valid inputs");
    check!(
        close(perfect, 0.0, 1e-12),
        "a perfect speedup leaves no serial fraction, got {perfect}"
    );
    let none = karp_flatt(1.0, 4.0).expect("valid inputs");
    check!(
        close(none, 1.0, 1e-12),
        "no speedup at all means everything is serial, got {none}"
    );
}

#[test]
fn times_that_are_not_positive_and_finite_are_refused() {
    let why = "a run time is a positive, finite number of seconds, and the error names the \
               argument";
    for bad in [0.0, -2.0, NAN, INF, -INF] {
        refuses(
            &format!("speedup({bad}, 1.0)"),
            speedup(bad, 1.0),
            not_a_time("serial", bad),
            why,
        );
        refuses(
            &format!("speedup(1.0, {bad})"),
            speedup(1.0, bad),
            not_a_time("parallel", bad),
            why,
        );
        refuses(
            &format!("efficiency({bad}, 1.0, 2.0)"),
            efficiency(bad, 1.0, 2.0),
            not_a_time("serial", bad),
            why,
        );
        refuses(
            &format!("efficiency(1.0, {bad}, 2.0)"),
            efficiency(1.0, bad, 2.0),
            not_a_time("parallel", bad),
            why,
        );
    }
}

#[test]
fn thread_counts_below_one_are_refused() {
    let why = "the laws need at least 1 thread";
    for p in [0.0, 0.5, -1.0] {
        for (call, got) in with_threads(p) {
            refuses(&call, got, LawError::TooFewThreads(p), why);
        }
    }
}

#[test]
fn thread_counts_that_are_not_finite_are_refused() {
    let why = "a thread count must be finite: NaN compares false with everything (so `p < 1.0` \
               lets it through), and infinity is no count of threads";
    for p in [NAN, INF, -INF] {
        for (call, got) in with_threads(p) {
            refuses(&call, got, LawError::TooFewThreads(p), why);
        }
    }
}

#[test]
fn fractions_outside_0_to_1_are_refused() {
    let why = "a parallel fraction lies in 0..=1, and NaN is no fraction";
    for f in [1.5, -0.1, NAN, INF, -INF] {
        refuses(
            &format!("amdahl({f}, 2.0)"),
            amdahl(f, 2.0),
            LawError::NotAFraction(f),
            why,
        );
        refuses(
            &format!("amdahl_limit({f})"),
            amdahl_limit(f),
            LawError::NotAFraction(f),
            why,
        );
        refuses(
            &format!("gustafson({f}, 2.0)"),
            gustafson(f, 2.0),
            LawError::NotAFraction(f),
            why,
        );
    }
}

#[test]
fn karp_flatt_refuses_bad_speedups_and_one_thread() {
    for s in [0.0, -3.0, NAN, INF, -INF] {
        refuses(
            &format!("karp_flatt({s}, 2.0)"),
            karp_flatt(s, 2.0),
            LawError::NotASpeedup(s),
            "a speedup is a positive, finite ratio of two times",
        );
    }
    refuses(
        "karp_flatt(1.5, 1.0)",
        karp_flatt(1.5, 1.0),
        LawError::OneThread,
        "at 1 thread 1 - 1/p is 0, and the formula divides by it",
    );
}

#[test]
fn when_two_arguments_are_bad_the_first_checked_wins() {
    let cases = [
        (
            "speedup(0.0, NaN)",
            speedup(0.0, NAN),
            not_a_time("serial", 0.0),
        ),
        (
            "speedup(-INF, 0.0)",
            speedup(-INF, 0.0),
            not_a_time("serial", -INF),
        ),
        (
            "efficiency(0.0, 1.0, 0.5)",
            efficiency(0.0, 1.0, 0.5),
            LawError::TooFewThreads(0.5),
        ),
        (
            "efficiency(1.0, NaN, INF)",
            efficiency(1.0, NAN, INF),
            LawError::TooFewThreads(INF),
        ),
        (
            "amdahl(2.0, 0.5)",
            amdahl(2.0, 0.5),
            LawError::NotAFraction(2.0),
        ),
        (
            "amdahl(NaN, NaN)",
            amdahl(NAN, NAN),
            LawError::NotAFraction(NAN),
        ),
        (
            "gustafson(-1.0, INF)",
            gustafson(-1.0, INF),
            LawError::NotAFraction(-1.0),
        ),
        (
            "karp_flatt(0.0, 0.5)",
            karp_flatt(0.0, 0.5),
            LawError::NotASpeedup(0.0),
        ),
        (
            "karp_flatt(NaN, 1.0)",
            karp_flatt(NAN, 1.0),
            LawError::NotASpeedup(NAN),
        ),
        (
            "karp_flatt(2.0, NaN)",
            karp_flatt(2.0, NAN),
            LawError::TooFewThreads(NAN),
        ),
    ];
    for (call, got, expected) in cases {
        refuses(
            call,
            got,
            expected,
            "each law's doc comment says which argument it checks first, and that error wins",
        );
    }
}

#[test]
fn errors_quote_the_bad_value() {
    let cases: [(LawError, &[&str]); 6] = [
        (speedup(1.0, -2.0).unwrap_err(), &["parallel", "-2"]),
        (amdahl(0.5, 0.5).unwrap_err(), &["0.5"]),
        (gustafson(NAN, 2.0).unwrap_err(), &["NaN"]),
        (karp_flatt(-3.0, 2.0).unwrap_err(), &["-3"]),
        (karp_flatt(2.0, 1.0).unwrap_err(), &["1 thread"]),
        (amdahl_limit(NAN).unwrap_err(), &["NaN"]),
    ];
    for (error, words) in cases {
        super::says(&error, words, BOOK);
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(256))]

    #[test]
    fn one_thread_gives_no_speedup(f in 0.0..=1.0f64) {
        let s = amdahl(f, 1.0).expect("valid inputs");
        check!(close(s, 1.0, 1e-12), "amdahl({f}, 1) is {s}, but one thread is the baseline: S(1) = 1");
    }

    #[test]
    fn more_threads_never_hurt_in_amdahls_model(f in 0.0..=1.0f64, p in 1.0..1000.0f64, more in 0.0..100.0f64) {
        let fewer = amdahl(f, p).expect("valid inputs");
        let plenty = amdahl(f, p + more).expect("valid inputs");
        check!(
            plenty >= fewer * (1.0 - 1e-12),
            "amdahl({f}, {p}) = {fewer} but amdahl({f}, {}) = {plenty}: S must not fall as p grows",
            p + more
        );
    }

    #[test]
    fn speedup_is_bounded_by_threads_and_by_the_serial_part(f in 0.0..=1.0f64, p in 1.0..1000.0f64) {
        let s = amdahl(f, p).expect("valid inputs");
        let limit = amdahl_limit(f).expect("valid fraction");
        check!(s <= p * (1.0 + 1e-12), "amdahl({f}, {p}) = {s} beats the {p} threads: S <= p");
        check!(
            s <= limit * (1.0 + 1e-12),
            "amdahl({f}, {p}) = {s} exceeds 1 / (1 - f) = {limit}: the serial part (1 - f) never \
             speeds up, check which of f and 1 - f you divide by p"
        );
    }

    #[test]
    fn karp_flatt_recovers_the_serial_fraction(f in 0.0..=1.0f64, p in 2.0..256.0f64) {
        let s = amdahl(f, p).expect("valid inputs");
        let e = karp_flatt(s, p).expect("valid inputs");
        check!(
            close(e, 1.0 - f, 1e-9),
            "for a program that follows Amdahl with parallel fraction {f}, Karp–Flatt on p = {p} \
             should give the serial fraction {}, got {e}",
            1.0 - f
        );
    }

    #[test]
    fn speedup_and_efficiency_agree(t1 in 1e-6..1e3f64, tp in 1e-6..1e3f64, p in 1.0..128.0f64) {
        let s = speedup(t1, tp).expect("valid times");
        let e = efficiency(t1, tp, p).expect("valid inputs");
        check!(close(s, t1 / tp, 1e-12), "speedup({t1}, {tp}) = {s}, expected T1/Tp");
        check!(close(e, s / p, 1e-12), "efficiency({t1}, {tp}, {p}) = {e}: efficiency is speedup / p");
    }
}
