//! One timed run of the rollout scenario (`scenarios/rollout.rs`) at a size,
//! release build: `cargo run --release --example rollout_scale -p
//! kubeloop-engine -- 10000`. Prints, per shape, how long preparing (create
//! and start every pod) and the rolling update took, on the wall clock and
//! in simulated time. For repeated measurements use the divan bench
//! (`benches/rollout.rs`) or `cargo xtask bench`.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)] // timing by definition

#[path = "../scenarios/rollout.rs"]
mod rollout;

use rollout::Shape;
use std::time::Instant;

fn main() {
    let pods: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    for shape in Shape::for_pods(pods) {
        let start = Instant::now();
        let (mut world, update) = rollout::prepare(shape);
        let prepared = start.elapsed();
        let start = Instant::now();
        let simulated_ms = rollout::roll(&mut world, &update);
        let rolled = start.elapsed();
        rollout::check(&world, shape);
        println!(
            "{shape} ({} pods on {} nodes): create+start {:.0} ms, rolling update {:.1} ms ({:.0} s simulated)",
            shape.pods(),
            shape.nodes(),
            prepared.as_secs_f64() * 1e3,
            rolled.as_secs_f64() * 1e3,
            simulated_ms as f64 / 1e3,
        );
    }
}
