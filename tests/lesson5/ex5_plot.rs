//! Exercise 5: the SVG of time and speedup against threads, read back and checked by where
//! each thing is drawn.

use subject::{AmdahlFit, PlotError, ScalingChart, scaling_svg};
use testkit::{check, check_eq, fail};

use super::svg::{self, Circle, Line, Svg, Text};

const BOOK: testkit::Book = super::book("plot");

/// Seed 003's factorials: 8.40 s on one process, then 4.63, 5.27 and 5.05 s on 2, 3 and 4.
const SEED_003: [(usize, f64); 4] = [(1, 8.40), (2, 4.63), (3, 5.27), (4, 5.05)];

/// Six thread counts given out of order, with a serial baseline that is not the 1-thread point.
const SHUFFLED: [(usize, f64); 6] = [(1, 2.0), (2, 1.1), (4, 0.7), (3, 0.8), (6, 0.55), (5, 0.6)];

const FIT: AmdahlFit = AmdahlFit {
    serial_time: 8.4,
    parallel_fraction: 0.85,
};

const SHUFFLED_FIT: AmdahlFit = AmdahlFit {
    serial_time: 2.1,
    parallel_fraction: 0.8,
};

/// How far, in pixels, a drawn thing may sit from where its data puts it: plotters rounds
/// every coordinate to a whole pixel.
const SLACK: f64 = 2.0;

fn chart(fit: Option<AmdahlFit>) -> ScalingChart<'static> {
    ScalingChart {
        title: "factorial of 1e6 integers (seed 003)",
        serial_seconds: 8.40,
        measured: &SEED_003,
        fit,
    }
}

fn shuffled(fit: Option<AmdahlFit>) -> ScalingChart<'static> {
    ScalingChart {
        title: "shuffled",
        serial_seconds: 2.1,
        measured: &SHUFFLED,
        fit,
    }
}

/// `scaling_svg(chart)`, failing the test if it does not return within `testkit::PATIENCE`.
fn draw(chart: &ScalingChart<'static>) -> Result<String, PlotError> {
    let chart = *chart;
    testkit::bounded!(
        scaling_svg(&chart),
        "a NaN or infinite value that reaches plotters can make it loop forever: check every \
         number before drawing"
    )
}

/// The chart drawn and read back; fails the test if it cannot be.
fn drawn(chart: &ScalingChart<'static>) -> Svg {
    let text = draw(chart)
        .unwrap_or_else(|error| fail!("scaling_svg failed with \"{error}\" on a valid chart"));
    let svg = svg::parse(&text).unwrap_or_else(|| {
        fail!("scaling_svg's result is not an SVG document with a width and a height")
    });
    check_eq!(
        (svg.width, svg.height),
        (960.0, 420.0),
        "the picture should be 960 x 420 pixels"
    );
    svg
}

/// One half of the picture: what is drawn in it.
struct Panel<'a> {
    /// "time" or "speedup".
    name: &'static str,
    circles: Vec<Circle>,
    lines: Vec<&'a Line>,
    texts: Vec<&'a Text>,
}

/// The time panel (left half) and the speedup panel (right half).
fn panels(svg: &Svg) -> [Panel<'_>; 2] {
    let half = |left: bool, name| {
        let inside = |x: f64| (x < svg.width / 2.0) == left;
        Panel {
            name,
            circles: svg
                .circles
                .iter()
                .copied()
                .filter(|c| inside(c.x))
                .collect(),
            lines: svg
                .lines
                .iter()
                .filter(|line| line.points.iter().all(|&(x, _)| inside(x)))
                .collect(),
            texts: svg.texts.iter().filter(|text| inside(text.x)).collect(),
        }
    };
    [half(true, "time"), half(false, "speedup")]
}

/// Linear axes: data `(x, y)` is drawn at pixel `(ax x + bx, ay y + by)`.
#[derive(Debug, Clone, Copy)]
struct Axes {
    ax: f64,
    bx: f64,
    ay: f64,
    by: f64,
}

impl Axes {
    fn pixel(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (self.ax * x + self.bx, self.ay * y + self.by)
    }
}

