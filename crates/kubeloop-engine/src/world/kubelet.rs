//! The kubelet of every node, as one simulation: it starts the containers
//! of bound pods, runs the app behind each image (from `App` documents, or
//! the healthy default), probes readiness with the tested `ProbeWorker`,
//! and stops pods being deleted.
//!
//! Simplifications, to be lifted as the engine grows (docs/engine-plan.md):
//! one container's probes decide readiness; liveness, startup probes,
//! crashes and OOM are not run yet; once a pod is Ready its readiness
//! probe is not ticked again (nothing can change it without faults).

use super::World;
use super::events::{EventType, Report};
use super::store::Key;
use crate::api::core::{ContainerState, ContainerStateRunning, ContainerStateWaiting, ContainerStatus, Pod};
use crate::api::playground::App;
use crate::api::{Condition, Object, Time};
use crate::kubelet::prober::{
    ProbeKind, ProbeOutcome, ProbeResult, ProbeWorker, http_probe_failure_output, probe_failed_event_message,
};
use std::collections::BTreeMap;

const SOURCE: &str = "kubelet";
/// From bound to running: image pull and container creation.
const CONTAINER_START_MS: i64 = 1_000;
/// How long a healthy app takes to exit after SIGTERM.
const SHUTDOWN_MS: i64 = 1_000;

/// What the kubelet keeps about a pod between ticks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodRuntime {
    pub start_at_ms: i64,
    pub started: bool,
    /// When the app answers requests (container start + its startup time).
    pub serving_at_ms: i64,
    /// The HTTP status its readiness check answers once serving.
    pub readiness_status: i32,
    pub readiness: Option<ProbeWorker>,
    pub stop_at_ms: Option<i64>,
    pub pod_ip: String,
}

/// Every pod the kubelets are running, by pod key.
pub type Runtimes = BTreeMap<Key, PodRuntime>;

/// New bound pods get a runtime; pods being deleted get a stop time.
/// True if it wrote anything.
pub fn observe(world: &mut World) -> bool {
    let now = world.now();
    let pods: Vec<Pod> = world
        .store
        .list("Pod", None)
        .filter_map(|object| match object {
            Object::Pod(pod) if !pod.spec.node_name.as_deref().unwrap_or("").is_empty() => Some(pod.clone()),
            _ => None,
        })
        .collect();
    let mut wrote = false;
    for pod in pods {
        let key = Key::new("Pod", pod.metadata.namespace(), pod.metadata.name());
        match world.runtimes.get(&key) {
            None if pod.metadata.deletion_timestamp.is_none() => {
                admit(world, key, pod, now);
                wrote = true;
            }
            Some(runtime) if pod.metadata.deletion_timestamp.is_some() && runtime.stop_at_ms.is_none() => {
                let grace_ms = pod.metadata.deletion_grace_period_seconds.unwrap_or(30) * 1000;
                let stop_at = now.unix_ms + SHUTDOWN_MS.min(grace_ms);
                if let Some(runtime) = world.runtimes.get_mut(&key) {
                    runtime.stop_at_ms = Some(stop_at);
                }
                let container = pod.spec.containers.first().map_or("", |c| c.name.as_str()).to_string();
                event(
                    world,
                    &key,
                    EventType::Normal,
                    "Killing",
                    format!("Stopping container {container}"),
                    Some(&container),
                );
                wrote = true;
            }
            _ => {}
        }
    }
    wrote
}

/// Faults aimed at containers (readiness, liveness, memory, kill). Not
/// handled yet: returns false.
pub fn apply_fault(_world: &mut World, _fault: &super::faults::Fault) -> bool {
    false
}

/// The next instant at which some kubelet has something to do.
pub fn next_timer(world: &World) -> Option<i64> {
    world
        .runtimes
        .values()
        .filter_map(|runtime| {
            let start = (!runtime.started).then_some(runtime.start_at_ms);
            let probe = runtime
                .readiness
                .as_ref()
                .filter(|worker| worker.result() != ProbeResult::Success)
                .and_then(ProbeWorker::next_probe_at);
            [start, probe, runtime.stop_at_ms].into_iter().flatten().min()
        })
        .min()
}

