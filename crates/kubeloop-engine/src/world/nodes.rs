//! Node lifecycle: the kubelets' node status, the node lifecycle
//! controller (pkg/controller/nodelifecycle) and the taint eviction
//! controller (pkg/controller/tainteviction), with the stop/start faults.
//!
//! A running node's kubelet posts Ready=True (with the pressure
//! conditions) when the node has no Ready condition yet or comes back;
//! the heartbeat is not renewed while nothing changes, to keep the
//! world's time steps few. A stopped node posts nothing: after the grace
//! period (40 s, node-monitor-grace-period) the node controller sets its
//! conditions to Unknown, taints it `node.kubernetes.io/unreachable`
//! (NoSchedule and NoExecute) and marks its pods not Ready. The taint
//! eviction controller then deletes each pod once its toleration of the
//! NoExecute taint runs out: 300 s unless the pod says otherwise (the
//! DefaultTolerationSeconds admission plugin's default). No kubelet
//! confirms those deletions, so the pods stay Terminating until the node
//! comes back.

use super::events::{EventType, Report};
use super::faults::Fault;
use super::store::Key;
use super::{Decision, World};
use crate::api::core::{Node, NodeCondition, Pod};
use crate::api::{Condition, Object, Time};
use crate::lean::VecMap;
use serde_yaml::{Mapping, Value};

/// node-monitor-grace-period: how long a node may stay silent before the
/// node controller calls it NotReady.
pub const NODE_MONITOR_GRACE_MS: i64 = 40_000;
/// The DefaultTolerationSeconds admission plugin's toleration of
/// `node.kubernetes.io/unreachable:NoExecute`.
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";
/// The taint doNoScheduleTaintingPass puts on a cordoned node.
pub const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";
const NODE_CONTROLLER: &str = "node-controller";
const TAINT_EVICTION: &str = "taint-eviction-controller";
const UNKNOWN_REASON: &str = "NodeStatusUnknown";
const UNKNOWN_MESSAGE: &str = "Kubelet stopped posting node status.";
/// What the kubelet posts for a healthy node, in its order.
const HEALTHY: [(&str, &str, &str, &str); 4] = [
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
];
/// A runtime the kubelet must leave alone: its node is down.
const NEVER: i64 = i64::MAX;

/// A node that stopped reporting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoppedNode {
    /// When it last reported (unix ms): the instant it stopped.
    pub last_report_ms: i64,
    /// When the node controller tainted it unreachable (unix ms).
    pub unreachable_at_ms: Option<i64>,
}

/// Which nodes are stopped, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeState {
    pub stopped: VecMap<String, StoppedNode>,
}

/// Whether a node's kubelet is down (the kubelet should not act for its pods).
pub fn is_stopped(world: &World, node: &str) -> bool {
    world.nodes.stopped.contains_key(node)
}

/// Running nodes report; stopped ones go NotReady and lose their pods when
/// their time comes. True if it wrote anything.
pub fn observe(world: &mut World) -> bool {
    if !world.nodes.stopped.is_empty() {
        let store = &world.store;
        world.nodes.stopped.retain(|name, _| store.get(&Key::new("Node", "", name)).is_some());
    }
    // Every round looks at every node, so first without a copy or a key:
    // only the nodes with something to do are named (a stopped one, one
    // whose unschedulable taint is not what its spec says, one that has
    // not reported). Acting on one node changes what no other node has
    // to do, so the rest are left out as they would have done nothing.
    let nodes: Vec<String> = world
        .store
        .list("Node", None)
        .filter(|object| match object {
            Object::Node(node) => is_stopped(world, node.metadata.name()) || mistainted(node) || !has_reported(node),
            _ => false,
        })
        .map(|node| node.name().to_string())
        .collect();
    let mut wrote = false;
    // The highest InternalIP in use, once found (reports hand out the next).
    let mut highest = None;
    for name in &nodes {
        wrote |= taint_unschedulable(world, name);
        wrote |= if is_stopped(world, name) {
            silence_pods(world, name) | monitor(world, name)
        } else {
            report(world, name, &mut highest)
        };
    }
    wrote
}

