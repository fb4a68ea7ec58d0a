//! Exercise 2: your own bounded blocking queue on a `Mutex` and `Condvar`s.

use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use proptest::prelude::*;
use subject::{BoundedQueue, Closed, PopError, PushError, ZeroCapacity};
use testkit::{PATIENCE, within};

const ANCHOR: &str = "bounded-queue";

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
const WOKEN_BY_PUSH: &str = "a push should wake a pop asleep on the empty queue";
const WOKEN_BY_POP: &str = "a pop that makes room should wake a push asleep on the full queue";
const WOKEN_BY_CLOSE: &str = "close() should wake every sleeping pop and push (notify_all on \
                              both condition variables), and each should then see the queue is \
                              closed";

/// Waits, bounded, for a thread started by [`on_another_thread`] to return; `hint` says what
/// should have made it return.
fn finish<T: Send + 'static>(handle: JoinHandle<T>, call: &str, hint: &str) -> T {
    let hint = format!("{hint}; {}", super::see(ANCHOR));
    within(PATIENCE, call, &hint, move || {
        handle
            .join()
            .expect("the thread calling the queue panicked")
    })
}

/// Waits, bounded, until `count` threads are asleep in pop (or push, per `waiting`).
fn until_asleep(
    queue: &BoundedQueue<u32>,
    count: usize,
    call: &str,
    waiting: fn(&BoundedQueue<u32>) -> usize,
) {
    super::eventually(
        || waiting(queue) == count,
        || {
            format!(
                "{count} thread(s) called {call}, which should go to sleep on a condition \
                 variable and be counted while asleep, but the count reads {}: a call that \
                 loops and checks again and again instead of waiting burns a core; {}",
                waiting(queue),
                super::see(ANCHOR)
            )
        },
    );
}

fn drain(queue: &BoundedQueue<u32>) -> Vec<u32> {
    std::iter::from_fn(|| queue.try_pop().ok()).collect()
}

#[test]
fn zero_capacity_is_refused() {
    let refused = BoundedQueue::<u8>::new(0);
    assert!(
        matches!(refused, Err(ZeroCapacity)),
        "BoundedQueue::new(0) should be Err(ZeroCapacity): every push would wait forever; {}",
        super::see(ANCHOR)
    );
    let fresh = BoundedQueue::<u8>::new(3).expect("BoundedQueue::new(3) failed");
    assert_eq!(
        fresh.capacity(),
        3,
        "capacity() of BoundedQueue::new(3); {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        (fresh.len(), fresh.is_empty(), fresh.is_closed()),
        (0, true, false),
        "a new queue is empty and open: (len(), is_empty(), is_closed()); {}",
        super::see(ANCHOR)
    );
}

#[test]
fn items_come_out_first_in_first_out() {
    let queue = queue(4);
    for item in [10, 20, 30] {
        queue.push(item).expect("push on an open queue with room");
    }
    assert_eq!(
        queue.len(),
        3,
        "len() after three pushes; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        drain(&queue),
        [10, 20, 30],
        "items should come out in the order they went in; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        queue.try_pop(),
        Err(PopError::Empty),
        "try_pop on an empty, open queue should be Err(PopError::Empty); {}",
        super::see(ANCHOR)
    );
}

#[test]
fn try_push_on_a_full_queue_hands_the_item_back() {
    let queue = queue(2);
    queue.try_push(1).expect("try_push with room");
    queue.try_push(2).expect("try_push with room");
    assert_eq!(
        queue.try_push(3),
        Err(PushError::Full(3)),
        "a queue of capacity 2 holding 2 items is full: try_push must refuse and hand the item \
         back; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        queue.len(),
        2,
        "the refused item must not be queued; {}",
        super::see(ANCHOR)
    );
}

#[test]
fn high_water_is_the_most_items_ever_held() {
    let queue = queue(5);
    for item in 0..3 {
        queue.push(item).expect("push with room");
    }
    queue.try_pop().expect("an item is there");
    queue.try_pop().expect("an item is there");
    queue.push(3).expect("push with room");
    assert_eq!(
        queue.high_water(),
        3,
        "the queue held 3 items, then 1, then 2: its high-water mark is 3; {}",
        super::see(ANCHOR)
    );
}

// ANCHOR: blocked_push_test
#[test]
fn a_push_on_a_full_queue_waits_for_a_pop() {
    let queue = queue(2);
    queue.push(1).expect("push with room");
    queue.push(2).expect("push with room");
    let pusher = on_another_thread(&queue, |queue| queue.push(3));
    until_asleep(
        &queue,
        1,
        "push on a full queue",
        BoundedQueue::waiting_pushes,
    );
    assert_eq!(
        (queue.len(), queue.try_push(99)),
        (2, Err(PushError::Full(99))),
        "while a push waits, the queue must stay full at its capacity of 2; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        queue.try_pop(),
        Ok(1),
        "the oldest item comes out first; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        finish(pusher, "a push on a full queue after a pop", WOKEN_BY_POP),
        Ok(()),
        "the waiting push should complete once a pop makes room; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        drain(&queue),
        [2, 3],
        "the waiting push's item goes in last; {}",
        super::see(ANCHOR)
    );
}
// ANCHOR_END: blocked_push_test

#[test]
fn a_pop_on_an_empty_queue_waits_for_a_push() {
    let queue = queue(2);
    let popper = on_another_thread(&queue, BoundedQueue::pop);
    until_asleep(
        &queue,
        1,
        "pop on an empty queue",
        BoundedQueue::waiting_pops,
    );
    queue.push(7).expect("push on an open queue");
    assert_eq!(
        finish(
            popper,
            "a pop on an empty queue after a push",
            WOKEN_BY_PUSH
        ),
        Some(7),
        "the waiting pop should wake up and take the pushed item; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        queue.waiting_pops(),
        0,
        "the pop has returned, so waiting_pops() should be back to 0; {}",
        super::see(ANCHOR)
    );
}

