//! The right edge of a log's tree: the roots of its largest complete subtrees, one per one bit of
//! its size, left to right. They are all a follower needs to keep to extend the tree with new
//! entries and compute the new root, so that it can check that the entries it was given are
//! exactly those the new checkpoint commits to, without holding the whole log (the "compact
//! range" of RFC 9162 monitors and Go's checksum database clients).

use super::checkpoint::Checkpoint;
use super::merkle::{empty_root, node_hash, verify_consistency, Hash};
use super::TlogError;

/// The complete subtrees along a tree's right edge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    hashes: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Frontier {
        Frontier::default()
    }

    /// A frontier as kept: there must be one hash per one bit of `size`.
    pub fn from_parts(size: u64, hashes: Vec<Hash>) -> Result<Frontier, TlogError> {
        if hashes.len() != size.count_ones() as usize {
            return Err(TlogError::Invalid(format!(
                "a tree of {size} entries has {} complete subtrees on its right edge, not {}",
                size.count_ones(),
                hashes.len()
            )));
        }
        Ok(Frontier { size, hashes })
    }

    /// How many entries the tree has.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The subtree roots, the largest (leftmost) first.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Adds the next entry, by its leaf hash: each subtree it completes merges with its left
    /// neighbour, one per trailing one bit of the old size.
    pub fn push(&mut self, leaf: Hash) {
        let mut hash = leaf;
        let mut size = self.size;
        while size & 1 == 1 {
            // One hash per one bit: the merge partner is always there.
            if let Some(left) = self.hashes.pop() {
                hash = node_hash(&left, &hash);
            }
            size >>= 1;
        }
        self.hashes.push(hash);
        self.size += 1;
    }

    /// The tree's root (RFC 9162's MTH): the subtrees joined from the right.
    pub fn root(&self) -> Hash {
        let mut hashes = self.hashes.iter().rev();
        let Some(last) = hashes.next() else {
            return empty_root();
        };
        hashes.fold(*last, |right, left| node_hash(left, &right))
    }
}

/// Moves a follower from the checkpoint it kept (`old`, with the frontier it kept for it) to a
/// new signed checkpoint: the log must only have grown (the consistency proof), and the new
/// entries' leaf hashes, appended to the old tree, must give exactly the new root. So the entries
/// a follower reports are the ones every other reader of that checkpoint is shown. Returns the
/// new frontier to keep.
pub fn advance(
    old: &Checkpoint,
    frontier: &Frontier,
    new: &Checkpoint,
    consistency: &[Hash],
    leaves: &[Hash],
) -> Result<Frontier, TlogError> {
    if frontier.size() != old.size || frontier.root() != old.root {
        return Err(TlogError::Proof(format!(
            "the tree kept for the checkpoint of size {} does not give its root: the kept state \
             was altered",
            old.size
        )));
    }
    if old.origin != new.origin {
        return Err(TlogError::Proof(format!(
            "the checkpoint is of log {:?}, not of {:?}",
            new.origin, old.origin
        )));
    }
    verify_consistency(old.size, new.size, &old.root, &new.root, consistency)?;
    if leaves.len() as u64 != new.size - old.size {
        return Err(TlogError::Proof(format!(
            "the log served {} new entries, but its checkpoint grew by {}",
            leaves.len(),
            new.size - old.size
        )));
    }
    let mut next = frontier.clone();
    for leaf in leaves {
        next.push(*leaf);
    }
    if next.root() != new.root {
        return Err(TlogError::Proof(format!(
            "the entries {}..{} the log served are not those its checkpoint of size {} commits to",
            old.size, new.size, new.size
        )));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlog::merkle::leaf_hash;
    use crate::tlog::Levels;

    #[test]
    fn the_frontier_root_is_the_tree_root_at_every_size() {
        let mut full = Levels::default();
        let mut frontier = Frontier::new();
        assert_eq!(frontier.root(), empty_root());
        for i in 0..70u32 {
            let leaf = leaf_hash(&i.to_be_bytes());
            full.push(leaf);
            frontier.push(leaf);
            let size = u64::from(i) + 1;
            assert_eq!(frontier.size(), size);
            assert_eq!(frontier.hashes().len(), size.count_ones() as usize);
            assert_eq!(
                frontier.root(),
                full.root(size).expect("root"),
                "size {size}"
            );
            let kept = Frontier::from_parts(size, frontier.hashes().to_vec()).expect("kept");
            assert_eq!(kept, frontier);
        }
    }

    fn checkpoint(levels: &Levels, size: u64) -> Checkpoint {
        Checkpoint {
            origin: "example.org/log".into(),
            size,
            root: levels.root(size).expect("root"),
            extensions: Vec::new(),
        }
    }

    #[test]
    fn a_follower_advances_only_over_the_entries_the_checkpoint_commits_to() {
        use crate::tlog::merkle::consistency_proof;
        let leaves: Vec<Hash> = (0..13u8).map(|i| leaf_hash(&[i])).collect();
        let mut levels = Levels::new();
        for leaf in &leaves {
            levels.push(*leaf);
        }
        let mut frontier = Frontier::new();
        for leaf in &leaves[..5] {
            frontier.push(*leaf);
        }
        let (old, new) = (checkpoint(&levels, 5), checkpoint(&levels, 13));
        let proof = consistency_proof(&levels, 5, 13).expect("proof");
        let next = advance(&old, &frontier, &new, &proof, &leaves[5..]).expect("advances");
        assert_eq!(next.root(), new.root);

        // One entry swapped, one left out, or the proof of another history: refused.
        let mut swapped = leaves[5..].to_vec();
        swapped.swap(0, 1);
        assert!(advance(&old, &frontier, &new, &proof, &swapped).is_err());
        assert!(advance(&old, &frontier, &new, &proof, &leaves[6..]).is_err());
        let mut forged = new.clone();
        forged.root[0] ^= 1;
        assert!(advance(&old, &frontier, &forged, &proof, &leaves[5..]).is_err());
        // A frontier that is not the kept checkpoint's.
        let mut altered = frontier.clone();
        altered.push(leaves[5]);
        assert!(advance(&old, &altered, &new, &proof, &leaves[5..]).is_err());
        // From the empty tree, every entry.
        assert!(advance(
            &checkpoint(&levels, 0),
            &Frontier::new(),
            &new,
            &[],
            &leaves
        )
        .is_ok());
    }

    #[test]
    fn a_frontier_with_the_wrong_number_of_hashes_is_refused() {
        assert!(Frontier::from_parts(3, vec![[0; 32]]).is_err());
        assert!(Frontier::from_parts(0, vec![[0; 32]]).is_err());
        assert!(Frontier::from_parts(4, vec![[0; 32]]).is_ok());
    }
}
