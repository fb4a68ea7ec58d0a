//! A reader for the SVG that plotters writes, just enough for the plot tests to find each
//! circle, line and text and where it is drawn.

/// One `<circle>`: its centre in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    pub x: f64,
    pub y: f64,
}

/// One `<polyline>` or `<line>`: its vertices in pixels, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub points: Vec<(f64, f64)>,
}

/// One `<text>`: where it is anchored, what it says (unescaped, trimmed) and whether it is
/// turned (has a `transform`), as a y axis's description is.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub turned: bool,
}

/// Everything the tests look at in one SVG document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Svg {
    pub width: f64,
    pub height: f64,
    pub circles: Vec<Circle>,
    pub lines: Vec<Line>,
    pub texts: Vec<Text>,
}

/// Reads `svg`; `None` when it is not an `<svg>` document with a numeric `width` and `height`.
pub fn parse(svg: &str) -> Option<Svg> {
    let mut out = Svg::default();
    let mut seen_svg = false;
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let tag_text = &rest[start + 1..];
        let end = tag_text.find('>')?;
        let tag = &tag_text[..end];
        rest = &tag_text[end + 1..];
        let name = tag.split_whitespace().next().unwrap_or("");
        let number = |key: &str| attribute(tag, key).and_then(|v| v.trim().parse::<f64>().ok());
        match name {
            "svg" => {
                out.width = number("width")?;
                out.height = number("height")?;
                seen_svg = true;
            }
            "circle" => out.circles.push(Circle {
                x: number("cx")?,
                y: number("cy")?,
            }),
            "polyline" | "polygon" => out.lines.push(Line {
                points: points(&attribute(tag, "points")?)?,
            }),
            "line" => out.lines.push(Line {
                points: vec![
                    (number("x1")?, number("y1")?),
                    (number("x2")?, number("y2")?),
                ],
            }),
            "text" if !tag.ends_with('/') => {
                let close = rest.find("</text>")?;
                out.texts.push(Text {
                    x: number("x")?,
                    y: number("y")?,
                    text: unescape(rest[..close].trim()),
                    turned: attribute(tag, "transform").is_some(),
                });
                rest = &rest[close..];
            }
            _ => {}
        }
    }
    seen_svg.then_some(out)
}

/// The value of `key="…"` in a tag's text.
fn attribute(tag: &str, key: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = tag[from..].find(key) {
        let at = from + at;
        let before_ok = at == 0 || tag.as_bytes()[at - 1].is_ascii_whitespace();
        let after = &tag[at + key.len()..];
        if before_ok && let Some(value) = after.strip_prefix("=\"") {
            return value.find('"').map(|end| value[..end].to_string());
        }
        from = at + key.len();
    }
    None
}

/// `"x,y x,y …"` as pairs.
fn points(text: &str) -> Option<Vec<(f64, f64)>> {
    text.split_whitespace()
        .map(|pair| {
            let (x, y) = pair.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
