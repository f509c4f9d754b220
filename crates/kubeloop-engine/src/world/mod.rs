//! The world: the simulated cluster's state and clock.
//!
//! Everything is deterministic: simulated milliseconds instead of a wall
//! clock, one seeded [`Rng`], ordered maps. `digest()` makes any divergence
//! between two runs (or native and wasm) visible. The controllers'
//! decisions (see `controller/`, `kubelet/`) plug into `advance`; see
//! docs/engine-plan.md for the plan.

mod claim;
mod deployment_controller;
pub mod disruption;
pub mod events;
pub mod faults;
mod gc;
mod hash_index;
pub mod history;
pub mod hpa;
pub mod kubelet;
mod nodes;
pub mod preview;
mod queues;
mod replicaset_controller;
pub mod rng;
pub mod rollback;
mod scheduler;
mod service_ips;
pub mod store;
pub mod traffic;

use crate::api::{Object, Time};
use crate::manifest::Manifests;
use events::EventLog;
use rng::Rng;
use sha2::{Digest, Sha256};
use store::{Key, Store, StoreError};

/// Simulated time 0 is 2026-01-01T00:00:00Z: timestamps read like real
/// ones and are the same on every run.
pub const EPOCH_UNIX_MS: i64 = 1_767_225_600_000;

/// What `kubectl apply` says about one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    Created(Key),
    Configured(Key),
    Unchanged(Key),
}

impl Applied {
    /// `deployment.apps/web created`, as kubectl prints it.
    pub fn message(&self) -> String {
        let (key, verb) = match self {
            Applied::Created(key) => (key, "created"),
            Applied::Configured(key) => (key, "configured"),
            Applied::Unchanged(key) => (key, "unchanged"),
        };
        let resource = crate::api::resource_of(key.kind);
        let (plural, group) = resource.split_once('.').unwrap_or((resource, ""));
        let singular = crate::api::kind_info(key.kind).map_or(plural.to_string(), |info| info.kind.to_lowercase());
        if group.is_empty() {
            format!("{singular}/{} {verb}", key.name)
        } else {
            format!("{singular}.{group}/{} {verb}", key.name)
        }
    }
}

/// One controller decision, with why, for the Explain panel and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub at: Time,
    pub controller: String,
    pub object: Key,
    pub what: String,
    pub why: Vec<String>,
}

impl Decision {
    pub fn new(controller: &str, object: &Key, what: &str, why: Vec<String>) -> Decision {
        Decision {
            at: Time::default(),
            controller: controller.to_string(),
            object: object.clone(),
            what: what.to_string(),
            why,
        }
    }
}

/// The nodes a world starts with when the manifests describe none.
const DEFAULT_NODES: [&str; 3] = ["node-1", "node-2", "node-3"];
/// What the API server creates at start (`kubectl get ns` on a new cluster).
const BUILT_IN_NAMESPACES: [&str; 4] = ["default", "kube-node-lease", "kube-public", "kube-system"];
const DEFAULT_NODE_LABEL: &str = "kubeloop.dev/default-node";
/// Rounds of controller syncs at one instant before the loop gives up (a
/// guard against a controller that never settles; it would be a bug).
const MAX_ROUNDS: usize = 1_000;

#[derive(Clone, Debug, PartialEq)]
pub struct World {
    now_ms: u64,
    rng: Rng,
    store: Store,
    events: EventLog,
    decisions: Vec<Decision>,
    runtimes: kubelet::Runtimes,
    next_pod_ip: u32,
    retry_unschedulable: bool,
    traffic: traffic::TrafficState,
    nodes: nodes::NodeState,
    hpa: hpa::HpaState,
    queues: queues::WorkQueues,
    disruption: disruption::DisruptionState,
}

