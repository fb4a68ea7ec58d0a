//! Exercise 2: your own bounded blocking queue on a `Mutex` and `Condvar`s.

use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use proptest::prelude::*;
use subject::{BoundedQueue, Closed, PopError, PushError, ZeroCapacity};
use testkit::{PATIENCE, check, check_eq, wait_until};

use super::MEETING;

const BOOK: testkit::Book = super::book("bounded-queue");

/// Long enough for a timeout test to mean something, short enough not to slow the suite.
const SHORT: Duration = Duration::from_millis(20);

fn queue<T>(capacity: usize) -> Arc<BoundedQueue<T>> {
    Arc::new(BoundedQueue::new(capacity).expect("BoundedQueue::new failed for a capacity above 0"))
}

/// Runs `call` on a thread of its own, as another producer or consumer would.
fn on_another_thread<T: Send + 'static>(
    queue: &Arc<BoundedQueue<u32>>,
    call: impl FnOnce(&BoundedQueue<u32>) -> T + Send + 'static,
) -> JoinHandle<T> {
    let queue = Arc::clone(queue);
    thread::spawn(move || call(&queue))
}

/// What a sleeping thread needed and never got, for [`finish`].
const WOKEN_BY_PUSH: &str = "a push should wake a pop asleep on the empty queue (notify_one on \
                             every push: the queue need not have been empty for a pop to sleep)";
const WOKEN_BY_POP: &str = "a pop that makes room should wake a push asleep on the full queue \
                            (notify_one on every pop)";
const WOKEN_BY_CLOSE: &str = "close() should wake every sleeping pop and push (notify_all on \
                              both condition variables), and each should then see the queue is \
                              closed";

/// The value a thread started by [`on_another_thread`] returns, waited for within [`MEETING`];
/// `woken_by` says what should have made it return.
fn finish<T: Send + 'static>(handle: JoinHandle<T>, what: &str, woken_by: &str) -> T {
    testkit::within(MEETING, what, &format!("{woken_by}; {BOOK}"), move || {
        handle
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    })
}

/// Runs a test's calls on the queue bounded: a call that should return at once (`try_pop`,
/// `len`, a push with room) and never does fails the test instead of hanging it.
fn bounded_test(body: impl FnOnce() + Send + 'static) {
    testkit::within(
        PATIENCE,
        "the test's calls on the queue",
        &format!(
            "a call that should return at once (try_push, try_pop, len, a push with room, a \
             timeout that ran out) never returned: does it wait on a condition variable, or for \
             the lock, when it should not? {BOOK}"
        ),
        body,
    );
}

/// Waits until `count` threads are asleep in a pop.
fn asleep_in_pop(queue: &BoundedQueue<u32>, count: usize) {
    asleep(count, "pop on an empty queue", || queue.waiting_pops());
}

/// Waits until `count` threads are asleep in a push.
fn asleep_in_push(queue: &BoundedQueue<u32>, count: usize) {
    asleep(count, "push on a full queue", || queue.waiting_pushes());
}

fn asleep(count: usize, call: &str, mut waiting: impl FnMut() -> usize) {
    let mut seen = 0;
    check!(
        wait_until(MEETING, || {
            seen = waiting();
            seen == count
        }),
        "{count} thread(s) called {call}, which should go to sleep on a condition variable and \
         be counted while asleep, but after {MEETING:?} the count reads {seen}: a call that \
         loops and checks again and again instead of waiting burns a core"
    );
}

/// Starts `pop` on another thread, waits until it sleeps on the empty `queue`, pushes `item`
/// and returns what the pop returned; `what` names the pop in a failure.
fn pop_woken_by_a_push<T: Send + 'static>(
    queue: &Arc<BoundedQueue<u32>>,
    pop: impl FnOnce(&BoundedQueue<u32>) -> T + Send + 'static,
    item: u32,
    what: &str,
) -> T {
    let popper = on_another_thread(queue, pop);
    asleep_in_pop(queue, 1);
    queue.push(item).expect("push on an open queue with room");
    finish(popper, what, WOKEN_BY_PUSH)
}

fn drain(queue: &BoundedQueue<u32>) -> Vec<u32> {
    std::iter::from_fn(|| queue.try_pop().ok()).collect()
}

