//! `cargo xtask grade` on hostile submissions (xtask/tests/fixtures/lesson1/): each gets its
//! status and a clear message without hanging the grader, no process of theirs survives, the
//! instructor's tree is unchanged, nothing they wrote is left on disk or in shared memory, none
//! of the host's listeners hears from them, and the submission after them is graded normally.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::net::{TcpListener, UdpSocket};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{SocketAddr, UnixDatagram, UnixListener};
use std::path::{Path, PathBuf};

use common::{one_at_a_time, root};
use serde_json::Value;

/// The marker of the sleepers the many_processes fixture starts.
const SLEEPER: &str = "3600.4242";
/// The world-writable file the shared_places fixture's source tries to write; replaced in the
/// submission by this test's own ([`shm_file`]), as two tests may run at once.
const SHM_FILE: &str = "/dev/shm/grade-fixture-shm";

/// This test's world-writable `/dev/shm` file.
fn shm_file() -> String {
    format!("{SHM_FILE}-{}", std::process::id())
}
/// Where the network fixture's source sends: UDP and TCP on this address, a Unix datagram
/// socket and a Unix stream socket at these paths, and a Unix datagram socket with this
/// abstract name. Each is replaced in the submission by the endpoint the test listens on.
const ENDPOINTS: [&str; 4] = [
    "127.0.0.1:47474",
    "/tmp/grade-fixture.sock",
    "/tmp/grade-fixture-stream.sock",
    "grade-fixture",
];

/// What a fixture's `expect.toml` says its grade must be.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Expected {
    /// The lesson's status.
    status: Option<String>,
    /// How many tests fail (and there is at least one test).
    failing: Option<usize>,
    /// How many tests pass.
    passed: Option<usize>,
    /// The lesson's score.
    score: Option<f64>,
    /// Text the lesson's message holds.
    message: Vec<String>,
    /// Text every failed test's name and message hold.
    every_failure: Vec<String>,
    /// Text some failed test's name and message hold.
    some_failure: Vec<String>,
    /// Instead of code: `lessons/lesson1` is a symbolic link to this path of the instructor's.
    lesson_link: Option<PathBuf>,
}

/// The fixture cases: every directory of xtask/tests/fixtures/lesson1 with its expectations.
fn cases() -> Vec<(String, Expected)> {
    let mut cases: Vec<(String, Expected)> = fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text = fs::read_to_string(entry.path().join("expect.toml"))
                .unwrap_or_else(|error| panic!("{name}/expect.toml: {error}"));
            let expected =
                toml::from_str(&text).unwrap_or_else(|error| panic!("{name}/expect.toml: {error}"));
            (name, expected)
        })
        .collect();
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    cases
}

fn fixtures() -> PathBuf {
    root().join("xtask/tests/fixtures/lesson1")
}

/// Builds the submission `dir` for `case`: from the reference solution of lesson 1 with the
/// fixture's files added to `src/` and the hostile function of its `hostile.rs` exported in
/// place of the one it replaces; or, for a `lesson_link` case, a link and no code.
fn hostile_submission(case: &str, expected: &Expected, dir: &Path, endpoints: &[String; 4]) {
    if let Some(target) = &expected.lesson_link {
        let lessons = dir.join("lessons");
        fs::create_dir_all(&lessons).unwrap();
        std::os::unix::fs::symlink(root().join(target), lessons.join("lesson1")).unwrap();
        return;
    }
    let src = dir.join("lessons/lesson1/src");
    common::copy_dir(&root().join("solutions/lesson1/src"), &src);
    for entry in fs::read_dir(fixtures().join(case)).unwrap().flatten() {
        if entry.file_name() != "expect.toml" {
            fs::copy(entry.path(), src.join(entry.file_name())).unwrap();
        }
    }
    let mut hostile = fs::read_to_string(src.join("hostile.rs")).unwrap();
    hostile = hostile.replace(&format!("\"{SHM_FILE}\""), &format!("{:?}", shm_file()));
    for (fixed, actual) in ENDPOINTS.iter().zip(endpoints) {
        hostile = hostile.replace(&format!("\"{fixed}\""), &format!("{actual:?}"));
    }
    hostile = hostile.replace("b\"grade-fixture\"", &format!("b{:?}", endpoints[3]));
    fs::write(src.join("hostile.rs"), &hostile).unwrap();
    let replaced = hostile
        .lines()
        .find_map(|line| line.strip_prefix("//! replaces: "))
        .expect("each fixture names what it replaces")
        .trim();
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut lib = lib.replace("pub mod pool;", "pub mod hostile;\npub mod pool;");
    if replaced != "nothing" {
        let before = lib.clone();
        lib = lib
            .replace(&format!(", {replaced}}}"), "}")
            .replace(&format!("{replaced}, "), "");
        assert_ne!(lib, before, "lib.rs does not re-export {replaced}");
        lib.push_str(&format!("pub use hostile::{replaced};\n"));
    }
    fs::write(src.join("lib.rs"), lib).unwrap();
}

