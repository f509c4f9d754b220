//! The HorizontalPodAutoscaler controller (`reconcileAutoscaler` in
//! pkg/controller/podautoscaler/horizontal.go), over the store. Every HPA
//! syncs every 15 s from its creation: it reads its Deployment's scale and
//! pods, takes each pod's usage from `traffic::pod_usage` as the metrics
//! API would report it (sampled now, over a 60 s window), asks
//! `controller::podautoscaler` for the replica count, normalizes it, writes
//! the Deployment's `spec.replicas` when it changes, and writes the HPA's
//! status with upstream's conditions, events and words.
//!
//! Supported: `Resource` metrics (cpu, memory) with `Utilization` or
//! `AverageValue` targets, on Deployments. Other metric sources have no
//! metrics API here and count as invalid metrics.

use super::events::{EventType, Report};
use super::store::Key;
use super::{Decision, World};
use crate::api::apps::Deployment;
use crate::api::autoscaling::{
    HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus, MetricValueStatus,
    ResourceMetricStatus,
};
use crate::api::core::Pod;
use crate::api::meta::Condition;
use crate::api::quantity::Quantity;
use crate::api::text::Str;
use crate::api::{Object, Time};
use crate::controller::podautoscaler::{
    ABOVE_MAX_REPLICAS_REASON, ALL_METRICS_BELOW_TARGET_REASON, AutoscalerHistory, BELOW_MIN_REPLICAS_REASON,
    DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS, DEFAULT_SYNC_PERIOD_MS, NormalizationArg, Normalized, PodMetric,
    PodMetricInput, ReplicaCalculator, Tolerances, above_target_reason, resource_metric_name,
    resource_utilization_metric_name, successful_rescale_message,
};
use crate::lean::VecMap;

const SOURCE: &str = "horizontal-pod-autoscaler";
/// metrics-server's sample window.
const METRIC_WINDOW_MS: i64 = 60_000;

/// The controller's memory per HPA: what upstream keeps in its
/// recommendations and scale-event maps, and when the HPA syncs next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HpaState {
    autoscalers: VecMap<Key, Autoscaler>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Autoscaler {
    /// The HPA's uid: a re-created HPA starts over.
    uid: String,
    history: AutoscalerHistory,
    /// Unix ms of the next sync.
    next_sync_ms: i64,
}

/// The next sync of any HPA (unix ms).
pub fn next_timer(world: &World) -> Option<i64> {
    world.hpa.autoscalers.values().map(|a| a.next_sync_ms).min()
}

/// Syncs every HPA that is due; true if it wrote the store.
pub fn sync_all(world: &mut World) -> bool {
    let now = world.now().unix_ms;
    let hpas: Vec<(Key, String, i64)> = world
        .store
        .list("HorizontalPodAutoscaler", None)
        .map(|object| {
            let meta = object.metadata();
            let created = meta.creation_timestamp.map_or(now, |t| t.unix_ms);
            (Key::of(object), meta.uid.clone().unwrap_or_default(), created)
        })
        .collect();
    world.hpa.autoscalers.retain(|key, a| hpas.iter().any(|(k, uid, _)| k == key && *uid == a.uid));
    let mut wrote = false;
    for (key, uid, created) in hpas {
        let autoscaler = world.hpa.autoscalers.entry(key.clone()).or_insert_with(|| Autoscaler {
            uid,
            history: AutoscalerHistory::default(),
            next_sync_ms: created.min(now),
        });
        if autoscaler.next_sync_ms > now {
            continue;
        }
        // Every 15 s from the HPA's creation.
        let behind = (now - autoscaler.next_sync_ms) / DEFAULT_SYNC_PERIOD_MS + 1;
        autoscaler.next_sync_ms += behind * DEFAULT_SYNC_PERIOD_MS;
        wrote |= reconcile_autoscaler(world, &key);
    }
    wrote
}

/// One metric's outcome (computeReplicasForMetric).
struct MetricOutcome {
    replicas: i32,
    name: String,
    status: MetricStatus,
    why: String,
}