#[test]
fn zero_capacity_is_refused() {
    bounded_test(|| {
        let refused = BoundedQueue::<u8>::new(0);
        check!(
            matches!(refused, Err(ZeroCapacity)),
            "BoundedQueue::new(0) should be Err(ZeroCapacity): every push would wait forever"
        );
        let fresh = BoundedQueue::<u8>::new(3).expect("BoundedQueue::new(3) failed");
        check_eq!(fresh.capacity(), 3, "capacity() of BoundedQueue::new(3)");
        check_eq!(
            (fresh.len(), fresh.is_empty(), fresh.is_closed()),
            (0, true, false),
            "a new queue is empty and open: (len(), is_empty(), is_closed())"
        );
    });
}

#[test]
fn items_come_out_first_in_first_out() {
    bounded_test(|| {
        let queue = queue(4);
        for item in [10, 20, 30] {
            queue.push(item).expect("push on an open queue with room");
        }
        check_eq!(
            (queue.len(), queue.is_empty()),
            (3, false),
            "(len(), is_empty()) after three pushes"
        );
        check_eq!(
            drain(&queue),
            [10, 20, 30],
            "items should come out in the order they went in"
        );
        check_eq!(
            queue.try_pop(),
            Err(PopError::Empty),
            "try_pop on an empty, open queue should be Err(PopError::Empty)"
        );
    });
}

#[test]
fn try_push_on_a_full_queue_hands_the_item_back() {
    bounded_test(|| {
        let queue = queue(2);
        queue.try_push(1).expect("try_push with room");
        queue.try_push(2).expect("try_push with room");
        check_eq!(
            queue.try_push(3),
            Err(PushError::Full(3)),
            "a queue of capacity 2 holding 2 items is full: try_push must refuse and hand the item \
         back"
        );
        check_eq!(queue.len(), 2, "the refused item must not be queued");
    });
}

#[test]
fn high_water_is_the_most_items_ever_held() {
    bounded_test(|| {
        let queue = queue(5);
        for item in 0..3 {
            queue.push(item).expect("push with room");
        }
        queue.try_pop().expect("an item is there");
        queue.try_pop().expect("an item is there");
        queue.push(3).expect("push with room");
        check_eq!(
            queue.high_water(),
            3,
            "the queue held 3 items, then 1, then 2: its high-water mark is 3"
        );
    });
}

// ANCHOR: blocked_push_test
#[test]
fn a_push_on_a_full_queue_waits_for_a_pop() {
    bounded_test(|| {
        let queue = queue(2);
        queue.push(1).expect("push with room");
        queue.push(2).expect("push with room");
        let pusher = on_another_thread(&queue, |queue| queue.push(3));
        asleep_in_push(&queue, 1);
        check_eq!(
            (queue.len(), queue.try_push(99)),
            (2, Err(PushError::Full(99))),
            "while a push waits, the queue must stay full at its capacity of 2"
        );
        check_eq!(queue.try_pop(), Ok(1), "the oldest item comes out first");
        check_eq!(
            finish(pusher, "a push on a full queue after a pop", WOKEN_BY_POP),
            Ok(()),
            "the waiting push should complete once a pop makes room"
        );
        check_eq!(
            queue.waiting_pushes(),
            0,
            "the push has returned, so waiting_pushes() should be back to 0"
        );
        check_eq!(
            drain(&queue),
            [2, 3],
            "the waiting push's item goes in last"
        );
    });
}
// ANCHOR_END: blocked_push_test

#[test]
fn a_pop_on_an_empty_queue_waits_for_a_push() {
    bounded_test(|| {
        let queue = queue(2);
        check_eq!(
            pop_woken_by_a_push(&queue, BoundedQueue::pop, 7, "a pop on an empty queue"),
            Some(7),
            "the waiting pop should wake up and take the pushed item"
        );
        check_eq!(
            queue.waiting_pops(),
            0,
            "the pop has returned, so waiting_pops() should be back to 0"
        );
    });
}

// ANCHOR: close_wakes_test
#[test]
fn close_wakes_every_sleeping_pop() {
    bounded_test(|| {
        let queue = queue(2);
        let poppers: Vec<_> = (0..3)
            .map(|_| on_another_thread(&queue, BoundedQueue::pop))
            .collect();
        asleep_in_pop(&queue, 3);
        queue.close();
        for popper in poppers {
            check_eq!(
                finish(popper, "a pop asleep when the queue closed", WOKEN_BY_CLOSE),
                None,
                "a pop waiting on an empty queue should return None once the queue is closed"
            );
        }
    });
}
// ANCHOR_END: close_wakes_test

