//! Exercise 5: Python's `callback` and `error_callback`, and `AsyncResult::ready`/`wait`.

use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use subject::{AsyncResult, MapResult, TaskPanicked};
use testkit::{PATIENCE, Signal, bounded, check, check_eq};

use super::pool;

const BOOK: testkit::Book = super::book("callbacks");

/// What the callbacks of one call saw, filled in as they run.
#[derive(Debug, Default)]
struct Seen {
    /// Every `on_ok` call: its thread, what it was given, and whether the handle was ready.
    ok: Vec<(ThreadId, String, Option<bool>)>,
    /// Every `on_err` call, likewise.
    err: Vec<(ThreadId, TaskPanicked, Option<bool>)>,
    /// The threads the task or the items ran on.
    task_threads: Vec<ThreadId>,
}

/// A log the task, the callbacks and the test share.
type Log = Arc<Mutex<Seen>>;

/// Somewhere to put a call's handle, so that its own callback can ask whether it is ready.
type Slot<H> = Arc<Mutex<Option<H>>>;

/// Something a callback can ask `ready` of.
trait Pending {
    /// The handle's `ready()`.
    fn is_ready(&mut self) -> bool;
}

impl<T> Pending for AsyncResult<T> {
    fn is_ready(&mut self) -> bool {
        self.ready()
    }
}

impl<U> Pending for MapResult<U> {
    fn is_ready(&mut self) -> bool {
        self.ready()
    }
}

/// Whether the handle in `slot` is ready, asked from inside a callback; `None` while the test
/// has not stored the handle yet.
fn ready_in<H: Pending>(slot: &Slot<H>) -> Option<bool> {
    slot.lock().unwrap().as_mut().map(Pending::is_ready)
}

/// The callbacks for a call whose handle will be in `slot`: each logs what it saw and raises
/// `called`.
#[allow(clippy::type_complexity)]
fn logging<V: std::fmt::Debug + ?Sized, H: Pending + Send + 'static>(
    log: &Log,
    slot: &Slot<H>,
    called: &Arc<Signal>,
) -> (
    impl FnOnce(&V) + Send + 'static,
    impl FnOnce(&TaskPanicked) + Send + 'static,
) {
    let (ok_log, ok_slot, ok_called) = (Arc::clone(log), Arc::clone(slot), Arc::clone(called));
    let (err_log, err_slot, err_called) = (Arc::clone(log), Arc::clone(slot), Arc::clone(called));
    (
        move |value: &V| {
            let ready = ready_in(&ok_slot);
            let entry = (thread::current().id(), format!("{value:?}"), ready);
            ok_log.lock().unwrap().ok.push(entry);
            ok_called.raise();
        },
        move |panicked: &TaskPanicked| {
            let ready = ready_in(&err_slot);
            let entry = (thread::current().id(), panicked.clone(), ready);
            err_log.lock().unwrap().err.push(entry);
            err_called.raise();
        },
    )
}

/// Logs the calling thread as one that ran the task or an item.
fn ran_here(log: &Log) {
    log.lock()
        .unwrap()
        .task_threads
        .push(thread::current().id());
}

/// Waits until the task may finish: once the test has stored the handle in its slot.
fn stored(slot_filled: &Signal) {
    assert!(
        slot_filled.wait(PATIENCE),
        "the test never stored the handle"
    );
}

/// The test's side: stores `handle` where the callback finds it, lets the task finish, waits for
/// a callback, and takes the handle back.
fn hand_over<H: Send + 'static>(
    handle: H,
    slot: &Slot<H>,
    slot_filled: &Signal,
    called: &Signal,
    which: &str,
) -> H {
    *slot.lock().unwrap() = Some(handle);
    slot_filled.raise();
    check!(
        called.wait(PATIENCE),
        "the task finished but {which} never ran: the worker that ran the task calls it right \
         after the task, whether or not anybody calls get()"
    );
    slot.lock()
        .unwrap()
        .take()
        .expect("the handle is only taken here")
}

