//! `pkg/controller/disruption/disruption.go`: a PodDisruptionBudget's status
//! (trySync: getExpectedPodCount, buildDisruptedPodMap, countHealthyPods,
//! updatePdbStatus, failSafe), the DisruptionAllowed condition
//! (`component-helpers/apps/poddisruptionbudget`), and the eviction API's
//! check (`pkg/registry/core/pod/storage/eviction.go` checkAndDecrement).
//! Spec section 9.

use crate::lean::VecMap;
use std::collections::BTreeMap;

use crate::api::core::Pod;
use crate::api::intstr::{IntOrString, get_scaled_value_from_int_or_percent};
use crate::api::meta::{Condition, ConditionRare, OwnerReference};
use crate::api::policy::{PodDisruptionBudget, PodDisruptionBudgetStatus};
use crate::api::selector::LabelSelector;
use crate::api::text::Str;
use crate::api::time::Time;
use crate::controller::endpointslice::is_pod_ready;
use crate::validation::field::go_quote;

/// `DeletionTimeout`: how long an entry of `status.disruptedPods` keeps its
/// pod out of the healthy count while the pod is not yet being deleted.
pub const DELETION_TIMEOUT_MS: i64 = 2 * 60 * 1000;
/// `MaxDisruptedPodSize`: the eviction API refuses beyond this many
/// unconfirmed evictions.
pub const MAX_DISRUPTED_POD_SIZE: usize = 2000;

pub const DISRUPTION_ALLOWED_CONDITION: &str = "DisruptionAllowed";
pub const SUFFICIENT_PODS_REASON: &str = "SufficientPods";
pub const INSUFFICIENT_PODS_REASON: &str = "InsufficientPods";
pub const SYNC_FAILED_REASON: &str = "SyncFailed";

/// The 429 the eviction API answers when the budget allows no disruption.
pub const EVICTION_DENIED_MESSAGE: &str = "Cannot evict pod as it would violate the pod's disruption budget.";

/// `controllerAndScale`: the controller that finally owns a pod (a
/// Deployment for a ReplicaSet it manages) and its `spec.replicas`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControllerAndScale {
    pub uid: String,
    pub scale: i32,
}

/// An Event the controller records: on the PDB, or on `pod` when named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdbEvent {
    /// `Normal` or `Warning`.
    pub event_type: &'static str,
    pub reason: &'static str,
    pub message: String,
    pub pod: Option<String>,
}

impl PdbEvent {
    fn new(event_type: &'static str, reason: &'static str, message: String) -> PdbEvent {
        PdbEvent { event_type, reason, message, pod: None }
    }
}

/// What one sync decides.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PdbSync {
    /// The status to write; `None` when the stored one is already up to
    /// date (upstream skips the write).
    pub status: Option<PodDisruptionBudgetStatus>,
    pub events: Vec<PdbEvent>,
    /// When to sync again: the earliest time a `disruptedPods` entry expires.
    pub recheck_time: Option<Time>,
    /// The sync error; the status then is failSafe's.
    pub error: Option<String>,
}

/// getPodsForPdb: the pods of the PDB's namespace its selector matches. A
/// missing selector matches nothing; `{}` matches every pod (policy/v1).
pub fn get_pods_for_pdb<'a>(pdb: &PodDisruptionBudget, pods: &'a [Pod]) -> Vec<&'a Pod> {
    let Some(selector) = &pdb.spec.selector else { return Vec::new() };
    let namespace = pdb.metadata.namespace();
    pods.iter().filter(|pod| pod.metadata.namespace() == namespace && selector.matches(&pod.metadata.labels)).collect()
}

