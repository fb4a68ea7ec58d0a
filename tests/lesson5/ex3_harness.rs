//! Exercise 3: the measuring harness, run under a fake clock, and seed 004's workload.
//!
//! The fake clock stands still until the workload moves it: each run "takes" exactly what the
//! test says, so the medians, speedups and efficiencies the harness reports are known in
//! advance, and no test depends on how fast this machine is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use proptest::prelude::*;
use subject::{
    Clock, HarnessError, Plan, Scaling, SystemClock, cubes_sqrt, cubes_sqrt_par, measure_scaling,
};
use testkit::{check, check_eq, fail};

use super::{close, no_panic};

const BOOK: testkit::Book = super::book("harness");

// ANCHOR: fake_clock
/// A clock that only moves when told to.
#[derive(Default)]
struct FakeClock {
    nanos: AtomicU64,
}

impl FakeClock {
    fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).expect("test durations fit in u64 nanoseconds");
        self.nanos.fetch_add(nanos, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }
}
// ANCHOR_END: fake_clock

/// The size of the rayon pool the workload is running on.
fn pool_size() -> usize {
    rayon::current_num_threads()
}

/// Measures under `plan` with a fake clock on which run number `run` (counted from 1 on each
/// pool, warm-ups included) on a pool of `p` threads takes `cost(p, run)`. Also gives back how
/// many runs each pool size saw.
fn scripted(
    plan: Plan,
    cost: impl Fn(usize, usize) -> Duration + Sync,
) -> (Vec<Scaling>, HashMap<usize, usize>) {
    let (rows, runs) = attempt(plan, cost);
    let rows =
        rows.unwrap_or_else(|error| fail!("measure_scaling failed with \"{error}\" for {plan:?}"));
    (rows, runs)
}

/// [`scripted`], but giving back what `measure_scaling` returned, error or not.
fn attempt(
    plan: Plan,
    cost: impl Fn(usize, usize) -> Duration + Sync,
) -> (Result<Vec<Scaling>, HarnessError>, HashMap<usize, usize>) {
    let clock = FakeClock::default();
    let runs = Mutex::new(HashMap::<usize, usize>::new());
    let rows = measure_scaling(&clock, &plan, || {
        let p = pool_size();
        let run = {
            let mut runs = runs.lock().unwrap();
            let run = runs.entry(p).or_default();
            *run += 1;
            *run
        };
        clock.advance(cost(p, run));
    });
    (rows, runs.into_inner().unwrap())
}

fn plan(max_threads: usize, warmups: usize, repetitions: usize) -> Plan {
    Plan {
        max_threads,
        warmups,
        repetitions,
    }
}

fn millis(ms: usize) -> Duration {
    Duration::from_millis(ms as u64)
}

// ANCHOR: harness_test
#[test]
fn reports_one_row_per_pool_size_from_the_fake_clock() {
    // 12 ms of perfectly parallel work: 12 ms on 1 thread, 6 ms on 2, 4 ms on 3, 3 ms on 4.
    let (rows, _) = scripted(plan(4, 1, 3), |p, _| millis(12) / p as u32);
    let threads: Vec<usize> = rows.iter().map(|row| row.threads).collect();
    check_eq!(
        threads,
        [1, 2, 3, 4],
        "one row per pool size from 1 to max_threads, in order"
    );
    for row in &rows {
        let p = row.threads as u32;
        check_eq!(
            row.median,
            millis(12) / p,
            "on {p} threads each run took 12 ms / {p} on the clock you were given: time with \
             clock.now() around each run and run the work inside a pool of exactly {p} threads"
        );
        check!(
            close(row.speedup, f64::from(p), 1e-9) && close(row.efficiency, 1.0, 1e-9),
            "perfectly parallel work on {p} threads has speedup {p} and efficiency 1, got {row:?}"
        );
    }
}
// ANCHOR_END: harness_test

#[test]
fn runs_every_pool_size_warmups_plus_repetitions_times() {
    let (_, runs) = scripted(plan(3, 2, 5), |_, _| Duration::from_micros(1));
    let expected: HashMap<usize, usize> = (1..=3).map(|p| (p, 7)).collect();
    check_eq!(
        runs,
        expected,
        "with 2 warm-ups and 5 repetitions the work should run 7 times on each pool of 1, 2 and \
         3 threads (pool size -> runs); build one pool per size and run inside pool.install"
    );
}

#[test]
fn warmup_runs_are_not_timed() {
    // The first run on each pool is cold and takes 1 s, all later ones 10 ms.
    let (rows, _) = scripted(plan(2, 1, 3), |_, run| {
        millis(if run == 1 { 1_000 } else { 10 })
    });
    let medians: Vec<Duration> = rows.iter().map(|row| row.median).collect();
    check_eq!(
        medians,
        [millis(10); 2],
        "the first (warm-up) run on each pool took 1 s and must not be timed"
    );
}

