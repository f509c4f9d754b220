//! `pkg/controller/podautoscaler`: the HorizontalPodAutoscaler's arithmetic.
//! `replica_calculator.go` turns pod metrics into a replica count
//! (GetResourceReplicas, GetRawResourceReplicas, GetMetricReplicas);
//! `horizontal.go` normalizes it, without `behavior` (stabilizeRecommendation,
//! convertDesiredReplicasWithRules) or with it
//! (stabilizeRecommendationWithBehaviors, convertDesiredReplicasWithBehaviorRate).
//! Spec section 7.
//!
//! The controller's memory per HPA (recommendations, scale events) is the
//! caller's, in [`AutoscalerHistory`]; time comes in as [`Time`], durations
//! in milliseconds. The ratios are float64 exactly where upstream's are.

use crate::api::autoscaling::{HorizontalPodAutoscalerBehavior, HpaScalingPolicy, HpaScalingRules};
use crate::api::core::Pod;
use crate::api::time::Time;

/// `--horizontal-pod-autoscaler-tolerance`.
pub const DEFAULT_TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-cpu-initialization-period`.
pub const DEFAULT_CPU_INITIALIZATION_PERIOD_MS: i64 = 5 * 60 * 1000;
/// `--horizontal-pod-autoscaler-initial-readiness-delay`.
pub const DEFAULT_INITIAL_READINESS_DELAY_MS: i64 = 30 * 1000;
/// `--horizontal-pod-autoscaler-downscale-stabilization`.
pub const DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS: i64 = 5 * 60 * 1000;
/// `--horizontal-pod-autoscaler-sync-period`.
pub const DEFAULT_SYNC_PERIOD_MS: i64 = 15 * 1000;

const SCALE_UP_LIMIT_FACTOR: f64 = 2.0;
const SCALE_UP_LIMIT_MINIMUM: f64 = 4.0;

/// Go's zero `time.Time` (January 1, year 1, UTC): what an unset condition
/// transition time compares as.
const GO_ZERO_TIME: Time = Time::from_unix_ms(-62_135_596_800_000);

/// `Tolerances`: how far the usage ratio may stray from 1 without a change.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerances {
    pub scale_down: f64,
    pub scale_up: f64,
}

impl Tolerances {
    pub const DEFAULT: Tolerances = Tolerances { scale_down: DEFAULT_TOLERANCE, scale_up: DEFAULT_TOLERANCE };

    /// `isWithin`: `1 − scaleDown ≤ ratio ≤ 1 + scaleUp`, both ends inclusive.
    pub fn is_within(self, usage_ratio: f64) -> bool {
        (1.0 - self.scale_down) <= usage_ratio && usage_ratio <= (1.0 + self.scale_up)
    }
}

/// `metricsclient.PodMetric`: one pod's sample, in milli-units (millicores
/// for cpu), taken at `timestamp` over `window_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PodMetric {
    pub value: i64,
    pub timestamp: Time,
    pub window_ms: i64,
}

/// A selected pod and its sample, if the metrics API has one.
#[derive(Clone, Copy, Debug)]
pub struct PodMetricInput<'a> {
    pub pod: &'a Pod,
    pub metric: Option<PodMetric>,
}

/// `ReplicaCalculator`: the two durations its pod grouping depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplicaCalculator {
    pub cpu_initialization_period_ms: i64,
    pub delay_of_initial_readiness_status_ms: i64,
}

impl Default for ReplicaCalculator {
    fn default() -> Self {
        ReplicaCalculator {
            cpu_initialization_period_ms: DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
            delay_of_initial_readiness_status_ms: DEFAULT_INITIAL_READINESS_DELAY_MS,
        }
    }
}

/// groupPods' classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PodGroup {
    Ready,
    Unready,
    Missing,
    Ignored,
}

fn shift(t: Time, ms: i64) -> Time {
    Time::from_unix_ms(t.unix_ms.saturating_add(ms))
}

fn back(t: Time, ms: i64) -> Time {
    Time::from_unix_ms(t.unix_ms.saturating_sub(ms))
}

/// `int32(math.Ceil(x))`; beyond int32 it saturates (Go's result there is
/// unspecified).
fn ceil_i32(x: f64) -> i32 {
    x.ceil() as i32
}

/// `metricsclient.GetResourceUtilizationRatio` over the samples of pods
/// with a request: `(ratio, utilization %, raw average)`.
fn get_resource_utilization_ratio(
    metrics: &[(usize, i64)],
    requests: &[i64],
    target_utilization: i32,
) -> Result<(f64, i32, i64), String> {
    let (mut metrics_total, mut requests_total, mut entries) = (0i64, 0i64, 0i64);
    for &(pod, value) in metrics {
        let Some(&request) = requests.get(pod) else { continue };
        metrics_total = metrics_total.wrapping_add(value);
        requests_total = requests_total.wrapping_add(request);
        entries += 1;
    }
    if requests_total == 0 || entries == 0 {
        return Err("no metrics returned matched known pods".to_string());
    }
    let utilization = metrics_total.wrapping_mul(100).wrapping_div(requests_total) as i32;
    let ratio = f64::from(utilization) / f64::from(target_utilization);
    Ok((ratio, utilization, metrics_total.wrapping_div(entries)))
}

/// `metricsclient.GetMetricUsageRatio`: `(ratio, average usage)`.
fn get_metric_usage_ratio(metrics: &[(usize, i64)], target_usage: i64) -> (f64, i64) {
    let total = metrics.iter().fold(0i64, |sum, &(_, value)| sum.wrapping_add(value));
    let usage = total.checked_div(metrics.len() as i64).unwrap_or(0);
    (usage as f64 / target_usage as f64, usage)
}

/// calculatePodRequestsFromContainers: Σ requests of the containers and the
/// restartable (sidecar) init containers, in milli-units.
fn calculate_pod_request(pod: &Pod, resource: &str) -> Result<i64, String> {
    let sidecars = pod.spec.init_containers.iter().filter(|c| c.restart_policy.as_deref() == Some("Always"));
    let mut request = 0i64;
    for container in pod.spec.containers.iter().chain(sidecars) {
        let Some(quantity) = container.resources.requests.get(resource) else {
            return Err(format!(
                "missing request for {resource} in container {} of Pod {}",
                container.name,
                pod.metadata.name()
            ));
        };
        request = request.wrapping_add(quantity.milli_value());
    }
    Ok(request)
}

/// The pods split as groupPods splits them, with the samples of the ready
/// ones (the rest are dropped, as removeMetricsForPods does).
struct Grouped {
    metrics: Vec<(usize, i64)>,
    unready: Vec<usize>,
    missing: Vec<usize>,
}

impl ReplicaCalculator {
    /// groupPods for one pod: deleted or Failed pods are ignored; Pending
    /// ones unready; pods without a sample missing; for cpu, pods still
    /// warming up (or never ready) unready.
    fn group_pod(&self, input: &PodMetricInput<'_>, resource: &str, now: Time) -> PodGroup {
        let pod = input.pod;
        if pod.metadata.deletion_timestamp.is_some() || pod.status.phase == "Failed" {
            return PodGroup::Ignored;
        }
        if pod.status.phase == "Pending" {
            return PodGroup::Unready;
        }
        let Some(metric) = input.metric else { return PodGroup::Missing };
        if resource == "cpu" {
            let condition = pod.status.conditions.iter().find(|c| c.condition_type == "Ready");
            let unready = match (condition, pod.status.start_time) {
                (Some(condition), Some(start)) => {
                    let transition = condition.last_transition_time.unwrap_or(GO_ZERO_TIME);
                    if shift(start, self.cpu_initialization_period_ms) > now {
                        // Still initializing: ignore an unready pod, or a
                        // sample not yet one window past the transition.
                        condition.status == "False" || metric.timestamp < shift(transition, metric.window_ms)
                    } else {
                        // Unready and never ready since it started.
                        condition.status == "False"
                            && shift(start, self.delay_of_initial_readiness_status_ms) > transition
                    }
                }
                _ => true,
            };
            if unready {
                return PodGroup::Unready;
            }
        }
        PodGroup::Ready
    }

