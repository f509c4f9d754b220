//! `pkg/controller/deployment/util/deployment_util.go`: the arithmetic the
//! Deployment controller is built on.

use crate::api::apps::{Deployment, ReplicaSet};
use crate::api::core::PodTemplateSpec;
use crate::api::intstr::{IntOrString, get_scaled_value_from_int_or_percent};
use crate::api::meta::ObjectMeta;
use crate::validation::field::go_quote;
use std::cmp::Ordering;
use std::num::IntErrorKind;

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
    replicas(deployment).wrapping_sub(max_unavailable(deployment))
}

/// GetReplicaCountForReplicaSets: Σ spec.replicas.
pub fn get_replica_count_for_replica_sets(replica_sets: &[&ReplicaSet]) -> i32 {
    replica_sets.iter().fold(0, |sum, rs| sum.wrapping_add(rs.spec.replicas.unwrap_or(1)))
}

/// GetActualReplicaCountForReplicaSets: Σ status.replicas.
pub fn get_actual_replica_count_for_replica_sets(replica_sets: &[&ReplicaSet]) -> i32 {
    replica_sets.iter().fold(0, |sum, rs| sum.wrapping_add(rs.status.replicas))
}

/// GetReadyReplicaCountForReplicaSets: Σ status.readyReplicas.
pub fn get_ready_replica_count_for_replica_sets(replica_sets: &[&ReplicaSet]) -> i32 {
    replica_sets.iter().fold(0, |sum, rs| sum.wrapping_add(rs.status.ready_replicas))
}

/// GetAvailableReplicaCountForReplicaSets: Σ status.availableReplicas.
pub fn get_available_replica_count_for_replica_sets(replica_sets: &[&ReplicaSet]) -> i32 {
    replica_sets.iter().fold(0, |sum, rs| sum.wrapping_add(rs.status.available_replicas))
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
            let max_total = replicas(deployment).wrapping_add(max_surge);
            if current >= max_total {
                return Ok(new_spec);
            }
            let scale_up = max_total.wrapping_sub(current);
            Ok(new_spec.wrapping_add(scale_up.min(replicas(deployment).wrapping_sub(new_spec))))
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

/// `ReplicaSetsByCreationTimestamp`: oldest first, ties by name. Timestamps
/// compare in whole seconds, the precision the API stores them at; a missing
/// one is Go's zero time, older than any other.
pub fn replica_sets_by_creation_timestamp(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    let seconds = |rs: &ReplicaSet| rs.metadata.creation_timestamp.map(|t| t.unix_ms.div_euclid(1000));
    seconds(a).cmp(&seconds(b)).then_with(|| a.metadata.name().cmp(b.metadata.name()))
}

/// Indices of `rs_list` in creation order (ties keep the list's order).
fn indices_by_creation_timestamp(rs_list: &[&ReplicaSet]) -> Vec<usize> {
    crate::lean::sorted_indices(rs_list.len(), &mut |a, b| replica_sets_by_creation_timestamp(rs_list[a], rs_list[b]))
}

/// EqualIgnoreHash: the two templates are deep-equal once the
/// `pod-template-hash` label is removed from both (quantities compare by
/// value, as apimachinery's semantic equality does).
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    if a.spec != b.spec {
        return false;
    }
    // The labels compared without the hash's, the rest of the metadata
    // with `a`'s labels in both (no copy of either label map: the
    // Deployment controller compares templates several times a sync).
    fn labels(meta: &ObjectMeta) -> impl Iterator<Item = (&String, &String)> {
        meta.labels.iter().filter(|(key, _)| key.as_str() != POD_TEMPLATE_HASH_LABEL)
    }
    if !labels(&a.metadata).eq(labels(&b.metadata)) {
        return false;
    }
    let mut rest = b.metadata.clone();
    rest.labels = a.metadata.labels.clone();
    a.metadata == rest
}

/// FindNewReplicaSet: the index in `rs_list` of the oldest ReplicaSet whose
/// template equals the Deployment's ignoring the hash label, if any. (More
/// than one can match after a collision or an upgrade; the others are old.)
pub fn find_new_replica_set(deployment: &Deployment, rs_list: &[&ReplicaSet]) -> Option<usize> {
    indices_by_creation_timestamp(rs_list)
        .into_iter()
        .find(|&i| equal_ignore_hash(&rs_list[i].spec.template, &deployment.spec.template))
}

