//! The Deployment controller's cases: `deploy.*` (util), `rolling.*`,
//! `sync.*`, `progress.*`, `hash.*`, and `validation.*` (the manifest
//! loader's defaulting and validation of a Deployment).
//!
//! Inputs are read with the Kubernetes field names the cases use, written
//! either as dotted keys (`newRS.spec.replicas: 5`) or nested
//! (`newRS: {spec.replicas: 5}`). Test-helper Deployments are RollingUpdate
//! with maxSurge 0 and maxUnavailable 0 unless the case says otherwise (the
//! file's conventions); times like `now-10s` count from [`NOW`]. Where an
//! input is prose (`template: empty PodTemplateSpec`), it is built here per
//! case group; expected values are always read from the case.

use super::{AdapterResult, Case, check};
use kubeloop_engine::Severity;
use kubeloop_engine::api::apps::{Deployment, DeploymentStatus, ReplicaSet, RollingUpdateDeployment};
use kubeloop_engine::api::core::PodTemplateSpec;
use kubeloop_engine::api::decode::FromYaml;
use kubeloop_engine::api::intstr::IntOrString;
use kubeloop_engine::api::{Condition, ConditionRare, Time};
use kubeloop_engine::controller::deployment::{hash, progress, rolling, sync, util};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;

type Outcome = Result<(), String>;

/// The evaluation time: 2026-03-01T12:00:00Z, years after the cases' 2017
/// timestamps (`now: real current time`), fixed so runs are deterministic.
const NOW: Time = Time::from_unix_ms(1_772_366_400_000);

const PROGRESSING: &str = "Progressing";

pub fn run(case: &Case) -> AdapterResult {
    let mut segments = case.id.split('.');
    let area = segments.next()?;
    let group = segments.next().unwrap_or("");
    let adapter: fn(&Case) -> Outcome = match (area, group) {
        ("deploy", "fenceposts" | "defaultfenceposts") => fenceposts,
        ("deploy", "newrsnewreplicas") => new_rs_new_replicas,
        ("deploy", "maxunavailable") => max_unavailable,
        ("deploy", "minavailable") => min_available,
        ("deploy", "complete") => complete,
        ("deploy", "progressing") => progressing,
        ("deploy", "timedout") => timed_out,
        ("deploy", "fraction") => fraction,
        ("deploy", "annotations") => annotations,
        ("deploy", "annotationparse") => annotation_parse,
        ("deploy", "equalignorehash") => equal_ignore_hash,
        ("deploy", "findnewrs") => find_new_rs,
        ("rolling", "reconcilenew") => reconcile_new,
        ("rolling", "reconcileold") => reconcile_old,
        ("rolling", "cleanupunhealthy") => cleanup_unhealthy,
        ("rolling", "scaledownold") => scale_down_old,
        ("sync", "scale") => scale,
        ("sync", "cleanup" | "cleanuporder") => cleanup,
        ("sync", "rsname") => rs_name,
        ("progress", "requeue") => requeue,
        ("progress", "syncrolloutstatus") => sync_rollout_status,
        ("hash", "encode") => hash_encode,
        ("hash", "collision") => hash_collision,
        ("validation", "deploy") => validation,
        ("validation", "defaults") => defaults,
        ("deploy" | "rolling" | "sync" | "progress" | "hash" | "validation", _) => {
            return Some(Err(format!("the deployment adapter has no case group {area}.{group}")));
        }
        _ => return None,
    };
    Some(adapter(case))
}

// ---------------------------------------------------------------------------
// deploy.*: util

fn fenceposts(case: &Case) -> Outcome {
    only(case, &["error", "surge", "unavailable"])?;
    let surge = int_or_string(case.input("maxSurge"))?;
    let unavailable = int_or_string(case.input("maxUnavailable"))?;
    let desired = req_i32(case.input, &["desired", "replicas"])?;
    let (error, surge, unavailable) = match util::resolve_fenceposts(surge.as_ref(), unavailable.as_ref(), desired) {
        Ok((surge, unavailable)) => (false, surge, unavailable),
        Err(_) => (true, 0, 0),
    };
    if !case.expected("error").is_null() {
        check("error", exp_bool(case, "error")?, error)?;
    }
    check("surge", exp_i32(case, "surge")?, surge)?;
    check("unavailable", exp_i32(case, "unavailable")?, unavailable)
}

fn new_rs_new_replicas(case: &Case) -> Outcome {
    only(case, &["newReplicas"])?;
    let d = deployment(case.input)?;
    let new_rs = replica_set(case.input, "newRS.", "newRS", &[])?;
    let all = replica_set_list(case.input("allRSs"), &[])?;
    let refs: Vec<&ReplicaSet> = all.iter().collect();
    let got = util::new_rs_new_replicas(&d, &refs, &new_rs)?;
    check("newReplicas", exp_i32(case, "newReplicas")?, got)
}

fn max_unavailable(case: &Case) -> Outcome {
    only(case, &["maxUnavailable"])?;
    let d = deployment(case.input)?;
    check("maxUnavailable", exp_i32(case, "maxUnavailable")?, util::max_unavailable(&d))
}

fn min_available(case: &Case) -> Outcome {
    only(case, &["minAvailable"])?;
    let d = deployment(case.input)?;
    check("minAvailable", exp_i32(case, "minAvailable")?, util::min_available(&d))
}

fn complete(case: &Case) -> Outcome {
    only(case, &["complete"])?;
    let d = deployment(case.input)?;
    let new_status = status(case.input, "status.")?;
    check("complete", exp_bool(case, "complete")?, progress::deployment_complete(&d, &new_status))
}

fn progressing(case: &Case) -> Outcome {
    only(case, &["progressing"])?;
    let mut d = deployment(&Value::Null)?;
    d.status = status(case.input("oldStatus"), "")?;
    let new_status = status(case.input("newStatus"), "")?;
    check("progressing", exp_bool(case, "progressing")?, progress::deployment_progressing(&d, &new_status))
}

fn timed_out(case: &Case) -> Outcome {
    only(case, &["timedOut"])?;
    let d = deployment(case.input)?;
    let mut new_status = DeploymentStatus::default();
    if let Some(condition) = condition(case.input("progressingCondition"))? {
        new_status.conditions.push(condition);
    }
    let now = opt_time(case.input("now"))?.unwrap_or(NOW);
    check("timedOut", exp_bool(case, "timedOut")?, progress::deployment_timed_out(&d, &new_status, now))
}

fn fraction(case: &Case) -> Outcome {
    only(case, &["fraction"])?;
    let d = deployment(case.input)?;
    let rs = replica_set(case.input, "rs.", "rs", &[])?;
    check("fraction", exp_i32(case, "fraction")?, sync::get_replica_set_fraction(&rs, &d))
}

