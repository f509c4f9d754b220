//! `pkg/controller/deployment/rolling.go`: the steps of a RollingUpdate
//! (spec sections 4.3.3 and 4.3.4). Each reads the Deployment and its
//! ReplicaSets and returns a [`RollingStep`]: which ReplicaSets it would
//! scale to what, whether upstream would report that it scaled, and why.
//!
//! ReplicaSets are passed as upstream's `allRSs` (a slice) and picked out by
//! index: `new_rs` is the new one, `old_rss` the old ones (rolloutRolling
//! passes the active ones, `spec.replicas > 0`). Every [`Scale`] names its
//! ReplicaSet by that index.

use super::util::{
    get_available_replica_count_for_replica_sets, get_replica_count_for_replica_sets, max_unavailable,
    new_rs_new_replicas, replica_sets_by_creation_timestamp,
};
use crate::api::apps::{Deployment, ReplicaSet};
use crate::api::intstr::{IntOrString, get_scaled_value_from_int_or_percent};

/// One ReplicaSet scaled (`scaleReplicaSetAndRecordEvent` with a new size).
/// Writing it means `spec.replicas = to` and refreshing the desired- and
/// max-replicas annotations (`set_replicas_annotations(rs, d.replicas,
/// d.replicas + max_surge(d))`), as upstream's `scaleReplicaSet` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scale {
    /// Index into the ReplicaSets the step was given.
    pub index: usize,
    pub name: String,
    pub from: i32,
    pub to: i32,
}

impl Scale {
    /// The Normal `ScalingReplicaSet` event's message.
    pub fn event_message(&self) -> String {
        let direction = if self.to > self.from { "up" } else { "down" };
        format!("Scaled {direction} replica set {} to {} from {}", self.name, self.to, self.from)
    }
}

/// What one step would do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RollingStep {
    /// Upstream's answer: true means rolloutRolling stops here this sync.
    pub scaled: bool,
    /// The writes, in the order upstream makes them (they stand even when an
    /// error later makes `scaled` false, as the API calls would have).
    pub scales: Vec<Scale>,
    /// Pods removed from old ReplicaSets (the old-side steps' count).
    pub scaled_down: i32,
    /// An error upstream returns or logs; the step stopped there.
    pub error: Option<String>,
    /// The arithmetic, in plain English.
    pub why: Vec<String>,
}

impl RollingStep {
    /// The `ScalingReplicaSet` event messages, one per write.
    pub fn events(&self) -> Vec<String> {
        self.scales.iter().map(Scale::event_message).collect()
    }

    pub(super) fn scale(&mut self, index: usize, replica_set: &ReplicaSet, from: i32, to: i32) {
        if from != to {
            self.scales.push(Scale { index, name: replica_set.metadata.name().to_string(), from, to });
        }
    }

    fn failed(mut self, error: String) -> RollingStep {
        self.why.push(format!("stopped: {error}"));
        self.error = Some(error);
        self.scaled = false;
        self
    }
}

fn spec_replicas(replica_set: &ReplicaSet) -> i32 {
    replica_set.spec.replicas.unwrap_or(1)
}

fn deployment_replicas(deployment: &Deployment) -> i32 {
    deployment.spec.replicas.unwrap_or(1)
}

/// "maxSurge 25% of 10 rounds up to 3", "maxSurge 2", "maxSurge unset (0)".
fn describe_fencepost(field: &str, value: Option<&IntOrString>, total: i32, round_up: bool) -> (String, i32) {
    match value {
        None => (format!("{field} unset (0)"), 0),
        Some(IntOrString::Int(n)) => (format!("{field} {n}"), *n),
        Some(text @ IntOrString::String(s)) => {
            let resolved = get_scaled_value_from_int_or_percent(text, total, round_up).unwrap_or(0);
            let direction = if round_up { "up" } else { "down" };
            (format!("{field} {s} of {total} rounds {direction} to {resolved}"), resolved)
        }
    }
}

