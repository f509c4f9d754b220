//! Pod and pod-template validation (`pkg/apis/core/validation`):
//! `ValidatePodCreate`, `ValidatePodTemplateSpecForReplicaSet` and
//! `ValidatePodSpec` with the container, port, env, probe, lifecycle and
//! resource rules beneath them, in upstream's order, with upstream's field
//! paths and words (Kubernetes 1.34: relaxed environment variable names, zero
//! sleep allowed, bad values rendered as JSON).
//!
//! Fields the playground keeps opaque (volumes, security contexts, affinity,
//! ...) are not validated, except where a rule only needs to know whether the
//! field is set.

use super::field::{BadValue, FieldError, FieldPath};
use super::meta::{NameRule, validate_annotations, validate_labels, validate_object_meta};
use super::names::{
    empty_error, is_dns1123_label, is_dns1123_subdomain, is_qualified_name, name_is_dns_subdomain, regex_error,
};
use super::names::{is_config_map_key, is_valid_port_name, is_valid_port_num};
use super::non_negative;
use super::resources::{
    is_extended_resource_name, is_huge_page_resource_name, is_integer_resource_name, is_native_resource,
    is_standard_resource_name,
};
use crate::api::core::{
    Container, ContainerPort, EnvFromSource, EnvVar, ExecAction, GrpcAction, HttpGetAction, KeySelector, Lifecycle,
    LifecycleHandler, NameReference, Pod, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, SleepAction,
    TcpSocketAction,
};
use crate::api::intstr::IntOrString;
use crate::api::meta::Opaque;
use crate::api::quantity::Quantity;
use serde_yaml::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// `validation.InclusiveRangeError(1, 65535)`.
const PORT_RANGE_ERROR: &str = "must be between 1 and 65535, inclusive";
/// The single detail of every probe/lifecycle handler clash.
const MORE_THAN_ONE_HANDLER: &str = "may not specify more than 1 handler type";
const INIT_CONTAINER_FORBIDDEN: &str = "may not be set for init containers without restartPolicy=Always";
const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";
const POD_DELETION_COST_ANNOTATION: &str = "controller.kubernetes.io/pod-deletion-cost";