fn annotations(case: &Case) -> Outcome {
    let function = case.behaviour.split('(').next().unwrap_or("").trim();
    match function {
        "SetNewReplicaSetAnnotations" => set_new_replica_set_annotations(case),
        "SetReplicasAnnotations" => {
            only(case, &["updated", "annotations"])?;
            let mut rs = replica_set(case.input, "rs.", "rs", &[])?;
            let desired = req_i32(case.input, &["desiredReplicas", "desired"])?;
            let max = req_i32(case.input, &["maxReplicas", "max"])?;
            let updated = util::set_replicas_annotations(&mut rs, desired, max);
            check("updated", exp_bool(case, "updated")?, updated)?;
            check("annotations", string_map(case.expected("annotations"))?, rs.metadata.annotations)
        }
        "IsSaturated" => {
            only(case, &["saturated"])?;
            let d = deployment(case.input)?;
            let rs = replica_set(case.input, "rs.", "rs", &[])?;
            check("saturated", exp_bool(case, "saturated")?, util::is_saturated(&d, &rs))
        }
        "ReplicasAnnotationsNeedUpdate" => {
            only(case, &["needUpdate"])?;
            let rs = replica_set(case.input, "rs.", "rs", &[])?;
            let desired = req_i32(case.input, &["desired", "desiredReplicas"])?;
            let max = req_i32(case.input, &["max", "maxReplicas"])?;
            let got = util::replicas_annotations_need_update(&rs, desired, max);
            check("needUpdate", exp_bool(case, "needUpdate")?, got)
        }
        other => Err(format!("unknown annotation function {other:?}")),
    }
}

/// deploy.annotations.01: `calls` is prose ("newRevision = 11, 12, ..., 20
/// applied in order to the same RS"), and so is `afterEachCall`: `revision:
/// equals newRevision`, and a revision-history pattern such as
/// `'<newRevision-2>,<newRevision-1>'` from some call on, with examples
/// (`after 13 -> '11,12'`). Each is read from the text.
fn set_new_replica_set_annotations(case: &Case) -> Outcome {
    only(case, &["afterEachCall"])?;
    let calls_text = case.input("calls").as_str().ok_or("input.calls is not a string")?;
    let numbers = integers(calls_text);
    let revisions: Vec<i64> = match (numbers.first(), numbers.last()) {
        (Some(&first), Some(&last)) if calls_text.contains("...") => (first..=last).collect(),
        _ => numbers.clone(),
    };
    if revisions.is_empty() {
        return Err(format!("no revisions in input.calls {calls_text:?}"));
    }
    let limit = req_i64(case.input, &["revHistoryLimitInChars"])?;
    let limit = usize::try_from(limit).map_err(|_| format!("revHistoryLimitInChars {limit} is negative"))?;

    let after = case.expected("afterEachCall").as_mapping().ok_or("expected.afterEachCall is not a mapping")?;
    let mut revision_rule = false;
    let mut history_rule: Option<HistoryRule> = None;
    for (key, value) in after {
        let key = key.as_str().unwrap_or("");
        let text = value.as_str().ok_or_else(|| format!("afterEachCall.{key} is not a string"))?;
        if key == "revision" {
            if text.trim() != "equals newRevision" {
                return Err(format!("unreadable afterEachCall.revision {text:?}"));
            }
            revision_rule = true;
        } else if key.starts_with("revision-history") {
            let from = integers(key).first().copied().unwrap_or(i64::MIN);
            let pattern = quoted(text).first().cloned().ok_or_else(|| format!("no quoted pattern in {text:?}"))?;
            let examples = history_examples(text);
            history_rule = Some(HistoryRule { from, pattern, examples });
        } else {
            return Err(format!("unknown afterEachCall field {key:?}"));
        }
    }

    let mut d = Deployment::default();
    d.spec.strategy.strategy_type = Some("RollingUpdate".to_string());
    let mut rs = ReplicaSet::default();
    if let Some(initial) = scalar_text(case.input("rs.initialRevision")) {
        rs.metadata.annotations.insert(util::REVISION_ANNOTATION.to_string(), initial);
    }
    let mut histories: BTreeMap<i64, Option<String>> = BTreeMap::new();
    for &n in &revisions {
        // Upstream's test passes exists = true.
        util::set_new_replica_set_annotations(&d, &mut rs, &n.to_string(), true, limit);
        let revision = rs.metadata.annotations.get(util::REVISION_ANNOTATION).cloned();
        let history = rs.metadata.annotations.get(util::REVISION_HISTORY_ANNOTATION).cloned();
        if revision_rule {
            check(&format!("revision after newRevision {n}"), Some(n.to_string()), revision)?;
        }
        if let Some(HistoryRule { from, pattern, .. }) = &history_rule
            && n >= *from
        {
            let want = expand_revision_pattern(pattern, n)?;
            check(&format!("revision-history after newRevision {n}"), Some(want), history.clone())?;
        }
        histories.insert(n, history);
    }
    if let Some(HistoryRule { examples, .. }) = &history_rule {
        for (n, want) in examples {
            let got = histories.get(n).ok_or_else(|| format!("the example after {n} is not one of the calls"))?;
            check(&format!("revision-history after newRevision {n}"), Some(want.clone()), got.clone())?;
        }
    }
    Ok(())
}

/// A revision-history expectation: from which call on `pattern` holds, and
/// the worked examples `(call, history)`.
struct HistoryRule {
    from: i64,
    pattern: String,
    examples: Vec<(i64, String)>,
}

/// `<newRevision-2>,<newRevision-1>` for revision `n`.
fn expand_revision_pattern(pattern: &str, n: i64) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('>').ok_or_else(|| format!("unclosed '<' in {pattern:?}"))? + start;
        let term = rest[start + 1..end].trim();
        let offset = term.strip_prefix("newRevision").ok_or_else(|| format!("unknown term <{term}>"))?.trim();
        let value = if offset.is_empty() {
            n
        } else if let Some(k) = offset.strip_prefix('-') {
            n - k.trim().parse::<i64>().map_err(|_| format!("bad offset in <{term}>"))?
        } else if let Some(k) = offset.strip_prefix('+') {
            n + k.trim().parse::<i64>().map_err(|_| format!("bad offset in <{term}>"))?
        } else {
            return Err(format!("unknown term <{term}>"));
        };
        out.push_str(&value.to_string());
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The `after N -> 'X'` examples of a prose expectation.
fn history_examples(text: &str) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("after ") {
        rest = &rest[at + "after ".len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(n) = digits.parse::<i64>() else { continue };
        let tail = rest[digits.len()..].trim_start();
        let Some(tail) = tail.strip_prefix("->") else { continue };
        if let Some(value) = quoted(tail).first() {
            out.push((n, value.clone()));
        }
    }
    out
}

