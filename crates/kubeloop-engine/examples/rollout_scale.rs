//! How long a rolling update of N pods takes to simulate (release build):
//! `cargo run --release --example rollout_scale -p kubeloop-engine -- 1000`.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)] // timing by definition
use kubeloop_engine::world::World;
use kubeloop_engine::{DEMO_MANIFESTS, parse_manifests};
use std::time::Instant;

fn main() {
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let nodes: String = (1..=20)
        .map(|i| format!("---\napiVersion: v1\nkind: Node\nmetadata: {{name: n{i}}}\nstatus: {{capacity: {{cpu: '64', memory: 256Gi, pods: '1000'}}}}\n"))
        .collect();
    let text = format!("{}{nodes}", DEMO_MANIFESTS.replace("replicas: 2", &format!("replicas: {n}")));
    let mut world = World::new(1);
    let start = Instant::now();
    world.apply(&parse_manifests(&text));
    world.advance(30_000);
    let created = start.elapsed();
    let start = Instant::now();
    world.apply(&parse_manifests(&text.replace("1.0.0", "1.0.1")));
    world.advance(600_000);
    let rolled = start.elapsed();
    let pods = world.store().list("Pod", None).count();
    println!(
        "{n} replicas: create+start {:.0} ms, rolling update {:.0} ms, {pods} pods at the end",
        created.as_secs_f64() * 1e3,
        rolled.as_secs_f64() * 1e3
    );
}
