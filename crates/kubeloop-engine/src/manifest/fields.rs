//! Checking a document's fields against its type's schema before decoding:
//! keys the type does not know (a warning, worded like kubectl's strict field
//! validation: `unknown field "spec.replica"`), and values of the wrong JSON
//! type (an error, worded like the API server's decoder:
//! `json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string`).
//!
//! The API server decodes JSON converted from the YAML, so `value: 8000`
//! for a string field is a number and is refused; serde_yaml alone would
//! quietly accept it as the string "8000".

use crate::api::intstr::IntOrString;
use crate::api::quantity::Quantity;
use crate::manifest::suggest::closest;
use crate::validation::field::FieldPath;
use crate::yaml::{Schema, StructSchema};
use serde::Deserialize;
use serde_yaml::Value;

#[derive(Debug, PartialEq, Eq)]
pub enum FieldFinding {
    Unknown { path: FieldPath, suggestion: Option<&'static str> },
    WrongType { path: FieldPath, message: String },
}

impl FieldFinding {
    pub fn message(&self) -> String {
        match self {
            FieldFinding::Unknown { path, suggestion: Some(field) } => {
                format!("unknown field \"{path}\" (did you mean \"{field}\"?)")
            }
            FieldFinding::Unknown { path, suggestion: None } => format!("unknown field \"{path}\""),
            FieldFinding::WrongType { message, .. } => message.clone(),
        }
    }
}

/// Every unknown key and wrongly typed value in `value`, in document order.
/// `package` is the Go package of the kind's version (`v1`, `v2`), for type
/// names in messages.
pub fn check_fields(value: &Value, schema: &'static StructSchema, package: &str) -> Vec<FieldFinding> {
    let mut walk = Walk { package, found: Vec::new() };
    walk.value(value, &Schema::Struct(schema), &FieldPath::root(), schema.name, "");
    walk.found
}

struct Walk<'a> {
    package: &'a str,
    found: Vec<FieldFinding>,
}

impl Walk<'_> {
    /// `go_struct` is the innermost Go struct holding this value and
    /// `go_field` its dotted JSON path without list indices, as
    /// `encoding/json` names them in an UnmarshalTypeError.
    fn value(&mut self, value: &Value, schema: &Schema, path: &FieldPath, go_struct: &str, go_field: &str) {
        if let Value::Tagged(tagged) = value {
            return self.value(&tagged.value, schema, path, go_struct, go_field);
        }
        if let Some(message) = self.own_syntax_error(schema, value) {
            self.found.push(FieldFinding::WrongType { path: path.clone(), message });
            return;
        }
        let fits = match (schema, value) {
            (Schema::Any | Schema::Quantity | Schema::IntOrString, _) | (_, Value::Null) => true,
            (Schema::Str, Value::String(_)) | (Schema::Bool, Value::Bool(_)) => true,
            (Schema::Int(go_type), Value::Number(number)) => int_fits(number, go_type),
            (Schema::Struct(..) | Schema::Map(_), Value::Mapping(_)) | (Schema::Seq(_), Value::Sequence(_)) => true,
            _ => false,
        };
        if !fits {
            let what = match value {
                Value::Number(number) if matches!(schema, Schema::Int(_)) => format!("number {number}"),
                Value::Number(_) => "number".to_string(),
                Value::Bool(_) => "bool".to_string(),
                Value::String(_) => "string".to_string(),
                Value::Sequence(_) => "array".to_string(),
                _ => "object".to_string(),
            };
            let message = if go_field.is_empty() {
                format!("json: cannot unmarshal {what} into Go value of type {}", schema.go_type(self.package))
            } else {
                format!(
                    "json: cannot unmarshal {what} into Go struct field {go_struct}.{go_field} of type {}",
                    schema.go_type(self.package)
                )
            };
            self.found.push(FieldFinding::WrongType { path: path.clone(), message });
            return;
        }
        let join = |name: &str| if go_field.is_empty() { name.to_string() } else { format!("{go_field}.{name}") };
        match (schema, value) {
            (Schema::Struct(schema), Value::Mapping(mapping)) => {
                for (key, child) in mapping {
                    let Some(key) = key.as_str() else { continue };
                    if path.is_root() && (key == "apiVersion" || key == "kind") {
                        continue; // the loader has read and checked these
                    }
                    match schema.field(key) {
                        Some(child_schema) => {
                            self.value(child, child_schema, &path.child(key), schema.name, &join(key))
                        }
                        None => self.found.push(FieldFinding::Unknown {
                            path: path.child(key),
                            suggestion: closest(key, schema.field_names()),
                        }),
                    }
                }
            }
            (Schema::Map(value_schema), Value::Mapping(mapping)) => {
                for (key, child) in mapping {
                    let key = match key {
                        Value::String(key) => key.clone(),
                        Value::Number(number) => number.to_string(),
                        Value::Bool(flag) => flag.to_string(),
                        _ => "?".to_string(),
                    };
                    self.value(child, value_schema, &path.key(&key), go_struct, &join(&key));
                }
            }
            (Schema::Seq(item_schema), Value::Sequence(items)) => {
                for (index, item) in items.iter().enumerate() {
                    self.value(item, item_schema, &path.index(index), go_struct, go_field);
                }
            }
            _ => {}
        }
    }
}