fn near((x, y): (f64, f64), (px, py): (f64, f64)) -> bool {
    (x - px).abs() <= SLACK && (y - py).abs() <= SLACK
}

/// The linear axes, growing right and up, on which some circle of `circles` sits on every
/// one of `points` (which need two different x and two different y values), if there are any.
fn axes_of(points: &[(f64, f64)], circles: &[Circle]) -> Option<Axes> {
    let by = |key: fn(&(f64, f64)) -> f64| {
        let min = points
            .iter()
            .copied()
            .min_by(|a, b| key(a).total_cmp(&key(b)))?;
        let max = points
            .iter()
            .copied()
            .max_by(|a, b| key(a).total_cmp(&key(b)))?;
        Some((min, max))
    };
    let (left, right) = by(|p| p.0)?;
    let (low, high) = by(|p| p.1)?;
    let at = |c: &Circle| (c.x, c.y);
    for a in circles {
        for b in circles {
            let ax = (b.x - a.x) / (right.0 - left.0);
            if ax <= 0.0 {
                continue;
            }
            let bx = a.x - ax * left.0;
            let column = |x: f64| {
                circles
                    .iter()
                    .filter(move |c| (c.x - (ax * x + bx)).abs() <= SLACK)
            };
            for c in column(low.0) {
                for d in column(high.0) {
                    let ay = (d.y - c.y) / (high.1 - low.1);
                    if ay >= 0.0 {
                        continue;
                    }
                    let axes = Axes {
                        ax,
                        bx,
                        ay,
                        by: c.y - ay * low.1,
                    };
                    if points
                        .iter()
                        .all(|&p| circles.iter().any(|circle| near(at(circle), axes.pixel(p))))
                    {
                        return Some(axes);
                    }
                }
            }
        }
    }
    None
}

/// The chart's points on each panel: `(threads, seconds)` on the left and
/// `(threads, serial_seconds / seconds)` on the right.
fn data(chart: &ScalingChart<'_>) -> [Vec<(f64, f64)>; 2] {
    let time = chart.measured.iter().map(|&(p, s)| (p as f64, s)).collect();
    let speedup = chart
        .measured
        .iter()
        .map(|&(p, s)| (p as f64, chart.serial_seconds / s))
        .collect();
    [time, speedup]
}

/// The axes of `panel`, found from its circles at `points`; fails the test if there are none.
fn located(panel: &Panel<'_>, points: &[(f64, f64)]) -> Axes {
    axes_of(points, &panel.circles).unwrap_or_else(|| {
        fail!(
            "the {} panel (the {} half of the picture) should mark the points {points:?} with \
             circles on linear axes that grow to the right and upwards, but no such axes put a \
             circle on every point: its circles are at {:?}. Is each point drawn on its own \
             panel, and is the speedup serial_seconds / seconds (not the other way round)?",
            panel.name,
            if panel.name == "time" {
                "left"
            } else {
                "right"
            },
            panel.circles
        )
    })
}

/// A panel read back: what is drawn in it, its axes and the points it shows.
type Located<'a> = (Panel<'a>, Axes, Vec<(f64, f64)>);

/// The two panels of `chart` drawn, each with its axes and the points it shows.
fn read_back<'a>(svg: &'a Svg, chart: &ScalingChart<'_>) -> Vec<Located<'a>> {
    panels(svg)
        .into_iter()
        .zip(data(chart))
        .map(|(panel, points)| {
            let axes = located(&panel, &points);
            (panel, axes, points)
        })
        .collect()
}

/// Whether the pixel `vertex` lies within [`SLACK`] of `curve` drawn from `p = 1` to `p = to`.
fn on_curve(axes: &Axes, curve: &dyn Fn(f64) -> f64, to: f64, vertex: (f64, f64)) -> bool {
    const STEPS: usize = 2_000;
    (0..=STEPS).any(|step| {
        let p = 1.0 + (to - 1.0) * step as f64 / STEPS as f64;
        let (x, y) = axes.pixel((p, curve(p)));
        (x - vertex.0).hypot(y - vertex.1) <= SLACK
    })
}

