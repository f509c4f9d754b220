//! Building typed objects from YAML values, and the shape of every type.
//!
//! Each API struct is declared once with [`api_struct!`], which writes the
//! struct, its decoder ([`FromYaml`]) and its schema ([`HasSchema`], a
//! `const` table of JSON field names and types). The loader checks a
//! document against the schema first (unknown fields, wrong types, bad
//! quantities: all reported at their nodes), so decoding itself can be
//! simple and total: a value of the wrong shape decodes as the default.
//! This replaces serde's derive, whose generic decoders cost about three
//! times the bytes in the browser bundle.

use crate::yaml::{Schema, StructSchema};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Decodes a value that has already passed the schema check.
pub trait FromYaml: Sized {
    fn from_yaml(value: &Value) -> Self;
}

/// The JSON shape of a type, as Kubernetes' decoder sees it.
pub trait HasSchema {
    const SCHEMA: Schema;
}

/// The value under any YAML tag (`!!str 3` is the string "3").
pub fn untagged(value: &Value) -> &Value {
    match value {
        Value::Tagged(tagged) => untagged(&tagged.value),
        other => other,
    }
}

pub fn mapping(value: &Value) -> Option<&Mapping> {
    untagged(value).as_mapping()
}

/// A mapping key as a string (`8080:` is the key "8080").
pub fn key_string(key: &Value) -> Option<String> {
    match untagged(key) {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Decodes a whole document of a test's YAML (for tests and tools; the
/// loader checks documents first and reports problems).
pub fn from_yaml_str<T: FromYaml>(text: &str) -> T {
    T::from_yaml(&serde_yaml::from_str::<Value>(text).unwrap_or(Value::Null))
}

impl FromYaml for String {
    fn from_yaml(value: &Value) -> Self {
        untagged(value).as_str().map(str::to_string).unwrap_or_default()
    }
}

impl FromYaml for bool {
    fn from_yaml(value: &Value) -> Self {
        untagged(value).as_bool().unwrap_or_default()
    }
}

impl FromYaml for i32 {
    fn from_yaml(value: &Value) -> Self {
        untagged(value).as_i64().and_then(|n| i32::try_from(n).ok()).unwrap_or_default()
    }
}

impl FromYaml for i64 {
    fn from_yaml(value: &Value) -> Self {
        untagged(value).as_i64().unwrap_or_default()
    }
}

/// Opaque fields keep the value as written.
impl FromYaml for Value {
    fn from_yaml(value: &Value) -> Self {
        value.clone()
    }
}

/// Absent and `null` are both `None`, as with JSON pointers in Go.
impl<T: FromYaml> FromYaml for Option<T> {
    fn from_yaml(value: &Value) -> Self {
        if untagged(value).is_null() { None } else { Some(T::from_yaml(value)) }
    }
}

/// Boxed fields (opaque values, big optional structs) decode as their
/// contents.
impl<T: FromYaml> FromYaml for Box<T> {
    fn from_yaml(value: &Value) -> Self {
        Box::new(T::from_yaml(value))
    }
}

/// Shared fields too.
impl<T: FromYaml> FromYaml for Rc<T> {
    fn from_yaml(value: &Value) -> Self {
        Rc::new(T::from_yaml(value))
    }
}

impl<T: FromYaml> FromYaml for Vec<T> {
    fn from_yaml(value: &Value) -> Self {
        untagged(value).as_sequence().map(|items| items.iter().map(T::from_yaml).collect()).unwrap_or_default()
    }
}

impl<T: FromYaml> FromYaml for BTreeMap<String, T> {
    fn from_yaml(value: &Value) -> Self {
        let Some(entries) = mapping(value) else { return BTreeMap::new() };
        crate::lean::map_of(entries.iter().filter_map(|(key, value)| Some((key_string(key)?, T::from_yaml(value)))))
    }
}

impl HasSchema for String {
    const SCHEMA: Schema = Schema::Str;
}
impl HasSchema for bool {
    const SCHEMA: Schema = Schema::Bool;
}
impl HasSchema for i32 {
    const SCHEMA: Schema = Schema::Int("int32");
}
impl HasSchema for i64 {
    const SCHEMA: Schema = Schema::Int("int64");
}
impl HasSchema for Value {
    const SCHEMA: Schema = Schema::Any;
}
impl<T: HasSchema> HasSchema for Option<T> {
    const SCHEMA: Schema = T::SCHEMA;
}
impl<T: HasSchema> HasSchema for Box<T> {
    const SCHEMA: Schema = T::SCHEMA;
}
impl<T: HasSchema> HasSchema for Rc<T> {
    const SCHEMA: Schema = T::SCHEMA;
}
impl<T: HasSchema> HasSchema for Vec<T> {
    const SCHEMA: Schema = Schema::Seq(&T::SCHEMA);
}
impl<T: HasSchema> HasSchema for BTreeMap<String, T> {
    const SCHEMA: Schema = Schema::Map(&T::SCHEMA);
}

/// The body of a generated decoder: start from the default and read each
/// field that is present.
macro_rules! decode_fields {
    ($value:expr, $( $field:ident = $json:literal ),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut out = Self::default();
        if let Some(fields) = $crate::api::decode::mapping($value) {
            $( if let Some(field) = fields.get($json) {
                out.$field = $crate::api::decode::FromYaml::from_yaml(field);
            } )*
            let _ = fields;
        }
        out
    }};
}

pub(crate) use decode_fields;

/// Declares an API struct: the struct (public fields, `Clone, Debug,
/// Default, PartialEq`), its decoder and its schema. Each field names its
/// JSON key: `replicas: Option<i32> = "replicas",`.
macro_rules! api_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* $field:ident : $type:ty = $json:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $type, )*
        }

        impl $crate::api::decode::FromYaml for $name {
            fn from_yaml(value: &serde_yaml::Value) -> Self {
                $crate::api::decode::decode_fields!(value, $( $field = $json ),*)
            }
        }

        impl $crate::api::decode::HasSchema for $name {
            const SCHEMA: $crate::yaml::Schema = $crate::yaml::Schema::Struct(&$crate::yaml::StructSchema {
                name: stringify!($name),
                fields: &[ $( ($json, <$type as $crate::api::decode::HasSchema>::SCHEMA), )* ],
            });
        }

        $crate::api::encode::encode_struct!($name, $( $field = $json ),*);
    };
}

