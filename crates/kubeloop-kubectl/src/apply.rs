//! `kubectl apply -f` as client-side apply does it: a new object is created
//! with the manifest recorded in the `kubectl.kubernetes.io/last-applied-
//! configuration` annotation; an existing one is patched by a three-way
//! merge of that record, the new manifest and the live object, so fields
//! the manifest never named (replicas a `kubectl scale` or an HPA set, a
//! Service's cluster IP) stay as they are, and fields the previous
//! manifest named but this one drops are removed.
//!
//! The merge follows strategic merge patch for the lists Kubernetes merges
//! by key (containers and env by name, volume mounts by path, ports by
//! number, ...); every other list is replaced whole.

use crate::printers::yaml::to_json_compact;
use crate::session::Answer;
use kubeloop_engine::api::Object;
use kubeloop_engine::api::encode::object_to_value;
use kubeloop_engine::api::merge::merge_key;
use kubeloop_engine::controller::deployment::util::LAST_APPLIED_ANNOTATION;
use kubeloop_engine::world::history::{History, Input};
use kubeloop_engine::world::store::{Key, Store};
use kubeloop_engine::{Severity, parse_manifests};
use serde_yaml::{Mapping, Value};

/// Three-way merge of one value: `live` patched with what changed from
/// `last` (the previous manifest) to `new` (this one).
fn merge(field: &str, live: Option<&Value>, last: Option<&Value>, new: &Value) -> Value {
    match (live, new) {
        (Some(Value::Mapping(live)), Value::Mapping(new)) => {
            let last = last.and_then(Value::as_mapping);
            Value::Mapping(merge_maps(live, last, new))
        }
        (Some(Value::Sequence(live)), Value::Sequence(new_items)) => match merge_key(field, new_items) {
            Some(key) => {
                let last_items = last.and_then(Value::as_sequence).map_or(&[][..], Vec::as_slice);
                Value::Sequence(merge_lists(field, key, live, last_items, new_items))
            }
            None => new.clone(),
        },
        _ => new.clone(),
    }
}

fn merge_maps(live: &Mapping, last: Option<&Mapping>, new: &Mapping) -> Mapping {
    let mut merged = live.clone();
    // Named before, dropped now: the manifest's author removed it.
    if let Some(last) = last {
        for key in last.keys().filter(|key| !new.contains_key(*key)) {
            merged.remove(key);
        }
    }
    for (key, value) in new {
        if value.is_null() {
            merged.remove(key);
            continue;
        }
        let field = key.as_str().unwrap_or("");
        let merged_value = merge(field, live.get(key), last.and_then(|last| last.get(key)), value);
        merged.insert(key.clone(), merged_value);
    }
    merged
}

fn merge_lists(field: &str, key: &str, live: &[Value], last: &[Value], new: &[Value]) -> Vec<Value> {
    let id = |item: &Value| item.get(key).cloned();
    let named = |items: &[Value], wanted: &Option<Value>| items.iter().find(|item| id(item) == *wanted).cloned();
    let mut merged: Vec<Value> = Vec::new();
    // This manifest's items, in its order, each merged with its live self.
    for item in new {
        let wanted = id(item);
        let live_item = named(live, &wanted);
        let last_item = named(last, &wanted);
        merged.push(merge(field, live_item.as_ref(), last_item.as_ref(), item));
    }
    // Items only the live object has, that no manifest of ours named.
    for item in live {
        let wanted = id(item);
        let ours = new.iter().any(|n| id(n) == wanted) || last.iter().any(|l| id(l) == wanted);
        if !ours {
            merged.push(item.clone());
        }
    }
    merged
}

/// The manifest as recorded: its JSON on one line, and a newline.
fn record(applied: &Value) -> String {
    let mut applied = applied.clone();
    if let Some(annotations) =
        applied.get_mut("metadata").and_then(|m| m.get_mut("annotations")).and_then(Value::as_mapping_mut)
    {
        annotations.remove(LAST_APPLIED_ANNOTATION);
    }
    format!("{}\n", to_json_compact(&applied))
}

fn with_record(mut object: Object, applied: &Value) -> Object {
    object.metadata_mut().annotations.insert(LAST_APPLIED_ANNOTATION.to_string(), record(applied));
    object
}

