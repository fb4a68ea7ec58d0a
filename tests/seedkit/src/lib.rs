//! Timing and reporting shared by every lesson's `--example lessonN-seeds`.
//!
//! Each example reruns one seed tutorial's experiments on the crate it is built against (the
//! student's `lessonN` or the reference `lessonN-solution`, both seen as `subject`), times them
//! with [`serial_and_parallel`] or [`serial_and_each`], and hands the measurements to a
//! [`Report`], which prints either a readable table or, with `--json`, one JSON object per line
//! in the format `cargo xtask seeds` and the book's tables read:
//!
//! ```text
//! {"seed":"000","experiment":"square","n":1000000,"threads":2,"serial_s":0.0009,"parallel_s":0.0011,"measurement_error":false}
//! ```
//!
//! `measurement_error` is true when the speedup is above what the thread count allows (see
//! [`is_measurement_error`]): such a row says the machine changed under the measurement, not
//! that the parallel version is that fast.

use std::fmt::Debug;
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use serde::Serialize;

/// How far above its thread count a measured speedup may go before it is called a measurement
/// error: the same tolerance the grader allows (timer noise and a median of a few runs can put
/// a one-thread run a few percent ahead of the serial one, but not 25%).
pub const SPEEDUP_TOLERANCE: f64 = 1.25;

/// One measurement: the same work done serially and on `threads` threads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// Which seed tutorial the experiment comes from, by its number: "000" … "004".
    pub seed: &'static str,
    /// The experiment's name, fixed per lesson (for example `square`).
    pub experiment: &'static str,
    /// The problem size, as the seed states it.
    pub n: u64,
    /// How many threads (or processes) the parallel run used.
    pub threads: usize,
    /// Median wall-clock seconds of the serial run.
    pub serial_s: f64,
    /// Median wall-clock seconds of the parallel run.
    pub parallel_s: f64,
}

impl Measurement {
    /// Serial time over parallel time: above 1 means the parallel run won.
    pub fn speedup(&self) -> f64 {
        self.serial_s / self.parallel_s
    }

    /// Whether this speedup is impossible on its thread count ([`is_measurement_error`]).
    pub fn is_measurement_error(&self) -> bool {
        is_measurement_error(self.speedup(), self.threads)
    }

    /// The measurement as one JSON line (no newline), with its `measurement_error` field.
    pub fn json_line(&self) -> String {
        #[derive(Serialize)]
        struct Line<'a> {
            #[serde(flatten)]
            measurement: &'a Measurement,
            measurement_error: bool,
        }
        serde_json::to_string(&Line {
            measurement: self,
            measurement_error: self.is_measurement_error(),
        })
        .expect("a measurement always serializes")
    }
}

/// Whether `speedup` on `threads` threads is more than [`SPEEDUP_TOLERANCE`] times the thread
/// count. Work spread over t threads finishes at best t times sooner, so a higher ratio means
/// the serial and parallel runs did not see the same machine (or not the same work).
pub fn is_measurement_error(speedup: f64, threads: usize) -> bool {
    !speedup.is_finite() || speedup > threads.max(1) as f64 * SPEEDUP_TOLERANCE
}

/// The median wall-clock time of `repetitions` runs of `work`, in seconds, after one untimed
/// warm-up run. The median shrugs off a run disturbed by another program. For a serial and a
/// parallel version of the same work use [`serial_and_parallel`], which interleaves them.
pub fn median_seconds<T>(repetitions: usize, mut work: impl FnMut() -> T) -> f64 {
    std::hint::black_box(work());
    let mut times: Vec<f64> = (0..repetitions.max(1))
        .map(|_| time_once(&mut work))
        .collect();
    median(&mut times)
}