/// Does what is due at the current time. True if it wrote anything.
pub fn fire(world: &mut World) -> bool {
    let now = world.now().unix_ms;
    let due: Vec<Key> =
        world.runtimes.iter().filter(|(_, runtime)| runtime_due(runtime, now)).map(|(key, _)| key.clone()).collect();
    let mut wrote = false;
    for key in due {
        wrote |= fire_pod(world, &key, now);
    }
    wrote
}

fn runtime_due(runtime: &PodRuntime, now: i64) -> bool {
    (!runtime.started && runtime.start_at_ms <= now)
        || runtime.stop_at_ms.is_some_and(|stop| stop <= now)
        || runtime
            .readiness
            .as_ref()
            .filter(|worker| worker.result() != ProbeResult::Success)
            .and_then(ProbeWorker::next_probe_at)
            .is_some_and(|at| at <= now)
}

fn admit(world: &mut World, key: Key, mut pod: Pod, now: Time) {
    let app = app_for(world, pod.spec.containers.first().and_then(|c| c.image.as_deref()).unwrap_or(""));
    let startup_ms = i64::from(app.as_ref().and_then(|a| a.spec.startup_seconds).unwrap_or(2)) * 1000;
    let readiness_status = app.as_ref().and_then(|a| a.spec.endpoints.readiness).unwrap_or(200);
    world.next_pod_ip += 1;
    let pod_ip = format!("10.244.{}.{}", world.next_pod_ip / 250, world.next_pod_ip % 250 + 2);
    let start_at = now.unix_ms + CONTAINER_START_MS;
    world.runtimes.insert(
        key.clone(),
        PodRuntime {
            start_at_ms: start_at,
            started: false,
            serving_at_ms: start_at + startup_ms,
            readiness_status,
            readiness: None,
            stop_at_ms: None,
            pod_ip: pod_ip.clone(),
        },
    );
    pod.status.phase = "Pending".to_string();
    pod.status.start_time = Some(now);
    pod.status.host_ip = Some("10.0.0.1".to_string());
    pod.status.pod_ip = Some(pod_ip);
    set_condition(&mut pod, "Initialized", "True", now);
    set_condition(&mut pod, "ContainersReady", "False", now);
    set_condition(&mut pod, "Ready", "False", now);
    pod.status.container_statuses = pod
        .spec
        .containers
        .iter()
        .map(|container| ContainerStatus {
            name: container.name.clone(),
            image: container.image.clone().unwrap_or_default(),
            state: ContainerState {
                waiting: Some(ContainerStateWaiting { reason: Some("ContainerCreating".to_string()), message: None }),
                ..ContainerState::default()
            },
            ..ContainerStatus::default()
        })
        .collect();
    let image = pod.spec.containers.first().and_then(|c| c.image.clone()).unwrap_or_default();
    let container = pod.spec.containers.first().map_or(String::new(), |c| c.name.clone());
    world.store.write(key.clone(), Object::Pod(pod));
    event(world, &key, EventType::Normal, "Pulling", format!("Pulling image \"{image}\""), Some(&container));
}

