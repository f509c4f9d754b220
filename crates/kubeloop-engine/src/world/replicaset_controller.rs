//! The ReplicaSet controller's sync (`syncReplicaSet`/`manageReplicas` in
//! pkg/controller/replicaset), over the store.

use super::events::{EventType, Report};
use super::store::{Key, Store};
use super::{Decision, World};
use crate::api::Time;
use crate::api::apps::{ReplicaSet, ReplicaSetStatus};
use crate::api::core::Pod;
use crate::api::meta::{OwnerReference, SharedList};
use crate::api::{Object, Str};
use crate::controller::replicaset::{
    BURST_REPLICAS, available_requeue_at, is_pod_active, is_pod_available, is_pod_ready, pods_to_delete,
};

const SOURCE: &str = "replicaset-controller";

/// Syncs one ReplicaSet: creates or deletes pods towards spec.replicas,
/// then writes its status. True if it wrote anything.
pub fn sync_replica_set(world: &mut World, key: &Key) -> bool {
    let claimed = super::claim::claim(world, key, "Pod");
    let Some(Object::ReplicaSet(rs)) = world.store.get(key) else { return claimed };
    let Some(uid) = rs.metadata.uid.as_deref() else { return claimed };
    let desired = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    let now = world.now();
    // What manageReplicas decides, from the pods as they are now (borrowed
    // from the store; nothing is written until the decision is made).
    let Scan { active, keys, status, requeue } = scan(rs, controlled(&world.store, uid), now);
    let active_count = active.len();
    // The store's own keys: deleting finds each pod without a search.
    let victims: Vec<Key> = if active_count > desired {
        let related = related_pods(&world.store, rs);
        let diff = (active_count - desired).min(BURST_REPLICAS);
        pods_to_delete(&active, &related, diff, now).into_iter().map(|at| keys[at as usize].clone()).collect()
    } else {
        Vec::new()
    };
    let rs = rs.clone();
    world.queues.replica_sets_after.extend(requeue.into_iter().map(|at| (at, key.clone())));
    let mut wrote = claimed;
    if active_count < desired {
        let count = (desired - active_count).min(BURST_REPLICAS);
        // One owner list and generateName for the pods made here, shared.
        let uid = rs.metadata.uid.as_deref().unwrap_or_default();
        let owners = SharedList::from(vec![super::claim::controller_ref("ReplicaSet", rs.metadata.name(), uid)]);
        let generate_name = Str::from(format!("{}-", rs.metadata.name()));
        for _ in 0..count {
            create_pod(world, &rs, &owners, &generate_name, key);
        }
        world.decide(Decision::new(
            SOURCE,
            key,
            &format!("create {count} pod{}", if count == 1 { "" } else { "s" }),
            vec![format!("{active_count} active pods, {desired} wanted")],
        ));
        wrote = true;
    } else if !victims.is_empty() {
        let diff = victims.len();
        let names: Vec<String> = victims.iter().map(|key| key.name.clone()).collect();
        for victim in &victims {
            delete_pod(world, victim, key);
        }
        world.decide(Decision::new(
            SOURCE,
            key,
            &format!("delete {diff} pod{}", if diff == 1 { "" } else { "s" }),
            vec![
                format!("{active_count} active pods, {desired} wanted"),
                format!(
                    "deleted first by upstream's ranking (unscheduled, pending, not ready, ... newest): {}",
                    names.join(", ")
                ),
            ],
        ));
        wrote = true;
    }
    wrote | write_status(world, key, rs, status)
}

/// What one pass over the controlled pods gives: the active ones,
/// calculateStatus (spec 5.3, from the pods seen at the start of the sync,
/// as upstream does), and when a pod becomes available after
/// minReadySeconds.
struct Scan<'a> {
    active: Vec<&'a Pod>,
    /// The active pods' keys.
    keys: Vec<&'a Key>,
    status: ReplicaSetStatus,
    requeue: Vec<i64>,
}

