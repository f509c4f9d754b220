//! `kubectl logs POD [-c CONTAINER] [-p] [--tail N]`: what the simulated
//! app writes. Every app (an App document's, or the default one behind
//! any image) logs the same few lines, from its container's recorded
//! life, so the output always agrees with the pod's status:
//!
//! ```text
//! Starting demo-api (image myrepo/demo-api:1.0.1)
//! Listening on :3000
//! Ready: serving requests          once its startup time has passed
//! Fatal error: exiting with code 1 a crash (an App's `crash`)
//! Received SIGTERM: shutting down  a graceful stop (exit code 0)
//! ```
//!
//! An instance killed by the kernel (OOMKilled) or by SIGKILL ends without
//! a last word, as a real process does. `-p/--previous` shows the instance
//! before the current one (the container status's `lastState`).

use crate::args::{self, Flag, NAMESPACE};
use crate::session::Answer;
use kubeloop_engine::api::Object;
use kubeloop_engine::api::core::{Container, ContainerStateTerminated, Pod};
use kubeloop_engine::api::time::Time;
use kubeloop_engine::world::World;
use kubeloop_engine::world::kubelet::app_for;
use kubeloop_engine::world::store::Key;

pub const FLAGS: &[Flag] = &[
    NAMESPACE,
    Flag::value("container", Some('c')),
    Flag::boolean("previous", Some('p')),
    Flag::value("tail", None),
    Flag::boolean("follow", Some('f')),
];

/// One container instance's life: when it started, and how it ended.
struct Instance<'a> {
    started: Time,
    ended: Option<&'a ContainerStateTerminated>,
}

pub fn logs(world: &World, words: &[&str]) -> Answer {
    let args = match args::parse("logs", words, FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    if args.is_set("follow") {
        return Answer::error("error: -f/--follow is not available in the playground: run logs again after `sleep`");
    }
    let tail = match args.value("tail").map(str::parse::<i64>).transpose() {
        Ok(tail) => tail.unwrap_or(-1),
        Err(_) => {
            let text = args.value("tail").unwrap_or_default();
            return args::usage_error(
                "logs",
                &format!(
                    "invalid argument \"{text}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"
                ),
            );
        }
    };
    let namespace = args.namespace();
    let (pod, mut notes) = match args.positional.as_slice() {
        [target] => match find_pod(world, namespace, target) {
            Ok(found) => found,
            Err(answer) => return answer,
        },
        [] => {
            return Answer::error(
                "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples",
            );
        }
        _ => {
            return Answer::error(
                "error: only one of a pod or TYPE/NAME may be named (this playground does not take a container as a second argument: use -c)",
            );
        }
    };
    let container = match args.value("container") {
        Some(name) => match pod.spec.containers.iter().find(|c| c.name == name) {
            Some(container) => container,
            None => {
                let names: Vec<&str> = pod.spec.containers.iter().map(|c| c.name.as_str()).collect();
                return Answer::error(&format!(
                    "error: container {name} is not valid for pod {}: choose one of: [{}]",
                    pod.metadata.name(),
                    names.join(" ")
                ));
            }
        },
        None => match pod.spec.containers.as_slice() {
            [only] => only,
            [first, ..] => {
                let names: Vec<&str> = pod.spec.containers.iter().map(|c| c.name.as_str()).collect();
                notes.push_str(&format!("Defaulted container \"{}\" out of: {}\n", first.name, names.join(", ")));
                first
            }
            [] => return Answer::error("error: the pod has no containers"),
        },
    };
    let instance = match instance(pod, container, args.is_set("previous")) {
        Ok(instance) => instance,
        Err(message) => return Answer::error(&format!("{notes}{message}")),
    };
    let mut lines = lines(world, container, &instance);
    if tail >= 0 {
        let keep = usize::try_from(tail).unwrap_or(0).min(lines.len());
        lines.drain(..lines.len() - keep);
    }
    Answer::ok(notes + &lines.concat())
}

/// A pod by name, or the first pod of `deployment/NAME` (with kubectl's
/// note on which), and the notes kubectl writes to stderr.
fn find_pod<'a>(world: &'a World, namespace: &'a str, target: &str) -> Result<(&'a Pod, String), Answer> {
    let store = world.store();
    let Some((kind, name)) = target.split_once('/') else {
        return match store.get(&Key::new("Pod", namespace, target)) {
            Some(Object::Pod(pod)) => Ok((pod, String::new())),
            _ => Err(Answer::error(&format!("Error from server (NotFound): pods \"{target}\" not found"))),
        };
    };
    let resource = crate::resources::lookup(kind).ok_or_else(|| Answer::error(&crate::resources::unknown(kind)))?;
    let Some(owner) = store.get(&Key::new(resource.kind, namespace, name)) else {
        return Err(Answer::error(&format!(
            "Error from server (NotFound): {} \"{name}\" not found",
            resource.qualified()
        )));
    };
    if let Object::Pod(pod) = owner {
        return Ok((pod, String::new()));
    }
    let selector = match owner {
        Object::Deployment(d) => d.spec.selector.clone(),
        Object::ReplicaSet(rs) => rs.spec.selector.clone(),
        _ => return Err(Answer::error(&format!("error: cannot get the logs of {}", resource.object_name(name)))),
    };
    let pods: Vec<&Pod> = store
        .list("Pod", Some(namespace))
        .filter_map(|object| match object {
            Object::Pod(pod) => Some(pod),
            _ => None,
        })
        .filter(|pod| selector.as_ref().is_some_and(|s| !s.is_empty() && s.matches(&pod.metadata.labels)))
        .collect();
    // GetFirstPod: the first in podutils.ByLogging's order.
    let first = pods.iter().min_by_key(|pod| by_logging(pod));
    match first {
        Some(pod) if pods.len() > 1 => {
            Ok((pod, format!("Found {} pods, using pod/{}\n", pods.len(), pod.metadata.name())))
        }
        Some(pod) => Ok((pod, String::new())),
        None => Err(Answer::error("error: timed out waiting for the condition")),
    }
}

