//! The transparency log of the checksum database (golang.org/x/mod/sumdb/tlog): RFC 6962
//! hashes, the stored-hash numbering, tiles and their URL paths, and the check cmd/go makes
//! that a looked-up record is in the signed tree (recompute the tree hash from the tiles it
//! fetches, then read the record's leaf hash from an authenticated tile).

use aws_lc_rs::digest;
use base64::Engine;

pub type Hash = [u8; 32];

/// The tile height used by cmd/go and sum.golang.org (`tile/8/...`).
pub const TILE_HEIGHT: u32 = 8;

fn sha256(parts: &[&[u8]]) -> Hash {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    let mut h = [0u8; 32];
    h.copy_from_slice(ctx.finish().as_ref());
    h
}

/// Leaf hash: SHA-256(0x00 || record).
pub fn record_hash(data: &[u8]) -> Hash {
    sha256(&[&[0u8], data])
}

/// Interior hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    sha256(&[&[1u8], left, right])
}

/// Index in the stored-hash sequence of the n-th hash at `level`.
pub fn stored_hash_index(level: u32, mut n: i64) -> i64 {
    for _ in 0..level {
        n = 2 * n + 1;
    }
    let mut i = 0i64;
    while n > 0 {
        i += n;
        n >>= 1;
    }
    i + level as i64
}

/// Inverse of [`stored_hash_index`].
pub fn split_stored_hash_index(index: i64) -> (u32, i64) {
    let mut n = index / 2;
    let mut index_n = stored_hash_index(0, n);
    loop {
        // Record n+1 adds 1 + trailing_zeros(n+1) hashes.
        let x = index_n + 1 + (n + 1).trailing_zeros() as i64;
        if x > index {
            break;
        }
        n += 1;
        index_n = x;
    }
    let level = (index - index_n) as u32;
    (level, n >> level)
}

/// A tile: height H, level L (-1 for data tiles), number N, width W.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Tile {
    pub h: u32,
    pub l: i32,
    pub n: i64,
    pub w: u32,
}

impl Tile {
    /// `tile/8/0/x001/x234/067.p/1`: N in 3-digit groups, all but the last prefixed `x`;
    /// `.p/W` for a partial tile.
    pub fn path(&self) -> String {
        let mut n = self.n;
        let mut s = format!("{:03}", n % 1000);
        while n >= 1000 {
            n /= 1000;
            s = format!("x{:03}/{s}", n % 1000);
        }
        let p = if self.w != 1 << self.h {
            format!(".p/{}", self.w)
        } else {
            String::new()
        };
        let l = if self.l == -1 {
            "data".to_string()
        } else {
            self.l.to_string()
        };
        format!("tile/{}/{l}/{s}{p}", self.h)
    }

    /// Parses a tile path (with or without a leading `/`).
    pub fn parse_path(path: &str) -> Option<Tile> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let mut parts: Vec<&str> = path.split('/').collect();
        if parts.len() < 4 || parts[0] != "tile" {
            return None;
        }
        let h: u32 = parts[1].parse().ok().filter(|h| (1..=30).contains(h))?;
        let l: i32 = if parts[2] == "data" {
            -1
        } else {
            parts[2].parse().ok().filter(|l| (0..64).contains(l))?
        };
        let mut w = 1u32 << h;
        if parts.len() >= 5 && parts[parts.len() - 2].ends_with(".p") {
            w = parts[parts.len() - 1]
                .parse()
                .ok()
                .filter(|x| *x >= 1 && *x < (1 << h))?;
            let last = parts.len() - 2;
            parts[last] = parts[last].strip_suffix(".p")?;
            parts.pop();
        }
        let groups = &parts[3..];
        let mut n = 0i64;
        for (i, g) in groups.iter().enumerate() {
            let digits = if i + 1 < groups.len() {
                g.strip_prefix('x')?
            } else {
                g
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            n = n.checked_mul(1000)? + digits.parse::<i64>().ok()?;
        }
        Some(Tile { h, l, n, w })
    }
}

/// The tile holding stored hash `index`, and the byte range of that hash's subtree in it.
pub fn tile_for_index(h: u32, index: i64) -> (Tile, usize, usize) {
    let (mut level, mut n) = split_stored_hash_index(index);
    let l = level / h;
    level -= l * h;
    let tn = (n << level) >> h;
    n -= (tn << h) >> level;
    let w = ((n + 1) << level) as u32;
    (
        Tile {
            h,
            l: l as i32,
            n: tn,
            w,
        },
        (n << level) as usize * 32,
        ((n + 1) << level) as usize * 32,
    )
}

