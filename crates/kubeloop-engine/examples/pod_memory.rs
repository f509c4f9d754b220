//! Memory per pod: the live heap bytes of the world after the rolling
//! update of `scenarios/rollout.rs`, once the old pods are gone, divided by
//! its pods. A counting global
//! allocator (`cap`) gives the bytes; `cargo xtask bench` runs this natively
//! and in wasm (wasm32-wasip1 under Node, 32-bit pointers: the browser's
//! figure).
//!
//! `cargo run --release --example pod_memory -p kubeloop-engine -- 10000`
//!
//! What is counted: the `World` alone, i.e. everything it owns: the store
//! (every object, with the uid, node and owner indexes), the event log,
//! every controller decision since the start, the kubelet runtimes, and
//! the traffic, node and HPA state. Not counted: the parsed manifests, a
//! `History`'s checkpoints, allocator overhead (the figure is the sum of
//! the sizes asked for). The events and decisions figures come from copies
//! of them (no spare capacity; the keys they share with the store are
//! counted with the store); `store_and_rest` is the live total minus them.
//!
//! Prints the inline sizes (`size_of`) of the API types a pod is made of,
//! then one line per shape, in bytes per pod. `pods` is a compact copy of
//! the pod objects alone (inline size plus what they own on the heap, but
//! not the container list they share with their ReplicaSet), part of
//! `store_and_rest`.

#[path = "../scenarios/rollout.rs"]
mod rollout;

use cap::Cap;
use kubeloop_engine::api::core::{Container, ContainerStatus, Pod, PodSpec, PodStatus};
use kubeloop_engine::api::{Object, ObjectMeta};
use kubeloop_engine::world::World;
use rollout::Shape;
use std::alloc::System;
use std::mem::size_of;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// The bytes `make` leaves allocated (single-threaded, so exact).
fn bytes_of<T>(make: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATOR.allocated();
    let value = make();
    (value, ALLOCATOR.allocated() - before)
}

/// Runs on until the old pods have shut down and are gone from the store.
fn settle(world: &mut World) {
    let terminating =
        |world: &World| world.store().list("Pod", None).any(|pod| pod.metadata().deletion_timestamp.is_some());
    let deadline = world.now_ms() + rollout::LIMIT_MS;
    while terminating(world) {
        assert!(world.now_ms() < deadline, "old pods still terminating after {} ms", rollout::LIMIT_MS);
        world.advance(rollout::STEP_MS);
    }
}

fn main() {
    let pods: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    // Lazily initialised statics (stdout's buffer and the like) are
    // allocated by a first, small run, outside the measurement.
    drop(rollout::run(Shape { deployments: 1, replicas: 2 }));
    println!(
        "pod_memory_sizes Object={} Pod={} PodSpec={} Container={} ObjectMeta={} PodStatus={} ContainerStatus={}",
        size_of::<Object>(),
        size_of::<Pod>(),
        size_of::<PodSpec>(),
        size_of::<Container>(),
        size_of::<ObjectMeta>(),
        size_of::<PodStatus>(),
        size_of::<ContainerStatus>(),
    );
    println!("pod_memory: live heap bytes of the world after the rollout, per pod");
    for shape in Shape::for_pods(pods) {
        let (world, live) = bytes_of(|| {
            let mut world = rollout::run(shape);
            settle(&mut world);
            world
        });
        let size = |bytes: usize| bytes / shape.pods() as usize;
        // Copies of the event log and the decisions: what they hold beyond
        // the keys, which they share with the store (a key is counted once,
        // with the store and the rest).
        // Listed first, so that the copy's `Vec` has no spare capacity.
        let listed: Vec<&Object> = world.store().list("Pod", None).collect();
        let (_, pods) = bytes_of(|| listed.iter().map(|&pod| pod.clone()).collect::<Vec<_>>());
        let (_, events) = bytes_of(|| world.events().clone());
        let (_, decisions) = bytes_of(|| world.decisions().to_vec());
        let rest = live.saturating_sub(events + decisions);
        println!(
            "pod_memory_{shape} bytes_per_pod={} store_and_rest={} (pods={}) events={} decisions={} \
             ({} objects, {} events, {} decisions, {} pods)",
            size(live),
            size(rest),
            size(pods),
            size(events),
            size(decisions),
            world.store().len(),
            world.events().all().count(),
            world.decisions().len(),
            shape.pods(),
        );
    }
}
