//! The seeds' stories, run through the world.

use super::*;
use crate::api::apps::Deployment;
use crate::api::core::Pod;
use crate::world::test_support::{pods, replica_sets};
use crate::{DEMO_MANIFESTS, parse_manifests};

fn deployment(world: &World, name: &str) -> Deployment {
    match world.store().get(&Key::new("Deployment", "default", name)) {
        Some(Object::Deployment(d)) => d.clone(),
        other => panic!("no deployment {name}: {other:?}"),
    }
}

fn ready(pod: &Pod) -> bool {
    crate::controller::replicaset::is_pod_ready(pod)
}

fn events(world: &World, reason: &str) -> Vec<String> {
    world.events().all().filter(|e| e.reason == reason).map(|e| e.message.to_string()).collect()
}

#[test]
fn demo_api_comes_up() {
    let mut world = World::new(1);
    world.apply(&parse_manifests(DEMO_MANIFESTS));
    world.advance(10_000);
    let pods = pods(&world);
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(ready), "{pods:#?}");
    assert!(pods.iter().all(|p| p.status.phase == "Running"));
    let rss = replica_sets(&world);
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    assert!(rs.metadata.name().starts_with("demo-api-"));
    assert_eq!(
        (rs.spec.replicas, rs.status.replicas, rs.status.ready_replicas, rs.status.available_replicas),
        (Some(2), 2, 2, 2)
    );
    assert_eq!(rs.metadata.annotations.get("deployment.kubernetes.io/revision").map(String::as_str), Some("1"));
    let d = deployment(&world, "demo-api");
    assert_eq!((d.status.replicas, d.status.updated_replicas, d.status.available_replicas), (2, 2, 2));
    let conditions: Vec<(&str, &str, &str)> =
        d.status.conditions.iter().map(|c| (c.condition_type.as_str(), c.status.as_str(), c.reason.as_str())).collect();
    assert_eq!(
        conditions,
        [("Available", "True", "MinimumReplicasAvailable"), ("Progressing", "True", "NewReplicaSetAvailable")]
    );
    assert_eq!(events(&world, "ScalingReplicaSet"), [format!("Scaled up replica set {} to 2", rs.metadata.name())]);
    assert!(events(&world, "Scheduled").iter().all(|m| m.starts_with("Successfully assigned default/demo-api-")));
}

/// The rolling update from demo-api 1.0.0 to 1.0.1, stepped every 100 ms:
/// never more than replicas + maxSurge pods, never fewer than replicas −
/// maxUnavailable available, and it completes with the old ReplicaSet at 0.
#[test]
fn rolling_update_keeps_its_bounds_and_completes() {
    let mut world = World::new(2);
    let text = DEMO_MANIFESTS.replace("replicas: 2", "replicas: 10");
    world.apply(&parse_manifests(&text));
    world.advance(10_000);
    world.apply(&parse_manifests(&text.replace("demo-api:1.0.0", "demo-api:1.0.1")));
    // 25% of 10: surge rounds up to 3, unavailable down to 2.
    for _ in 0..600 {
        world.advance(100);
        let pods = pods(&world);
        let not_terminating = pods.iter().filter(|p| p.metadata.deletion_timestamp.is_none()).count();
        assert!(not_terminating <= 13, "{not_terminating} pods at {}", world.now());
        let available = pods.iter().filter(|p| p.metadata.deletion_timestamp.is_none() && ready(p)).count();
        assert!(available >= 8, "only {available} available at {}", world.now());
    }
    let rss = replica_sets(&world);
    assert_eq!(rss.len(), 2);
    let new = rss
        .iter()
        .find(|rs| rs.spec.template.spec.containers[0].image.as_deref() == Some("myrepo/demo-api:1.0.1"))
        .unwrap();
    let old = rss.iter().find(|rs| rs.metadata.name() != new.metadata.name()).unwrap();
    assert_eq!((new.spec.replicas, new.status.available_replicas), (Some(10), 10));
    assert_eq!((old.spec.replicas, old.status.replicas), (Some(0), 0));
    assert_eq!(new.metadata.annotations.get("deployment.kubernetes.io/revision").map(String::as_str), Some("2"));
    let d = deployment(&world, "demo-api");
    assert_eq!((d.status.updated_replicas, d.status.available_replicas, d.status.replicas), (10, 10, 10));
    let scaling = events(&world, "ScalingReplicaSet");
    assert_eq!(scaling[1], format!("Scaled up replica set {} to 3", new.metadata.name()));
    assert_eq!(scaling[2], format!("Scaled down replica set {} to 8 from 10", old.metadata.name()));
    assert!(
        world.decisions().iter().any(|d| d.why.iter().any(|line| line.contains("rounds up to 3"))),
        "{:#?}",
        world.decisions()
    );
}

#[test]
fn scaling_does_not_make_a_new_replica_set() {
    let mut world = World::new(3);
    world.apply(&parse_manifests(DEMO_MANIFESTS));
    world.advance(10_000);
    world.apply(&parse_manifests(&DEMO_MANIFESTS.replace("replicas: 2", "replicas: 5")));
    world.advance(10_000);
    assert_eq!(replica_sets(&world).len(), 1);
    assert_eq!(pods(&world).iter().filter(|p| ready(p)).count(), 5);
}

#[test]
fn same_seed_same_world() {
    let run = || {
        let mut world = World::new(9);
        world.apply(&parse_manifests(DEMO_MANIFESTS));
        world.advance(5_000);
        world.apply(&parse_manifests(&DEMO_MANIFESTS.replace("1.0.0", "1.0.1")));
        world.advance(30_000);
        world.digest()
    };
    assert_eq!(run(), run());
}
