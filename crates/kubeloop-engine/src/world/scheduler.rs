//! The scheduler: binds each pending pod to a node with room for its
//! requests, preferring the least allocated node (NodeResourcesFit's
//! LeastAllocated score), then the node with fewer pods of the same
//! owner (spreading), then the name.

use super::World;
use super::events::{EventType, Report};
use super::store::{Key, Store};
use crate::api::core::{Container, Node, Pod};
use crate::api::{Condition, Object, Str};
use crate::lean::VecMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const SOURCE: &str = "default-scheduler";

/// Binds every pod that waits for a node. True if it wrote anything.
pub fn schedule(world: &mut World) -> bool {
    // Unschedulable pods are tried again only when the cluster changed;
    // otherwise only the pods written since the last pass are looked at.
    let retry = std::mem::take(&mut world.retry_unschedulable);
    let queued = world.queues.unbound_pods.take();
    let candidates: Vec<Key> = if retry { world.store.unbound_pods().cloned().collect() } else { queued };
    let pending: Vec<Key> = candidates
        .into_iter()
        .filter(|key| match world.store.get(key) {
            Some(Object::Pod(pod)) => {
                pod.spec.node_name.as_deref().unwrap_or("").is_empty()
                    && pod.metadata.deletion_timestamp.is_none()
                    && (retry || !is_unschedulable_already(pod))
            }
            _ => false,
        })
        .collect();
    if pending.is_empty() {
        return false;
    }
    let mut nodes = NodeTable::of(world);
    let mut wrote = false;
    for key in pending {
        // Changed in place: taken out of the store, put back if it changed.
        let Some(mut taken) = world.store.take(&key) else { continue };
        let changed = match taken.object_mut() {
            Object::Pod(pod) => schedule_one(world, &mut nodes, &key, pod),
            _ => false,
        };
        if changed {
            world.store.put(key, taken);
        } else {
            world.store.untake(key, taken);
        }
        wrote |= changed;
    }
    wrote
}

/// The scheduler's cache for one pass: every node that passes the
/// node-level filters, its allocatable and what its pods request, kept up
/// to date as this pass binds pods (the store's index is read once), and
/// the nodes ranked for each owner that has pods in the pass.
struct NodeTable {
    /// In name order (the store lists nodes by key), so a slot's index
    /// orders nodes as their names do.
    schedulable: Vec<NodeSlot>,
    /// All nodes, schedulable or not (the `0/N` of FailedScheduling).
    total: usize,
    /// The nodes the node-level filters left out, counted by reason:
    /// cordoned ones (NodeUnschedulable, the first filter), then by
    /// NoSchedule taint key.
    left_out: VecMap<String, usize>,
    /// By controlling owner UID: its pods on each node and its rankings.
    owned: VecMap<String, Spread>,
    /// The pods no controller controls (no spreading among them).
    unowned: Option<Spread>,
}

struct NodeSlot {
    name: Str,
    /// Allocatable milli-CPU, memory bytes, pods.
    allocatable: (i64, i64, i64),
    /// What its pods request: milli-CPU, memory bytes, pods.
    used: (i64, i64, i64),
    /// Bumped when this pass binds a pod to it: rankings made before
    /// then are stale for this node.
    version: usize,
}

/// One owner's pods in the pass: how many it runs on each node (the
/// spreading tie-break) and its rankings, one per pod size.
struct Spread {
    siblings: Vec<i64>,
    rankings: Vec<Ranking>,
}

/// The nodes a pod of one owner and size fits on, lowest first by what
/// the scheduler compares (score, siblings, then name: the slot's index),
/// each entry with the node's version when ranked. Binding only adds to a
/// node's usage, so a node's score, siblings and fit only grow worse
/// during a pass: an entry never ranks a node worse than it is, and the
/// lowest entry that is current is the best node. Stale entries are
/// ranked again as they come up, so a pod costs a few heap operations,
/// not a look at every node.
struct Ranking {
    requests: (i64, i64),
    heap: BinaryHeap<Reverse<(i64, i64, usize, usize)>>,
}

impl NodeTable {
    fn of(world: &World) -> NodeTable {
        let mut total = 0;
        let mut schedulable = Vec::new();
        let mut left_out: VecMap<String, usize> = VecMap::default();
        for object in world.store.list("Node", None) {
            total += 1;
            let Object::Node(node) = object else { continue };
            if node.spec.unschedulable || !node_ready(node) {
                let reason = if node.spec.unschedulable {
                    "node(s) were unschedulable".to_string()
                } else {
                    format!("node(s) had untolerated taint {{{}: }}", no_schedule_taint(node))
                };
                *left_out.entry(reason).or_default() += 1;
                continue;
            }
            let name = Str::copy(node.metadata.name());
            let used = world.store.node_usage(&name).map_or((0, 0, 0), |u| (u.cpu_milli, u.memory, u.pods));
            schedulable.push(NodeSlot { allocatable: allocatable(node), used, name, version: 0 });
        }
        NodeTable { schedulable, total, left_out, owned: VecMap::default(), unowned: None }
    }