/// Times `serial` and `parallel` interleaved: one untimed warm-up of each, whose results must
/// be equal, then `repetitions` rounds of serial, parallel, serial, parallel …, so that both
/// see the same machine: a burst of other work slows a round of both rather than one side.
/// Returns the median seconds of each, serial first.
///
/// # Panics
///
/// When the warm-up results differ: the two versions do not do the same work, so their times
/// would not compare. `what` names the experiment in the message (`square at n = 10`).
pub fn serial_and_parallel<T: PartialEq + Debug>(
    what: &str,
    repetitions: usize,
    serial: impl FnMut() -> T,
    parallel: impl FnMut() -> T,
) -> (f64, f64) {
    let (serial_s, parallel_s) = serial_and_each(what, repetitions, serial, &mut [parallel]);
    (serial_s, parallel_s[0])
}

/// [`serial_and_parallel`] against several parallel versions at once (one per thread count,
/// say): each round runs `serial` and then every one of `parallel` in order. Returns the
/// serial median and one median per parallel version, in order.
///
/// # Panics
///
/// When a parallel version's warm-up result differs from the serial one's.
pub fn serial_and_each<T: PartialEq + Debug, P: FnMut() -> T>(
    what: &str,
    repetitions: usize,
    mut serial: impl FnMut() -> T,
    parallel: &mut [P],
) -> (f64, Vec<f64>) {
    let watch = Watch::new(what);
    let expected = watch.run(&mut serial);
    for (index, run) in parallel.iter_mut().enumerate() {
        let got = watch.run(run);
        if got != expected {
            panic!("{}", mismatch(what, index, differing(&got, &expected)));
        }
    }
    drop(expected);
    let rounds = repetitions.max(1);
    let mut serial_times = Vec::with_capacity(rounds);
    let mut parallel_times = vec![Vec::with_capacity(rounds); parallel.len()];
    for _ in 0..rounds {
        serial_times.push(watch.run(|| time_once(&mut serial)));
        for (run, times) in parallel.iter_mut().zip(&mut parallel_times) {
            times.push(watch.run(|| time_once(run)));
        }
    }
    (
        median(&mut serial_times),
        parallel_times
            .iter_mut()
            .map(|times| median(times))
            .collect(),
    )
}

/// How long one run of an experiment may take. The slowest run of the reference takes about
/// a second; one that has not finished after this long is stuck (a deadlock in the code under
/// test, most likely), and the example ends, saying which experiment, rather than hang.
pub const STALL_LIMIT: Duration = Duration::from_secs(120);

/// The run in progress, watched by one thread per process that ends the process when a run
/// passes [`STALL_LIMIT`]. Only [`serial_and_each`]'s runs are watched.
static RUNNING: Mutex<Option<(Instant, String)>> = Mutex::new(None);

/// The runs of one experiment, each watched for a stall.
struct Watch {
    what: String,
}

impl Watch {
    fn new(what: &str) -> Watch {
        static WATCHER: Once = Once::new();
        WATCHER.call_once(|| {
            std::thread::spawn(|| {
                loop {
                    std::thread::sleep(Duration::from_secs(1));
                    let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(message) = running
                        .as_ref()
                        .and_then(|(started, what)| stall(what, started.elapsed()))
                    {
                        eprintln!("error: {message}");
                        std::process::exit(3);
                    }
                }
            });
        });
        Watch {
            what: what.to_owned(),
        }
    }

    /// `work()`, with the watcher told when it started and that it ended.
    fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        let set = |value| *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) = value;
        set(Some((Instant::now(), self.what.clone())));
        let result = work();
        set(None);
        result
    }
}

/// What to say when a run of `what` has taken `elapsed`, if that is a stall.
fn stall(what: &str, elapsed: Duration) -> Option<String> {
    (elapsed > STALL_LIMIT).then(|| {
        format!(
            "{what}: one run has not finished after {} s, so the code under test is stuck (a \
             deadlock?) or far too slow; `cargo test -p {}` finds a deadlock and names the book \
             section",
            STALL_LIMIT.as_secs(),
            this_lesson().unwrap_or_else(|| "lessonN".to_owned())
        )
    })
}

