//! The cluster diagram as a visitor watches it: pods appearing after Apply,
//! a rolling update step by step with the ReplicaSet counts the engine
//! computes, and scrubbing back to an earlier moment.

use kubeloop_e2e::{Result, Session, serve_bundle};
use kubeloop_web::cluster::ClusterView;
use kubeloop_web::playground::Playground;
use std::time::Duration;

const RENDER_WAIT: Duration = Duration::from_secs(20);
/// The page only changes on clicks here, so a render that has not matched
/// within this long never will.
const SETTLE: Duration = Duration::from_secs(5);

/// (name, STATUS) of every pod shape in the actual state.
fn pods(session: &Session) -> Result<Vec<(String, String)>> {
    let script = "return [...document.querySelectorAll('.actual-diagram [data-pod]')]\
                  .map(e => [e.getAttribute('data-pod'), e.getAttribute('data-phase')]);";
    pairs(session.execute(script, vec![])?)
}

/// The pods drawn inside one ReplicaSet's group.
fn pods_of(session: &Session, replica_set: &str) -> Result<Vec<(String, String)>> {
    let script = "return [...document.querySelectorAll('[data-replica-set]')]\
                  .filter(g => g.getAttribute('data-replica-set') === arguments[0])\
                  .flatMap(g => [...g.querySelectorAll('[data-pod]')])\
                  .map(e => [e.getAttribute('data-pod'), e.getAttribute('data-phase')]);";
    pairs(session.execute(script, vec![replica_set.into()])?)
}

fn pairs(value: serde_json::Value) -> Result<Vec<(String, String)>> {
    let rows = value.as_array().ok_or_else(|| format!("not a list: {value}"))?;
    Ok(rows
        .iter()
        .map(|row| (row[0].as_str().unwrap_or("").to_string(), row[1].as_str().unwrap_or("").to_string()))
        .collect())
}

/// (name, desired, current, ready) of every ReplicaSet drawn, sorted.
type Counts = Vec<(String, i32, i32, i32)>;

fn replica_sets(session: &Session) -> Result<Counts> {
    let script = "return [...document.querySelectorAll('[data-replica-set]')].map(g => [\
                  g.getAttribute('data-replica-set'), g.getAttribute('data-desired'),\
                  g.getAttribute('data-current'), g.getAttribute('data-ready')]);";
    let value = session.execute(script, vec![])?;
    let rows = value.as_array().ok_or_else(|| format!("not a list: {value}"))?;
    let number = |v: &serde_json::Value| v.as_str().and_then(|s| s.parse().ok()).unwrap_or(-1);
    let mut counts: Counts = rows
        .iter()
        .map(|row| (row[0].as_str().unwrap_or("").to_string(), number(&row[1]), number(&row[2]), number(&row[3])))
        .collect();
    counts.sort();
    Ok(counts)
}

/// What the engine says the same counts are.
fn engine_counts(playground: &Playground) -> Counts {
    let view = ClusterView::of(playground.world());
    let mut counts: Counts = view
        .deployments
        .iter()
        .flat_map(|d| d.replica_sets.iter())
        .map(|rs| (rs.key.name.clone(), rs.desired, rs.current, rs.ready))
        .collect();
    counts.sort();
    counts
}

/// A click as the user makes it, on an SVG element (which has no `click()`).
fn click_svg(session: &Session, css: &str) -> Result<()> {
    let element = session.find(css)?;
    let script = "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true})); return true;";
    session.execute(script, vec![Session::arg(&element)]).map(|_| ())
}

/// Whether each pod shape is shown selected, by name.
fn pressed(session: &Session) -> Result<Vec<(String, bool)>> {
    let shapes = session.find_all(".actual-diagram [data-pod]")?;
    shapes
        .iter()
        .map(|shape| {
            let name = session.attribute(shape, "data-pod")?.unwrap_or_default();
            Ok((name, session.attribute(shape, "aria-pressed")?.as_deref() == Some("true")))
        })
        .collect()
}

fn clock(session: &Session) -> Result<String> {
    session.text(&session.find("#clock")?)
}

/// Opens the page and waits for the running demo: two Running pods.
fn open_demo(session: &Session) -> Result<()> {
    session.goto(&serve_bundle()?)?;
    session.wait_for(RENDER_WAIT, || {
        let pods = pods(session)?;
        Ok((pods.len() == 2 && pods.iter().all(|(_, phase)| phase == "Running")).then_some(()))
    })
}

