//! Exercise 2: the same work in child processes that talk to the parent over pipes.

use std::collections::HashSet;
use std::io::{Cursor, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use subject::{
    AddTask, ChildError, Reply, TaskFailed, Worker, WorkerError, ZeroWorkers, map_in_processes,
    serve,
};
use testkit::{PATIENCE, within};

type Outcomes = Vec<Result<Reply, TaskFailed>>;

/// Runs `map_in_processes` with a time limit, so that a parent waiting for a reply that never
/// comes fails the test instead of hanging it.
fn map_within(worker: Worker, tasks: Vec<AddTask>, processes: usize) -> Outcomes {
    within(
        PATIENCE,
        "map_in_processes",
        &format!(
            "the parent is still waiting: for a child that died (read until the end of its \
             output, which a dead child's closed pipe gives you at once, and wait for it), or \
             for children started one at a time; {}",
            super::see("processes")
        ),
        move || map_in_processes(&worker, &tasks, processes),
    )
    .expect("map_in_processes refused a positive number of processes")
}

/// Tasks `x + 1` for each x, with no busy work.
fn tasks_for(xs: &[u32]) -> Vec<AddTask> {
    xs.iter().map(|&x| AddTask::new(x, 1, 0)).collect()
}

// ANCHOR: misbehaving
/// A stand-in worker that writes its pid to the file `$1`, reads its task, and then, by `X`:
/// kills itself (13), complains on stderr and exits with status 3 (14), prints something that
/// is not a reply (15), or answers like the real worker (anything else).
const MISBEHAVING: &str = r#"
echo $$ >> "$1"
read -r _ x y _
case "$x" in
  13) kill -KILL $$ ;;
  14) echo "14 is an unlucky number" >&2; exit 3 ;;
  15) echo "fifteen, give or take" ;;
  *) echo "sum $((x + y)) pid $$ ppid $PPID" ;;
esac
"#;
// ANCHOR_END: misbehaving

/// Runs the tasks `x + 1` for `xs` on the misbehaving worker, checks that every child was reaped
/// and that every task but the misbehaving ones was answered, and returns the failures.
fn run_misbehaving(xs: &[u32], processes: usize) -> Vec<TaskFailed> {
    let dir = tempfile::tempdir().expect("could not make a temporary directory");
    let pid_file = dir.path().join("pids");
    let outcomes = map_within(
        super::shell(MISBEHAVING, &[&pid_file]),
        tasks_for(xs),
        processes,
    );
    super::assert_all_reaped(
        &pids_checked(&pid_file, xs.len()),
        "map_in_processes",
        "processes",
    );
    assert_eq!(
        outcomes.len(),
        xs.len(),
        "map_in_processes should give one outcome per task"
    );
    let mut failures = Vec::new();
    for (&x, outcome) in xs.iter().zip(outcomes) {
        match outcome {
            Ok(reply) => assert_eq!(
                reply.sum,
                u64::from(x) + 1,
                "task `add {x} 1 0` came back with the wrong sum: are the outcomes in task \
                 order? {}",
                super::see("processes")
            ),
            Err(failed) => {
                assert!(
                    (13..=15).contains(&x),
                    "task `add {x} 1 0` failed, but its child answered it properly: {failed}; \
                     one child's failure must not spoil the others; {}",
                    super::see("processes")
                );
                failures.push(failed);
            }
        }
    }
    failures
}

/// The pids in `file`, checking there is one per task: one child per task.
fn pids_checked(file: &Path, tasks: usize) -> Vec<u32> {
    let pids = super::pids_written_to(file);
    assert_eq!(
        pids.len(),
        tasks,
        "{tasks} tasks should have started {tasks} children, one per task; {}",
        super::see("processes")
    );
    pids
}

