//! The runner itself: the kernels' contract, the two roles, and `main`.

use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::hint::black_box;
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::time::Instant;

use crate::digest::{Digest, digest};
use crate::wire::{self, Record, Variant};

/// The file descriptor the grader hands the runner its report pipe on.
const CHANNEL_FD: i32 = 3;

/// What a lesson's perf.rs declares its kernels to.
pub trait Kernels {
    /// One kernel: its name (letters, digits and `_`), how to make its input from a seed (not
    /// timed), and its serial and parallel versions (the thread count is the second argument),
    /// which must give equal outputs for every seed. The input must depend on the seed so that
    /// the output does too: each timed run has a fresh seed.
    fn kernel<I: 'static, O: Digest + 'static>(
        &mut self,
        name: &'static str,
        input: fn(u64) -> I,
        serial: fn(&I) -> O,
        parallel: fn(&I, usize) -> O,
    );
}

/// One run of one kernel on the input of one seed: the timed calls of one side.
type OneRun = Box<dyn Fn(Side, u64, usize) -> Vec<(Variant, f64, u64)>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Reference,
    Student,
}

/// The kernels of one side (the reference's or the student's), as perf.rs declared them.
#[derive(Default)]
pub struct Collected {
    kernels: Vec<(&'static str, OneRun)>,
}

impl Kernels for Collected {
    fn kernel<I: 'static, O: Digest + 'static>(
        &mut self,
        name: &'static str,
        input: fn(u64) -> I,
        serial: fn(&I) -> O,
        parallel: fn(&I, usize) -> O,
    ) {
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "perf.rs: kernel name {name:?} must be letters, digits and `_`"
        );
        assert!(
            self.kernels.iter().all(|(other, _)| *other != name),
            "perf.rs: two kernels are named {name:?}"
        );
        let one_run: OneRun = Box::new(move |side, seed, threads| {
            let input = input(seed);
            let timed = match side {
                Side::Reference => vec![
                    timed(Variant::Serial, || serial(black_box(&input))),
                    timed(Variant::Parallel, || parallel(black_box(&input), threads)),
                ],
                Side::Student => vec![timed(Variant::Student, || {
                    parallel(black_box(&input), threads)
                })],
            };
            drop(input);
            timed
        });
        self.kernels.push((name, one_run));
    }
}

/// Times `work`; then (untimed) digests its output and drops it.
fn timed<O: Digest>(variant: Variant, work: impl FnOnce() -> O) -> (Variant, f64, u64) {
    let start = Instant::now();
    let output = black_box(work());
    let seconds = start.elapsed().as_secs_f64();
    let digest = digest(&output);
    drop(output);
    (variant, seconds, digest)
}

/// What one start of the runner does, from its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// `student THREADS RUNS`: time the student's parallel versions on `runs` fresh seeds.
    Student {
        /// The thread count handed to the parallel versions.
        threads: usize,
        /// How many runs of each kernel (warm-up runs included).
        runs: usize,
    },
    /// `reference THREADS SEED…`: time the reference's serial and parallel versions on the
    /// inputs of these seeds (the student run's).
    Reference {
        /// The thread count handed to the parallel versions.
        threads: usize,
        /// One seed per run, in order.
        seeds: Vec<u64>,
    },
}