/// What apply writes for one document: the object to create, or the live
/// one patched; `None` when nothing would change.
fn patched(store: &Store, live: Option<&Object>, manifest: Object, applied: &Value) -> Result<Option<Object>, String> {
    let Some(live) = live else { return Ok(Some(with_record(manifest, applied))) };
    let live_value = object_to_value(live);
    let last: Option<Value> = live
        .metadata()
        .annotations
        .get(LAST_APPLIED_ANNOTATION)
        .and_then(|text| serde_yaml::from_str::<Value>(text).ok());
    let merged = merge("", Some(&live_value), last.as_ref(), applied);
    // The merged document is read, defaulted and validated as the API
    // server reads an update.
    let text = serde_yaml::to_string(&merged).map_err(|error| error.to_string())?;
    let manifests = parse_manifests(&text);
    if let Some(error) = manifests.diagnostics.iter().find(|d| d.severity == Severity::Error) {
        return Err(error.message.clone());
    }
    let Some(loaded) = manifests.objects.into_iter().next() else { return Err("the merged object is empty".into()) };
    // What the API server would store (or nothing to store: unchanged).
    store.updated(with_record(loaded.object, applied)).map_err(|error| error.to_string())
}

/// `kubectl apply -f FILE` or `-f -` (a heredoc).
pub fn apply(history: &mut History, text: &str) -> Answer {
    let manifests = parse_manifests(text);
    let mut output = String::new();
    let mut ok = true;
    for diagnostic in manifests.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        output.push_str(&format!("error: {}\n", diagnostic.message));
        ok = false;
    }
    let mut writes = Vec::new();
    for loaded in manifests.objects {
        let key = Key::of(&loaded.object);
        let live = history.world().store().get(&key).cloned();
        let name = crate::resources::object_name_of(key.kind, &key.name);
        match patched(history.world().store(), live.as_ref(), loaded.object, &loaded.applied) {
            Ok(Some(object)) => {
                let verb = if live.is_some() { "configured" } else { "created" };
                output.push_str(&format!("{name} {verb}\n"));
                writes.push(object);
            }
            Ok(None) => output.push_str(&format!("{name} unchanged\n")),
            Err(error) => {
                output.push_str(&format!("error: {error}\n"));
                ok = false;
            }
        }
    }
    if !writes.is_empty() {
        history.input(Input::Apply(writes));
        history.settle();
    }
    Answer { output, ok }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("yaml")
    }

    #[test]
    fn three_way_merge_keeps_what_others_set_and_drops_what_the_author_dropped() {
        let live = yaml(
            "spec:\n  replicas: 5\n  paused: true\n  template:\n    spec:\n      containers:\n      - {name: web, image: a, env: [{name: X, value: '1'}, {name: FROM_CLI, value: '2'}]}\n      - {name: sidecar, image: s}\n",
        );
        let last = yaml(
            "spec:\n  paused: true\n  template:\n    spec:\n      containers:\n      - {name: web, image: a, env: [{name: X, value: '1'}]}\n      - {name: sidecar, image: s}\n",
        );
        let new = yaml(
            "spec:\n  template:\n    spec:\n      containers:\n      - {name: web, image: b, env: [{name: X, value: '3'}]}\n",
        );
        let merged = merge("", Some(&live), Some(&last), &new);
        // replicas came from elsewhere: kept; paused was the author's and is gone.
        assert_eq!(merged["spec"]["replicas"], Value::from(5));
        assert!(merged["spec"].get("paused").is_none());
        let containers = merged["spec"]["template"]["spec"]["containers"].as_sequence().expect("list");
        // The sidecar was the author's and is gone; web merged by name.
        assert_eq!(containers.len(), 1);
        assert_eq!(containers[0]["image"], Value::from("b"));
        let env = containers[0]["env"].as_sequence().expect("env");
        assert_eq!(env.len(), 2, "{env:?}");
        assert_eq!((env[0]["name"].as_str(), env[0]["value"].as_str()), (Some("X"), Some("3")));
        assert_eq!(env[1]["name"].as_str(), Some("FROM_CLI"));
    }

    #[test]
    fn lists_without_a_merge_key_are_replaced() {
        let live = yaml("args: [a, b]\n");
        let merged = merge("", Some(&live), None, &yaml("args: [c]\n"));
        assert_eq!(merged["args"], yaml("[c]"));
    }
}
