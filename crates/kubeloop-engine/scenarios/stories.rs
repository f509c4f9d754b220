//! Representative worlds whose `World::digest()` must be the same natively
//! and in wasm: the snapshot `tests/digests.txt` is written by the native
//! test (`tests/digests.rs`, `KUBELOOP_BLESS=1` rewrites it) and compared
//! byte for byte by the wasm one (`tests/wasm.rs`). Included with
//! `#[path]` next to `rollout.rs` (as `mod rollout`), which the last story
//! uses.
//!
//! Each story asserts that it shows what it is named for, so a change that
//! quietly empties a story fails rather than blessing a dull world.

use super::rollout::{self, Shape};
use kubeloop_engine::api::Object;
use kubeloop_engine::api::core::Pod;
use kubeloop_engine::controller::replicaset::is_pod_ready;
use kubeloop_engine::world::World;
use kubeloop_engine::world::faults::Fault;
use kubeloop_engine::{DEMO_MANIFESTS, parse_manifests};

pub struct Story {
    pub name: &'static str,
    pub run: fn() -> World,
}

pub const STORIES: &[Story] = &[
    Story { name: "demo-rollout", run: demo_rollout },
    Story { name: "oom-under-traffic", run: oom_under_traffic },
    Story { name: "node-failure", run: node_failure },
    Story { name: "hpa-scale-up", run: hpa_scale_up },
    Story { name: "rollout-4x25", run: rollout_4x25 },
];

/// One line per story: `name digest`.
pub fn digests() -> String {
    STORIES.iter().map(|story| format!("{} {}\n", story.name, (story.run)().digest())).collect()
}

fn world_with(seed: u64, text: &str) -> World {
    let mut world = World::new(seed);
    apply(&mut world, text);
    world
}

fn apply(world: &mut World, text: &str) {
    let manifests = parse_manifests(text);
    // Seed 003's Ingress is skipped with a warning; nothing else is said.
    assert!(manifests.diagnostics.iter().all(|d| d.message.starts_with("Ingress ")), "{:?}", manifests.diagnostics);
    assert!(world.apply(&manifests).iter().all(Result::is_ok));
}

fn pods(world: &World) -> impl Iterator<Item = &Pod> {
    world.store().list("Pod", None).filter_map(|object| match object {
        Object::Pod(pod) => Some(pod),
        _ => None,
    })
}

fn has_event(world: &World, reason: &str) -> bool {
    world.events().all().any(|event| event.reason == reason)
}

/// The seeds' demo-api, 1.0.0 to 1.0.1.
fn demo_rollout() -> World {
    let mut world = world_with(1, DEMO_MANIFESTS);
    world.advance(10_000);
    apply(&mut world, &DEMO_MANIFESTS.replace("1.0.0", "1.0.1"));
    world.advance(60_000);
    let updated: Vec<&Pod> = pods(&world)
        .filter(|pod| pod.spec.containers[0].image.as_deref() == Some("myrepo/demo-api:1.0.1") && is_pod_ready(pod))
        .collect();
    assert_eq!((updated.len(), pods(&world).count()), (2, 2), "the demo rollout completes");
    world
}

/// Seed 000's war story: 40 pods with a 256Mi limit serve 1,200 requests a
/// second (180Mi + 2Mi × 30 = 240Mi each); a spike to 1,600 takes each
/// past its limit (260Mi) and they are OOM-killed.
fn oom_under_traffic() -> World {
    let mut world = world_with(2, include_str!("../../../tests/manifests/corpus/000-memory-war-story.yaml"));
    world.advance(30_000);
    let spike = Fault::Traffic { namespace: "default".into(), service: "demo-api".into(), requests_per_second: 1_600 };
    world.apply_fault(&spike);
    world.advance(30_000);
    let oom_killed = pods(&world).flat_map(|pod| &pod.status.container_statuses).any(|status| {
        status
            .last_state
            .terminated
            .as_ref()
            .is_some_and(|terminated| terminated.reason.as_deref() == Some("OOMKilled"))
    });
    assert!(oom_killed, "a container was OOM-killed");
    world
}

/// Seeds 000 and 004 (as tests/sessions/node-failure.sh): node-1 stops,
/// its pods are evicted after the 300 s toleration, the ReplicaSet
/// replaces them, and node-1 comes back.
fn node_failure() -> World {
    let mut world = world_with(
        3,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  \
         selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      \
         containers: [{name: web, image: 'nginx:1.27'}]\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n  containers: [{name: sh, image: busybox}]\n",
    );
    world.advance(10_000);
    world.apply_fault(&Fault::StopNode { name: "node-1".into() });
    world.advance(6 * 60_000);
    world.apply_fault(&Fault::StartNode { name: "node-1".into() });
    world.advance(10_000);
    assert!(has_event(&world, "TaintManagerEviction"), "node-1's pods were evicted");
    let web = pods(&world).filter(|pod| pod.metadata.name().starts_with("web-") && is_pod_ready(pod)).count();
    assert_eq!(web, 3, "the ReplicaSet replaced the evicted pod");
    world
}

/// Seed 003's api under 300 requests a second, with a CPU HPA (target
/// 70 %, at most 20): it scales up from 3.
fn hpa_scale_up() -> World {
    let text = [
        include_str!("../../../tests/manifests/corpus/003-config.yaml"),
        include_str!("../../../tests/manifests/corpus/003-api.yaml"),
        include_str!("../../../tests/manifests/corpus/003-hpa.yaml"),
        "apiVersion: kubeloop.dev/v1\nkind: App\nmetadata: {name: api}\n\
         spec: {image: myrepo/api, cpu: {baseline: 5m, perRequest: 2m}}\n",
        "apiVersion: kubeloop.dev/v1\nkind: Traffic\nmetadata: {name: api}\nspec: {service: api, requestsPerSecond: 300}\n",
    ]
    .join("---\n");
    let mut world = world_with(4, &text);
    world.advance(90_000);
    assert!(has_event(&world, "SuccessfulRescale"), "the HPA rescaled");
    let replicas = world.store().list("Deployment", None).find_map(|object| match object {
        Object::Deployment(d) if d.metadata.name() == "api" => d.spec.replicas,
        _ => None,
    });
    assert!(replicas.is_some_and(|r| r > 3), "scaled up: {replicas:?}");
    world
}

/// The benchmark's scenario, small: 4 Deployments of 25.
fn rollout_4x25() -> World {
    rollout::run(Shape { deployments: 4, replicas: 25 })
}
