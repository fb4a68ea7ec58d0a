//! Exercise 3: a work queue, stopped by closing its channel or by poison pills.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crossbeam_channel::{Receiver, Sender};
use proptest::prelude::*;
use subject::{
    Task, WorkQueueError, Workers, process_all, send_pills, start_pill_workers, start_workers,
};
use testkit::{PATIENCE, Rendezvous, within};

const ANCHOR: &str = "work-queue";

/// Joins `workers`, failing the test if they do not all stop within [`PATIENCE`].
fn join(workers: Workers, why_they_should_stop: &str) -> Result<Vec<usize>, WorkQueueError> {
    let hint = format!(
        "{why_they_should_stop}, yet a worker was still running: {}",
        super::stuck(ANCHOR)
    );
    within(PATIENCE, "Workers::join", &hint, move || workers.join())
}

/// Both ends of one channel.
type Channel<T> = (Sender<T>, Receiver<T>);

/// A job channel and a result channel.
fn channels<J, R>() -> (Channel<J>, Channel<R>) {
    (
        crossbeam_channel::unbounded(),
        crossbeam_channel::unbounded(),
    )
}

fn total(done: &[usize]) -> usize {
    done.iter().sum()
}

#[test]
fn zero_workers_is_an_error() {
    let ((_, jobs), (results, _)) = channels::<u8, u8>();
    let plain = start_workers(0, jobs, results, |x| x);
    let ((_, jobs), (results, _)) = channels::<Task<u8>, u8>();
    let pill = start_pill_workers(0, jobs, results, |x| x);
    let all = process_all(vec![1u8], 0, |x| x);
    assert!(
        matches!(
            (plain, pill, all),
            (
                Err(WorkQueueError::NoWorkers),
                Err(WorkQueueError::NoWorkers),
                Err(WorkQueueError::NoWorkers)
            )
        ),
        "asking for 0 workers should be Err(WorkQueueError::NoWorkers) from start_workers, \
         start_pill_workers and process_all; {}",
        super::see(ANCHOR)
    );
}

// ANCHOR: close_test
#[test]
fn workers_finish_the_queue_and_stop_when_it_is_closed() {
    let ((jobs, queue), (results, arrivals)) = channels();
    let workers = start_workers(3, queue, results, |x: u32| x * 2).expect("start_workers failed");
    assert_eq!(
        workers.count(),
        3,
        "Workers::count() after starting 3; {}",
        super::see(ANCHOR)
    );
    for job in 0..30 {
        jobs.send(job).expect("the workers hold the receiver");
    }
    drop(jobs);
    let done = join(workers, "the job channel was closed and drained").expect("no job panics here");
    assert_eq!(
        (done.len(), total(&done)),
        (3, 30),
        "3 workers should report the jobs each did, 30 in all: closing the channel must not \
         lose the jobs already queued; {}",
        super::see(ANCHOR)
    );
    let mut doubled: Vec<u32> = arrivals.try_iter().collect();
    doubled.sort_unstable();
    assert_eq!(
        doubled,
        (0..30).map(|x| x * 2).collect::<Vec<_>>(),
        "each job's result should be sent once to the result channel; {}",
        super::see(ANCHOR)
    );
}
// ANCHOR_END: close_test

#[test]
fn every_worker_takes_jobs_at_the_same_time() {
    for count in 2..=4 {
        let ((jobs, queue), (results, arrivals)) = channels();
        let all_running = Arc::new(Rendezvous::new(count));
        let workers = start_workers(count, queue, results, move |_: usize| {
            all_running.meet(PATIENCE)
        })
        .expect("start_workers failed");
        for job in 0..count {
            jobs.send(job).expect("the workers hold the receiver");
        }
        drop(jobs);
        join(workers, "the job channel was closed").expect("no job panics here");
        if let Some(Err(stranded)) = arrivals.try_iter().find(Result::is_err) {
            panic!(
                "{count} jobs on {count} workers never ran all at once ({stranded}): start \
                 {count} threads that all take jobs from the one channel; {}",
                super::see(ANCHOR)
            );
        }
    }
}

#[test]
fn a_panicking_job_is_reported_and_stops_nothing_else() {
    let ((jobs, queue), (results, arrivals)) = channels();
    let workers = start_workers(2, queue, results, |x: u32| {
        assert!(x != 3, "job {x} failed");
        x
    })
    .expect("start_workers failed");
    for job in 0..8 {
        jobs.send(job).expect("the workers hold the receiver");
    }
    drop(jobs);
    match join(workers, "the job channel was closed") {
        Err(WorkQueueError::WorkerPanicked { message, .. }) => assert!(
            message.contains("job 3 failed"),
            "the error should carry the panic's message, got {message:?}; {}",
            super::see(ANCHOR)
        ),
        other => panic!(
            "job 3 panics, so Workers::join should be Err(WorkQueueError::WorkerPanicked {{ .. \
             }}), got {other:?}; {}",
            super::see(ANCHOR)
        ),
    }
    assert_eq!(
        arrivals.try_iter().count(),
        7,
        "the other worker should have done the 7 jobs that do not panic; {}",
        super::see(ANCHOR)
    );
    let all = within(PATIENCE, "process_all", &super::stuck(ANCHOR), || {
        process_all((0..8).collect(), 2, |x: u32| {
            assert!(x != 5, "job {x} failed")
        })
    });
    assert!(
        matches!(all, Err(WorkQueueError::WorkerPanicked { .. })),
        "process_all with a panicking job should return Err(WorkerPanicked), got {all:?}; {}",
        super::see(ANCHOR)
    );
}

