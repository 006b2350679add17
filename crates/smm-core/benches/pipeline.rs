//! How long the pipeline takes: parse the catalog, the target and the assessment, resolve the
//! target, check the assessment, compute the gap.
//!
//! Two data sets: the real one (the built-in IoT SMM 1.2 catalog, 18 practices, and the
//! bottling-line example) and a synthetic catalog of 1,000 practices (10 domains x 10 subdomains
//! x 10 practices) with a target and an assessment that cover all of it, to see how the stages
//! scale. The synthetic documents are generated once, before timing starts.
//!
//! Run with `cargo bench -p smm-core --bench pipeline`; see docs/performance.md.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use smm_core::catalog::{prepare, BUILTIN_CATALOG_YAML};
use smm_core::header::read_kind;
use smm_core::{
    check_target_digest, current_profile, gap, parse_assessment, parse_catalog, parse_target,
    resolve, Catalog,
};

const BOTTLING_TARGET: &str = include_str!("../../../examples/bottling-line/target.yaml");
const BOTTLING_ASSESSMENT: &str = include_str!("../../../examples/bottling-line/assessment.yaml");

const DOMAINS: usize = 10;
const SUBDOMAINS_PER_DOMAIN: usize = 10;
const PRACTICES_PER_SUBDOMAIN: usize = 10;
const PRACTICES: usize = DOMAINS * SUBDOMAINS_PER_DOMAIN * PRACTICES_PER_SUBDOMAIN;

const SCOPES: [&str; 3] = ["general", "industry", "system"];

/// The whole pipeline from three texts to a gap, as `smm gap` runs it (without I/O and output).
fn pipeline(catalog: &str, target: &str, assessment: &str) -> smm_core::Gap {
    let catalog = parse_catalog(catalog).expect("catalog");
    let target = parse_target(target).expect("target");
    let assessment = parse_assessment(assessment).expect("assessment");
    let resolved = resolve(&catalog, &target).expect("resolve");
    let current = current_profile(&catalog, &assessment).expect("current profile");
    gap(&resolved, &current).expect("same catalog")
}

fn real(c: &mut Criterion) {
    let catalog = parse_catalog(BUILTIN_CATALOG_YAML).expect("built-in catalog");
    let target = parse_target(BOTTLING_TARGET).expect("bottling-line target");
    let assessment = parse_assessment(BOTTLING_ASSESSMENT).expect("bottling-line assessment");
    let resolved = resolve(&catalog, &target).expect("bottling-line target resolves");
    let current = current_profile(&catalog, &assessment).expect("bottling-line assessment checks");
    assert_eq!(
        gap(&resolved, &current)
            .expect("same catalog")
            .practices
            .len(),
        catalog.practices().len()
    );

    let mut group = c.benchmark_group("real");
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("parse_catalog", |b| {
        b.iter(|| parse_catalog(black_box(BUILTIN_CATALOG_YAML)))
    });
    // What the smm command does instead: read the form prepared at build time, then check it.
    let prepared = prepare(BUILTIN_CATALOG_YAML).expect("built-in catalog prepares");
    group.bench_function("Catalog::from_prepared", |b| {
        b.iter(|| Catalog::from_prepared(black_box(&prepared)))
    });
    // The header check alone, which parse_catalog, parse_target and parse_assessment run first.
    group.bench_function("read_kind(catalog)", |b| {
        b.iter(|| read_kind(black_box(BUILTIN_CATALOG_YAML)))
    });
    group.bench_function("parse_target", |b| {
        b.iter(|| parse_target(black_box(BOTTLING_TARGET)))
    });
    group.bench_function("resolve", |b| {
        b.iter(|| resolve(black_box(&catalog), black_box(&target)))
    });
    group.bench_function("parse_target+resolve", |b| {
        b.iter(|| {
            let target = parse_target(black_box(BOTTLING_TARGET)).expect("target");
            resolve(&catalog, &target)
        })
    });
    group.bench_function("parse_assessment", |b| {
        b.iter(|| parse_assessment(black_box(BOTTLING_ASSESSMENT)))
    });
    group.bench_function("current_profile", |b| {
        b.iter(|| current_profile(black_box(&catalog), black_box(&assessment)))
    });
    group.bench_function("parse_assessment+current_profile", |b| {
        b.iter(|| {
            let assessment = parse_assessment(black_box(BOTTLING_ASSESSMENT)).expect("assessment");
            current_profile(&catalog, &assessment)
        })
    });
    group.bench_function("gap", |b| {
        b.iter(|| gap(black_box(&resolved), black_box(&current)))
    });
    // `smm gap` also checks that the assessment names the target by its content digest.
    group.bench_function("check_target_digest", |b| {
        b.iter(|| check_target_digest(black_box(&assessment), black_box(&target)))
    });
    // The server keeps each version's prepared form beside its text and reads it back for a gap
    // instead of parsing the YAML (smm_core::document::prepared).
    let form = smm_core::document::prepared::prepare(&assessment);
    group.bench_function("prepared::prepare(assessment)", |b| {
        b.iter(|| smm_core::document::prepared::prepare(black_box(&assessment)))
    });
    group.bench_function("prepared::read(assessment)", |b| {
        b.iter(|| smm_core::document::prepared::read::<smm_core::Assessment>(black_box(&form)))
    });
    // The assessment's canonical JSON (what its digest hashes), by our writer and by the
    // implementation it replaced (kept as the tests' reference).
    group.bench_function("canonical_json(assessment)", |b| {
        b.iter(|| smm_core::canonical::to_string(black_box(&assessment)))
    });
    group.bench_function(
        "canonical_json(assessment), serde_json_canonicalizer",
        |b| b.iter(|| serde_json_canonicalizer::to_string(black_box(&assessment))),
    );
    group.bench_function("end_to_end", |b| {
        b.iter(|| {
            pipeline(
                black_box(BUILTIN_CATALOG_YAML),
                black_box(BOTTLING_TARGET),
                black_box(BOTTLING_ASSESSMENT),
            )
        })
    });
    group.finish();
}

