//! Reading the world in tests.

use super::World;
use crate::api::Object;
use crate::api::apps::ReplicaSet;
use crate::api::core::Pod;

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