/// Types the new image tag and applies it; returns the text applied.
fn apply_new_image(session: &Session) -> Result<String> {
    session.select_last_char_of("myrepo/demo-api:1.0.0")?;
    session.send_keys(&session.find("#editor")?, "1")?;
    let text = session.editor_text()?;
    if text != kubeloop_engine::DEMO_MANIFESTS.replace("demo-api:1.0.0", "demo-api:1.0.1") {
        return Err(format!("unexpected editor text:\n{text}"));
    }
    session.click("#apply")?;
    Ok(text)
}

#[test]
fn raising_replicas_makes_pods_appear_over_time() -> Result<()> {
    let session = Session::start()?;
    open_demo(&session)?;

    session.select_last_char_of("replicas: 2")?;
    session.send_keys(&session.find("#editor")?, "5")?;
    session.wait_for(RENDER_WAIT, || Ok((session.find_all("svg [data-replica]")?.len() == 5).then_some(())))?;
    session.click("#apply")?;

    let after_apply = session.wait_for(SETTLE, || {
        let pods = pods(&session)?;
        Ok((pods.len() == 5).then_some(pods))
    })?;
    let not_running: Vec<_> = after_apply.iter().filter(|(_, phase)| phase != "Running").collect();
    assert_eq!(not_running.len(), 3, "the three new pods start out not running: {after_apply:?}");
    assert!(not_running.iter().all(|(_, phase)| phase == "Pending" || phase == "ContainerCreating"), "{not_running:?}");

    let mut phases_seen = Vec::new();
    for _ in 0..40 {
        let pods = pods(&session)?;
        phases_seen.extend(pods.iter().map(|(_, phase)| phase.clone()));
        if pods.len() == 5 && pods.iter().all(|(_, phase)| phase == "Running") {
            break;
        }
        session.click("#step")?;
    }
    let pods = pods(&session)?;
    assert_eq!(pods.len(), 5, "{pods:?}");
    assert!(pods.iter().all(|(_, phase)| phase == "Running"), "{pods:?}");
    assert!(phases_seen.iter().any(|phase| phase != "Running"), "{phases_seen:?}");
    // Each pod has its shape and hover text.
    let title =
        session.execute("return document.querySelector('.actual-diagram [data-pod] title').textContent", vec![])?;
    let title = title.as_str().unwrap_or("");
    assert!(title.starts_with("Pod demo-api-") && title.contains("\nStatus: Running\nReady: "), "{title}");
    Ok(())
}

#[test]
fn a_rolling_update_shows_the_engine_s_replica_set_counts_at_every_step() -> Result<()> {
    let mut native = Playground::running(kubeloop_engine::DEMO_MANIFESTS);

    let session = Session::start()?;
    open_demo(&session)?;
    let expected = engine_counts(&native);
    assert_eq!(session.wait_for(SETTLE, || Ok(Some(replica_sets(&session)?)))?, expected);

    let text = apply_new_image(&session)?;
    native.apply(&text);
    let mut steps = 0;
    let mut both_running = false;
    loop {
        let expected = engine_counts(&native);
        both_running |= expected.len() == 2 && expected.iter().all(|(_, _, current, _)| *current > 0);
        let shown = session.wait_for(SETTLE, || {
            let shown = replica_sets(&session)?;
            Ok((shown == expected).then_some(shown))
        });
        assert_eq!(shown, Ok(expected.clone()), "after {steps} steps (the page shows {:?})", replica_sets(&session));
        let done = expected.len() == 2
            && expected.iter().all(|(_, desired, current, ready)| desired == current && current == ready)
            && expected.iter().any(|(_, desired, ..)| *desired == 0);
        if done || steps == 40 {
            assert!(done, "the rollout did not finish in {steps} steps: {expected:?}");
            break;
        }
        session.click("#step")?;
        native.step();
        steps += 1;
    }
    assert!(steps >= 2 && both_running, "a rolling update runs both ReplicaSets for a while ({steps} steps)");
    Ok(())
}

