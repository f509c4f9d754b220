//! `pkg/controller/deployment/sync.go`: scaling events and paused
//! Deployments (`scale`, proportional scaling), revision-history cleanup
//! (`cleanupDeployment`) and the status every sync writes (`calculateStatus`).
//!
//! Pure: each function reads objects (and `now` where a condition gets a
//! timestamp) and returns what the controller would write, with `why` lines
//! where there is arithmetic to show.
//!
//! Helpers upstream keeps in `util/deployment_util.go` or
//! `pkg/controller/controller_utils.go` (the condition setters,
//! `getReplicaSetFraction`/`GetReplicaSetProportion`, `FindActiveOrLatest`,
//! the size and revision sort orders, `HasProgressDeadline`,
//! `HasRevisionHistoryLimit`) live here because another hand owns
//! `util.rs`; they can move there unchanged.

use super::util::{
    MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION, get_actual_replica_count_for_replica_sets,
    get_available_replica_count_for_replica_sets, get_non_negative_int32_from_annotation,
    get_ready_replica_count_for_replica_sets, get_replica_count_for_replica_sets, is_rolling_update, is_saturated,
    max_surge, max_unavailable, replica_sets_by_creation_timestamp, replicas_annotations_need_update, revision,
};
use crate::api::apps::{Deployment, DeploymentStatus, ReplicaSet};
use crate::api::meta::{Condition, ConditionRare};
use crate::api::text::Str;
use crate::api::time::Time;
use std::cmp::Ordering;

/// Condition types (apps/v1 DeploymentConditionType).
pub const DEPLOYMENT_AVAILABLE: &str = "Available";
pub const DEPLOYMENT_PROGRESSING: &str = "Progressing";
pub const DEPLOYMENT_REPLICA_FAILURE: &str = "ReplicaFailure";

/// Condition statuses (core/v1 ConditionStatus).
pub const CONDITION_TRUE: &str = "True";
pub const CONDITION_FALSE: &str = "False";
pub const CONDITION_UNKNOWN: &str = "Unknown";

/// Condition reasons (deployment_util.go).
pub const REPLICA_SET_UPDATED_REASON: &str = "ReplicaSetUpdated";
pub const FAILED_RS_CREATE_REASON: &str = "ReplicaSetCreateError";
pub const NEW_REPLICA_SET_REASON: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
pub const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
pub const PAUSED_DEPLOY_REASON: &str = "DeploymentPaused";
pub const RESUMED_DEPLOY_REASON: &str = "DeploymentResumed";
pub const MINIMUM_REPLICAS_AVAILABLE: &str = "MinimumReplicasAvailable";
pub const MINIMUM_REPLICAS_UNAVAILABLE: &str = "MinimumReplicasUnavailable";

/// The reason of the Normal events `scale` emits.
pub const SCALING_REPLICA_SET_REASON: &str = "ScalingReplicaSet";

/// `*d.Spec.Replicas` (defaulted to 1 when absent).
fn replicas(deployment: &Deployment) -> i32 {
    deployment.spec.replicas.unwrap_or(1)
}

/// `*rs.Spec.Replicas` (defaulted to 1 when absent).
fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.replicas.unwrap_or(1)
}

// ---------------------------------------------------------------------------
// Conditions (deployment_util.go: NewDeploymentCondition, GetDeploymentCondition,
// SetDeploymentCondition, RemoveDeploymentCondition).

/// NewDeploymentCondition: both timestamps are `now`.
pub(super) fn new_deployment_condition(
    condition_type: &str,
    status: &str,
    reason: &str,
    message: String,
    now: Time,
) -> Condition {
    Condition {
        condition_type: Str::copy(condition_type),
        status: Str::copy(status),
        rare: Some(Box::new(ConditionRare {
            last_update_time: Some(now),
            reason: reason.to_string(),
            message,
            ..Default::default()
        })),
        last_transition_time: Some(now),
    }
}

/// GetDeploymentCondition: the first condition of that type.
pub(super) fn get_deployment_condition<'a>(
    status: &'a DeploymentStatus,
    condition_type: &str,
) -> Option<&'a Condition> {
    status.conditions.iter().find(|c| c.condition_type == condition_type)
}

/// SetDeploymentCondition: identical status and reason is a no-op (no
/// timestamp moves); same status keeps lastTransitionTime; otherwise the old
/// condition of the type is dropped and the new one appended at the end.
pub(super) fn set_deployment_condition(status: &mut DeploymentStatus, mut condition: Condition) {
    if let Some(current) = get_deployment_condition(status, &condition.condition_type) {
        if current.status == condition.status && current.reason == condition.reason {
            return;
        }
        if current.status == condition.status {
            condition.last_transition_time = current.last_transition_time;
        }
    }
    remove_deployment_condition(status, &condition.condition_type.clone());
    status.conditions.push(condition);
}

/// RemoveDeploymentCondition: drops every condition of the type.
pub(super) fn remove_deployment_condition(status: &mut DeploymentStatus, condition_type: &str) {
    status.conditions.retain(|c| c.condition_type != condition_type);
}

/// HasProgressDeadline: set and not MaxInt32.
pub(super) fn has_progress_deadline(deployment: &Deployment) -> bool {
    deployment.spec.progress_deadline_seconds.is_some_and(|s| s != i32::MAX)
}

/// HasRevisionHistoryLimit: set and not MaxInt32.
fn has_revision_history_limit(deployment: &Deployment) -> bool {
    deployment.spec.revision_history_limit.is_some_and(|l| l != i32::MAX)
}

// ---------------------------------------------------------------------------
// Sort orders (controller_utils.go, deployment_util.go). Go's sort.Sort runs an
// insertion sort on up to 12 elements; this does so at every length, which
// gives Go's order exactly for small inputs and never panics when a less
// function is not a total order (ReplicaSetsByRevision with parse errors).

