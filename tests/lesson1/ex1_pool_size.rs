//! Exercise 1: choosing a pool size.

use proptest::prelude::*;
use subject::{PoolSizeError, cpu_count, pool_size};
use testkit::{check, check_eq};

const BOOK: testkit::Book = super::book("pool-size");

fn expected_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[test]
fn cpu_count_is_what_the_os_offers() {
    check_eq!(
        cpu_count(),
        expected_cpus(),
        "cpu_count() should report std::thread::available_parallelism()"
    );
}

#[test]
fn no_request_means_one_worker_per_core() {
    for request in [None, Some(""), Some("   "), Some("auto"), Some("AUTO")] {
        check_eq!(
            pool_size(request),
            Ok(expected_cpus()),
            "pool_size({request:?}) should fall back to cpu_count()"
        );
    }
}

#[test]
fn zero_is_refused_with_a_reason() {
    for zero in ["0", " 0 ", "00"] {
        let refused = pool_size(Some(zero));
        if let Err(error) = &refused {
            check!(
                error.to_string().contains("at least 1 worker"),
                "PoolSizeError::Zero reads {error}"
            );
        }
        check_eq!(
            refused,
            Err(PoolSizeError::Zero),
            "a pool of 0 workers can never run a task, so pool_size(Some({zero:?})) must be \
             PoolSizeError::Zero"
        );
    }
}

#[test]
fn text_that_is_not_a_number_is_quoted_back() {
    for text in [
        "four",
        "-2",
        "2.5",
        "8 threads",
        " four ",
        "\t-1\n",
        "autom",
    ] {
        let refused = pool_size(Some(text));
        check_eq!(
            refused,
            Err(PoolSizeError::NotANumber(text.to_string())),
            "pool_size(Some({text:?})) should be refused, quoting the text exactly as it was \
             given (surrounding spaces included: do not trim the text you keep)"
        );
        if let Err(error) = refused {
            check!(
                error.to_string().contains(&format!("{text:?}")),
                "PoolSizeError::NotANumber's message {error} should quote {text:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config(256))]

    #[test]
    fn an_explicit_count_wins(n in prop_oneof![1usize..=4096, Just(usize::MAX)], pad_left in 0usize..3, pad_right in 0usize..3) {
        let text = format!("{}{n}{}", " ".repeat(pad_left), " ".repeat(pad_right));
        prop_assert_eq!(
            pool_size(Some(&text)),
            Ok(n),
            "pool_size(Some({:?})) should be exactly {} (more than the cores is allowed); {}",
            text,
            n,
            BOOK
        );
    }
}
