//! The bottom panel in the browser: the terminal prints what the CLI
//! prints, the Events tab lists the cluster's events (warnings marked), and
//! Explain shows the controllers' reasons. Each story is run natively on
//! `kubeloop_web::playground::Playground` as well: the page must agree.

use kubeloop_e2e::{Result, Session, serve_bundle};
use kubeloop_web::explain::explain;
use kubeloop_web::playground::Playground;
use kubeloop_web::timebar::clock_text;
use serde_json::Value;
use std::time::Duration;

const RENDER_WAIT: Duration = Duration::from_secs(20);
const ENTER: &str = "\u{E007}";
const ARROW_UP: &str = "\u{E013}";
const ARROW_DOWN: &str = "\u{E015}";
const ARROW_LEFT: &str = "\u{E012}";
const ARROW_RIGHT: &str = "\u{E014}";
const HOME: &str = "\u{E011}";
const END: &str = "\u{E010}";

/// The page's cluster on load: the demo applied and settled, paused.
fn native_demo() -> Playground {
    Playground::running(kubeloop_engine::DEMO_MANIFESTS)
}

fn open() -> Result<Session> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    session.goto(&url)?;
    session.wait_for(RENDER_WAIT, || Ok((!session.find_all("[data-pod]")?.is_empty()).then_some(())))?;
    Ok(session)
}

fn strings(value: Value) -> Vec<String> {
    value.as_array().into_iter().flatten().map(|v| v.as_str().unwrap_or_default().to_string()).collect()
}

fn terminal_outputs(session: &Session) -> Result<Vec<String>> {
    let script = "return [...document.querySelectorAll('.terminal-output')].map(e => e.textContent);";
    Ok(strings(session.execute(script, vec![])?))
}

/// Types a line at the terminal's prompt and waits for its output.
fn run(session: &Session, line: &str) -> Result<String> {
    let before = terminal_outputs(session)?.len();
    session.click("#tab-terminal")?;
    session.send_keys(&session.find("#terminal-input")?, &format!("{line}{ENTER}"))?;
    session.wait_for(RENDER_WAIT, || Ok(terminal_outputs(session)?.get(before).cloned()))
}

/// Steps the page `times` and waits until its clock says `native_ms`.
fn step_to(session: &Session, times: usize, native_ms: u64) -> Result<()> {
    for _ in 0..times {
        session.click("#step")?;
    }
    let expected = clock_text(native_ms, native_ms);
    session.wait_for(RENDER_WAIT, || Ok((session.text(&session.find("#clock")?)? == expected).then_some(())))
}

/// Steps the native playground until `done` holds (at most 20 steps) and
/// returns how many steps it took.
fn steps_until(playground: &mut Playground, done: impl Fn(&Playground) -> bool) -> usize {
    for steps in 0..20 {
        if done(playground) {
            return steps;
        }
        playground.step();
    }
    panic!("the native playground never got there");
}

#[test]
fn the_terminal_prints_what_the_cli_prints_and_agrees_with_the_diagram() -> Result<()> {
    let session = open()?;
    session.click("#tab-terminal")?;
    // Clicking the tab puts the caret in the prompt.
    session.wait_for(RENDER_WAIT, || {
        let focused = session.execute("return document.activeElement && document.activeElement.id;", vec![])?;
        Ok((focused.as_str() == Some("terminal-input")).then_some(()))
    })?;

    let printed = run(&session, "kubectl get pods")?;
    let expected = native_demo().command("kubectl get pods").output;
    assert_eq!(printed, expected);
    assert!(printed.starts_with("NAME "), "{printed}");

    let rows: Vec<&str> = printed.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{printed}");
    for row in rows {
        let words: Vec<&str> = row.split_whitespace().collect();
        let pod = session.find(&format!("[data-pod=\"{}\"]", words[0]))?;
        assert_eq!(session.attribute(&pod, "data-phase")?.as_deref(), Some(words[2]), "{row}");
    }

    let input = session.find("#terminal-input")?;
    let value = || session.execute("return document.getElementById('terminal-input').value;", vec![]);
    assert_eq!(value()?.as_str(), Some(""));
    session.send_keys(&input, ARROW_UP)?;
    assert_eq!(value()?.as_str(), Some("kubectl get pods"));
    // ArrowDown past the newest command: back to the (empty) line being typed.
    session.send_keys(&input, ARROW_DOWN)?;
    assert_eq!(value()?.as_str(), Some(""));
    // Without the word kubectl, the same command; its line shows with it.
    assert_eq!(run(&session, "get pods")?, expected);
    let lines = strings(
        session.execute("return [...document.querySelectorAll('.terminal-line')].map(e => e.textContent);", vec![])?,
    );
    assert_eq!(lines, ["$ kubectl get pods", "$ kubectl get pods"]);
    Ok(())
}

