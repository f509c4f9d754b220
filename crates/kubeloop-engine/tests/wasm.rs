//! The engine compiled to wasm (run under Node by wasm-bindgen-test-runner)
//! must behave exactly as it does natively: every diagnostics snapshot
//! (made by the native `kubeloop check`) must come out byte for byte, and
//! so must the world digests of the stories in `scenarios/stories.rs` (the
//! snapshot `tests/digests.txt`, made by the native `tests/digests.rs`).
#![cfg(target_arch = "wasm32")]

#[path = "../scenarios/rollout.rs"]
mod rollout;
#[path = "../scenarios/stories.rs"]
mod stories;

use kubeloop_engine::{DEMO_MANIFESTS, parse_manifests};
use wasm_bindgen_test::wasm_bindgen_test;

macro_rules! snapshots {
    ($($name:literal),* $(,)?) => {
        &[$((
            concat!("tests/manifests/diagnostics/", $name, ".yaml"),
            include_str!(concat!("../../../tests/manifests/diagnostics/", $name, ".yaml")),
            include_str!(concat!("../../../tests/manifests/diagnostics/", $name, ".out")),
        )),*]
    };
}

const SNAPSHOTS: &[(&str, &str, &str)] = snapshots![
    "deployment-spec",
    "deployment-strategy",
    "kinds-and-fields",
    "other-kinds",
    "pod-budget",
    "pod-template",
    "yaml-errors",
];

#[wasm_bindgen_test]
fn parses_the_demo_like_native() {
    let manifests = parse_manifests(DEMO_MANIFESTS);
    assert!(manifests.diagnostics.is_empty());
    assert_eq!(manifests.deployments().next().unwrap().spec.replicas, Some(2));
}

#[wasm_bindgen_test]
fn diagnostics_are_byte_identical_to_the_native_snapshots() {
    for (path, text, expected) in SNAPSHOTS {
        let actual: String =
            parse_manifests(text).diagnostics.iter().map(|diagnostic| format!("{path}:{diagnostic}\n")).collect();
        assert_eq!(&actual, expected, "{path}");
    }
}

#[wasm_bindgen_test]
fn world_digests_are_byte_identical_to_the_native_snapshot() {
    assert_eq!(stories::digests(), include_str!("digests.txt"));
}
