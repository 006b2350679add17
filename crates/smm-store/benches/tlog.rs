//! The transparency log at the size a busy certification ecosystem reaches: a million entries
//! appended in batches, then inclusion and consistency proofs for any entry and the signed
//! checkpoint of the whole log, each read from the stored subtree hashes as the server reads
//! them (`app::transparency`). The aim (issue 20): a proof in under 1 ms.
//!
//! Each entry is 300 bytes, the size of a revocation entry (an attestation's entry carries its
//! whole envelope, a few kB: it costs more disk, not more hashing per proof). Under
//! `cargo test --benches` (CI runs every bench once) the log holds 5,000.
//!
//! Run with `cargo bench -p smm-store --bench tlog`; see docs/performance.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use smm_cert::tlog::merkle::{
    consistency_nodes, consistency_proof, inclusion_nodes, inclusion_proof, root, root_nodes,
};
use smm_cert::tlog::Checkpoint;
use smm_store::{NewLogEntry, Store};

const ENTRIES: u64 = 1_000_000;
const ENTRIES_UNDER_TEST: u64 = 5_000;
const BATCH: u64 = 1_000;

/// A small deterministic generator, so every run asks for the same entries.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) % n
    }
}

fn entry_data(i: u64) -> String {
    let mut data = format!(
        "{{\"kind\":\"revocation\",\"serial\":\"SMM-{i:012}\",\"issuer\":\"cb-{}\",\"reason\":\"",
        i % 97
    );
    while data.len() < 298 {
        data.push('x');
    }
    data.push_str("\"}");
    data
}

async fn fill(store: &Store, entries: u64) {
    let mut next = 0;
    while next < entries {
        let end = (next + BATCH).min(entries);
        let data: Vec<String> = (next..end).map(entry_data).collect();
        let serials: Vec<String> = (next..end).map(|i| format!("SMM-{i:012}")).collect();
        let batch: Vec<NewLogEntry> = data
            .iter()
            .zip(&serials)
            .map(|(data, serial)| NewLogEntry {
                kind: "revocation",
                serial,
                data,
            })
            .collect();
        assert_eq!(
            store.append_log_entries(&batch).await.expect("append"),
            next
        );
        next = end;
    }
}

async fn proof(store: &Store, index: u64, size: u64) -> usize {
    let nodes = inclusion_nodes(index, size).expect("ids");
    let hashes = store.log_hashes(&nodes).await.expect("hashes");
    inclusion_proof(&hashes, index, size).expect("proof").len()
}

async fn consistency(store: &Store, old: u64, new: u64) -> usize {
    let nodes = consistency_nodes(old, new).expect("ids");
    let hashes = store.log_hashes(&nodes).await.expect("hashes");
    consistency_proof(&hashes, old, new).expect("proof").len()
}

async fn checkpoint(store: &Store, size: u64, key: &smm_cert::SigningKey) -> String {
    let hashes = store.log_hashes(&root_nodes(size)).await.expect("hashes");
    Checkpoint {
        origin: "bench.example/log".to_string(),
        size,
        root: root(&hashes, size).expect("root"),
        extensions: Vec::new(),
    }
    .sign(key)
    .expect("sign")
    .encode()
}

fn p50_p99(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)].as_secs_f64() * 1e3;
    (at(50), at(99))
}

fn tlog(c: &mut Criterion) {
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let quick = !benchmarking || std::env::args().any(|a| a == "--test");
    let size = if quick { ENTRIES_UNDER_TEST } else { ENTRIES };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("log.db").display());
    let store = runtime.block_on(Store::open(&url)).expect("store");

    let started = Instant::now();
    runtime.block_on(fill(&store, size));
    let took = started.elapsed().as_secs_f64();
    eprintln!(
        "appended {size} entries in batches of {BATCH} in {took:.1} s ({:.0} entries/s)",
        size as f64 / took
    );
    assert_eq!(runtime.block_on(store.log_size()).expect("size"), size);

    // The tail, which criterion's mean does not show.
    let key = smm_cert::keys::generate();
    let rounds = if quick { 100 } else { 2_000 };
    let mut lcg = Lcg(7);
    let times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let index = lcg.below(size);
            let t = Instant::now();
            runtime.block_on(proof(&store, index, size));
            t.elapsed()
        })
        .collect();
    let (p50, p99) = p50_p99(times);
    eprintln!("inclusion proof in a log of {size}: p50 {p50:.3} ms, p99 {p99:.3} ms over {rounds}");
    let times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            runtime.block_on(checkpoint(&store, size, &key));
            t.elapsed()
        })
        .collect();
    let (p50, p99) = p50_p99(times);
    eprintln!("signed checkpoint of {size}: p50 {p50:.3} ms, p99 {p99:.3} ms over {rounds}");

    let mut group = c.benchmark_group(format!("tlog-{size}"));
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(if quick { 10 } else { 100 })
        .measurement_time(Duration::from_secs(if quick { 1 } else { 5 }));
    let mut lcg = Lcg(11);
    group.bench_function("inclusion proof (any entry)", |b| {
        b.iter(|| {
            let index = lcg.below(size);
            runtime.block_on(proof(&store, black_box(index), size))
        })
    });
    let mut lcg = Lcg(13);
    group.bench_function("consistency proof (any older size)", |b| {
        b.iter(|| {
            let old = 1 + lcg.below(size - 1);
            runtime.block_on(consistency(&store, black_box(old), size))
        })
    });
    group.bench_function("root and signed checkpoint", |b| {
        b.iter(|| runtime.block_on(checkpoint(&store, black_box(size), &key)))
    });
    group.bench_function("sign a checkpoint note (Ed25519 only)", |b| {
        let body = Checkpoint {
            origin: "bench.example/log".to_string(),
            size,
            root: [7; 32],
            extensions: Vec::new(),
        };
        b.iter(|| body.sign(&key).expect("sign"))
    });
    let mut appended = size;
    group.bench_function(format!("append a batch of {BATCH}"), |b| {
        b.iter(|| {
            let data: Vec<String> = (appended..appended + BATCH).map(entry_data).collect();
            let batch: Vec<NewLogEntry> = data
                .iter()
                .map(|data| NewLogEntry {
                    kind: "revocation",
                    serial: "SMM-bench",
                    data,
                })
                .collect();
            runtime
                .block_on(store.append_log_entries(&batch))
                .expect("append");
            appended += BATCH;
        })
    });
    group.finish();
    runtime.block_on(store.close());
}

criterion_group!(benches, tlog);
criterion_main!(benches);
