//! Finding and killing every process a submission started, wherever it went.
//!
//! The grader makes itself a *child subreaper* (`PR_SET_CHILD_SUBREAPER`): a process whose
//! parent dies is re-parented to the grader rather than to init, so even a process that left
//! its process group (`setsid`, a double fork) stays a descendant of the grader. After every
//! run, [`sweep`] kills the grader's descendants until none is left and reaps them. The grader
//! runs nothing else while it sweeps, so every descendant belongs to the submission.

use std::fs;
use std::thread;
use std::time::{Duration, Instant};

/// How long [`sweep`] keeps killing before it gives up on processes that will not die.
const SWEEP_LIMIT: Duration = Duration::from_secs(10);

/// Makes this process the subreaper of its descendants. Gives false when the kernel refuses;
/// then a process that leaves its group can escape [`sweep`].
pub fn become_subreaper() -> bool {
    // SAFETY: prctl with an integer argument changes only this process's attributes.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 }
}

/// One process as `/proc/PID/stat` shows it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    pid: i32,
    parent: i32,
    zombie: bool,
}

/// Every process on the machine, read from `/proc`.
fn processes() -> Vec<Entry> {
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|entry| {
        let name = entry.ok()?.file_name();
        let pid: i32 = name.to_str()?.parse().ok()?;
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        parse_stat(pid, &stat)
    })
    .collect()
}

/// Reads `PID (COMM) STATE PPID …`; COMM may hold spaces and parentheses, so the fields after
/// it are found from the last `)`.
fn parse_stat(pid: i32, stat: &str) -> Option<Entry> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?;
    let parent = fields.next()?.parse().ok()?;
    Some(Entry {
        pid,
        parent,
        zombie: state == "Z" || state == "X",
    })
}

/// The descendants of process `root` (not `root` itself), living or zombie.
fn descendants_of(root: i32, all: &[Entry]) -> Vec<Entry> {
    let mut found = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for entry in all.iter().filter(|entry| entry.parent == parent) {
            if entry.pid != root && !found.iter().any(|f: &Entry| f.pid == entry.pid) {
                found.push(*entry);
                frontier.push(entry.pid);
            }
        }
    }
    found
}

/// The living processes below this one, except `except` (the run's own child, while it is
/// still being waited for).
pub fn living_descendants(except: Option<i32>) -> Vec<i32> {
    let me = std::process::id() as i32;
    descendants_of(me, &processes())
        .into_iter()
        .filter(|entry| !entry.zombie && Some(entry.pid) != except)
        .map(|entry| entry.pid)
        .collect()
}

/// The processes a sandboxed run left running: the grader's living descendants, less
/// bubblewrap's own (they are named `bwrap`) and the run's program itself (`program`, as the
/// kernel names it, a child of bubblewrap), which may still be on its way out when bubblewrap
/// reports its end.
pub fn sandbox_leftovers(program: &str) -> usize {
    let me = std::process::id() as i32;
    let name: String = program.chars().take(15).collect();
    let comm = |pid: i32| {
        fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|text| text.trim_end().to_owned())
            .unwrap_or_default()
    };
    descendants_of(me, &processes())
        .into_iter()
        .filter(|entry| !entry.zombie)
        .filter(|entry| {
            let own = comm(entry.pid);
            own != "bwrap" && !(own == name && comm(entry.parent) == "bwrap")
        })
        .count()
}

/// Kills every descendant of this process and reaps them, until none is left or
/// [`SWEEP_LIMIT`] passes. Gives the number still alive at the end (0 when the sweep worked).
pub fn sweep() -> usize {
    let me = std::process::id() as i32;
    let started = Instant::now();
    loop {
        reap();
        let left = descendants_of(me, &processes());
        if left.is_empty() {
            return 0;
        }
        for entry in left.iter().filter(|entry| !entry.zombie) {
            // SAFETY: kill only sends a signal; every pid here is a descendant of this process.
            unsafe {
                libc::kill(entry.pid, libc::SIGKILL);
            }
        }
        if started.elapsed() > SWEEP_LIMIT {
            return left.iter().filter(|entry| !entry.zombie).count();
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Reaps every child that has ended (re-parented orphans included).
fn reap() {
    let mut status = 0;
    // SAFETY: waitpid with WNOHANG writes only to `status`; the grader waits for nothing else
    // while it sweeps, so no other waiter loses its child.
    while unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) } > 0 {}
}

/// Sends SIGKILL to every process of group `group`.
pub fn kill_group(group: i32) {
    // SAFETY: killpg only sends a signal, to the group the run's child leads.
    unsafe {
        libc::killpg(group, libc::SIGKILL);
    }
}

/// How many tasks (threads included: that is what `RLIMIT_NPROC` counts) user `uid` runs.
pub fn tasks_of_user(uid: u32) -> u64 {
    let Ok(dir) = fs::read_dir("/proc") else {
        return 0;
    };
    dir.filter_map(|entry| {
        let name = entry.ok()?.file_name();
        let pid: u32 = name.to_str()?.parse().ok()?;
        let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |key: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(key))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|value| value.parse::<u64>().ok())
        };
        (field("Uid:")? == u64::from(uid)).then(|| field("Threads:").unwrap_or(1))
    })
    .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_odd_names_are_read() {
        let entry = parse_stat(42, "42 (a (b) c) S 7 42 42 0 -1").unwrap();
        assert_eq!((entry.pid, entry.parent, entry.zombie), (42, 7, false));
        assert!(parse_stat(1, "1 (x) Z 0").unwrap().zombie);
        assert!(parse_stat(1, "garbage").is_none());
    }

    #[test]
    fn descendants_follow_parent_links() {
        let entry = |pid, parent| Entry {
            pid,
            parent,
            zombie: false,
        };
        let all = [
            entry(1, 0),
            entry(10, 1),
            entry(11, 10),
            entry(12, 11),
            entry(20, 1),
        ];
        let mut found: Vec<i32> = descendants_of(10, &all).iter().map(|e| e.pid).collect();
        found.sort_unstable();
        assert_eq!(found, [11, 12]);
    }

    #[test]
    fn this_process_counts_its_own_tasks() {
        // SAFETY: getuid has no preconditions.
        let uid = unsafe { libc::getuid() };
        assert!(tasks_of_user(uid) >= 1);
    }
}
