//! The Merkle tree of RFC 9162 (section 2.1): how leaves and nodes are hashed, and the inclusion
//! and consistency proofs, made and checked.
//!
//! The tree is addressed by its complete subtrees: [`NodeId`] `{ level, index }` is the hash of
//! the `2^level` leaves starting at `index << level`. A log keeps exactly those (they never change
//! once the last of their leaves is appended, which is what makes the log append-only); every
//! other hash a proof needs, on the right edge of a tree whose size is not a power of two, is
//! computed from them. So proofs are built from a [`HashSource`] that a store can answer with one
//! query for the ids [`inclusion_nodes`] and [`consistency_nodes`] name.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::TlogError;

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The root of the empty tree: the hash of no bytes.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// A leaf's hash: domain-separated from nodes by a zero byte, so a node can never pass as a leaf.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// An interior node's hash, from its two children.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// A complete subtree: the `2^level` leaves from `index << level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    /// Its height: 0 is a leaf.
    pub level: u8,
    /// Its position among the subtrees of that height.
    pub index: u64,
}

/// Where the hashes of complete subtrees come from (a store, a tile cache, memory).
pub trait HashSource {
    /// The hash of a complete subtree of the log.
    fn node(&self, id: NodeId) -> Result<Hash, TlogError>;
}

impl HashSource for BTreeMap<NodeId, Hash> {
    fn node(&self, id: NodeId) -> Result<Hash, TlogError> {
        self.get(&id).copied().ok_or_else(|| {
            TlogError::Missing(format!("hash of level {} index {}", id.level, id.index))
        })
    }
}

/// The largest power of two smaller than `n` (n > 1), the split point of RFC 9162's recursion.
fn split(n: u64) -> u64 {
    debug_assert!(n > 1);
    1 << (63 - (n - 1).leading_zeros())
}

/// The hash of leaves `[lo, hi)`, where `lo` is a multiple of the largest power of two not
/// above `hi - lo` (true of every range RFC 9162's recursion visits).
fn range_hash(src: &dyn HashSource, lo: u64, hi: u64) -> Result<Hash, TlogError> {
    let n = hi - lo;
    if n.is_power_of_two() {
        let level = n.trailing_zeros() as u8;
        return src.node(NodeId {
            level,
            index: lo >> level,
        });
    }
    let k = split(n);
    Ok(node_hash(
        &range_hash(src, lo, lo + k)?,
        &range_hash(src, lo + k, hi)?,
    ))
}

/// The root of the tree of the first `size` leaves.
pub fn root(src: &dyn HashSource, size: u64) -> Result<Hash, TlogError> {
    if size == 0 {
        Ok(empty_root())
    } else {
        range_hash(src, 0, size)
    }
}