#[test]
fn apply_callback_runs_once_on_the_worker_before_the_result_is_ready() {
    let pool = pool(1);
    let (log, slot, slot_filled, called) = (
        Log::default(),
        Slot::default(),
        Arc::new(Signal::new()),
        Arc::new(Signal::new()),
    );
    let (on_ok, on_err) = logging::<u32, AsyncResult<u32>>(&log, &slot, &called);
    let (task_log, filled) = (Arc::clone(&log), Arc::clone(&slot_filled));
    let handle = pool.apply_async_with(
        move || {
            ran_here(&task_log);
            stored(&filled);
            42u32
        },
        on_ok,
        on_err,
    );
    let handle = hand_over(handle, &slot, &slot_filled, &called, "on_ok");
    check_eq!(bounded!(handle.get()), Ok(42), "get() after the callback");
    let seen = log.lock().unwrap();
    check_eq!(
        seen.err.len(),
        0,
        "the task returned, so on_err must not run"
    );
    check_eq!(seen.ok.len(), 1, "on_ok should run exactly once");
    let (thread, value, ready) = &seen.ok[0];
    check_eq!(
        value,
        "42",
        "on_ok should get a reference to the task's value"
    );
    check!(
        *thread == seen.task_threads[0],
        "on_ok ran on another thread than the task: run it on the worker, right after the task"
    );
    check_eq!(
        *ready,
        Some(false),
        "while on_ok ran, its handle's ready() said the result was there: run the callback \
         first, then send the result, so that get() returns only after the callback"
    );
}

#[test]
fn apply_error_callback_gets_the_panic_that_get_returns() {
    let pool = pool(1);
    let (log, slot, slot_filled, called) = (
        Log::default(),
        Slot::default(),
        Arc::new(Signal::new()),
        Arc::new(Signal::new()),
    );
    let (on_ok, on_err) = logging::<u32, AsyncResult<u32>>(&log, &slot, &called);
    let (task_log, filled) = (Arc::clone(&log), Arc::clone(&slot_filled));
    let handle = pool.apply_async_with(
        move || -> u32 {
            ran_here(&task_log);
            stored(&filled);
            panic!("no value today")
        },
        on_ok,
        on_err,
    );
    let handle = hand_over(handle, &slot, &slot_filled, &called, "on_err");
    let expected = TaskPanicked {
        item: None,
        message: "no value today".to_string(),
    };
    check_eq!(
        bounded!(handle.get()),
        Err(expected.clone()),
        "get() of a panicking task"
    );
    let seen = log.lock().unwrap();
    check_eq!(seen.ok.len(), 0, "the task panicked, so on_ok must not run");
    check_eq!(seen.err.len(), 1, "on_err should run exactly once");
    let (thread, panicked, ready) = &seen.err[0];
    check_eq!(
        panicked,
        &expected,
        "on_err should get the same TaskPanicked as get()"
    );
    check!(
        *thread == seen.task_threads[0],
        "on_err ran on another thread than the task: run it on the worker, right after the task"
    );
    check_eq!(
        *ready,
        Some(false),
        "while on_err ran, its handle's ready() said the result was there"
    );
}

#[test]
fn callbacks_run_even_when_nobody_asks_for_the_result() {
    let pool = pool(2);
    let (ok_ran, err_ran, map_ran) = (
        Arc::new(Signal::new()),
        Arc::new(Signal::new()),
        Arc::new(Signal::new()),
    );
    let (ok_signal, err_signal) = (Arc::clone(&ok_ran), Arc::clone(&err_ran));
    drop(pool.apply_async_with(|| 1, move |_| ok_signal.raise(), |_| {}));
    drop(pool.apply_async_with(
        || -> u8 { panic!("dropped") },
        |_| {},
        move |_| err_signal.raise(),
    ));
    let on_map = Arc::clone(&map_ran);
    drop(pool.map_async_with(|x: u8| x, vec![1, 2, 3], 2, move |_| on_map.raise(), |_| {}));
    for (signal, which) in [
        (ok_ran, "apply_async_with's on_ok"),
        (err_ran, "apply_async_with's on_err"),
        (map_ran, "map_async_with's on_ok"),
    ] {
        check!(
            signal.wait(PATIENCE),
            "{which} never ran for a call whose handle was dropped at once: callbacks run on \
             the worker, not in get()"
        );
    }
}

