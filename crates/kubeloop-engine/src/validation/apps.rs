//! `pkg/apis/apps/validation`: Deployments and ReplicaSets (spec section 2.1).

use super::field::{BadValue, FieldError, FieldPath};
use super::meta::{NameRule, validate_object_meta};
use super::pod::validate_pod_template_for_replica_set;
use super::{non_negative, validate_positive_int_or_percent};
use crate::api::apps::{Deployment, ReplicaSet, RollingUpdateDeployment};
use crate::api::intstr::IntOrString;
use crate::api::selector::{LabelSelector, validate_label_selector};

pub fn validate_deployment(deployment: &Deployment) -> Vec<FieldError> {
    let mut errors = validate_object_meta(&deployment.metadata, NameRule::DnsSubdomain, true);
    let spec = &deployment.spec;
    let path = FieldPath::root().child("spec");
    non_negative(i64::from(spec.replicas.unwrap_or(1)), path.child("replicas"), &mut errors);
    validate_workload_selector_and_template(spec.selector.as_ref(), &spec.template, &path, &mut errors);
    validate_strategy(deployment, &path, &mut errors);
    non_negative(i64::from(spec.min_ready_seconds), path.child("minReadySeconds"), &mut errors);
    if let Some(limit) = spec.revision_history_limit {
        non_negative(i64::from(limit), path.child("revisionHistoryLimit"), &mut errors);
    }
    if let Some(deadline) = spec.progress_deadline_seconds {
        let deadline_path = path.child("progressDeadlineSeconds");
        non_negative(i64::from(deadline), deadline_path.clone(), &mut errors);
        if deadline <= spec.min_ready_seconds {
            errors.push(FieldError::invalid(
                deadline_path,
                BadValue::Int(i64::from(deadline)),
                "must be greater than minReadySeconds",
            ));
        }
    }
    errors
}

pub fn validate_replica_set(replica_set: &ReplicaSet) -> Vec<FieldError> {
    let mut errors = validate_object_meta(&replica_set.metadata, NameRule::DnsSubdomain, true);
    let spec = &replica_set.spec;
    let path = FieldPath::root().child("spec");
    non_negative(i64::from(spec.replicas.unwrap_or(1)), path.child("replicas"), &mut errors);
    non_negative(i64::from(spec.min_ready_seconds), path.child("minReadySeconds"), &mut errors);
    validate_workload_selector_and_template(spec.selector.as_ref(), &spec.template, &path, &mut errors);
    errors
}

/// The selector must exist, select something, be well formed, and match the
/// template's labels; then the template itself (restartPolicy Always, no
/// activeDeadlineSeconds, a valid pod spec).
fn validate_workload_selector_and_template(
    selector: Option<&LabelSelector>,
    template: &crate::api::core::PodTemplateSpec,
    spec_path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let selector_path = spec_path.child("selector");
    match selector {
        None => errors.push(FieldError::required(selector_path, "")),
        Some(selector) => {
            for (path, error_type, detail) in validate_label_selector(selector, &selector_path.to_string()) {
                errors.push(selector_error(&path, &error_type, detail));
            }
            if selector.is_empty() {
                errors.push(FieldError::invalid(
                    selector_path,
                    BadValue::Json(selector_json(selector)),
                    "empty selector is invalid for deployment",
                ));
            } else if !selector.matches(&template.metadata.labels) {
                errors.push(FieldError::invalid(
                    spec_path.child("template").child("metadata").child("labels"),
                    BadValue::string_map(&template.metadata.labels),
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
    errors.extend(validate_pod_template_for_replica_set(template, &spec_path.child("template")));
}

/// Adapts a selector-validation finding (path, type words, detail).
fn selector_error(path: &str, error_type: &str, detail: String) -> FieldError {
    use super::field::ErrorType;
    let error_type = match error_type {
        "Required value" => ErrorType::Required,
        "Unsupported value" => ErrorType::NotSupported,
        "Forbidden" => ErrorType::Forbidden,
        _ => ErrorType::Invalid,
    };
    FieldError { error_type, path: FieldPath::parse(path), value: None, detail, node: None }
}

fn selector_json(selector: &LabelSelector) -> String {
    if selector.match_labels.is_empty() && selector.match_expressions.is_empty() {
        return "{}".to_string();
    }
    let BadValue::Json(labels) = BadValue::string_map(&selector.match_labels) else { unreachable!() };
    format!("{{\"matchLabels\":{labels}}}")
}

/// ValidateDeploymentStrategy and ValidateRollingUpdateDeployment.
fn validate_strategy(deployment: &Deployment, spec_path: &FieldPath, errors: &mut Vec<FieldError>) {
    let strategy = &deployment.spec.strategy;
    let path = spec_path.child("strategy");
    let strategy_type = strategy.strategy_type.as_deref().unwrap_or("");
    match strategy_type {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                errors.push(FieldError::forbidden(
                    path.child("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => {
            // Defaulting created rollingUpdate; upstream reports its absence.
            match &strategy.rolling_update {
                None => errors.push(FieldError::required(
                    path.child("rollingUpdate"),
                    "this should be defaulted and never be nil",
                )),
                Some(rolling) => validate_rolling_update(rolling, &path.child("rollingUpdate"), errors),
            }
        }
        other => errors.push(FieldError::not_supported(
            path.child("type"),
            BadValue::Str(other.to_string()),
            &["Recreate", "RollingUpdate"],
        )),
    }
}

fn validate_rolling_update(rolling: &RollingUpdateDeployment, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let unavailable_path = path.child("maxUnavailable");
    let surge_path = path.child("maxSurge");
    let zero = IntOrString::Int(0);
    let max_unavailable = rolling.max_unavailable.as_ref().unwrap_or(&zero);
    let max_surge = rolling.max_surge.as_ref().unwrap_or(&zero);
    validate_positive_int_or_percent(max_unavailable, &unavailable_path, errors);
    validate_positive_int_or_percent(max_surge, &surge_path, errors);
    if get_int_or_percent_value(max_unavailable) == 0 && get_int_or_percent_value(max_surge) == 0 {
        errors.push(FieldError::invalid(
            unavailable_path.clone(),
            int_or_string_value(max_unavailable),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    // maxUnavailable may not exceed 100%; maxSurge may.
    if let IntOrString::String(_) = max_unavailable
        && get_int_or_percent_value(max_unavailable) > 100
    {
        errors.push(FieldError::invalid(
            unavailable_path,
            int_or_string_value(max_unavailable),
            "must not be greater than 100%",
        ));
    }
}

/// getIntOrPercentValue: the number, or the number before `%` (0 if none).
fn get_int_or_percent_value(value: &IntOrString) -> i64 {
    match value {
        IntOrString::Int(number) => i64::from(*number),
        IntOrString::String(text) => text.strip_suffix('%').and_then(|n| n.parse().ok()).unwrap_or(0),
    }
}

fn int_or_string_value(value: &IntOrString) -> BadValue {
    match value {
        IntOrString::Int(number) => BadValue::Int(i64::from(*number)),
        IntOrString::String(text) => BadValue::Str(text.clone()),
    }
}
