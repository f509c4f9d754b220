//! Work queues: which objects each controller must look at again, filled
//! from the store's journal of writes the way upstream's informer event
//! handlers fill each controller's workqueue (`addPod` enqueues the pod's
//! ReplicaSet, `updateReplicaSet` its Deployment, ...). A round of the
//! world's loop syncs only what is queued, so the work of a tick grows with
//! what changed, not with the size of the cluster.
//!
//! A queue is taken as an ordered set: an object queued twice is synced
//! once, and the order (by key) is the same on every run.

use super::World;
use super::store::{Change, Key};
use crate::api::Object;
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkQueues {
    pub deployments: KeyQueue,
    pub replica_sets: KeyQueue,
    /// Objects whose controlling owner must still exist (garbage collector).
    pub dependents: KeyQueue,
    /// UIDs of removed objects whose dependents must go (in no particular
    /// order, perhaps twice: the collector only reads what they own).
    pub removed_owners: Vec<String>,
    /// Pods the scheduler may have to bind.
    pub unbound_pods: KeyQueue,
    /// Pods whose kubelet may have to admit or stop them.
    pub pods: KeyQueue,
    /// PodDisruptionBudgets whose pods or selves changed.
    pub pdbs: BTreeSet<Key>,
    /// `AddAfter`: (unix ms, ReplicaSet) to sync again at that instant
    /// (a ready pod that becomes available after minReadySeconds).
    pub replica_sets_after: BTreeSet<(i64, Key)>,
}

/// A work queue: keys as they were added, put in key order without
/// duplicates when taken, as an ordered set would hold them. Adding is a
/// push (a key the same as the last one added is not pushed again);
/// writes mostly come in key order (each controller syncs in key order),
/// so ordering them when taken is mostly a check that they are.
#[derive(Clone, Debug, Default)]
pub struct KeyQueue(Vec<Key>);