    /// How groupPods splits the pods, as counts: (ready with a sample,
    /// unready, without a sample). For explanations; the calculations use
    /// the groups themselves.
    pub fn group_counts(&self, pods: &[PodMetricInput<'_>], resource: &str, now: Time) -> (usize, usize, usize) {
        let grouped = self.group_pods(pods, resource, now);
        (grouped.metrics.len(), grouped.unready.len(), grouped.missing.len())
    }

    fn group_pods(&self, pods: &[PodMetricInput<'_>], resource: &str, now: Time) -> Grouped {
        let mut grouped = Grouped { metrics: Vec::new(), unready: Vec::new(), missing: Vec::new() };
        for (i, input) in pods.iter().enumerate() {
            match self.group_pod(input, resource, now) {
                PodGroup::Ready => grouped.metrics.push((i, input.metric.map_or(0, |m| m.value))),
                PodGroup::Unready => grouped.unready.push(i),
                PodGroup::Missing => grouped.missing.push(i),
                PodGroup::Ignored => {}
            }
        }
        grouped
    }

    /// GetResourceReplicas: the replica count for a utilization target (a
    /// percentage of the pods' requests of `resource`), with the current
    /// utilization and the raw average usage per pod (milli-units).
    ///
    /// Without unready or missing pods: `ceil(ratio × readyPods)` unless the
    /// ratio is within tolerance. Otherwise missing pods count as using
    /// max(100 %, target) of their request on a scale-down and nothing on a
    /// scale-up, unready pods nothing on a scale-up, and a recomputed ratio
    /// that is within tolerance or turns the direction keeps the count.
    pub fn get_resource_replicas(
        &self,
        current_replicas: i32,
        target_utilization: i32,
        resource: &str,
        tolerances: Tolerances,
        pods: &[PodMetricInput<'_>],
        now: Time,
    ) -> Result<(i32, i32, i64), String> {
        if pods.iter().all(|p| p.metric.is_none()) {
            return Err(format!(
                "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
            ));
        }
        let Grouped { mut metrics, unready, missing } = self.group_pods(pods, resource, now);
        let ready_pod_count = metrics.len();
        if metrics.is_empty() {
            return Err("did not receive metrics for targeted pods (pods might be unready)".to_string());
        }
        let requests = pods
            .iter()
            .map(|input| calculate_pod_request(input.pod, resource))
            .collect::<Result<Vec<i64>, String>>()?;
        let (usage_ratio, utilization, raw) = get_resource_utilization_ratio(&metrics, &requests, target_utilization)?;

        let scale_up_with_unready = !unready.is_empty() && usage_ratio > 1.0;
        if !scale_up_with_unready && missing.is_empty() {
            if tolerances.is_within(usage_ratio) {
                return Ok((current_replicas, utilization, raw));
            }
            return Ok((ceil_i32(usage_ratio * ready_pod_count as f64), utilization, raw));
        }
        if !missing.is_empty() {
            if usage_ratio < 1.0 {
                let fallback = i64::from(target_utilization.max(100));
                metrics.extend(missing.iter().map(|&i| (i, requests[i].wrapping_mul(fallback) / 100)));
            } else if usage_ratio > 1.0 {
                metrics.extend(missing.iter().map(|&i| (i, 0)));
            }
        }
        if scale_up_with_unready {
            metrics.extend(unready.iter().map(|&i| (i, 0)));
        }
        let (new_usage_ratio, _, _) = get_resource_utilization_ratio(&metrics, &requests, target_utilization)?;
        Ok((rebalanced(current_replicas, usage_ratio, new_usage_ratio, metrics.len(), tolerances), utilization, raw))
    }

    /// GetRawResourceReplicas: the replica count for an average-value target
    /// of `resource` (milli-units), with the current average.
    pub fn get_raw_resource_replicas(
        &self,
        current_replicas: i32,
        target_usage: i64,
        resource: &str,
        tolerances: Tolerances,
        pods: &[PodMetricInput<'_>],
        now: Time,
    ) -> Result<(i32, i64), String> {
        if pods.iter().all(|p| p.metric.is_none()) {
            return Err(format!(
                "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
            ));
        }
        self.calc_plain_metric_replicas(current_replicas, target_usage, resource, tolerances, pods, now)
    }

    /// GetMetricReplicas: the replica count for a per-pod metric with an
    /// average-value target (milli-units), with the current average.
    pub fn get_metric_replicas(
        &self,
        current_replicas: i32,
        target_usage: i64,
        metric_name: &str,
        tolerances: Tolerances,
        pods: &[PodMetricInput<'_>],
        now: Time,
    ) -> Result<(i32, i64), String> {
        if pods.iter().all(|p| p.metric.is_none()) {
            return Err(format!("unable to get metric {metric_name}: no metrics returned from custom metrics API"));
        }
        self.calc_plain_metric_replicas(current_replicas, target_usage, "", tolerances, pods, now)
    }

    /// calcPlainMetricReplicas: as GetResourceReplicas, against an average
    /// value; missing pods count as using the target on a scale-down.
    fn calc_plain_metric_replicas(
        &self,
        current_replicas: i32,
        target_usage: i64,
        resource: &str,
        tolerances: Tolerances,
        pods: &[PodMetricInput<'_>],
        now: Time,
    ) -> Result<(i32, i64), String> {
        if pods.is_empty() {
            return Err("no pods returned by selector while calculating replica count".to_string());
        }
        let Grouped { mut metrics, unready, missing } = self.group_pods(pods, resource, now);
        let ready_pod_count = metrics.len();
        if metrics.is_empty() {
            return Err("did not receive metrics for targeted pods (pods might be unready)".to_string());
        }
        let (usage_ratio, usage) = get_metric_usage_ratio(&metrics, target_usage);
        let scale_up_with_unready = !unready.is_empty() && usage_ratio > 1.0;
        if !scale_up_with_unready && missing.is_empty() {
            if tolerances.is_within(usage_ratio) {
                return Ok((current_replicas, usage));
            }
            return Ok((ceil_i32(usage_ratio * ready_pod_count as f64), usage));
        }
        if !missing.is_empty() {
            if usage_ratio < 1.0 {
                metrics.extend(missing.iter().map(|&i| (i, target_usage)));
            } else if usage_ratio > 1.0 {
                metrics.extend(missing.iter().map(|&i| (i, 0)));
            }
        }
        if scale_up_with_unready {
            metrics.extend(unready.iter().map(|&i| (i, 0)));
        }
        let (new_usage_ratio, _) = get_metric_usage_ratio(&metrics, target_usage);
        Ok((rebalanced(current_replicas, usage_ratio, new_usage_ratio, metrics.len(), tolerances), usage))
    }
}

/// The end of both calculations once missing or unready pods were filled
/// in: keep the count when the new ratio is within tolerance or points the
/// other way, or when the count would move against it.
fn rebalanced(current: i32, usage_ratio: f64, new_usage_ratio: f64, count: usize, tolerances: Tolerances) -> i32 {
    if tolerances.is_within(new_usage_ratio)
        || (usage_ratio < 1.0 && new_usage_ratio > 1.0)
        || (usage_ratio > 1.0 && new_usage_ratio < 1.0)
    {
        return current;
    }
    let new_replicas = ceil_i32(new_usage_ratio * count as f64);
    if (new_usage_ratio < 1.0 && new_replicas > current) || (new_usage_ratio > 1.0 && new_replicas < current) {
        return current;
    }
    new_replicas
}

/// The metric name in a rescale reason for a Utilization target.
pub fn resource_utilization_metric_name(resource: &str) -> String {
    format!("{resource} resource utilization (percentage of request)")
}

/// The metric name in a rescale reason for an AverageValue resource target.
pub fn resource_metric_name(resource: &str) -> String {
    format!("{resource} resource")
}

/// Rescale reasons (reconcileAutoscaler).
pub const ABOVE_MAX_REPLICAS_REASON: &str = "Current number of replicas above Spec.MaxReplicas";
pub const BELOW_MIN_REPLICAS_REASON: &str = "Current number of replicas below Spec.MinReplicas";
pub const ALL_METRICS_BELOW_TARGET_REASON: &str = "All metrics below target";

/// The rescale reason when the metrics ask for more: `<metric> above target`.
pub fn above_target_reason(metric_name: &str) -> String {
    format!("{metric_name} above target")
}

/// The SuccessfulRescale event's message.
pub fn successful_rescale_message(new_size: i32, reason: &str) -> String {
    format!("New size: {new_size}; reason: {reason}")
}

/// `timestampedRecommendation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimestampedRecommendation {
    pub recommendation: i32,
    pub timestamp: Time,
}

/// `timestampedScaleEvent`: replicas added (or removed) by one rescale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimestampedScaleEvent {
    pub replica_change: i32,
    pub timestamp: Time,
    pub outdated: bool,
}

/// A condition the normalization sets on the HPA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConditionChange {
    /// `AbleToScale` or `ScalingLimited`.
    pub condition_type: &'static str,
    /// `True` or `False`.
    pub status: &'static str,
    pub reason: &'static str,
    pub message: &'static str,
}

/// What a normalization decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Normalized {
    pub desired_replicas: i32,
    pub able_to_scale: ConditionChange,
    pub scaling_limited: ConditionChange,
}

const READY_FOR_NEW_SCALE: ConditionChange = ConditionChange {
    condition_type: "AbleToScale",
    status: "True",
    reason: "ReadyForNewScale",
    message: "recommended size matches current size",
};
const SCALE_UP_STABILIZED: (&str, &str) = (
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
);
const SCALE_DOWN_STABILIZED: (&str, &str) = (
    "ScaleDownStabilized",
    "recent recommendations were higher than current one, applying the highest recent recommendation",
);
const DESIRED_WITHIN_RANGE: (&str, &str) = ("DesiredWithinRange", "the desired count is within the acceptable range");
const TOO_FEW_REPLICAS: (&str, &str) =
    ("TooFewReplicas", "the desired replica count is less than the minimum replica count");
const TOO_MANY_REPLICAS: (&str, &str) =
    ("TooManyReplicas", "the desired replica count is more than the maximum replica count");
const SCALE_UP_LIMIT: (&str, &str) =
    ("ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate");
const SCALE_DOWN_LIMIT: (&str, &str) =
    ("ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate");

fn able_to_scale(
    stabilized: i32,
    prenormalized: i32,
    (reason, message): (&'static str, &'static str),
) -> ConditionChange {
    if stabilized == prenormalized {
        return READY_FOR_NEW_SCALE;
    }
    ConditionChange { condition_type: "AbleToScale", status: "True", reason, message }
}

fn scaling_limited(desired: i32, stabilized: i32, (reason, message): (&'static str, &'static str)) -> ConditionChange {
    let status = if desired == stabilized { "False" } else { "True" };
    ConditionChange { condition_type: "ScalingLimited", status, reason, message }
}

/// calculateScaleUpLimit: `max(2 × current, 4)`.
pub fn calculate_scale_up_limit(current_replicas: i32) -> i32 {
    (SCALE_UP_LIMIT_FACTOR * f64::from(current_replicas)).max(SCALE_UP_LIMIT_MINIMUM) as i32
}

/// convertDesiredReplicasWithRules: clamp to [minReplicas, min(maxReplicas,
/// scaleUpLimit)] with the ScalingLimited reason and message. minReplicas 0
/// counts as 1 (spec 7.3; validation never lets 0 through).
pub fn convert_desired_replicas_with_rules(
    current_replicas: i32,
    desired_replicas: i32,
    hpa_min_replicas: i32,
    hpa_max_replicas: i32,
) -> (i32, &'static str, &'static str) {
    let minimum_allowed = hpa_min_replicas.max(1);
    let scale_up_limit = calculate_scale_up_limit(current_replicas);
    let (maximum_allowed, limit) = if hpa_max_replicas > scale_up_limit {
        (scale_up_limit, SCALE_UP_LIMIT)
    } else {
        (hpa_max_replicas, TOO_MANY_REPLICAS)
    };
    if desired_replicas < minimum_allowed {
        return (minimum_allowed, TOO_FEW_REPLICAS.0, TOO_FEW_REPLICAS.1);
    }
    if desired_replicas > maximum_allowed {
        return (maximum_allowed, limit.0, limit.1);
    }
    (desired_replicas, DESIRED_WITHIN_RANGE.0, DESIRED_WITHIN_RANGE.1)
}

/// `NormalizationArg`, with the scaling rules resolved: unset parts take
/// the API defaults, an unset scale-down window the controller's
/// downscale-stabilization flag (maybeInitScaleDownStabilizationWindow).
#[derive(Clone, Debug, PartialEq)]
pub struct NormalizationArg {
    pub scale_up_behavior: HpaScalingRules,
    pub scale_down_behavior: HpaScalingRules,
    pub min_replicas: i32,
    pub max_replicas: i32,
    pub current_replicas: i32,
    pub desired_replicas: i32,
}

fn policy(policy_type: &str, value: i32, period_seconds: i32) -> HpaScalingPolicy {
    HpaScalingPolicy { policy_type: policy_type.to_string(), value, period_seconds }
}

fn resolved_rules(rules: Option<&HpaScalingRules>, scale_up: bool, downscale_window_ms: i64) -> HpaScalingRules {
    let mut rules = rules.cloned().unwrap_or_default();
    let default_window = if scale_up { 0 } else { (downscale_window_ms / 1000) as i32 };
    rules.stabilization_window_seconds.get_or_insert(default_window);
    rules.select_policy.get_or_insert_with(|| "Max".to_string());
    rules.policies.get_or_insert_with(|| {
        if scale_up {
            vec![policy("Pods", 4, 15), policy("Percent", 100, 15)]
        } else {
            vec![policy("Percent", 100, 15)]
        }
    });
    rules
}

impl NormalizationArg {
    pub fn new(
        behavior: &HorizontalPodAutoscalerBehavior,
        downscale_stabilization_window_ms: i64,
        min_replicas: i32,
        max_replicas: i32,
        current_replicas: i32,
        desired_replicas: i32,
    ) -> NormalizationArg {
        NormalizationArg {
            scale_up_behavior: resolved_rules(behavior.scale_up.as_ref(), true, downscale_stabilization_window_ms),
            scale_down_behavior: resolved_rules(behavior.scale_down.as_ref(), false, downscale_stabilization_window_ms),
            min_replicas,
            max_replicas,
            current_replicas,
            desired_replicas,
        }
    }
}

fn window_ms(rules: &HpaScalingRules) -> i64 {
    i64::from(rules.stabilization_window_seconds.unwrap_or(0)) * 1000
}

fn policies(rules: &HpaScalingRules) -> &[HpaScalingPolicy] {
    rules.policies.as_deref().unwrap_or(&[])
}

/// getReplicasChangePerPeriod: replicas changed by events newer than
/// `period_seconds`.
pub fn get_replicas_change_per_period(period_seconds: i32, events: &[TimestampedScaleEvent], now: Time) -> i32 {
    let cutoff = back(now, i64::from(period_seconds) * 1000);
    events.iter().filter(|e| e.timestamp > cutoff).fold(0i32, |sum, e| sum.wrapping_add(e.replica_change))
}

/// getLongestPolicyPeriod.
pub fn get_longest_policy_period(rules: &HpaScalingRules) -> i32 {
    policies(rules).iter().map(|p| p.period_seconds).fold(0, i32::max)
}

/// The replicas at the start of a policy's period: current − added + removed.
fn period_start_replicas(
    current: i32,
    period_seconds: i32,
    up_events: &[TimestampedScaleEvent],
    down_events: &[TimestampedScaleEvent],
    now: Time,
) -> i32 {
    let added = get_replicas_change_per_period(period_seconds, up_events, now);
    let deleted = get_replicas_change_per_period(period_seconds, down_events, now);
    current.wrapping_sub(added).wrapping_add(deleted)
}

/// calculateScaleUpLimitWithScalingRules: the most replicas the scale-up
/// policies allow now (Max picks the largest proposal, Min the smallest,
/// Disabled keeps the current count).
pub fn calculate_scale_up_limit_with_scaling_rules(
    current_replicas: i32,
    up_events: &[TimestampedScaleEvent],
    down_events: &[TimestampedScaleEvent],
    rules: &HpaScalingRules,
    now: Time,
) -> i32 {
    let select = rules.select_policy.as_deref();
    if select == Some("Disabled") {
        return current_replicas;
    }
    let min_change = select == Some("Min");
    let mut result = if min_change { i32::MAX } else { i32::MIN };
    for p in policies(rules) {
        let start = period_start_replicas(current_replicas, p.period_seconds, up_events, down_events, now);
        let proposed = match p.policy_type.as_str() {
            "Pods" => start.wrapping_add(p.value),
            "Percent" => ceil_i32(f64::from(start) * (1.0 + f64::from(p.value) / 100.0)),
            _ => 0,
        };
        result = if min_change { result.min(proposed) } else { result.max(proposed) };
    }
    result
}

/// calculateScaleDownLimitWithBehaviors: the fewest replicas the
/// scale-down policies allow now (Max picks the largest change, i.e. the
/// smallest count; Min the largest count; Disabled keeps the current one).
pub fn calculate_scale_down_limit_with_behaviors(
    current_replicas: i32,
    up_events: &[TimestampedScaleEvent],
    down_events: &[TimestampedScaleEvent],
    rules: &HpaScalingRules,
    now: Time,
) -> i32 {
    let select = rules.select_policy.as_deref();
    if select == Some("Disabled") {
        return current_replicas;
    }
    let min_change = select == Some("Min");
    let mut result = if min_change { i32::MIN } else { i32::MAX };
    for p in policies(rules) {
        let start = period_start_replicas(current_replicas, p.period_seconds, up_events, down_events, now);
        let proposed = match p.policy_type.as_str() {
            "Pods" => start.wrapping_sub(p.value),
            "Percent" => (f64::from(start) * (1.0 - f64::from(p.value) / 100.0)) as i32,
            _ => 0,
        };
        result = if min_change { result.max(proposed) } else { result.min(proposed) };
    }
    result
}

/// markScaleEventsOutdated: events older than the longest policy period may
/// be overwritten.
fn mark_scale_events_outdated(events: &mut [TimestampedScaleEvent], longest_policy_period: i32, now: Time) {
    let cutoff = back(now, i64::from(longest_policy_period) * 1000);
    for event in events.iter_mut().filter(|e| e.timestamp < cutoff) {
        event.outdated = true;
    }
}

/// Overwrite the last outdated event, else append.
fn store_event(events: &mut Vec<TimestampedScaleEvent>, event: TimestampedScaleEvent) {
    match events.iter().rposition(|e| e.outdated) {
        Some(i) => events[i] = event,
        None => events.push(event),
    }
}

/// The controller's memory of one HPA: its recent recommendations and, for
/// an HPA with `behavior`, its recent scale events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AutoscalerHistory {
    pub recommendations: Vec<TimestampedRecommendation>,
    pub scale_up_events: Vec<TimestampedScaleEvent>,
    pub scale_down_events: Vec<TimestampedScaleEvent>,
}

impl AutoscalerHistory {
    /// recordInitialRecommendation: the first reconcile remembers the
    /// current count as a recommendation.
    pub fn record_initial_recommendation(&mut self, current_replicas: i32, now: Time) {
        if self.recommendations.is_empty() {
            self.recommendations.push(TimestampedRecommendation { recommendation: current_replicas, timestamp: now });
        }
    }