#[test]
fn a_panicking_callback_is_reported_and_the_worker_survives() {
    let pool = pool(1);
    let outcomes = {
        let pool = Arc::clone(&pool);
        bounded!((
            pool.apply_async_with(|| 1, |_| panic!("on_ok broke"), |_| {})
                .get(),
            pool.apply_async_with(
                || -> u8 { panic!("task broke") },
                |_| {},
                |_| panic!("on_err broke")
            )
            .get(),
            pool.map_async_with(
                |x: u8| x,
                vec![1, 2],
                1,
                |_| panic!("map's on_ok broke"),
                |_| {}
            )
            .get(),
        ))
    };
    let broke = |message: &str| TaskPanicked {
        item: None,
        message: message.to_string(),
    };
    check_eq!(
        outcomes,
        (
            Err(broke("on_ok broke")),
            Err(broke("on_err broke")),
            Err(broke("map's on_ok broke"))
        ),
        "a callback that panics makes get() return that panic (item: None): catch it like the \
         task's own"
    );
    check_eq!(
        bounded!(pool.apply(|| "still here")),
        Ok("still here"),
        "after callbacks panicked, the pool's only worker should still run tasks"
    );
}

#[test]
fn ready_and_wait_tell_without_taking_the_result() {
    let pool = pool(1);
    let go = Arc::new(Signal::new());
    let gate = Arc::clone(&go);
    let mut handle = pool.apply_async(move || gate.wait(PATIENCE));
    let early = bounded!(
        {
            let ready = handle.ready();
            let waited = handle.wait(Duration::from_millis(20));
            (ready, waited, handle)
        },
        "ready() or wait(20ms) on an unfinished task did not return: ready() never waits, and \
         wait gives up after its timeout"
    );
    let (ready, waited, mut handle) = early;
    check_eq!(
        (ready, waited),
        (false, false),
        "(ready(), wait(20ms)) of a task that is still waiting"
    );
    go.raise();
    let late = bounded!({
        let waited = handle.wait(PATIENCE);
        (
            waited,
            handle.ready(),
            handle.ready(),
            handle.wait(Duration::ZERO),
            handle.get(),
        )
    });
    check_eq!(
        late,
        (true, true, true, true, Ok(true)),
        "(wait(PATIENCE), ready(), ready(), wait(0), get()) once the task is done: the result \
         stays in the handle for get()"
    );
    let mut second = pool.apply_async(|| 7);
    check!(
        testkit::wait_until(PATIENCE, || second.ready()),
        "ready() never turned true for a task that returns at once"
    );
    check_eq!(bounded!(second.get()), Ok(7), "get() after ready()");
}

#[test]
fn map_result_ready_and_wait_tell_without_taking_the_results() {
    let pool = pool(2);
    let go = Arc::new(Signal::new());
    let gate = Arc::clone(&go);
    let mut pending = pool.map_async(
        move |x: u32| if x == 3 { gate.wait(PATIENCE) } else { true },
        (0..6).collect(),
        2,
    );
    let early = bounded!(
        {
            let ready = pending.ready();
            let waited = pending.wait(Duration::from_millis(20));
            (ready, waited, pending)
        },
        "ready() or wait(20ms) on an unfinished map did not return"
    );
    let (ready, waited, mut pending) = early;
    check_eq!(
        (ready, waited),
        (false, false),
        "(ready(), wait(20ms)) while item 3 still waits"
    );
    go.raise();
    let late = bounded!({
        let waited = pending.wait(PATIENCE);
        (
            waited,
            pending.ready(),
            pending.wait(Duration::ZERO),
            pending.get(),
        )
    });
    check_eq!(
        late,
        (true, true, true, Ok(vec![true; 6])),
        "(wait(PATIENCE), ready(), wait(0), get()) once every item is done"
    );
}

