//! The Deployment controller's sync (`syncDeployment` in
//! pkg/controller/deployment), over the store. The decisions come from
//! `controller::deployment`; this file reads the store, applies what they
//! return, and records events and the reasons.

use super::events::{EventType, Report};
use super::store::Key;
use super::{Decision, World};
use crate::api::Object;
use crate::api::Time;
use crate::api::apps::{Deployment, DeploymentStatus, ReplicaSet};
use crate::api::core::Pod;
use crate::controller::deployment::hash::{compute_hash, replica_set_name};
use crate::controller::deployment::progress::{
    check_paused_conditions, deployment_complete, stuck_deployment_requeue_at, sync_rollout_status,
};
use crate::controller::deployment::recreate::{
    old_pods_running, scale_down_old_replica_sets_for_recreate, scale_up_new_replica_set_for_recreate,
};
use crate::controller::deployment::rolling::{RollingStep, reconcile_new_replica_set, reconcile_old_replica_sets};
use crate::controller::deployment::sync::{
    ReplicaSetRef, calculate_status, cleanup_deployment, new_replica_set_deployment_update, scale,
};
use crate::controller::deployment::util::{
    DESIRED_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
    find_new_replica_set, find_old_replica_sets, get_non_negative_int32_from_annotation, max_revision, max_surge,
    new_rs_new_replicas, set_new_replica_set_annotations, set_replicas_annotations,
};
use std::rc::Rc;

const SOURCE: &str = "deployment-controller";
/// Upstream caps the revision-history annotation at 2000 characters.
const REVISION_HISTORY_LIMIT_IN_CHARS: usize = 2000;

/// Syncs one Deployment; true if it wrote anything.
pub fn sync_deployment(world: &mut World, key: &Key) -> bool {
    // The Deployment and its ReplicaSets are read as the store shares them
    // (counts, not copies); every write puts a new object.
    let Some(shared) = world.store.get_shared(key).cloned() else { return false };
    let Object::Deployment(deployment) = &*shared else { return false };
    if deployment.metadata.deletion_timestamp.is_some() {
        return false;
    }
    // getReplicaSetsForDeployment claims first; the next sync works on the
    // claimed set (a write queues this Deployment again).
    if super::claim::claim(world, key, "ReplicaSet") {
        return true;
    }
    if let Some(status) = check_paused_conditions(deployment, world.now()) {
        let mut updated = deployment.clone();
        updated.status = status;
        world.store.write(key.clone(), Object::Deployment(updated));
        return true;
    }
    let shared = shared_replica_sets(world, deployment);
    let refs: Vec<&ReplicaSet> = shared.iter().filter_map(|object| replica_set(object)).collect();
    let new_index = find_new_replica_set(deployment, &refs);

    // getAllReplicaSetsAndSyncRevision(createIfNotExisted=false): an
    // existing new ReplicaSet takes the next revision. Level-triggered: once
    // anything is written, the loop syncs again on what the store holds.
    if let Some(index) = new_index {
        let mut new_rs = refs[index].clone();
        let annotations_updated = set_new_replica_set_annotations(
            deployment,
            &mut new_rs,
            &next_revision(&refs, new_index),
            true,
            REVISION_HISTORY_LIMIT_IN_CHARS,
        );
        // minReadySeconds is not part of the pod template: a change of it
        // alone is copied onto the existing new ReplicaSet.
        let min_ready_seconds_needs_update = new_rs.spec.min_ready_seconds != deployment.spec.min_ready_seconds;
        if annotations_updated || min_ready_seconds_needs_update {
            new_rs.spec.min_ready_seconds = deployment.spec.min_ready_seconds;
            explain_renumbering(world, key, refs[index], &new_rs);
            write_replica_set(world, new_rs);
            return true;
        }
        let new_rs = refs[index];
        let revision = new_rs.metadata.annotations.get(REVISION_ANNOTATION).map_or("", String::as_str);
        if sync_deployment_revision(world, key, new_rs, revision, false) {
            return true;
        }
    }

    // Paused, or a replica change while ReplicaSets disagree: sync scales
    // proportionally and makes no new ReplicaSet (a paused template change
    // waits for resume).
    let sync = DeploymentSync { deployment, key, replica_sets: &refs, new_index };
    if deployment.spec.paused || is_scaling_event(deployment, &refs) {
        return sync_paused_or_scaling(world, &sync);
    }
    match deployment.spec.strategy.strategy_type.as_deref() {
        Some("Recreate") => rollout_recreate(world, &sync),
        _ => rollout_rolling(world, &sync),
    }
}

