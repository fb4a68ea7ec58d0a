use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// A barrier for `parties` threads whose wait gives up after a time limit.
///
/// `std::sync::Barrier` waits forever, which turns a serial implementation into a hung test. Here
/// each arrival waits at most the given limit for the others, so a pool that runs tasks one at a
/// time fails with an error instead. A rendezvous is single-use: once everybody has met, later
/// arrivals pass straight through. Once one party gives up the rendezvous is broken and every
/// later arrival gives up at once, so a serial implementation costs one time limit, not one per
/// task.
#[derive(Debug)]
pub struct Rendezvous {
    parties: usize,
    state: Mutex<Meeting>,
    all_here: Condvar,
}

#[derive(Debug, Default)]
struct Meeting {
    arrived: usize,
    broken: bool,
}

/// Why a [`Rendezvous::meet`] gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stranded {
    /// How many parties had arrived when the wait ended.
    pub arrived: usize,
    /// How many parties were expected.
    pub parties: usize,
}

impl std::fmt::Display for Stranded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "only {} of {} tasks were running at the same time",
            self.arrived, self.parties
        )
    }
}

impl Rendezvous {
    /// A rendezvous that completes once `parties` threads have called [`Rendezvous::meet`].
    pub fn new(parties: usize) -> Self {
        Rendezvous {
            parties,
            state: Mutex::new(Meeting::default()),
            all_here: Condvar::new(),
        }
    }

    /// Arrives and waits until every party has arrived, or until `limit` has passed.
    pub fn meet(&self, limit: Duration) -> Result<(), Stranded> {
        let deadline = Instant::now() + limit;
        let mut meeting = self.state.lock().unwrap_or_else(|e| e.into_inner());
        meeting.arrived += 1;
        let stranded = |meeting: &Meeting| Stranded {
            arrived: meeting.arrived,
            parties: self.parties,
        };
        if meeting.broken {
            return Err(stranded(&meeting));
        }
        if meeting.arrived >= self.parties {
            self.all_here.notify_all();
            return Ok(());
        }
        loop {
            let now = Instant::now();
            if meeting.broken || now >= deadline {
                meeting.broken = true;
                self.all_here.notify_all();
                return Err(stranded(&meeting));
            }
            meeting = self
                .all_here
                .wait_timeout(meeting, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
            if meeting.arrived >= self.parties {
                return Ok(());
            }
        }
    }
}

/// A one-shot flag one thread raises and another waits for, with a time limit.
///
/// Used to force an order of events between tasks, for example "item 0 finishes only after
/// item 1 has finished", which proves that results are put back in input order.
#[derive(Debug, Default)]
pub struct Signal {
    raised: Mutex<bool>,
    changed: Condvar,
}

impl Signal {
    /// A signal that has not been raised.
    pub fn new() -> Self {
        Self::default()
    }

    /// Raises the signal and wakes every waiter.
    pub fn raise(&self) {
        *self.raised.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.changed.notify_all();
    }

    /// Waits until the signal is raised; `false` if `limit` passed first.
    pub fn wait(&self, limit: Duration) -> bool {
        let raised = self.raised.lock().unwrap_or_else(|e| e.into_inner());
        let (raised, _) = self
            .changed
            .wait_timeout_while(raised, limit, |raised| !*raised)
            .unwrap_or_else(|e| e.into_inner());
        *raised
    }
}
