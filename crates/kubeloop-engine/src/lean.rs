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

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

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

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        assert_eq!(map_of(pairs), pairs.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(map_of(pairs)["b"], 3);
        assert_eq!(set_of([3, 1, 3, 2]), BTreeSet::from([1, 2, 3]));
    }
}
