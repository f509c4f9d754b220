//! The rolling update at scale, shared by the benchmarks (`benches/rollout.rs`,
//! `examples/bench_wasm.rs`), `examples/rollout_scale.rs`,
//! `examples/pod_memory.rs` and the native/wasm digest stories. Each of them
//! includes this file with `#[path = "../scenarios/rollout.rs"] mod rollout;`:
//! it is not part of the engine's API, and it only uses that API.
//!
//! The scenario: `D` Deployments of `R` replicas each (the demo's template:
//! one container, no probes, no requests) with a Service each, on enough
//! nodes of 110 pods (the kubelet's default maxPods). [`prepare`] applies
//! them and runs until every rollout is complete (every pod Ready);
//! [`roll`] applies the image change and runs until every rollout is
//! complete again (the part the product target times); [`check`] asserts
//! every pod is updated and available.
#![allow(dead_code)] // each consumer uses a part

use kubeloop_engine::api::Object;
use kubeloop_engine::controller::replicaset::is_pod_available;
use kubeloop_engine::world::World;
use kubeloop_engine::{Manifests, parse_manifests};
use std::fmt::Write as _;

/// The image tags before and after the change.
pub const FROM: &str = "1.0.0";
pub const TO: &str = "1.0.1";
/// The world's seed: every run is the same run.
pub const SEED: u64 = 1;
/// The world is advanced in steps of this long (simulated) while waiting
/// for a rollout to complete; completion is checked after each.
pub const STEP_MS: u64 = 1_000;
/// A rollout that has not completed after this long (simulated) never will.
pub const LIMIT_MS: u64 = 30 * 60 * 1_000;
/// The kubelet's default maxPods.
pub const PODS_PER_NODE: u32 = 110;

/// How the pods are spread: `deployments` Deployments of `replicas` each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub deployments: u32,
    pub replicas: u32,
}

impl Shape {
    /// The product target's two shapes for `pods` pods: one Deployment of
    /// all of them, and Deployments of 100 (only when that makes at least
    /// two).
    pub fn for_pods(pods: u32) -> Vec<Shape> {
        let mut shapes = vec![Shape { deployments: 1, replicas: pods }];
        if pods >= 200 {
            shapes.push(Shape { deployments: pods / 100, replicas: 100 });
        }
        shapes
    }

    pub fn pods(self) -> u32 {
        self.deployments * self.replicas
    }

    /// Enough nodes that no pod waits for one: room for twice the pods
    /// (the 25 % surge plus old pods still shutting down need more than
    /// half again as many).
    pub fn nodes(self) -> u32 {
        (self.pods() * 2).div_ceil(PODS_PER_NODE).max(1)
    }

    /// The nodes, then a Deployment and a Service per app, at an image tag.
    pub fn manifests(self, tag: &str) -> String {
        let mut text = String::new();
        for node in 1..=self.nodes() {
            let _ = write!(
                text,
                "---\napiVersion: v1\nkind: Node\nmetadata: {{name: node-{node:03}}}\n\
                 status: {{capacity: {{cpu: '64', memory: 256Gi, pods: '{PODS_PER_NODE}'}}}}\n"
            );
        }
        text.push_str(&self.workloads(tag));
        text
    }

    /// The Deployments and Services alone (what the image change applies).
    pub fn workloads(self, tag: &str) -> String {
        let mut text = String::new();
        for app in 1..=self.deployments {
            let (name, replicas) = (format!("web-{app:03}"), self.replicas);
            let _ = write!(
                text,
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, labels: {{app: {name}}}}}\n\
                 spec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    \
                 metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n      - name: web\n        \
                 image: myrepo/web:{tag}\n        ports:\n        - containerPort: 3000\n\
                 ---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n\
                 spec:\n  selector: {{app: {name}}}\n  ports:\n  - {{port: 80, targetPort: 3000}}\n"
            );
        }
        text
    }
}

impl std::fmt::Display for Shape {
    /// `10x100`: ten Deployments of 100.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}", self.deployments, self.replicas)
    }
}

/// A world where every pod of `shape` runs `FROM` and is Ready, and the
/// parsed manifests that change the image to `TO`.
pub fn prepare(shape: Shape) -> (World, Manifests) {
    let mut world = World::new(SEED);
    apply(&mut world, &parse(&shape.manifests(FROM)));
    run_to_completion(&mut world);
    (world, parse(&shape.workloads(TO)))
}

/// Applies the image change and runs until every rollout is complete;
/// returns how long that took in simulated milliseconds. Never inlined, so
/// that callgrind can count the roll alone (`--collect-atstart=no
/// --toggle-collect=rollout_scale::rollout::roll`).
#[inline(never)]
pub fn roll(world: &mut World, update: &Manifests) -> u64 {
    let started = world.now_ms();
    apply(world, update);
    run_to_completion(world);
    world.now_ms() - started
}

/// The whole scenario, checked: prepare, roll, check.
pub fn run(shape: Shape) -> World {
    let (mut world, update) = prepare(shape);
    roll(&mut world, &update);
    check(&world, shape);
    world
}

/// Asserts the rollout completed: exactly the shape's pods are active,
/// every one runs `TO` and is available, and no pod ever waited for a
/// node.
pub fn check(world: &World, shape: Shape) {
    let mut active = 0;
    for object in world.store().list("Pod", None) {
        let Object::Pod(pod) = object else { continue };
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        active += 1;
        let image = pod.spec.containers.first().and_then(|c| c.image.as_deref());
        assert_eq!(image, Some(format!("myrepo/web:{TO}").as_str()), "{} is not updated", pod.metadata.name());
        assert!(is_pod_available(pod, 0, world.now()), "{} is not available", pod.metadata.name());
    }
    assert_eq!(active, shape.pods(), "active pods");
    let unscheduled = world.events().all().filter(|e| e.reason == "FailedScheduling").count();
    assert_eq!(unscheduled, 0, "pods waited for a node: the shape needs more nodes");
}

fn parse(text: &str) -> Manifests {
    let manifests = parse_manifests(text);
    assert!(manifests.diagnostics.is_empty(), "{:?}", manifests.diagnostics);
    manifests
}

fn apply(world: &mut World, manifests: &Manifests) {
    for result in world.apply(manifests) {
        if let Err(error) = result {
            panic!("apply: {error}");
        }
    }
}

/// Advances in `STEP_MS` steps until every Deployment's rollout is
/// complete, as `kubectl rollout status` decides it.
fn run_to_completion(world: &mut World) {
    let deadline = world.now_ms() + LIMIT_MS;
    while !complete(world) {
        assert!(world.now_ms() < deadline, "the rollouts did not complete in {LIMIT_MS} ms");
        world.advance(STEP_MS);
    }
}

/// Every Deployment observed its latest spec and has as many updated,
/// total and available replicas as it wants (O(Deployments), so checking
/// it costs next to nothing).
fn complete(world: &World) -> bool {
    world.store().list("Deployment", None).all(|object| match object {
        Object::Deployment(d) => {
            let wanted = d.spec.replicas.unwrap_or(1);
            let status = &d.status;
            Some(status.observed_generation) >= d.metadata.generation
                && status.updated_replicas == wanted
                && status.replicas == wanted
                && status.available_replicas == wanted
        }
        _ => true,
    })
}
