//! Turning test results and timings into points.

use super::config::Scoring;
use super::model::round;

/// What became of a lesson's performance.
#[derive(Debug, Clone, PartialEq)]
pub enum Performance {
    /// The lesson has no kernels (or performance is switched off): correctness alone counts,
    /// scaled to the lesson's full points.
    NotGraded,
    /// Not measured: a test fails, or there is no reference to compare with.
    NotMeasured,
    /// Timed.
    Measured {
        /// Reference serial / student parallel.
        speedup: f64,
        /// Reference serial / reference parallel.
        reference_speedup: f64,
    },
    /// Measuring failed in the submission's code (a wrong result, a timeout, a crash): no
    /// performance points.
    Failed,
}

/// The share of performance points a speedup earns:
/// `min(1, speedup / (threshold × reference_speedup))`, and 0 for nonsense timings.
pub fn performance_share(speedup: f64, reference_speedup: f64, threshold: f64) -> f64 {
    let share = speedup / (threshold * reference_speedup);
    if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// How far above the thread count a speedup may be before it is impossible: a little for
/// cache effects and timing noise, far less than a result kept from an earlier call gives.
pub const IMPOSSIBLE_TOLERANCE: f64 = 1.25;

/// Whether `speedup` on `threads` threads cannot be real: above `threads` ×
/// [`IMPOSSIBLE_TOLERANCE`], or not a number. Such a kernel earns no performance points.
pub fn impossible(speedup: f64, threads: usize) -> bool {
    speedup.is_nan() || speedup > threads.max(1) as f64 * IMPOSSIBLE_TOLERANCE
}

/// A lesson's points, its correctness and its performance share as reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LessonPoints {
    /// The share of tests passed, 0 to 1.
    pub correctness: f64,
    /// The performance share, `None` when not measured.
    pub performance: Option<f64>,
    /// The points.
    pub score: f64,
}

/// Scores a lesson with `passed` of `total` tests passing.
pub fn lesson(
    scoring: &Scoring,
    passed: usize,
    total: usize,
    performance: &Performance,
) -> LessonPoints {
    let correctness = if total == 0 {
        0.0
    } else {
        passed as f64 / total as f64
    };
    let full = scoring.correctness + scoring.performance;
    let (share, score) = match performance {
        Performance::NotGraded => (None, correctness * full),
        Performance::NotMeasured => (None, correctness * scoring.correctness),
        Performance::Failed => (Some(0.0), correctness * scoring.correctness),
        Performance::Measured {
            speedup,
            reference_speedup,
        } => {
            let share = performance_share(*speedup, *reference_speedup, scoring.threshold);
            (
                Some(share),
                correctness * scoring.correctness + share * scoring.performance,
            )
        }
    };
    LessonPoints {
        correctness: round(correctness, 4),
        performance: share.map(|share| round(share, 4)),
        score: round(score, 2),
    }
}

/// A submission's score: the mean of its lessons' scores (0 with no lesson).
pub fn submission(lesson_scores: &[f64]) -> f64 {
    if lesson_scores.is_empty() {
        return 0.0;
    }
    round(
        lesson_scores.iter().sum::<f64>() / lesson_scores.len() as f64,
        2,
    )
}

/// The geometric mean, which combines ratios such as speedups of several kernels.
pub fn geometric_mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scoring() -> Scoring {
        Scoring::default()
    }

    #[test]
    fn performance_follows_the_issue_formula() {
        assert_eq!(performance_share(1.9, 1.95, 0.8), 1.0);
        let half = performance_share(0.78, 1.95, 0.8);
        assert!((half - 0.5).abs() < 1e-9, "{half}");
        assert_eq!(performance_share(f64::NAN, 1.0, 0.8), 0.0);
        assert_eq!(performance_share(1.0, 0.0, 0.8), 0.0);
    }

    #[test]
    fn speedups_above_the_threads_are_impossible() {
        assert!(!impossible(1.9, 2));
        assert!(!impossible(2.5, 2));
        assert!(impossible(2.51, 2));
        assert!(impossible(30810.0, 2));
        assert!(impossible(1.3, 1));
        assert!(!impossible(9.0, 8));
        assert!(impossible(f64::INFINITY, 64));
        assert!(impossible(f64::NAN, 2));
    }

    #[test]
    fn lessons_score_correctness_and_performance() {
        let measured = Performance::Measured {
            speedup: 1.9,
            reference_speedup: 1.95,
        };
        let all = lesson(&scoring(), 14, 14, &measured);
        assert_eq!(
            (all.correctness, all.performance, all.score),
            (1.0, Some(1.0), 100.0)
        );

        let some = lesson(&scoring(), 12, 14, &Performance::NotMeasured);
        assert_eq!(some.correctness, 0.8571);
        assert_eq!(some.performance, None);
        assert_eq!(some.score, 60.0);

        let without_kernels = lesson(&scoring(), 7, 14, &Performance::NotGraded);
        assert_eq!(without_kernels.score, 50.0);

        let wrong = lesson(&scoring(), 14, 14, &Performance::Failed);
        assert_eq!((wrong.performance, wrong.score), (Some(0.0), 70.0));

        let nothing = lesson(&scoring(), 0, 0, &Performance::NotMeasured);
        assert_eq!(nothing.score, 0.0);
    }

    #[test]
    fn submissions_average_their_lessons() {
        assert_eq!(submission(&[100.0, 50.0, 0.0]), 50.0);
        assert_eq!(submission(&[]), 0.0);
        let mean = geometric_mean(&[2.0, 8.0]);
        assert!((mean - 4.0).abs() < 1e-9);
    }
}