/// getExpectedScale: Σ scale of the distinct controllers of the pods. Pods
/// without a controller are returned as unmanaged (they count nothing); a
/// controller reference that resolves to nothing is an error.
pub fn get_expected_scale(
    pods: &[&Pod],
    controller_scale: &impl Fn(&OwnerReference) -> Option<ControllerAndScale>,
) -> Result<(i32, Vec<String>), String> {
    let mut scales: VecMap<String, i32> = VecMap::default();
    let mut unmanaged = Vec::new();
    for pod in pods {
        let Some(owner) = pod.metadata.controller() else {
            unmanaged.push(pod.metadata.name().to_string());
            continue;
        };
        if scales.contains_key(&owner.uid) {
            continue;
        }
        match controller_scale(owner) {
            Some(found) => {
                scales.insert(found.uid, found.scale);
            }
            None => return Err(format!("found no controllers for pod {}", go_quote(pod.metadata.name()))),
        }
    }
    let expected = scales.values().fold(0i32, |sum, scale| sum.wrapping_add(*scale));
    Ok((expected, unmanaged))
}

/// getExpectedPodCount: `(expectedCount, desiredHealthy, unmanagedPods)`.
/// maxUnavailable (int or %) and a minAvailable percentage count the
/// controllers' scale; an integer minAvailable counts the selected pods.
pub fn get_expected_pod_count(
    pdb: &PodDisruptionBudget,
    pods: &[&Pod],
    controller_scale: &impl Fn(&OwnerReference) -> Option<ControllerAndScale>,
) -> Result<(i32, i32, Vec<String>), String> {
    if let Some(max_unavailable) = &pdb.spec.max_unavailable {
        let (expected, unmanaged) = get_expected_scale(pods, controller_scale)?;
        let max_unavailable = get_scaled_value_from_int_or_percent(max_unavailable, expected, true)?;
        let desired = expected.wrapping_sub(max_unavailable).max(0);
        return Ok((expected, desired, unmanaged));
    }
    match &pdb.spec.min_available {
        Some(IntOrString::Int(min_available)) => Ok((pods.len() as i32, *min_available, Vec::new())),
        Some(percent) => {
            let (expected, unmanaged) = get_expected_scale(pods, controller_scale)?;
            let desired = get_scaled_value_from_int_or_percent(percent, expected, true)?;
            Ok((expected, desired, unmanaged))
        }
        None => Ok((0, 0, Vec::new())),
    }
}

/// countHealthyPods: Ready pods that are not being deleted and were not
/// disrupted (evicted) less than DeletionTimeout ago.
pub fn count_healthy_pods(pods: &[&Pod], disrupted_pods: &BTreeMap<String, Time>, now: Time) -> i32 {
    let mut healthy = 0i32;
    for pod in pods {
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        if disrupted_pods.get(pod.metadata.name()).is_some_and(|at| after(at, DELETION_TIMEOUT_MS, now)) {
            continue;
        }
        if is_pod_ready(pod) {
            healthy = healthy.wrapping_add(1);
        }
    }
    healthy
}

/// `t + ms` is after `now`.
fn after(t: &Time, ms: i64, now: Time) -> bool {
    t.unix_ms.saturating_add(ms) > now.unix_ms
}

/// buildDisruptedPodMap: the `disruptedPods` entries still pending: the pod
/// exists, is not yet being deleted and was evicted at most DeletionTimeout
/// ago. Also the earliest expiry (when to recheck) and the pods that
/// overstayed (each gets a `NotDeleted` warning).
pub fn build_disrupted_pod_map(
    pods: &[&Pod],
    pdb: &PodDisruptionBudget,
    now: Time,
) -> (BTreeMap<String, Time>, Option<Time>, Vec<String>) {
    let mut result = BTreeMap::new();
    let mut recheck: Option<Time> = None;
    let mut not_deleted = Vec::new();
    for pod in pods {
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let name = pod.metadata.name();
        let Some(disrupted_at) = pdb.status.disrupted_pods.get(name) else { continue };
        let expected_deletion = Time::from_unix_ms(disrupted_at.unix_ms.saturating_add(DELETION_TIMEOUT_MS));
        if expected_deletion < now {
            not_deleted.push(name.to_string());
        } else {
            if recheck.is_none_or(|r| expected_deletion < r) {
                recheck = Some(expected_deletion);
            }
            result.insert(name.to_string(), *disrupted_at);
        }
    }
    (result, recheck, not_deleted)
}

