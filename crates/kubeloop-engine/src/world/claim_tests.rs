//! Adoption and orphaning by selector, through the world.

use super::*;
use crate::parse_manifests;
use crate::world::test_support::pods;

const REPLICA_SET: &str = "\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: web:1
";

const BARE_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: stray
  labels: {app: web}
spec:
  containers:
  - name: web
    image: web:1
";

fn controller_of(world: &World, name: &str) -> Option<String> {
    let pod = pods(world).into_iter().find(|pod| pod.metadata.name() == name)?;
    pod.metadata.controller().map(|owner| format!("{}/{}", owner.kind, owner.name))
}

/// A ReplicaSet adopts a matching orphan and makes only the pods still missing.
#[test]
fn a_replica_set_adopts_a_matching_orphan() {
    let mut world = World::new(21);
    world.apply(&parse_manifests(BARE_POD));
    world.advance(5_000);
    assert_eq!(controller_of(&world, "stray"), None);
    world.apply(&parse_manifests(REPLICA_SET));
    world.advance(5_000);
    assert_eq!(controller_of(&world, "stray").as_deref(), Some("ReplicaSet/web"));
    assert_eq!(pods(&world).len(), 2, "one adopted, one created");
    let adopted = world.decisions().iter().any(|d| d.object.name == "stray" && d.what == "adopted by ReplicaSet/web");
    assert!(adopted, "the adoption is explained");
}

/// A pod relabelled out of the selector is released (kept running, without
/// a controller), and the ReplicaSet replaces it; labelled back, the
/// ReplicaSet adopts it again and deletes one to keep 2.
#[test]
fn a_relabelled_pod_is_released_and_replaced() {
    let mut world = World::new(22);
    world.apply(&parse_manifests(REPLICA_SET));
    world.advance(5_000);
    let first = pods(&world)[0].clone();
    let name = first.metadata.name().to_string();
    let relabel = |world: &mut World, app: &str| {
        let Some(Object::Pod(mut pod)) = world.store.get(&Key::new("Pod", "default", &name)).cloned() else {
            panic!("no pod {name}")
        };
        pod.metadata.labels_mut().insert("app".into(), app.into());
        world.store.write(Key::of_pod(&pod), Object::Pod(pod));
        world.reconcile();
    };
    relabel(&mut world, "debug");
    assert_eq!(controller_of(&world, &name), None, "released");
    world.advance(5_000);
    let live: Vec<_> = pods(&world).into_iter().filter(|p| p.metadata.deletion_timestamp.is_none()).collect();
    assert_eq!(live.len(), 3, "two for the ReplicaSet and the released one");
    relabel(&mut world, "web");
    assert_eq!(controller_of(&world, &name).as_deref(), Some("ReplicaSet/web"), "adopted again");
    let live = pods(&world).into_iter().filter(|p| p.metadata.deletion_timestamp.is_none()).count();
    assert_eq!(live, 2, "one too many: one is deleted");
}

/// A Deployment adopts a matching orphan ReplicaSet (found through the
/// store's index of orphan ReplicaSets), which leaves the index.
#[test]
fn a_deployment_adopts_a_matching_orphan_replica_set() {
    let mut world = World::new(23);
    let labelled = REPLICA_SET.replace("  name: web\n", "  name: web\n  labels: {app: web}\n");
    world.apply(&parse_manifests(&labelled));
    world.advance(5_000);
    let orphans = |world: &World| world.store.orphan_replica_sets("default").map(|key| key.name.clone()).collect();
    assert_eq!(orphans(&world), Vec::<String>::from(["web".to_string()]));
    assert_eq!(world.store.orphan_replica_sets("other").count(), 0);
    let deployment = REPLICA_SET.replace("kind: ReplicaSet", "kind: Deployment").replace("name: web\n", "name: app\n");
    world.apply(&parse_manifests(&deployment));
    world.advance(5_000);
    let rs = world.store.get(&Key::new("ReplicaSet", "default", "web")).unwrap();
    let owner = rs.metadata().controller().map(|owner| format!("{}/{}", owner.kind, owner.name));
    assert_eq!(owner.as_deref(), Some("Deployment/app"));
    assert_eq!((orphans(&world), world.store.check_indexes()), (Vec::new(), Ok(())));
}
