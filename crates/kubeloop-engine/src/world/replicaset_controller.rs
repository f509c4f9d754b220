//! The ReplicaSet controller's sync (`syncReplicaSet`/`manageReplicas` in
//! pkg/controller/replicaset), over the store.

use super::events::{EventType, Report};
use super::store::Key;
use super::{Decision, World};
use crate::api::apps::ReplicaSet;
use crate::api::core::Pod;
use crate::api::{Object, OwnerReference};
use crate::controller::replicaset::{
    BURST_REPLICAS, get_pods_to_delete, is_pod_active, is_pod_available, is_pod_ready,
};

const SOURCE: &str = "replicaset-controller";

/// Syncs one ReplicaSet: creates or deletes pods towards spec.replicas,
/// then writes its status. True if it wrote anything.
pub fn sync_replica_set(world: &mut World, key: &Key) -> bool {
    let Some(Object::ReplicaSet(rs)) = world.store.get(key).cloned() else { return false };
    let Some(uid) = rs.metadata.uid.clone() else { return false };
    let pods = controlled_pods(world, &uid);
    let active: Vec<&Pod> = pods.iter().filter(|pod| is_pod_active(pod)).collect();
    let desired = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    let mut wrote = false;
    if active.len() < desired {
        let count = (desired - active.len()).min(BURST_REPLICAS);
        for _ in 0..count {
            create_pod(world, &rs, key);
        }
        world.decide(Decision::new(
            SOURCE,
            key,
            &format!("create {count} pod{}", if count == 1 { "" } else { "s" }),
            vec![format!("{} active pods, {desired} wanted", active.len())],
        ));
        wrote = true;
    } else if active.len() > desired {
        let related = related_pods(world, &rs);
        let related_refs: Vec<&Pod> = related.iter().collect();
        let diff = (active.len() - desired).min(BURST_REPLICAS);
        let now = world.now();
        let victims: Vec<Pod> = get_pods_to_delete(&active, &related_refs, diff, now).into_iter().cloned().collect();
        let names: Vec<String> = victims.iter().map(|pod| pod.metadata.name().to_string()).collect();
        for victim in victims {
            delete_pod(world, victim, key);
        }
        world.decide(Decision::new(
            SOURCE,
            key,
            &format!("delete {diff} pod{}", if diff == 1 { "" } else { "s" }),
            vec![
                format!("{} active pods, {desired} wanted", active.len()),
                format!(
                    "deleted first by upstream's ranking (unscheduled, pending, not ready, ... newest): {}",
                    names.join(", ")
                ),
            ],
        ));
        wrote = true;
    }
    wrote | write_status(world, key, &rs, &active)
}

/// calculateStatus for a ReplicaSet (spec 5.3), from the pods seen at the
/// start of the sync, as upstream does.
fn write_status(world: &mut World, key: &Key, rs: &ReplicaSet, active: &[&Pod]) -> bool {
    let now = world.now();
    let template_labels = &rs.spec.template.metadata.labels;
    let mut status = rs.status.clone();
    status.replicas = active.len() as i32;
    status.fully_labeled_replicas =
        active.iter().filter(|pod| template_labels.iter().all(|(k, v)| pod.metadata.labels.get(k) == Some(v))).count()
            as i32;
    status.ready_replicas = active.iter().filter(|pod| is_pod_ready(pod)).count() as i32;
    status.available_replicas =
        active.iter().filter(|pod| is_pod_available(pod, rs.spec.min_ready_seconds, now)).count() as i32;
    status.observed_generation = rs.metadata.generation.unwrap_or(1);
    let Some(uid) = rs.metadata.uid.as_deref() else { return false };
    status.terminating_replicas =
        Some(controlled_pods(world, uid).iter().filter(|pod| pod.metadata.deletion_timestamp.is_some()).count() as i32);
    if status == rs.status {
        return false;
    }
    let mut updated = rs.clone();
    updated.status = status;
    world.store.write(key.clone(), Object::ReplicaSet(updated));
    true
}

/// The pods whose controller is this ReplicaSet.
fn controlled_pods(world: &World, uid: &str) -> Vec<Pod> {
    world
        .store
        .owned_by(uid)
        .filter_map(|object| match object {
            Object::Pod(pod) if pod.metadata.controller().is_some_and(|owner| owner.uid == uid) => Some(pod.clone()),
            _ => None,
        })
        .collect()
}

/// getIndirectlyRelatedPods: the active pods of every ReplicaSet owned by
/// the same Deployment (for ranking doubled-up pods).
fn related_pods(world: &World, rs: &ReplicaSet) -> Vec<Pod> {
    let Some(owner) = rs.metadata.controller() else {
        return rs.metadata.uid.as_deref().map(|uid| controlled_pods(world, uid)).unwrap_or_default();
    };
    let siblings: Vec<String> = world
        .store
        .owned_by(&owner.uid)
        .filter_map(|object| match object {
            Object::ReplicaSet(sibling) => sibling.metadata.uid.clone(),
            _ => None,
        })
        .collect();
    siblings.iter().flat_map(|uid| controlled_pods(world, uid)).filter(is_pod_active).collect()
}

fn create_pod(world: &mut World, rs: &ReplicaSet, key: &Key) {
    let mut pod = Pod::default();
    pod.metadata.generate_name = Some(format!("{}-", rs.metadata.name()));
    pod.metadata.namespace = Some(rs.metadata.namespace().to_string());
    pod.metadata.labels = rs.spec.template.metadata.labels.clone();
    pod.metadata.annotations = rs.spec.template.metadata.annotations.clone();
    pod.metadata.owner_references = vec![OwnerReference {
        api_version: "apps/v1".to_string(),
        kind: "ReplicaSet".to_string(),
        name: rs.metadata.name().to_string(),
        uid: rs.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }];
    pod.spec = rs.spec.template.spec.clone();
    pod.status.phase = "Pending".to_string();
    let now = world.now();
    let Ok(pod_key) = world.store.create(Object::Pod(pod), now, &mut world.rng) else { return };
    world.events.record(
        Report {
            event_type: EventType::Normal,
            reason: "SuccessfulCreate",
            message: format!("Created pod: {}", pod_key.name),
            involved: key,
            field_path: None,
            source: SOURCE,
        },
        now,
    );
}

/// Graceful deletion: the pod gets its deletionTimestamp and leaves the
/// active count at once; the kubelet stops it and then it is removed.
fn delete_pod(world: &mut World, pod: Pod, key: &Key) {
    let now = world.now();
    let name = pod.metadata.name().to_string();
    // The API server's delete: graceful for a pod a kubelet runs, at once
    // for one never scheduled (no kubelet would ever finish it).
    super::gc::delete_pod(world, &Key::new("Pod", pod.metadata.namespace(), &name));
    world.events.record(
        Report {
            event_type: EventType::Normal,
            reason: "SuccessfulDelete",
            message: format!("Deleted pod: {name}"),
            involved: key,
            field_path: None,
            source: SOURCE,
        },
        now,
    );
}