fn scan<'a>(rs: &ReplicaSet, pods: impl Iterator<Item = (&'a Key, &'a Pod)>, now: Time) -> Scan<'a> {
    let template_labels = &rs.spec.template.metadata.labels;
    let min_ready_seconds = rs.spec.min_ready_seconds;
    let mut status = rs.status.clone();
    let (mut labeled, mut ready, mut available, mut terminating) = (0, 0, 0, 0);
    let mut active = Vec::new();
    let mut keys = Vec::new();
    let mut requeue = Vec::new();
    for (key, pod) in pods {
        terminating += i32::from(pod.metadata.deletion_timestamp.is_some());
        if !is_pod_active(pod) {
            continue;
        }
        active.push(pod);
        keys.push(key);
        // A pod that shares its template's labels has every one of them.
        let labels = &pod.metadata.labels;
        labeled += i32::from(
            std::rc::Rc::ptr_eq(labels, template_labels)
                || template_labels.iter().all(|(k, v)| labels.get(k) == Some(v)),
        );
        if !is_pod_ready(pod) {
            continue;
        }
        ready += 1;
        available += i32::from(is_pod_available(pod, min_ready_seconds, now));
        if min_ready_seconds > 0
            && let Some(at) = available_requeue_at(pod, min_ready_seconds).filter(|&at| at > now.unix_ms)
        {
            requeue.push(at);
        }
    }
    status.replicas = active.len() as i32;
    status.fully_labeled_replicas = labeled;
    status.ready_replicas = ready;
    status.available_replicas = available;
    status.observed_generation = rs.metadata.generation.unwrap_or(1);
    status.terminating_replicas = Some(terminating);
    Scan { active, keys, status, requeue }
}

fn write_status(world: &mut World, key: &Key, mut rs: ReplicaSet, status: ReplicaSetStatus) -> bool {
    if status == rs.status {
        return false;
    }
    rs.status = status;
    world.store.write(key.clone(), Object::ReplicaSet(rs));
    true
}

/// The pods whose controller is this ReplicaSet, with their keys.
fn controlled<'a>(store: &'a Store, uid: &'a str) -> impl Iterator<Item = (&'a Key, &'a Pod)> + 'a {
    store.owned_entries(uid).filter_map(move |(key, object)| match object {
        Object::Pod(pod) if pod.metadata.controller().is_some_and(|owner| owner.uid == uid) => Some((key, pod)),
        _ => None,
    })
}

/// getIndirectlyRelatedPods: the active pods of every ReplicaSet owned by
/// the same Deployment (for ranking doubled-up pods).
fn related_pods<'a>(store: &'a Store, rs: &'a ReplicaSet) -> Vec<&'a Pod> {
    let Some(owner) = rs.metadata.controller() else {
        let uid = rs.metadata.uid.as_deref().unwrap_or_default();
        return controlled(store, uid).map(|(_, pod)| pod).collect();
    };
    store
        .owned_by(&owner.uid)
        .filter_map(|object| match object {
            Object::ReplicaSet(sibling) => sibling.metadata.uid.as_deref(),
            _ => None,
        })
        .flat_map(|uid| controlled(store, uid))
        .map(|(_, pod)| pod)
        .filter(|pod| is_pod_active(pod))
        .collect()
}

fn create_pod(world: &mut World, rs: &ReplicaSet, owners: &SharedList<OwnerReference>, generate_name: &Str, key: &Key) {
    let mut pod = Pod::default();
    pod.metadata.generate_name = Some(generate_name.clone());
    pod.metadata.namespace = Some(rs.metadata.namespace().to_string());
    pod.metadata.labels = rs.spec.template.metadata.labels.clone();
    pod.metadata.annotations = rs.spec.template.metadata.annotations.clone();
    pod.metadata.owner_references = owners.clone();
    pod.spec = rs.spec.template.spec.clone();
    pod.status.phase = "Pending".into();
    let now = world.now();
    let Ok(pod_key) = world.store.create(Object::Pod(pod), now, &mut world.rng) else { return };
    world.events.record(
        Report {
            event_type: EventType::Normal,
            reason: "SuccessfulCreate",
            message: concat("Created pod: ", &pod_key.name),
            involved: key,
            field_path: None,
            source: SOURCE,
        },
        now,
    );
}

/// Graceful deletion: the pod gets its deletionTimestamp and leaves the
/// active count at once; the kubelet stops it and then it is removed.
fn delete_pod(world: &mut World, pod: &Key, key: &Key) {
    let now = world.now();
    let name = pod.name.clone();
    // The API server's delete: graceful for a pod a kubelet runs, at once
    // for one never scheduled (no kubelet would ever finish it).
    super::gc::delete_pod(world, pod);
    world.events.record(
        Report {
            event_type: EventType::Normal,
            reason: "SuccessfulDelete",
            message: concat("Deleted pod: ", &name),
            involved: key,
            field_path: None,
            source: SOURCE,
        },
        now,
    );
}

/// `a` then `b` in one allocation (`format!` costs several times as much,
/// and this runs for every pod created or deleted).
fn concat(a: &str, b: &str) -> String {
    let mut text = String::with_capacity(a.len() + b.len());
    text.push_str(a);
    text.push_str(b);
    text
}
