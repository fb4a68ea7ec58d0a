//! The JSON report: one object per submission, an array of them for several.

use anyhow::Result;

use crate::model::SubmissionReport;

/// `reports` as JSON.
pub fn render(reports: &[SubmissionReport]) -> Result<String> {
    let mut text = match reports {
        [one] => serde_json::to_string_pretty(one)?,
        many => serde_json::to_string_pretty(many)?,
    };
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn one_object_per_submission_with_the_issue_fields() {
        let class = sample::class();
        let one: serde_json::Value = serde_json::from_str(&render(&class[..1]).unwrap()).unwrap();
        assert_eq!(one["submission"], "alice");
        assert_eq!(one["score"], 50.0);
        let lesson = &one["lessons"][0];
        let mut keys: Vec<&str> = lesson
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "correctness",
                "lesson",
                "message",
                "performance",
                "reference_speedup",
                "score",
                "speedup",
                "status",
                "tests",
                "tests_passed",
                "tests_total"
            ]
        );
        assert_eq!(lesson["status"], "ok");
        assert_eq!(lesson["tests"][1]["hidden"], true);
        assert_eq!(one["lessons"][1]["status"], "compile_error");
        assert!(one["lessons"][1]["speedup"].is_null());

        let many: serde_json::Value = serde_json::from_str(&render(&class).unwrap()).unwrap();
        assert_eq!(many.as_array().unwrap().len(), 2);
    }
}
