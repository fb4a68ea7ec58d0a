use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, ThreadId};

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