/// ValidatePodCreate: metadata, pod-specific annotations, the pod spec, then
/// the checks that apply to pods but not to templates.
pub fn validate_pod(pod: &Pod) -> Vec<FieldError> {
    let mut errors = validate_object_meta(&pod.metadata, NameRule::DnsSubdomain, true);
    let meta_path = FieldPath::root().child("metadata");
    validate_pod_specific_annotations(
        &pod.metadata.annotations,
        &pod.spec,
        &meta_path.child("annotations"),
        &mut errors,
    );
    let spec_path = FieldPath::root().child("spec");
    errors.extend(validate_pod_spec(&pod.spec, &spec_path));
    // validateContainersOnlyForPod, for regular then init containers.
    for (list, name) in [(&pod.spec.containers[..], "containers"), (&pod.spec.init_containers[..], "initContainers")] {
        for (i, container) in list.iter().enumerate() {
            let image = container.image.as_deref().unwrap_or("");
            if image.len() != image.trim().len() {
                errors.push(FieldError::invalid(
                    spec_path.child(name).index(i).child("image"),
                    BadValue::Str(image.to_string()),
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    if is_non_empty_list(&pod.spec.ephemeral_containers) {
        errors.push(FieldError::forbidden(spec_path.child("ephemeralContainers"), "cannot be set on create"));
    }
    if !pod.spec.node_name.as_deref().unwrap_or("").is_empty() && is_non_empty_list(&pod.spec.scheduling_gates) {
        errors.push(FieldError::forbidden(
            spec_path.child("nodeName"),
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
    errors
}

/// ValidatePodTemplateSpecForReplicaSet (used by Deployments too): template
/// labels, restartPolicy Always, no activeDeadlineSeconds, then the pod spec.
/// (The selector-vs-labels check is the caller's.)
pub fn validate_pod_template_for_replica_set(template: &PodTemplateSpec, path: &FieldPath) -> Vec<FieldError> {
    // ValidatePodTemplateSpec: note the paths are `template.labels` and
    // `template.annotations`, without `metadata`, as upstream has them.
    let mut errors = validate_labels(&template.metadata.labels, &path.child("labels"));
    errors.extend(validate_annotations(&template.metadata.annotations, &path.child("annotations")));
    validate_pod_specific_annotations(
        &template.metadata.annotations,
        &template.spec,
        &path.child("annotations"),
        &mut errors,
    );
    let spec_path = path.child("spec");
    errors.extend(validate_pod_spec(&template.spec, &spec_path));
    if is_non_empty_list(&template.spec.ephemeral_containers) {
        errors.push(FieldError::forbidden(
            spec_path.child("ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
    let restart_policy = template.spec.restart_policy.as_deref().unwrap_or("");
    if restart_policy != "Always" {
        errors.push(FieldError::not_supported(
            spec_path.child("restartPolicy"),
            BadValue::Str(restart_policy.to_string()),
            &["Always"],
        ));
    }
    if template.spec.active_deadline_seconds.is_some() {
        errors.push(FieldError::forbidden(
            spec_path.child("activeDeadlineSeconds"),
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
    errors
}

/// ValidatePodSpec: containers, ports, probes, resources, env.
pub fn validate_pod_spec(spec: &PodSpec, path: &FieldPath) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let grace_period = spec.termination_grace_period_seconds;
    if grace_period.is_none() {
        errors.push(FieldError::required(path.child("terminationGracePeriodSeconds"), ""));
    }
    validate_containers(&spec.containers, grace_period, &path.child("containers"), &mut errors);
    validate_init_containers(
        &spec.init_containers,
        &spec.containers,
        grace_period,
        &path.child("initContainers"),
        &mut errors,
    );
    validate_host_network_ports(spec, path, &mut errors);
    validate_restart_policy(spec.restart_policy.as_deref().unwrap_or(""), &path.child("restartPolicy"), &mut errors);
    let dns_policy = spec.dns_policy.as_deref().unwrap_or("");
    validate_dns_policy(dns_policy, &path.child("dnsPolicy"), &mut errors);
    errors.extend(validate_labels(&spec.node_selector, &path.child("nodeSelector")));
    validate_dns_config(&spec.dns_config, dns_policy, &path.child("dnsConfig"), &mut errors);
    for (value, field) in
        [(spec.service_account_name.as_deref(), "serviceAccountName"), (spec.node_name.as_deref(), "nodeName")]
    {
        let value = value.unwrap_or("");
        if !value.is_empty() {
            for detail in is_dns1123_subdomain(value) {
                errors.push(FieldError::invalid(path.child(field), BadValue::Str(value.to_string()), detail));
            }
        }
    }
    if let Some(deadline) = spec.active_deadline_seconds
        && !(1..=i64::from(i32::MAX)).contains(&deadline)
    {
        errors.push(FieldError::invalid(
            path.child("activeDeadlineSeconds"),
            BadValue::Int(deadline),
            format!("must be between 1 and {}, inclusive", i32::MAX),
        ));
    }
    for (value, field) in [(&spec.hostname, "hostname"), (&spec.subdomain, "subdomain")] {
        if let Some(Value::String(value)) = value.as_deref()
            && !value.is_empty()
        {
            for detail in is_dns1123_label(value) {
                errors.push(FieldError::invalid(path.child(field), BadValue::Str(value.clone()), detail));
            }
        }
    }
    if let Some(Value::String(class)) = spec.priority_class_name.as_deref()
        && !class.is_empty()
    {
        for detail in is_dns1123_subdomain(class) {
            errors.push(FieldError::invalid(path.child("priorityClassName"), BadValue::Str(class.clone()), detail));
        }
    }
    errors
}

/// ValidatePodSpecificAnnotations: the mirror-pod and pod-deletion-cost
/// annotations.
fn validate_pod_specific_annotations(
    annotations: &BTreeMap<String, String>,
    spec: &PodSpec,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    if let Some(value) = annotations.get(MIRROR_POD_ANNOTATION)
        && spec.node_name.as_deref().unwrap_or("").is_empty()
    {
        errors.push(FieldError::invalid(
            path.key(MIRROR_POD_ANNOTATION),
            BadValue::Str(value.clone()),
            "must set spec.nodeName if mirror pod annotation is set",
        ));
    }
    if let Some(value) = annotations.get(POD_DELETION_COST_ANNOTATION)
        && !is_valid_deletion_cost(value)
    {
        errors.push(FieldError::invalid(
            path.key(POD_DELETION_COST_ANNOTATION),
            BadValue::Str(value.clone()),
            "must be a 32bit integer",
        ));
    }
}

/// GetDeletionCostFromPodAnnotations succeeds: no `+`, no leading zeros, and
/// `strconv.ParseInt(value, 10, 32)` accepts it.
fn is_valid_deletion_cost(value: &str) -> bool {
    let bytes = value.as_bytes();
    let first_ok = match bytes.first() {
        None => false,
        Some(b'-') => true,
        Some(b'0') => value == "0",
        Some(b) => (b'1'..=b'9').contains(b),
    };
    let digits = value.strip_prefix('-').unwrap_or(value);
    first_ok
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && value.parse::<i64>().is_ok_and(|n| i32::try_from(n).is_ok())
}

fn validate_restart_policy(policy: &str, path: &FieldPath, errors: &mut Vec<FieldError>) {
    match policy {
        "Always" | "OnFailure" | "Never" => {}
        "" => errors.push(FieldError::required(path.clone(), "")),
        other => errors.push(FieldError::not_supported(
            path.clone(),
            BadValue::Str(other.to_string()),
            &["Always", "OnFailure", "Never"],
        )),
    }
}

fn validate_dns_policy(policy: &str, path: &FieldPath, errors: &mut Vec<FieldError>) {
    match policy {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errors.push(FieldError::required(path.clone(), "")),
        other => errors.push(FieldError::not_supported(
            path.clone(),
            BadValue::Str(other.to_string()),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
}

/// The `dnsPolicy: None` half of validatePodDNSConfig.
fn validate_dns_config(config: &Opaque, dns_policy: &str, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if dns_policy != "None" {
        return;
    }
    match config {
        None => errors.push(FieldError::required(path.clone(), "must provide `dnsConfig` when `dnsPolicy` is None")),
        Some(config) => {
            let nameservers = config.get("nameservers").and_then(Value::as_sequence).map_or(0, Vec::len);
            if nameservers == 0 {
                errors.push(FieldError::required(
                    path.child("nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                ));
            }
        }
    }
}

/// validatePodHostNetworkDeps. A pod's unset hostPort is defaulted to the
/// containerPort under hostNetwork, so only a different non-zero one fails.
fn validate_host_network_ports(spec: &PodSpec, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if !matches!(spec.host_network.as_deref(), Some(Value::Bool(true))) {
        return;
    }
    for (i, container) in spec.containers.iter().enumerate() {
        for (j, port) in container.ports.iter().enumerate() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port != 0 && host_port != port.container_port {
                errors.push(FieldError::invalid(
                    path.child("containers").index(i).child("ports").index(j).child("hostPort"),
                    BadValue::Int(i64::from(host_port)),
                    "must match `containerPort` when `hostNetwork` is true",
                ));
            }
        }
    }
}

/// validateContainers: the regular containers.
fn validate_containers(
    containers: &[Container],
    grace_period: Option<i64>,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    if containers.is_empty() {
        errors.push(FieldError::required(path.clone(), ""));
        return;
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, container) in containers.iter().enumerate() {
        let container_path = path.index(i);
        validate_container_common(container, &container_path, errors);
        // Upstream records every name, the empty one included.
        if names.contains(&container.name.as_str()) {
            errors.push(FieldError::duplicate(container_path.child("name"), BadValue::Str(container.name.to_string())));
        } else {
            names.push(&container.name);
        }
        validate_container_probes_and_lifecycle(container, grace_period, &container_path, errors);
        if container.restart_policy.is_some() {
            errors.push(FieldError::forbidden(
                container_path.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    check_host_port_conflicts(containers, path, errors);
}

/// validateInitContainers: names are unique across regular and init
/// containers; probes and lifecycle need `restartPolicy: Always` (sidecars).
fn validate_init_containers(
    init_containers: &[Container],
    regular: &[Container],
    grace_period: Option<i64>,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let mut names: Vec<&str> = regular.iter().map(|c| c.name.as_str()).collect();
    for (i, container) in init_containers.iter().enumerate() {
        let container_path = path.index(i);
        validate_container_common(container, &container_path, errors);
        let mut restart_always = false;
        if let Some(policy) = &container.restart_policy {
            if policy != "Always" {
                errors.push(FieldError::not_supported(
                    container_path.child("restartPolicy"),
                    BadValue::Str(policy.clone()),
                    &["Always"],
                ));
            }
            restart_always = policy == "Always";
        }
        if names.contains(&container.name.as_str()) {
            errors.push(FieldError::duplicate(container_path.child("name"), BadValue::Str(container.name.to_string())));
        } else if !container.name.is_empty() {
            names.push(&container.name);
        }
        // Checked one container at a time, as a one-element list: upstream
        // therefore reports a clash at index 0 whatever the container's index.
        check_host_port_conflicts(std::slice::from_ref(container), path, errors);
        if restart_always {
            validate_container_probes_and_lifecycle(container, grace_period, &container_path, errors);
        } else {
            let set = [
                ("lifecycle", container.lifecycle.is_some()),
                ("livenessProbe", container.liveness_probe.is_some()),
                ("readinessProbe", container.readiness_probe.is_some()),
                ("startupProbe", container.startup_probe.is_some()),
            ];
            for (field, _) in set.iter().filter(|(_, is_set)| *is_set) {
                errors.push(FieldError::forbidden(container_path.child(field), INIT_CONTAINER_FORBIDDEN));
            }
        }
    }
}

fn validate_container_probes_and_lifecycle(
    container: &Container,
    grace_period: Option<i64>,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    if let Some(lifecycle) = &container.lifecycle {
        validate_lifecycle(lifecycle, grace_period, &path.child("lifecycle"), errors);
    }
    if let Some(probe) = &container.liveness_probe {
        validate_liveness_or_startup_probe(probe, grace_period, &path.child("livenessProbe"), errors);
    }
    if let Some(probe) = &container.readiness_probe {
        let probe_path = path.child("readinessProbe");
        validate_probe(probe, grace_period, &probe_path, errors);
        if let Some(seconds) = probe.termination_grace_period_seconds {
            errors.push(FieldError::invalid(
                probe_path.child("terminationGracePeriodSeconds"),
                BadValue::Int(seconds),
                "must not be set for readinessProbes",
            ));
        }
    }
    if let Some(probe) = &container.startup_probe {
        validate_liveness_or_startup_probe(probe, grace_period, &path.child("startupProbe"), errors);
    }
}

/// validateContainerCommon: name, image, terminationMessagePolicy, ports,
/// env, envFrom, imagePullPolicy, resources.
fn validate_container_common(container: &Container, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let name_path = path.child("name");
    if container.name.is_empty() {
        errors.push(FieldError::required(name_path, ""));
    } else {
        for detail in is_dns1123_label(&container.name) {
            errors.push(FieldError::invalid(name_path.clone(), BadValue::Str(container.name.to_string()), detail));
        }
    }
    if container.image.as_deref().unwrap_or("").is_empty() {
        errors.push(FieldError::required(path.child("image"), ""));
    }
    match container.termination_message_policy.as_deref().unwrap_or("") {
        "File" | "FallbackToLogsOnError" => {}
        "" => errors.push(FieldError::required(path.child("terminationMessagePolicy"), "")),
        other => errors.push(FieldError::not_supported(
            path.child("terminationMessagePolicy"),
            BadValue::Str(other.to_string()),
            &["File", "FallbackToLogsOnError"],
        )),
    }
    validate_container_ports(&container.ports, &path.child("ports"), errors);
    validate_env(&container.env, &path.child("env"), errors);
    validate_env_from(&container.env_from, &path.child("envFrom"), errors);
    match container.image_pull_policy.as_deref().unwrap_or("") {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errors.push(FieldError::required(path.child("imagePullPolicy"), "")),
        other => errors.push(FieldError::not_supported(
            path.child("imagePullPolicy"),
            BadValue::Str(other.to_string()),
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    validate_resource_requirements(&container.resources, &path.child("resources"), errors);
}

/// validateContainerPorts.
fn validate_container_ports(ports: &[ContainerPort], path: &FieldPath, errors: &mut Vec<FieldError>) {
    let mut names: Vec<&str> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let port_path = path.index(i);
        if let Some(name) = port.name.as_deref().filter(|name| !name.is_empty()) {
            let problems = is_valid_port_name(name);
            if !problems.is_empty() {
                for detail in problems {
                    errors.push(FieldError::invalid(port_path.child("name"), BadValue::Str(name.to_string()), detail));
                }
            } else if names.contains(&name) {
                errors.push(FieldError::duplicate(port_path.child("name"), BadValue::Str(name.to_string())));
            } else {
                names.push(name);
            }
        }
        if port.container_port == 0 {
            errors.push(FieldError::required(port_path.child("containerPort"), ""));
        } else if !is_valid_port_num(i64::from(port.container_port)).is_empty() {
            errors.push(FieldError::invalid(
                port_path.child("containerPort"),
                BadValue::Int(i64::from(port.container_port)),
                PORT_RANGE_ERROR,
            ));
        }
        let host_port = port.host_port.unwrap_or(0);
        if host_port != 0 && !is_valid_port_num(i64::from(host_port)).is_empty() {
            errors.push(FieldError::invalid(
                port_path.child("hostPort"),
                BadValue::Int(i64::from(host_port)),
                PORT_RANGE_ERROR,
            ));
        }
        match port.protocol.as_deref().unwrap_or("") {
            "TCP" | "UDP" | "SCTP" => {}
            "" => errors.push(FieldError::required(port_path.child("protocol"), "")),
            // sets.List: sorted.
            other => errors.push(FieldError::not_supported(
                port_path.child("protocol"),
                BadValue::Str(other.to_string()),
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
}

/// checkHostPortConflicts / AccumulateUniqueHostPorts: `protocol/hostIP/port`
/// must be unique among the given containers.
fn check_host_port_conflicts(containers: &[Container], path: &FieldPath, errors: &mut Vec<FieldError>) {
    let mut seen: Vec<String> = Vec::new();
    for (ci, container) in containers.iter().enumerate() {
        for (pi, port) in container.ports.iter().enumerate() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port == 0 {
                continue;
            }
            let key = format!(
                "{}/{}/{}",
                port.protocol.as_deref().unwrap_or(""),
                port.host_ip.as_deref().unwrap_or(""),
                host_port
            );
            if seen.contains(&key) {
                errors.push(FieldError::duplicate(
                    path.index(ci).child("ports").index(pi).child("hostPort"),
                    BadValue::Str(key),
                ));
            } else {
                seen.push(key);
            }
        }
    }
}

/// ValidateEnv.
fn validate_env(vars: &[EnvVar], path: &FieldPath, errors: &mut Vec<FieldError>) {
    for (i, var) in vars.iter().enumerate() {
        let var_path = path.index(i);
        if var.name.is_empty() {
            errors.push(FieldError::required(var_path.child("name"), ""));
        } else {
            for detail in is_relaxed_env_var_name(&var.name) {
                errors.push(FieldError::invalid(var_path.child("name"), BadValue::Str(var.name.clone()), detail));
            }
        }
        validate_env_var_value_from(var, &var_path.child("valueFrom"), errors);
    }
}

/// The resources a `resourceFieldRef` may name (validContainerResourceFieldPathExpressions, sorted).
const RESOURCE_FIELD_REFS: [&str; 6] = [
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];

/// validateEnvVarValueFrom: exactly one source, and no `value` beside it.
fn validate_env_var_value_from(var: &EnvVar, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let Some(source) = &var.value_from else { return };
    let mut sources = 0;
    if let Some(field_ref) = &source.field_ref {
        sources += 1;
        // apiVersion defaults to v1; only the missing fieldPath is checked here.
        let field_path = field_ref.get("fieldPath").and_then(Value::as_str).unwrap_or("");
        if field_path.is_empty() {
            errors.push(FieldError::required(path.child("fieldRef").child("fieldPath"), ""));
        }
    }
    if let Some(resource_ref) = &source.resource_field_ref {
        sources += 1;
        let resource = resource_ref.get("resource").and_then(Value::as_str).unwrap_or("");
        let resource_path = path.child("resourceFieldRef").child("resource");
        if resource.is_empty() {
            errors.push(FieldError::required(resource_path, ""));
        } else if !RESOURCE_FIELD_REFS.contains(&resource)
            && !resource.starts_with("requests.hugepages-")
            && !resource.starts_with("limits.hugepages-")
        {
            errors.push(FieldError::not_supported(
                resource_path,
                BadValue::Str(resource.to_string()),
                &RESOURCE_FIELD_REFS,
            ));
        }
    }
    if let Some(selector) = &source.config_map_key_ref {
        sources += 1;
        validate_key_selector(selector, &path.child("configMapKeyRef"), errors);
    }
    if let Some(selector) = &source.secret_key_ref {
        sources += 1;
        validate_key_selector(selector, &path.child("secretKeyRef"), errors);
    }
    let empty = || BadValue::Str(String::new());
    if sources == 0 {
        errors.push(FieldError::invalid(
            path.clone(),
            empty(),
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ));
    } else if !var.value.as_deref().unwrap_or("").is_empty() {
        errors.push(FieldError::invalid(path.clone(), empty(), "may not be specified when `value` is not empty"));
    } else if sources > 1 {
        errors.push(FieldError::invalid(path.clone(), empty(), "may not have more than one field specified at a time"));
    }
}

/// validateConfigMapKeySelector / validateSecretKeySelector: the name is a
/// DNS subdomain (an empty one fails that rule rather than being Required),
/// the key is required and a valid config key.
fn validate_key_selector(selector: &KeySelector, path: &FieldPath, errors: &mut Vec<FieldError>) {
    for detail in is_dns1123_subdomain(&selector.name) {
        errors.push(FieldError::invalid(path.child("name"), BadValue::Str(selector.name.clone()), detail));
    }
    if selector.key.is_empty() {
        errors.push(FieldError::required(path.child("key"), ""));
    } else {
        for detail in is_config_map_key(&selector.key) {
            errors.push(FieldError::invalid(path.child("key"), BadValue::Str(selector.key.clone()), detail));
        }
    }
}

/// ValidateEnvFrom. The "one source" errors are reported at the list's path,
/// not the item's, as upstream does.
fn validate_env_from(sources: &[EnvFromSource], path: &FieldPath, errors: &mut Vec<FieldError>) {
    for (i, source) in sources.iter().enumerate() {
        let item_path = path.index(i);
        if let Some(prefix) = source.prefix.as_deref().filter(|p| !p.is_empty()) {
            for detail in is_relaxed_env_var_name(prefix) {
                errors.push(FieldError::invalid(item_path.child("prefix"), BadValue::Str(prefix.to_string()), detail));
            }
        }
        let mut count = 0;
        for (reference, field) in [(&source.config_map_ref, "configMapRef"), (&source.secret_ref, "secretRef")] {
            if let Some(reference) = reference {
                count += 1;
                validate_name_reference(reference, &item_path.child(field), errors);
            }
        }
        if count == 0 {
            errors.push(FieldError::invalid(
                path.clone(),
                BadValue::Str(String::new()),
                "must specify one of: `configMapRef` or `secretRef`",
            ));
        } else if count > 1 {
            errors.push(FieldError::invalid(
                path.clone(),
                BadValue::Str(String::new()),
                "may not have more than one field specified at a time",
            ));
        }
    }
}

/// validateConfigMapEnvSource / validateSecretEnvSource (names checked as
/// generateName prefixes, bug for bug).
fn validate_name_reference(reference: &NameReference, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if reference.name.is_empty() {
        errors.push(FieldError::required(path.child("name"), ""));
    } else {
        for detail in name_is_dns_subdomain(&reference.name, true) {
            errors.push(FieldError::invalid(path.child("name"), BadValue::Str(reference.name.clone()), detail));
        }
    }
}

/// validateResourceRequirements with validateContainerResourceName.
fn validate_resource_requirements(resources: &ResourceRequirements, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let limits_path = path.child("limits");
    let requests_path = path.child("requests");
    let mut limits_cpu_or_memory = false;
    let mut requests_cpu_or_memory = false;
    let mut huge_pages = false;
    for (name, quantity) in &resources.limits {
        let item_path = limits_path.key(name);
        validate_container_resource_name(name, &item_path, errors);
        validate_resource_quantity_value(name, quantity, &item_path, errors);
        if is_huge_page_resource_name(name) {
            huge_pages = true;
            validate_huge_page_value(name, quantity, &item_path, errors);
        }
        limits_cpu_or_memory |= name == "cpu" || name == "memory";
    }
    for (name, quantity) in &resources.requests {
        let item_path = requests_path.key(name);
        validate_container_resource_name(name, &item_path, errors);
        validate_resource_quantity_value(name, quantity, &item_path, errors);
        match resources.limits.get(name) {
            Some(limit) => {
                let ordering = quantity.cmp(limit);
                if ordering != Ordering::Equal && !is_overcommit_allowed(name) {
                    errors.push(FieldError::invalid(
                        requests_path.clone(),
                        BadValue::Str(quantity.canonical()),
                        format!("must be equal to {name} limit of {}", limit.canonical()),
                    ));
                } else if ordering == Ordering::Greater {
                    errors.push(FieldError::invalid(
                        requests_path.clone(),
                        BadValue::Str(quantity.canonical()),
                        format!("must be less than or equal to {name} limit of {}", limit.canonical()),
                    ));
                }
            }
            None if !is_overcommit_allowed(name) => errors
                .push(FieldError::required(limits_path.clone(), "Limit must be set for non overcommitable resources")),
            None => {}
        }
        if is_huge_page_resource_name(name) {
            huge_pages = true;
            validate_huge_page_value(name, quantity, &item_path, errors);
        }
        requests_cpu_or_memory |= name == "cpu" || name == "memory";
    }
    if !limits_cpu_or_memory && !requests_cpu_or_memory && huge_pages {
        errors.push(FieldError::forbidden(path.clone(), "HugePages require cpu or memory"));
    }
}

/// validateContainerResourceName, with validateResourceName first.
fn validate_container_resource_name(name: &str, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let bad = || BadValue::Str(name.to_string());
    let qualified = is_qualified_name(name);
    let unqualified = !name.contains('/');
    if !qualified.is_empty() {
        for detail in qualified {
            errors.push(FieldError::invalid(path.clone(), bad(), detail));
        }
    } else if unqualified && !is_standard_resource_name(name) {
        errors.push(FieldError::invalid(path.clone(), bad(), "must be a standard resource type or fully qualified"));
    }
    if unqualified {
        let standard_for_containers = ["cpu", "memory", "ephemeral-storage"].contains(&name);
        if !standard_for_containers && !is_huge_page_resource_name(name) {
            errors.push(FieldError::invalid(path.clone(), bad(), "must be a standard resource for containers"));
        }
    } else if !is_native_resource(name) && !is_extended_resource_name(name) {
        errors.push(FieldError::invalid(path.clone(), bad(), "doesn't follow extended resource name standard"));
    }
}

/// ValidateResourceQuantityValue: not negative; whole for integer resources.
fn validate_resource_quantity_value(name: &str, quantity: &Quantity, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if quantity.is_negative() {
        errors.push(FieldError::invalid(
            path.clone(),
            BadValue::Str(quantity.canonical()),
            "must be greater than or equal to 0",
        ));
    }
    if is_integer_resource_name(name) && quantity.milli_value() % 1000 != 0 {
        errors.push(FieldError::invalid(path.clone(), BadValue::Str(quantity.canonical()), "must be an integer"));
    }
}

/// validateResourceQuantityHugePageValue: a whole number of pages.
fn validate_huge_page_value(name: &str, quantity: &Quantity, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let page = name.strip_prefix("hugepages-").and_then(|size| Quantity::parse(size).ok());
    let divisible = page.is_some_and(|page| {
        let page_size = page.value();
        page_size > 0 && page.milli_value() % 1000 == 0 && quantity.value() % page_size == 0
    });
    if !divisible {
        errors.push(FieldError::invalid(
            path.clone(),
            BadValue::Str(quantity.canonical()),
            format!("{} is not positive integer multiple of {name}", quantity.canonical()),
        ));
    }
}

fn is_overcommit_allowed(name: &str) -> bool {
    is_native_resource(name) && !is_huge_page_resource_name(name)
}

/// The handler fields of a probe or a lifecycle hook (commonHandler).
#[derive(Clone, Copy, Default)]
struct Handler<'a> {
    exec: Option<&'a ExecAction>,
    http_get: Option<&'a HttpGetAction>,
    tcp_socket: Option<&'a TcpSocketAction>,
    grpc: Option<&'a GrpcAction>,
    sleep: Option<&'a SleepAction>,
}

/// validateLivenessProbe / validateStartupProbe.
fn validate_liveness_or_startup_probe(
    probe: &Probe,
    grace_period: Option<i64>,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    validate_probe(probe, grace_period, path, errors);
    let success = probe.success_threshold.unwrap_or(0);
    if success != 1 {
        errors.push(FieldError::invalid(
            path.child("successThreshold"),
            BadValue::Int(i64::from(success)),
            "must be 1",
        ));
    }
}

/// validateProbe: one handler, non-negative numbers, a positive probe-level
/// terminationGracePeriodSeconds.
fn validate_probe(probe: &Probe, grace_period: Option<i64>, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let handler = Handler {
        exec: probe.exec.as_ref(),
        http_get: probe.http_get.as_ref(),
        tcp_socket: probe.tcp_socket.as_ref(),
        grpc: probe.grpc.as_ref(),
        sleep: None,
    };
    validate_handler(handler, grace_period, path, errors);
    for (value, field) in [
        (probe.initial_delay_seconds, "initialDelaySeconds"),
        (probe.timeout_seconds, "timeoutSeconds"),
        (probe.period_seconds, "periodSeconds"),
        (probe.success_threshold, "successThreshold"),
        (probe.failure_threshold, "failureThreshold"),
    ] {
        non_negative(i64::from(value.unwrap_or(0)), path.child(field), errors);
    }
    if let Some(seconds) = probe.termination_grace_period_seconds
        && seconds <= 0
    {
        errors.push(FieldError::invalid(
            path.child("terminationGracePeriodSeconds"),
            BadValue::Int(seconds),
            "must be greater than 0",
        ));
    }
}

/// validateLifecycle: postStart, then preStop.
fn validate_lifecycle(
    lifecycle: &Lifecycle,
    grace_period: Option<i64>,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    for (hook, field) in [(&lifecycle.post_start, "postStart"), (&lifecycle.pre_stop, "preStop")] {
        if let Some(hook) = hook {
            validate_handler(lifecycle_handler(hook), grace_period, &path.child(field), errors);
        }
    }
}

fn lifecycle_handler(hook: &LifecycleHandler) -> Handler<'_> {
    Handler {
        exec: hook.exec.as_ref(),
        http_get: hook.http_get.as_ref(),
        tcp_socket: hook.tcp_socket.as_ref(),
        grpc: None,
        sleep: hook.sleep.as_ref(),
    }
}

/// validateHandler: exactly one handler type; the first one set is
/// validated, every later one is Forbidden.
fn validate_handler(handler: Handler<'_>, grace_period: Option<i64>, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let mut count = 0;
    let mut take = |field: &str, errors: &mut Vec<FieldError>| {
        if count > 0 {
            errors.push(FieldError::forbidden(path.child(field), MORE_THAN_ONE_HANDLER));
            false
        } else {
            count += 1;
            true
        }
    };
    if let Some(exec) = handler.exec
        && take("exec", errors)
        && exec.command.is_empty()
    {
        errors.push(FieldError::required(path.child("exec").child("command"), ""));
    }
    if let Some(http) = handler.http_get
        && take("httpGet", errors)
    {
        validate_http_get(http, &path.child("httpGet"), errors);
    }
    if let Some(tcp) = handler.tcp_socket
        && take("tcpSocket", errors)
    {
        validate_port_num_or_name(tcp.port.as_ref(), &path.child("tcpSocket").child("port"), errors);
    }
    if let Some(grpc) = handler.grpc
        && take("grpc", errors)
    {
        validate_port_num_or_name(Some(&IntOrString::Int(grpc.port)), &path.child("grpc").child("port"), errors);
    }
    if let Some(sleep) = handler.sleep
        && take("sleep", errors)
        && let Some(grace) = grace_period
        && (sleep.seconds < 0 || sleep.seconds > grace)
    {
        // Upstream reports at `sleep`, not `sleep.seconds`.
        errors.push(FieldError::invalid(
            path.child("sleep"),
            BadValue::Int(sleep.seconds),
            format!("must be non-negative and less than terminationGracePeriodSeconds ({grace})"),
        ));
    }
    if count == 0 {
        errors.push(FieldError::required(path.clone(), "must specify a handler type"));
    }
}

/// validateHTTPGetAction.
fn validate_http_get(http: &HttpGetAction, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if http.path.as_deref().unwrap_or("").is_empty() {
        errors.push(FieldError::required(path.child("path"), ""));
    }
    validate_port_num_or_name(http.port.as_ref(), &path.child("port"), errors);
    let scheme = http.scheme.as_deref().unwrap_or("");
    if scheme != "HTTP" && scheme != "HTTPS" {
        errors.push(FieldError::not_supported(
            path.child("scheme"),
            BadValue::Str(scheme.to_string()),
            &["HTTP", "HTTPS"],
        ));
    }
    let headers = http.http_headers.as_deref().and_then(Value::as_sequence).map(Vec::as_slice).unwrap_or(&[]);
    for header in headers {
        let name = header.get("name").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            errors.push(FieldError::invalid(
                path.child("httpHeaders"),
                BadValue::Str(name.to_string()),
                regex_error(
                    "a valid HTTP header must consist of alphanumeric characters or '-'",
                    "[-A-Za-z0-9]+",
                    &["X-Header-Name"],
                ),
            ));
        }
    }
}

/// ValidatePortNumOrName. An unset port is the zero IntOrString: the number 0.
fn validate_port_num_or_name(port: Option<&IntOrString>, path: &FieldPath, errors: &mut Vec<FieldError>) {
    match port {
        None => errors.push(FieldError::invalid(path.clone(), BadValue::Int(0), PORT_RANGE_ERROR)),
        Some(IntOrString::Int(number)) => {
            if !is_valid_port_num(i64::from(*number)).is_empty() {
                errors.push(FieldError::invalid(path.clone(), BadValue::Int(i64::from(*number)), PORT_RANGE_ERROR));
            }
        }
        Some(IntOrString::String(name)) => {
            for detail in is_valid_port_name(name) {
                errors.push(FieldError::invalid(path.clone(), BadValue::Str(name.clone()), detail));
            }
        }
    }
}

/// IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is GA in 1.34):
/// any printable ASCII but `=`.
fn is_relaxed_env_var_name(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push(format!("environment variable name {}", empty_error()));
    }
    if name.chars().any(|c| !(' '..='~').contains(&c) || c == '=') {
        problems.push(
            "a valid environment variable name must consist only of printable ASCII characters other than '='"
                .to_string(),
        );
    }
    problems
}

/// Whether an opaque list field holds at least one item.
fn is_non_empty_list(value: &Opaque) -> bool {
    value.as_deref().and_then(Value::as_sequence).is_some_and(|items| !items.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defaults::pod_spec_defaults;

    const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const ENV_MSG: &str =
        "a valid environment variable name must consist only of printable ASCII characters other than '='";
    const C0: &str = "spec.template.spec.containers[0]";

    /// A pod template from (flow or block) YAML, defaulted as the API server
    /// would, validated as a Deployment's `spec.template`.
    fn template_errors(yaml: &str) -> Vec<String> {
        let mut template: PodTemplateSpec = crate::api::decode::from_yaml_str(yaml);
        pod_spec_defaults(&mut template.spec);
        let path = FieldPath::parse_dotted("spec.template");
        validate_pod_template_for_replica_set(&template, &path).iter().map(ToString::to_string).collect()
    }

    /// A template whose pod spec has `spec_fields` beside one container
    /// `{name: web, image: nginx:1.27, <container_fields>}`.
    fn errors_with(spec_fields: &str, container_fields: &str) -> Vec<String> {
        let sep = |s: &str| if s.is_empty() { String::new() } else { format!(", {s}") };
        template_errors(&format!(
            "{{metadata: {{labels: {{app: web}}}}, spec: {{containers: [{{name: web, image: 'nginx:1.27'{}}}]{}}}}}",
            sep(container_fields),
            sep(spec_fields)
        ))
    }

    fn container_errors(fields: &str) -> Vec<String> {
        errors_with("", fields)
    }

    fn spec_errors(fields: &str) -> Vec<String> {
        errors_with(fields, "")
    }

    fn check(table: &[(&str, &[&str])], run: fn(&str) -> Vec<String>) {
        for (input, expected) in table {
            let expected: Vec<String> = expected.iter().map(|e| e.replace("C0", C0)).collect();
            assert_eq!(run(input), expected, "input: {input}");
        }
    }

    const REALISTIC: &str = r#"
metadata:
  labels: {app: web, tier: frontend}
  annotations: {example.com/owner: team-a}
spec:
  terminationGracePeriodSeconds: 45
  nodeSelector: {kubernetes.io/os: linux}
  initContainers:
  - name: migrate
    image: registry.example.com/web:1.4.2
    command: ["/bin/migrate", "--wait"]
    envFrom:
    - secretRef: {name: web-db}
  - name: log-shipper
    image: fluent/fluent-bit:3.0
    restartPolicy: Always
    readinessProbe:
      tcpSocket: {port: 2020}
  containers:
  - name: web
    image: registry.example.com/web:1.4.2
    ports:
    - {name: http, containerPort: 8080}
    - {name: metrics, containerPort: 9090, protocol: TCP}
    env:
    - {name: LOG_LEVEL, value: info}
    - {name: my.env-name, value: "1"}
    - name: DB_PASSWORD
      valueFrom:
        secretKeyRef: {name: web-db, key: password}
    - name: FEATURE_FLAGS
      valueFrom:
        configMapKeyRef: {name: web-config, key: flags.json, optional: true}
    - name: POD_NAME
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
    - name: CPU_LIMIT
      valueFrom:
        resourceFieldRef: {resource: limits.cpu}
    envFrom:
    - configMapRef: {name: web-config}
      prefix: WEB_
    - secretRef: {name: web-secrets, optional: true}
    resources:
      requests: {cpu: 250m, memory: 128Mi}
      limits: {cpu: 500m, memory: 256Mi}
    startupProbe:
      httpGet: {path: /healthz, port: http}
      failureThreshold: 30
      periodSeconds: 2
    livenessProbe:
      httpGet: {path: /healthz, port: 8080, scheme: HTTP, httpHeaders: [{name: X-Probe, value: live}]}
      initialDelaySeconds: 5
      terminationGracePeriodSeconds: 10
    readinessProbe:
      exec: {command: [cat, /tmp/ready]}
      successThreshold: 2
    lifecycle:
      preStop:
        sleep: {seconds: 5}
      postStart:
        exec: {command: [/bin/warm-up]}
  - name: sidecar
    image: busybox:1.36
    command: [sh, -c, "sleep infinity"]
    livenessProbe:
      grpc: {port: 9000}
"#;

    #[test]
    fn realistic_template_is_valid() {
        assert_eq!(template_errors(REALISTIC), Vec::<String>::new());
    }

    #[test]
    fn realistic_deployment_loads_without_diagnostics() {
        let mut yaml = String::from(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n",
        );
        for line in REALISTIC.lines().filter(|line| !line.is_empty()) {
            yaml.push_str(&format!("    {line}\n"));
        }
        let manifests = crate::manifest::parse_manifests(&yaml);
        assert!(!manifests.has_errors(), "{:?}", manifests.diagnostics);
        assert_eq!(manifests.deployments().count(), 1);
    }

    #[test]
    fn deployment_diagnostic_reads_like_kubectl() {
        let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        livenessProbe:\n          httpGet: {path: /, port: 80}\n          successThreshold: 2\n";
        let manifests = crate::manifest::parse_manifests(yaml);
        let messages: Vec<&str> = manifests.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "The Deployment \"web\" is invalid: spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"
            ]
        );
    }

    #[test]
    fn template_rules() {
        check(
            &[
                (
                    "restartPolicy: Never",
                    &["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""],
                ),
                (
                    "restartPolicy: OnFailure",
                    &[
                        "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"",
                    ],
                ),
                (
                    "restartPolicy: Sometimes",
                    &[
                        "spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
                        "spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\"",
                    ],
                ),
                (
                    "activeDeadlineSeconds: 30",
                    &[
                        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
                    ],
                ),
                (
                    "activeDeadlineSeconds: 0",
                    &[
                        "spec.template.spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
                        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
                    ],
                ),
                (
                    "ephemeralContainers: [{name: debug, image: busybox}]",
                    &[
                        "spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template",
                    ],
                ),
            ],
            spec_errors,
        );
    }

    #[test]
    fn template_metadata_rules() {
        let errors = template_errors(
            "{metadata: {labels: {'bad key': web}, annotations: {controller.kubernetes.io/pod-deletion-cost: '007'}}, spec: {containers: [{name: web, image: nginx}]}}",
        );
        assert_eq!(
            errors,
            [
                "spec.template.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                "spec.template.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"007\": must be a 32bit integer",
            ]
        );
        for (cost, valid) in [
            ("0", true),
            ("-5", true),
            ("2147483647", true),
            ("+1", false),
            ("2147483648", false),
            ("-", false),
            ("", false),
        ] {
            assert_eq!(is_valid_deletion_cost(cost), valid, "{cost:?}");
        }
    }

    #[test]
    fn pod_spec_rules() {
        check(
            &[
                ("terminationGracePeriodSeconds: -1", &[]), // upstream accepts it (the kubelet uses 1)
                (
                    "dnsPolicy: Cluster",
                    &[
                        "spec.template.spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
                    ],
                ),
                (
                    "dnsPolicy: None",
                    &[
                        "spec.template.spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None",
                    ],
                ),
                (
                    "dnsPolicy: None, dnsConfig: {searches: [a.example]}",
                    &[
                        "spec.template.spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None",
                    ],
                ),
                ("dnsPolicy: None, dnsConfig: {nameservers: [1.1.1.1]}", &[]),
                (
                    "serviceAccountName: Web_SA",
                    &[&format!("spec.template.spec.serviceAccountName: Invalid value: \"Web_SA\": {SUBDOMAIN_MSG}")],
                ),
                (
                    "nodeSelector: {'disk type': ssd}",
                    &[
                        "spec.template.spec.nodeSelector: Invalid value: \"disk type\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                    ],
                ),
                ("hostname: Web", &[&format!("spec.template.spec.hostname: Invalid value: \"Web\": {LABEL_MSG}")]),
            ],
            spec_errors,
        );
        assert_eq!(template_errors("{spec: {containers: []}}"), ["spec.template.spec.containers: Required value"]);
    }

    #[test]
    fn unset_fields_that_defaulting_fills_are_required() {
        let template = PodTemplateSpec {
            spec: PodSpec {
                containers: vec![Container { name: "web".into(), image: Some("nginx".into()), ..Container::default() }]
                    .into(),
                restart_policy: Some("Always".into()),
                ..PodSpec::default()
            },
            ..PodTemplateSpec::default()
        };
        let errors: Vec<String> = validate_pod_spec(&template.spec, &FieldPath::parse_dotted("spec"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "spec.terminationGracePeriodSeconds: Required value",
                "spec.containers[0].terminationMessagePolicy: Required value",
                "spec.containers[0].imagePullPolicy: Required value",
                "spec.dnsPolicy: Required value",
            ]
        );
    }

    #[test]
    fn container_rules() {
        check(
            &[
                (
                    "terminationMessagePolicy: Always",
                    &[
                        "C0.terminationMessagePolicy: Unsupported value: \"Always\": supported values: \"File\", \"FallbackToLogsOnError\"",
                    ],
                ),
                (
                    "imagePullPolicy: Sometimes",
                    &[
                        "C0.imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
                    ],
                ),
                ("restartPolicy: Always", &["C0.restartPolicy: Forbidden: may not be set for non-init containers"]),
            ],
            container_errors,
        );
        let cases: &[(&str, &[&str])] = &[
            ("[{name: web}]", &["spec.template.spec.containers[0].image: Required value"]),
            ("[{image: nginx}]", &["spec.template.spec.containers[0].name: Required value"]),
            (
                "[{name: Web_1, image: nginx}]",
                &["spec.template.spec.containers[0].name: Invalid value: \"Web_1\": LABEL"],
            ),
            (
                "[{name: web.app, image: nginx}]",
                &["spec.template.spec.containers[0].name: Invalid value: \"web.app\": must not contain dots"],
            ),
            (
                "[{name: web, image: nginx}, {name: web, image: nginx}]",
                &["spec.template.spec.containers[1].name: Duplicate value: \"web\""],
            ),
            (
                "[{image: nginx}, {image: nginx}]",
                &[
                    "spec.template.spec.containers[0].name: Required value",
                    "spec.template.spec.containers[1].name: Required value",
                    "spec.template.spec.containers[1].name: Duplicate value: \"\"",
                ],
            ),
        ];
        for (containers, expected) in cases {
            let expected: Vec<String> = expected.iter().map(|e| e.replace("LABEL", LABEL_MSG)).collect();
            assert_eq!(template_errors(&format!("{{spec: {{containers: {containers}}}}}")), expected, "{containers}");
        }
    }

    #[test]
    fn init_container_rules() {
        let cases: &[(&str, &[&str])] = &[
            ("{name: web, image: busybox}", &["spec.template.spec.initContainers[0].name: Duplicate value: \"web\""]),
            (
                "{name: init, image: busybox, restartPolicy: OnFailure}",
                &[
                    "spec.template.spec.initContainers[0].restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"",
                ],
            ),
            (
                "{name: init, image: busybox, lifecycle: {preStop: {exec: {command: [x]}}}, readinessProbe: {tcpSocket: {port: 80}}}",
                &[
                    "spec.template.spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always",
                    "spec.template.spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
                ],
            ),
            (
                "{name: sidecar, image: busybox, restartPolicy: Always, livenessProbe: {tcpSocket: {port: 80}, successThreshold: 3}}",
                &["spec.template.spec.initContainers[0].livenessProbe.successThreshold: Invalid value: 3: must be 1"],
            ),
        ];
        for (init, expected) in cases {
            let yaml = format!("{{spec: {{containers: [{{name: web, image: nginx}}], initContainers: [{init}]}}}}");
            assert_eq!(template_errors(&yaml), *expected, "{init}");
        }
        // Two init containers with the same name.
        assert_eq!(
            template_errors(
                "{spec: {containers: [{name: web, image: nginx}], initContainers: [{name: a, image: x}, {name: a, image: x}]}}"
            ),
            ["spec.template.spec.initContainers[1].name: Duplicate value: \"a\""]
        );
    }

    #[test]
    fn port_rules() {
        check(
            &[
                (
                    "ports: [{containerPort: 70000}]",
                    &["C0.ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"],
                ),
                (
                    "ports: [{containerPort: -1}]",
                    &["C0.ports[0].containerPort: Invalid value: -1: must be between 1 and 65535, inclusive"],
                ),
                ("ports: [{name: http}]", &["C0.ports[0].containerPort: Required value"]),
                (
                    "ports: [{containerPort: 80, protocol: HTTP}]",
                    &[
                        "C0.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                    ],
                ),
                // An empty protocol is defaulted to TCP before validation.
                ("ports: [{containerPort: 80, protocol: ''}]", &[]),
                (
                    "ports: [{containerPort: 80, hostPort: 65536}]",
                    &["C0.ports[0].hostPort: Invalid value: 65536: must be between 1 and 65535, inclusive"],
                ),
                (
                    "ports: [{containerPort: 80, name: '8080'}]",
                    &["C0.ports[0].name: Invalid value: \"8080\": must contain at least one letter (a-z)"],
                ),
                (
                    "ports: [{containerPort: 80, name: Http}]",
                    &[
                        "C0.ports[0].name: Invalid value: \"Http\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                    ],
                ),
                (
                    "ports: [{containerPort: 80, name: -web--port}]",
                    &[
                        "C0.ports[0].name: Invalid value: \"-web--port\": must not contain consecutive hyphens",
                        "C0.ports[0].name: Invalid value: \"-web--port\": must not begin or end with a hyphen",
                    ],
                ),
                (
                    "ports: [{containerPort: 80, name: a-very-long-port-name}]",
                    &["C0.ports[0].name: Invalid value: \"a-very-long-port-name\": must be no more than 15 characters"],
                ),
                (
                    "ports: [{containerPort: 80, name: http}, {containerPort: 81, name: http}]",
                    &["C0.ports[1].name: Duplicate value: \"http\""],
                ),
                (
                    "ports: [{containerPort: 80, hostPort: 80}, {containerPort: 81, hostPort: 80}]",
                    &["C0.ports[1].hostPort: Duplicate value: \"TCP//80\""],
                ),
                ("ports: [{containerPort: 80, hostPort: 80}, {containerPort: 81, hostPort: 80, protocol: UDP}]", &[]),
            ],
            container_errors,
        );
        assert_eq!(
            template_errors(
                "{spec: {hostNetwork: true, containers: [{name: web, image: nginx, ports: [{containerPort: 80, hostPort: 81}, {containerPort: 90}, {containerPort: 91, hostPort: 91}]}]}}"
            ),
            [
                "spec.template.spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true"
            ]
        );
    }

    #[test]
    fn probe_rules() {
        check(
            &[
                (
                    "livenessProbe: {periodSeconds: 5}",
                    &["C0.livenessProbe: Required value: must specify a handler type"],
                ),
                (
                    "readinessProbe: {exec: {command: [x]}, httpGet: {port: 80}, tcpSocket: {port: 80}, grpc: {port: 80}}",
                    &[
                        "C0.readinessProbe.httpGet: Forbidden: may not specify more than 1 handler type",
                        "C0.readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
                        "C0.readinessProbe.grpc: Forbidden: may not specify more than 1 handler type",
                    ],
                ),
                (
                    "readinessProbe: {tcpSocket: {port: 80}, initialDelaySeconds: -1, timeoutSeconds: -2, periodSeconds: -3, successThreshold: -4, failureThreshold: -5}",
                    &[
                        "C0.readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0",
                        "C0.readinessProbe.timeoutSeconds: Invalid value: -2: must be greater than or equal to 0",
                        "C0.readinessProbe.periodSeconds: Invalid value: -3: must be greater than or equal to 0",
                        "C0.readinessProbe.successThreshold: Invalid value: -4: must be greater than or equal to 0",
                        "C0.readinessProbe.failureThreshold: Invalid value: -5: must be greater than or equal to 0",
                    ],
                ),
                (
                    "livenessProbe: {tcpSocket: {port: 80}, successThreshold: 2}",
                    &["C0.livenessProbe.successThreshold: Invalid value: 2: must be 1"],
                ),
                (
                    "startupProbe: {tcpSocket: {port: 80}, successThreshold: 3}",
                    &["C0.startupProbe.successThreshold: Invalid value: 3: must be 1"],
                ),
                ("readinessProbe: {tcpSocket: {port: 80}, successThreshold: 3}", &[]),
                (
                    "livenessProbe: {tcpSocket: {port: 80}, successThreshold: -1}",
                    &[
                        "C0.livenessProbe.successThreshold: Invalid value: -1: must be greater than or equal to 0",
                        "C0.livenessProbe.successThreshold: Invalid value: -1: must be 1",
                    ],
                ),
                (
                    "livenessProbe: {tcpSocket: {port: 80}, terminationGracePeriodSeconds: 0}",
                    &["C0.livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"],
                ),
                (
                    "readinessProbe: {tcpSocket: {port: 80}, terminationGracePeriodSeconds: 5}",
                    &[
                        "C0.readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes",
                    ],
                ),
                ("livenessProbe: {exec: {command: []}}", &["C0.livenessProbe.exec.command: Required value"]),
                ("livenessProbe: {exec: {}}", &["C0.livenessProbe.exec.command: Required value"]),
                (
                    "livenessProbe: {httpGet: {path: /}}",
                    &["C0.livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"],
                ),
                (
                    "livenessProbe: {httpGet: {port: 70000}}",
                    &["C0.livenessProbe.httpGet.port: Invalid value: 70000: must be between 1 and 65535, inclusive"],
                ),
                (
                    "livenessProbe: {httpGet: {port: Http}}",
                    &[
                        "C0.livenessProbe.httpGet.port: Invalid value: \"Http\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                    ],
                ),
                (
                    "livenessProbe: {httpGet: {port: 80, scheme: FTP}}",
                    &[
                        "C0.livenessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"",
                    ],
                ),
                ("livenessProbe: {httpGet: {port: 80, scheme: HTTPS, path: /live}}", &[]),
                (
                    "livenessProbe: {httpGet: {port: 80, httpHeaders: [{name: 'X_Bad', value: v}]}}",
                    &[
                        "C0.livenessProbe.httpGet.httpHeaders: Invalid value: \"X_Bad\": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
                    ],
                ),
                (
                    "livenessProbe: {tcpSocket: {}}",
                    &["C0.livenessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive"],
                ),
                (
                    "livenessProbe: {tcpSocket: {port: '80'}}",
                    &["C0.livenessProbe.tcpSocket.port: Invalid value: \"80\": must contain at least one letter (a-z)"],
                ),
                ("livenessProbe: {tcpSocket: {port: http}}", &[]),
                (
                    "livenessProbe: {grpc: {port: 0}}",
                    &["C0.livenessProbe.grpc.port: Invalid value: 0: must be between 1 and 65535, inclusive"],
                ),
            ],
            container_errors,
        );
    }

    #[test]
    fn lifecycle_rules() {
        check(
            &[
                ("lifecycle: {preStop: {}}", &["C0.lifecycle.preStop: Required value: must specify a handler type"]),
                (
                    "lifecycle: {postStart: {exec: {command: []}}}",
                    &["C0.lifecycle.postStart.exec.command: Required value"],
                ),
                (
                    "lifecycle: {preStop: {exec: {command: [x]}, sleep: {seconds: 1}}}",
                    &["C0.lifecycle.preStop.sleep: Forbidden: may not specify more than 1 handler type"],
                ),
                (
                    "lifecycle: {preStop: {httpGet: {port: 80}, tcpSocket: {port: 80}}}",
                    &["C0.lifecycle.preStop.tcpSocket: Forbidden: may not specify more than 1 handler type"],
                ),
                (
                    "lifecycle: {preStop: {sleep: {seconds: 40}}}",
                    &[
                        "C0.lifecycle.preStop.sleep: Invalid value: 40: must be non-negative and less than terminationGracePeriodSeconds (30)",
                    ],
                ),
                (
                    "lifecycle: {preStop: {sleep: {seconds: -1}}}",
                    &[
                        "C0.lifecycle.preStop.sleep: Invalid value: -1: must be non-negative and less than terminationGracePeriodSeconds (30)",
                    ],
                ),
                ("lifecycle: {preStop: {sleep: {seconds: 0}}}", &[]),
                ("lifecycle: {preStop: {sleep: {seconds: 30}}}", &[]),
                ("lifecycle: {preStop: {httpGet: {port: 8080}}}", &[]),
            ],
            container_errors,
        );
        assert_eq!(
            errors_with("terminationGracePeriodSeconds: 60", "lifecycle: {preStop: {sleep: {seconds: 45}}}"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn resource_rules() {
        check(
            &[
                (
                    "resources: {requests: {cpu: '1'}, limits: {cpu: 500m}}",
                    &["C0.resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 500m"],
                ),
                ("resources: {requests: {cpu: 500m}, limits: {cpu: 500m}}", &[]),
                (
                    "resources: {requests: {cpu: '0.6'}, limits: {cpu: '0.5'}}",
                    &[
                        "C0.resources.requests: Invalid value: \"600m\": must be less than or equal to cpu limit of 500m",
                    ],
                ),
                ("resources: {limits: {memory: 1Gi}}", &[]), // the request defaults to the limit
                (
                    "resources: {limits: {memory: -1}}",
                    &[
                        "C0.resources.limits[memory]: Invalid value: \"-1\": must be greater than or equal to 0",
                        "C0.resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0",
                    ],
                ),
                (
                    "resources: {requests: {gpu: '1'}}",
                    &[
                        "C0.resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
                        "C0.resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
                    ],
                ),
                (
                    "resources: {requests: {pods: '1'}}",
                    &[
                        "C0.resources.requests[pods]: Invalid value: \"pods\": must be a standard resource for containers",
                    ],
                ),
                (
                    "resources: {requests: {example.com/gpu: '1'}}",
                    &["C0.resources.limits: Required value: Limit must be set for non overcommitable resources"],
                ),
                (
                    "resources: {requests: {example.com/gpu: '1'}, limits: {example.com/gpu: '2'}}",
                    &["C0.resources.requests: Invalid value: \"1\": must be equal to example.com/gpu limit of 2"],
                ),
                (
                    "resources: {limits: {example.com/gpu: 500m}}",
                    &[
                        "C0.resources.limits[example.com/gpu]: Invalid value: \"500m\": must be an integer",
                        "C0.resources.requests[example.com/gpu]: Invalid value: \"500m\": must be an integer",
                    ],
                ),
                (
                    "resources: {limits: {hugepages-2Mi: 3Mi}}",
                    &[
                        "C0.resources.limits[hugepages-2Mi]: Invalid value: \"3Mi\": 3Mi is not positive integer multiple of hugepages-2Mi",
                        "C0.resources.requests[hugepages-2Mi]: Invalid value: \"3Mi\": 3Mi is not positive integer multiple of hugepages-2Mi",
                        "C0.resources: Forbidden: HugePages require cpu or memory",
                    ],
                ),
                ("resources: {limits: {hugepages-2Mi: 4Mi, memory: 1Gi}}", &[]),
            ],
            container_errors,
        );
    }

    #[test]
    fn env_rules() {
        check(
            &[
                ("env: [{value: x}]", &["C0.env[0].name: Required value"]),
                ("env: [{name: 'MY=VAR'}]", &["C0.env[0].name: Invalid value: \"MY=VAR\": ENV"]),
                ("env: [{name: 'caf\u{e9}'}]", &["C0.env[0].name: Invalid value: \"caf\u{e9}\": ENV"]),
                ("env: [{name: '1st var.with-odd_chars'}]", &[]),
                (
                    "env: [{name: A, valueFrom: {}}]",
                    &[
                        "C0.env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
                    ],
                ),
                (
                    "env: [{name: A, value: x, valueFrom: {secretKeyRef: {name: s, key: k}}}]",
                    &["C0.env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"],
                ),
                (
                    "env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k}, configMapKeyRef: {name: c, key: k}}}]",
                    &["C0.env[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"],
                ),
                (
                    "env: [{name: A, valueFrom: {configMapKeyRef: {name: c}}}]",
                    &["C0.env[0].valueFrom.configMapKeyRef.key: Required value"],
                ),
                (
                    "env: [{name: A, valueFrom: {secretKeyRef: {key: k}}}]",
                    &["C0.env[0].valueFrom.secretKeyRef.name: Invalid value: \"\": SUBDOMAIN"],
                ),
                (
                    "env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: 'bad key'}}}]",
                    &[
                        "C0.env[0].valueFrom.secretKeyRef.key: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                    ],
                ),
                (
                    "env: [{name: A, valueFrom: {configMapKeyRef: {name: c, key: ..x}}}]",
                    &["C0.env[0].valueFrom.configMapKeyRef.key: Invalid value: \"..x\": must not start with '..'"],
                ),
                (
                    "env: [{name: A, valueFrom: {fieldRef: {apiVersion: v1}}}]",
                    &["C0.env[0].valueFrom.fieldRef.fieldPath: Required value"],
                ),
                (
                    "env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.gpu}}}]",
                    &[
                        "C0.env[0].valueFrom.resourceFieldRef.resource: Unsupported value: \"limits.gpu\": supported values: \"limits.cpu\", \"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\", \"requests.ephemeral-storage\", \"requests.memory\"",
                    ],
                ),
            ],
            |fields| {
                container_errors(fields)
                    .into_iter()
                    .map(|e| e.replace(ENV_MSG, "ENV").replace(SUBDOMAIN_MSG, "SUBDOMAIN"))
                    .collect()
            },
        );
    }

    #[test]
    fn env_from_rules() {
        check(
            &[
                (
                    "envFrom: [{prefix: APP_}]",
                    &["C0.envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"],
                ),
                (
                    "envFrom: [{configMapRef: {name: c}, secretRef: {name: s}}]",
                    &["C0.envFrom: Invalid value: \"\": may not have more than one field specified at a time"],
                ),
                ("envFrom: [{configMapRef: {}}]", &["C0.envFrom[0].configMapRef.name: Required value"]),
                ("envFrom: [{secretRef: {name: web-}}]", &[]), // checked as a generateName prefix
                (
                    "envFrom: [{secretRef: {name: Web}}]",
                    &[&format!("C0.envFrom[0].secretRef.name: Invalid value: \"Web\": {SUBDOMAIN_MSG}")],
                ),
                (
                    "envFrom: [{configMapRef: {name: c}, prefix: 'A='}]",
                    &[&format!("C0.envFrom[0].prefix: Invalid value: \"A=\": {ENV_MSG}")],
                ),
            ],
            container_errors,
        );
    }

    fn pod_errors(yaml: &str) -> Vec<String> {
        let mut pod: Pod = crate::api::decode::from_yaml_str(yaml);
        pod_spec_defaults(&mut pod.spec);
        validate_pod(&pod).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn pod_rules() {
        let cases: &[(&str, &[&str])] = &[
            ("{metadata: {name: web}, spec: {restartPolicy: Never, containers: [{name: web, image: nginx}]}}", &[]),
            (
                "{metadata: {name: web}, spec: {restartPolicy: Sometimes, activeDeadlineSeconds: 60, containers: [{name: web, image: nginx}]}}",
                &[
                    "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
                ],
            ),
            (
                "{metadata: {}, spec: {containers: [{name: web, image: nginx}]}}",
                &["metadata.name: Required value: name or generateName is required"],
            ),
            (
                "{metadata: {name: web}, spec: {containers: [{name: web, image: ' nginx'}], initContainers: [{name: i, image: 'busybox '}]}}",
                &[
                    "spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing whitespace",
                    "spec.initContainers[0].image: Invalid value: \"busybox \": must not have leading or trailing whitespace",
                ],
            ),
            (
                "{metadata: {name: web, annotations: {kubernetes.io/config.mirror: x}}, spec: {containers: [{name: web, image: nginx}]}}",
                &[
                    "metadata.annotations[kubernetes.io/config.mirror]: Invalid value: \"x\": must set spec.nodeName if mirror pod annotation is set",
                ],
            ),
            (
                "{metadata: {name: web}, spec: {nodeName: node-1, schedulingGates: [{name: wait}], containers: [{name: web, image: nginx}]}}",
                &["spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"],
            ),
            (
                "{metadata: {name: web}, spec: {ephemeralContainers: [{name: d, image: busybox}], containers: [{name: web, image: nginx}]}}",
                &["spec.ephemeralContainers: Forbidden: cannot be set on create"],
            ),
        ];
        for (yaml, expected) in cases {
            assert_eq!(pod_errors(yaml), *expected, "{yaml}");
        }
    }

    #[test]
    fn name_helpers() {
        assert!(is_valid_port_name("http").is_empty());
        assert!(is_valid_port_name("web-8080").is_empty());
        assert_eq!(
            is_valid_port_name(""),
            [
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "must contain at least one letter (a-z)"
            ]
        );
        assert_eq!(is_relaxed_env_var_name(""), ["environment variable name must be non-empty"]);
        assert_eq!(is_relaxed_env_var_name("a\tb"), [ENV_MSG]);
        assert!(is_relaxed_env_var_name("A B~!").is_empty());
        assert_eq!(is_config_map_key("."), ["must not be '.'"]);
        assert_eq!(is_config_map_key(".."), ["must not be '..'"]);
        assert_eq!(is_config_map_key(&"k".repeat(254)), ["must be no more than 253 characters"]);
    }
}
