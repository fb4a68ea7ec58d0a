//! Exercise 5: the SVG of time and speedup against threads.

use subject::{AmdahlFit, PlotError, ScalingChart, scaling_svg};

/// Seed 003's factorials: 8.40 s on one process, then 4.63, 5.27 and 5.05 s on 2, 3 and 4.
const SEED_003: [(usize, f64); 4] = [(1, 8.40), (2, 4.63), (3, 5.27), (4, 5.05)];

fn chart(fit: Option<AmdahlFit>) -> ScalingChart<'static> {
    ScalingChart {
        title: "factorial of 1e6 integers (seed 003)",
        serial_seconds: 8.40,
        measured: &SEED_003,
        fit,
    }
}

const FIT: AmdahlFit = AmdahlFit {
    serial_time: 8.4,
    parallel_fraction: 0.85,
};

fn drawn(chart: &ScalingChart<'_>) -> String {
    scaling_svg(chart).unwrap_or_else(|error| {
        panic!(
            "scaling_svg failed with \"{error}\" on a valid chart; {}",
            super::see("plot")
        )
    })
}

#[test]
fn draws_one_complete_svg_document() {
    let svg = drawn(&chart(Some(FIT)));
    assert!(
        svg.trim_start().starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
        "the result should be one SVG document, <svg …> … </svg>; draw with \
         SVGBackend::with_string and call present() before returning the string; {}",
        super::see("plot")
    );
    assert!(
        svg.contains("factorial of 1e6 integers (seed 003)"),
        "the chart's title should appear in the picture; {}",
        super::see("plot")
    );
}

#[test]
fn labels_both_panels_and_every_series() {
    let svg = drawn(&chart(Some(FIT)));
    for label in [
        "threads",
        "speedup",
        "measured",
        "ideal",
        "Amdahl fit, f = 0.850",
    ] {
        assert!(
            svg.contains(label),
            "the picture should contain the text {label:?}: `threads` under both x axes, \
             `speedup` on the right panel, and legends naming the measured points, the ideal \
             line and the Amdahl fit with its f to 3 decimals; {}",
            super::see("plot")
        );
    }
}

#[test]
fn marks_every_measured_point_in_both_panels() {
    let svg = drawn(&chart(None));
    let circles = svg.matches("<circle").count();
    assert!(
        circles >= 2 * SEED_003.len(),
        "4 measured points in 2 panels need at least 8 circles, found {circles}: mark each point \
         with plotters' Circle, on the time panel and on the speedup panel; {}",
        super::see("plot")
    );
}

#[test]
fn no_fit_means_no_amdahl_curve() {
    let svg = drawn(&chart(None));
    assert!(
        !svg.contains("Amdahl"),
        "without a fit there is no Amdahl curve to draw or name; {}",
        super::see("plot")
    );
}

#[test]
fn escapes_the_title() {
    let svg = drawn(&ScalingChart {
        title: "n < 1e2 & p = 2",
        ..chart(None)
    });
    assert!(
        svg.contains("n &lt; 1e2 &amp; p = 2"),
        "the title's < and & must be escaped in SVG, as plotters' text drawing does; {}",
        super::see("plot")
    );
}

#[test]
fn charts_that_cannot_be_drawn_are_refused() {
    let cases = [
        (
            ScalingChart {
                measured: &[],
                ..chart(None)
            },
            PlotError::NoPoints,
        ),
        (
            ScalingChart {
                measured: &[(1, 1.0), (0, 0.5)],
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
                serial_seconds: 0.0,
                ..chart(None)
            },
            PlotError::BadSerialTime(0.0),
        ),
        (
            chart(Some(AmdahlFit {
                serial_time: 1.0,
                parallel_fraction: 1.5,
            })),
            PlotError::BadFit(AmdahlFit {
                serial_time: 1.0,
                parallel_fraction: 1.5,
            }),
        ),
    ];
    for (bad, expected) in cases {
        let got = scaling_svg(&bad);
        // NaN is never equal to itself, so compare what the errors say.
        assert_eq!(
            got.as_ref().map_err(ToString::to_string),
            Err(expected.to_string()),
            "{bad:?} cannot be drawn; {}",
            super::see("plot")
        );
    }
}
