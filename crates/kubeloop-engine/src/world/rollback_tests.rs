//! `kubectl rollout undo` through the world: the old ReplicaSet is reused
//! and renumbered, the rollback is an ordinary rolling update, and kubectl's
//! refusals come in its words.

use super::*;
use crate::api::Object;
use crate::api::apps::{Deployment, ReplicaSet};
use crate::api::core::Pod;
use crate::controller::deployment::util::{REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION};
use crate::parse_manifests;
use crate::world::World;
use crate::world::history::{History, Input};
use crate::world::test_support::{pods, replica_sets};

/// Four replicas: the default 25% gives maxSurge 1 and maxUnavailable 1.
const WEB: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    kubernetes.io/change-cause: CAUSE
spec:
  replicas: 4
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: web:1
";

fn web(image: &str, cause: &str) -> Input {
    let text = WEB.replace("web:1", image).replace("CAUSE", cause);
    Input::Apply(parse_manifests(&text).objects.into_iter().map(|loaded| loaded.object).collect())
}

fn key() -> Key {
    Key::new("Deployment", "default", "web")
}

fn deployment(world: &World) -> Deployment {
    match world.store().get(&key()) {
        Some(Object::Deployment(d)) => d.clone(),
        other => panic!("no deployment web: {other:?}"),
    }
}

fn rs_image(rs: &ReplicaSet) -> &str {
    rs.spec.template.spec.containers[0].image.as_deref().unwrap_or("")
}

fn rs_with_image<'a>(rss: &'a [ReplicaSet], wanted: &str) -> &'a ReplicaSet {
    rss.iter().find(|rs| rs_image(rs) == wanted).unwrap_or_else(|| panic!("no ReplicaSet runs {wanted}: {rss:#?}"))
}

fn annotation<'a>(rs: &'a ReplicaSet, key: &str) -> Option<&'a str> {
    rs.metadata.annotations.get(key).map(String::as_str)
}

fn scaling_events(world: &World) -> Vec<String> {
    world.events().all().filter(|e| e.reason == "ScalingReplicaSet").map(|e| e.message.to_string()).collect()
}

fn ready(pod: &Pod) -> bool {
    crate::controller::replicaset::is_pod_ready(pod)
}

/// web:1 (revision 1, change-cause "first") rolled out to web:2 (revision
/// 2, "second"), both complete.
fn two_revisions(seed: u64) -> History {
    let mut history = History::new(seed);
    history.input(web("web:1", "first"));
    history.advance(10_000);
    history.input(web("web:2", "second"));
    history.advance(30_000);
    history
}

/// Undo (to the previous revision) makes the old ReplicaSet the new one
/// again: no third ReplicaSet, revision 1 becomes 3 with revision-history
/// "1", the Deployment's revision follows, and the rollback is an ordinary
/// rolling update within maxSurge and maxUnavailable.
#[test]
fn undo_reuses_the_old_replica_set_and_renumbers_it() {
    let mut history = two_revisions(21);
    let world = history.world();
    let rss = replica_sets(world);
    let (first, second) = (rs_with_image(&rss, "web:1").clone(), rs_with_image(&rss, "web:2").clone());
    assert_eq!((first.spec.replicas, second.spec.replicas), (Some(0), Some(4)));
    assert_eq!(annotation(&second, REVISION_ANNOTATION), Some("2"));
    assert_eq!(deployment(world).metadata.annotations.get(REVISION_ANNOTATION).map(String::as_str), Some("2"));
    let events_before = scaling_events(world).len();

    let Ok(Rollback::RolledBack(rolled_back)) = rollback(world, &key(), 0) else { panic!("no rollback") };
    assert_eq!(rolled_back.spec.template.spec.containers[0].image.as_deref(), Some("web:1"));
    assert!(!rolled_back.spec.template.metadata.labels.contains_key("pod-template-hash"));
    history.input(Input::Apply(vec![Object::Deployment(*rolled_back)]));

    // 4 replicas, maxSurge 1, maxUnavailable 1: never more than 5 pods,
    // never fewer than 3 available.
    for _ in 0..300 {
        history.advance(100);
        let pods = pods(history.world());
        let running = pods.iter().filter(|p| p.metadata.deletion_timestamp.is_none()).count();
        assert!(running <= 5, "{running} pods at {}", history.world().now());
        let available = pods.iter().filter(|p| p.metadata.deletion_timestamp.is_none() && ready(p)).count();
        assert!(available >= 3, "only {available} available at {}", history.world().now());
    }
    let world = history.world();
    let rss = replica_sets(world);
    assert_eq!(rss.len(), 2, "no new ReplicaSet: {rss:#?}");
    let (reused, second) = (rs_with_image(&rss, "web:1"), rs_with_image(&rss, "web:2"));
    assert_eq!(reused.metadata.name(), first.metadata.name());
    assert_eq!(reused.metadata.uid, first.metadata.uid);
    assert_eq!(annotation(reused, REVISION_ANNOTATION), Some("3"));
    assert_eq!(annotation(reused, REVISION_HISTORY_ANNOTATION), Some("1"));
    assert_eq!(annotation(second, REVISION_ANNOTATION), Some("2"));
    assert_eq!((reused.spec.replicas, reused.status.available_replicas), (Some(4), 4));
    assert_eq!((second.spec.replicas, second.status.replicas), (Some(0), 0));
    let d = deployment(world);
    assert_eq!(d.metadata.annotations.get(REVISION_ANNOTATION).map(String::as_str), Some("3"));
    assert_eq!((d.status.updated_replicas, d.status.available_replicas, d.status.replicas), (4, 4, 4));
    assert!(pods(world).iter().all(|p| p.spec.containers[0].image.as_deref() == Some("web:1")));

    let (reused_name, second_name) = (reused.metadata.name(), second.metadata.name());
    let events = &scaling_events(world)[events_before..];
    assert_eq!(
        events[..2],
        [
            format!("Scaled up replica set {reused_name} to 1 from 0"),
            format!("Scaled down replica set {second_name} to 3 from 4"),
        ]
    );
    // Three rollouts within ten minutes make more than nine distinct
    // scaling messages: the recorder combines the later ones into one event
    // that shows the latest.
    assert_eq!(
        events.last(),
        Some(&format!("(combined from similar events): Scaled down replica set {second_name} to 0 from 1"))
    );
    let renumbered =
        world.decisions().iter().find(|d| d.what == format!("reuse ReplicaSet {reused_name} as revision 3"));
    let why = &renumbered.expect("the renumbering is explained").why;
    assert!(why[1].contains("revision 1 moves to its revision-history (1)"), "{why:#?}");

    // The input is in the history: seeks and replays include the undo.
    let now = history.world().now_ms();
    for t in [now - 30_000, now - 29_950, now - 15_000, now] {
        assert_eq!(history.seek(t).digest(), history.replay_from_scratch(t).digest(), "at {t} ms");
    }
    assert_eq!(history.seek(now).digest(), history.world().digest());
}