/// The kubelet has posted the node's status (it has a Ready condition).
fn has_reported(node: &Node) -> bool {
    node.status.conditions.iter().any(|c| c.condition_type == "Ready")
}

/// The node's unschedulable taint is not what `spec.unschedulable` says.
fn mistainted(node: &Node) -> bool {
    let tainted =
        node.spec.taints.as_deref().and_then(Value::as_sequence).is_some_and(|taints| {
            taints.iter().any(|t| t.get("key").and_then(Value::as_str) == Some(UNSCHEDULABLE_TAINT))
        });
    tainted != node.spec.unschedulable
}

/// The next instant (unix ms) a stopped node turns NotReady or one of its
/// pods' tolerations runs out.
pub fn next_timer(world: &World) -> Option<i64> {
    world
        .nodes
        .stopped
        .iter()
        .filter_map(|(name, stopped)| match stopped.unreachable_at_ms {
            None => Some(stopped.last_report_ms + NODE_MONITOR_GRACE_MS),
            Some(tainted_at) => pods_on(world, name)
                .iter()
                .filter(|pod| pod.metadata.deletion_timestamp.is_none())
                .filter_map(|pod| toleration_ms(pod).map(|ms| tainted_at + ms))
                .min(),
        })
        .min()
}

/// What is due happens in `observe`, which runs right after.
pub fn fire(world: &mut World) {
    observe(world);
}

pub fn apply_fault(world: &mut World, fault: &Fault) -> bool {
    match fault {
        Fault::StopNode { name } => {
            let exists = world.store.get(&Key::new("Node", "", name)).is_some();
            if exists && !is_stopped(world, name) {
                let last_report_ms = world.now().unix_ms;
                world.nodes.stopped.insert(name.clone(), StoppedNode { last_report_ms, unreachable_at_ms: None });
                silence_pods(world, name);
                let key = Key::new("Node", "", name);
                world.decide(Decision::new(
                    NODE_CONTROLLER,
                    &key,
                    "node stopped",
                    vec![format!(
                        "its kubelet stopped posting status; NotReady in {} s if it stays silent",
                        NODE_MONITOR_GRACE_MS / 1000
                    )],
                ));
            }
            true
        }
        Fault::StartNode { name } => {
            if let Some(stopped) = world.nodes.stopped.remove(name) {
                start(world, name, &stopped);
            }
            true
        }
        _ => false,
    }
}

fn pods_on(world: &World, node: &str) -> Vec<Pod> {
    world
        .store
        .pods_on_node(node)
        .filter_map(|object| match object {
            Object::Pod(pod) => Some(pod.clone()),
            _ => None,
        })
        .collect()
}

fn node(world: &World, name: &str) -> Option<Node> {
    match world.store.get(&Key::new("Node", "", name)) {
        Some(Object::Node(node)) => Some(node.clone()),
        _ => None,
    }
}

fn pod_key(pod: &Pod) -> Key {
    Key::new("Pod", pod.metadata.namespace(), pod.metadata.name())
}

/// The containers on a stopped node stop: their runtimes are marked so
/// that the kubelet neither starts, probes, restarts nor stops them, and
/// nothing serves. (Pods bound during the grace period are admitted by the
/// kubelet first, then marked here in the same reconcile round.) True if
/// it marked any.
fn silence_pods(world: &mut World, node: &str) -> bool {
    let keys: Vec<Key> = world.store.pods_on_node(node).map(Key::of).collect();
    let mut marked = false;
    for key in keys {
        if let Some(runtime) = world.runtimes.get_mut(&key)
            && runtime.stop_at_ms != Some(NEVER)
        {
            // Not running and not about to start: the kubelet's timers, probes
            // and OOM checks pass it by; a stop time that never comes keeps it
            // from stopping (and removing) the pod when it is deleted.
            runtime.started = false;
            runtime.pending_start = false;
            runtime.exit = None;
            runtime.serving_at_ms = NEVER;
            runtime.stop_at_ms = Some(NEVER);
            marked = true;
        }
    }
    marked
}