/// The only failure, checked to name `task`, to say `expected` and to be the right kind.
fn only_failure(
    failures: Vec<TaskFailed>,
    task: &str,
    expected: &str,
    kind_is_right: impl Fn(&ChildError) -> bool,
) {
    let [failed] = <[TaskFailed; 1]>::try_from(failures).unwrap_or_else(|failures| {
        panic!(
            "exactly the task `{task}` should have failed, but these did: {failures:?}; {}",
            super::see("processes")
        )
    });
    let message = failed.to_string();
    assert!(
        failed.task.to_string() == task && message.contains(task),
        "the error should name the task its child was given, `{task}`; got {message:?}; {}",
        super::see("processes")
    );
    assert!(
        kind_is_right(&failed.error) && message.contains(expected),
        "the child given `{task}` should be reported with {expected:?}, got {:?}; {}",
        failed.error,
        super::see("processes")
    );
}

#[test]
fn zero_processes_is_an_error() {
    assert!(
        matches!(
            map_in_processes(&super::worker(), &tasks_for(&[1]), 0),
            Err(ZeroWorkers { what: "processes" })
        ),
        "map_in_processes(.., 0) can never run a task, so it should be Err(ZeroWorkers {{ what: \
         \"processes\" }}); {}",
        super::see("processes")
    );
}

#[test]
fn no_tasks_start_no_child() {
    let outcomes = map_within(Worker::new("/nonexistent/worker"), Vec::new(), 2);
    assert!(
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
        let reply = outcome.unwrap_or_else(|failed| panic!("{failed}"));
        assert_eq!(reply.sum, task.compute(), "the sum for `{task}`");
        assert!(
            reply.pid != me && reply.parent_pid == me,
            "`{task}` was answered by process {} whose parent is {}, but this test is process \
             {me}: each task must run in a child process of ours, not in a thread of this one; \
             {}",
            reply.pid,
            reply.parent_pid,
            super::see("processes")
        );
        children.insert(reply.pid);
    }
    assert_eq!(
        children.len(),
        tasks.len(),
        "every task should run in a child of its own; {}",
        super::see("processes")
    );
    let pids: Vec<u32> = children.into_iter().collect();
    super::assert_all_reaped(&pids, "map_in_processes", "processes");
}
// ANCHOR_END: child_pid_test

#[test]
fn results_keep_input_order() {
    // The earlier tasks compute longer, so the later ones tend to finish first.
    let tasks: Vec<AddTask> = (0..12u32)
        .map(|i| AddTask::new(i, 100, u64::from(12 - i) * 200_000))
        .collect();
    let expected: Vec<u64> = tasks.iter().map(AddTask::compute).collect();
    let sums: Vec<u64> = map_within(super::worker(), tasks, 3)
        .into_iter()
        .map(|outcome| outcome.unwrap_or_else(|failed| panic!("{failed}")).sum)
        .collect();
    assert_eq!(
        sums,
        expected,
        "the outcomes should be in task order, whatever order the children finished in; {}",
        super::see("processes")
    );
}

// ANCHOR: meeting_test
/// Two stand-in workers that can only finish together: the child given 0 writes into the named
/// pipe `$1`, the child given 1 reads from it, and opening a named pipe waits for the other end.
/// `timeout` ends them after 5 s if the other never comes.
const MEETING: &str = r#"
read -r _ x _ _
if [ "$x" = 0 ]; then echo hello > "$1"; else read -r _ < "$1"; fi
echo "sum $x pid $$ ppid $PPID"
"#;

