//! Exercise 5: one thread's spawn and join, one process's spawn and wait.

use std::thread;

use subject::{ChildError, Worker, spawn_and_join_thread, spawn_and_wait_process};
use testkit::{ThreadEnds, bounded, check, check_eq, fail};

const BOOK: testkit::Book = super::book("costs");

#[test]
fn spawn_and_join_thread_runs_work_on_a_new_thread() {
    let caller = thread::current().id();
    let ran_on = bounded!(spawn_and_join_thread(|| thread::current().id()));
    check!(
        ran_on != caller,
        "the work ran on the calling thread: spawn a thread for it"
    );
}

#[test]
fn spawn_and_join_thread_returns_after_the_thread_has_ended() {
    let ended = ThreadEnds::new();
    let mark = ended.clone();
    let answer = bounded!(spawn_and_join_thread(move || {
        mark.mark();
        42
    }));
    check_eq!(
        answer,
        42,
        "spawn_and_join_thread should return what the work returned"
    );
    check_eq!(
        ended.count(),
        1,
        "spawn_and_join_thread returned before its thread had ended: join it"
    );
}

#[test]
fn a_panic_in_the_thread_reaches_the_caller() {
    super::assert_passes_on_panic(
        || bounded!(spawn_and_join_thread(|| -> u32 { panic!("no work today") })),
        "no work today",
        false,
        "join the thread and pass its panic on with std::panic::resume_unwind",
        BOOK,
    );
}

// ANCHOR: process_cost_test
#[test]
fn spawn_and_wait_process_returns_the_pid_of_a_reaped_child() {
    let dir = super::scratch();
    let pid_file = dir.path().join("pids");
    let worker = super::shell(r#"echo $$ >> "$1""#, &[&pid_file]);
    let pid = bounded!(spawn_and_wait_process(&worker)).unwrap_or_else(|err| fail!("{err}"));
    check_eq!(
        super::pids_written_to(&pid_file),
        vec![pid],
        "spawn_and_wait_process should return the process id of the child it started (see \
         Child::id)"
    );
    super::assert_all_reaped(&[pid], "spawn_and_wait_process", BOOK);
}
// ANCHOR_END: process_cost_test

#[test]
fn the_child_reads_nothing_of_ours_and_writes_nothing_to_our_stdout() {
    const SAID: &str = "a child's words on its stdout";
    // In a copy of this test program whose stdin is a pipe holding a line, the child writes
    // what it read on its stdin to a file, and a line on its stdout.
    let copy_stdout = super::rerun_with_stdin(
        &format!(
            "{}::{}",
            module_path!(),
            "the_child_reads_nothing_of_ours_and_writes_nothing_to_our_stdout"
        ),
        "the parent's own input\n",
        || {
            let dir = super::scratch();
            let read = dir.path().join("read");
            let script = format!(r#"read -r line; echo "read [$line]" > "$1"; echo "{SAID}""#);
            let worker = super::shell(&script, &[&read]);
            bounded!(
                spawn_and_wait_process(&worker),
                "the child is still waiting for input: give it Stdio::null() for stdin"
            )
            .unwrap_or_else(|err| fail!("{err}"));
            let got = std::fs::read_to_string(&read).unwrap_or_default();
            check_eq!(
                got.trim_end(),
                "read []",
                "the child read {got:?} on its stdin, which is this process's: give it \
                 Stdio::null() for stdin, so that it reads nothing"
            );
        },
    );
    if let Some(stdout) = copy_stdout {
        check!(
            !stdout.contains(SAID),
            "the child wrote {SAID:?} to this process's stdout: give it Stdio::null() for \
             stdout, which nobody reads"
        );
    }
}

#[test]
fn a_child_may_say_more_on_stderr_than_a_pipe_holds() {
    let script = "head -c 200000 /dev/zero | tr '\\0' x | fold -w 99 >&2; exit 3";
    match bounded!(
        spawn_and_wait_process(&super::shell(script, &[])),
        "a child that wrote more on its stderr than a pipe holds waits for somebody to read it: \
         read stderr while you wait (Child::wait_with_output), never wait first"
    ) {
        Err(ChildError::Crashed { status, stderr })
            if status.code() == Some(3) && stderr.len() >= 200_000 => {}
        Err(ChildError::Crashed { status, stderr }) => fail!(
            "a child that exits with status 3 after 200 000 bytes on stderr should be \
             ChildError::Crashed with that status and all its stderr, got {status} and {} bytes",
            stderr.len()
        ),
        other => fail!(
            "a child that exits with status 3 should give Err(ChildError::Crashed {{ .. }}), got \
             {other:?}"
        ),
    }
}

#[test]
fn a_failing_process_is_an_error_with_its_status_and_message() {
    let worker = super::shell("echo 'no luck today' >&2; exit 3", &[]);
    match bounded!(spawn_and_wait_process(&worker)) {
        Err(error @ ChildError::Crashed { status, .. }) if status.code() == Some(3) => check!(
            error.to_string().contains("no luck today"),
            "the error should pass on what the child said on stderr: {error}"
        ),
        other => fail!(
            "a child that exits with status 3 should give Err(ChildError::Crashed {{ .. }}) with \
             that status, got {other:?}"
        ),
    }
}

#[test]
fn a_missing_program_is_an_error_naming_it() {
    match bounded!(spawn_and_wait_process(&Worker::new("/nonexistent/program"))) {
        Err(error @ ChildError::Spawn { .. }) => check!(
            error.to_string().contains("/nonexistent/program"),
            "the error should name the program: {error}"
        ),
        other => fail!(
            "starting a program that does not exist should give Err(ChildError::Spawn {{ .. }}), \
             got {other:?}"
        ),
    }
}