#[test]
fn the_median_ignores_one_disturbed_run() {
    let (rows, _) = scripted(plan(1, 0, 5), |_, run| {
        millis(if run == 3 { 500 } else { 10 })
    });
    check_eq!(
        rows[0].median,
        millis(10),
        "one of five runs took 500 ms instead of 10 ms; the median of the five is 10 ms (a mean \
         would be 108 ms)"
    );
}

#[test]
fn an_even_number_of_runs_takes_the_mean_of_the_middle_two() {
    // 4, 3, 2, 1 ms: sorted 1, 2, 3, 4, whose median is 2.5 ms.
    let (rows, _) = scripted(plan(1, 0, 4), |_, run| millis(5 - run));
    check_eq!(
        rows[0].median,
        Duration::from_micros(2_500),
        "runs of 4, 3, 2 and 1 ms have the median 2.5 ms"
    );
}

#[test]
fn bad_plans_are_refused_no_threads_first() {
    let cases = [
        (plan(0, 0, 3), "NoThreads"),
        (plan(0, 1, 0), "NoThreads"),
        (plan(2, 1, 0), "NoRepetitions"),
    ];
    for (plan, expected) in cases {
        let (outcome, runs) = attempt(plan, |_, _| millis(1));
        let name = match &outcome {
            Err(HarnessError::NoThreads) => "NoThreads",
            Err(HarnessError::NoRepetitions) => "NoRepetitions",
            _ => "something else",
        };
        check!(
            name == expected && runs.is_empty(),
            "{plan:?} cannot be measured: it should be Err(HarnessError::{expected}) before any \
             run (max_threads is checked first), got {outcome:?} after the runs {runs:?}"
        );
    }
}

#[test]
fn work_too_fast_to_time_is_refused_on_any_pool_size() {
    // (plan, cost of a run on p threads, run number, the pool size that must be named)
    type Cost = fn(usize, usize) -> Duration;
    let cases: [(Plan, Cost, usize, &str); 4] = [
        (
            plan(2, 0, 3),
            |_, _| Duration::ZERO,
            1,
            "no run takes any time",
        ),
        (
            plan(3, 0, 3),
            |p, _| if p == 1 { millis(6) } else { Duration::ZERO },
            2,
            "runs on 2 and 3 threads take no time",
        ),
        (
            plan(4, 1, 3),
            |p, _| if p == 3 { Duration::ZERO } else { millis(6) },
            3,
            "only runs on 3 threads take no time",
        ),
        (
            plan(2, 0, 3),
            |p, run| {
                if p == 2 && run != 3 {
                    Duration::ZERO
                } else {
                    millis(6)
                }
            },
            2,
            "two of the three runs on 2 threads take no time, so their median is 0",
        ),
    ];
    for (plan, cost, threads, story) in cases {
        let (outcome, _) = attempt(plan, cost);
        check!(
            matches!(outcome, Err(HarnessError::TooFastToTime { threads: t }) if t == threads),
            "{plan:?} where {story}: the first pool size whose median is zero is {threads}, so \
             the harness should fail with TooFastToTime {{ threads: {threads} }}, got \
             {outcome:?}; check every pool size's median, not only 1's"
        );
    }
}

#[test]
fn errors_say_what_went_wrong() {
    // The global pool can be set up once; a second try is rayon's own error.
    let _ = rayon::ThreadPoolBuilder::new().build_global();
    let pool_error = rayon::ThreadPoolBuilder::new()
        .build_global()
        .expect_err("the global rayon pool can only be built once");
    let pool = HarnessError::Pool(pool_error);
    check!(
        std::error::Error::source(&pool).is_some(),
        "HarnessError::Pool should give rayon's error as its source()"
    );
    let refused = |plan: Plan, cost: fn(usize, usize) -> Duration| {
        attempt(plan, cost)
            .0
            .expect_err("this plan cannot be measured")
    };
    let cases: [(HarnessError, &[&str]); 4] = [
        (
            refused(plan(0, 0, 1), |_, _| millis(1)),
            &["max_threads is 0"],
        ),
        (
            refused(plan(1, 0, 0), |_, _| millis(1)),
            &["repetitions is 0"],
        ),
        (
            refused(plan(3, 0, 1), |p, _| millis(if p < 3 { 1 } else { 0 })),
            &["3 thread"],
        ),
        (pool, &["rayon pool"]),
    ];
    for (error, words) in cases {
        super::says(&error, words, BOOK);
    }
}

#[test]
fn the_system_clock_never_goes_back() {
    let clock = SystemClock::default();
    let mut last = clock.now();
    for _ in 0..1_000 {
        testkit::spin(100);
        let now = clock.now();
        check!(
            now >= last,
            "SystemClock::now() went from {last:?} back to {now:?}"
        );
        last = now;
    }
}

#[test]
fn measures_real_work_with_the_system_clock() {
    let rows = measure_scaling(&SystemClock::new(), &plan(2, 1, 3), || {
        testkit::spin(200_000)
    })
    .unwrap_or_else(|error| fail!("measuring real work failed: {error}"));
    check_eq!(rows.len(), 2, "one row per pool size: {rows:?}");
    check_eq!(
        rows[0].speedup,
        1.0,
        "one thread is the baseline of every speedup: {rows:?}"
    );
}

