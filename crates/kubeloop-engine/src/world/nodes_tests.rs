//! Node lifecycle and garbage collection, through the world.

use super::super::faults::Fault;
use super::super::store::Key;
use super::super::*;
use crate::api::apps::Deployment;
use crate::api::core::{Node, Pod};
use crate::world::test_support::{pods, replica_sets};
use crate::{DEMO_MANIFESTS, parse_manifests};

const BARE_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: lonely
spec:
  containers:
  - name: app
    image: myrepo/demo-api:1.0.0
";

fn demo(replicas: usize) -> String {
    DEMO_MANIFESTS.replace("replicas: 2", &format!("replicas: {replicas}"))
}

fn pod(world: &World, name: &str) -> Option<Pod> {
    pods(world).into_iter().find(|p| p.metadata.name() == name)
}

fn node(world: &World, name: &str) -> Node {
    match world.store().get(&Key::new("Node", "", name)) {
        Some(Object::Node(node)) => node.clone(),
        other => panic!("no node {name}: {other:?}"),
    }
}

fn deployment(world: &World) -> Option<Deployment> {
    match world.store().get(&Key::new("Deployment", "default", "demo-api")) {
        Some(Object::Deployment(d)) => Some(d.clone()),
        _ => None,
    }
}

fn ready_status(node: &Node) -> String {
    node.status.conditions.iter().find(|c| c.condition_type == "Ready").map_or("-".into(), |c| c.status.clone())
}

fn pod_ready(pod: &Pod) -> bool {
    crate::controller::replicaset::is_pod_ready(pod)
}

fn node_of(pod: &Pod) -> &str {
    pod.spec.node_name.as_deref().unwrap_or("")
}

fn events(world: &World, reason: &str) -> Vec<(String, String)> {
    world
        .events()
        .all()
        .filter(|e| e.reason == reason)
        .map(|e| (e.involved.name.clone(), e.message.to_string()))
        .collect()
}

fn stop(world: &mut World, name: &str) {
    world.apply_fault(&Fault::StopNode { name: name.to_string() });
}

fn start(world: &mut World, name: &str) {
    world.apply_fault(&Fault::StartNode { name: name.to_string() });
}

#[test]
fn running_nodes_report_ready() {
    let mut world = World::new(1);
    world.advance(1_000);
    for name in ["node-1", "node-2", "node-3"] {
        let node = node(&world, name);
        let ready = node.status.conditions.iter().find(|c| c.condition_type == "Ready").unwrap();
        assert_eq!((ready.status.as_str(), ready.reason.as_str()), ("True", "KubeletReady"));
        assert!(ready.last_heartbeat_time.is_some());
        assert_eq!(node.status.conditions.len(), 4);
    }
}

/// Nodes that report in one pass take the next addresses in turn, after
/// the highest in use (found once per pass), and a node that has
/// reported is left alone.
#[test]
fn nodes_reporting_together_take_consecutive_addresses() {
    let mut world = World::new(1);
    let ip = |world: &World, name: &str| super::internal_ip(&node(world, name));
    assert_eq!(ip(&world, "node-3").as_deref(), Some("10.0.0.4"));
    let version = world.store().resource_version();
    world.advance(1_000);
    assert_eq!(world.store().resource_version(), version, "reported nodes are not written again");
    let nodes = |names: &[&str]| {
        let text: String =
            names.iter().map(|name| format!("apiVersion: v1\nkind: Node\nmetadata: {{name: {name}}}\n---\n")).collect();
        parse_manifests(&text)
    };
    // The default nodes make way for the first.
    world.apply(&nodes(&["node-4"]));
    world.advance(1_000);
    world.apply(&nodes(&["node-5", "node-6"]));
    world.advance(1_000);
    let addresses = ["node-4", "node-5", "node-6"].map(|name| ip(&world, name).unwrap_or_default());
    assert_eq!(addresses, ["10.0.0.2", "10.0.0.3", "10.0.0.4"]);
}