/// The '…'-quoted pieces of a text, in order.
fn quoted(text: &str) -> Vec<String> {
    text.split('\'').skip(1).step_by(2).map(str::to_string).collect()
}

/// Every run of digits in a text.
fn integers(text: &str) -> Vec<i64> {
    text.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect()
}

fn annotation_parse(case: &Case) -> Outcome {
    only(case, &["value", "valid", "errorContains"])?;
    let mut rs = ReplicaSet::default();
    if let Some(text) = scalar_text(case.input("annotationValue")) {
        rs.metadata.annotations.insert(util::MAX_REPLICAS_ANNOTATION.to_string(), text);
    }
    let (value, valid, error) = match util::get_non_negative_int32_from_annotation(&rs, util::MAX_REPLICAS_ANNOTATION) {
        Ok(Some(value)) => (value, true, None),
        Ok(None) => (0, false, None),
        Err(error) => (0, false, Some(error)),
    };
    check("value", exp_i32(case, "value")?, value)?;
    check("valid", exp_bool(case, "valid")?, valid)?;
    match case.expected("errorContains") {
        Value::Null => check("error", None, error),
        want => {
            let want = want.as_str().ok_or("expected.errorContains is not a string")?;
            match error {
                Some(error) if error.contains(want) => Ok(()),
                other => Err(format!("error: expected one containing {want:?}, got {other:?}")),
            }
        }
    }
}

/// deploy.equalignorehash: `defaults` is prose ("unless stated: name foo,
/// nodeName foo-node, no annotations"), read as `field value` pairs.
fn equal_ignore_hash(case: &Case) -> Outcome {
    only(case, &["equal"])?;
    let mut defaults: BTreeMap<String, String> = BTreeMap::new();
    if let Some(text) = case.input("defaults").as_str() {
        let text = text.split_once(':').map_or(text, |(_, rest)| rest);
        for part in text.split(',') {
            if let Some((field, value)) = part.trim().split_once(' ')
                && matches!(field, "name" | "nodeName")
            {
                defaults.insert(field.to_string(), value.trim().to_string());
            }
        }
    }
    let a = template(case.input("templateA"), &defaults)?;
    let b = template(case.input("templateB"), &defaults)?;
    let want = exp_bool(case, "equal")?;
    check("equal(A, B)", want, util::equal_ignore_hash(&a, &b))?;
    check("equal(B, A)", want, util::equal_ignore_hash(&b, &a))
}

/// A pod template from `{name, nodeName, labels, annotations}`.
fn template(value: &Value, defaults: &BTreeMap<String, String>) -> Result<PodTemplateSpec, String> {
    let mut t = PodTemplateSpec::default();
    let field = |key: &str| opt_str(value, key).map(|v| v.or_else(|| defaults.get(key).cloned()));
    t.metadata.name = field("name")?;
    t.spec.node_name = field("nodeName")?.map(Into::into);
    t.metadata.labels = string_map(get(value, "labels").unwrap_or(&Value::Null))?.into();
    t.metadata.annotations = string_map(get(value, "annotations").unwrap_or(&Value::Null))?;
    Ok(t)
}

/// deploy.findnewrs: `templateMatches` says whether a ReplicaSet's template
/// is the Deployment's (plus its `hashLabel`, if any) or another one.
fn find_new_rs(case: &Case) -> Outcome {
    only(case, &["newRS"])?;
    let mut d = Deployment::default();
    d.spec.template.metadata.labels_mut().insert("app".to_string(), "web".to_string());
    let mut other = PodTemplateSpec::default();
    other.metadata.labels_mut().insert("app".to_string(), "other".to_string());
    let items = case.input("rsList").as_sequence().ok_or("input.rsList is not a list")?;
    let mut list = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut rs = replica_set(item, "", &format!("rs{i}"), &[])?;
        rs.spec.template = if opt_bool(item, "templateMatches")?.unwrap_or(false) {
            let mut t = d.spec.template.clone();
            if let Some(hash) = opt_str(item, "hashLabel")? {
                t.metadata.labels_mut().insert(util::POD_TEMPLATE_HASH_LABEL.to_string(), hash);
            }
            t
        } else {
            other.clone().into()
        };
        list.push(rs);
    }
    let refs: Vec<&ReplicaSet> = list.iter().collect();
    let got = util::find_new_replica_set(&d, &refs).map(|i| list[i].metadata.name().to_string());
    let want = match case.expected("newRS") {
        Value::Null => None,
        value => Some(value.as_str().ok_or("expected.newRS is not a name")?.to_string()),
    };
    check("newRS", want, got)
}

// ---------------------------------------------------------------------------
// rolling.*

/// The replicas the step left `index` at (its last write), or where it was.
fn after(step: &rolling::RollingStep, index: usize, before: &ReplicaSet) -> i32 {
    step.scales.iter().rev().find(|s| s.index == index).map_or(before.spec.replicas.unwrap_or(1), |s| s.to)
}

fn no_error(step: &rolling::RollingStep) -> Outcome {
    match &step.error {
        None => Ok(()),
        Some(error) => Err(format!("the step failed: {error}")),
    }
}

fn reconcile_new(case: &Case) -> Outcome {
    only(case, &["scaled", "newRS.spec.replicas"])?;
    if let Some(policy) = opt_str(case.input, "podReplacementPolicy")? {
        return Err(format!("podReplacementPolicy {policy} needs DeploymentPodReplacementPolicy, not modelled"));
    }
    let d = deployment(case.input)?;
    let mut new_rs = replica_set(case.input, "newRS.", "foo-new", &[])?;
    let mut old_rs = replica_set(case.input, "oldRS.", "foo-old", &[])?;
    old_rs.metadata.creation_timestamp.get_or_insert(shift(NOW, -60_000));
    new_rs.metadata.creation_timestamp.get_or_insert(NOW);
    let step = rolling::reconcile_new_replica_set(&d, &[&new_rs, &old_rs], 0);
    no_error(&step)?;
    check("scaled", exp_bool(case, "scaled")?, step.scaled)?;
    check("newRS.spec.replicas", exp_i32(case, "newRS.spec.replicas")?, after(&step, 0, &new_rs))
}

fn reconcile_old(case: &Case) -> Outcome {
    only(case, &["scaled", "oldRS.spec.replicas"])?;
    let d = deployment(case.input)?;
    let mut old_rs = replica_set(case.input, "oldRS.", "foo-old", &[])?;
    let mut new_rs = replica_set(case.input, "newRS.", "foo-new", &[])?;
    old_rs.metadata.creation_timestamp.get_or_insert(shift(NOW, -60_000));
    new_rs.metadata.creation_timestamp.get_or_insert(NOW);
    let step = rolling::reconcile_old_replica_sets(&d, &[&old_rs, &new_rs], &[0], 1);
    no_error(&step)?;
    check("scaled", exp_bool(case, "scaled")?, step.scaled)?;
    check("oldRS.spec.replicas", exp_i32(case, "oldRS.spec.replicas")?, after(&step, 0, &old_rs))
}

