//! Load on Services (being written): requests per second from `Traffic`
//! documents and faults, spread over ready endpoints; per-pod CPU and
//! memory use; successes and failures per second per Service.

use super::World;
use super::faults::Fault;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrafficState {}

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