#[test]
fn close_wakes_every_sleeping_push_and_hands_the_items_back() {
    bounded_test(|| {
        let queue = queue(1);
        queue.push(0).expect("push with room");
        let pushers: Vec<_> = [1, 2]
            .into_iter()
            .map(|item| on_another_thread(&queue, move |queue| queue.push(item)))
            .collect();
        asleep_in_push(&queue, 2);
        queue.close();
        for (item, pusher) in [1, 2].into_iter().zip(pushers) {
            check_eq!(
                finish(
                    pusher,
                    "a push asleep when the queue closed",
                    WOKEN_BY_CLOSE
                ),
                Err(Closed(item)),
                "a push waiting on a full queue should give up with Err(Closed(item)) once the queue \
             is closed"
            );
        }
        check_eq!(
            drain(&queue),
            [0],
            "the item queued before close is still there"
        );
    });
}

#[test]
fn pop_after_close_drains_what_is_left_then_ends() {
    bounded_test(|| {
        let queue = queue(4);
        for item in [1, 2, 3] {
            queue.push(item).expect("push with room");
        }
        queue.close();
        let popped: Vec<Option<u32>> = (0..4).map(|_| queue.pop()).collect();
        check_eq!(
            popped,
            [Some(1), Some(2), Some(3), None],
            "closing stops pushes, not pops: the 3 items queued before close must still come out, \
         and only then does pop return None"
        );
        check_eq!(
            (queue.try_pop(), queue.pop_timeout(SHORT)),
            (Err(PopError::Closed), Err(PopError::Closed)),
            "on a closed, empty queue try_pop and pop_timeout say Closed, not Empty"
        );
    });
}

#[test]
fn push_after_close_hands_the_item_back() {
    bounded_test(|| {
        let queue = queue(1);
        queue.push(4).expect("push with room");
        queue.close();
        check!(queue.is_closed(), "is_closed() after close()");
        check_eq!(
            (
                queue.push(5),
                queue.try_push(6),
                queue.push_timeout(7, SHORT)
            ),
            (
                Err(Closed(5)),
                Err(PushError::Closed(6)),
                Err(PushError::Closed(7))
            ),
            "every kind of push on a closed queue refuses with Closed and hands the item back, even \
         when the queue is also full"
        );
    });
}

#[test]
fn timeouts_give_up_but_take_what_arrives_in_time() {
    bounded_test(|| {
        let queue = queue(1);
        check_eq!(
            queue.pop_timeout(SHORT),
            Err(PopError::Empty),
            "pop_timeout on an empty, open queue gives up with Err(PopError::Empty)"
        );
        queue.push(1).expect("push with room");
        check_eq!(
            queue.push_timeout(2, SHORT),
            Err(PushError::Full(2)),
            "push_timeout on a full queue gives up with Err(PushError::Full(item))"
        );
        check_eq!(queue.try_pop(), Ok(1), "try_pop on a queue holding 1");
        check_eq!(
            pop_woken_by_a_push(
                &queue,
                |queue| queue.pop_timeout(PATIENCE),
                3,
                "pop_timeout"
            ),
            Ok(3),
            "pop_timeout should take an item that arrives while it waits"
        );
    });
}

