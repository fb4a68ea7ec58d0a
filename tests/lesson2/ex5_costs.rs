//! Exercise 5: one thread's spawn and join, one process's spawn and wait.

use std::thread;

use subject::{ChildError, Worker, spawn_and_join_thread, spawn_and_wait_process};

#[test]
fn spawn_and_join_thread_runs_work_on_a_new_thread() {
    let caller = thread::current().id();
    let ran_on = spawn_and_join_thread(|| thread::current().id());
    assert_ne!(
        ran_on,
        caller,
        "the work ran on the calling thread: spawn a thread for it; {}",
        super::see("costs")
    );
}

#[test]
fn spawn_and_join_thread_returns_after_the_thread_has_ended() {
    let ended = testkit::ThreadEnds::new();
    let mark = ended.clone();
    let answer = spawn_and_join_thread(move || {
        mark.mark();
        42
    });
    assert_eq!(
        answer, 42,
        "spawn_and_join_thread should return what the work returned"
    );
    assert_eq!(
        ended.count(),
        1,
        "spawn_and_join_thread returned before its thread had ended: join it; {}",
        super::see("costs")
    );
}

// ANCHOR: process_cost_test
#[test]
fn spawn_and_wait_process_returns_the_pid_of_a_reaped_child() {
    let dir = tempfile::tempdir().expect("could not make a temporary directory");
    let pid_file = dir.path().join("pids");
    let pid = spawn_and_wait_process(&super::shell(r#"echo $$ >> "$1""#, &[&pid_file]))
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        super::pids_written_to(&pid_file),
        vec![pid],
        "spawn_and_wait_process should return the process id of the child it started (see \
         Child::id); {}",
        super::see("costs")
    );
    super::assert_all_reaped(&[pid], "spawn_and_wait_process", "costs");
}
// ANCHOR_END: process_cost_test

#[test]
fn a_failing_process_is_an_error_with_its_status_and_message() {
    let outcome = spawn_and_wait_process(&super::shell("echo 'no luck today' >&2; exit 3", &[]));
    match outcome {
        Err(error @ ChildError::Crashed { status, .. }) if status.code() == Some(3) => assert!(
            error.to_string().contains("no luck today"),
            "the error should pass on what the child said on stderr: {error}"
        ),
        other => panic!(
            "a child that exits with status 3 should give Err(ChildError::Crashed {{ .. }}) with \
             that status, got {other:?}; {}",
            super::see("costs")
        ),
    }
}

#[test]
fn a_missing_program_is_an_error_naming_it() {
    match spawn_and_wait_process(&Worker::new("/nonexistent/program")) {
        Err(error @ ChildError::Spawn { .. }) => assert!(
            error.to_string().contains("/nonexistent/program"),
            "the error should name the program: {error}"
        ),
        other => panic!(
            "starting a program that does not exist should give Err(ChildError::Spawn {{ .. }}), \
             got {other:?}; {}",
            super::see("costs")
        ),
    }
}
