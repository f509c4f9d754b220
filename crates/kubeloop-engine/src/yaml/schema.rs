//! The shape of every kind: its fields, and the JSON type each leaf wants.
//!
//! The tables are `const`s written by `api_struct!` beside each API struct
//! (see `api::decode`), so they never drift from what is decoded.

/// A node of a kind's shape.
#[derive(Debug, PartialEq, Eq)]
pub enum Schema {
    /// Anything goes (free-form values).
    Any,
    Str,
    /// An integer of this Go type (`int32`, `int64`).
    Int(&'static str),
    Bool,
    /// A `resource.Quantity`: a string or a number in quantity syntax.
    Quantity,
    /// An `intstr.IntOrString`.
    IntOrString,
    Struct(&'static StructSchema),
    Seq(&'static Schema),
    /// A map with free-form keys (labels, data, resources).
    Map(&'static Schema),
}

/// A struct: its Go name and its fields (in declaration order).
#[derive(Debug, PartialEq, Eq)]
pub struct StructSchema {
    pub name: &'static str,
    pub fields: &'static [(&'static str, Schema)],
}

impl StructSchema {
    pub fn field(&self, name: &str) -> Option<&'static Schema> {
        self.fields.iter().find(|(field, _)| *field == name).map(|(_, schema)| schema)
    }

    pub fn field_names(&self) -> impl Iterator<Item = &'static str> {
        self.fields.iter().map(|(name, _)| *name)
    }
}

impl Schema {
    /// Go's name for the type, as `encoding/json` prints it in errors
    /// (`package` is the API version's package, e.g. `v1`).
    pub fn go_type(&self, package: &str) -> String {
        match self {
            Schema::Any => "interface {}".to_string(),
            Schema::Str => "string".to_string(),
            Schema::Int(name) => (*name).to_string(),
            Schema::Bool => "bool".to_string(),
            Schema::Quantity => "resource.Quantity".to_string(),
            Schema::IntOrString => "intstr.IntOrString".to_string(),
            Schema::Struct(schema) => format!("{package}.{}", schema.name),
            Schema::Seq(item) => format!("[]{}", item.go_type(package)),
            Schema::Map(value) => format!("map[string]{}", value.go_type(package)),
        }
    }
}
