//! API-server validation: the same rules, field paths and messages as
//! `pkg/apis/*/validation`, run on defaulted objects.

pub mod apps;
pub mod field;
pub mod meta;
pub mod names;
pub mod others;
pub mod pod;
pub mod resources;

use crate::api::Object;
use crate::api::intstr::{IntOrString, PERCENT_ERROR, is_valid_percent};
use field::{BadValue, FieldError, FieldPath};

/// Every validation error of a (defaulted) object, in upstream's order.
pub fn validate(object: &Object) -> Vec<FieldError> {
    match object {
        Object::Deployment(deployment) => apps::validate_deployment(deployment),
        Object::ReplicaSet(replica_set) => apps::validate_replica_set(replica_set),
        Object::Pod(pod) => pod::validate_pod(pod),
        Object::Service(service) => others::validate_service(service),
        Object::ConfigMap(config_map) => others::validate_config_map(config_map),
        Object::Secret(secret) => others::validate_secret(secret),
        Object::Namespace(namespace) => others::validate_namespace(namespace),
        Object::Node(node) => others::validate_node(node),
        Object::HorizontalPodAutoscaler(hpa) => others::validate_hpa(hpa),
        Object::PodDisruptionBudget(pdb) => others::validate_pdb(pdb),
        Object::App(app) => others::validate_app(app),
        Object::Traffic(traffic) => others::validate_traffic(traffic),
    }
}

/// ValidateNonnegativeField.
pub fn non_negative(value: i64, path: FieldPath, errors: &mut Vec<FieldError>) {
    if value < 0 {
        errors.push(FieldError::invalid(path, BadValue::Int(value), "must be greater than or equal to 0"));
    }
}

/// ValidatePositiveIntOrPercent.
pub fn validate_positive_int_or_percent(value: &IntOrString, path: &FieldPath, errors: &mut Vec<FieldError>) {
    match value {
        IntOrString::String(text) => {
            if !is_valid_percent(text) {
                errors.push(FieldError::invalid(path.clone(), BadValue::Str(text.clone()), PERCENT_ERROR));
            }
        }
        IntOrString::Int(number) => non_negative(i64::from(*number), path.clone(), errors),
    }
}
