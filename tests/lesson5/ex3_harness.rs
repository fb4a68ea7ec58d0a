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

use super::close;

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
    })
    .unwrap_or_else(|error| {
        panic!(
            "measure_scaling failed with \"{error}\" for {plan:?}; {}",
            super::see("harness")
        )
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
    assert_eq!(
        threads,
        [1, 2, 3, 4],
        "one row per pool size from 1 to max_threads, in order; {}",
        super::see("harness")
    );
    for row in &rows {
        let p = row.threads as u32;
        assert_eq!(
            row.median,
            millis(12) / p,
            "on {p} threads each run took 12 ms / {p} on the clock you were given: time with \
             clock.now() around each run and run the work inside a pool of exactly {p} threads; {}",
            super::see("harness")
        );
        assert!(
            close(row.speedup, f64::from(p), 1e-9) && close(row.efficiency, 1.0, 1e-9),
            "perfectly parallel work on {p} threads has speedup {p} and efficiency 1, got {row:?}; \
             {}",
            super::see("harness")
        );
    }
}
// ANCHOR_END: harness_test

#[test]
fn runs_every_pool_size_warmups_plus_repetitions_times() {
    let (_, runs) = scripted(plan(3, 2, 5), |_, _| Duration::from_micros(1));
    let expected: HashMap<usize, usize> = (1..=3).map(|p| (p, 7)).collect();
    assert_eq!(
        runs,
        expected,
        "with 2 warm-ups and 5 repetitions the work should run 7 times on each pool of 1, 2 and \
         3 threads (pool size -> runs); build one pool per size and run inside pool.install; {}",
        super::see("harness")
    );
}

#[test]
fn warmup_runs_are_not_timed() {
    // The first run on each pool is cold and takes 1 s, all later ones 10 ms.
    let (rows, _) = scripted(plan(2, 1, 3), |_, run| {
        millis(if run == 1 { 1_000 } else { 10 })
    });
    let medians: Vec<Duration> = rows.iter().map(|row| row.median).collect();
    assert_eq!(
        medians,
        [millis(10); 2],
        "the first (warm-up) run on each pool took 1 s and must not be timed; {}",
        super::see("harness")
    );
}

#[test]
fn the_median_ignores_one_disturbed_run() {
    let (rows, _) = scripted(plan(1, 0, 5), |_, run| {
        millis(if run == 3 { 500 } else { 10 })
    });
    assert_eq!(
        rows[0].median,
        millis(10),
        "one of five runs took 500 ms instead of 10 ms; the median of the five is 10 ms (a mean \
         would be 108 ms); {}",
        super::see("harness")
    );
}

#[test]
fn an_even_number_of_runs_takes_the_mean_of_the_middle_two() {
    // 4, 3, 2, 1 ms: sorted 1, 2, 3, 4, whose median is 2.5 ms.
    let (rows, _) = scripted(plan(1, 0, 4), |_, run| millis(5 - run));
    assert_eq!(
        rows[0].median,
        Duration::from_micros(2_500),
        "runs of 4, 3, 2 and 1 ms have the median 2.5 ms; {}",
        super::see("harness")
    );
}

#[test]
fn bad_plans_are_refused() {
    let clock = FakeClock::default();
    let tick = || clock.advance(Duration::from_millis(1));
    let no_threads = plan(0, 0, 3);
    let no_repetitions = plan(2, 1, 0);
    assert!(
        matches!(
            measure_scaling(&clock, &no_threads, tick),
            Err(HarnessError::NoThreads)
        ),
        "max_threads 0 leaves nothing to measure: Err(HarnessError::NoThreads); {}",
        super::see("harness")
    );
    assert!(
        matches!(
            measure_scaling(&clock, &no_repetitions, tick),
            Err(HarnessError::NoRepetitions)
        ),
        "repetitions 0 leaves no time to report: Err(HarnessError::NoRepetitions); {}",
        super::see("harness")
    );
    let outcome = measure_scaling(&clock, &plan(2, 0, 3), || ());
    assert!(
        matches!(outcome, Err(HarnessError::TooFastToTime { threads: 1 })),
        "work that takes no time has no speedup (0 / 0): Err(TooFastToTime {{ threads: 1 }}), \
         got {outcome:?}; {}",
        super::see("harness")
    );
}

#[test]
fn the_system_clock_never_goes_back() {
    let clock = SystemClock::new();
    let mut last = clock.now();
    for _ in 0..1_000 {
        testkit::spin(100);
        let now = clock.now();
        assert!(
            now >= last,
            "SystemClock::now() went from {last:?} back to {now:?}; {}",
            super::see("harness")
        );
        last = now;
    }
}

#[test]
fn measures_real_work_with_the_system_clock() {
    let rows = measure_scaling(&SystemClock::new(), &plan(2, 1, 3), || {
        testkit::spin(200_000)
    })
    .unwrap_or_else(|error| panic!("measuring real work failed: {error}"));
    assert_eq!(rows.len(), 2, "one row per pool size: {rows:?}");
    assert_eq!(
        rows[0].speedup,
        1.0,
        "one thread is the baseline of every speedup: {rows:?}; {}",
        super::see("harness")
    );
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
    assert_eq!(
        cubes_sqrt(7),
        expected,
        "cubes_sqrt(7) should be the pairs (a, sqrt(a^3)) for a = 1 to 7, in order; {}",
        super::see("harness")
    );
    assert!(cubes_sqrt(0).is_empty(), "cubes_sqrt(0) has no pairs");
}

#[test]
fn the_parallel_pairs_equal_the_serial_ones() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("building a rayon pool failed");
    for n in [0, 1, 1_000, 100_003] {
        let serial = cubes_sqrt(n);
        let parallel = pool.install(|| cubes_sqrt_par(n));
        assert!(
            parallel == serial,
            "cubes_sqrt_par({n}) differs from cubes_sqrt({n}): same pairs, same order (collect \
             keeps the order of a parallel iterator); {}",
            super::see("harness")
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
        prop_assert_eq!(rows.len(), max_threads, "one row per pool size; {}", super::see("harness"));
        for (row, p) in rows.iter().zip(1u64..) {
            prop_assert_eq!(row.threads as u64, p);
            prop_assert_eq!(row.median, cost(p), "median on {} threads; {}", p, super::see("harness"));
            let speedup = cost(1).as_secs_f64() / cost(p).as_secs_f64();
            prop_assert!(
                close(row.speedup, speedup, 1e-9),
                "speedup on {} threads should be median(1) / median({}) = {}, got {}; {}",
                p, p, speedup, row.speedup, super::see("harness")
            );
            prop_assert!(
                close(row.efficiency, speedup / p as f64, 1e-9),
                "efficiency on {} threads should be speedup / {}, got {}; {}",
                p, p, row.efficiency, super::see("harness")
            );
        }
    }
}
