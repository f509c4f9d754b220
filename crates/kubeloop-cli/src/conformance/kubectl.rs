//! The `kubectl.*` and `duration.*` cases: kubectl's printers, rollout
//! status and history, describe, AGE and HumanDuration.
//!
//! Inputs are built from each case (times such as `now-10s` or `-30s` are
//! relative to one fixed evaluation time); where a case describes its input
//! in prose, or leaves out a field of the upstream test's fixture, the
//! fixture's value is used and named here. Every expected field is computed
//! through `kubeloop_kubectl` and compared.

use super::{AdapterResult, Case, check};
use kubeloop_engine::api::apps::{Deployment, ReplicaSet};
use kubeloop_engine::api::autoscaling::{
    HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus, ResourceMetricSource,
    ResourceMetricStatus,
};
use kubeloop_engine::api::core::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting, ContainerStatus,
    ContainerStatusRare, Pod,
};
use kubeloop_engine::api::meta::Condition;
use kubeloop_engine::api::quantity::Quantity;
use kubeloop_engine::api::selector::LabelSelector;
use kubeloop_engine::api::time::Time;
use kubeloop_engine::controller::deployment::util::{find_new_replica_set, find_old_replica_sets};
use kubeloop_kubectl::describe::{Event, describe_deployment, event_row};
use kubeloop_kubectl::printers::hpa::hpa_row;
use kubeloop_kubectl::printers::pods::{pod_row, pod_row_wide};
use kubeloop_kubectl::printers::workloads::deployment_row;
use kubeloop_kubectl::printers::{age, pods::POD_COLUMNS};
use kubeloop_kubectl::rollout::{
    CHANGE_CAUSE_ANNOTATION, ERROR_EXIT_CODE, REVISION_ANNOTATION, deployment_status, error_output, history_output,
    view_history,
};
use serde_yaml::Value;
use std::collections::BTreeMap;

/// The evaluation time every relative time is measured from.
const NOW_RFC3339: &str = "2025-06-01T12:00:00Z";

pub fn run(case: &Case) -> AdapterResult {
    let id = case.id;
    let Some(now) = Time::parse_rfc3339(NOW_RFC3339) else {
        return Some(Err("bad evaluation time".to_string()));
    };
    let result = if id.starts_with("duration.") {
        duration(case)
    } else if id.starts_with("kubectl.age.") {
        age_case(case, now)
    } else if id.starts_with("kubectl.rolloutstatus.") {
        rollout_status(case)
    } else if id.starts_with("kubectl.history.") {
        history(case)
    } else if id.starts_with("kubectl.pods.") {
        pods(case, now)
    } else if id.starts_with("kubectl.deploy.") {
        deployments(case, now)
    } else if id.starts_with("kubectl.hpa.") {
        hpas(case, now)
    } else if id.starts_with("kubectl.describe.") {
        describe(case, now)
    } else if id.starts_with("kubectl.") {
        Err(format!("no kubectl adapter for {id}"))
    } else {
        return None;
    };
    Some(result)
}

// ---------------------------------------------------------------------------
// Reading inputs

/// `value[path]`, where a path's dots may be literal parts of a key
/// (`spec.replicas: 5`) or nesting (`status: {replicas: 5}`).
fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(found) = value.get(path) {
        return Some(found);
    }
    path.match_indices('.').find_map(|(i, _)| value.get(&path[..i]).and_then(|inner| at(inner, &path[i + 1..])))
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text_at(value: &Value, path: &str) -> String {
    at(value, path).and_then(text).unwrap_or_default()
}

fn int_at(value: &Value, path: &str) -> Result<Option<i64>, String> {
    match at(value, path) {
        None | Some(Value::Null) => Ok(None),
        Some(found) => {
            let number = found.as_i64().or_else(|| found.as_str().and_then(|s| s.trim().parse().ok()));
            number.map(Some).ok_or_else(|| format!("{path}: not an integer: {found:?}"))
        }
    }
}

fn i32_at(value: &Value, path: &str) -> Result<Option<i32>, String> {
    int_at(value, path)?.map(|n| i32::try_from(n).map_err(|_| format!("{path}: out of range"))).transpose()
}

