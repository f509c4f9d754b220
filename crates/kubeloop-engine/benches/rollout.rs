//! The rolling update at scale (`scenarios/rollout.rs`), natively:
//! `cargo bench -p kubeloop-engine --bench rollout`. Times the image change
//! to completion (every pod updated and available) in two shapes, one
//! Deployment of N pods and N/100 Deployments of 100, from a world where
//! every pod is already Ready (preparing it is not timed).
//!
//! N is `KUBELOOP_BENCH_PODS` (default 1,000; the product target is 10,000
//! in about 100 ms). Ten samples by default; `DIVAN_SAMPLE_COUNT` changes
//! that. divan does not run on wasm32-unknown-unknown, so there this is an
//! empty program; `cargo xtask bench` times the same work in wasm.

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    divan::main();
}

#[cfg(not(target_arch = "wasm32"))]
#[path = "../scenarios/rollout.rs"]
mod rollout;

#[cfg(not(target_arch = "wasm32"))]
mod benches {
    use super::rollout::{self, Shape};
    use divan::Bencher;
    use divan::counter::ItemsCount;

    const DEFAULT_PODS: u32 = 1_000;

    fn shapes() -> Vec<Shape> {
        let pods = match std::env::var("KUBELOOP_BENCH_PODS") {
            Ok(text) => text.parse().unwrap_or_else(|_| panic!("KUBELOOP_BENCH_PODS={text:?} is not a number")),
            Err(_) => DEFAULT_PODS,
        };
        Shape::for_pods(pods)
    }

    /// Image change to completion; the counter gives pods per second.
    #[divan::bench(args = shapes(), sample_count = 10, sample_size = 1)]
    fn rolling_update(bencher: Bencher, shape: Shape) {
        // Once, untimed: the scenario completes as it should.
        rollout::run(shape);
        bencher.counter(ItemsCount::new(shape.pods())).with_inputs(|| rollout::prepare(shape)).bench_local_values(
            |(mut world, update)| {
                rollout::roll(&mut world, &update);
                world
            },
        );
    }
}
