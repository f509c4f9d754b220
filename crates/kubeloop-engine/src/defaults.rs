//! Defaulting: what the API server fills in before validation and storage
//! (`pkg/apis/apps/v1/defaults.go`, `pkg/apis/core/v1/defaults.go`,
//! `pkg/apis/autoscaling/v2/defaults.go`), plus the playground kinds' own.

use crate::api::apps::{Deployment, DeploymentSpec, RollingUpdateDeployment};
use crate::api::autoscaling::{
    HorizontalPodAutoscaler, HpaScalingPolicy, HpaScalingRules, MetricSpec, MetricTarget, ResourceMetricSource,
};
use crate::api::core::{Container, PodSpec, Probe, Secret, Service};
use crate::api::intstr::IntOrString;
use crate::api::playground::{App, AppCrash};
use crate::api::quantity::Quantity;
use crate::api::{Object, Str, base64};
use std::rc::Rc;

/// Sets a string field that is unset or empty (Go's zero value) and returns it.
fn default_str<'a>(field: &'a mut Option<String>, value: &str) -> &'a str {
    if field.as_deref().is_none_or(str::is_empty) {
        *field = Some(value.to_string());
    }
    field.as_deref().unwrap_or_default()
}

/// `default_str` for a field that holds literals without allocating.
fn default_text<'a>(field: &'a mut Option<Str>, value: &'static str) -> &'a str {
    if field.as_deref().is_none_or(str::is_empty) {
        *field = Some(value.into());
    }
    field.as_deref().unwrap_or_default()
}

pub const DEFAULT_MAX_SURGE: &str = "25%";
pub const DEFAULT_MAX_UNAVAILABLE: &str = "25%";

/// Fills in every default of `object`, in place.
pub fn apply(object: &mut Object) {
    match object {
        Object::Deployment(deployment) => deployment_defaults(deployment),
        Object::ReplicaSet(replica_set) => {
            replica_set.spec.replicas.get_or_insert(1);
            pod_spec_defaults(&mut replica_set.spec.template.spec);
        }
        Object::Pod(pod) => pod_spec_defaults(&mut pod.spec),
        Object::Service(service) => service_defaults(service),
        Object::Secret(secret) => secret_defaults(secret),
        Object::HorizontalPodAutoscaler(hpa) => hpa_defaults(hpa),
        Object::App(app) => app_defaults(app),
        Object::Namespace(namespace) => namespace_defaults(namespace),
        Object::ConfigMap(_) | Object::Node(_) | Object::PodDisruptionBudget(_) | Object::Traffic(_) => {}
    }
}

