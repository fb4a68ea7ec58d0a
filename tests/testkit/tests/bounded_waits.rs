//! The test kit's own guarantees: waits end, and they end the right way.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use testkit::{HighWater, Rendezvous, Signal, Stranded, ThreadEnds, ThreadIds, within};

const SHORT: Duration = Duration::from_millis(50);

#[test]
fn a_rendezvous_opens_when_everyone_arrives() {
    let meeting = Arc::new(Rendezvous::new(3));
    let others: Vec<_> = (0..2)
        .map(|_| {
            let meeting = Arc::clone(&meeting);
            thread::spawn(move || meeting.meet(testkit::PATIENCE))
        })
        .collect();
    assert_eq!(meeting.meet(testkit::PATIENCE), Ok(()));
    for other in others {
        assert_eq!(other.join().unwrap(), Ok(()));
    }
}

#[test]
fn a_lonely_party_gives_up_and_breaks_the_rendezvous() {
    let meeting = Rendezvous::new(2);
    assert_eq!(
        meeting.meet(SHORT),
        Err(Stranded {
            arrived: 1,
            parties: 2
        })
    );
    // A later arrival does not wait another full limit for a meeting that already failed.
    assert!(meeting.meet(testkit::PATIENCE * 100).is_err());
}

#[test]
fn a_signal_wakes_its_waiter_or_times_out() {
    let signal = Arc::new(Signal::new());
    assert!(!signal.wait(SHORT), "nobody raised it");
    let raiser = {
        let signal = Arc::clone(&signal);
        thread::spawn(move || signal.raise())
    };
    assert!(signal.wait(testkit::PATIENCE));
    raiser.join().unwrap();
}

#[test]
fn within_returns_the_value() {
    assert_eq!(within(testkit::PATIENCE, "adding", "never", || 2 + 2), 4);
}

#[test]
fn within_names_what_it_waited_for() {
    let outcome = std::panic::catch_unwind(|| {
        within(SHORT, "the stuck call", "it is stuck on purpose", || {
            thread::park();
        })
    });
    let payload = outcome.expect_err("a call that never ends must fail the test");
    let message = payload
        .downcast_ref::<String>()
        .expect("a formatted message");
    assert!(
        message.contains("the stuck call") && message.contains("on purpose"),
        "{message}"
    );
}

#[test]
fn within_passes_a_panic_on() {
    let outcome = std::panic::catch_unwind(|| {
        within(testkit::PATIENCE, "a failing check", "", || {
            panic!("inner assertion")
        })
    });
    let payload = outcome.expect_err("the inner panic must reach the test");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"inner assertion"));
}

#[test]
fn high_water_remembers_the_peak() {
    let mark = HighWater::new();
    {
        let _a = mark.enter();
        let _b = mark.enter();
    }
    let _c = mark.enter();
    assert_eq!(mark.highest(), 2);
}

#[test]
fn thread_ids_count_distinct_threads() {
    let ids = Arc::new(ThreadIds::new());
    ids.record();
    ids.record();
    let other = {
        let ids = Arc::clone(&ids);
        thread::spawn(move || ids.record())
    };
    other.join().unwrap();
    assert_eq!(ids.count(), 2);
}

#[test]
fn thread_ends_count_only_ended_threads() {
    let ends = ThreadEnds::new();
    ends.mark();
    assert_eq!(ends.count(), 0, "the test's own thread has not ended");
    let started = Arc::new(Signal::new());
    let release = Arc::new(Signal::new());
    let worker = {
        let (ends, started, release) = (ends.clone(), Arc::clone(&started), Arc::clone(&release));
        thread::spawn(move || {
            ends.mark();
            started.raise();
            release.wait(Duration::from_secs(10))
        })
    };
    assert!(started.wait(Duration::from_secs(10)));
    assert!(
        !ends.wait_for(1, Duration::from_millis(1)),
        "the worker is still running"
    );
    release.raise();
    assert!(
        ends.wait_for(1, Duration::from_secs(10)),
        "the worker ended"
    );
    assert!(worker.join().unwrap());
    assert_eq!(ends.count(), 1);
}

#[test]
fn spin_counts_its_rounds() {
    assert_eq!(testkit::spin(1_000), 1_000);
}

const BOOK: testkit::Book = testkit::Book::new(1, "own-pool");

fn message(outcome: std::thread::Result<()>) -> String {
    let payload = outcome.expect_err("the call should have failed");
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn check_appends_the_book_section() {
    let text = message(std::panic::catch_unwind(|| {
        testkit::check!(1 + 1 == 3, "arithmetic is {}", "broken")
    }));
    assert!(text.contains("arithmetic is broken; see the book: book/src/lesson1.md#own-pool"));
}

#[test]
fn check_eq_shows_both_sides_and_the_book() {
    let text = message(std::panic::catch_unwind(|| {
        testkit::check_eq!(2, 3, "two is not three")
    }));
    assert!(text.contains("two is not three; see the book"), "{text}");
    assert!(text.contains("left: 2"), "{text}");
}

#[test]
fn bounded_returns_the_value_of_its_expression() {
    let numbers = [1, 2, 3];
    assert_eq!(testkit::bounded!(numbers.iter().sum::<i32>()), 6);
}

#[test]
fn a_bounded_drop_lets_a_quick_drop_through() {
    let guarded = testkit::BoundedDrop::new(vec![1, 2], "dropping a vector", "never");
    assert_eq!(guarded.len(), 2);
}

#[test]
fn join_within_passes_the_threads_panic_on() {
    let thread = thread::spawn(|| panic!("from the thread"));
    let join = std::panic::AssertUnwindSafe(|| testkit::join_within(thread, "joining", "never"));
    let payload = std::panic::catch_unwind(join).expect_err("the thread panicked");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"from the thread"));
}

#[test]
fn a_bounded_drop_that_hangs_fails_with_its_hint() {
    struct Stuck;
    impl Drop for Stuck {
        fn drop(&mut self) {
            thread::park();
        }
    }
    let text = message(std::panic::catch_unwind(|| {
        drop(
            testkit::BoundedDrop::new(Stuck, "dropping Stuck", "close the channel")
                .with_limit(SHORT),
        )
    }));
    assert!(
        text.contains("dropping Stuck") && text.contains("close the channel"),
        "{text}"
    );
}