/// "maxUnavailable 25% of 10 rounds down to 2: at least 8 of 10 pods must
/// stay available".
fn explain_min_available(deployment: &Deployment) -> (i32, String) {
    let replicas = deployment_replicas(deployment);
    let unavailable = max_unavailable(deployment);
    let min_available = replicas.wrapping_sub(unavailable);
    let rolling = deployment.spec.strategy.rolling_update.as_ref();
    let (mut text, raw) =
        describe_fencepost("maxUnavailable", rolling.and_then(|r| r.max_unavailable.as_ref()), replicas, false);
    if raw != unavailable {
        let (_, surge) = describe_fencepost("maxSurge", rolling.and_then(|r| r.max_surge.as_ref()), replicas, true);
        if raw == 0 && surge == 0 && unavailable == 1 {
            text.push_str(", and with maxSurge 0 too nothing could move, so 1 pod may be unavailable");
        } else {
            text.push_str(&format!(", {unavailable} in effect"));
        }
    }
    (min_available, format!("{text}: at least {min_available} of {replicas} pods must stay available"))
}

/// reconcileNewReplicaSet: bring the new ReplicaSet towards the Deployment's
/// replicas: down at once if above, else up as far as maxSurge allows
/// (`new_rs_new_replicas`).
pub fn reconcile_new_replica_set(deployment: &Deployment, all_rss: &[&ReplicaSet], new_rs: usize) -> RollingStep {
    let mut step = RollingStep::default();
    let Some(&new) = all_rss.get(new_rs) else {
        return step.failed(format!("no new ReplicaSet at index {new_rs}"));
    };
    let name = new.metadata.name();
    let (spec, replicas) = (spec_replicas(new), deployment_replicas(deployment));
    if spec == replicas {
        step.why.push(format!("{name} already has the {replicas} replicas the Deployment wants"));
        return step;
    }
    if spec > replicas {
        step.why.push(format!("{name} has {spec} replicas, more than the Deployment's {replicas}: scale it down"));
        step.scale(new_rs, new, spec, replicas);
        step.scaled = true;
        return step;
    }
    let count = match new_rs_new_replicas(deployment, all_rss, new) {
        Ok(count) => count,
        Err(error) => return step.failed(error),
    };
    if deployment.spec.strategy.strategy_type.as_deref() == Some("RollingUpdate") {
        let surge = deployment.spec.strategy.rolling_update.as_ref().and_then(|r| r.max_surge.as_ref());
        let (text, surge) = describe_fencepost("maxSurge", surge, replicas, true);
        let max_total = replicas.wrapping_add(surge);
        step.why.push(format!("{text}: up to {max_total} pods"));
        let current = get_replica_count_for_replica_sets(all_rss);
        if current >= max_total {
            step.why.push(format!("the ReplicaSets already ask for {current} pods: {name} stays at {spec}"));
        } else {
            let room = max_total.wrapping_sub(current);
            step.why.push(format!(
                "the ReplicaSets ask for {current} pods, {room} under that: {name} grows by min({room}, {replicas} − {spec}) to {count}"
            ));
        }
    } else {
        step.why.push(format!("{name} goes straight to the Deployment's {count} replicas"));
    }
    step.scale(new_rs, new, spec, count);
    step.scaled = count != spec;
    step
}

/// An old ReplicaSet as the old-side steps see it: its size changes as they
/// scale it, its status does not.
#[derive(Clone, Copy)]
struct Old<'a> {
    index: usize,
    rs: &'a ReplicaSet,
    spec: i32,
}

fn olds<'a>(all_rss: &[&'a ReplicaSet], old_rss: &[usize]) -> Vec<Old<'a>> {
    old_rss
        .iter()
        .filter_map(|&index| all_rss.get(index).map(|&rs| Old { index, rs, spec: spec_replicas(rs) }))
        .collect()
}