/// The kubelet of a running node posts its status when it has none.
/// `highest`: the last byte of the highest InternalIP in use, if known.
fn report(world: &mut World, name: &str, highest: &mut Option<u32>) -> bool {
    let reported = match world.store.get(&Key::new("Node", "", name)) {
        Some(Object::Node(node)) => has_reported(node),
        _ => true,
    };
    if reported {
        return false;
    }
    let Some(mut node) = node(world, name) else { return false };
    post_healthy(&mut node, world.now());
    if node.status.addresses.is_none() {
        let next = highest.unwrap_or_else(|| highest_internal_ip(world)) + 1;
        *highest = Some(next);
        node.status.addresses = Some(Box::new(addresses(next, name)));
    }
    if node.status.node_info.is_none() {
        node.status.node_info = Some(Box::new(node_info(node.metadata.uid.as_deref().unwrap_or(""))));
    }
    // A kubelet reports what it can allocate; the machines here reserve nothing.
    if node.status.allocatable.is_empty() {
        node.status.allocatable = node.status.capacity.clone();
    }
    world.store.write(Key::new("Node", "", name), Object::Node(node));
    true
}

/// The last byte of the highest InternalIP on the machines' network in
/// use (1 when none is: the first is 10.0.0.2).
fn highest_internal_ip(world: &World) -> u32 {
    world
        .store
        .list("Node", None)
        .filter_map(|object| match object {
            Object::Node(node) => internal_ip(node),
            _ => None,
        })
        .filter_map(|ip| ip.strip_prefix("10.0.0.").and_then(|last| last.parse::<u32>().ok()))
        .max()
        .unwrap_or(1)
}

/// The addresses a kubelet reports for its node: an InternalIP on the
/// machines' network (10.0.0.`last`, the next after the highest in use)
/// and its Hostname.
fn addresses(last: u32, name: &str) -> Value {
    let address = |kind: &str, text: String| {
        let mut entry = serde_yaml::Mapping::new();
        entry.insert("address".into(), text.into());
        entry.insert("type".into(), kind.into());
        Value::Mapping(entry)
    };
    Value::Sequence(vec![address("InternalIP", format!("10.0.0.{last}")), address("Hostname", name.to_string())])
}

/// What the simulated machines run (`status.nodeInfo`), as a kubelet
/// reports it.
fn node_info(uid: &str) -> Value {
    let mut info = Mapping::new();
    // The machine's identity: from the Node's uid, so it is stable.
    let machine_id = uid.replace('-', "");
    for (key, value) in [
        ("machineID", machine_id.as_str()),
        ("systemUUID", uid),
        ("bootID", uid),
        ("architecture", "amd64"),
        ("containerRuntimeVersion", "containerd://2.1.4"),
        ("kernelVersion", "6.8.0-85-generic"),
        ("kubeProxyVersion", KUBELET_VERSION),
        ("kubeletVersion", KUBELET_VERSION),
        ("operatingSystem", "linux"),
        ("osImage", "Ubuntu 24.04.3 LTS"),
    ] {
        info.insert(key.into(), value.into());
    }
    Value::Mapping(info)
}

/// The kubelet release the simulated nodes run.
const KUBELET_VERSION: &str = "v1.35.0";

/// The node's InternalIP, as its kubelet reported it.
pub fn internal_ip(node: &Node) -> Option<String> {
    let Some(Value::Sequence(addresses)) = node.status.addresses.as_deref() else { return None };
    addresses
        .iter()
        .find(|address| address.get("type").and_then(Value::as_str) == Some("InternalIP"))
        .and_then(|address| address.get("address").and_then(Value::as_str))
        .map(str::to_string)
}

