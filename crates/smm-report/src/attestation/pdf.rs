//! The attestation document typeset with typst, as the reports are ([`crate::pdf`]): every piece
//! of the statement is a typst string literal, so no name can become markup; the QR code and the
//! chart are SVG images handed to typst from memory.

use typst_as_lib::TypstEngine;

use super::page::{Page, LINE_NOTE};
use crate::pdf::markup::{lit, text};
use crate::pdf::FONTS;

/// Base text sizes tried in turn until the document fits one page.
const SIZES: [f64; 5] = [9.0, 8.0, 7.0, 6.5, 6.0];

/// More covered products than this are listed in two columns.
pub(crate) const MANY: usize = 8;

/// A two-column key/value row of the facts table.
fn fact(key: &str, value: &str) -> String {
    format!("[*{}*], [{value}],\n", text(key))
}

/// `text` in the monospaced, smaller style used for digests and ids.
fn mono(t: &str) -> String {
    format!("#text(size: 0.85em, fill: luma(60))[{}]", text(t))
}

fn source(p: &Page, size: f64) -> String {
    let accent = if p.certificate {
        "rgb(\"#0b4f8a\")"
    } else {
        "rgb(\"#8a4b00\")"
    };
    let mut s = String::new();
    s.push_str(&format!(
        "#set document(title: {})\n",
        lit(&format!("{} — {} — {}", p.kind, p.kind_meaning, p.serial))
    ));
    s.push_str(&format!(
        "#set page(paper: \"a4\", margin: (x: 1.4cm, y: 1.3cm), footer: [#set text(6.5pt, fill: luma(90))\n{}])\n",
        text(&format!(
            "Rendered on {} from the signed statement of {} {}. Only the signed file counts: this \
             page proves nothing until the signature is verified at {}.",
            p.rendered,
            p.kind.to_lowercase(),
            p.serial,
            p.link
        ))
    ));
    s.push_str(&format!(
        "#set text(font: \"DejaVu Sans\", size: {size}pt)\n#set par(justify: false, leading: 0.5em)\n\
         #set table(inset: 3pt, stroke: 0.4pt + luma(180))\n\
         #show heading: it => block(above: 0.9em, below: 0.4em, text(size: 1.1em, weight: \"bold\", it.body))\n\n"
    ));
    // The kind, first and largest, in a frame whose colour and dash tell the two apart.
    s.push_str(&format!(
        "#block(width: 100%, inset: 8pt, stroke: {})[\n#text(size: 2.1em, weight: \"bold\", fill: {accent})[{}]\n\n#text(size: 1.25em)[{}]\n\n{}\n]\n\n",
        if p.certificate {
            format!("2.5pt + {accent}")
        } else {
            format!("(paint: {accent}, thickness: 2pt, dash: \"dashed\")")
        },
        text(&p.kind),
        text(&p.kind_meaning),
        text(&p.statement)
    ));

    let mut products = String::new();
    if let Some(line) = &p.product_line {
        products.push_str(&format!(
            "{} *{}*. #text(fill: luma(90))[{}]\n",
            text("Product line"),
            text(line),
            text(LINE_NOTE)
        ));
    }
    let items: Vec<String> = p
        .products
        .iter()
        .map(|r| {
            let mut item = format!("*{}* {}", text(&r.name), text(&r.version));
            if p.product_line.is_some() && r.assessed {
                item.push_str(&format!(" #text(fill: luma(90))[{}]", text("(assessed)")));
            }
            format!("[{item}]")
        })
        .collect();
    // A long line is listed in two columns, so it does not push the rest off the page.
    products.push_str(&format!(
        "#grid(columns: {}, column-gutter: 8pt, row-gutter: 0.45em, {})",
        if items.len() > MANY { 2 } else { 1 },
        items.join(", ")
    ));
    let mut facts = String::new();
    facts.push_str(&fact(
        if p.product_line.is_some() {
            "Products covered"
        } else {
            "Product"
        },
        &products,
    ));
    let issuer = match &p.issuer_id {
        Some(id) => format!("*{}* {}", text(&p.issuer), text(&format!("({id})"))),
        None => format!("*{}*", text(&p.issuer)),
    };
    facts.push_str(&fact("Issuer", &issuer));
    facts.push_str(&fact("Serial", &mono(&p.serial)));
    facts.push_str(&fact("Issued", &text(&p.issued)));
    facts.push_str(&fact(
        "Valid until",
        &format!("*{}* {}", text(&p.valid_until), text("(last day)")),
    ));
    if let Some(due) = &p.reassess_by {
        facts.push_str(&fact("Reassessment due", &text(due)));
    }
    facts.push_str(&fact("Scheme", &text(&p.scheme)));
    facts.push_str(&fact(
        "Target profile",
        &text(&format!("{}, dated {}", p.target, p.target_date)),
    ));
    if let Some(approval) = &p.approval {
        facts.push_str(&fact("Profile approval", &text(approval)));
    }
    facts.push_str(&fact("Catalog", &text(&p.catalog)));
    facts.push_str(&fact("Findings", &text(&p.findings)));

    s.push_str(&format!(
        "#grid(columns: (1fr, 4.6cm), column-gutter: 10pt,\n\
         table(columns: (auto, 1fr), stroke: 0.4pt + luma(180),\n{facts}),\n\
         align(center)[#image(\"qr.svg\", width: 4.4cm)\n#text(size: 0.85em)[{} \\ #link({})[{}]]],\n)\n\n",
        text(&format!(
            "Verify this {} and its current status (expiry, revocation):",
            p.kind.to_lowercase()
        )),
        lit(&p.link),
        text(&p.link)
    ));

    s.push_str("= Assessments it rests on\n");
    s.push_str("#table(columns: (1.6fr, auto, 2fr, 1.6fr),\n");
    s.push_str("table.header([*Product and version*], [*Date*], [*Assessors*], [*Methods*]),\n");
    for a in &p.assessments {
        s.push_str(&format!(
            "[{}], [{}], [{}], [{}],\n",
            text(&a.product),
            text(&a.date),
            text(&a.assessors),
            text(&a.methods)
        ));
    }
    s.push_str(")\n\n= The profile's result per domain\n");
    // The chart shrinks with the text, so its labels stay the size of the text around them.
    s.push_str(&format!(
        "#align(center, image(\"summary.svg\", width: {}%))\n",
        (size / SIZES[0] * 100.0).round()
    ));
    s.push_str("#table(columns: (1fr, auto, auto, auto, auto, auto, auto), table.header([*Domain*], [*Target*], [*Result*], [*Practices*], [*Under*], [*At*], [*Above*]),\n");
    for r in &p.results {
        s.push_str(&format!(
            "[{}], [{}], [{}], [{}], [{}], [{}], [{}],\n",
            text(&r.name),
            text(&r.target),
            text(&r.status),
            r.practices,
            r.under,
            r.at,
            r.over
        ));
    }
    s.push_str(&format!(
        ")\n#text(size: 0.85em, fill: luma(90))[{}]\n\n",
        text("Counts of practices against their target, in the least mature assessment.")
    ));
    if !p.limitations.is_empty() {
        s.push_str("= Limitations and compensating measures\n");
        s.push_str("#table(columns: (auto, 2fr, 2fr), table.header([*Practice*], [*What is limited, and why*], [*Compensating measures*]),\n");
        for l in &p.limitations {
            s.push_str(&format!(
                "[{}], [{} \\ #text(fill: luma(90))[{}]], [{}],\n",
                text(&l.practice),
                text(&l.limited),
                text(&l.because),
                text(&l.compensating)
            ));
        }
        s.push_str(")\n");
    }
    s.push_str("= Key and document digests (SHA-256)\n#table(columns: (1fr, auto),\n");
    for (what, digest) in &p.digests {
        s.push_str(&format!("[{}], [{}],\n", text(what), mono(digest)));
    }
    s.push_str(")\n");
    s
}

/// Typesets the page, smaller until it fits on one page.
pub(super) fn render(p: &Page) -> Result<Vec<u8>, String> {
    let files = [
        ("qr.svg", p.qr.as_bytes()),
        ("summary.svg", p.chart.as_bytes()),
    ];
    let mut pdf = Vec::new();
    for size in SIZES {
        let engine = TypstEngine::builder()
            .main_file(source(p, size))
            .fonts(FONTS)
            .with_static_file_resolver(files)
            .build();
        let document = engine
            .compile()
            .output
            .map_err(|e| format!("cannot typeset the attestation: {e:?}"))?;
        pdf = typst_pdf::pdf(&document, &Default::default())
            .map_err(|e| format!("cannot write the PDF: {e:?}"))?;
        if document.pages().len() == 1 {
            break;
        }
    }
    Ok(pdf)
}