fn invalid_scale_down(what: &str, old: &Old, to: i32) -> String {
    let meta = &old.rs.metadata;
    format!("{what}, got invalid request to scale down {}/{} {} -> {to}", meta.namespace(), meta.name(), old.spec)
}

/// reconcileOldReplicaSets: how many old pods may go now (all pods − the
/// minimum available − the new ReplicaSet's pods not yet available), then
/// first the old pods that are not available, then available ones while
/// availability stays above the minimum.
pub fn reconcile_old_replica_sets(
    deployment: &Deployment,
    all_rss: &[&ReplicaSet],
    old_rss: &[usize],
    new_rs: usize,
) -> RollingStep {
    let mut step = RollingStep::default();
    let Some(&new) = all_rss.get(new_rs) else {
        return step.failed(format!("no new ReplicaSet at index {new_rs}"));
    };
    let mut olds = olds(all_rss, old_rss);
    let old_pods = olds.iter().fold(0i32, |sum, old| sum.wrapping_add(old.spec));
    if old_pods == 0 {
        step.why.push("the old ReplicaSets have no pods left to scale down".to_string());
        return step;
    }
    let all_pods = get_replica_count_for_replica_sets(all_rss);
    let (min_available, text) = explain_min_available(deployment);
    step.why.push(text);
    let new_unavailable = spec_replicas(new).wrapping_sub(new.status.available_replicas);
    let max_scaled_down = all_pods.wrapping_sub(min_available).wrapping_sub(new_unavailable);
    step.why.push(format!(
        "{all_pods} pods in all − {min_available} minimum available − {new_unavailable} not yet available in {} = {max_scaled_down}",
        new.metadata.name()
    ));
    if max_scaled_down <= 0 {
        step.why.push("no old pod may go yet".to_string());
        return step;
    }
    let cleaned = match cleanup(&mut olds, max_scaled_down, &mut step) {
        Ok(count) => count,
        Err(error) => return step.failed(error),
    };
    let available =
        olds.iter().fold(new.status.available_replicas, |sum, old| sum.wrapping_add(old.rs.status.available_replicas));
    let scaled_down = match scale_down(min_available, available, &mut olds, &mut step) {
        Ok(count) => count,
        Err(error) => return step.failed(error),
    };
    step.scaled_down = cleaned.wrapping_add(scaled_down);
    step.scaled = step.scaled_down > 0;
    step
}

/// cleanupUnhealthyReplicas: take up to `max_cleanup_count` pods that are
/// not available from the old ReplicaSets, oldest first (the ReplicaSet
/// controller then deletes those pods first). The Deployment is upstream's
/// argument for its events; the arithmetic does not need it.
pub fn cleanup_unhealthy_replicas(
    _deployment: &Deployment,
    all_rss: &[&ReplicaSet],
    old_rss: &[usize],
    max_cleanup_count: i32,
) -> RollingStep {
    let mut step = RollingStep::default();
    match cleanup(&mut olds(all_rss, old_rss), max_cleanup_count, &mut step) {
        Ok(count) => {
            step.scaled_down = count;
            step.scaled = count > 0;
            step
        }
        Err(error) => step.failed(error),
    }
}

fn cleanup(olds: &mut [Old], max_cleanup_count: i32, step: &mut RollingStep) -> Result<i32, String> {
    crate::lean::sort_by(olds, |a, b| replica_sets_by_creation_timestamp(a.rs, b.rs));
    let mut total = 0i32;
    for old in olds.iter_mut() {
        if total >= max_cleanup_count {
            break;
        }
        let available = old.rs.status.available_replicas;
        if old.spec == 0 || old.spec == available {
            continue;
        }
        let unhealthy = old.spec.wrapping_sub(available);
        let count = max_cleanup_count.wrapping_sub(total).min(unhealthy);
        let to = old.spec.wrapping_sub(count);
        if to > old.spec {
            return Err(invalid_scale_down("when cleaning up unhealthy replicas", old, to));
        }
        step.why.push(format!(
            "{} has {unhealthy} pods not available ({} − {available} available): remove {count}",
            old.rs.metadata.name(),
            old.spec
        ));
        step.scale(old.index, old.rs, old.spec, to);
        total = total.wrapping_add(count);
        old.spec = to;
    }
    Ok(total)
}