#[test]
fn a_stopped_node_goes_not_ready_and_its_pod_is_recreated_elsewhere() {
    let mut world = World::new(4);
    world.apply(&parse_manifests(&demo(3)));
    world.advance(10_000);
    let before = pods(&world);
    assert_eq!(before.len(), 3);
    let nodes: Vec<&str> = before.iter().map(node_of).collect();
    assert_eq!(nodes.iter().collect::<std::collections::BTreeSet<_>>().len(), 3, "one pod per node: {nodes:?}");
    let victim = before[0].clone();
    let dead = node_of(&victim).to_string();

    stop(&mut world, &dead);
    world.advance(39_999);
    assert_eq!(ready_status(&node(&world, &dead)), "True", "still within the grace period");
    assert!(pod_ready(&pod(&world, victim.metadata.name()).unwrap()));

    world.advance(1);
    let node_now = node(&world, &dead);
    let ready = node_now.status.conditions.iter().find(|c| c.condition_type == "Ready").unwrap();
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str(), ready.message.as_str()),
        ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    );
    let taints = serde_yaml::to_string(&node_now.spec.taints).unwrap();
    assert!(taints.contains("node.kubernetes.io/unreachable") && taints.contains("NoExecute"), "{taints}");
    assert!(!pod_ready(&pod(&world, victim.metadata.name()).unwrap()), "the node controller marks it not Ready");
    assert_eq!(events(&world, "NodeNotReady")[0], (dead.clone(), format!("Node {dead} status is now: NodeNotReady")));
    assert!(events(&world, "NodeNotReady").contains(&(victim.metadata.name().to_string(), "Node is not ready".into())));

    world.advance(299_999);
    assert!(pod(&world, victim.metadata.name()).unwrap().metadata.deletion_timestamp.is_none(), "tolerated 300 s");
    world.advance(1);
    let evicted = pod(&world, victim.metadata.name()).expect("stays Terminating: no kubelet confirms");
    assert!(evicted.metadata.deletion_timestamp.is_some());
    assert_eq!(
        events(&world, "TaintManagerEviction"),
        [(victim.metadata.name().to_string(), format!("Marking for deletion Pod default/{}", victim.metadata.name()))]
    );
    assert_eq!(world.now_ms(), 10_000 + 340_000);

    world.advance(5_000);
    let live: Vec<Pod> = pods(&world).into_iter().filter(|p| p.metadata.deletion_timestamp.is_none()).collect();
    assert_eq!(live.len(), 3);
    assert!(live.iter().all(|p| p.status.phase == "Running" && pod_ready(p) && node_of(p) != dead), "{live:#?}");
    assert_eq!(deployment(&world).unwrap().status.available_replicas, 3);
    assert!(pod(&world, victim.metadata.name()).is_some(), "still Terminating on the dead node");
    assert!(!events(&world, "Killing").iter().any(|(name, _)| name == victim.metadata.name()), "no kubelet stops it");

    // The node comes back: Ready, untainted, the evicted pod confirmed gone, schedulable again.
    start(&mut world, &dead);
    let back = node(&world, &dead);
    assert_eq!(ready_status(&back), "True");
    assert!(back.spec.taints.is_none(), "{:?}", back.spec.taints);
    assert!(pod(&world, victim.metadata.name()).is_none());
    world.apply(&parse_manifests(&demo(4)));
    world.advance(5_000);
    let on_dead = pods(&world).into_iter().filter(|p| node_of(p) == dead).collect::<Vec<_>>();
    assert_eq!(on_dead.len(), 1, "the scheduler uses it again");
    assert!(on_dead.iter().all(|p| p.status.phase == "Running" && pod_ready(p)));
    assert_eq!(deployment(&world).unwrap().status.available_replicas, 4);
}

#[test]
fn the_scheduler_avoids_a_not_ready_node() {
    let mut world = World::new(5);
    stop(&mut world, "node-1");
    world.advance(41_000);
    world.apply(&parse_manifests(&demo(4)));
    world.advance(5_000);
    let pods = pods(&world);
    assert_eq!(pods.len(), 4);
    assert!(pods.iter().all(|p| node_of(p) != "node-1" && pod_ready(p)), "{pods:#?}");
}

