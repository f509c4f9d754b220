//! Native/wasm parity: the digests of the stories in `scenarios/stories.rs`
//! are a snapshot, `tests/digests.txt`, which the wasm test (`tests/wasm.rs`,
//! under Node) compares byte for byte. Any change in what the engine does
//! changes a digest: check the change is meant, then
//! `KUBELOOP_BLESS=1 cargo test -p kubeloop-engine --test digests` rewrites
//! the file.

#[path = "../scenarios/rollout.rs"]
mod rollout;
#[path = "../scenarios/stories.rs"]
mod stories;

use std::path::Path;

#[test]
fn digests_match_the_snapshot() {
    let actual = stories::digests();
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/digests.txt");
    if std::env::var_os("KUBELOOP_BLESS").is_some() {
        std::fs::write(&snapshot, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        expected == actual,
        "world digests differ from {} (KUBELOOP_BLESS=1 to accept):\n--- expected\n{expected}--- actual\n{actual}",
        snapshot.display()
    );
}

/// The snapshot names every story once, in order, with a sha256 each: a
/// hand-edited or truncated file fails here, not only as a mismatch.
#[test]
fn the_snapshot_is_well_formed() {
    let text = include_str!("digests.txt");
    let names: Vec<&str> = text.lines().map(|line| line.split(' ').next().unwrap_or("")).collect();
    let stories: Vec<&str> = stories::STORIES.iter().map(|story| story.name).collect();
    assert_eq!(names, stories);
    for line in text.lines() {
        let digest = line.split(' ').nth(1).unwrap_or("");
        assert!(digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()), "{line}");
    }
}
