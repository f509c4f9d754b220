//! `kubeloop check` as a user runs it: real process, real files, real exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn kubeloop(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeloop"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kubeloop");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn clean_manifest_prints_nothing_and_exits_0() {
    let output = kubeloop(&["check", "-"], kubeloop_engine::DEMO_MANIFESTS);
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn errors_are_reported_per_file_with_line_and_column_and_exit_1() {
    let dir = std::env::temp_dir().join(format!("kubeloop-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    let text = kubeloop_engine::DEMO_MANIFESTS.replace("replicas: 2", "replicas: -3");
    let line = text.lines().position(|l| l.contains("replicas: -3")).unwrap() + 1;
    std::fs::write(&bad, &text).unwrap();
    let output = kubeloop(&["check", bad.to_str().unwrap(), "-"], "a: b\n  c: d\n");
    assert_eq!(
        stdout(&output),
        format!(
            "{}:{line}:13: error: The Deployment \"demo-api\" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0\n\
             -:2:4: error: mapping values are not allowed in this context\n",
            bad.display()
        )
    );
    assert_eq!(output.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unreadable_file_and_bad_usage_are_clear() {
    let output = kubeloop(&["check", "/nonexistent/x.yaml"], "");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("/nonexistent/x.yaml: error: "));
    let output = kubeloop(&["frobnicate"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown command \"frobnicate\""));
}
