//! The machine a run is measured on, as a recorded reference run describes it.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::cmd::Cmd;
use crate::report::plural;

/// The machine a [`Recorded`] run came from.
///
/// [`Recorded`]: super::recorded::Recorded
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    /// The CPU's model name, as /proc/cpuinfo gives it.
    pub cpu: String,
    /// The threads the run could use (`available_parallelism`).
    pub logical_cores: usize,
    /// The operating system and its kernel release.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// The day of the run, `YYYY-MM-DD` in UTC.
    pub date: String,
    /// The 1, 5 and 15 minute load averages when the run ended (Linux), as a hint of how busy
    /// the machine was; empty where unknown.
    pub load_average: String,
    /// The same when the run started (empty in files recorded before this field existed).
    #[serde(default)]
    pub load_average_at_start: String,
}

impl Machine {
    /// This machine, now, at the end of a run that started with `load_at_start` (from
    /// [`load_average`]).
    pub fn here(root: &Path, load_at_start: String) -> Machine {
        let cpu = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|line| line.starts_with("model name"))
                    .and_then(|line| line.split_once(':'))
                    .map(|(_, name)| name.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".to_owned());
        let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let distribution = fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|line| line.strip_prefix("PRETTY_NAME="))
                    .map(|name| name.trim_matches('"').to_owned())
            })
            .map(|name| format!(" ({name})"))
            .unwrap_or_default();
        let rustc = Cmd::new("rustc", root)
            .arg("--version")
            .run()
            .ok()
            .filter(|output| output.success())
            .map(|output| output.stdout().trim().to_owned())
            .unwrap_or_else(|| "unknown rustc".to_owned());
        Machine {
            cpu,
            logical_cores: available_threads(),
            os: format!("{} {}{distribution}", std::env::consts::OS, kernel.trim()),
            rustc,
            date: utc_date(SystemTime::now()),
            load_average: load_average(),
            load_average_at_start: load_at_start,
        }
    }

    /// One line: `Intel(R) Xeon(R) …, 2 logical cores, linux 6.1.0 (…), rustc 1.95.0 (…), on
    /// 2026-12-02 (load 1.1 1.4 1.3 at the start, 1.9 1.2 0.8 at the end)`.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{}, {}, {}, {}, on {}",
            self.cpu,
            plural(self.logical_cores, "logical core"),
            self.os,
            self.rustc,
            self.date
        );
        match (
            self.load_average_at_start.as_str(),
            self.load_average.as_str(),
        ) {
            ("", "") => {}
            ("", end) => {
                let _ = write!(text, " (load {end} at the end)");
            }
            (start, end) => {
                let _ = write!(text, " (load {start} at the start, {end} at the end)");
            }
        }
        text
    }
}

/// The 1, 5 and 15 minute load averages, `1.95 1.20 0.80` (Linux; empty elsewhere).
pub(super) fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// `YYYY-MM-DD` of `time` in UTC.
fn utc_date(time: SystemTime) -> String {
    let seconds = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The Gregorian date `days` after 1970-01-01, counting in 400-year eras of 146 097 days
/// whose years start on 1 March, so that the leap day falls at the end of a year.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub(super) fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_dates_in_utc() {
        let at = |seconds: u64| {
            utc_date(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
        };
        assert_eq!(at(0), "1970-01-01");
        assert_eq!(at(951_782_400), "2000-02-29");
        assert_eq!(at(1_796_169_600), "2026-12-02");
        assert_eq!(at(4_107_542_400), "2100-03-01");
    }
}
