//! Field paths and field errors, rendered exactly as apimachinery's
//! `pkg/util/validation/field` renders them (Kubernetes >= 1.34: complex bad
//! values as JSON).

use std::collections::BTreeMap;
use std::fmt;

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathSegment {
    /// A struct field: `.name`.
    Field(String),
    /// A map key: `[key]`.
    Key(String),
    /// A list index: `[3]`.
    Index(usize),
}

/// A path to a field, like `spec.template.spec.containers[0].image`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath(pub Vec<PathSegment>);

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    /// `spec.strategy` style: dotted field names (no keys or indices).
    pub fn parse_dotted(path: &str) -> FieldPath {
        FieldPath(path.split('.').filter(|s| !s.is_empty()).map(|s| PathSegment::Field(s.to_string())).collect())
    }

    /// Reads back a rendered path: `spec.containers[0].env`,
    /// `metadata.labels[app.kubernetes.io/name]`. A bracket holding only
    /// digits is an index; any other bracket is a map key, taken verbatim.
    pub fn parse(path: &str) -> FieldPath {
        let mut segments = Vec::new();
        let mut rest = path;
        while !rest.is_empty() {
            if let Some(inner) = rest.strip_prefix('[') {
                let end = inner.find(']').unwrap_or(inner.len());
                let content = &inner[..end];
                segments.push(match content.parse::<usize>() {
                    Ok(index) if !content.is_empty() && content.bytes().all(|b| b.is_ascii_digit()) => {
                        PathSegment::Index(index)
                    }
                    _ => PathSegment::Key(content.to_string()),
                });
                rest = inner.get(end + 1..).unwrap_or("");
            } else {
                let rest_trimmed = rest.strip_prefix('.').unwrap_or(rest);
                let end = rest_trimmed.find(['.', '[']).unwrap_or(rest_trimmed.len());
                if end > 0 {
                    segments.push(PathSegment::Field(rest_trimmed[..end].to_string()));
                }
                rest = &rest_trimmed[end..];
            }
        }
        FieldPath(segments)
    }

    pub fn child(&self, name: &str) -> FieldPath {
        self.with(PathSegment::Field(name.to_string()))
    }

    pub fn key(&self, key: &str) -> FieldPath {
        self.with(PathSegment::Key(key.to_string()))
    }

    pub fn index(&self, index: usize) -> FieldPath {
        self.with(PathSegment::Index(index))
    }

    fn with(&self, segment: PathSegment) -> FieldPath {
        let mut segments = self.0.clone();
        segments.push(segment);
        FieldPath(segments)
    }

    pub fn parent(&self) -> FieldPath {
        FieldPath(self.0[..self.0.len().saturating_sub(1)].to_vec())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Field(name) if i == 0 => f.write_str(name)?,
                PathSegment::Field(name) => write!(f, ".{name}")?,
                PathSegment::Key(key) => write!(f, "[{key}]")?,
                PathSegment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// apimachinery's `field.ErrorType`, by the words it prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorType {
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::Internal => "Internal error",
        }
    }
}

/// The offending value, as Go's `field.Error.ErrorBody` prints it: numbers
/// and booleans plainly, strings `%q`-quoted, anything else as JSON.
#[derive(Clone, Debug, PartialEq)]
pub enum BadValue {
    Int(i64),
    Bool(bool),
    Str(String),
    /// Already rendered JSON (maps, lists, IntOrString, selectors...).
    Json(String),
}

impl BadValue {
    /// A `map[string]string` as `encoding/json` marshals it (keys sorted).
    pub fn string_map(map: &BTreeMap<String, String>) -> BadValue {
        let entries: Vec<String> = map.iter().map(|(k, v)| format!("{}:{}", json_quote(k), json_quote(v))).collect();
        BadValue::Json(format!("{{{}}}", entries.join(",")))
    }
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Int(value) => write!(f, "{value}"),
            BadValue::Bool(value) => write!(f, "{value}"),
            BadValue::Str(value) => f.write_str(&go_quote(value)),
            BadValue::Json(json) => f.write_str(json),
        }
    }
}

/// A string as `encoding/json` writes it (HTML-safe escaping included).
pub fn json_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string as Go's `%q` quotes it.
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One field-level validation error.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub error_type: ErrorType,
    pub path: FieldPath,
    pub value: Option<BadValue>,
    pub detail: String,
    /// The node to point the user at, when it is more precise than `path`
    /// (upstream reports a bad label value at `labels`; the editor marks the
    /// value itself). Not part of the message.
    pub node: Option<FieldPath>,
}

impl FieldError {
    pub fn required(path: FieldPath, detail: impl Into<String>) -> FieldError {
        FieldError { error_type: ErrorType::Required, path, value: None, detail: detail.into(), node: None }
    }