/// kubectl replaces the Deployment's annotations: its own values of the keys
/// a ReplicaSet never copies stay, every other annotation comes from the
/// revision's ReplicaSet (so the change-cause is the old one again, and an
/// annotation the old ReplicaSet lacks is gone).
#[test]
fn undo_takes_the_revisions_annotations() {
    let mut history = History::new(22);
    history.input(web("web:1", "first"));
    history.advance(10_000);
    let mut second = match &web("web:2", "second") {
        Input::Apply(objects) => objects[0].clone(),
        Input::Fault(_) => unreachable!(),
    };
    second.metadata_mut().annotations.insert("team".to_string(), "blue".to_string());
    history.input(Input::Apply(vec![second]));
    history.advance(30_000);
    let world = history.world();
    assert_eq!(
        deployment(world).metadata.annotations.keys().collect::<Vec<_>>(),
        ["deployment.kubernetes.io/revision", "kubernetes.io/change-cause", "team"]
    );
    let Ok(Rollback::RolledBack(rolled_back)) = rollback(world, &key(), 1) else { panic!("no rollback") };
    let annotations: Vec<(&str, &str)> =
        rolled_back.metadata.annotations.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(annotations, [("deployment.kubernetes.io/revision", "2"), ("kubernetes.io/change-cause", "first")]);
}

/// kubectl's refusals and the skip, in its words and order.
#[test]
fn refusals_and_skips() {
    let mut history = History::new(23);
    history.input(web("web:1", "first"));
    history.advance(10_000);
    let world = history.world();
    let missing = Key::new("Deployment", "default", "api");
    let error = rollback(world, &missing, 0).unwrap_err();
    assert_eq!((error.to_string(), error.from_server()), ("deployments.apps \"api\" not found".to_string(), true));
    let error = rollback(world, &key(), 0).unwrap_err();
    assert_eq!(error, RollbackError::NoHistory { name: "web".into() });
    assert_eq!(error.to_string(), "no rollout history found for deployment \"web\"");
    assert!(!error.from_server());
    let skipped = rollback(world, &key(), 1).unwrap();
    assert_eq!(skipped.operation(), "skipped rollback (current template already matches revision 1)");

    history.input(web("web:2", "second"));
    history.advance(30_000);
    let world = history.world();
    for to_revision in [99, -1] {
        let error = rollback(world, &key(), to_revision).unwrap_err();
        assert_eq!(error.to_string(), format!("unable to find specified revision {to_revision} in history"));
    }
    assert_eq!(rollback(world, &key(), 2), Ok(Rollback::Skipped { to_revision: 2 }));
    let Ok(Rollback::RolledBack(rolled_back)) = rollback(world, &key(), 0) else { panic!("no rollback") };
    assert_eq!(rollback(world, &key(), 1), Ok(Rollback::RolledBack(rolled_back.clone())));
    assert_eq!(Rollback::RolledBack(rolled_back).operation(), "rolled back");

    // Undone: revision 1 is renumbered away; 2 and 3 remain.
    let Ok(Rollback::RolledBack(rolled_back)) = rollback(history.world(), &key(), 0) else { panic!() };
    history.input(Input::Apply(vec![Object::Deployment(*rolled_back)]));
    history.advance(30_000);
    let world = history.world();
    assert_eq!(rollback(world, &key(), 1).unwrap_err(), RollbackError::RevisionNotFound(1));
    assert_eq!(rollback(world, &key(), 3), Ok(Rollback::Skipped { to_revision: 3 }));
    let listed = deployment_replica_sets(world, &deployment(world));
    let revisions: Vec<Option<&str>> = listed.iter().map(|rs| annotation(rs, REVISION_ANNOTATION)).collect();
    // kubectl's order: old ReplicaSets oldest first, then the new one.
    assert_eq!(revisions, [Some("2"), Some("3")]);

    // A paused Deployment is refused, after the revision is looked up.
    let mut paused = deployment(world);
    paused.spec.paused = true;
    history.input(Input::Apply(vec![Object::Deployment(paused)]));
    history.settle();
    let world = history.world();
    assert_eq!(
        rollback(world, &key(), 0).unwrap_err().to_string(),
        "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/web' and try again"
    );
    assert_eq!(rollback(world, &key(), 7).unwrap_err(), RollbackError::RevisionNotFound(7));
}
