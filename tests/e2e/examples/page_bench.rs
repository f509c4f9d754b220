//! The page's two speed targets, measured in headless Chromium over the
//! release bundle (`cargo xtask bench` runs this after building it):
//!
//! 1. First render: from navigation start (`performance.now()`'s origin) to
//!    the first frame after the diagram shows the demo Deployment's pods
//!    Running, for a new visitor (empty localStorage). A probe installed
//!    before the page's own scripts (DevTools `addScriptToEvaluateOnNewDocument`)
//!    watches the DOM, so the page carries no measuring code.
//! 2. Frames while playing a rolling update of 1,000 pods (the scale
//!    scenario the engine's benchmarks use: one Deployment of 1,000 on 19
//!    nodes): the intervals between animation frames over a few seconds of
//!    play at 1x and at 60x, next to the same page paused (the browser's own
//!    frame rate here). The page advances the engine in its frame callback,
//!    so a slow frame shows as a long interval.
//!
//! Prints figures; asserts only that what it measured happened (the pods
//! were Running; the rollout moved while frames were counted).

#[path = "../../../crates/kubeloop-engine/scenarios/rollout.rs"]
mod rollout;

use kubeloop_e2e::{Result, Session, serve_bundle};
use serde_json::Value;
use std::time::Duration;

const LOADS: usize = 7;
const WAIT: Duration = Duration::from_secs(60);
const FRAMES_MS: u64 = 3_000;
/// A rollout still running after this long (real time) is an error.
const ROLLOUT_LIMIT_MS: u64 = 25_000;

/// Records when the demo's two pods first show as Running, and the frame
/// after that.
const FIRST_RENDER_PROBE: &str = r#"(() => {
  const running = () => document.querySelectorAll('svg [data-pod][data-phase="Running"]').length >= 2;
  const observer = new MutationObserver(() => {
    if (window.__firstRender === undefined && running()) {
      window.__firstRender = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => { window.__firstFrame = performance.now(); });
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();"#;

/// Collects animation frame timestamps until the rollout is complete (every
/// `web-` ReplicaSet but the newest has no pods, and the newest has all of them
/// ready) or `arguments[1]` ms have passed, whichever is first, and the long
/// tasks (over 50 ms) Chromium reports meanwhile.
const FRAME_PROBE: &str = r#"const [replicas, limit, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const complete = () => {
  const sets = [...document.querySelectorAll('svg [data-replica-set^="web-"]')]
    .sort((a, b) => Number(b.dataset.revision) - Number(a.dataset.revision));
  return sets.length > 0 && Number(sets[0].dataset.ready) === replicas
    && sets.slice(1).every(set => Number(set.dataset.current) === 0);
};
const times = [];
let longTasks = 0;
const observer = new PerformanceObserver(list => { longTasks += list.getEntries().length; });
observer.observe({ entryTypes: ['longtask'] });
const frame = t => {
  times.push(t);
  if ((replicas === 0 || !complete()) && t - times[0] < limit) requestAnimationFrame(frame);
  else { observer.disconnect(); done({ times, longTasks, complete: replicas > 0 && complete() }); }
};
requestAnimationFrame(frame);"#;

fn main() -> Result<()> {
    let url = serve_bundle()?;
    let session = Session::start()?;
    first_render(&session, &url)?;
    frames_while_playing(&session, &url)?;
    Ok(())
}

fn first_render(session: &Session, url: &str) -> Result<()> {
    session.devtools("Page.enable", serde_json::json!({}))?;
    session.devtools("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": FIRST_RENDER_PROBE }))?;
    let mut rows = Vec::new();
    for load in 0..LOADS {
        // A new visitor: nothing saved (the first load's profile is fresh).
        if load > 0 {
            session.execute("localStorage.clear();", vec![])?;
        }
        session.goto(url)?;
        let figures = session.wait_for(WAIT, || {
            let value = session.execute(
                "const nav = performance.getEntriesByType('navigation')[0];\
                 const wasm = performance.getEntriesByType('resource').find(e => e.name.endsWith('.wasm'));\
                 return window.__firstFrame === undefined ? null : [window.__firstRender, window.__firstFrame,\
                 nav.domContentLoadedEventEnd, wasm ? wasm.responseEnd : -1, wasm ? wasm.transferSize : -1];",
                vec![],
            )?;
            Ok(numbers(&value))
        })?;
        rows.push(figures);
    }
    println!("first render of the running demo (ms from navigation start; {LOADS} loads, a new visitor each):");
    println!("  load  DOMContentLoaded  wasm received  pods Running  next frame");
    for (load, row) in rows.iter().enumerate() {
        let cache = if row[4] == 0.0 { " (wasm from cache)" } else { "" };
        println!("  {:>4}  {:>16.1}  {:>13.1}  {:>12.1}  {:>10.1}{cache}", load + 1, row[2], row[3], row[0], row[1]);
    }
    let mut frames: Vec<f64> = rows.iter().map(|row| row[1]).collect();
    frames.sort_by(f64::total_cmp);
    println!(
        "  first frame with the pods Running: median {:.1} ms, worst {:.1} ms (target: 500 ms)",
        frames[frames.len() / 2],
        frames[frames.len() - 1]
    );
    Ok(())
}

