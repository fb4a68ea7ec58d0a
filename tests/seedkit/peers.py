"""The Python peers of the lessons' seed experiments, for `cargo xtask seeds --peers`.

The course's seeds examples (tests/lessonN/seeds.rs) rerun the seed tutorials' Python
experiments in Rust. This script runs the Python side of some of them, the way the seeds do, at
the sizes the Rust rows use, so that a maintainer sees on one machine, in one run, how the
reference kernels compare with what they stand in for. It lives here, beside the Rust timing
kit, because `cargo xtask seeds --peers` runs it right after each lesson's Rust run and reads
its output; it needs only the standard library and numpy.

    python3 tests/seedkit/peers.py --list
        one JSON object: this Python's version, numpy's (null when it is missing) and the
        experiments below
    python3 tests/seedkit/peers.py --threads 2 --stall-limit 120 sort10 factorial_1e6
        runs the named experiments it knows (it skips the others) and prints one JSON line per
        measurement, in the format of the seeds examples' `--json` plus `peer`, which names the
        Python side: {"seed": "000", "experiment": "sort10", "n": 1000000, "threads": 2,
        "serial_s": 0.25, "parallel_s": 0.14, "peer": "numpy"}

`--threads` is the core count the Rust side used, so that the rows pair up; `--small` runs tiny
sizes once, for the xtask's test that the lines parse. A run that has not finished after
`--stall-limit` seconds ends the script with exit status 3 and an `error:` line, as the Rust
examples end on a stall.

The experiments, with times the median of the rounds, the serial and parallel runs taking turns,
every parallel time including the start of its pool where the Rust side's includes it:

- seed 000 `sort10`: ten arrays of n random floats, `np.random.RandomState(42).rand(n)` then
  `.sort()`, in a loop and with `Pool(threads).map` (the pool started in the timed run, as in
  lesson 1). The task returns `a.sort()`, None, as the seed's does: no array travels back,
  where the Rust side returns the sorted arrays.
- seed 003 `factorial_1e6`: the exact factorials of a million random integers in [1, 100) with
  the seed's recursive factorial, in a loop and with `Pool(p).map` for p = 1 to `--threads`
  (each pool started in its timed run). One round: a round takes many seconds.
- seed 002 `int_matmul_1000`: `np.dot` of two 1000×1000 random int64 matrices, and the seed's
  `parallel_dot`: `np.split` of the rows into one block per core, each block's `np.dot` on a
  `Pool(threads)` started beforehand (as lesson 6 starts its rayon pool), stacked with
  `np.vstack`. `np.array_split` stands in for `np.split`, which refuses a core count that does
  not divide 1000.
"""

import argparse
import json
import multiprocessing
import os
import platform
import signal
import sys
import time

try:
    import numpy as np
except ImportError:
    np = None


def sort_task(n):
    numbers = np.random.RandomState(42).rand(n)
    return numbers.sort()


def factorial(n):
    return 1 if n == 0 else n * factorial(n - 1)


def block_dot(block, b):
    return np.dot(block, b)


class Stall:
    """The run in progress, ended with an error when it passes the stall limit."""

    def __init__(self, limit_s):
        self.limit_s = limit_s
        self.what = ""
        # Without SIGALRM (Windows) runs go unwatched.
        self.armed = hasattr(signal, "setitimer")
        if self.armed:
            signal.signal(signal.SIGALRM, self.fire)

    def run(self, what, work):
        if not self.armed:
            return work()
        self.what = what
        signal.setitimer(signal.ITIMER_REAL, self.limit_s)
        try:
            return work()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def fire(self, _signum, _frame):
        print(
            f"error: {self.what}: one run has not finished after {self.limit_s:g} s, so the "
            "machine is far too busy or the run is stuck",
            file=sys.stderr,
            flush=True,
        )
        for child in multiprocessing.active_children():
            child.kill()
        os._exit(3)


