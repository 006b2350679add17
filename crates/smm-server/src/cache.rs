//! A bounded cache of computed gaps, keyed by the assessment's system and content digest. What it
//! holds is derived from immutable content, so servers never need to agree on it and it is never
//! stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Computed answers by content digest.
#[derive(Default)]
pub struct GapCache {
    entries: Mutex<HashMap<String, Arc<[u8]>>>,
}

/// How many answers are kept before the cache starts over.
const CAPACITY: usize = 4096;

impl GapCache {
    /// The key of an assessment's gap against its default target: that target is looked up in
    /// the assessment's own system, so the same bytes in two systems are two entries.
    pub fn key(system: smm_store::SystemId, digest: &str) -> String {
        format!("{}:{digest}", system.0)
    }

    /// The answer for a digest, if computed before.
    pub fn get(&self, key: &str) -> Option<Arc<[u8]>> {
        self.entries.lock().ok()?.get(key).cloned()
    }

    /// Keeps an answer (forgetting everything once full: cheap, and recomputing is correct).
    pub fn put(&self, key: String, value: Vec<u8>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(key, value.into());
        }
    }
}