fn bool_at(value: &Value, path: &str) -> bool {
    at(value, path).and_then(Value::as_bool).unwrap_or(false)
}

fn seq(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_sequence).map(Vec::as_slice).unwrap_or(&[])
}

fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    let Some(mapping) = value.and_then(Value::as_mapping) else { return BTreeMap::new() };
    mapping.iter().filter_map(|(k, v)| Some((text(k)?, text(v)?))).collect()
}

/// A Go-style duration with days and sums: `1s`, `2m-1ms`, `730d23h59m`,
/// `2*365d+25h`, `-2s+1ns`, `2.1s`, `0`; in nanoseconds.
fn parse_duration_ns(input: &str) -> Result<i128, String> {
    let bad = || format!("not a duration: {input:?}");
    let mut terms: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, c) in input.char_indices() {
        if (c == '+' || c == '-') && i > start {
            terms.push(&input[start..i]);
            start = i;
        }
    }
    terms.push(&input[start..]);
    let mut total: i128 = 0;
    for term in terms {
        let term = term.trim();
        let (sign, term) = match term.as_bytes().first() {
            Some(b'-') => (-1, &term[1..]),
            Some(b'+') => (1, &term[1..]),
            _ => (1, term),
        };
        let (factor, body) = match term.split_once('*') {
            Some((factor, body)) => (factor.trim().parse::<i128>().map_err(|_| bad())?, body.trim()),
            None => (1, term),
        };
        if body == "0" {
            continue;
        }
        let mut rest = body;
        let mut value: i128 = 0;
        while !rest.is_empty() {
            let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
            let (number, tail) = rest.split_at(number_len);
            let unit_len = tail.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(tail.len());
            let (unit, tail) = tail.split_at(unit_len);
            let unit_ns: i128 = match unit {
                "ns" => 1,
                "us" | "µs" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                "m" => 60_000_000_000,
                "h" => 3_600_000_000_000,
                "d" => 86_400_000_000_000,
                _ => return Err(bad()),
            };
            let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
            let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
            let mut part = whole.checked_mul(unit_ns).ok_or_else(bad)?;
            if !fraction.is_empty() {
                let digits: i128 = fraction.parse().map_err(|_| bad())?;
                let scale =
                    u32::try_from(fraction.len()).ok().and_then(|len| 10_i128.checked_pow(len)).ok_or_else(bad)?;
                part = part.checked_add(digits.checked_mul(unit_ns).ok_or_else(bad)? / scale).ok_or_else(bad)?;
            }
            value = value.checked_add(part).ok_or_else(bad)?;
            rest = tail;
        }
        let term = value.checked_mul(sign * factor).ok_or_else(bad)?;
        total = total.checked_add(term).ok_or_else(bad)?;
    }
    Ok(total)
}

/// A time of a case: `null` / `zero time` (unset), `now`, `now-10s`,
/// `+2.1s`, `-30s`, `0`, or RFC 3339.
fn parse_time(value: Option<&Value>, now: Time) -> Result<Option<Time>, String> {
    let Some(value) = value else { return Ok(None) };
    let Some(raw) = text(value) else { return Ok(None) };
    let raw = raw.trim();
    if raw == "zero time" {
        return Ok(None);
    }
    if let Some(time) = Time::parse_rfc3339(raw) {
        return Ok(Some(time));
    }
    let offset = raw.strip_prefix("now").unwrap_or(raw);
    let ns = if offset.is_empty() { 0 } else { parse_duration_ns(offset)? };
    let ms = i64::try_from(ns / 1_000_000).map_err(|_| format!("time out of range: {raw}"))?;
    Ok(Some(Time::from_unix_ms(now.unix_ms.saturating_add(ms))))
}

fn expected_cells(case: &Case) -> Result<Vec<String>, String> {
    seq(Some(case.expected("cells"))).iter().map(|v| text(v).ok_or_else(|| format!("bad cell {v:?}"))).collect()
}

fn expected_text(case: &Case, key: &str) -> Result<String, String> {
    text(case.expected(key)).ok_or_else(|| format!("expected.{key} missing"))
}

