//! `kubectl describe TYPE NAME` / `TYPE/NAME` / `TYPE -l SELECTOR` over the
//! world: finds the objects, their ReplicaSets or pods, and the events
//! about them (the API server's events whose involvedObject is the object),
//! and hands them to the describers in `describe`.

use crate::args::{self, Flag, NAMESPACE};
use crate::describe::{Event, describe_deployment, describe_replica_set, pod_status_counts};
use crate::get::{Request, requests};
use crate::session::Answer;
use kubeloop_engine::api::Object;
use kubeloop_engine::api::apps::ReplicaSet;
use kubeloop_engine::api::core::Pod;
use kubeloop_engine::controller::deployment::util::{find_new_replica_set, find_old_replica_sets};
use kubeloop_engine::world::World;
use kubeloop_engine::world::rollback::deployment_replica_sets;
use kubeloop_engine::world::store::Key;

pub const FLAGS: &[Flag] = &[NAMESPACE, Flag::value("selector", Some('l')), Flag::boolean("show-events", None)];

/// The kinds with a describer here.
const DESCRIBED: &[&str] = &["Pod", "Deployment", "ReplicaSet", "Service", "Node"];

/// The events about `key`, as describe's table wants them.
fn events_about(world: &World, key: &Key) -> Vec<Event> {
    world
        .events()
        .about(key)
        .map(|event| Event {
            event_type: event.event_type.as_str().to_string(),
            reason: event.reason.to_string(),
            message: event.message.to_string(),
            count: i32::try_from(event.count).unwrap_or(i32::MAX),
            first_timestamp: Some(event.first_timestamp),
            last_timestamp: Some(event.last_timestamp),
            source_component: event.source.to_string(),
            reporting_controller: String::new(),
            field_path: event.field_path.unwrap_or_default().to_string(),
        })
        .collect()
}

pub fn describe(world: &World, words: &[&str]) -> Answer {
    let args = match args::parse("describe", words, FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let selector = match args.value("selector").map(crate::selector::parse).transpose() {
        Ok(selector) => selector,
        Err(error) => return Answer::error(&format!("error: {error}")),
    };
    let requests = match requests(&args.positional) {
        Ok(requests) => requests,
        Err(message) => return Answer::error(&message.replace("kubectl get", "kubectl describe")),
    };
    let namespace = args.namespace();
    let show_events = args.value("show-events") != Some("false");
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for Request { resource, names } in requests {
        if !DESCRIBED.contains(&resource.kind) {
            return Answer::error(&format!(
                "error: describe {} is not available in the playground yet (it describes pods, deployments, replicasets, services and nodes)",
                resource.plural
            ));
        }
        let objects: Vec<&Object> = if names.is_empty() {
            world
                .store()
                .list(resource.kind, resource.namespaced.then_some(namespace))
                .filter(|object| selector.as_ref().is_none_or(|selector| selector.matches(&object.metadata().labels)))
                .collect()
        } else {
            let mut found = Vec::new();
            for name in &names {
                match world.store().get(&Key::new(resource.kind, namespace, name)) {
                    Some(object) => found.push(object),
                    None => errors
                        .push(format!("Error from server (NotFound): {} \"{name}\" not found", resource.qualified())),
                }
            }
            found
        };
        for object in objects {
            let events = show_events.then(|| events_about(world, &Key::of(object)));
            texts.push(describe_object(world, object, events.as_deref()));
        }
    }
    if texts.is_empty() && errors.is_empty() {
        return Answer::ok(format!("No resources found in {namespace} namespace.\n"));
    }
    // describe separates objects with an empty line.
    let mut output = texts.join("\n\n");
    if !output.is_empty() && !output.ends_with('\n') {
        output.push('\n');
    }
    for error in &errors {
        output.push_str(error);
        output.push('\n');
    }
    Answer { output, ok: errors.is_empty() }
}

fn describe_object(world: &World, object: &Object, events: Option<&[Event]>) -> String {
    let now = world.now();
    match object {
        Object::Deployment(deployment) => {
            let replica_sets = deployment_replica_sets(world, deployment);
            let refs: Vec<&ReplicaSet> = replica_sets.iter().collect();
            let new = find_new_replica_set(deployment, &refs).map(|at| refs[at]);
            let old: Vec<&ReplicaSet> =
                find_old_replica_sets(deployment, &refs).1.into_iter().map(|at| refs[at]).collect();
            describe_deployment(deployment, &old, new, events, now)
        }
        Object::ReplicaSet(replica_set) => {
            let pods: Vec<&Pod> = world
                .store()
                .list("Pod", Some(replica_set.metadata.namespace()))
                .filter_map(|object| match object {
                    Object::Pod(pod) => Some(pod),
                    _ => None,
                })
                .collect();
            let counts = pod_status_counts(&pods, replica_set.metadata.uid.as_deref().unwrap_or(""));
            describe_replica_set(replica_set, counts, events, now)
        }
        Object::Pod(pod) => crate::describe_pod::describe_pod(pod, events, now),
        Object::Node(node) => {
            let pods: Vec<&Pod> = world
                .store()
                .pods_on_node(node.metadata.name())
                .filter_map(|object| match object {
                    Object::Pod(pod) if !matches!(pod.status.phase.as_str(), "Succeeded" | "Failed") => Some(pod),
                    _ => None,
                })
                .collect();
            // The node index is in key order (namespace, then name), the
            // order the API server lists them in.
            crate::describe_node::describe_node(node, &pods, events, now)
        }
        Object::Service(service) => {
            let pods = crate::get::pods_of_service_namespace(world, service);
            crate::describe_service::describe_service(service, &pods, events, now)
        }
        _ => String::new(),
    }
}