#[test]
fn map_callback_gets_every_result_on_the_worker_before_they_are_ready() {
    let pool = pool(1);
    let (log, slot, slot_filled, called) = (
        Log::default(),
        Slot::default(),
        Arc::new(Signal::new()),
        Arc::new(Signal::new()),
    );
    let (on_ok, on_err) = logging::<[u32], MapResult<u32>>(&log, &slot, &called);
    let (task_log, filled) = (Arc::clone(&log), Arc::clone(&slot_filled));
    let handle = pool.map_async_with(
        move |x: u32| {
            ran_here(&task_log);
            if x == 4 {
                stored(&filled);
            }
            x * 10
        },
        (0..5).collect(),
        2,
        on_ok,
        on_err,
    );
    let handle = hand_over(handle, &slot, &slot_filled, &called, "on_ok");
    check_eq!(
        bounded!(handle.get()),
        Ok(vec![0, 10, 20, 30, 40]),
        "get() after the callback"
    );
    let seen = log.lock().unwrap();
    check_eq!(
        seen.err.len(),
        0,
        "no item panicked, so on_err must not run"
    );
    check_eq!(
        seen.ok.len(),
        1,
        "on_ok should run exactly once, after the last chunk"
    );
    let (thread, values, ready) = &seen.ok[0];
    check_eq!(
        values,
        "[0, 10, 20, 30, 40]",
        "on_ok should get every result, in input order"
    );
    check!(
        *thread == seen.task_threads[0],
        "on_ok ran on another thread than the items of a one-worker pool: run it on the worker \
         that finishes the last chunk"
    );
    check_eq!(
        *ready,
        Some(false),
        "while on_ok ran, the MapResult's ready() said the results were there: run the callback \
         before making them available"
    );
}

#[test]
fn map_error_callback_gets_the_first_panic_in_input_order() {
    let pool = pool(2);
    let (log, slot, slot_filled, called) = (
        Log::default(),
        Slot::default(),
        Arc::new(Signal::new()),
        Arc::new(Signal::new()),
    );
    let (on_ok, on_err) = logging::<[u32], MapResult<u32>>(&log, &slot, &called);
    let (task_log, filled) = (Arc::clone(&log), Arc::clone(&slot_filled));
    let handle = pool.map_async_with(
        move |x: u32| {
            ran_here(&task_log);
            if x == 0 {
                stored(&filled);
            }
            assert!(x % 3 != 1, "item {x} failed");
            x
        },
        (0..9).collect(),
        2,
        on_ok,
        on_err,
    );
    let handle = hand_over(handle, &slot, &slot_filled, &called, "on_err");
    let expected = TaskPanicked {
        item: Some(1),
        message: "item 1 failed".to_string(),
    };
    check_eq!(
        bounded!(handle.get()),
        Err(expected.clone()),
        "get() of a map whose items 1, 4 and 7 panic"
    );
    let seen = log.lock().unwrap();
    check_eq!(seen.ok.len(), 0, "items panicked, so on_ok must not run");
    check_eq!(seen.err.len(), 1, "on_err should run exactly once");
    let (thread, panicked, ready) = &seen.err[0];
    check_eq!(
        panicked,
        &expected,
        "on_err should get the same TaskPanicked as get()"
    );
    check!(
        seen.task_threads.contains(thread),
        "on_err ran on a thread that ran none of the items: run it on the worker that finishes \
         the last chunk"
    );
    check_eq!(
        seen.task_threads.len(),
        9,
        "every item should run, even after a panic"
    );
    check_eq!(
        *ready,
        Some(false),
        "while on_err ran, the MapResult's ready() said the results were there"
    );
}

#[test]
fn map_callback_for_no_items_runs_before_map_async_with_returns() {
    let pool = pool(1);
    let (caller, called_on, ready) = bounded!({
        let called_on = Arc::new(Mutex::new(None));
        let record = Arc::clone(&called_on);
        let mut pending = pool.map_async_with(
            |x: u8| x,
            Vec::new(),
            3,
            move |values: &[u8]| {
                *record.lock().unwrap() = Some((thread::current().id(), values.len()))
            },
            |_| {},
        );
        let called_on = *called_on.lock().unwrap();
        (thread::current().id(), called_on, pending.ready())
    });
    check_eq!(
        called_on,
        Some((caller, 0)),
        "for no items, on_ok(&[]) runs on the calling thread before map_async_with returns"
    );
    check!(ready, "a map of no items is ready at once");
}