/// Whether `panel` has a line of at least `vertices` vertices lying on `curve` all the way
/// from `p = 1` to `p = to`.
fn has_curve(
    panel: &Panel<'_>,
    axes: &Axes,
    curve: &dyn Fn(f64) -> f64,
    to: f64,
    vertices: usize,
) -> bool {
    panel.lines.iter().any(|line| {
        let (Some(&first), Some(&last)) = (line.points.first(), line.points.last()) else {
            return false;
        };
        let ends = [axes.pixel((1.0, curve(1.0))), axes.pixel((to, curve(to)))];
        line.points.len() >= vertices
            && ((near(first, ends[0]) && near(last, ends[1]))
                || (near(first, ends[1]) && near(last, ends[0])))
            && line.points.iter().all(|&v| on_curve(axes, curve, to, v))
    })
}

fn most_threads(chart: &ScalingChart<'_>) -> f64 {
    chart.measured.iter().map(|&(p, _)| p).max().unwrap_or(1) as f64
}

fn speedup_of(fit: AmdahlFit) -> impl Fn(f64) -> f64 {
    move |p| 1.0 / ((1.0 - fit.parallel_fraction) + fit.parallel_fraction / p)
}

fn time_of(fit: AmdahlFit) -> impl Fn(f64) -> f64 {
    move |p| fit.serial_time * ((1.0 - fit.parallel_fraction) + fit.parallel_fraction / p)
}

#[test]
fn draws_one_complete_svg_document() {
    let text = draw(&chart(Some(FIT)))
        .unwrap_or_else(|error| fail!("scaling_svg failed with \"{error}\" on a valid chart"));
    check!(
        text.trim_start().starts_with("<svg") && text.trim_end().ends_with("</svg>"),
        "the result should be one SVG document, <svg …> … </svg>; draw with \
         SVGBackend::with_string and call present() before returning the string"
    );
    let svg = drawn(&chart(Some(FIT)));
    check!(
        svg.texts
            .iter()
            .any(|t| t.text == "factorial of 1e6 integers (seed 003)"),
        "the chart's title should appear in the picture"
    );
}

#[test]
fn measured_points_sit_where_the_data_says_on_their_own_panels() {
    for chart in [chart(None), shuffled(Some(SHUFFLED_FIT))] {
        read_back(&drawn(&chart), &chart);
    }
}

#[test]
fn measured_points_are_joined_in_the_order_given() {
    for chart in [chart(None), shuffled(None)] {
        let svg = drawn(&chart);
        for (panel, axes, points) in read_back(&svg, &chart) {
            let pixels: Vec<(f64, f64)> = points.iter().map(|&p| axes.pixel(p)).collect();
            check!(
                panel.lines.iter().any(|line| {
                    line.points.len() == pixels.len()
                        && line.points.iter().zip(&pixels).all(|(&a, &b)| near(a, b))
                }),
                "the {} panel should join its points {points:?} with one line through them in \
                 the order given (a LineSeries over the same points as the circles)",
                panel.name
            );
        }
    }
}

#[test]
fn axes_are_described_under_and_beside_the_right_axes() {
    let chart = chart(Some(FIT));
    let svg = drawn(&chart);
    for (panel, axes, points) in read_back(&svg, &chart) {
        let xs: Vec<f64> = points.iter().map(|&p| axes.pixel(p).0).collect();
        let ys: Vec<f64> = points.iter().map(|&p| axes.pixel(p).1).collect();
        let (left, right) = (
            xs.iter().copied().fold(f64::MAX, f64::min),
            xs.iter().copied().fold(f64::MIN, f64::max),
        );
        let lowest = ys.iter().copied().fold(f64::MIN, f64::max);
        check!(
            panel.texts.iter().any(|t| t.text == "threads"
                && !t.turned
                && (left..=right).contains(&t.x)
                && t.y > lowest),
            "the {} panel's x axis should be described as `threads`, under the points and across \
             from them (x_desc), but its texts are {:?}",
            panel.name,
            panel.texts
        );
        check!(
            panel
                .texts
                .iter()
                .any(|t| t.text.starts_with(panel.name) && t.turned && t.x < left),
            "the {} panel's y axis should be described by a text starting with `{}`, turned \
             beside the axis, left of the points (y_desc), but its texts are {:?}",
            panel.name,
            panel.name,
            panel.texts
        );
        check!(
            !panel.texts.iter().any(|t| t.text == "threads" && t.turned),
            "the {} panel describes its y axis as `threads`: are the x and y descriptions \
             swapped?",
            panel.name
        );
    }
}