fn insertion_sort_by<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less(&items[j], &items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// ReplicaSetsByCreationTimestamp as a less function.
fn older(a: &ReplicaSet, b: &ReplicaSet) -> bool {
    replica_sets_by_creation_timestamp(a, b) == Ordering::Less
}

/// ReplicaSetsBySizeOlder: larger first, ties older first.
fn by_size_older(a: &ReplicaSet, b: &ReplicaSet) -> bool {
    match rs_replicas(a).cmp(&rs_replicas(b)) {
        Ordering::Equal => older(a, b),
        ordering => ordering == Ordering::Greater,
    }
}

/// ReplicaSetsBySizeNewer: larger first, ties newer first.
fn by_size_newer(a: &ReplicaSet, b: &ReplicaSet) -> bool {
    match rs_replicas(a).cmp(&rs_replicas(b)) {
        Ordering::Equal => older(b, a),
        ordering => ordering == Ordering::Greater,
    }
}

/// ReplicaSetsByRevision: lower revision first; on a tie or a parse error,
/// by creation timestamp.
fn by_revision(a: &ReplicaSet, b: &ReplicaSet) -> bool {
    match (revision(a), revision(b)) {
        (Ok(ra), Ok(rb)) if ra != rb => ra < rb,
        _ => older(a, b),
    }
}

// ---------------------------------------------------------------------------
// Proportional shares. Upstream keeps getReplicaSetFraction and
// GetReplicaSetProportion in util/deployment_util.go.

/// getReplicaSetFraction: how many replicas `rs` gains (or loses) when the
/// Deployment goes from its max-replicas annotation to
/// `replicas + maxSurge`, in proportion to its size.
pub fn get_replica_set_fraction(rs: &ReplicaSet, deployment: &Deployment) -> i32 {
    fraction_with_why(rs, deployment).0
}

fn fraction_with_why(rs: &ReplicaSet, deployment: &Deployment) -> (i32, String) {
    let size = rs_replicas(rs);
    if replicas(deployment) == 0 {
        return (size.wrapping_neg(), format!("fraction = −{size} (scaling to 0)"));
    }
    let new_max = replicas(deployment).wrapping_add(max_surge(deployment));
    let mut source = "max-replicas";
    let old_max = match get_non_negative_int32_from_annotation(rs, MAX_REPLICAS_ANNOTATION) {
        Ok(Some(value)) if value != 0 => value,
        _ => {
            source = "status.replicas (no usable max-replicas annotation)";
            if deployment.status.replicas == 0 {
                return (0, "fraction = 0 (no usable max-replicas annotation and status.replicas is 0)".to_string());
            }
            deployment.status.replicas
        }
    };
    // Upstream multiplies in int32 and divides in float64; RoundToInt32 is
    // math.Round, half away from zero, like f64::round.
    let scaled = f64::from(size.wrapping_mul(new_max)) / f64::from(old_max);
    let fraction = (scaled.round() as i32).wrapping_sub(size);
    let why = format!("fraction = round({size} × {new_max} / {old_max} [{source}]) − {size} = {fraction}");
    (fraction, why)
}

/// GetReplicaSetProportion: the share of `to_add` this ReplicaSet takes,
/// given `added` already handed out: its fraction, never past what is left.
pub fn get_proportion(rs: &ReplicaSet, deployment: &Deployment, to_add: i32, added: i32) -> i32 {
    proportion_with_why(rs, deployment, to_add, added).0
}

fn proportion_with_why(rs: &ReplicaSet, deployment: &Deployment, to_add: i32, added: i32) -> (i32, String) {
    if rs_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return (0, "proportion = 0".to_string());
    }
    let (fraction, why) = fraction_with_why(rs, deployment);
    let allowed = to_add.wrapping_sub(added);
    if to_add > 0 {
        let p = fraction.min(allowed);
        (p, format!("{why}; proportion = min({fraction}, {allowed} left) = {p}"))
    } else {
        let p = fraction.max(allowed);
        (p, format!("{why}; proportion = max({fraction}, {allowed} left) = {p}"))
    }
}

// ---------------------------------------------------------------------------
// scale

/// Which input ReplicaSet a write is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicaSetRef {
    New,
    /// An index into `old_rss`.
    Old(usize),
}

/// One ReplicaSet update: `spec.replicas` from `from` to `to` (perhaps equal,
/// when only the annotations are refreshed), with the desired-replicas and
/// max-replicas annotations set to the values given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaSetScale {
    pub replica_set: ReplicaSetRef,
    pub name: String,
    pub from: i32,
    pub to: i32,
    pub desired_replicas: i32,
    pub max_replicas: i32,
}

/// What `scale` would do: the ReplicaSet updates in upstream's order, the
/// `ScalingReplicaSet` event messages (one per size change), and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScaleResult {
    pub writes: Vec<ReplicaSetScale>,
    pub events: Vec<String>,
    pub why: Vec<String>,
}

impl ScaleResult {
    /// The `spec.replicas` the ReplicaSet would have afterwards.
    pub fn replicas_after(&self, which: ReplicaSetRef, before: &ReplicaSet) -> i32 {
        self.writes.iter().rev().find(|w| w.replica_set == which).map_or(rs_replicas(before), |w| w.to)
    }

    /// scaleReplicaSet: write when the size or the annotations change; an
    /// event only for a size change, worded with `operation` ("up"/"down").
    fn scale_replica_set(
        &mut self,
        which: ReplicaSetRef,
        rs: &ReplicaSet,
        to: i32,
        deployment: &Deployment,
        operation: &str,
    ) {
        let desired = replicas(deployment);
        let max = desired.wrapping_add(max_surge(deployment));
        let from = rs_replicas(rs);
        let size_changes = from != to;
        if !size_changes && !replicas_annotations_need_update(rs, desired, max) {
            return;
        }
        let name = rs.metadata.name().to_string();
        if size_changes {
            self.events.push(format!("Scaled {operation} replica set {name} to {to} from {from}"));
        } else {
            self.why.push(format!("{name}: refresh desired-replicas {desired}, max-replicas {max}"));
        }
        self.writes.push(ReplicaSetScale {
            replica_set: which,
            name,
            from,
            to,
            desired_replicas: desired,
            max_replicas: max,
        });
    }