/// An old ReplicaSet whose template is the Deployment's again (after a
/// rollback) becomes the new ReplicaSet, not a new one: it takes the next
/// revision, and its former one goes onto `revision-history`.
fn explain_renumbering(world: &mut World, key: &Key, before: &ReplicaSet, after: &ReplicaSet) {
    let revision_of = |rs: &ReplicaSet| rs.metadata.annotations.get(REVISION_ANNOTATION).cloned();
    let (Some(old), Some(new)) = (revision_of(before), revision_of(after)) else { return };
    if old == new {
        return;
    }
    let name = after.metadata.name();
    let history = after.metadata.annotations.get(REVISION_HISTORY_ANNOTATION).map_or("", String::as_str);
    world.decide(Decision::new(
        SOURCE,
        key,
        &format!("reuse ReplicaSet {name} as revision {new}"),
        vec![
            format!(
                "the pod template matches ReplicaSet {name} (revision {old}), so it becomes the new ReplicaSet again; no new ReplicaSet is made"
            ),
            format!(
                "it takes revision {new}, one past the other ReplicaSets' highest, and revision {old} moves to its revision-history ({history})"
            ),
        ],
    ));
}

/// The Deployment's side of getNewReplicaSet: its revision annotation (and,
/// with a progress deadline, the Progressing condition) once the new
/// ReplicaSet exists; true if it wrote.
fn sync_deployment_revision(world: &mut World, key: &Key, new_rs: &ReplicaSet, revision: &str, created: bool) -> bool {
    let Some(Object::Deployment(current)) = world.store.get(key) else { return false };
    let Some(updated) = new_replica_set_deployment_update(current, new_rs, revision, created, world.now()) else {
        return false;
    };
    world.store.write(key.clone(), Object::Deployment(updated));
    true
}

/// One sync's view: the Deployment, its ReplicaSets (oldest first) and which
/// of them is the new one.
#[derive(Clone, Copy)]
struct DeploymentSync<'a> {
    deployment: &'a Deployment,
    key: &'a Key,
    replica_sets: &'a [&'a ReplicaSet],
    new_index: Option<usize>,
}

/// requeueStuckDeployment: a rollout still in progress is looked at again
/// one second after its progress deadline passes, so
/// `ProgressDeadlineExceeded` appears on time even when nothing else
/// happens. A paused Deployment is never held to its deadline.
pub fn next_timer(world: &World) -> Option<i64> {
    let now = world.now().unix_ms;
    stuck_requeues(world).map(|(_, at)| at).filter(|&at| at > now).min()
}

/// The Deployments whose requeueStuckDeployment instant has come.
pub fn due(world: &World) -> Vec<Key> {
    let now = world.now().unix_ms;
    stuck_requeues(world).filter(|&(_, at)| at <= now).map(|(key, _)| key).collect()
}

/// Each Deployment held to its deadline, with its requeue instant (unix ms).
fn stuck_requeues(world: &World) -> impl Iterator<Item = (Key, i64)> + '_ {
    let now = world.now();
    world.store.list("Deployment", None).filter_map(move |object| match object {
        Object::Deployment(d) if !d.spec.paused && d.metadata.deletion_timestamp.is_none() => {
            stuck_deployment_requeue_at(d, now).map(|at| (Key::of(object), at.unix_ms))
        }
        _ => None,
    })
}

/// The revision a new ReplicaSet gets: one past the old ones' highest.
fn next_revision(all_rss: &[&ReplicaSet], new_index: Option<usize>) -> String {
    (max_revision(&old_replica_sets(all_rss, new_index)) + 1).to_string()
}

fn old_replica_sets<'a>(all_rss: &[&'a ReplicaSet], new_index: Option<usize>) -> Vec<&'a ReplicaSet> {
    all_rss.iter().enumerate().filter(|(i, _)| Some(*i) != new_index).map(|(_, rs)| *rs).collect()
}

