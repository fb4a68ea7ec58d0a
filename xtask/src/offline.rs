//! Checking that built HTML and CSS read offline: nothing they load comes from the network.
//!
//! Students may read the book on a train, so every script, stylesheet, font and image must be
//! part of the build. A remote reference that only navigates (`<a href="https://…">`) is fine.
//! The scanner is deliberately small: it reads tags and their attributes, skips comments and
//! the insides of `<script>`, and reads `<style>` blocks and `style` attributes as CSS.

use std::collections::HashSet;

/// One remote reference that a page would load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The 1-based line it is on.
    pub line: usize,
    /// The reference as written, such as `<script src="https://cdn.example/x.js">`.
    pub reference: String,
}

/// Whether `url` points to another host: `http://`, `https://` or protocol-relative `//`.
pub fn is_remote(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")
}

/// `rel` values of a `<link>` that load nothing, so a remote `href` on them is harmless.
const NON_LOADING_RELS: &[&str] = &[
    "alternate",
    "author",
    "bookmark",
    "canonical",
    "external",
    "help",
    "license",
    "me",
    "next",
    "nofollow",
    "noopener",
    "noreferrer",
    "prev",
    "search",
];

/// Attributes that make the browser fetch what they name.
const LOADING_ATTRS: &[&str] = &["src", "srcset", "poster"];

/// The remote resources an HTML page would load.
pub fn scan_html(html: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for tag in tags(html) {
        for (name, value) in &tag.attrs {
            let loads =
                LOADING_ATTRS.contains(&name.as_str()) && value.split([' ', ',']).any(is_remote);
            let stylesheet = tag.name == "link" && name == "href" && is_remote(value) && {
                let rel = tag.attr("rel").unwrap_or("").to_ascii_lowercase();
                rel.split_whitespace()
                    .any(|r| !NON_LOADING_RELS.contains(&r))
                    || rel.trim().is_empty()
            };
            if loads || stylesheet {
                let rel = match tag.attr("rel") {
                    Some(rel) if stylesheet => format!(" rel=\"{rel}\""),
                    _ => String::new(),
                };
                findings.push(Finding {
                    line: line_of(html, tag.start),
                    reference: format!("<{}{rel} {name}=\"{value}\">", tag.name),
                });
            }
            if name == "style" {
                push_css(&mut findings, html, value);
            }
        }
        if let Some(css) = tag.style_body {
            push_css(&mut findings, html, css);
        }
    }
    findings.sort_by_key(|finding| finding.line);
    findings
}

/// The remote resources a stylesheet would load: `url(http…)` and `@import "http…"`.
pub fn scan_css(css: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    push_css(&mut findings, css, css);
    findings.sort_by_key(|finding| finding.line);
    findings
}

/// The `id` attributes of a page: the anchors a link can point to.
pub fn ids(html: &str) -> HashSet<String> {
    tags(html)
        .filter_map(|tag| tag.attr("id").map(str::to_owned))
        .collect()
}

/// Scans `css`, a part of `whole`, and records findings with their line in `whole`.
fn push_css(findings: &mut Vec<Finding>, whole: &str, css: &str) {
    // `css` is a slice of `whole`: its distance from the start gives the line numbers.
    let offset = (css.as_ptr() as usize)
        .checked_sub(whole.as_ptr() as usize)
        .filter(|&offset| offset <= whole.len())
        .unwrap_or(0);
    let css = blank_comments(css);
    let lower = css.to_ascii_lowercase();
    for (at, _) in lower.match_indices("url(") {
        let rest = &css[at + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        let url = rest[..end].trim().trim_matches(['"', '\'']);
        if is_remote(url) {
            findings.push(Finding {
                line: line_of(whole, offset + at),
                reference: format!("url({url})"),
            });
        }
    }
    for (at, _) in lower.match_indices("@import") {
        let rest = css[at + 7..].trim_start();
        if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let url = rest[1..].split(quote).next().unwrap_or("");
            if is_remote(url) {
                findings.push(Finding {
                    line: line_of(whole, offset + at),
                    reference: format!("@import \"{url}\""),
                });
            }
        }
    }
}

/// `css` with each `/* … */` comment replaced by spaces (newlines kept), so offsets still
/// match the original.
fn blank_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after[2..].find("*/").map_or(after.len(), |e| e + 4);
        for c in after[..end].chars() {
            if c == '\n' {
                out.push('\n');
            } else {
                // As many spaces as the character has bytes, so offsets stay the same.
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// An opening tag with its attributes.
struct Tag<'a> {
    /// The tag name, lower case.
    name: String,
    /// Attribute names (lower case) and values.
    attrs: Vec<(String, &'a str)>,
    /// The byte offset of its `<`.
    start: usize,
    /// For `<style>`: its contents.
    style_body: Option<&'a str>,
}

impl Tag<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(attr, _)| attr == name)
            .map(|(_, value)| *value)
    }
}

