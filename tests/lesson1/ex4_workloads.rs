//! Exercise 4: the seed tutorials' workloads.

use num_bigint::BigUint;
use proptest::prelude::*;
use subject::{busy_loop, factorial, random_inputs, sort_random, square};

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
        assert_eq!(
            factorial(n).to_string(),
            expected,
            "{n}! is wrong: u64 overflows after 20! and u128 after 34!, so multiply BigUints; {}",
            super::see("workloads")
        );
    }
}

#[test]
fn sort_random_is_sorted_reproducible_and_uniform() {
    let numbers = sort_random(10_000, 42);
    assert_eq!(
        numbers.len(),
        10_000,
        "sort_random(n, seed) should return n numbers"
    );
    assert!(
        numbers.windows(2).all(|pair| pair[0] <= pair[1]),
        "sort_random should return its numbers in ascending order; {}",
        super::see("workloads")
    );
    assert!(
        numbers.iter().all(|x| (0.0..1.0).contains(x)),
        "every number should lie in [0, 1)"
    );
    let mean = numbers.iter().sum::<f64>() / numbers.len() as f64;
    assert!(
        (0.45..0.55).contains(&mean),
        "10 000 uniform draws from [0, 1) should average about 0.5, got {mean}: is the generator \
         really drawing uniform numbers?"
    );
    assert_eq!(
        sort_random(10_000, 42),
        numbers,
        "the same seed must give the same numbers (seed the generator with the given seed); {}",
        super::see("workloads")
    );
    assert_ne!(
        sort_random(100, 1),
        sort_random(100, 2),
        "different seeds should give different numbers"
    );
}

#[test]
fn random_inputs_cover_the_half_open_range() {
    let inputs = random_inputs(10_000, 1, 100, 7);
    assert_eq!(inputs.len(), 10_000);
    assert_eq!(inputs.iter().min(), Some(&1), "the low end, 1, is included");
    assert_eq!(
        inputs.iter().max(),
        Some(&99),
        "the high end, 100, is excluded, like numpy's randint"
    );
    assert_eq!(
        random_inputs(10_000, 1, 100, 7),
        inputs,
        "the same seed must give the same inputs"
    );
}

proptest! {
    #![proptest_config(testkit::proptest_config(256))]

    #[test]
    fn square_squares(x in 0u64..=u64::from(u32::MAX)) {
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