/// The audit path of leaf `index` in the tree of `size` leaves (RFC 9162, 2.1.3.1), nearest the
/// leaf first.
pub fn inclusion_proof(
    src: &dyn HashSource,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, TlogError> {
    if index >= size {
        return Err(TlogError::Range(format!(
            "leaf {index} is not in a tree of {size} leaves"
        )));
    }
    let mut proof = Vec::new();
    path(src, index, 0, size, &mut proof)?;
    Ok(proof)
}

fn path(
    src: &dyn HashSource,
    m: u64,
    lo: u64,
    hi: u64,
    out: &mut Vec<Hash>,
) -> Result<(), TlogError> {
    if hi - lo == 1 {
        return Ok(());
    }
    let k = split(hi - lo);
    if m < lo + k {
        path(src, m, lo, lo + k, out)?;
        out.push(range_hash(src, lo + k, hi)?);
    } else {
        path(src, m, lo + k, hi, out)?;
        out.push(range_hash(src, lo, lo + k)?);
    }
    Ok(())
}

/// The proof that the tree of `old` leaves is a prefix of the tree of `new` (RFC 9162, 2.1.4.1).
/// Empty when the sizes are equal or the old tree is empty, as the RFC defines them.
pub fn consistency_proof(src: &dyn HashSource, old: u64, new: u64) -> Result<Vec<Hash>, TlogError> {
    if old > new {
        return Err(TlogError::Range(format!(
            "a tree of {old} leaves cannot be a prefix of one of {new}"
        )));
    }
    let mut proof = Vec::new();
    if old > 0 && old < new {
        subproof(src, old, 0, new, true, &mut proof)?;
    }
    Ok(proof)
}

fn subproof(
    src: &dyn HashSource,
    m: u64,
    lo: u64,
    hi: u64,
    whole: bool,
    out: &mut Vec<Hash>,
) -> Result<(), TlogError> {
    let n = hi - lo;
    if m == n {
        if !whole {
            out.push(range_hash(src, lo, hi)?);
        }
        return Ok(());
    }
    let k = split(n);
    if m <= k {
        subproof(src, m, lo, lo + k, whole, out)?;
        out.push(range_hash(src, lo + k, hi)?);
    } else {
        subproof(src, m - k, lo + k, hi, false, out)?;
        out.push(range_hash(src, lo, lo + k)?);
    }
    Ok(())
}

/// A source that answers every question with zeros and writes down the question: running a proof
/// against it lists the stored hashes the real proof will read, so a store fetches them at once.
struct Recorder(std::cell::RefCell<Vec<NodeId>>);

impl HashSource for Recorder {
    fn node(&self, id: NodeId) -> Result<Hash, TlogError> {
        self.0.borrow_mut().push(id);
        Ok([0; 32])
    }
}

fn recorded(
    run: impl FnOnce(&Recorder) -> Result<(), TlogError>,
) -> Result<Vec<NodeId>, TlogError> {
    let recorder = Recorder(Default::default());
    run(&recorder)?;
    let mut ids = recorder.0.into_inner();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The stored hashes an inclusion proof of `index` in a tree of `size` reads.
pub fn inclusion_nodes(index: u64, size: u64) -> Result<Vec<NodeId>, TlogError> {
    recorded(|r| inclusion_proof(r, index, size).map(drop))
}

/// The stored hashes a consistency proof between `old` and `new` reads, with the new root's.
pub fn consistency_nodes(old: u64, new: u64) -> Result<Vec<NodeId>, TlogError> {
    recorded(|r| {
        consistency_proof(r, old, new)?;
        root(r, new).map(drop)
    })
}

/// The stored hashes the root of a tree of `size` reads.
pub fn root_nodes(size: u64) -> Vec<NodeId> {
    recorded(|r| root(r, size).map(drop)).unwrap_or_default()
}

/// The complete subtrees that appending leaf number `index` (its hash `leaf`) completes, given
/// the tree of the `index` leaves before it: the leaf itself, then each parent whose right child
/// it finishes. These are the hashes a log stores for the new leaf, bottom up.
pub fn completed_by(
    src: &dyn HashSource,
    index: u64,
    leaf: Hash,
) -> Result<Vec<(NodeId, Hash)>, TlogError> {
    let mut out = vec![(NodeId { level: 0, index }, leaf)];
    let mut hash = leaf;
    let mut level = 0u8;
    let mut i = index;
    while i & 1 == 1 {
        let left = NodeId {
            level,
            index: i - 1,
        };
        // The left sibling was completed by an earlier append (or by this one, one level down).
        let left_hash = match out.iter().find(|(id, _)| *id == left) {
            Some((_, h)) => *h,
            None => src.node(left)?,
        };
        hash = node_hash(&left_hash, &hash);
        level += 1;
        i >>= 1;
        out.push((NodeId { level, index: i }, hash));
    }
    Ok(out)
}

/// Checks that `leaf` is entry `index` of the tree of `size` leaves whose root is `root`
/// (RFC 9162, 2.1.3.2).
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), TlogError> {
    if index >= size {
        return Err(TlogError::Proof(format!(
            "entry {index} cannot be in a tree of {size} entries"
        )));
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(TlogError::Proof("the inclusion proof is too long".into()));
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(TlogError::Proof("the inclusion proof is too short".into()));
    }
    if &r != root {
        return Err(TlogError::Proof(
            "the inclusion proof does not lead to the checkpoint's root".into(),
        ));
    }
    Ok(())
}

/// Checks that the tree of `old` leaves with root `old_root` is a prefix of the tree of `new`
/// leaves with root `new_root` (RFC 9162, 2.1.4.2, with its edge cases: equal sizes need equal
/// roots and no proof; the empty tree is a prefix of every tree).
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), TlogError> {
    let bad = |why: &str| Err(TlogError::Proof(format!("inconsistent log: {why}")));
    if old > new {
        return bad("the new tree is smaller than the old one");
    }
    if old == new {
        if !proof.is_empty() {
            return bad("a proof between equal sizes must be empty");
        }
        return if old_root == new_root {
            Ok(())
        } else {
            bad("two different roots for the same size")
        };
    }
    if old == 0 {
        return if proof.is_empty() {
            Ok(())
        } else {
            bad("a proof from the empty tree must be empty")
        };
    }
    if proof.is_empty() {
        return bad("the proof is empty");
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let (mut f, mut s) = (old - 1, new - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if s == 0 {
            return bad("the proof is too long");
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return bad("the proof is too short");
    }
    if &fr != old_root {
        return bad("the proof does not lead to the old root");
    }
    if &sr != new_root {
        return bad("the proof does not lead to the new root");
    }
    Ok(())
}

/// A whole log's complete subtrees in memory, level by level: for tests, benchmarks and tools
/// that hold a log they downloaded.
#[derive(Clone, Debug, Default)]
pub struct Levels(Vec<Vec<Hash>>);

impl Levels {
    /// An empty log.
    pub fn new() -> Levels {
        Levels::default()
    }

    /// How many leaves it has.
    pub fn size(&self) -> u64 {
        self.0.first().map_or(0, |l| l.len() as u64)
    }

    /// Appends a leaf by its hash; returns its index.
    pub fn push(&mut self, leaf: Hash) -> u64 {
        let index = self.size();
        // Every left sibling is already stored, so this cannot fail.
        let completed = completed_by(self, index, leaf).unwrap_or_default();
        for (id, hash) in completed {
            let level = usize::from(id.level);
            if self.0.len() <= level {
                self.0.push(Vec::new());
            }
            self.0[level].push(hash);
        }
        index
    }

    /// The root of the first `size` leaves.
    pub fn root(&self, size: u64) -> Result<Hash, TlogError> {
        root(self, size)
    }
}

impl HashSource for Levels {
    fn node(&self, id: NodeId) -> Result<Hash, TlogError> {
        usize::try_from(id.index)
            .ok()
            .and_then(|i| self.0.get(usize::from(id.level))?.get(i))
            .copied()
            .ok_or_else(|| {
                TlogError::Missing(format!("hash of level {} index {}", id.level, id.index))
            })
    }
}
