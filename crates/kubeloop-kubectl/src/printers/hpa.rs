//! `kubectl get hpa` (printHorizontalPodAutoscaler, formatHPAMetrics).

use super::{Value, age, lookup, scalar_text, text_at};
use kubeloop_engine::api::Time;
use kubeloop_engine::api::autoscaling::{HorizontalPodAutoscaler, MetricSpec, MetricStatus};
use kubeloop_engine::api::quantity::Quantity;

pub const HPA_COLUMNS: [&str; 7] = ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"];

/// How many metrics TARGETS shows before ` + N more...`.
const SHOWN_METRICS: usize = 2;

/// `Quantity.String()` of an optional quantity (`<nil>` for none, as Go
/// prints a nil `*Quantity`).
fn quantity(value: Option<&Quantity>) -> String {
    value.map_or_else(|| "<nil>".to_string(), Quantity::canonical)
}

/// `Quantity.String()` of a quantity inside an opaque field.
fn opaque_quantity(value: Option<&Value>) -> String {
    match value.and_then(scalar_text) {
        None => "<nil>".to_string(),
        Some(text) => Quantity::parse(&text).map(|q| q.canonical()).unwrap_or(text),
    }
}

/// Picks a metric status's opaque member (`pods`, `external`, ...).
type StatusMember = fn(&MetricStatus) -> Option<&Value>;

/// One metric of TARGETS: `current/target`, with the resource name for
/// Resource and ContainerResource metrics.
fn format_metric(spec: &MetricSpec, status: Option<&MetricStatus>) -> String {
    const UNKNOWN: &str = "<unknown>";
    // The status entry's opaque member of this type, if the status has one.
    let status_member = |member: StatusMember| status.and_then(member);
    match spec.metric_type.as_str() {
        "External" | "Object" => {
            let (spec_member, status_of): (Option<&Value>, StatusMember) = if spec.metric_type == "External" {
                (spec.external.as_deref(), |s| s.external.as_deref())
            } else {
                (spec.object.as_deref(), |s| s.object.as_deref())
            };
            let target = spec_member.and_then(|m| lookup(m, &["target"]));
            let current = status_member(status_of);
            match target.and_then(|t| lookup(t, &["averageValue"])) {
                Some(average) => {
                    let current = current
                        .and_then(|c| lookup(c, &["current", "averageValue"]))
                        .map_or_else(|| UNKNOWN.to_string(), |v| opaque_quantity(Some(v)));
                    format!("{current}/{} (avg)", opaque_quantity(Some(average)))
                }
                None => {
                    let current = current
                        .map_or_else(|| UNKNOWN.to_string(), |c| opaque_quantity(lookup(c, &["current", "value"])));
                    format!("{current}/{}", opaque_quantity(target.and_then(|t| lookup(t, &["value"]))))
                }
            }
        }
        "Pods" => {
            let current = status_member(|s| s.pods.as_deref())
                .map_or_else(|| UNKNOWN.to_string(), |c| opaque_quantity(lookup(c, &["current", "averageValue"])));
            let target = spec.pods.as_deref().and_then(|p| lookup(p, &["target", "averageValue"]));
            format!("{current}/{}", opaque_quantity(target))
        }
        "Resource" => {
            let resource = spec.resource.clone().unwrap_or_default();
            let current = status.and_then(|s| s.resource.as_ref()).map(|r| &r.current);
            match resource.target.average_value.as_ref() {
                Some(average) => {
                    let current = current.map_or_else(|| UNKNOWN.to_string(), |c| quantity(c.average_value.as_ref()));
                    format!("{}: {current}/{}", resource.name, quantity(Some(average)))
                }
                None => {
                    let current = current
                        .and_then(|c| c.average_utilization)
                        .map_or_else(|| UNKNOWN.to_string(), |u| format!("{u}%"));
                    let target =
                        resource.target.average_utilization.map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                    format!("{}: {current}/{target}", resource.name)
                }
            }
        }
        "ContainerResource" => {
            let member = spec.container_resource.as_deref();
            let name = member.map(|m| text_at(m, &["name"])).unwrap_or_default();
            let target = member.and_then(|m| lookup(m, &["target"]));
            let current = status_member(|s| s.container_resource.as_deref());
            match target.and_then(|t| lookup(t, &["averageValue"])) {
                Some(average) => {
                    let current = current.map_or_else(
                        || UNKNOWN.to_string(),
                        |c| opaque_quantity(lookup(c, &["current", "averageValue"])),
                    );
                    format!("{name}: {current}/{}", opaque_quantity(Some(average)))
                }
                None => {
                    let current = current
                        .and_then(|c| lookup(c, &["current", "averageUtilization"]))
                        .and_then(scalar_text)
                        .map_or_else(|| UNKNOWN.to_string(), |u| format!("{u}%"));
                    let target = target
                        .and_then(|t| lookup(t, &["averageUtilization"]))
                        .and_then(scalar_text)
                        .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                    format!("{name}: {current}/{target}")
                }
            }
        }
        _ => "<unknown type>".to_string(),
    }
}

/// TARGETS: every metric as `current/target`, the first two joined by
/// `, ` and then ` + N more...`; `<none>` without metrics.
pub fn format_hpa_metrics(specs: &[MetricSpec], statuses: &[MetricStatus]) -> String {
    if specs.is_empty() {
        return "<none>".to_string();
    }
    let shown: Vec<String> =
        specs.iter().enumerate().take(SHOWN_METRICS).map(|(i, spec)| format_metric(spec, statuses.get(i))).collect();
    let joined = shown.join(", ");
    if specs.len() > SHOWN_METRICS { format!("{joined} + {} more...", specs.len() - SHOWN_METRICS) } else { joined }
}

