//! PodDisruptionBudgets, the eviction API and cordon, through the world.

use super::super::faults::{Fault, Target};
use super::super::history::{History, Input};
use super::super::store::Key;
use super::super::*;
use crate::api::core::{Node, Pod};
use crate::api::policy::PodDisruptionBudget;
use crate::controller::replicaset::is_pod_ready;
use crate::world::test_support::pods;
use crate::{DEMO_MANIFESTS, parse_manifests};

const SECOND: u64 = 1_000;
const MINUTE: u64 = 60 * SECOND;

fn pdb_yaml(name: &str, rule: &str) -> String {
    format!(
        "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  {rule}\n  selector:\n    matchLabels:\n      app: demo-api\n"
    )
}

/// The demo Deployment with `replicas` pods and the given budgets, settled.
fn world_with(replicas: usize, budgets: &[(&str, &str)]) -> World {
    world_from(DEMO_MANIFESTS, replicas, budgets)
}

/// The demo Deployment with a readiness probe (faults can fail it).
fn probed_world(replicas: usize, budgets: &[(&str, &str)]) -> World {
    let probed = DEMO_MANIFESTS.replace(
        "        ports:",
        "        readinessProbe: {httpGet: {path: /ready, port: 3000}, periodSeconds: 5}\n        ports:",
    );
    world_from(&probed, replicas, budgets)
}

fn world_from(manifests: &str, replicas: usize, budgets: &[(&str, &str)]) -> World {
    let mut text = manifests.replace("replicas: 2", &format!("replicas: {replicas}"));
    for (name, rule) in budgets {
        text.push_str(&pdb_yaml(name, rule));
    }
    let mut world = World::new(5);
    let manifests = parse_manifests(&text);
    assert!(manifests.diagnostics.is_empty(), "{:?}", manifests.diagnostics);
    assert!(world.apply(&manifests).iter().all(Result::is_ok));
    world.advance(20 * SECOND);
    world
}

fn pdb(world: &World, name: &str) -> PodDisruptionBudget {
    match world.store().get(&Key::new("PodDisruptionBudget", "default", name)) {
        Some(Object::PodDisruptionBudget(pdb)) => pdb.clone(),
        other => panic!("no pdb {name}: {other:?}"),
    }
}

/// (disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods).
fn counts(pdb: &PodDisruptionBudget) -> (i32, i32, i32, i32) {
    let s = &pdb.status;
    (s.disruptions_allowed, s.current_healthy, s.desired_healthy, s.expected_pods)
}

fn condition(pdb: &PodDisruptionBudget) -> (String, String) {
    let c = pdb.status.conditions.iter().find(|c| c.condition_type == "DisruptionAllowed").expect("condition");
    (c.status.to_string(), c.reason.clone())
}

fn running(world: &World) -> Vec<Pod> {
    pods(world).into_iter().filter(|p| p.metadata.deletion_timestamp.is_none()).collect()
}

fn pod(world: &World, name: &str) -> Pod {
    pods(world).into_iter().find(|p| p.metadata.name() == name).expect(name)
}

fn node(world: &World, name: &str) -> Node {
    match world.store().get(&Key::new("Node", "", name)) {
        Some(Object::Node(node)) => node.clone(),
        other => panic!("no node {name}: {other:?}"),
    }
}

fn taint_keys(node: &Node) -> Vec<String> {
    let taints = node.spec.taints.as_deref().and_then(serde_yaml::Value::as_sequence);
    taints
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("key").and_then(serde_yaml::Value::as_str).map(str::to_string))
        .collect()
}

fn events(world: &World, reason: &str) -> Vec<(String, u32)> {
    world.events().all().filter(|e| e.reason == reason).map(|e| (e.message.to_string(), e.count)).collect()
}

