//! `pkg/controller/deployment/util/deployment_util.go`: the arithmetic the
//! Deployment controller is built on.

use crate::api::apps::{Deployment, ReplicaSet};
use crate::api::intstr::{IntOrString, get_scaled_value_from_int_or_percent};
use crate::validation::field::go_quote;

pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";
pub const ROLLBACK_TO_ANNOTATION: &str = "deprecated.deployment.rollback.to";
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";

const ZERO: IntOrString = IntOrString::Int(0);

/// ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, and
/// when both come to 0 one pod may be unavailable (or nothing could move).
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> Result<(i32, i32), String> {
    let surge = get_scaled_value_from_int_or_percent(max_surge.unwrap_or(&ZERO), desired, true)?;
    let unavailable = get_scaled_value_from_int_or_percent(max_unavailable.unwrap_or(&ZERO), desired, false)?;
    if surge == 0 && unavailable == 0 {
        return Ok((0, 1));
    }
    Ok((surge, unavailable))
}

pub fn is_rolling_update(deployment: &Deployment) -> bool {
    deployment.spec.strategy.strategy_type.as_deref() == Some("RollingUpdate")
}

fn replicas(deployment: &Deployment) -> i32 {
    deployment.spec.replicas.unwrap_or(1)
}

/// The surge and unavailable fenceposts of a RollingUpdate Deployment
/// (validation guarantees they resolve; a bad value counts as 0).
fn fenceposts(deployment: &Deployment) -> (i32, i32) {
    let rolling = deployment.spec.strategy.rolling_update.as_ref();
    let surge = rolling.and_then(|r| r.max_surge.as_ref());
    let unavailable = rolling.and_then(|r| r.max_unavailable.as_ref());
    resolve_fenceposts(surge, unavailable, replicas(deployment)).unwrap_or((0, 0))
}

/// MaxSurge: 0 for anything but RollingUpdate.
pub fn max_surge(deployment: &Deployment) -> i32 {
    if !is_rolling_update(deployment) {
        return 0;
    }
    fenceposts(deployment).0
}

/// MaxUnavailable: 0 for anything but RollingUpdate or with no replicas;
/// never more than the replicas.
pub fn max_unavailable(deployment: &Deployment) -> i32 {
    if !is_rolling_update(deployment) || replicas(deployment) == 0 {
        return 0;
    }
    fenceposts(deployment).1.min(replicas(deployment))
}

/// MinAvailable: replicas − MaxUnavailable (0 for anything but RollingUpdate).
pub fn min_available(deployment: &Deployment) -> i32 {
    if !is_rolling_update(deployment) {
        return 0;
    }
    replicas(deployment) - max_unavailable(deployment)
}

/// GetReplicaCountForReplicaSets: Σ spec.replicas.
pub fn get_replica_count_for_replica_sets(replica_sets: &[&ReplicaSet]) -> i32 {
    replica_sets.iter().map(|rs| rs.spec.replicas.unwrap_or(1)).sum()
}

/// GetActualReplicaCountForReplicaSets: Σ status.replicas.
pub fn get_actual_replica_count_for_replica_sets(replica_sets: &[&ReplicaSet]) -> i32 {
    replica_sets.iter().map(|rs| rs.status.replicas).sum()
}

/// GetReadyReplicaCountForReplicaSets: Σ status.readyReplicas.
pub fn get_ready_replica_count_for_replica_sets(replica_sets: &[&ReplicaSet]) -> i32 {
    replica_sets.iter().map(|rs| rs.status.ready_replicas).sum()
}

/// GetAvailableReplicaCountForReplicaSets: Σ status.availableReplicas.
pub fn get_available_replica_count_for_replica_sets(replica_sets: &[&ReplicaSet]) -> i32 {
    replica_sets.iter().map(|rs| rs.status.available_replicas).sum()
}

