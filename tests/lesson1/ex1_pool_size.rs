//! Exercise 1: choosing a pool size.

use proptest::prelude::*;
use subject::{PoolSizeError, cpu_count, pool_size};

fn expected_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[test]
fn cpu_count_is_what_the_os_offers() {
    assert_eq!(
        cpu_count(),
        expected_cpus(),
        "cpu_count() should report std::thread::available_parallelism(); {}",
        super::see("pool-size")
    );
}

#[test]
fn no_request_means_one_worker_per_core() {
    for request in [None, Some(""), Some("   "), Some("auto"), Some("AUTO")] {
        assert_eq!(
            pool_size(request),
            Ok(expected_cpus()),
            "pool_size({request:?}) should fall back to cpu_count(); {}",
            super::see("pool-size")
        );
    }
}

#[test]
fn zero_is_refused_with_a_reason() {
    let refused = pool_size(Some("0"));
    assert_eq!(
        refused,
        Err(PoolSizeError::Zero),
        "a pool of 0 workers can never run a task, so pool_size(Some(\"0\")) must be an error; {}",
        super::see("pool-size")
    );
}

#[test]
fn text_that_is_not_a_number_is_quoted_back() {
    for text in ["four", "-2", "2.5", "8 threads"] {
        let refused = pool_size(Some(text));
        assert_eq!(
            refused,
            Err(PoolSizeError::NotANumber(text.to_string())),
            "pool_size(Some({text:?})) should be refused, quoting the text it was given; {}",
            super::see("pool-size")
        );
        let message = refused.unwrap_err().to_string();
        assert!(
            message.contains(text),
            "the error message {message:?} should quote the bad input {text:?}"
        );
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(256))]

    #[test]
    fn an_explicit_count_wins(n in 1usize..=4096, pad_left in 0usize..3, pad_right in 0usize..3) {
        let text = format!("{}{n}{}", " ".repeat(pad_left), " ".repeat(pad_right));
        prop_assert_eq!(
            pool_size(Some(&text)),
            Ok(n),
            "pool_size(Some({:?})) should be exactly {} (more than the cores is allowed); {}",
            text,
            n,
            super::see("pool-size")
        );
    }
}