#[test]
fn many_producers_and_consumers_deliver_everything_once_within_capacity() {
    bounded_test(|| {
        const PRODUCERS: u32 = 4;
        const PER_PRODUCER: u32 = 250;
        const CAPACITY: usize = 3;
        let queue = queue(CAPACITY);
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                on_another_thread(&queue, move |queue| {
                    for i in 0..PER_PRODUCER {
                        queue
                            .push(p * PER_PRODUCER + i)
                            .expect("nobody closes it early");
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..3)
            .map(|_| {
                on_another_thread(&queue, |queue| {
                    let mut taken = Vec::new();
                    let mut longest = 0;
                    while let Some(item) = queue.pop() {
                        taken.push(item);
                        longest = longest.max(queue.len());
                    }
                    (taken, longest)
                })
            })
            .collect();
        for producer in producers {
            finish(producer, "a producer", WOKEN_BY_POP);
        }
        queue.close();
        let mut delivered = Vec::new();
        for consumer in consumers {
            let (taken, longest) =
                finish(consumer, "a consumer popping until close", WOKEN_BY_CLOSE);
            check!(
                longest <= CAPACITY,
                "a consumer saw len() = {longest} on a queue of capacity {CAPACITY}"
            );
            delivered.extend(taken);
        }
        delivered.sort_unstable();
        check!(
            delivered == (0..PRODUCERS * PER_PRODUCER).collect::<Vec<_>>(),
            "4 producers pushed 1000 distinct items and 3 consumers popped {} items: every item \
             must come out exactly once",
            delivered.len()
        );
        check!(
            (1..=CAPACITY).contains(&queue.high_water()),
            "the queue's high-water mark is {}, but its capacity is {CAPACITY}: it must never \
             hold more",
            queue.high_water()
        );
    });
}

/// One step of the single-threaded model test.
#[derive(Debug, Clone)]
enum Step {
    Push(u8),
    Pop,
    Close,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => any::<u8>().prop_map(Step::Push),
        5 => Just(Step::Pop),
        1 => Just(Step::Close),
    ]
}

proptest! {
    #![proptest_config(testkit::proptest_config(256))]

    #[test]
    fn behaves_like_a_fifo_with_a_limit(
        capacity in 1usize..=5,
        steps in proptest::collection::vec(step(), 0..60),
    ) {
        // try_push and try_pop never wait: bounded, one that does fails instead of hanging.
        testkit::within(
            PATIENCE,
            "a run of try_push, try_pop and close on one thread",
            &format!("try_push or try_pop waited, when neither should ever wait; {BOOK}"),
            move || -> Result<(), TestCaseError> {
                let queue = BoundedQueue::new(capacity).expect("BoundedQueue::new failed");
                let mut model = std::collections::VecDeque::new();
                let (mut closed, mut most) = (false, 0);
                for step in steps {
                    match step {
                        Step::Push(item) => {
                            let expected = if closed {
                                Err(PushError::Closed(item))
                            } else if model.len() == capacity {
                                Err(PushError::Full(item))
                            } else {
                                model.push_back(item);
                                most = most.max(model.len());
                                Ok(())
                            };
                            prop_assert_eq!(
                                queue.try_push(item),
                                expected,
                                "try_push({}) on a queue of capacity {} (closed: {}); {}",
                                item,
                                capacity,
                                closed,
                                BOOK
                            );
                        }
                        Step::Pop => {
                            let expected = match model.pop_front() {
                                Some(item) => Ok(item),
                                None if closed => Err(PopError::Closed),
                                None => Err(PopError::Empty),
                            };
                            prop_assert_eq!(
                                queue.try_pop(),
                                expected,
                                "try_pop() (closed: {}); {}",
                                closed,
                                BOOK
                            );
                        }
                        Step::Close => {
                            queue.close();
                            closed = true;
                        }
                    }
                    prop_assert_eq!(
                        (queue.len(), queue.high_water()),
                        (model.len(), most),
                        "(len(), high_water()) should be the items held now and the most ever held; {}",
                        BOOK
                    );
                }
                Ok(())
            },
        )?;
    }
}

/// How many times the burst tests repeat their scenario: a wakeup is lost only when the burst
/// beats the first woken thread to the lock, as it does nearly every time, so some round of
/// these always shows it.
const ROUNDS: u32 = 20;
const SLEEPERS: usize = 4;

/// `SLEEPERS` threads each make one `call` and go to sleep (`asleep` waits for them); then the
/// test thread makes a burst of `SLEEPERS` calls of `burst`, back to back, which should wake
/// every one of them. Returns what the sleepers' calls returned.
fn burst_after_sleepers<T: Send + 'static>(
    queue: &Arc<BoundedQueue<u32>>,
    call: fn(&BoundedQueue<u32>, u32) -> T,
    asleep: fn(&BoundedQueue<u32>, usize),
    burst: fn(&BoundedQueue<u32>, u32),
    woken_by: &str,
) -> Vec<T> {
    let sleepers: Vec<_> = (0..SLEEPERS as u32)
        .map(|n| on_another_thread(queue, move |queue| call(queue, n)))
        .collect();
    asleep(queue, SLEEPERS);
    for n in 0..SLEEPERS as u32 {
        burst(queue, n);
    }
    sleepers
        .into_iter()
        .map(|sleeper| finish(sleeper, "a thread asleep when the burst came", woken_by))
        .collect()
}

