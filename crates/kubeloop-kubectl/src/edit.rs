//! The commands that change objects: `scale`, `delete`, `label`,
//! `annotate`, `set image|env|resources`, `rollout restart|pause|resume`
//! and `create deployment`. Each reads the objects it names, changes them
//! as kubectl's patch would, and writes them through the history (an
//! input, so seeks and replays include it); then it prints what kubectl's
//! name printer prints (`deployment.apps/web scaled`).

use crate::args::{self, Args, Flag, NAMESPACE};
use crate::get::{Request, requests};
use crate::resources::Resource;
use crate::session::Answer;
use kubeloop_engine::api::core::{Container, EnvVar};
use kubeloop_engine::api::quantity::Quantity;
use kubeloop_engine::api::{Object, ObjectMeta};
use kubeloop_engine::world::faults::Fault;
use kubeloop_engine::world::history::{History, Input};
use kubeloop_engine::world::store::Key;
use std::collections::BTreeMap;
use std::rc::Rc;

/// How long `delete` waits for an object to be gone (kubectl waits until
/// it is; a script must end).
const DELETE_WAIT_LIMIT_MS: u64 = 15 * 60 * 1000;

/// The objects a command line names, each found or reported missing.
fn find(history: &History, command: &str, args: &Args) -> Result<Vec<(&'static Resource, Object)>, Answer> {
    let requests = requests(&args.positional).map_err(|message| Answer::error(&message))?;
    let namespace = args.namespace();
    let mut found = Vec::new();
    for Request { resource, names } in requests {
        if names.is_empty() {
            return Err(Answer::error(&format!(
                "error: resource(s) were provided, but no name was specified\nSee 'kubectl {command} -h' for help and examples"
            )));
        }
        for name in names {
            let key = Key::new(resource.kind, namespace, &name);
            match history.world().store().get(&key) {
                Some(object) => found.push((resource, object.clone())),
                None => {
                    return Err(Answer::error(&format!(
                        "Error from server (NotFound): {} \"{name}\" not found",
                        resource.qualified()
                    )));
                }
            }
        }
    }
    Ok(found)
}

/// Writes the changed objects as one input and lets the controllers react.
fn write(history: &mut History, objects: Vec<Object>) {
    if objects.is_empty() {
        return;
    }
    history.input(Input::Apply(objects));
    history.settle();
}

/// The pod template of a workload, or kubectl's refusal.
fn template_spec<'a>(
    resource: &Resource,
    object: &'a mut Object,
) -> Result<&'a mut kubeloop_engine::api::core::PodTemplateSpec, String> {
    match object {
        Object::Deployment(deployment) => Ok(&mut deployment.spec.template),
        Object::ReplicaSet(replica_set) => Ok(&mut replica_set.spec.template),
        _ => Err(format!("error: {} is not a workload with a pod template", resource.object_name(object.name()))),
    }
}

pub const SCALE_FLAGS: &[Flag] = &[NAMESPACE, Flag::value("replicas", None), Flag::value("timeout", None)];