    pub fn invalid(path: FieldPath, value: BadValue, detail: impl Into<String>) -> FieldError {
        FieldError { error_type: ErrorType::Invalid, path, value: Some(value), detail: detail.into(), node: None }
    }

    pub fn forbidden(path: FieldPath, detail: impl Into<String>) -> FieldError {
        FieldError { error_type: ErrorType::Forbidden, path, value: None, detail: detail.into(), node: None }
    }

    pub fn duplicate(path: FieldPath, value: BadValue) -> FieldError {
        FieldError { error_type: ErrorType::Duplicate, path, value: Some(value), detail: String::new(), node: None }
    }

    /// `Unsupported value: "Never": supported values: "Always"`.
    pub fn not_supported(path: FieldPath, value: BadValue, supported: &[&str]) -> FieldError {
        let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        let detail = if quoted.is_empty() { String::new() } else { format!("supported values: {}", quoted.join(", ")) };
        FieldError { error_type: ErrorType::NotSupported, path, value: Some(value), detail, node: None }
    }

    /// `Too long: may not be more than 63 bytes` (the value is never shown).
    pub fn too_long(path: FieldPath, max_bytes: usize) -> FieldError {
        let unit = if max_bytes == 1 { "byte" } else { "bytes" };
        FieldError {
            error_type: ErrorType::TooLong,
            path,
            value: None,
            detail: format!("may not be more than {max_bytes} {unit}"),
            node: None,
        }
    }

    /// Points the user at `node` instead of `path`.
    pub fn at(mut self, node: FieldPath) -> FieldError {
        self.node = Some(node);
        self
    }

    /// The part after the field path: `Invalid value: 0: may not be 0 ...`.
    pub fn body(&self) -> String {
        let mut body = self.error_type.as_str().to_string();
        let shows_value = !matches!(
            self.error_type,
            ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong | ErrorType::Internal
        );
        if shows_value && let Some(value) = &self.value {
            body.push_str(&format!(": {value}"));
        }
        if !self.detail.is_empty() {
            body.push_str(": ");
            body.push_str(&self.detail);
        }
        body
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_field_path() {
        let path = FieldPath::root().child("spec").child("containers").index(0).child("image");
        assert_eq!(path.to_string(), "spec.containers[0].image");
        assert_eq!(FieldPath::root().child("metadata").child("labels").key("app").to_string(), "metadata.labels[app]");
        assert_eq!(path.parent().to_string(), "spec.containers[0]");
        assert_eq!(FieldPath::parse_dotted("spec.replicas"), FieldPath::root().child("spec").child("replicas"));
        for rendered in ["spec.containers[0].image", "metadata.labels[app.kubernetes.io/name]", "spec.a[1][x].b", "x"] {
            assert_eq!(FieldPath::parse(rendered).to_string(), rendered);
        }
        assert_eq!(FieldPath::parse("a[12]").0[1], PathSegment::Index(12));
        assert_eq!(FieldPath::parse(""), FieldPath::root());
    }

    #[test]
    fn errors_render_like_error_body() {
        let spec = FieldPath::parse_dotted("spec");
        let cases = [
            (
                FieldError::invalid(
                    spec.child("strategy").child("rollingUpdate").child("maxUnavailable"),
                    BadValue::Int(0),
                    "may not be 0 when `maxSurge` is 0",
                ),
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
            ),
            (FieldError::required(spec.child("selector"), ""), "spec.selector: Required value"),
            (
                FieldError::not_supported(spec.child("restartPolicy"), BadValue::Str("Never".into()), &["Always"]),
                "spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            ),
            (
                FieldError::forbidden(
                    spec.child("activeDeadlineSeconds"),
                    "activeDeadlineSeconds in ReplicaSet is not Supported",
                ),
                "spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
            ),
            (
                FieldError::invalid(
                    spec.child("labels"),
                    BadValue::string_map(&[("app".to_string(), "web2".to_string())].into()),
                    "`selector` does not match template `labels`",
                ),
                "spec.labels: Invalid value: {\"app\":\"web2\"}: `selector` does not match template `labels`",
            ),
            (FieldError::too_long(spec.child("name"), 63), "spec.name: Too long: may not be more than 63 bytes"),
            (FieldError::duplicate(spec.child("ports"), BadValue::Int(80)), "spec.ports: Duplicate value: 80"),
        ];
        for (error, expected) in cases {
            assert_eq!(error.to_string(), expected);
        }
    }

    #[test]
    fn go_quoting() {
        assert_eq!(go_quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(go_quote("25%"), "\"25%\"");
    }
}
