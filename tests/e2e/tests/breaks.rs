//! Break things, as a visitor does it: pick the Deployment, press a break
//! button, step through time and watch what Kubernetes does.

use kubeloop_e2e::{Result, Session, serve_bundle};
use std::time::Duration;

const RENDER_WAIT: Duration = Duration::from_secs(20);

/// Picks `deployment/demo-api` in the break-things picker.
fn pick_target(session: &Session, name: &str) -> Result<()> {
    let select = session.find("#break-target")?;
    let script = "const [el, name] = arguments; el.value = name; \
                  el.dispatchEvent(new Event('change', { bubbles: true })); return el.value;";
    let chosen = session.execute(script, vec![Session::arg(&select), name.into()])?;
    if chosen.as_str() == Some(name) { Ok(()) } else { Err(format!("{name} is not in the picker")) }
}

/// Replaces the editor's text as a user would: select all, type.
fn type_text(session: &Session, text: &str) -> Result<()> {
    let editor = session.find("#editor")?;
    session.execute("arguments[0].focus(); arguments[0].select();", vec![Session::arg(&editor)])?;
    session.send_keys(&editor, text)
}

/// Each ReplicaSet on show: (name, desired, current, ready).
fn replica_sets(session: &Session) -> Result<Vec<(String, i32, i32, i32)>> {
    let number = |element, name| -> Result<i32> {
        Ok(session.attribute(element, name)?.and_then(|v| v.parse().ok()).unwrap_or(-1))
    };
    session
        .find_all("[data-replica-set]")?
        .iter()
        .map(|rs| {
            Ok((
                session.attribute(rs, "data-replica-set")?.unwrap_or_default(),
                number(rs, "data-desired")?,
                number(rs, "data-current")?,
                number(rs, "data-ready")?,
            ))
        })
        .collect()
}

fn phases(session: &Session) -> Result<Vec<String>> {
    session
        .find_all("[data-phase]")?
        .iter()
        .map(|pod| Ok(session.attribute(pod, "data-phase")?.unwrap_or_default()))
        .collect()
}

const WITH_PROBE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo-api\nspec:\n  replicas: 2\n  \
selector:\n    matchLabels:\n      app: demo-api\n  template:\n    metadata:\n      labels:\n        app: demo-api\n    \
spec:\n      containers:\n      - name: demo-api\n        image: myrepo/demo-api:TAG\n        readinessProbe:\n          \
httpGet: {path: /healthz, port: 3000}\n          periodSeconds: 5\n";

#[test]
fn failing_readiness_stalls_the_rollout() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    session.goto(&url)?;
    session.wait_for(RENDER_WAIT, || Ok((phases(&session)?.len() == 2).then_some(())))?;

    // A readiness probe first: without one, the kubelet never asks.
    type_text(&session, &WITH_PROBE.replace("TAG", "1.0.0"))?;
    session.click("#apply")?;
    // Adding the probe changes the template: a rollout of its own, done
    // once the newest ReplicaSet has both pods ready.
    let mut done = false;
    for _ in 0..60 {
        session.click("#step")?;
        if replica_sets(&session)?.first().is_some_and(|(_, desired, _, ready)| (*desired, *ready) == (2, 2)) {
            done = true;
            break;
        }
    }
    assert!(done, "the probe's rollout did not finish: {:?}", replica_sets(&session)?);
    pick_target(&session, "deployment/demo-api")?;
    session.click("#break-fail-readiness")?;
    type_text(&session, &WITH_PROBE.replace("TAG", "1.0.1"))?;
    session.click("#apply")?;
    for _ in 0..30 {
        session.click("#step")?;
    }
    let sets = replica_sets(&session)?;
    // Newest first: 1.0.1, 1.0.0 with the probe, 1.0.0 without it.
    let [(new, new_desired, _, new_ready), (old, old_desired, old_current, _), _] = &sets[..] else {
        return Err(format!("expected three ReplicaSets: {sets:?}"));
    };
    // maxSurge 25% of 2 rounds up to 1, maxUnavailable rounds down to 0:
    // one new pod that never turns ready, and the old ones stay.
    assert_eq!((*new_desired, *new_ready), (1, 0), "{new}: {sets:?}");
    assert_eq!((*old_desired, *old_current), (2, 2), "{old}: {sets:?}");
    let clock = session.text(&session.find("#clock")?)?;
    assert!(clock.ends_with("(live)"), "{clock}");
    Ok(())
}

#[test]
fn a_memory_limit_below_use_crash_loops() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    session.goto(&url)?;
    session.wait_for(RENDER_WAIT, || Ok((phases(&session)?.len() == 2).then_some(())))?;

    pick_target(&session, "deployment/demo-api")?;
    session.click("#break-lower-memory-limit")?;
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..40 {
        session.click("#step")?;
        for phase in phases(&session)? {
            if !seen.contains(&phase) {
                seen.push(phase);
            }
        }
    }
    assert!(seen.contains(&"CrashLoopBackOff".to_string()), "{seen:?}");
    let sets = replica_sets(&session)?;
    assert_eq!(sets.len(), 2, "the limit change rolled out a new ReplicaSet: {sets:?}");
    Ok(())
}
