//! `tests/lessonN/seeds.toml`, the numbers the seed tutorials published.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, ensure};
use serde::Deserialize;

use super::measurement::Measurement;

/// `tests/lessonN/seeds.toml`: what the seed tutorials published for the lesson's experiments.
///
/// ```toml
/// [[published]]
/// seed = "004"               # the seed tutorial, three digits
/// experiment = "cubes_sqrt"  # the experiment's name in the lesson's seeds example
/// n = 1000000                # the problem size
/// processes = 8              # optional: how many processes the seed's parallel run used
/// cores = 8                  # optional: the seed machine's core count, where the seed says
/// serial_s = 1.035941925     # optional: the seed's serial time in seconds
/// parallel_s = 0.60131832    # optional: the seed's parallel time in seconds
/// speedup = 1.72             # optional: the speedup as the seed printed it
/// ```
///
/// An entry matches the measured rows of the same seed, experiment and `n`. When the seed
/// measured one size on several process counts, each entry names its `processes` and matches
/// only the rows measured on that many threads. Each entry gives at least one number.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedsFile {
    /// The entries, in any order.
    #[serde(default)]
    pub published: Vec<Published>,
}

/// One `[[published]]` entry of a [`SeedsFile`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// The seed tutorial, three digits.
    pub seed: String,
    /// The experiment's name.
    pub experiment: String,
    /// The problem size.
    pub n: u64,
    /// Processes of the seed's parallel run.
    pub processes: Option<u32>,
    /// The seed machine's core count.
    pub cores: Option<u32>,
    /// The seed's serial seconds.
    pub serial_s: Option<f64>,
    /// The seed's parallel seconds.
    pub parallel_s: Option<f64>,
    /// The seed's speedup, as printed.
    pub speedup: Option<f64>,
}

impl Published {
    /// The seed's speedup: as printed, or else from its two times.
    pub fn speedup(&self) -> Option<f64> {
        self.speedup
            .or_else(|| Some(self.serial_s? / self.parallel_s?))
    }

    /// Where the seed ran, as much of it as the seed said: `8p, 8c` for 8 processes on 8 cores.
    pub fn setup(&self) -> String {
        let mut parts = Vec::new();
        if let Some(processes) = self.processes {
            parts.push(format!("{processes}p"));
        }
        if let Some(cores) = self.cores {
            parts.push(format!("{cores}c"));
        }
        parts.join(", ")
    }

    fn key(&self) -> (&str, &str, u64) {
        (&self.seed, &self.experiment, self.n)
    }
}

impl SeedsFile {
    /// Reads and checks the text of a `seeds.toml`.
    pub fn parse(text: &str) -> Result<Self> {
        let file: SeedsFile = toml::from_str(text)?;
        for (index, entry) in file.published.iter().enumerate() {
            let which = format!("published[{index}] ({} {})", entry.seed, entry.experiment);
            ensure!(
                entry.seed.len() == 3 && entry.seed.bytes().all(|b| b.is_ascii_digit()),
                "{which}: field `seed` is {:?}: give the seed's three digits, such as \"004\"",
                entry.seed
            );
            let numbers = [
                ("serial_s", entry.serial_s),
                ("parallel_s", entry.parallel_s),
                ("speedup", entry.speedup),
            ];
            for (field, value) in numbers {
                if let Some(value) = value {
                    ensure!(
                        value.is_finite() && value > 0.0,
                        "{which}: field `{field}` is {value}, but it must be a positive number"
                    );
                }
            }
            ensure!(
                numbers.iter().any(|(_, value)| value.is_some()),
                "{which}: gives no number: set serial_s, parallel_s or speedup"
            );
            let same_size: Vec<&Published> = file
                .published
                .iter()
                .filter(|other| other.key() == entry.key())
                .collect();
            if same_size.len() > 1 {
                ensure!(
                    entry.processes.is_some(),
                    "{which}: n = {} has {} entries, so each must say its `processes`",
                    entry.n,
                    same_size.len()
                );
                let twins = same_size
                    .iter()
                    .filter(|other| other.processes == entry.processes)
                    .count();
                ensure!(
                    twins == 1,
                    "{which}: n = {} on {} processes appears {twins} times",
                    entry.n,
                    entry.processes.unwrap_or_default()
                );
            }
        }
        Ok(file)
    }