impl Role {
    /// Reads the runner's arguments (without the program's name).
    pub fn parse(args: &[String]) -> Result<Role, String> {
        const USAGE: &str = "usage: RUNNER student THREADS RUNS | RUNNER reference THREADS SEED... \
                             (started by `cargo xtask grade`, with a pipe on fd 3)";
        let count = |text: Option<&String>, what: &str| -> Result<usize, String> {
            text.and_then(|t| t.parse().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{what} must be a whole number above 0; {USAGE}"))
        };
        match args.first().map(String::as_str) {
            Some("student") if args.len() == 3 => Ok(Role::Student {
                threads: count(args.get(1), "THREADS")?,
                runs: count(args.get(2), "RUNS")?,
            }),
            Some("reference") if args.len() > 2 => Ok(Role::Reference {
                threads: count(args.get(1), "THREADS")?,
                seeds: args[2..]
                    .iter()
                    .map(|seed| wire::parse_hex(seed))
                    .collect::<Option<_>>()
                    .ok_or_else(|| format!("each SEED is 16 hex digits; {USAGE}"))?,
            }),
            _ => Err(USAGE.to_owned()),
        }
    }
}

/// `count` seeds no one outside this process can predict: hashes under the standard
/// library's per-thread random keys, drawn from the operating system.
fn fresh_seeds(count: usize) -> Vec<u64> {
    let state = RandomState::new();
    (0..count as u64).map(|i| state.hash_one(i)).collect()
}

/// Runs `role` on `kernels` (the side the role names), writing the report to `out`.
pub fn run(role: &Role, kernels: &Collected, out: &mut impl Write) -> io::Result<()> {
    let (side, threads, seeds) = match role {
        Role::Student { threads, runs } => (Side::Student, *threads, fresh_seeds(*runs)),
        Role::Reference { threads, seeds } => (Side::Reference, *threads, seeds.clone()),
    };
    writeln!(out, "{}", wire::seeds_line(&seeds))?;
    for (name, one_run) in &kernels.kernels {
        for (run, &seed) in seeds.iter().enumerate() {
            for (variant, seconds, digest) in one_run(side, seed, threads) {
                let record = Record {
                    kernel: (*name).to_owned(),
                    run,
                    variant,
                    seconds,
                    digest,
                };
                writeln!(out, "{record}")?;
            }
        }
    }
    writeln!(out, "{}", wire::END)?;
    out.flush()
}

/// Takes the report pipe off fd 3 before anything else runs: a close-on-exec copy (so no
/// program the student's code starts inherits it), and fd 3 itself closed.
fn take_channel() -> io::Result<File> {
    // SAFETY: the grader starts the runner with its pipe on fd 3 and nothing else in this
    // process has touched fd 3 yet (this runs first in `main`); ManuallyDrop keeps an fd that
    // is not open from being closed when the copy fails.
    let given = ManuallyDrop::new(unsafe { File::from_raw_fd(CHANNEL_FD) });
    // try_clone duplicates with F_DUPFD_CLOEXEC.
    let ours = given.try_clone()?;
    drop(ManuallyDrop::into_inner(given));
    Ok(ours)
}

/// The runner's `main`: `reference` and `student` declare the two sides' kernels (perf.rs's
/// `kernels`, compiled against each crate). Only the side the arguments name is declared and
/// run.
pub fn main(reference: fn(&mut Collected), student: fn(&mut Collected)) {
    let mut channel = match take_channel() {
        Ok(channel) => channel,
        Err(error) => {
            eprintln!(
                "the performance runner reports on fd 3, which is not open ({error}): it is \
                 started by `cargo xtask grade`"
            );
            std::process::exit(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let role = Role::parse(&args).unwrap_or_else(|error| {
        eprintln!("{error}");
        std::process::exit(2);
    });
    let mut kernels = Collected::default();
    match role {
        Role::Student { .. } => student(&mut kernels),
        Role::Reference { .. } => reference(&mut kernels),
    }
    if let Err(error) = run(&role, &kernels, &mut channel) {
        eprintln!("the performance runner could not write its report on fd 3: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
// The kernels take `&I` with `I = Vec<u64>`, as the contract's `fn(&I)` says.
#[allow(clippy::ptr_arg)]
mod tests {
    use super::*;
    use crate::wire::Report;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn input(seed: u64) -> Vec<u64> {
        (0..100).map(|i| crate::mix(seed, i) % 1000).collect()
    }

    fn serial(items: &Vec<u64>) -> u64 {
        items.iter().sum()
    }

    fn parallel(items: &Vec<u64>, threads: usize) -> u64 {
        assert_eq!(threads, 2);
        items.iter().sum()
    }

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    /// Right the first time, then the first answer again.
    fn cached(items: &Vec<u64>, _threads: usize) -> u64 {
        static FIRST: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        CALLS.fetch_add(1, Ordering::Relaxed);
        *FIRST.get_or_init(|| items.iter().sum())
    }

    fn declare(k: &mut impl Kernels) {
        k.kernel("sum", input, serial, parallel);
        k.kernel("cached", input, serial, cached);
    }

    #[test]
    fn the_student_side_draws_seeds_and_times_only_the_parallel_version() {
        let mut kernels = Collected::default();
        declare(&mut kernels);
        let mut out = Vec::new();
        run(
            &Role::Student {
                threads: 2,
                runs: 3,
            },
            &kernels,
            &mut out,
        )
        .unwrap();
        let report = Report::parse(std::str::from_utf8(&out).unwrap()).unwrap();
        assert!(report.complete);
        assert_eq!(report.seeds.len(), 3);
        assert_ne!(report.seeds[0], report.seeds[1]);
        assert_eq!(report.records.len(), 6);
        assert!(report.records.iter().all(|r| r.variant == Variant::Student));
        assert_eq!(report.kernels(), ["sum", "cached"]);
        assert_eq!(CALLS.load(Ordering::Relaxed), 3);

        // The reference side, on the student's seeds: serial and parallel for each run.
        let role = Role::Reference {
            threads: 2,
            seeds: report.seeds.clone(),
        };
        let mut out = Vec::new();
        run(&role, &kernels, &mut out).unwrap();
        let reference = Report::parse(std::str::from_utf8(&out).unwrap()).unwrap();
        assert_eq!(reference.seeds, report.seeds);
        assert_eq!(reference.records.len(), 12);
        for run in 0..3 {
            let serial = reference.find("sum", run, Variant::Serial).unwrap();
            let student = report.find("sum", run, Variant::Student).unwrap();
            assert_eq!(serial.digest, student.digest, "run {run}");
        }
        // The cached kernel's later outputs are wrong for their seeds.
        let serial = |run| {
            reference
                .find("cached", run, Variant::Serial)
                .unwrap()
                .digest
        };
        let student = |run| report.find("cached", run, Variant::Student).unwrap().digest;
        assert_eq!(serial(0), student(0));
        assert_ne!(serial(1), student(1));
    }

    #[test]
    fn roles_come_from_the_arguments() {
        let args = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            Role::parse(&args("student 2 6")),
            Ok(Role::Student {
                threads: 2,
                runs: 6
            })
        );
        assert_eq!(
            Role::parse(&args("reference 4 00000000000000ff 0000000000000001")),
            Ok(Role::Reference {
                threads: 4,
                seeds: vec![255, 1]
            })
        );
        for bad in [
            "",
            "student 0 6",
            "student 2",
            "reference 2",
            "reference 2 ff",
            "x 1 1",
        ] {
            let error = Role::parse(&args(bad)).unwrap_err();
            assert!(error.contains("usage"), "{bad}: {error}");
        }
    }

    #[test]
    #[should_panic(expected = "must be letters")]
    fn kernel_names_are_words() {
        Collected::default().kernel("two words", input, serial, parallel);
    }
}
