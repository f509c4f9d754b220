//! Recreate, pause and the progress deadline, run through the world.

use super::*;
use crate::api::apps::{Deployment, ReplicaSet};
use crate::api::core::Pod;
use crate::parse_manifests;
use crate::world::test_support::{pods, replica_sets};

const RECREATE: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: Recreate
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: web
        image: web:1
";

fn deployment(world: &World) -> Deployment {
    match world.store().get(&Key::new("Deployment", "default", "web")) {
        Some(Object::Deployment(d)) => d.clone(),
        other => panic!("no deployment web: {other:?}"),
    }
}

fn image(pod: &Pod) -> &str {
    pod.spec.containers[0].image.as_deref().unwrap_or("")
}

fn rs_with_image<'a>(rss: &'a [ReplicaSet], wanted: &str) -> Option<&'a ReplicaSet> {
    rss.iter().find(|rs| rs.spec.template.spec.containers[0].image.as_deref() == Some(wanted))
}

fn progressing(world: &World) -> (String, String) {
    let d = deployment(world);
    let c = d.status.conditions.iter().find(|c| c.condition_type == "Progressing").expect("Progressing condition");
    (c.status.to_string(), c.reason.clone())
}

fn scaling_events(world: &World) -> Vec<String> {
    world.events().all().filter(|e| e.reason == "ScalingReplicaSet").map(|e| e.message.to_string()).collect()
}

/// Recreate: no new pod exists while an old one is still there (even
/// terminating), the new ReplicaSet is only made once the old pods are gone,
/// and it goes straight to 3.
#[test]
fn recreate_never_overlaps_old_and_new_pods() {
    let mut world = World::new(11);
    world.apply(&parse_manifests(RECREATE));
    world.advance(10_000);
    assert_eq!(pods(&world).iter().filter(|p| image(p) == "web:1").count(), 3);
    world.apply(&parse_manifests(&RECREATE.replace("web:1", "web:2")));
    for _ in 0..300 {
        let pods = pods(&world);
        let old = pods.iter().filter(|p| image(p) == "web:1").count();
        let new = pods.iter().filter(|p| image(p) == "web:2").count();
        assert!(old == 0 || new == 0, "{old} old and {new} new pods at {}", world.now());
        if old > 0 && rs_with_image(&replica_sets(&world), "web:2").is_some() {
            panic!("new ReplicaSet made while old pods remain at {}", world.now());
        }
        world.advance(100);
    }
    let rss = replica_sets(&world);
    let (old, new) = (rs_with_image(&rss, "web:1").unwrap(), rs_with_image(&rss, "web:2").unwrap());
    assert_eq!((old.spec.replicas, new.spec.replicas, new.status.available_replicas), (Some(0), Some(3), 3));
    assert_eq!(
        scaling_events(&world)[1..],
        [
            format!("Scaled down replica set {} to 0 from 3", old.metadata.name()),
            format!("Scaled up replica set {} to 3", new.metadata.name()),
        ]
    );
    let scaled_down_at = world.decisions().iter().find(|d| d.what == "scale down old ReplicaSets").unwrap().at;
    let created_at = new.metadata.creation_timestamp.unwrap();
    assert!(created_at > scaled_down_at, "new ReplicaSet at {created_at:?}, old scaled down at {scaled_down_at:?}");
    let waits: Vec<&Decision> = world.decisions().iter().filter(|d| d.what == "wait for old pods").collect();
    assert!(!waits.is_empty() && waits.len() < 10, "the wait is explained, not repeated every sync: {waits:#?}");
    assert!(waits.iter().any(|d| d.why[0].contains("is still terminating")), "{waits:#?}");
    assert_eq!(progressing(&world), ("True".to_string(), "NewReplicaSetAvailable".to_string()));
}