pub(crate) use api_struct;

/// Declares an API struct whose rarely set fields live in a boxed side
/// struct (`@rare`), absent while they are all unset: an object held per
/// pod then pays one pointer for them instead of their inline size. The
/// side struct's fields are declared where they stand in the API (fields
/// may follow it; its comments are plain ones, which macro_rules cannot
/// tell from a field's). A second, unnamed `@rare { .. }` block at the end
/// puts more fields in the same side struct where they stand in the API,
/// after the plain fields that follow the first. Reading goes through
/// `Deref` (`spec.volumes` reads the
/// side struct, or an empty one); writing through `rare_mut()`. To
/// everything else the struct is as if declared flat: one schema and one
/// decoder over every field, and `Debug` and `PartialEq` see the fields in
/// declaration order whether the box is there or not (so digests do not
/// change).
macro_rules! api_struct_with_rare {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* $field:ident : $type:ty = $json:literal, )*
            @rare $rare:ident {
                $( $(#[$rare_field_meta:meta])* $rare_field:ident : $rare_type:ty = $rare_json:literal, )*
            }
            $( $(#[$after_meta:meta])* $after:ident : $after_type:ty = $after_json:literal, )*
            $( @rare {
                $( $(#[$tail_meta:meta])* $tail:ident : $tail_type:ty = $tail_json:literal, )*
            } )?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Default)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $type, )*
            $( $(#[$after_meta])* pub $after: $after_type, )*
            /// The rarely set fields; `None` while all of them are unset.
            pub rare: Option<Box<$rare>>,
        }

        #[doc = concat!("The rarely set fields of [`", stringify!($name), "`], boxed together.")]
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $rare {
            $( $(#[$rare_field_meta])* pub $rare_field: $rare_type, )*
            $( $( $(#[$tail_meta])* pub $tail: $tail_type, )* )?
        }

        impl $name {
            /// The rarely set fields, to write (boxed first if absent).
            pub fn rare_mut(&mut self) -> &mut $rare {
                self.rare.get_or_insert_with(Default::default)
            }
        }

        impl std::ops::Deref for $name {
            type Target = $rare;
            fn deref(&self) -> &$rare {
                static EMPTY: $rare = $rare {
                    $( $rare_field: <$rare_type as $crate::api::decode::ConstDefault>::DEFAULT, )*
                    $( $( $tail: <$tail_type as $crate::api::decode::ConstDefault>::DEFAULT, )* )?
                };
                self.rare.as_deref().unwrap_or(&EMPTY)
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                $( self.$field == other.$field && )* $( self.$after == other.$after && )* **self == **other
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let rare: &$rare = self;
                f.debug_struct(stringify!($name))
                    $( .field(stringify!($field), &self.$field) )*
                    $( .field(stringify!($rare_field), &rare.$rare_field) )*
                    $( .field(stringify!($after), &self.$after) )*
                    $( $( .field(stringify!($tail), &rare.$tail) )* )?
                    .finish()
            }
        }

        impl $crate::api::decode::FromYaml for $rare {
            fn from_yaml(value: &serde_yaml::Value) -> Self {
                $crate::api::decode::decode_fields!(
                    value, $( $rare_field = $rare_json, )* $( $( $tail = $tail_json ),* )?
                )
            }
        }

        impl $crate::api::decode::FromYaml for $name {
            fn from_yaml(value: &serde_yaml::Value) -> Self {
                let mut out: Self =
                    $crate::api::decode::decode_fields!(value, $( $field = $json, )* $( $after = $after_json ),*);
                let rare = <$rare as $crate::api::decode::FromYaml>::from_yaml(value);
                if rare != *out {
                    out.rare = Some(Box::new(rare));
                }
                out
            }
        }

        impl $crate::api::decode::HasSchema for $name {
            const SCHEMA: $crate::yaml::Schema = $crate::yaml::Schema::Struct(&$crate::yaml::StructSchema {
                name: stringify!($name),
                fields: &[
                    $( ($json, <$type as $crate::api::decode::HasSchema>::SCHEMA), )*
                    $( ($rare_json, <$rare_type as $crate::api::decode::HasSchema>::SCHEMA), )*
                    $( ($after_json, <$after_type as $crate::api::decode::HasSchema>::SCHEMA), )*
                    $( $( ($tail_json, <$tail_type as $crate::api::decode::HasSchema>::SCHEMA), )* )?
                ],
            });
        }

        impl $crate::api::encode::ToYaml for $name {
            fn to_yaml(&self) -> Option<serde_yaml::Value> {
                let rare: &$rare = self;
                let mut fields = serde_yaml::Mapping::new();
                $( $crate::api::encode::put_field(&mut fields, stringify!($name), $json, &self.$field); )*
                $( $crate::api::encode::put_field(&mut fields, stringify!($name), $rare_json, &rare.$rare_field); )*
                $( $crate::api::encode::put_field(&mut fields, stringify!($name), $after_json, &self.$after); )*
                $( $( $crate::api::encode::put_field(&mut fields, stringify!($name), $tail_json, &rare.$tail); )* )?
                Some(serde_yaml::Value::Mapping(fields))
            }
        }
    };
}

pub(crate) use api_struct_with_rare;

/// The empty value of a field type, as a constant (for the empty side
/// struct of [`api_struct_with_rare!`]).
pub trait ConstDefault {
    const DEFAULT: Self;
}

impl<T> ConstDefault for Option<T> {
    const DEFAULT: Self = None;
}

impl<T> ConstDefault for Vec<T> {
    const DEFAULT: Self = Vec::new();
}

impl<K, V> ConstDefault for BTreeMap<K, V> {
    const DEFAULT: Self = BTreeMap::new();
}

impl ConstDefault for String {
    const DEFAULT: Self = String::new();
}

/// Declares a status struct: set by the world, never read from a user's
/// YAML (the API server ignores `status` on create), so it decodes as its
/// default and its schema accepts anything. (Decoding it would also cost
/// bundle bytes for nothing.)
macro_rules! status_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* $field:ident : $type:ty = $json:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $type, )*
        }

        impl $crate::api::decode::FromYaml for $name {
            fn from_yaml(_: &serde_yaml::Value) -> Self {
                Self::default()
            }
        }

        impl $crate::api::decode::HasSchema for $name {
            const SCHEMA: $crate::yaml::Schema = $crate::yaml::Schema::Any;
        }

        impl $crate::api::decode::StatusFromYaml for $name {
            fn status_from_yaml(value: &serde_yaml::Value) -> Self {
                $crate::api::decode::decode_fields!(value, $( $field = $json ),*)
            }
        }

        $crate::api::encode::encode_struct!($name, $( $field = $json ),*);
    };
}

/// The full decoder of a status struct, for tests and tools that build
/// objects with a status from YAML (never the loader).
pub trait StatusFromYaml: Sized {
    fn status_from_yaml(value: &Value) -> Self;
}

/// Objects whose `status` the loader ignores but a test may want to set.
pub trait WithStatus {
    fn set_status_from_yaml(&mut self, status: &Value);
}

macro_rules! with_status {
    ($($type:ty),*) => {
        $(impl WithStatus for $type {
            fn set_status_from_yaml(&mut self, status: &Value) {
                self.status = StatusFromYaml::status_from_yaml(status);
            }
        })*
    };
}

with_status!(
    super::apps::Deployment,
    super::apps::ReplicaSet,
    super::core::Pod,
    super::autoscaling::HorizontalPodAutoscaler,
    super::policy::PodDisruptionBudget
);

/// Like [`from_yaml_str`], and also reads the `status` (tests and tools).
pub fn from_yaml_str_with_status<T: FromYaml + WithStatus>(text: &str) -> T {
    let value = serde_yaml::from_str::<Value>(text).unwrap_or(Value::Null);
    let mut object = T::from_yaml(&value);
    if let Some(status) = value.get("status") {
        object.set_status_from_yaml(status);
    }
    object
}

pub(crate) use status_struct;

/// The root struct of a kind, for the loader.
pub fn struct_schema<T: HasSchema>() -> &'static StructSchema {
    match T::SCHEMA {
        Schema::Struct(schema) => schema,
        _ => unreachable!("api_struct! always declares a struct"),
    }
}

// The value types decode through their own parsers (their serde impls),
// which the schema check has already run on these very values.

use super::intstr::IntOrString;
use super::quantity::Quantity;
use super::selector::{LabelSelector, LabelSelectorRequirement};
use serde::Deserialize;

impl FromYaml for Quantity {
    fn from_yaml(value: &Value) -> Self {
        Quantity::deserialize(untagged(value).clone()).unwrap_or_default()
    }
}

impl HasSchema for Quantity {
    const SCHEMA: Schema = Schema::Quantity;
}

impl FromYaml for IntOrString {
    fn from_yaml(value: &Value) -> Self {
        IntOrString::deserialize(untagged(value).clone()).unwrap_or(IntOrString::Int(0))
    }
}

impl HasSchema for IntOrString {
    const SCHEMA: Schema = Schema::IntOrString;
}

impl FromYaml for LabelSelector {
    fn from_yaml(value: &Value) -> Self {
        let Some(fields) = mapping(value) else { return LabelSelector::default() };
        let field = |name: &str| fields.get(name).unwrap_or(&Value::Null);
        LabelSelector {
            match_labels: FromYaml::from_yaml(field("matchLabels")),
            match_expressions: FromYaml::from_yaml(field("matchExpressions")),
        }
    }
}

impl HasSchema for LabelSelector {
    const SCHEMA: Schema = Schema::Struct(&StructSchema {
        name: "LabelSelector",
        fields: &[
            ("matchLabels", <BTreeMap<String, String> as HasSchema>::SCHEMA),
            ("matchExpressions", <Vec<LabelSelectorRequirement> as HasSchema>::SCHEMA),
        ],
    });
}

impl FromYaml for LabelSelectorRequirement {
    fn from_yaml(value: &Value) -> Self {
        let Some(fields) = mapping(value) else { return LabelSelectorRequirement::default() };
        let field = |name: &str| fields.get(name).unwrap_or(&Value::Null);
        LabelSelectorRequirement {
            key: FromYaml::from_yaml(field("key")),
            operator: FromYaml::from_yaml(field("operator")),
            values: FromYaml::from_yaml(field("values")),
        }
    }
}

impl HasSchema for LabelSelectorRequirement {
    const SCHEMA: Schema = Schema::Struct(&StructSchema {
        name: "LabelSelectorRequirement",
        fields: &[("key", Schema::Str), ("operator", Schema::Str), ("values", <Vec<String> as HasSchema>::SCHEMA)],
    });
}