/// A failed metric: the condition upstream would set and the error.
struct MetricFailure {
    reason: &'static str,
    error: String,
}

/// reconcileAutoscaler; true if it wrote the store.
fn reconcile_autoscaler(world: &mut World, key: &Key) -> bool {
    let Some(Object::HorizontalPodAutoscaler(original)) = world.store.get(key).cloned() else { return false };
    if original.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let now = world.now();
    let mut hpa = original.clone();
    let target = &hpa.spec.scale_target_ref;
    let namespace = hpa.metadata.namespace().to_string();
    let deployment = match (target.kind.as_str(), world.store.get(&Key::new("Deployment", &namespace, &target.name))) {
        ("Deployment", Some(Object::Deployment(d))) => d.clone(),
        _ => {
            let error = if target.kind == "Deployment" || crate::api::kind_info(&target.kind).is_some() {
                format!("{} \"{}\" not found", crate::api::resource_of(&target.kind), target.name)
            } else {
                format!(
                    "no matches for kind \"{}\" in group \"{}\"",
                    target.kind,
                    api_group(target.api_version.as_deref())
                )
            };
            event(world, key, EventType::Warning, "FailedGetScale", error.clone());
            set_condition(
                &mut hpa,
                "AbleToScale",
                "False",
                "FailedGetScale",
                &format!("the HPA controller was unable to get the target's current scale: {error}"),
                now,
            );
            return finish(world, key, &original, hpa, false, vec![format!("the target cannot be read: {error}")]);
        }
    };
    set_condition(
        &mut hpa,
        "AbleToScale",
        "True",
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale",
        now,
    );
    let current = deployment.spec.replicas.unwrap_or(1);
    autoscaler(world, key).history.record_initial_recommendation(current, now);
    let min = hpa.spec.min_replicas.unwrap_or(1);
    let max = hpa.spec.max_replicas;

    let mut why = Vec::new();
    let mut metric_statuses = Vec::new();
    let (desired, rescale, reason) = if current == 0 && min != 0 {
        set_condition(
            &mut hpa,
            "ScalingActive",
            "False",
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
            now,
        );
        why.push("the Deployment has 0 replicas: autoscaling is off until it has some".to_string());
        (0, false, String::new())
    } else if current > max {
        why.push(format!("{current} replicas is above maxReplicas {max}: back to {max}"));
        (max, true, ABOVE_MAX_REPLICAS_REASON.to_string())
    } else if current < min {
        why.push(format!("{current} replicas is below minReplicas {min}: up to {min}"));
        (min, true, BELOW_MIN_REPLICAS_REASON.to_string())
    } else {
        let pods = target_pods(world, &deployment);
        let samples: Vec<Option<(i64, i64)>> = pods.iter().map(|pod| sample(world, pod)).collect();
        let mut best: Option<(i32, String)> = None;
        let mut first_failure: Option<MetricFailure> = None;
        let mut invalid = 0;
        for spec in &hpa.spec.metrics {
            match compute_metric(spec, current, &pods, &samples, now) {
                Ok(outcome) => {
                    if best.as_ref().is_none_or(|(replicas, _)| *replicas == 0 || outcome.replicas > *replicas) {
                        best = Some((outcome.replicas, outcome.name.clone()));
                    }
                    why.push(outcome.why);
                    metric_statuses.push(outcome.status);
                }
                Err(failure) => {
                    // getUnableComputeReplicaCountCondition's event.
                    event(world, key, EventType::Warning, failure.reason, failure.error.clone());
                    why.push(format!("the metric failed: {}", failure.error));
                    metric_statuses.push(MetricStatus::default());
                    invalid += 1;
                    if first_failure.is_none() {
                        first_failure = Some(failure);
                    }
                }
            }
        }
        let count = hpa.spec.metrics.len();
        let (metric_replicas, metric_name) = best.unwrap_or((0, String::new()));
        let failed = invalid >= count || (invalid > 0 && metric_replicas < current);
        if failed {
            let (reason, error) = match &first_failure {
                Some(failure) => (failure.reason, failure.error.clone()),
                None => ("FailedGetResourceMetric", "no metrics".to_string()),
            };
            set_condition(
                &mut hpa,
                "ScalingActive",
                "False",
                reason,
                &format!("the HPA was unable to compute the replica count: {error}"),
                now,
            );
            let message = format!(
                "invalid metrics ({invalid} invalid out of {count}), first error is: {}",
                wrapped_error(&hpa.spec.metrics, &error)
            );
            // setCurrentReplicasAndMetricsInStatus, then the event.
            hpa.status.current_replicas = current;
            hpa.status.current_metrics = metric_statuses;
            event(world, key, EventType::Warning, "FailedComputeMetricsReplicas", message);
            why.push(format!("no replica count could be computed, so {current} replicas stay"));
            return finish(world, key, &original, hpa, false, why);
        }
        set_condition(
            &mut hpa,
            "ScalingActive",
            "True",
            "ValidMetricFound",
            &format!("the HPA was able to successfully calculate a replica count from {metric_name}"),
            now,
        );
        let mut reason = String::new();
        if metric_replicas > current {
            reason = above_target_reason(&metric_name);
        } else if metric_replicas < current {
            reason = ALL_METRICS_BELOW_TARGET_REASON.to_string();
        }
        let normalized = normalize(world, key, &hpa, current, metric_replicas, min, max, now);
        for change in [normalized.able_to_scale, normalized.scaling_limited] {
            set_condition(&mut hpa, change.condition_type, change.status, change.reason, change.message, now);
        }
        if let Some(line) = normalized_why(&normalized, metric_replicas, current, min, max) {
            why.push(line);
        }
        (normalized.desired_replicas, normalized.desired_replicas != current, reason)
    };

    let desired = if rescale {
        let mut scaled: Deployment = deployment.clone();
        scaled.spec.replicas = Some(desired);
        if world.store.update(Object::Deployment(scaled)).is_err() {
            return finish(world, key, &original, hpa, false, why);
        }
        set_condition(
            &mut hpa,
            "AbleToScale",
            "True",
            "SucceededRescale",
            &format!("the HPA controller was able to update the target scale to {desired}"),
            now,
        );
        event(world, key, EventType::Normal, "SuccessfulRescale", successful_rescale_message(desired, &reason));
        autoscaler(world, key).history.store_scale_event(hpa.spec.behavior.as_deref(), current, desired, now);
        why.push(format!("Deployment {} scaled from {current} to {desired} replicas", deployment.metadata.name()));
        desired
    } else {
        current
    };
    // setStatus.
    hpa.status = HorizontalPodAutoscalerStatus {
        observed_generation: hpa.status.observed_generation,
        last_scale_time: if rescale { Some(now) } else { hpa.status.last_scale_time },
        current_replicas: current,
        desired_replicas: desired,
        current_metrics: metric_statuses,
        conditions: std::mem::take(&mut hpa.status.conditions),
    };
    finish(world, key, &original, hpa, rescale, why)
}