    /// scaleReplicaSetAndRecordEvent: nothing when the size is already right.
    fn scale_and_record_event(&mut self, which: ReplicaSetRef, rs: &ReplicaSet, to: i32, deployment: &Deployment) {
        let from = rs_replicas(rs);
        if from == to {
            return;
        }
        let operation = if from < to { "up" } else { "down" };
        self.scale_replica_set(which, rs, to, deployment, operation);
    }
}

fn is_active(rs: &ReplicaSet) -> bool {
    rs_replicas(rs) > 0
}

/// FindActiveOrLatest: the only active ReplicaSet; with none active, the new
/// one, else the newest old one; `None` when several are active (or there
/// are none at all).
fn find_active_or_latest<'a>(
    new_rs: Option<&'a ReplicaSet>,
    old_rss: &[&'a ReplicaSet],
) -> Option<(ReplicaSetRef, &'a ReplicaSet)> {
    let mut olds: Vec<(ReplicaSetRef, &ReplicaSet)> =
        old_rss.iter().enumerate().map(|(i, rs)| (ReplicaSetRef::Old(i), *rs)).collect();
    insertion_sort_by(&mut olds, |a, b| older(b.1, a.1));
    let mut active: Vec<(ReplicaSetRef, &ReplicaSet)> = olds.iter().copied().filter(|(_, rs)| is_active(rs)).collect();
    if let Some(new_rs) = new_rs.filter(|rs| is_active(rs)) {
        active.push((ReplicaSetRef::New, new_rs));
    }
    match active.len() {
        0 => new_rs.map(|rs| (ReplicaSetRef::New, rs)).or_else(|| olds.first().copied()),
        1 => active.first().copied(),
        _ => None,
    }
}

/// scale (spec 4.6): on a scaling event or while paused, bring the
/// ReplicaSets to `spec.replicas` (+ maxSurge) without advancing a rollout.
/// `old_rss` are all old ReplicaSets; writes name them by index.
pub fn scale(deployment: &Deployment, new_rs: Option<&ReplicaSet>, old_rss: &[&ReplicaSet]) -> ScaleResult {
    let mut result = ScaleResult::default();
    let target = replicas(deployment);

    if let Some((which, rs)) = find_active_or_latest(new_rs, old_rss) {
        let name = rs.metadata.name();
        let size = rs_replicas(rs);
        let what = if is_active(rs) {
            format!("{name} is the only active replica set")
        } else {
            format!("no replica set is active; {name} is the newest")
        };
        if size == target {
            result.why.push(format!("{what} and already has {target} replicas"));
        } else {
            result.why.push(format!("{what}: scale it from {size} to spec.replicas {target}"));
            result.scale_and_record_event(which, rs, target, deployment);
        }
        return result;
    }

    if let Some(new_rs) = new_rs.filter(|rs| is_saturated(deployment, rs)) {
        result.why.push(format!(
            "new replica set {} is saturated ({target} replicas, all available): scale the active old replica sets to 0",
            new_rs.metadata.name()
        ));
        for (i, old) in old_rss.iter().enumerate().filter(|(_, rs)| is_active(rs)) {
            result.scale_and_record_event(ReplicaSetRef::Old(i), old, 0, deployment);
        }
        return result;
    }

    if !is_rolling_update(deployment) {
        result.why.push("several active replica sets but the strategy is not RollingUpdate: nothing to scale".into());
        return result;
    }

    // Upstream appends the new ReplicaSet after the old ones, which
    // FindActiveOrLatest left sorted newest first.
    let mut olds: Vec<(ReplicaSetRef, &ReplicaSet)> =
        old_rss.iter().enumerate().map(|(i, rs)| (ReplicaSetRef::Old(i), *rs)).collect();
    insertion_sort_by(&mut olds, |a, b| older(b.1, a.1));
    let mut active: Vec<(ReplicaSetRef, &ReplicaSet)> = olds.into_iter().filter(|(_, rs)| is_active(rs)).collect();
    if let Some(new_rs) = new_rs.filter(|rs| is_active(rs)) {
        active.push((ReplicaSetRef::New, new_rs));
    }
    let sets: Vec<&ReplicaSet> = active.iter().map(|(_, rs)| *rs).collect();
    let total = get_replica_count_for_replica_sets(&sets);
    let surge = max_surge(deployment);
    let allowed = if target > 0 { target.wrapping_add(surge) } else { 0 };
    let to_add = allowed.wrapping_sub(total);
    result.why.push(format!(
        "allowed = spec.replicas {target} + maxSurge {surge} = {allowed}{}; active replica sets hold {total}; to add = {to_add}",
        if target > 0 { "" } else { " → 0 (scaling to 0)" }
    ));

    let operation = match to_add.cmp(&0) {
        Ordering::Greater => {
            insertion_sort_by(&mut active, |a, b| by_size_newer(a.1, b.1));
            "up"
        }
        Ordering::Less => {
            insertion_sort_by(&mut active, |a, b| by_size_older(a.1, b.1));
            "down"
        }
        Ordering::Equal => "",
    };
    if to_add != 0 {
        let names: Vec<&str> = active.iter().map(|(_, rs)| rs.metadata.name()).collect();
        let order =
            if to_add > 0 { "largest first, newer first on ties" } else { "largest first, older first on ties" };
        result.why.push(format!("order ({order}): {}", names.join(", ")));
    }

    let mut added: i32 = 0;
    let mut sizes: Vec<i32> = Vec::with_capacity(active.len());
    for (_, rs) in &active {
        let size = rs_replicas(rs);
        if to_add == 0 {
            sizes.push(size);
            continue;
        }
        let (proportion, why) = proportion_with_why(rs, deployment, to_add, added);
        let new_size = size.wrapping_add(proportion);
        result.why.push(format!("{}: {why}; {size} → {new_size}", rs.metadata.name()));
        sizes.push(new_size);
        added = added.wrapping_add(proportion);
    }

    for (i, (which, rs)) in active.iter().enumerate() {
        let mut size = sizes.get(i).copied().unwrap_or_else(|| rs_replicas(rs));
        if i == 0 && to_add != 0 {
            let leftover = to_add.wrapping_sub(added);
            let with_leftover = size.wrapping_add(leftover);
            size = with_leftover.max(0);
            if leftover != 0 {
                result.why.push(format!(
                    "leftover {to_add} − {added} = {leftover} goes to the largest, {}: {} → {size}{}",
                    rs.metadata.name(),
                    with_leftover.wrapping_sub(leftover),
                    if with_leftover < 0 { " (clamped at 0)" } else { "" }
                ));
            }
        }
        result.scale_replica_set(*which, rs, size, deployment, operation);
    }
    result
}

