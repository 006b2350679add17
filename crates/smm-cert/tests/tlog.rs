//! The transparency log's Merkle tree and signed checkpoints, checked against RFC 9162's own
//! recursive definitions written out naively here (MTH, PATH, PROOF on slices of leaves), for
//! every size up to 70 and every index or pair of sizes, and against tampering.

use ed25519_dalek::SigningKey;
use proptest::prelude::*;

use smm_cert::tlog::merkle::{
    consistency_nodes, consistency_proof, empty_root, inclusion_nodes, inclusion_proof, leaf_hash,
    node_hash, verify_consistency, verify_inclusion, HashSource,
};
use smm_cert::tlog::{Checkpoint, Hash, Levels, NodeId, Note, NoteVerifier, TlogError};

/// RFC 9162, 2.1.1: the Merkle Tree Hash of a list of entries.
fn mth(d: &[Vec<u8>]) -> Hash {
    match d.len() {
        0 => empty_root(),
        1 => leaf_hash(&d[0]),
        n => {
            let k = largest_power_below(n);
            node_hash(&mth(&d[..k]), &mth(&d[k..]))
        }
    }
}

fn largest_power_below(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 9162, 2.1.3.1.
fn rfc_path(m: usize, d: &[Vec<u8>]) -> Vec<Hash> {
    let n = d.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = largest_power_below(n);
    if m < k {
        let mut p = rfc_path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = rfc_path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

/// RFC 9162, 2.1.4.1.
fn rfc_subproof(m: usize, d: &[Vec<u8>], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { Vec::new() } else { vec![mth(d)] };
    }
    let k = largest_power_below(n);
    if m <= k {
        let mut p = rfc_subproof(m, &d[..k], b);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = rfc_subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

fn entries(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
}

fn log_of(d: &[Vec<u8>]) -> Levels {
    let mut log = Levels::new();
    for e in d {
        log.push(leaf_hash(e));
    }
    log
}

/// A source that holds only the listed hashes of a log: a proof built from it proves that the
/// listed ids are all the proof reads.
struct Only<'a>(&'a Levels, Vec<NodeId>);

impl HashSource for Only<'_> {
    fn node(&self, id: NodeId) -> Result<Hash, TlogError> {
        if self.1.contains(&id) {
            self.0.node(id)
        } else {
            Err(TlogError::Missing(format!("{id:?}")))
        }
    }
}

#[test]
fn roots_and_proofs_equal_the_rfc_definitions_for_every_size_up_to_70() {
    let all = entries(70);
    let log = log_of(&all);
    for n in 0..=70u64 {
        let d = &all[..n as usize];
        let root = log.root(n).expect("root");
        assert_eq!(root, mth(d), "root of {n}");
        for m in 0..n {
            let proof = inclusion_proof(&log, m, n).expect("inclusion");
            assert_eq!(proof, rfc_path(m as usize, d), "path of {m} in {n}");
            verify_inclusion(&leaf_hash(&d[m as usize]), m, n, &proof, &root)
                .expect("inclusion verifies");
            let only = Only(&log, inclusion_nodes(m, n).expect("nodes"));
            assert_eq!(
                inclusion_proof(&only, m, n).expect("from the listed"),
                proof
            );
        }
        for m in 0..=n {
            let proof = consistency_proof(&log, m, n).expect("consistency");
            let expected = if m == 0 || m == n {
                Vec::new()
            } else {
                rfc_subproof(m as usize, d, true)
            };
            assert_eq!(proof, expected, "consistency {m} -> {n}");
            let old_root = mth(&d[..m as usize]);
            verify_consistency(m, n, &old_root, &root, &proof).expect("consistency verifies");
            let only = Only(&log, consistency_nodes(m, n).expect("nodes"));
            assert_eq!(consistency_proof(&only, m, n).expect("listed"), proof);
        }
    }
}

#[test]
fn an_entry_not_in_the_log_or_a_wrong_proof_fails() {
    let d = entries(13);
    let log = log_of(&d);
    let root = log.root(13).expect("root");
    let proof = inclusion_proof(&log, 5, 13).expect("proof");
    let leaf = leaf_hash(&d[5]);
    assert!(verify_inclusion(&leaf_hash(b"not logged"), 5, 13, &proof, &root).is_err());
    assert!(verify_inclusion(&leaf, 6, 13, &proof, &root).is_err());
    assert!(verify_inclusion(&leaf, 5, 5, &proof, &root).is_err());
    assert!(verify_inclusion(&leaf, 5, 13, &proof[..proof.len() - 1], &root).is_err());
    let mut longer = proof.clone();
    longer.push(root);
    assert!(verify_inclusion(&leaf, 5, 13, &longer, &root).is_err());
    for i in 0..proof.len() {
        let mut bad = proof.clone();
        bad[i][7] ^= 1;
        assert!(
            verify_inclusion(&leaf, 5, 13, &bad, &root).is_err(),
            "hash {i} flipped"
        );
    }
    // A leaf's hash cannot pass as a node's (domain separation).
    assert_ne!(leaf_hash(&[root, root].concat()), node_hash(&root, &root));
    assert!(matches!(
        inclusion_proof(&log, 13, 13),
        Err(TlogError::Range(_))
    ));
}

#[test]
fn a_rewritten_history_fails_the_consistency_check() {
    let d = entries(20);
    let log = log_of(&d);
    let mut forked = d.clone();
    forked[3] = b"rewritten".to_vec();
    let fork = log_of(&forked);
    for (m, n) in [(1, 20), (4, 20), (7, 20), (8, 20), (16, 20), (19, 20)] {
        let proof = consistency_proof(&log, m, n).expect("proof");
        let old_root = log.root(m).expect("old");
        let new_root = log.root(n).expect("new");
        verify_consistency(m, n, &old_root, &new_root, &proof).expect("honest log");
        // The fork holds the same first three entries only.
        let fork_proof = consistency_proof(&fork, m, n).expect("fork proof");
        let fork_new = fork.root(n).expect("fork root");
        let outcome = verify_consistency(m, n, &old_root, &fork_new, &fork_proof);
        assert_eq!(outcome.is_ok(), m <= 3, "{m} -> {n}");
        assert!(verify_consistency(m, n, &old_root, &new_root, &proof[1..]).is_err());
        assert!(verify_consistency(n, m, &new_root, &old_root, &proof).is_err());
    }
    // Equal sizes need equal roots; the empty tree is every tree's prefix.
    let r = log.root(20).expect("root");
    verify_consistency(20, 20, &r, &r, &[]).expect("same tree");
    assert!(verify_consistency(20, 20, &r, &fork.root(20).expect("fork"), &[]).is_err());
    verify_consistency(0, 20, &empty_root(), &r, &[]).expect("from empty");
    assert!(verify_consistency(0, 20, &empty_root(), &r, &[r]).is_err());
    assert!(verify_consistency(5, 20, &log.root(5).expect("5"), &r, &[]).is_err());
}

proptest! {
    #[test]
    fn proofs_verify_for_any_size_and_index(n in 1u64..3_000, seed in any::<u64>()) {
        let mut log = Levels::new();
        for i in 0..n {
            log.push(leaf_hash(&(i ^ seed).to_be_bytes()));
        }
        let m = seed % n;
        let root = log.root(n).expect("root");
        let proof = inclusion_proof(&log, m, n).expect("proof");
        prop_assert!(verify_inclusion(&leaf_hash(&(m ^ seed).to_be_bytes()), m, n, &proof, &root).is_ok());
        let old = (seed >> 20) % (n + 1);
        let cproof = consistency_proof(&log, old, n).expect("consistency");
        prop_assert!(verify_consistency(old, n, &log.root(old).expect("old"), &root, &cproof).is_ok());
    }
}

fn key(byte: u8) -> SigningKey {
    SigningKey::from_bytes(&[byte; 32])
}

#[test]
fn a_signed_checkpoint_reads_back_and_refuses_every_alteration() {
    let log_key = key(7);
    let checkpoint = Checkpoint {
        origin: "smm.example/log".into(),
        size: 12,
        root: leaf_hash(b"x"),
        extensions: Vec::new(),
    };
    let note = checkpoint.sign(&log_key).expect("sign").encode();
    let verifier = NoteVerifier::ed25519("smm.example/log", log_key.verifying_key()).expect("v");
    let (read, _) = Checkpoint::open(&note, &verifier).expect("opens");
    assert_eq!(read, checkpoint);
    // The verifier key round-trips through its text form.
    assert_eq!(
        NoteVerifier::decode(&verifier.encode()).expect("decode"),
        verifier
    );

    let other = NoteVerifier::ed25519("smm.example/log", key(8).verifying_key()).expect("v");
    assert!(matches!(
        Checkpoint::open(&note, &other),
        Err(TlogError::Signature(_))
    ));
    let renamed = NoteVerifier::ed25519("other.example/log", log_key.verifying_key()).expect("v");
    assert!(Checkpoint::open(&note, &renamed).is_err());
    let grown = note.replacen("\n12\n", "\n13\n", 1);
    assert!(matches!(
        Checkpoint::open(&grown, &verifier),
        Err(TlogError::Signature(_))
    ));
    for bad in [
        note.replacen("\n12\n", "\n012\n", 1),
        note.replacen("\n\n", "\n", 1),
        note.replacen('\u{2014}', "-", 1),
        note.trim_end().to_string(),
    ] {
        assert!(Checkpoint::open(&bad, &verifier).is_err(), "{bad:?}");
    }
}

#[test]
fn a_witness_cosignature_names_its_time_and_covers_the_checkpoint() {
    let log_key = key(1);
    let checkpoint = Checkpoint {
        origin: "smm.example/log".into(),
        size: 3,
        root: leaf_hash(b"r"),
        extensions: vec!["an extension".into()],
    };
    let mut note = checkpoint.sign(&log_key).expect("sign");
    note.cosign("witness.example", &key(2), 1_790_000_000)
        .expect("cosign");
    let text = note.encode();
    let read = Note::parse(&text).expect("parse");
    assert_eq!(read.signatures.len(), 2);
    let witness = NoteVerifier::cosigner("witness.example", key(2).verifying_key()).expect("w");
    assert_eq!(
        read.verify(&witness).expect("cosigned"),
        Some(1_790_000_000)
    );
    // A plain Ed25519 verifier of the same key has another key id: it finds no signature.
    let plain = NoteVerifier::ed25519("witness.example", key(2).verifying_key()).expect("p");
    assert!(read.verify(&plain).is_err());
    // The cosignature does not survive a change of the checkpoint.
    let mut moved = read.clone();
    moved.text = moved.text.replacen("\n3\n", "\n4\n", 1);
    assert!(moved.verify(&witness).is_err());
}

/// Every proof, checkpoint and cosignature smm makes, and tampered copies of them, checked by
/// `tests/independent/tlog_verify.py` (written from RFC 9162 and the C2SP specifications, not
/// from this code): it must accept exactly the untouched ones.
#[test]
fn an_independent_implementation_agrees_on_every_proof_and_signature() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde_json::{json, Value};

    let all = entries(40);
    let log = log_of(&all);
    let log_key = key(3);
    let origin = "smm.example/transparency";
    let verifier = NoteVerifier::ed25519(origin, log_key.verifying_key()).expect("v");
    let witness_key = key(4);
    let witness =
        NoteVerifier::cosigner("witness.example/w1", witness_key.verifying_key()).expect("w");
    let signed = |size: u64, k: &SigningKey| {
        Checkpoint {
            origin: origin.into(),
            size,
            root: log.root(size).expect("root"),
            extensions: Vec::new(),
        }
        .sign(k)
        .expect("sign")
        .encode()
    };
    let b64 = |h: &[u8]| STANDARD.encode(h);
    let proof_json = |p: &[Hash]| p.iter().map(|h| b64(h)).collect::<Vec<_>>();
    let mut cases: Vec<(Value, bool)> = Vec::new();
    let sizes = [0u64, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40];
    for &n in &sizes {
        let cp = signed(n, &log_key);
        cases.push((
            json!({"name": format!("root-{n}"), "type": "root", "size": n,
                   "root": b64(&log.root(n).expect("root"))}),
            true,
        ));
        cases.push((
            json!({"name": format!("checkpoint-{n}"), "type": "checkpoint", "checkpoint": cp}),
            true,
        ));
        for m in 0..n {
            let proof = inclusion_proof(&log, m, n).expect("proof");
            let entry = b64(&all[m as usize]);
            cases.push((
                json!({"name": format!("inclusion-{m}-{n}"), "type": "inclusion",
                       "checkpoint": cp, "entry": entry, "index": m, "proof": proof_json(&proof)}),
                true,
            ));
            if !proof.is_empty() {
                let mut bad = proof.clone();
                bad[0][0] ^= 0x80;
                cases.push((
                    json!({"name": format!("inclusion-flipped-{m}-{n}"), "type": "inclusion",
                           "checkpoint": cp, "entry": entry, "index": m, "proof": proof_json(&bad)}),
                    false,
                ));
            }
            cases.push((
                json!({"name": format!("inclusion-other-entry-{m}-{n}"), "type": "inclusion",
                       "checkpoint": cp, "entry": b64(b"never logged"), "index": m,
                       "proof": proof_json(&proof)}),
                false,
            ));
        }
        for &old in sizes.iter().filter(|&&o| o <= n) {
            let proof = consistency_proof(&log, old, n).expect("consistency");
            let old_cp = signed(old, &log_key);
            cases.push((
                json!({"name": format!("consistency-{old}-{n}"), "type": "consistency",
                       "old_checkpoint": old_cp, "checkpoint": cp, "proof": proof_json(&proof)}),
                true,
            ));
            if let Some(first) = proof.first() {
                let mut bad = proof.clone();
                bad[proof.len() - 1] = *first;
                bad[0][31] ^= 1;
                cases.push((
                    json!({"name": format!("consistency-tampered-{old}-{n}"),
                           "type": "consistency", "old_checkpoint": old_cp, "checkpoint": cp,
                           "proof": proof_json(&bad)}),
                    false,
                ));
            }
        }
    }
    // A checkpoint signed by another key, one whose size was changed after signing, and one
    // whose root is not the leaves'.
    cases.push((
        json!({"name": "checkpoint-other-key", "type": "checkpoint", "checkpoint": signed(9, &key(9))}),
        false,
    ));
    let grown = signed(9, &log_key).replacen("\n9\n", "\n10\n", 1);
    cases.push((
        json!({"name": "checkpoint-resized", "type": "checkpoint", "checkpoint": grown}),
        false,
    ));
    let wrong_root = Checkpoint {
        origin: origin.into(),
        size: 9,
        root: log.root(8).expect("root"),
        extensions: Vec::new(),
    }
    .sign(&log_key)
    .expect("sign")
    .encode();
    cases.push((
        json!({"name": "checkpoint-wrong-root", "type": "checkpoint", "checkpoint": wrong_root}),
        false,
    ));
    let mut cosigned = Note::parse(&signed(33, &log_key)).expect("note");
    cosigned
        .cosign("witness.example/w1", &witness_key, 1_795_000_000)
        .expect("cosign");
    cases.push((
        json!({"name": "cosignature", "type": "cosignature", "note": cosigned.encode()}),
        true,
    ));
    let moved = cosigned.encode().replacen("\n33\n", "\n34\n", 1);
    cases.push((
        json!({"name": "cosignature-moved", "type": "cosignature", "note": moved}),
        false,
    ));

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("cases.json");
    let document = json!({
        "log_key": verifier.encode(),
        "witness_key": witness.encode(),
        "leaves": all.iter().map(|e| b64(e)).collect::<Vec<_>>(),
        "cases": cases.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>(),
    });
    std::fs::write(&file, document.to_string()).expect("write cases");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/independent/tlog_verify.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(&file)
        .output()
        .expect("python3 runs (scripts/test installs it and the cryptography package)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the independent checker could not run: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), cases.len(), "{stdout}");
    for ((case, valid), line) in cases.iter().zip(lines) {
        let name = case["name"].as_str().expect("name");
        let expected = if *valid {
            format!("{name} VALID")
        } else {
            format!("{name} INVALID")
        };
        assert!(
            line.starts_with(&expected),
            "expected {expected}, got {line}"
        );
    }
}