// ANCHOR: close_wakes_test
#[test]
fn close_wakes_every_sleeping_pop() {
    let queue = queue(2);
    let poppers: Vec<_> = (0..3)
        .map(|_| on_another_thread(&queue, BoundedQueue::pop))
        .collect();
    until_asleep(
        &queue,
        3,
        "pop on an empty queue",
        BoundedQueue::waiting_pops,
    );
    queue.close();
    for popper in poppers {
        assert_eq!(
            finish(popper, "a pop asleep when the queue closed", WOKEN_BY_CLOSE),
            None,
            "a pop waiting on an empty queue should return None once the queue is closed; {}",
            super::see(ANCHOR)
        );
    }
}
// ANCHOR_END: close_wakes_test

#[test]
fn close_wakes_every_sleeping_push_and_hands_the_items_back() {
    let queue = queue(1);
    queue.push(0).expect("push with room");
    let pushers: Vec<_> = [1, 2]
        .into_iter()
        .map(|item| on_another_thread(&queue, move |queue| queue.push(item)))
        .collect();
    until_asleep(
        &queue,
        2,
        "push on a full queue",
        BoundedQueue::waiting_pushes,
    );
    queue.close();
    for (item, pusher) in [1, 2].into_iter().zip(pushers) {
        assert_eq!(
            finish(
                pusher,
                "a push asleep when the queue closed",
                WOKEN_BY_CLOSE
            ),
            Err(Closed(item)),
            "a push waiting on a full queue should give up with Err(Closed(item)) once the queue \
             is closed; {}",
            super::see(ANCHOR)
        );
    }
    assert_eq!(
        drain(&queue),
        [0],
        "the item queued before close is still there; {}",
        super::see(ANCHOR)
    );
}

#[test]
fn pop_after_close_drains_what_is_left_then_ends() {
    let queue = queue(4);
    for item in [1, 2, 3] {
        queue.push(item).expect("push with room");
    }
    queue.close();
    let popped: Vec<Option<u32>> = (0..4).map(|_| queue.pop()).collect();
    assert_eq!(
        popped,
        [Some(1), Some(2), Some(3), None],
        "closing stops pushes, not pops: the 3 items queued before close must still come out, \
         and only then does pop return None; {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        (queue.try_pop(), queue.pop_timeout(SHORT)),
        (Err(PopError::Closed), Err(PopError::Closed)),
        "on a closed, empty queue try_pop and pop_timeout say Closed, not Empty; {}",
        super::see(ANCHOR)
    );
}

#[test]
fn push_after_close_hands_the_item_back() {
    let queue = queue(1);
    queue.push(4).expect("push with room");
    queue.close();
    assert!(
        queue.is_closed(),
        "is_closed() after close(); {}",
        super::see(ANCHOR)
    );
    assert_eq!(
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
         when the queue is also full; {}",
        super::see(ANCHOR)
    );
}

#[test]
fn timeouts_give_up_but_take_what_arrives_in_time() {
    let queue = queue(1);
    assert_eq!(
        queue.pop_timeout(SHORT),
        Err(PopError::Empty),
        "pop_timeout on an empty, open queue gives up with Err(PopError::Empty); {}",
        super::see(ANCHOR)
    );
    queue.push(1).expect("push with room");
    assert_eq!(
        queue.push_timeout(2, SHORT),
        Err(PushError::Full(2)),
        "push_timeout on a full queue gives up with Err(PushError::Full(item)); {}",
        super::see(ANCHOR)
    );
    assert_eq!(
        queue.try_pop(),
        Ok(1),
        "try_pop on a queue holding 1; {}",
        super::see(ANCHOR)
    );
    let popper = on_another_thread(&queue, |queue| queue.pop_timeout(PATIENCE));
    until_asleep(
        &queue,
        1,
        "pop_timeout on an empty queue",
        BoundedQueue::waiting_pops,
    );
    queue.push(3).expect("push with room");
    assert_eq!(
        finish(popper, "pop_timeout after a push", WOKEN_BY_PUSH),
        Ok(3),
        "pop_timeout should take an item that arrives while it waits; {}",
        super::see(ANCHOR)
    );
}

#[test]
fn many_producers_and_consumers_deliver_everything_once_within_capacity() {
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
        let (taken, longest) = finish(consumer, "a consumer popping until close", WOKEN_BY_CLOSE);
        assert!(
            longest <= CAPACITY,
            "a consumer saw len() = {longest} on a queue of capacity {CAPACITY}; {}",
            super::see(ANCHOR)
        );
        delivered.extend(taken);
    }
    delivered.sort_unstable();
    assert!(
        delivered == (0..PRODUCERS * PER_PRODUCER).collect::<Vec<_>>(),
        "4 producers pushed 1000 distinct items and 3 consumers popped {} items: every item must \
         come out exactly once; {}",
        delivered.len(),
        super::see(ANCHOR)
    );
    assert!(
        (1..=CAPACITY).contains(&queue.high_water()),
        "the queue's high-water mark is {}, but its capacity is {CAPACITY}: it must never hold \
         more; {}",
        queue.high_water(),
        super::see(ANCHOR)
    );
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
                        super::see(ANCHOR)
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
                        super::see(ANCHOR)
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
                super::see(ANCHOR)
            );
        }
    }
}
