//! The editor as a visitor uses it: what is typed survives a reload, the
//! session does too, the change summary says what Apply will do, and the
//! keyboard indents without trapping focus.

use kubeloop_e2e::{Result, Session, serve_bundle};
use std::time::Duration;

const RENDER_WAIT: Duration = Duration::from_secs(20);
/// WebDriver key codes: Control, Enter, Tab, Escape, and "release modifiers".
const CONTROL: &str = "\u{E009}";
const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";
const ESCAPE: &str = "\u{E00C}";
const RELEASE: &str = "\u{E000}";

fn wait_for_pod_count(session: &Session, count: usize) -> Result<()> {
    session.wait_for(RENDER_WAIT, || Ok((session.find_all("[data-pod]")?.len() == count).then_some(())))
}

fn open(session: &Session, url: &str) -> Result<()> {
    session.goto(url)?;
    wait_for_pod_count(session, 2).or_else(|_| {
        // A restored session may hold another count; wait for any pods.
        session.wait_for(RENDER_WAIT, || Ok((!session.find_all("[data-pod]")?.is_empty()).then_some(())))
    })
}

#[test]
fn reset_to_demo_asks_first_then_starts_again() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    open(&session, &url)?;
    session.select_last_char_of("replicas: 2")?;
    session.send_keys(&session.find("#editor")?, &format!("3{CONTROL}{ENTER}{RELEASE}"))?;
    wait_for_pod_count(&session, 3)?;

    // Cancel keeps everything.
    session.click_natively("#reset")?;
    let question = session.answer_dialog(false)?;
    assert_eq!(question, "Discard your text and session and start again from the demo?");
    assert!(session.editor_text()?.contains("replicas: 3"));
    wait_for_pod_count(&session, 3)?;

    // OK: the demo's text, its two pods, and nothing saved of the old
    // session (a reload stays on the demo).
    session.click_natively("#reset")?;
    session.answer_dialog(true)?;
    wait_for_pod_count(&session, 2)?;
    assert_eq!(session.editor_text()?, kubeloop_engine::DEMO_MANIFESTS);
    open(&session, &url)?;
    wait_for_pod_count(&session, 2)?;
    assert_eq!(session.editor_text()?, kubeloop_engine::DEMO_MANIFESTS);
    Ok(())
}

#[test]
fn reload_keeps_the_text() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    open(&session, &url)?;
    session.select_last_char_of("port: 80")?;
    session.send_keys(&session.find("#editor")?, "81")?;
    assert!(session.editor_text()?.contains("  - port: 881\n"));

    open(&session, &url)?;
    let text = session.wait_for(RENDER_WAIT, || {
        let text = session.editor_text()?;
        Ok(text.contains("port: 881").then_some(text))
    })?;
    assert!(text.starts_with("# demo-api"), "{text}");
    Ok(())
}

#[test]
fn reload_keeps_the_session() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    open(&session, &url)?;
    wait_for_pod_count(&session, 2)?;
    session.select_last_char_of("replicas: 2")?;
    let editor = session.find("#editor")?;
    session.send_keys(&editor, "3")?;
    session.send_keys(&editor, &format!("{CONTROL}{ENTER}{RELEASE}"))?;
    wait_for_pod_count(&session, 3)?;
    // Ctrl-Enter applied; it typed no newline.
    assert!(session.editor_text()?.contains("  replicas: 3\n  selector:"));
    assert_eq!(
        session.text(&session.find("#apply-result")?)?,
        "deployment.apps/demo-api configured\nservice/demo-api unchanged"
    );

    session.goto(&url)?;
    wait_for_pod_count(&session, 3)?;
    assert!(session.editor_text()?.contains("  replicas: 3\n"));
    Ok(())
}

#[test]
fn the_change_summary_names_the_new_image() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    open(&session, &url)?;
    // The unchanged demo says so.
    let items = session.wait_for(RENDER_WAIT, || Ok(Some(session.find_all("#change-summary li")?)))?;
    assert_eq!(session.text(&items[0])?, "Deployment demo-api unchanged");

    session.select_last_char_of("demo-api:1.0.0")?;
    session.send_keys(&session.find("#editor")?, "1")?;
    let wanted = "rolls out a new ReplicaSet: spec.template.spec.containers[0].image changed from \
                  myrepo/demo-api:1.0.0 to myrepo/demo-api:1.0.1";
    session.wait_for(RENDER_WAIT, || {
        let items = session.find_all("#change-summary li")?;
        let texts: Vec<String> = items.iter().map(|item| session.text(item)).collect::<Result<_>>()?;
        Ok(texts.iter().any(|text| text == wanted).then_some(()))
    })?;

    // A text with errors gets no summary.
    session.select_last_char_of("kind: Service")?;
    session.send_keys(&session.find("#editor")?, "x")?;
    session.wait_for(RENDER_WAIT, || Ok(session.find_all("#change-summary")?.is_empty().then_some(())))?;
    Ok(())
}

#[test]
fn tab_indents_and_escape_then_tab_leaves() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    open(&session, &url)?;
    let editor = session.find("#editor")?;
    // Select the Service's two `spec:` children lines and indent them.
    let script = "const el = arguments[0]; const i = el.value.indexOf('  selector:\\n    app: demo-api\\n  ports'); \
                  el.focus(); el.setSelectionRange(i, i + 30);";
    session.execute(script, vec![Session::arg(&editor)])?;
    session.send_keys(&editor, TAB)?;
    assert!(
        session.editor_text()?.contains("\n    selector:\n      app: demo-api\n  ports:"),
        "{}",
        session.editor_text()?
    );
    session.send_keys(&editor, &format!("\u{E008}{TAB}{RELEASE}"))?;
    assert!(session.editor_text()?.contains("\n  selector:\n    app: demo-api\n  ports:"));
    // The text is drawn highlighted behind the textarea.
    let key = session.execute("return document.querySelector('.editor-backdrop .y-k').textContent", vec![])?;
    assert_eq!(key.as_str(), Some("apiVersion"));
    let drawn = session.execute("return document.querySelector('.editor-backdrop').textContent", vec![])?;
    assert_eq!(drawn.as_str().map(|t| t.len()), Some(session.editor_text()?.replace('\n', "").len()));

    session.send_keys(&editor, ESCAPE)?;
    session.send_keys(&editor, TAB)?;
    let focused = session.execute("return document.activeElement && document.activeElement.id", vec![])?;
    assert_ne!(focused.as_str(), Some("editor"), "Escape then Tab leaves the editor");
    Ok(())
}
