//! Generic helpers the browser bundle pays for once.
//!
//! Every `sort_by` closure and every element type sorted or collected into a
//! `BTreeMap`/`BTreeSet` gets its own copy of the standard library's stable
//! sort (driftsort: some six functions, ~1 KiB gzipped each copy). These
//! helpers sort a permutation of indices with one non-generic instantiation
//! and apply it with swaps, so a caller adds only its comparison and a swap
//! loop; the maps are filled by `insert`, which the program has anyway. The
//! results are the standard library's: the sort is stable, and a key seen
//! twice keeps its last value.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// `items.sort_by(compare)`: stable, the same order.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_indices(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    permute(&order, &mut |a, b| items.swap(a, b));
}

/// `items.sort_by_key(key)`: stable, the same order.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `items.sort()` (or `sort_unstable()`, whose order is the same for
/// elements that are equal only when indistinguishable): stable.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// `iter.collect::<BTreeMap<_, _>>()`: a key seen twice keeps its last value.
pub fn map_of<K: Ord, V>(iter: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (key, value) in iter {
        map.insert(key, value);
    }
    map
}

/// `iter.collect::<BTreeSet<_>>()`.
pub fn set_of<T: Ord>(iter: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in iter {
        set.insert(item);
    }
    set
}

/// A map kept as a sorted `Vec` of pairs, for the world's small maps
/// (budgets, autoscalers, stopped nodes, back-offs, faults: a handful of
/// entries each). It reads, iterates, compares and prints (`Debug`) as a
/// `BTreeMap` of the same pairs does, so digests do not see the change; a
/// `BTreeMap` brings some 25 functions of B-tree code for every key and
/// value type, this a few small ones.
#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K, V> VecMap<K, V> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(key, value)| (key, value))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(key, _)| key)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, value)| value)
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &self.0[at].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &mut self.0[at].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key`'s value; the value it had, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => Some(std::mem::replace(&mut self.0[at].1, value)),
            Err(at) => {
                self.0.insert(at, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| self.0.remove(at).1)
    }

    /// Keeps the entries `keep` says to, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.0.retain_mut(|(key, value)| keep(key, value));
    }

    /// `key`'s entry, to fill when vacant.
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, at, key }
    }
}

/// The entries in key order, by value.
impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(key, value)| (key, value))
    }
}

/// A set kept as a sorted `Vec`, for small sets (duplicate checks in
/// validation, the addresses a new Service must avoid): what
/// [`VecMap`] is to `BTreeMap`, to `BTreeSet`.
#[derive(Clone, PartialEq, Eq)]
pub struct VecSet<T>(VecMap<T, ()>);

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet(VecMap::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl<T: Ord> VecSet<T> {
    /// Adds `item`; whether it was new.
    pub fn insert(&mut self, item: T) -> bool {
        self.0.insert(item, ()).is_none()
    }

    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.contains_key(item)
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.insert(item);
        }
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = VecSet::default();
        set.extend(items);
        set
    }
}

/// A [`VecMap`]'s entry for one key.
pub struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    at: Result<usize, usize>,
    key: K,
}

impl<'a, K, V> Entry<'a, K, V> {
    /// The value, made by `make` if the key had none.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let at = match self.at {
            Ok(at) => at,
            Err(at) => {
                self.map.0.insert(at, (self.key, make()));
                at
            }
        };
        &mut self.map.0[at].1
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

/// The stable order of `len` items compared by index: `order[k]` is the
/// index of the item that belongs at `k`.
pub fn sorted_indices(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Moves the item at `order[k]` to `k` for every `k`, by at most `len - 1`
/// swaps.
fn permute(order: &[usize], swap: &mut dyn FnMut(usize, usize)) {
    // at[p]: which original item is at p now; place[i]: where item i is now.
    let mut at: Vec<usize> = (0..order.len()).collect();
    let mut place = at.clone();
    for (k, &wanted) in order.iter().enumerate() {
        let from = place[wanted];
        if from != k {
            swap(k, from);
            let displaced = at[k];
            at[k] = wanted;
            at[from] = displaced;
            place[wanted] = k;
            place[displaced] = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every permutation of a list with ties sorts as `slice::sort_by` does,
    /// ties in their original order.
    #[test]
    fn sorts_as_the_standard_library_does() {
        let mut seed = 7u64;
        for len in 0..40 {
            for _ in 0..20 {
                let items: Vec<(u8, usize)> = (0..len)
                    .map(|i| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        ((seed >> 60) as u8, i)
                    })
                    .collect();
                let mut expected = items.clone();
                expected.sort_by_key(|item| item.0);
                let mut got = items.clone();
                sort_by(&mut got, |a, b| a.0.cmp(&b.0));
                assert_eq!(got, expected);
                let mut by_key = items.clone();
                sort_by_key(&mut by_key, |item| std::cmp::Reverse(item.0));
                expected.sort_by_key(|item| std::cmp::Reverse(item.0));
                assert_eq!(by_key, expected);
                let mut whole = items;
                sort(&mut whole);
                expected.sort();
                assert_eq!(whole, expected);
            }
        }
    }

    /// A `VecMap` reads, compares and prints as a `BTreeMap` of the same
    /// writes does.
    #[test]
    fn a_vec_map_behaves_as_a_btree_map() {
        let mut seed = 11u64;
        let mut ours: VecMap<String, u32> = VecMap::default();
        let mut std_map: BTreeMap<String, u32> = BTreeMap::new();
        for step in 0..400u32 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let key = format!("k{}", (seed >> 59) % 13);
            match (seed >> 40) % 5 {
                0 => assert_eq!(ours.insert(key.clone(), step), std_map.insert(key.clone(), step)),
                1 => assert_eq!(ours.remove(key.as_str()), std_map.remove(key.as_str())),
                2 => *ours.entry(key.clone()).or_default() += 1,
                3 => ours.retain(|_, value| *value % 3 != 0),
                _ => *ours.entry(key.clone()).or_insert_with(|| step) += 2,
            }
            match (seed >> 40) % 5 {
                2 => *std_map.entry(key).or_default() += 1,
                3 => std_map.retain(|_, value| *value % 3 != 0),
                4 => *std_map.entry(key).or_insert_with(|| step) += 2,
                _ => {}
            }
            assert_eq!(format!("{ours:?}"), format!("{std_map:?}"));
            assert_eq!((ours.len(), ours.is_empty()), (std_map.len(), std_map.is_empty()));
            assert!(ours.iter().eq(std_map.iter()));
            assert!(ours.keys().eq(std_map.keys()) && ours.values().eq(std_map.values()));
            assert_eq!(ours.get("k3"), std_map.get("k3"));
            assert_eq!(ours.contains_key("k5"), std_map.contains_key("k5"));
            if let (Some(a), Some(b)) = (ours.get_mut("k7"), std_map.get_mut("k7")) {
                *a += 1;
                *b += 1;
            }
        }
        let copy = ours.clone();
        assert_eq!(copy, ours);
        ours.clear();
        assert!(ours.is_empty() && copy != ours);
    }

    #[test]
    fn a_vec_set_behaves_as_a_btree_set() {
        let items = [5, 3, 5, 9, 1, 3, 7];
        let mut ours = VecSet::default();
        let mut std_set = BTreeSet::new();
        for item in items {
            assert_eq!(ours.insert(item), std_set.insert(item));
            assert_eq!(format!("{ours:?}"), format!("{std_set:?}"));
        }
        assert!((0..10).all(|item| ours.contains(&item) == std_set.contains(&item)));
        assert_eq!(items.into_iter().collect::<VecSet<_>>(), ours);
        let names: VecSet<String> = ["b".to_string(), "a".to_string()].into_iter().collect();
        assert!(names.contains("a") && !names.contains("c"));
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        assert_eq!(map_of(pairs), pairs.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(map_of(pairs)["b"], 3);
        assert_eq!(set_of([3, 1, 3, 2]), BTreeSet::from([1, 2, 3]));
    }
}