/// The opening tags of `html`, skipping comments and the contents of `<script>`.
fn tags(html: &str) -> impl Iterator<Item = Tag<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let start = at + html[at..].find('<')?;
            let rest = &html[start..];
            if rest.starts_with("<!--") {
                at = rest.find("-->").map_or(html.len(), |end| start + end + 3);
                continue;
            }
            let name_len = rest[1..]
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                .unwrap_or(rest.len() - 1);
            if name_len == 0 || !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
                at = start + 1;
                continue;
            }
            let name = rest[1..=name_len].to_ascii_lowercase();
            let (attrs, end) = attributes(html, start + 1 + name_len);
            at = end;
            let mut style_body = None;
            if name == "script" || name == "style" {
                let close = format!("</{name}");
                let body_end = find_ignore_case(&html[at..], &close).map_or(html.len(), |e| at + e);
                if name == "style" {
                    style_body = Some(&html[at..body_end]);
                }
                at = body_end;
            }
            return Some(Tag {
                name,
                attrs,
                start,
                style_body,
            });
        }
    })
}

/// Reads attributes from `from` up to the tag's `>`; gives them and the offset after `>`.
fn attributes(html: &str, from: usize) -> (Vec<(String, &str)>, usize) {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = from;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attrs, i);
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < bytes.len() && !b" \t\r\n=>/".contains(&bytes[i]) {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = &html[i..i];
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let value_start = i + 1;
                i = value_start;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
                value = &html[value_start..i];
                i = (i + 1).min(bytes.len());
            } else {
                let value_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = &html[value_start..i];
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn references(findings: &[Finding]) -> Vec<(usize, &str)> {
        findings
            .iter()
            .map(|f| (f.line, f.reference.as_str()))
            .collect()
    }

    #[test]
    fn local_pages_pass() {
        let page = r#"<!DOCTYPE html>
<html><head>
<link rel="stylesheet" href="css/general.css">
<link rel="icon" href="favicon.svg">
<link rel="canonical" href="https://example.org/lesson1.html">
<script src="book.js"></script>
<script>var x = "<link rel=stylesheet href='https://cdn.example/x.css'>";</script>
<style>body { background: url("img/bg.png"); }</style>
</head><body>
<a href="https://doc.rust-lang.org/std/">std</a>
<!-- <script src="https://cdn.example/old.js"></script> -->
<pre><code>&lt;script src="https://cdn.example/x.js"&gt;</code></pre>
<img src="data:image/png;base64,AAAA" alt="">
<p>2 < 3 and a <b>bold</b> claim</p>
</body></html>"#;
        assert_eq!(scan_html(page), []);
    }

    #[test]
    fn remote_loads_are_found_with_their_line() {
        let page = "<html><head>\n\
            <script src=\"https://cdn.example/mathjax.js\"></script>\n\
            <LINK REL=stylesheet HREF='http://fonts.example/css?family=Open+Sans'>\n\
            <link rel=\"preconnect\" href=\"//fonts.example\">\n\
            <style>\n@import \"https://fonts.example/a.css\";\n\
            body { font: url( 'https://fonts.example/a.woff2' ) }</style>\n\
            </head><body><div style=\"background:url(https://img.example/bg.png)\">\n\
            <img srcset=\"a.png 1x, https://img.example/b.png 2x\">\n\
            </div></body></html>";
        assert_eq!(
            references(&scan_html(page)),
            [
                (2, "<script src=\"https://cdn.example/mathjax.js\">"),
                (
                    3,
                    "<link rel=\"stylesheet\" href=\"http://fonts.example/css?family=Open+Sans\">"
                ),
                (4, "<link rel=\"preconnect\" href=\"//fonts.example\">"),
                (6, "@import \"https://fonts.example/a.css\""),
                (7, "url(https://fonts.example/a.woff2)"),
                (8, "url(https://img.example/bg.png)"),
                (9, "<img srcset=\"a.png 1x, https://img.example/b.png 2x\">"),
            ]
        );
    }

    #[test]
    fn stylesheets_are_scanned() {
        let css = "/* url(https://commented.example/x.woff) */\n\
            @font-face { src: url(fonts/open-sans.woff2) format('woff2'); }\n\
            @import url(\"https://fonts.example/b.css\");\n\
            @import 'theme/local.css';\n\
            .x { background: url(HTTPS://img.example/x.png) }\n";
        assert_eq!(
            references(&scan_css(css)),
            [
                (3, "url(https://fonts.example/b.css)"),
                (5, "url(HTTPS://img.example/x.png)"),
            ]
        );
    }

    #[test]
    fn comments_keep_offsets_with_wide_characters() {
        let css = "/* é – ü */\n.x { background: url(https://a.example/x.png) }";
        assert_eq!(blank_comments(css).len(), css.len());
        assert_eq!(
            references(&scan_css(css)),
            [(2, "url(https://a.example/x.png)")]
        );
    }

    #[test]
    fn ids_are_collected() {
        let page = r##"<h2 id="own-pool"><a class="header" href="#own-pool">Own</a></h2>
<h3 id='rayon-map'>x</h3><script>document.write('<p id="fake">')</script>"##;
        let found = ids(page);
        assert!(found.contains("own-pool"));
        assert!(found.contains("rayon-map"));
        assert!(!found.contains("fake"));
    }
}
