// Lesson 3's performance kernels, for `cargo xtask grade`: the contract is in the header of
// tests/lesson1/perf.rs.

use subject::{Counter, ShardedCounter};

/// How many items each kernel adds up: consecutive numbers from a start drawn from the seed
/// (below 2³², so no sum overflows).
const ITEMS: u64 = 8_000_000;

/// The kernels of lesson 3: adding without shared state (`sum_locally`), and a shared counter
/// whose workers each own a padded slot (`ShardedCounter`), which scales only when the slots
/// do not share a cache line.
pub fn kernels(k: &mut impl crate::Kernels) {
    k.kernel("sum_locally_hashes", items, hashes_serial, hashes_locally);
    k.kernel("sharded_counter", items, counter_on_one_thread, counter_on_threads);
}

fn items(seed: u64) -> Vec<u64> {
    let start = perfkit::mix(seed, 0) % (1 << 32);
    (start..start + ITEMS).collect()
}

/// A few dozen nanoseconds of arithmetic per item: rounds of a 64-bit mixing function.
fn hash(item: &u64) -> u64 {
    let mut x = *item;
    for _ in 0..16 {
        x ^= x >> 31;
        x = x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        x ^= x >> 29;
    }
    x
}

fn hashes_serial(items: &Vec<u64>) -> u64 {
    items.iter().map(hash).fold(0, u64::wrapping_add)
}

fn hashes_locally(items: &Vec<u64>, threads: usize) -> u64 {
    subject::sum_locally(items, threads, hash)
}

/// The serial version of a shared counter: the same counter, driven by one worker.
fn counter_on_one_thread(items: &Vec<u64>) -> u64 {
    let counter = ShardedCounter::new(1);
    subject::add_in_parallel(&counter, items, 1)
}

fn counter_on_threads(items: &Vec<u64>, threads: usize) -> u64 {
    let counter = ShardedCounter::new(threads);
    let total = subject::add_in_parallel(&counter, items, threads);
    assert_eq!(total, counter.total());
    total
}
