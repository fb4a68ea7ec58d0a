//! The concrete commands a named command, with its placeholders, stands for.

use super::shell::words;

/// What a placeholder such as `FILTER`, `DIR` or `<models>` becomes: any value will do.
pub const ANY: &str = "<any>";

/// The concrete commands a named command stands for: `[optional parts]` left out and put in,
/// `lessonN` and `N` as every lesson, `FILTER`, `DIR` and `<placeholders>` as [`ANY`].
pub fn instances(command: &str, lessons: &[u32]) -> Vec<Vec<String>> {
    let mut forms = vec![String::new()];
    let mut rest = command;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|close| open + close) else {
            break;
        };
        let (before, optional) = (&rest[..open], &rest[open + 1..close]);
        forms = forms
            .into_iter()
            .flat_map(|form| {
                [
                    format!("{form}{before}"),
                    format!("{form}{before}{optional}"),
                ]
            })
            .collect();
        rest = &rest[close + 1..];
    }
    let mut concrete = Vec::new();
    for form in forms {
        let form = format!("{form}{rest}");
        let numbered = words(&form)
            .iter()
            .any(|word| word == "N" || word.contains("lessonN"));
        let numbers: Vec<Option<u32>> = if numbered {
            lessons.iter().copied().map(Some).collect()
        } else {
            vec![None]
        };
        for number in numbers {
            let filled: Vec<String> = words(&form)
                .into_iter()
                .map(|word| match (word.as_str(), number) {
                    ("N", Some(n)) => n.to_string(),
                    ("FILTER" | "DIR" | "PATH" | "NAME", _) => ANY.to_owned(),
                    (w, _) if w.starts_with('<') && w.ends_with('>') => ANY.to_owned(),
                    (w, Some(n)) => w.replace("lessonN", &format!("lesson{n}")),
                    (w, None) => w.to_owned(),
                })
                .collect();
            if !concrete.contains(&filled) {
                concrete.push(filled);
            }
        }
    }
    concrete
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_stand_for_every_lesson_and_any_value() {
        let forms = instances("cargo xtask progress [--lesson N]", &[1, 2]);
        let joined: Vec<String> = forms.iter().map(|w| w.join(" ")).collect();
        assert_eq!(
            joined,
            [
                "cargo xtask progress",
                "cargo xtask progress --lesson 1",
                "cargo xtask progress --lesson 2"
            ]
        );
        let seeds = instances("cargo run -p lessonN --example lessonN-seeds", &[3]);
        assert_eq!(
            seeds[0].join(" "),
            "cargo run -p lesson3 --example lesson3-seeds"
        );
        let filtered = instances("cargo xtask loom --lesson 3 FILTER", &[3]);
        assert_eq!(filtered[0].last().map(String::as_str), Some(ANY));
    }
}
