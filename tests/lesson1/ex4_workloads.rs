//! Exercise 4: the seed tutorials' workloads.

use std::time::Duration;

use num_bigint::BigUint;
use proptest::prelude::*;
use subject::{busy_loop, factorial, random_inputs, sort_random, square};
use testkit::{PATIENCE, check, check_eq};

use super::reexec::Heard;

const BOOK: testkit::Book = super::book("workloads");

/// 99!, computed independently (Python's `math.factorial(99)`).
const FACTORIAL_99: &str = "933262154439441526816992388562667004907159682643816214685929638952175999932299156089414639761565182862536979208272237582511852109168640000000000000000000000";

#[test]
fn factorial_is_exact_beyond_machine_integers() {
    let checks: [(u32, &str); 5] = [
        (0, "1"),
        (1, "1"),
        (20, "2432902008176640000"),
        (35, "10333147966386144929666651337523200000000"),
        (99, FACTORIAL_99),
    ];
    for (n, expected) in checks {
        check_eq!(
            factorial(n).to_string(),
            expected,
            "{n}! is wrong: u64 overflows after 20! and u128 after 34!, so multiply BigUints"
        );
    }
}

#[test]
fn sort_random_is_sorted_reproducible_and_uniform() {
    let numbers = sort_random(10_000, 42);
    check_eq!(
        numbers.len(),
        10_000,
        "sort_random(n, seed) should return n numbers"
    );
    check!(
        numbers.windows(2).all(|pair| pair[0] <= pair[1]),
        "sort_random should return its numbers in ascending order"
    );
    check!(
        numbers.iter().all(|x| (0.0..1.0).contains(x)),
        "every number should lie in [0, 1)"
    );
    let mean = numbers.iter().sum::<f64>() / numbers.len() as f64;
    check!(
        (0.45..0.55).contains(&mean),
        "10 000 uniform draws from [0, 1) should average about 0.5, got {mean}: is the generator \
         really drawing uniform numbers?"
    );
    check_eq!(
        sort_random(10_000, 42),
        numbers,
        "the same seed must give the same numbers (seed the generator with the given seed)"
    );
    check!(
        sort_random(100, 1) != sort_random(100, 2),
        "different seeds should give different numbers"
    );
}

#[test]
fn random_inputs_cover_the_half_open_range() {
    let inputs = random_inputs(10_000, 1, 100, 7);
    check_eq!(
        inputs.len(),
        10_000,
        "random_inputs(10_000, ..) draws 10 000"
    );
    check_eq!(inputs.iter().min(), Some(&1), "the low end, 1, is included");
    check_eq!(
        inputs.iter().max(),
        Some(&99),
        "the high end, 100, is excluded, like numpy's randint"
    );
    check_eq!(
        random_inputs(10_000, 1, 100, 7),
        inputs,
        "the same seed must give the same inputs"
    );
    check!(
        random_inputs(100, 0, 1, 3).iter().all(|&x| x == 0),
        "random_inputs(_, 0, 1, _) can only draw 0"
    );
    check!(
        std::panic::catch_unwind(|| random_inputs(1, 5, 5, 0)).is_err(),
        "random_inputs(_, 5, 5, _) should panic: the range 5..5 is empty"
    );
}

// ANCHOR: busy_loop_test
#[test]
fn busy_loop_really_loops() {
    // busy_loop(u64::MAX) would spin for centuries, so it must not return; one whose loop the
    // optimizer replaced by its result returns at once. The call runs in a child process, which
    // is killed after the wait. The suite builds the lesson's crate with optimisations, so a
    // loop that is only kept by a debug build fails here too.
    let test = concat!(module_path!(), "::busy_loop_really_loops");
    if super::reexec::child(test) {
        println!("busy_loop: spinning");
        let rounds = busy_loop(u64::MAX);
        println!("busy_loop: returned {rounds}");
        return;
    }
    let mut child = super::reexec::start(test);
    let started = child.listen_for("busy_loop: spinning", PATIENCE);
    let spun = match started {
        Heard::Line => child.listen_for("busy_loop: returned", WATCH),
        other => other,
    };
    let output = child.output();
    child.kill();
    check!(
        started == Heard::Line && spun != Heard::Ended,
        "the child process running busy_loop(u64::MAX) ended without returning:\n{output}\n"
    );
    check!(
        spun == Heard::Silence,
        "busy_loop(u64::MAX) returned at once: the optimizer replaced the loop by its result, \
         so it does no work. Pass the running count through std::hint::black_box every round"
    );
}
// ANCHOR_END: busy_loop_test

/// How long `busy_loop_really_loops` watches for a return that a folded loop makes at once.
const WATCH: Duration = Duration::from_secs(2);

proptest! {
    #![proptest_config(testkit::proptest_config(256))]

    #[test]
    fn square_squares(x in prop_oneof![0u64..=u64::from(u32::MAX), Just(u64::from(u32::MAX))]) {
        prop_assert_eq!(square(x), x * x);
    }

    #[test]
    fn busy_loop_counts_its_iterations(iterations in 0u64..20_000) {
        prop_assert_eq!(busy_loop(iterations), iterations);
    }

    #[test]
    fn each_factorial_is_the_previous_times_n(n in 0u32..100) {
        prop_assert_eq!(factorial(n + 1), factorial(n) * BigUint::from(n + 1));
    }

    #[test]
    fn sorting_keeps_the_count(n in 0usize..500, seed in any::<u64>()) {
        let numbers = sort_random(n, seed);
        prop_assert_eq!(numbers.len(), n);
        prop_assert!(numbers.windows(2).all(|pair| pair[0] <= pair[1]));
    }
}