// ---------------------------------------------------------------------------
// cleanupDeployment

/// cleanupDeployment (spec 4.8): the indices into `old_rss` of the old
/// ReplicaSets to delete so that at most `revisionHistoryLimit` remain. Only
/// the first `len − limit` in revision order are visited; one that still has
/// replicas (or an unobserved generation, or terminating pods) is skipped and
/// not replaced, so fewer may be deleted.
pub fn cleanup_deployment(deployment: &Deployment, old_rss: &[&ReplicaSet]) -> Vec<usize> {
    if !has_revision_history_limit(deployment) {
        return Vec::new();
    }
    let limit = i64::from(deployment.spec.revision_history_limit.unwrap_or(i32::MAX));
    let mut cleanable: Vec<(usize, &ReplicaSet)> = old_rss
        .iter()
        .enumerate()
        .filter(|(_, rs)| rs.metadata.deletion_timestamp.is_none())
        .map(|(i, rs)| (i, *rs))
        .collect();
    let diff = cleanable.len() as i64 - limit;
    if diff <= 0 {
        return Vec::new();
    }
    insertion_sort_by(&mut cleanable, |a, b| by_revision(a.1, b.1));
    cleanable
        .iter()
        .take(usize::try_from(diff).unwrap_or(usize::MAX))
        .filter(|(_, rs)| {
            rs.status.replicas == 0
                && rs_replicas(rs) == 0
                && rs.metadata.generation.unwrap_or(0) <= rs.status.observed_generation
                && rs.metadata.deletion_timestamp.is_none()
                // DeploymentReplicaSetTerminatingReplicas (beta, on).
                && rs.status.terminating_replicas.unwrap_or(0) == 0
        })
        .map(|(i, _)| *i)
        .collect()
}

// ---------------------------------------------------------------------------
// getNewReplicaSet: the Deployment's side

/// What getNewReplicaSet writes to the Deployment (with UpdateStatus) once
/// its new ReplicaSet exists: SetDeploymentRevision (the revision
/// annotation becomes `revision`; a missing one reads as ""), and, when a
/// progress deadline is set, the Progressing condition: `NewReplicaSetCreated`
/// (`Created new replica set "<rs>"`) right after `created` the ReplicaSet,
/// or `FoundNewReplicaSet` (`Found new replica set "<rs>"`) when the
/// Deployment has no Progressing condition yet. `None` when nothing changes.
pub fn new_replica_set_deployment_update(
    deployment: &Deployment,
    new_rs: &ReplicaSet,
    revision: &str,
    created: bool,
    now: Time,
) -> Option<Deployment> {
    let mut updated = deployment.clone();
    let annotations = &mut updated.metadata.annotations;
    let mut needs_update = false;
    if annotations.get(REVISION_ANNOTATION).map_or("", String::as_str) != revision {
        annotations.insert(REVISION_ANNOTATION.to_string(), revision.to_string());
        needs_update = true;
    }
    let name = crate::validation::field::go_quote(new_rs.metadata.name());
    let condition = if !has_progress_deadline(deployment) {
        None
    } else if created {
        Some((NEW_REPLICA_SET_REASON, format!("Created new replica set {name}")))
    } else if get_deployment_condition(&deployment.status, DEPLOYMENT_PROGRESSING).is_none() {
        Some((FOUND_NEW_RS_REASON, format!("Found new replica set {name}")))
    } else {
        None
    };
    if let Some((reason, message)) = condition {
        let condition = new_deployment_condition(DEPLOYMENT_PROGRESSING, CONDITION_TRUE, reason, message, now);
        set_deployment_condition(&mut updated.status, condition);
        needs_update = true;
    }
    needs_update.then_some(updated)
}

// ---------------------------------------------------------------------------
// calculateStatus

/// calculateStatus (spec 4.4): the counts from the ReplicaSets (`all_rss`
/// includes the new one) and the Available condition, stamped `now` when it
/// changes.
pub fn calculate_status(
    all_rss: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    deployment: &Deployment,
    now: Time,
) -> DeploymentStatus {
    let available = get_available_replica_count_for_replica_sets(all_rss);
    let total = get_replica_count_for_replica_sets(all_rss);
    let unavailable = total.wrapping_sub(available).max(0);
    let mut status = DeploymentStatus {
        observed_generation: deployment.metadata.generation.unwrap_or(0),
        replicas: get_actual_replica_count_for_replica_sets(all_rss),
        updated_replicas: new_rs.map_or(0, |rs| rs.status.replicas),
        ready_replicas: get_ready_replica_count_for_replica_sets(all_rss),
        available_replicas: available,
        unavailable_replicas: unavailable,
        // DeploymentReplicaSetTerminatingReplicas (beta, on).
        terminating_replicas: terminating_replica_count(all_rss),
        conditions: deployment.status.conditions.clone(),
        collision_count: deployment.status.collision_count,
    };
    let condition = if available >= replicas(deployment).wrapping_sub(max_unavailable(deployment)) {
        new_deployment_condition(
            DEPLOYMENT_AVAILABLE,
            CONDITION_TRUE,
            MINIMUM_REPLICAS_AVAILABLE,
            "Deployment has minimum availability.".to_string(),
            now,
        )
    } else {
        new_deployment_condition(
            DEPLOYMENT_AVAILABLE,
            CONDITION_FALSE,
            MINIMUM_REPLICAS_UNAVAILABLE,
            "Deployment does not have minimum availability.".to_string(),
            now,
        )
    };
    set_deployment_condition(&mut status, condition);
    status
}