/// `sync`: proportional scaling (and, when paused, history cleanup).
fn sync_paused_or_scaling(world: &mut World, sync: &DeploymentSync) -> bool {
    let DeploymentSync { deployment, key, replica_sets: refs, new_index } = *sync;
    let new_rs = new_index.map(|i| refs[i]);
    let old_rss = old_replica_sets(refs, new_index);
    let result = scale(deployment, new_rs, &old_rss);
    let mut wrote = false;
    for write in &result.writes {
        let target = match write.replica_set {
            ReplicaSetRef::New => new_rs,
            ReplicaSetRef::Old(i) => old_rss.get(i).copied(),
        };
        if let Some(rs) = target {
            let mut rs = rs.clone();
            rs.spec.replicas = Some(write.to);
            set_replicas_annotations(&mut rs, write.desired_replicas, write.max_replicas);
            write_replica_set(world, rs);
            wrote = true;
        }
    }
    for message in &result.events {
        scaling_event(world, key, message.clone());
    }
    if wrote {
        world.decide(Decision::new(SOURCE, key, "proportional scaling", result.why));
        return true;
    }
    if deployment.spec.paused {
        wrote |= cleanup_old_replica_sets(world, deployment, &old_rss);
    }
    // syncDeploymentStatus: the counts only; a paused Deployment is never
    // held against its progress deadline.
    write_status(world, key, calculate_status) || wrote
}

/// rolloutRolling: make the new ReplicaSet if there is none, then one step
/// up (within maxSurge) or one step down (within maxUnavailable).
fn rollout_rolling(world: &mut World, sync: &DeploymentSync) -> bool {
    let DeploymentSync { deployment, key, replica_sets: refs, new_index } = *sync;
    let Some(new_index) = new_index else {
        return create_new_replica_set(world, deployment, &old_replica_sets(refs, None), &next_revision(refs, None));
    };
    let step = reconcile_new_replica_set(deployment, refs, new_index);
    if apply_step(world, deployment, key, refs, step, "scale up the new ReplicaSet") {
        sync_status(world, key);
        return true;
    }
    let (active_old, _) = find_old_replica_sets(deployment, refs);
    let step = reconcile_old_replica_sets(deployment, refs, &active_old, new_index);
    if apply_step(world, deployment, key, refs, step, "scale down old ReplicaSets") {
        sync_status(world, key);
        return true;
    }
    finish_rollout(world, deployment, key, &old_replica_sets(refs, Some(new_index)))
}

/// rolloutRecreate: old ReplicaSets to zero, wait until no old pod runs,
/// then make the new ReplicaSet (or grow it) straight to `replicas`.
fn rollout_recreate(world: &mut World, sync: &DeploymentSync) -> bool {
    let DeploymentSync { deployment, key, replica_sets: refs, new_index } = *sync;
    let (active_old, _) = find_old_replica_sets(deployment, refs);
    let step = scale_down_old_replica_sets_for_recreate(refs, &active_old);
    if apply_step(world, deployment, key, refs, step, "scale down old ReplicaSets") {
        sync_status(world, key);
        return true;
    }
    let old_rss = old_replica_sets(refs, new_index);
    let new_uid = new_index.and_then(|i| refs[i].metadata.uid.as_deref());
    let pods: Vec<(&str, &Pod)> = refs
        .iter()
        .filter_map(|rs| rs.metadata.uid.as_deref())
        .flat_map(|uid| {
            world.store.owned_by(uid).filter_map(move |object| match object {
                Object::Pod(pod) if pod.metadata.controller().is_some_and(|owner| owner.uid == uid) => Some((uid, pod)),
                _ => None,
            })
        })
        .collect();
    if let Some(waiting) = old_pods_running(new_uid, &old_rss, &pods) {
        let why = vec![format!("Recreate: the new ReplicaSet waits until every old pod is gone; {waiting}")];
        world.decide_once(Decision::new(SOURCE, key, "wait for old pods", why));
        return sync_status(world, key);
    }
    let Some(new_index) = new_index else {
        return create_new_replica_set(world, deployment, &old_rss, &next_revision(refs, None));
    };
    let step = scale_up_new_replica_set_for_recreate(deployment, refs, new_index);
    if apply_step(world, deployment, key, refs, step, "scale up the new ReplicaSet") {
        sync_status(world, key);
        return true;
    }
    finish_rollout(world, deployment, key, &old_rss)
}