// ---------------------------------------------------------------------------
// HumanDuration and AGE

fn duration(case: &Case) -> Result<(), String> {
    let input = text(case.input("duration")).ok_or("input.duration missing")?;
    let ns = i64::try_from(parse_duration_ns(&input)?).map_err(|_| "duration out of range".to_string())?;
    check("text", expected_text(case, "text")?, kubeloop_kubectl::human_duration(ns))
}

fn age_case(case: &Case, now: Time) -> Result<(), String> {
    let timestamp = parse_time(Some(case.input("timestampRelativeToNow")), now)?;
    check("age", expected_text(case, "age")?, age(timestamp, now))
}

// ---------------------------------------------------------------------------
// rollout status and history

fn rollout_status(case: &Case) -> Result<(), String> {
    let input = case.input;
    let mut deployment = Deployment::default();
    deployment.metadata.name = Some(text_at(input, "name"));
    deployment.metadata.generation = int_at(input, "metadata.generation")?;
    deployment.spec.replicas = i32_at(input, "spec.replicas")?;
    let status = &mut deployment.status;
    status.observed_generation = int_at(input, "status.observedGeneration")?.unwrap_or(0);
    status.replicas = i32_at(input, "status.replicas")?.unwrap_or(0);
    status.updated_replicas = i32_at(input, "status.updatedReplicas")?.unwrap_or(0);
    status.available_replicas = i32_at(input, "status.availableReplicas")?.unwrap_or(0);
    status.unavailable_replicas = i32_at(input, "status.unavailableReplicas")?.unwrap_or(0);
    status.conditions = conditions(at(input, "status.conditions"));
    if let Some(revision) = input.get("deployment.annotations.deployment.kubernetes.io/revision").and_then(text) {
        deployment.metadata.annotations.insert(REVISION_ANNOTATION.to_string(), revision);
    }
    let revision = int_at(input, "--revision")?.unwrap_or(0);
    match deployment_status(&deployment, revision) {
        Ok((message, done)) => {
            check("message", expected_text(case, "message")?, message)?;
            check("done", case.expected("done").as_bool(), Some(done))
        }
        Err(error) => {
            check("error", expected_text(case, "error")?, error.clone())?;
            if let Some(prints) = text(case.expected("kubectlPrints")) {
                check("kubectlPrints", prints, error_output(&error))?;
            }
            if let Some(code) = case.expected("exitCode").as_i64() {
                check("exitCode", code, i64::from(ERROR_EXIT_CODE))?;
            }
            Ok(())
        }
    }
}

fn conditions(value: Option<&Value>) -> Vec<Condition> {
    seq(value)
        .iter()
        .map(|c| {
            Condition {
                condition_type: text_at(c, "type").into(),
                status: text_at(c, "status").into(),
                ..Default::default()
            }
            .with_reason(text_at(c, "reason"), "")
        })
        .collect()
}

fn history(case: &Case) -> Result<(), String> {
    let input = case.input;
    if let Some(output) = text(case.input("viewHistoryOutput")) {
        // TestRolloutHistory runs on deployment `foo`.
        let revision = int_at(input, "--revision")?.unwrap_or(0);
        return check(
            "stdout",
            expected_text(case, "stdout")?,
            history_output("deployment.apps/foo", revision, &output),
        );
    }
    let revision = int_at(input, "revision")?.unwrap_or(0);
    let mut replica_sets = Vec::new();
    for entry in seq(at(input, "replicaSets")) {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(text_at(entry, "name"));
        rs.metadata.annotations.insert(REVISION_ANNOTATION.to_string(), text_at(entry, "revision"));
        if let Some(cause) = entry.get(CHANGE_CAUSE_ANNOTATION).and_then(text) {
            rs.metadata.annotations.insert(CHANGE_CAUSE_ANNOTATION.to_string(), cause);
        }
        replica_sets.push(rs);
    }
    if let Some(template) = at(input, "rsTemplate") {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(format!("{}-{revision}", text_at(input, "deployment")));
        rs.metadata.annotations.insert(REVISION_ANNOTATION.to_string(), revision.to_string());
        rs.spec.template.metadata.labels = string_map(template.get("labels")).into();
        rs.spec.template.metadata.annotations = string_map(template.get("annotations"));
        rs.spec.template.spec.containers = containers(template.get("containers")).into();
        replica_sets.push(rs);
    }
    check("output", Ok(expected_text(case, "output")?), view_history(&replica_sets, revision))
}