fn cleanup_unhealthy(case: &Case) -> Outcome {
    only(case, &["cleanupCount", "oldRS.spec.replicas"])?;
    let d = deployment(get(case.input, "deployment").unwrap_or(case.input))?;
    let old_rs = replica_set(case.input, "oldRS.", "foo-old", &[])?;
    let max_cleanup = req_i32(case.input, &["maxCleanupCount"])?;
    let step = rolling::cleanup_unhealthy_replicas(&d, &[&old_rs], &[0], max_cleanup);
    no_error(&step)?;
    check("cleanupCount", exp_i32(case, "cleanupCount")?, step.scaled_down)?;
    check("oldRS.spec.replicas", exp_i32(case, "oldRS.spec.replicas")?, after(&step, 0, &old_rs))
}

fn scale_down_old(case: &Case) -> Outcome {
    only(case, &["scaled", "oldRS.spec.replicas"])?;
    let d = deployment(case.input)?;
    let old_rs = replica_set(case.input, "oldRS.", "foo-old", &[])?;
    let step = rolling::scale_down_old_replica_sets_for_rolling_update(&d, &[&old_rs], &[0]);
    no_error(&step)?;
    check("scaled", exp_bool(case, "scaled")?, step.scaled)?;
    check("oldRS.spec.replicas", exp_i32(case, "oldRS.spec.replicas")?, after(&step, 0, &old_rs))
}

// ---------------------------------------------------------------------------
// sync.*

/// sync.scale: `creationOrder` ("older < old < new") ranks the `created`
/// words; ReplicaSets without annotations get them from
/// `previousDeployment` (replicas, replicas + maxSurge), as `annotationKeys`
/// describes; `rsStatus: all zero` is the default status.
fn scale(case: &Case) -> Outcome {
    only(case, &["spec.replicas"])?;
    let d = deployment(case.input("deployment"))?;
    let order: Vec<String> = case
        .input("creationOrder")
        .as_str()
        .map(|text| text.split('<').map(|word| word.trim().to_string()).collect())
        .unwrap_or_default();
    let previous = match case.input("previousDeployment") {
        Value::Null => None,
        value => {
            let replicas = req_i32(value, &["replicas"])?;
            let surge = opt_i64(value, "maxSurge")?.unwrap_or(0);
            Some((replicas, i64::from(replicas) + surge))
        }
    };
    let prepare = |value: &Value, name: &str| -> Result<ReplicaSet, String> {
        let mut rs = replica_set(value, "", name, &order)?;
        if rs.metadata.annotations.is_empty()
            && let Some((desired, max)) = previous
        {
            rs.metadata.annotations.insert(util::DESIRED_REPLICAS_ANNOTATION.to_string(), desired.to_string());
            rs.metadata.annotations.insert(util::MAX_REPLICAS_ANNOTATION.to_string(), max.to_string());
        }
        Ok(rs)
    };
    let new_rs = match case.input("newRS") {
        Value::Null => None,
        value => Some(prepare(value, "new")?),
    };
    let mut old_rss = Vec::new();
    if let Some(items) = case.input("oldRSs").as_sequence() {
        for (i, item) in items.iter().enumerate() {
            old_rss.push(prepare(item, &format!("old{i}"))?);
        }
    }
    let old_refs: Vec<&ReplicaSet> = old_rss.iter().collect();
    let result = sync::scale(&d, new_rs.as_ref(), &old_refs);
    let mut got: BTreeMap<String, i32> = BTreeMap::new();
    if let Some(rs) = &new_rs {
        got.insert(rs.metadata.name().to_string(), result.replicas_after(sync::ReplicaSetRef::New, rs));
    }
    for (i, rs) in old_rss.iter().enumerate() {
        got.insert(rs.metadata.name().to_string(), result.replicas_after(sync::ReplicaSetRef::Old(i), rs));
    }
    let mut want: BTreeMap<String, i32> = BTreeMap::new();
    for (name, value) in case.expected("spec.replicas").as_mapping().ok_or("expected.spec.replicas is not a map")? {
        let name = scalar_text(name).ok_or("a ReplicaSet name is not a string")?;
        want.insert(name, to_i32(value, "expected.spec.replicas")?);
    }
    check("spec.replicas", want, got)
}

/// A `created` word: `now±duration`, `rank N`, a word of `creationOrder`,
/// or an RFC 3339 time.
fn created(word: &str, order: &[String]) -> Result<Time, String> {
    if let Some(rank) = word.strip_prefix("rank ") {
        let n: i64 =
            rank.split_whitespace().next().and_then(|n| n.parse().ok()).ok_or_else(|| format!("bad {word:?}"))?;
        return Ok(shift(NOW, (n - 1000) * 1000));
    }
    if let Some(position) = order.iter().position(|w| w == word) {
        return Ok(shift(NOW, (position as i64 - order.len() as i64) * 60_000));
    }
    time(word)
}

/// sync.cleanup and sync.cleanuporder: old ReplicaSets created in the order
/// listed unless `created` says otherwise.
fn cleanup(case: &Case) -> Outcome {
    only(case, &["deletions", "deleted"])?;
    let mut d = deployment(case.input)?;
    d.spec.revision_history_limit = opt_i32(case.input, "revisionHistoryLimit")?;
    let items = case.input("oldRSs").as_sequence().ok_or("input.oldRSs is not a list")?;
    let mut old_rss = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut rs = replica_set(item, "", &format!("old{i}"), &[])?;
        rs.metadata.creation_timestamp.get_or_insert(shift(NOW, (i as i64 - items.len() as i64) * 1000));
        old_rss.push(rs);
    }
    let refs: Vec<&ReplicaSet> = old_rss.iter().collect();
    let deleted = sync::cleanup_deployment(&d, &refs);
    if !case.expected("deletions").is_null() {
        check("deletions", exp_i32(case, "deletions")?, deleted.len() as i32)?;
    }
    if let Some(names) = case.expected("deleted").as_sequence() {
        let mut want: Vec<String> = names.iter().filter_map(scalar_text).collect();
        let mut got: Vec<String> = deleted.iter().map(|&i| old_rss[i].metadata.name().to_string()).collect();
        want.sort();
        got.sort();
        check("deleted", want, got)?;
    }
    Ok(())
}