/// updateStatusIfNeeded, and the Decision when the HPA rescaled or its
/// conditions changed.
fn finish(
    world: &mut World,
    key: &Key,
    original: &HorizontalPodAutoscaler,
    hpa: HorizontalPodAutoscaler,
    rescaled: bool,
    why: Vec<String>,
) -> bool {
    let conditions = |h: &HorizontalPodAutoscaler| -> Vec<(String, String, String)> {
        h.status
            .conditions
            .iter()
            .map(|c| (c.condition_type.to_string(), c.status.to_string(), c.reason.clone()))
            .collect()
    };
    let conditions_changed = conditions(original) != conditions(&hpa);
    let what = if rescaled {
        format!("rescale to {}", hpa.status.desired_replicas)
    } else {
        let reasons: Vec<String> = conditions(&hpa).into_iter().map(|(t, s, r)| format!("{t}={s} ({r})")).collect();
        format!("keep {} replicas: {}", hpa.status.current_replicas, reasons.join(", "))
    };
    if rescaled || conditions_changed {
        world.decide(Decision::new(SOURCE, key, &what, why));
    }
    if hpa.status == original.status {
        return false;
    }
    world.store.write(key.clone(), Object::HorizontalPodAutoscaler(hpa));
    true
}

fn autoscaler<'a>(world: &'a mut World, key: &Key) -> &'a mut Autoscaler {
    world.hpa.autoscalers.entry(key.clone()).or_default()
}

