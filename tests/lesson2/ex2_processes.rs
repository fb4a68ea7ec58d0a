//! Exercise 2: the same work in child processes that talk to the parent over pipes.

use std::collections::HashSet;
use std::io::{Cursor, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use subject::{
    AddTask, ChildError, Reply, TaskFailed, Worker, WorkerError, ZeroWorkers, map_in_processes,
    serve,
};
use testkit::{bounded, check, check_eq, fail};

const BOOK: testkit::Book = super::book("processes");

type Outcomes = Vec<Result<Reply, TaskFailed>>;

/// Runs `map_in_processes` with a time limit, so that a parent waiting for a reply that never
/// comes fails the test instead of hanging it.
fn map_within(worker: Worker, tasks: Vec<AddTask>, processes: usize) -> Outcomes {
    bounded!(
        map_in_processes(&worker, &tasks, processes),
        "the parent is still waiting: for a child that died (read until the end of its output, \
         which a dead child's closed pipe gives you at once, and wait for it), for a child that \
         wrote more than a pipe holds and waits for somebody to read it (read stdout and stderr \
         while you wait: Child::wait_with_output), or for children started one at a time"
    )
    .expect("map_in_processes refused a positive number of processes")
}

/// Tasks `x + 1` for each x, with no busy work.
fn tasks_for(xs: &[u32]) -> Vec<AddTask> {
    xs.iter().map(|&x| AddTask::new(x, 1, 0)).collect()
}

// ANCHOR: misbehaving
/// A stand-in worker that writes its pid to the file `$1`, reads its task, and then, by `X`:
/// kills itself (13); complains on stderr and exits with status 3 (14); prints something that
/// is not a reply (15); writes 200 000 bytes on stderr, then answers (16) or exits with status 5
/// (17); answers, then says one more line (18); writes 200 000 bytes of garbage on stdout (19);
/// spreads its reply over two lines (20); exits successfully without a word (21); or answers
/// like the real worker (anything else).
const MISBEHAVING: &str = r#"
echo $$ >> "$1"
read -r _ x y _
a_lot() { head -c 200000 /dev/zero | tr '\0' x | fold -w 99; }
answer() { echo "sum $((x + y)) pid $$ ppid $PPID"; }
case "$x" in
  13) kill -KILL $$ ;;
  14) echo "14 is an unlucky number" >&2; exit 3 ;;
  15) echo "fifteen, give or take" ;;
  16) a_lot >&2; answer ;;
  17) a_lot >&2; exit 5 ;;
  18) answer; echo "and one more thing" ;;
  19) a_lot ;;
  20) echo "sum $((x + y)) pid $$"; echo "ppid $PPID" ;;
  21) exit 0 ;;
  *) answer ;;
esac
"#;
// ANCHOR_END: misbehaving

/// The tasks the misbehaving worker fails.
const FAILS: [u32; 8] = [13, 14, 15, 17, 18, 19, 20, 21];

/// Runs the tasks `x + 1` for `xs` on the misbehaving worker, checks that every child was reaped
/// and that every task but the misbehaving ones was answered, and returns the failures.
fn run_misbehaving(xs: &[u32], processes: usize) -> Vec<TaskFailed> {
    let dir = super::scratch();
    let pid_file = dir.path().join("pids");
    let outcomes = map_within(
        super::shell(MISBEHAVING, &[&pid_file]),
        tasks_for(xs),
        processes,
    );
    super::assert_all_reaped(
        &super::pids_of_children(&pid_file, xs.len(), BOOK),
        "map_in_processes",
        BOOK,
    );
    check_eq!(
        outcomes.len(),
        xs.len(),
        "map_in_processes should give one outcome per task"
    );
    let mut failures = Vec::new();
    for (&x, outcome) in xs.iter().zip(outcomes) {
        match outcome {
            Ok(reply) => check_eq!(
                reply.sum,
                u64::from(x) + 1,
                "task `add {x} 1 0` came back with the wrong sum: are the outcomes in task order?"
            ),
            Err(failed) => {
                check!(
                    FAILS.contains(&x),
                    "task `add {x} 1 0` failed, but its child answered it properly: {failed}; \
                     one child's failure must not spoil the others"
                );
                failures.push(failed);
            }
        }
    }
    failures
}

