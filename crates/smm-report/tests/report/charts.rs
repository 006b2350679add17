//! The SVG charts: valid, accessible, self-contained and complete for every example, granularity
//! and chart kind, with and without an assessment; and the comparison and trend charts.

use std::collections::HashSet;

use crate::support::{chart_data_of, example, view, EXAMPLES};
use smm_core::compare::Comparison;
use smm_core::document::Assessment;
use smm_core::{
    compare, current_profile, parse_assessment, parse_target, resolve, trend, Catalog,
    CurrentProfile, ProfileView, ResolvedTarget, Trend, TrendInput,
};
use smm_report::{chart, png, ChartData, Granularity};

const GRANULARITIES: [Granularity; 3] = [
    Granularity::Practice,
    Granularity::Subdomain,
    Granularity::Domain,
];
const SVG_NS: &str = "http://www.w3.org/2000/svg";

type Kind = (&'static str, fn(&ChartData) -> String);
const KINDS: [Kind; 3] = [
    ("bar", chart::bar),
    ("radar", chart::radar),
    ("heatmap", chart::heatmap),
];

/// The visible text: each `<text>` element's text, its lines joined by spaces.
fn visible_text(doc: &roxmltree::Document) -> String {
    let mut out = String::new();
    for text in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let words: Vec<&str> = text
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .flat_map(str::split_whitespace)
            .collect();
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

fn ids(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter_map(|n| n.attribute("id"))
        .map(str::to_string)
        .collect()
}

fn count_class(doc: &roxmltree::Document, class: &str) -> usize {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .count()
}

/// Whether the visible text names an item (a label may break a name or id across lines).
fn names(text: &str, name: &str, id: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let text = squash(text);
    text.contains(&squash(name)) || text.contains(&squash(id))
}

/// What every SVG we write must satisfy, whatever it draws: valid and renderable, titled and
/// described for screen readers (the title containing `title`), self-contained, unique ids, and
/// every `url(#id)` defined. Hatching patterns only where `patterns` allows them. Returns the
/// visible text and the ids.
fn check_svg(
    svg: &str,
    what: &str,
    title: &str,
    patterns: bool,
    scale: f32,
) -> (String, Vec<String>) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: not XML: {e}"));
    let root = doc.root_element();
    assert!(
        root.has_tag_name((SVG_NS, "svg")),
        "{what}: root is not svg"
    );
    for attr in ["width", "height", "viewBox"] {
        assert!(root.attribute(attr).is_some(), "{what}: no {attr}");
    }
    assert_eq!(root.attribute("role"), Some("img"), "{what}");
    let title_node = root
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap_or_else(|| panic!("{what}: no <title>"));
    let desc = root
        .children()
        .find(|n| n.has_tag_name("desc"))
        .unwrap_or_else(|| panic!("{what}: no <desc>"));
    assert!(
        title_node.text().is_some_and(|t| t.contains(title)),
        "{what}: title"
    );
    assert!(desc.text().is_some_and(|t| t.len() > 40), "{what}: desc");
    let labelled = root.attribute("aria-labelledby").unwrap_or_default();
    assert_eq!(
        labelled.split(' ').collect::<Vec<_>>(),
        [
            title_node.attribute("id").unwrap_or("?"),
            desc.attribute("id").unwrap_or("?")
        ]
    );

    png::parse(svg).unwrap_or_else(|e| panic!("{what}: {e}"));
    let image = png::render(svg, scale).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(image.starts_with(b"\x89PNG"), "{what}: not a PNG");

    assert!(
        !svg.replace(SVG_NS, "").contains("http"),
        "{what}: external reference"
    );
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !["image", "script", "foreignObject", "style", "use", "a"].contains(&name),
            "{what}: <{name}>"
        );
        assert!(
            node.attributes().all(|a| a.name() != "href"),
            "{what}: href on <{name}>"
        );
    }

    let ids = ids(&doc);
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{what}: duplicate ids");
    let count = doc
        .descendants()
        .filter(|n| n.has_tag_name("pattern"))
        .count();
    assert!(patterns || count == 0, "{what}: unexpected patterns");
    for node in doc.descendants() {
        for attr in node.attributes() {
            if let Some(rest) = attr.value().strip_prefix("url(#") {
                let id = rest.trim_end_matches(')');
                assert!(
                    unique.contains(&id.to_string()),
                    "{what}: url(#{id}) is not defined"
                );
            }
        }
    }
    (visible_text(&doc), ids)
}

