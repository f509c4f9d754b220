//! The ReplicaSet controller's sync (`syncReplicaSet`/`manageReplicas` in
//! pkg/controller/replicaset), over the store.

use super::claim::label_matcher;
use super::events::{EventType, Report};
use super::store::{Key, PodCounts, Store};
use super::{Decision, World};
use crate::api::Time;
use crate::api::apps::{ReplicaSet, ReplicaSetStatus};
use crate::api::core::Pod;
use crate::api::meta::{Labels, OwnerReference, SharedList};
use crate::api::{Object, Str};
use crate::controller::replicaset::{
    BURST_REPLICAS, available_requeue_at, is_available_since, is_pod_active, pods_to_delete, ready_condition,
};

const SOURCE: &str = "replicaset-controller";

/// Syncs one ReplicaSet: creates or deletes pods towards spec.replicas,
/// then writes its status. True if it wrote anything.
pub fn sync_replica_set(world: &mut World, key: &Key) -> bool {
    let now = world.now();
    // Upstream claims the pods (ClaimPods) before it counts them. The
    // count's walk over the controlled pods tells whether claiming would
    // write anything (a pod the selector no longer matches, an orphan it
    // matches); only then does the claim run, and the pods are read again.
    let (claimed, plan) = match plan(&world.store, key, now, true) {
        Ok(plan) => (false, plan),
        Err(MustClaim) => {
            let claimed = super::claim::claim(world, key, "Pod");
            (claimed, plan(&world.store, key, now, false).unwrap_or(None))
        }
    };
    let Some(Plan { rs, desired, active_count, victims, status, requeue }) = plan else { return claimed };
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

/// What manageReplicas decides, from the pods as they are now (borrowed
/// from the store; nothing is written until the decision is made).
struct Plan {
    rs: ReplicaSet,
    desired: usize,
    active_count: usize,
    /// The pods to delete, under the store's own keys (deleting finds each
    /// without a search).
    victims: Vec<Key>,
    status: ReplicaSetStatus,
    /// When pods become available (`AddAfter`).
    requeue: Vec<i64>,
}

/// Claiming would write: claim first, then plan.
struct MustClaim;

/// The sync's decision. With `check_claim`, `Err` when claiming the pods
/// would change something (see [`super::claim::claim`]); None without a
/// ReplicaSet to sync.
fn plan(store: &Store, key: &Key, now: Time, check_claim: bool) -> Result<Option<Plan>, MustClaim> {
    let Some(Object::ReplicaSet(rs)) = store.get(key) else { return Ok(None) };
    let Some(uid) = rs.metadata.uid.as_deref() else { return Ok(None) };
    // claim's test, where claim would do anything (a ReplicaSet being
    // deleted neither adopts nor releases).
    let selector = rs.spec.selector.as_ref().filter(|_| check_claim && rs.metadata.deletion_timestamp.is_none());
    let matches = selector.map(|selector| label_matcher(selector, Some(&rs.spec.template.metadata.labels)));
    if let Some(matches) = &matches {
        let adoptable = |orphan: &Key| {
            store.get(orphan).is_some_and(|object| {
                object.metadata().deletion_timestamp.is_none() && matches(&object.metadata().labels)
            })
        };
        if store.orphan_pods(&key.namespace).any(adoptable) {
            return Err(MustClaim);
        }
    }
    let desired = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    let matches = matches.as_ref().map(|matches| matches as &dyn Fn(&Labels) -> bool);
    if let Some(plan) = counted(rs, store.pod_counts(uid), desired, matches)? {
        // Every test run checks the census against the pass it spares.
        debug_assert!(
            scan(rs, controlled(store, uid), now, matches).is_ok_and(|scan| {
                (scan.status, scan.active.len(), scan.requeue.is_empty())
                    == (plan.status.clone(), plan.active_count, true)
            }),
            "the census of {key:?} disagrees with its pods"
        );
        return Ok(Some(plan));
    }
    let Scan { active, keys, status, requeue } = scan(rs, controlled(store, uid), now, matches)?;
    let active_count = active.len();
    let victims = if active_count > desired {
        let related = related_pods(store, rs, &active);
        let diff = (active_count - desired).min(BURST_REPLICAS);
        pods_to_delete(&active, &related, diff, now).into_iter().map(|at| keys[at as usize].clone()).collect()
    } else {
        Vec::new()
    };
    Ok(Some(Plan { rs: rs.clone(), desired, active_count, victims, status, requeue }))
}

/// The plan from the store's census of the controlled pods, without
/// reading them, where it gives what the pass would: no pod to delete
/// (ranking them reads them all), no minReadySeconds (availability then
/// needs no clock and no requeue), and one label set held by every pod
/// (claim's test and fullyLabeledReplicas read only that). `None`: read
/// the pods.
fn counted(
    rs: &ReplicaSet,
    counts: Option<&PodCounts>,
    desired: usize,
    claim_matches: Option<&dyn Fn(&Labels) -> bool>,
) -> Result<Option<Plan>, MustClaim> {
    let counts = counts.cloned().unwrap_or_default();
    let Some(labels) = counts.common_labels() else { return Ok(None) };
    if rs.spec.min_ready_seconds != 0 || counts.active > desired {
        return Ok(None);
    }
    if let (Some(matches), Some(labels)) = (claim_matches, labels)
        && !matches(labels)
    {
        // claim would release them.
        return Err(MustClaim);
    }
    let template_labels = &rs.spec.template.metadata.labels;
    let labeled = labels.is_some_and(|labels| {
        std::rc::Rc::ptr_eq(labels, template_labels) || template_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
    });
    let active = counts.active as i32;
    let mut status = rs.status.clone();
    status.replicas = active;
    status.fully_labeled_replicas = if labeled { active } else { 0 };
    status.ready_replicas = counts.ready as i32;
    status.available_replicas = counts.ready as i32;
    status.observed_generation = rs.metadata.generation.unwrap_or(1);
    status.terminating_replicas = Some(counts.terminating as i32);
    let rs = rs.clone();
    Ok(Some(Plan { rs, desired, active_count: counts.active, victims: Vec::new(), status, requeue: Vec::new() }))
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

fn scan<'a>(
    rs: &ReplicaSet,
    pods: impl Iterator<Item = (&'a Key, &'a Pod)>,
    now: Time,
    claim_matches: Option<&dyn Fn(&Labels) -> bool>,
) -> Result<Scan<'a>, MustClaim> {
    let template_labels = &rs.spec.template.metadata.labels;
    let min_ready_seconds = rs.spec.min_ready_seconds;
    let mut status = rs.status.clone();
    let (mut labeled, mut ready, mut available, mut terminating) = (0, 0, 0, 0);
    // About as many as it had (fewer copies as they grow).
    let expected = (rs.status.replicas.max(0) as usize).max(rs.spec.replicas.unwrap_or(1).max(0) as usize);
    let mut active = Vec::with_capacity(expected);
    let mut keys = Vec::with_capacity(expected);
    let mut requeue = Vec::new();
    for (key, pod) in pods {
        if claim_matches.is_some_and(|matches| !matches(&pod.metadata.labels)) {
            // claim would release it.
            return Err(MustClaim);
        }
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
        let Some(condition) = ready_condition(pod) else { continue };
        ready += 1;
        available += i32::from(is_available_since(condition, min_ready_seconds, now));
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
    Ok(Scan { active, keys, status, requeue })
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
    // A ReplicaSet's pods share owner lists (one per create burst): a list
    // found to name this controller is not searched again.
    let mut known: Option<&'a SharedList<OwnerReference>> = None;
    store.owned_entries(uid).filter_map(move |(key, object)| {
        let Object::Pod(pod) = object else { return None };
        let owners = &pod.metadata.owner_references;
        if known.is_some_and(|known| known.shares_with(owners)) {
            return Some((key, pod));
        }
        pod.metadata.controller().is_some_and(|owner| owner.uid == uid).then(|| {
            known = Some(owners);
            (key, pod)
        })
    })
}

/// getIndirectlyRelatedPods: the active pods of every ReplicaSet owned by
/// the same Deployment (for ranking doubled-up pods), this one's being
/// `active` (read already; only how many are on each node matters, not
/// their order).
fn related_pods<'a>(store: &'a Store, rs: &'a ReplicaSet, active: &[&'a Pod]) -> Vec<&'a Pod> {
    let uid = rs.metadata.uid.as_deref().unwrap_or_default();
    let Some(owner) = rs.metadata.controller() else {
        return controlled(store, uid).map(|(_, pod)| pod).collect();
    };
    let mut related = Vec::with_capacity(active.len());
    for sibling in store.owned_by(&owner.uid) {
        let Object::ReplicaSet(sibling) = sibling else { continue };
        match sibling.metadata.uid.as_deref() {
            Some(sibling) if sibling == uid => related.extend_from_slice(active),
            Some(sibling) => {
                related.extend(controlled(store, sibling).map(|(_, pod)| pod).filter(|pod| is_pod_active(pod)))
            }
            None => {}
        }
    }
    related
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
            message: &concat("Created pod: ", &pod_key.name),
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
            message: &concat("Deleted pod: ", &name),
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
