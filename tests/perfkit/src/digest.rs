//! A kernel's output as one number, so that two processes can compare outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Plain data a kernel may return: numbers (floats by their bits, so parallel code must give
/// the very same floats), strings, and std collections with a fixed order (`Vec`, slices,
/// `BTreeMap`, `BTreeSet`, `Option`, tuples). A `HashMap` has no fixed order: collect it into a
/// `BTreeMap`. A type of the lesson crate is not plain data, since the reference and the
/// student's crate each have their own.
pub trait Digest {
    /// Feeds the value into `hasher`, the same way in every process of one runner binary.
    fn feed(&self, hasher: &mut DefaultHasher);
}

/// The digest of `value`: equal values give equal digests, in every process of one binary.
pub fn digest<O: Digest + ?Sized>(value: &O) -> u64 {
    // DefaultHasher::new() has fixed keys, so both runs of one binary agree.
    let mut hasher = DefaultHasher::new();
    value.feed(&mut hasher);
    hasher.finish()
}

/// A well-mixed 64-bit number from a seed and an index (one step of SplitMix64), for kernels
/// whose input depends on the seed: `mix(seed, i)` for `i = 0, 1, …` is a pseudo-random
/// sequence that differs from one seed to the next.
pub fn mix(seed: u64, index: u64) -> u64 {
    let mut z = seed.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

macro_rules! by_hash {
    ($($t:ty),*) => {$(
        impl Digest for $t {
            fn feed(&self, hasher: &mut DefaultHasher) {
                self.hash(hasher);
            }
        }
    )*};
}

by_hash!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, bool, char, String, str
);

impl Digest for f32 {
    fn feed(&self, hasher: &mut DefaultHasher) {
        hasher.write_u32(self.to_bits());
    }
}

impl Digest for f64 {
    fn feed(&self, hasher: &mut DefaultHasher) {
        hasher.write_u64(self.to_bits());
    }
}

impl<T: Digest + ?Sized> Digest for &T {
    fn feed(&self, hasher: &mut DefaultHasher) {
        (**self).feed(hasher);
    }
}

impl<T: Digest> Digest for [T] {
    fn feed(&self, hasher: &mut DefaultHasher) {
        hasher.write_usize(self.len());
        for item in self {
            item.feed(hasher);
        }
    }
}

impl<T: Digest> Digest for Vec<T> {
    fn feed(&self, hasher: &mut DefaultHasher) {
        self.as_slice().feed(hasher);
    }
}

impl<T: Digest> Digest for Option<T> {
    fn feed(&self, hasher: &mut DefaultHasher) {
        match self {
            None => hasher.write_u8(0),
            Some(value) => {
                hasher.write_u8(1);
                value.feed(hasher);
            }
        }
    }
}

impl<K: Digest, V: Digest> Digest for BTreeMap<K, V> {
    fn feed(&self, hasher: &mut DefaultHasher) {
        hasher.write_usize(self.len());
        for (key, value) in self {
            key.feed(hasher);
            value.feed(hasher);
        }
    }
}

impl<T: Digest> Digest for BTreeSet<T> {
    fn feed(&self, hasher: &mut DefaultHasher) {
        hasher.write_usize(self.len());
        for item in self {
            item.feed(hasher);
        }
    }
}

impl Digest for () {
    fn feed(&self, _: &mut DefaultHasher) {}
}

impl<A: Digest, B: Digest> Digest for (A, B) {
    fn feed(&self, hasher: &mut DefaultHasher) {
        self.0.feed(hasher);
        self.1.feed(hasher);
    }
}

impl<A: Digest, B: Digest, C: Digest> Digest for (A, B, C) {
    fn feed(&self, hasher: &mut DefaultHasher) {
        self.0.feed(hasher);
        self.1.feed(hasher);
        self.2.feed(hasher);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_have_equal_digests_and_others_differ() {
        assert_eq!(digest(&vec![1_u64, 2, 3]), digest(&vec![1_u64, 2, 3]));
        assert_ne!(digest(&vec![1_u64, 2, 3]), digest(&vec![1_u64, 3, 2]));
        assert_ne!(
            digest(&vec![vec![1_u8], vec![]]),
            digest(&vec![vec![], vec![1_u8]])
        );
        assert_ne!(digest(&0.1_f64), digest(&(0.1_f64 + f64::EPSILON)));
        assert_ne!(digest(&0.0_f64), digest(&-0.0_f64));
        let words: BTreeMap<String, usize> = [("a".to_owned(), 2), ("b".to_owned(), 1)].into();
        let mut other = words.clone();
        *other.get_mut("b").unwrap() += 1;
        assert_ne!(digest(&words), digest(&other));
        assert_eq!(digest(&(3_u64, 0.5_f64)), digest(&(3_u64, 0.5_f64)));
        assert_ne!(digest(&Some(0_u8)), digest(&None::<u8>));
    }

    #[test]
    fn mixing_spreads_seeds_and_indices() {
        assert_ne!(mix(1, 0), mix(2, 0));
        assert_ne!(mix(1, 0), mix(1, 1));
        assert_eq!(mix(7, 3), mix(7, 3));
        // Zero in, something well away from zero out.
        assert!(mix(0, 0).count_ones() > 16);
    }
}
