//! Objects as the API server returns them (`kubectl get -o yaml|json`):
//! each type turns itself into a YAML value the way Go's JSON encoder
//! writes the Kubernetes types. Scalars, lists and maps that are empty are
//! left out (`omitempty`), except the few fields the API declares without
//! it (`ready: false`, `restartCount: 0`, ...; [`ALWAYS`]); a set pointer
//! is written even when zero (`replicas: 0`); a struct is always written,
//! `{}` when empty (`resources: {}`). Field order is the declaration's;
//! printers sort keys, as kubectl's do.

use super::intstr::IntOrString;
use super::meta::SharedList;
use super::quantity::Quantity;
use super::selector::{LabelSelector, LabelSelectorRequirement};
use super::time::Time;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A value as the API's JSON carries it.
pub trait ToYaml {
    /// The value, or `None` when an `omitempty` field would be left out.
    fn to_yaml(&self) -> Option<Value>;

    /// The value even when empty (for fields without `omitempty`, and for
    /// what a set pointer points to).
    fn to_yaml_always(&self) -> Value {
        self.to_yaml().unwrap_or(Value::Null)
    }
}

/// (struct, JSON field) pairs the API writes even when zero or empty.
pub const ALWAYS: &[(&str, &str)] = &[
    ("ContainerStatus", "name"),
    ("ContainerStatus", "ready"),
    ("ContainerStatus", "restartCount"),
    ("ContainerStatus", "image"),
    ("ContainerStatus", "imageID"),
    ("ContainerPort", "containerPort"),
    ("ServicePort", "port"),
    ("ContainerStateTerminated", "exitCode"),
    ("ReplicaSetStatus", "replicas"),
    ("HorizontalPodAutoscalerStatus", "currentReplicas"),
    ("HorizontalPodAutoscalerStatus", "desiredReplicas"),
    ("HorizontalPodAutoscalerSpec", "maxReplicas"),
    ("PodDisruptionBudgetStatus", "disruptionsAllowed"),
    ("PodDisruptionBudgetStatus", "currentHealthy"),
    ("PodDisruptionBudgetStatus", "desiredHealthy"),
    ("PodDisruptionBudgetStatus", "expectedPods"),
    ("Condition", "type"),
    ("Condition", "status"),
];

/// A struct's encoder (for the declaring macros): its fields, in order.
macro_rules! encode_struct {
    ($name:ident, $( $field:ident = $json:literal ),* $(,)?) => {
        impl $crate::api::encode::ToYaml for $name {
            fn to_yaml(&self) -> Option<serde_yaml::Value> {
                #[allow(unused_mut)]
                let mut fields = serde_yaml::Mapping::new();
                $( $crate::api::encode::put_field(&mut fields, stringify!($name), $json, &self.$field); )*
                Some(serde_yaml::Value::Mapping(fields))
            }
        }
    };
}

pub(crate) use encode_struct;

/// Adds one field of a struct being written.
///
/// One function for every field type (`dyn`): generic, it was copied for
/// each of some thirty types.
pub fn put_field(fields: &mut Mapping, structure: &str, json: &str, value: &dyn ToYaml) {
    let value = if ALWAYS.contains(&(structure, json)) { Some(value.to_yaml_always()) } else { value.to_yaml() };
    if let Some(value) = value.filter(|value| !value.is_null()) {
        fields.insert(Value::String(json.to_string()), value);
    }
}

impl ToYaml for String {
    fn to_yaml(&self) -> Option<Value> {
        (!self.is_empty()).then(|| Value::String(self.clone()))
    }
    fn to_yaml_always(&self) -> Value {
        Value::String(self.clone())
    }
}

/// Literal and shared strings write as strings.
impl ToYaml for super::text::Str {
    fn to_yaml(&self) -> Option<Value> {
        (!self.is_empty()).then(|| Value::String(self.as_str().to_string()))
    }
    fn to_yaml_always(&self) -> Value {
        Value::String(self.as_str().to_string())
    }
}