/// The row of `kubectl get hpa`.
pub fn hpa_row(hpa: &HorizontalPodAutoscaler, now: Time) -> Vec<String> {
    let target = &hpa.spec.scale_target_ref;
    vec![
        hpa.metadata.name().to_string(),
        format!("{}/{}", target.kind, target.name),
        format_hpa_metrics(&hpa.spec.metrics, &hpa.status.current_metrics),
        hpa.spec.min_replicas.map_or_else(|| "<unset>".to_string(), |min| min.to_string()),
        hpa.spec.max_replicas.to_string(),
        hpa.status.current_replicas.to_string(),
        age(hpa.metadata.creation_timestamp, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::api::decode::from_yaml_str_with_status;

    const NOW: Time = Time::from_unix_ms(1_700_000_000_000);

    fn hpa(metrics: &str, current: &str) -> HorizontalPodAutoscaler {
        from_yaml_str_with_status(&format!(
            "metadata: {{name: some-hpa}}\n\
             spec: {{scaleTargetRef: {{kind: ReplicationController, name: some-rc}}, minReplicas: 2, maxReplicas: 10, metrics: {metrics}}}\n\
             status: {{currentReplicas: 4, currentMetrics: {current}}}\n"
        ))
    }

    const CPU_UTIL: &str =
        "{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}";
    const CPU_UTIL_NOW: &str = "{type: Resource, resource: {name: cpu, current: {averageUtilization: 50}}}";
    const CPU_AVG: &str = "{type: Resource, resource: {name: cpu, target: {type: AverageValue, averageValue: 100m}}}";
    const CPU_AVG_NOW: &str = "{type: Resource, resource: {name: cpu, current: {averageValue: 50m}}}";
    const PODS: &str = "{type: Pods, pods: {metric: {name: q}, target: {type: AverageValue, averageValue: 100m}}}";
    const PODS_NOW: &str = "{type: Pods, pods: {metric: {name: q}, current: {averageValue: 50m}}}";
    const EXT_AVG: &str =
        "{type: External, external: {metric: {name: q}, target: {type: AverageValue, averageValue: 100m}}}";
    const EXT_AVG_NOW: &str = "{type: External, external: {metric: {name: q}, current: {averageValue: 50m}}}";
    const EXT_VALUE: &str = "{type: External, external: {metric: {name: q}, target: {type: Value, value: 100m}}}";
    const EXT_VALUE_NOW: &str = "{type: External, external: {metric: {name: q}, current: {value: 50m}}}";
    const OBJECT: &str = "{type: Object, object: {metric: {name: q}, target: {type: Value, value: 100m}}}";
    const CONTAINER: &str = "{type: ContainerResource, containerResource: {name: cpu, container: app, target: {type: Utilization, averageUtilization: 80}}}";
    const CONTAINER_NOW: &str =
        "{type: ContainerResource, containerResource: {name: cpu, container: app, current: {averageUtilization: 50}}}";

    /// From TestPrintHPA.
    #[test]
    fn targets_like_print_hpa() {
        let cases: Vec<(String, String, &str)> = vec![
            ("[]".into(), "[]".into(), "<none>"),
            (format!("[{CPU_UTIL}]"), "[]".into(), "cpu: <unknown>/80%"),
            (format!("[{CPU_UTIL}]"), format!("[{CPU_UTIL_NOW}]"), "cpu: 50%/80%"),
            (format!("[{CPU_AVG}]"), "[]".into(), "cpu: <unknown>/100m"),
            (format!("[{CPU_AVG}]"), format!("[{CPU_AVG_NOW}]"), "cpu: 50m/100m"),
            (format!("[{PODS}]"), "[]".into(), "<unknown>/100m"),
            (format!("[{PODS}]"), format!("[{PODS_NOW}]"), "50m/100m"),
            (format!("[{EXT_AVG}]"), "[]".into(), "<unknown>/100m (avg)"),
            (format!("[{EXT_AVG}]"), format!("[{EXT_AVG_NOW}]"), "50m/100m (avg)"),
            (format!("[{EXT_VALUE}]"), "[]".into(), "<unknown>/100m"),
            (format!("[{EXT_VALUE}]"), format!("[{EXT_VALUE_NOW}]"), "50m/100m"),
            (format!("[{OBJECT}]"), "[]".into(), "<unknown>/100m"),
            (format!("[{CONTAINER}]"), "[]".into(), "cpu: <unknown>/80%"),
            (format!("[{CONTAINER}]"), format!("[{CONTAINER_NOW}]"), "cpu: 50%/80%"),
            (format!("[{PODS}, {CPU_UTIL}]"), format!("[{PODS_NOW}, {CPU_UTIL_NOW}]"), "50m/100m, cpu: 50%/80%"),
            (
                format!("[{PODS}, {CPU_UTIL}, {PODS}]"),
                format!("[{PODS_NOW}, {CPU_UTIL_NOW}]"),
                "50m/100m, cpu: 50%/80% + 1 more...",
            ),
            ("[{type: Bogus}]".into(), "[]".into(), "<unknown type>"),
        ];
        for (metrics, current, expected) in cases {
            let hpa = hpa(&metrics, &current);
            assert_eq!(hpa_row(&hpa, NOW)[2], expected, "{metrics} / {current}");
        }
    }

    #[test]
    fn row_cells() {
        let mut unset = hpa("[]", "[]");
        unset.spec.min_replicas = None;
        assert_eq!(
            hpa_row(&unset, NOW),
            ["some-hpa", "ReplicationController/some-rc", "<none>", "<unset>", "10", "4", "<unknown>"]
        );
        assert_eq!(hpa_row(&hpa("[]", "[]"), NOW)[3], "2");
    }
}