impl KeyQueue {
    pub fn insert(&mut self, key: Key) {
        if self.0.last() != Some(&key) {
            self.0.push(key);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Empties the queue: its keys in order, each once.
    pub fn take(&mut self) -> Vec<Key> {
        let mut keys = self.take_unordered();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Empties the queue: its keys as they were added, some perhaps more
    /// than once (for a reader whose result does not depend on the order,
    /// which is spared the sort).
    pub fn take_unordered(&mut self) -> Vec<Key> {
        std::mem::take(&mut self.0)
    }
}

impl Extend<Key> for KeyQueue {
    fn extend<I: IntoIterator<Item = Key>>(&mut self, keys: I) {
        keys.into_iter().for_each(|key| self.insert(key));
    }
}

/// As sets: what is queued, not in which order or how often.
impl PartialEq for KeyQueue {
    fn eq(&self, other: &KeyQueue) -> bool {
        self.clone().take() == other.clone().take()
    }
}

impl Eq for KeyQueue {}

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
    // Consecutive writes mostly concern the same owners: their keys are
    // made once.
    let mut owners = Owners::default();
    let mut changes = world.store.take_changes();
    for change in changes.drain(..) {
        route(world, change, &mut owners);
    }
    world.store.return_changes(changes);
}

/// The keys of the owners the last writes named (a ReplicaSet, its
/// Deployment), kept to be cloned rather than made again.
#[derive(Default)]
struct Owners {
    replica_set: Option<Key>,
    deployment: Option<Key>,
}

/// The key `kind`/`namespace`/`name`: `last` if it is that one, else a
/// new one (which becomes the last). A key kept is one the store has
/// found before: its slot hint spares the next lookup a search.
pub(super) fn owner_key(last: &mut Option<Key>, kind: &'static str, namespace: &str, name: &str) -> Key {
    match last {
        Some(key) if key.name == name && key.namespace == namespace && key.kind == kind => key.clone(),
        _ => last.insert(Key::new(kind, namespace, name)).clone(),
    }
}

/// The event handlers: who must look again after this write.
fn route(world: &mut World, mut change: Change, owners: &mut Owners) {
    if change.removed {
        world.queues.removed_owners.push(std::mem::take(&mut change.uid));
    } else if change.owner_changed {
        world.queues.dependents.insert(change.key.clone());
    }
    let namespace = change.key.namespace.as_str();
    match change.key.kind {
        "Deployment" => {
            world.queues.deployments.insert(change.key.clone());
        }
        "ReplicaSet" => {
            for (kind, name) in change.controllers() {
                if kind == "Deployment" {
                    world.queues.deployments.insert(owner_key(&mut owners.deployment, "Deployment", namespace, name));
                }
            }
            if change.orphan {
                // An orphan may be adopted by any Deployment of its namespace.
                let all: Vec<Key> = world.store.list("Deployment", Some(namespace)).map(Key::of).collect();
                world.queues.deployments.extend(all);
            }
            world.queues.replica_sets.insert(change.key.clone());
        }
        "Pod" => {
            for (kind, name) in change.controllers() {
                if kind != "ReplicaSet" {
                    continue;
                }
                let replica_set = owner_key(&mut owners.replica_set, "ReplicaSet", namespace, name);
                // Recreate waits for the old pods to go: a pod that is gone
                // concerns its Deployment too (upstream's deletePod; the
                // Deployment controller has no handler for other pod events).
                if change.removed
                    && let Some(owner) = world.store.get(&replica_set).and_then(|rs| rs.metadata().controller())
                    && owner.kind == "Deployment"
                {
                    let deployment = owner_key(&mut owners.deployment, "Deployment", namespace, &owner.name);
                    world.queues.deployments.insert(deployment);
                }
                world.queues.replica_sets.insert(replica_set);
            }
            if change.orphan {
                let all: Vec<Key> = world.store.list("ReplicaSet", Some(namespace)).map(Key::of).collect();
                world.queues.replica_sets.extend(all);
            }
            // The budgets that select it (any of the namespace's for a pod
            // that is gone: its labels went with it).
            if world.store.has_kind("PodDisruptionBudget") {
                let budgets = match world.store.get(&change.key) {
                    Some(Object::Pod(pod)) => super::disruption::pdbs_for_pod(world, pod),
                    _ => world.store.list("PodDisruptionBudget", Some(namespace)).map(Key::of).collect(),
                };
                world.queues.pdbs.extend(budgets);
            }
            if !change.removed {
                // The kubelet admits a bound pod it does not run yet and
                // stops a deleted one; the scheduler binds the others.
                // (An unbound pod's runtime, a stale one if any, matters
                // only to the memory checks: none while no runtime has a
                // limit, and the search is spared.)
                let runs =
                    (change.bound || world.runtimes.may_limit_memory()) && world.runtimes.check_memory(&change.key);
                if change.bound && (!runs || change.deleting) {
                    world.queues.pods.insert(change.key.clone());
                } else if !change.bound && !change.deleting {
                    world.queues.unbound_pods.insert(change.key.clone());
                }
            }
        }
        "PodDisruptionBudget" => {
            world.queues.pdbs.insert(change.key.clone());
        }
        // What an app uses comes from its App document.
        "App" => world.runtimes.check_all_memory(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Taken as an ordered set would be iterated: in key order, each once.
    #[test]
    fn a_queue_is_taken_in_key_order_without_duplicates() {
        let key = |name: &str| Key::new("Pod", "default", name);
        let mut queue = KeyQueue::default();
        queue.extend(["web-c", "web-a", "web-a", "web-b", "web-c", "web-a"].map(key));
        let mut other = KeyQueue::default();
        other.extend(["web-a", "web-b", "web-c"].map(key));
        assert_eq!(queue, other);
        let names: Vec<String> = queue.take().iter().map(|key| key.name.clone()).collect();
        assert_eq!(names, ["web-a", "web-b", "web-c"]);
        assert!(queue.is_empty() && queue != other);
        // Unordered: as added, a repeat of the last one left out.
        queue.extend(["web-c", "web-a", "web-a", "web-c"].map(key));
        let names: Vec<String> = queue.take_unordered().iter().map(|key| key.name.clone()).collect();
        assert_eq!((names, queue.is_empty()), (vec!["web-c".into(), "web-a".into(), "web-c".into()], true));
    }
}