/// Everything every chart of [`ChartData`] must satisfy; returns its ids.
fn check(svg: &str, data: &ChartData, what: &str, scale: f32) -> Vec<String> {
    let (text, ids) = check_svg(svg, what, &data.title, what.starts_with("bar"), scale);
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: not XML: {e}"));
    let desc = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(desc.contains(&data.items.len().to_string()), "{what}: desc");
    for item in &data.items {
        assert!(
            names(&text, &item.name, &item.id),
            "{what}: no label for {}:\n{text}",
            item.id
        );
    }
    if data.has_current() && !data.items.is_empty() {
        assert!(
            ["under", "met", "over"].iter().any(|w| text.contains(w)),
            "{what}: no status words"
        );
    }
    ids
}

/// Every chart of one example: both variants, every granularity, every kind.
fn every_chart_of(name: &str) {
    for with_assessment in [false, true] {
        for granularity in GRANULARITIES {
            let data = chart_data_of(name, with_assessment, granularity);
            assert!(!data.items.is_empty());
            let mut page_ids: Vec<String> = Vec::new();
            for (kind, draw) in KINDS {
                let what = format!("{kind} {name} {granularity:?} assessed={with_assessment}");
                page_ids.extend(check(&draw(&data), &data, &what, 1.0));
            }
            let unique: HashSet<&String> = page_ids.iter().collect();
            assert_eq!(
                unique.len(),
                page_ids.len(),
                "{name} {granularity:?}: the three charts share ids"
            );
        }
    }
}

#[test]
fn every_bottling_line_chart_is_valid_accessible_and_complete() {
    every_chart_of(EXAMPLES[0]);
}

#[test]
fn every_hvac_chart_is_valid_accessible_and_complete() {
    every_chart_of(EXAMPLES[1]);
}

#[test]
fn every_ota_gateway_chart_is_valid_accessible_and_complete() {
    every_chart_of(EXAMPLES[2]);
}

#[test]
fn every_home_cameras_chart_is_valid_accessible_and_complete() {
    every_chart_of(EXAMPLES[3]);
}

#[test]
fn bottling_line_bars_have_one_target_and_one_current_bar_per_practice() {
    let data = chart_data_of("bottling-line", true, Granularity::Practice);
    assert_eq!(data.items.len(), 18);
    let svg = chart::bar(&data);
    let doc = roxmltree::Document::parse(&svg).expect("XML");
    assert_eq!(count_class(&doc, "bar target"), 18);
    assert_eq!(count_class(&doc, "bar current"), 18);
    let patterns: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("pattern"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert!(
        patterns.iter().all(|id| id.starts_with("bar-")),
        "{patterns:?}"
    );
    for scope in ["general", "industry", "system"] {
        assert!(
            patterns
                .iter()
                .any(|id| id.ends_with(&format!("scope-{scope}"))),
            "no {scope} hatching"
        );
    }
    // Every bar is filled with the hatching of its own scope.
    for bar in doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("bar target"))
    {
        assert!(bar
            .attribute("fill")
            .is_some_and(|f| f.starts_with("url(#bar-") && f.contains("-target-scope-")));
    }
    let text = visible_text(&doc);
    for label in [
        "3/I",
        "2/G",
        "0 None",
        "4 Formalized",
        "Governance",
        "Hardening",
        "\u{25BC} under",
        "Industry (I)",
    ] {
        assert!(text.contains(label), "bar chart lacks {label:?}");
    }
    png::render(&svg, 2.0).expect("renders at 2x");
}

#[test]
fn target_only_charts_show_no_current_series() {
    let data = chart_data_of("hvac", false, Granularity::Practice);
    let bar = roxmltree::Document::parse(&chart::bar(&data)).map(|d| {
        (
            count_class(&d, "bar target"),
            count_class(&d, "bar current"),
        )
    });
    assert_eq!(bar.ok(), Some((18, 0)));
    let radar = chart::radar(&data);
    assert!(radar.contains("series target") && !radar.contains("series current"));
    let heatmap = chart::heatmap(&data);
    let doc = roxmltree::Document::parse(&heatmap).expect("XML");
    assert_eq!(count_class(&doc, "cell"), 18);
    assert!(
        visible_text(&doc).contains("Consistent, System"),
        "remediation-recovery is 3/S"
    );
}

#[test]
fn charts_of_parts_of_one_report_do_not_share_ids() {
    let data = chart_data_of("ota-gateway", true, Granularity::Practice);
    let mut all: Vec<String> = Vec::new();
    for domain in ["Governance", "Enablement", "Hardening"] {
        let mut part = data.clone();
        part.items.retain(|i| i.domain == domain);
        part.title = format!("{}: {domain}", data.title);
        let svg = chart::bar(&part);
        all.extend(check(&svg, &part, &format!("bar {domain}"), 1.0));
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len());
}