/// sync.rsname: a name given as a string or as `{repeatChar, length}`; the
/// hash is `hashLength` characters of SafeEncodeString over decimal digits,
/// the shape a pod-template-hash has.
fn rs_name(case: &Case) -> Outcome {
    only(case, &["deploymentPortion", "maxTotalLength"])?;
    let deployment_name = name_spec(case.input("deploymentName"))?;
    let hash_length = usize::try_from(req_i64(case.input, &["hashLength"])?).map_err(|_| "negative hashLength")?;
    let digits: String = "1234567890".chars().cycle().take(hash_length).collect();
    let pod_template_hash = hash::safe_encode_string(&digits);
    let name = hash::replica_set_name(&deployment_name, &pod_template_hash);
    let suffix = format!("-{pod_template_hash}");
    let portion = name.strip_suffix(&suffix).ok_or_else(|| format!("{name:?} does not end with {suffix:?}"))?;
    check("deploymentPortion", name_spec(case.expected("deploymentPortion"))?, portion.to_string())?;
    let max = usize::try_from(exp_i32(case, "maxTotalLength")?).map_err(|_| "negative maxTotalLength")?;
    check("maxTotalLength (the engine's limit)", max, hash::MAX_NAME_LENGTH)?;
    if name.len() > max {
        return Err(format!("the name is {} characters long, more than {max}", name.len()));
    }
    Ok(())
}

fn name_spec(value: &Value) -> Result<String, String> {
    if let Some(text) = value.as_str() {
        return Ok(text.to_string());
    }
    let repeat = opt_str(value, "repeatChar")?.ok_or("a name is neither a string nor {repeatChar, length}")?;
    let length = usize::try_from(req_i64(value, &["length"])?).map_err(|_| "negative length")?;
    Ok(repeat.repeat(length))
}

// ---------------------------------------------------------------------------
// progress.*

fn requeue(case: &Case) -> Outcome {
    only(case, &["returned", "meaning"])?;
    let mut d = deployment(case.input)?;
    if let Some(condition) = condition(case.input("condition"))? {
        d.status.conditions.push(condition);
    }
    let new_status = status(case.input("newStatus"), "")?;
    // progress.requeue.08's `now` is 1 ns past a second in Go; the engine
    // counts milliseconds, so [`time`] makes it 1 ms past.
    let now = opt_time(case.input("now"))?.unwrap_or(NOW);
    let got = progress::requeue_stuck_deployment(&d, &new_status, now);
    // -1 = not requeued (None); 0 = now (Some(0)); d = after d (Some(ms)).
    let want = match case.expected("returned") {
        Value::Number(n) if n.as_i64() == Some(-1) => None,
        Value::Number(n) if n.as_i64() == Some(0) => Some(0),
        Value::String(text) if text.trim() == "-1" => None,
        Value::String(text) => Some(duration_ms(text)?),
        other => return Err(format!("unreadable expected.returned {other:?}")),
    };
    check("returned (ms)", want, got)
}

