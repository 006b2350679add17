//! The attestation document, rendered from the published example certificate (verified first,
//! as every door does) and from variants of it: the kind first, every fact of the statement,
//! hostile names kept as text, a QR code that a real decoder reads back to the link, one page.

use crate::support::read;
use resvg::tiny_skia::Pixmap;
use smm_cert::certificate::{Limitation, ProductVersion};
use smm_cert::{
    verify, Attestation, AttestationKind, Envelope, IssuersDocument, Trust, VerifyInput,
};
use smm_report::attestation::{self, Input, VerifyBase};

const HOSTILE: &str = "<script>alert(1)</script> & \"GW\" #set page(width: 1cm) *x* $y$ ] \\";

const DECLARATION: (&str, &str) = (
    "Supplier's declaration",
    "self-assessed by the supplier, not a certificate",
);

/// The example certificate of the OTA gateway, verified against its issuers document.
fn example() -> Attestation {
    let envelope: Envelope =
        serde_json::from_str(&read("examples/ota-gateway/certification/cert.json")).expect("cert");
    let issuers =
        IssuersDocument::from_json(&read("examples/ota-gateway/certification/issuers.json"))
            .expect("issuers");
    let report = verify(&VerifyInput {
        envelope: &envelope,
        trust: Trust::Issuers(&issuers),
        at: "2027-01-01",
        target: None,
        assessments: Vec::new(),
        revocations: None,
    });
    assert!(report.passed(), "{:?}", report.reason());
    report.certificate.expect("verified")
}

fn base() -> VerifyBase {
    VerifyBase::parse("https://smm.example.org").expect("base")
}

fn html(a: &Attestation) -> String {
    attestation::html(&Input {
        attestation: a,
        verify: &base(),
        rendered: "2026-12-05",
    })
    .expect("renders")
}

fn pdf_pages(a: &Attestation) -> Vec<String> {
    let pdf = attestation::pdf(&Input {
        attestation: a,
        verify: &base(),
        rendered: "2026-12-05",
    })
    .expect("typesets");
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    pdf_extract::extract_text_from_mem_by_pages(&pdf)
        .expect("a PDF parser reads it")
        .iter()
        .map(|p| flat(p))
        .collect()
}

