//! Reading the user's YAML: a stream of Kubernetes documents.
//!
//! This is the thin first slice: it reads every document, reports YAML syntax
//! and type errors at their line and column, and extracts what the first page
//! draws (Deployments with their desired replicas, Services). Full defaulting
//! and API-server validation build on it.

use crate::{Diagnostic, MAX_SIMULATED_PODS, Position};
use serde::{Deserialize, Deserializer};

/// What the page needs to know about a Deployment in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentSummary {
    pub name: String,
    /// `spec.replicas` after defaulting (the API server defaults it to 1).
    pub replicas: i32,
    /// The first container's image, if any.
    pub image: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceSummary {
    pub name: String,
}

/// Everything read from one YAML text: the objects and the diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifests {
    pub deployments: Vec<DeploymentSummary>,
    pub services: Vec<ServiceSummary>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Manifests {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == crate::Severity::Error)
    }
}

/// Reads a `---`-separated stream of documents, as `kubectl apply -f` takes it.
/// Never panics: every problem becomes a [`Diagnostic`].
pub fn parse_manifests(text: &str) -> Manifests {
    let mut out = Manifests::default();
    for (index, document) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value = match serde_yaml::Value::deserialize(document) {
            Ok(value) => value,
            Err(error) => {
                // After a syntax error libyaml cannot resynchronise, so the
                // rest of the stream is not read.
                out.diagnostics.push(diagnostic_from_yaml_error(&error));
                break;
            }
        };
        read_document(text, index, value, &mut out);
    }
    out
}

fn read_document(text: &str, index: usize, value: serde_yaml::Value, out: &mut Manifests) {
    let kind = value.get("kind").and_then(|kind| kind.as_str()).unwrap_or_default();
    match kind {
        "Deployment" => {
            if let Some(doc) = typed_document::<DeploymentDocument>(text, index, value, out) {
                out.deployments.push(DeploymentSummary {
                    name: doc.metadata.name.unwrap_or_default(),
                    replicas: doc.spec.replicas.map_or(1, |replicas| replicas.0),
                    image: doc.spec.template.spec.containers.into_iter().find_map(|c| c.image),
                });
            }
        }
        "Service" => {
            if let Some(doc) = typed_document::<ServiceDocument>(text, index, value, out) {
                out.services.push(ServiceSummary { name: doc.metadata.name.unwrap_or_default() });
            }
        }
        _ => {}
    }
}

/// Converts an already-read document to its typed form. The conversion from a
/// `Value` is fast but forgets positions, so on failure the document is read
/// again straight from the text, which reports where the bad node is.
fn typed_document<T: for<'de> Deserialize<'de>>(
    text: &str,
    index: usize,
    value: serde_yaml::Value,
    out: &mut Manifests,
) -> Option<T> {
    if let Ok(typed) = serde_yaml::from_value::<T>(value) {
        return Some(typed);
    }
    let document = serde_yaml::Deserializer::from_str(text).nth(index)?;
    match T::deserialize(document) {
        Ok(typed) => Some(typed),
        Err(error) => {
            out.diagnostics.push(diagnostic_from_yaml_error(&error));
            None
        }
    }
}

fn diagnostic_from_yaml_error(error: &serde_yaml::Error) -> Diagnostic {
    let position = error
        .location()
        .map(|mark| Position { line: mark.line() as u32, column: mark.column() as u32 })
        .unwrap_or(Position::START);
    Diagnostic::error(position, strip_location(&error.to_string(), position))
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

#[derive(Deserialize, Default)]
#[serde(default)]
struct ObjectMeta {
    name: Option<String>,
}

#[derive(Deserialize)]
struct DeploymentDocument {
    #[serde(default)]
    metadata: ObjectMeta,
    #[serde(default)]
    spec: DeploymentSpec,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeploymentSpec {
    replicas: Option<Replicas>,
    template: PodTemplate,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PodTemplate {
    spec: PodSpec,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PodSpec {
    containers: Vec<Container>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Container {
    image: Option<String>,
}

#[derive(Deserialize)]
struct ServiceDocument {
    #[serde(default)]
    metadata: ObjectMeta,
}

/// `spec.replicas`, checked inside the visitor: serde_yaml locates an error
/// raised there at the scalar itself (raised after `deserialize` returns, it
/// would point at the parent key).
struct Replicas(i32);

impl<'de> Deserialize<'de> for Replicas {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_i64(ReplicasVisitor)
    }
}

struct ReplicasVisitor;

impl serde::de::Visitor<'_> for ReplicasVisitor {
    type Value = Replicas;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: serde::de::Error>(self, replicas: i64) -> Result<Replicas, E> {
        if replicas < 0 {
            return Err(E::custom(format!("Invalid value: {replicas}: must be greater than or equal to 0")));
        }
        if replicas > MAX_SIMULATED_PODS {
            return Err(E::custom(format!(
                "Invalid value: {replicas}: the playground simulates at most {MAX_SIMULATED_PODS} pods"
            )));
        }
        Ok(Replicas(replicas as i32))
    }

    fn visit_u64<E: serde::de::Error>(self, replicas: u64) -> Result<Replicas, E> {
        self.visit_i64(i64::try_from(replicas).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests;