/// `kubectl scale deployment/web --replicas=5`.
pub fn scale(history: &mut History, words: &[&str]) -> Answer {
    let args = match args::parse("scale", words, SCALE_FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let Some(text) = args.value("replicas") else {
        return Answer::error("error: required flag(s) \"replicas\" not set");
    };
    let replicas = match crate::rollout::parse_go_int64(text) {
        Ok(replicas) if replicas >= 0 && replicas <= i64::from(i32::MAX) => replicas as i32,
        Ok(_) => {
            return Answer::error(
                "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
            );
        }
        Err(error) => {
            return args::usage_error(
                "scale",
                &format!("invalid argument \"{text}\" for \"--replicas\" flag: {error}"),
            );
        }
    };
    let found = match find(history, "scale", &args) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let mut output = String::new();
    let mut changed = Vec::new();
    for (resource, mut object) in found {
        match &mut object {
            Object::Deployment(deployment) => deployment.spec.replicas = Some(replicas),
            Object::ReplicaSet(replica_set) => replica_set.spec.replicas = Some(replicas),
            _ => {
                return Answer::error(&format!(
                    "error: no scaler has been implemented for {{\"{}\" \"{}\"}}",
                    resource.group, resource.kind
                ));
            }
        }
        output.push_str(&format!("{} scaled\n", resource.object_name(object.name())));
        changed.push(object);
    }
    write(history, changed);
    Answer::ok(output)
}

pub const DELETE_FLAGS: &[Flag] = &[
    NAMESPACE,
    Flag::value("selector", Some('l')),
    Flag::boolean("all", None),
    Flag::boolean("ignore-not-found", None),
    Flag::boolean("wait", None),
];

/// `kubectl delete TYPE NAME...`, `TYPE/NAME`, `TYPE -l SELECTOR` or
/// `TYPE --all`: pods gracefully, owners with their dependents (background
/// cascade). Like kubectl it waits until each object is gone.
pub fn delete(history: &mut History, words: &[&str]) -> Answer {
    let args = match args::parse("delete", words, DELETE_FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let namespace = args.namespace().to_string();
    let selector = match args.value("selector").map(crate::selector::parse).transpose() {
        Ok(selector) => selector,
        Err(error) => return Answer::error(&format!("error: {error}")),
    };
    let requests = match requests(&args.positional) {
        Ok(requests) => requests,
        Err(message) => return Answer::error(&message),
    };
    let mut targets: Vec<(&'static Resource, Object)> = Vec::new();
    let mut errors = Vec::new();
    for Request { resource, names } in requests {
        let scope = if resource.namespaced { namespace.as_str() } else { "" };
        if names.is_empty() {
            if selector.is_none() && !args.is_set("all") {
                return Answer::error(
                    "error: resource(s) were provided, but no name was specified\nSee 'kubectl delete -h' for help and examples",
                );
            }
            let all: Vec<Object> = history
                .world()
                .store()
                .list(resource.kind, resource.namespaced.then_some(scope))
                .filter(|object| selector.as_ref().is_none_or(|selector| selector.matches(&object.metadata().labels)))
                .cloned()
                .collect();
            targets.extend(all.into_iter().map(|object| (resource, object)));
            continue;
        }
        for name in names {
            match history.world().store().get(&Key::new(resource.kind, scope, &name)) {
                Some(object) => targets.push((resource, object.clone())),
                None if args.is_set("ignore-not-found") => {}
                None => {
                    errors.push(format!("Error from server (NotFound): {} \"{name}\" not found", resource.qualified()))
                }
            }
        }
    }
    let mut output = String::new();
    if targets.is_empty() && errors.is_empty() {
        output = "No resources found\n".to_string();
    }
    for (resource, object) in &targets {
        let kind = resource.object_name("");
        let kind = kind.trim_end_matches('/');
        if resource.namespaced {
            output.push_str(&format!("{kind} \"{}\" deleted from {namespace} namespace\n", object.name()));
        } else {
            output.push_str(&format!("{kind} \"{}\" deleted\n", object.name()));
        }
        history.input(Input::Fault(Fault::Delete { object: Box::new(object.clone()) }));
        history.settle();
    }
    let wait = args.value("wait") != Some("false");
    if wait {
        let keys: Vec<Key> = targets.iter().map(|(_, object)| Key::of(object)).collect();
        let mut waited = 0;
        while waited < DELETE_WAIT_LIMIT_MS && keys.iter().any(|key| history.world().store().get(key).is_some()) {
            history.advance(1_000);
            waited += 1_000;
        }
    }
    for error in &errors {
        output.push_str(error);
        output.push('\n');
    }
    Answer { output, ok: errors.is_empty() }
}

pub const METADATA_FLAGS: &[Flag] = &[NAMESPACE, Flag::boolean("overwrite", None)];

/// `kubectl label` and `kubectl annotate`: `KEY=VALUE` sets, `KEY-` removes;
/// an existing key changes only with `--overwrite`.
pub fn label_or_annotate(history: &mut History, command: &str, words: &[&str]) -> Answer {
    let mut args = match args::parse(command, words, METADATA_FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let changes = args.take_positional(|word| word.contains('=') || word.ends_with('-'));
    if changes.is_empty() {
        return Answer::error(&format!("error: at least one {} update is required", noun(command)));
    }
    let found = match find(history, command, &args) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let mut output = String::new();
    let mut changed = Vec::new();
    for (resource, mut object) in found {
        let meta: &mut ObjectMeta = object.metadata_mut();
        let map = if command == "label" { meta.labels_mut() } else { &mut meta.annotations };
        let before = map.clone();
        for change in &changes {
            if let Some(key) = change.strip_suffix('-').filter(|_| !change.contains('=')) {
                map.remove(key);
                continue;
            }
            let (key, value) = change.split_once('=').unwrap_or((change, ""));
            if command == "label"
                && let Err(error) = crate::selector::parse(&format!("{key}={value}"))
            {
                return Answer::error(&format!("error: {}", error.replace("unable to parse requirement: ", "")));
            }
            if let Some(current) = before.get(key)
                && current != value
                && !args.is_set("overwrite")
            {
                return Answer::error(&format!(
                    "error: '{key}' already has a value ({current}), and --overwrite is false"
                ));
            }
            map.insert(key.to_string(), value.to_string());
        }
        let done = if *map == before {
            format!("not {}", past(command))
        } else if changes.iter().all(|change| change.ends_with('-') && !change.contains('=')) {
            format!("un{}", past(command))
        } else {
            past(command).to_string()
        };
        if *map != before {
            changed.push(object.clone());
        }
        output.push_str(&format!("{} {done}\n", resource.object_name(object.name())));
    }
    write(history, changed);
    Answer::ok(output)
}

fn noun(command: &str) -> &'static str {
    if command == "label" { "label" } else { "annotation" }
}

fn past(command: &str) -> &'static str {
    if command == "label" { "labeled" } else { "annotated" }
}

pub const SET_FLAGS: &[Flag] = &[NAMESPACE, Flag::value("containers", Some('c'))];
pub const SET_RESOURCES_FLAGS: &[Flag] =
    &[NAMESPACE, Flag::value("containers", Some('c')), Flag::value("limits", None), Flag::value("requests", None)];

/// The containers `-c/--containers` picks (`*`, the default: all).
fn chosen(args: &Args) -> impl Fn(&Container) -> bool + '_ {
    let pattern = args.value("containers").unwrap_or("*");
    move |container: &Container| pattern == "*" || pattern == container.name
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE...`.
pub fn set_image(history: &mut History, words: &[&str]) -> Answer {
    let mut args = match args::parse("set image", words, &[NAMESPACE]) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let images = args.take_positional(|word| word.contains('='));
    if images.is_empty() {
        return Answer::error("error: at least one image update is required");
    }
    set_template(history, "set image", &args, "image updated", |containers| {
        for image in &images {
            let (name, value) = image.split_once('=').unwrap_or((image, ""));
            let mut matched = false;
            for container in containers.iter_mut().filter(|c| name == "*" || c.name == name) {
                container.image = Some(value.to_string().into());
                matched = true;
            }
            if !matched {
                return Err(format!("error: unable to find container named \"{name}\""));
            }
        }
        Ok(())
    })
}

/// `kubectl set env TYPE/NAME KEY=VALUE... KEY-...`.
pub fn set_env(history: &mut History, words: &[&str]) -> Answer {
    let mut args = match args::parse("set env", words, SET_FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let changes = args.take_positional(|word| word.contains('=') || word.ends_with('-'));
    if changes.is_empty() {
        return Answer::error("error: at least one environment variable must be provided");
    }
    let pick = chosen(&args);
    set_template(history, "set env", &args, "env updated", |containers| {
        for container in containers.iter_mut().filter(|c| pick(c)) {
            for change in &changes {
                if let Some(name) = change.strip_suffix('-').filter(|_| !change.contains('=')) {
                    container.env.retain(|var| var.name != name);
                    continue;
                }
                let (name, value) = change.split_once('=').unwrap_or((change, ""));
                match container.env.iter_mut().find(|var| var.name == name) {
                    Some(var) => {
                        *var = EnvVar { name: name.to_string(), value: Some(value.to_string()), value_from: None }
                    }
                    None => container.env.push(EnvVar {
                        name: name.to_string(),
                        value: Some(value.to_string()),
                        value_from: None,
                    }),
                }
            }
        }
        Ok(())
    })
}

/// `--limits=cpu=200m,memory=512Mi`: resource names and quantities.
fn resource_list(text: &str) -> Result<BTreeMap<String, Quantity>, String> {
    let mut list = BTreeMap::new();
    for pair in text.split(',').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').ok_or_else(|| format!("error: invalid argument syntax {pair}"))?;
        let quantity = Quantity::parse(value).map_err(|_| {
            "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
                .to_string()
        })?;
        list.insert(name.to_string(), quantity);
    }
    Ok(list)
}

/// `kubectl set resources TYPE/NAME --limits=... --requests=... [-c NAME]`.
pub fn set_resources(history: &mut History, words: &[&str]) -> Answer {
    let args = match args::parse("set resources", words, SET_RESOURCES_FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let parsed =
        (args.value("limits").map(resource_list).transpose(), args.value("requests").map(resource_list).transpose());
    let (limits, requests) = match parsed {
        (Ok(limits), Ok(requests)) => (limits, requests),
        (Err(error), _) | (_, Err(error)) => return Answer::error(&error),
    };
    if limits.is_none() && requests.is_none() {
        return Answer::error(
            "error: you must specify an update to requests or limits (in the form of --requests/--limits)",
        );
    }
    let pick = chosen(&args);
    set_template(history, "set resources", &args, "resource requirements updated", |containers| {
        for container in containers.iter_mut().filter(|c| pick(c)) {
            for (name, quantity) in limits.iter().flatten() {
                container.resources.limits.insert(name.clone(), quantity.clone());
            }
            for (name, quantity) in requests.iter().flatten() {
                container.resources.requests.insert(name.clone(), quantity.clone());
            }
        }
        Ok(())
    })
}

/// Changes the containers of each named workload's template; prints
/// `<name> <done>`, or nothing changed when the template stays the same.
fn set_template(
    history: &mut History,
    command: &str,
    args: &Args,
    done: &str,
    change: impl Fn(&mut Vec<Container>) -> Result<(), String>,
) -> Answer {
    let found = match find(history, command, args) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let mut output = String::new();
    let mut changed = Vec::new();
    for (resource, mut object) in found {
        let before = object.clone();
        let template = match template_spec(resource, &mut object) {
            Ok(template) => template,
            Err(error) => return Answer::error(&error),
        };
        if let Err(error) = change(Rc::make_mut(&mut template.spec.containers)) {
            return Answer::error(&error);
        }
        if object != before {
            output.push_str(&format!("{} {done}\n", resource.object_name(object.name())));
            changed.push(object);
        }
    }
    write(history, changed);
    Answer::ok(output)
}

/// `kubectl rollout restart|pause|resume deployment/NAME`.
pub fn rollout_verb(history: &mut History, verb: &str, words: &[&str]) -> Answer {
    let command = format!("rollout {verb}");
    let args = match args::parse(&command, words, &[NAMESPACE]) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    if args.positional.is_empty() {
        return Answer::error("error: required resource not specified");
    }
    let found = match find(history, &command, &args) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let now = history.world().now().to_rfc3339();
    let mut output = String::new();
    let mut changed = Vec::new();
    let mut errors = Vec::new();
    for (resource, mut object) in found {
        let Object::Deployment(deployment) = &mut object else {
            errors.push(format!("error: {} \"{}\" {verb} is not supported", resource.qualified(), object.name()));
            continue;
        };
        let paused = deployment.spec.paused;
        let refusal = match verb {
            "pause" if paused => Some("is already paused"),
            "resume" if !paused => Some("is not paused"),
            "restart" if paused => Some("can't restart paused deployment (run rollout resume first)"),
            _ => None,
        };
        if let Some(refusal) = refusal {
            errors.push(format!("error: {} \"{}\" {refusal}", resource.qualified(), object.name()));
            continue;
        }
        match verb {
            "pause" => deployment.spec.paused = true,
            "resume" => deployment.spec.paused = false,
            _ => {
                deployment
                    .spec
                    .template
                    .metadata
                    .annotations
                    .insert("kubectl.kubernetes.io/restartedAt".to_string(), now.clone());
            }
        }
        let done = match verb {
            "pause" => "paused",
            "resume" => "resumed",
            _ => "restarted",
        };
        output.push_str(&format!("{} {done}\n", resource.object_name(object.name())));
        changed.push(object);
    }
    write(history, changed);
    for error in &errors {
        output.push_str(error);
        output.push('\n');
    }
    Answer { output, ok: errors.is_empty() }
}

pub const CREATE_DEPLOYMENT_FLAGS: &[Flag] =
    &[NAMESPACE, Flag::value("image", None), Flag::value("replicas", Some('r')), Flag::value("port", None)];

/// `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=P]`:
/// the Deployment kubectl's generator builds (labels `app: NAME`, one
/// container per image, named after the image).
pub fn create_deployment(history: &mut History, words: &[&str]) -> Answer {
    let args = match args::parse("create deployment", words, CREATE_DEPLOYMENT_FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let [name] = args.positional.as_slice() else {
        return Answer::error(&format!("error: exactly one NAME is required, got {}", args.positional.len()));
    };
    let images = args.values("image");
    if images.is_empty() {
        return Answer::error("error: required flag(s) \"image\" not set");
    }
    let replicas = match args.value("replicas").map(crate::rollout::parse_go_int64).transpose() {
        Ok(replicas) => replicas.unwrap_or(1),
        Err(error) => {
            let text = args.value("replicas").unwrap_or_default();
            return args::usage_error(
                "create deployment",
                &format!("invalid argument \"{text}\" for \"-r, --replicas\" flag: {error}"),
            );
        }
    };
    let namespace = args.namespace();
    let key = Key::new("Deployment", namespace, name);
    if history.world().store().get(&key).is_some() {
        return Answer::error(&format!(
            "error: failed to create deployment: deployments.apps \"{name}\" already exists"
        ));
    }
    let mut containers = String::new();
    for image in images {
        containers.push_str(&format!(
            "      - name: {}\n        image: {}\n",
            container_name(image),
            yaml_quote(image)
        ));
        if let Some(port) = args.value("port") {
            containers.push_str(&format!("        ports:\n        - containerPort: {port}\n"));
        }
    }
    let text = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {}\n  namespace: {}\n  labels:\n    app: {}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {}\n  template:\n    metadata:\n      labels:\n        app: {}\n    spec:\n      containers:\n{containers}",
        yaml_quote(name),
        yaml_quote(namespace),
        yaml_quote(name),
        yaml_quote(name),
        yaml_quote(name)
    );
    let manifests = kubeloop_engine::parse_manifests(&text);
    if let Some(diagnostic) =
        manifests.diagnostics.iter().find(|diagnostic| diagnostic.severity == kubeloop_engine::Severity::Error)
    {
        return Answer::error(&format!("error: {}", diagnostic.message));
    }
    let objects: Vec<Object> = manifests.objects.into_iter().map(|loaded| loaded.object).collect();
    write(history, objects);
    Answer::ok(format!("deployment.apps/{name} created\n"))
}

/// The generator's container name: the image's last path segment without
/// its tag or digest (`registry/team/api:1.2` -> `api`).
fn container_name(image: &str) -> String {
    let base = image.split('@').next().unwrap_or(image);
    let last = base.rsplit('/').next().unwrap_or(base);
    last.split(':').next().unwrap_or(last).to_string()
}

/// A YAML scalar in single quotes (quotes doubled), so any text stays text.
fn yaml_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_come_from_images() {
        for (image, name) in [
            ("nginx", "nginx"),
            ("nginx:1.27", "nginx"),
            ("myrepo/demo-api:1.0.1", "demo-api"),
            ("registry.example.com:5000/team/api@sha256:abc", "api"),
        ] {
            assert_eq!(container_name(image), name, "{image}");
        }
    }

    #[test]
    fn resource_lists_parse_or_refuse() {
        let list = resource_list("cpu=200m,memory=256Mi").expect("parses");
        assert_eq!(list.len(), 2);
        assert!(resource_list("memory=lots").is_err());
        assert!(resource_list("memory").is_err());
    }
}
