//! The lines a runner writes on fd 3, and reading them back (the grader does).
//!
//! ```text
//! seeds 00000000000000ff 0123456789abcdef      the seeds, one per run, in order
//! run KERNEL RUN VARIANT SECONDS DIGEST         one timed call
//! end                                           every kernel has run
//! ```
//!
//! `RUN` counts from 0, `VARIANT` is one of [`Variant`]'s names, `SECONDS` a float, `DIGEST`
//! 16 hex digits. A run that stops early (a crash, or the student's code calling `exit`) has
//! no `end` line.

use std::fmt;

/// Which version of a kernel a time and output belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Variant {
    /// The reference's serial version.
    Serial,
    /// The reference's parallel version.
    Parallel,
    /// The student's parallel version.
    Student,
}

impl Variant {
    /// The variant's name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Serial => "reference-serial",
            Variant::Parallel => "reference-parallel",
            Variant::Student => "student",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [Variant::Serial, Variant::Parallel, Variant::Student]
            .into_iter()
            .find(|variant| variant.name() == name)
    }
}

/// One timed call of one kernel.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The kernel's name.
    pub kernel: String,
    /// Which run (0 is the first; the first ones are warm-up runs), hence which seed.
    pub run: usize,
    /// Which version ran.
    pub variant: Variant,
    /// How long the call took, in seconds.
    pub seconds: f64,
    /// The [`digest`](crate::digest) of its output.
    pub digest: u64,
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "run {} {} {} {:e} {:016x}",
            self.kernel,
            self.run,
            self.variant.name(),
            self.seconds,
            self.digest
        )
    }
}

/// The `seeds` line for `seeds`.
pub fn seeds_line(seeds: &[u64]) -> String {
    let mut line = "seeds".to_owned();
    for seed in seeds {
        line.push_str(&format!(" {}", hex(*seed)));
    }
    line
}

/// The line that ends a complete report.
pub const END: &str = "end";

/// A seed as the runner's arguments and the wire write it: 16 hex digits.
pub fn hex(seed: u64) -> String {
    format!("{seed:016x}")
}

/// Reads a seed written by [`hex`].
pub fn parse_hex(text: &str) -> Option<u64> {
    (text.len() == 16)
        .then(|| u64::from_str_radix(text, 16).ok())
        .flatten()
}

/// Everything one run reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The seeds of its runs, in order.
    pub seeds: Vec<u64>,
    /// Its timed calls, in the order they ran.
    pub records: Vec<Record>,
    /// Whether it reached its `end` line.
    pub complete: bool,
}

impl Report {
    /// Reads a run's fd-3 text. Only the runner writes there, so a line that does not parse
    /// means a broken runner (or a cut-off write), and is an error naming the line.
    pub fn parse(text: &str) -> Result<Report, String> {
        let mut report = Report::default();
        for (number, line) in text.lines().enumerate() {
            let bad =
                |why: &str| format!("line {} of the timing report ({line:?}): {why}", number + 1);
            if report.complete {
                return Err(bad("it follows the end line"));
            }
            let mut words = line.split(' ');
            match words.next() {
                Some("seeds") => {
                    if !report.seeds.is_empty() || !report.records.is_empty() {
                        return Err(bad("a second seeds line, or one after a run"));
                    }
                    report.seeds = words
                        .map(parse_hex)
                        .collect::<Option<_>>()
                        .ok_or_else(|| bad("a seed is not 16 hex digits"))?;
                }
                Some("run") => {
                    let fields: Vec<&str> = words.collect();
                    let [kernel, run, variant, seconds, digest] = fields[..] else {
                        return Err(bad("a run line has 5 fields after `run`"));
                    };
                    let record = Record {
                        kernel: kernel.to_owned(),
                        run: run.parse().map_err(|_| bad("the run is not a number"))?,
                        variant: Variant::from_name(variant)
                            .ok_or_else(|| bad("no such variant"))?,
                        seconds: seconds
                            .parse()
                            .map_err(|_| bad("the time is not a number"))?,
                        digest: parse_hex(digest)
                            .ok_or_else(|| bad("the digest is not 16 hex digits"))?,
                    };
                    if record.run >= report.seeds.len() {
                        return Err(bad("a run without a seed"));
                    }
                    report.records.push(record);
                }
                Some(END) if line == END => report.complete = true,
                _ => return Err(bad("not a line a runner writes")),
            }
        }
        Ok(report)
    }

    /// The record of `kernel`'s run `run` by `variant`, if there is one.
    pub fn find(&self, kernel: &str, run: usize, variant: Variant) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| r.kernel == kernel && r.run == run && r.variant == variant)
    }

    /// The kernels reported, in the order they first ran.
    pub fn kernels(&self) -> Vec<&str> {
        let mut kernels: Vec<&str> = Vec::new();
        for record in &self.records {
            if !kernels.contains(&record.kernel.as_str()) {
                kernels.push(&record.kernel);
            }
        }
        kernels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_the_wire() {
        let record = Record {
            kernel: "busy".to_owned(),
            run: 2,
            variant: Variant::Parallel,
            seconds: 0.123_456_789_012_345_6,
            digest: 0xdead_beef,
        };
        let text = format!("{}\n{record}\n{END}\n", seeds_line(&[1, 2, u64::MAX]));
        let report = Report::parse(&text).unwrap();
        assert_eq!(report.seeds, [1, 2, u64::MAX]);
        assert_eq!(report.records, [record]);
        assert!(report.complete);
        assert_eq!(report.kernels(), ["busy"]);
        assert!(report.find("busy", 2, Variant::Parallel).is_some());
        assert!(report.find("busy", 2, Variant::Serial).is_none());
    }

    #[test]
    fn a_report_without_its_end_is_incomplete() {
        let report = Report::parse("seeds 0000000000000001\n").unwrap();
        assert!(!report.complete);
        assert!(Report::parse("").is_ok_and(|r| !r.complete && r.seeds.is_empty()));
    }

    #[test]
    fn anything_else_is_an_error_naming_its_line() {
        let seeds = seeds_line(&[5]);
        for (text, why) in [
            (format!("{seeds}\nrun k 0 student 1e0\n"), "5 fields"),
            (
                format!("{seeds}\nrun k 1 student 1e0 0000000000000000\n"),
                "without a seed",
            ),
            (
                format!("{seeds}\nrun k 0 teacher 1e0 0000000000000000\n"),
                "no such variant",
            ),
            (
                format!("{seeds}\nrun k 0 student fast 0000000000000000\n"),
                "not a number",
            ),
            (format!("{seeds}\nrun k 0 student 1e0 00\n"), "16 hex"),
            ("seeds 12\n".to_owned(), "16 hex"),
            (format!("{seeds}\n{END}\n{seeds}\n"), "follows the end"),
            ("GRADE-PERF 1 {}\n".to_owned(), "not a line a runner writes"),
        ] {
            let error = Report::parse(&text).unwrap_err();
            assert!(error.contains(why), "{error}");
            assert!(error.contains("line "), "{error}");
        }
    }
}