/// FindOldReplicaSets: every ReplicaSet but the new one, as indices in
/// creation order: first those with `spec.replicas != 0`, then all of them.
pub fn find_old_replica_sets(deployment: &Deployment, rs_list: &[&ReplicaSet]) -> (Vec<usize>, Vec<usize>) {
    let new_rs = find_new_replica_set(deployment, rs_list);
    let all: Vec<usize> = indices_by_creation_timestamp(rs_list).into_iter().filter(|&i| Some(i) != new_rs).collect();
    let required = all.iter().copied().filter(|&i| rs_list[i].spec.replicas.unwrap_or(1) != 0).collect();
    (required, all)
}

/// Go's `strconv.ParseInt(text, 10, 64)` and its error text.
pub fn parse_int64(text: &str) -> Result<i64, String> {
    text.parse::<i64>().map_err(|error| {
        let reason = match error.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => "value out of range",
            _ => "invalid syntax",
        };
        format!("strconv.ParseInt: parsing {}: {reason}", go_quote(text))
    })
}

/// Revision: the `deployment.kubernetes.io/revision` annotation; 0 when
/// absent, Go's parse error when it is not an int64.
pub fn revision(replica_set: &ReplicaSet) -> Result<i64, String> {
    match replica_set.metadata.annotations.get(REVISION_ANNOTATION) {
        None => Ok(0),
        Some(text) => parse_int64(text),
    }
}

/// MaxRevision: the highest revision among the ReplicaSets (0 for none);
/// one whose revision does not parse is skipped.
pub fn max_revision(replica_sets: &[&ReplicaSet]) -> i64 {
    replica_sets.iter().filter_map(|rs| revision(rs).ok()).fold(0, i64::max)
}

/// skipCopyAnnotation: the Deployment annotations a ReplicaSet never copies
/// (last-applied, the four `deployment.kubernetes.io/*` keys, the legacy
/// rollback request).
pub fn skip_copy_annotation(key: &str) -> bool {
    matches!(
        key,
        LAST_APPLIED_ANNOTATION
            | REVISION_ANNOTATION
            | REVISION_HISTORY_ANNOTATION
            | DESIRED_REPLICAS_ANNOTATION
            | MAX_REPLICAS_ANNOTATION
            | ROLLBACK_TO_ANNOTATION
    )
}

/// `rs.Annotations[key]` in Go: a missing key reads as "".
fn annotation<'a>(replica_set: &'a ReplicaSet, key: &str) -> &'a str {
    replica_set.metadata.annotations.get(key).map_or("", String::as_str)
}

/// copyDeploymentAnnotationsToReplicaSet: every Deployment annotation but
/// the skipped ones onto the ReplicaSet; true if any changed. (An empty value
/// equals a missing one, as in Go, and is not copied.)
pub fn copy_deployment_annotations_to_replica_set(deployment: &Deployment, replica_set: &mut ReplicaSet) -> bool {
    let mut changed = false;
    for (key, value) in &deployment.metadata.annotations {
        if skip_copy_annotation(key) || annotation(replica_set, key) == value {
            continue;
        }
        replica_set.metadata.annotations.insert(key.clone(), value.clone());
        changed = true;
    }
    changed
}

/// SetNewReplicaSetAnnotations, on the caller's copy of the new ReplicaSet:
/// copy the Deployment's annotations; raise the revision to `new_revision`
/// when it is lower, moving the former revision onto `revision-history`
/// (oldest entries dropped to stay within `rev_history_limit_in_chars`; if
/// even that cannot make room, the history is left as it was); and on a
/// ReplicaSet about to be created (`!exists`) write the desired/max replicas.
/// True if the annotations changed. As upstream: a current revision that is
/// not an integer, or a `new_revision` that is not, returns false at once
/// (the copied annotations stay on the copy).
pub fn set_new_replica_set_annotations(
    deployment: &Deployment,
    replica_set: &mut ReplicaSet,
    new_revision: &str,
    exists: bool,
    rev_history_limit_in_chars: usize,
) -> bool {
    let mut changed = copy_deployment_annotations_to_replica_set(deployment, replica_set);
    let old_revision = replica_set.metadata.annotations.get(REVISION_ANNOTATION).cloned();
    let old_text = old_revision.as_deref().unwrap_or("");
    let old_value = match parse_int64(old_text) {
        Ok(value) => value,
        Err(_) if old_text.is_empty() => 0,
        Err(_) => return false,
    };
    let Ok(new_value) = parse_int64(new_revision) else { return false };
    if old_value < new_value {
        replica_set.metadata.annotations.insert(REVISION_ANNOTATION.to_string(), new_revision.to_string());
        changed = true;
        if old_revision.is_some() {
            let history = annotation(replica_set, REVISION_HISTORY_ANNOTATION).to_string();
            let entries: Vec<&str> = history.split(',').collect();
            if entries[0].is_empty() {
                replica_set.metadata.annotations.insert(REVISION_HISTORY_ANNOTATION.to_string(), old_text.to_string());
            } else {
                let mut total = history.len() + old_text.len() + 1;
                let mut start = 0;
                while total > rev_history_limit_in_chars && start < entries.len() {
                    total = total.saturating_sub(entries[start].len() + 1);
                    start += 1;
                }
                if total <= rev_history_limit_in_chars {
                    let mut kept = entries[start..].to_vec();
                    kept.push(old_text);
                    replica_set.metadata.annotations.insert(REVISION_HISTORY_ANNOTATION.to_string(), kept.join(","));
                }
            }
        }
    }
    if !exists {
        let desired = replicas(deployment);
        if set_replicas_annotations(replica_set, desired, desired.wrapping_add(max_surge(deployment))) {
            changed = true;
        }
    }
    changed
}

