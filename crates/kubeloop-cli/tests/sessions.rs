//! `kubeloop run` over the session scripts in tests/sessions: each
//! transcript is a snapshot in the `.out` file beside its script
//! (`KUBELOOP_BLESS=1 cargo test -p kubeloop-cli --test sessions` rewrites
//! them; review the diff). The same script and seed must print the same
//! bytes every time.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap().to_path_buf()
}

fn scripts() -> Vec<PathBuf> {
    let dir = workspace().join("tests/sessions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sh"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

fn run(script: &Path, seed: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_kubeloop"))
        .args(["run", script.to_str().unwrap(), "--seed", seed])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn transcripts_match_their_snapshots() {
    let bless = std::env::var_os("KUBELOOP_BLESS").is_some();
    let mut mismatches = Vec::new();
    for script in scripts() {
        let transcript = run(&script, "1");
        let snapshot = script.with_extension("out");
        if bless {
            std::fs::write(&snapshot, &transcript).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if expected != transcript {
            mismatches.push(format!("{}:\n--- expected\n{expected}--- actual\n{transcript}", script.display()));
        }
    }
    assert!(mismatches.is_empty(), "transcripts differ (KUBELOOP_BLESS=1 to accept):\n{}", mismatches.join("\n"));
}

#[test]
fn same_script_and_seed_same_bytes() {
    for script in scripts() {
        assert_eq!(run(&script, "7"), run(&script, "7"), "{}", script.display());
    }
}