/// Once complete, old ReplicaSets beyond revisionHistoryLimit go; then the
/// status.
fn finish_rollout(world: &mut World, deployment: &Deployment, key: &Key, old_rss: &[&ReplicaSet]) -> bool {
    let mut wrote = false;
    if deployment_complete(deployment, &deployment.status) {
        wrote |= cleanup_old_replica_sets(world, deployment, old_rss);
    }
    sync_status(world, key) || wrote
}

/// cleanupDeployment: removes the old ReplicaSets past the history limit.
fn cleanup_old_replica_sets(world: &mut World, deployment: &Deployment, old_rss: &[&ReplicaSet]) -> bool {
    let doomed = cleanup_deployment(deployment, old_rss);
    for &index in &doomed {
        let rs_key = Key::new("ReplicaSet", deployment.metadata.namespace(), old_rss[index].metadata.name());
        world.store.remove(&rs_key);
    }
    !doomed.is_empty()
}

/// The ReplicaSets this Deployment controls, oldest first.
pub(super) fn owned_replica_sets(world: &World, deployment: &Deployment) -> Vec<ReplicaSet> {
    owned_replica_set_refs(world, deployment).into_iter().cloned().collect()
}

/// The same, as the store shares them (a sync reads them while it writes:
/// a count each instead of a copy of every ReplicaSet at every sync).
fn shared_replica_sets(world: &World, deployment: &Deployment) -> Vec<Rc<Object>> {
    let Some(uid) = deployment.metadata.uid.as_deref() else { return Vec::new() };
    let mut owned: Vec<(&Rc<Object>, &ReplicaSet)> = world
        .store
        .owned_shared(uid)
        .filter_map(|object| match replica_set(object) {
            Some(rs) if rs.metadata.controller().is_some_and(|owner| owner.uid == uid) => Some((object, rs)),
            _ => None,
        })
        .collect();
    crate::lean::sort_by(&mut owned, |a, b| {
        crate::controller::deployment::util::replica_sets_by_creation_timestamp(a.1, b.1)
    });
    owned.into_iter().map(|(object, _)| Rc::clone(object)).collect()
}

fn replica_set(object: &Object) -> Option<&ReplicaSet> {
    match object {
        Object::ReplicaSet(rs) => Some(rs),
        _ => None,
    }
}

/// The ReplicaSets the Deployment controls, as the store holds them, by
/// creation (then name).
fn owned_replica_set_refs<'a>(world: &'a World, deployment: &Deployment) -> Vec<&'a ReplicaSet> {
    let Some(uid) = deployment.metadata.uid.as_deref() else { return Vec::new() };
    let mut owned: Vec<&ReplicaSet> = world
        .store
        .owned_by(uid)
        .filter_map(|object| match object {
            Object::ReplicaSet(rs) if rs.metadata.controller().is_some_and(|owner| owner.uid == uid) => Some(rs),
            _ => None,
        })
        .collect();
    crate::lean::sort_by(&mut owned, |a, b| {
        crate::controller::deployment::util::replica_sets_by_creation_timestamp(a, b)
    });
    owned
}

/// isScalingEvent: an active ReplicaSet was last told another size.
fn is_scaling_event(deployment: &Deployment, replica_sets: &[&ReplicaSet]) -> bool {
    let replicas = deployment.spec.replicas.unwrap_or(1);
    replica_sets.iter().filter(|rs| rs.spec.replicas.unwrap_or(1) > 0).any(|rs| {
        get_non_negative_int32_from_annotation(rs, DESIRED_REPLICAS_ANNOTATION)
            .ok()
            .flatten()
            .is_some_and(|desired| desired != replicas)
    })
}