/// The k-th ancestor tile of `t` in a tree of `n` records, trimmed to what exists.
pub fn tile_parent(t: Tile, k: u32, n: i64) -> Option<Tile> {
    let mut t = t;
    t.l += k as i32;
    t.n >>= k * t.h;
    t.w = 1 << t.h;
    let max = n >> (t.l as u32 * t.h);
    if (t.n << t.h) + t.w as i64 >= max {
        if t.n << t.h >= max {
            return None;
        }
        t.w = (max - (t.n << t.h)) as u32;
    }
    Some(t)
}

/// Hash of a subtree laid out as consecutive hashes in tile data.
pub fn tile_hash(data: &[u8]) -> Hash {
    if data.len() == 32 {
        let mut h = [0u8; 32];
        h.copy_from_slice(data);
        return h;
    }
    let half = data.len() / 2;
    node_hash(&tile_hash(&data[..half]), &tile_hash(&data[half..]))
}

/// Stored hash `index` read from tile `t`'s data.
pub fn hash_from_tile(t: &Tile, data: &[u8], index: i64) -> Result<Hash, String> {
    if data.len() < t.w as usize * 32 {
        return Err(format!(
            "data len {} too short for tile {}",
            data.len(),
            t.path()
        ));
    }
    let (t1, start, end) = tile_for_index(t.h, index);
    if t.l != t1.l || t.n != t1.n || t.w < t1.w {
        return Err(format!(
            "index {index} is in {} not {}",
            t1.path(),
            t.path()
        ));
    }
    Ok(tile_hash(&data[start..end]))
}

fn maxpow2(n: i64) -> (i64, u32) {
    let mut l = 0u32;
    while (1i64 << (l + 1)) < n {
        l += 1;
    }
    (1 << l, l)
}

/// Stored-hash indexes of the complete subtrees that make up a tree of records [lo, hi).
pub fn sub_tree_index(mut lo: i64, hi: i64) -> Vec<i64> {
    let mut need = vec![];
    while lo < hi {
        let (k, level) = maxpow2(hi - lo + 1);
        need.push(stored_hash_index(level, lo >> level));
        lo += k;
    }
    need
}

/// A signed tree head's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tree {
    pub n: i64,
    pub hash: Hash,
}

pub const ERR_MALFORMED_TREE: &str = "malformed tree note";
pub const ERR_MALFORMED_RECORD: &str = "malformed record data";

fn b64() -> base64::engine::general_purpose::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

pub fn format_tree(tree: &Tree) -> String {
    format!(
        "go.sum database tree\n{}\n{}\n",
        tree.n,
        b64().encode(tree.hash)
    )
}

pub fn parse_tree(text: &str) -> Result<Tree, String> {
    if !text.starts_with("go.sum database tree\n") || text.matches('\n').count() < 3 {
        return Err(ERR_MALFORMED_TREE.into());
    }
    let lines: Vec<&str> = text.splitn(4, '\n').collect();
    let n: i64 = lines[1]
        .parse()
        .ok()
        .filter(|n: &i64| *n >= 0 && n.to_string() == lines[1])
        .ok_or(ERR_MALFORMED_TREE)?;
    let h = b64().decode(lines[2]).map_err(|_| ERR_MALFORMED_TREE)?;
    let hash: Hash = h.try_into().map_err(|_| ERR_MALFORMED_TREE)?;
    Ok(Tree { n, hash })
}

fn is_valid_record_text(text: &str) -> bool {
    !text.is_empty()
        && text.ends_with('\n')
        && !text.starts_with('\n')
        && !text.contains("\n\n")
        && !text.chars().any(|c| (c as u32) < 0x20 && c != '\n')
}

/// Splits a `/lookup` response into record id, record text and the signed tree note.
pub fn parse_record(msg: &[u8]) -> Result<(i64, String, Vec<u8>), String> {
    let s = std::str::from_utf8(msg).map_err(|_| ERR_MALFORMED_RECORD)?;
    let (id, rest) = s.split_once('\n').ok_or(ERR_MALFORMED_RECORD)?;
    let id: i64 = id.parse().map_err(|_| ERR_MALFORMED_RECORD)?;
    let i = rest.find("\n\n").ok_or(ERR_MALFORMED_RECORD)?;
    let (text, note) = (&rest[..i + 1], &rest[i + 2..]);
    if !is_valid_record_text(text) {
        return Err(ERR_MALFORMED_RECORD.into());
    }
    Ok((id, text.to_string(), note.as_bytes().to_vec()))
}

