//! Reading the user's YAML as `kubectl apply -f` and the API server would:
//! a stream of documents, each checked for its kind, unknown fields, types,
//! then defaulted and validated. Every finding is a [`Diagnostic`] at the
//! line and column of the node it is about; nothing here panics.

mod fields;
mod kinds;
pub mod suggest;

use crate::api::kind_schema;
use crate::api::{Object, apps, core};
use crate::validation::field::{FieldError, FieldPath, PathSegment};
use crate::yaml::{Locator, Target, locate};
use crate::{Diagnostic, MAX_SIMULATED_PODS, Position};
use kinds::{KindCheck, check_kind, supported_kinds};
use serde::Deserialize;
use serde_yaml::Value;
use std::cell::OnceCell;

pub use fields::{FieldFinding, check_fields};

/// The most text the playground reads at once.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;
/// The most documents in one text.
pub const MAX_DOCUMENTS: usize = 1000;
/// Past this many diagnostics the rest are summarised in one line.
pub const MAX_DIAGNOSTICS: usize = 200;

/// An object read from the text, with the index of its document
/// (`yaml::Locator` finds where that is when a caller needs it).
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedObject {
    pub object: Object,
    pub document: usize,
    /// The document as written, before defaults: what `kubectl apply`
    /// records as the last-applied configuration and merges from.
    pub applied: Value,
}

/// Everything read from one YAML text: the objects that are valid, and the
/// diagnostics (an invalid object is reported and left out, as the API
/// server would refuse it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Manifests {
    pub objects: Vec<LoadedObject>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Manifests {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == crate::Severity::Error)
    }

    pub fn deployments(&self) -> impl Iterator<Item = &apps::Deployment> {
        self.objects.iter().filter_map(|loaded| match &loaded.object {
            Object::Deployment(deployment) => Some(deployment),
            _ => None,
        })
    }

    pub fn services(&self) -> impl Iterator<Item = &core::Service> {
        self.objects.iter().filter_map(|loaded| match &loaded.object {
            Object::Service(service) => Some(service),
            _ => None,
        })
    }
}

/// Reads a `---`-separated stream of documents.
pub fn parse_manifests(text: &str) -> Manifests {
    let mut reader = Reader { text, out: Manifests::default(), pods: 0, locator: OnceCell::new() };
    if text.len() > MAX_TEXT_BYTES {
        // Tenths of a MiB, in integers (float formatting costs bundle bytes).
        let tenths = (text.len() * 10 + 512 * 1024) / (1024 * 1024);
        reader.error(
            Position::START,
            format!(
                "the text is {}.{} MiB; the playground reads at most {} MiB at once",
                tenths / 10,
                tenths % 10,
                MAX_TEXT_BYTES / (1024 * 1024)
            ),
        );
        return reader.out;
    }
    for (index, document) in serde_yaml::Deserializer::from_str(text).enumerate() {
        if index == MAX_DOCUMENTS {
            let at = reader.document_position(index);
            reader.error(
                at,
                format!("more than {MAX_DOCUMENTS} documents; the playground reads at most {MAX_DOCUMENTS}"),
            );
            break;
        }
        match Value::deserialize(document) {
            Ok(value) => reader.document(index, value),
            Err(error) => {
                // libyaml cannot resynchronise after a syntax error, so the
                // rest of the stream is not read.
                let mut diagnostic = diagnostic_from_yaml_error(&error);
                if let Some(position) = duplicate_key_position(text, index, &diagnostic.message) {
                    diagnostic.position = position;
                }
                reader.out.diagnostics.push(diagnostic);
                break;
            }
        }
        if reader.out.diagnostics.len() >= MAX_DIAGNOSTICS {
            break;
        }
    }
    reader.finish()
}

struct Reader<'a> {
    text: &'a str,
    out: Manifests,
    /// Pods asked for so far (replicas of workloads plus bare pods).
    pods: i64,
    /// Made on the first diagnostic: a clean text is parsed only once.
    locator: OnceCell<Locator<'a>>,
}

impl<'a> Reader<'a> {
    fn error(&mut self, position: Position, message: String) {
        self.out.diagnostics.push(Diagnostic::error(position, message));
    }

    fn warning(&mut self, position: Position, message: String) {
        self.out.diagnostics.push(Diagnostic::warning(position, message));
    }