#[test]
fn the_ideal_line_runs_from_1_to_the_most_threads_on_the_speedup_panel() {
    for chart in [chart(None), shuffled(None)] {
        let svg = drawn(&chart);
        let [_, (speedup, axes, _)] = <[_; 2]>::try_from(read_back(&svg, &chart))
            .unwrap_or_else(|_| unreachable!("two panels"));
        let to = most_threads(&chart);
        check!(
            has_curve(&speedup, &axes, &|p| p, to, 2),
            "the speedup panel should draw the ideal line S = p from p = 1 to p = {to} on the \
             same axes as its points; its lines are {:?}",
            speedup.lines
        );
    }
}

#[test]
fn the_fit_is_drawn_on_both_panels_as_a_smooth_curve() {
    for (chart, fit) in [
        (chart(Some(FIT)), FIT),
        (shuffled(Some(SHUFFLED_FIT)), SHUFFLED_FIT),
    ] {
        let svg = drawn(&chart);
        let to = most_threads(&chart);
        for (panel, axes, _) in read_back(&svg, &chart) {
            let (curve, what): (Box<dyn Fn(f64) -> f64>, &str) = if panel.name == "time" {
                (Box::new(time_of(fit)), "the predicted time fit.predict(p)")
            } else {
                (
                    Box::new(speedup_of(fit)),
                    "the predicted speedup 1 / ((1 - f) + f / p)",
                )
            };
            check!(
                has_curve(&panel, &axes, &*curve, to, 50),
                "with {fit:?} the {} panel should draw {what} as one line through at least 50 \
                 thread counts from p = 1 to p = {to}, on the same axes as its points, but no \
                 line of the panel does",
                panel.name
            );
        }
    }
}

#[test]
fn no_fit_means_no_amdahl_curve() {
    let chart = chart(None);
    let svg = drawn(&chart);
    check!(
        !svg.texts.iter().any(|t| t.text.contains("Amdahl")),
        "without a fit there is no Amdahl curve to name"
    );
    for (panel, axes, _) in read_back(&svg, &chart) {
        let curve: Box<dyn Fn(f64) -> f64> = if panel.name == "time" {
            Box::new(time_of(FIT))
        } else {
            Box::new(speedup_of(FIT))
        };
        check!(
            !panel.lines.iter().any(|line| line.points.len() >= 50),
            "without a fit the {} panel should draw no curve, but it has a line of 50 or more \
             vertices{}",
            panel.name,
            if has_curve(&panel, &axes, &*curve, 4.0, 50) {
                " (the fit of another chart?)"
            } else {
                ""
            }
        );
    }
}