/// SetDefaults_Deployment (apps/v1).
pub fn deployment_defaults(deployment: &mut Deployment) {
    let spec: &mut DeploymentSpec = &mut deployment.spec;
    spec.replicas.get_or_insert(1);
    let strategy = &mut spec.strategy;
    let strategy_type = default_str(&mut strategy.strategy_type, "RollingUpdate");
    if strategy_type == "RollingUpdate" {
        let rolling = strategy.rolling_update.get_or_insert_with(RollingUpdateDeployment::default);
        rolling.max_unavailable.get_or_insert_with(|| IntOrString::String(DEFAULT_MAX_UNAVAILABLE.to_string()));
        rolling.max_surge.get_or_insert_with(|| IntOrString::String(DEFAULT_MAX_SURGE.to_string()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    pod_spec_defaults(&mut spec.template.spec);
}

/// SetDefaults_PodSpec, SetDefaults_Pod's request-from-limit rule, and the
/// container, port, probe and handler defaults beneath them.
pub fn pod_spec_defaults(spec: &mut PodSpec) {
    default_text(&mut spec.dns_policy, "ClusterFirst");
    default_text(&mut spec.restart_policy, "Always");
    spec.termination_grace_period_seconds.get_or_insert(30);
    default_text(&mut spec.scheduler_name, "default-scheduler");
    for container in spec.init_containers.iter_mut().chain(Rc::make_mut(&mut spec.containers).iter_mut()) {
        container_defaults(container);
    }
}

/// What the admission plugins add to every pod the API server admits
/// (ServiceAccount, Priority, DefaultTolerationSeconds) and the pod
/// strategy's `enableServiceLinks` and empty `securityContext`. The
/// simulation does not store these per pod (the node lifecycle applies the
/// same 300 s toleration when a pod names none; the rest changes nothing
/// it simulates), so at 10,000 pods they cost nothing; they are filled in
/// when a pod is shown (`-o yaml`, `describe pod`), identically each time.
pub fn pod_admission_defaults(spec: &mut PodSpec) {
    use serde_yaml::Value;
    let opaque = |value: Value| Some(Box::new(value));
    let account =
        spec.service_account_name.clone().filter(|name| !name.is_empty()).unwrap_or_else(|| "default".to_string());
    let needs = |field: &Option<Box<Value>>| field.is_none();
    let mut tolerations: Vec<Value> = match spec.tolerations.as_deref() {
        Some(Value::Sequence(items)) => items.clone(),
        _ => Vec::new(),
    };
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        let tolerated = tolerations.iter().any(|t| {
            let field = |name: &str| t.get(name).and_then(Value::as_str).unwrap_or("");
            (field("key") == key || (field("key").is_empty() && field("operator") == "Exists"))
                && (field("effect").is_empty() || field("effect") == "NoExecute")
        });
        if !tolerated {
            let mut toleration = serde_yaml::Mapping::new();
            toleration.insert("effect".into(), "NoExecute".into());
            toleration.insert("key".into(), key.into());
            toleration.insert("operator".into(), "Exists".into());
            toleration.insert("tolerationSeconds".into(), 300.into());
            tolerations.push(Value::Mapping(toleration));
        }
    }
    let priority_missing = needs(&spec.priority);
    let preemption_missing = needs(&spec.preemption_policy);
    let links_missing = needs(&spec.enable_service_links);
    let context_missing = needs(&spec.security_context);
    let account_missing = needs(&spec.service_account);
    let rare = spec.rare_mut();
    rare.service_account_name = Some(account.clone());
    if account_missing {
        rare.service_account = opaque(Value::String(account));
    }
    if priority_missing {
        rare.priority = opaque(Value::from(0));
    }
    if preemption_missing {
        rare.preemption_policy = opaque(Value::String("PreemptLowerPriority".into()));
    }
    if links_missing {
        rare.enable_service_links = opaque(Value::Bool(true));
    }
    if context_missing {
        rare.security_context = opaque(Value::Mapping(serde_yaml::Mapping::new()));
    }
    rare.tolerations = opaque(Value::Sequence(tolerations));
}

fn container_defaults(container: &mut Container) {
    default_str(&mut container.termination_message_path, "/dev/termination-log");
    default_str(&mut container.termination_message_policy, "File");
    if container.image_pull_policy.as_deref().is_none_or(str::is_empty) {
        let image = container.image.as_deref().unwrap_or("");
        let policy = if image_tag(image).is_none_or(|tag| tag == "latest") && !image.contains('@') {
            "Always"
        } else {
            "IfNotPresent"
        };
        container.image_pull_policy = Some(policy.to_string());
    }
    for port in &mut container.ports {
        default_str(&mut port.protocol, "TCP");
    }
    // A limit without a request means the request equals the limit.
    let resources = &mut container.resources;
    for (name, limit) in &resources.limits {
        resources.requests.entry(name.clone()).or_insert_with(|| limit.clone());
    }
    for probe in [&mut container.liveness_probe, &mut container.readiness_probe, &mut container.startup_probe]
        .into_iter()
        .flatten()
    {
        probe_defaults(probe);
    }
    let lifecycle = container.lifecycle.iter_mut().flat_map(|l| [&mut l.post_start, &mut l.pre_stop]).flatten();
    for handler in lifecycle {
        if let Some(http) = &mut handler.http_get {
            default_str(&mut http.path, "/");
            default_str(&mut http.scheme, "HTTP");
        }
    }
}

/// SetDefaults_Probe and SetDefaults_HTTPGetAction.
pub fn probe_defaults(probe: &mut Probe) {
    for (field, default) in [
        (&mut probe.timeout_seconds, 1),
        (&mut probe.period_seconds, 10),
        (&mut probe.success_threshold, 1),
        (&mut probe.failure_threshold, 3),
    ] {
        if field.unwrap_or(0) == 0 {
            *field = Some(default);
        }
    }
    probe.initial_delay_seconds.get_or_insert(0);
    if let Some(http) = &mut probe.http_get {
        default_str(&mut http.path, "/");
        default_str(&mut http.scheme, "HTTP");
    }
}

/// The tag of an image reference, if it has one (`nginx:1.27` -> `1.27`;
/// a port in the registry host is not a tag).
pub fn image_tag(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last_segment = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last_segment.split_once(':').map(|(_, tag)| tag)
}

/// SetDefaults_Service and its ports.
fn service_defaults(service: &mut Service) {
    let spec = &mut service.spec;
    let service_type = default_str(&mut spec.service_type, "ClusterIP").to_string();
    default_str(&mut spec.session_affinity, "None");
    if service_type != "ExternalName" {
        default_str(&mut spec.internal_traffic_policy, "Cluster");
    }
    if service_type == "NodePort" || service_type == "LoadBalancer" {
        default_str(&mut spec.external_traffic_policy, "Cluster");
    }
    for port in &mut spec.ports {
        default_str(&mut port.protocol, "TCP");
        port.target_port.get_or_insert(IntOrString::Int(port.port));
    }
}

/// The namespace strategy's PrepareForCreate: the `kubernetes` finalizer
/// and phase Active.
fn namespace_defaults(namespace: &mut crate::api::core::Namespace) {
    let mapping = |key: &str, value: serde_yaml::Value| {
        let mut mapping = serde_yaml::Mapping::new();
        mapping.insert(key.into(), value);
        Some(Box::new(serde_yaml::Value::Mapping(mapping)))
    };
    if namespace.spec.is_none() {
        namespace.spec = mapping("finalizers", serde_yaml::Value::Sequence(vec!["kubernetes".into()]));
    }
    if namespace.status.is_none() {
        namespace.status = mapping("phase", "Active".into());
    }
}

/// SetDefaults_Secret, and the API server folding `stringData` into `data`.
fn secret_defaults(secret: &mut Secret) {
    default_str(&mut secret.secret_type, "Opaque");
    for (key, value) in std::mem::take(&mut secret.string_data) {
        secret.data.insert(key, base64::encode(value.as_bytes()));
    }
}

/// SetDefaults_HorizontalPodAutoscaler (autoscaling/v2), spec section 1.3.
fn hpa_defaults(hpa: &mut HorizontalPodAutoscaler) {
    let spec = &mut hpa.spec;
    spec.min_replicas.get_or_insert(1);
    if spec.metrics.is_empty() {
        spec.metrics.push(MetricSpec {
            metric_type: "Resource".to_string(),
            resource: Some(ResourceMetricSource {
                name: "cpu".to_string(),
                target: MetricTarget {
                    target_type: "Utilization".to_string(),
                    average_utilization: Some(80),
                    ..MetricTarget::default()
                },
            }),
            ..MetricSpec::default()
        });
    }
    let Some(behavior) = &mut spec.behavior else { return };
    let up = behavior.scale_up.get_or_insert_with(HpaScalingRules::default);
    up.stabilization_window_seconds.get_or_insert(0);
    default_str(&mut up.select_policy, "Max");
    up.policies.get_or_insert_with(|| vec![policy("Pods", 4, 15), policy("Percent", 100, 15)]);
    // scaleDown's window stays unset: the controller then uses its flag (300 s).
    let down = behavior.scale_down.get_or_insert_with(HpaScalingRules::default);
    default_str(&mut down.select_policy, "Max");
    down.policies.get_or_insert_with(|| vec![policy("Percent", 100, 15)]);
}

fn policy(policy_type: &str, value: i32, period_seconds: i32) -> HpaScalingPolicy {
    HpaScalingPolicy { policy_type: policy_type.to_string(), value, period_seconds }
}

/// The healthy app: pulls, serves after 2 s, passes its checks, modest use.
fn app_defaults(app: &mut App) {
    let spec = &mut app.spec;
    default_str(&mut spec.pull, "Succeeds");
    spec.startup_seconds.get_or_insert(2);
    if let Some(crash) = &mut spec.crash {
        let AppCrash { after_seconds, exit_code } = crash;
        after_seconds.get_or_insert(0);
        exit_code.get_or_insert(1);
    }
    spec.endpoints.readiness.get_or_insert(200);
    spec.endpoints.liveness.get_or_insert(200);
    for (usage, baseline, per_request) in [(&mut spec.memory, "64Mi", "1Mi"), (&mut spec.cpu, "5m", "2m")] {
        if usage.baseline.is_none() {
            usage.baseline = Quantity::parse(baseline).ok();
        }
        if usage.per_request.is_none() {
            usage.per_request = Quantity::parse(per_request).ok();
        }
    }
}

#[cfg(test)]
mod tests;