    fn locator(&self) -> &Locator<'a> {
        self.locator.get_or_init(|| Locator::new(self.text))
    }

    fn locate(&self, index: usize, path: &FieldPath, target: Target) -> Option<Position> {
        self.locator().locate(index, path, target)
    }

    fn document_position(&self, index: usize) -> Position {
        self.locator().root(index).unwrap_or(Position::START)
    }

    /// The position of `path`, or of its nearest ancestor that exists (a
    /// missing field is reported at the key of the mapping it belongs in).
    fn position_of(&self, index: usize, path: &FieldPath) -> Position {
        if let Some(position) = self.locate(index, path, Target::Value) {
            return position;
        }
        // Upstream names a template's labels `spec.template.labels`; in the
        // YAML they sit under `spec.template.metadata`.
        if let Some(at) = path.0.iter().position(|s| matches!(s, PathSegment::Field(f) if f == "template"))
            && matches!(path.0.get(at + 1), Some(PathSegment::Field(f)) if f == "labels" || f == "annotations")
        {
            let mut in_metadata = path.clone();
            in_metadata.0.insert(at + 1, PathSegment::Field("metadata".to_string()));
            if let Some(position) = self.locate(index, &in_metadata, Target::Value) {
                return position;
            }
        }
        let mut ancestor = path.parent();
        while !ancestor.is_root() {
            if let Some(position) = self.locate(index, &ancestor, Target::Key) {
                return position;
            }
            ancestor = ancestor.parent();
        }
        self.document_position(index)
    }

    fn document(&mut self, index: usize, value: Value) {
        let mapping = match &value {
            Value::Null => return, // an empty document, as between two `---`
            Value::Mapping(mapping) => mapping,
            other => {
                let found = match other {
                    Value::Sequence(_) => "a list",
                    Value::Tagged(_) => "a tagged value",
                    _ => "a scalar",
                };
                let at = self.document_position(index);
                self.error(
                    at,
                    format!("expected a Kubernetes object (a mapping with apiVersion and kind), found {found}"),
                );
                return;
            }
        };
        let field = |name: &str| mapping.get(name).and_then(Value::as_str).unwrap_or_default();
        let (api_version, kind) = (field("apiVersion"), field("kind"));
        let missing: Vec<&str> = [("apiVersion", api_version), ("kind", kind)]
            .iter()
            .filter(|(_, value)| value.is_empty())
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            // kubectl's client-side validation words.
            let message = missing.iter().map(|name| format!("{name} not set")).collect::<Vec<_>>().join(", ");
            let at = self.document_position(index);
            self.error(at, format!("error validating data: [{message}]"));
            return;
        }
        match check_kind(api_version, kind) {
            KindCheck::Simulated => {}
            KindCheck::NoMatch { suggestion } => {
                let at = self.position_of(index, &FieldPath::parse_dotted("kind"));
                let hint = suggestion.map(|s| format!(" (did you mean \"{s}\"?)")).unwrap_or_default();
                self.error(at, format!("no matches for kind \"{kind}\" in version \"{api_version}\"{hint}"));
                return;
            }
            KindCheck::NotSimulated => {
                let at = self.position_of(index, &FieldPath::parse_dotted("kind"));
                self.warning(
                    at,
                    format!(
                        "{kind} ({api_version}) is not simulated by the playground, so this document is skipped; \
                         the playground simulates {}",
                        supported_kinds()
                    ),
                );
                return;
            }
        }
        // The Go package of the kind's version: apps/v1 -> v1.
        let version = api_version.rsplit('/').next().unwrap_or(api_version).to_string();
        let mut wrong_types = false;
        let Some(schema) = kind_schema(kind) else { return };
        for finding in check_fields(&value, schema, &version) {
            match &finding {
                FieldFinding::Unknown { path, .. } => {
                    if let Some(at) = self.locate(index, path, Target::Key) {
                        self.warning(at, finding.message());
                    }
                }
                FieldFinding::WrongType { path, .. } => {
                    wrong_types = true;
                    let at = self.position_of(index, path);
                    self.error(at, cannot_be_handled(kind, &version, &finding.message()));
                }
            }
        }
        if wrong_types {
            return;
        }
        let name = mapping.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or("");
        let (name, kind) = (name.to_string(), kind.to_string());
        let kind = kind.as_str();
        let Some(mut object) = crate::api::decode_object(kind, &value) else { return };
        let applied = value.clone();
        if let Some((path, error)) = undecodable_bytes(&object) {
            let at = self.position_of(index, &path);
            self.error(at, cannot_be_handled(kind, &version, &error));
            return;
        }
        crate::defaults::apply(&mut object);
        let errors = crate::validation::validate(&object);
        if !errors.is_empty() {
            for error in errors {
                let at = self.position_of(index, error.node.as_ref().unwrap_or(&error.path));
                self.error(at, invalid_message(kind, &name, &error));
            }
            return;
        }
        if !self.within_pod_budget(index, &object) {
            return;
        }
        self.out.objects.push(LoadedObject { object, document: index, applied });
    }

    /// Refuses the object that would take the playground past its pod limit.
    fn within_pod_budget(&mut self, index: usize, object: &Object) -> bool {
        let (pods, path) = match object {
            Object::Deployment(d) => (d.spec.replicas.unwrap_or(1), "spec.replicas"),
            Object::ReplicaSet(rs) => (rs.spec.replicas.unwrap_or(1), "spec.replicas"),
            Object::Pod(_) => (1, "metadata.name"),
            _ => return true,
        };
        self.pods += i64::from(pods);
        if self.pods <= MAX_SIMULATED_PODS {
            return true;
        }
        let at = self.position_of(index, &FieldPath::parse_dotted(path));
        self.error(
            at,
            format!(
                "these manifests ask for {} pods; the playground simulates at most {MAX_SIMULATED_PODS}",
                self.pods
            ),
        );
        false
    }

    fn finish(mut self) -> Manifests {
        if self.out.diagnostics.len() >= MAX_DIAGNOSTICS {
            self.out.diagnostics.truncate(MAX_DIAGNOSTICS);
            let last = self.out.diagnostics.last().map_or(Position::START, |d| d.position);
            self.out
                .diagnostics
                .push(Diagnostic::error(last, format!("too many problems: stopped after the first {MAX_DIAGNOSTICS}")));
        }
        self.out
    }
}

