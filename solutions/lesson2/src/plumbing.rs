//! What the reference does the same way in several exercises: starting a child, waiting for it,
//! and a worker's answer-every-line loop. Private: the stubs leave this to you.

use std::fmt::Display;
use std::io::{BufRead, Write};
use std::process::{Child, Command, Output};
use std::str::FromStr;

use crate::child::{ChildError, Worker};
use crate::protocol::{FrameError, WorkerError};

// ANCHOR: answer_each_line
/// A worker's loop: answers each line of `input` with one line on `output`, stopping at the
/// first line that is not a `Request`.
pub(crate) fn answer_each_line<Request, Answer>(
    input: impl BufRead,
    mut output: impl Write,
    mut answer: impl FnMut(Request) -> Answer,
) -> Result<(), WorkerError>
where
    Request: FromStr<Err = FrameError>,
    Answer: Display,
{
    for (index, line) in input.lines().enumerate() {
        let request = line?.parse().map_err(|error| WorkerError::BadFrame {
            line: index + 1,
            error,
        })?;
        writeln!(output, "{}", answer(request))?;
    }
    output.flush()?;
    Ok(())
}
// ANCHOR_END: answer_each_line

// ANCHOR: start_finish
/// Starts `command`, which `worker.command()` made, reporting a refusal as
/// [`ChildError::Spawn`].
pub(crate) fn start(worker: &Worker, command: &mut Command) -> Result<Child, ChildError> {
    command.spawn().map_err(|source| ChildError::Spawn {
        program: worker.program().to_owned(),
        source,
    })
}

/// Reads the child's stdout and stderr to their end, then reaps it. An unsuccessful end is
/// [`ChildError::Crashed`], with what the child said on its stderr.
pub(crate) fn finish(child: Child) -> Result<Output, ChildError> {
    let output = child.wait_with_output().map_err(ChildError::Io)?;
    if output.status.success() {
        return Ok(output);
    }
    Err(ChildError::Crashed {
        status: output.status,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}
// ANCHOR_END: start_finish
