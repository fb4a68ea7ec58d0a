//! Lesson 3's test suite, written once and run against both crates:
//! `cargo test -p lesson3` checks your code, `cargo test -p lesson3-solution` the reference.
//!
//! Each exercise has its own module; run one with e.g. `cargo test -p lesson3 ex3_deadlock`.
//! Under `--cfg loom` this suite compiles to nothing: the loom models in loom.rs run instead.
//! Every call into the code under test that could block runs bounded (`testkit::bounded!`), so
//! a deadlock fails its test with a message instead of hanging the run.
#![cfg(not(loom))]

mod ex1_lost_updates;
mod ex2_counters;
mod ex3_deadlock;
mod ex4_poisoning;
mod ex5_false_sharing;
mod ex6_loom;

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

use subject::Counter;
use testkit::{Book, PATIENCE, Signal, panic_text};

/// The section `anchor` of this lesson's chapter, for failure messages.
const fn book(anchor: &'static str) -> Book {
    Book::new(3, anchor)
}

/// The suite's own way to share a counter: `threads` threads, worker `w` on thread `w`, each
/// adding 1 `adds` times, all started together. Returns the total, or fails the test if the adds
/// do not finish in time. Exercises 2, 5 and 6 use it, so that their tests do not depend on your
/// `add_in_parallel` from exercise 1.
fn hammer<C: Counter + Send + 'static>(counter: C, threads: usize, adds: u64, book: Book) -> u64 {
    let counter = Arc::new(counter);
    testkit::within(
        PATIENCE,
        &format!("{threads} threads each adding 1 {adds} times"),
        &format!("an add or total() never returned: is a lock taken and never let go? {book}"),
        move || {
            let start = StartLine::new(threads);
            thread::scope(|scope| {
                for worker in 0..threads {
                    let (start, counter) = (&start, &counter);
                    scope.spawn(move || {
                        start.wait();
                        for _ in 0..adds {
                            counter.add(worker, 1);
                        }
                    });
                }
            });
            counter.total()
        },
    )
}

/// A start line for racing threads: each spins until all have arrived, so that they set off
/// within nanoseconds of each other, as a sleeping barrier's wake-ups would not. The spin gives
/// up after [`PATIENCE`]: only a head start is at stake then, never a result.
struct StartLine {
    threads: usize,
    arrived: AtomicUsize,
}

impl StartLine {
    fn new(threads: usize) -> Self {
        StartLine {
            threads,
            arrived: AtomicUsize::new(0),
        }
    }

    fn wait(&self) {
        self.arrived.fetch_add(1, Ordering::SeqCst);
        let deadline = Instant::now() + PATIENCE;
        while self.arrived.load(Ordering::SeqCst) < self.threads && Instant::now() < deadline {
            std::hint::spin_loop();
        }
    }
}

// ANCHOR: racing
/// How many rounds [`never_loses_racing_adds`] races its threads, and how many adds each makes.
const RACE_ROUNDS: usize = 10;
const RACE_ADDS: u64 = 1_000_000;

/// Races two threads (or one per core, if more) adding to fresh counters, round after round,
/// and fails at the first update lost. A counter that adds in two steps loses updates within a
/// round or two; a right one never does, however the threads are scheduled.
fn never_loses_racing_adds<C: Counter + Send + 'static>(
    kind: &str,
    book: Book,
    make: impl Fn(usize) -> C,
) {
    let threads = racing_threads();
    let expected = threads as u64 * RACE_ADDS;
    for round in 1..=RACE_ROUNDS {
        let total = hammer(make(threads), threads, RACE_ADDS, book);
        let what = if total < expected {
            "updates were lost"
        } else {
            "it counted more than was added"
        };
        assert_eq!(
            total, expected,
            "round {round}: {threads} threads each added 1 to a {kind} {RACE_ADDS} times, and \
             its total is {total}, not {expected}: {what}. Make each add one indivisible step; \
             {book}"
        );
    }
}
// ANCHOR_END: racing

/// At least two threads, so that adds can race, and one per core beyond that.
fn racing_threads() -> usize {
    thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

/// Totals wrap around at `u64::MAX` (the `Counter` trait says so), in this debug build as in a
/// release one: `u64::MAX` itself is a total like any other, and 2 more make 1. Worker `first`
/// adds `u64::MAX - 1` and 1, then worker `second` adds 2, so a per-worker counter has to wrap
/// in `total()` as well as in `add`; then worker `first` adds `u64::MAX`, wrapping its own slot.
fn wraps_around_at_u64_max<C: Counter + Send + 'static>(
    kind: &'static str,
    book: Book,
    make: impl FnOnce() -> C + Send + 'static,
    (first, second): (usize, usize),
) {
    testkit::within(
        PATIENCE,
        &format!("adds near u64::MAX to a {kind}"),
        &format!("an add or total() never returned; {book}"),
        move || {
            let counter = make();
            let steps: [(usize, u64, u64); 4] = [
                (first, u64::MAX - 1, u64::MAX - 1),
                (first, 1, u64::MAX),
                (second, 2, 1),
                (first, u64::MAX, 0),
            ];
            let mut before = 0;
            for (worker, amount, expected) in steps {
                let total = panic::catch_unwind(AssertUnwindSafe(|| {
                    counter.add(worker, amount);
                    counter.total()
                }))
                .unwrap_or_else(|payload| {
                    panic!(
                        "a {kind} at {before} panicked when worker {worker} added {amount} and \
                         the total was read, with {:?}: totals wrap around at u64::MAX, so an \
                         overflow is no panic, in a debug build either (u64::wrapping_add); \
                         {book}",
                        panic_text(payload.as_ref())
                    )
                });
                assert_eq!(
                    total, expected,
                    "a {kind} at {before}: after worker {worker} added {amount} the total should \
                     be {expected}, not {total}. Totals wrap around at u64::MAX exactly, as \
                     AtomicU64::fetch_add does (u64::MAX + 2 is 1), and u64::MAX itself is a \
                     total like any other; {book}"
                );
                before = total;
            }
        },
    );
}

