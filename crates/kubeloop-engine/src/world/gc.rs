//! The garbage collector: deleting an owner deletes what it owns
//! (cascading background deletion, `kubectl delete`'s default), and
//! `kubectl delete` itself (`Fault::Delete`).
//!
//! Upstream's collector (pkg/controller/garbagecollector) deletes a
//! dependent once its owner, looked up by kind and name, is gone or has
//! another UID. Here only the controller reference is followed, and an
//! owner of a kind the playground does not simulate is assumed present.

use super::faults::Fault;
use super::store::Key;
use super::{Decision, World};
use crate::api::{Object, OwnerReference, Time, kind_info};
use std::collections::BTreeSet;

const SOURCE: &str = "garbage-collector";

/// Deletes what a removed owner controlled, and any changed object whose
/// controller no longer exists. True if it wrote anything.
pub fn collect(world: &mut World) -> bool {
    let mut gone: BTreeSet<String> = BTreeSet::new();
    for uid in std::mem::take(&mut world.queues.removed_owners) {
        if world.store.owned_by(&uid).next().is_some() {
            gone.insert(uid);
        }
    }
    // Consecutive dependents mostly share their owner: its key is made
    // once. What is gone is a set, found by reads alone: the queue is
    // read in the order it was filled, unsorted.
    let mut last_owner = None;
    for key in world.queues.dependents.take_unordered() {
        let Some(object) = world.store.get(&key) else { continue };
        let Some(owner) = object.metadata().controller() else { continue };
        if !gone.contains(&owner.uid) && !owner_exists(world, owner, object.metadata().namespace(), &mut last_owner) {
            gone.insert(owner.uid.clone());
        }
    }
    let mut wrote = false;
    for uid in gone {
        let dependents: Vec<(Key, String)> = world
            .store
            .owned_by(&uid)
            .filter_map(|object| {
                let owner = object.metadata().controller().filter(|o| o.uid == uid)?;
                Some((Key::of(object), format!("{}/{}", owner.kind, owner.name)))
            })
            .collect();
        for (key, owner) in dependents {
            if delete(world, &key) {
                world.decide(Decision::new(SOURCE, &key, "delete", vec![format!("its owner {owner} is gone")]));
                wrote = true;
            }
        }
    }
    wrote
}

/// The owner, by kind and name in the dependent's namespace, with the same
/// UID. Kinds the playground does not know are taken to exist. `last`:
/// the key of the owner looked up before.
fn owner_exists(world: &World, owner: &OwnerReference, namespace: &str, last: &mut Option<Key>) -> bool {
    let Some(info) = kind_info(&owner.kind) else { return true };
    let key = super::queues::owner_key(last, info.kind, namespace, &owner.name);
    world.store.get(&key).is_some_and(|object| object.metadata().uid.as_deref() == Some(owner.uid.as_str()))
}

/// `kubectl delete`: pods gracefully, anything else at once (what it owns
/// follows through `collect`). Other faults are not the collector's.
pub fn apply_fault(world: &mut World, fault: &Fault) -> bool {
    let Fault::Delete { object } = fault else { return false };
    let key = Key::of(object);
    delete(world, &key);
    true
}

/// Deletes one object as the API server does. True if it wrote anything.
pub(super) fn delete(world: &mut World, key: &Key) -> bool {
    match world.store.get(key) {
        None => false,
        Some(Object::Pod(_)) => delete_pod(world, key),
        Some(_) => world.store.remove(key).is_some(),
    }
}

/// Graceful pod deletion (the pod strategy's CheckGracefulDelete): a pod
/// bound to a node and not yet terminal gets deletionTimestamp = now +
/// its grace period and is removed when its kubelet has stopped it; an
/// unscheduled or terminal pod goes at once. True if it wrote anything.
pub(super) fn delete_pod(world: &mut World, key: &Key) -> bool {
    let Some(Object::Pod(pod)) = world.store.get(key) else { return false };
    if pod.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let unscheduled = pod.spec.node_name.as_deref().unwrap_or("").is_empty();
    let terminal = matches!(pod.status.phase.as_str(), "Succeeded" | "Failed");
    if unscheduled || terminal {
        world.runtimes.remove(key);
        world.store.remove(key);
        world.retry_unschedulable = true;
        return true;
    }
    let grace = pod.spec.termination_grace_period_seconds.unwrap_or(30).max(0);
    let deletion = Time::from_unix_ms(world.now().unix_ms + grace * 1000);
    let Some(mut taken) = world.store.take(key) else { return false };
    if let Object::Pod(pod) = taken.object_mut() {
        pod.metadata.rare_mut().deletion_timestamp = Some(deletion);
        pod.metadata.rare_mut().deletion_grace_period_seconds = Some(grace);
    }
    world.store.put(key.clone(), taken);
    true
}