    /// The best node for a pod of this owner and size, if any fits.
    fn best(&mut self, store: &Store, owner: Option<&str>, requests: (i64, i64)) -> Option<usize> {
        let slots = &self.schedulable;
        let spread = match owner {
            Some(uid) => {
                if !self.owned.contains_key(uid) {
                    self.owned.insert(uid.to_string(), Spread::of(store, slots, Some(uid)));
                }
                self.owned.get_mut(uid)?
            }
            None => self.unowned.get_or_insert_with(|| Spread::of(store, slots, None)),
        };
        let index = match spread.rankings.iter().position(|ranking| ranking.requests == requests) {
            Some(index) => index,
            None => {
                let heap =
                    (0..slots.len()).filter_map(|index| rank(slots, &spread.siblings, index, requests)).collect();
                spread.rankings.push(Ranking { requests, heap });
                spread.rankings.len() - 1
            }
        };
        let ranking = &mut spread.rankings[index];
        while let Some(&Reverse((_, _, index, version))) = ranking.heap.peek() {
            if slots[index].version == version {
                return Some(index);
            }
            ranking.heap.pop();
            ranking.heap.extend(rank(slots, &spread.siblings, index, requests));
        }
        None
    }

    /// A pod of this owner and size is bound to the slot.
    fn bind(&mut self, index: usize, owner: Option<&str>, (cpu, memory): (i64, i64)) {
        let slot = &mut self.schedulable[index];
        slot.used.0 += cpu;
        slot.used.1 += memory;
        slot.used.2 += 1;
        slot.version += 1;
        if let Some(spread) = owner.and_then(|uid| self.owned.get_mut(uid)) {
            spread.siblings[index] += 1;
        }
    }
}

impl Spread {
    fn of(store: &Store, slots: &[NodeSlot], owner: Option<&str>) -> Spread {
        let mut siblings = vec![0; slots.len()];
        if let Some(uid) = owner {
            // The slots and the store's nodes with pods are both in name
            // order: one walk over both, no search per node.
            let mut usages = store.node_usages().peekable();
            for (slot, siblings) in slots.iter().zip(&mut siblings) {
                let name = slot.name.as_str();
                while usages.next_if(|(other, _)| *other < name).is_some() {}
                if let Some((_, usage)) = usages.next_if(|(other, _)| *other == name) {
                    *siblings = usage.by_owner.get(uid).copied().unwrap_or(0);
                }
            }
        }
        Spread { siblings, rankings: Vec::new() }
    }
}

/// The slot's heap entry for a pod of this size: (score, siblings, index,
/// version), or None if the pod does not fit there.
fn rank(
    slots: &[NodeSlot],
    siblings: &[i64],
    index: usize,
    requests: (i64, i64),
) -> Option<Reverse<(i64, i64, usize, usize)>> {
    let slot = &slots[index];
    let score = score(slot, requests)?;
    Some(Reverse((score, siblings[index], index, slot.version)))
}

/// Whether a pod of this size fits the slot (cpu, memory, pods).
fn fits(slot: &NodeSlot, (cpu, memory): (i64, i64)) -> (bool, bool, bool) {
    let (node_cpu, node_memory, node_pods) = slot.allocatable;
    let (used_cpu, used_memory, used_pods) = slot.used;
    (used_cpu + cpu <= node_cpu, used_memory + memory <= node_memory, used_pods < node_pods)
}

/// LeastAllocated: the share of CPU and memory in use after binding, in
/// per-mille, averaged; lower is better. None if the pod does not fit.
fn score(slot: &NodeSlot, requests: (i64, i64)) -> Option<i64> {
    if fits(slot, requests) != (true, true, true) {
        return None;
    }
    let (cpu, memory) = requests;
    let (node_cpu, node_memory, _) = slot.allocatable;
    let (used_cpu, used_memory, _) = slot.used;
    let share = |used: i64, capacity: i64| if capacity <= 0 { 1000 } else { (used * 1000) / capacity };
    Some((share(used_cpu + cpu, node_cpu) + share(used_memory + memory, node_memory)) / 2)
}

fn is_unschedulable_already(pod: &Pod) -> bool {
    pod.status.conditions.iter().any(|c| c.condition_type == "PodScheduled" && c.status == "False")
}

/// The pod's requests as (milli-CPU, memory bytes).
pub fn pod_requests(pod: &Pod) -> (i64, i64) {
    containers_requests(&pod.spec.containers)
}

/// The requests of a pod's containers, summed.
pub fn containers_requests(containers: &[Container]) -> (i64, i64) {
    containers.iter().fold((0, 0), |(cpu, memory), container| {
        let requests = &container.resources.requests;
        (
            cpu + requests.get("cpu").map_or(0, |q| q.milli_value()),
            memory + requests.get("memory").map_or(0, |q| q.value()),
        )
    })
}

/// A node's allocatable (milli-CPU, memory bytes, pods).
pub fn allocatable(node: &Node) -> (i64, i64, i64) {
    let status = &node.status;
    let get = |name: &str| status.allocatable.get(name).or_else(|| status.capacity.get(name));
    (
        get("cpu").map_or(0, |q| q.milli_value()),
        get("memory").map_or(0, |q| q.value()),
        get("pods").map_or(110, |q| q.value()),
    )
}

