//! Exercise 6: work that waits against work that computes, and what extra threads do for each.

use std::thread;
use std::time::Duration;

use crate::work::ZeroWorkers;

/// Seed 001's slow addition of the waiting kind: sleeps `delay` (`std::thread::sleep`), as a
/// program waiting for a disk or a network would, then returns `x + y`.
pub fn sleep_add(x: u32, y: u32, delay: Duration) -> u64 {
    thread::sleep(delay);
    u64::from(x) + u64::from(y)
}

/// The time `tasks` tasks that each wait `delay` take on `threads` threads, as the seeds' pools
/// share them out: every thread runs `tasks.div_ceil(threads)` tasks one after another, and a
/// waiting thread needs no core, so the number of cores does not matter.
///
/// 0 threads: `Err(ZeroWorkers { what: "threads" })`.
// ANCHOR: io_bound_time
pub fn io_bound_time(
    tasks: usize,
    threads: usize,
    delay: Duration,
) -> Result<Duration, ZeroWorkers> {
    if threads == 0 {
        return Err(ZeroWorkers { what: "threads" });
    }
    Ok(scaled(delay, tasks.div_ceil(threads), 1))
}
// ANCHOR_END: io_bound_time

/// The shortest time `tasks` tasks that each compute for `per_task` can take on `threads`
/// threads and `cores` cores. It is the larger of two limits:
///
/// - the busiest thread runs `tasks.div_ceil(threads)` tasks one after another;
/// - all the work, `per_task × tasks`, shared evenly over the cores that have a thread to run,
///   `threads.min(cores)` of them.
///
/// Round down to the nanosecond. 0 threads: `Err(ZeroWorkers { what: "threads" })`; 0 cores:
/// `Err(ZeroWorkers { what: "cores" })`.
// ANCHOR: cpu_bound_time
pub fn cpu_bound_time(
    tasks: usize,
    threads: usize,
    cores: usize,
    per_task: Duration,
) -> Result<Duration, ZeroWorkers> {
    if threads == 0 {
        return Err(ZeroWorkers { what: "threads" });
    }
    if cores == 0 {
        return Err(ZeroWorkers { what: "cores" });
    }
    let busiest_thread = scaled(per_task, tasks.div_ceil(threads), 1);
    let shared_out = scaled(per_task, tasks, threads.min(cores));
    Ok(busiest_thread.max(shared_out))
}
// ANCHOR_END: cpu_bound_time

/// `unit * times / divisor`, to the nanosecond (rounded down).
fn scaled(unit: Duration, times: usize, divisor: usize) -> Duration {
    let nanos = unit.as_nanos() * times as u128 / divisor as u128;
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}