/// The status follows the pods: minAvailable 2 of 3 Ready pods allows one
/// disruption, with the condition and the observed generation.
#[test]
fn status_follows_the_pods() {
    let world = world_with(3, &[("web-pdb", "minAvailable: 2")]);
    let budget = pdb(&world, "web-pdb");
    assert_eq!(counts(&budget), (1, 3, 2, 3));
    assert_eq!(condition(&budget), ("True".to_string(), "SufficientPods".to_string()));
    assert_eq!(budget.status.observed_generation, 1);
    let decision = world.decisions().iter().rev().find(|d| d.controller == "disruption-controller").unwrap();
    assert_eq!(decision.what, "status: 1 disruption(s) allowed");
    assert_eq!(decision.why[2], "disruptionsAllowed = max(0, 3 - 2) = 1");

    // maxUnavailable counts the Deployment's scale.
    let world = world_with(4, &[("web-pdb", "maxUnavailable: 25%")]);
    assert_eq!(counts(&pdb(&world, "web-pdb")), (1, 4, 3, 4));
}

/// Upstream syncs on the PDB's creation and again on its own status
/// write: a budget without pods says NoPods twice.
#[test]
fn a_budget_without_pods() {
    let mut world = World::new(5);
    let text = pdb_yaml("lonely", "minAvailable: 1");
    assert!(world.apply(&parse_manifests(&text)).iter().all(Result::is_ok));
    world.advance(SECOND);
    let budget = pdb(&world, "lonely");
    assert_eq!(counts(&budget), (0, 0, 1, 0));
    assert_eq!(condition(&budget), ("False".to_string(), "InsufficientPods".to_string()));
    assert_eq!(events(&world, "NoPods"), [("No matching pods found".to_string(), 2)]);
    let event = world.events().all().find(|e| e.reason == "NoPods").unwrap();
    assert_eq!(event.source, "controllermanager");
    world.advance(MINUTE);
    assert_eq!(events(&world, "NoPods")[0].1, 2, "nothing changed, nothing synced");
}

/// The eviction API: one disruption allowed, used, refused with a 429
/// until the replacement is Ready.
#[test]
fn eviction_uses_the_budget_and_then_refuses() {
    let mut world = world_with(3, &[("web-pdb", "minAvailable: 2")]);
    let names: Vec<String> = running(&world).iter().map(|p| p.metadata.name().to_string()).collect();
    assert_eq!(world.evict("default", &names[0]), Ok(Some("web-pdb".to_string())));
    let evicted = pod(&world, &names[0]);
    assert!(evicted.metadata.deletion_timestamp.is_some());
    let target = evicted.status.conditions.iter().find(|c| c.condition_type == "DisruptionTarget").unwrap();
    assert_eq!(
        (target.status.as_str(), target.reason.as_str(), target.message.as_str()),
        ("True", "EvictionByEvictionAPI", "Eviction API: evicting")
    );
    // The controller saw the pod terminating: no longer healthy, no longer
    // pending in disruptedPods; the replacement is not Ready yet.
    let budget = pdb(&world, "web-pdb");
    assert_eq!(counts(&budget), (0, 2, 2, 4));
    assert!(budget.status.disrupted_pods.is_empty());

    let refused = world.evict("default", &names[1]).unwrap_err();
    assert_eq!(refused.code, 429);
    assert_eq!(refused.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert_eq!(
        refused.cause.as_deref(),
        Some("The disruption budget web-pdb needs 2 healthy pods and has 2 currently")
    );
    assert!(pod(&world, &names[1]).metadata.deletion_timestamp.is_none());
    let decision = world.decisions().iter().rev().find(|d| d.controller == "eviction-api").unwrap();
    assert_eq!(decision.what, "refuse eviction");

    world.advance(20 * SECOND);
    assert_eq!(counts(&pdb(&world, "web-pdb")), (1, 3, 2, 3));
    assert_eq!(world.evict("default", &names[1]), Ok(Some("web-pdb".to_string())));
}

#[test]
fn eviction_refusals_and_free_passes() {
    // No such pod.
    let mut world = world_with(2, &[]);
    let missing = world.evict("default", "nope").unwrap_err();
    assert_eq!((missing.code, missing.message.as_str()), (404, "pods \"nope\" not found"));
    // No budget: the pod just goes.
    let name = running(&world)[0].metadata.name().to_string();
    assert_eq!(world.evict("default", &name), Ok(None));
    assert!(pod(&world, &name).metadata.deletion_timestamp.is_some());
    // Already terminating: deleted again, no budget asked.
    assert_eq!(world.evict("default", &name), Ok(None));

    // Two budgets over one pod.
    let mut world = world_with(2, &[("a", "minAvailable: 1"), ("b", "maxUnavailable: 1")]);
    let name = running(&world)[0].metadata.name().to_string();
    let error = world.evict("default", &name).unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (500, "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")
    );
    assert!(pod(&world, &name).metadata.deletion_timestamp.is_none());
}