fn sync_rollout_status(case: &Case) -> Outcome {
    only(case, &["progressingCondition", "lastUpdateTime", "lastTransitionTime"])?;
    let mut d = deployment(case.input)?;
    d.metadata.name = Some("foo".to_string());
    d.status = status(case.input("status"), "")?;
    let existing = condition(case.input("existingProgressingCondition"))?;
    if let Some(existing) = &existing {
        d.status.conditions.push(existing.clone());
    }
    let mut all = Vec::new();
    if let Some(items) = case.input("otherRSs").as_sequence() {
        for (i, item) in items.iter().enumerate() {
            all.push(replica_set(item, "", &format!("other{i}"), &[])?);
        }
    }
    let new_rs = match case.input("newRS") {
        Value::Null => None,
        value => Some(replica_set(value, "", "foo", &[])?),
    };
    let mut refs: Vec<&ReplicaSet> = all.iter().collect();
    if let Some(rs) = &new_rs {
        refs.push(rs);
    }
    // `now: real current time` is prose: the fixed evaluation time.
    let now = NOW;
    let got = progress::sync_rollout_status(&refs, new_rs.as_ref(), &d, now);
    let progressing = got.conditions.iter().find(|c| c.condition_type == PROGRESSING);
    let want = case.expected("progressingCondition");
    let Some(progressing) = progressing else {
        return if want.is_null() { Ok(()) } else { Err(format!("progressingCondition: expected {want:?}, got none")) };
    };
    if want.is_null() {
        return Err(format!("progressingCondition: expected none, got {progressing:?}"));
    }
    check("progressingCondition.status", req_str(want, "status")?, progressing.status.to_string())?;
    check("progressingCondition.reason", req_str(want, "reason")?, progressing.reason.clone())?;
    let when = |key: &str, existing_time: Option<Time>| -> Result<Option<Option<Time>>, String> {
        Ok(match case.expected(key) {
            Value::Null => None,
            Value::String(word) if word == "now" => Some(Some(now)),
            Value::String(word) if word == "unchanged" => Some(existing_time),
            Value::String(text) => Some(Some(time(text)?)),
            other => return Err(format!("unreadable expected.{key} {other:?}")),
        })
    };
    if let Some(want) = when("lastUpdateTime", existing.as_ref().and_then(|c| c.last_update_time))? {
        check("lastUpdateTime", want, progressing.last_update_time)?;
    }
    if let Some(want) = when("lastTransitionTime", existing.as_ref().and_then(|c| c.last_transition_time))? {
        check("lastTransitionTime", want, progressing.last_transition_time)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// hash.*

fn hash_encode(case: &Case) -> Outcome {
    only(case, &["podTemplateHash", "encoded"])?;
    if !case.expected("podTemplateHash").is_null() {
        let sum = req_i64(case.input, &["fnv32aSum"])?;
        let sum = u32::try_from(sum).map_err(|_| format!("fnv32aSum {sum} is not a uint32"))?;
        if let Some(decimal) = scalar_text(case.input("decimal")) {
            check("input.decimal (the sum printed in decimal)", decimal, sum.to_string())?;
        }
        let got = hash::safe_encode_string(&sum.to_string());
        check("podTemplateHash", req_str(case.expected, "podTemplateHash")?, got)?;
    }
    if !case.expected("encoded").is_null() {
        let digits = scalar_text(case.input("digits")).ok_or("input.digits is missing")?;
        check("encoded", req_str(case.expected, "encoded")?, hash::safe_encode_string(&digits))?;
    }
    Ok(())
}

/// hash.collision: `template` is prose ("empty PodTemplateSpec") or a
/// template mapping.
fn hash_collision(case: &Case) -> Outcome {
    only(case, &["hashAEqualsHashB"])?;
    let template = match case.input("template") {
        Value::Mapping(_) => PodTemplateSpec::from_yaml(case.input("template")),
        Value::String(text) if text.trim() == "empty PodTemplateSpec" => PodTemplateSpec::default(),
        other => return Err(format!("unreadable input.template {other:?}")),
    };
    let a = opt_i32(case.input, "collisionCountA")?;
    let b = opt_i32(case.input, "collisionCountB")?;
    let equal = hash::compute_hash(&template, a) == hash::compute_hash(&template, b);
    check("hashAEqualsHashB", exp_bool(case, "hashAEqualsHashB")?, equal)
}

// ---------------------------------------------------------------------------
// validation.*

/// A valid Deployment (`restOfSpec: valid deployment`), as YAML.
const VALID_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
";

/// The error types apimachinery renders (`field.ErrorType.String()`).
const ERROR_TYPES: &[&str] = &[
    "Invalid value",
    "Unsupported value",
    "Required value",
    "Forbidden",
    "Duplicate value",
    "Not found",
    "Too long",
    "Too many",
    "Internal error",
];

/// A validation diagnostic taken apart: (field, type, value and detail).
fn field_error(message: &str) -> Option<(&str, &str, &str)> {
    let (_, rest) = message.split_once(" is invalid: ")?;
    let (field, rest) = rest.split_once(": ")?;
    let error_type = ERROR_TYPES.iter().find(|t| rest.starts_with(**t))?;
    let detail = rest[error_type.len()..].strip_prefix(": ").unwrap_or("");
    Some((field, error_type, detail))
}

fn validation(case: &Case) -> Outcome {
    let mut document: Value = serde_yaml::from_str(VALID_DEPLOYMENT).map_err(|e| e.to_string())?;
    let overrides = case.input("specOverrides").as_mapping().ok_or("input.specOverrides is not a mapping")?;
    let spec = document.get_mut("spec").ok_or("the base Deployment has no spec")?;
    for (key, value) in overrides {
        let key = key.as_str().ok_or("a specOverrides key is not a string")?;
        set_path(spec, &key.split('.').collect::<Vec<_>>(), value.clone());
    }
    let text = serde_yaml::to_string(&document).map_err(|e| e.to_string())?;
    let manifests = kubeloop_engine::parse_manifests(&text);
    let errors: Vec<&str> =
        manifests.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.message.as_str()).collect();

    let mut apply_message = None;
    for (key, value) in case.expected.as_mapping().ok_or("expected is not a mapping")? {
        let key = key.as_str().unwrap_or("");
        if key.starts_with("kubectlApplyMessage") {
            apply_message = Some(value.as_str().ok_or("kubectlApplyMessage is not a string")?);
        } else if !matches!(key, "valid" | "errorField" | "errorType" | "errorDetailContains") {
            return Err(format!("expected.{key} is not known to the deployment adapter"));
        }
    }
    let valid = exp_bool(case, "valid")?;
    check("valid", valid, errors.is_empty()).map_err(|e| format!("{e} (errors: {errors:?})"))?;
    if valid {
        return Ok(());
    }
    let want_field = req_str(case.expected, "errorField")?;
    let Some((message, (_, error_type, detail))) =
        errors.iter().find_map(|m| field_error(m).filter(|(field, ..)| *field == want_field).map(|e| (*m, e)))
    else {
        return Err(format!("no error on {want_field}; errors: {errors:?}"));
    };
    if let Some(want) = opt_str(case.expected, "errorType")? {
        check("errorType", want, error_type.to_string())?;
    }
    if let Some(want) = opt_str(case.expected, "errorDetailContains")?
        && !detail.contains(&want)
    {
        return Err(format!("errorDetailContains: expected {want:?} in {detail:?}"));
    }
    if let Some(want) = apply_message
        && !message.contains(want)
    {
        return Err(format!("kubectlApplyMessage: expected {want:?}, got {message:?}"));
    }
    Ok(())
}

/// Sets `path` under `value`, making mappings on the way.
fn set_path(value: &mut Value, path: &[&str], new: Value) {
    let Some((first, rest)) = path.split_first() else {
        *value = new;
        return;
    };
    if !value.is_mapping() {
        *value = Value::Mapping(Mapping::new());
    }
    if let Value::Mapping(map) = value {
        let key = Value::String((*first).to_string());
        let slot = map.entry(key).or_insert(Value::Null);
        set_path(slot, rest, new);
    }
}

/// validation.defaults: `template: minimal` is prose: one container, labelled
/// with the selector's matchLabels.
fn defaults(case: &Case) -> Outcome {
    let mut spec = case.input("spec").clone();
    if spec.get("template").and_then(Value::as_str) == Some("minimal") {
        let labels = spec.get("selector").and_then(|s| s.get("matchLabels")).cloned().unwrap_or(Value::Null);
        let mut template: Value = serde_yaml::from_str("spec:\n  containers:\n  - name: web\n    image: nginx\n")
            .map_err(|e| e.to_string())?;
        set_path(&mut template, &["metadata", "labels"], labels);
        set_path(&mut spec, &["template"], template);
    }
    let mut document: Value = serde_yaml::from_str("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
        .map_err(|e| e.to_string())?;
    set_path(&mut document, &["spec"], spec);
    let text = serde_yaml::to_string(&document).map_err(|e| e.to_string())?;
    let manifests = kubeloop_engine::parse_manifests(&text);
    if manifests.has_errors() {
        return Err(format!("the Deployment does not load: {:?}", manifests.diagnostics));
    }
    let d = manifests.deployments().next().ok_or("no Deployment was loaded")?;
    for (key, want) in case.expected.as_mapping().ok_or("expected is not a mapping")? {
        let key = key.as_str().ok_or("an expected key is not a string")?;
        check(key, want.clone(), defaulted_field(d, key)?)?;
    }
    Ok(())
}

/// A defaulted field of a Deployment's spec, by its path under `spec`.
fn defaulted_field(d: &Deployment, key: &str) -> Result<Value, String> {
    let spec = &d.spec;
    let pod = &spec.template.spec;
    let rolling = spec.strategy.rolling_update.as_ref();
    let int_or_string = |v: Option<&IntOrString>| match v {
        None => Value::Null,
        Some(IntOrString::Int(n)) => Value::from(*n),
        Some(IntOrString::String(s)) => Value::from(s.as_str()),
    };
    let text = |v: Option<&str>| v.map_or(Value::Null, Value::from);
    Ok(match key {
        "replicas" => spec.replicas.map_or(Value::Null, Value::from),
        "strategy.type" => text(spec.strategy.strategy_type.as_deref()),
        "strategy.rollingUpdate.maxSurge" => int_or_string(rolling.and_then(|r| r.max_surge.as_ref())),
        "strategy.rollingUpdate.maxUnavailable" => int_or_string(rolling.and_then(|r| r.max_unavailable.as_ref())),
        "revisionHistoryLimit" => spec.revision_history_limit.map_or(Value::Null, Value::from),
        "progressDeadlineSeconds" => spec.progress_deadline_seconds.map_or(Value::Null, Value::from),
        "minReadySeconds" => Value::from(spec.min_ready_seconds),
        "paused" => Value::from(spec.paused),
        "template.spec.restartPolicy" => text(pod.restart_policy.as_deref()),
        "template.spec.terminationGracePeriodSeconds" => {
            pod.termination_grace_period_seconds.map_or(Value::Null, Value::from)
        }
        "template.spec.dnsPolicy" => text(pod.dns_policy.as_deref()),
        "template.spec.schedulerName" => text(pod.scheduler_name.as_deref()),
        other => return Err(format!("the deployment adapter cannot read defaulted field {other:?}")),
    })
}

// ---------------------------------------------------------------------------
// Building objects

/// A test-helper Deployment from whichever of these keys `value` has:
/// strategy (RollingUpdate), replicas, maxSurge and maxUnavailable (0 when
/// absent, unset when null), progressDeadlineSeconds, revisionHistoryLimit,
/// generation, status.replicas.
fn deployment(value: &Value) -> Result<Deployment, String> {
    let mut d = Deployment::default();
    let strategy = opt_str(value, "strategy")?.unwrap_or_else(|| "RollingUpdate".to_string());
    d.spec.replicas =
        first_i32(value, &["replicas", "deploymentReplicas", "spec.replicas", "deployment.spec.replicas"])?;
    if strategy == "RollingUpdate" {
        let fencepost = |key: &str| match get(value, key) {
            None => Ok(Some(IntOrString::Int(0))),
            Some(v) => int_or_string(v),
        };
        d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
            max_surge: fencepost("maxSurge")?,
            max_unavailable: fencepost("maxUnavailable")?,
        });
    }
    d.spec.strategy.strategy_type = Some(strategy);
    d.spec.progress_deadline_seconds = opt_i32(value, "progressDeadlineSeconds")?;
    d.spec.revision_history_limit = opt_i32(value, "revisionHistoryLimit")?;
    d.metadata.generation = opt_i64(value, "generation")?;
    if let Some(replicas) = first_i32(value, &["status.replicas", "deployment.status.replicas"])? {
        d.status.replicas = replicas;
    }
    Ok(d)
}

