//! PodDisruptionBudgets in the world: the disruption controller
//! (`pkg/controller/disruption/disruption.go`), the eviction API
//! (`pkg/registry/core/pod/storage/eviction.go`) and cordon (what kubectl's
//! cordon helper patches: `node.spec.unschedulable`).
//!
//! The controller syncs a PDB the way upstream's informers enqueue it: when
//! the PDB changes (its own status writes included) or one of the pods it
//! selects is added, updated or removed, and again when the earliest entry
//! of `status.disruptedPods` expires (upstream's recheck queue). The
//! arithmetic is `controller::disruption::try_sync`; the events are
//! upstream's, recorded by `controllermanager`.
//!
//! The eviction API lets a pod go when its budget allows it: terminal,
//! Pending and already terminating pods without asking; a pod under more
//! than one budget never (500); an unready pod without charging the budget
//! while the budget is met (or its policy is `AlwaysAllow`); any other pod
//! only while `disruptionsAllowed > 0`, which the eviction then decrements,
//! recording the pod in `disruptedPods`. A refusal is the API server's 429.
//! An evicted pod gets the `DisruptionTarget` condition and is deleted
//! gracefully (`gc::delete_pod`).

use super::events::{EventType, Report};
use super::faults::Fault;
use super::store::Key;
use super::{Decision, World};
use crate::api::core::Pod;
use crate::api::policy::PodDisruptionBudget;
use crate::api::{Condition, Object, OwnerReference, Time};
use crate::controller::disruption::{ControllerAndScale, EvictionError, PdbSync, check_and_decrement, try_sync};
use crate::controller::endpointslice::is_pod_ready;
use crate::lean::VecMap;

/// The disruption controller's event source (its recorder's component).
const SOURCE: &str = "controllermanager";
/// Who decides evictions.
const EVICTION_API: &str = "eviction-api";
const CORDON: &str = "kubectl";
/// `policyv1.AlwaysAllow`: unready pods may always be evicted.
const ALWAYS_ALLOW: &str = "AlwaysAllow";
/// The recheck queue runs a moment after the entry expires: upstream's
/// requeue lands after `disruptedAt + DeletionTimeout`, where the entry
/// no longer counts; at that instant exactly it still would.
const RECHECK_DELAY_MS: i64 = 1;

/// What the controller remembers per PDB: what it last synced from, and
/// when it must look again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DisruptionState {
    budgets: VecMap<Key, Budget>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Budget {
    /// A re-created PDB starts over.
    uid: String,
    /// Unix ms of the recheck (an entry of `disruptedPods` expires).
    recheck_ms: Option<i64>,
}

/// The next recheck of any PDB (unix ms).
pub fn next_timer(world: &World) -> Option<i64> {
    let now = world.now().unix_ms;
    world.disruption.budgets.values().filter_map(|b| b.recheck_ms).filter(|at| *at > now).min()
}

/// Syncs the PDBs queued for it (the PDB or one of its pods changed) and
/// those whose recheck is due; true if it wrote the store.
pub fn sync_queued(world: &mut World) -> bool {
    let now = world.now().unix_ms;
    let mut keys = std::mem::take(&mut world.queues.pdbs);
    keys.extend(
        world
            .disruption
            .budgets
            .iter()
            .filter(|(_, b)| b.recheck_ms.is_some_and(|at| at <= now))
            .map(|(k, _)| k.clone()),
    );
    let mut wrote = false;
    for key in keys {
        wrote |= sync_pdb(world, &key);
    }
    wrote
}

/// The PDBs that select a pod (its namespace, its labels): the ones a
/// change to the pod enqueues. A missing selector selects nothing, `{}`
/// every pod.
pub fn pdbs_for_pod(world: &World, pod: &Pod) -> Vec<Key> {
    world
        .store
        .list("PodDisruptionBudget", Some(pod.metadata.namespace()))
        .filter_map(|object| match object {
            Object::PodDisruptionBudget(pdb) if selects(pdb, pod) => Some(Key::of(object)),
            _ => None,
        })
        .collect()
}