#[test]
fn n_children_run_at_once() {
    let dir = tempfile::tempdir().expect("could not make a temporary directory");
    let pipe = dir.path().join("meeting");
    let made = Command::new("mkfifo").arg(&pipe).status();
    assert!(
        made.is_ok_and(|status| status.success()),
        "this test needs `mkfifo`"
    );
    let worker = ["5", "sh", "-c", MEETING, "fake-worker"]
        .iter()
        .fold(Worker::new("timeout"), |worker, arg| worker.arg(arg))
        .arg(&pipe);
    let outcomes = map_within(
        worker,
        vec![AddTask::new(0, 0, 0), AddTask::new(1, 0, 0)],
        2,
    );
    for outcome in outcomes {
        if let Err(failed) = outcome {
            panic!(
                "two children that can only finish together did not ({failed}): with 2 \
                 processes, start the second child while the first is still running; {}",
                super::see("processes")
            );
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
fn a_child_that_exits_without_reading_is_reported_by_its_status() {
    let dir = tempfile::tempdir().expect("could not make a temporary directory");
    let pid_file = dir.path().join("pids");
    let tasks = tasks_for(&[1, 2, 3, 4, 5, 6]);
    let worker = super::shell(r#"echo $$ >> "$1"; exit 7"#, &[&pid_file]);
    let outcomes = map_within(worker, tasks.clone(), 2);
    super::assert_all_reaped(
        &pids_checked(&pid_file, tasks.len()),
        "map_in_processes",
        "processes",
    );
    for (task, outcome) in tasks.iter().zip(outcomes) {
        assert!(
            matches!(
                &outcome,
                Err(TaskFailed { task: failed, error: ChildError::Crashed { status, .. } })
                    if failed == task && status.code() == Some(7)
            ),
            "a child that exits with status 7 before reading `{task}` should be reported as \
             crashed with status 7 (even if writing the task to it failed), got {outcome:?}; {}",
            super::see("processes")
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
            other => panic!(
                "starting a program that does not exist should give ChildError::Spawn, got \
                 {other:?}; {}",
                super::see("processes")
            ),
        };
        assert!(
            message.contains("/nonexistent/worker"),
            "the error should name the program that could not start: {message:?}"
        );
    }
}

// ANCHOR: serve_test
#[test]
fn serve_answers_each_task_with_its_sum_and_process_ids() {
    let mut output = Vec::new();
    serve(Cursor::new("add 2 3 0\nadd 10 1 5000\n"), &mut output)
        .expect("serve refused two valid tasks");
    let text = String::from_utf8(output).expect("serve wrote text");
    let replies: Vec<Reply> = text
        .lines()
        .map(|line| {
            line.parse()
                .unwrap_or_else(|err| panic!("serve wrote a bad reply: {err}"))
        })
        .collect();
    let me = std::process::id();
    let parent = std::os::unix::process::parent_id();
    let expected = [5, 11].map(|sum| Reply {
        sum,
        pid: me,
        parent_pid: parent,
    });
    assert_eq!(
        replies,
        expected,
        "serve should answer each `add X Y SPIN` line with one `sum S pid P ppid Q` line, \
         where P is its own process id and Q its parent's; {}",
        super::see("processes")
    );
    let mut silent = Vec::new();
    serve(Cursor::new(""), &mut silent).expect("serve refused an empty input");
    assert!(silent.is_empty(), "no tasks, no replies");
}
// ANCHOR_END: serve_test

#[test]
fn serve_refuses_a_bad_task_naming_its_line() {
    let outcome = serve(Cursor::new("add 1 2 0\nadd one 2 0\n"), Vec::new());
    match outcome {
        Err(error @ WorkerError::BadFrame { line: 2, .. }) => {
            let message = error.to_string();
            assert!(
                message.contains("add one 2 0") && message.contains("line 2"),
                "the error should quote the bad line and give its number: {message:?}"
            );
        }
        other => panic!(
            "the second line is not a task, so serve should return Err(WorkerError::BadFrame \
             {{ line: 2, .. }}), got {other:?}; {}",
            super::see("processes")
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
    let output = child
        .wait_with_output()
        .expect("could not wait for the worker");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code() == Some(1) && stderr.contains("hello there"),
        "given the line \"hello there\", the worker program should exit with status 1 and say \
         what was wrong on stderr; it ended with {} and said {stderr:?}; {}",
        output.status,
        super::see("processes")
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
            .map(|outcome| outcome.unwrap_or_else(|failed| panic!("{failed}")).sum)
            .collect();
        prop_assert_eq!(
            sums,
            expected,
            "map_in_processes(.., {}) differs from tasks.iter().map(AddTask::compute); {}",
            processes,
            super::see("processes")
        );
    }
}
