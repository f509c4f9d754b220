//! Faults and other timed inputs: what a user (or a scenario) does to the
//! cluster besides applying YAML. Each is recorded in the history, so
//! seeks and replays include it.

use crate::api::Object;

/// What a fault is aimed at: every pod of a Deployment, or one pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Deployment { namespace: String, name: String },
    Pod { namespace: String, name: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// The app's readiness endpoint answers this HTTP status (500 fails,
    /// 200 heals).
    Readiness { target: Target, status: i32 },
    /// The app's liveness endpoint answers this HTTP status.
    Liveness { target: Target, status: i32 },
    /// The app's memory use goes up by this many bytes (0 restores it).
    ExtraMemory { target: Target, bytes: i64 },
    /// The container is killed (as by `kill -9`: exit code 137, Error).
    KillPod { namespace: String, name: String },
    /// The node stops reporting (kubelet down, machine off).
    StopNode { name: String },
    /// The node comes back.
    StartNode { name: String },
    /// The request rate on a Service changes.
    Traffic { namespace: String, service: String, requests_per_second: i32 },
    /// `kubectl delete`: graceful for pods, cascading for owners.
    Delete { object: Box<Object> },
    /// The eviction API (`POST .../pods/NAME/eviction`, what `kubectl
    /// drain` sends): the pod goes if its disruption budget allows it.
    /// `History::evict` records this and tells the caller the outcome.
    Evict { namespace: String, name: String },
    /// `kubectl cordon` (`unschedulable: true`) or `kubectl uncordon`:
    /// the node's `spec.unschedulable`.
    Cordon { node: String, unschedulable: bool },
}
