//! Reading the world in tests.

use super::World;
use crate::api::Object;
use crate::api::apps::ReplicaSet;
use crate::api::core::Pod;
use crate::parse_manifests;

/// A world (seed 1) with `text` applied, which must load cleanly.
pub fn world_with(text: &str) -> World {
    let mut world = World::new(1);
    let loaded = parse_manifests(text);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert!(world.apply(&loaded).iter().all(Result::is_ok));
    world
}

pub fn pods(world: &World) -> Vec<Pod> {
    world
        .store()
        .list("Pod", None)
        .filter_map(|o| if let Object::Pod(p) = o { Some(p.clone()) } else { None })
        .collect()
}

pub fn replica_sets(world: &World) -> Vec<ReplicaSet> {
    world
        .store()
        .list("ReplicaSet", None)
        .filter_map(|o| if let Object::ReplicaSet(rs) = o { Some(rs.clone()) } else { None })
        .collect()
}