fn diagnostic_from_yaml_error(error: &serde_yaml::Error) -> Diagnostic {
    let position = error
        .location()
        .map(|mark| Position { line: mark.line() as u32, column: mark.column() as u32 })
        .unwrap_or(Position::START);
    Diagnostic::error(position, strip_location(&error.to_string(), position))
}

/// serde_yaml reports a duplicate key at the start of its mapping; point at
/// the repeated key instead. Its message reads `PATH: duplicate entry with
/// key "K"` (no path at the top level).
fn duplicate_key_position(text: &str, index: usize, message: &str) -> Option<Position> {
    const MARKER: &str = "duplicate entry with key \"";
    let at = message.find(MARKER)?;
    let key = message[at + MARKER.len()..].strip_suffix('"')?;
    let parent = message[..at].strip_suffix(": ").map(FieldPath::parse).unwrap_or_default();
    locate(text, index, &parent.child(key), Target::DuplicateKey)
}

/// serde_yaml appends " at line L column C" to its messages; the diagnostic
/// carries the position already, so the message should not repeat it.
fn strip_location(message: &str, position: Position) -> String {
    let suffix = format!(" at line {} column {}", position.line, position.column);
    match message.find(&suffix) {
        Some(at) => format!("{}{}", &message[..at], &message[at + suffix.len()..]),
        None => message.to_string(),
    }
}

/// Secret `data` and ConfigMap `binaryData` are `[]byte` in the API: the
/// server decodes their base64 while reading the request, before any
/// validation, and refuses the whole object at the first bad value.
fn undecodable_bytes(object: &Object) -> Option<(FieldPath, String)> {
    let (field, values) = match object {
        Object::Secret(secret) => ("data", &secret.data),
        Object::ConfigMap(config_map) => ("binaryData", &config_map.binary_data),
        _ => return None,
    };
    values.iter().find_map(|(key, value)| {
        let error = crate::api::base64::decode(value).err()?;
        Some((FieldPath::root().child(field).key(key), error))
    })
}

/// The API server's refusal of a body it cannot decode.
fn cannot_be_handled(kind: &str, version: &str, detail: &str) -> String {
    format!("{kind} in version \"{version}\" cannot be handled as a {kind}: {detail}")
}

/// Renders a field error the way `kubectl apply` shows the API server's
/// refusal, for callers that have only the error.
pub fn invalid_message(kind: &str, name: &str, error: &FieldError) -> String {
    format!("The {kind} {} is invalid: {error}", crate::validation::field::go_quote(name))
}

#[cfg(test)]
mod tests;