fn containers(value: Option<&Value>) -> Vec<Container> {
    seq(value)
        .iter()
        .map(|c| Container {
            name: text_at(c, "name").into(),
            image: at(c, "image").and_then(text).map(Into::into),
            ..Default::default()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// kubectl get rows

/// `spec.containers: 2` or `spec.initContainers: 2 sidecars (...)`: that
/// many containers named by `prefix` and index; sidecars get `restartPolicy:
/// Always`.
fn numbered_containers(value: Option<&Value>, prefix: &str) -> Result<Vec<Container>, String> {
    let Some(value) = value else { return Ok(Vec::new()) };
    let description = text(value).unwrap_or_default();
    let count: usize = description
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .filter(|&n: &usize| n <= 1000)
        .ok_or_else(|| format!("not a container count: {description:?}"))?;
    let sidecars = description.contains("sidecar");
    Ok((0..count)
        .map(|i| Container {
            name: format!("{prefix}{i}").into(),
            restart_policy: sidecars.then(|| "Always".to_string()),
            ..Default::default()
        })
        .collect())
}

fn container_state(value: Option<&Value>, now: Time) -> Result<ContainerState, String> {
    let mut state = ContainerState::default();
    let Some(value) = value else { return Ok(state) };
    match value.as_str() {
        Some("running") => state.running = Some(ContainerStateRunning::default()),
        Some("waiting") => state.waiting = Some(Box::default()),
        Some(other) => return Err(format!("unknown container state {other:?}")),
        None => {
            if value.get("running").is_some() {
                state.running = Some(ContainerStateRunning::default());
            }
            if let Some(waiting) = value.get("waiting") {
                state.waiting = Some(Box::new(ContainerStateWaiting {
                    reason: at(waiting, "reason").and_then(text),
                    message: None,
                }));
            }
            if let Some(terminated) = value.get("terminated") {
                state.terminated = Some(Box::new(ContainerStateTerminated {
                    exit_code: i32_at(terminated, "exitCode")?.unwrap_or(0),
                    signal: i32_at(terminated, "signal")?,
                    reason: at(terminated, "reason").and_then(text),
                    finished_at: parse_time(terminated.get("finishedAt"), now)?,
                    ..Default::default()
                }));
            }
        }
    }
    Ok(state)
}

fn container_statuses(value: Option<&Value>, prefix: &str, now: Time) -> Result<Vec<ContainerStatus>, String> {
    seq(value)
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(ContainerStatus {
                name: format!("{prefix}{i}").into(),
                ready: bool_at(s, "ready"),
                restart_count: i32_at(s, "restartCount")?.unwrap_or(0),
                started: at(s, "started").and_then(Value::as_bool),
                state: container_state(s.get("state"), now)?,
                rare: Some(Box::new(ContainerStatusRare {
                    last_state: container_state(s.get("lastState"), now)?,
                    ..Default::default()
                })),
                ..Default::default()
            })
        })
        .collect()
}

fn pods(case: &Case, now: Time) -> Result<(), String> {
    let input = case.input;
    let mut pod = Pod::default();
    pod.metadata.name = Some(text_at(input, "name"));
    pod.metadata.creation_timestamp = parse_time(at(input, "creationTimestamp"), now)?;
    pod.metadata.rare_mut().deletion_timestamp = parse_time(at(input, "spec.deletionTimestamp"), now)?;
    pod.spec.containers = numbered_containers(at(input, "spec.containers"), "c")?.into();
    pod.spec.init_containers = numbered_containers(at(input, "spec.initContainers"), "i")?;
    pod.spec.node_name = at(input, "spec.nodeName").and_then(text).map(Into::into);
    let gates = seq(at(input, "spec.readinessGates"));
    if !gates.is_empty() {
        let gates = gates
            .iter()
            .map(|gate| {
                let mut entry = serde_yaml::Mapping::new();
                entry.insert(Value::from("conditionType"), gate.clone());
                Value::Mapping(entry)
            })
            .collect();
        pod.spec.rare_mut().readiness_gates = Some(Box::new(Value::Sequence(gates)));
    }
    pod.status.phase = text_at(input, "status.phase").into();
    pod.status.reason = at(input, "status.reason").and_then(text);
    pod.status.conditions = conditions(at(input, "status.conditions"));
    pod.status.pod_ip = seq(at(input, "status.podIPs")).first().and_then(text);
    pod.status.container_statuses = container_statuses(at(input, "status.containerStatuses"), "c", now)?;
    pod.status.init_container_statuses = container_statuses(at(input, "status.initContainerStatuses"), "i", now)?;
    let expected = expected_cells(case)?;
    let actual = if expected.len() > POD_COLUMNS.len() {
        let nominated = at(input, "status.nominatedNodeName").and_then(text);
        pod_row_wide(&pod, now, nominated.as_deref())
    } else {
        pod_row(&pod, now)
    };
    check("cells", expected, actual)
}

fn deployments(case: &Case, now: Time) -> Result<(), String> {
    let input = case.input;
    let mut deployment = Deployment::default();
    deployment.metadata.name = Some(text_at(input, "name"));
    // TestPrintDeployment's fixture is created 1.9s in the future.
    deployment.metadata.creation_timestamp = match at(input, "creationTimestamp") {
        Some(value) => parse_time(Some(value), now)?,
        None => parse_time(Some(&Value::from("now+1.9s")), now)?,
    };
    deployment.spec.replicas = i32_at(input, "spec.replicas")?;
    deployment.spec.template.spec.containers = containers(at(input, "containers")).into();
    let labels = string_map(at(input, "selector"));
    if !labels.is_empty() {
        deployment.spec.selector = Some(LabelSelector { match_labels: labels, ..Default::default() });
    }
    let status = &mut deployment.status;
    status.replicas = i32_at(input, "status.replicas")?.unwrap_or(0);
    status.updated_replicas = i32_at(input, "status.updatedReplicas")?.unwrap_or(0);
    status.available_replicas = i32_at(input, "status.availableReplicas")?.unwrap_or(0);
    status.unavailable_replicas = i32_at(input, "status.unavailableReplicas")?.unwrap_or(0);
    status.ready_replicas = i32_at(input, "status.readyReplicas")?.unwrap_or(0);
    let expected = expected_cells(case)?;
    let wide = expected.len() > 5;
    check("cells", expected, deployment_row(&deployment, now, wide))
}

fn quantity(value: &Value) -> Result<Quantity, String> {
    let raw = text(value).ok_or_else(|| format!("not a quantity: {value:?}"))?;
    Quantity::parse(&raw).map_err(|e| format!("bad quantity {raw:?}: {e}"))
}

fn yaml(text: &str) -> Result<Value, String> {
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

/// One `[kind, target, current]` of a case's metrics: `cpu util`,
/// `cpu avg`, `pods avg`, `external avg`, `external value`, `object value`.
fn metric(entry: &Value) -> Result<(MetricSpec, MetricStatus), String> {
    let parts = seq(Some(entry));
    let (Some(kind), Some(target)) = (parts.first().and_then(text), parts.get(1)) else {
        return Err(format!("bad metric {entry:?}"));
    };
    let current = parts.get(2).filter(|c| !c.is_null());
    let (source, how) = kind.split_once(' ').ok_or_else(|| format!("bad metric kind {kind:?}"))?;
    let mut spec = MetricSpec::default();
    let mut status = MetricStatus::default();
    match source {
        "pods" | "external" | "object" => {
            let type_name = match source {
                "pods" => "Pods",
                "external" => "External",
                _ => "Object",
            };
            let (target_type, field) = match how {
                "avg" => ("AverageValue", "averageValue"),
                "value" => ("Value", "value"),
                _ => return Err(format!("bad metric kind {kind:?}")),
            };
            let target = text(target).unwrap_or_default();
            let member = Box::new(yaml(&format!(
                "{{metric: {{name: some-{source}-metric}}, target: {{type: {target_type}, {field}: '{target}'}}}}"
            ))?);
            spec.metric_type = type_name.to_string();
            status.metric_type = type_name.to_string();
            let current = match current {
                Some(current) => Some(Box::new(yaml(&format!(
                    "{{metric: {{name: some-{source}-metric}}, current: {{{field}: '{}'}}}}",
                    text(current).unwrap_or_default()
                ))?)),
                None => None,
            };
            match source {
                "pods" => (spec.pods, status.pods) = (Some(member), current),
                "external" => (spec.external, status.external) = (Some(member), current),
                _ => (spec.object, status.object) = (Some(member), current),
            }
        }
        resource => {
            spec.metric_type = "Resource".to_string();
            status.metric_type = "Resource".to_string();
            let mut metric_target = MetricTarget::default();
            let mut value = MetricValueStatus::default();
            match how {
                "util" => {
                    metric_target.target_type = "Utilization".to_string();
                    metric_target.average_utilization =
                        Some(target.as_i64().and_then(|n| i32::try_from(n).ok()).ok_or("bad utilization")?);
                    value.average_utilization = current.and_then(Value::as_i64).and_then(|n| i32::try_from(n).ok());
                }
                "avg" => {
                    metric_target.target_type = "AverageValue".to_string();
                    metric_target.average_value = Some(quantity(target)?);
                    value.average_value = current.map(quantity).transpose()?;
                }
                _ => return Err(format!("bad metric kind {kind:?}")),
            }
            spec.resource = Some(ResourceMetricSource { name: resource.to_string(), target: metric_target });
            if current.is_some() {
                status.resource = Some(ResourceMetricStatus { name: resource.to_string(), current: value });
            }
        }
    }
    Ok((spec, status))
}

fn hpas(case: &Case, now: Time) -> Result<(), String> {
    let input = case.input;
    let mut hpa = HorizontalPodAutoscaler::default();
    // TestPrintHPA names every HPA `some-hpa`.
    hpa.metadata.name = Some("some-hpa".to_string());
    let reference = text_at(input, "scaleTargetRef");
    let (kind, name) = reference.split_once('/').ok_or_else(|| format!("bad scaleTargetRef {reference:?}"))?;
    hpa.spec.scale_target_ref.kind = kind.to_string();
    hpa.spec.scale_target_ref.name = name.to_string();
    hpa.spec.min_replicas = i32_at(input, "minReplicas")?;
    hpa.spec.max_replicas = i32_at(input, "maxReplicas")?.unwrap_or(0);
    hpa.status.current_replicas = i32_at(input, "status.currentReplicas")?.unwrap_or(0);
    for entry in seq(input.get("metrics (kind, target, current)")) {
        let (spec, status) = metric(entry)?;
        hpa.spec.metrics.push(spec);
        hpa.status.current_metrics.push(status);
    }
    check("cells", expected_cells(case)?, hpa_row(&hpa, now))
}

// ---------------------------------------------------------------------------
// describe

fn describe(case: &Case, now: Time) -> Result<(), String> {
    if let Some(event) = at(case.input, "event") {
        let event = Event {
            event_type: text_at(event, "type"),
            reason: text_at(event, "reason"),
            message: text_at(event, "message"),
            count: i32_at(event, "count")?.unwrap_or(0),
            first_timestamp: parse_time(at(event, "firstTimestamp"), now)?,
            last_timestamp: parse_time(at(event, "lastTimestamp"), now)?,
            source_component: text_at(event, "source.component"),
            field_path: text_at(event, "involvedObject.fieldPath"),
            ..Default::default()
        };
        return check("cells", expected_cells(case)?, event_row(&event, now).to_vec());
    }
    let d = at(case.input, "deployment").ok_or("input.deployment missing")?;
    let mut deployment = Deployment::default();
    let meta = &mut deployment.metadata;
    meta.name = Some(text_at(d, "name"));
    meta.namespace = at(d, "namespace").and_then(text);
    meta.labels = string_map(at(d, "labels")).into();
    meta.creation_timestamp = parse_time(at(d, "creationTimestamp"), now)?;
    deployment.spec.replicas = i32_at(d, "spec.replicas")?;
    let selector = string_map(at(d, "selector"));
    let strategy = text_at(d, "strategy");
    if strategy != "unset" && !strategy.is_empty() {
        deployment.spec.strategy.strategy_type = Some(strategy);
    }
    // TestDescribeDeployment's template: the selector's labels, one container
    // with the given mounts, an emptyDir volume for each.
    let template = &mut deployment.spec.template;
    template.metadata.labels = selector.clone().into();
    let container_input = at(d, "container");
    let mut container = Container {
        image: container_input.and_then(|c| at(c, "image")).and_then(text).map(Into::into),
        ..Default::default()
    };
    let mut mounts = Vec::new();
    let mut volumes = Vec::new();
    for mount in seq(container_input.and_then(|c| at(c, "mounts"))) {
        let mount = text(mount).unwrap_or_default();
        let (path, name) = mount.split_once(" from ").ok_or_else(|| format!("bad mount {mount:?}"))?;
        mounts.push(yaml(&format!("{{name: '{name}', mountPath: '{path}'}}"))?);
        volumes.push(yaml(&format!("{{name: '{name}', emptyDir: {{}}}}"))?);
    }
    if !mounts.is_empty() {
        container.volume_mounts = Some(Box::new(Value::Sequence(mounts)));
        template.spec.rare_mut().volumes = Some(Box::new(Value::Sequence(volumes)));
    }
    template.spec.containers = vec![container].into();
    deployment.spec.selector = Some(LabelSelector { match_labels: selector, ..Default::default() });

    let mut replica_sets = Vec::new();
    for entry in seq(at(case.input, "replicaSets")) {
        if !bool_at(entry, "owned") {
            continue;
        }
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(text_at(entry, "name"));
        rs.spec.replicas = i32_at(entry, "spec.replicas")?;
        rs.status.replicas = i32_at(entry, "status.replicas")?.unwrap_or(0);
        rs.spec.template = deployment.spec.template.clone();
        if !bool_at(entry, "sameTemplate") {
            rs.spec.template.metadata.labels_mut().insert("revision".to_string(), "old".to_string());
        }
        replica_sets.push(rs);
    }
    let refs: Vec<&ReplicaSet> = replica_sets.iter().collect();
    let new = find_new_replica_set(&deployment, &refs).map(|i| refs[i]);
    let old: Vec<&ReplicaSet> = find_old_replica_sets(&deployment, &refs).1.into_iter().map(|i| refs[i]).collect();
    let events: Vec<Event> = Vec::new();
    if !seq(at(case.input, "events")).is_empty() {
        return Err("describe cases with events are not modelled".to_string());
    }
    let output = describe_deployment(&deployment, &old, new, Some(&events), now);
    for wanted in seq(Some(case.expected("outputContains"))) {
        let wanted = text(wanted).ok_or("bad outputContains entry")?;
        if !output.contains(&wanted) {
            return Err(format!("output lacks {wanted:?}; output:\n{output}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let s = 1_000_000_000_i128;
        let cases: &[(&str, i128)] = &[
            ("1s", s),
            ("0", 0),
            ("-2s+1ns", -2 * s + 1),
            ("2m-1ms", 120 * s - 1_000_000),
            ("730d23h59m", (730 * 86_400 + 23 * 3600 + 59 * 60) * s),
            ("2*365d+25h", (2 * 365 * 86_400 + 25 * 3600) * s),
            ("+2.1s", 2_100_000_000),
            ("999ms", 999_000_000),
        ];
        for &(text, ns) in cases {
            assert_eq!(parse_duration_ns(text), Ok(ns), "{text}");
        }
        assert!(parse_duration_ns("5x").is_err());
        assert_eq!(parse_duration_ns(""), Ok(0));
        assert!(parse_duration_ns("1.00000000000000000000000000000000000000001s").is_err());
        assert!(parse_duration_ns("99999999999999999999999999999999999d").is_err());
    }
}
