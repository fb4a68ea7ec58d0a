//! Exercise 6: work that waits against work that computes.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use subject::{ZeroWorkers, cpu_bound_time, io_bound_time, sleep_add};
use testkit::{bounded, check, check_eq};

const BOOK: testkit::Book = super::book("io-vs-cpu");

const TENTH: Duration = Duration::from_millis(100);

#[test]
fn io_bound_time_follows_seed_001() {
    for (threads, expected_ms) in [(1, 1_000), (3, 400), (5, 200), (10, 100), (20, 100)] {
        check_eq!(
            io_bound_time(10, threads, TENTH),
            Ok(Duration::from_millis(expected_ms)),
            "10 tasks that each wait 0.1 s take 0.1 s × ⌈10 / {threads}⌉ on {threads} threads, \
             however few cores there are",
        );
    }
}

// ANCHOR: cpu_model_test
#[test]
fn cpu_bound_time_stops_improving_at_the_core_count() {
    let per_task = Duration::from_millis(30);
    for (threads, expected_ms) in [(1, 300), (2, 150), (3, 150), (5, 150), (10, 150)] {
        check_eq!(
            cpu_bound_time(10, threads, 2, per_task),
            Ok(Duration::from_millis(expected_ms)),
            "10 tasks of 30 ms on {threads} threads and 2 cores: 2 cores cannot do 300 ms of \
             work in less than 150 ms, however many threads share them",
        );
    }
    check_eq!(
        cpu_bound_time(10, 10, 8, per_task),
        Ok(Duration::from_micros(37_500)),
        "10 tasks of 30 ms on 10 threads and 8 cores: 300 ms of work shared by 8 cores",
    );
    check_eq!(
        cpu_bound_time(10, 4, 8, per_task),
        Ok(Duration::from_millis(90)),
        "10 tasks of 30 ms on 4 threads and 8 cores: the busiest thread runs 3 tasks",
    );
}
// ANCHOR_END: cpu_model_test

#[test]
fn zero_threads_or_cores_is_an_error() {
    check_eq!(
        io_bound_time(10, 0, TENTH),
        Err(ZeroWorkers { what: "threads" }),
        "io_bound_time with 0 threads",
    );
    check_eq!(
        cpu_bound_time(10, 0, 2, TENTH),
        Err(ZeroWorkers { what: "threads" }),
        "cpu_bound_time with 0 threads",
    );
    check_eq!(
        cpu_bound_time(10, 2, 0, TENTH),
        Err(ZeroWorkers { what: "cores" }),
        "cpu_bound_time with 0 cores",
    );
}

#[test]
fn cpu_bound_time_rounds_down_to_the_nanosecond() {
    check_eq!(
        cpu_bound_time(10, 10, 3, Duration::from_nanos(1)),
        Ok(Duration::from_nanos(3)),
        "10 tasks of 1 ns shared by 3 cores take 10/3 ns, which rounds down to 3 ns"
    );
    check_eq!(
        cpu_bound_time(0, 3, 2, TENTH),
        Ok(Duration::ZERO),
        "no tasks take no time"
    );
}

#[test]
fn sleep_add_waits_before_it_adds() {
    let started = Instant::now();
    let sum = bounded!(sleep_add(u32::MAX, u32::MAX, Duration::from_millis(20)));
    check!(
        sum == 2 * u64::from(u32::MAX) && started.elapsed() >= Duration::from_millis(20),
        "sleep_add(u32::MAX, u32::MAX, 20 ms) should sleep (std::thread::sleep never returns \
         early) and then return {}, without overflowing; it returned {sum} after {:?}",
        2 * u64::from(u32::MAX),
        started.elapsed()
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn sleep_add_adds(x in any::<u32>(), y in any::<u32>()) {
        prop_assert_eq!(
            sleep_add(x, y, Duration::ZERO),
            u64::from(x) + u64::from(y),
            "sleep_add({}, {}, 0 s); {}",
            x,
            y,
            BOOK
        );
    }

    #[test]
    fn more_threads_never_make_the_model_slower(
        tasks in 0usize..100,
        threads in 1usize..32,
        cores in 1usize..16,
        per_task_ms in 0u64..1_000,
    ) {
        let per_task = Duration::from_millis(per_task_ms);
        let model = "the model refused a positive number of threads and cores";
        let io = |threads| io_bound_time(tasks, threads, per_task).expect(model);
        let cpu = |threads| cpu_bound_time(tasks, threads, cores, per_task).expect(model);
        prop_assert!(
            io(threads + 1) <= io(threads) && cpu(threads + 1) <= cpu(threads),
            "in the model, one more thread never makes {} tasks slower",
            tasks,
        );
        let all_cores_busy = per_task.as_nanos() * tasks as u128 / cores as u128;
        prop_assert!(
            cpu(threads).as_nanos() >= all_cores_busy,
            "{} tasks cannot compute faster than all {} cores busy all the time; {}",
            tasks,
            cores,
            BOOK
        );
    }
}