impl World {
    pub fn new(seed: u64) -> World {
        let mut world = World {
            now_ms: 0,
            rng: Rng::seeded(seed),
            store: Store::default(),
            events: EventLog::started_at(Time::from_unix_ms(EPOCH_UNIX_MS)),
            decisions: Vec::new(),
            runtimes: kubelet::Runtimes::default(),
            next_pod_ip: 0,
            retry_unschedulable: false,
            traffic: traffic::TrafficState::default(),
            nodes: nodes::NodeState::default(),
            hpa: hpa::HpaState::default(),
            queues: queues::WorkQueues::default(),
            disruption: disruption::DisruptionState::default(),
        };
        for name in DEFAULT_NODES {
            let text = format!(
                "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{DEFAULT_NODE_LABEL}: 'true'}}}}\nstatus: {{capacity: {{cpu: '4', memory: 8Gi, pods: '110'}}}}\n"
            );
            if let Some(loaded) = crate::parse_manifests(&text).objects.into_iter().next() {
                let now = world.now();
                let _ = world.store.create(loaded.object, now, &mut world.rng);
            }
        }
        // The namespaces every cluster starts with.
        // Built directly (no YAML to read at every start), defaulted as
        // the namespace strategy does.
        for name in BUILT_IN_NAMESPACES {
            let metadata = crate::api::ObjectMeta { name: Some(name.to_string()), ..Default::default() };
            let mut object = Object::Namespace(crate::api::core::Namespace { metadata, ..Default::default() });
            crate::defaults::apply(&mut object);
            let now = world.now();
            let _ = world.store.create(object, now, &mut world.rng);
        }
        // The kubelets post their nodes' first status.
        nodes::observe(&mut world);
        world
    }

    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    pub(crate) fn decide(&mut self, mut decision: Decision) {
        decision.at = self.now();
        self.decisions.push(decision);
    }

    /// Records a decision unless the same controller's latest decision about
    /// the same object says the same thing (a controller that keeps waiting
    /// explains it once, not on every sync).
    pub(crate) fn decide_once(&mut self, decision: Decision) {
        let latest =
            self.decisions.iter().rev().find(|d| d.controller == decision.controller && d.object == decision.object);
        if latest.is_some_and(|d| d.what == decision.what && d.why == decision.why) {
            return;
        }
        self.decide(decision);
    }

