//! Refusing source that reaches outside its own `src/` tree when it is compiled.
//!
//! Cargo compiles a submission as the grader, so without this check a submission could compile
//! the reference solution as its own (`#[path = "/…/solutions/lesson1/src/pool.rs"] mod pool;`)
//! or embed the hidden tests in its binary (`include_str!("../../../hidden/…")`) and print
//! them. So before a lesson is built, every `.rs` file of its `src/` is read, comments left
//! out, and refused when it
//!
//! - names a file with `#[path = …]` (also in `cfg_attr`), `include!`, `include_str!`,
//!   `include_bytes!` or a debugger-visualizer attribute, unless that path is a plain string
//!   literal, relative, and inside the scratch copy of the workspace: the submission's own
//!   files and the public suites (lesson 3's stub documents itself with
//!   `include_str!("../../../tests/lesson3/rejected.md")`), never the grader's own files;
//! - mentions the assembler's `.incbin`, which embeds any file;
//! - uses assembly (`asm!`, `global_asm!`, `naked_asm!`) or a linker attribute (`link_section`,
//!   `used`, `no_mangle`, `export_name`, `linkage`, `naked`): with them, code can run before the
//!   test harness's `main` (an `.init_array` entry) or replace the harness's own functions, and
//!   so print test results the harness never gave. No lesson needs them.
//!
//! Relative paths are taken from `src/` itself, the shallowest place a file of the crate can
//! be, so a path that stays inside from there stays inside from anywhere deeper.
//!
//! A refused lesson counts as not compiling, with the place and the reason in its message.

use std::ffi::OsStr;
use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

use super::workspace::GRADE_DIR;

/// The attribute keys whose value is a file the compiler reads.
const PATH_KEYS: &[&str] = &["path", "natvis_file", "gdb_script_file"];
/// The sentence for `.incbin`.
const INCBIN: &str = "the assembler's .incbin embeds a file, which grading does not allow";
/// The macros that read a file.
const INCLUDE_MACROS: &[&str] = &["include", "include_str", "include_bytes"];
/// The macros that write assembly.
const ASSEMBLY_MACROS: &[&str] = &["asm", "global_asm", "naked_asm"];
/// The attributes that place code or data where the linker, not Rust, decides when it runs.
const LINKER_ATTRIBUTES: &[&str] = &[
    "link_section",
    "used",
    "no_mangle",
    "export_name",
    "linkage",
    "naked",
];
/// Why assembly and linker attributes are refused.
const LINKER_TRICK: &str = "can run code before the test harness starts or replace its \
                            functions (and so forge test results), which grading does not allow; \
                            no exercise needs it";

/// What a character of a source file is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Code,
    Literal,
    Comment,
}

/// Checks the submission's files (path relative to `src/`, the file); gives one sentence per
/// problem, such as `src/lib.rs:3: #[path = "/x.rs"] names a file outside src/`.
pub fn check(files: &[(PathBuf, PathBuf)]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (relative, file) in files {
        if relative.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let bytes = fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let shown = Path::new("src").join(relative);
        for (line, problem) in check_source(&text) {
            problems.push(format!("{}:{line}: {problem}", shown.display()));
        }
    }
    Ok(problems)
}

/// The problems of one file's source, with their line numbers.
fn check_source(text: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let kinds = classify(&chars);
    let line_of = |index: usize| chars[..index].iter().filter(|&&c| c == '\n').count() + 1;
    let mut problems = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        if kinds[index] != Kind::Code {
            index += 1;
            continue;
        }
        if chars[index] == '#' {
            if let Some((end, found)) = attribute(&chars, &kinds, index) {
                problems.extend(found.into_iter().map(|p| (line_of(index), p)));
                index = end;
                continue;
            }
        }
        if starts_identifier(&chars, index) {
            let word = identifier(&chars, index);
            let after = index + word.len();
            if word.eq_ignore_ascii_case("incbin") {
                problems.push((line_of(index), INCBIN.to_owned()));
            } else if ASSEMBLY_MACROS.contains(&word.as_str())
                && next_code(&chars, &kinds, after) == Some('!')
            {
                problems.push((line_of(index), format!("{word}! {LINKER_TRICK}")));
            } else if INCLUDE_MACROS.contains(&word.as_str())
                && next_code(&chars, &kinds, after) == Some('!')
            {
                if let Some(problem) = include_argument(&chars, &kinds, after, &word) {
                    problems.push((line_of(index), problem));
                }
            }
            index = after;
            continue;
        }
        index += 1;
    }
    // `.incbin` may also hide in a string: an `asm!` template.
    for (start, _) in text.match_indices(".incbin") {
        let index = text[..start].chars().count();
        if kinds.get(index) == Some(&Kind::Literal) {
            problems.push((line_of(index), INCBIN.to_owned()));
        }
    }
    problems
}