fn fire_pod(world: &mut World, key: &Key, now: i64) -> bool {
    let Some(Object::Pod(mut pod)) = world.store.get(key).cloned() else {
        world.runtimes.remove(key);
        return false;
    };
    let Some(mut runtime) = world.runtimes.get(key).cloned() else { return false };
    let time = Time::from_unix_ms(now);
    let container = pod.spec.containers.first().map_or(String::new(), |c| c.name.clone());
    if runtime.stop_at_ms.is_some_and(|stop| stop <= now) {
        world.runtimes.remove(key);
        world.store.remove(key);
        world.retry_unschedulable = true;
        return true;
    }
    if !runtime.started && runtime.start_at_ms <= now {
        runtime.started = true;
        let image = pod.spec.containers.first().and_then(|c| c.image.clone()).unwrap_or_default();
        pod.status.phase = "Running".to_string();
        for status in &mut pod.status.container_statuses {
            status.state = ContainerState {
                running: Some(ContainerStateRunning { started_at: Some(time) }),
                ..ContainerState::default()
            };
            status.started = Some(true);
        }
        event(
            world,
            key,
            EventType::Normal,
            "Pulled",
            format!("Successfully pulled image \"{image}\" in 1s (1s including waiting). Image size: 52428800 bytes."),
            Some(&container),
        );
        event(world, key, EventType::Normal, "Created", "Container created".to_string(), Some(&container));
        event(world, key, EventType::Normal, "Started", "Container started".to_string(), Some(&container));
        match pod.spec.containers.first().and_then(|c| c.readiness_probe.clone()) {
            // No readiness probe: ready as soon as the container runs.
            None => set_ready(&mut pod, true, time),
            Some(probe) => runtime.readiness = Some(ProbeWorker::new(ProbeKind::Readiness, &probe, now)),
        }
    }
    if let Some(worker) = runtime.readiness.as_mut()
        && worker.result() != ProbeResult::Success
        && worker.next_probe_at().is_some_and(|at| at <= now)
    {
        let will_run = worker.will_probe(now);
        let serving = now >= runtime.serving_at_ms;
        let passes = serving && (200..400).contains(&runtime.readiness_status);
        let outcome = if passes { ProbeOutcome::Success } else { ProbeOutcome::Failure };
        let changed = worker.observe(now, outcome);
        if will_run && !passes {
            let output = if serving {
                http_probe_failure_output(runtime.readiness_status)
            } else {
                let port = readiness_port(&pod);
                format!(
                    "Get \"http://{}:{port}/\": dial tcp {}:{port}: connect: connection refused",
                    runtime.pod_ip, runtime.pod_ip
                )
            };
            event(
                world,
                key,
                EventType::Warning,
                "Unhealthy",
                probe_failed_event_message(ProbeKind::Readiness, &output),
                Some(&container),
            );
        }
        match changed {
            Some(ProbeResult::Success) => set_ready(&mut pod, true, time),
            Some(ProbeResult::Failure) => set_ready(&mut pod, false, time),
            _ => {}
        }
    }
    world.runtimes.insert(key.clone(), runtime);
    world.store.write(key.clone(), Object::Pod(pod));
    true
}

fn readiness_port(pod: &Pod) -> String {
    let probe = pod.spec.containers.first().and_then(|c| c.readiness_probe.as_ref());
    let port = probe.and_then(|p| p.http_get.as_ref()).and_then(|h| h.port.as_ref());
    port.map_or("80".to_string(), ToString::to_string)
}

fn set_ready(pod: &mut Pod, ready: bool, now: Time) {
    let status = if ready { "True" } else { "False" };
    set_condition(pod, "ContainersReady", status, now);
    set_condition(pod, "Ready", status, now);
    for container in &mut pod.status.container_statuses {
        container.ready = ready;
    }
}

/// Sets a pod condition, keeping lastTransitionTime when the status holds.
fn set_condition(pod: &mut Pod, condition_type: &str, status: &str, now: Time) {
    if let Some(existing) = pod.status.conditions.iter_mut().find(|c| c.condition_type == condition_type) {
        if existing.status != status {
            existing.status = status.to_string();
            existing.last_transition_time = Some(now);
        }
        return;
    }
    pod.status.conditions.push(Condition {
        condition_type: condition_type.to_string(),
        status: status.to_string(),
        last_transition_time: Some(now),
        ..Condition::default()
    });
}

/// The App behind an image: one naming this exact image first, then one
/// naming its repository (any tag).
fn app_for(world: &World, image: &str) -> Option<App> {
    let repository = image.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).map_or(image, |(repo, _)| repo);
    let apps: Vec<&App> = world
        .store
        .list("App", None)
        .filter_map(|object| match object {
            Object::App(app) => Some(app),
            _ => None,
        })
        .collect();
    apps.iter()
        .find(|app| app.spec.image == image)
        .or_else(|| apps.iter().find(|app| app.spec.image == repository))
        .map(|app| (*app).clone())
}

fn event(world: &mut World, key: &Key, event_type: EventType, reason: &str, message: String, container: Option<&str>) {
    let now = world.now();
    let field_path = container.map(|name| format!("spec.containers{{{name}}}"));
    world.events.record(
        Report { event_type, reason, message, involved: key, field_path: field_path.as_deref(), source: SOURCE },
        now,
    );
}