impl ToYaml for bool {
    fn to_yaml(&self) -> Option<Value> {
        self.then_some(Value::Bool(true))
    }
    fn to_yaml_always(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToYaml for i32 {
    fn to_yaml(&self) -> Option<Value> {
        (*self != 0).then(|| Value::from(*self))
    }
    fn to_yaml_always(&self) -> Value {
        Value::from(*self)
    }
}

impl ToYaml for i64 {
    fn to_yaml(&self) -> Option<Value> {
        (*self != 0).then(|| Value::from(*self))
    }
    fn to_yaml_always(&self) -> Value {
        Value::from(*self)
    }
}

/// Opaque fields: what was written.
impl ToYaml for Value {
    fn to_yaml(&self) -> Option<Value> {
        (!self.is_null()).then(|| self.clone())
    }
}

/// A pointer: left out when nil, written in full when set.
impl<T: ToYaml> ToYaml for Option<T> {
    fn to_yaml(&self) -> Option<Value> {
        self.as_ref().map(ToYaml::to_yaml_always)
    }
}

impl<T: ToYaml + ?Sized> ToYaml for Box<T> {
    fn to_yaml(&self) -> Option<Value> {
        (**self).to_yaml()
    }
    fn to_yaml_always(&self) -> Value {
        (**self).to_yaml_always()
    }
}

impl<T: ToYaml + ?Sized> ToYaml for Rc<T> {
    fn to_yaml(&self) -> Option<Value> {
        (**self).to_yaml()
    }
    fn to_yaml_always(&self) -> Value {
        (**self).to_yaml_always()
    }
}

impl<T: ToYaml> ToYaml for [T] {
    fn to_yaml(&self) -> Option<Value> {
        (!self.is_empty()).then(|| self.to_yaml_always())
    }
    fn to_yaml_always(&self) -> Value {
        sequence(&mut self.iter().map(|item| item as &dyn ToYaml))
    }
}

/// A list's items in order, written by one function for every item type.
fn sequence(items: &mut dyn Iterator<Item = &dyn ToYaml>) -> Value {
    Value::Sequence(items.map(ToYaml::to_yaml_always).collect())
}

/// A map's entries in order, written by one function for every value type.
fn mapping(entries: &mut dyn Iterator<Item = (&String, &dyn ToYaml)>) -> Value {
    Value::Mapping(entries.map(|(key, value)| (Value::String(key.clone()), value.to_yaml_always())).collect())
}

impl<T: ToYaml> ToYaml for Vec<T> {
    fn to_yaml(&self) -> Option<Value> {
        self.as_slice().to_yaml()
    }
    fn to_yaml_always(&self) -> Value {
        self.as_slice().to_yaml_always()
    }
}

impl<T: ToYaml> ToYaml for SharedList<T> {
    fn to_yaml(&self) -> Option<Value> {
        (**self).to_yaml()
    }
    fn to_yaml_always(&self) -> Value {
        (**self).to_yaml_always()
    }
}

impl<T: ToYaml> ToYaml for BTreeMap<String, T> {
    fn to_yaml(&self) -> Option<Value> {
        (!self.is_empty()).then(|| self.to_yaml_always())
    }
    fn to_yaml_always(&self) -> Value {
        mapping(&mut self.iter().map(|(key, value)| (key, value as &dyn ToYaml)))
    }
}

/// Quantities in canonical form (`0.5` is served as `500m`).
impl ToYaml for Quantity {
    fn to_yaml(&self) -> Option<Value> {
        Some(Value::String(self.canonical()))
    }
}

impl ToYaml for IntOrString {
    fn to_yaml(&self) -> Option<Value> {
        Some(match self {
            IntOrString::Int(number) => Value::from(*number),
            IntOrString::String(text) => Value::String(text.clone()),
        })
    }
}

/// `metav1.Time`: RFC 3339 in UTC, whole seconds.
impl ToYaml for Time {
    fn to_yaml(&self) -> Option<Value> {
        Some(Value::String(self.to_rfc3339()))
    }
}

impl ToYaml for LabelSelector {
    fn to_yaml(&self) -> Option<Value> {
        let mut fields = Mapping::new();
        put_field(&mut fields, "LabelSelector", "matchExpressions", &self.match_expressions);
        put_field(&mut fields, "LabelSelector", "matchLabels", &self.match_labels);
        Some(Value::Mapping(fields))
    }
}

impl ToYaml for LabelSelectorRequirement {
    fn to_yaml(&self) -> Option<Value> {
        let mut fields = Mapping::new();
        put_field(&mut fields, "LabelSelectorRequirement", "key", &self.key);
        put_field(&mut fields, "LabelSelectorRequirement", "operator", &self.operator);
        put_field(&mut fields, "LabelSelectorRequirement", "values", &self.values);
        Some(Value::Mapping(fields))
    }
}

/// The object as stored: `apiVersion` and `kind`, then its fields.
pub fn object_to_value(object: &super::Object) -> Value {
    let mut fields = Mapping::new();
    let kind = object.kind();
    let api_version = super::kind_info(kind).map_or("v1", |info| info.api_version);
    fields.insert(Value::String("apiVersion".into()), Value::String(api_version.into()));
    fields.insert(Value::String("kind".into()), Value::String(kind.into()));
    if let Some(Value::Mapping(body)) = object.body_to_yaml() {
        fields.extend(body);
    }
    Value::Mapping(fields)
}

/// A pod as the API server returns it: with the admission defaults and
/// its containers' runtime ids, which the simulation derives rather than
/// stores (`-o yaml` and `describe pod` both show this).
pub fn pod_as_shown(pod: &super::core::Pod) -> super::core::Pod {
    let mut shown = pod.clone();
    crate::defaults::pod_admission_defaults(&mut shown.spec);
    crate::kubelet::status::fill_runtime_ids(&mut shown);
    shown
}

/// The object as the API server returns it (`kubectl get -o yaml`): as
/// stored, and a pod with the fields derived rather than stored.
pub fn object_as_shown(object: &super::Object) -> Value {
    match object {
        super::Object::Pod(pod) => object_to_value(&super::Object::Pod(pod_as_shown(pod))),
        other => object_to_value(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Object;

    fn yaml_of(text: &str) -> Value {
        let object = crate::parse_manifests(text).objects.into_iter().next().expect("an object").object;
        object_to_value(&object)
    }

    #[test]
    fn objects_encode_as_the_api_writes_them() {
        let value = yaml_of(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: web, image: nginx, ports: [{containerPort: 80}], resources: {limits: {cpu: '0.5'}}}\n",
        );
        assert_eq!(value["apiVersion"], Value::from("apps/v1"));
        assert_eq!(value["kind"], Value::from("Deployment"));
        // A set pointer is written even when zero.
        assert_eq!(value["spec"]["replicas"], Value::from(0));
        let container = &value["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["ports"][0]["containerPort"], Value::from(80));
        // Canonical quantities; empty lists and strings left out.
        assert_eq!(container["resources"]["limits"]["cpu"], Value::from("500m"));
        assert!(container.get("command").is_none() && container.get("workingDir").is_none());
        assert_eq!(value["spec"]["selector"]["matchLabels"]["app"], Value::from("web"));
    }

    #[test]
    fn required_zeros_stay_and_others_go() {
        let status = crate::api::core::ContainerStatus { name: "web".into(), ..Default::default() };
        let mut fields = Mapping::new();
        put_field(&mut fields, "ContainerStatus", "ready", &status.ready);
        put_field(&mut fields, "ContainerStatus", "restartCount", &status.restart_count);
        put_field(&mut fields, "ContainerStatus", "started", &status.started);
        put_field(&mut fields, "NodeSpec", "unschedulable", &false);
        let keys: Vec<&str> = fields.keys().filter_map(Value::as_str).collect();
        assert_eq!(keys, ["ready", "restartCount"]);
        assert!(matches!(Object::Pod(Default::default()).body_to_yaml(), Some(Value::Mapping(_))));
    }
}
