//! What an apply would do, said before it happens: one plain sentence per
//! consequence, for the editor's change summary.
//!
//! The prediction follows `kubectl apply`'s client-side merge: a field the
//! manifest names takes the manifest's value; a field it does not name
//! keeps the live value (a Service's cluster IP, replicas a `kubectl scale`
//! set), unless the previous manifest (the last-applied annotation) named
//! it, in which case it goes. A Deployment rolls out a new ReplicaSet
//! exactly when its pod template changes, decided as the deployment
//! controller decides it (`EqualIgnoreHash`, the comparison behind the
//! `pod-template-hash`); the sentence names the changed template fields by
//! their JSON path. Lists Kubernetes merges by key (containers and env by
//! name, ports by number: `api::merge`) pair their items by key, as the
//! apply will, so reordering containers changes nothing and a removed one
//! is named; a path's index is the item's place in the new list (the live
//! one for a removed item). Other lists compare by position.

use super::World;
use super::store::Key;
use crate::Manifests;
use crate::api::Object;
use crate::api::apps::{Deployment, ReplicaSet};
use crate::api::encode::object_to_value;
use crate::api::merge::merge_key;
use crate::controller::deployment::util::{LAST_APPLIED_ANNOTATION, equal_ignore_hash, find_new_replica_set};
use serde_yaml::Value;

/// At most this many changed fields are named in one sentence.
const MAX_FIELDS: usize = 4;

/// One sentence per consequence of applying `manifests` to `world`, in the
/// manifests' order. Invalid documents are not in `manifests.objects` and
/// so say nothing; callers show no summary while the text has errors.
pub fn preview(world: &World, manifests: &Manifests) -> Vec<String> {
    let mut lines = Vec::new();
    for loaded in &manifests.objects {
        let object = &loaded.object;
        let key = Key::of(object);
        match world.store().get(&key) {
            None => lines.push(created(object)),
            Some(live) => changed(world, live, object, &loaded.applied, &mut lines),
        }
    }
    lines
}

fn created(object: &Object) -> String {
    let name = object.metadata().name();
    match object {
        Object::Deployment(deployment) => {
            let replicas = deployment.spec.replicas.unwrap_or(1);
            let image = first_image(deployment);
            format!("creates Deployment {name}: a new ReplicaSet of {} running {image}", pods(replicas))
        }
        Object::Service(_) => format!("creates Service {name} (changes no pods)"),
        other => format!("creates {} {name}", other.kind()),
    }
}

fn pods(count: i32) -> String {
    format!("{count} pod{}", if count == 1 { "" } else { "s" })
}

fn first_image(deployment: &Deployment) -> &str {
    deployment.spec.template.spec.containers.first().and_then(|c| c.image.as_deref()).unwrap_or("no image")
}

fn changed(world: &World, live: &Object, manifest: &Object, applied: &Value, lines: &mut Vec<String>) {
    let last: Option<Value> = live
        .metadata()
        .annotations
        .get(LAST_APPLIED_ANNOTATION)
        .and_then(|text| serde_yaml::from_str::<Value>(text).ok());
    let mut changes = Vec::new();
    diff(
        "",
        &mut String::new(),
        Some(&without_status(object_to_value(live))),
        &without_status(object_to_value(manifest)),
        Some(applied),
        last.as_ref(),
        &mut changes,
    );
    let kind = live.kind();
    let name = live.metadata().name();
    match (live, manifest) {
        (Object::Deployment(live), Object::Deployment(manifest)) => {
            deployment_lines(world, live, manifest, changes, lines);
        }
        _ if changes.is_empty() => lines.push(format!("{kind} {name} unchanged")),
        (Object::Service(_), _) => lines.push(format!("changes no pods (Service): {}", fields(&changes))),
        (Object::ConfigMap(_) | Object::Secret(_), _) => {
            lines.push(format!("{kind} {name} changed: running pods keep the old values until they restart"))
        }
        _ => lines.push(format!("{kind} {name} changed: {}", fields(&changes))),
    }
}