/// The tiles cmd/go fetches to authenticate record `id` in `tree`, in Go's order
/// (tiles for the tree hash first, then the record's tile and any missing ancestors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TilePlan {
    pub tiles: Vec<Tile>,
    stx: Vec<i64>,
    stx_tile: Vec<usize>,
    index: i64,
    index_tile: usize,
}

pub fn plan_record_tiles(tree: &Tree, id: i64) -> Result<TilePlan, String> {
    if id >= tree.n || id < 0 {
        return Err(format!(
            "cannot validate record {id} in tree of size {}",
            tree.n
        ));
    }
    let h = TILE_HEIGHT;
    let mut tiles: Vec<Tile> = vec![];
    let stx = sub_tree_index(0, tree.n);
    let mut stx_tile = vec![];
    for &x in &stx {
        let (t, _, _) = tile_for_index(h, x);
        let t = tile_parent(t, 0, tree.n).ok_or("bad math in tile plan")?;
        match tiles.iter().position(|e| *e == t) {
            Some(j) => stx_tile.push(j),
            None => {
                stx_tile.push(tiles.len());
                tiles.push(t);
            }
        }
    }
    let index = stored_hash_index(0, id);
    let (t, _, _) = tile_for_index(h, index);
    let mut k = 0;
    let mut index_tile = 0;
    loop {
        let p = tile_parent(t, k, tree.n).ok_or("bad math in tile plan")?;
        if let Some(j) = tiles.iter().position(|e| *e == p) {
            if k == 0 {
                index_tile = j;
            }
            break;
        }
        k += 1;
    }
    while k > 0 {
        k -= 1;
        let p = tile_parent(t, k, tree.n).ok_or("bad math in tile plan")?;
        if k == 0 {
            index_tile = tiles.len();
        }
        tiles.push(p);
    }
    Ok(TilePlan {
        tiles,
        stx,
        stx_tile,
        index,
        index_tile,
    })
}

/// Checks fetched tile data against the tree hash, then the record against its leaf hash.
/// Error texts are Go's (`downloaded inconsistent tile`,
/// `cannot authenticate record data in server response`).
pub fn verify_record(
    tree: &Tree,
    plan: &TilePlan,
    data: &[Vec<u8>],
    record_text: &str,
) -> Result<(), String> {
    for (t, d) in plan.tiles.iter().zip(data) {
        if d.len() != t.w as usize * 32 {
            return Err(format!(
                "TileReader returned bad result slice ({} len={}, want {})",
                t.path(),
                d.len(),
                t.w as usize * 32
            ));
        }
    }
    let mut th: Option<Hash> = None;
    for i in (0..plan.stx.len()).rev() {
        let j = plan.stx_tile[i];
        let h = hash_from_tile(&plan.tiles[j], &data[j], plan.stx[i])?;
        th = Some(match th {
            None => h,
            Some(r) => node_hash(&h, &r),
        });
    }
    if th != Some(tree.hash) {
        return Err("downloaded inconsistent tile".into());
    }
    let first_extra = plan.stx_tile.last().map_or(0, |j| j + 1);
    for i in first_extra..plan.tiles.len() {
        let t = plan.tiles[i];
        let p = tile_parent(t, 1, tree.n).ok_or("lost parent tile")?;
        let j = plan
            .tiles
            .iter()
            .position(|e| *e == p)
            .ok_or("lost parent tile")?;
        let h = hash_from_tile(&p, &data[j], stored_hash_index(p.l as u32 * p.h, t.n))?;
        if h != tile_hash(&data[i]) {
            return Err("downloaded inconsistent tile".into());
        }
    }
    let leaf = hash_from_tile(
        &plan.tiles[plan.index_tile],
        &data[plan.index_tile],
        plan.index,
    )?;
    if leaf != record_hash(record_text.as_bytes()) {
        return Err("cannot authenticate record data in server response".into());
    }
    Ok(())
}

/// An in-memory log for fixture servers: appends records, serves tiles and the tree head.
#[derive(Debug, Clone, Default)]
pub struct MemoryLog {
    /// levels[k][i]: hash of the complete subtree of 2^k records starting at record i·2^k.
    levels: Vec<Vec<Hash>>,
    records: Vec<String>,
}

impl MemoryLog {
    /// Appends a record; returns its id.
    pub fn append(&mut self, text: &str) -> i64 {
        let id = self.records.len();
        self.records.push(text.to_string());
        if self.levels.is_empty() {
            self.levels.push(vec![]);
        }
        self.levels[0].push(record_hash(text.as_bytes()));
        let mut k = 0;
        while self.levels[k].len() % 2 == 0 {
            let v = &self.levels[k];
            let h = node_hash(&v[v.len() - 2], &v[v.len() - 1]);
            if self.levels.len() == k + 1 {
                self.levels.push(vec![]);
            }
            self.levels[k + 1].push(h);
            k += 1;
        }
        id as i64
    }

