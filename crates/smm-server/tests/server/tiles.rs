//! The log as C2SP tlog-tiles, fetched as a mirror would: with the specification's own example
//! size (70,000 entries: 273 full level-0 tiles, a partial one of width 112, one full level-1
//! tile, a partial level-1 tile of width 17 and a partial level-2 tile of width 1), every tile
//! holds the hashes of the tree rebuilt from the entries alone, every bundle holds the entries,
//! tiles are cached for good and the checkpoint only briefly, and anything else is a 404.

use axum::http::{Method, StatusCode};

use smm_cert::tlog::merkle::leaf_hash;
use smm_cert::tlog::tiles::read_bundle;
use smm_cert::tlog::{Checkpoint, HashSource, Levels, NodeId, NoteVerifier};
use smm_store::NewLogEntry;

use crate::common::{App, Backend};

const SIZE: u64 = 70_000;

fn entry(i: u64) -> String {
    format!("{{\"kind\":\"revocation\",\"serial\":\"SMM-{i:08}\"}}")
}

async fn fetch(app: &App, path: &str) -> crate::common::Answer {
    app.send(Method::GET, path, None, None, &[]).await
}

#[tokio::test]
async fn a_mirror_reads_the_whole_tree_from_immutable_tiles() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let data: Vec<String> = (0..SIZE).map(entry).collect();
    for chunk in data.chunks(5_000) {
        let batch: Vec<NewLogEntry> = chunk
            .iter()
            .map(|d| NewLogEntry {
                kind: "revocation",
                serial: "SMM",
                data: d,
            })
            .collect();
        app.store()
            .append_log_entries(&batch)
            .await
            .expect("append");
    }
    let mut rebuilt = Levels::new();
    for d in &data {
        rebuilt.push(leaf_hash(d.as_bytes()));
    }

    let answer = fetch(&app, "/log/checkpoint").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("cache-control").as_deref(),
        Some("public, max-age=5")
    );
    let info = fetch(&app, "/api/log").await.json();
    let key = NoteVerifier::decode(info["verifier_key"].as_str().expect("key")).expect("key");
    let (checkpoint, _) =
        Checkpoint::open(std::str::from_utf8(&answer.body).expect("text"), &key).expect("signed");
    assert_eq!(checkpoint.size, SIZE);
    assert_eq!(checkpoint.root, rebuilt.root(SIZE).expect("root"));

    // (level, index, width) of a few tiles, as the specification's example lists them.
    for (level, index, width, path) in [
        (0u8, 0u64, 256u64, "/log/tile/0/000"),
        (0, 272, 256, "/log/tile/0/272"),
        (0, 273, 112, "/log/tile/0/273.p/112"),
        (0, 273, 5, "/log/tile/0/273.p/5"),
        (1, 0, 256, "/log/tile/1/000"),
        (1, 1, 17, "/log/tile/1/001.p/17"),
        (2, 0, 1, "/log/tile/2/000.p/1"),
    ] {
        let answer = fetch(&app, path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(
            answer.header("content-type").as_deref(),
            Some("application/octet-stream")
        );
        assert!(answer
            .header("cache-control")
            .is_some_and(|c| c.contains("immutable")));
        assert_eq!(answer.body.len() as u64, 32 * width, "{path}");
        for (i, hash) in answer.body.chunks(32).enumerate() {
            let id = NodeId {
                level: level * 8,
                index: index * 256 + i as u64,
            };
            assert_eq!(hash, rebuilt.node(id).expect("rebuilt"), "{path} hash {i}");
        }
    }
    for (index, width, path) in [
        (0u64, 256u64, "/log/tile/entries/000"),
        (273, 112, "/log/tile/entries/273.p/112"),
    ] {
        let answer = fetch(&app, path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        let entries = read_bundle(&answer.body).expect("bundle");
        assert_eq!(entries.len() as u64, width);
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(*e, data[(index * 256) as usize + i].as_bytes());
        }
    }
    // Not there yet, or not a tile path: a plain 404, never cached.
    for path in [
        "/log/tile/0/273",
        "/log/tile/0/273.p/113",
        "/log/tile/1/001",
        "/log/tile/3/000.p/1",
        "/log/tile/entries/274.p/1",
        "/log/tile/0/1",
        "/log/tile/0/000.p/0",
        "/log/tile/0/x000/001",
        "/log/tile/64/000",
        "/log/tile/",
    ] {
        let answer = fetch(&app, path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            answer.header("cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
}
