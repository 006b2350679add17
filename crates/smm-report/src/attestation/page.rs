//! What the document shows, in the order it shows it, shared by the HTML and the PDF; and the
//! verification link it points to.

use askama::Template;
use smm_cert::Attestation;
use smm_core::scheme::AttestationKind;

use super::{chart, qr, Input};

/// The base URL of a verification service, such as `https://smm.example.org`: `http` or `https`,
/// a host name or IP address, an optional port and path; no user, query or fragment. Checked
/// once, so whatever reaches a document (and its QR code) is a plain link to a host someone
/// chose, never text that could carry markup or a second URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyBase(String);

impl VerifyBase {
    /// Reads a base URL as given on the command line or in a configuration.
    pub fn parse(text: &str) -> Result<VerifyBase, String> {
        let text = text.trim();
        let bad = |why: &str| format!("`{text}` is not a verification base URL: {why}");
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| bad("expected http(s)://HOST[:PORT][/PATH]"))?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(bad("the scheme must be http or https")),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        check_authority(authority).map_err(|why| bad(&why))?;
        if !path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/".contains(c))
        {
            return Err(bad(
                "the path may hold letters, digits and - . _ ~ / only (no query or fragment)",
            ));
        }
        Ok(VerifyBase(format!(
            "{}://{}{}",
            if https { "https" } else { "http" },
            authority.to_ascii_lowercase(),
            path.trim_end_matches('/')
        )))
    }

    /// The base of a server reached as `host` (a request's `Host`), over TLS or not. The host
    /// must be a plain host name or address with an optional port: anything else is refused
    /// rather than written into a document.
    pub fn from_host(https: bool, host: &str) -> Result<VerifyBase, String> {
        check_authority(host).map_err(|why| format!("the host `{host}` is refused: {why}"))?;
        Ok(VerifyBase(format!(
            "{}://{}",
            if https { "https" } else { "http" },
            host.to_ascii_lowercase()
        )))
    }

    /// The base URL, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The verification link of the attestation with `serial`.
    pub fn link(&self, serial: &str) -> String {
        format!("{}/verify?serial={}", self.0, percent_encoded(serial))
    }
}

/// `HOST[:PORT]`: DNS labels (letters, digits, inner hyphens) or a bracketed IPv6 address.
fn check_authority(authority: &str) -> Result<(), String> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (address, after) = rest
                .split_once(']')
                .ok_or("an IPv6 address needs its closing `]`")?;
            if address.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(format!("`{address}` is not an IPv6 address"));
            }
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or("only a port may follow `]`")?),
            };
            (None, port)
        }
        None => match authority.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(authority), None),
        },
    };
    if let Some(host) = host {
        if host.is_empty() || host.len() > 253 {
            return Err("the host name is empty or too long".to_string());
        }
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if !host.split('.').all(label_ok) {
            return Err(
                "a host name is made of letters, digits, dots and inner hyphens".to_string(),
            );
        }
    }
    if let Some(port) = port {
        if !(1..=5).contains(&port.len())
            || !port.chars().all(|c| c.is_ascii_digit())
            || port.parse::<u16>().map_or(true, |p| p == 0)
        {
            return Err(format!("`{port}` is not a port"));
        }
    }
    Ok(())
}

/// Everything but RFC 3986's unreserved characters as `%XX` (a serial is hex, but the link
/// must stay one link whatever a statement holds).
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How a product line's list reads: which products were assessed and which are covered.
pub(crate) const LINE_NOTE: &str = "It covers every product and version listed; those marked \
     (assessed) were assessed as the line's representatives, the others are covered through them.";

pub(crate) struct ProductRow {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) assessed: bool,
}

pub(crate) struct AssessmentRow {
    pub(crate) product: String,
    pub(crate) date: String,
    pub(crate) assessors: String,
    pub(crate) methods: String,
}

pub(crate) struct LimitationRow {
    pub(crate) practice: String,
    pub(crate) limited: String,
    pub(crate) because: String,
    pub(crate) compensating: String,
}