    pub fn record(&self, id: i64) -> Option<&str> {
        self.records.get(id as usize).map(String::as_str)
    }

    pub fn size(&self) -> i64 {
        self.records.len() as i64
    }

    pub fn tree(&self) -> Tree {
        let n = self.size();
        let hashes: Vec<Hash> = sub_tree_index(0, n)
            .into_iter()
            .map(|x| {
                let (level, k) = split_stored_hash_index(x);
                self.levels[level as usize][k as usize]
            })
            .collect();
        let mut h = hashes.last().copied().unwrap_or_else(|| sha256(&[]));
        for x in hashes.iter().rev().skip(1) {
            h = node_hash(x, &h);
        }
        Tree { n, hash: h }
    }

    /// The bytes of a hash tile, or None when the tree does not hold it.
    pub fn tile_data(&self, t: &Tile) -> Option<Vec<u8>> {
        if t.l < 0 {
            return None;
        }
        let level = (t.l as u32 * t.h) as usize;
        let row = self.levels.get(level)?;
        let start = (t.n << t.h) as usize;
        let end = start + t.w as usize;
        if end > row.len() {
            return None;
        }
        Some(row[start..end].concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_match_go() {
        let t = Tile {
            h: 8,
            l: 0,
            n: 1_234_067,
            w: 1,
        };
        assert_eq!(t.path(), "tile/8/0/x001/x234/067.p/1");
        assert_eq!(Tile::parse_path(&t.path()), Some(t));
        let full = Tile {
            h: 8,
            l: -1,
            n: 5,
            w: 256,
        };
        assert_eq!(full.path(), "tile/8/data/005");
        assert_eq!(Tile::parse_path("/tile/8/data/005"), Some(full));
        for bad in [
            "tile/8/0/1",
            "tile/8/0/x1/002",
            "tile/8/0/001.p/256",
            "x/8/0/001",
        ] {
            assert_eq!(Tile::parse_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn stored_hash_numbering_round_trips() {
        // Facts from tlog: record 0 → 0, (1,0) → 2, record 2 → 3, (2,0) → 6.
        assert_eq!(stored_hash_index(0, 0), 0);
        assert_eq!(stored_hash_index(0, 1), 1);
        assert_eq!(stored_hash_index(1, 0), 2);
        assert_eq!(stored_hash_index(0, 2), 3);
        assert_eq!(stored_hash_index(2, 0), 6);
        for i in 0..2000 {
            let (l, n) = split_stored_hash_index(i);
            assert_eq!(stored_hash_index(l, n), i);
        }
    }

    #[test]
    fn records_verify_in_trees_of_many_sizes() {
        let mut log = MemoryLog::default();
        for size in 1..=600i64 {
            log.append(&format!("example.com/m{size} v1.0.0 h1:x=\n"));
            if ![1, 2, 3, 7, 255, 256, 257, 511, 513, 600].contains(&size) {
                continue;
            }
            let tree = log.tree();
            for id in [0, size / 2, size - 1] {
                let plan = plan_record_tiles(&tree, id).unwrap();
                let data: Vec<Vec<u8>> = plan
                    .tiles
                    .iter()
                    .map(|t| log.tile_data(t).unwrap())
                    .collect();
                let rec = log.record(id).unwrap();
                verify_record(&tree, &plan, &data, rec).unwrap();
                assert_eq!(
                    verify_record(&tree, &plan, &data, "other v1 h1:y=\n").unwrap_err(),
                    "cannot authenticate record data in server response"
                );
                let mut bad = data.clone();
                bad[0][0] ^= 1;
                assert!(verify_record(&tree, &plan, &bad, rec).is_err());
            }
        }
    }

    #[test]
    fn tree_and_record_formats() {
        let tree = Tree {
            n: 2,
            hash: [7u8; 32],
        };
        assert_eq!(parse_tree(&format_tree(&tree)).unwrap(), tree);
        assert!(parse_tree("go.sum database tree\n02\nAA==\n").is_err());
        let (id, text, note) = parse_record(b"5\nm v1 h1:a=\nm v1/go.mod h1:b=\n\nnote\n").unwrap();
        assert_eq!(
            (id, text.as_str(), note.as_slice()),
            (5, "m v1 h1:a=\nm v1/go.mod h1:b=\n", &b"note\n"[..])
        );
        assert!(parse_record(b"x\nm\n\n").is_err());
    }
}
