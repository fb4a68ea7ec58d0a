//! Exercise 5: Python's `callback` and `error_callback`, and `AsyncResult::ready`/`wait`.

use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use subject::{AsyncResult, MapResult, TaskPanicked};
use testkit::{PATIENCE, Signal, bounded, check, check_eq};

use super::{SharedPool, pool};

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

/// A pending call's handle: an `AsyncResult` or a `MapResult`.
trait Pending: Send + 'static {
    /// What `get` returns on success.
    type Output: std::fmt::Debug + PartialEq + Send;
    /// The handle's `ready()`.
    fn is_ready(&mut self) -> bool;
    /// The handle's `wait(timeout)`.
    fn wait_at_most(&mut self, timeout: Duration) -> bool;
    /// The handle's `get()`.
    fn take(self) -> Result<Self::Output, TaskPanicked>;
}

impl<T: std::fmt::Debug + PartialEq + Send + 'static> Pending for AsyncResult<T> {
    type Output = T;
    fn is_ready(&mut self) -> bool {
        self.ready()
    }
    fn wait_at_most(&mut self, timeout: Duration) -> bool {
        self.wait(timeout)
    }
    fn take(self) -> Result<T, TaskPanicked> {
        self.get()
    }
}

impl<U: std::fmt::Debug + PartialEq + Send + 'static> Pending for MapResult<U> {
    type Output = Vec<U>;
    fn is_ready(&mut self) -> bool {
        self.ready()
    }
    fn wait_at_most(&mut self, timeout: Duration) -> bool {
        self.wait(timeout)
    }
    fn take(self) -> Result<Vec<U>, TaskPanicked> {
        self.get()
    }
}

/// Checks `ready` and `wait` on `handle`, whose call finishes only once `go` is raised, then
/// that `get` still returns `expected`.
fn check_ready_and_wait<H: Pending>(handle: H, go: &Signal, expected: H::Output) {
    let (ready, waited, mut handle) = bounded!(
        {
            let mut handle = handle;
            let ready = handle.is_ready();
            let waited = handle.wait_at_most(Duration::from_millis(20));
            (ready, waited, handle)
        },
        "ready() or wait(20ms) on an unfinished call did not return: ready() never waits, and \
         wait gives up after its timeout"
    );
    check_eq!(
        (ready, waited),
        (false, false),
        "(ready(), wait(20ms)) of a call that is still running"
    );
    go.raise();
    let late = bounded!({
        let waited = handle.wait_at_most(PATIENCE);
        let again = (
            handle.is_ready(),
            handle.is_ready(),
            handle.wait_at_most(Duration::ZERO),
        );
        (waited, again, handle.take())
    });
    check_eq!(
        late,
        (true, (true, true, true), Ok(expected)),
        "(wait(PATIENCE), (ready(), ready(), wait(0)), get()) once the call is done: the result \
         stays in the handle for get()"
    );
}

/// Watches one call with callbacks: what the task and the callbacks saw, and a slot for the
/// call's handle, so that its own callback can ask it whether it is ready.
struct Watch<H> {
    seen: Arc<Mutex<Seen>>,
    slot: Arc<Mutex<Option<H>>>,
    slot_filled: Arc<Signal>,
    called: Arc<Signal>,
}

/// The task's side of a [`Watch`].
struct TaskSide {
    seen: Arc<Mutex<Seen>>,
    slot_filled: Arc<Signal>,
}

impl TaskSide {
    /// Logs the calling thread as one that ran the task or an item.
    fn ran_here(&self) {
        self.seen
            .lock()
            .unwrap()
            .task_threads
            .push(thread::current().id());
    }

    /// Waits until the test has stored the handle, so that the callback will find it.
    fn wait_for_the_handle(&self) {
        assert!(
            self.slot_filled.wait(PATIENCE),
            "the test never stored the handle"
        );
    }
}

impl<H: Pending> Watch<H> {
    fn new() -> Self {
        Watch {
            seen: Arc::default(),
            slot: Arc::default(),
            slot_filled: Arc::new(Signal::new()),
            called: Arc::new(Signal::new()),
        }
    }

    fn task_side(&self) -> TaskSide {
        TaskSide {
            seen: Arc::clone(&self.seen),
            slot_filled: Arc::clone(&self.slot_filled),
        }
    }

    /// Whether the stored handle is ready, asked from inside a callback; `None` while the test
    /// has not stored it yet.
    fn ready_in(slot: &Mutex<Option<H>>) -> Option<bool> {
        slot.lock().unwrap().as_mut().map(Pending::is_ready)
    }

    /// The callbacks to pass: each logs what it saw and raises `called`.
    #[allow(clippy::type_complexity)]
    fn callbacks<V: std::fmt::Debug + ?Sized>(
        &self,
    ) -> (
        impl FnOnce(&V) + Send + 'static,
        impl FnOnce(&TaskPanicked) + Send + 'static,
    ) {
        let (ok_seen, ok_slot, ok_called) = (
            Arc::clone(&self.seen),
            Arc::clone(&self.slot),
            Arc::clone(&self.called),
        );
        let (err_seen, err_slot, err_called) = (
            Arc::clone(&self.seen),
            Arc::clone(&self.slot),
            Arc::clone(&self.called),
        );
        (
            move |value: &V| {
                let ready = Self::ready_in(&ok_slot);
                let entry = (thread::current().id(), format!("{value:?}"), ready);
                ok_seen.lock().unwrap().ok.push(entry);
                ok_called.raise();
            },
            move |panicked: &TaskPanicked| {
                let ready = Self::ready_in(&err_slot);
                let entry = (thread::current().id(), panicked.clone(), ready);
                err_seen.lock().unwrap().err.push(entry);
                err_called.raise();
            },
        )
    }