/// An unready pod goes without using up a disruption while the budget is
/// met; a Pending pod goes without asking.
#[test]
fn unhealthy_and_pending_pods() {
    let mut world = probed_world(3, &[("web-pdb", "minAvailable: 1")]);
    let name = running(&world)[0].metadata.name().to_string();
    let target = Target::Pod { namespace: "default".into(), name: name.clone() };
    world.apply_fault(&Fault::Readiness { target, status: 500 });
    world.advance(30 * SECOND);
    assert!(!is_pod_ready(&pod(&world, &name)));
    assert_eq!(counts(&pdb(&world, "web-pdb")), (1, 2, 1, 3));
    assert_eq!(world.evict("default", &name), Ok(None));
    assert!(pod(&world, &name).metadata.deletion_timestamp.is_some());
    let decision = world.decisions().iter().rev().find(|d| d.controller == "eviction-api").unwrap();
    assert_eq!(
        decision.why,
        ["the pod is not Ready and web-pdb is met (2 healthy, 1 needed): it goes without using up a disruption"]
    );
    // The replacement is Pending (not started yet) at this instant.
    let pending = running(&world).into_iter().find(|p| p.status.phase == "Pending").expect("a Pending replacement");
    assert_eq!(world.evict("default", pending.metadata.name()), Ok(None));
}

/// An eviction the controller does not see confirmed (the pod is not
/// deleted) keeps the pod out of the healthy count for two minutes; then
/// the recheck drops it with a NotDeleted warning.
#[test]
fn disrupted_pods_expire() {
    let mut world = world_with(3, &[("web-pdb", "minAvailable: 2")]);
    let name = running(&world)[0].metadata.name().to_string();
    let key = Key::new("PodDisruptionBudget", "default", "web-pdb");
    let mut budget = pdb(&world, "web-pdb");
    let evicted_at = world.now();
    budget.status.disrupted_pods.insert(name.clone(), evicted_at);
    world.store.write(key.clone(), Object::PodDisruptionBudget(budget));
    world.advance(0);
    let budget = pdb(&world, "web-pdb");
    assert_eq!(counts(&budget), (0, 2, 2, 3));
    assert_eq!(budget.status.disrupted_pods.keys().collect::<Vec<_>>(), [&name]);
    let expiry = evicted_at.unix_ms + 2 * 60 * 1000;
    assert_eq!(next_timer_of(&world), Some(expiry + 1));

    world.advance(2 * MINUTE);
    assert_eq!(counts(&pdb(&world, "web-pdb")), (0, 2, 2, 3), "at the expiry the entry still counts");
    world.advance(1);
    let budget = pdb(&world, "web-pdb");
    assert_eq!(counts(&budget), (1, 3, 2, 3));
    assert!(budget.status.disrupted_pods.is_empty());
    let warning = world.events().all().find(|e| e.reason == "NotDeleted").unwrap();
    assert_eq!(warning.message, "Pod was expected by PDB default/default to be deleted but it wasn't");
    assert_eq!(*warning.involved, Key::new("Pod", "default", &name));
    assert_eq!(next_timer_of(&world), None);
}