#[test]
fn a_bare_pod_on_a_stopped_node_is_gone_for_good() {
    let mut world = World::new(6);
    world.apply(&parse_manifests(BARE_POD));
    world.advance(5_000);
    let lonely = pod(&world, "lonely").unwrap();
    assert!(pod_ready(&lonely));
    let dead = node_of(&lonely).to_string();
    stop(&mut world, &dead);
    world.advance(340_000);
    assert!(pod(&world, "lonely").unwrap().metadata.deletion_timestamp.is_some());
    world.advance(60_000);
    assert_eq!(pods(&world).len(), 1, "nobody recreates it");
    start(&mut world, &dead);
    world.advance(10_000);
    assert!(pods(&world).is_empty());
}

#[test]
fn a_short_toleration_evicts_sooner_and_a_restart_before_eviction_cancels_it() {
    let mut world = World::new(7);
    let tolerant = format!(
        "{BARE_POD}  tolerations:\n  - key: node.kubernetes.io/unreachable\n    operator: Exists\n    effect: NoExecute\n    tolerationSeconds: 10\n"
    );
    let forever = BARE_POD.replace("lonely", "stays")
        + "  tolerations:\n  - key: node.kubernetes.io/unreachable\n    operator: Exists\n    effect: NoExecute\n";
    world.apply(&parse_manifests(&format!("{tolerant}---\n{forever}")));
    world.advance(5_000);
    let dead = node_of(&pod(&world, "lonely").unwrap()).to_string();
    let other = node_of(&pod(&world, "stays").unwrap()).to_string();
    stop(&mut world, &dead);
    stop(&mut world, &other);
    world.advance(49_999);
    assert!(pod(&world, "lonely").unwrap().metadata.deletion_timestamp.is_none());
    world.advance(1);
    assert!(pod(&world, "lonely").unwrap().metadata.deletion_timestamp.is_some(), "40 s + 10 s");
    world.advance(1_000_000);
    assert!(pod(&world, "stays").unwrap().metadata.deletion_timestamp.is_none(), "tolerates forever");
    assert!(!pod_ready(&pod(&world, "stays").unwrap()));
    start(&mut world, &other);
    world.advance(5_000);
    let stays = pod(&world, "stays").unwrap();
    assert!(pod_ready(&stays) && stays.status.phase == "Running", "restarted on its node: {stays:#?}");
}

#[test]
fn deleting_a_deployment_cascades_to_its_replica_sets_and_pods() {
    let mut world = World::new(8);
    world.apply(&parse_manifests(&format!("{}---\n{BARE_POD}", demo(3))));
    world.advance(10_000);
    assert_eq!((replica_sets(&world).len(), pods(&world).len()), (1, 4));
    let object = Object::Deployment(deployment(&world).unwrap());
    world.apply_fault(&Fault::Delete { object: Box::new(object) });
    assert!(deployment(&world).is_none());
    assert!(replica_sets(&world).is_empty(), "the ReplicaSet goes at once");
    let terminating = pods(&world).iter().filter(|p| p.metadata.deletion_timestamp.is_some()).count();
    assert_eq!(terminating, 3, "its pods are deleted gracefully");
    world.advance(5_000);
    let left: Vec<String> = pods(&world).iter().map(|p| p.metadata.name().to_string()).collect();
    assert_eq!(left, ["lonely"]);

    // kubectl delete pod: graceful, then gone; nothing recreates it.
    let object = Object::Pod(pod(&world, "lonely").unwrap());
    world.apply_fault(&Fault::Delete { object: Box::new(object) });
    assert!(pod(&world, "lonely").unwrap().metadata.deletion_timestamp.is_some());
    world.advance(5_000);
    assert!(pods(&world).is_empty());
}

#[test]
fn same_inputs_same_world_with_a_node_fault() {
    let run = || {
        let mut world = World::new(9);
        world.apply(&parse_manifests(&demo(3)));
        world.advance(5_000);
        stop(&mut world, "node-2");
        world.advance(400_000);
        start(&mut world, "node-2");
        world.advance(5_000);
        world.digest()
    };
    assert_eq!(run(), run());
}