/// Checks one case's grade against its expectations.
fn check(name: &str, expected: &Expected, lesson: &Value) {
    let text = |key: &str| lesson[key].as_str().unwrap_or_default().to_owned();
    let failures: Vec<String> = lesson["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|test| test["passed"] == false)
        .map(|test| format!("{}: {}", test["name"], test["message"]))
        .collect();
    if let Some(status) = &expected.status {
        assert_eq!(lesson["status"], status.as_str(), "{name}: {lesson:#}");
    }
    let total = lesson["tests_total"].as_u64().unwrap() as usize;
    let passed = lesson["tests_passed"].as_u64().unwrap() as usize;
    if let Some(failing) = expected.failing {
        assert!(total > 0, "{name}: {lesson:#}");
        assert_eq!(passed, total - failing, "{name}: {failures:#?}");
    }
    if let Some(expected_passed) = expected.passed {
        assert_eq!(passed, expected_passed, "{name}: {lesson:#}");
    }
    if let Some(score) = expected.score {
        assert_eq!(lesson["score"], score, "{name}: {lesson:#}");
    }
    for needle in &expected.message {
        assert!(
            text("message").contains(needle.as_str()),
            "{name}: {needle:?} not in {}",
            text("message")
        );
    }
    for needle in &expected.every_failure {
        assert!(
            !failures.is_empty() && failures.iter().all(|f| f.contains(needle.as_str())),
            "{name}: not every failure says {needle:?}: {failures:#?}"
        );
    }
    for needle in &expected.some_failure {
        assert!(
            failures.iter().any(|f| f.contains(needle.as_str())),
            "{name}: no failure says {needle:?}: {failures:#?}"
        );
    }
}

/// The contents of the instructor's files a hostile submission could aim at.
fn instructor_files() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut add = |path: PathBuf| {
        if let Ok(bytes) = fs::read(&path) {
            files.insert(path, bytes);
        }
    };
    for file in ["README.md", "Cargo.toml", "Cargo.lock", "grading.toml"] {
        add(root().join(file));
    }
    fn walk(dir: &Path, add: &mut dyn FnMut(PathBuf)) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                walk(&entry.path(), add);
            } else {
                add(entry.path());
            }
        }
    }
    for dir in [
        "lessons/lesson1",
        "solutions/lesson1",
        "tests/lesson1",
        "tests/testkit",
    ] {
        walk(&root().join(dir), &mut add);
    }
    files
}

/// Processes still running with the sleepers' marker.
fn sleepers() -> usize {
    fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|entry| {
            fs::read(entry.path().join("cmdline"))
                .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(SLEEPER))
        })
        .count()
}

/// Every `GRADE_FIXTURE_BREACH` file the writes_outside fixture could have made, removed.
fn breaches(scratch: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let crate_dir = scratch.join("lessons/lesson1");
    for dir in crate_dir.ancestors() {
        let breach = dir.join("GRADE_FIXTURE_BREACH");
        if breach.exists() {
            let _ = fs::remove_file(&breach);
            found.push(breach);
        }
    }
    let x = scratch.join("x");
    if x.exists() {
        let _ = fs::remove_file(&x);
        found.push(x);
    }
    found
}

/// The host's listeners the network fixture aims at, all non-blocking, on endpoints of this
/// test's own (another test may be listening on the fixture's).
struct Listeners {
    udp: UdpSocket,
    tcp: TcpListener,
    datagram: UnixDatagram,
    stream: UnixListener,
    abstract_datagram: UnixDatagram,
    /// Where they listen, in the order of [`ENDPOINTS`].
    endpoints: [String; 4],
}

impl Listeners {
    fn start() -> Self {
        let (udp, tcp) = (0..50)
            .find_map(|_| {
                let udp = UdpSocket::bind("127.0.0.1:0").ok()?;
                let tcp = TcpListener::bind(udp.local_addr().ok()?).ok()?;
                Some((udp, tcp))
            })
            .expect("a free port for UDP and TCP");
        let id = std::process::id();
        let endpoints = [
            udp.local_addr().unwrap().to_string(),
            format!("/tmp/grade-fixture-{id}.sock"),
            format!("/tmp/grade-fixture-stream-{id}.sock"),
            format!("grade-fixture-{id}"),
        ];
        for path in &endpoints[1..3] {
            let _ = fs::remove_file(path);
        }
        let listeners = Self {
            udp,
            tcp,
            datagram: UnixDatagram::bind(&endpoints[1]).unwrap(),
            stream: UnixListener::bind(&endpoints[2]).unwrap(),
            abstract_datagram: UnixDatagram::bind_addr(
                &SocketAddr::from_abstract_name(endpoints[3].as_bytes()).unwrap(),
            )
            .unwrap(),
            endpoints,
        };
        for path in &listeners.endpoints[1..3] {
            fs::set_permissions(path, fs::Permissions::from_mode(0o777)).unwrap();
        }
        listeners.udp.set_nonblocking(true).unwrap();
        listeners.tcp.set_nonblocking(true).unwrap();
        listeners.datagram.set_nonblocking(true).unwrap();
        listeners.stream.set_nonblocking(true).unwrap();
        listeners.abstract_datagram.set_nonblocking(true).unwrap();
        listeners
    }

