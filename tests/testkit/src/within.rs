use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Runs `work` on a fresh thread and returns its result, failing the calling test if it takes
/// longer than `limit`.
///
/// `what` says what was being waited for and `hint` what probably went wrong; both end up in the
/// panic message. A panic inside `work` is passed on unchanged, so assertions made inside it read
/// as usual. On a timeout the stuck thread is left behind (it cannot be killed), which is fine in
/// a test process that is about to report the failure.
pub fn within<T, F>(limit: Duration, what: &str, hint: &str, work: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (done, finished) = mpsc::channel();
    let runner = thread::Builder::new()
        .name(format!("within: {what}"))
        .spawn(move || {
            // The receiver may be gone after a timeout; then nobody wants the value.
            let _ = done.send(work());
        })
        .expect("the test could not start a thread");
    match finished.recv_timeout(limit) {
        Ok(value) => {
            runner
                .join()
                .expect("the runner thread ended after sending its result");
            value
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match runner.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the runner either sends a value or panics"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {limit:?}: {hint}")
        }
    }
}

/// Checks `condition` over and over, yielding the core in between, until it holds or `limit`
/// has passed; whether it held. For a state another thread reaches by itself (such as "one
/// thread is asleep in `pop`") that no signal announces.
pub fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while !condition() {
        if Instant::now() >= deadline {
            return false;
        }
        thread::yield_now();
    }
    true
}