    /// Record a recommendation in place of the last stale one, else append.
    fn record(&mut self, stale: Option<usize>, recommendation: i32, now: Time) {
        let rec = TimestampedRecommendation { recommendation, timestamp: now };
        match stale {
            Some(i) => self.recommendations[i] = rec,
            None => self.recommendations.push(rec),
        }
    }

    /// stabilizeRecommendation (no `behavior`): the highest of the new
    /// recommendation and those younger than the window; the new one is
    /// recorded in place of one expired entry (the last), else appended.
    pub fn stabilize_recommendation(&mut self, prenormalized: i32, window_ms: i64, now: Time) -> i32 {
        let cutoff = back(now, window_ms);
        let mut max_recommendation = prenormalized;
        let mut stale = None;
        for (i, rec) in self.recommendations.iter().enumerate() {
            if rec.timestamp < cutoff {
                stale = Some(i);
            } else if rec.recommendation > max_recommendation {
                max_recommendation = rec.recommendation;
            }
        }
        self.record(stale, prenormalized, now);
        max_recommendation
    }

    /// normalizeDesiredReplicas: stabilize over the downscale window, then
    /// clamp with convertDesiredReplicasWithRules.
    pub fn normalize_desired_replicas(
        &mut self,
        current_replicas: i32,
        prenormalized: i32,
        min_replicas: i32,
        max_replicas: i32,
        downscale_window_ms: i64,
        now: Time,
    ) -> Normalized {
        let stabilized = self.stabilize_recommendation(prenormalized, downscale_window_ms, now);
        let (desired, reason, message) =
            convert_desired_replicas_with_rules(current_replicas, stabilized, min_replicas, max_replicas);
        Normalized {
            desired_replicas: desired,
            able_to_scale: able_to_scale(stabilized, prenormalized, SCALE_DOWN_STABILIZED),
            scaling_limited: scaling_limited(desired, stabilized, (reason, message)),
        }
    }