    /// Simulated milliseconds since the world began.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// The current instant, for timestamps.
    pub fn now(&self) -> Time {
        Time::from_unix_ms(EPOCH_UNIX_MS + self.now_ms as i64)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn events(&self) -> &EventLog {
        &self.events
    }

    /// Runs the cluster for `ms` simulated milliseconds: at each instant
    /// where something is due, the kubelets act, then the controllers sync
    /// until nothing changes.
    pub fn advance(&mut self, ms: u64) {
        let target = self.now_ms.saturating_add(ms);
        loop {
            self.reconcile();
            self.runtimes.reschedule(self.now().unix_ms);
            let epoch = EPOCH_UNIX_MS;
            match self.next_timer().map(|at| (at - epoch).max(0) as u64) {
                Some(at) if at <= target => {
                    self.now_ms = at.max(self.now_ms);
                    self.fire();
                }
                _ => {
                    self.now_ms = target;
                    self.reconcile();
                    self.events.tick(self.now());
                    return;
                }
            }
        }
    }

    /// The next simulated instant (milliseconds since the world began)
    /// after now at which some part of the world has something to do: where
    /// the playground's step button stops. `None` when nothing is due.
    pub fn next_instant_ms(&self) -> Option<u64> {
        let at = (self.next_timer()? - EPOCH_UNIX_MS).max(0) as u64;
        Some(at.max(self.now_ms + 1))
    }

    /// The next instant (unix ms) at which some part of the world has
    /// something to do.
    fn next_timer(&self) -> Option<i64> {
        [
            kubelet::next_timer(self),
            traffic::next_timer(self),
            nodes::next_timer(self),
            deployment_controller::next_timer(self),
            hpa::next_timer(self),
            self.queues.next_timer(),
            disruption::next_timer(self),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Does what is due now.
    fn fire(&mut self) {
        let now = self.now().unix_ms;
        self.queues.release_due(now);
        let stuck = deployment_controller::due(self);
        self.queues.deployments.extend(stuck);
        kubelet::fire(self);
        traffic::fire(self);
        nodes::fire(self);
    }

    /// Applies a fault now (the history records it).
    pub fn apply_fault(&mut self, fault: &faults::Fault) {
        let handled = kubelet::apply_fault(self, fault)
            || traffic::apply_fault(self, fault)
            || nodes::apply_fault(self, fault)
            || gc::apply_fault(self, fault)
            || disruption::apply_fault(self, fault);
        debug_assert!(handled, "no part of the world handles {fault:?}");
        self.reconcile();
    }

    /// Every controller syncs what is queued for it, in upstream's order,
    /// until a whole round writes nothing and no queue holds anything.
    /// Writes are delivered to the queues before each step, so a step sees
    /// what the one before it did.
    fn reconcile(&mut self) {
        for _ in 0..MAX_ROUNDS {
            let mut wrote = false;
            queues::route_changes(self);
            for key in self.queues.deployments.take() {
                wrote |= deployment_controller::sync_deployment(self, &key);
            }
            queues::route_changes(self);
            for key in self.queues.replica_sets.take() {
                wrote |= replicaset_controller::sync_replica_set(self, &key);
            }
            queues::route_changes(self);
            wrote |= gc::collect(self);
            queues::route_changes(self);
            wrote |= scheduler::schedule(self);
            queues::route_changes(self);
            wrote |= kubelet::observe(self);
            wrote |= traffic::observe(self);
            wrote |= nodes::observe(self);
            wrote |= hpa::sync_all(self);
            wrote |= disruption::sync_queued(self);
            queues::route_changes(self);
            if !wrote && self.queues.is_empty() {
                self.store.release_changes();
                return;
            }
        }
    }

    /// `kubectl apply`: creates what is new, updates what exists.
    pub fn apply(&mut self, manifests: &Manifests) -> Vec<Result<Applied, StoreError>> {
        manifests.objects.iter().map(|loaded| self.apply_object(loaded.object.clone())).collect()
    }

    /// Creates or updates one object, as `kubectl apply` does.
    pub fn apply_object(&mut self, mut object: Object) -> Result<Applied, StoreError> {
        let key = Key::of(&object);
        if self.store.get(&key).is_none() {
            if key.kind == "Node" {
                self.replace_default_nodes();
            }
            if let Object::Service(service) = &mut object {
                service_ips::allocate(&self.store, service);
            }
            let now = self.now();
            self.retry_unschedulable = true;
            return self.store.create(object, now, &mut self.rng).map(Applied::Created);
        }
        Ok(if self.store.update(object)? { Applied::Configured(key) } else { Applied::Unchanged(key) })
    }

    /// The manifests describe their own nodes: the default ones that run
    /// nothing make way.
    fn replace_default_nodes(&mut self) {
        for name in DEFAULT_NODES {
            let key = Key::new("Node", "", name);
            let is_default =
                self.store.get(&key).is_some_and(|node| node.metadata().labels.contains_key(DEFAULT_NODE_LABEL));
            if is_default && self.store.pods_on_node(name).next().is_none() {
                self.store.remove(&key);
            }
        }
    }

    /// A fingerprint of the whole world: equal digests mean equal worlds.
    /// (sha256 of a canonical dump: ordered maps, fixed field order.)
    pub fn digest(&self) -> String {
        let dump = format!(
            "{:?}",
            (
                self.now_ms,
                &self.rng,
                &self.store,
                &self.events,
                &self.decisions,
                &self.runtimes,
                &self.hpa,
                &self.queues.replica_sets_after,
                &self.disruption,
            )
        );
        let hash = Sha256::digest(dump.as_bytes());
        hash.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEMO_MANIFESTS, parse_manifests};

    #[test]
    fn apply_reads_like_kubectl_and_is_idempotent() {
        let mut world = World::new(1);
        let manifests = parse_manifests(DEMO_MANIFESTS);
        let first: Vec<String> = world.apply(&manifests).into_iter().map(|r| r.unwrap().message()).collect();
        assert_eq!(first, ["deployment.apps/demo-api created", "service/demo-api created"]);
        let again: Vec<String> = world.apply(&manifests).into_iter().map(|r| r.unwrap().message()).collect();
        assert_eq!(again, ["deployment.apps/demo-api unchanged", "service/demo-api unchanged"]);
        let scaled = parse_manifests(&DEMO_MANIFESTS.replace("replicas: 2", "replicas: 4"));
        assert_eq!(world.apply(&scaled)[0].as_ref().unwrap().message(), "deployment.apps/demo-api configured");
        let deployment = world.store().get(&Key::new("Deployment", "default", "demo-api")).unwrap();
        assert_eq!(deployment.metadata().generation, Some(2));
        assert_eq!(deployment.metadata().creation_timestamp.unwrap().to_rfc3339(), "2026-01-01T00:00:00Z");
    }

    #[test]
    fn same_seed_and_inputs_same_digest() {
        let run = |seed: u64| {
            let mut world = World::new(seed);
            world.apply(&parse_manifests(DEMO_MANIFESTS));
            world.advance(1_500);
            world.digest()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8), "the seed decides uids");
        assert_eq!(run(7).len(), 64);
    }
}

#[cfg(test)]
mod claim_tests;
#[cfg(test)]
mod story_tests;
#[cfg(test)]
mod strategy_tests;
#[cfg(test)]
mod test_support;
