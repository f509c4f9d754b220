//! Deterministic hash indexes shared by the event log and the kubelet:
//! a word-at-a-time hash of byte strings, and a table of `u32` ids found
//! by it. Only where an id sits depends on the hash, never which id is
//! found or any order the engine shows.

/// No id: a free place in an [`IdTable`] (and the event log's "none").
pub(super) const NONE: u32 = u32::MAX;

/// The indexes' hash of the parts: eight bytes at a time (FxHash's
/// step: rotate, xor, multiply), each part closed by its length (so
/// `("ab", "c")` and `("a", "bc")` differ); the high half of the last
/// product, which every input bit reaches. The same on every target, and
/// only where an id sits in a table depends on it, never which id is found.
pub(super) fn hash_parts(parts: &[&[u8]]) -> u32 {
    let mut hash = 0;
    for part in parts {
        hash = hash_bytes(hash, part);
    }
    (hash >> 32) as u32
}

const HASH_FACTOR: u64 = 0x517c_c1b7_2722_0a95;

fn mix(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(HASH_FACTOR)
}

/// `bytes` and their length mixed into `hash`: whole words, then the
/// last eight bytes again if a part word is left (or, under eight bytes,
/// the bytes read as two overlapping halves).
fn hash_bytes(mut hash: u64, bytes: &[u8]) -> u64 {
    let len = bytes.len();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let half = |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default()));
    if len >= 8 {
        let mut at = 0;
        while at + 8 <= len {
            hash = mix(hash, word(at));
            at += 8;
        }
        if at < len {
            hash = mix(hash, word(len - 8));
        }
    } else if len >= 4 {
        hash = mix(hash, half(0) | half(len - 4) << 32);
    } else if len > 0 {
        let byte = |at: usize| u64::from(bytes[at]);
        hash = mix(hash, byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16);
    }
    mix(hash, len as u64)
}

/// Ids found by a hash of what they stand for (the caller's): open
/// addressing, linear probing, at most half full, and backward-shift
/// deletion, so a lookup hashes once and compares about one entry.
/// Deterministic, as the hash is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct IdTable {
    /// Ids, `NONE` where free; empty or a power of two long.
    places: Vec<u32>,
    len: usize,
}

impl IdTable {
    fn mask(&self) -> usize {
        self.places.len().wrapping_sub(1)
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The id with this hash for which `is` holds.
    pub(super) fn find(&self, hash: u32, is: impl Fn(u32) -> bool) -> Option<u32> {
        if self.places.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut at = hash as usize & mask;
        loop {
            match self.places[at] {
                NONE => return None,
                id if is(id) => return Some(id),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Adds `id` under `hash`; `hash_of` gives the others' when it grows.
    pub(super) fn insert(&mut self, hash: u32, id: u32, hash_of: impl Fn(u32) -> u32) {
        if (self.len + 1) * 2 > self.places.len() {
            let size = (self.places.len() * 2).max(8);
            let old = std::mem::replace(&mut self.places, vec![NONE; size]);
            for other in old.into_iter().filter(|&other| other != NONE) {
                self.place(hash_of(other), other);
            }
        }
        self.place(hash, id);
        self.len += 1;
    }

    fn place(&mut self, hash: u32, id: u32) {
        let mask = self.mask();
        let mut at = hash as usize & mask;
        while self.places[at] != NONE {
            at = (at + 1) & mask;
        }
        self.places[at] = id;
    }

    /// Removes `id`, held under `hash`: the entries after it move back
    /// into the hole where their probe sequence allows (`hash_of`).
    pub(super) fn remove(&mut self, hash: u32, id: u32, hash_of: impl Fn(u32) -> u32) {
        let mask = self.mask();
        let mut hole = hash as usize & mask;
        while self.places[hole] != id {
            hole = (hole + 1) & mask;
        }
        let mut at = hole;
        loop {
            at = (at + 1) & mask;
            let other = self.places[at];
            if other == NONE {
                break;
            }
            // It may fill the hole if the hole is on its way from home.
            let home = hash_of(other) as usize & mask;
            if at.wrapping_sub(home) & mask >= at.wrapping_sub(hole) & mask {
                self.places[hole] = other;
                hole = at;
            }
        }
        self.places[hole] = NONE;
        self.len -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_id_table_finds_what_it_holds_after_removals() {
        // Few hash values, so that entries collide and probe sequences wrap.
        let hash = |id: u32| (u32::MAX - 4) + id.wrapping_mul(7) % 5;
        let mut table = IdTable::default();
        let mut held = BTreeSet::new();
        for id in 0..40u32 {
            table.insert(hash(id), id, hash);
            held.insert(id);
            if id % 3 == 1 {
                let gone = id / 2;
                if held.remove(&gone) {
                    table.remove(hash(gone), gone, hash);
                }
            }
            for probe in 0..=id {
                let found = table.find(hash(probe), |other| other == probe);
                assert_eq!(found.is_some(), held.contains(&probe), "{probe} after {id}");
            }
            assert_eq!(table.len(), held.len());
            assert!(table.places.len() >= 2 * table.len(), "at most half full");
        }
    }
}
