//! Parse + default + validate, natively: `cargo bench -p kubeloop-engine`
//! (or `cargo xtask bench`, which also runs the same work in wasm). divan
//! does not run on wasm32-unknown-unknown, so there this is an empty program.

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    divan::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod benches {
    use kubeloop_engine::parse_manifests;

    const TEN_DOCUMENTS: &str = include_str!("fixtures/ten-documents.yaml");
    const BROKEN: &str = include_str!("../../../tests/manifests/diagnostics/deployment-spec.yaml");

    /// The figure the manifests issue asks for: ~300 lines in 10 documents.
    #[divan::bench]
    fn ten_documents_300_lines() -> usize {
        parse_manifests(divan::black_box(TEN_DOCUMENTS)).objects.len()
    }

    /// Every document has errors: each diagnostic is located in the text.
    #[divan::bench]
    fn five_invalid_documents() -> usize {
        parse_manifests(divan::black_box(BROKEN)).diagnostics.len()
    }

    #[divan::bench]
    fn demo() -> usize {
        parse_manifests(divan::black_box(kubeloop_engine::DEMO_MANIFESTS)).objects.len()
    }
}