fn domain_id(d: usize) -> String {
    format!("dom-{d}")
}

fn subdomain_id(d: usize, s: usize) -> String {
    format!("sub-{d}-{s}")
}

fn practice_id(d: usize, s: usize, p: usize) -> String {
    format!("prac-{d}-{s}-{p}")
}

/// Every practice as (domain, subdomain, practice, running number), in catalog order.
fn all_practices() -> impl Iterator<Item = (usize, usize, usize, usize)> {
    (0..DOMAINS).flat_map(|d| {
        (0..SUBDOMAINS_PER_DOMAIN).flat_map(move |s| {
            (0..PRACTICES_PER_SUBDOMAIN).map(move |p| {
                let n = (d * SUBDOMAINS_PER_DOMAIN + s) * PRACTICES_PER_SUBDOMAIN + p;
                (d, s, p, n)
            })
        })
    })
}

/// A valid catalog of 1,000 practices, each with levels 1-4 and both scope additions.
fn synthetic_catalog() -> String {
    let mut y = String::with_capacity(1 << 20);
    y.push_str("smm: 1\nkind: Catalog\nid: synthetic\nversion: \"1.0\"\n");
    y.push_str("title: Synthetic catalog of 1,000 practices for benchmarks\n");
    y.push_str("comprehensiveness:\n");
    for (level, name) in ["None", "Minimum", "Ad hoc", "Consistent", "Formalized"]
        .iter()
        .enumerate()
    {
        let _ = write!(
            y,
            "  - level: {level}\n    name: {name}\n    summary: >-\n      What comprehensiveness level {level} means in general, in a sentence or two\n      of ordinary length for a catalog.\n"
        );
    }
    y.push_str("scopes:\n");
    for (scope, name) in SCOPES.iter().zip(["General", "Industry", "System"]) {
        let _ = write!(
            y,
            "  - scope: {scope}\n    name: {name}\n    summary: >-\n      What the {name} scope means in general, in a sentence or two.\n"
        );
    }
    y.push_str("domains:\n");
    for d in 0..DOMAINS {
        let _ = write!(
            y,
            "  - id: {}\n    name: Domain {d}\n    summary: >-\n      What domain {d} covers, written out in a sentence.\n    subdomains:\n",
            domain_id(d)
        );
        for s in 0..SUBDOMAINS_PER_DOMAIN {
            let _ = write!(
                y,
                "      - id: {}\n        name: Subdomain {d}.{s}\n        aliases: [\"Old subdomain {d}.{s}\"]\n        summary: >-\n          The concern subdomain {d}.{s} addresses.\n        practices:\n",
                subdomain_id(d, s)
            );
            for p in 0..PRACTICES_PER_SUBDOMAIN {
                let _ = write!(
                    y,
                    "          - id: {}\n            name: Practice {d}.{s}.{p}\n            purpose: >-\n              What practice {d}.{s}.{p} is for, what it protects against and how an\n              assessor judges it, in two lines of text.\n            levels:\n",
                    practice_id(d, s, p)
                );
                for level in 1..=4 {
                    let _ = write!(
                        y,
                        "              - level: {level}\n                description: >-\n                  What is done at level {level} for practice {d}.{s}.{p} and what assurance\n                  exists, described in a few lines like the real catalog does.\n                actions:\n                  - Do what level {level} of practice {d}.{s}.{p} asks for\n                indicators:\n                  - A record showing level {level} of practice {d}.{s}.{p} is in place\n"
                    );
                }
                let _ = write!(
                    y,
                    "            scope:\n              industry: What tailoring practice {d}.{s}.{p} to the sector adds.\n              system: What tailoring practice {d}.{s}.{p} to this system adds.\n"
                );
            }
        }
    }
    y
}