pub(crate) struct ResultRow {
    pub(crate) name: String,
    pub(crate) target: String,
    pub(crate) status: String,
    pub(crate) practices: usize,
    pub(crate) under: usize,
    pub(crate) at: usize,
    pub(crate) over: usize,
}

#[derive(Template)]
#[template(path = "attestation.html")]
pub(crate) struct Page {
    /// The kind in words, first and largest: `Certificate` or `Supplier's declaration`.
    pub(crate) kind: String,
    /// What the kind means: who attests.
    pub(crate) kind_meaning: String,
    pub(crate) certificate: bool,
    /// One sentence of what the issuer states, in the statement's own terms.
    pub(crate) statement: String,
    pub(crate) product_line: Option<String>,
    pub(crate) products: Vec<ProductRow>,
    /// Whether the products are many enough to be listed in two columns.
    pub(crate) many: bool,
    pub(crate) line_note: &'static str,
    pub(crate) issuer: String,
    pub(crate) issuer_id: Option<String>,
    pub(crate) serial: String,
    pub(crate) issued: String,
    pub(crate) valid_until: String,
    pub(crate) reassess_by: Option<String>,
    pub(crate) scheme: String,
    pub(crate) target: String,
    pub(crate) target_date: String,
    /// Who approved the attested profile version, when the attestation records it.
    pub(crate) approval: Option<String>,
    pub(crate) catalog: String,
    pub(crate) assessments: Vec<AssessmentRow>,
    pub(crate) limitations: Vec<LimitationRow>,
    pub(crate) results: Vec<ResultRow>,
    pub(crate) findings: String,
    /// The signing key's id and the documents' SHA-256 digests, each with what it identifies:
    /// together at the end, where someone checking the documents looks for them.
    pub(crate) digests: Vec<(String, String)>,
    pub(crate) chart: String,
    pub(crate) qr: String,
    pub(crate) link: String,
    pub(crate) rendered: String,
}

fn joined(items: &[String]) -> String {
    if items.is_empty() {
        "not named".to_string()
    } else {
        items.join(", ")
    }
}

fn digests(a: &Attestation, scheme: &str, target: &str) -> Vec<(String, String)> {
    let mut out = vec![
        ("Signing key id".to_string(), a.issuer.keyid.clone()),
        (format!("Target profile {target}"), a.target.sha256.clone()),
        (format!("Scheme {scheme}"), a.scheme.sha256.clone()),
    ];
    out.extend(a.assessments.iter().map(|x| {
        (
            format!("Assessment of {} {}", x.product, x.version),
            x.sha256.clone(),
        )
    }));
    out
}

