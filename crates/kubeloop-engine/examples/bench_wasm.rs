//! The parse benchmark as a plain program, so the same work can be timed
//! natively and in wasm (wasm32-wasip1 under Node): `cargo xtask bench`.
//! Prints one line per case: name, median and minimum microseconds.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)] // benchmarks read the clock by definition

use kubeloop_engine::parse_manifests;
use std::time::Instant;

const CASES: &[(&str, &str)] = &[
    ("ten_documents_300_lines", include_str!("../benches/fixtures/ten-documents.yaml")),
    ("five_invalid_documents", include_str!("../../../tests/manifests/diagnostics/deployment-spec.yaml")),
];

fn main() {
    let samples: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    for (name, text) in CASES {
        let mut micros: Vec<f64> = (0..samples)
            .map(|_| {
                let start = Instant::now();
                let manifests = parse_manifests(std::hint::black_box(text));
                std::hint::black_box(manifests);
                start.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        micros.sort_by(f64::total_cmp);
        println!("{name} median_us={:.1} min_us={:.1} samples={samples}", micros[samples / 2], micros[0]);
    }
}
