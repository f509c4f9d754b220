//! The benchmarks as a plain program, so the same work can be timed
//! natively and in wasm (wasm32-wasip1 under Node): `cargo xtask bench`.
//! Prints one line per case: name, median and minimum microseconds.
//!
//! Cases: parse + default + validate (`benches/parse.rs`), and the rolling
//! update at scale (`scenarios/rollout.rs`, as `benches/rollout.rs` times
//! it: image change to completion, preparing not timed) in both shapes for
//! `--pods N` (default 1,000).
//!
//! `bench_wasm [--samples N] [--rollout-samples N] [--pods N]`
#![allow(clippy::disallowed_types, clippy::disallowed_methods)] // benchmarks read the clock by definition

#[path = "../scenarios/rollout.rs"]
mod rollout;

use kubeloop_engine::parse_manifests;
use rollout::Shape;
use std::time::Instant;

const CASES: &[(&str, &str)] = &[
    ("ten_documents_300_lines", include_str!("../benches/fixtures/ten-documents.yaml")),
    ("five_invalid_documents", include_str!("../../../tests/manifests/diagnostics/deployment-spec.yaml")),
];

struct Options {
    samples: usize,
    rollout_samples: usize,
    pods: u32,
}

fn options() -> Options {
    let mut options = Options { samples: 200, rollout_samples: 5, pods: 1_000 };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = || pair.get(1).and_then(|v| v.parse::<u32>().ok()).filter(|&v| v > 0);
        let value = value().unwrap_or_else(|| panic!("{}: expected a positive number after it", pair[0]));
        match pair[0].as_str() {
            "--samples" => options.samples = value as usize,
            "--rollout-samples" => options.rollout_samples = value as usize,
            "--pods" => options.pods = value,
            other => panic!("unknown argument {other:?}: bench_wasm [--samples N] [--rollout-samples N] [--pods N]"),
        }
    }
    options
}

/// Times `samples` runs of `case` (given what `setup` made, untimed) and
/// prints the line `cargo xtask bench` reads.
fn measure<T, O>(name: &str, samples: usize, mut setup: impl FnMut() -> T, mut case: impl FnMut(T) -> O) {
    let mut micros: Vec<f64> = (0..samples)
        .map(|_| {
            let input = setup();
            let start = Instant::now();
            let output = case(std::hint::black_box(input));
            let elapsed = start.elapsed();
            drop(std::hint::black_box(output));
            elapsed.as_secs_f64() * 1e6
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    println!("{name} median_us={:.1} min_us={:.1} samples={samples}", micros[samples / 2], micros[0]);
}

fn main() {
    let options = options();
    for (name, text) in CASES {
        measure(name, options.samples, || *text, parse_manifests);
    }
    for shape in Shape::for_pods(options.pods) {
        // Once, untimed: the scenario completes as it should.
        rollout::run(shape);
        let name = format!("rollout_{shape}");
        measure(
            &name,
            options.rollout_samples,
            || rollout::prepare(shape),
            |(mut world, update)| {
                rollout::roll(&mut world, &update);
                world
            },
        );
    }
}
