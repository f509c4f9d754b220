//! The world: the simulated cluster's state and clock.
//!
//! Everything is deterministic: simulated milliseconds instead of a wall
//! clock, one seeded [`Rng`], ordered maps. `digest()` makes any divergence
//! between two runs (or native and wasm) visible. The controllers'
//! decisions (see `controller/`, `kubelet/`) plug into `advance`; see
//! docs/engine-plan.md for the plan.

pub mod events;
pub mod rng;
pub mod store;

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

#[derive(Clone, Debug, PartialEq)]
pub struct World {
    now_ms: u64,
    rng: Rng,
    store: Store,
    events: EventLog,
}

impl World {
    pub fn new(seed: u64) -> World {
        World { now_ms: 0, rng: Rng::seeded(seed), store: Store::default(), events: EventLog::default() }
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

    /// Moves the clock. (The controllers will run here.)
    pub fn advance(&mut self, ms: u64) {
        self.now_ms = self.now_ms.saturating_add(ms);
    }

    /// `kubectl apply`: creates what is new, updates what exists.
    pub fn apply(&mut self, manifests: &Manifests) -> Vec<Result<Applied, StoreError>> {
        manifests.objects.iter().map(|loaded| self.apply_object(loaded.object.clone())).collect()
    }

    fn apply_object(&mut self, object: Object) -> Result<Applied, StoreError> {
        let key = Key::of(&object);
        if self.store.get(&key).is_none() {
            let now = self.now();
            return self.store.create(object, now, &mut self.rng).map(Applied::Created);
        }
        Ok(if self.store.update(object)? { Applied::Configured(key) } else { Applied::Unchanged(key) })
    }

    /// A fingerprint of the whole world: equal digests mean equal worlds.
    /// (sha256 of a canonical dump: ordered maps, fixed field order.)
    pub fn digest(&self) -> String {
        let dump = format!("{:?}", (self.now_ms, &self.rng, &self.store, &self.events));
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
