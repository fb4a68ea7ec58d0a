use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// Counts how many tasks are inside a section at once and remembers the most ever seen.
#[derive(Debug, Default)]
pub struct HighWater {
    current: AtomicUsize,
    highest: AtomicUsize,
}

/// Marks one task inside a [`HighWater`] section; leaving the scope leaves the section.
#[derive(Debug)]
pub struct Inside<'a> {
    mark: &'a HighWater,
}

impl HighWater {
    /// A counter with nobody inside.
    pub fn new() -> Self {
        Self::default()
    }

    /// Enters the section until the returned guard is dropped.
    pub fn enter(&self) -> Inside<'_> {
        let now = self.current.fetch_add(1, Ordering::SeqCst) + 1;
        self.highest.fetch_max(now, Ordering::SeqCst);
        Inside { mark: self }
    }

    /// The largest number of tasks that were ever inside at the same time.
    pub fn highest(&self) -> usize {
        self.highest.load(Ordering::SeqCst)
    }
}

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        self.mark.current.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The set of distinct threads that did some work.
#[derive(Debug, Default)]
pub struct ThreadIds {
    seen: Mutex<HashSet<ThreadId>>,
}

impl ThreadIds {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the calling thread.
    pub fn record(&self) {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(thread::current().id());
    }

    /// How many distinct threads have been recorded.
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Counts the threads that have ended, among those that [`ThreadEnds::mark`]ed themselves.
///
/// A mark lives in the thread's thread-local storage, which a thread drops as it ends, after
/// everything its closure did (a scoped thread has already handed its result over). So a count
/// proves that a thread is gone, which nothing else a test sees can.
#[derive(Debug, Clone, Default)]
pub struct ThreadEnds {
    ended: Arc<(Mutex<usize>, Condvar)>,
}

/// One marked thread; counts when the thread's thread-local storage drops it.
struct EndMark(ThreadEnds);

thread_local! {
    static END_MARKS: RefCell<Vec<EndMark>> = const { RefCell::new(Vec::new()) };
}

impl Drop for EndMark {
    fn drop(&mut self) {
        let (ended, changed) = &*self.0.ended;
        *ended.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        changed.notify_all();
    }
}

impl ThreadEnds {
    /// A counter at 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts the calling thread when it ends. Marking the test's own thread counts nothing
    /// before the test is over.
    pub fn mark(&self) {
        END_MARKS.with(|marks| marks.borrow_mut().push(EndMark(self.clone())));
    }

    /// How many marked threads have ended.
    pub fn count(&self) -> usize {
        *self.ended.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until `threads` marked threads have ended or `limit` has passed; whether they had.
    pub fn wait_for(&self, threads: usize, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let (ended, changed) = &*self.ended;
        let mut count = ended.lock().unwrap_or_else(|e| e.into_inner());
        while *count < threads {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            count = changed
                .wait_timeout(count, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }
}
