//! Lesson 4's benchmarks, written once and run against both crates:
//! `cargo bench -p lesson4` times your code, `cargo bench -p lesson4-solution` the reference.
//!
//! - `queue_100k`: 100 000 numbers through a bounded queue of 64 slots, with 1 producer and 1
//!   consumer, then 2 and 2: your `BoundedQueue`, crossbeam's bounded channel, and std's
//!   `sync_channel` (whose receiver cannot be cloned, so 2 consumers share it behind a mutex).
//! - `pipeline_10k_*`: 10 000 items through parse → compute → aggregate, serially and on your
//!   pipeline with channels of 1 and of 64 slots; once with stages that each compute for a few
//!   microseconds, once with stages that do almost nothing.
//! - `word_count`: word frequencies of 200 texts, serially and with your map-reduce.

use std::sync::Mutex;
use std::sync::mpsc;
use std::thread;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group};
use subject::{
    BoundedQueue, WordCounts, count_words, merge_counts, run_pipeline, run_serial, word_frequencies,
};

const MESSAGES: u64 = 100_000;
const QUEUE_SLOTS: usize = 64;
const PIPELINE_ITEMS: u64 = 10_000;
/// Work per stage and item in the balanced pipeline: a few microseconds.
const STAGE_SPIN: u64 = 10_000;

/// The numbers producer `p` of `producers` sends: its share of `0..MESSAGES`.
fn share(p: usize, producers: usize) -> impl Iterator<Item = u64> {
    (0..MESSAGES).skip(p).step_by(producers)
}

fn own_queue(pairs: usize) -> u64 {
    let queue = BoundedQueue::new(QUEUE_SLOTS).expect("a capacity above 0");
    let queue = &queue;
    thread::scope(|scope| {
        let consumers: Vec<_> = (0..pairs)
            .map(|_| scope.spawn(|| std::iter::from_fn(|| queue.pop()).sum::<u64>()))
            .collect();
        let producers: Vec<_> = (0..pairs)
            .map(|p| {
                scope.spawn(move || {
                    for n in share(p, pairs) {
                        queue
                            .push(n)
                            .expect("the queue closes only after the producers");
                    }
                })
            })
            .collect();
        for producer in producers {
            producer.join().expect("a producer panicked");
        }
        queue.close();
        consumers
            .into_iter()
            .map(|c| c.join().expect("a consumer panicked"))
            .sum()
    })
}

/// Runs `pairs` producers, each sending its share with `send` on a clone of `sender`, and
/// `pairs` consumers, each running `consume` until the channel closes, which it does when the
/// last producer's sender is dropped. Returns the sum of what the consumers received.
fn through_channel<S: Clone + Send>(
    pairs: usize,
    sender: S,
    send: fn(&S, u64),
    consume: impl Fn() -> u64 + Sync,
) -> u64 {
    let consume = &consume;
    thread::scope(|scope| {
        let consumers: Vec<_> = (0..pairs).map(|_| scope.spawn(consume)).collect();
        for p in 0..pairs {
            let sender = sender.clone();
            scope.spawn(move || share(p, pairs).for_each(|n| send(&sender, n)));
        }
        drop(sender);
        consumers
            .into_iter()
            .map(|c| c.join().expect("a consumer panicked"))
            .sum()
    })
}

fn crossbeam_queue(pairs: usize) -> u64 {
    let (sender, receiver) = crossbeam_channel::bounded(QUEUE_SLOTS);
    through_channel(
        pairs,
        sender,
        |sender, n| sender.send(n).expect("the consumers are alive"),
        || receiver.iter().sum(),
    )
}

fn std_queue(pairs: usize) -> u64 {
    let (sender, receiver) = mpsc::sync_channel(QUEUE_SLOTS);
    // std's receiver cannot be cloned: consumers take turns holding it.
    let receiver = Mutex::new(receiver);
    let next = || receiver.lock().expect("no consumer panics").recv().ok();
    through_channel(
        pairs,
        sender,
        |sender, n| sender.send(n).expect("the consumers are alive"),
        || std::iter::from_fn(next).sum(),
    )
}

/// Sends every message through one kind of queue with this many producer-consumer pairs, and
/// returns the sum the consumers received.
type Transfer = fn(usize) -> u64;

fn queues(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue_100k");
    let variants: [(&str, Transfer); 3] = [
        ("own", own_queue),
        ("crossbeam", crossbeam_queue),
        ("std_sync_channel", std_queue),
    ];
    for pairs in testkit::thread_counts() {
        for (name, run) in variants {
            group.bench_with_input(BenchmarkId::new(name, pairs), &pairs, |b, &pairs| {
                b.iter(|| assert_eq!(run(pairs), MESSAGES * (MESSAGES - 1) / 2))
            });
        }
    }
    group.finish();
}

type Step = fn(u64) -> Result<u64, String>;

fn busy_step(x: u64) -> Result<u64, String> {
    Ok(x + testkit::spin(STAGE_SPIN) - STAGE_SPIN)
}

fn cheap_step(x: u64) -> Result<u64, String> {
    Ok(x ^ 1)
}

fn pipelines(c: &mut Criterion) {
    let workloads: [(&str, Step); 2] = [("balanced", busy_step), ("cheap", cheap_step)];
    for (name, step) in workloads {
        let mut group = c.benchmark_group(format!("pipeline_10k_{name}"));
        let fold = move |total: u64, x: u64| step(x).map(|x| total.wrapping_add(x));
        group.bench_function("serial", |b| {
            b.iter(|| run_serial(0..PIPELINE_ITEMS, step, step, 0, fold).expect("no step fails"))
        });
        for capacity in [1, 64] {
            group.bench_with_input(
                BenchmarkId::new("pipeline", capacity),
                &capacity,
                |b, &capacity| {
                    b.iter(|| {
                        run_pipeline(0..PIPELINE_ITEMS, capacity, step, step, 0, fold)
                            .expect("no step fails")
                    })
                },
            );
        }
        group.finish();
    }
}

/// 200 texts of 2 000 words each, drawn from a vocabulary of 500 made-up words.
fn texts() -> Vec<String> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        // xorshift64: enough randomness for a word mix, and the same texts on every run.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..200)
        .map(|_| {
            (0..2_000)
                .map(|_| format!("w{} ", next() % 500))
                .collect::<String>()
        })
        .collect()
}

fn word_counts(c: &mut Criterion) {
    let texts = texts();
    let mut group = c.benchmark_group("word_count");
    group.bench_function("serial", |b| {
        b.iter(|| {
            let mut total = WordCounts::new();
            for text in &texts {
                merge_counts(&mut total, count_words(text));
            }
            total
        })
    });
    for workers in testkit::thread_counts() {
        group.bench_with_input(
            BenchmarkId::new("map_reduce", workers),
            &workers,
            |b, &workers| {
                b.iter_batched(
                    || texts.clone(),
                    |texts| word_frequencies(texts, workers).expect("map_reduce failed"),
                    BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = testkit::quick_criterion();
    targets = queues, pipelines, word_counts
}
