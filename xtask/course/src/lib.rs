//! What the course's tools know about the course: its lessons (`lesson.toml`), how to run cargo
//! and read libtest's output, scratch copies of the workspace, and the wording of reports.
//! Used by `cargo xtask` and by the grader.

pub mod cargo;
pub mod cmd;
pub mod lessons;
pub mod libtest;
pub mod report;
pub mod scratch;