/// SetReplicasAnnotations: write `desired-replicas` and `max-replicas`;
/// true if either changed.
pub fn set_replicas_annotations(replica_set: &mut ReplicaSet, desired_replicas: i32, max_replicas: i32) -> bool {
    let mut updated = false;
    for (key, value) in [(DESIRED_REPLICAS_ANNOTATION, desired_replicas), (MAX_REPLICAS_ANNOTATION, max_replicas)] {
        let text = value.to_string();
        if annotation(replica_set, key) != text {
            replica_set.metadata.annotations.insert(key.to_string(), text);
            updated = true;
        }
    }
    updated
}

/// ReplicasAnnotationsNeedUpdate: whether `set_replicas_annotations` would
/// change anything.
pub fn replicas_annotations_need_update(replica_set: &ReplicaSet, desired_replicas: i32, max_replicas: i32) -> bool {
    annotation(replica_set, DESIRED_REPLICAS_ANNOTATION) != desired_replicas.to_string()
        || annotation(replica_set, MAX_REPLICAS_ANNOTATION) != max_replicas.to_string()
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

    fn annotated(pairs: &[(&str, &str)]) -> ReplicaSet {
        let mut rs = ReplicaSet::default();
        for (key, value) in pairs {
            rs.metadata.annotations.insert(key.to_string(), value.to_string());
        }
        rs
    }

    /// deploy.annotations.01 (TestAnnotationUtils/SetNewReplicaSetAnnotations):
    /// revisions 11..=20 on one ReplicaSet, history limited to 5 characters.
    #[test]
    fn set_new_replica_set_annotations_history() {
        let d = deployment("RollingUpdate", 1, IntOrString::Int(1), IntOrString::Int(0));
        let mut rs = ReplicaSet::default();
        for new_revision in 11..=20 {
            let text = new_revision.to_string();
            assert!(set_new_replica_set_annotations(&d, &mut rs, &text, false, 5), "{new_revision}");
            assert_eq!(revision(&rs), Ok(new_revision));
            let history = rs.metadata.annotations.get(REVISION_HISTORY_ANNOTATION).map(String::as_str);
            let expected = match new_revision {
                11 => None,
                12 => Some("11".to_string()),
                n => Some(format!("{},{}", n - 2, n - 1)),
            };
            assert_eq!(history, expected.as_deref(), "{new_revision}");
        }
        // A lower or equal revision changes nothing.
        assert!(!set_new_replica_set_annotations(&d, &mut rs, "20", true, 5));
        assert!(!set_new_replica_set_annotations(&d, &mut rs, "3", true, 5));
        assert_eq!(revision(&rs), Ok(20));
    }

    /// Upstream's other branches of SetNewReplicaSetAnnotations.
    #[test]
    fn set_new_replica_set_annotations_branches() {
        let mut d = deployment("RollingUpdate", 4, s("25%"), s("25%"));
        d.metadata.annotations.insert(CHANGE_CAUSE_ANNOTATION.to_string(), "kubectl set image".to_string());
        d.metadata.annotations.insert(LAST_APPLIED_ANNOTATION.to_string(), "{}".to_string());
        d.metadata.annotations.insert(REVISION_ANNOTATION.to_string(), "9".to_string());
        d.metadata.annotations.insert("empty".to_string(), String::new());

        // A new ReplicaSet: copied annotations, revision, desired/max replicas.
        let mut rs = ReplicaSet::default();
        assert!(set_new_replica_set_annotations(&d, &mut rs, "3", false, 2000));
        let keys: Vec<&str> = rs.metadata.annotations.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION, CHANGE_CAUSE_ANNOTATION]
        );
        assert_eq!(annotation(&rs, REVISION_ANNOTATION), "3");
        assert_eq!(annotation(&rs, DESIRED_REPLICAS_ANNOTATION), "4");
        assert_eq!(annotation(&rs, MAX_REPLICAS_ANNOTATION), "5");

        // An existing one with an empty history takes the old revision as it.
        let mut rs = annotated(&[(REVISION_ANNOTATION, "2"), (REVISION_HISTORY_ANNOTATION, "")]);
        assert!(set_new_replica_set_annotations(&d, &mut rs, "7", true, 2000));
        assert_eq!(annotation(&rs, REVISION_HISTORY_ANNOTATION), "2");
        assert!(!rs.metadata.annotations.contains_key(DESIRED_REPLICAS_ANNOTATION));

        // No room even after dropping everything: history left alone.
        let mut rs = annotated(&[(REVISION_ANNOTATION, "123456"), (REVISION_HISTORY_ANNOTATION, "1,2")]);
        assert!(set_new_replica_set_annotations(&d, &mut rs, "123457", true, 5));
        assert_eq!(annotation(&rs, REVISION_HISTORY_ANNOTATION), "1,2");
        assert_eq!(annotation(&rs, REVISION_ANNOTATION), "123457");

        // A revision that is not a number: false straight away.
        let mut rs = annotated(&[(REVISION_ANNOTATION, "x")]);
        assert!(!set_new_replica_set_annotations(&d, &mut rs, "4", true, 2000));
        assert_eq!(annotation(&rs, REVISION_ANNOTATION), "x");
        let mut rs = ReplicaSet::default();
        assert!(!set_new_replica_set_annotations(&d, &mut rs, "four", false, 2000));
        assert!(!rs.metadata.annotations.contains_key(REVISION_ANNOTATION));

        // Nothing to do: false.
        let mut rs = annotated(&[(REVISION_ANNOTATION, "4"), (CHANGE_CAUSE_ANNOTATION, "kubectl set image")]);
        assert!(!set_new_replica_set_annotations(&d, &mut rs, "4", true, 2000));
    }

    /// Spec section 3.3: which Deployment annotations a ReplicaSet copies.
    #[test]
    fn copy_skips_the_controller_annotations() {
        for key in [
            LAST_APPLIED_ANNOTATION,
            REVISION_ANNOTATION,
            REVISION_HISTORY_ANNOTATION,
            DESIRED_REPLICAS_ANNOTATION,
            MAX_REPLICAS_ANNOTATION,
            ROLLBACK_TO_ANNOTATION,
        ] {
            assert!(skip_copy_annotation(key), "{key}");
        }
        for key in [CHANGE_CAUSE_ANNOTATION, "example.com/team", "deployment.kubernetes.io/other"] {
            assert!(!skip_copy_annotation(key), "{key}");
        }
        let mut d = Deployment::default();
        d.metadata.annotations.insert("team".to_string(), "a".to_string());
        let mut rs = annotated(&[("team", "b"), ("keep", "me")]);
        assert!(copy_deployment_annotations_to_replica_set(&d, &mut rs));
        assert_eq!(annotation(&rs, "team"), "a");
        assert_eq!(annotation(&rs, "keep"), "me");
        assert!(!copy_deployment_annotations_to_replica_set(&d, &mut rs));
    }

    /// deploy.annotations.02 (TestAnnotationUtils/SetReplicasAnnotations).
    #[test]
    fn set_replicas_annotations_table() {
        let mut rs = ReplicaSet::default();
        assert!(set_replicas_annotations(&mut rs, 10, 11));
        assert_eq!(annotation(&rs, DESIRED_REPLICAS_ANNOTATION), "10");
        assert_eq!(annotation(&rs, MAX_REPLICAS_ANNOTATION), "11");
        assert!(!set_replicas_annotations(&mut rs, 10, 11));
        assert!(set_replicas_annotations(&mut rs, 10, 12));
    }

    /// deploy.annotations.03 (TestAnnotationUtils/IsSaturated).
    #[test]
    fn is_saturated_case() {
        let d = deployment("RollingUpdate", 1, IntOrString::Int(1), IntOrString::Int(0));
        let mut rs = annotated(&[(DESIRED_REPLICAS_ANNOTATION, "1")]);
        rs.spec.replicas = Some(1);
        rs.status.available_replicas = 1;
        assert!(is_saturated(&d, &rs));
        rs.status.available_replicas = 0;
        assert!(!is_saturated(&d, &rs));
    }

    /// deploy.annotations.04-06 (TestReplicasAnnotationsNeedUpdate), plus
    /// the case where nothing needs an update.
    #[test]
    fn replicas_annotations_need_update_table() {
        let cases: [(&[(&str, &str)], bool); 4] = [
            (&[], true),
            (&[(DESIRED_REPLICAS_ANNOTATION, "8"), (MAX_REPLICAS_ANNOTATION, "20")], true),
            (&[(DESIRED_REPLICAS_ANNOTATION, "10"), (MAX_REPLICAS_ANNOTATION, "16")], true),
            (&[(DESIRED_REPLICAS_ANNOTATION, "10"), (MAX_REPLICAS_ANNOTATION, "20")], false),
        ];
        for (pairs, expected) in cases {
            assert_eq!(replicas_annotations_need_update(&annotated(pairs), 10, 20), expected, "{pairs:?}");
        }
    }

    /// Revision and MaxRevision: missing is 0, unparseable is an error and
    /// skipped.
    #[test]
    fn revisions() {
        assert_eq!(revision(&ReplicaSet::default()), Ok(0));
        assert_eq!(revision(&annotated(&[(REVISION_ANNOTATION, "7")])), Ok(7));
        assert_eq!(revision(&annotated(&[(REVISION_ANNOTATION, "+7")])), Ok(7));
        assert_eq!(
            revision(&annotated(&[(REVISION_ANNOTATION, "seven")])),
            Err("strconv.ParseInt: parsing \"seven\": invalid syntax".to_string())
        );
        assert_eq!(
            revision(&annotated(&[(REVISION_ANNOTATION, "")])),
            Err("strconv.ParseInt: parsing \"\": invalid syntax".to_string())
        );
        assert_eq!(
            revision(&annotated(&[(REVISION_ANNOTATION, "9223372036854775808")])),
            Err("strconv.ParseInt: parsing \"9223372036854775808\": value out of range".to_string())
        );
        let sets = [
            annotated(&[(REVISION_ANNOTATION, "3")]),
            annotated(&[(REVISION_ANNOTATION, "99x")]),
            annotated(&[(REVISION_ANNOTATION, "5")]),
            ReplicaSet::default(),
        ];
        let refs: Vec<&ReplicaSet> = sets.iter().collect();
        assert_eq!(max_revision(&refs), 5);
        assert_eq!(max_revision(&[]), 0);
        assert_eq!(max_revision(&[&annotated(&[(REVISION_ANNOTATION, "-4")])]), 0);
    }

    /// A template as TestEqualIgnoreHash builds it: name foo, nodeName
    /// foo-node unless stated.
    fn pod_template(name: &str, node: &str, labels: &[(&str, &str)]) -> PodTemplateSpec {
        let mut t = PodTemplateSpec::default();
        t.metadata.name = Some(name.to_string());
        t.spec.node_name = Some(node.to_string().into());
        for (key, value) in labels {
            t.metadata.labels_mut().insert(key.to_string(), value.to_string());
        }
        t
    }

    /// deploy.equalignorehash.02-06, .08-10 (TestEqualIgnoreHash), both ways.
    #[test]
    fn equal_ignore_hash_table() {
        let hash = POD_TEMPLATE_HASH_LABEL;
        type Case<'a> = (PodTemplateSpec, PodTemplateSpec, bool);
        let cases: Vec<Case> = vec![
            // .02 only the hash label value differs
            (
                pod_template("foo", "foo-node", &[(hash, "value-1"), ("something", "else")]),
                pod_template("foo", "foo-node", &[(hash, "value-2"), ("something", "else")]),
                true,
            ),
            // .03 the former has no hash label
            (
                pod_template("foo", "foo-node", &[("something", "else")]),
                pod_template("foo", "foo-node", &[(hash, "value-2"), ("something", "else")]),
                true,
            ),
            // .04 different labels, the former without hash, same count
            (
                pod_template("foo", "foo-node", &[("something", "else")]),
                pod_template("foo", "foo-node", &[(hash, "value-2")]),
                false,
            ),
            // .05 different labels, the latter without hash, same count
            (
                pod_template("foo", "foo-node", &[(hash, "value-1")]),
                pod_template("foo", "foo-node", &[("something", "else")]),
                false,
            ),
            // .06 same hash value, different labels
            (
                pod_template("foo", "foo-node", &[(hash, "value-1")]),
                pod_template("foo", "foo-node", &[(hash, "value-1"), ("something", "else")]),
                false,
            ),
            // .08 different template names
            (
                pod_template("foo-1", "foo-node", &[(hash, "value-1"), ("something", "else")]),
                pod_template("foo-2", "foo-node", &[(hash, "value-2"), ("something", "else")]),
                false,
            ),
            // .09 different names and nodes, the former without hash
            (
                pod_template("foo-1", "foo-node-1", &[("something", "else")]),
                pod_template("foo-2", "foo-node-2", &[(hash, "value-2"), ("something", "else")]),
                false,
            ),
            // .10 different nodes and labels
            (
                pod_template("foo", "foo-node-1", &[("something", "else")]),
                pod_template("foo", "foo-node-2", &[("nothing", "else")]),
                false,
            ),
        ];
        for (i, (a, b, expected)) in cases.iter().enumerate() {
            assert_eq!(equal_ignore_hash(a, b), *expected, "case {i}");
            assert_eq!(equal_ignore_hash(b, a), *expected, "case {i} reversed");
        }
        // The rest of the metadata counts too (here an annotation), with
        // or without the hash label.
        let (a, mut b) = (pod_template("foo", "n", &[(hash, "1")]), pod_template("foo", "n", &[(hash, "2")]));
        b.metadata.annotations.insert("note".into(), "x".into());
        assert!(!equal_ignore_hash(&a, &b) && !equal_ignore_hash(&b, &a));
    }

    fn replica_set(name: &str, template: &PodTemplateSpec, created_s: Option<i64>, replicas: i32) -> ReplicaSet {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(name.to_string());
        rs.metadata.creation_timestamp = created_s.map(|s| crate::api::time::Time::from_unix_ms(s * 1000));
        rs.spec.template = template.clone().into();
        rs.spec.replicas = Some(replicas);
        rs
    }

    /// deploy.findnewrs.01-03 (TestFindNewReplicaSet), and
    /// FindOldReplicaSets on the same lists.
    #[test]
    fn find_new_and_old_replica_sets() {
        let now = 1_700_000_000;
        let mut d = deployment("RollingUpdate", 1, IntOrString::Int(1), IntOrString::Int(0));
        d.spec.template = pod_template("foo", "foo-node", &[("app", "web")]).into();
        let mut with_hash = d.spec.template.clone();
        with_hash.metadata.labels_mut().insert(POD_TEMPLATE_HASH_LABEL.to_string(), "hash".to_string());
        let other = pod_template("foo", "foo-node", &[("app", "api")]);

        // .01: the matching one, whatever its hash label.
        let new_rs = replica_set("newRS", &with_hash, Some(now + 60), 1);
        let old_rs = replica_set("oldRS", &other, Some(now), 1);
        assert_eq!(find_new_replica_set(&d, &[&new_rs, &old_rs]), Some(0));
        assert_eq!(find_old_replica_sets(&d, &[&new_rs, &old_rs]), (vec![1], vec![1]));

        // .02: the oldest of two matches is new; the other is old.
        let dup = replica_set("newRSDup", &with_hash, Some(now), 0);
        let list = [&new_rs, &old_rs, &dup];
        assert_eq!(find_new_replica_set(&d, &list), Some(2));
        assert_eq!(find_old_replica_sets(&d, &list), (vec![1, 0], vec![1, 0]));

        // .03: none matches.
        assert_eq!(find_new_replica_set(&d, &[&old_rs]), None);
        assert_eq!(find_old_replica_sets(&d, &[&old_rs]), (vec![0], vec![0]));

        // Same second: the name decides; old ones with no replicas are only
        // in the second list.
        let a = replica_set("web-b", &with_hash, Some(now), 2);
        let b = replica_set("web-a", &with_hash, Some(now), 2);
        let idle = replica_set("web-idle", &other, None, 0);
        let list = [&a, &b, &idle];
        assert_eq!(find_new_replica_set(&d, &list), Some(1));
        assert_eq!(find_old_replica_sets(&d, &list), (vec![0], vec![2, 0]));
        assert_eq!(find_new_replica_set(&d, &[]), None);
    }
}
