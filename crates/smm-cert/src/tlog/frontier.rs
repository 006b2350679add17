//! The right edge of a log's tree: the roots of its largest complete subtrees, one per one bit of
//! its size, left to right. They are all a follower needs to keep to extend the tree with new
//! entries and compute the new root, so that it can check that the entries it was given are
//! exactly those the new checkpoint commits to, without holding the whole log (the "compact
//! range" of RFC 9162 monitors and Go's checksum database clients).

use super::merkle::{empty_root, node_hash, Hash};
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
            assert_eq!(frontier.root(), full.root(size).expect("root"), "size {size}");
            let kept = Frontier::from_parts(size, frontier.hashes().to_vec()).expect("kept");
            assert_eq!(kept, frontier);
        }
    }

    #[test]
    fn a_frontier_with_the_wrong_number_of_hashes_is_refused() {
        assert!(Frontier::from_parts(3, vec![[0; 32]]).is_err());
        assert!(Frontier::from_parts(0, vec![[0; 32]]).is_err());
        assert!(Frontier::from_parts(4, vec![[0; 32]]).is_ok());
    }
}