/// `apimeta.SetStatusCondition`: add the condition or update the one of its
/// type; the transition time moves only when the status changes.
pub fn set_status_condition(conditions: &mut Vec<Condition>, new: Condition, now: Time) {
    match conditions.iter_mut().find(|c| c.condition_type == new.condition_type) {
        None => {
            let mut new = new;
            new.last_transition_time.get_or_insert(now);
            conditions.push(new);
        }
        Some(existing) => {
            if existing.observed_generation != new.observed_generation {
                existing.rare_mut().observed_generation = new.observed_generation;
            }
            if existing.status != new.status {
                existing.status = new.status.clone();
                existing.last_transition_time = Some(new.last_transition_time.unwrap_or(now));
            }
            existing.set_reason(new.reason.clone(), new.message.clone());
        }
    }
}

fn disruption_allowed_condition(status: &str, reason: &str, message: String, generation: i64) -> Condition {
    Condition {
        condition_type: DISRUPTION_ALLOWED_CONDITION.into(),
        status: Str::copy(status),
        rare: Some(Box::new(ConditionRare {
            observed_generation: Some(generation),
            reason: reason.to_string(),
            message,
            ..Default::default()
        })),
        ..Condition::default()
    }
}

/// UpdateDisruptionAllowedCondition: True `SufficientPods` when a
/// disruption is allowed, else False `InsufficientPods`.
pub fn update_disruption_allowed_condition(status: &mut PodDisruptionBudgetStatus, now: Time) {
    let generation = status.observed_generation;
    let condition = if status.disruptions_allowed > 0 {
        disruption_allowed_condition("True", SUFFICIENT_PODS_REASON, String::new(), generation)
    } else {
        disruption_allowed_condition("False", INSUFFICIENT_PODS_REASON, String::new(), generation)
    };
    set_status_condition(&mut status.conditions, condition, now);
}

/// ConditionsAreUpToDate: the DisruptionAllowed condition agrees with
/// `disruptionsAllowed` and the status has seen the current generation.
pub fn conditions_are_up_to_date(pdb: &PodDisruptionBudget) -> bool {
    let status = &pdb.status;
    let Some(condition) = status.conditions.iter().find(|c| c.condition_type == DISRUPTION_ALLOWED_CONDITION) else {
        return false;
    };
    if status.observed_generation != generation(pdb) {
        return false;
    }
    if status.disruptions_allowed > 0 {
        condition.status == "True" && condition.reason == SUFFICIENT_PODS_REASON
    } else {
        condition.status == "False" && condition.reason == INSUFFICIENT_PODS_REASON
    }
}

fn generation(pdb: &PodDisruptionBudget) -> i64 {
    pdb.metadata.generation.unwrap_or(0)
}

/// failSafe: after a sync error, no disruption is allowed and the condition
/// says why (`SyncFailed`); the rest of the status is kept.
pub fn fail_safe(pdb: &PodDisruptionBudget, error: &str, now: Time) -> PodDisruptionBudgetStatus {
    let mut status = pdb.status.clone();
    status.disruptions_allowed = 0;
    let condition =
        disruption_allowed_condition("False", SYNC_FAILED_REASON, error.to_string(), status.observed_generation);
    set_status_condition(&mut status.conditions, condition, now);
    status
}