/// A paused Deployment takes template changes without rolling them out
/// (no new ReplicaSet), says so in its Progressing condition, and rolls out
/// once resumed.
#[test]
fn paused_template_change_waits_for_resume() {
    let rolling = RECREATE.replace("  strategy:\n    type: Recreate\n", "");
    let mut world = World::new(12);
    world.apply(&parse_manifests(&rolling));
    world.advance(10_000);
    let paused = rolling.replace("  replicas: 3\n", "  replicas: 3\n  paused: true\n");
    world.apply(&parse_manifests(&paused.replace("web:1", "web:2")));
    world.advance(60_000);
    assert_eq!(replica_sets(&world).len(), 1, "no new ReplicaSet while paused");
    assert!(pods(&world).iter().all(|p| image(p) == "web:1"));
    assert_eq!(progressing(&world), ("Unknown".to_string(), "DeploymentPaused".to_string()));
    // Paused for longer than the 600 s default deadline: never timed out.
    world.advance(700_000);
    assert_eq!(progressing(&world).1, "DeploymentPaused");

    world.apply(&parse_manifests(&rolling.replace("web:1", "web:2")));
    world.advance(60_000);
    let rss = replica_sets(&world);
    assert_eq!(rs_with_image(&rss, "web:2").and_then(|rs| rs.spec.replicas), Some(3));
    assert!(pods(&world).iter().all(|p| image(p) == "web:2"));
    assert_eq!(progressing(&world), ("True".to_string(), "NewReplicaSetAvailable".to_string()));
}

/// A new version that never gets ready stalls the rollout; one second after
/// progressDeadlineSeconds the Progressing condition turns False with
/// ProgressDeadlineExceeded, on time even though nothing else happens then.
#[test]
fn a_stalled_rollout_exceeds_its_progress_deadline_on_time() {
    let rolling = RECREATE
        .replace("  strategy:\n    type: Recreate\n", "")
        .replace("  replicas: 3\n", "  replicas: 3\n  progressDeadlineSeconds: 30\n")
        .replace(
            "        image: web:1\n",
            "        image: web:1\n        readinessProbe:\n          httpGet: {path: /ready, port: 80}\n          periodSeconds: 120\n",
        );
    let mut world = World::new(13);
    world.apply(&parse_manifests(&rolling));
    world.advance(10_000);
    let broken = format!(
        "{}---\napiVersion: kubeloop.dev/v1\nkind: App\nmetadata:\n  name: web-2\nspec:\n  image: web:2\n  endpoints: {{readiness: 500}}\n",
        rolling.replace("web:1", "web:2")
    );
    world.apply(&parse_manifests(&broken));
    let started = world.now();
    // One long step: only the requeue timer wakes the controllers between.
    world.advance(60_000);
    let (_, reason) = progressing(&world);
    assert_eq!(reason, "ProgressDeadlineExceeded", "{:#?}", deployment(&world).status);
    let d = deployment(&world);
    let condition = d.status.conditions.iter().find(|c| c.condition_type == "Progressing").unwrap();
    // The condition was last updated when the new ReplicaSet was made (at
    // the apply); upstream looks again 30 s + 1 s later. (The probe period is
    // long so that nothing else wakes the controllers before then: the world
    // syncs every controller whenever anything happens, so a world stepped
    // in small ticks notices the passed deadline at the first tick after it.)
    let exceeded_after = condition.last_transition_time.unwrap().unix_ms - started.unix_ms;
    assert_eq!(exceeded_after, 31_000);
    assert_eq!(progressing(&world).0, "False");
    let new = rs_with_image(&replica_sets(&world), "web:2").unwrap().metadata.name().to_string();
    assert_eq!(condition.message, format!("ReplicaSet \"{new}\" has timed out progressing."));
    // The old pods keep serving: maxUnavailable 25% of 3 rounds down to 0.
    assert_eq!(pods(&world).iter().filter(|p| image(p) == "web:1").count(), 3);
}

