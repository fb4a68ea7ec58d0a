//! Exercise 3: a work queue, stopped by closing its channel or by poison pills.

use std::error::Error;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use proptest::prelude::*;
use subject::{
    Task, WorkQueueError, Workers, process_all, send_pills, start_pill_workers, start_workers,
};
use testkit::{
    PATIENCE, Rendezvous, Signal, ThreadEnds, bounded, check, check_eq, fail, join_within,
    wait_until, within,
};

use super::MEETING;
use testkit::kernel_thread;

const BOOK: testkit::Book = super::book("work-queue");

/// Joins `workers`, failing the test if they do not all stop within [`PATIENCE`].
fn join(workers: Workers, why_they_should_stop: &str) -> Result<Vec<usize>, WorkQueueError> {
    let hint = format!(
        "{why_they_should_stop}, yet a worker was still running, waiting for a job or a result \
         channel that never came; {BOOK}"
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
    check!(
        matches!(
            (plain, pill, all),
            (
                Err(WorkQueueError::NoWorkers),
                Err(WorkQueueError::NoWorkers),
                Err(WorkQueueError::NoWorkers)
            )
        ),
        "asking for 0 workers should be Err(WorkQueueError::NoWorkers) from start_workers, \
         start_pill_workers and process_all"
    );
}

// ANCHOR: close_test
#[test]
fn workers_finish_the_queue_and_stop_when_it_is_closed() {
    let ((jobs, queue), (results, arrivals)) = channels();
    let workers = start_workers(3, queue, results, |x: u32| x * 2).expect("start_workers failed");
    check_eq!(workers.count(), 3, "Workers::count() after starting 3");
    for job in 0..30 {
        jobs.send(job).expect("the workers hold the receiver");
    }
    drop(jobs);
    let done = join(workers, "the job channel was closed and drained").expect("no job panics here");
    check_eq!(
        (done.len(), total(&done)),
        (3, 30),
        "3 workers should report the jobs each did, 30 in all: closing the channel must not \
         lose the jobs already queued"
    );
    let mut doubled: Vec<u32> = arrivals.try_iter().collect();
    doubled.sort_unstable();
    check_eq!(
        doubled,
        (0..30).map(|x| x * 2).collect::<Vec<_>>(),
        "each job's result should be sent once to the result channel"
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
            fail!(
                "{count} jobs on {count} workers never ran all at once ({stranded}): start \
                 {count} threads that all take jobs from the one channel"
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
        Err(WorkQueueError::WorkerPanicked { message, .. }) => check!(
            message.contains("job 3 failed"),
            "the error should carry the panic's message, got {message:?}"
        ),
        other => fail!(
            "job 3 panics, so Workers::join should be Err(WorkQueueError::WorkerPanicked {{ .. \
             }}), got {other:?}"
        ),
    }
    check_eq!(
        arrivals.try_iter().count(),
        7,
        "the other worker should have done the 7 jobs that do not panic"
    );
    let all = bounded!({
        process_all((0..8).collect(), 2, |x: u32| {
            assert!(x != 5, "job {x} failed")
        })
    });
    check!(
        matches!(all, Err(WorkQueueError::WorkerPanicked { .. })),
        "process_all with a panicking job should return Err(WorkerPanicked), got {all:?}"
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
    check_eq!(
        total(&done),
        0,
        "no result could be delivered, so no job counts as done"
    );
    drop(jobs);
}

#[test]
fn pill_workers_stop_when_nobody_takes_their_results() {
    let ((jobs, queue), (results, arrivals)) = channels();
    let workers =
        start_pill_workers(2, queue, results, |x: u8| x).expect("start_pill_workers failed");
    drop(arrivals);
    for job in 0..5 {
        jobs.send(Task::Job(job))
            .expect("the workers hold the receiver");
    }
    // Neither a pill nor a close: only the failed sends can stop them.
    let done = join(
        workers,
        "the result channel's receiver was dropped, and no pill was sent",
    )
    .expect("no job panics here");
    check_eq!(
        total(&done),
        0,
        "no result could be delivered, so no job counts as done"
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
        let got = bounded!({
                process_all(jobs, workers, move |x| {
                    counted.fetch_add(1, Ordering::SeqCst);
                    i64::from(x) - 1
                })
            });
        let mut got = got.expect("no job panics here");
        got.sort_unstable();
        prop_assert_eq!(
            got,
            expected,
            "process_all(jobs, {}, f) should return f(job) for every job, once each (in any \
             order); {}",
            workers,
            BOOK
        );
        prop_assert_eq!(
            calls.load(Ordering::SeqCst),
            job_count,
            "f should be called exactly once per job; {}",
            BOOK
        );
    }
}

#[test]
fn send_pills_sends_one_stop_per_worker() {
    let (jobs, queue) = crossbeam_channel::unbounded::<Task<u8>>();
    send_pills(&jobs, 4).expect("send_pills failed with a receiver alive");
    let sent: Vec<Task<u8>> = queue.try_iter().collect();
    check_eq!(
        sent,
        vec![Task::Stop; 4],
        "send_pills(&jobs, 4) should send exactly 4 Task::Stop"
    );
    drop(queue);
    check!(
        matches!(send_pills(&jobs, 1), Err(WorkQueueError::NobodyListening)),
        "send_pills with no receiver left should be Err(WorkQueueError::NobodyListening)"
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
    check_eq!(
        total(&done),
        6,
        "the 6 jobs ahead of the pills should all be done"
    );
    check_eq!(
        arrivals.try_iter().count(),
        6,
        "each done job sends one result"
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
    check_eq!(
        (total(&done), queue.len()),
        (0, 2),
        "each worker should stop at its pill, leaving the 2 jobs sent after the pills in the \
         channel"
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
    check_eq!(
        total(&done),
        3,
        "pill workers should also stop when the channel is closed and drained"
    );
}

/// Jobs that learn which worker runs them: each of `workers` jobs records its thread and waits
/// until every worker holds one; then the order in which the threads were started (std numbers
/// threads as they are created) gives each worker's number.
struct Crew {
    threads: Mutex<Vec<u64>>,
    everyone: Rendezvous,
}

impl Crew {
    fn new(workers: usize) -> Arc<Crew> {
        Arc::new(Crew {
            threads: Mutex::new(Vec::new()),
            everyone: Rendezvous::new(workers),
        })
    }

    /// The number of the worker running the calling job, from 0 in the order the workers were
    /// started.
    fn worker(&self) -> usize {
        let me = thread_number();
        self.threads.lock().unwrap().push(me);
        if let Err(stranded) = self.everyone.meet(MEETING) {
            panic!("the workers never each held a job at once ({stranded})");
        }
        let mut threads = self.threads.lock().unwrap().clone();
        threads.sort_unstable();
        threads
            .iter()
            .position(|&thread| thread == me)
            .expect("the calling thread recorded itself")
    }
}

/// The number std gave the calling thread when it was created: `ThreadId(7)` is 7.
fn thread_number() -> u64 {
    let id = format!("{:?}", thread::current().id());
    id.trim_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .expect("a ThreadId prints as ThreadId(number)")
}

/// Starts 3 workers with one job each, each job running `job` with its worker's number.
fn one_job_per_worker(job: impl Fn(usize) + Send + Sync + 'static) -> Workers {
    let crew = Crew::new(3);
    let ((jobs, queue), (results, _)) = channels::<u32, ()>();
    let workers = start_workers(3, queue, results, move |_| job(crew.worker()))
        .expect("start_workers failed");
    for job in 0..3 {
        jobs.send(job).expect("the workers hold the receiver");
    }
    workers
}

// ANCHOR: join_after_panic_test
#[test]
fn join_waits_for_every_worker_even_after_a_panic() {
    let release = Arc::new(Signal::new());
    let first = Arc::new(OnceLock::new());
    let (held, thread_of_first) = (Arc::clone(&release), Arc::clone(&first));
    let workers = one_job_per_worker(move |worker| {
        if worker == 0 {
            thread_of_first.get_or_init(kernel_thread::current_tid);
            panic!("worker 0's job failed (on purpose)");
        }
        assert!(held.wait(MEETING), "worker {worker}'s job was never let go");
    });
    // Worker 0 has panicked and its thread is gone, while workers 1 and 2 are held.
    check!(
        wait_until(PATIENCE, || first.get().is_some_and(|tid: &Option<u64>| {
            tid.is_none_or(|tid| kernel_thread::state(tid).is_none())
        })),
        "worker 0 never ran its job and ended: do all 3 workers take jobs at once?"
    );
    let joiner_thread = Arc::new(OnceLock::new());
    let joiner_tid = Arc::clone(&joiner_thread);
    let joiner = thread::spawn(move || {
        joiner_tid.get_or_init(kernel_thread::current_tid);
        workers.join()
    });
    // Where the system shows it, wait until join sleeps (waiting for worker 1 or 2) or returns.
    wait_until(PATIENCE, || {
        joiner.is_finished()
            || joiner_thread
                .get()
                .is_some_and(|tid| tid.is_none_or(kernel_thread::asleep))
    });
    let returned_early = joiner.is_finished();
    release.raise();
    let outcome = join_within(
        joiner,
        "Workers::join",
        &format!("workers 1 and 2 were let go, but join never returned; {BOOK}"),
    );
    check!(
        !returned_early,
        "Workers::join returned {outcome:?} while workers 1 and 2 were still running their \
         jobs: after a panic, join must still join every other worker before it returns, so \
         that no worker outlives the call"
    );
    match outcome {
        Err(WorkQueueError::WorkerPanicked { worker: 0, message }) => check!(
            message.contains("worker 0's job failed"),
            "the error should carry the panic's message, got {message:?}"
        ),
        other => fail!(
            "worker 0 panicked, so Workers::join should be Err(WorkQueueError::WorkerPanicked \
             {{ worker: 0, .. }}), got {other:?}"
        ),
    }
}
// ANCHOR_END: join_after_panic_test

#[test]
fn join_reports_the_first_worker_in_start_order_that_panicked() {
    // Every worker panics, in the reverse of their order: worker 2 first, worker 0 last.
    let ended: Arc<Vec<ThreadEnds>> = Arc::new((0..3).map(|_| ThreadEnds::new()).collect());
    let workers = one_job_per_worker(move |worker| {
        ended[worker].mark();
        if let Some(next) = ended.get(worker + 1) {
            assert!(
                next.wait_for(1, MEETING),
                "worker {} never ended",
                worker + 1
            );
        }
        panic!("the job on worker {worker} failed (on purpose)");
    });
    match join(workers, "every worker panicked") {
        Err(WorkQueueError::WorkerPanicked { worker, message }) => check!(
            worker == 0 && message.contains("worker 0"),
            "workers 2, 1 and 0 panicked, in that order: Workers::join should report the first \
             of them in the order they were started, worker 0 (its message says \"worker 0\"), \
             not the last one joined or the first to panic; got worker {worker}, {message:?}"
        ),
        other => fail!(
            "every worker panicked, so Workers::join should be Err(WorkerPanicked {{ worker: 0, \
             .. }}), got {other:?}"
        ),
    }
}

#[test]
fn work_queue_errors_say_what_went_wrong() {
    let (pills, _) = crossbeam_channel::unbounded::<Task<u8>>();
    let errors = (
        process_all(vec![1], 0, |x: u8| x),
        send_pills(&pills, 1),
        bounded!(process_all(vec![1, 2], 1, |x: u8| assert!(
            x != 2,
            "out of cheese"
        ))),
    );
    let (Err(no_workers), Err(nobody), Err(panicked)) = errors else {
        fail!(
            "expected three errors (0 workers, pills with no receiver, a job that panics), got \
             {errors:?}"
        );
    };
    let spawn = WorkQueueError::Spawn(io::Error::other("no more threads"));
    let cases = [
        (no_workers, vec!["0"], false),
        (spawn, vec!["no more threads"], true),
        (nobody, vec!["receiver"], false),
        (panicked, vec!["0", "out of cheese"], false),
    ];
    for (error, words, has_source) in cases {
        let message = error.to_string();
        check!(
            words.iter().all(|word| message.contains(word)),
            "the message of {error:?} is {message:?}: it should name {words:?}"
        );
        check_eq!(
            error.source().is_some(),
            has_source,
            "{error:?}.source(): only Spawn has one, the io::Error"
        );
    }
}