#[allow(clippy::too_many_arguments)]
fn normalize(
    world: &mut World,
    key: &Key,
    hpa: &HorizontalPodAutoscaler,
    current: i32,
    desired: i32,
    min: i32,
    max: i32,
    now: Time,
) -> Normalized {
    let history = &mut autoscaler(world, key).history;
    match &hpa.spec.behavior {
        None => history.normalize_desired_replicas(
            current,
            desired,
            min,
            max,
            DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS,
            now,
        ),
        Some(behavior) => {
            let args =
                NormalizationArg::new(behavior, DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS, min, max, current, desired);
            history.normalize_desired_replicas_with_behaviors(&args, now)
        }
    }
}

/// What the normalization did to the metrics' count, in words.
fn normalized_why(normalized: &Normalized, proposed: i32, current: i32, min: i32, max: i32) -> Option<String> {
    let desired = normalized.desired_replicas;
    let stabilized = match normalized.able_to_scale.reason {
        "ScaleDownStabilized" => Some(format!(
            "a higher recommendation from the last {} s wins (stabilization window)",
            DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS / 1000
        )),
        "ScaleUpStabilized" => Some("a lower recent recommendation wins (scale-up stabilization window)".to_string()),
        _ => None,
    };
    let limited = match normalized.scaling_limited.reason {
        "TooManyReplicas" => Some(format!("capped by maxReplicas {max}")),
        "TooFewReplicas" => Some(format!("raised to minReplicas {min}")),
        "ScaleUpLimit" => {
            Some(format!("limited to {desired} this step (at most max(2 × {current}, 4) or the scale-up policies)"))
        }
        "ScaleDownLimit" => Some(format!("limited to {desired} this step by the scale-down policies")),
        _ => None,
    };
    let parts: Vec<String> = [stabilized, limited].into_iter().flatten().collect();
    if parts.is_empty() {
        return (proposed != current).then(|| format!("{proposed} replicas is within [{min}, {max}]"));
    }
    Some(format!("{}: {desired} replicas", parts.join("; ")))
}

/// The Deployment's pods, as the HPA's selector (the Deployment's
/// spec.selector) picks them, limited to those its ReplicaSets own.
fn target_pods(world: &World, deployment: &Deployment) -> Vec<Pod> {
    let Some(uid) = deployment.metadata.uid.as_deref() else { return Vec::new() };
    let Some(selector) = deployment.spec.selector.as_ref() else { return Vec::new() };
    let namespace = deployment.metadata.namespace();
    let owned_sets: Vec<String> = world
        .store
        .owned_by(uid)
        .filter_map(|object| match object {
            Object::ReplicaSet(rs) if rs.metadata.controller().is_some_and(|owner| owner.uid == uid) => {
                rs.metadata.uid.clone()
            }
            _ => None,
        })
        .collect();
    world
        .store
        .list("Pod", Some(namespace))
        .filter_map(|object| match object {
            Object::Pod(pod)
                if selector.matches(&pod.metadata.labels)
                    && pod.metadata.controller().is_some_and(|owner| owned_sets.contains(&owner.uid)) =>
            {
                Some(pod.clone())
            }
            _ => None,
        })
        .collect()
}

/// What the metrics API reports for a pod: (cpu millicores, memory bytes)
/// for a running pod, nothing otherwise.
fn sample(world: &World, pod: &Pod) -> Option<(i64, i64)> {
    (pod.status.phase == "Running").then(|| traffic_usage(world, pod))
}