/// √(a³) as the spec computes it: `(a as f64).powi(3).sqrt()`, written out as the products.
fn root_of_cube(a: u64) -> f64 {
    let x = a as f64;
    (x * x * x).sqrt()
}

#[test]
fn cubes_sqrt_matches_seed_004() {
    // The output the seed printed for a = 1 … 7.
    let expected = [
        (1, 1.0),
        (2, 2.828_427_124_746_190_3),
        (3, 5.196_152_422_706_632),
        (4, 8.0),
        (5, 11.180_339_887_498_949),
        (6, 14.696_938_456_699_069),
        (7, 18.520_259_177_452_136),
    ];
    check_eq!(
        cubes_sqrt(7),
        expected,
        "cubes_sqrt(7) should be the pairs (a, sqrt(a^3)) for a = 1 to 7, in order"
    );
    check!(cubes_sqrt(0).is_empty(), "cubes_sqrt(0) has no pairs");
}

/// The grader's size, tests/lesson5/perf.rs's `N`.
const GRADED_N: usize = 8_000_000;

/// Checks `pairs`, made by `call`, against the spec's formula for every `a` up to `n`.
fn check_cubes(call: &str, pairs: Result<Vec<(u64, f64)>, String>, n: usize) {
    let pairs = pairs.unwrap_or_else(|message| {
        fail!(
            "{call} panicked with {message:?}: a³ for a up to {n} does not fit in u64 (it \
             overflows past a = 2 642 245); compute the cube in f64, (a as f64).powi(3)"
        )
    });
    check_eq!(
        pairs.len(),
        n,
        "{call} should hold one pair per a from 1 to {n}"
    );
    let wrong = pairs
        .iter()
        .zip(1u64..)
        .find(|&(&(got_a, root), a)| got_a != a || root.to_bits() != root_of_cube(a).to_bits());
    if let Some((&(got_a, root), a)) = wrong {
        fail!(
            "{call}: pair {} is ({got_a}, {root:e}), but the spec says ({a}, {:e}), \
             (a as f64).powi(3).sqrt() bit for bit (powf(1.5) and a * a.sqrt() round \
             differently); the grader compares these bits at n = {GRADED_N}",
            a - 1,
            root_of_cube(a)
        );
    }
}

#[test]
fn cubes_sqrt_is_bit_exact_at_the_graders_size() {
    check_cubes(
        "cubes_sqrt(8_000_000)",
        no_panic(|| cubes_sqrt(GRADED_N)),
        GRADED_N,
    );
}

#[test]
fn cubes_sqrt_par_is_bit_exact_at_the_graders_size() {
    // The first n whose cube overflows u64, tried first: a cube in u64 then panics in one
    // rayon task, not in the thousands that 8 000 000 pairs split into.
    let pairs = testkit::in_rayon_pool(2, || {
        no_panic(|| cubes_sqrt_par(2_642_246)).and_then(|_| no_panic(|| cubes_sqrt_par(GRADED_N)))
    });
    check_cubes("cubes_sqrt_par(8_000_000) on 2 threads", pairs, GRADED_N);
}

#[test]
fn the_parallel_pairs_equal_the_serial_ones() {
    for n in [0, 1, 1_000, 100_003] {
        let serial = cubes_sqrt(n);
        let parallel = testkit::in_rayon_pool(4, || cubes_sqrt_par(n));
        check!(
            parallel == serial,
            "cubes_sqrt_par({n}) differs from cubes_sqrt({n}): same pairs, same order (collect \
             keeps the order of a parallel iterator)"
        );
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(32))]

    #[test]
    fn the_report_is_well_formed_under_a_fake_clock(
        max_threads in 1usize..=4,
        warmups in 0usize..=2,
        repetitions in 1usize..=5,
        serial_nanos in 1_000u64..1_000_000_000,
        percent_parallel in 0u64..=100,
    ) {
        // Amdahl-shaped work, in whole nanoseconds so every expected value is exact.
        let cost = |p: u64| {
            let parallel = serial_nanos * percent_parallel / 100;
            Duration::from_nanos(serial_nanos - parallel + parallel / p)
        };
        let (rows, _) = scripted(plan(max_threads, warmups, repetitions), |p, _| cost(p as u64));
        check_eq!(rows.len(), max_threads, "one row per pool size");
        for (row, p) in rows.iter().zip(1u64..) {
            check_eq!(row.threads as u64, p, "the rows come in order of p");
            check_eq!(row.median, cost(p), "median on {p} threads");
            let speedup = cost(1).as_secs_f64() / cost(p).as_secs_f64();
            check!(
                close(row.speedup, speedup, 1e-9),
                "speedup on {p} threads should be median(1) / median({p}) = {speedup}, got {}",
                row.speedup
            );
            check!(
                close(row.efficiency, speedup / p as f64, 1e-9),
                "efficiency on {p} threads should be speedup / {p}, got {}",
                row.efficiency
            );
        }
    }
}