fn selects(pdb: &PodDisruptionBudget, pod: &Pod) -> bool {
    pdb.metadata.namespace() == pod.metadata.namespace()
        && pdb.spec.selector.as_ref().is_some_and(|selector| selector.matches(&pod.metadata.labels))
}

/// The pods of the PDB's namespace.
fn namespace_pods(world: &World, namespace: &str) -> Vec<Pod> {
    world
        .store
        .list("Pod", Some(namespace))
        .filter_map(|object| match object {
            Object::Pod(pod) => Some(pod.clone()),
            _ => None,
        })
        .collect()
}

fn budget(world: &World, key: &Key) -> Option<PodDisruptionBudget> {
    match world.store.get(key) {
        Some(Object::PodDisruptionBudget(pdb)) => Some(pdb.clone()),
        _ => None,
    }
}

/// The finders (getPodReplicationController, getPodDeployment,
/// getPodReplicaSet, ...): a pod's ReplicaSet answers with its Deployment
/// when one controls it, else with itself. Kinds the playground does not
/// simulate are found nowhere.
fn controller_scale(world: &World, namespace: &str, owner: &OwnerReference) -> Option<ControllerAndScale> {
    if owner.kind != "ReplicaSet" {
        return None;
    }
    let Some(Object::ReplicaSet(rs)) = world.store.get(&Key::new("ReplicaSet", namespace, &owner.name)) else {
        return None;
    };
    if rs.metadata.uid.as_deref() != Some(owner.uid.as_str()) {
        return None;
    }
    match rs.metadata.controller() {
        Some(parent) if parent.kind == "Deployment" => {
            match world.store.get(&Key::new("Deployment", namespace, &parent.name)) {
                Some(Object::Deployment(d)) if d.metadata.uid.as_deref() == Some(parent.uid.as_str()) => {
                    Some(ControllerAndScale { uid: parent.uid.clone(), scale: d.spec.replicas.unwrap_or(1) })
                }
                _ => None,
            }
        }
        _ => Some(ControllerAndScale { uid: owner.uid.clone(), scale: rs.spec.replicas.unwrap_or(1) }),
    }
}

/// sync (trySync, failSafe on error) for one PDB: its status, its events,
/// its recheck. True if it wrote the store.
pub fn sync_pdb(world: &mut World, key: &Key) -> bool {
    let Some(pdb) = budget(world, key) else {
        world.disruption.budgets.remove(key);
        return false;
    };
    let now = world.now();
    let pods = namespace_pods(world, &key.namespace);
    let sync = try_sync(&pdb, &pods, |owner| controller_scale(world, &key.namespace, owner), now);
    world.disruption.budgets.insert(
        key.clone(),
        Budget {
            uid: pdb.metadata.uid.clone().unwrap_or_default(),
            recheck_ms: sync.recheck_time.map(|t| t.unix_ms + RECHECK_DELAY_MS),
        },
    );
    for event in &sync.events {
        let involved = match &event.pod {
            Some(pod) => Key::new("Pod", &key.namespace, pod),
            None => key.clone(),
        };
        let event_type = if event.event_type == "Warning" { EventType::Warning } else { EventType::Normal };
        world.events.record(
            Report {
                event_type,
                reason: event.reason,
                message: &event.message,
                involved: &involved,
                field_path: None,
                source: SOURCE,
            },
            now,
        );
    }
    let Some(status) = sync.status.clone() else { return false };
    let why = sync_why(&pdb, &sync);
    let mut updated = pdb;
    updated.status = status;
    let what = format!("status: {} disruption(s) allowed", updated.status.disruptions_allowed);
    world.store.write(key.clone(), Object::PodDisruptionBudget(updated));
    world.decide_once(Decision::new("disruption-controller", key, &what, why));
    true
}