/// The document's content from the attestation.
pub(crate) fn page(input: &Input<'_>) -> Result<Page, String> {
    let a: &Attestation = input.attestation;
    let (kind, kind_meaning) = match a.kind {
        AttestationKind::Certificate => ("Certificate", "third-party certification"),
        AttestationKind::Declaration => (
            "Supplier's declaration",
            "self-assessed by the supplier, not a certificate",
        ),
    };
    let target = match &a.target.version {
        Some(v) => format!("{} {v}", a.target.name),
        None => a.target.name.clone(),
    };
    let scheme = format!("{} {}", a.scheme.id, a.scheme.version);
    let what = match &a.covers.product_line {
        Some(line) => format!("the products of the line {line} listed here"),
        None => "the product versions listed here".to_string(),
    };
    let statement = match a.kind {
        AttestationKind::Certificate => format!(
            "{} certifies that {what} met the requirements of scheme {scheme} for the target \
             profile {target}, on the assessments named below.",
            a.issuer.name
        ),
        AttestationKind::Declaration => format!(
            "{}, the supplier, declares on its own assessment that {what} met the requirements \
             of scheme {scheme} for the target profile {target}.",
            a.issuer.name
        ),
    };
    let link = input.verify.link(&a.serial);
    let f = a.findings;
    Ok(Page {
        kind: kind.to_string(),
        kind_meaning: kind_meaning.to_string(),
        certificate: a.kind == AttestationKind::Certificate,
        statement,
        product_line: a.covers.product_line.clone(),
        products: a
            .covers
            .products
            .iter()
            .map(|p| ProductRow {
                name: p.name.clone(),
                version: p.version.clone(),
                assessed: p.assessed,
            })
            .collect(),
        many: a.covers.products.len() > super::pdf::MANY,
        line_note: LINE_NOTE,
        issuer: a.issuer.name.clone(),
        issuer_id: a.issuer.id.clone(),
        serial: a.serial.clone(),
        issued: a.issued.clone(),
        valid_until: a.valid_until.clone(),
        reassess_by: a.reassess_by.clone(),
        digests: digests(a, &scheme, &target),
        scheme,
        target,
        target_date: a.target.date.clone(),
        approval: a.target.approval.as_ref().map(|x| x.words()),
        catalog: format!("{} {}", a.catalog.id, a.catalog.version),
        assessments: a
            .assessments
            .iter()
            .map(|x| AssessmentRow {
                product: format!("{} {}", x.product, x.version),
                date: x.date.clone(),
                assessors: joined(&x.assessors),
                methods: joined(&x.methods),
            })
            .collect(),
        limitations: a
            .limitations
            .iter()
            .map(|l| LimitationRow {
                practice: l.practice.clone(),
                limited: l.limited.clone(),
                because: l.because.clone(),
                compensating: joined(&l.compensating),
            })
            .collect(),
        results: a
            .result
            .iter()
            .map(|d| {
                let s = chart::split(d);
                ResultRow {
                    name: d.name.clone(),
                    target: d.target.clone(),
                    status: d.status.clone(),
                    practices: d.practices,
                    under: s.under,
                    at: s.at,
                    over: s.over,
                }
            })
            .collect(),
        findings: format!(
            "{} resolved, {} accepted with a reason, {} open",
            f.resolved, f.accepted, f.open
        ),
        chart: chart::summary(&a.result),
        qr: qr::svg(&link)?,
        link,
        rendered: input.rendered.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::VerifyBase;

    #[test]
    fn a_base_url_is_a_plain_link_to_a_host() {
        let base = VerifyBase::parse("HTTPS://Smm.Example.org:8443/smm/").expect("valid");
        assert_eq!(base.as_str(), "https://smm.example.org:8443/smm");
        assert_eq!(
            base.link("00ff"),
            "https://smm.example.org:8443/smm/verify?serial=00ff"
        );
        assert_eq!(
            VerifyBase::parse("http://[::1]:8080").expect("v6").as_str(),
            "http://[::1]:8080"
        );
        for bad in [
            "smm.example.org",
            "ftp://smm.example.org",
            "https://",
            "https://user@smm.example.org",
            "https://smm.example.org/?q=1",
            "https://smm.example.org/#x",
            "https://smm.example.org\"><script>",
            "https://smm.example.org:99999",
            "https://-bad-.org",
            "javascript://x",
        ] {
            assert!(VerifyBase::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn a_host_header_is_accepted_only_as_a_host_and_port() {
        assert_eq!(
            VerifyBase::from_host(true, "smm.example.org")
                .expect("host")
                .as_str(),
            "https://smm.example.org"
        );
        assert_eq!(
            VerifyBase::from_host(false, "127.0.0.1:3000")
                .expect("host")
                .as_str(),
            "http://127.0.0.1:3000"
        );
        for bad in ["evil.org/phish", "a b", "x\"y", "evil.org@good.org", ""] {
            assert!(VerifyBase::from_host(true, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_serial_cannot_break_out_of_the_link() {
        let base = VerifyBase::parse("https://smm.example.org").expect("valid");
        assert_eq!(
            base.link("a&b=\"c d"),
            "https://smm.example.org/verify?serial=a%26b%3D%22c%20d"
        );
    }
}