/// Marks each character as code, inside a literal (quotes included), or inside a comment.
fn classify(chars: &[char]) -> Vec<Kind> {
    let mut kinds = vec![Kind::Code; chars.len()];
    let mut index = 0;
    let mark = |kinds: &mut Vec<Kind>, from: usize, to: usize, kind: Kind| {
        for k in &mut kinds[from..to.min(chars.len())] {
            *k = kind;
        }
    };
    while index < chars.len() {
        let rest = &chars[index..];
        let end = if rest.starts_with(&['/', '/']) {
            let end = rest
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| index + p);
            mark(&mut kinds, index, end, Kind::Comment);
            end
        } else if rest.starts_with(&['/', '*']) {
            let end = block_comment_end(chars, index);
            mark(&mut kinds, index, end, Kind::Comment);
            end
        } else if let Some(end) = raw_string_end(chars, index) {
            mark(&mut kinds, index, end, Kind::Literal);
            end
        } else if chars[index] == '"' {
            let end = quoted_end(chars, index, '"');
            mark(&mut kinds, index, end, Kind::Literal);
            end
        } else if chars[index] == '\'' && is_char_literal(chars, index) {
            let end = quoted_end(chars, index, '\'');
            mark(&mut kinds, index, end, Kind::Literal);
            end
        } else {
            index + 1
        };
        index = end.max(index + 1);
    }
    kinds
}

/// The end (exclusive) of the possibly nested block comment starting at `start`.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut index = start;
    while index + 1 < chars.len() {
        match (chars[index], chars[index + 1]) {
            ('/', '*') => {
                depth += 1;
                index += 2;
            }
            ('*', '/') => {
                depth -= 1;
                index += 2;
                if depth == 0 {
                    return index;
                }
            }
            _ => index += 1,
        }
    }
    chars.len()
}

/// The end of a raw string (`r"…"`, `br#"…"#`, `cr"…"`) starting at `start`, if one does.
fn raw_string_end(chars: &[char], start: usize) -> Option<usize> {
    if start > 0 && is_identifier_char(chars[start - 1]) {
        return None;
    }
    let mut index = start;
    if matches!(chars.get(index), Some('b' | 'c')) {
        index += 1;
    }
    if chars.get(index) != Some(&'r') {
        return None;
    }
    index += 1;
    let hashes = chars[index..].iter().take_while(|&&c| c == '#').count();
    index += hashes;
    if chars.get(index) != Some(&'"') {
        return None;
    }
    index += 1;
    while index < chars.len() {
        if chars[index] == '"'
            && chars[index + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(index + 1 + hashes);
        }
        index += 1;
    }
    Some(chars.len())
}

/// The end of a literal quoted by `quote` starting at `start`, honouring backslash escapes.
fn quoted_end(chars: &[char], start: usize, quote: char) -> usize {
    let mut index = start + 1;
    while index < chars.len() {
        match chars[index] {
            '\\' => index += 2,
            c if c == quote => return index + 1,
            _ => index += 1,
        }
    }
    chars.len()
}