/// scaleDownOldReplicaSetsForRollingUpdate: old ReplicaSets, oldest first,
/// give up as many pods as are available above the minimum (counted over
/// `all_rss`' `status.availableReplicas`, which lags behind spec: old pods go
/// only once new ones are available).
pub fn scale_down_old_replica_sets_for_rolling_update(
    deployment: &Deployment,
    all_rss: &[&ReplicaSet],
    old_rss: &[usize],
) -> RollingStep {
    let mut step = RollingStep::default();
    let (min_available, text) = explain_min_available(deployment);
    step.why.push(text);
    let available = get_available_replica_count_for_replica_sets(all_rss);
    match scale_down(min_available, available, &mut olds(all_rss, old_rss), &mut step) {
        Ok(count) => {
            step.scaled_down = count;
            step.scaled = count > 0;
            step
        }
        Err(error) => step.failed(error),
    }
}

fn scale_down(min_available: i32, available: i32, olds: &mut [Old], step: &mut RollingStep) -> Result<i32, String> {
    if available <= min_available {
        step.why.push(format!(
            "{available} pods available, not above the {min_available} minimum: the old ReplicaSets keep their pods"
        ));
        return Ok(0);
    }
    let budget = available.wrapping_sub(min_available);
    step.why.push(format!(
        "old ReplicaSets may lose {budget} pods: {available} available − {min_available} minimum available"
    ));
    crate::lean::sort_by(olds, |a, b| replica_sets_by_creation_timestamp(a.rs, b.rs));
    let mut total = 0i32;
    for old in olds.iter_mut() {
        if total >= budget {
            break;
        }
        if old.spec == 0 {
            continue;
        }
        let count = old.spec.min(budget.wrapping_sub(total));
        let to = old.spec.wrapping_sub(count);
        if to > old.spec {
            return Err(invalid_scale_down("when scaling down old RS", old, to));
        }
        step.why.push(format!("{}: {} → {to}", old.rs.metadata.name(), old.spec));
        step.scale(old.index, old.rs, old.spec, to);
        total = total.wrapping_add(count);
        old.spec = to;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::RollingUpdateDeployment;
    use crate::api::core::PodTemplateSpec;
    use crate::api::time::Time;
    use crate::controller::deployment::util::{
        POD_TEMPLATE_HASH_LABEL, find_new_replica_set, find_old_replica_sets, max_revision, max_surge,
        set_new_replica_set_annotations, set_replicas_annotations,
    };

    fn s(text: &str) -> IntOrString {
        IntOrString::String(text.to_string())
    }

    fn rolling(replicas: i32, surge: IntOrString, unavailable: IntOrString) -> Deployment {
        let mut d = Deployment::default();
        d.metadata.name = Some("web".to_string());
        d.spec.replicas = Some(replicas);
        d.spec.strategy.strategy_type = Some("RollingUpdate".to_string());
        d.spec.strategy.rolling_update =
            Some(RollingUpdateDeployment { max_surge: Some(surge), max_unavailable: Some(unavailable) });
        d
    }

    fn rs(name: &str, created_s: i64, replicas: i32, available: i32) -> ReplicaSet {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(name.to_string());
        rs.metadata.creation_timestamp = Some(Time::from_unix_ms(created_s * 1000));
        rs.spec.replicas = Some(replicas);
        rs.status.replicas = replicas;
        rs.status.available_replicas = available;
        rs
    }

    fn int(n: i32) -> IntOrString {
        IntOrString::Int(n)
    }

    /// rolling.reconcilenew.01-03, .05 (TestDeploymentController_reconcileNewReplicaSet):
    /// allRSs = [new, old]. The gated cases .gated.01/.02 need
    /// DeploymentPodReplacementPolicy (alpha, not modelled); with default
    /// gates their inputs give what the cases' notes say: 5 and 7.
    #[test]
    fn reconcile_new_replica_set_table() {
        // (replicas, surge, old spec, new spec, scaled, new spec after)
        let cases = [
            (10, 0, 10, 0, false, 0), // .01
            (10, 2, 10, 0, true, 2),  // .02
            (10, 2, 5, 0, true, 7),   // .03
            (10, 2, 2, 11, true, 10), // .05
            (10, 0, 5, 1, true, 5),   // .gated.01 with default gates
            (10, 2, 5, 0, true, 7),   // .gated.02 with default gates
        ];
        for (replicas, surge, old_spec, new_spec, scaled, expected) in cases {
            let d = rolling(replicas, int(surge), int(0));
            let (new, old) = (rs("web-new", 2, new_spec, 0), rs("web-old", 1, old_spec, old_spec));
            let step = reconcile_new_replica_set(&d, &[&new, &old], 0);
            assert_eq!(step.scaled, scaled, "{old_spec} {new_spec}: {step:?}");
            let after = step.scales.iter().find(|sc| sc.index == 0).map_or(new_spec, |sc| sc.to);
            assert_eq!(after, expected, "{old_spec} {new_spec}: {step:?}");
            assert!(step.scales.iter().all(|sc| sc.index == 0), "{step:?}");
            assert_eq!(step.error, None);
        }
    }

    #[test]
    fn reconcile_new_replica_set_explains_and_never_panics() {
        let d = rolling(10, s("25%"), s("25%"));
        let (new, old) = (rs("web-new", 2, 0, 0), rs("web-old", 1, 10, 10));
        let step = reconcile_new_replica_set(&d, &[&old, &new], 1);
        assert_eq!(step.scales, [Scale { index: 1, name: "web-new".to_string(), from: 0, to: 3 }]);
        assert_eq!(step.events(), ["Scaled up replica set web-new to 3 from 0"]);
        assert_eq!(
            step.why,
            [
                "maxSurge 25% of 10 rounds up to 3: up to 13 pods",
                "the ReplicaSets ask for 10 pods, 3 under that: web-new grows by min(3, 10 − 0) to 3",
            ]
        );
        // Already there.
        let done = rs("web-new", 2, 10, 10);
        let step = reconcile_new_replica_set(&d, &[&done], 0);
        assert!(!step.scaled && step.scales.is_empty());
        assert_eq!(step.why, ["web-new already has the 10 replicas the Deployment wants"]);
        // A bad index or a bad maxSurge is an error, not a panic.
        assert!(reconcile_new_replica_set(&d, &[], 0).error.is_some());
        let bad = rolling(10, s("many"), s("25%"));
        let step = reconcile_new_replica_set(&bad, &[&new], 0);
        assert!(!step.scaled);
        assert_eq!(
            step.error.as_deref(),
            Some("invalid value for IntOrString: invalid type: string is not a percentage")
        );
        // Extreme numbers wrap as Go's int32 does instead of panicking.
        let huge = rolling(i32::MAX, int(i32::MAX), int(0));
        let _ = reconcile_new_replica_set(&huge, &[&rs("a", 1, i32::MAX, 0), &rs("b", 2, 5, 0)], 1);
    }

    /// rolling.reconcileold.01, .03-.05 (TestDeploymentController_reconcileOldReplicaSets):
    /// allRSs = [old, new], oldRSs = [old].
    #[test]
    fn reconcile_old_replica_sets_table() {
        // (unavailable, old spec, old available, new spec, new available, scaled, old spec after)
        let cases = [
            (0, 10, 10, 0, 0, true, 9), // .01 (0/0 falls back to 1 unavailable)
            (2, 10, 8, 0, 0, true, 8),  // .03 two unhealthy cleaned up
            (2, 10, 9, 0, 0, true, 8),  // .04 one cleaned up, one scaled down
            (2, 8, 8, 2, 0, false, 8),  // .05 the new RS's unavailable pods block it
        ];
        for (unavailable, old_spec, old_available, new_spec, new_available, scaled, expected) in cases {
            let d = rolling(10, int(0), int(unavailable));
            let (old, new) = (rs("web-old", 1, old_spec, old_available), rs("web-new", 2, new_spec, new_available));
            let step = reconcile_old_replica_sets(&d, &[&old, &new], &[0], 1);
            assert_eq!(step.scaled, scaled, "{step:?}");
            let after = step.scales.iter().filter(|sc| sc.index == 0).map(|sc| sc.to).next_back().unwrap_or(old_spec);
            assert_eq!(after, expected, "{step:?}");
            assert_eq!(step.scaled_down, old_spec - expected);
        }
    }

    #[test]
    fn reconcile_old_replica_sets_explains() {
        // .04: one unhealthy pod cleaned up, then one available pod.
        let d = rolling(10, int(0), int(2));
        let (old, new) = (rs("web-old", 1, 10, 9), rs("web-new", 2, 0, 0));
        let step = reconcile_old_replica_sets(&d, &[&old, &new], &[0], 1);
        assert_eq!(
            step.events(),
            ["Scaled down replica set web-old to 9 from 10", "Scaled down replica set web-old to 8 from 9"]
        );
        assert_eq!(
            step.why,
            [
                "maxUnavailable 2: at least 8 of 10 pods must stay available",
                "10 pods in all − 8 minimum available − 0 not yet available in web-new = 2",
                "web-old has 1 pods not available (10 − 9 available): remove 1",
                "old ReplicaSets may lose 1 pods: 9 available − 8 minimum available",
                "web-old: 9 → 8",
            ]
        );
        // .01's fallback is explained.
        let d = rolling(10, int(0), int(0));
        let (old, new) = (rs("web-old", 1, 10, 10), rs("web-new", 2, 0, 0));
        let step = reconcile_old_replica_sets(&d, &[&old, &new], &[0], 1);
        assert_eq!(
            step.why[0],
            "maxUnavailable 0, and with maxSurge 0 too nothing could move, so 1 pod may be unavailable: at least 9 of 10 pods must stay available"
        );
        // No old pods: nothing.
        let idle = rs("web-old", 1, 0, 0);
        let step = reconcile_old_replica_sets(&d, &[&idle, &new], &[0], 1);
        assert!(!step.scaled);
        assert_eq!(step.why, ["the old ReplicaSets have no pods left to scale down"]);
        assert!(reconcile_old_replica_sets(&d, &[&old], &[0], 4).error.is_some());
    }

    /// Status ahead of spec (available > spec) makes upstream's cleanup ask
    /// to scale *up*: it refuses, and reconcileOldReplicaSets reports no
    /// scaling (writes made before the refusal stand).
    #[test]
    fn cleanup_refuses_to_scale_up() {
        let d = rolling(10, int(0), int(2));
        let (first, second, new) = (rs("web-a", 1, 4, 2), rs("web-b", 2, 3, 5), rs("web-new", 3, 6, 6));
        let step = reconcile_old_replica_sets(&d, &[&first, &second, &new], &[1, 0], 2);
        assert!(!step.scaled);
        assert_eq!(step.scales, [Scale { index: 0, name: "web-a".to_string(), from: 4, to: 2 }]);
        assert_eq!(
            step.error.as_deref(),
            Some("when cleaning up unhealthy replicas, got invalid request to scale down default/web-b 3 -> 5")
        );
    }

    /// rolling.cleanupunhealthy.01, .02, .04 (TestDeploymentController_cleanupUnhealthyReplicas).
    #[test]
    fn cleanup_unhealthy_replicas_table() {
        // (old available, maxCleanupCount, cleanup count, old spec after)
        let cases = [(8, 1, 1, 9), (8, 3, 2, 8), (10, 3, 0, 10)];
        for (available, max_cleanup, count, expected) in cases {
            let d = rolling(10, int(2), int(2));
            let old = rs("web-old", 1, 10, available);
            let step = cleanup_unhealthy_replicas(&d, &[&old], &[0], max_cleanup);
            assert_eq!(step.scaled_down, count, "{step:?}");
            assert_eq!(step.scaled, count > 0);
            assert_eq!(step.scales.last().map_or(10, |sc| sc.to), expected, "{step:?}");
        }
    }

    /// Oldest first, across several old ReplicaSets given in any order.
    #[test]
    fn cleanup_goes_oldest_first() {
        let d = rolling(10, int(2), int(2));
        let (newer, older) = (rs("web-b", 20, 5, 1), rs("web-a", 10, 5, 3));
        let step = cleanup_unhealthy_replicas(&d, &[&newer, &older], &[0, 1], 3);
        let moves: Vec<(usize, i32, i32)> = step.scales.iter().map(|sc| (sc.index, sc.from, sc.to)).collect();
        assert_eq!(moves, [(1, 5, 3), (0, 5, 4)]);
        assert_eq!(step.scaled_down, 3);
    }

    /// rolling.scaledownold.01-04 (TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate):
    /// allRSs = oldRSs = [old].
    #[test]
    fn scale_down_old_replica_sets_table() {
        // (unavailable, old spec, old available, scaled, old spec after)
        let cases = [(0, 10, 10, true, 9), (2, 10, 10, true, 8), (2, 10, 8, false, 10), (2, 0, 10, false, 0)];
        for (unavailable, spec, available, scaled, expected) in cases {
            let d = rolling(10, int(0), int(unavailable));
            let old = rs("web-old", 1, spec, available);
            let step = scale_down_old_replica_sets_for_rolling_update(&d, &[&old], &[0]);
            assert_eq!(step.scaled, scaled, "{step:?}");
            assert_eq!(step.scales.last().map_or(spec, |sc| sc.to), expected, "{step:?}");
            assert_eq!(step.scaled_down, spec - expected);
        }
        let d = rolling(10, int(0), int(2));
        let step = scale_down_old_replica_sets_for_rolling_update(&d, &[&rs("web-old", 1, 10, 8)], &[0]);
        assert_eq!(step.why[1], "8 pods available, not above the 8 minimum: the old ReplicaSets keep their pods");
    }

    /// Spec 4.3.5, 10 replicas with defaults: the new RS starts at 3, and the
    /// next sync takes 10 − 8 = 2 old pods though no new pod is available.
    #[test]
    fn ten_replicas_with_defaults() {
        let d = rolling(10, s("25%"), s("25%"));
        let old = rs("web-old", 1, 10, 10);
        let new0 = rs("web-new", 2, 0, 0);
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new0], &new0), Ok(3));
        let new = rs("web-new", 2, 3, 0);
        let all = [&old, &new];
        let up = reconcile_new_replica_set(&d, &all, 1);
        assert!(!up.scaled);
        let down = reconcile_old_replica_sets(&d, &all, &[0], 1);
        assert_eq!(down.events(), ["Scaled down replica set web-old to 8 from 10"]);
        assert!(down.why.contains(&"old ReplicaSets may lose 2 pods: 10 available − 8 minimum available".to_string()));
        assert!(
            down.why.contains(&"13 pods in all − 8 minimum available − 3 not yet available in web-new = 2".to_string())
        );
    }

    /// One sync of rolloutRolling as far as these steps go (creating the new
    /// ReplicaSet is getNewReplicaSet's, done here as it does it); returns
    /// the event, if any.
    fn sync(d: &Deployment, replica_sets: &mut Vec<ReplicaSet>, created_s: i64) -> Option<String> {
        let refs: Vec<&ReplicaSet> = replica_sets.iter().collect();
        let Some(new_rs) = find_new_replica_set(d, &refs) else {
            let (_, all_old) = find_old_replica_sets(d, &refs);
            let old: Vec<&ReplicaSet> = all_old.iter().map(|&i| refs[i]).collect();
            let mut new = ReplicaSet::default();
            new.metadata.name = Some("web-NEW".to_string());
            new.metadata.creation_timestamp = Some(Time::from_unix_ms(created_s * 1000));
            new.spec.template = d.spec.template.clone();
            new.spec.template.metadata.labels_mut().insert(POD_TEMPLATE_HASH_LABEL.to_string(), "new".to_string());
            new.spec.replicas = Some(0);
            let mut all = old.clone();
            all.push(&new);
            let replicas = new_rs_new_replicas(d, &all, &new).ok()?;
            let revision = (max_revision(&old) + 1).to_string();
            set_new_replica_set_annotations(d, &mut new, &revision, false, 2000);
            new.spec.replicas = Some(replicas);
            replica_sets.push(new);
            return (replicas > 0).then(|| format!("Scaled up replica set web-NEW to {replicas}"));
        };
        let (active_old, _) = find_old_replica_sets(d, &refs);
        let mut step = reconcile_new_replica_set(d, &refs, new_rs);
        if !step.scaled {
            step = reconcile_old_replica_sets(d, &refs, &active_old, new_rs);
        }
        let events = step.events();
        for scale in step.scales {
            let rs = &mut replica_sets[scale.index];
            rs.spec.replicas = Some(scale.to);
            let replicas = d.spec.replicas.unwrap_or(1);
            set_replicas_annotations(rs, replicas, replicas + max_surge(d));
        }
        assert!(events.len() <= 1, "{events:?}");
        events.into_iter().next()
    }

    /// Spec 4.3.5's worked trace: 3 replicas, defaults (surge 1, unavailable
    /// 0), every new pod available at once between syncs.
    #[test]
    fn worked_trace() {
        let template = |image: &str| {
            let mut t = PodTemplateSpec::default();
            t.metadata.labels_mut().insert("app".to_string(), "web".to_string());
            t.spec.node_name = Some(image.to_string().into());
            t
        };
        let mut d = rolling(3, s("25%"), s("25%"));
        d.spec.template = template("v2").into();
        let mut old = rs("web-OLD", 1, 3, 3);
        old.spec.template = template("v1").into();
        old.spec.template.metadata.labels_mut().insert(POD_TEMPLATE_HASH_LABEL.to_string(), "old".to_string());
        let mut replica_sets = vec![old];

        let expected: [(i32, i32, Option<&str>); 7] = [
            (3, 1, Some("Scaled up replica set web-NEW to 1")),
            (2, 1, Some("Scaled down replica set web-OLD to 2 from 3")),
            (2, 2, Some("Scaled up replica set web-NEW to 2 from 1")),
            (1, 2, Some("Scaled down replica set web-OLD to 1 from 2")),
            (1, 3, Some("Scaled up replica set web-NEW to 3 from 2")),
            (0, 3, Some("Scaled down replica set web-OLD to 0 from 1")),
            (0, 3, None),
        ];
        for (number, (old_spec, new_spec, event)) in expected.into_iter().enumerate() {
            let got = sync(&d, &mut replica_sets, 100 + number as i64);
            // Between syncs every pod the specs ask for exists and is available.
            for rs in replica_sets.iter_mut() {
                rs.status.replicas = rs.spec.replicas.unwrap_or(1);
                rs.status.available_replicas = rs.status.replicas;
            }
            let specs: Vec<i32> = replica_sets.iter().map(|rs| rs.spec.replicas.unwrap_or(1)).collect();
            assert_eq!(specs, [old_spec, new_spec], "sync {}", number + 1);
            assert_eq!(got.as_deref(), event, "sync {}", number + 1);
        }
        let new = &replica_sets[1];
        assert_eq!(new.metadata.annotations.get("deployment.kubernetes.io/revision").map(String::as_str), Some("1"));
        assert_eq!(
            new.metadata.annotations.get("deployment.kubernetes.io/max-replicas").map(String::as_str),
            Some("4")
        );
    }
}