    /// stabilizeRecommendationWithBehaviors: the lowest recommendation of
    /// the scale-up window and the highest of the scale-down window bound
    /// the result, starting from the current count; the raw recommendation
    /// is recorded in place of the last entry older than both windows.
    pub fn stabilize_recommendation_with_behaviors(
        &mut self,
        args: &NormalizationArg,
        now: Time,
    ) -> (i32, &'static str, &'static str) {
        let up_cutoff = back(now, window_ms(&args.scale_up_behavior));
        let down_cutoff = back(now, window_ms(&args.scale_down_behavior));
        let mut up_recommendation = args.desired_replicas;
        let mut down_recommendation = args.desired_replicas;
        let mut stale = None;
        for (i, rec) in self.recommendations.iter().enumerate() {
            if rec.timestamp > up_cutoff {
                up_recommendation = up_recommendation.min(rec.recommendation);
            }
            if rec.timestamp > down_cutoff {
                down_recommendation = down_recommendation.max(rec.recommendation);
            }
            if rec.timestamp < up_cutoff && rec.timestamp < down_cutoff {
                stale = Some(i);
            }
        }
        let mut recommendation = args.current_replicas;
        if recommendation < up_recommendation {
            recommendation = up_recommendation;
        }
        if recommendation > down_recommendation {
            recommendation = down_recommendation;
        }
        self.record(stale, args.desired_replicas, now);
        let (reason, message) =
            if args.desired_replicas >= args.current_replicas { SCALE_UP_STABILIZED } else { SCALE_DOWN_STABILIZED };
        (recommendation, reason, message)
    }

    /// convertDesiredReplicasWithBehaviorRate: limit the change by the
    /// policies over the recorded scale events, then by min/maxReplicas.
    pub fn convert_desired_replicas_with_behavior_rate(
        &self,
        args: &NormalizationArg,
        now: Time,
    ) -> (i32, &'static str, &'static str) {
        let (current, desired) = (args.current_replicas, args.desired_replicas);
        if desired > current {
            let limit = calculate_scale_up_limit_with_scaling_rules(
                current,
                &self.scale_up_events,
                &self.scale_down_events,
                &args.scale_up_behavior,
                now,
            )
            .max(current);
            let (maximum_allowed, why) = if args.max_replicas > limit {
                (limit, SCALE_UP_LIMIT)
            } else {
                (args.max_replicas, TOO_MANY_REPLICAS)
            };
            if desired > maximum_allowed {
                return (maximum_allowed, why.0, why.1);
            }
        } else if desired < current {
            let limit = calculate_scale_down_limit_with_behaviors(
                current,
                &self.scale_up_events,
                &self.scale_down_events,
                &args.scale_down_behavior,
                now,
            )
            .min(current);
            let (minimum_allowed, why) = if args.min_replicas < limit {
                (limit, SCALE_DOWN_LIMIT)
            } else {
                (args.min_replicas, TOO_FEW_REPLICAS)
            };
            if desired < minimum_allowed {
                return (minimum_allowed, why.0, why.1);
            }
        }
        (desired, DESIRED_WITHIN_RANGE.0, DESIRED_WITHIN_RANGE.1)
    }

