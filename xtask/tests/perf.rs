//! `cargo xtask grade` timing lesson 1 against submissions that try to game it (issue 14,
//! class 4): the reference earns its performance points with a plausible speedup; a kernel
//! that keeps its first result in a static, one that prints timing lines of its own, and one
//! that leaves a thread spinning earn nothing they did not do.

mod common;

use std::fs;
use std::path::Path;

use common::one_at_a_time;
use serde_json::Value;

/// The line of lesson 1's `Pool::map` that does the work; each cheat replaces it.
const MAP_BODY: &str = "        self.map_async(f, items, chunk_size).get()\n";

/// Whether a `map` call is the performance kernel's (64 busy tasks of about 12 million
/// rounds), not a test's: the cheats only cheat there, so every test still passes.
const IS_TIMED: &str = "
        let timed = items.len() == 64
            && (&items as &dyn std::any::Any)
                .downcast_ref::<Vec<u64>>()
                .is_some_and(|items| items[0] >= 12_000_000);
";

/// Keeps the first timed result in a static and hands it back on every later timed call.
const CACHES: &str = "
        static KEPT: std::sync::Mutex<Option<Vec<u64>>> = std::sync::Mutex::new(None);
        if timed {
            if let Some(kept) = KEPT.lock().unwrap().clone() {
                let kept: Box<dyn std::any::Any> = Box::new(kept);
                return Ok(*kept.downcast::<Vec<U>>().unwrap());
            }
        }
        let results = self.map_async(f, items, chunk_size).get()?;
        if timed {
            if let Some(results) = (&results as &dyn std::any::Any).downcast_ref::<Vec<u64>>() {
                *KEPT.lock().unwrap() = Some(results.clone());
            }
        }
        Ok(results)
";

/// Prints, on both streams, lines in the old nonce format and the runner's own, claiming a
/// huge speedup.
const PRINTS: &str = "
        if timed {
            for line in [
                \"GRADE-PERF 0000000000000000 {\\\"kernel\\\":\\\"pool_map_busy_loop\\\",\\\"correct\\\":true,\\\"reference_serial\\\":[9e0],\\\"reference_parallel\\\":[9e0],\\\"student_parallel\\\":[1e-9]}\",
                \"run pool_map_busy_loop 0 student 1e-9 0000000000000000\",
                \"end\",
            ] {
                println!(\"{line}\");
                eprintln!(\"{line}\");
            }
        }
        self.map_async(f, items, chunk_size).get()
";

/// Starts, on the first timed call, a thread that spins for ever, to slow whatever is timed
/// next in the process (in a grader that timed the reference there too, the reference).
const SPINS: &str = "
        static SPINNING: std::sync::Once = std::sync::Once::new();
        if timed {
            SPINNING.call_once(|| {
                std::thread::spawn(|| loop {
                    std::hint::spin_loop();
                });
            });
        }
        self.map_async(f, items, chunk_size).get()
";

/// Makes `dir` the reference of lesson 1 with `Pool::map`'s body replaced by `body`.
fn cheat(dir: &Path, body: &str) {
    common::submission_from_solutions(dir, &[1]);
    let pool = dir.join("lessons/lesson1/src/pool.rs");
    let text = fs::read_to_string(&pool).unwrap();
    assert_eq!(text.matches(MAP_BODY).count(), 1, "Pool::map changed");
    fs::write(&pool, text.replace(MAP_BODY, &format!("{IS_TIMED}{body}"))).unwrap();
}

#[test]
fn performance_counts_only_work_the_kernel_did() {
    let _alone = one_at_a_time();
    let work = common::fresh("perf");
    let class = work.join("class");
    common::submission_from_solutions(&class.join("reference"), &[1]);
    cheat(&class.join("caches"), CACHES);
    cheat(&class.join("prints"), PRINTS);
    cheat(&class.join("spins"), SPINS);
    let config = common::config(
        &work,
        "[limits]\ntimeout_s = 60\ntest_timeout_s = 10\n\
         [performance]\nwarmup = 1\nruns = 3\ntimeout_s = 120\n",
    );
    let graded =
        common::grade_lesson1_of_class(&class, &config, "4 submissions' lesson 1 with timing");
    let lessons = common::only_lesson_by_submission(&graded);
    let number = |lesson: &Value, key: &str| lesson[key].as_f64().unwrap_or(f64::NAN);
    let message = |lesson: &Value| lesson["message"].as_str().unwrap_or_default().to_owned();
    for (name, lesson) in &lessons {
        assert_eq!(lesson["status"], "ok", "{name}: {lesson:#}");
        assert_eq!(
            lesson["tests_passed"], lesson["tests_total"],
            "{name}: {lesson:#}"
        );
    }

    // No timing is asserted: a loaded machine may slow any run. What is checked is whether a
    // measurement was made, and that no forged number was taken for one (a real speedup is never
    // near 1000×; the forged lines claim billions).
    let forged = |lesson: &Value| {
        number(lesson, "speedup") >= 1000.0
            || message(lesson).split("measured ").skip(1).any(|rest| {
                rest.split('×').next().and_then(|n| n.parse::<f64>().ok()) >= Some(1000.0)
            })
    };

    // (a) The reference is measured.
    let reference = &lessons["reference"];
    eprintln!(
        "reference: {:.2}× (the reference's own: {:.2}×)",
        number(reference, "speedup"),
        number(reference, "reference_speedup")
    );
    assert!(
        number(reference, "reference_speedup") > 0.0 && reference["performance"].is_number(),
        "reference: {reference:#}"
    );
    assert!(!forged(reference), "reference: {reference:#}");

    // (b) A result kept from the first call is wrong for the next seed.
    let caches = &lessons["caches"];
    assert_eq!(caches["performance"], 0.0, "caches: {caches:#}");
    assert_eq!(caches["score"], 70.0, "caches: {caches:#}");
    assert!(caches["speedup"].is_null(), "caches: {caches:#}");
    for needle in [
        "kernel pool_map_busy_loop",
        "run 2 of 4",
        "kept from an earlier call",
        "does not count",
    ] {
        assert!(
            message(caches).contains(needle),
            "caches: {needle:?} not in {caches:#}"
        );
    }

    // (c) Lines the kernel prints count for nothing: what it really did is measured.
    let prints = &lessons["prints"];
    assert!(prints["performance"].is_number(), "prints: {prints:#}");
    assert!(!forged(prints), "prints: {prints:#}");

    // (d) A thread left spinning does not stop the measurement; it could only slow the
    // student's own runs, as the reference is timed in a process of its own (by design, not
    // asserted: that would be a timing assertion).
    let spins = &lessons["spins"];
    assert!(spins["performance"].is_number(), "spins: {spins:#}");
    assert!(!forged(spins), "spins: {spins:#}");
}