/// The only failure, checked to name `task`, to say `expected` and to be the right kind.
fn only_failure(
    failures: Vec<TaskFailed>,
    task: &str,
    expected: &str,
    kind_is_right: impl Fn(&ChildError) -> bool,
) {
    let [failed] = <[TaskFailed; 1]>::try_from(failures).unwrap_or_else(|failures| {
        fail!("exactly the task `{task}` should have failed, but these did: {failures:?}")
    });
    let message = failed.to_string();
    check!(
        failed.task.to_string() == task && message.contains(task),
        "the error should name the task its child was given, `{task}`; got {message:?}"
    );
    check!(
        kind_is_right(&failed.error) && message.contains(expected),
        "the child given `{task}` should be reported with {expected:?}, got {:?}",
        failed.error
    );
}

#[test]
fn zero_processes_is_an_error() {
    check!(
        matches!(
            bounded!(map_in_processes(&super::worker(), &tasks_for(&[1]), 0)),
            Err(ZeroWorkers { what: "processes" })
        ),
        "map_in_processes(.., 0) can never run a task, so it should be Err(ZeroWorkers {{ what: \
         \"processes\" }})"
    );
}

#[test]
fn no_tasks_start_no_child() {
    let outcomes = map_within(Worker::new("/nonexistent/worker"), Vec::new(), 2);
    check!(
        outcomes.is_empty(),
        "no tasks should give no outcomes, got {outcomes:?}"
    );
}

// ANCHOR: child_pid_test
#[test]
fn each_task_runs_in_a_child_of_this_process() {
    let me = std::process::id();
    let tasks = tasks_for(&[10, 20, 30, 40]);
    let outcomes = map_within(super::worker(), tasks.clone(), 2);
    let mut children = HashSet::new();
    for (task, outcome) in tasks.iter().zip(outcomes) {
        let reply = outcome.unwrap_or_else(|failed| fail!("{failed}"));
        check_eq!(reply.sum, task.compute(), "the sum for `{task}`");
        check!(
            reply.pid != me && reply.parent_pid == me,
            "`{task}` was answered by process {} whose parent is {}, but this test is process \
             {me}: each task must run in a child process of ours, not in a thread of this one",
            reply.pid,
            reply.parent_pid
        );
        children.insert(reply.pid);
    }
    check_eq!(
        children.len(),
        tasks.len(),
        "every task should run in a child of its own"
    );
    let pids: Vec<u32> = children.into_iter().collect();
    super::assert_all_reaped(&pids, "map_in_processes", BOOK);
}
// ANCHOR_END: child_pid_test

#[test]
fn results_keep_task_order_when_a_later_task_finishes_first() {
    // Two at a time: the children of tasks 0 and 1 start; 0 ends at once, so task 2 starts
    // while 1 still runs, and 1 ends only once 2 has started. So the child of task 1 always
    // finishes after a later task's child started, and the one slot that ran 0 runs 2: outcomes
    // kept in finishing order, or slot by slot, come back out of task order.
    let dir = super::scratch();
    let tasks: Vec<AddTask> = (0..3).map(|x| AddTask::new(x, 0, 0)).collect();
    let sums: Vec<u64> = map_within(super::scheduled(dir.path(), &[(2, 1)]), tasks, 2)
        .into_iter()
        .map(|outcome| outcome.unwrap_or_else(|failed| fail!("{failed}")).sum)
        .collect();
    check_eq!(
        sums,
        vec![0, 1, 2],
        "the outcomes should be in task order, whatever order the children finished in: keep \
         each outcome with its task's index"
    );
}

// ANCHOR: meeting_test
#[test]
fn n_children_run_at_once() {
    for n in 2..=3 {
        let dir = super::scratch();
        let tasks: Vec<AddTask> = (0..n).map(|x| AddTask::new(x, 0, 0)).collect();
        let worker = super::all_together(dir.path(), n);
        let outcomes = bounded!(
            map_in_processes(&worker, &tasks, n as usize),
            "{n} children that can only finish together are still waiting for each other: with \
             {n} processes, start a child for each of the first {n} tasks before waiting for any"
        )
        .expect("map_in_processes refused a positive number of processes");
        for outcome in outcomes {
            if let Err(failed) = outcome {
                fail!(
                    "{n} children that can only finish together did not ({failed}): with {n} \
                     processes, start a child for each of the first {n} tasks before waiting \
                     for any"
                );
            }
        }
    }
}
// ANCHOR_END: meeting_test