fn create_new_replica_set(world: &mut World, deployment: &Deployment, old_rss: &[&ReplicaSet], revision: &str) -> bool {
    let hash = compute_hash(&deployment.spec.template, deployment.status.collision_count);
    let name = replica_set_name(deployment.metadata.name(), &hash);
    let mut rs = ReplicaSet::default();
    rs.metadata.name = Some(name.clone());
    rs.metadata.namespace = Some(deployment.metadata.namespace().to_string());
    rs.metadata.labels = deployment.spec.template.metadata.labels.clone();
    rs.metadata.labels_mut().insert(POD_TEMPLATE_HASH_LABEL.to_string(), hash.clone());
    let uid = deployment.metadata.uid.as_deref().unwrap_or_default();
    rs.metadata.owner_references =
        vec![super::claim::controller_ref("Deployment", deployment.metadata.name(), uid)].into();
    rs.spec.template = deployment.spec.template.clone();
    rs.spec.template.metadata.labels_mut().insert(POD_TEMPLATE_HASH_LABEL.to_string(), hash.clone());
    let mut selector = deployment.spec.selector.clone().unwrap_or_default();
    selector.match_labels.insert(POD_TEMPLATE_HASH_LABEL.to_string(), hash);
    rs.spec.selector = Some(selector);
    rs.spec.min_ready_seconds = deployment.spec.min_ready_seconds;
    rs.spec.replicas = Some(0);
    let Ok(replicas) = new_rs_new_replicas(deployment, old_rss, &rs) else { return false };
    rs.spec.replicas = Some(replicas);
    set_new_replica_set_annotations(deployment, &mut rs, revision, false, REVISION_HISTORY_LIMIT_IN_CHARS);
    let desired = deployment.spec.replicas.unwrap_or(1);
    set_replicas_annotations(&mut rs, desired, desired + max_surge(deployment));
    let now = world.now();
    let deployment_key = Key::new("Deployment", deployment.metadata.namespace(), deployment.metadata.name());
    if world.store.create(Object::ReplicaSet(rs.clone()), now, &mut world.rng).is_err() {
        return false;
    }
    sync_deployment_revision(world, &deployment_key, &rs, revision, true);
    if replicas > 0 {
        scaling_event(world, &deployment_key, format!("Scaled up replica set {name} to {replicas}"));
    }
    world.decide(Decision::new(
        SOURCE,
        &deployment_key,
        &format!("create ReplicaSet {name}"),
        vec![format!(
            "the pod template matches no ReplicaSet, so a new one is made (revision {revision}) with {replicas} of {desired} replicas"
        )],
    ));
    true
}

/// Applies a rolling step's scales (with the desired/max annotations
/// scaleReplicaSet writes) and records its events and reasons.
fn apply_step(
    world: &mut World,
    deployment: &Deployment,
    key: &Key,
    replica_sets: &[&ReplicaSet],
    step: RollingStep,
    what: &str,
) -> bool {
    if !step.scaled || step.scales.is_empty() {
        return false;
    }
    let desired = deployment.spec.replicas.unwrap_or(1);
    let max = desired + max_surge(deployment);
    for scale in &step.scales {
        let Some(&rs) = replica_sets.get(scale.index) else { continue };
        let mut rs = rs.clone();
        rs.spec.replicas = Some(scale.to);
        set_replicas_annotations(&mut rs, desired, max);
        write_replica_set(world, rs);
    }
    for message in step.events() {
        scaling_event(world, key, message);
    }
    world.decide(Decision::new(SOURCE, key, what, step.why));
    true
}

/// syncRolloutStatus: the counts and the Progressing condition.
fn sync_status(world: &mut World, key: &Key) -> bool {
    write_status(world, key, sync_rollout_status)
}

type StatusFn = fn(&[&ReplicaSet], Option<&ReplicaSet>, &Deployment, Time) -> DeploymentStatus;

/// Recomputes the status from what the store holds now; true if it changed.
/// Read where they are stored (no copies: most syncs find the status
/// as it was).
fn write_status(world: &mut World, key: &Key, compute: StatusFn) -> bool {
    let Some(Object::Deployment(current)) = world.store.get(key) else { return false };
    let refs = owned_replica_set_refs(world, current);
    let new_rs = find_new_replica_set(current, &refs).map(|i| refs[i]);
    let mut status = compute(&refs, new_rs, current, world.now());
    status.observed_generation = current.metadata.generation.unwrap_or(1);
    if status == current.status {
        return false;
    }
    let mut updated = current.clone();
    updated.status = status;
    world.store.write(key.clone(), Object::Deployment(updated));
    true
}

fn write_replica_set(world: &mut World, rs: ReplicaSet) {
    let key = Key::new("ReplicaSet", rs.metadata.namespace(), rs.metadata.name());
    world.store.write(key, Object::ReplicaSet(rs));
}

fn scaling_event(world: &mut World, key: &Key, message: String) {
    let now = world.now();
    world.events.record(
        Report {
            event_type: EventType::Normal,
            reason: "ScalingReplicaSet",
            message: &message,
            involved: key,
            field_path: None,
            source: SOURCE,
        },
        now,
    );
}