    /// normalizeDesiredReplicasWithBehaviors: stabilize, then rate-limit.
    /// `args.desired_replicas` is the metrics' recommendation.
    pub fn normalize_desired_replicas_with_behaviors(&mut self, args: &NormalizationArg, now: Time) -> Normalized {
        let prenormalized = args.desired_replicas;
        let (stabilized, reason, message) = self.stabilize_recommendation_with_behaviors(args, now);
        let stabilized_args = NormalizationArg { desired_replicas: stabilized, ..args.clone() };
        let (desired, limit_reason, limit_message) =
            self.convert_desired_replicas_with_behavior_rate(&stabilized_args, now);
        Normalized {
            desired_replicas: desired,
            able_to_scale: able_to_scale(stabilized, prenormalized, (reason, message)),
            scaling_limited: scaling_limited(desired, stabilized, (limit_reason, limit_message)),
        }
    }

    /// storeScaleEvent: after a rescale of an HPA with `behavior`, remember
    /// the change (in place of an event older than the longest policy
    /// period, else appended). Without `behavior` nothing is kept.
    pub fn store_scale_event(
        &mut self,
        behavior: Option<&HorizontalPodAutoscalerBehavior>,
        prev_replicas: i32,
        new_replicas: i32,
        now: Time,
    ) {
        let Some(behavior) = behavior else { return };
        let (rules, events, change) = if new_replicas > prev_replicas {
            (behavior.scale_up.as_ref(), &mut self.scale_up_events, new_replicas.wrapping_sub(prev_replicas))
        } else {
            (behavior.scale_down.as_ref(), &mut self.scale_down_events, prev_replicas.wrapping_sub(new_replicas))
        };
        let longest = rules.map_or(0, get_longest_policy_period);
        mark_scale_events_outdated(events, longest, now);
        store_event(events, TimestampedScaleEvent { replica_change: change, timestamp: now, outdated: false });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::Container;
    use crate::api::meta::Condition;
    use crate::api::quantity::Quantity;

    const NOW: Time = Time::from_unix_ms(1_700_000_000_000);
    const SECOND: i64 = 1000;
    const MINUTE: i64 = 60 * SECOND;

    fn at(offset_ms: i64) -> Time {
        shift(NOW, offset_ms)
    }

    /// The upstream unit tests' calculator: 2 min initialization, 10 s delay.
    const TEST_CALC: ReplicaCalculator = ReplicaCalculator {
        cpu_initialization_period_ms: 2 * MINUTE,
        delay_of_initial_readiness_status_ms: 10 * SECOND,
    };

    /// When a test pod started: long ago, 3 min ago (cool), or now (hot).
    #[derive(Clone, Copy)]
    enum Start {
        LongAgo,
        Cool,
        Hot,
    }

    /// One pod of replica_calculator_test.go's harness: two containers each
    /// requesting `request_milli` (none when `None`), a Ready condition whose
    /// transition time is the start time, and a sample of 2 × `usage` (one
    /// per container) taken now over a 1 minute window.
    #[derive(Clone, Copy)]
    struct TestPod {
        request_milli: Option<i64>,
        usage: Option<i64>,
        ready: bool,
        phase: &'static str,
        deleting: bool,
        start: Start,
    }

    const DEFAULT_POD: TestPod = TestPod {
        request_milli: Some(1000),
        usage: None,
        ready: true,
        phase: "Running",
        deleting: false,
        start: Start::LongAgo,
    };

    fn build(test: &TestPod, i: usize) -> (Pod, Option<PodMetric>) {
        let mut pod = Pod::default();
        pod.metadata.name = Some(format!("test-pod-{i}"));
        pod.status.phase = test.phase.to_string().into();
        let start = match test.start {
            Start::LongAgo => Time::from_unix_ms(0),
            Start::Cool => at(-3 * MINUTE),
            Start::Hot => NOW,
        };
        pod.status.start_time = Some(start);
        pod.status.conditions.push(Condition {
            condition_type: "Ready".into(),
            status: if test.ready { "True" } else { "False" }.to_string().into(),
            last_transition_time: Some(start),
            ..Condition::default()
        });
        if test.deleting {
            pod.metadata.rare_mut().deletion_timestamp = Some(NOW);
        }
        for c in 0..2 {
            let mut container = Container { name: format!("container{c}").into(), ..Container::default() };
            if let Some(milli) = test.request_milli {
                container.resources.requests.insert("cpu".to_string(), Quantity::parse(&format!("{milli}m")).unwrap());
            }
            std::rc::Rc::make_mut(&mut pod.spec.containers).push(container);
        }
        let metric = test.usage.map(|u| PodMetric { value: 2 * u, timestamp: NOW, window_ms: MINUTE });
        (pod, metric)
    }

    fn resource_replicas(current: i32, target: i32, pods: &[TestPod]) -> Result<(i32, i32, i64), String> {
        let built: Vec<(Pod, Option<PodMetric>)> = pods.iter().enumerate().map(|(i, p)| build(p, i)).collect();
        let inputs: Vec<PodMetricInput<'_>> =
            built.iter().map(|(pod, metric)| PodMetricInput { pod, metric: *metric }).collect();
        TEST_CALC.get_resource_replicas(current, target, "cpu", Tolerances::DEFAULT, &inputs, NOW)
    }

    /// Pods with these usages (`None`: no sample) and default everything else.
    fn with_usage(usages: &[Option<i64>]) -> Vec<TestPod> {
        usages.iter().map(|&usage| TestPod { usage, ..DEFAULT_POD }).collect()
    }

    fn ready(mut pods: Vec<TestPod>, ready: &[bool]) -> Vec<TestPod> {
        for (pod, &r) in pods.iter_mut().zip(ready) {
            pod.ready = r;
        }
        pods
    }

    fn started(mut pods: Vec<TestPod>, starts: &[Start]) -> Vec<TestPod> {
        for (pod, &s) in pods.iter_mut().zip(starts) {
            pod.start = s;
        }
        pods
    }

    fn phases(mut pods: Vec<TestPod>, phases: &[&'static str]) -> Vec<TestPod> {
        for (pod, &p) in pods.iter_mut().zip(phases) {
            pod.phase = p;
        }
        pods
    }

    fn deleting(mut pods: Vec<TestPod>, deleting: &[bool]) -> Vec<TestPod> {
        for (pod, &d) in pods.iter_mut().zip(deleting) {
            pod.deleting = d;
        }
        pods
    }

    fn requests(mut pods: Vec<TestPod>, milli: &[i64]) -> Vec<TestPod> {
        for (pod, &m) in pods.iter_mut().zip(milli) {
            pod.request_milli = Some(m);
        }
        pods
    }

    /// hpa.calc.01-24 (replica_calculator_test.go, GetResourceReplicas):
    /// (id, current replicas, target %, pods, replicas, utilization).
    #[test]
    fn get_resource_replicas_table() {
        use Start::{Cool, Hot};
        let s = Some;
        type Case = (&'static str, i32, i32, Vec<TestPod>, i32, i32);
        let cases: Vec<Case> = vec![
            ("hpa.calc.01", 3, 30, with_usage(&[s(300), s(500), s(700)]), 5, 50),
            ("hpa.calc.03", 3, 30, started(with_usage(&[s(300), s(500), s(700)]), &[Hot, Cool, Cool]), 4, 60),
            ("hpa.calc.04", 3, 30, ready(with_usage(&[s(400), s(500), s(700)]), &[true, false, false]), 3, 40),
            (
                "hpa.calc.05",
                3,
                30,
                started(ready(with_usage(&[s(400), s(500), s(700)]), &[true, false, false]), &[Cool, Hot, Hot]),
                3,
                40,
            ),
            (
                "hpa.calc.07",
                2,
                30,
                deleting(
                    ready(with_usage(&[s(500), s(700), None, None]), &[true, true, false, false]),
                    &[false, false, true, true],
                ),
                4,
                60,
            ),
            (
                "hpa.calc.09",
                5,
                50,
                ready(with_usage(&[s(100), s(300), s(500), s(250), s(250)]), &[true, true, true, false, false]),
                2,
                30,
            ),
            (
                "hpa.calc.10",
                5,
                50,
                phases(
                    ready(with_usage(&[s(100), None, None, None, None]), &[true, false, false, false, false]),
                    &["Running", "Pending", "Pending", "Pending", "Pending"],
                ),
                1,
                10,
            ),
            (
                "hpa.calc.11",
                5,
                50,
                started(with_usage(&[s(100), s(300), s(500), s(250), s(250)]), &[Cool, Cool, Cool, Hot, Hot]),
                2,
                30,
            ),
            (
                "hpa.calc.12",
                5,
                50,
                phases(
                    ready(
                        with_usage(&[s(100), s(300), s(500), s(250), s(250), None, None]),
                        &[true, true, true, true, true, false, false],
                    ),
                    &["Running", "Running", "Running", "Running", "Running", "Failed", "Failed"],
                ),
                3,
                28,
            ),
            (
                "hpa.calc.13",
                5,
                50,
                deleting(
                    ready(
                        with_usage(&[s(100), s(300), s(500), s(250), s(250), None, None]),
                        &[true, true, true, true, true, false, false],
                    ),
                    &[false, false, false, false, false, true, true],
                ),
                3,
                28,
            ),
            ("hpa.calc.14", 3, 100, requests(with_usage(&[s(1010), s(1030), s(1020)]), &[900, 1000, 1100]), 3, 102),
            // The case's two samples for pods that do not exist have no pod
            // to attach to here; upstream drops them (no request) anyway.
            ("hpa.calc.15", 4, 100, with_usage(&[s(4000), s(9500), s(3000), s(7000)]), 24, 587),
            ("hpa.calc.16", 4, 100, with_usage(&[s(400), s(95), None, None]), 3, 24),
            ("hpa.calc.19", 2, 100, with_usage(&[s(600), None]), 2, 60),
            ("hpa.calc.20", 3, 50, ready(with_usage(&[s(100), s(450), None]), &[false, true, true]), 3, 45),
            ("hpa.calc.21", 3, 50, ready(with_usage(&[s(100), s(2000), None]), &[false, true, true]), 4, 200),
            (
                "hpa.calc.22",
                4,
                50,
                ready(with_usage(&[s(100), s(100), s(100), None]), &[false, true, true, true]),
                3,
                10,
            ),
            (
                "hpa.calc.23",
                10,
                56,
                requests(with_usage(&[s(150); 10]), &[400, 200, 310, 290, 302, 298, 301, 299, 300, 300]),
                9,
                50,
            ),
            (
                "hpa.calc.24",
                10,
                55,
                requests(with_usage(&[s(150); 10]), &[400, 200, 310, 290, 302, 298, 301, 299, 300, 300]),
                10,
                50,
            ),
        ];
        for (id, current, target, pods, replicas, utilization) in cases {
            let (got_replicas, got_utilization, _) = resource_replicas(current, target, &pods).expect(id);
            assert_eq!((got_replicas, got_utilization), (replicas, utilization), "{id}");
        }
    }

    #[test]
    fn raw_average_is_the_mean_sample() {
        // hpa.calc.01: (600+1000+1400)/3 millicores per pod (two containers).
        let got = resource_replicas(3, 30, &with_usage(&[Some(300), Some(500), Some(700)]));
        assert_eq!(got, Ok((5, 50, 1000)));
    }

    /// hpa.calc.28 (TestReplicaCalcEmptyCPURequest) and the other errors.
    #[test]
    fn get_resource_replicas_errors() {
        let no_request = [TestPod { request_milli: None, usage: Some(200), ..DEFAULT_POD }];
        let err = resource_replicas(1, 100, &no_request).unwrap_err();
        assert!(err.contains("missing request for"), "{err}");
        assert_eq!(err, "missing request for cpu in container container0 of Pod test-pod-0");
        assert_eq!(
            resource_replicas(1, 100, &with_usage(&[None])),
            Err("unable to get metrics for resource cpu: no metrics returned from resource metrics API".to_string())
        );
        assert_eq!(
            resource_replicas(2, 100, &ready(with_usage(&[Some(100), Some(100)]), &[false, false])),
            Err("did not receive metrics for targeted pods (pods might be unready)".to_string())
        );
        let zero_requests = requests(with_usage(&[Some(100)]), &[0]);
        assert_eq!(
            resource_replicas(1, 100, &zero_requests),
            Err("no metrics returned matched known pods".to_string())
        );
    }

    /// hpa.calc.25-27 (GetMetricReplicas, Pods metric with an AverageValue
    /// target): (id, current, samples, target, replicas, average).
    #[test]
    fn get_metric_replicas_table() {
        type Case = (&'static str, i32, &'static [i64], i64, i32, i64);
        let cases: [Case; 3] = [
            ("hpa.calc.25", 3, &[20000, 10000, 30000], 15000, 4, 20000),
            ("hpa.calc.26", 5, &[12000; 5], 20000, 3, 12000),
            ("hpa.calc.27", 3, &[20000, 21000, 21000], 20000, 3, 20666),
        ];
        for (id, current, samples, target, replicas, average) in cases {
            let built: Vec<(Pod, Option<PodMetric>)> = samples
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let (pod, _) = build(&DEFAULT_POD, i);
                    (pod, Some(PodMetric { value: v, timestamp: NOW, window_ms: MINUTE }))
                })
                .collect();
            let inputs: Vec<PodMetricInput<'_>> =
                built.iter().map(|(pod, metric)| PodMetricInput { pod, metric: *metric }).collect();
            let got = TEST_CALC.get_metric_replicas(current, target, "qps", Tolerances::DEFAULT, &inputs, NOW);
            assert_eq!(got, Ok((replicas, average)), "{id}");
        }
        let got = TEST_CALC.get_metric_replicas(1, 1, "qps", Tolerances::DEFAULT, &[], NOW);
        assert_eq!(got, Err("unable to get metric qps: no metrics returned from custom metrics API".to_string()));
    }

    #[test]
    fn tolerance_is_inclusive_and_asymmetric() {
        let t = Tolerances::DEFAULT;
        assert!(t.is_within(0.9) && t.is_within(1.1) && t.is_within(1.0));
        assert!(!t.is_within(0.89) && !t.is_within(1.11));
        let up_only = Tolerances { scale_down: 0.0, scale_up: 0.5 };
        assert!(up_only.is_within(1.4) && !up_only.is_within(0.99));
    }

    /// hpa.rules.01-05 (TestConvertDesiredReplicasWithRules): (id, current,
    /// desired, min, max, replicas, reason, message).
    #[test]
    fn convert_desired_replicas_with_rules_table() {
        let cases = [
            ("hpa.rules.01", 5, 7, 3, 8, 7, "DesiredWithinRange", "the desired count is within the acceptable range"),
            (
                "TestConvertDesiredReplicasWithRules below min",
                3,
                1,
                2,
                8,
                2,
                "TooFewReplicas",
                "the desired replica count is less than the minimum replica count",
            ),
            (
                "hpa.rules.03",
                1,
                0,
                0,
                10,
                1,
                "TooFewReplicas",
                "the desired replica count is less than the minimum replica count",
            ),
            (
                "hpa.rules.04",
                20,
                1000,
                1,
                10,
                10,
                "TooManyReplicas",
                "the desired replica count is more than the maximum replica count",
            ),
            (
                "hpa.rules.05",
                3,
                1000,
                1,
                2000,
                6,
                "ScaleUpLimit",
                "the desired replica count is increasing faster than the maximum scale rate",
            ),
        ];
        for (id, current, desired, min, max, replicas, reason, message) in cases {
            assert_eq!(
                convert_desired_replicas_with_rules(current, desired, min, max),
                (replicas, reason, message),
                "{id}"
            );
        }
        assert_eq!(calculate_scale_up_limit(1), 4);
        assert_eq!(calculate_scale_up_limit(3), 6);
    }

    fn recs(list: &[(i32, i64)]) -> Vec<TimestampedRecommendation> {
        list.iter()
            .map(|&(recommendation, offset)| TimestampedRecommendation { recommendation, timestamp: at(offset) })
            .collect()
    }

    /// hpa.stabilize.01-05 (TestNormalizeDesiredReplicas): (id, recorded,
    /// new, stabilized, log length after).
    #[test]
    fn stabilize_recommendation_table() {
        let cases: [(&str, Vec<TimestampedRecommendation>, i32, i32, usize); 5] = [
            ("hpa.stabilize.01", recs(&[]), 5, 5, 1),
            ("TestNormalizeDesiredReplicas stabilize", recs(&[(4, -2 * MINUTE), (5, -MINUTE)]), 3, 5, 3),
            ("hpa.stabilize.03", recs(&[(1, -2 * MINUTE), (2, -MINUTE)]), 3, 3, 3),
            ("hpa.stabilize.04", recs(&[(10, -10 * MINUTE), (9, -9 * MINUTE)]), 3, 3, 2),
            (
                "hpa.stabilize.05",
                recs(&[(10, -10 * MINUTE), (4, -MINUTE), (5, -2 * MINUTE), (9, -9 * MINUTE)]),
                3,
                5,
                4,
            ),
        ];
        for (id, recorded, new, stabilized, length) in cases {
            let mut history = AutoscalerHistory { recommendations: recorded, ..AutoscalerHistory::default() };
            assert_eq!(
                history.stabilize_recommendation(new, DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS, NOW),
                stabilized,
                "{id}"
            );
            assert_eq!(history.recommendations.len(), length, "{id}");
            assert!(
                history.recommendations.contains(&TimestampedRecommendation { recommendation: new, timestamp: NOW })
            );
        }
        // hpa.stabilize.05: the last expired entry (9 at −9m) is the one overwritten.
        let mut history = AutoscalerHistory {
            recommendations: recs(&[(10, -10 * MINUTE), (4, -MINUTE), (5, -2 * MINUTE), (9, -9 * MINUTE)]),
            ..AutoscalerHistory::default()
        };
        history.stabilize_recommendation(3, DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS, NOW);
        assert_eq!(history.recommendations[3], TimestampedRecommendation { recommendation: 3, timestamp: NOW });
        assert_eq!(history.recommendations[0].recommendation, 10);
    }

    #[test]
    fn normalize_desired_replicas_conditions() {
        let mut history = AutoscalerHistory { recommendations: recs(&[(5, -MINUTE)]), ..AutoscalerHistory::default() };
        let got = history.normalize_desired_replicas(5, 3, 1, 10, DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS, NOW);
        assert_eq!(got.desired_replicas, 5);
        assert_eq!((got.able_to_scale.status, got.able_to_scale.reason), ("True", "ScaleDownStabilized"));
        assert_eq!((got.scaling_limited.status, got.scaling_limited.reason), ("False", "DesiredWithinRange"));
        let mut history = AutoscalerHistory::default();
        let got = history.normalize_desired_replicas(3, 1000, 1, 2000, DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS, NOW);
        assert_eq!(got.desired_replicas, 6);
        assert_eq!(got.able_to_scale, READY_FOR_NEW_SCALE);
        assert_eq!((got.scaling_limited.status, got.scaling_limited.reason), ("True", "ScaleUpLimit"));
    }

    fn rules(window: Option<i32>, select: &str, policies: &[(&str, i32, i32)]) -> HpaScalingRules {
        HpaScalingRules {
            stabilization_window_seconds: window,
            select_policy: Some(select.to_string()),
            policies: Some(policies.iter().map(|&(t, v, p)| policy(t, v, p)).collect()),
            tolerance: None,
        }
    }

    fn events(list: &[(i32, i64)]) -> Vec<TimestampedScaleEvent> {
        list.iter()
            .map(|&(replica_change, offset)| TimestampedScaleEvent {
                replica_change,
                timestamp: at(offset),
                outdated: false,
            })
            .collect()
    }

    /// Spec section 7.4 and horizontal_test.go TestScaleUpRate/TestScaleDownRate
    /// style cases: (name, up events, down events, up rules, down rules,
    /// min, max, current, desired, expected, reason).
    #[test]
    fn behavior_rate_table() {
        let default_up = rules(Some(0), "Max", &[("Pods", 4, 15), ("Percent", 100, 15)]);
        let default_down = rules(Some(300), "Max", &[("Percent", 100, 15)]);
        type Case = (
            &'static str,
            Vec<TimestampedScaleEvent>,
            Vec<TimestampedScaleEvent>,
            HpaScalingRules,
            HpaScalingRules,
            (i32, i32, i32, i32),
            (i32, &'static str),
        );
        let cases: Vec<Case> = vec![
            (
                "default up: x2 beats +4",
                vec![],
                vec![],
                default_up.clone(),
                default_down.clone(),
                (1, 1000, 10, 50),
                (20, "ScaleUpLimit"),
            ),
            (
                "default up: +4 beats x2",
                vec![],
                vec![],
                default_up.clone(),
                default_down.clone(),
                (1, 1000, 1, 50),
                (5, "ScaleUpLimit"),
            ),
            (
                "up within range",
                vec![],
                vec![],
                default_up.clone(),
                default_down.clone(),
                (1, 1000, 10, 12),
                (12, "DesiredWithinRange"),
            ),
            (
                "up to max",
                vec![],
                vec![],
                default_up.clone(),
                default_down.clone(),
                (1, 15, 10, 50),
                (15, "TooManyReplicas"),
            ),
            (
                "up: Pods 100 vs Percent 100, Max",
                vec![],
                vec![],
                rules(Some(0), "Max", &[("Pods", 100, 60), ("Percent", 100, 60)]),
                default_down.clone(),
                (1, 1000, 10, 500),
                (110, "ScaleUpLimit"),
            ),
            (
                "up: Min picks the smaller",
                vec![],
                vec![],
                rules(Some(0), "Min", &[("Pods", 2, 60), ("Percent", 100, 60)]),
                default_down.clone(),
                (1, 1000, 10, 500),
                (12, "ScaleUpLimit"),
            ),
            (
                "up: events in the period count",
                events(&[
                    (1, -10 * SECOND),
                    (2, -20 * SECOND),
                    (3, -30 * SECOND),
                    (4, -40 * SECOND),
                    (5, -50 * SECOND),
                    (42, -61 * SECOND),
                ]),
                vec![],
                rules(Some(0), "Max", &[("Percent", 100, 60)]),
                default_down.clone(),
                (1, 1000, 100, 500),
                (170, "ScaleUpLimit"),
            ),
            (
                "up: period exhausted keeps current",
                events(&[(1, -10 * SECOND), (5, -20 * SECOND), (9, -30 * SECOND)]),
                vec![],
                rules(Some(0), "Max", &[("Pods", 5, 120), ("Percent", 0, 120)]),
                default_down.clone(),
                (1, 1000, 100, 500),
                (100, "ScaleUpLimit"),
            ),
            (
                "up: disabled",
                vec![],
                vec![],
                rules(Some(0), "Disabled", &[("Pods", 5, 15)]),
                default_down.clone(),
                (1, 1000, 10, 50),
                (10, "ScaleUpLimit"),
            ),
            (
                "down: default allows 100%",
                vec![],
                vec![],
                default_up.clone(),
                default_down.clone(),
                (1, 1000, 10, 5),
                (5, "DesiredWithinRange"),
            ),
            (
                "down: to min",
                vec![],
                vec![],
                default_up.clone(),
                default_down.clone(),
                (5, 1000, 10, 2),
                (5, "TooFewReplicas"),
            ),
            (
                "down: Pods 20 vs Percent 1, Max (largest change)",
                vec![],
                vec![],
                default_up.clone(),
                rules(Some(300), "Max", &[("Pods", 20, 60), ("Percent", 1, 60)]),
                (1, 1000, 100, 2),
                (80, "ScaleDownLimit"),
            ),
            (
                "down: Min (smallest change)",
                vec![],
                vec![],
                default_up.clone(),
                rules(Some(300), "Min", &[("Pods", 20, 60), ("Percent", 1, 60)]),
                (1, 1000, 100, 2),
                (99, "ScaleDownLimit"),
            ),
            (
                "down: Percent truncates",
                vec![],
                vec![],
                default_up.clone(),
                rules(Some(300), "Max", &[("Percent", 50, 60)]),
                (1, 1000, 9, 1),
                (4, "ScaleDownLimit"),
            ),
            (
                "down: removed in the period count",
                vec![],
                events(&[(10, -30 * SECOND)]),
                default_up.clone(),
                rules(Some(300), "Max", &[("Pods", 15, 60)]),
                (1, 1000, 90, 10),
                (85, "ScaleDownLimit"),
            ),
            (
                "down: added in the period count too",
                events(&[(10, -30 * SECOND)]),
                vec![],
                default_up.clone(),
                rules(Some(300), "Max", &[("Pods", 5, 60)]),
                (1, 1000, 20, 1),
                (5, "ScaleDownLimit"),
            ),
        ];
        for (name, up_events, down_events, up, down, (min, max, current, desired), (expected, reason)) in cases {
            let history = AutoscalerHistory {
                recommendations: vec![],
                scale_up_events: up_events,
                scale_down_events: down_events,
            };
            let args = NormalizationArg {
                scale_up_behavior: up,
                scale_down_behavior: down,
                min_replicas: min,
                max_replicas: max,
                current_replicas: current,
                desired_replicas: desired,
            };
            let (got, got_reason, _) = history.convert_desired_replicas_with_behavior_rate(&args, NOW);
            assert_eq!((got, got_reason), (expected, reason), "{name}");
        }
    }

    #[test]
    fn behavior_stabilization() {
        let behavior = HorizontalPodAutoscalerBehavior {
            scale_up: Some(rules(Some(60), "Max", &[("Pods", 100, 15)])),
            scale_down: Some(rules(None, "Max", &[("Percent", 100, 15)])),
        };
        // The unset scale-down window takes the controller's 300 s.
        let args = NormalizationArg::new(&behavior, DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS, 1, 100, 10, 4);
        assert_eq!(args.scale_down_behavior.stabilization_window_seconds, Some(300));
        // Down: the highest of the last 5 minutes (8) holds.
        let mut history = AutoscalerHistory {
            recommendations: recs(&[(8, -4 * MINUTE), (12, -6 * MINUTE), (6, -30 * SECOND)]),
            ..AutoscalerHistory::default()
        };
        let got = history.normalize_desired_replicas_with_behaviors(&args, NOW);
        assert_eq!(got.desired_replicas, 8);
        assert_eq!((got.able_to_scale.reason, got.able_to_scale.message), SCALE_DOWN_STABILIZED);
        assert_eq!((got.scaling_limited.status, got.scaling_limited.reason), ("False", "DesiredWithinRange"));
        // The entry older than both windows (12 at −6m) was overwritten.
        assert_eq!(history.recommendations[1], TimestampedRecommendation { recommendation: 4, timestamp: NOW });
        // Up: the lowest of the last minute (6, then 4 just recorded) holds:
        // start from current 5, raise to min(20, 6, 4) = 4 → stays 5.
        let args = NormalizationArg::new(&behavior, DEFAULT_DOWNSCALE_STABILIZATION_WINDOW_MS, 1, 100, 5, 20);
        let (stabilized, reason, _) = history.stabilize_recommendation_with_behaviors(&args, at(SECOND));
        assert_eq!((stabilized, reason), (5, "ScaleUpStabilized"));
        // Defaults when behavior parts are missing.
        let args = NormalizationArg::new(&HorizontalPodAutoscalerBehavior::default(), 120_000, 1, 10, 2, 3);
        assert_eq!(args.scale_up_behavior, rules(Some(0), "Max", &[("Pods", 4, 15), ("Percent", 100, 15)]));
        assert_eq!(args.scale_down_behavior, rules(Some(120), "Max", &[("Percent", 100, 15)]));
    }

    #[test]
    fn scale_events_are_recycled() {
        let behavior = HorizontalPodAutoscalerBehavior {
            scale_up: Some(rules(Some(0), "Max", &[("Pods", 4, 15), ("Percent", 100, 60)])),
            scale_down: Some(rules(Some(300), "Max", &[("Percent", 100, 15)])),
        };
        let mut history = AutoscalerHistory::default();
        history.store_scale_event(None, 1, 5, NOW);
        assert!(history.scale_up_events.is_empty());
        history.store_scale_event(Some(&behavior), 1, 5, at(-2 * MINUTE));
        history.store_scale_event(Some(&behavior), 5, 8, at(-30 * SECOND));
        history.store_scale_event(Some(&behavior), 8, 10, NOW);
        // The −2m event was older than the longest period (60 s) when the
        // −30s one came: replaced by it.
        assert_eq!(
            history.scale_up_events,
            [
                TimestampedScaleEvent { replica_change: 3, timestamp: at(-30 * SECOND), outdated: false },
                TimestampedScaleEvent { replica_change: 2, timestamp: NOW, outdated: false },
            ]
        );
        history.store_scale_event(Some(&behavior), 10, 7, NOW);
        assert_eq!(
            history.scale_down_events,
            [TimestampedScaleEvent { replica_change: 3, timestamp: NOW, outdated: false }]
        );
        assert_eq!(get_replicas_change_per_period(60, &history.scale_up_events, NOW), 5);
        assert_eq!(get_replicas_change_per_period(15, &history.scale_up_events, NOW), 2);
    }

    #[test]
    fn initial_recommendation_and_messages() {
        let mut history = AutoscalerHistory::default();
        history.record_initial_recommendation(3, NOW);
        history.record_initial_recommendation(9, at(SECOND));
        assert_eq!(history.recommendations, recs(&[(3, 0)]));
        let reason = above_target_reason(&resource_utilization_metric_name("cpu"));
        assert_eq!(
            successful_rescale_message(5, &reason),
            "New size: 5; reason: cpu resource utilization (percentage of request) above target"
        );
        assert_eq!(
            successful_rescale_message(2, ALL_METRICS_BELOW_TARGET_REASON),
            "New size: 2; reason: All metrics below target"
        );
        assert_eq!(above_target_reason(&resource_metric_name("memory")), "memory resource above target");
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let pods = requests(with_usage(&[Some(i64::MAX / 2), Some(i64::MIN / 2)]), &[i64::MAX / 4, 1]);
        let _ = resource_replicas(i32::MAX, 0, &pods);
        let _ = resource_replicas(i32::MIN, i32::MIN, &pods);
        let history = AutoscalerHistory {
            scale_up_events: events(&[(i32::MAX, 0), (i32::MAX, 0)]),
            scale_down_events: events(&[(i32::MIN, 0)]),
            ..AutoscalerHistory::default()
        };
        let args = NormalizationArg {
            scale_up_behavior: rules(
                Some(i32::MAX),
                "Max",
                &[("Pods", i32::MAX, i32::MAX), ("Percent", i32::MAX, i32::MIN)],
            ),
            scale_down_behavior: rules(
                Some(i32::MIN),
                "Min",
                &[("Pods", i32::MIN, i32::MAX), ("Percent", i32::MAX, 1)],
            ),
            min_replicas: i32::MIN,
            max_replicas: i32::MAX,
            current_replicas: 0,
            desired_replicas: i32::MAX,
        };
        let _ = history.convert_desired_replicas_with_behavior_rate(&args, Time::from_unix_ms(i64::MIN));
        let _ = history.convert_desired_replicas_with_behavior_rate(
            &NormalizationArg { desired_replicas: i32::MIN, ..args.clone() },
            NOW,
        );
        let mut history = history;
        let _ = history.normalize_desired_replicas_with_behaviors(&args, Time::from_unix_ms(i64::MAX));
        let _ = history.normalize_desired_replicas(i32::MAX, i32::MIN, 0, i32::MIN, i64::MAX, NOW);
        let _ = convert_desired_replicas_with_rules(i32::MAX, i32::MAX, i32::MAX, i32::MIN);
    }
}