fn traffic_usage(world: &World, pod: &Pod) -> (i64, i64) {
    super::traffic::pod_usage(world, &Key::new("Pod", pod.metadata.namespace(), pod.metadata.name()))
}

/// computeReplicasForMetric for one metric spec.
fn compute_metric(
    spec: &MetricSpec,
    current: i32,
    pods: &[Pod],
    samples: &[Option<(i64, i64)>],
    now: Time,
) -> Result<MetricOutcome, MetricFailure> {
    let resource = match (spec.metric_type.as_str(), spec.resource.as_ref()) {
        ("Resource", Some(resource)) => resource,
        (other, _) => {
            let reason = match other {
                "Pods" => "FailedGetPodsMetric",
                "Object" => "FailedGetObjectMetric",
                "External" => "FailedGetExternalMetric",
                "ContainerResource" => "FailedGetContainerResourceMetric",
                _ => "InvalidMetricSourceType",
            };
            return Err(MetricFailure {
                reason,
                error: format!("the playground has no metrics API for {other} metrics"),
            });
        }
    };
    let name = resource.name.as_str();
    let milli_of = |(cpu, memory): (i64, i64)| match name {
        "cpu" => Some(cpu),
        "memory" => Some(memory.saturating_mul(1000)),
        _ => None,
    };
    let inputs: Vec<PodMetricInput<'_>> = pods
        .iter()
        .zip(samples)
        .map(|(pod, sample)| PodMetricInput {
            pod,
            metric: sample.and_then(milli_of).map(|value| PodMetric {
                value,
                timestamp: now,
                window_ms: METRIC_WINDOW_MS,
            }),
        })
        .collect();
    let calculator = ReplicaCalculator::default();
    let target = &resource.target;
    let counts = PodCounts::of(&inputs, &calculator, name, now);
    if let Some(average) = target.average_value.as_ref() {
        let target_milli = average.milli_value();
        let (replicas, usage) = calculator
            .get_raw_resource_replicas(current, target_milli, name, Tolerances::DEFAULT, &inputs, now)
            .map_err(|e| MetricFailure {
                reason: "FailedGetResourceMetric",
                error: format!("failed to get {name} usage: {e}"),
            })?;
        let status = resource_status(name, None, usage);
        let why = format!(
            "{name} {} per pod across {}, target {}: {}",
            milli_text(usage),
            counts.describe(),
            average.as_str(),
            formula(
                usage as f64 / target_milli as f64,
                usage.to_string(),
                target_milli.to_string(),
                &counts,
                current,
                replicas
            ),
        );
        return Ok(MetricOutcome { replicas, name: resource_metric_name(name), status, why });
    }
    let Some(utilization_target) = target.average_utilization else {
        return Err(MetricFailure {
            reason: "FailedGetResourceMetric",
            error: "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set".to_string(),
        });
    };
    let (replicas, utilization, raw) = calculator
        .get_resource_replicas(current, utilization_target, name, Tolerances::DEFAULT, &inputs, now)
        .map_err(|e| MetricFailure {
            reason: "FailedGetResourceMetric",
            error: format!("failed to get {name} utilization: {e}"),
        })?;
    let status = resource_status(name, Some(utilization), raw);
    let label = if name == "cpu" { "CPU".to_string() } else { name.to_string() };
    let why = format!(
        "{label} {utilization}% of request across {}, target {utilization_target}%: {}",
        counts.describe(),
        formula(
            f64::from(utilization) / f64::from(utilization_target),
            utilization.to_string(),
            utilization_target.to_string(),
            &counts,
            current,
            replicas
        ),
    );
    Ok(MetricOutcome { replicas, name: resource_utilization_metric_name(name), status, why })
}

/// The error as computeReplicasForMetric wraps it for the
/// FailedComputeMetricsReplicas event.
fn wrapped_error(metrics: &[MetricSpec], error: &str) -> String {
    match metrics.iter().find(|m| m.metric_type == "Resource").and_then(|m| m.resource.as_ref()) {
        Some(resource) if error.starts_with("failed to get ") || error.starts_with("invalid resource") => {
            format!("failed to get {} resource metric value: {error}", resource.name)
        }
        _ => error.to_string(),
    }
}