#[test]
fn workers_stop_when_nobody_takes_their_results() {
    let ((jobs, queue), (results, arrivals)) = channels();
    let workers = start_workers(2, queue, results, |x: u8| x).expect("start_workers failed");
    drop(arrivals);
    for job in 0..5 {
        jobs.send(job).expect("the workers hold the receiver");
    }
    let done =
        join(workers, "the result channel's receiver was dropped").expect("no job panics here");
    assert_eq!(
        total(&done),
        0,
        "no result could be delivered, so no job counts as done; {}",
        super::see(ANCHOR)
    );
    drop(jobs);
}

proptest! {
    #![proptest_config(testkit::proptest_config(64))]

    #[test]
    fn process_all_does_each_job_exactly_once(
        workers in 1usize..=6,
        jobs in proptest::collection::vec(any::<i32>(), 0..200),
    ) {
        let mut expected: Vec<i64> = jobs.iter().map(|&x| i64::from(x) - 1).collect();
        expected.sort_unstable();
        let job_count = jobs.len();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let got = within(
            PATIENCE,
            "process_all",
            &super::stuck(ANCHOR),
            move || {
                process_all(jobs, workers, move |x| {
                    counted.fetch_add(1, Ordering::SeqCst);
                    i64::from(x) - 1
                })
            },
        );
        let mut got = got.expect("no job panics here");
        got.sort_unstable();
        prop_assert_eq!(
            got,
            expected,
            "process_all(jobs, {}, f) should return f(job) for every job, once each (in any \
             order); {}",
            workers,
            super::see(ANCHOR)
        );
        prop_assert_eq!(
            calls.load(Ordering::SeqCst),
            job_count,
            "f should be called exactly once per job; {}",
            super::see(ANCHOR)
        );
    }
}

#[test]
fn send_pills_sends_one_stop_per_worker() {
    let (jobs, queue) = crossbeam_channel::unbounded::<Task<u8>>();
    send_pills(&jobs, 4).expect("send_pills failed with a receiver alive");
    let sent: Vec<Task<u8>> = queue.try_iter().collect();
    assert_eq!(
        sent,
        vec![Task::Stop; 4],
        "send_pills(&jobs, 4) should send exactly 4 Task::Stop; {}",
        super::see(ANCHOR)
    );
    drop(queue);
    assert!(
        matches!(send_pills(&jobs, 1), Err(WorkQueueError::NobodyListening)),
        "send_pills with no receiver left should be Err(WorkQueueError::NobodyListening); {}",
        super::see(ANCHOR)
    );
}

// ANCHOR: pill_test
#[test]
fn each_pill_stops_exactly_one_worker() {
    let ((jobs, queue), (results, arrivals)) = channels();
    let workers =
        start_pill_workers(3, queue, results, |x: u32| x + 1).expect("start_pill_workers failed");
    for job in 0..6 {
        jobs.send(Task::Job(job))
            .expect("the workers hold the receiver");
    }
    send_pills(&jobs, 3).expect("the workers hold the receiver");
    // The channel stays open: only the pills can stop the workers.
    let done = join(workers, "each of the 3 workers was sent a pill").expect("no job panics here");
    assert_eq!(
        total(&done),
        6,
        "the 6 jobs ahead of the pills should all be done; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        arrivals.try_iter().count(),
        6,
        "each done job sends one result; {}",
        super::see(ANCHOR)
    );
    drop(jobs);
}
// ANCHOR_END: pill_test

#[test]
fn jobs_behind_the_pills_are_stranded() {
    let ((jobs, queue), (results, _arrivals)) = channels();
    let workers = start_pill_workers(2, queue.clone(), results, |x: u32| x)
        .expect("start_pill_workers failed");
    send_pills(&jobs, 2).expect("the workers hold the receiver");
    for job in [10, 11] {
        jobs.send(Task::Job(job))
            .expect("the test holds a receiver");
    }
    let done = join(workers, "each of the 2 workers was sent a pill").expect("no job panics here");
    assert_eq!(
        (total(&done), queue.len()),
        (0, 2),
        "each worker should stop at its pill, leaving the 2 jobs sent after the pills in the \
         channel; {}",
        super::see(ANCHOR)
    );
}

#[test]
fn closing_also_stops_pill_workers() {
    let ((jobs, queue), (results, _arrivals)) = channels();
    let workers =
        start_pill_workers(2, queue, results, |x: u32| x).expect("start_pill_workers failed");
    for job in 0..3 {
        jobs.send(Task::Job(job))
            .expect("the workers hold the receiver");
    }
    drop(jobs);
    let done = join(
        workers,
        "the job channel was closed, even though no pill was sent",
    )
    .expect("no job panics here");
    assert_eq!(
        total(&done),
        3,
        "pill workers should also stop when the channel is closed and drained; {}",
        super::see(ANCHOR)
    );
}