#[test]
fn a_child_killed_by_a_signal_is_an_error_naming_its_task() {
    let failures = run_misbehaving(&[1, 13, 2, 3], 2);
    only_failure(
        failures,
        "add 13 1 0",
        "signal",
        |error| matches!(error, ChildError::Crashed { status, .. } if status.signal() == Some(9)),
    );
}

#[test]
fn a_failing_child_is_an_error_with_its_message() {
    let failures = run_misbehaving(&[14, 4, 5], 3);
    only_failure(
        failures,
        "add 14 1 0",
        "unlucky",
        |error| matches!(error, ChildError::Crashed { status, .. } if status.code() == Some(3)),
    );
}

#[test]
fn a_child_that_prints_garbage_is_an_error_naming_its_task() {
    let failures = run_misbehaving(&[6, 7, 15, 8], 2);
    only_failure(failures, "add 15 1 0", "fifteen, give or take", |error| {
        matches!(error, ChildError::Garbage { .. })
    });
}

#[test]
fn stdout_that_is_not_exactly_one_reply_line_is_garbage() {
    // A reply and one more line (18), a reply spread over two lines (20), nothing at all (21).
    for (x, said) in [(18, "and one more thing"), (20, "ppid"), (21, "")] {
        let failures = run_misbehaving(&[9, x], 2);
        only_failure(failures, &format!("add {x} 1 0"), said, |error| {
            matches!(error, ChildError::Garbage { .. })
        });
    }
}

#[test]
fn children_may_write_more_than_a_pipe_holds() {
    // 16 answers after 200 000 bytes on stderr, 17 fails after them, 19 prints that much
    // garbage on stdout: a parent that waits for a child before reading its pipes waits forever.
    let failures = run_misbehaving(&[16, 17, 2, 19], 2);
    let kinds: Vec<(String, usize)> = failures
        .iter()
        .map(|failed| match &failed.error {
            ChildError::Crashed { status, stderr } if status.code() == Some(5) => {
                (format!("{}: crashed", failed.task), stderr.len())
            }
            ChildError::Garbage { stdout, .. } => {
                (format!("{}: garbage", failed.task), stdout.len())
            }
            other => (format!("{}: {other:?}", failed.task), 0),
        })
        .collect();
    check!(
        kinds.len() == 2
            && kinds[0].0 == "add 17 1 0: crashed"
            && kinds[1].0 == "add 19 1 0: garbage"
            && kinds.iter().all(|(_, bytes)| *bytes >= 200_000),
        "the child given `add 17 1 0` should fail with status 5 and all 200 000 bytes of its \
         stderr, the one given `add 19 1 0` with its 200 000 bytes of stdout as garbage; got \
         (task: kind, bytes kept) {kinds:?}"
    );
}