/// The arithmetic behind a new status, for the Explain panel.
fn sync_why(pdb: &PodDisruptionBudget, sync: &PdbSync) -> Vec<String> {
    let Some(status) = &sync.status else { return Vec::new() };
    if let Some(error) = &sync.error {
        return vec![format!("the sync failed ({error}): no disruption is allowed until it succeeds")];
    }
    let rule = match (&pdb.spec.min_available, &pdb.spec.max_unavailable) {
        (_, Some(max)) => format!("maxUnavailable {max} of {} expected pods", status.expected_pods),
        (Some(min), None) => format!("minAvailable {min}"),
        (None, None) => "neither minAvailable nor maxUnavailable".to_string(),
    };
    let mut why = vec![
        format!("{rule}: {} pod(s) must stay healthy", status.desired_healthy),
        format!(
            "{} of {} expected pod(s) are Ready and not being deleted or evicted",
            status.current_healthy, status.expected_pods
        ),
        format!(
            "disruptionsAllowed = max(0, {} - {}) = {}",
            status.current_healthy, status.desired_healthy, status.disruptions_allowed
        ),
    ];
    if !status.disrupted_pods.is_empty() {
        let pods: Vec<&str> = status.disrupted_pods.keys().map(String::as_str).collect();
        why.push(format!("evicted and not yet being deleted: {}", pods.join(", ")));
    }
    why
}

/// Evictions and cordons; other faults are not this module's.
pub fn apply_fault(world: &mut World, fault: &Fault) -> bool {
    match fault {
        Fault::Evict { namespace, name } => {
            let _ = evict(world, namespace, name);
            true
        }
        Fault::Cordon { node, unschedulable } => {
            cordon(world, node, *unschedulable);
            true
        }
        _ => false,
    }
}

impl World {
    /// The eviction API, as `kubectl drain` calls it: `Ok` with the name
    /// of the budget the eviction used up (`None` when none had to allow
    /// it), or the API server's refusal. The world then reconciles, as
    /// after any fault; `History::evict` records it.
    pub fn evict(&mut self, namespace: &str, name: &str) -> Result<Option<String>, EvictionError> {
        let result = evict(self, namespace, name);
        self.reconcile();
        result
    }
}

/// EvictionREST.Create; see the module's doc.
fn evict(world: &mut World, namespace: &str, name: &str) -> Result<Option<String>, EvictionError> {
    let key = Key::new("Pod", namespace, name);
    let Some(Object::Pod(pod)) = world.store.get(&key).cloned() else {
        return Err(EvictionError { code: 404, message: format!("pods \"{name}\" not found"), cause: None });
    };
    if let Some(why) = can_ignore_pdb(&pod) {
        delete_evicted(world, &key, vec![why]);
        return Ok(None);
    }
    let budgets = pdbs_for_pod(world, &pod);
    let found = match budgets.as_slice() {
        [one] => budget(world, one).map(|pdb| (one.clone(), pdb)),
        [] => None,
        _ => {
            let error = EvictionError {
                code: 500,
                message:
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
                        .to_string(),
                cause: None,
            };
            let names: Vec<&str> = budgets.iter().map(|k| k.name.as_str()).collect();
            refuse(world, &key, &error, format!("PodDisruptionBudgets {} all select it", names.join(", ")));
            return Err(error);
        }
    };
    let Some((pdb_key, pdb)) = found else {
        delete_evicted(world, &key, vec!["no PodDisruptionBudget selects the pod".to_string()]);
        return Ok(None);
    };
    let pdb_name = pdb.metadata.name().to_string();
    let status = &pdb.status;
    if !is_pod_ready(&pod) {
        let always = pdb.spec.unhealthy_pod_eviction_policy.as_deref() == Some(ALWAYS_ALLOW);
        if always || (status.current_healthy >= status.desired_healthy && status.desired_healthy > 0) {
            let rule = if always {
                format!("{pdb_name}'s unhealthyPodEvictionPolicy is AlwaysAllow")
            } else {
                format!("{pdb_name} is met ({} healthy, {} needed)", status.current_healthy, status.desired_healthy)
            };
            let why = vec![format!("the pod is not Ready and {rule}: it goes without using up a disruption")];
            delete_evicted(world, &key, why);
            return Ok(None);
        }
    }
    let now = world.now();
    match check_and_decrement(&pdb, name, false, now) {
        Err(error) => {
            refuse(world, &key, &error, format!("PodDisruptionBudget {pdb_name} allows no disruption now"));
            Err(error)
        }
        Ok(new_status) => {
            let why = vec![
                format!(
                    "PodDisruptionBudget {pdb_name} allowed {} disruption(s): {} healthy, {} needed",
                    status.disruptions_allowed, status.current_healthy, status.desired_healthy
                ),
                format!("it now allows {} and lists the pod in disruptedPods", new_status.disruptions_allowed),
            ];
            let mut updated = pdb;
            updated.status = new_status;
            world.store.write(pdb_key, Object::PodDisruptionBudget(updated));
            delete_evicted(world, &key, why);
            Ok(Some(pdb_name))
        }
    }
}