#[test]
fn few_items_and_awkward_text_do_not_break_the_charts() {
    let full = chart_data_of("home-cameras", true, Granularity::Practice);
    for n in 0..=3 {
        let mut data = full.clone();
        data.items.truncate(n);
        if let Some(first) = data.items.first_mut() {
            first.name = "Tom & Jerry's <\"odd\"> practice with a name far too long to fit on any label line at all".to_string();
        }
        data.title = "A <title> & \"quotes\"".to_string();
        for (kind, draw) in KINDS {
            let svg = draw(&data);
            let what = format!("{kind} with {n} items");
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{what}: {e}"));
            png::render(&svg, 1.0).unwrap_or_else(|e| panic!("{what}: {e}"));
            let text = visible_text(&doc);
            for item in &data.items {
                assert!(names(&text, &item.name, &item.id), "{what}: {}", item.id);
            }
        }
    }
}

fn comparison_chart(a: &ProfileView, b: &ProfileView) -> (Comparison, String) {
    let c = compare(a, b).expect("same catalog");
    let svg = chart::compare(&Catalog::builtin(), &c);
    (c, svg)
}

#[test]
fn every_example_compares_into_a_valid_accessible_and_complete_chart() {
    for name in EXAMPLES {
        let target = view(name, "target.yaml");
        let assessment = view(name, "assessment.yaml");
        for (a, b) in [(&target, &assessment), (&assessment, &target)] {
            let (c, svg) = comparison_chart(a, b);
            let what = format!("compare {name} {} against {}", b.name, a.name);
            let (text, _) = check_svg(&svg, &what, &c.b.label(), true, 1.0);
            for p in &c.practices {
                assert!(names(&text, &p.name, p.id.as_str()), "{what}: {}", p.id);
            }
            let doc = roxmltree::Document::parse(&svg).expect("XML");
            assert_eq!(count_class(&doc, "bar a"), 18, "{what}");
            assert_eq!(count_class(&doc, "bar b"), 18, "{what}");
            // The verdict is on the chart and in its description.
            let verdict: String = c.verdict.text.split_whitespace().collect();
            let squashed: String = text.split_whitespace().collect();
            assert!(squashed.contains(&verdict), "{what}: verdict missing");
            assert!(
                svg.contains(&smm_report::svg::escape(&c.verdict.text)),
                "{what}"
            );
        }
    }
}

#[test]
fn the_owner_requirements_chart_names_what_the_integrator_target_does_not_cover() {
    let owner = view("bottling-line", "owner-requirements.yaml");
    let integrator = view("bottling-line", "target.yaml");
    let (c, svg) = comparison_chart(&owner, &integrator);
    let (text, _) = check_svg(&svg, "owner vs integrator", "against", true, 2.0);
    assert!(text.contains("covers 15 of 18 practices"), "{text}");
    assert!(
        text.contains("remediation-recovery (2/general < 3/system)"),
        "{text}"
    );
    let doc = roxmltree::Document::parse(&svg).expect("XML");
    let not_covered: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("item"))
        .filter_map(|g| g.children().find(|n| n.has_tag_name("title")))
        .filter_map(|t| t.text())
        .filter(|t| t.ends_with("not covered"))
        .collect();
    assert_eq!(not_covered.len(), c.verdict.short.len());
    assert_eq!(not_covered.len(), 3);
    // A's remediation-recovery bar is hatched as System scope, B's as General.
    let row = doc
        .descendants()
        .find(|n| {
            n.attribute("id")
                .is_some_and(|id| id.ends_with("-item-remediation-recovery"))
        })
        .expect("row");
    let fills: Vec<&str> = row
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| n.attribute("fill"))
        .collect();
    assert!(
        fills.iter().any(|f| f.ends_with("-a-scope-system)")),
        "{fills:?}"
    );
    assert!(
        fills.iter().any(|f| f.ends_with("-b-scope-general)")),
        "{fills:?}"
    );
    for word in [
        "\u{25BC} below",
        "\u{25B2} above",
        "= equal",
        "\u{25BC} under",
        "\u{25CF} met",
    ] {
        assert!(text.contains(word), "no {word:?}");
    }
}

/// The bottling line's assessments, loaded; `files` are relative to the example's folder.
struct History {
    target: ResolvedTarget,
    assessments: Vec<(String, Assessment, CurrentProfile)>,
}