#[test]
fn events_list_the_scaling_and_mark_a_failing_probe_as_a_warning() -> Result<()> {
    let mut native = native_demo();
    let session = open()?;
    session.click("#tab-events")?;
    let rows_text = || -> Result<Vec<String>> {
        let script = "return [...document.querySelectorAll('table.events tbody tr')].map(r => \
                      [...r.cells].map(c => c.textContent).join('\\t'));";
        Ok(strings(session.execute(script, vec![])?))
    };
    let replica_set = native.world().store().list("ReplicaSet", None).next().map(|rs| rs.name().to_string());
    let scaled =
        format!("Normal\tScalingReplicaSet\tdeployment/demo-api\tScaled up replica set {} to 2", replica_set.unwrap());
    session.wait_for(RENDER_WAIT, || Ok(rows_text()?.iter().any(|row| row.ends_with(&scaled)).then_some(())))?;
    assert!(rows_text()?.iter().all(|row| !row.contains("Warning")));

    // Give the demo a readiness probe in the editor and apply it...
    let probed = kubeloop_engine::DEMO_MANIFESTS.replace(
        "        - containerPort: 3000\n",
        "        - containerPort: 3000\n        readinessProbe:\n          httpGet: {path: /healthz, port: 3000}\n",
    );
    let editor = session.find("#editor")?;
    session.execute(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        vec![Session::arg(&editor), probed.clone().into()],
    )?;
    session.click("#apply")?;
    assert!(native.apply(&probed).ok);
    session.wait_for(RENDER_WAIT, || Ok(session.find_all("#apply-result")?.into_iter().next()))?;
    // ...then break it from the terminal and step until the kubelet warns.
    let fault = "fault readiness deployment/demo-api 500";
    assert_eq!(run(&session, fault)?, native.command(fault).output);
    let steps = steps_until(&mut native, |p| {
        p.world().events().all().any(|e| e.event_type.as_str() == "Warning" && e.reason == "Unhealthy")
    });
    step_to(&session, steps, native.now_ms())?;

    session.click("#tab-events")?;
    let warning = session.wait_for(RENDER_WAIT, || Ok(session.find_all("tr.event.warning")?.into_iter().next()))?;
    let cells = strings(
        session.execute("return [...arguments[0].cells].map(c => c.textContent);", vec![Session::arg(&warning)])?,
    );
    assert_eq!(cells[1..3], ["Warning", "Unhealthy"]);
    assert!(cells[4].starts_with("Readiness probe failed: "), "{cells:?}");
    // Marked by weight and an icon, not by colour alone.
    let marks = session.execute(
        "const cell = arguments[0].cells[1]; const style = getComputedStyle(cell); \
         return [style.fontWeight, getComputedStyle(cell, '::before').content];",
        vec![Session::arg(&warning)],
    )?;
    let marks = strings(marks);
    assert!(marks[0].parse::<u32>().unwrap_or(0) >= 700, "{marks:?}");
    assert!(marks[1].contains('\u{26A0}'), "{marks:?}");
    Ok(())
}

#[test]
fn arrow_keys_move_between_tabs_and_only_the_shown_tab_is_in_the_focus_order() -> Result<()> {
    let session = open()?;
    // (the focused element's id, the shown tab, each tab's tabindex)
    let state = || -> Result<Vec<String>> {
        let script = "const tabs = [...document.querySelectorAll('[role=tab]')];\
                      return [document.activeElement.id,\
                              tabs.find(t => t.getAttribute('aria-selected') === 'true').id,\
                              tabs.map(t => t.tabIndex).join(' ')];";
        Ok(strings(session.execute(script, vec![])?))
    };
    session.execute("document.getElementById('tab-events').focus();", vec![])?;
    assert_eq!(state()?, ["tab-events", "tab-events", "0 -1 -1"]);
    let press = |key: &str, expected: [&str; 3]| -> Result<()> {
        session.send_keys(&session.find(":focus")?, key)?;
        let reached = session.wait_for(RENDER_WAIT, || Ok(Some(state()?).filter(|now| *now == expected)));
        assert!(reached.is_ok(), "after {key:?}: {:?}, not {expected:?}", state()?);
        Ok(())
    };
    press(ARROW_RIGHT, ["tab-terminal", "tab-terminal", "-1 0 -1"])?;
    press(ARROW_RIGHT, ["tab-explain", "tab-explain", "-1 -1 0"])?;
    press(ARROW_RIGHT, ["tab-events", "tab-events", "0 -1 -1"])?;
    press(ARROW_LEFT, ["tab-explain", "tab-explain", "-1 -1 0"])?;
    press(HOME, ["tab-events", "tab-events", "0 -1 -1"])?;
    press(END, ["tab-explain", "tab-explain", "-1 -1 0"])?;
    // The arrows moved between tabs: they did not step the cluster's time.
    assert!(session.text(&session.find("#clock")?)?.ends_with("(live)"));
    Ok(())
}

#[test]
fn explain_shows_the_rolling_update_arithmetic() -> Result<()> {
    let mut native = native_demo();
    let session = open()?;
    let set_image = "set image deployment/demo-api demo-api=myrepo/demo-api:1.0.1";
    let printed = run(&session, set_image)?;
    assert_eq!(printed, native.command(set_image).output);
    assert_eq!(printed, "deployment.apps/demo-api image updated\n");
    let steps =
        steps_until(&mut native, |p| p.world().decisions().iter().any(|d| d.what == "scale up the new ReplicaSet"));
    step_to(&session, steps, native.now_ms())?;

    session.click("#tab-explain")?;
    let expected = explain(native.world(), None);
    let texts = |css: &str| -> Result<Vec<String>> {
        let script = "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);";
        Ok(strings(session.execute(script, vec![css.into()])?))
    };
    let whats = session.wait_for(RENDER_WAIT, || {
        let whats = texts(".decision .decision-what")?;
        Ok((!whats.is_empty()).then_some(whats))
    })?;
    let native_whats: Vec<String> = expected.decisions.iter().map(|d| d.what.clone()).collect();
    assert_eq!(whats, native_whats);
    // The rolling update's arithmetic, in the engine's words, newest first.
    let surge = whats.iter().position(|what| what == "scale up the new ReplicaSet").expect("the surge decision");
    let why = texts(&format!(".decision:nth-child({}) .decision-why li", surge + 1))?;
    assert_eq!(why, expected.decisions[surge].why);
    assert_eq!(why[0], "maxSurge 25% of 2 rounds up to 1: up to 3 pods");
    // The step stopped at the newest decision's instant.
    assert_eq!(texts(".decision:first-child .decision-when")?, ["just now"]);
    Ok(())
}