/// podutils.ByLogging as a sort key: assigned first; Running, then
/// Unknown, then Pending; ready first, ready longest first; more restarts
/// first; older first (no timestamp last).
fn by_logging(pod: &Pod) -> (bool, u8, bool, i64, i64, i64) {
    let assigned = pod.spec.node_name.as_deref().is_some_and(|node| !node.is_empty());
    let phase = match pod.status.phase.as_str() {
        "Running" => 0,
        "Unknown" => 1,
        "Pending" => 2,
        _ => 3,
    };
    let ready = pod.status.conditions.iter().find(|c| c.condition_type == "Ready" && c.status == "True");
    let ready_since = ready.and_then(|c| c.last_transition_time).map_or(i64::MAX, |t| t.unix_ms);
    let restarts: i64 = pod.status.container_statuses.iter().map(|s| i64::from(s.restart_count)).sum();
    let created = pod.metadata.creation_timestamp.map_or(i64::MAX, |t| t.unix_ms);
    (!assigned, phase, ready.is_none(), ready_since, -restarts, created)
}

/// The instance `kubectl logs` reads: the current one (the last that ran,
/// for a container waiting to restart), or with `--previous` the one
/// before; kubelet's refusals otherwise.
fn instance<'a>(pod: &'a Pod, container: &Container, previous: bool) -> Result<Instance<'a>, String> {
    let pod_name = pod.metadata.name();
    let status = pod.status.container_statuses.iter().find(|s| s.name == container.name);
    let waiting_reason = status
        .and_then(|s| s.state.waiting.as_ref())
        .and_then(|w| w.reason.clone())
        .unwrap_or_else(|| "ContainerCreating".to_string());
    let last = status.and_then(|s| s.last_state.terminated.as_deref());
    if previous {
        return match last {
            Some(ended) => Ok(Instance { started: ended.started_at.unwrap_or_default(), ended: Some(ended) }),
            None => Err(format!(
                "Error from server (BadRequest): previous terminated container \"{}\" in pod \"{pod_name}\" not found",
                container.name
            )),
        };
    }
    let state = status.map(|s| &s.state);
    if let Some(running) = state.and_then(|s| s.running.as_ref()) {
        return Ok(Instance { started: running.started_at.unwrap_or_default(), ended: None });
    }
    if let Some(ended) = state.and_then(|s| s.terminated.as_deref()) {
        return Ok(Instance { started: ended.started_at.unwrap_or_default(), ended: Some(ended) });
    }
    // Waiting to restart: the runtime still has the exited container.
    match last {
        Some(ended) => Ok(Instance { started: ended.started_at.unwrap_or_default(), ended: Some(ended) }),
        None => Err(format!(
            "Error from server (BadRequest): container \"{}\" in pod \"{pod_name}\" is waiting to start: {}",
            container.name,
            if waiting_reason.contains("Image") { "trying and failing to pull image" } else { waiting_reason.as_str() }
        )),
    }
}

/// The app's lines for one instance, each ending in a newline.
fn lines(world: &World, container: &Container, instance: &Instance) -> Vec<String> {
    let image = container.image.as_deref().unwrap_or("");
    let app = app_for(world, image);
    let startup_ms = i64::from(app.and_then(|a| a.spec.startup_seconds).unwrap_or(2)) * 1000;
    let port = container.ports.first().map_or(8080, |p| p.container_port);
    let until = instance.ended.and_then(|ended| ended.finished_at).unwrap_or_else(|| world.now());
    let mut lines = vec![format!("Starting {} (image {image})\n", container.name), format!("Listening on :{port}\n")];
    if until.unix_ms - instance.started.unix_ms >= startup_ms {
        lines.push("Ready: serving requests\n".to_string());
    }
    if let Some(ended) = instance.ended {
        match (ended.exit_code, ended.reason.as_deref()) {
            (0, _) => lines.push("Received SIGTERM: shutting down\n".to_string()),
            (137, _) | (_, Some("OOMKilled")) => {}
            (code, _) => lines.push(format!("Fatal error: exiting with code {code}\n")),
        }
    }
    lines
}