/// A Deployment status from `<prefix>replicas`, `updatedReplicas`,
/// `readyReplicas`, `availableReplicas`, `observedGeneration`.
fn status(value: &Value, prefix: &str) -> Result<DeploymentStatus, String> {
    let field = |key: &str| opt_i32(value, &format!("{prefix}{key}")).map(Option::unwrap_or_default);
    Ok(DeploymentStatus {
        replicas: field("replicas")?,
        updated_replicas: field("updatedReplicas")?,
        ready_replicas: field("readyReplicas")?,
        available_replicas: field("availableReplicas")?,
        observed_generation: opt_i64(value, &format!("{prefix}observedGeneration"))?.unwrap_or(0),
        ..DeploymentStatus::default()
    })
}

/// A Progressing condition from `{type, status, reason, lastUpdateTime,
/// lastTransitionTime}` (lastTransitionTime defaults to lastUpdateTime).
fn condition(value: &Value) -> Result<Option<Condition>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let last_update_time = opt_time(get(value, "lastUpdateTime").unwrap_or(&Value::Null))?;
    let last_transition_time = match get(value, "lastTransitionTime") {
        None => last_update_time,
        Some(v) => opt_time(v)?,
    };
    Ok(Some(Condition {
        condition_type: opt_str(value, "type")?.unwrap_or_else(|| PROGRESSING.to_string()).into(),
        status: opt_str(value, "status")?.unwrap_or_default().into(),
        rare: Some(Box::new(ConditionRare {
            last_update_time,
            reason: opt_str(value, "reason")?.unwrap_or_default(),
            ..Default::default()
        })),
        last_transition_time,
    }))
}

/// A ReplicaSet from the keys under `prefix`: name, spec.replicas (or a
/// bare `spec: N`), status.{replicas, availableReplicas, readyReplicas,
/// terminatingReplicas}, annotations (short keys are
/// `deployment.kubernetes.io/`'s), revision, deletionTimestamp (`set`),
/// created (see [`created`]; `order` ranks creation words).
fn replica_set(value: &Value, prefix: &str, default_name: &str, order: &[String]) -> Result<ReplicaSet, String> {
    let key = |k: &str| format!("{prefix}{k}");
    let mut rs = ReplicaSet::default();
    rs.metadata.name = Some(opt_str(value, &key("name"))?.unwrap_or_else(|| default_name.to_string()));
    rs.spec.replicas = match opt_i32(value, &key("spec.replicas"))? {
        Some(n) => Some(n),
        None => match get(value, &key("spec")) {
            Some(v @ Value::Number(_)) => Some(to_i32(v, &key("spec"))?),
            _ => None,
        },
    };
    rs.status.replicas = opt_i32(value, &key("status.replicas"))?.unwrap_or(0);
    rs.status.available_replicas = opt_i32(value, &key("status.availableReplicas"))?.unwrap_or(0);
    rs.status.ready_replicas = opt_i32(value, &key("status.readyReplicas"))?.unwrap_or(0);
    rs.status.terminating_replicas = opt_i32(value, &key("status.terminatingReplicas"))?;
    let mut annotations: Vec<(String, &Value)> = Vec::new();
    if let Some(Value::Mapping(map)) = get(value, &key("annotations")) {
        for (k, v) in map {
            annotations.push((scalar_text(k).ok_or("an annotation key is not a string")?, v));
        }
    }
    if let Some(map) = value.as_mapping() {
        let dotted = key("annotations.");
        for (k, v) in map {
            if let Some(name) = k.as_str().and_then(|k| k.strip_prefix(&dotted)) {
                annotations.push((name.to_string(), v));
            }
        }
    }
    for (name, v) in annotations {
        let Some(text) = scalar_text(v) else { continue };
        let name = if name.contains('/') { name } else { format!("deployment.kubernetes.io/{name}") };
        rs.metadata.annotations.insert(name, text);
    }
    if let Some(revision) = scalar_text(get(value, &key("revision")).unwrap_or(&Value::Null)) {
        rs.metadata.annotations.insert(util::REVISION_ANNOTATION.to_string(), revision);
    }
    rs.metadata.rare_mut().deletion_timestamp = match get(value, &key("deletionTimestamp")) {
        None | Some(Value::Null) => None,
        Some(Value::String(word)) if word == "set" => Some(NOW),
        Some(v) => opt_time(v)?,
    };
    if let Some(word) = opt_str(value, &key("created"))? {
        rs.metadata.creation_timestamp = Some(created(&word, order)?);
    }
    Ok(rs)
}

