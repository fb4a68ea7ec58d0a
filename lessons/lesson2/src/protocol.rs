//! The worker program's protocol: one line of text per message, in both directions.
//! Provided: there is nothing to fill in here.
//!
//! | direction | frame | example |
//! |---|---|---|
//! | parent to child (exercise 2) | `add X Y SPIN` | `add 10 1 3000000` |
//! | child to parent (exercise 2) | `sum S pid P ppid Q` | `sum 11 pid 4242 ppid 4200` |
//! | parent to child (exercise 3) | `increment N` | `increment 3` |
//! | child to parent (exercise 3) | `subtotal T` | `subtotal 5` |
//!
//! A frame is one line: write it with `writeln!(out, "{frame}")`, read it back with
//! `line.parse::<AddTask>()` (or `Reply`, `Increment`, `Subtotal`). Text is slower than a binary
//! format, but you can watch it, and type it: `echo 'add 2 3 0' | target/debug/lesson2-worker`.

use std::fmt;
use std::io;
use std::str::FromStr;

use crate::work::AddTask;

/// What a worker answers to one [`AddTask`]: the sum, and who computed it, as seed 004's
/// `process_info` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    /// `x + y`.
    pub sum: u64,
    /// The process id of the worker that computed it: `std::process::id()` there.
    pub pid: u32,
    /// That worker's parent's process id: `std::os::unix::process::parent_id()` there.
    pub parent_pid: u32,
}

/// Exercise 3's request: add `amount` to the worker's own running total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Increment {
    /// How much to add.
    pub amount: u64,
}

/// Exercise 3's answer: the worker's running total after an [`Increment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subtotal {
    /// The total so far, in the worker's own copy of the counter.
    pub total: u64,
}

const ADD: &str = "add X Y SPIN";
const REPLY: &str = "sum S pid P ppid Q";
const INCREMENT: &str = "increment N";
const SUBTOTAL: &str = "subtotal T";

impl fmt::Display for AddTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "add {} {} {}", self.x, self.y, self.spin)
    }
}

impl FromStr for AddTask {
    type Err = FrameError;

    fn from_str(frame: &str) -> Result<AddTask, FrameError> {
        let [x, y, spin] = values(frame, ADD)?;
        Ok(AddTask {
            x: number(frame, ADD, "X", x)?,
            y: number(frame, ADD, "Y", y)?,
            spin: number(frame, ADD, "SPIN", spin)?,
        })
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sum {} pid {} ppid {}",
            self.sum, self.pid, self.parent_pid
        )
    }
}

impl FromStr for Reply {
    type Err = FrameError;

    fn from_str(frame: &str) -> Result<Reply, FrameError> {
        let [sum, pid, parent_pid] = values(frame, REPLY)?;
        Ok(Reply {
            sum: number(frame, REPLY, "S", sum)?,
            pid: number(frame, REPLY, "P", pid)?,
            parent_pid: number(frame, REPLY, "Q", parent_pid)?,
        })
    }
}

impl fmt::Display for Increment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "increment {}", self.amount)
    }
}

impl FromStr for Increment {
    type Err = FrameError;

    fn from_str(frame: &str) -> Result<Increment, FrameError> {
        let [amount] = values(frame, INCREMENT)?;
        Ok(Increment {
            amount: number(frame, INCREMENT, "N", amount)?,
        })
    }
}

impl fmt::Display for Subtotal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "subtotal {}", self.total)
    }
}

impl FromStr for Subtotal {
    type Err = FrameError;

    fn from_str(frame: &str) -> Result<Subtotal, FrameError> {
        let [total] = values(frame, SUBTOTAL)?;
        Ok(Subtotal {
            total: number(frame, SUBTOTAL, "T", total)?,
        })
    }
}

/// A line that is not the frame it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    /// The line as received.
    pub frame: String,
    /// The frame's shape, such as `add X Y SPIN`.
    pub expected: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a valid frame: {} (expected `{}`)",
            self.frame, self.problem, self.expected
        )
    }
}

impl std::error::Error for FrameError {}

/// Why a worker program stopped serving.
#[derive(Debug)]
pub enum WorkerError {
    /// Line `line` (counting from 1) of its input was not a valid request.
    BadFrame {
        /// The line number, from 1.
        line: usize,
        /// What was wrong with it.
        error: FrameError,
    },
    /// Reading the requests or writing the answers failed.
    Io(io::Error),
}

impl fmt::Display for WorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkerError::BadFrame { line, error } => write!(f, "line {line} of the input: {error}"),
            WorkerError::Io(err) => {
                write!(
                    f,
                    "reading the requests or writing the answers failed: {err}"
                )
            }
        }
    }
}

impl std::error::Error for WorkerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WorkerError::BadFrame { error, .. } => Some(error),
            WorkerError::Io(err) => Some(err),
        }
    }
}

impl From<io::Error> for WorkerError {
    fn from(err: io::Error) -> WorkerError {
        WorkerError::Io(err)
    }
}

/// The words of `frame` that stand where `shape` has an UPPERCASE placeholder, checking that its
/// other words are exactly the shape's.
fn values<'a, const N: usize>(
    frame: &'a str,
    shape: &'static str,
) -> Result<[&'a str; N], FrameError> {
    let bad = |problem: String| FrameError {
        frame: frame.to_owned(),
        expected: shape,
        problem,
    };
    let words: Vec<&str> = frame.split_whitespace().collect();
    let parts: Vec<&str> = shape.split(' ').collect();
    if words.len() != parts.len() {
        return Err(bad(format!(
            "it has {} words instead of {}",
            words.len(),
            parts.len()
        )));
    }
    let mut found = Vec::with_capacity(N);
    for (word, part) in words.iter().zip(&parts) {
        if part.bytes().all(|b| b.is_ascii_uppercase()) {
            found.push(*word);
        } else if word != part {
            return Err(bad(format!("`{word}` stands where `{part}` belongs")));
        }
    }
    Ok(found
        .try_into()
        .expect("every shape has as many placeholders as its caller asks for"))
}

/// The placeholder `name` of `shape`, read from `text` as a whole number.
fn number<T>(frame: &str, shape: &'static str, name: &str, text: &str) -> Result<T, FrameError>
where
    T: FromStr<Err = std::num::ParseIntError>,
{
    text.parse().map_err(|err| FrameError {
        frame: frame.to_owned(),
        expected: shape,
        problem: format!("{name} is `{text}`, which is not a valid number here ({err})"),
    })
}