fn history(files: &[&str]) -> History {
    let catalog = Catalog::builtin();
    let target = parse_target(&example("bottling-line", "target.yaml")).expect("target");
    let target = resolve(&catalog, &target).expect("resolves");
    let assessments = files
        .iter()
        .map(|f| {
            let a = parse_assessment(&example("bottling-line", f)).expect("assessment parses");
            let c = current_profile(&catalog, &a).expect("checks");
            (f.to_string(), a, c)
        })
        .collect();
    History {
        target,
        assessments,
    }
}

fn trend_of(h: &History) -> Trend {
    let inputs: Vec<TrendInput> = h
        .assessments
        .iter()
        .map(|(source, assessment, current)| TrendInput {
            source,
            assessment,
            current,
            target: &h.target,
        })
        .collect();
    trend(&inputs).expect("one product")
}

#[test]
fn the_bottling_line_trend_chart_is_valid_accessible_and_complete() {
    let h = history(&[
        "history/2026-10-reassessment.yaml",
        "assessment.yaml",
        "history/2026-03-site-acceptance.yaml",
    ]);
    let t = trend_of(&h);
    let svg = chart::trend(&Catalog::builtin(), &t);
    let (text, _) = check_svg(&svg, "trend", "Bottling line BL-2", false, 2.0);
    for p in &t.practices {
        assert!(names(&text, &p.name, p.id.as_str()), "trend: {}", p.id);
    }
    for (i, p) in t.points.iter().enumerate() {
        assert!(text.contains(&format!("#{} {}", i + 1, p.date)), "#{i}");
        assert!(text.contains(&p.version), "{}", p.version);
    }
    for word in [
        "Governance",
        "Enablement",
        "Hardening",
        "All practices",
        "\u{2191} improved",
        "\u{2193} regressed",
        "\u{25BC} under",
        "1/G \u{25BC} under",
    ] {
        assert!(text.contains(word), "trend lacks {word:?}:\n{text}");
    }
    let doc = roxmltree::Document::parse(&svg).expect("XML");
    assert_eq!(count_class(&doc, "cell"), 18 * 3);
    assert_eq!(count_class(&doc, "series"), 4);
    // Oldest first: 7 under at the site acceptance test, 1 at the reassessment.
    let desc = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(desc.contains("oldest first: 7, 3, 1"), "{desc}");
}

#[test]
fn a_trend_of_one_assessment_still_draws() {
    let t = trend_of(&history(&["assessment.yaml"]));
    let svg = chart::trend(&Catalog::builtin(), &t);
    let (text, _) = check_svg(&svg, "trend of one", "Trend", false, 1.0);
    assert!(text.contains("#1 2026-04-22"), "{text}");
    let doc = roxmltree::Document::parse(&svg).expect("XML");
    assert_eq!(count_class(&doc, "cell"), 18);
    assert!(!svg.contains("<polyline"), "one point has no line to draw");
}

/// The issue this answers: a subdomain or domain drawn as its base beside its weakest practice
/// could show a shorter current bar beside "met", or equal bars beside "under" and "over" (the
/// README's own bottling-line chart did, in three of nine rows). Every row of every chart, at
/// every granularity, must now draw a pair that reads as its status.
#[test]
fn no_chart_row_draws_a_pair_that_contradicts_its_status() {
    for name in EXAMPLES {
        for granularity in GRANULARITIES {
            let data = chart_data_of(name, true, granularity);
            for (kind, draw) in KINDS {
                let (checked, wrong) = crate::support::rows_against_status(&draw(&data));
                let what = format!("{kind} {name} {granularity:?}");
                assert_eq!(checked, data.items.len(), "{what}: rows read");
                assert!(wrong.is_empty(), "{what}:\n{}", wrong.join("\n"));
            }
        }
    }
}

/// The same for the README's chart as it is committed: the image a reader sees first.
#[test]
fn the_readme_chart_draws_no_row_against_its_status() {
    let svg = crate::support::read("docs/images/bottling-line-gap.svg");
    let (checked, wrong) = crate::support::rows_against_status(&svg);
    assert_eq!(checked, 9, "the nine subdomains");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A group's status counts its practices: the status words say how many share it.
#[test]
fn a_group_status_says_how_many_of_its_practices_share_it() {
    let data = chart_data_of("bottling-line", true, Granularity::Subdomain);
    let svg = chart::bar(&data);
    for item in &data.items {
        let counts = item.counts.expect("a group with an assessment has counts");
        let words = item.status_words().expect("a status");
        assert!(words.ends_with(&format!(" of {}", counts.total)), "{words}");
        assert!(svg.contains(&words), "{}: {words} is not drawn", item.id);
        let deciding = item.deciding.as_ref().expect("a deciding practice");
        assert!(
            svg.contains(&deciding.name) || svg.contains(&deciding.id),
            "{}: the practice its bars show is not named",
            item.id
        );
    }
}