fn deployment_lines(
    world: &World,
    live: &Deployment,
    manifest: &Deployment,
    changes: Vec<Change>,
    lines: &mut Vec<String>,
) {
    let name = live.metadata.name();
    let (template, rest): (Vec<Change>, Vec<Change>) =
        changes.into_iter().partition(|change| change.path.starts_with("spec.template."));
    let (replicas, rest): (Vec<Change>, Vec<Change>) = rest.into_iter().partition(|c| c.path == "spec.replicas");
    // Only fields the merge would change count; the controller decides
    // whether they amount to a new template.
    let new_template = !template.is_empty() && !equal_ignore_hash(&live.spec.template, &manifest.spec.template);
    if new_template {
        let what = fields(&template);
        let owned: Vec<&ReplicaSet> = world
            .store()
            .owned_by(live.metadata.uid.as_deref().unwrap_or(""))
            .filter_map(|object| match object {
                Object::ReplicaSet(replica_set) => Some(replica_set),
                _ => None,
            })
            .collect();
        let paused = if manifest.spec.paused { " (paused: nothing rolls out until it is resumed)" } else { "" };
        match find_new_replica_set(manifest, &owned) {
            Some(index) => lines.push(format!(
                "rolls back to ReplicaSet {} (no new ReplicaSet){paused}: {what}",
                owned[index].metadata.name()
            )),
            None => lines.push(format!("rolls out a new ReplicaSet{paused}: {what}")),
        }
    }
    if let Some(change) = replicas.first() {
        let suffix = if new_template { "" } else { " (no new ReplicaSet)" };
        lines.push(format!("scales {name} from {} to {}{suffix}", change.from, change.to));
    }
    if !rest.is_empty() {
        lines.push(format!("changes {name} without a new ReplicaSet: {}", fields(&rest)));
    }
    if lines_for_nothing(new_template, &replicas, &rest) {
        lines.push(format!("Deployment {name} unchanged"));
    }
}

fn lines_for_nothing(new_template: bool, replicas: &[Change], rest: &[Change]) -> bool {
    !new_template && replicas.is_empty() && rest.is_empty()
}

fn without_status(mut value: Value) -> Value {
    if let Some(map) = value.as_mapping_mut() {
        map.remove("status");
    }
    value
}

/// One changed field: its JSON path and its values before and after
/// (`(none)` when absent).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Change {
    path: String,
    from: String,
    to: String,
}

/// `a changed from X to Y; b added (Z)`, at most [`MAX_FIELDS`] of them.
fn fields(changes: &[Change]) -> String {
    let mut parts: Vec<String> = changes
        .iter()
        .take(MAX_FIELDS)
        .map(|change| match (change.from.as_str(), change.to.as_str()) {
            (NONE, to) => format!("{} added ({to})", change.path),
            (from, NONE) => format!("{} removed (was {from})", change.path),
            (from, to) => format!("{} changed from {from} to {to}", change.path),
        })
        .collect();
    if changes.len() > MAX_FIELDS {
        parts.push(format!("and {} more", changes.len() - MAX_FIELDS));
    }
    parts.join("; ")
}

const NONE: &str = "(none)";

/// The fields where what apply would store differs from `live`. `new` is
/// the manifest after defaults; `applied` what the user wrote there; `last`
/// what the previous apply wrote.
fn diff(
    field: &str,
    path: &mut String,
    live: Option<&Value>,
    new: &Value,
    applied: Option<&Value>,
    last: Option<&Value>,
    out: &mut Vec<Change>,
) {
    match (live, new) {
        (Some(Value::Mapping(live_map)), Value::Mapping(new_map)) => {
            for (key, value) in new_map {
                let Some(name) = key.as_str() else { continue };
                let written = applied.and_then(|a| a.get(name));
                let before = last.and_then(|l| l.get(name));
                let live_value = live_map.get(name);
                // Not written now nor before: the merge keeps the live value
                // (a default only fills a field nobody set).
                if written.is_none() && before.is_none() && live_value.is_some() {
                    continue;
                }
                let len = path.len();
                push_key(path, name);
                diff(name, path, live_value, value, written, before, out);
                path.truncate(len);
            }
            for (key, value) in live_map {
                let Some(name) = key.as_str() else { continue };
                // Dropped from the manifest since the last apply: removed.
                if !new_map.contains_key(name) && last.and_then(|l| l.get(name)).is_some() {
                    let len = path.len();
                    push_key(path, name);
                    out.push(Change { path: path.clone(), from: flow(value), to: NONE.into() });
                    path.truncate(len);
                }
            }
        }
        (Some(Value::Sequence(live_items)), Value::Sequence(new_items))
            if let Some(key) = merge_key(field, new_items) =>
        {
            let id = |item: &Value| item.get(key).cloned();
            // A live item the manifest no longer names goes only if the
            // previous manifest named it (else someone else added it).
            let mut removed = live_items.iter().enumerate().filter(|(_, item)| {
                let wanted = id(item);
                !new_items.iter().any(|n| id(n) == wanted) && keyed(last, key, &wanted).is_some()
            });
            for (index, item) in new_items.iter().enumerate() {
                let wanted = id(item);
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                // Paired with its live self by key; a new key takes the
                // place of the next removed item (a port edited from 80 to
                // 8080 reads as that change, which it is in the result).
                let live_item = keyed(live, key, &wanted).or_else(|| removed.next().map(|(_, item)| item));
                diff(field, path, live_item, item, keyed(applied, key, &wanted), keyed(last, key, &wanted), out);
                path.truncate(len);
            }
            for (index, item) in removed {
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                out.push(Change { path: path.clone(), from: flow(item), to: NONE.into() });
                path.truncate(len);
            }
        }
        (Some(Value::Sequence(live_items)), Value::Sequence(new_items)) => {
            for index in 0..live_items.len().max(new_items.len()) {
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                match new_items.get(index) {
                    Some(item) => {
                        let written = applied.and_then(|a| a.get(index));
                        let before = last.and_then(|l| l.get(index));
                        diff(field, path, live_items.get(index), item, written, before, out);
                    }
                    None => out.push(Change { path: path.clone(), from: flow(&live_items[index]), to: NONE.into() }),
                }
                path.truncate(len);
            }
        }
        (Some(live), new) if live == new => {}
        (live, new) => {
            out.push(Change { path: path.clone(), from: live.map_or_else(|| NONE.to_string(), flow), to: flow(new) })
        }
    }
}