/// Sets the kubelet's healthy conditions, heartbeat now.
fn post_healthy(node: &mut Node, now: Time) {
    for (condition_type, status, reason, message) in HEALTHY {
        let condition = match node.status.conditions.iter_mut().find(|c| c.condition_type == condition_type) {
            Some(existing) => existing,
            None => {
                node.status
                    .conditions
                    .push(NodeCondition { condition_type: condition_type.to_string(), ..NodeCondition::default() });
                node.status.conditions.last_mut().expect("just pushed")
            }
        };
        if condition.status != status {
            condition.status = status.to_string();
            condition.last_transition_time = Some(now);
        }
        condition.reason = reason.to_string();
        condition.message = message.to_string();
        condition.last_heartbeat_time = Some(now);
    }
}

/// The node controller and the taint eviction controller for one stopped
/// node. True if it wrote anything.
fn monitor(world: &mut World, name: &str) -> bool {
    let now = world.now();
    let Some(stopped) = world.nodes.stopped.get(name).cloned() else { return false };
    let mut wrote = false;
    let tainted_at = match stopped.unreachable_at_ms {
        Some(at) => at,
        None if now.unix_ms >= stopped.last_report_ms + NODE_MONITOR_GRACE_MS => {
            mark_unreachable(world, name, now);
            wrote = true;
            now.unix_ms
        }
        None => return false,
    };
    // MarkPodsNotReady, level-triggered: the pods of an unreachable node are not Ready.
    for pod in pods_on(world, name) {
        wrote |= mark_pod_not_ready(world, pod, now);
    }
    for pod in pods_on(world, name) {
        if pod.metadata.deletion_timestamp.is_none()
            && toleration_ms(&pod).is_some_and(|ms| now.unix_ms >= tainted_at + ms)
        {
            wrote |= evict(world, &pod, name, now);
        }
    }
    wrote
}

/// Ready Unknown, the unreachable taints, the NodeNotReady event.
fn mark_unreachable(world: &mut World, name: &str, now: Time) {
    if let Some(stopped) = world.nodes.stopped.get_mut(name) {
        stopped.unreachable_at_ms = Some(now.unix_ms);
    }
    let key = Key::new("Node", "", name);
    let Some(mut node) = node(world, name) else { return };
    if !node.status.conditions.iter().any(|c| c.condition_type == "Ready") {
        node.status.conditions.push(NodeCondition { condition_type: "Ready".to_string(), ..NodeCondition::default() });
    }
    for condition in &mut node.status.conditions {
        if ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"].contains(&condition.condition_type.as_str()) {
            condition.status = "Unknown".to_string();
            condition.reason = UNKNOWN_REASON.to_string();
            condition.message = UNKNOWN_MESSAGE.to_string();
            condition.last_transition_time = Some(now);
        }
    }
    set_unreachable_taints(&mut node, Some(now));
    world.store.write(key.clone(), Object::Node(node));
    world.events.record(
        Report {
            event_type: EventType::Normal,
            reason: "NodeNotReady",
            message: &format!("Node {name} status is now: NodeNotReady"),
            involved: &key,
            field_path: None,
            source: NODE_CONTROLLER,
        },
        now,
    );
    let stopped_s = NODE_MONITOR_GRACE_MS / 1000;
    world.decide(Decision::new(
        NODE_CONTROLLER,
        &key,
        "mark NotReady and taint unreachable",
        vec![
            format!("no status from its kubelet for {stopped_s} s (node-monitor-grace-period)"),
            format!(
                "{UNREACHABLE_TAINT}:NoExecute evicts its pods when their toleration runs out ({DEFAULT_TOLERATION_SECONDS} s by default)"
            ),
        ],
    ));
}

/// Adds (at `Some(time)`) or removes (`None`) the node controller's
/// unreachable taints, keeping every other taint.
fn set_unreachable_taints(node: &mut Node, added_at: Option<Time>) {
    set_taints(node, UNREACHABLE_TAINT, &[("NoSchedule", false), ("NoExecute", true)], added_at);
}

