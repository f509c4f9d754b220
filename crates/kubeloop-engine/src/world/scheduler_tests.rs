//! The scheduler's ranking against the plain scan it replaces: every node
//! looked at for every pod, the lowest (score, siblings, name) winning.

use super::*;
use std::collections::BTreeMap;

/// Nodes of different sizes, some partly used, named in index order.
fn table() -> NodeTable {
    let nodes =
        [((4000, 8 << 30, 110), (0, 0, 0)), ((2000, 4 << 30, 3), (500, 1 << 30, 1)), ((8000, 2 << 30, 5), (0, 0, 4))];
    let schedulable = (0..12)
        .map(|index| {
            let (allocatable, used) = nodes[index % nodes.len()];
            NodeSlot { name: format!("node-{index:02}").into(), allocatable, used, version: 0 }
        })
        .collect();
    NodeTable { schedulable, total: 12, left_out: Default::default(), owned: Default::default(), unowned: None }
}

/// What the scheduler did before it ranked nodes: every node, every pod.
fn scan(nodes: &NodeTable, siblings: &[i64], requests: (i64, i64)) -> Option<usize> {
    (0..nodes.schedulable.len())
        .filter_map(|index| Some((score(&nodes.schedulable[index], requests)?, siblings[index], index)))
        .min()
        .map(|(_, _, index)| index)
}

#[test]
fn the_ranking_chooses_what_a_scan_of_every_node_would() {
    let mut nodes = table();
    let store = Store::default();
    let count = nodes.schedulable.len();
    // Siblings per owner, as the scan would count them.
    let mut siblings: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let no_siblings = vec![0; count];
    // Pods of three owners (one with two sizes) and unowned ones,
    // interleaved, until nothing fits.
    let pods = [
        (Some("a"), (100, 256 << 20)),
        (Some("b"), (0, 0)),
        (Some("a"), (100, 256 << 20)),
        (None, (250, 0)),
        (Some("c"), (1000, 1 << 30)),
        (Some("a"), (0, 512 << 20)),
        (Some("b"), (0, 0)),
    ];
    let mut bound = 0;
    for round in 0..200 {
        let (owner, requests) = pods[round % pods.len()];
        let expected = {
            let owned = owner.map(|uid| siblings.entry(uid).or_insert_with(|| vec![0; count]).as_slice());
            scan(&nodes, owned.unwrap_or(&no_siblings), requests)
        };
        let chosen = nodes.best(&store, owner, requests);
        assert_eq!(chosen, expected, "pod {round}: {owner:?} {requests:?}");
        if let Some(index) = chosen {
            nodes.bind(index, owner, requests);
            if let Some(uid) = owner {
                siblings.get_mut(uid).unwrap()[index] += 1;
            }
            bound += 1;
        }
    }
    // The nodes filled up: pods were bound and some were left over.
    assert!(bound > 20 && bound < 200, "{bound}");
}

#[test]
fn pods_of_one_owner_spread_over_equal_nodes_in_name_order() {
    let mut nodes = table();
    let store = Store::default();
    // Requests of nothing: every node scores 0, so siblings, then the name.
    let chosen: Vec<usize> = (0..6)
        .map(|_| {
            let index = nodes.best(&store, Some("rs"), (0, 0)).unwrap();
            nodes.bind(index, Some("rs"), (0, 0));
            index
        })
        .collect();
    // node-01, -04, -07 and -10 are a quarter used (score 250, with room
    // for two pods): never chosen. The others score 0 and take a pod each,
    // in name order, before any takes a second.
    assert_eq!(chosen, [0, 2, 3, 5, 6, 8]);
    let second = nodes.best(&store, Some("rs"), (0, 0));
    assert_eq!(second, Some(9));
}