/// Seed 001's unlucky moment, forced: the first add reads the total and pauses; the second add
/// runs from start to finish in that pause; then the first one writes. The first add calls
/// [`Unlucky::pause`] between its read and its write; the second runs inside
/// [`Unlucky::second`].
///
/// Both must run on threads of their own, at the same time. If they do not, the waits give up
/// after [`PATIENCE`] with a panic, and [`Unlucky::happened`] stays false, so the test can say
/// so even if the panic was swallowed.
struct Unlucky {
    read: Signal,
    written: Signal,
    happened: AtomicBool,
    book: Book,
}

impl Unlucky {
    /// The failure messages point at `book`.
    fn new(book: Book) -> Self {
        Unlucky {
            read: Signal::new(),
            written: Signal::new(),
            happened: AtomicBool::new(false),
            book,
        }
    }

    /// The pause for the first add: announces its read, then waits for the second add.
    fn pause(&self) {
        self.read.raise();
        assert!(self.written.wait(PATIENCE), "{}", self.not_together());
        self.happened.store(true, Ordering::SeqCst);
    }

    /// Runs the second add as soon as the first has read the total.
    fn second(&self, add: impl FnOnce()) {
        assert!(self.read.wait(PATIENCE), "{}", self.not_together());
        add();
        self.written.raise();
    }

    /// Whether the second add really ran inside the first one's pause.
    fn happened(&self) -> bool {
        self.happened.load(Ordering::SeqCst)
    }

    fn not_together(&self) -> String {
        format!(
            "the first add paused after reading the total, waiting for the second add to run in \
             the pause, and it never did: the two workers are not running at the same time; {}",
            self.book
        )
    }
}

/// Runs `work`, which should panic with a message holding every one of `words`; otherwise
/// fails the test with `should` ("add(2, 1) should panic naming worker 2"), what happened
/// instead, and `book`. The work runs bounded.
fn assert_panics_saying(
    words: &[&str],
    should: &str,
    book: Book,
    work: impl FnOnce() + Send + 'static,
) {
    let message = testkit::within(
        PATIENCE,
        should,
        &format!("it neither returned nor panicked: deadlocked? {book}"),
        move || {
            panic::catch_unwind(AssertUnwindSafe(work))
                .err()
                .map(|payload| panic_text(payload.as_ref()))
        },
    );
    let happened = match &message {
        Some(text) if words.iter().all(|word| text.contains(word)) => return,
        Some(text) => format!("panicked with {text:?}"),
        None => "returned".to_string(),
    };
    panic!("{should}, but it {happened}; {book}");
}

/// What exercises 2 and 5 ask of a counter that keeps a slot per worker, so that the same checks
/// run on `ShardedCounter` and on `PackedCounter`.
trait Slotted: Counter + Send + Sized + 'static {
    /// The type's name, for messages.
    const NAME: &'static str;
    /// The book section for messages.
    const BOOK: Book;
    fn with_workers(workers: usize) -> Self;
    fn workers(&self) -> usize;
}

impl Slotted for subject::ShardedCounter {
    const NAME: &'static str = "ShardedCounter";
    const BOOK: Book = book("counters");
    fn with_workers(workers: usize) -> Self {
        Self::new(workers)
    }
    fn workers(&self) -> usize {
        self.workers()
    }
}

impl Slotted for subject::PackedCounter {
    const NAME: &'static str = "PackedCounter";
    const BOOK: Book = book("false-sharing");
    fn with_workers(workers: usize) -> Self {
        Self::new(workers)
    }
    fn workers(&self) -> usize {
        self.workers()
    }
}

/// Each worker's amount lands in the total, whichever slot it went to.
fn sums_every_slot<C: Slotted>() {
    let (name, book) = (C::NAME, C::BOOK);
    let (workers, total) = testkit::within(
        PATIENCE,
        &format!("adds to a {name}"),
        &format!("an add or total() never returned; {book}"),
        || {
            let counter = C::with_workers(4);
            for (worker, amount) in [(0, 1), (1, 10), (2, 100), (3, 1_000)] {
                counter.add(worker, amount);
            }
            (counter.workers(), counter.total())
        },
    );
    assert_eq!(workers, 4, "{name}::new(4).workers() should be 4; {book}");
    assert_eq!(
        total, 1_111,
        "workers 0, 1, 2 and 3 added 1, 10, 100 and 1000 to a {name}, so total() should be \
         1111, not {total}: is every slot summed, the first and the last included? {book}"
    );
}

/// A worker beyond the slots, or a counter without slots, is refused with a message that says
/// what to do.
fn refuses_workers_without_a_slot<C: Slotted>() {
    let (name, book) = (C::NAME, C::BOOK);
    assert_panics_saying(
        &["worker 2", "2 workers"],
        &format!(
            "{name}::new(2).add(2, 1) should panic naming worker 2 and the 2 workers the counter \
             was made for (use the provided slots::slot)"
        ),
        book,
        || C::with_workers(2).add(2, 1),
    );
    assert_panics_saying(
        &["at least 1 worker"],
        &format!(
            "{name}::new(0) should panic saying it needs at least 1 worker (use the provided \
             slots::check_workers)"
        ),
        book,
        || {
            C::with_workers(0);
        },
    );
}