/// updatePdbStatus: the new status, or `None` when the stored one already
/// says the same. Disruptions are allowed only while pods are expected.
pub fn update_pdb_status(
    pdb: &PodDisruptionBudget,
    current_healthy: i32,
    desired_healthy: i32,
    expected_count: i32,
    disrupted_pods: BTreeMap<String, Time>,
    now: Time,
) -> Option<PodDisruptionBudgetStatus> {
    let mut disruptions_allowed = current_healthy.wrapping_sub(desired_healthy);
    if expected_count <= 0 || disruptions_allowed <= 0 {
        disruptions_allowed = 0;
    }
    let old = &pdb.status;
    if old.current_healthy == current_healthy
        && old.desired_healthy == desired_healthy
        && old.expected_pods == expected_count
        && old.disruptions_allowed == disruptions_allowed
        && old.disrupted_pods == disrupted_pods
        && old.observed_generation == generation(pdb)
        && conditions_are_up_to_date(pdb)
    {
        return None;
    }
    let mut status = PodDisruptionBudgetStatus {
        observed_generation: generation(pdb),
        disrupted_pods,
        disruptions_allowed,
        current_healthy,
        desired_healthy,
        expected_pods: expected_count,
        conditions: old.conditions.clone(),
    };
    update_disruption_allowed_condition(&mut status, now);
    Some(status)
}

/// `%v` of a `*metav1.LabelSelector`: its generated `String()`, as the
/// UnmanagedPods event prints it.
fn go_selector_string(selector: Option<&LabelSelector>) -> String {
    let Some(selector) = selector else { return "nil".to_string() };
    let labels: String = selector.match_labels.iter().map(|(k, v)| format!("{k}: {v},")).collect();
    let expressions: String = selector
        .match_expressions
        .iter()
        .map(|e| {
            format!(
                "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
                e.key,
                e.operator,
                e.values.join(" ")
            )
        })
        .collect();
    format!(
        "&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{expressions}}},}}"
    )
}

/// trySync (with sync's failSafe): the PDB's new status from the pods of
/// its namespace (`pods` may hold others; they are filtered here) and the
/// scale of their controllers. `controller_scale` resolves a pod's
/// controller reference the way the finders do: a ReplicaSet managed by a
/// Deployment answers with the Deployment.
pub fn try_sync(
    pdb: &PodDisruptionBudget,
    pods: &[Pod],
    controller_scale: impl Fn(&OwnerReference) -> Option<ControllerAndScale>,
    now: Time,
) -> PdbSync {
    let mut sync = PdbSync::default();
    let pods = get_pods_for_pdb(pdb, pods);
    if pods.is_empty() {
        sync.events.push(PdbEvent::new("Normal", "NoPods", "No matching pods found".to_string()));
    }
    let (expected_count, desired_healthy, unmanaged) = match get_expected_pod_count(pdb, &pods, &controller_scale) {
        Ok(counts) => counts,
        Err(error) => {
            sync.events.push(PdbEvent::new(
                "Warning",
                "CalculateExpectedPodCountFailed",
                format!("Failed to calculate the number of expected pods: {error}"),
            ));
            sync.status = Some(fail_safe(pdb, &error, now));
            sync.error = Some(error);
            return sync;
        }
    };
    if !unmanaged.is_empty() {
        sync.events.push(PdbEvent::new(
            "Warning",
            "UnmanagedPods",
            format!(
                "Pods selected by this PodDisruptionBudget (selector: {}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.",
                go_selector_string(pdb.spec.selector.as_ref())
            ),
        ));
    }
    let (disrupted_pods, recheck_time, not_deleted) = build_disrupted_pod_map(&pods, pdb, now);
    let namespace = pdb.metadata.namespace();
    for pod in not_deleted {
        // Upstream prints the namespace twice.
        sync.events.push(PdbEvent {
            event_type: "Warning",
            reason: "NotDeleted",
            message: format!("Pod was expected by PDB {namespace}/{namespace} to be deleted but it wasn't"),
            pod: Some(pod),
        });
    }
    let current_healthy = count_healthy_pods(&pods, &disrupted_pods, now);
    sync.status = update_pdb_status(pdb, current_healthy, desired_healthy, expected_count, disrupted_pods, now);
    sync.recheck_time = recheck_time;
    sync
}

/// The eviction API's question in short: an eviction may go ahead only
/// while the budget allows a disruption; otherwise the 429's message.
/// [`check_and_decrement`] is the whole check.
pub fn can_evict(status: &PodDisruptionBudgetStatus) -> Result<(), String> {
    if status.disruptions_allowed > 0 { Ok(()) } else { Err(EVICTION_DENIED_MESSAGE.to_string()) }
}

