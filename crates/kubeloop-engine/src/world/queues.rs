//! Work queues: which objects each controller must look at again, filled
//! from the store's journal of writes the way upstream's informer event
//! handlers fill each controller's workqueue (`addPod` enqueues the pod's
//! ReplicaSet, `updateReplicaSet` its Deployment, ...). A round of the
//! world's loop syncs only what is queued, so the work of a tick grows with
//! what changed, not with the size of the cluster.
//!
//! A queue is an ordered set: an object queued twice is synced once, and
//! the order (by key) is the same on every run.

use super::World;
use super::store::{Change, Key};
use crate::api::Object;
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkQueues {
    pub deployments: BTreeSet<Key>,
    pub replica_sets: BTreeSet<Key>,
    /// Objects whose controlling owner must still exist (garbage collector).
    pub dependents: BTreeSet<Key>,
    /// UIDs of removed objects whose dependents must go.
    pub removed_owners: BTreeSet<String>,
    /// Pods the scheduler may have to bind.
    pub unbound_pods: BTreeSet<Key>,
    /// Pods whose kubelet may have to admit or stop them.
    pub pods: BTreeSet<Key>,
    /// PodDisruptionBudgets whose pods or selves changed.
    pub pdbs: BTreeSet<Key>,
    /// `AddAfter`: (unix ms, ReplicaSet) to sync again at that instant
    /// (a ready pod that becomes available after minReadySeconds).
    pub replica_sets_after: BTreeSet<(i64, Key)>,
}

impl WorkQueues {
    pub fn is_empty(&self) -> bool {
        self.deployments.is_empty()
            && self.replica_sets.is_empty()
            && self.dependents.is_empty()
            && self.removed_owners.is_empty()
            && self.unbound_pods.is_empty()
            && self.pods.is_empty()
            && self.pdbs.is_empty()
    }

    /// The next delayed sync (unix ms).
    pub fn next_timer(&self) -> Option<i64> {
        self.replica_sets_after.first().map(|(at, _)| *at)
    }

    /// Moves the delayed syncs that are due into their queues.
    pub fn release_due(&mut self, now: i64) {
        while let Some((at, _)) = self.replica_sets_after.first()
            && *at <= now
        {
            if let Some((_, key)) = self.replica_sets_after.pop_first() {
                self.replica_sets.insert(key);
            }
        }
    }
}

/// Delivers the store's writes since the last call to the queues.
pub fn route_changes(world: &mut World) {
    for change in world.store.take_changes() {
        route(world, change);
    }
}

/// The event handlers: who must look again after this write.
fn route(world: &mut World, change: Change) {
    let namespace = change.key.namespace.clone();
    if change.removed {
        world.queues.removed_owners.insert(change.uid.clone());
    } else if change.owner_changed {
        world.queues.dependents.insert(change.key.clone());
    }
    match change.key.kind {
        "Deployment" => {
            world.queues.deployments.insert(change.key);
        }
        "ReplicaSet" => {
            for (kind, name) in &change.controllers {
                if kind == "Deployment" {
                    world.queues.deployments.insert(Key::new("Deployment", &namespace, name));
                }
            }
            if change.orphan {
                // An orphan may be adopted by any Deployment of its namespace.
                let all: Vec<Key> = world.store.list("Deployment", Some(&namespace)).map(Key::of).collect();
                world.queues.deployments.extend(all);
            }
            world.queues.replica_sets.insert(change.key);
        }
        "Pod" => {
            for (kind, name) in &change.controllers {
                if kind != "ReplicaSet" {
                    continue;
                }
                let replica_set = Key::new("ReplicaSet", &namespace, name);
                // Recreate waits for the old pods to go: a pod that is gone
                // concerns its Deployment too (upstream's deletePod; the
                // Deployment controller has no handler for other pod events).
                if change.removed
                    && let Some(owner) = world.store.get(&replica_set).and_then(|rs| rs.metadata().controller())
                    && owner.kind == "Deployment"
                {
                    world.queues.deployments.insert(Key::new("Deployment", &namespace, &owner.name));
                }
                world.queues.replica_sets.insert(replica_set);
            }
            if change.orphan {
                let all: Vec<Key> = world.store.list("ReplicaSet", Some(&namespace)).map(Key::of).collect();
                world.queues.replica_sets.extend(all);
            }
            // The budgets that select it (any of the namespace's for a pod
            // that is gone: its labels went with it).
            let budgets = match world.store.get(&change.key) {
                Some(Object::Pod(pod)) => super::disruption::pdbs_for_pod(world, pod),
                _ => world.store.list("PodDisruptionBudget", Some(&namespace)).map(Key::of).collect(),
            };
            world.queues.pdbs.extend(budgets);
            if !change.removed {
                // The kubelet admits a bound pod it does not run yet and
                // stops a deleted one; the scheduler binds the others.
                let runs = world.runtimes.check_memory(&change.key);
                if change.bound && (!runs || change.deleting) {
                    world.queues.pods.insert(change.key);
                } else if !change.bound && !change.deleting {
                    world.queues.unbound_pods.insert(change.key);
                }
            }
        }
        "PodDisruptionBudget" => {
            world.queues.pdbs.insert(change.key);
        }
        // What an app uses comes from its App document.
        "App" => world.runtimes.check_all_memory(),
        _ => {}
    }
}