#[test]
fn legends_name_the_series_of_each_panel() {
    let svg = drawn(&chart(Some(FIT)));
    let [time, speedup] = panels(&svg);
    let wanted: [(&Panel<'_>, &[&str]); 2] = [
        (&time, &["measured", "Amdahl fit, f = 0.850"]),
        (
            &speedup,
            &["measured", "ideal, S = p", "Amdahl fit, f = 0.850"],
        ),
    ];
    for (panel, labels) in wanted {
        for label in labels {
            check!(
                panel.texts.iter().any(|t| t.text == *label),
                "the {} panel's legend should name the series {label:?} (the fit with its f to \
                 3 decimals); its texts are {:?}",
                panel.name,
                panel.texts.iter().map(|t| &t.text).collect::<Vec<_>>()
            );
        }
    }
    check!(
        !time.texts.iter().any(|t| t.text.starts_with("ideal")),
        "the ideal line S = p belongs on the speedup panel only, yet the time panel names it"
    );
}

#[test]
fn escapes_the_title() {
    let text = draw(&ScalingChart {
        title: "n < 1e2 & p = 2",
        ..chart(None)
    })
    .unwrap_or_else(|error| fail!("scaling_svg failed with \"{error}\" on a valid chart"));
    check!(
        text.contains("n &lt; 1e2 &amp; p = 2"),
        "the title's < and & must be escaped in SVG, as plotters' text drawing does"
    );
}

#[test]
fn charts_that_cannot_be_drawn_are_refused_in_order() {
    let bad_fit = AmdahlFit {
        serial_time: 1.0,
        parallel_fraction: 1.5,
    };
    let cases = [
        (
            ScalingChart {
                measured: &[],
                serial_seconds: f64::NAN,
                ..chart(Some(bad_fit))
            },
            PlotError::NoPoints,
        ),
        (
            ScalingChart {
                measured: &[(1, 1.0), (0, 0.5), (2, -1.0)],
                serial_seconds: 0.0,
                ..chart(None)
            },
            PlotError::BadPoint {
                index: 1,
                threads: 0,
                seconds: 0.5,
            },
        ),
        (
            ScalingChart {
                measured: &[(1, 1.0), (2, f64::NAN)],
                ..chart(None)
            },
            PlotError::BadPoint {
                index: 1,
                threads: 2,
                seconds: f64::NAN,
            },
        ),
        (
            ScalingChart {
                measured: &[(1, f64::INFINITY)],
                ..chart(None)
            },
            PlotError::BadPoint {
                index: 0,
                threads: 1,
                seconds: f64::INFINITY,
            },
        ),
        (
            ScalingChart {
                serial_seconds: 0.0,
                ..chart(Some(bad_fit))
            },
            PlotError::BadSerialTime(0.0),
        ),
        (
            ScalingChart {
                serial_seconds: f64::INFINITY,
                ..chart(None)
            },
            PlotError::BadSerialTime(f64::INFINITY),
        ),
        (
            ScalingChart {
                serial_seconds: f64::NAN,
                ..chart(None)
            },
            PlotError::BadSerialTime(f64::NAN),
        ),
        (chart(Some(bad_fit)), PlotError::BadFit(bad_fit)),
    ];
    let more_bad_fits = [
        (0.0, 0.5),
        (-1.0, 0.5),
        (f64::NAN, 0.5),
        (f64::INFINITY, 0.5),
        (1.0, -0.1),
        (1.0, f64::NAN),
    ]
    .map(|(serial_time, parallel_fraction)| {
        let fit = AmdahlFit {
            serial_time,
            parallel_fraction,
        };
        (chart(Some(fit)), PlotError::BadFit(fit))
    });
    for (bad, expected) in cases.into_iter().chain(more_bad_fits) {
        let got = draw(&bad);
        // NaN is never equal to itself, so compare what the errors say.
        check_eq!(
            got.as_ref().map_err(|e| format!("{e:?}")),
            Err(format!("{expected:?}")),
            "{bad:?} cannot be drawn: the first error that applies, in the order NoPoints, \
             BadPoint, BadSerialTime, BadFit"
        );
    }
}

#[test]
fn errors_say_what_went_wrong() {
    let fit = AmdahlFit {
        serial_time: -1.0,
        parallel_fraction: 0.5,
    };
    let refused =
        |chart: ScalingChart<'static>| draw(&chart).expect_err("this chart cannot be drawn");
    let cases: [(PlotError, &[&str]); 5] = [
        (
            refused(ScalingChart {
                measured: &[],
                ..chart(None)
            }),
            &["no measured point"],
        ),
        (
            refused(ScalingChart {
                measured: &[(1, 1.0), (2, 1.0), (0, 1.5)],
                ..chart(None)
            }),
            &["point 2", "0 threads", "1.5 s"],
        ),
        (
            refused(ScalingChart {
                serial_seconds: -2.0,
                ..chart(None)
            }),
            &["-2 s"],
        ),
        (refused(chart(Some(fit))), &["-1.0"]),
        (PlotError::Draw("backend gone".into()), &["backend gone"]),
    ];
    for (error, words) in cases {
        super::says(&error, words, BOOK);
    }
}