    /// What reached them.
    fn heard(&self) -> Vec<String> {
        let mut heard = Vec::new();
        let mut buffer = [0; 4096];
        while let Ok(read) = self.udp.recv(&mut buffer) {
            heard.push(format!("UDP: {}", String::from_utf8_lossy(&buffer[..read])));
        }
        while let Ok((_, from)) = self.tcp.accept() {
            heard.push(format!("TCP from {from}"));
        }
        while let Ok(read) = self.datagram.recv(&mut buffer) {
            heard.push(format!(
                "Unix: {}",
                String::from_utf8_lossy(&buffer[..read])
            ));
        }
        while self.stream.accept().is_ok() {
            heard.push("a Unix stream connection".to_owned());
        }
        while let Ok(read) = self.abstract_datagram.recv(&mut buffer) {
            heard.push(format!(
                "abstract: {}",
                String::from_utf8_lossy(&buffer[..read])
            ));
        }
        for path in &self.endpoints[1..3] {
            let _ = fs::remove_file(path);
        }
        heard
    }
}

/// The System V shared memory segments of this machine, one line each.
fn sysv_segments() -> Vec<String> {
    fs::read_to_string("/proc/sysvipc/shm")
        .unwrap_or_default()
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// What grading left under target/xtask/grade*: run directories (there should be none: runs
/// write only to tmpfs) and files larger than a few MiB in the scratch copies. The documented
/// caches (each copy, each submission's target directory, the class's dependency cache) are
/// expected; a run's writes are not.
fn left_on_disk() -> Vec<String> {
    let mut found = Vec::new();
    let xtask = root().join("target/xtask");
    fn walk(dir: &Path, found: &mut Vec<String>, in_copies: bool) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if path.ends_with(".grade/run") || path.ends_with("fill") {
                    found.push(format!("a run's directory: {}", path.display()));
                }
                walk(&path, found, in_copies);
            } else if in_copies && meta.len() > 8 << 20 {
                found.push(format!("{}: {} bytes", path.display(), meta.len()));
            }
        }
    }
    for entry in fs::read_dir(&xtask).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("grade") && name != "grade-tests" {
            walk(&entry.path(), &mut found, name == "grade");
        }
    }
    found
}

#[test]
fn hostile_submissions_get_their_status_and_are_contained() {
    let _alone = one_at_a_time();
    let work = common::fresh("hostile");
    let class = work.join("class");
    let cases = cases();
    let listeners = Listeners::start();
    for (case, expected) in &cases {
        hostile_submission(case, expected, &class.join(case), &listeners.endpoints);
    }
    // Last in the class: graded after all of them, it must not notice them.
    common::submission_from_solutions(&class.join("z_complete"), &[1]);
    let config = common::config(
        &work,
        "[limits]\ntimeout_s = 20\ntest_timeout_s = 5\nrerun_budget_s = 60\ndisk_mib = 64\n\
         [performance]\nenabled = false\n",
    );
    let before = instructor_files();
    let shm = shm_file();
    fs::write(&shm, "").unwrap();
    fs::set_permissions(&shm, fs::Permissions::from_mode(0o666)).unwrap();
    let segments = sysv_segments();
    let graded = common::grade_lesson1_of_class(
        &class,
        &config,
        &format!("{} hostile submissions and a complete one", cases.len()),
    );
    let reports = common::only_lesson_by_submission(&graded);
    for (case, expected) in &cases {
        check(case, expected, &reports[case.as_str()]);
    }
    assert_eq!(
        listeners.heard(),
        Vec::<String>::new(),
        "the network got through"
    );
    let written = fs::read_to_string(&shm).unwrap();
    let _ = fs::remove_file(&shm);
    assert_eq!(written, "", "a run wrote the host's {shm}");
    assert_eq!(
        sysv_segments(),
        segments,
        "a System V segment outlived grading"
    );
    assert_eq!(
        left_on_disk(),
        Vec::<String>::new(),
        "grading left files behind"
    );
    assert_eq!(sleepers(), 0, "sleepers survived grading");
    let scratch = root().join("target/xtask/grade/writes_outside");
    assert_eq!(
        breaches(&scratch),
        Vec::<PathBuf>::new(),
        "writes got through"
    );
    let complete = &reports["z_complete"];
    assert_eq!(complete["status"], "ok", "{complete:#}");
    assert_eq!(complete["score"], 100.0, "{complete:#}");
    assert!(
        instructor_files() == before,
        "a hostile submission changed the instructor's tree"
    );
    // That it ends is the point; the sandbox's limits bound each run, so no clock is asserted
    // here (on a loaded machine the whole class took 1354 s, on a quiet one about 5 minutes).
}