/// NewRSNewReplicas: how big the new ReplicaSet may become now.
/// RollingUpdate: grow towards `replicas` without the total passing
/// replicas + maxSurge; Recreate: straight to `replicas`.
pub fn new_rs_new_replicas(
    deployment: &Deployment,
    all_replica_sets: &[&ReplicaSet],
    new_rs: &ReplicaSet,
) -> Result<i32, String> {
    let new_spec = new_rs.spec.replicas.unwrap_or(1);
    match deployment.spec.strategy.strategy_type.as_deref() {
        Some("RollingUpdate") => {
            let rolling = deployment.spec.strategy.rolling_update.as_ref();
            let surge = rolling.and_then(|r| r.max_surge.as_ref()).unwrap_or(&ZERO);
            let max_surge = get_scaled_value_from_int_or_percent(surge, replicas(deployment), true)?;
            let current = get_replica_count_for_replica_sets(all_replica_sets);
            let max_total = replicas(deployment) + max_surge;
            if current >= max_total {
                return Ok(new_spec);
            }
            let scale_up = max_total - current;
            Ok(new_spec + scale_up.min(replicas(deployment) - new_spec))
        }
        Some("Recreate") => Ok(replicas(deployment)),
        other => Err(format!("deployment type {} isn't supported", other.unwrap_or(""))),
    }
}

/// getNonNegativeInt32FromAnnotationVerbose: `Ok(None)` when absent,
/// `Ok(Some(n))` for a decimal that fits an int32, else Go's error
/// (`strconv.ParseUint: parsing "-1": invalid syntax`, or out of range).
/// Callers treat an error as absent.
pub fn get_non_negative_int32_from_annotation(replica_set: &ReplicaSet, key: &str) -> Result<Option<i32>, String> {
    let Some(text) = replica_set.metadata.annotations.get(key) else { return Ok(None) };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseUint: parsing {}: invalid syntax", go_quote(text)));
    }
    let value: u64 = match text.parse() {
        Ok(value) if value <= u64::from(u32::MAX) => value,
        _ => return Err(format!("strconv.ParseUint: parsing {}: value out of range", go_quote(text))),
    };
    if value > i32::MAX as u64 {
        return Err(format!("value {value} is out of range (higher than {})", i32::MAX));
    }
    Ok(Some(value as i32))
}

/// The annotation's value where callers want it: an invalid one is absent.
fn annotation_int(replica_set: &ReplicaSet, key: &str) -> Option<i32> {
    get_non_negative_int32_from_annotation(replica_set, key).ok().flatten()
}