/// Binds one pod, or marks it unschedulable; the caller writes it back.
/// True if the pod changed.
fn schedule_one(world: &mut World, nodes: &mut NodeTable, key: &Key, pod: &mut Pod) -> bool {
    let requests = pod_requests(pod);
    let total_nodes = nodes.total;
    let best = nodes.best(&world.store, pod.metadata.controller().map(|owner| owner.uid.as_str()), requests);
    let now = world.now();
    let Some(index) = best else {
        let (mut short_cpu, mut short_memory, mut short_pods) = (0, 0, 0);
        for slot in &nodes.schedulable {
            let (fits_cpu, fits_memory, fits_pods) = fits(slot, requests);
            short_cpu += usize::from(!fits_cpu);
            short_memory += usize::from(!fits_memory);
            short_pods += usize::from(!fits_pods);
        }
        let mut reasons = Vec::new();
        for (count, reason) in
            [(short_cpu, "Insufficient cpu"), (short_memory, "Insufficient memory"), (short_pods, "Too many pods")]
        {
            if count > 0 {
                reasons.push(format!("{count} {reason}"));
            }
        }
        let unresolvable: usize = nodes.left_out.values().sum();
        for (reason, count) in &nodes.left_out {
            reasons.push(format!("{count} {reason}"));
        }
        // FitError sorts the histogram's lines as strings; preemption cannot
        // help on the nodes the filters left out whatever runs there.
        crate::lean::sort(&mut reasons);
        let mut preemption = Vec::new();
        if unresolvable > 0 {
            preemption.push(format!("{unresolvable} Preemption is not helpful for scheduling"));
        }
        if !nodes.schedulable.is_empty() {
            preemption.push(format!("{} No preemption victims found for incoming pod", nodes.schedulable.len()));
        }
        crate::lean::sort(&mut preemption);
        // With no node at all the scheduler stops before the filters
        // (ErrNoNodesAvailable).
        let message = if total_nodes == 0 {
            "no nodes available to schedule pods".to_string()
        } else {
            format!(
                "0/{total_nodes} nodes are available: {}. preemption: 0/{total_nodes} nodes are available: {}.",
                reasons.join(", "),
                preemption.join(", ")
            )
        };
        let already = pod.status.conditions.iter().any(|c| c.condition_type == "PodScheduled" && c.message == message);
        if !already {
            pod.status.conditions.retain(|c| c.condition_type != "PodScheduled");
            pod.status.conditions.push(
                Condition {
                    condition_type: "PodScheduled".into(),
                    status: "False".into(),
                    last_transition_time: Some(now),
                    ..Condition::default()
                }
                .with_reason("Unschedulable", message.clone()),
            );
        }
        world.events.record_series(
            Report {
                event_type: EventType::Warning,
                reason: "FailedScheduling",
                message: &message,
                involved: key,
                field_path: None,
                source: SOURCE,
            },
            // The pod as the scheduler saw it: the store sets a new
            // resourceVersion only when the pod is put back.
            pod.metadata.resource_version.as_deref().unwrap_or_default(),
            now,
        );
        return !already;
    };
    nodes.bind(index, pod.metadata.controller().map(|owner| owner.uid.as_str()), requests);
    let node = &nodes.schedulable[index].name;
    // Concatenated: `format!` costs several times as much, for every pod.
    let message =
        ["Successfully assigned ", pod.metadata.namespace(), "/", pod.metadata.name(), " to ", node.as_str()].concat();
    pod.spec.node_name = Some(node.clone());
    pod.status.conditions.retain(|c| c.condition_type != "PodScheduled");
    pod.status.conditions.push(Condition {
        condition_type: "PodScheduled".into(),
        status: "True".into(),
        last_transition_time: Some(now),
        ..Condition::default()
    });
    world.events.record_series(
        Report {
            event_type: EventType::Normal,
            reason: "Scheduled",
            message: &message,
            involved: key,
            field_path: None,
            source: SOURCE,
        },
        pod.metadata.resource_version.as_deref().unwrap_or_default(),
        now,
    );
    true
}

/// The key of a node's NoSchedule taint (`node.kubernetes.io/unreachable`
/// for a node that stopped reporting), or the not-ready one.
fn no_schedule_taint(node: &Node) -> String {
    let taints = node.spec.taints.as_deref().and_then(serde_yaml::Value::as_sequence);
    taints
        .into_iter()
        .flatten()
        .find(|taint| taint.get("effect").and_then(serde_yaml::Value::as_str) == Some("NoSchedule"))
        .and_then(|taint| taint.get("key").and_then(serde_yaml::Value::as_str))
        .unwrap_or("node.kubernetes.io/not-ready")
        .to_string()
}

fn node_ready(node: &Node) -> bool {
    node.status.conditions.iter().find(|c| c.condition_type == "Ready").is_none_or(|c| c.status == "True")
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;