impl Walk<'_> {
    /// Quantities and int-or-strings are checked by their own decoders, so
    /// their errors (the API server's words) are located at the value.
    fn own_syntax_error(&self, schema: &Schema, value: &Value) -> Option<String> {
        let error = match schema {
            Schema::Quantity => Quantity::deserialize(value.clone()).err(),
            Schema::IntOrString => IntOrString::deserialize(value.clone()).err(),
            _ => None,
        }?;
        Some(error.to_string())
    }
}

/// Whether a JSON number decodes into this Go integer type.
fn int_fits(number: &serde_yaml::Number, go_type: &str) -> bool {
    let (min, max): (i128, i128) = match go_type {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" => (0, u64::MAX.into()),
        _ => (i64::MIN.into(), i64::MAX.into()),
    };
    let value = number.as_i64().map(i128::from).or_else(|| number.as_u64().map(i128::from));
    value.is_some_and(|v| (min..=max).contains(&v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kind_schema;

    fn findings(yaml: &str) -> Vec<String> {
        let value: Value = serde_yaml::from_str(yaml).unwrap();
        check_fields(&value, kind_schema("Deployment").unwrap(), "v1").iter().map(FieldFinding::message).collect()
    }

    #[test]
    fn wrong_types_read_like_encoding_json() {
        let cases = [
            (
                "spec: {replicas: '3'}",
                "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
            ),
            (
                "spec: {replicas: 1.5}",
                "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
            ),
            (
                "spec: {replicas: 3000000000}",
                "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32",
            ),
            (
                "spec: {paused: 'yes'}",
                "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool",
            ),
            (
                "spec: {template: {spec: {containers: [{name: a, env: [{name: PORT, value: 8000}]}]}}}",
                "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string",
            ),
            (
                "spec: {template: {spec: {containers: {name: a}}}}",
                "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container",
            ),
            (
                "metadata: {labels: {tier: 1}}",
                "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels.tier of type string",
            ),
            ("spec: 3", "json: cannot unmarshal number into Go struct field Deployment.spec of type v1.DeploymentSpec"),
            (
                "spec: {strategy: {rollingUpdate: {maxSurge: 1.5}}}",
                "json: cannot unmarshal number 1.5 into Go value of type int32",
            ),
            (
                "spec: {template: {spec: {containers: [{name: a, resources: {limits: {memory: lots}}}]}}}",
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ),
        ];
        for (yaml, expected) in cases {
            assert_eq!(findings(yaml), [expected], "{yaml}");
        }
    }

    #[test]
    fn nulls_and_right_types_pass() {
        assert!(findings("spec: {replicas: null, paused: true, template: {metadata: {labels: {a: 'b'}}}}").is_empty());
    }
}
