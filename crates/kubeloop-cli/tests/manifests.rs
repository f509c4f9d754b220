//! `kubeloop check` over the manifests under tests/manifests:
//! - corpus/: every manifest the seed articles show, retyped; they must load
//!   without a single error (warnings, e.g. for an Ingress, are allowed).
//! - diagnostics/: broken manifests; the exact output is a snapshot in the
//!   `.out` file beside each. `KUBELOOP_BLESS=1 cargo test -p kubeloop-cli`
//!   rewrites the snapshots; review the diff before committing it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap().to_path_buf()
}

fn yaml_files(folder: &str) -> Vec<PathBuf> {
    let dir = workspace().join("tests/manifests").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no manifests in {}", dir.display());
    files
}

/// Runs `kubeloop check` from the workspace root on a relative path, so the
/// file names in the output are stable.
fn check(path: &Path) -> (String, Option<i32>) {
    let relative = path.strip_prefix(workspace()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kubeloop"))
        .arg("check")
        .arg(relative)
        .current_dir(workspace())
        .output()
        .unwrap();
    (String::from_utf8(output.stdout).unwrap(), output.status.code())
}

#[test]
fn every_seed_manifest_loads_without_errors() {
    for file in yaml_files("corpus") {
        let (stdout, code) = check(&file);
        assert!(!stdout.contains(": error: "), "{}:\n{stdout}", file.display());
        assert_eq!(code, Some(0), "{}", file.display());
    }
}

#[test]
fn diagnostics_match_their_snapshots() {
    let bless = std::env::var_os("KUBELOOP_BLESS").is_some();
    let mut mismatches = Vec::new();
    for file in yaml_files("diagnostics") {
        let (stdout, code) = check(&file);
        let expected_code = if stdout.contains(": error: ") { 1 } else { 0 };
        assert_eq!(code, Some(expected_code), "{}", file.display());
        let snapshot = file.with_extension("out");
        if bless {
            std::fs::write(&snapshot, &stdout).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if expected != stdout {
            mismatches.push(format!("{}:\n--- expected\n{expected}--- actual\n{stdout}", file.display()));
        }
    }
    assert!(mismatches.is_empty(), "snapshots differ (KUBELOOP_BLESS=1 to accept):\n{}", mismatches.join("\n"));
}

/// The wasm layer replays every snapshot too; its list must not fall behind.
#[test]
fn the_wasm_test_replays_every_snapshot() {
    let wasm_test = std::fs::read_to_string(workspace().join("crates/kubeloop-engine/tests/wasm.rs")).unwrap();
    for file in yaml_files("diagnostics") {
        let name = file.file_stem().unwrap().to_str().unwrap();
        assert!(
            wasm_test.contains(&format!("\"{name}\"")),
            "crates/kubeloop-engine/tests/wasm.rs does not list {name}"
        );
    }
}