fn next_timer_of(world: &World) -> Option<i64> {
    super::next_timer(world)
}

/// With every node deleted the scheduler says so, before any filter.
#[test]
fn no_nodes_at_all() {
    let mut world = World::new(5);
    for name in ["node-1", "node-2", "node-3"] {
        let object = Box::new(Object::Node(node(&world, name)));
        world.apply_fault(&Fault::Delete { object });
    }
    assert!(world.apply(&parse_manifests(DEMO_MANIFESTS)).iter().all(Result::is_ok));
    world.advance(5 * SECOND);
    let failed = world.events().all().find(|e| e.reason == "FailedScheduling").unwrap();
    assert_eq!(failed.message, "no nodes available to schedule pods");
}

/// Cordon: spec.unschedulable, the node lifecycle's taint, the scheduler's
/// words; uncordon undoes all three.
#[test]
fn cordon_and_uncordon() {
    let mut world = World::new(5);
    for name in ["node-1", "node-2", "node-3"] {
        world.apply_fault(&Fault::Cordon { node: name.into(), unschedulable: true });
    }
    assert!(node(&world, "node-1").spec.unschedulable);
    assert_eq!(taint_keys(&node(&world, "node-1")), ["node.kubernetes.io/unschedulable"]);
    // Nodes keep no generation (the node strategy sets none).
    assert_eq!(node(&world, "node-1").metadata.generation, None);
    assert!(world.apply(&parse_manifests(DEMO_MANIFESTS)).iter().all(Result::is_ok));
    world.advance(5 * SECOND);
    assert!(running(&world).iter().all(|p| p.spec.node_name.is_none()));
    let failed = world.events().all().find(|e| e.reason == "FailedScheduling").unwrap();
    assert_eq!(
        failed.message,
        "0/3 nodes are available: 3 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );

    world.apply_fault(&Fault::Cordon { node: "node-2".into(), unschedulable: false });
    assert!(taint_keys(&node(&world, "node-2")).is_empty());
    world.advance(5 * SECOND);
    let placed: Vec<String> =
        running(&world).iter().map(|p| p.spec.node_name.as_deref().unwrap_or_default().to_string()).collect();
    assert_eq!(placed, ["node-2", "node-2"]);
    let decision = world.decisions().iter().rev().find(|d| d.controller == "kubectl").unwrap();
    assert_eq!((decision.what.as_str(), decision.object.name.as_str()), ("uncordon", "node-2"));
}

/// Evictions and cordons are recorded inputs: seeking replays them into
/// the same world.
#[test]
fn seek_replays_evictions_and_cordons() {
    let mut history = History::new(9);
    let text = DEMO_MANIFESTS.replace("replicas: 2", "replicas: 3") + &pdb_yaml("web-pdb", "minAvailable: 2");
    history.input(Input::Apply(parse_manifests(&text).objects.into_iter().map(|l| l.object).collect()));
    history.advance(15 * SECOND);
    history.input(Input::Fault(Fault::Cordon { node: "node-1".into(), unschedulable: true }));
    let names: Vec<String> = running(history.world()).iter().map(|p| p.metadata.name().to_string()).collect();
    assert!(history.evict("default", &names[0]).is_ok());
    assert!(history.evict("default", &names[1]).is_err());
    history.advance(7 * SECOND);
    assert!(history.evict("default", &names[1]).is_ok());
    history.advance(30 * SECOND);
    let now = history.world().now_ms();
    for t in (0..=now).step_by(1_789).chain([15_000, 22_000, now]) {
        assert_eq!(history.seek(t).digest(), history.replay_from_scratch(t).digest(), "at {t} ms");
    }
    assert_eq!(history.seek(now).digest(), history.world().digest());
}