#[test]
fn scrubbing_back_shows_the_earlier_state_and_seeking_to_the_end_is_live() -> Result<()> {
    let session = Session::start()?;
    open_demo(&session)?;
    let old_pods = pods(&session)?;
    let [(old_rs, ..)] = &replica_sets(&session)?[..] else { return Err("one ReplicaSet at first".into()) };
    let old_rs = old_rs.clone();

    apply_new_image(&session)?;
    for _ in 0..40 {
        let counts = replica_sets(&session)?;
        if counts.iter().any(|(name, desired, current, _)| *name == old_rs && *desired == 0 && *current == 0)
            && pods_of(&session, &old_rs)?.is_empty()
        {
            break;
        }
        session.click("#step")?;
    }
    assert!(pods_of(&session, &old_rs)?.is_empty(), "the rollout did not finish");
    let live_clock = clock(&session)?;
    assert!(live_clock.ends_with("(live)"), "{live_clock}");

    // Back, event by event, until the old ReplicaSet's pods are there again.
    let mut back = 0;
    while pods_of(&session, &old_rs)?.is_empty() && back < 60 {
        session.click("#step-back")?;
        back += 1;
    }
    let earlier = pods_of(&session, &old_rs)?;
    assert!(!earlier.is_empty(), "no old pods after {back} steps back");
    assert!(earlier.iter().all(|pod| old_pods.iter().any(|(name, _)| *name == pod.0)), "{earlier:?} vs {old_pods:?}");
    let past_clock = clock(&session)?;
    assert!(!past_clock.contains("live") && past_clock.contains(" of "), "{past_clock}");

    // Selecting an old pod describes it as it was then.
    let (name, phase) = &earlier[0];
    click_svg(&session, &format!(".actual-diagram [data-pod='{name}']"))?;
    let details = session.wait_for(SETTLE, || {
        let text = session.text(&session.find("#details")?)?;
        Ok(text.starts_with("Name:").then_some(text))
    })?;
    let first = details.lines().next().unwrap_or("");
    assert!(first.starts_with("Name:") && first.ends_with(&format!(" {name}")), "{details}");
    let status = details.lines().find(|line| line.starts_with("Status:")).unwrap_or("");
    // `Running`, or `Terminating (lasts 2s)` for a pod on its way out.
    assert!(status.contains(&format!(" {phase}")), "{details}");
    let selected = session.find(&format!(".actual-diagram [data-pod='{name}']"))?;
    assert_eq!(session.attribute(&selected, "aria-pressed")?.as_deref(), Some("true"));

    // Forward, event by event, until the present: live again. (Not the
    // scrubber: its step of 100 ms cannot reach a present that is not a
    // multiple of it.)
    for _ in 0..(back + 5) {
        if clock(&session)?.ends_with("(live)") {
            break;
        }
        session.click("#step")?;
    }
    assert_eq!(clock(&session)?, live_clock);
    assert!(pods_of(&session, &old_rs)?.is_empty());
    let now = pods(&session)?;
    assert_eq!(now.len(), 2, "{now:?}");
    assert!(now.iter().all(|(_, phase)| phase == "Running"), "{now:?}");
    Ok(())
}

#[test]
fn a_click_around_the_shapes_or_escape_clears_the_selection() -> Result<()> {
    let session = Session::start()?;
    open_demo(&session)?;
    let name = pods(&session)?[0].0.clone();
    let shape = format!(".actual-diagram [data-pod='{name}']");
    let selected_only = |session: &Session| -> Result<Option<()>> {
        let now = pressed(session)?;
        Ok(now.iter().all(|(pod, on)| *on == (*pod == name)).then_some(()))
    };
    let none_selected =
        |session: &Session| -> Result<Option<()>> { Ok(pressed(session)?.iter().all(|(_, on)| !on).then_some(())) };

    click_svg(&session, &shape)?;
    session.wait_for(SETTLE, || selected_only(&session))?;
    // A click on the diagram's background.
    click_svg(&session, ".actual-diagram")?;
    session.wait_for(SETTLE, || none_selected(&session))?;
    assert!(!session.text(&session.find("#details")?)?.starts_with("Name:"));

    click_svg(&session, &shape)?;
    session.wait_for(SETTLE, || selected_only(&session))?;
    // Escape, from the page (not while typing).
    session.execute(
        "document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));",
        vec![],
    )?;
    session.wait_for(SETTLE, || none_selected(&session))?;
    Ok(())
}