/// Whether the `'` at `index` starts a character literal rather than a lifetime.
fn is_char_literal(chars: &[char], index: usize) -> bool {
    match chars.get(index + 1) {
        Some('\\') => true,
        Some(_) => chars.get(index + 2) == Some(&'\''),
        None => false,
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn starts_identifier(chars: &[char], index: usize) -> bool {
    (chars[index].is_alphabetic() || chars[index] == '_')
        && (index == 0 || !is_identifier_char(chars[index - 1]))
}

fn identifier(chars: &[char], start: usize) -> String {
    chars[start..]
        .iter()
        .take_while(|&&c| is_identifier_char(c))
        .collect()
}

/// The index of the next code character at or after `index` that is not white space.
fn skip_space(chars: &[char], kinds: &[Kind], mut index: usize) -> usize {
    while index < chars.len() && (chars[index].is_whitespace() || kinds[index] == Kind::Comment) {
        index += 1;
    }
    index
}

fn next_code(chars: &[char], kinds: &[Kind], index: usize) -> Option<char> {
    chars.get(skip_space(chars, kinds, index)).copied()
}

/// Reads the plain string literal starting at `index`: its text, and the index after it.
/// `None` when there is none there, or it has escapes or is raw (the path is then not plain).
fn plain_literal(chars: &[char], kinds: &[Kind], index: usize) -> Option<(String, usize)> {
    if chars.get(index) != Some(&'"') || kinds[index] != Kind::Literal {
        return None;
    }
    let end = quoted_end(chars, index, '"');
    let text: String = chars[index + 1..end.saturating_sub(1)].iter().collect();
    (!text.contains('\\')).then_some((text, end))
}

/// Why `path`, relative to a lesson's `src/` (`lessons/lessonN/src`), may not be read, or
/// `None` for a path inside the workspace copy.
fn outside(path: &str) -> Option<&'static str> {
    let path = Path::new(path);
    if path.is_absolute() || path.to_string_lossy().contains(':') {
        return Some("is absolute");
    }
    let mut place = vec![
        OsStr::new("lessons"),
        OsStr::new("lessonN"),
        OsStr::new("src"),
    ];
    for component in path.components() {
        match component {
            Component::ParentDir if place.pop().is_none() => {
                return Some("leaves the workspace");
            }
            Component::ParentDir => {}
            Component::Normal(name) => place.push(name),
            _ => {}
        }
    }
    (place.first() == Some(&OsStr::new(GRADE_DIR))).then_some("leads into the grader's files")
}

/// The sentence for a path that reaches outside.
fn refused(what: &str, why: &str) -> String {
    format!(
        "{what} names a file outside the graded workspace (the path {why}), which grading \
         does not allow"
    )
}

/// The sentence for a path that is not a plain string literal.
fn not_plain(what: &str) -> String {
    format!(
        "{what} takes something other than a plain relative path in quotes (a macro, a raw \
         string, escapes), which grading does not allow"
    )
}

/// Checks the argument of the include macro `name` whose `!` follows `after`.
fn include_argument(chars: &[char], kinds: &[Kind], after: usize, name: &str) -> Option<String> {
    let bang = skip_space(chars, kinds, after);
    let open = skip_space(chars, kinds, bang + 1);
    if !matches!(chars.get(open), Some('(' | '[' | '{')) {
        return None;
    }
    let literal = skip_space(chars, kinds, open + 1);
    match plain_literal(chars, kinds, literal) {
        Some((path, _)) => outside(&path).map(|why| refused(&format!("{name}!(\"{path}\")"), why)),
        None => Some(not_plain(&format!("{name}!"))),
    }
}

/// Reads the attribute starting at the `#` at `start`: where it ends, and its problems.
/// `None` when no attribute starts there.
fn attribute(chars: &[char], kinds: &[Kind], start: usize) -> Option<(usize, Vec<String>)> {
    let mut index = skip_space(chars, kinds, start + 1);
    if chars.get(index) == Some(&'!') {
        index = skip_space(chars, kinds, index + 1);
    }
    if chars.get(index) != Some(&'[') {
        return None;
    }
    let open = index;
    let mut depth = 0;
    let mut end = chars.len();
    while index < chars.len() {
        if kinds[index] == Kind::Code {
            match chars[index] {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = index + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        index += 1;
    }
    let mut problems = Vec::new();
    let mut index = open;
    while index < end {
        if kinds[index] == Kind::Code && starts_identifier(chars, index) {
            let word = identifier(chars, index);
            let after = index + word.len();
            if LINKER_ATTRIBUTES.contains(&word.as_str()) {
                problems.push(format!("the attribute `{word}` {LINKER_TRICK}"));
            } else if PATH_KEYS.contains(&word.as_str())
                && next_code(chars, kinds, after) == Some('=')
            {
                let value = skip_space(chars, kinds, skip_space(chars, kinds, after) + 1);
                if let Some((path, _)) = plain_literal(chars, kinds, value) {
                    if let Some(why) = outside(&path) {
                        problems.push(refused(&format!("{word} = \"{path}\""), why));
                    }
                } else if chars.get(value) == Some(&'"') || kinds.get(value) == Some(&Kind::Literal)
                {
                    problems.push(not_plain(&format!("{word} =")));
                }
            }
            index = after;
        } else {
            index += 1;
        }
    }
    Some((end, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(source: &str) -> Vec<String> {
        check_source(source)
            .into_iter()
            .map(|(line, p)| format!("{line}: {p}"))
            .collect()
    }

    #[test]
    fn ordinary_code_passes() {
        let source = r##"
//! Docs that say #[path = "/etc/passwd"] and include_str!("/etc/shadow").
/* block /* nested */ include!("../x.rs") */
#[path = "helpers/mod.rs"]
mod helpers;
#[doc = include_str!("notes.md")]
#[doc = include_str!("../../../tests/lesson3/rejected.md")]
pub fn f<'a>(x: &'a str) -> &'a str {
    let path = "/tmp/../x";
    let s = "include_str!(\"/etc/passwd\")";
    let c = '"';
    let r = r#"#[path = "/x"]"#;
    x
}
"##;
        assert_eq!(problems(source), Vec::<String>::new());
    }

    #[test]
    fn paths_outside_src_are_refused() {
        let found = problems(
            "#[path = \"/work/solutions/lesson1/src/pool.rs\"]\nmod pool;\n\
             #[cfg_attr(all(), path = \"../../../../solutions/x.rs\")]\nmod x;\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("1: path = \"/work/solutions"),
            "{found:?}"
        );
        assert!(found[0].contains("is absolute"));
        assert!(
            found[1].starts_with("3: path = \"../../../../solutions/x.rs\""),
            "{found:?}"
        );
        assert!(found[1].contains("leaves the workspace"));
    }

    #[test]
    fn includes_outside_src_are_refused() {
        let found = problems(
            "const A: &str = include_str!(\"/etc/passwd\");\n\
             const B: &[u8] = include_bytes! ( \"../../../../hidden/lesson1/extra.rs\" );\n\
             const C: &str = include_str!(concat!(\"/et\", \"c/passwd\"));\n\
             const D: &str = include_str!(r\"/etc/passwd\");\n\
             include!(\"more.rs\");\n\
             include!(\"../../../.grade/perf/lesson1/src/main.rs\");\n",
        );
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(
            found[0].starts_with("1: include_str!(\"/etc/passwd\")"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("2: include_bytes!(\"../../../../hidden"),
            "{found:?}"
        );
        assert!(
            found[2].starts_with("3: include_str! takes something other than a plain"),
            "{found:?}"
        );
        assert!(
            found[3].starts_with("4: include_str! takes something other"),
            "{found:?}"
        );
    }

    #[test]
    fn incbin_is_refused_even_in_a_string() {
        let found = problems("const T: &str = \".incbin \\\"/etc/passwd\\\"\";\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains(".incbin"));
    }

    #[test]
    fn code_that_runs_before_main_is_refused() {
        let found = problems(
            "#[unsafe(link_section = \".init_array\")]\n#[used]\nstatic F: extern \"C\" fn() = f;\n\
             #[unsafe(no_mangle)]\npub extern \"C\" fn exit() {}\n\
             #[unsafe(export_name = \"main\")]\nfn g() {}\n\
             std::arch::global_asm!(\".pushsection .init_array\");\n\
             unsafe { core::arch::asm!(\"nop\") }\n",
        );
        assert_eq!(found.len(), 6, "{found:?}");
        assert!(
            found[0].starts_with("1: the attribute `link_section`"),
            "{found:?}"
        );
        assert!(found[1].starts_with("2: the attribute `used`"), "{found:?}");
        assert!(
            found[2].starts_with("4: the attribute `no_mangle`"),
            "{found:?}"
        );
        assert!(
            found[3].starts_with("6: the attribute `export_name`"),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.starts_with("8: global_asm!")),
            "{found:?}"
        );
        assert!(found.iter().any(|p| p.starts_with("9: asm!")), "{found:?}");
        assert!(problems("#[allow(unused)]\nfn used() -> u8 { let asm = 1; asm }\n").is_empty());
    }

    #[test]
    fn files_are_named_with_their_line() {
        let dir = std::env::temp_dir().join(format!("xtask-vet-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("lib.rs"), "\n#[path = \"/x.rs\"]\nmod x;\n").unwrap();
        fs::write(dir.join("notes.md"), "include_str!(\"/etc/passwd\")").unwrap();
        let files = vec![
            (PathBuf::from("lib.rs"), dir.join("lib.rs")),
            (PathBuf::from("notes.md"), dir.join("notes.md")),
        ];
        let found = check(&files).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("src/lib.rs:2: path = \"/x.rs\""),
            "{found:?}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