/// The item of the list `items` whose `key` field is `wanted`.
fn keyed<'a>(items: Option<&'a Value>, key: &str, wanted: &Option<Value>) -> Option<&'a Value> {
    items.and_then(Value::as_sequence)?.iter().find(|item| item.get(key).cloned() == *wanted)
}

/// `a.b`, or `a['b.c']` for a key a dot would split.
fn push_key(path: &mut String, key: &str) {
    if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') && !key.is_empty() {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push_str(&format!("['{key}']"));
    }
}

/// A value on one line: scalars as written, maps and lists in flow style.
fn flow(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => "\"\"".into(),
        Value::String(s) => s.clone(),
        Value::Sequence(items) => format!("[{}]", items.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Value::Mapping(map) => format!(
            "{{{}}}",
            map.iter().map(|(k, v)| format!("{}: {}", flow(k), flow(v))).collect::<Vec<_>>().join(", ")
        ),
        Value::Tagged(tagged) => flow(&tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEMO_MANIFESTS, parse_manifests};

    fn running_demo() -> World {
        running(DEMO_MANIFESTS)
    }

    /// `text` applied as `kubectl apply` does, with each manifest recorded
    /// in the last-applied annotation (as YAML: the summary reads it with
    /// the YAML parser, which reads kubectl's JSON the same), and run a
    /// minute.
    fn running(text: &str) -> World {
        let mut manifests = parse_manifests(text);
        for manifest in &mut manifests.objects {
            let record = serde_yaml::to_string(&object_to_value(&manifest.object)).expect("encodes");
            manifest.object.metadata_mut().annotations.insert(LAST_APPLIED_ANNOTATION.into(), record);
        }
        let mut world = World::new(1);
        world.apply(&manifests);
        world.advance(60_000);
        world
    }

    fn says(world: &World, text: &str) -> Vec<String> {
        let manifests = parse_manifests(text);
        assert!(!manifests.has_errors(), "{:?}", manifests.diagnostics);
        preview(world, &manifests)
    }

    #[test]
    fn a_new_cluster_creates_everything() {
        assert_eq!(
            says(&World::new(1), DEMO_MANIFESTS),
            [
                "creates Deployment demo-api: a new ReplicaSet of 2 pods running myrepo/demo-api:1.0.0",
                "creates Service demo-api (changes no pods)",
            ]
        );
    }

    #[test]
    fn the_same_text_changes_nothing() {
        assert_eq!(
            says(&running_demo(), DEMO_MANIFESTS),
            ["Deployment demo-api unchanged", "Service demo-api unchanged"]
        );
    }

    #[test]
    fn a_new_image_rolls_out_a_new_replica_set() {
        let text = DEMO_MANIFESTS.replace("demo-api:1.0.0", "demo-api:1.0.1");
        assert_eq!(
            says(&running_demo(), &text)[0],
            "rolls out a new ReplicaSet: spec.template.spec.containers[0].image changed from myrepo/demo-api:1.0.0 to myrepo/demo-api:1.0.1"
        );
    }

    #[test]
    fn replicas_scale_without_a_new_replica_set() {
        let text = DEMO_MANIFESTS.replace("replicas: 2", "replicas: 4");
        assert_eq!(
            says(&running_demo(), &text),
            ["scales demo-api from 2 to 4 (no new ReplicaSet)", "Service demo-api unchanged"]
        );
    }

    #[test]
    fn image_and_replicas_together_roll_out_and_scale() {
        let text = DEMO_MANIFESTS.replace("replicas: 2", "replicas: 3").replace(":1.0.0", ":2.0.0");
        let lines = says(&running_demo(), &text);
        assert!(lines[0].starts_with("rolls out a new ReplicaSet: "), "{lines:?}");
        assert_eq!(lines[1], "scales demo-api from 2 to 3");
    }

    #[test]
    fn a_service_change_changes_no_pods() {
        let text = DEMO_MANIFESTS.replace("port: 80", "port: 8080");
        assert_eq!(
            says(&running_demo(), &text)[1],
            "changes no pods (Service): spec.ports[0].port changed from 80 to 8080"
        );
    }

    #[test]
    fn a_config_map_change_reaches_no_running_pod() {
        let config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-config\ndata:\n  LEVEL: info\n";
        let mut world = running_demo();
        assert_eq!(says(&world, config), ["creates ConfigMap api-config"]);
        world.apply(&parse_manifests(config));
        assert_eq!(says(&world, config), ["ConfigMap api-config unchanged"]);
        assert_eq!(
            says(&world, &config.replace("info", "debug")),
            ["ConfigMap api-config changed: running pods keep the old values until they restart"]
        );
    }

    #[test]
    fn going_back_to_an_old_template_reuses_its_replica_set() {
        let mut world = running_demo();
        let old = world.store().list("ReplicaSet", None).next().unwrap().metadata().name().to_string();
        world.apply(&parse_manifests(&DEMO_MANIFESTS.replace(":1.0.0", ":1.0.1")));
        world.advance(60_000);
        assert_eq!(
            says(&world, DEMO_MANIFESTS)[0],
            format!(
                "rolls back to ReplicaSet {old} (no new ReplicaSet): spec.template.spec.containers[0].image changed from myrepo/demo-api:1.0.1 to myrepo/demo-api:1.0.0"
            )
        );
    }

    #[test]
    fn other_spec_fields_change_without_a_rollout() {
        let text = DEMO_MANIFESTS.replace("  replicas: 2\n", "  replicas: 2\n  minReadySeconds: 5\n");
        assert_eq!(
            says(&running_demo(), &text)[0],
            "changes demo-api without a new ReplicaSet: spec.minReadySeconds added (5)"
        );
    }

    #[test]
    fn fields_the_manifest_does_not_name_keep_their_live_values() {
        // A replicas count set by `kubectl scale` stays when the manifest
        // never names replicas, and the Service's cluster IP is kept.
        let mut world = World::new(1);
        let text = DEMO_MANIFESTS.replace("  replicas: 2\n", "");
        world.apply(&parse_manifests(&text));
        world.advance(60_000);
        assert_eq!(says(&world, &text), ["Deployment demo-api unchanged", "Service demo-api unchanged"]);
    }

    #[test]
    fn label_keys_with_dots_are_quoted_and_additions_say_so() {
        let text = DEMO_MANIFESTS.replacen(
            "    app: demo-api\n",
            "    app: demo-api\n    app.kubernetes.io/part-of: shop\n",
            1,
        );
        assert_eq!(
            says(&running_demo(), &text)[0],
            "changes demo-api without a new ReplicaSet: metadata.labels['app.kubernetes.io/part-of'] added (shop)"
        );
    }

    #[test]
    fn containers_pair_by_name_so_order_alone_changes_nothing() {
        let sidecar = "      - name: side\n        image: busybox:1\n";
        let two = DEMO_MANIFESTS
            .replace("        - containerPort: 3000\n", &format!("        - containerPort: 3000\n{sidecar}"));
        let world = running(&two);
        // The sidecar first: the same two containers, the same pods.
        let swapped = two.replace(sidecar, "").replace("      containers:\n", &format!("      containers:\n{sidecar}"));
        assert_ne!(swapped, two);
        assert_eq!(says(&world, &swapped)[0], "Deployment demo-api unchanged");
        // Dropped from the manifest that added it: named as removed.
        let line = &says(&world, DEMO_MANIFESTS)[0];
        assert!(
            line.starts_with("rolls out a new ReplicaSet: spec.template.spec.containers[1] removed (was {"),
            "{line}"
        );
        // A new name in its place reads as what changes in it.
        let renamed = two.replace("name: side", "name: helper");
        let line = &says(&world, &renamed)[0];
        assert_eq!(
            line,
            "rolls out a new ReplicaSet: spec.template.spec.containers[1].name changed from side to helper"
        );
    }

    #[test]
    fn a_new_container_is_named_whole_and_long_lists_are_cut() {
        let text = DEMO_MANIFESTS.replace(
            "        - containerPort: 3000\n",
            "        - containerPort: 3000\n      - name: side\n        image: busybox:1\n",
        );
        let line = &says(&running_demo(), &text)[0];
        assert!(line.starts_with("rolls out a new ReplicaSet: spec.template.spec.containers[1] added ({"), "{line}");
        let many = Change { path: "p".into(), from: "1".into(), to: "2".into() };
        assert_eq!(fields(&vec![many; 6]).matches("changed").count(), MAX_FIELDS);
        assert!(
            fields(&vec![Change { path: "p".into(), from: "1".into(), to: "2".into() }; 6]).ends_with("; and 2 more")
        );
    }
}