/// A target for the synthetic catalog: a goal per domain, overrides on every third subdomain
/// and on every seventh practice (one in three of those a confirmation), all with a rationale.
fn synthetic_target() -> String {
    let mut y = String::with_capacity(1 << 16);
    y.push_str("smm: 1\nkind: TargetProfile\nname: Synthetic target\nversion: \"1.0\"\n");
    y.push_str("system: A system of interest with a thousand practices to resolve.\n");
    y.push_str("role: operator\nauthors: [\"Bench <bench@example.com>\"]\ndate: 2026-01-15\n");
    y.push_str("catalog: { id: synthetic, version: \"1.0\" }\n");
    y.push_str("goals:\n");
    for d in 0..DOMAINS {
        let _ = write!(
            y,
            "  {}:\n    statement: What domain {d} must achieve, in plain words.\n    comprehensiveness: {}\n    scope: {}\n",
            domain_id(d),
            1 + d % 4,
            SCOPES[d % 3]
        );
    }
    y.push_str("subdomains:\n");
    for d in 0..DOMAINS {
        for s in (0..SUBDOMAINS_PER_DOMAIN).filter(|s| (d + s) % 3 == 0) {
            let _ = write!(
                y,
                "  {}:\n    comprehensiveness: {}\n    rationale: >-\n      Why subdomain {d}.{s} needs a different level than the domain goal.\n",
                subdomain_id(d, s),
                (d + s) % 5
            );
        }
    }
    y.push_str("practices:\n");
    for (d, s, p, n) in all_practices().filter(|&(.., n)| n % 7 == 0) {
        let _ = writeln!(y, "  {}:", practice_id(d, s, p));
        match n % 3 {
            0 => {}
            1 => {
                let _ = writeln!(y, "    comprehensiveness: {}", n % 5);
            }
            _ => {
                let _ = write!(
                    y,
                    "    comprehensiveness: {}\n    scope: {}\n",
                    (n + 2) % 5,
                    SCOPES[n % 3]
                );
            }
        }
        let _ = write!(
            y,
            "    rationale: >-\n      Why practice {d}.{s}.{p} differs from (or confirms) the subdomain's level.\n"
        );
    }
    y
}