#[test]
fn a_child_that_exits_without_reading_is_reported_by_its_status() {
    let dir = super::scratch();
    let pid_file = dir.path().join("pids");
    let tasks = tasks_for(&[1, 2, 3, 4, 5, 6]);
    let worker = super::shell(r#"echo $$ >> "$1"; exit 7"#, &[&pid_file]);
    let outcomes = map_within(worker, tasks.clone(), 2);
    super::assert_all_reaped(
        &super::pids_of_children(&pid_file, tasks.len(), BOOK),
        "map_in_processes",
        BOOK,
    );
    for (task, outcome) in tasks.iter().zip(outcomes) {
        check!(
            matches!(
                &outcome,
                Err(TaskFailed { task: failed, error: ChildError::Crashed { status, .. } })
                    if failed == task && status.code() == Some(7)
            ),
            "a child that exits with status 7 before reading `{task}` should be reported as \
             crashed with status 7 (even if writing the task to it failed), got {outcome:?}"
        );
    }
}

#[test]
fn a_missing_program_is_an_error_naming_it() {
    let outcomes = map_within(Worker::new("/nonexistent/worker"), tasks_for(&[1, 2]), 2);
    for outcome in outcomes {
        let message = match outcome {
            Err(
                failed @ TaskFailed {
                    error: ChildError::Spawn { .. },
                    ..
                },
            ) => failed.to_string(),
            other => fail!(
                "starting a program that does not exist should give ChildError::Spawn, got \
                 {other:?}"
            ),
        };
        check!(
            message.contains("/nonexistent/worker"),
            "the error should name the program that could not start: {message:?}"
        );
    }
}

#[test]
fn errors_lead_to_their_causes() {
    use std::error::Error;
    let outcomes = map_within(Worker::new("/nonexistent/worker"), tasks_for(&[1]), 1);
    let Some(Err(failed)) = outcomes.into_iter().next() else {
        fail!("starting a program that does not exist should fail its task")
    };
    let cause = failed.source().map(ToString::to_string);
    check_eq!(
        cause,
        Some(failed.error.to_string()),
        "TaskFailed's source should be its ChildError"
    );
    check!(
        failed
            .error
            .source()
            .is_some_and(|source| source.downcast_ref::<std::io::Error>().is_some()),
        "ChildError::Spawn's source should be the operating system's io::Error"
    );
    let refused = bounded!(serve(Cursor::new("nonsense\n"), Vec::new()))
        .expect_err("serve should refuse a line that is not a task");
    check!(
        refused
            .source()
            .is_some_and(|source| source.downcast_ref::<subject::FrameError>().is_some()),
        "WorkerError::BadFrame's source should be its FrameError, got {refused:?}"
    );
}

// ANCHOR: serve_test
#[test]
fn serve_answers_each_task_with_its_sum_and_process_ids() {
    let output = super::Unflushed::default();
    let sink = output.clone();
    bounded!(serve(Cursor::new("add 2 3 0\nadd 10 1 5000\n"), sink))
        .expect("serve refused two valid tasks");
    let replies: Vec<Reply> = output
        .flushed()
        .lines()
        .map(|line| {
            line.parse()
                .unwrap_or_else(|err| fail!("serve wrote a bad reply: {err}"))
        })
        .collect();
    let me = std::process::id();
    let parent = std::os::unix::process::parent_id();
    let expected = [5, 11].map(|sum| Reply {
        sum,
        pid: me,
        parent_pid: parent,
    });
    check_eq!(
        replies,
        expected,
        "serve should answer each `add X Y SPIN` line with one `sum S pid P ppid Q` line, where \
         P is its own process id and Q its parent's, and flush its output at the end"
    );
    let silent = super::Unflushed::default();
    let sink = silent.clone();
    bounded!(serve(Cursor::new(""), sink)).expect("serve refused an empty input");
    check!(silent.flushed().is_empty(), "no tasks, no replies");
}
// ANCHOR_END: serve_test

#[test]
fn serve_refuses_a_bad_task_naming_its_line() {
    match bounded!(serve(Cursor::new("add 1 2 0\nadd one 2 0\n"), Vec::new())) {
        Err(error @ WorkerError::BadFrame { line: 2, .. }) => {
            let message = error.to_string();
            check!(
                message.contains("add one 2 0") && message.contains("line 2"),
                "the error should quote the bad line and give its number: {message:?}"
            );
        }
        other => fail!(
            "the second line is not a task, so serve should return Err(WorkerError::BadFrame \
             {{ line: 2, .. }}), got {other:?}"
        ),
    }
}

#[test]
fn the_worker_program_fails_with_a_message_on_bad_input() {
    let mut child = Command::new(crate::WORKER_BIN)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("could not start the worker program");
    child
        .stdin
        .take()
        .expect("stdin was piped")
        .write_all(b"hello there\n")
        .expect("could not write to the worker");
    let output = bounded!(child.wait_with_output()).expect("could not wait for the worker");
    let stderr = String::from_utf8_lossy(&output.stderr);
    check!(
        output.status.code() == Some(1) && stderr.contains("hello there"),
        "given the line \"hello there\", the worker program should exit with status 1 and say \
         what was wrong on stderr; it ended with {} and said {stderr:?}",
        output.status
    );
}

proptest! {
    // Every case starts real processes, so a few cases have to do.
    #![proptest_config(testkit::proptest_config(8))]

    #[test]
    fn equals_the_sequential_map(
        processes in 1usize..=4,
        pairs in proptest::collection::vec((any::<u32>(), any::<u32>(), 0u64..1_000), 0..6),
    ) {
        let tasks: Vec<AddTask> = pairs.iter().map(|&(x, y, spin)| AddTask::new(x, y, spin)).collect();
        let expected: Vec<u64> = tasks.iter().map(AddTask::compute).collect();
        let sums: Vec<u64> = map_within(super::worker(), tasks, processes)
            .into_iter()
            .map(|outcome| outcome.unwrap_or_else(|failed| fail!("{failed}")).sum)
            .collect();
        prop_assert_eq!(
            sums,
            expected,
            "map_in_processes(.., {}) differs from tasks.iter().map(AddTask::compute); {}",
            processes,
            BOOK
        );
    }
}