/// IsSaturated: the ReplicaSet has all the Deployment's replicas, knows it
/// (desired-replicas annotation), and they are all available.
pub fn is_saturated(deployment: &Deployment, replica_set: &ReplicaSet) -> bool {
    let desired = annotation_int(replica_set, DESIRED_REPLICAS_ANNOTATION);
    replica_set.spec.replicas.unwrap_or(1) == replicas(deployment)
        && desired == Some(replicas(deployment))
        && replica_set.status.available_replicas == replicas(deployment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::RollingUpdateDeployment;

    pub(crate) fn deployment(
        strategy: &str,
        replicas: i32,
        surge: IntOrString,
        unavailable: IntOrString,
    ) -> Deployment {
        let mut d = Deployment::default();
        d.spec.replicas = Some(replicas);
        d.spec.strategy.strategy_type = Some(strategy.to_string());
        if strategy == "RollingUpdate" {
            d.spec.strategy.rolling_update =
                Some(RollingUpdateDeployment { max_surge: Some(surge), max_unavailable: Some(unavailable) });
        }
        d
    }

    fn s(text: &str) -> IntOrString {
        IntOrString::String(text.to_string())
    }

    type FencepostCase = (Option<IntOrString>, Option<IntOrString>, i32, Result<(i32, i32), ()>);

    /// deploy.fenceposts.01-06 (TestResolveFenceposts).
    #[test]
    fn resolve_fenceposts_table() {
        let cases: &[FencepostCase] = &[
            (Some(s("0%")), Some(s("0%")), 0, Ok((0, 1))),
            (Some(s("39%")), Some(s("39%")), 10, Ok((4, 3))),
            (Some(s("oops")), Some(s("39%")), 10, Err(())),
            (Some(s("55%")), Some(s("urg")), 10, Err(())),
            (None, Some(s("39%")), 10, Ok((0, 3))),
            (Some(s("39%")), None, 10, Ok((4, 0))),
        ];
        for (surge, unavailable, desired, expected) in cases {
            let got = resolve_fenceposts(surge.as_ref(), unavailable.as_ref(), *desired).map_err(|_| ());
            assert_eq!(got, *expected, "{surge:?} {unavailable:?} {desired}");
        }
    }

    /// Spec section 4.3.1: defaults 25%/25%.
    #[test]
    fn default_fenceposts() {
        for (replicas, expected) in
            [(1, (1, 0)), (2, (1, 0)), (3, (1, 0)), (4, (1, 1)), (5, (2, 1)), (10, (3, 2)), (100, (25, 25))]
        {
            let d = deployment("RollingUpdate", replicas, s("25%"), s("25%"));
            assert_eq!((max_surge(&d), max_unavailable(&d)), expected, "{replicas}");
        }
    }

    /// deploy.maxunavailable / minavailable (TestMaxUnavailable, TestMinAvailable).
    #[test]
    fn max_unavailable_and_min_available() {
        let cases = [
            (deployment("RollingUpdate", 10, IntOrString::Int(1), IntOrString::Int(5)), 5, 5),
            (deployment("RollingUpdate", 10, IntOrString::Int(1), IntOrString::Int(25)), 10, 0),
            (deployment("RollingUpdate", 10, s("25%"), s("25%")), 2, 8),
            (deployment("RollingUpdate", 0, IntOrString::Int(0), IntOrString::Int(1)), 0, 0),
            (deployment("RollingUpdate", 10, IntOrString::Int(0), IntOrString::Int(0)), 1, 9),
            (deployment("Recreate", 10, IntOrString::Int(1), IntOrString::Int(5)), 0, 0),
        ];
        for (d, expected_max, expected_min) in cases {
            assert_eq!(max_unavailable(&d), expected_max, "{:?}", d.spec.strategy);
            assert_eq!(min_available(&d), expected_min, "{:?}", d.spec.strategy);
        }
    }

    /// deploy.newrsnewreplicas.01-03 (TestNewRSNewReplicas).
    #[test]
    fn new_rs_new_replicas_table() {
        let rs = |replicas: i32| {
            let mut rs = ReplicaSet::default();
            rs.spec.replicas = Some(replicas);
            rs
        };
        let cases =
            [("RollingUpdate", 1, 1, 5, 5, 5), ("RollingUpdate", 6, 10, 2, 5, 6), ("Recreate", 10, 0, 1, 5, 10)];
        for (strategy, replicas, surge, new_replicas, others, expected) in cases {
            let d = deployment(strategy, replicas, IntOrString::Int(surge), IntOrString::Int(1));
            let all = rs(others);
            assert_eq!(new_rs_new_replicas(&d, &[&all], &rs(new_replicas)), Ok(expected), "{strategy} {replicas}");
        }
    }

    /// deploy.annotationparse (getNonNegativeInt32FromAnnotationVerbose).
    #[test]
    fn annotation_parsing() {
        type Case = (Option<&'static str>, Result<Option<i32>, &'static str>);
        let cases: [Case; 7] = [
            (None, Ok(None)),
            (Some("invalid"), Err("strconv.ParseUint: parsing \"invalid\": invalid syntax")),
            (Some("-1"), Err("strconv.ParseUint: parsing \"-1\": invalid syntax")),
            (Some("0"), Ok(Some(0))),
            (Some("10"), Ok(Some(10))),
            (Some("2147483648"), Err("value 2147483648 is out of range (higher than 2147483647)")),
            (Some("4294967296"), Err("strconv.ParseUint: parsing \"4294967296\": value out of range")),
        ];
        for (value, expected) in cases {
            let mut rs = ReplicaSet::default();
            if let Some(value) = value {
                rs.metadata.annotations.insert(MAX_REPLICAS_ANNOTATION.to_string(), value.to_string());
            }
            let got = get_non_negative_int32_from_annotation(&rs, MAX_REPLICAS_ANNOTATION);
            assert_eq!(got, expected.map_err(str::to_string), "{value:?}");
        }
    }
}