    /// Reads `tests/lessonN/seeds.toml`; a lesson without one has no published numbers.
    pub fn load(root: &Path, lesson: u32) -> Result<Self> {
        let relative = format!("tests/lesson{lesson}/seeds.toml");
        let path = root.join(&relative);
        if !path.is_file() {
            return Ok(Self::default());
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("could not read {relative}"))?;
        Self::parse(&text).with_context(|| format!("{relative} is not a valid seeds file"))
    }

    /// The entry for a measured row, if the seed published one.
    pub fn matching(&self, row: &Measurement) -> Option<&Published> {
        let key = (row.seed.as_str(), row.experiment.as_str(), row.n);
        let mut candidates = self.published.iter().filter(|entry| entry.key() == key);
        let first = candidates.next()?;
        if candidates.next().is_none() {
            return Some(first);
        }
        self.published.iter().find(|entry| {
            entry.key() == key
                && entry
                    .processes
                    .is_some_and(|processes| processes as usize == row.threads)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeds::fixtures::{SEEDS, measurement};

    fn error_of(text: &str) -> String {
        format!("{:#}", SeedsFile::parse(text).unwrap_err())
    }

    #[test]
    fn reads_a_seeds_file() {
        let file = SeedsFile::parse(SEEDS).unwrap();
        assert_eq!(file.published.len(), 3);
        assert_eq!(file.published[0].speedup(), Some(0.008));
        assert_eq!(file.published[0].setup(), "8p, 8c");
        let computed = file.published[2].speedup().unwrap();
        assert!((computed - 8.40 / 4.63).abs() < 1e-12);
        assert_eq!(SeedsFile::parse("").unwrap(), SeedsFile::default());
    }

    #[test]
    fn seeds_file_mistakes_are_explained() {
        let error = error_of(&SEEDS.replacen("cores = 8", "corse = 8", 1));
        assert!(error.contains("unknown field `corse`"), "{error}");
        let error = error_of(&SEEDS.replacen("seed = \"004\"", "seed = \"4\"", 1));
        assert!(error.contains("three digits"), "{error}");
        let error = error_of(&SEEDS.replacen("serial_s = 8.40", "serial_s = -8.40", 1));
        assert!(error.contains("`serial_s` is -8.4"), "{error}");
        let error = error_of(&SEEDS.replace("processes = 2", "processes = 1"));
        assert!(error.contains("on 1 processes appears 2 times"), "{error}");
        let error = error_of(&SEEDS.replace("processes = 2\n", ""));
        assert!(error.contains("each must say its `processes`"), "{error}");
        let bare = "[[published]]\nseed = \"000\"\nexperiment = \"square\"\nn = 10\n";
        assert!(error_of(bare).contains("gives no number"));
        let error = error_of("[[published]]\nseed = \"000\"\n");
        assert!(error.contains("missing field `experiment`"), "{error}");
    }

    #[test]
    fn entries_match_by_size_and_by_processes_when_several() {
        let file = SeedsFile::parse(SEEDS).unwrap();
        let cubes = file.matching(&measurement(100, 2)).unwrap();
        assert_eq!(
            cubes.processes,
            Some(8),
            "one entry for a size matches any threads"
        );
        assert!(file.matching(&measurement(1000, 2)).is_none());
        let factorial = |threads| Measurement {
            seed: "003".to_owned(),
            experiment: "factorial_1e6".to_owned(),
            ..measurement(1_000_000, threads)
        };
        assert_eq!(file.matching(&factorial(2)).unwrap().parallel_s, Some(4.63));
        assert!(file.matching(&factorial(3)).is_none());
    }
}