def serial_and_each(stall, what, rounds, serial, parallel):
    """Median seconds of `serial` and of each of `parallel`, in `rounds` rounds of serial, then
    each parallel one in turn. The first round's results must be equal."""
    serial_times = []
    parallel_times = [[] for _ in parallel]
    for index in range(rounds):
        start = time.perf_counter()
        expected = stall.run(what, serial)
        serial_times.append(time.perf_counter() - start)
        for number, (run, times) in enumerate(zip(parallel, parallel_times), start=1):
            start = time.perf_counter()
            got = stall.run(what, run)
            times.append(time.perf_counter() - start)
            if index == 0 and not equal(got, expected):
                sys.exit(f"error: {what}: parallel version {number} gave another result")
    return median(serial_times), [median(times) for times in parallel_times]


def equal(a, b):
    return bool(np.array_equal(a, b)) if isinstance(a, np.ndarray) else a == b


def median(times):
    return sorted(times)[len(times) // 2]


def emit(seed, experiment, n, threads, serial_s, parallel_s, peer):
    line = dict(seed=seed, experiment=experiment, n=n, threads=threads, serial_s=serial_s,
                parallel_s=parallel_s, peer=peer)
    print(json.dumps(line), flush=True)


def sort10(stall, threads, small):
    n = 1_000 if small else 1_000_000
    sizes = [n] * 10

    def on_pool():
        with multiprocessing.Pool(threads) as pool:
            return pool.map(sort_task, sizes)

    serial_s, (parallel_s,) = serial_and_each(
        stall, f"sort10 at n = {n:,}", 1 if small else 5,
        lambda: [sort_task(size) for size in sizes], [on_pool])
    emit("000", "sort10", n, threads, serial_s, parallel_s, "numpy")


def factorial_1e6(stall, threads, small):
    n = 1_000 if small else 1_000_000
    inputs = np.random.RandomState(2017).randint(1, 100, size=n).tolist()

    def on_pool(processes):
        def run():
            with multiprocessing.Pool(processes) as pool:
                return pool.map(factorial, inputs)
        return run

    counts = list(range(1, threads + 1))
    serial_s, parallel = serial_and_each(
        stall, "factorial_1e6", 1, lambda: list(map(factorial, inputs)),
        [on_pool(p) for p in counts])
    for processes, parallel_s in zip(counts, parallel):
        emit("003", "factorial_1e6", n, processes, serial_s, parallel_s, "python")


def int_matmul_1000(stall, threads, small):
    side = 40 if small else 1_000
    rng = np.random.RandomState(2)
    a = rng.randint(0, 10, size=(side, side), dtype=np.int64)
    b = rng.randint(0, 10, size=(side, side), dtype=np.int64)
    with multiprocessing.Pool(threads) as pool:
        def parallel_dot():
            blocks = np.array_split(a, threads)
            return np.vstack(pool.starmap(block_dot, [(block, b) for block in blocks]))

        serial_s, (parallel_s,) = serial_and_each(
            stall, "int_matmul_1000", 1 if small else 3, lambda: np.dot(a, b), [parallel_dot])
    emit("002", "int_matmul_1000", side, threads, serial_s, parallel_s, "numpy")


EXPERIMENTS = {"sort10": sort10, "factorial_1e6": factorial_1e6,
               "int_matmul_1000": int_matmul_1000}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--stall-limit", type=float, default=120.0)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("experiments", nargs="*")
    args = parser.parse_args()
    if args.list:
        print(json.dumps(dict(python=platform.python_version(),
                              numpy=np.__version__ if np else None,
                              experiments=list(EXPERIMENTS))))
        return
    if np is None:
        sys.exit(f"error: {sys.executable} has no numpy: `{sys.executable} -m pip install numpy`")
    stall = Stall(args.stall_limit)
    for name in args.experiments:
        if name in EXPERIMENTS:
            EXPERIMENTS[name](stall, max(1, args.threads), args.small)


if __name__ == "__main__":
    main()
