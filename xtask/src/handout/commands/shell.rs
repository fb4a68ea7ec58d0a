//! Command lines read as a shell reads them, as far as the check needs.

/// `line` as a command when it runs cargo: without a trailing `# comment`, whitespace
/// collapsed. Variables set before `cargo` (`RUSTFLAGS="--cfg loom" cargo …`) are kept.
pub fn shell_command(line: &str) -> Option<String> {
    let line = match line.find(" #") {
        Some(comment) => &line[..comment],
        None => line,
    };
    let words = words(line);
    let first_program = words.iter().find(|word| !is_assignment(word))?;
    (first_program == "cargo" && words.len() > 1)
        .then(|| line.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether a shell word sets a variable (`NAME=value`).
pub fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    })
}

/// A command line split into words as a shell would, quotes removed.
pub fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_default().push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    words
}