fn replica_set_list(value: &Value, order: &[String]) -> Result<Vec<ReplicaSet>, String> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        v => v.as_sequence().ok_or("a ReplicaSet list is not a list")?,
    };
    items.iter().enumerate().map(|(i, item)| replica_set(item, "", &format!("rs{i}"), order)).collect()
}

// ---------------------------------------------------------------------------
// Reading values

/// `value[path]`: a literal key (`rs.spec.replicas: 5`) or a nested one
/// (`rs: {spec: {replicas: 5}}`), or any mix. `Some(Null)` for an explicit
/// null.
fn get<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let map = value.as_mapping()?;
    if let Some(found) = map.get(path) {
        return Some(found);
    }
    path.match_indices('.').find_map(|(at, _)| map.get(&path[..at]).and_then(|inner| get(inner, &path[at + 1..])))
}

/// Fails when `expected` has a field this adapter would not compare.
fn only(case: &Case, known: &[&str]) -> Outcome {
    let Some(map) = case.expected.as_mapping() else { return Err("expected is not a mapping".to_string()) };
    for key in map.keys() {
        let key = key.as_str().unwrap_or("");
        if !known.contains(&key) {
            return Err(format!("expected.{key} is not known to the deployment adapter"));
        }
    }
    Ok(())
}

fn to_i64(value: &Value, what: &str) -> Result<i64, String> {
    match value {
        Value::Number(n) => n.as_i64().ok_or_else(|| format!("{what}: {n} is not an integer")),
        Value::String(s) => s.trim().parse().map_err(|_| format!("{what}: {s:?} is not an integer")),
        other => Err(format!("{what}: {other:?} is not an integer")),
    }
}

fn to_i32(value: &Value, what: &str) -> Result<i32, String> {
    let n = to_i64(value, what)?;
    i32::try_from(n).map_err(|_| format!("{what}: {n} is not an int32"))
}

fn opt_i64(value: &Value, key: &str) -> Result<Option<i64>, String> {
    match get(value, key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => to_i64(v, key).map(Some),
    }
}

fn opt_i32(value: &Value, key: &str) -> Result<Option<i32>, String> {
    match get(value, key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => to_i32(v, key).map(Some),
    }
}

fn first_i32(value: &Value, keys: &[&str]) -> Result<Option<i32>, String> {
    for key in keys {
        if let Some(n) = opt_i32(value, key)? {
            return Ok(Some(n));
        }
    }
    Ok(None)
}

fn req_i32(value: &Value, keys: &[&str]) -> Result<i32, String> {
    first_i32(value, keys)?.ok_or_else(|| format!("input has none of {keys:?}"))
}

fn req_i64(value: &Value, keys: &[&str]) -> Result<i64, String> {
    for key in keys {
        if let Some(n) = opt_i64(value, key)? {
            return Ok(n);
        }
    }
    Err(format!("none of {keys:?} is given"))
}

fn opt_str(value: &Value, key: &str) -> Result<Option<String>, String> {
    match get(value, key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => scalar_text(v).map(Some).ok_or_else(|| format!("{key}: {v:?} is not a string")),
    }
}

fn req_str(value: &Value, key: &str) -> Result<String, String> {
    opt_str(value, key)?.ok_or_else(|| format!("{key} is missing"))
}

fn opt_bool(value: &Value, key: &str) -> Result<Option<bool>, String> {
    match get(value, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(format!("{key}: {v:?} is not a boolean")),
    }
}

fn exp_i32(case: &Case, key: &str) -> Result<i32, String> {
    to_i32(case.expected(key), &format!("expected.{key}"))
}

fn exp_bool(case: &Case, key: &str) -> Result<bool, String> {
    case.expected(key).as_bool().ok_or_else(|| format!("expected.{key} is not a boolean"))
}

/// A scalar as text (numbers and booleans as YAML writes them); None for
/// null and collections.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn string_map(value: &Value) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    match value {
        Value::Null => {}
        Value::Mapping(map) => {
            for (k, v) in map {
                let k = scalar_text(k).ok_or("a map key is not a string")?;
                let v = scalar_text(v).ok_or_else(|| format!("the value of {k} is not a string"))?;
                out.insert(k, v);
            }
        }
        other => return Err(format!("{other:?} is not a string map")),
    }
    Ok(out)
}

/// An IntOrString argument: null is unset, a number an int, text a string.
fn int_or_string(value: &Value) -> Result<Option<IntOrString>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(_) => to_i32(value, "an IntOrString").map(|n| Some(IntOrString::Int(n))),
        Value::String(s) => Ok(Some(IntOrString::String(s.clone()))),
        other => Err(format!("{other:?} is not an int or a string")),
    }
}

fn shift(time: Time, ms: i64) -> Time {
    Time::from_unix_ms(time.unix_ms.saturating_add(ms))
}

fn opt_time(value: &Value) -> Result<Option<Time>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => time(text).map(Some),
        other => Err(format!("{other:?} is not a time")),
    }
}

/// `now`, `now+1m`, `now-10s` (from [`NOW`]) or RFC 3339. The engine counts
/// milliseconds: a time with a sub-millisecond part is rounded up to the next
/// millisecond, so that it stays after the whole second before it
/// (progress.requeue.08's `18:49:59.000000001Z`, 1 ns past the second in Go,
/// is 1 ms past it here).
fn time(text: &str) -> Result<Time, String> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("now") {
        let rest = rest.trim();
        return match rest.chars().next() {
            None => Ok(NOW),
            Some('+') => Ok(shift(NOW, duration_ms(&rest[1..])?)),
            Some('-') => Ok(shift(NOW, -duration_ms(&rest[1..])?)),
            _ => Err(format!("unreadable time {text:?}")),
        };
    }
    let parsed = Time::parse_rfc3339(text).ok_or_else(|| format!("unreadable time {text:?}"))?;
    let sub_millisecond = text
        .split_once('.')
        .map(|(_, fraction)| fraction.chars().take_while(char::is_ascii_digit).skip(3).any(|c| c != '0'))
        .unwrap_or(false);
    Ok(if sub_millisecond { shift(parsed, 1) } else { parsed })
}

/// A Go duration (`1m20s`, `30s`, `1.5h`, `0`) in milliseconds, rounded up.
fn duration_ms(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(0);
    }
    let bad = || format!("unreadable duration {text:?}");
    let mut total_ns: f64 = 0.0;
    let mut rest = text;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
        let number: f64 = rest[..number_len].parse().map_err(|_| bad())?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        total_ns += number * scale;
        rest = &rest[unit_len..];
    }
    Ok((total_ns / 1e6).ceil() as i64)
}