/// GetTerminatingReplicaCountForReplicaSets: unknown (`None`) as soon as one
/// ReplicaSet does not report it.
fn terminating_replica_count(replica_sets: &[&ReplicaSet]) -> Option<i32> {
    replica_sets.iter().try_fold(0i32, |sum, rs| rs.status.terminating_replicas.map(|n| sum.wrapping_add(n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::RollingUpdateDeployment;
    use crate::api::intstr::IntOrString;
    use crate::controller::deployment::util::DESIRED_REPLICAS_ANNOTATION;

    fn deployment(replicas: i32, surge: i32, unavailable: i32) -> Deployment {
        let mut d = Deployment::default();
        d.metadata.name = Some("foo".into());
        d.spec.replicas = Some(replicas);
        d.spec.strategy.strategy_type = Some("RollingUpdate".into());
        d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
            max_surge: Some(IntOrString::Int(surge)),
            max_unavailable: Some(IntOrString::Int(unavailable)),
        });
        d
    }

    fn rs(name: &str, replicas: i32, created_s: i64) -> ReplicaSet {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(name.into());
        rs.spec.replicas = Some(replicas);
        rs.metadata.creation_timestamp = Some(Time::from_unix_ms(created_s * 1000));
        rs
    }

    fn annotate(mut rs: ReplicaSet, desired: i32, max: i32) -> ReplicaSet {
        rs.metadata.annotations.insert(DESIRED_REPLICAS_ANNOTATION.into(), desired.to_string());
        rs.metadata.annotations.insert(MAX_REPLICAS_ANNOTATION.into(), max.to_string());
        rs
    }

    /// deploy.fraction.* (TestGetReplicaSetFraction): (id, d.replicas,
    /// d.status.replicas, maxSurge, rs.spec.replicas, max-replicas, expected).
    #[test]
    fn replica_set_fraction_table() {
        type Case = (&'static str, i32, i32, i32, i32, Option<&'static str>, i32);
        let cases: [Case; 7] = [
            ("deploy.fraction.01", 0, 0, 0, 10, None, -10),
            ("deploy.fraction.02", 10, 0, 0, 5, None, 0),
            ("deploy.fraction.04", 120, 100, 0, 50, None, 10),
            ("deploy.fraction.06", 120, 0, 0, 50, Some("100"), 10),
            ("deploy.fraction.07", 120, 0, 10, 50, Some("110"), 9),
            ("deploy.fraction.08", 10, 0, 0, 6, Some("12"), -1),
            ("deploy.fraction.09", 100, 0, 10, 50, Some("130"), -8),
        ];
        for (id, replicas, status_replicas, surge, size, max, expected) in cases {
            let mut d = deployment(replicas, surge, 1);
            d.status.replicas = status_replicas;
            let mut r = rs("foo", size, 0);
            if let Some(max) = max {
                r.metadata.annotations.insert(MAX_REPLICAS_ANNOTATION.into(), max.into());
            }
            assert_eq!(get_replica_set_fraction(&r, &d), expected, "{id}");
        }
    }

    #[test]
    fn proportion_is_capped_by_what_is_left() {
        let d = deployment(10, 0, 0);
        let r = annotate(rs("a", 3, 0), 5, 5);
        assert_eq!(get_proportion(&r, &d, 5, 0), 3);
        assert_eq!(get_proportion(&r, &d, 5, 4), 1);
        assert_eq!(get_proportion(&r, &d, 5, 5), 0);
        assert_eq!(get_proportion(&rs("z", 0, 0), &d, 5, 0), 0);
        let down = deployment(2, 0, 0);
        assert_eq!(get_proportion(&r, &down, -3, -2), -1);
    }

    /// A row of TestScale: (id, replicas, maxSurge, maxUnavailable,
    /// new (name, spec, available), old [(name, spec)], previous
    /// (replicas, replicas + maxSurge) written into every annotation,
    /// expected [(name, spec)]).
    type ScaleCase = (
        &'static str,
        i32,
        i32,
        i32,
        Option<(&'static str, i32, i32)>,
        &'static [(&'static str, i32)],
        (i32, i32),
        &'static [(&'static str, i32)],
    );

    /// sync.scale.* (TestScale). Creation order: new (newest), then the old
    /// ones as listed (each older than the one before).
    #[test]
    fn scale_table() {
        let cases: &[ScaleCase] = &[
            ("sync.scale.01", 12, 0, 0, Some(("foo-v1", 10, 0)), &[], (10, 10), &[("foo-v1", 12)]),
            ("sync.scale.02", 5, 0, 0, Some(("foo-v1", 10, 0)), &[], (10, 10), &[("foo-v1", 5)]),
            (
                "sync.scale.03",
                10,
                0,
                0,
                Some(("foo-v2", 2, 0)),
                &[("foo-v1", 3)],
                (5, 5),
                &[("foo-v2", 4), ("foo-v1", 6)],
            ),
            (
                "sync.scale.04",
                3,
                0,
                0,
                Some(("foo-v2", 2, 0)),
                &[("foo-v1", 3)],
                (5, 5),
                &[("foo-v2", 1), ("foo-v1", 2)],
            ),
            (
                "sync.scale.07",
                8,
                0,
                0,
                Some(("foo-v3", 2, 0)),
                &[("foo-v2", 8), ("foo-v1", 3)],
                (13, 13),
                &[("foo-v3", 1), ("foo-v2", 5), ("foo-v1", 2)],
            ),
            (
                "sync.scale.08",
                4,
                0,
                0,
                Some(("foo-v3", 1, 0)),
                &[("foo-v2", 1), ("foo-v1", 1)],
                (3, 3),
                &[("foo-v3", 2), ("foo-v2", 1), ("foo-v1", 1)],
            ),
            (
                "sync.scale.09",
                2,
                0,
                0,
                Some(("foo-v3", 1, 0)),
                &[("foo-v2", 1), ("foo-v1", 1)],
                (3, 3),
                &[("foo-v3", 1), ("foo-v2", 1), ("foo-v1", 0)],
            ),
            ("sync.scale.10", 5, 0, 0, None, &[("foo-v2", 2), ("foo-v1", 2)], (4, 4), &[("foo-v2", 3), ("foo-v1", 2)]),
            (
                "sync.scale.11",
                0,
                0,
                0,
                Some(("foo-v3", 3, 0)),
                &[("foo-v2", 2), ("foo-v1", 1)],
                (6, 6),
                &[("foo-v3", 0), ("foo-v2", 0), ("foo-v1", 0)],
            ),
            (
                "sync.scale.12",
                6,
                0,
                0,
                Some(("foo-v3", 0, 0)),
                &[("foo-v2", 0), ("foo-v1", 0)],
                (6, 6),
                &[("foo-v3", 6), ("foo-v2", 0), ("foo-v1", 0)],
            ),
            (
                "sync.scale.15",
                50,
                6,
                0,
                Some(("foo-v2", 5, 0)),
                &[("foo-v1", 8)],
                (10, 13),
                &[("foo-v2", 22), ("foo-v1", 34)],
            ),
            (
                "sync.scale.16",
                14,
                0,
                0,
                None,
                &[("foo-v2", 7), ("foo-v1", 3)],
                (10, 10),
                &[("foo-v2", 10), ("foo-v1", 4)],
            ),
            (
                "sync.scale.17",
                2,
                1,
                1,
                Some(("foo-v2", 2, 0)),
                &[("foo-v1", 1)],
                (2, 3),
                &[("foo-v2", 2), ("foo-v1", 1)],
            ),
        ];
        for (id, replicas, surge, unavailable, new, olds, (desired, max), expected) in cases {
            let d = deployment(*replicas, *surge, *unavailable);
            let new_rs = new.map(|(name, spec, available)| {
                let mut r = annotate(rs(name, spec, 100), *desired, *max);
                r.status.available_replicas = available;
                r
            });
            let old_owned: Vec<ReplicaSet> = olds
                .iter()
                .enumerate()
                .map(|(i, (name, spec))| annotate(rs(name, *spec, 50 - i as i64), *desired, *max))
                .collect();
            let old_refs: Vec<&ReplicaSet> = old_owned.iter().collect();
            let result = scale(&d, new_rs.as_ref(), &old_refs);
            let mut got: Vec<(&str, i32)> = Vec::new();
            if let Some(n) = &new_rs {
                got.push((n.metadata.name(), result.replicas_after(ReplicaSetRef::New, n)));
            }
            for (i, old) in old_owned.iter().enumerate() {
                got.push((old.metadata.name(), result.replicas_after(ReplicaSetRef::Old(i), old)));
            }
            assert_eq!(got, expected.to_vec(), "{id}: {:#?}", result.why);
            for write in &result.writes {
                assert_eq!((write.desired_replicas, write.max_replicas), (*replicas, replicas + surge), "{id}");
            }
        }
    }

    /// sync.scale.12's note: the old ReplicaSets are not written; 17: nothing
    /// is written at all. Events carry "to N from M".
    #[test]
    fn scale_writes_and_events() {
        let d = deployment(6, 0, 0);
        let new_rs = annotate(rs("foo-v3", 0, 100), 6, 6);
        let olds = [annotate(rs("foo-v2", 0, 50), 6, 6), annotate(rs("foo-v1", 0, 49), 6, 6)];
        let result = scale(&d, Some(&new_rs), &[&olds[0], &olds[1]]);
        assert_eq!(result.writes.len(), 1);
        assert_eq!(result.writes[0].replica_set, ReplicaSetRef::New);
        assert_eq!(result.events, ["Scaled up replica set foo-v3 to 6 from 0"]);

        let d = deployment(2, 1, 1);
        let new_rs = annotate(rs("foo-v2", 2, 100), 2, 3);
        let old = annotate(rs("foo-v1", 1, 50), 2, 3);
        let result = scale(&d, Some(&new_rs), &[&old]);
        assert!(result.writes.is_empty() && result.events.is_empty(), "{result:?}");

        let d = deployment(3, 0, 0);
        let new_rs = annotate(rs("foo-v2", 2, 100), 5, 5);
        let old = annotate(rs("foo-v1", 3, 50), 5, 5);
        let result = scale(&d, Some(&new_rs), &[&old]);
        assert_eq!(
            result.events,
            ["Scaled down replica set foo-v1 to 2 from 3", "Scaled down replica set foo-v2 to 1 from 2"]
        );
        assert_eq!(
            result.why,
            [
                "allowed = spec.replicas 3 + maxSurge 0 = 3; active replica sets hold 5; to add = -2",
                "order (largest first, older first on ties): foo-v1, foo-v2",
                "foo-v1: fraction = round(3 × 3 / 5 [max-replicas]) − 3 = -1; proportion = max(-1, -2 left) = -1; 3 → 2",
                "foo-v2: fraction = round(2 × 3 / 5 [max-replicas]) − 2 = -1; proportion = max(-1, -1 left) = -1; 2 → 1",
            ]
        );
    }

    /// A saturated new ReplicaSet: every active old one goes to 0.
    #[test]
    fn saturated_new_replica_set_scales_old_to_zero() {
        let d = deployment(2, 1, 1);
        let mut new_rs = annotate(rs("foo-v2", 2, 100), 2, 3);
        new_rs.status.available_replicas = 2;
        let old = annotate(rs("foo-v1", 1, 50), 2, 3);
        let result = scale(&d, Some(&new_rs), &[&old]);
        assert_eq!(result.replicas_after(ReplicaSetRef::Old(0), &old), 0);
        assert_eq!(result.events, ["Scaled down replica set foo-v1 to 0 from 1"]);
    }

    /// An old ReplicaSet for cleanup: (name, spec, status, revision, created).
    fn old_rs(name: &str, spec: i32, status: i32, revision: Option<&str>, created_s: i64) -> ReplicaSet {
        let mut r = rs(name, spec, created_s);
        r.status.replicas = status;
        if let Some(revision) = revision {
            r.metadata.annotations.insert(REVISION_ANNOTATION.into(), revision.into());
        }
        r
    }

    type CleanupCase = (&'static str, i32, &'static [(&'static str, i32, i32, Option<&'static str>, bool)], usize);

    /// sync.cleanup.* (TestDeploymentController_cleanupDeployment): (id,
    /// limit, [(name, spec, status, revision, being deleted)], deletions).
    #[test]
    fn cleanup_count_table() {
        let cases: &[CleanupCase] = &[
            (
                "sync.cleanup.01",
                1,
                &[("foo-1", 0, 0, None, false), ("foo-2", 0, 0, None, false), ("foo-3", 0, 0, None, false)],
                2,
            ),
            (
                "sync.cleanup.02",
                0,
                &[
                    ("foo-1", 0, 0, None, false),
                    ("foo-2", 0, 1, None, false),
                    ("foo-3", 1, 0, None, false),
                    ("foo-4", 1, 1, None, false),
                ],
                1,
            ),
            ("sync.cleanup.03", 0, &[("foo-1", 0, 0, None, false), ("foo-2", 0, 0, None, false)], 2),
            ("sync.cleanup.05", 0, &[("foo-1", 0, 0, None, true)], 0),
            (
                "sync.cleanup.06",
                i32::MAX,
                &[("foo-1", 0, 0, None, false), ("foo-2", 0, 0, None, false), ("foo-3", 0, 0, None, false)],
                0,
            ),
        ];
        for (id, limit, olds, expected) in cases {
            let mut d = deployment(1, 0, 0);
            d.spec.revision_history_limit = Some(*limit);
            let owned: Vec<ReplicaSet> = olds
                .iter()
                .enumerate()
                .map(|(i, (name, spec, status, revision, deleting))| {
                    let mut r = old_rs(name, *spec, *status, *revision, i as i64);
                    if *deleting {
                        r.metadata.rare_mut().deletion_timestamp = Some(Time::from_unix_ms(0));
                    }
                    r
                })
                .collect();
            let refs: Vec<&ReplicaSet> = owned.iter().collect();
            assert_eq!(cleanup_deployment(&d, &refs).len(), *expected, "{id}");
        }
    }

    type CleanupOrderCase =
        (&'static str, i32, &'static [(&'static str, i32, Option<&'static str>)], &'static [&'static str]);

    /// sync.cleanuporder.* (TestDeploymentController_cleanupDeploymentOrder):
    /// (id, limit, [(name, replicas, revision)] oldest first, deleted).
    #[test]
    fn cleanup_order_table() {
        let cases: &[CleanupOrderCase] = &[
            ("sync.cleanuporder.01", 1, &[("foo-1", 0, Some("1")), ("foo-2", 0, Some("2"))], &["foo-1"]),
            ("sync.cleanuporder.02", 1, &[("foo-1", 0, Some("2")), ("foo-2", 0, Some("1"))], &["foo-2"]),
            ("sync.cleanuporder.03", 1, &[("foo-1", 0, Some("1")), ("foo-2", 0, None)], &["foo-2"]),
            ("sync.cleanuporder.04", 1, &[("foo-1", 0, None), ("foo-2", 0, Some("2"))], &["foo-1"]),
            (
                "sync.cleanuporder.06",
                1,
                &[("foo-1", 1, Some("1")), ("foo-2", 1, Some("2")), ("foo-3", 0, Some("3"))],
                &[],
            ),
            (
                "sync.cleanuporder.07",
                2,
                &[("foo-1", 0, Some("3")), ("foo-2", 0, Some("1")), ("foo-3", 0, Some("4")), ("foo-4", 0, Some("2"))],
                &["foo-2", "foo-4"],
            ),
        ];
        for (id, limit, olds, expected) in cases {
            let mut d = deployment(1, 0, 0);
            d.spec.revision_history_limit = Some(*limit);
            let owned: Vec<ReplicaSet> = olds
                .iter()
                .enumerate()
                .map(|(i, (name, replicas, revision))| old_rs(name, *replicas, *replicas, *revision, i as i64))
                .collect();
            let refs: Vec<&ReplicaSet> = owned.iter().collect();
            let mut deleted: Vec<&str> =
                cleanup_deployment(&d, &refs).iter().map(|&i| owned[i].metadata.name()).collect();
            deleted.sort_unstable();
            assert_eq!(deleted, expected.to_vec(), "{id}");
        }
    }

    #[test]
    fn cleanup_ties_and_bad_revisions_never_panic() {
        let mut d = deployment(1, 0, 0);
        d.spec.revision_history_limit = Some(0);
        let owned: Vec<ReplicaSet> = (0..20)
            .map(|i| {
                old_rs(
                    &format!("rs-{i}"),
                    0,
                    0,
                    Some(["x", "1", "-3", "", "99999999999999999999"][i % 5]),
                    (i % 3) as i64,
                )
            })
            .collect();
        let refs: Vec<&ReplicaSet> = owned.iter().collect();
        assert_eq!(cleanup_deployment(&d, &refs).len(), 20);
        d.spec.revision_history_limit = None;
        assert!(cleanup_deployment(&d, &refs).is_empty());
    }

    /// Spec 4.4: the counts, unavailable floored at 0, the Available
    /// condition and its update rules.
    #[test]
    fn calculate_status_counts_and_available_condition() {
        let t0 = Time::parse_rfc3339("2017-02-15T18:49:00Z").unwrap();
        let t1 = Time::from_unix_ms(t0.unix_ms + 60_000);
        let mut d = deployment(3, 1, 0);
        d.metadata.generation = Some(4);
        d.status.collision_count = Some(2);
        let mut new_rs = rs("foo-new", 3, 100);
        new_rs.status.replicas = 2;
        new_rs.status.ready_replicas = 2;
        new_rs.status.available_replicas = 1;
        new_rs.status.terminating_replicas = Some(0);
        let mut old = rs("foo-old", 1, 50);
        old.status.replicas = 2;
        old.status.ready_replicas = 2;
        old.status.available_replicas = 2;
        old.status.terminating_replicas = Some(1);
        let status = calculate_status(&[&old, &new_rs], Some(&new_rs), &d, t0);
        assert_eq!(
            (status.observed_generation, status.replicas, status.updated_replicas, status.ready_replicas),
            (4, 4, 2, 4)
        );
        assert_eq!((status.available_replicas, status.unavailable_replicas), (3, 1));
        assert_eq!((status.terminating_replicas, status.collision_count), (Some(1), Some(2)));
        let available = get_deployment_condition(&status, DEPLOYMENT_AVAILABLE).unwrap();
        assert_eq!(
            (available.status.as_str(), available.reason.as_str(), available.message.as_str()),
            ("True", MINIMUM_REPLICAS_AVAILABLE, "Deployment has minimum availability.")
        );
        assert_eq!((available.last_update_time, available.last_transition_time), (Some(t0), Some(t0)));

        // Same status and reason: no-op, timestamps stay.
        d.status = status;
        let again = calculate_status(&[&old, &new_rs], Some(&new_rs), &d, t1);
        assert_eq!(again.conditions, d.status.conditions);

        // Fewer available than replicas − maxUnavailable (3 − 0).
        new_rs.status.available_replicas = 0;
        old.status.terminating_replicas = None;
        let down = calculate_status(&[&old, &new_rs], Some(&new_rs), &d, t1);
        let available = get_deployment_condition(&down, DEPLOYMENT_AVAILABLE).unwrap();
        assert_eq!(
            (available.status.as_str(), available.reason.as_str(), available.message.as_str()),
            ("False", MINIMUM_REPLICAS_UNAVAILABLE, "Deployment does not have minimum availability.")
        );
        assert_eq!((available.last_update_time, available.last_transition_time), (Some(t1), Some(t1)));
        assert_eq!(down.terminating_replicas, None);

        // More available than spec: unavailable is 0, not negative.
        let mut extra = rs("foo-extra", 1, 10);
        extra.status.available_replicas = 5;
        assert_eq!(calculate_status(&[&extra], None, &d, t1).unavailable_replicas, 0);
    }

    #[test]
    fn set_condition_keeps_transition_time_on_same_status() {
        let t0 = Time::from_unix_ms(1_000);
        let t1 = Time::from_unix_ms(2_000);
        let mut status = DeploymentStatus::default();
        set_deployment_condition(&mut status, new_deployment_condition("Progressing", "True", "A", "a".into(), t0));
        set_deployment_condition(&mut status, new_deployment_condition("Available", "True", "B", "b".into(), t0));
        set_deployment_condition(&mut status, new_deployment_condition("Progressing", "True", "C", "c".into(), t1));
        let types: Vec<&str> = status.conditions.iter().map(|c| c.condition_type.as_str()).collect();
        assert_eq!(types, ["Available", "Progressing"]);
        let progressing = get_deployment_condition(&status, "Progressing").unwrap();
        assert_eq!((progressing.last_update_time, progressing.last_transition_time), (Some(t1), Some(t0)));
        assert_eq!(progressing.reason, "C");
    }

    /// getNewReplicaSet's Deployment update: the revision annotation always;
    /// the Progressing condition only with a deadline, `NewReplicaSetCreated`
    /// on creation, `FoundNewReplicaSet` only when there is none yet.
    #[test]
    fn new_replica_set_updates_the_deployment() {
        let now = Time::from_unix_ms(5_000);
        let new_rs = rs("foo-abc", 1, 0);
        let mut d = deployment(3, 1, 0);
        let progressing = |d: &Deployment| {
            get_deployment_condition(&d.status, DEPLOYMENT_PROGRESSING)
                .map(|c| (c.reason.clone(), c.message.clone(), c.last_update_time))
        };
        let updated = new_replica_set_deployment_update(&d, &new_rs, "2", true, now).unwrap();
        assert_eq!(updated.metadata.annotations.get(REVISION_ANNOTATION).map(String::as_str), Some("2"));
        assert_eq!(progressing(&updated), None, "no deadline, no condition");
        assert_eq!(new_replica_set_deployment_update(&updated, &new_rs, "2", false, now), None);
        // A missing annotation reads as "", like Go's map lookup.
        assert_eq!(new_replica_set_deployment_update(&d, &new_rs, "", false, now), None);

        d.spec.progress_deadline_seconds = Some(600);
        let created = new_replica_set_deployment_update(&d, &new_rs, "2", true, now).unwrap();
        let expected = |reason: &str, message: &str| Some((reason.to_string(), message.to_string(), Some(now)));
        assert_eq!(progressing(&created), expected(NEW_REPLICA_SET_REASON, "Created new replica set \"foo-abc\""));
        let found = new_replica_set_deployment_update(&d, &new_rs, "2", false, now).unwrap();
        assert_eq!(progressing(&found), expected(FOUND_NEW_RS_REASON, "Found new replica set \"foo-abc\""));
        assert_eq!(new_replica_set_deployment_update(&found, &new_rs, "2", false, now), None);
    }
}