/// Whether `text` opens with the kind's words: `kind`, then (on the next line) `meaning`.
fn opens_with(text: &str, kind: &str, meaning: &str) -> bool {
    text.strip_prefix(kind)
        .is_some_and(|rest| rest.trim_start().starts_with(meaning))
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The visible text of an HTML page, tags dropped (enough for our own markup).
fn visible(html: &str) -> String {
    let body = &html[html.find("<body>").expect("body")..];
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    flat(&unescaped(&out))
}

/// HTML entities back to characters: the named ones askama writes and numeric ones.
fn unescaped(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The declaration variant: the same facts, attested by the supplier.
fn declaration() -> Attestation {
    let mut a = example();
    a.kind = AttestationKind::Declaration;
    a
}

#[test]
fn a_certificate_opens_with_its_kind_and_carries_every_fact() {
    let a = example();
    let page = html(&a);
    let text = visible(&page);
    assert!(
        opens_with(text.as_str(), "Certificate", "third-party certification"),
        "{text}"
    );
    assert!(page.contains("<title>Certificate — third-party certification"));
    for fact in [
        a.serial.as_str(),
        a.issued.as_str(),
        a.valid_until.as_str(),
        a.issuer.name.as_str(),
        a.issuer.keyid.as_str(),
        a.target.sha256.as_str(),
        a.scheme.id.as_str(),
    ] {
        assert!(text.contains(fact), "{fact} missing");
    }
    for p in &a.covers.products {
        assert!(
            text.contains(&format!("{} {}", p.name, p.version)),
            "{}",
            p.name
        );
    }
    for x in &a.assessments {
        for who in &x.assessors {
            assert!(text.contains(who.as_str()), "assessor {who}");
        }
    }
    for d in &a.result {
        assert!(text.contains(d.name.as_str()), "domain {}", d.name);
    }
    if let Some(due) = &a.reassess_by {
        assert!(text.contains(&format!("Reassessment due {due}")));
    }
    let link = format!("https://smm.example.org/verify?serial={}", a.serial);
    assert!(page.contains(&format!("<a href=\"{link}\">{link}</a>")));
    assert!(!page.contains("<script"), "no script in the document");
    assert!(
        !page.contains("supplier"),
        "a certificate is not a declaration"
    );
}

#[test]
fn a_declaration_says_it_is_not_a_certificate_before_anything_else() {
    let a = declaration();
    let text = visible(&html(&a));
    assert!(opens_with(&text, DECLARATION.0, DECLARATION.1), "{text}");
    assert!(!text.contains("certifies"), "{text}");
    assert!(!text.contains("Certificate"), "{text}");
    let pages = pdf_pages(&a);
    assert!(
        opens_with(&pages[0], DECLARATION.0, DECLARATION.1),
        "{}",
        pages[0]
    );
}

#[test]
fn the_pdf_is_one_page_that_opens_with_the_kind_and_carries_the_facts() {
    let a = example();
    let pages = pdf_pages(&a);
    assert_eq!(pages.len(), 1, "one page");
    let text = &pages[0];
    assert!(
        opens_with(text.as_str(), "Certificate", "third-party certification"),
        "{text}"
    );
    for fact in [
        a.serial.as_str(),
        a.valid_until.as_str(),
        a.issued.as_str(),
        a.issuer.name.as_str(),
        a.issuer.keyid.as_str(),
    ] {
        assert!(text.contains(fact), "{fact} missing from {text}");
    }
    for p in &a.covers.products {
        assert!(text.contains(&p.name), "{}", p.name);
    }
    assert!(text.contains("Rendered on 2026-12-05"));
}

#[test]
fn a_long_product_line_with_limitations_still_fits_one_page() {
    let mut a = example();
    a.covers.product_line = Some("GW series".into());
    a.covers.products = (1..=40)
        .map(|i| ProductVersion {
            name: format!("GW-{i} gateway"),
            version: "firmware 4.2.1".into(),
            assessed: i == 1,
        })
        .collect();
    a.limitations = vec![Limitation {
        practice: "threat-modeling".into(),
        limited: "No model of the cellular modem's firmware".into(),
        because: "The modem vendor gives no design documents".into(),
        compensating: vec!["Modem isolated behind the gateway's firewall".into()],
    }];
    let text = visible(&html(&a));
    assert!(text.contains("those marked (assessed) were assessed as the line's representatives"));
    assert!(text.contains("GW-1 gateway firmware 4.2.1 (assessed)"));
    assert!(text.contains("GW-40 gateway firmware 4.2.1"), "{text}");
    assert!(
        !text.contains("GW-40 gateway firmware 4.2.1 (assessed)"),
        "{text}"
    );
    assert!(text.contains("Modem isolated behind the gateway's firewall"));
    let pages = pdf_pages(&a);
    assert_eq!(pages.len(), 1, "one page");
    assert!(pages[0].contains("GW-40 gateway"));
    assert!(pages[0].contains("Modem isolated behind the gateway's firewall"));
}

#[test]
fn hostile_names_stay_text_in_html_and_pdf() {
    let mut a = example();
    a.covers.products[0].name = HOSTILE.into();
    a.issuer.name = HOSTILE.into();
    a.result[0].name = HOSTILE.into();
    let page = html(&a);
    assert!(!page.contains("<script>alert"), "markup injected");
    // The template's escaping (askama writes numeric entities) and the chart's (SVG).
    assert!(page.contains("<strong>&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;GW&#34;"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;GW&quot;"));
    assert!(visible(&page).contains(HOSTILE));
    let pages = pdf_pages(&a);
    assert_eq!(pages.len(), 1, "the page size was not changed by a name");
    assert!(pages[0].contains(HOSTILE), "{}", pages[0]);
}

#[test]
fn the_qr_code_decodes_to_the_verification_link() {
    let a = example();
    let page = html(&a);
    let aside = &page[page.find("<aside class=\"verify\"").expect("aside")..];
    let svg = &aside[aside.find("<svg").expect("svg")..aside.find("</svg>").expect("end") + 6];
    let png = smm_report::png::render(svg, 1.0).expect("renders");
    let image = Pixmap::decode_png(&png).expect("a PNG");
    let (w, h) = (image.width() as usize, image.height() as usize);
    let pixels = image.data();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        pixels[(y * w + x) * 4] // red of RGBA: the code is black on white
    });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    let (_, content) = grids[0].decode().expect("decodes");
    assert_eq!(
        content,
        format!("https://smm.example.org/verify?serial={}", a.serial)
    );
}