/// canIgnorePDB: terminal, Pending and terminating pods go at once.
fn can_ignore_pdb(pod: &Pod) -> Option<String> {
    if pod.metadata.deletion_timestamp.is_some() {
        return Some("the pod is already being deleted: no budget is asked".to_string());
    }
    match pod.status.phase.as_str() {
        phase @ ("Succeeded" | "Failed" | "Pending") => {
            Some(format!("the pod is {phase}: it disrupts nothing, no budget is asked"))
        }
        _ => None,
    }
}

/// addConditionAndDeletePod: `DisruptionTarget` True (EvictionByEvictionAPI),
/// then the graceful delete.
fn delete_evicted(world: &mut World, key: &Key, why: Vec<String>) {
    let now = world.now();
    if let Some(Object::Pod(pod)) = world.store.get(key) {
        let mut pod = pod.clone();
        set_disruption_target(&mut pod, now);
        world.store.write(key.clone(), Object::Pod(pod));
    }
    super::gc::delete_pod(world, key);
    world.decide(Decision::new(EVICTION_API, key, "evict", why));
}

/// UpdatePodCondition with DisruptionTarget: the transition time moves only
/// when the status does.
fn set_disruption_target(pod: &mut Pod, now: Time) {
    let condition = Condition {
        condition_type: "DisruptionTarget".into(),
        status: "True".into(),
        last_transition_time: Some(now),
        ..Condition::default()
    }
    .with_reason("EvictionByEvictionAPI", "Eviction API: evicting");
    match pod.status.conditions.iter_mut().find(|c| c.condition_type == condition.condition_type) {
        Some(existing) => {
            if existing.status == condition.status {
                let since = existing.last_transition_time;
                *existing = Condition { last_transition_time: since, ..condition };
            } else {
                *existing = condition;
            }
        }
        None => pod.status.conditions.push(condition),
    }
}

fn refuse(world: &mut World, key: &Key, error: &EvictionError, reason: String) {
    let mut why = vec![reason, format!("{} {}", error.code, error.message)];
    why.extend(error.cause.clone());
    world.decide_once(Decision::new(EVICTION_API, key, "refuse eviction", why));
}

/// `kubectl cordon` / `uncordon`: the node's `spec.unschedulable` (the node
/// lifecycle controller then adds or lifts its taint, see `nodes`).
fn cordon(world: &mut World, name: &str, unschedulable: bool) {
    let key = Key::new("Node", "", name);
    let Some(Object::Node(node)) = world.store.get(&key) else { return };
    if node.spec.unschedulable == unschedulable {
        return;
    }
    let mut node = node.clone();
    node.spec.unschedulable = unschedulable;
    if world.store.update(Object::Node(node)).is_err() {
        return;
    }
    let (what, why) = if unschedulable {
        ("cordon", "the scheduler binds no new pod to it; the pods on it stay")
    } else {
        world.retry_unschedulable = true;
        ("uncordon", "the scheduler may bind pods to it again")
    };
    world.decide(Decision::new(CORDON, &key, what, vec![why.to_string()]));
}

#[cfg(test)]
#[path = "disruption_tests.rs"]
mod tests;