/// A short account of two differing results: the start of each one's `Debug` text.
fn differing<T: Debug>(got: &T, expected: &T) -> String {
    let shown = |value: &T| {
        let text = format!("{value:?}");
        if text.chars().count() > 60 {
            let head: String = text.chars().take(60).collect();
            format!("{head}…")
        } else {
            text
        }
    };
    format!(
        "serial gave {}, parallel gave {}",
        shown(expected),
        shown(got)
    )
}

fn mismatch(what: &str, index: usize, detail: String) -> String {
    format!(
        "{what}: parallel version {} returned a different result from the serial one ({detail}), \
         so timing them would compare different work; make `cargo test -p {}` pass first",
        index + 1,
        this_lesson().unwrap_or_else(|| "lessonN".to_owned())
    )
}

/// `lesson1` for the program `…/examples/lesson1-seeds`: the lesson this example belongs to.
fn this_lesson() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let stem = exe.file_stem()?.to_str()?;
    let lesson = stem.split('-').next()?;
    let number = lesson.strip_prefix("lesson")?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then(|| lesson.to_owned())
}

fn time_once<T>(work: &mut impl FnMut() -> T) -> f64 {
    let start = Instant::now();
    std::hint::black_box(work());
    start.elapsed().as_secs_f64()
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_unstable_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Collects measurements and prints them as a table or as JSON lines.
#[derive(Debug)]
pub struct Report {
    json: bool,
    rows: Vec<Measurement>,
}

impl Report {
    /// A report in the format the command line asks for: JSON lines with `--json`, otherwise a
    /// table. Any other argument is an error naming it, so a typo is not silently ignored.
    pub fn from_args() -> Result<Report, String> {
        Report::from(std::env::args().skip(1))
    }

    /// [`Report::from_args`] on the arguments given (the program name left out).
    pub fn from(args: impl IntoIterator<Item = String>) -> Result<Report, String> {
        let mut json = false;
        for arg in args {
            match arg.as_str() {
                "--json" => json = true,
                other => {
                    return Err(format!(
                        "unknown argument {other:?}: the seeds example takes only --json"
                    ));
                }
            }
        }
        Ok(Report {
            json,
            rows: Vec::new(),
        })
    }

    /// [`Report::from_args`], or, on a bad argument, the error on stderr and exit status 2.
    pub fn from_args_or_exit() -> Report {
        Report::from_args().unwrap_or_else(|message| {
            eprintln!("error: {message}");
            std::process::exit(2)
        })
    }

    /// Whether the report prints JSON lines (`--json`) rather than a table.
    pub fn json(&self) -> bool {
        self.json
    }

    /// Records one measurement; in JSON mode it is printed at once, so a long run shows
    /// progress.
    pub fn add(&mut self, measurement: Measurement) {
        if self.json {
            println!("{}", measurement.json_line());
        } else {
            eprintln!(
                "  measured {} n={} on {} threads",
                measurement.experiment,
                grouped(measurement.n),
                measurement.threads
            );
        }
        self.rows.push(measurement);
    }

    /// Prints the table (in table mode; JSON lines are already out).
    pub fn finish(self) {
        if !self.json {
            print!("{}", table(&self.rows));
        }
    }
}

/// The mark a speedup gets in a table when it is a measurement error.
pub const ERROR_MARK: &str = "!";

/// What [`ERROR_MARK`] means, for the line under a table that shows one.
pub fn error_mark_legend() -> String {
    format!(
        "{ERROR_MARK} a speedup above {SPEEDUP_TOLERANCE}x the thread count is a measurement \
         error, not a result:\n  the machine was busier during one side's runs; rerun on a quieter machine"
    )
}

/// A measured speedup for a table: [`times`], with [`ERROR_MARK`] when it is impossible on
/// `threads` threads.
pub fn speedup_cell(speedup: f64, threads: usize) -> String {
    if is_measurement_error(speedup, threads) {
        format!("{}{ERROR_MARK}", times(speedup))
    } else {
        times(speedup)
    }
}

/// The measurements as an aligned text table with a speedup column.
pub fn table(rows: &[Measurement]) -> String {
    let mut out = format!(
        "{:<5} {:<15} {:>10} {:>7} {:>12} {:>12} {:>9}\n",
        "seed", "experiment", "n", "threads", "serial", "parallel", "speedup"
    );
    for row in rows {
        out += &format!(
            "{:<5} {:<15} {:>10} {:>7} {:>12} {:>12} {:>9}\n",
            row.seed,
            row.experiment,
            grouped(row.n),
            grouped(row.threads as u64),
            human_seconds(row.serial_s),
            human_seconds(row.parallel_s),
            speedup_cell(row.speedup(), row.threads)
        );
    }
    if rows.iter().any(Measurement::is_measurement_error) {
        out += &error_mark_legend();
        out.push('\n');
    }
    out
}

/// Seconds in a unit that keeps the digits readable: `1.25 s`, `12.50 ms`, `42.1 µs`, `85 ns`.
pub fn human_seconds(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else if seconds >= 1e-6 {
        format!("{:.1} µs", seconds * 1e6)
    } else {
        format!("{:.0} ns", seconds * 1e9)
    }
}

/// A speedup: two decimals, or two significant digits below 0.1 so a tiny one is not `0.00x`.
pub fn times(speedup: f64) -> String {
    if !speedup.is_finite() || speedup >= 0.1 {
        format!("{speedup:.2}x")
    } else {
        let decimals = (1.0 - speedup.log10().floor()).clamp(2.0, 12.0) as usize;
        format!("{speedup:.decimals$}x")
    }
}

/// A size with its digits grouped in threes by commas, as the course prints every size:
/// `10000000` as `10,000,000`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn sample() -> Measurement {
        Measurement {
            seed: "000",
            experiment: "square",
            n: 1_000_000,
            threads: 2,
            serial_s: 0.5,
            parallel_s: 0.25,
        }
    }

    #[test]
    fn json_line_has_the_documented_fields_in_order() {
        assert_eq!(
            sample().json_line(),
            r#"{"seed":"000","experiment":"square","n":1000000,"threads":2,"serial_s":0.5,"parallel_s":0.25,"measurement_error":false}"#
        );
    }

    #[test]
    fn a_speedup_above_the_thread_count_is_a_measurement_error() {
        let impossible = Measurement {
            serial_s: 1.61,
            parallel_s: 0.4,
            ..sample()
        };
        assert!(impossible.is_measurement_error(), "4.0x on 2 threads");
        assert!(
            impossible
                .json_line()
                .ends_with(r#""measurement_error":true}"#)
        );
        assert!(!sample().is_measurement_error(), "2.0x on 2 threads");
        assert!(!is_measurement_error(1.2, 1), "timer noise on one thread");
        assert!(is_measurement_error(1.3, 1));
        assert!(
            !is_measurement_error(9.9, 10),
            "ten sleeping threads on 2 cores"
        );
        assert!(
            is_measurement_error(f64::INFINITY, 4),
            "a parallel run of 0 s"
        );
        assert!(is_measurement_error(f64::NAN, 4));
    }

    #[test]
    fn table_shows_the_speedup_and_marks_an_impossible_one() {
        let text = table(&[sample()]);
        assert!(text.contains("2.00x"), "{text}");
        assert!(text.contains("500.00 ms"), "{text}");
        assert!(text.contains("1,000,000"), "{text}");
        assert!(!text.contains(ERROR_MARK), "{text}");
        let bad = Measurement {
            serial_s: 1.61,
            parallel_s: 0.4,
            ..sample()
        };
        let text = table(&[sample(), bad]);
        assert!(text.contains("4.03x!"), "{text}");
        assert!(text.contains("measurement error"), "{text}");
        assert!(
            text.lines().all(|line| line.chars().count() <= 100),
            "{text}"
        );
    }

    #[test]
    fn seconds_pick_a_readable_unit() {
        assert_eq!(human_seconds(2.5), "2.50 s");
        assert_eq!(human_seconds(0.0125), "12.50 ms");
        assert_eq!(human_seconds(0.000_042_1), "42.1 µs");
        assert_eq!(human_seconds(0.000_000_085), "85 ns");
    }

    #[test]
    fn numbers_are_readable() {
        assert_eq!(times(1.734), "1.73x");
        assert_eq!(times(0.0008), "0.00080x");
        assert_eq!(times(0.083), "0.083x");
        assert_eq!(grouped(10_000_000), "10,000,000");
        assert_eq!(grouped(100), "100");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(0), "0");
    }

    #[test]
    fn median_runs_the_work_once_more_than_asked() {
        let mut calls = 0;
        let _ = median_seconds(5, || calls += 1);
        assert_eq!(calls, 6, "one warm-up plus five timed runs");
    }

    #[test]
    fn serial_and_parallel_runs_alternate_after_a_warm_up_of_each() {
        let order = RefCell::new(String::new());
        let (serial_s, parallel_s) = serial_and_parallel(
            "test",
            3,
            || order.borrow_mut().push('s'),
            || order.borrow_mut().push('p'),
        );
        assert_eq!(order.into_inner(), "spspspsp");
        assert!(serial_s >= 0.0 && parallel_s >= 0.0);
    }

    #[test]
    fn several_parallel_versions_share_each_round_with_the_serial_one() {
        let order = RefCell::new(String::new());
        let mut versions: Vec<Box<dyn FnMut() -> u32>> = ['a', 'b']
            .into_iter()
            .map(|name| {
                let order = &order;
                Box::new(move || {
                    order.borrow_mut().push(name);
                    7_u32
                }) as Box<dyn FnMut() -> u32>
            })
            .collect();
        let serial = || {
            order.borrow_mut().push('s');
            7
        };
        let (_, parallel_s) = serial_and_each("test", 2, serial, &mut versions);
        assert_eq!(parallel_s.len(), 2);
        drop(versions);
        assert_eq!(order.into_inner(), "sabsabsab");
    }

    #[test]
    fn a_parallel_version_with_another_result_is_refused_before_timing() {
        let caught = std::panic::catch_unwind(|| {
            serial_and_parallel("square at n = 3", 1000, || vec![0, 1, 4], || vec![0, 1])
        });
        let message = caught.unwrap_err();
        let message = message
            .downcast_ref::<String>()
            .expect("a formatted panic message");
        assert!(
            message.starts_with("square at n = 3: parallel version 1"),
            "{message}"
        );
        assert!(
            message.contains("serial gave [0, 1, 4], parallel gave [0, 1]"),
            "{message}"
        );
        assert!(message.contains("cargo test -p"), "{message}");
    }

    #[test]
    fn a_run_past_the_stall_limit_is_reported_as_stuck() {
        assert_eq!(stall("square at n = 10", Duration::from_secs(3)), None);
        let message = stall("square at n = 10", STALL_LIMIT + Duration::from_secs(1)).unwrap();
        assert!(message.starts_with("square at n = 10: one run has not finished after 120 s"));
        assert!(message.contains("cargo test -p"), "{message}");
        assert_eq!(Watch::new("test").run(|| 7), 7);
    }

    #[test]
    fn the_example_takes_only_json() {
        assert!(Report::from(["--json".to_owned()]).unwrap().json());
        assert!(!Report::from([]).unwrap().json());
        let error = Report::from(["--jsno".to_owned()]).unwrap_err();
        assert!(error.contains("\"--jsno\""), "{error}");
    }
}
