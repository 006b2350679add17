//! The C2SP tlog-tiles layout: the log's tree as static resources, so that mirrors and monitors
//! copy it with plain HTTP caching instead of asking for proofs. A tile at level `L`, index `N`
//! holds the hashes of the complete subtrees of height `8 L` numbered `256 N` to `256 N + 255`
//! (fewer in a partial tile, `.p/W`); an entry bundle holds the entries of the level-0 tile of the
//! same index, each prefixed by its length as a big-endian `u16`.

use super::TlogError;

/// Hashes in a full tile.
pub const TILE_WIDTH: u64 = 256;

/// A resource under `<prefix>/tile/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TilePath {
    /// The tile's level (0 to 7 for a tree of up to 2^64 entries), or `None` for an entry bundle.
    pub level: Option<u8>,
    /// The tile's index within its level.
    pub index: u64,
    /// How many hashes (or entries) it holds: 256, or 1 to 255 for a partial one.
    pub width: u64,
}

impl TilePath {
    /// Reads the part of a tile's URL after `tile/`, strictly as the specification writes it:
    /// `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, `N` in 3-digit elements all but the last
    /// prefixed with `x`, no leading zeros in `L` or `W`.
    pub fn parse(path: &str) -> Result<TilePath, TlogError> {
        let bad = |why: &str| TlogError::Invalid(format!("not a tile path: {why}"));
        let original = path;
        let mut parts: Vec<&str> = path.split('/').collect();
        let first = parts.first().copied().unwrap_or_default();
        let level = if first == "entries" {
            None
        } else {
            let level = decimal(first).ok_or_else(|| bad("the level is not a number"))?;
            if level > 63 {
                return Err(bad("the level is above 63"));
            }
            Some(level as u8)
        };
        parts.remove(0);
        let mut width = TILE_WIDTH;
        if parts.len() >= 2 && parts[parts.len() - 2].ends_with(".p") {
            let w = parts
                .pop()
                .and_then(decimal)
                .ok_or_else(|| bad("bad width"))?;
            if !(1..TILE_WIDTH).contains(&w) {
                return Err(bad("a partial tile is 1 to 255 wide"));
            }
            width = w;
            let last = parts.len() - 1;
            parts[last] = parts[last].trim_end_matches(".p");
        }
        if parts.is_empty() || parts.len() > 7 {
            return Err(bad("the index has 1 to 7 elements"));
        }
        let mut index: u64 = 0;
        for (i, part) in parts.iter().enumerate() {
            let digits = if i + 1 < parts.len() {
                part.strip_prefix('x')
                    .ok_or_else(|| bad("all but the last index element start with x"))?
            } else {
                part
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("index elements are 3 digits"));
            }
            index = index
                .checked_mul(1000)
                .and_then(|n| n.checked_add(digits.parse::<u64>().ok()?))
                .ok_or_else(|| bad("the index is too large"))?;
        }
        let path = TilePath {
            level,
            index,
            width,
        };
        // One spelling per resource: the index without needless leading elements.
        if path_text(path) != original {
            return Err(bad("the index has leading zero elements"));
        }
        Ok(path)
    }

    /// The tree level of the hashes in this tile (8 per tile level), if it is a hash tile.
    pub fn tree_level(&self) -> Option<u8> {
        self.level.map(|l| l.saturating_mul(8))
    }
}

fn path_text(p: TilePath) -> String {
    let mut elements = Vec::new();
    let mut n = p.index;
    loop {
        elements.push(format!("{:03}", n % 1000));
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    elements.reverse();
    let last = elements.len() - 1;
    let index: Vec<String> = elements
        .into_iter()
        .enumerate()
        .map(|(i, e)| if i < last { format!("x{e}") } else { e })
        .collect();
    let level = p.level.map_or("entries".to_string(), |l| l.to_string());
    let partial = if p.width < TILE_WIDTH {
        format!(".p/{}", p.width)
    } else {
        String::new()
    };
    format!("{level}/{}{partial}", index.join("/"))
}

impl std::fmt::Display for TilePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tile/{}", path_text(*self))
    }
}

/// A decimal with no leading zeros.
fn decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

/// Entries as an entry bundle: each prefixed by its length (big-endian `u16`). An entry longer
/// than 65,535 bytes cannot be bundled.
pub fn entry_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, TlogError> {
    let mut out = Vec::new();
    for entry in entries {
        let len = u16::try_from(entry.len()).map_err(|_| {
            TlogError::Invalid(format!(
                "an entry of {} bytes is longer than a bundle can hold",
                entry.len()
            ))
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(entry);
    }
    Ok(out)
}

/// Reads an entry bundle back into its entries.
pub fn read_bundle(mut bundle: &[u8]) -> Result<Vec<&[u8]>, TlogError> {
    let mut out = Vec::new();
    while !bundle.is_empty() {
        let (len, rest) = bundle
            .split_first_chunk::<2>()
            .ok_or_else(|| TlogError::Invalid("a bundle ends inside a length".into()))?;
        let len = usize::from(u16::from_be_bytes(*len));
        if rest.len() < len {
            return Err(TlogError::Invalid("a bundle ends inside an entry".into()));
        }
        let (entry, rest) = rest.split_at(len);
        out.push(entry);
        bundle = rest;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_the_specification_spells_them_and_no_other_way() {
        let tile = |level, index, width| TilePath {
            level,
            index,
            width,
        };
        for (text, want) in [
            ("0/000", tile(Some(0), 0, 256)),
            ("0/x001/x234/067", tile(Some(0), 1_234_067, 256)),
            ("1/000.p/17", tile(Some(1), 0, 17)),
            ("2/x001/000.p/1", tile(Some(2), 1000, 1)),
            ("entries/042", tile(None, 42, 256)),
            ("entries/273.p/112", tile(None, 273, 112)),
        ] {
            let parsed = TilePath::parse(text).expect(text);
            assert_eq!(parsed, want, "{text}");
            assert_eq!(parsed.to_string(), format!("tile/{text}"));
        }
        for bad in [
            "",
            "0",
            "00/000",
            "64/000",
            "0/0",
            "0/1234",
            "0/001/234",
            "0/x000/001",
            "0/000.p/0",
            "0/000.p/256",
            "0/000.p/017",
            "0/000.p",
            "x/000",
            "entries/",
            "0/x1/000",
            "0/000/",
            "-1/000",
            "0/x001/x002/x003/x004/x005/x006/x007/008",
        ] {
            assert!(TilePath::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_bundle_reads_back_and_refuses_what_it_cannot_hold() {
        let entries: Vec<&[u8]> = vec![b"one", b"", &[7u8; 300]];
        let bundle = entry_bundle(entries.iter().copied()).expect("bundle");
        assert_eq!(&bundle[..2], &[0, 3]);
        assert_eq!(read_bundle(&bundle).expect("read"), entries);
        assert!(read_bundle(&bundle[..bundle.len() - 1]).is_err());
        assert!(read_bundle(&[0]).is_err());
        assert!(entry_bundle([&[0u8; 65_536][..]]).is_err());
    }
}
