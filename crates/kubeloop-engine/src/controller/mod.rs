//! The controllers, as pure functions named after their upstream steps so a
//! reviewer can hold them against `pkg/controller/...`. They read objects
//! and return what they would write (and why); the world applies it.

pub mod deployment;
pub mod disruption;
pub mod endpointslice;
pub mod podautoscaler;
pub mod replicaset;