/// Adds (at `Some(time)`) or removes (`None`) the taints with this key, one
/// per effect (with `timeAdded` where marked), keeping every other taint.
fn set_taints(node: &mut Node, key: &str, effects: &[(&str, bool)], added_at: Option<Time>) {
    let mut taints: Vec<Value> = match node.spec.taints.take().map(|taints| *taints) {
        Some(Value::Sequence(taints)) => taints,
        _ => Vec::new(),
    };
    taints.retain(|taint| taint.get("key").and_then(Value::as_str) != Some(key));
    if let Some(now) = added_at {
        for &(effect, timed) in effects {
            let mut taint = Mapping::new();
            taint.insert("key".into(), key.into());
            taint.insert("effect".into(), effect.into());
            if timed {
                taint.insert("timeAdded".into(), now.to_rfc3339().into());
            }
            taints.push(Value::Mapping(taint));
        }
    }
    node.spec.taints = (!taints.is_empty()).then(|| Box::new(Value::Sequence(taints)));
}

/// doNoScheduleTaintingPass for `spec.unschedulable`: a cordoned node gets
/// `node.kubernetes.io/unschedulable:NoSchedule`, an uncordoned one loses
/// it. True if it wrote the node.
fn taint_unschedulable(world: &mut World, name: &str) -> bool {
    let key = Key::new("Node", "", name);
    let Some(Object::Node(node)) = world.store.get(&key) else { return false };
    if !mistainted(node) {
        return false;
    }
    let mut node = node.clone();
    let added_at = node.spec.unschedulable.then(|| world.now());
    set_taints(&mut node, UNSCHEDULABLE_TAINT, &[("NoSchedule", true)], added_at);
    world.store.write(key, Object::Node(node));
    true
}

/// The pod's Ready condition goes False (MarkPodsNotReady), with the
/// pod's NodeNotReady event. True if it changed.
fn mark_pod_not_ready(world: &mut World, mut pod: Pod, now: Time) -> bool {
    let Some(ready) = pod.status.conditions.iter_mut().find(|c| c.condition_type == "Ready") else { return false };
    if ready.status == "False" {
        return false;
    }
    ready.status = "False".into();
    ready.last_transition_time = Some(now);
    let key = pod_key(&pod);
    world.store.write(key.clone(), Object::Pod(pod));
    world.events.record(
        Report {
            event_type: EventType::Warning,
            reason: "NodeNotReady",
            message: "Node is not ready",
            involved: &key,
            field_path: None,
            source: NODE_CONTROLLER,
        },
        now,
    );
    true
}

/// The taint eviction controller's deletePodHandler: the event, the
/// DisruptionTarget condition, then a graceful delete.
fn evict(world: &mut World, pod: &Pod, node: &str, now: Time) -> bool {
    let key = pod_key(pod);
    let mut pod = pod.clone();
    world.events.record(
        Report {
            event_type: EventType::Normal,
            reason: "TaintManagerEviction",
            message: &format!("Marking for deletion Pod {}/{}", key.namespace, key.name),
            involved: &key,
            field_path: None,
            source: TAINT_EVICTION,
        },
        now,
    );
    if !pod.status.conditions.iter().any(|c| c.condition_type == "DisruptionTarget") {
        pod.status.conditions.push(
            Condition {
                condition_type: "DisruptionTarget".into(),
                status: "True".into(),
                last_transition_time: Some(now),
                ..Condition::default()
            }
            .with_reason("DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint"),
        );
        world.store.write(key.clone(), Object::Pod(pod.clone()));
    }
    super::gc::delete_pod(world, &key);
    let seconds = toleration_ms(&pod).unwrap_or(0) / 1000;
    world.decide(Decision::new(
        TAINT_EVICTION,
        &key,
        "evict",
        vec![
            format!("node {node} has the taint {UNREACHABLE_TAINT}:NoExecute"),
            format!("the pod tolerates it for {seconds} s, and that time is up"),
            "no kubelet confirms the deletion: the pod stays Terminating while the node is down".to_string(),
        ],
    ));
    true
}

