//! The engine compiled to wasm (run under Node by wasm-bindgen-test-runner)
//! must read text exactly as it does natively.
#![cfg(target_arch = "wasm32")]

use kubeloop_engine::{DEMO_MANIFESTS, parse_manifests};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn parses_the_demo_like_native() {
    let manifests = parse_manifests(DEMO_MANIFESTS);
    assert!(manifests.diagnostics.is_empty());
    assert_eq!(manifests.deployments[0].replicas, 2);
}

#[wasm_bindgen_test]
fn reports_positions_like_native() {
    let manifests = parse_manifests("kind: Deployment\nspec:\n  replicas: -1\n");
    assert_eq!(
        manifests.diagnostics[0].to_string(),
        "3:13: error: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );
}