// ANCHOR: lost_wakeup_test
#[test]
fn a_burst_of_pushes_wakes_every_sleeping_pop() {
    bounded_test(|| {
        for _ in 0..ROUNDS {
            let queue = queue(SLEEPERS);
            let mut popped = burst_after_sleepers(
                &queue,
                |queue, _| queue.pop(),
                asleep_in_pop,
                |queue, item| queue.try_push(item).expect("the burst fits the queue"),
                WOKEN_BY_PUSH,
            );
            popped.sort_unstable();
            check_eq!(
                popped,
                [Some(0), Some(1), Some(2), Some(3)],
                "4 pops slept on an empty queue and 4 items were pushed at once: each pop should \
                 take one"
            );
        }
    });
}
// ANCHOR_END: lost_wakeup_test

#[test]
fn a_burst_of_pops_wakes_every_sleeping_push() {
    bounded_test(|| {
        for _ in 0..ROUNDS {
            let queue = queue(SLEEPERS);
            for item in 0..SLEEPERS as u32 {
                queue.push(item).expect("push with room");
            }
            let pushed = burst_after_sleepers(
                &queue,
                |queue, n| queue.push(10 + n),
                asleep_in_push,
                |queue, _| {
                    queue.try_pop().expect("the queue is full");
                },
                WOKEN_BY_POP,
            );
            check!(
                pushed.iter().all(Result::is_ok),
                "4 pushes slept on a full queue and 4 items were popped at once: each push should \
                 then find room, got {pushed:?}"
            );
            let mut items = drain(&queue);
            items.sort_unstable();
            check_eq!(items, [10, 11, 12, 13], "the 4 woken pushes' items");
        }
    });
}

#[test]
fn a_timeout_too_long_to_represent_waits_as_long_as_it_takes() {
    bounded_test(|| {
        let queue = queue(1);
        check_eq!(
            (
                queue.push_timeout(1, Duration::MAX),
                queue.pop_timeout(Duration::MAX)
            ),
            (Ok(()), Ok(1)),
            "push_timeout and pop_timeout with Duration::MAX, on a queue with room and then \
             with an item: no instant lies that far ahead (Instant + Duration::MAX panics), so \
             such a timeout is as good as none (Instant::checked_add)"
        );
        check_eq!(
            pop_woken_by_a_push(
                &queue,
                |queue| queue.pop_timeout(Duration::MAX),
                2,
                "pop_timeout(Duration::MAX)"
            ),
            Ok(2),
            "pop_timeout(Duration::MAX) should sleep until an item comes"
        );
    });
}

#[test]
fn queue_errors_say_what_went_wrong() {
    bounded_test(|| {
        let zero = BoundedQueue::<u32>::new(0)
            .map(|_| ())
            .map_err(|e| e.to_string());
        let queue = queue(1);
        let empty = queue.try_pop().map(|_| ()).map_err(|e| e.to_string());
        let full = queue
            .try_push(1)
            .and(queue.try_push(2))
            .map_err(|e| e.to_string());
        queue.close();
        let closed = queue.try_push(3).map_err(|e| e.to_string());
        let refused = queue.push(4).map_err(|e| e.to_string());
        check_eq!(queue.try_pop(), Ok(1), "the item left in the closed queue");
        let gone = queue.try_pop().map(|_| ()).map_err(|e| e.to_string());
        let outcomes = [
            ("BoundedQueue::new(0)", zero, "capacity"),
            ("try_pop on an empty queue", empty, "empty"),
            ("try_push on a full queue", full, "full"),
            ("try_push on a closed queue", closed, "closed"),
            ("push on a closed queue", refused, "closed"),
            ("try_pop on a closed, empty queue", gone, "closed"),
        ];
        for (call, outcome, word) in outcomes {
            check!(
                outcome
                    .as_ref()
                    .is_err_and(|message| message.contains(word)),
                "{call} should be an error whose message says {word:?}, got {outcome:?}"
            );
        }
        check_eq!(
            (
                PushError::Full(3).into_inner(),
                PushError::Closed(4).into_inner()
            ),
            (3, 4),
            "PushError::into_inner hands back the item"
        );
    });
}