fn resource_status(name: &str, utilization: Option<i32>, average_milli: i64) -> MetricStatus {
    let average = Quantity::parse(&format!("{average_milli}m")).ok().and_then(|q| Quantity::parse(&q.canonical()).ok());
    MetricStatus {
        metric_type: "Resource".to_string(),
        resource: Some(ResourceMetricStatus {
            name: name.to_string(),
            current: MetricValueStatus { value: None, average_value: average, average_utilization: utilization },
        }),
        ..MetricStatus::default()
    }
}

fn milli_text(milli: i64) -> String {
    Quantity::parse(&format!("{milli}m")).map(|q| q.canonical()).unwrap_or_else(|_| format!("{milli}m"))
}

/// How the pods counted, for the explanation only (the calculator decides).
struct PodCounts {
    ready: usize,
    unready: usize,
    missing: usize,
}

impl PodCounts {
    /// The calculator's own grouping (groupPods), so the words match what
    /// it counted.
    fn of(inputs: &[PodMetricInput<'_>], calculator: &ReplicaCalculator, resource: &str, now: Time) -> PodCounts {
        let (ready, unready, missing) = calculator.group_counts(inputs, resource, now);
        PodCounts { ready, unready, missing }
    }

    fn describe(&self) -> String {
        let plural = |n: usize, what: &str| format!("{n} {what} pod{}", if n == 1 { "" } else { "s" });
        let mut text = plural(self.ready, "ready");
        if self.unready > 0 {
            text +=
                &format!(" ({} not ready or warming up)", plural(self.unready, "more").replace(" more pod", " pod"));
        }
        if self.missing > 0 {
            text += &format!(" ({} without metrics)", plural(self.missing, "more").replace(" more pod", " pod"));
        }
        text
    }
}

/// The arithmetic behind a proposal, in words.
fn formula(ratio: f64, usage: String, target: String, counts: &PodCounts, current: i32, replicas: i32) -> String {
    if replicas == current && Tolerances::DEFAULT.is_within(ratio) {
        return format!("ratio {usage}/{target} = {ratio:.2} is within the 0.1 tolerance, so {current} replicas stay");
    }
    let simple = (ratio * counts.ready as f64).ceil() as i32;
    if counts.unready == 0 && counts.missing == 0 && simple == replicas {
        return format!("ceil({} × {usage}/{target}) = {replicas}", counts.ready);
    }
    if replicas == current {
        return format!(
            "ratio {ratio:.2}, but counting the other pods as idle (or at their request) changes the direction or lands within tolerance, so {current} replicas stay"
        );
    }
    format!("ratio {ratio:.2}, with the other pods counted as idle (or at their request): {replicas} replicas")
}

fn api_group(api_version: Option<&str>) -> &str {
    api_version.and_then(|v| v.split_once('/')).map_or("", |(group, _)| group)
}

/// setCondition: a status change moves lastTransitionTime; new conditions
/// are appended.
fn set_condition(
    hpa: &mut HorizontalPodAutoscaler,
    condition_type: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Time,
) {
    let conditions = &mut hpa.status.conditions;
    let index = match conditions.iter().position(|c| c.condition_type == condition_type) {
        Some(index) => index,
        None => {
            conditions.push(Condition { condition_type: Str::copy(condition_type), ..Condition::default() });
            conditions.len() - 1
        }
    };
    let condition = &mut conditions[index];
    if condition.status != status {
        condition.last_transition_time = Some(now);
    }
    condition.status = Str::copy(status);
    condition.set_reason(reason.to_string(), message.to_string());
}

fn event(world: &mut World, key: &Key, event_type: EventType, reason: &str, message: String) {
    let now = world.now();
    world
        .events
        .record(Report { event_type, reason, message: &message, involved: key, field_path: None, source: SOURCE }, now);
}

#[cfg(test)]
#[path = "hpa_tests.rs"]
mod tests;
