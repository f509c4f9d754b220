//! kubeloop's engine: the pure, deterministic core every driver (the web page,
//! the CLI, the tests) runs on.
//!
//! Invariants (see ARCHITECTURE.md): no IO, no wall clock, no browser types;
//! ordered maps only; bad user input comes back as [`Diagnostic`]s, never as a
//! panic.

pub mod api;
pub mod controller;
pub mod defaults;
pub mod diagnostic;
pub mod kubelet;
pub mod lean;
pub mod manifest;
pub mod validation;
pub mod world;
pub mod yaml;

pub use diagnostic::{Diagnostic, Position, Severity};
pub use manifest::{LoadedObject, Manifests, parse_manifests};

/// The most pods the playground will simulate across all workloads. A manifest
/// that asks for more is refused with a message naming this limit rather than
/// freezing the tab.
/// The manifests a new visitor's editor starts with: the seeds' demo-api
/// Deployment (2 replicas of `myrepo/demo-api:1.0.0` on port 3000) and its Service.
pub const DEMO_MANIFESTS: &str = include_str!("demo.yaml");

pub const MAX_SIMULATED_PODS: i64 = 10_000;