/// minReadySeconds: a pod that turns Ready counts as available once it has
/// been Ready that long, and the ReplicaSet notices on its own (upstream's
/// updatePod requeues it minReadySeconds + 1 s later) even though nothing
/// else happens in between.
#[test]
fn min_ready_seconds_requeues_the_replica_set() {
    let manifest = RECREATE.replace("replicas: 3\n", "replicas: 1\n  minReadySeconds: 10\n");
    let mut world = World::new(11);
    world.apply(&parse_manifests(&manifest));
    let available = |world: &World| replica_sets(world)[0].status.available_replicas;
    let ready_since = |world: &World| {
        let pod = pods(world).into_iter().next()?;
        let ready = pod.status.conditions.iter().find(|c| c.condition_type == "Ready" && c.status == "True")?;
        ready.last_transition_time.map(|t| t.unix_ms - EPOCH_UNIX_MS)
    };
    let mut now = 0;
    while ready_since(&world).is_none() {
        world.advance(100);
        now += 100;
        assert!(now < 60_000, "the pod never became Ready");
    }
    let since = ready_since(&world).unwrap() as u64;
    world.advance(since + 11_000 - 1 - world.now_ms());
    assert_eq!(available(&world), 0, "not available before minReadySeconds + 1 s");
    world.advance(1);
    assert_eq!(available(&world), 1, "available at minReadySeconds + 1 s");
    assert_eq!(deployment(&world).status.available_replicas, 1, "and the Deployment follows");
}

/// minReadySeconds is not part of the pod template: changing it alone makes
/// no new ReplicaSet, and the controller copies it onto the current one
/// (upstream's getNewReplicaSet, `minReadySecondsNeedsUpdate`).
#[test]
fn a_min_ready_seconds_change_reaches_the_current_replica_set() {
    let mut world = World::new(12);
    world.apply(&parse_manifests(RECREATE));
    world.advance(30_000);
    assert_eq!(replica_sets(&world)[0].spec.min_ready_seconds, 0);
    let changed = RECREATE.replace("replicas: 3\n", "replicas: 3\n  minReadySeconds: 7\n");
    world.apply(&parse_manifests(&changed));
    world.advance(1_000);
    let sets = replica_sets(&world);
    assert_eq!(sets.len(), 1, "no new ReplicaSet for a minReadySeconds change");
    assert_eq!(sets[0].spec.min_ready_seconds, 7);
}

/// A ReplicaSet's pods share its template's container list and labels
/// instead of each holding a copy (memory per pod at scale); the new ReplicaSet of a
/// rollout brings a list of its own, and the old pods keep theirs.
#[test]
fn pods_share_their_replica_sets_containers() {
    use std::rc::Rc;
    let rolling = RECREATE.replace("  strategy:\n    type: Recreate\n", "");
    let mut world = World::new(13);
    world.apply(&parse_manifests(&rolling));
    world.advance(10_000);
    let old = replica_sets(&world).remove(0);
    let shares = |pod: &Pod, rs: &ReplicaSet| {
        let template = &rs.spec.template;
        Rc::ptr_eq(&pod.spec.containers, &template.spec.containers)
            && Rc::ptr_eq(&pod.metadata.labels, &template.metadata.labels)
    };
    let running = pods(&world);
    assert_eq!(running.len(), 3);
    assert!(running.iter().all(|pod| shares(pod, &old)));
    world.apply(&parse_manifests(&rolling.replace("web:1", "web:2")));
    world.advance(2_000);
    let rss = replica_sets(&world);
    let new = rs_with_image(&rss, "web:2").expect("the new ReplicaSet");
    assert!(!Rc::ptr_eq(&new.spec.template.spec.containers, &old.spec.template.spec.containers));
    let pods = pods(&world);
    assert!(pods.iter().any(|pod| image(pod) == "web:2"), "the rollout has started");
    for pod in &pods {
        let owner = if image(pod) == "web:2" { new } else { &old };
        assert!(shares(pod, owner), "{} has a copy of its containers", pod.metadata.name());
    }
}