    /// Stores `handle` where the callback finds it, lets the task finish, waits for a callback
    /// and takes the handle back.
    fn hand_over(&self, handle: H, which: &str) -> H {
        *self.slot.lock().unwrap() = Some(handle);
        self.slot_filled.raise();
        check!(
            self.called.wait(PATIENCE),
            "the task finished but {which} never ran: the worker that ran the task calls it \
             right after the task, whether or not anybody calls get()"
        );
        self.slot
            .lock()
            .unwrap()
            .take()
            .expect("the handle is only taken here")
    }

    /// Checks that exactly one callback ran, once, on a thread that ran the task or an item,
    /// while the handle was not ready yet; `which` is the one, `what` what it should have got.
    fn check_one_call(&self, which: &str, what: &str) {
        let seen = self.seen.lock().unwrap();
        let (calls, other) = match which {
            "on_ok" => (seen.ok.len(), seen.err.len()),
            _ => (seen.err.len(), seen.ok.len()),
        };
        check_eq!(
            (calls, other),
            (1, 0),
            "(calls of {which}, calls of the other callback): exactly one callback runs, once"
        );
        let (thread, got, ready) = match which {
            "on_ok" => seen.ok[0].clone(),
            _ => {
                let (thread, panicked, ready) = seen.err[0].clone();
                (thread, format!("{panicked:?}"), ready)
            }
        };
        check_eq!(got, what, "what {which} was given: the same as get()'s");
        check!(
            seen.task_threads.contains(&thread),
            "{which} ran on a thread that ran none of the work: run it on the worker, right after \
             the task (for a map, on the worker that finishes the last chunk)"
        );
        check_eq!(
            ready,
            Some(false),
            "while {which} ran, its handle's ready() said the result was there: run the callback \
             first, then make the result available, so that get() returns only after it"
        );
    }
}

#[test]
fn apply_callback_runs_once_on_the_worker_before_the_result_is_ready() {
    let pool = pool(1);
    let watch = Watch::<AsyncResult<u32>>::new();
    let (on_ok, on_err) = watch.callbacks::<u32>();
    let task = watch.task_side();
    let handle = pool.apply_async_with(
        move || {
            task.ran_here();
            task.wait_for_the_handle();
            42u32
        },
        on_ok,
        on_err,
    );
    let handle = watch.hand_over(handle, "on_ok");
    check_eq!(bounded!(handle.get()), Ok(42), "get() after the callback");
    watch.check_one_call("on_ok", "42");
}

#[test]
fn apply_error_callback_gets_the_panic_that_get_returns() {
    let pool = pool(1);
    let watch = Watch::<AsyncResult<u32>>::new();
    let (on_ok, on_err) = watch.callbacks::<u32>();
    let task = watch.task_side();
    let handle = pool.apply_async_with(
        move || -> u32 {
            task.ran_here();
            task.wait_for_the_handle();
            panic!("no value today")
        },
        on_ok,
        on_err,
    );
    let handle = watch.hand_over(handle, "on_err");
    let expected = TaskPanicked {
        item: None,
        message: "no value today".to_string(),
    };
    check_eq!(
        bounded!(handle.get()),
        Err(expected.clone()),
        "get() of a panicking task"
    );
    watch.check_one_call("on_err", &format!("{expected:?}"));
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
    check_ready_and_wait(pool.apply_async(move || gate.wait(PATIENCE)), &go, true);
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
    let pending = pool.map_async(
        move |x: u32| if x == 3 { gate.wait(PATIENCE) } else { true },
        (0..6).collect(),
        2,
    );
    check_ready_and_wait(pending, &go, vec![true; 6]);
}

/// `pool.map_async_with(f, 0..items, 2, ..)` watched by `watch`: item `waiting` holds its
/// worker until the handle is stored.
fn watched_map(
    pool: &SharedPool,
    watch: &Watch<MapResult<u32>>,
    items: u32,
    waiting: u32,
    f: fn(u32) -> u32,
) -> MapResult<u32> {
    let (on_ok, on_err) = watch.callbacks::<[u32]>();
    let task = watch.task_side();
    let work = move |x: u32| {
        task.ran_here();
        if x == waiting {
            task.wait_for_the_handle();
        }
        f(x)
    };
    pool.map_async_with(work, (0..items).collect(), 2, on_ok, on_err)
}

#[test]
fn map_callback_gets_every_result_on_the_worker_before_they_are_ready() {
    let pool = pool(1);
    let watch = Watch::new();
    let handle = watched_map(&pool, &watch, 5, 4, |x| x * 10);
    let handle = watch.hand_over(handle, "on_ok");
    check_eq!(
        bounded!(handle.get()),
        Ok(vec![0, 10, 20, 30, 40]),
        "get() after the callback"
    );
    watch.check_one_call("on_ok", "[0, 10, 20, 30, 40]");
}

#[test]
fn map_error_callback_gets_the_first_panic_in_input_order() {
    let pool = pool(2);
    let watch = Watch::new();
    let handle = watched_map(&pool, &watch, 9, 0, |x| {
        assert!(x % 3 != 1, "item {x} failed");
        x
    });
    let handle = watch.hand_over(handle, "on_err");
    let expected = TaskPanicked {
        item: Some(1),
        message: "item 1 failed".to_string(),
    };
    check_eq!(
        bounded!(handle.get()),
        Err(expected.clone()),
        "get() of a map whose items 1, 4 and 7 panic"
    );
    watch.check_one_call("on_err", &format!("{expected:?}"));
    let ran = watch.seen.lock().unwrap().task_threads.len();
    check_eq!(ran, 9, "every item should run, even after a panic");
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
