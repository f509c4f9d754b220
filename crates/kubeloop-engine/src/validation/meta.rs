//! ValidateObjectMeta: names, namespaces, labels and annotations.

use super::field::{BadValue, FieldError, FieldPath};
use super::names::{
    is_dns1035_label, is_dns1123_label, is_dns1123_subdomain, is_qualified_name, is_valid_label_value,
    is_valid_path_segment_name, is_valid_path_segment_prefix,
};
use crate::api::ObjectMeta;
use std::collections::BTreeMap;

/// Which format a kind's names must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// Most kinds: NameIsDNSSubdomain.
    DnsSubdomain,
    /// Namespaces: NameIsDNSLabel.
    DnsLabel,
    /// Services: NameIsDNS1035Label.
    Dns1035Label,
    /// Kinds checked only by the generic ValidateObjectMetaAccessor with
    /// ValidatePathSegmentName (PodDisruptionBudgets).
    PathSegment,
}

/// Annotations may total at most this many bytes (TotalAnnotationSizeLimitB).
const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

pub fn validate_object_meta(meta: &ObjectMeta, rule: NameRule, namespaced: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let path = FieldPath::root().child("metadata");
    let name = meta.name.as_deref().unwrap_or("");
    let generate_name = meta.generate_name.as_deref().unwrap_or("");
    if rule == NameRule::PathSegment && !generate_name.is_empty() {
        for detail in is_valid_path_segment_prefix(generate_name) {
            let value = BadValue::Str(generate_name.to_string());
            errors.push(FieldError::invalid(path.child("generateName"), value, detail));
        }
    }
    if name.is_empty() && generate_name.is_empty() {
        errors.push(FieldError::required(path.child("name"), "name or generateName is required"));
    } else if !name.is_empty() {
        let problems = match rule {
            NameRule::DnsSubdomain => is_dns1123_subdomain(name),
            NameRule::DnsLabel => is_dns1123_label(name),
            NameRule::Dns1035Label => is_dns1035_label(name),
            NameRule::PathSegment => is_valid_path_segment_name(name),
        };
        for detail in problems {
            errors.push(FieldError::invalid(path.child("name"), BadValue::Str(name.to_string()), detail));
        }
    }
    if namespaced && let Some(namespace) = meta.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        for detail in is_dns1123_label(namespace) {
            errors.push(FieldError::invalid(path.child("namespace"), BadValue::Str(namespace.to_string()), detail));
        }
    }
    errors.extend(validate_labels(&meta.labels, &path.child("labels")));
    errors.extend(validate_annotations(&meta.annotations, &path.child("annotations")));
    errors
}

/// ValidateLabels: keys are qualified names, values label values.
pub fn validate_labels(labels: &BTreeMap<String, String>, path: &FieldPath) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (key, value) in labels {
        for detail in is_qualified_name(key) {
            errors.push(FieldError::invalid(path.clone(), BadValue::Str(key.clone()), detail).at(path.key(key)));
        }
        for detail in is_valid_label_value(value) {
            errors.push(FieldError::invalid(path.clone(), BadValue::Str(value.clone()), detail).at(path.key(key)));
        }
    }
    errors
}

/// ValidateAnnotations: keys are qualified names (case-insensitively); the
/// whole set has a size limit.
pub fn validate_annotations(annotations: &BTreeMap<String, String>, path: &FieldPath) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut total = 0;
    for (key, value) in annotations {
        // Upstream lower-cases with Unicode rules; a key with anything but
        // ASCII is invalid either way, so ASCII folding gives the same verdict.
        for detail in is_qualified_name(&key.to_ascii_lowercase()) {
            errors.push(FieldError::invalid(path.clone(), BadValue::Str(key.clone()), detail));
        }
        total += key.len() + value.len();
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errors.push(FieldError::too_long(path.clone(), TOTAL_ANNOTATION_SIZE_LIMIT));
    }
    errors
}
