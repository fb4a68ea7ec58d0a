//! Child processes: which program to start, and what can go wrong with one.
//! Provided: there is nothing to fill in here.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use crate::work::AddTask;

/// How to start a worker: a program and its arguments.
///
/// The tests start this crate's own worker program (`target/…/lesson2-worker`, built from
/// `src/bin/worker.rs`), and sometimes a small shell script that misbehaves on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    program: PathBuf,
    args: Vec<OsString>,
}

impl Worker {
    /// The program at `program` (a path, or a name to look up in `PATH`), without arguments.
    pub fn new(program: impl Into<PathBuf>) -> Worker {
        Worker {
            program: program.into(),
            args: Vec::new(),
        }
    }

    /// The same program with one more argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Worker {
        self.args.push(arg.into());
        self
    }

    /// The program to start.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// A fresh [`Command`] for one child: program and arguments set, nothing else. Where its
    /// stdin, stdout and stderr go is yours to choose.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        command
    }
}

/// What went wrong with one child process.
#[derive(Debug)]
pub enum ChildError {
    /// The program could not be started at all.
    Spawn {
        /// The program that was asked for.
        program: PathBuf,
        /// Why the operating system refused.
        source: io::Error,
    },
    /// Talking to the child, or waiting for it, failed.
    Io(io::Error),
    /// The child ended unsuccessfully: a non-zero exit code, or killed by a signal.
    Crashed {
        /// How it ended.
        status: ExitStatus,
        /// What it wrote to its stderr, often the reason.
        stderr: String,
    },
    /// The child ended successfully, but its stdout was not the answer the protocol asks for.
    Garbage {
        /// What it wrote to its stdout.
        stdout: String,
        /// What is wrong with that.
        problem: String,
    },
}

impl fmt::Display for ChildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildError::Spawn { program, source } => write!(
                f,
                "could not start the program {}: {source} (is the path right, and was it built?)",
                program.display()
            ),
            ChildError::Io(err) => write!(f, "talking to the child failed: {err}"),
            ChildError::Crashed { status, stderr } => {
                write!(f, "the child ended with {status}")?;
                match stderr.trim() {
                    "" => Ok(()),
                    said => write!(f, ", saying: {said}"),
                }
            }
            ChildError::Garbage { stdout, problem } => write!(
                f,
                "the child exited normally, but its output {stdout:?} is not a valid answer: \
                 {problem}"
            ),
        }
    }
}

impl std::error::Error for ChildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ChildError::Spawn { source, .. } => Some(source),
            ChildError::Io(err) => Some(err),
            ChildError::Crashed { .. } | ChildError::Garbage { .. } => None,
        }
    }
}

/// The child given `task` did not answer it.
#[derive(Debug)]
pub struct TaskFailed {
    /// The task the child was given.
    pub task: AddTask,
    /// What went wrong.
    pub error: ChildError,
}

impl fmt::Display for TaskFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the child given `{}` failed: {}", self.task, self.error)
    }
}

impl std::error::Error for TaskFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
