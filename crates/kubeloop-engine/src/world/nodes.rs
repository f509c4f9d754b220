//! Node lifecycle (being written): heartbeats, NotReady after the grace
//! period, eviction after the toleration, stop/start faults.

use super::World;
use super::faults::Fault;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeState {}

pub fn observe(_world: &mut World) -> bool {
    false
}

pub fn next_timer(_world: &World) -> Option<i64> {
    None
}

pub fn fire(_world: &mut World) {}

pub fn apply_fault(_world: &mut World, _fault: &Fault) -> bool {
    false
}