/// How long the pod tolerates `node.kubernetes.io/unreachable:NoExecute`
/// (None: forever). Without a matching toleration, the default the
/// DefaultTolerationSeconds admission plugin adds.
fn toleration_ms(pod: &Pod) -> Option<i64> {
    let tolerations = match pod.spec.tolerations.as_deref() {
        Some(Value::Sequence(tolerations)) => tolerations.as_slice(),
        _ => &[],
    };
    let matching: Vec<&Value> = tolerations.iter().filter(|t| tolerates_unreachable(t)).collect();
    if matching.is_empty() {
        return Some(DEFAULT_TOLERATION_SECONDS * 1000);
    }
    matching.iter().filter_map(|t| t.get("tolerationSeconds").and_then(Value::as_i64)).map(|s| s.max(0) * 1000).min()
}

/// Toleration.ToleratesTaint for the unreachable NoExecute taint (no value).
fn tolerates_unreachable(toleration: &Value) -> bool {
    let field = |name: &str| toleration.get(name).and_then(Value::as_str).unwrap_or("");
    let effect_matches = field("effect").is_empty() || field("effect") == "NoExecute";
    let key = field("key");
    let key_matches = match field("operator") {
        "Exists" => key.is_empty() || key == UNREACHABLE_TAINT,
        "" | "Equal" => key == UNREACHABLE_TAINT && field("value").is_empty(),
        _ => false,
    };
    effect_matches && key_matches
}

/// The node comes back: its kubelet posts Ready, the node controller
/// lifts the taints (cancelling evictions still pending), the kubelet
/// confirms the deletions it finds and restarts the other pods.
fn start(world: &mut World, name: &str, stopped: &StoppedNode) {
    let now = world.now();
    let key = Key::new("Node", "", name);
    let Some(mut node) = node(world, name) else { return };
    let was_not_ready = node.status.conditions.iter().any(|c| c.condition_type == "Ready" && c.status != "True");
    post_healthy(&mut node, now);
    set_unreachable_taints(&mut node, None);
    world.store.write(key.clone(), Object::Node(node));
    if was_not_ready {
        world.events.record(
            Report {
                event_type: EventType::Normal,
                reason: "NodeReady",
                message: &format!("Node {name} status is now: NodeReady"),
                involved: &key,
                field_path: None,
                source: NODE_CONTROLLER,
            },
            now,
        );
    }
    let mut removed = 0;
    for pod in pods_on(world, name) {
        let pod_key = pod_key(&pod);
        world.runtimes.remove(&pod_key);
        // The restarted kubelet finds its pods again.
        world.queues.pods.insert(pod_key.clone());
        if pod.metadata.deletion_timestamp.is_some() {
            world.store.remove(&pod_key);
            removed += 1;
        } else if stopped.unreachable_at_ms.is_some() && toleration_ms(&pod).is_some() {
            world.events.record(
                Report {
                    event_type: EventType::Normal,
                    reason: "TaintManagerEviction",
                    message: &format!("Cancelling deletion of Pod {}/{}", pod_key.namespace, pod_key.name),
                    involved: &pod_key,
                    field_path: None,
                    source: TAINT_EVICTION,
                },
                now,
            );
        }
    }
    world.retry_unschedulable = true;
    world.decide(Decision::new(
        NODE_CONTROLLER,
        &key,
        "node Ready again",
        vec![
            "its kubelet posts status again; the unreachable taints are lifted".to_string(),
            format!("{removed} pod(s) marked for deletion are gone; the others restart"),
        ],
    ));
}

#[cfg(test)]
#[path = "nodes_tests.rs"]
mod tests;