/// An assessment of every synthetic practice, with varied levels, some evidence and notes,
/// and a few findings with recommendations.
fn synthetic_assessment() -> String {
    let mut y = String::with_capacity(1 << 18);
    y.push_str("smm: 1\nkind: Assessment\ntarget:\n  path: target.yaml\n");
    let _ = writeln!(y, "  sha256: \"{}\"", "ab12".repeat(16));
    y.push_str("product: { name: Synthetic product, version: \"1.0\" }\n");
    y.push_str("assessors: [\"Bench <bench@example.com>\"]\ndate: 2026-02-01\npractices:\n");
    for (d, s, p, n) in all_practices() {
        let _ = write!(
            y,
            "  {}:\n    comprehensiveness: {}\n    scope: {}\n",
            practice_id(d, s, p),
            (n * 7 + d) % 5,
            SCOPES[(n / 3 + s) % 3]
        );
        match n % 4 {
            0 => {
                let _ = write!(
                    y,
                    "    evidence:\n      - url: https://example.com/evidence/{n}\n        description: Where practice {d}.{s}.{p} is documented\n"
                );
            }
            1 => {
                let _ = write!(
                    y,
                    "    evidence:\n      - file: evidence/{n}.md\n        sha256: \"{}\"\n        description: A record for practice {d}.{s}.{p}\n",
                    "0f9e".repeat(16)
                );
            }
            _ => {}
        }
        if n % 5 == 0 {
            let _ = writeln!(
                y,
                "    notes: The assessor's reasoning for practice {d}.{s}.{p}."
            );
        }
    }
    y.push_str("findings:\n");
    for i in 0..20 {
        let (d, s, p) = (
            i % DOMAINS,
            (i * 3) % SUBDOMAINS_PER_DOMAIN,
            (i * 7) % PRACTICES_PER_SUBDOMAIN,
        );
        let _ = write!(
            y,
            "  - id: NC-{i}\n    kind: nonconformity\n    practice: {}\n    severity: medium\n    title: Finding {i}\n    recommendations: [R-{i}]\n",
            practice_id(d, s, p)
        );
    }
    y.push_str("recommendations:\n");
    for i in 0..20 {
        let (d, s, p) = (
            i % DOMAINS,
            (i * 3) % SUBDOMAINS_PER_DOMAIN,
            (i * 7) % PRACTICES_PER_SUBDOMAIN,
        );
        let _ = write!(
            y,
            "  - id: R-{i}\n    practice: {}\n    text: What to do about finding {i}.\n",
            practice_id(d, s, p)
        );
    }
    y
}

fn synthetic(c: &mut Criterion) {
    let catalog_yaml = synthetic_catalog();
    let target_yaml = synthetic_target();
    let assessment_yaml = synthetic_assessment();
    eprintln!(
        "synthetic documents: catalog {} bytes, target {} bytes, assessment {} bytes",
        catalog_yaml.len(),
        target_yaml.len(),
        assessment_yaml.len()
    );
    let catalog = parse_catalog(&catalog_yaml).expect("synthetic catalog is valid");
    assert_eq!(catalog.practices().len(), PRACTICES);
    let target = parse_target(&target_yaml).expect("synthetic target parses");
    let assessment = parse_assessment(&assessment_yaml).expect("synthetic assessment parses");
    let resolved = resolve(&catalog, &target).expect("synthetic target resolves");
    let current = current_profile(&catalog, &assessment).expect("synthetic assessment checks");
    let result = gap(&resolved, &current).expect("same catalog");
    assert_eq!(result.summary.total, PRACTICES);
    assert!(result.summary.under > 0 && result.summary.met > 0 && result.summary.over > 0);

    let mut group = c.benchmark_group("synthetic-1000");
    // Each iteration takes milliseconds: flat sampling keeps 30 samples within 5 s.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(PRACTICES as u64));
    group.bench_function("parse_catalog", |b| {
        b.iter(|| parse_catalog(black_box(&catalog_yaml)))
    });
    group.bench_function("read_kind(catalog)", |b| {
        b.iter(|| read_kind(black_box(&catalog_yaml)))
    });
    group.bench_function("parse_target", |b| {
        b.iter(|| parse_target(black_box(&target_yaml)))
    });
    group.bench_function("resolve", |b| {
        b.iter(|| resolve(black_box(&catalog), black_box(&target)))
    });
    group.bench_function("parse_assessment", |b| {
        b.iter(|| parse_assessment(black_box(&assessment_yaml)))
    });
    group.bench_function("current_profile", |b| {
        b.iter(|| current_profile(black_box(&catalog), black_box(&assessment)))
    });
    group.bench_function("gap", |b| {
        b.iter(|| gap(black_box(&resolved), black_box(&current)))
    });
    group.bench_function("end_to_end", |b| {
        b.iter(|| {
            pipeline(
                black_box(&catalog_yaml),
                black_box(&target_yaml),
                black_box(&assessment_yaml),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, real, synthetic);
criterion_main!(benches);
