//! What the kernel says about this process's threads, where the system shows it (Linux's
//! `/proc`): for tests that must act only once another thread is asleep, in a lock, a condition
//! variable or a full channel, which no signal can announce.

/// The id the kernel knows the calling thread by; `None` where the system does not show it.
pub fn current_tid() -> Option<u64> {
    std::fs::read_link("/proc/thread-self")
        .ok()?
        .file_name()?
        .to_str()?
        .parse()
        .ok()
}

/// The state letter the kernel shows for thread `tid` of this process: `Some('S')` while it
/// sleeps (waiting for a lock, a condition variable, a join, a channel), `Some('R')` while it
/// runs, `None` once it has ended or where the system does not show it.
pub fn state(tid: u64) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    after_name.trim_start().chars().next()
}

/// Whether thread `tid` of this process is asleep in the kernel.
pub fn asleep(tid: u64) -> bool {
    state(tid) == Some('S')
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_thread_runs_and_a_sleeper_sleeps() {
        let Some(me) = super::current_tid() else {
            return;
        };
        assert_eq!(super::state(me), Some('R'));
        let (tx, rx) = std::sync::mpsc::channel::<u64>();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let sleeper = std::thread::spawn(move || {
            tx.send(super::current_tid().unwrap()).unwrap();
            done_rx.recv().unwrap();
        });
        let tid = rx.recv().unwrap();
        assert!(crate::wait_until(crate::PATIENCE, || super::asleep(tid)));
        done_tx.send(()).unwrap();
        sleeper.join().unwrap();
        assert!(crate::wait_until(crate::PATIENCE, || super::state(tid).is_none()));
    }
}
