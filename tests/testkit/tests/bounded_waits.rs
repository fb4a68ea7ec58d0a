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