fn frames_while_playing(session: &Session, url: &str) -> Result<()> {
    let shape = rollout::Shape { deployments: 1, replicas: 1_000 };
    session.execute("localStorage.clear();", vec![])?;
    session.goto(url)?;
    session.wait_for(WAIT, || Ok(session.find_all("svg [data-pod]")?.first().cloned()))?;
    println!("frames while playing a rolling update of {shape} pods on {} nodes:", shape.nodes());
    let paused = count_frames(session, 0, FRAMES_MS)?;
    print_frames("paused", &paused);

    apply(session, &shape.manifests(rollout::FROM))?;
    terminal(session, "sleep 2m")?;
    let running = session.wait_for(WAIT, || {
        let count = session.find_all("svg [data-pod][data-phase=\"Running\"]")?.len();
        Ok((count >= shape.pods() as usize).then_some(count))
    })?;
    println!("  {running} pods Running (the demo's two and the 1,000)");
    for (speed, tag) in [(1, "1.0.1"), (10, "1.0.2"), (60, "1.0.3")] {
        session.execute(
            "const speed = document.getElementById('speed'); speed.value = arguments[0];\
             speed.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![speed.to_string().into()],
        )?;
        terminal(session, &format!("kubectl set image deployment/web-001 web=myrepo/web:{tag}"))?;
        // The default tab while playing, as a visitor has it.
        session.click("#tab-events")?;
        let clock_before = clock(session)?;
        session.click("#play")?;
        let frames = count_frames(session, shape.pods(), ROLLOUT_LIMIT_MS)?;
        session.click("#play")?;
        if !frames.complete {
            return Err(format!("the rollout at {speed}x did not complete within {ROLLOUT_LIMIT_MS} ms"));
        }
        print_frames(&format!("rollout at {speed}x"), &frames);
        println!("  {:<16} simulated {clock_before} -> {}", "", clock(session)?);
    }
    Ok(())
}

struct Frames {
    times: Vec<f64>,
    long_tasks: u64,
    complete: bool,
}

/// Counts animation frames until a rollout of `replicas` is complete (or
/// for `limit_ms` when `replicas` is 0).
fn count_frames(session: &Session, replicas: u32, limit_ms: u64) -> Result<Frames> {
    let value = session.execute_async(FRAME_PROBE, vec![replicas.into(), limit_ms.into()])?;
    let times = numbers(&value["times"]).ok_or("the frame probe returned no times")?;
    Ok(Frames {
        times,
        long_tasks: value["longTasks"].as_u64().unwrap_or(0),
        complete: value["complete"].as_bool() == Some(true),
    })
}

/// Frames per second, and the intervals between frames.
fn print_frames(label: &str, frames: &Frames) {
    let times = &frames.times;
    let mut intervals: Vec<f64> = times.windows(2).map(|pair| pair[1] - pair[0]).collect();
    if intervals.is_empty() {
        println!("  {label:<16} fewer than two frames");
        return;
    }
    intervals.sort_by(f64::total_cmp);
    let span = times[times.len() - 1] - times[0];
    let fps = intervals.len() as f64 * 1000.0 / span.max(1.0);
    let percentile = |p: f64| intervals[((intervals.len() - 1) as f64 * p).round() as usize];
    let slow = intervals.iter().filter(|&&ms| ms > 1000.0 / 60.0 * 1.5).count();
    println!(
        "  {label:<16} {fps:5.1} fps over {span:.0} ms; frame interval median {:.1} ms, p95 {:.1}, max {:.1}; \
         {slow} of {} over 25 ms; {} long tasks",
        percentile(0.5),
        percentile(0.95),
        percentile(1.0),
        intervals.len(),
        frames.long_tasks
    );
}

fn clock(session: &Session) -> Result<String> {
    session.text(&session.find("#clock")?)
}

fn apply(session: &Session, text: &str) -> Result<()> {
    let editor = session.find("#editor")?;
    session.execute(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        vec![Session::arg(&editor), text.into()],
    )?;
    let result_text = || -> Result<String> {
        Ok(match session.find_all("#apply-result")?.first() {
            Some(result) => session.text(result)?,
            None => String::new(),
        })
    };
    let before = result_text()?;
    session.click("#apply")?;
    let after = session.wait_for(WAIT, || Ok(Some(result_text()?).filter(|text| *text != before)))?;
    if after.contains("rror") {
        return Err(format!("apply failed: {after}"));
    }
    Ok(())
}

/// Types a line at the terminal's prompt and waits for its output (`sleep`
/// prints none: it returns at once).
fn terminal(session: &Session, line: &str) -> Result<()> {
    let outputs = || session.find_all(".terminal-output").map(|found| found.len());
    session.click("#tab-terminal")?;
    let before = outputs()?;
    session.send_keys(&session.find("#terminal-input")?, &format!("{line}\u{e007}"))?;
    if line.starts_with("sleep") {
        return Ok(());
    }
    session.wait_for(WAIT, || Ok((outputs()? > before).then_some(())))
}

/// A JSON array of numbers, or `None` for anything else (e.g. `null`).
fn numbers(value: &Value) -> Option<Vec<f64>> {
    value.as_array()?.iter().map(Value::as_f64).collect()
}