/// The eviction API's refusal: HTTP code, message and the
/// `DisruptionBudget` cause (when there is one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvictionError {
    pub code: u16,
    pub message: String,
    pub cause: Option<String>,
}

/// checkAndDecrement: may `pod_name` be evicted under this PDB? On success
/// the PDB's new status (one disruption fewer, the pod recorded in
/// `disruptedPods`; with `dry_run` the status is returned unchanged but
/// for the decrement).
pub fn check_and_decrement(
    pdb: &PodDisruptionBudget,
    pod_name: &str,
    dry_run: bool,
    now: Time,
) -> Result<PodDisruptionBudgetStatus, EvictionError> {
    let name = pdb.metadata.name();
    let status = &pdb.status;
    if status.observed_generation < generation(pdb) {
        return Err(EvictionError {
            code: 429,
            message: EVICTION_DENIED_MESSAGE.to_string(),
            cause: Some(format!("The disruption budget {name} is still being processed by the server.")),
        });
    }
    let forbidden = |reason: &str| EvictionError {
        code: 403,
        message: format!("poddisruptionbudget.policy {} is forbidden: {reason}", go_quote(name)),
        cause: None,
    };
    if status.disruptions_allowed < 0 {
        return Err(forbidden("pdb disruptions allowed is negative"));
    }
    if status.disrupted_pods.len() > MAX_DISRUPTED_POD_SIZE {
        return Err(forbidden("DisruptedPods map too big - too many evictions not confirmed by PDB controller"));
    }
    if status.disruptions_allowed == 0 {
        return Err(EvictionError {
            code: 429,
            message: EVICTION_DENIED_MESSAGE.to_string(),
            cause: Some(format!(
                "The disruption budget {name} needs {} healthy pods and has {} currently",
                status.desired_healthy, status.current_healthy
            )),
        });
    }
    let mut status = status.clone();
    status.disruptions_allowed -= 1;
    if status.disruptions_allowed == 0 {
        update_disruption_allowed_condition(&mut status, now);
    }
    if !dry_run {
        status.disrupted_pods.insert(pod_name.to_string(), now);
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Time = Time::from_unix_ms(1_700_000_000_000);
    const MINUTE: i64 = 60_000;

    fn at(offset_ms: i64) -> Time {
        Time::from_unix_ms(NOW.unix_ms + offset_ms)
    }

    fn pdb(min_available: Option<IntOrString>, max_unavailable: Option<IntOrString>) -> PodDisruptionBudget {
        let mut pdb = PodDisruptionBudget::default();
        pdb.metadata.name = Some("pdb".to_string());
        pdb.metadata.generation = Some(1);
        pdb.spec.min_available = min_available;
        pdb.spec.max_unavailable = max_unavailable;
        let mut selector = LabelSelector::default();
        selector.match_labels.insert("app".to_string(), "web".to_string());
        pdb.spec.selector = Some(selector);
        pdb
    }

    /// A pod matching `app=web`, Ready as given, owned by `owner` (a
    /// ReplicaSet or ReplicationController uid) when given.
    fn pod(name: &str, ready: bool, owner: Option<&str>) -> Pod {
        let mut pod = Pod::default();
        pod.metadata.name = Some(name.to_string());
        pod.metadata.labels_mut().insert("app".to_string(), "web".to_string());
        pod.status.phase = "Running".into();
        pod.status.conditions.push(Condition {
            condition_type: "Ready".into(),
            status: if ready { "True" } else { "False" }.to_string().into(),
            ..Condition::default()
        });
        if let Some(uid) = owner {
            pod.metadata.owner_references.make_mut().push(OwnerReference {
                api_version: "apps/v1".to_string(),
                kind: "ReplicaSet".to_string(),
                name: uid.to_string(),
                uid: uid.to_string(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            });
        }
        pod
    }

    /// Controllers by uid with their scale.
    fn scales(known: &[(&str, i32)]) -> impl Fn(&OwnerReference) -> Option<ControllerAndScale> {
        let known: Vec<(String, i32)> = known.iter().map(|(uid, n)| (uid.to_string(), *n)).collect();
        move |owner: &OwnerReference| {
            known
                .iter()
                .find(|(uid, _)| *uid == owner.uid)
                .map(|(uid, n)| ControllerAndScale { uid: uid.clone(), scale: *n })
        }
    }

    /// (disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods).
    fn counts(status: &PodDisruptionBudgetStatus) -> (i32, i32, i32, i32) {
        (status.disruptions_allowed, status.current_healthy, status.desired_healthy, status.expected_pods)
    }

    fn ints(n: i32) -> Option<IntOrString> {
        Some(IntOrString::Int(n))
    }

    fn percent(p: &str) -> Option<IntOrString> {
        Some(IntOrString::String(p.to_string()))
    }

    type Case = (&'static str, PodDisruptionBudget, Vec<Pod>, &'static [(&'static str, i32)], (i32, i32, i32, i32));

    /// pdb.01-11 (disruption_test.go TestNoSelector, TestUnavailable,
    /// TestIntegerMaxUnavailable(WithScaling), TestReplicaSet,
    /// TestReplicationController).
    #[test]
    fn try_sync_table() {
        let mut no_selector = pdb(ints(3), None);
        no_selector.spec.selector = Some(LabelSelector::default());
        let mut unlabelled = pod("naked", true, None);
        unlabelled.metadata.labels_mut().clear();
        let mut four = vec![pod("p0", true, None), pod("p1", true, None), pod("p2", true, None), pod("p3", true, None)];
        four[3].status.conditions[0].status = "False".into();
        let cases: Vec<Case> = vec![
            ("pdb.01", no_selector.clone(), vec![], &[], (0, 0, 3, 0)),
            ("pdb.02", no_selector, vec![unlabelled], &[], (0, 1, 3, 1)),
            ("pdb.04", pdb(ints(3), None), four, &[], (0, 3, 3, 4)),
            ("pdb.05", pdb(None, ints(1)), vec![pod("p0", true, None)], &[], (0, 1, 0, 0)),
            ("pdb.06", pdb(None, ints(2)), vec![pod("p0", true, Some("rs"))], &[("rs", 7)], (0, 1, 5, 7)),
            ("pdb.07", pdb(None, ints(2)), vec![pod("p0", true, Some("rs"))], &[("rs", 5)], (0, 1, 3, 5)),
            ("pdb.09", pdb(percent("20%"), None), vec![pod("p0", true, Some("rs"))], &[("rs", 10)], (0, 1, 2, 10)),
            ("pdb.10", pdb(percent("34%"), None), vec![pod("p0", true, Some("rc"))], &[("rc", 3)], (0, 1, 2, 3)),
            (
                "pdb.11",
                pdb(percent("34%"), None),
                vec![pod("p0", true, Some("rc")), pod("p1", true, Some("rc"))],
                &[("rc", 3)],
                (0, 2, 2, 3),
            ),
        ];
        for (id, pdb, pods, known, expected) in cases {
            let sync = try_sync(&pdb, &pods, scales(known), NOW);
            assert_eq!(sync.error, None, "{id}");
            let status = sync.status.expect(id);
            assert_eq!(counts(&status), expected, "{id}");
            let condition = &status.conditions[0];
            assert_eq!((condition.status.as_str(), condition.reason.as_str()), ("False", "InsufficientPods"), "{id}");
            assert_eq!(status.observed_generation, 1, "{id}");
        }
    }

    #[test]
    fn events_for_no_pods_and_unmanaged_pods() {
        let sync = try_sync(&pdb(ints(3), None), &[], scales(&[]), NOW);
        assert_eq!(sync.events, [PdbEvent::new("Normal", "NoPods", "No matching pods found".to_string())]);
        // pdb.05: the naked pod is reported, not an error.
        let sync = try_sync(&pdb(None, ints(1)), &[pod("p0", true, None)], scales(&[]), NOW);
        assert_eq!(sync.events.len(), 1);
        assert_eq!(sync.events[0].reason, "UnmanagedPods");
        assert_eq!(
            sync.events[0].message,
            "Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value."
        );
    }

    /// pdb.13 (TestReplicationController, rogue pod). The case expects 0 via
    /// a sync error, as controllers before unmanaged-pod tolerance did; the
    /// current controller (and disruption_test.go, which now expects 2)
    /// counts the rogue pod as healthy and only warns. Both paths: a pod
    /// without a controller, and one whose controller cannot be found.
    #[test]
    fn rogue_pod() {
        let budget = pdb(percent("34%"), None);
        let mut pods = vec![pod("p0", true, Some("rc")), pod("p1", true, Some("rc")), pod("p2", true, Some("rc"))];
        let sync = try_sync(&budget, &pods, scales(&[("rc", 3)]), NOW);
        assert_eq!(counts(sync.status.as_ref().unwrap()), (1, 3, 2, 3));
        assert_eq!(sync.status.unwrap().conditions[0].reason, "SufficientPods");

        pods.push(pod("rogue", true, None));
        let sync = try_sync(&budget, &pods, scales(&[("rc", 3)]), NOW);
        assert_eq!(sync.error, None);
        assert_eq!(counts(sync.status.as_ref().unwrap()), (2, 4, 2, 3));

        pods[3] = pod("rogue", true, Some("gone"));
        let sync = try_sync(&budget, &pods, scales(&[("rc", 3)]), NOW);
        assert_eq!(sync.error.as_deref(), Some("found no controllers for pod \"rogue\""));
        let status = sync.status.unwrap();
        assert_eq!(status.disruptions_allowed, 0);
        let condition = &status.conditions[0];
        assert_eq!(
            (condition.status.as_str(), condition.reason.as_str(), condition.message.as_str()),
            ("False", "SyncFailed", "found no controllers for pod \"rogue\"")
        );
        assert_eq!(sync.events[0].reason, "CalculateExpectedPodCountFailed");
        assert_eq!(
            sync.events[0].message,
            "Failed to calculate the number of expected pods: found no controllers for pod \"rogue\""
        );
    }

    /// pdb.14 (TestUpdateDisruptedPods).
    #[test]
    fn disrupted_pods() {
        let mut budget = pdb(ints(1), None);
        budget.status.disrupted_pods = [("p1", NOW), ("p2", at(-3 * MINUTE)), ("p3", at(-MINUTE)), ("notthere", NOW)]
            .into_iter()
            .map(|(name, t)| (name.to_string(), t))
            .collect();
        let mut p1 = pod("p1", true, None);
        p1.metadata.rare_mut().deletion_timestamp = Some(NOW);
        let pods = [p1, pod("p2", true, None), pod("p3", true, None)];
        let sync = try_sync(&budget, &pods, scales(&[]), NOW);
        let status = sync.status.unwrap();
        assert_eq!(counts(&status), (0, 1, 1, 3));
        assert_eq!(status.disrupted_pods.into_iter().collect::<Vec<_>>(), [("p3".to_string(), at(-MINUTE))]);
        assert_eq!(sync.recheck_time, Some(at(MINUTE)));
        assert_eq!(
            sync.events,
            [PdbEvent {
                event_type: "Warning",
                reason: "NotDeleted",
                message: "Pod was expected by PDB default/default to be deleted but it wasn't".to_string(),
                pod: Some("p2".to_string()),
            }]
        );
    }

    #[test]
    fn deployment_counted_once_and_status_written_once() {
        // Two ReplicaSets of one Deployment: the finder answers the Deployment.
        let finder = |owner: &OwnerReference| {
            matches!(owner.uid.as_str(), "rs-old" | "rs-new")
                .then(|| ControllerAndScale { uid: "deploy".to_string(), scale: 4 })
        };
        let budget = pdb(None, percent("25%"));
        let pods = [pod("a", true, Some("rs-old")), pod("b", true, Some("rs-new")), pod("c", true, Some("rs-new"))];
        let sync = try_sync(&budget, &pods, finder, NOW);
        let status = sync.status.unwrap();
        assert_eq!(counts(&status), (0, 3, 3, 4));
        assert_eq!(status.conditions[0].last_transition_time, Some(NOW));
        let mut synced = budget.clone();
        synced.status = status;
        assert_eq!(try_sync(&synced, &pods, finder, at(MINUTE)).status, None);
        // A fourth healthy pod: one disruption allowed, the condition flips.
        let pods = [pods[0].clone(), pods[1].clone(), pods[2].clone(), pod("d", true, Some("rs-new"))];
        let status = try_sync(&synced, &pods, finder, at(MINUTE)).status.unwrap();
        assert_eq!(counts(&status), (1, 4, 3, 4));
        let condition = &status.conditions[0];
        assert_eq!((condition.status.as_str(), condition.reason.as_str()), ("True", "SufficientPods"));
        assert_eq!(condition.last_transition_time, Some(at(MINUTE)));
    }

    #[test]
    fn missing_selector_and_other_namespaces_match_nothing() {
        let mut budget = pdb(ints(1), None);
        let mut elsewhere = pod("x", true, None);
        elsewhere.metadata.namespace = Some("prod".to_string());
        assert!(get_pods_for_pdb(&budget, &[elsewhere]).is_empty());
        budget.spec.selector = None;
        assert!(get_pods_for_pdb(&budget, &[pod("y", true, None)]).is_empty());
    }

    /// Spec section 9: the eviction API.
    #[test]
    fn eviction() {
        let mut budget = pdb(ints(1), None);
        budget.status.observed_generation = 1;
        budget.status.current_healthy = 2;
        budget.status.desired_healthy = 1;
        budget.status.expected_pods = 2;
        budget.status.disruptions_allowed = 1;
        assert_eq!(can_evict(&budget.status), Ok(()));
        let status = check_and_decrement(&budget, "p0", false, NOW).unwrap();
        assert_eq!(status.disruptions_allowed, 0);
        assert_eq!(status.disrupted_pods.get("p0"), Some(&NOW));
        assert_eq!(status.conditions[0].reason, "InsufficientPods");
        assert_eq!(
            can_evict(&status),
            Err("Cannot evict pod as it would violate the pod's disruption budget.".to_string())
        );
        let dry = check_and_decrement(&budget, "p0", true, NOW).unwrap();
        assert!(dry.disrupted_pods.is_empty());

        budget.status = status;
        let err = check_and_decrement(&budget, "p1", false, NOW).unwrap_err();
        assert_eq!(err.code, 429);
        assert_eq!(err.message, "Cannot evict pod as it would violate the pod's disruption budget.");
        assert_eq!(err.cause.as_deref(), Some("The disruption budget pdb needs 1 healthy pods and has 2 currently"));

        budget.metadata.generation = Some(2);
        let err = check_and_decrement(&budget, "p1", false, NOW).unwrap_err();
        assert_eq!(err.cause.as_deref(), Some("The disruption budget pdb is still being processed by the server."));

        budget.metadata.generation = Some(1);
        budget.status.disruptions_allowed = -1;
        let err = check_and_decrement(&budget, "p1", false, NOW).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (403, "poddisruptionbudget.policy \"pdb\" is forbidden: pdb disruptions allowed is negative")
        );
    }

    #[test]
    fn bad_percentages_fail_safe() {
        let budget = pdb(percent("x%"), None);
        let sync = try_sync(&budget, &[pod("p0", true, Some("rs"))], scales(&[("rs", 3)]), NOW);
        assert!(sync.error.as_deref().is_some_and(|e| e.starts_with("invalid value for IntOrString")));
        assert_eq!(sync.status.unwrap().conditions[0].reason, "SyncFailed");
    }
}
