//! The playground as a visitor meets it: the release bundle served over HTTP,
//! opened in headless Chromium, edited by typing.

use kubeloop_e2e::{Result, Session, serve_bundle};
use std::time::Duration;

const RENDER_WAIT: Duration = Duration::from_secs(20);

fn pod_names(session: &Session) -> Result<Vec<String>> {
    let pods = session.find_all("svg [data-replica]")?;
    pods.iter().map(|pod| Ok(session.attribute(pod, "data-replica")?.unwrap_or_default())).collect()
}

/// Waits until the desired state shows exactly `count` replicas and returns
/// their names.
fn wait_for_pods(session: &Session, count: usize) -> Result<Vec<String>> {
    session.wait_for(RENDER_WAIT, || {
        let names = pod_names(session)?;
        Ok((names.len() == count).then_some(names))
    })
}

#[test]
fn typing_replicas_5_draws_5_desired_replicas() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    session.goto(&url)?;
    assert_eq!(wait_for_pods(&session, 2)?, ["demo-api-1", "demo-api-2"]);

    session.select_last_char_of("replicas: 2")?;
    session.send_keys(&session.find("#editor")?, "5")?;

    let names = wait_for_pods(&session, 5)?;
    assert_eq!(names, ["demo-api-1", "demo-api-2", "demo-api-3", "demo-api-4", "demo-api-5"]);
    let editor_text = session.execute("return document.getElementById('editor').value", vec![])?;
    assert!(editor_text.as_str().unwrap_or("").contains("  replicas: 5\n"));
    Ok(())
}

#[test]
fn typing_broken_yaml_shows_line_and_column() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    session.goto(&url)?;
    wait_for_pods(&session, 2)?;

    let editor = session.find("#editor")?;
    session.execute("arguments[0].focus(); arguments[0].select();", vec![Session::arg(&editor)])?;
    // Typed over the selection; the indented `c:` under a scalar is invalid.
    session.send_keys(&editor, "kind: Deployment\nspec:\n  replicas: 3\n  template: a\n    b: c\n")?;

    let diagnostic = session.wait_for(RENDER_WAIT, || Ok(session.find_all("#diagnostics li")?.into_iter().next()))?;
    let position = session.text(&session.find("#diagnostics li .position")?)?;
    let message = session.text(&session.find("#diagnostics li .message")?)?;
    assert_eq!(position, "5:6");
    assert_eq!(message, "mapping values are not allowed in this context");
    assert_eq!(session.attribute(&diagnostic, "class")?.as_deref(), Some("diagnostic error"));
    // The engine natively agrees on where the error is.
    let native = kubeloop_engine::parse_manifests("kind: Deployment\nspec:\n  replicas: 3\n  template: a\n    b: c\n");
    assert_eq!(native.diagnostics[0].position.to_string(), position);
    Ok(())
}
