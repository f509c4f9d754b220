//! History and time travel: the inputs a session received, with their
//! times, and checkpoints of the world along the way. `seek(t)` restores
//! the nearest checkpoint at or before `t` and replays the inputs after it,
//! which gives exactly the world of a fresh run to `t` (a test proves it).

use super::World;
use crate::api::Object;

/// Simulated time between checkpoints.
pub const CHECKPOINT_INTERVAL_MS: u64 = 10_000;

/// Something that happened to the world from outside.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// `kubectl apply` of these objects.
    Apply(Vec<Object>),
    /// A fault or other timed action.
    Fault(super::faults::Fault),
}

impl History {
    /// Runs the world to quiescence at the current instant (after an
    /// input, so the controllers react before anyone looks).
    pub fn settle(&mut self) {
        self.advance(0);
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct History {
    seed: u64,
    /// Every input with the simulated time it arrived, in order.
    inputs: Vec<(u64, Input)>,
    /// Snapshots taken on reaching each checkpoint instant, before any
    /// input of that instant; the first is the empty world at 0.
    checkpoints: Vec<World>,
    current: World,
}

impl History {
    pub fn new(seed: u64) -> History {
        let world = World::new(seed);
        History { seed, inputs: Vec::new(), checkpoints: vec![world.clone()], current: world }
    }

    pub fn world(&self) -> &World {
        &self.current
    }

    pub fn inputs(&self) -> &[(u64, Input)] {
        &self.inputs
    }

    /// Applies an input now and records it.
    pub fn input(&mut self, input: Input) {
        self.inputs.push((self.current.now_ms(), input.clone()));
        apply(&mut self.current, &input);
    }

    /// The eviction API now (`Fault::Evict`, recorded like any fault), with
    /// its answer: the budget it used up, or the API server's refusal.
    /// Replaying the fault gives the same world, answer and all.
    pub fn evict(
        &mut self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<String>, crate::controller::disruption::EvictionError> {
        let fault = super::faults::Fault::Evict { namespace: namespace.to_string(), name: name.to_string() };
        self.inputs.push((self.current.now_ms(), Input::Fault(fault)));
        self.current.evict(namespace, name)
    }

    /// Advances the world, stopping at each checkpoint instant to keep a
    /// snapshot.
    pub fn advance(&mut self, ms: u64) {
        let target = self.current.now_ms().saturating_add(ms);
        loop {
            let next_checkpoint = (self.current.now_ms() / CHECKPOINT_INTERVAL_MS + 1) * CHECKPOINT_INTERVAL_MS;
            if next_checkpoint > target {
                let rest = target - self.current.now_ms();
                self.current.advance(rest);
                return;
            }
            let step = next_checkpoint - self.current.now_ms();
            self.current.advance(step);
            self.checkpoints.push(self.current.clone());
        }
    }

    /// The world as it was at `t` (a time up to now).
    pub fn seek(&self, t: u64) -> World {
        let t = t.min(self.current.now_ms());
        let start = self.checkpoints.iter().rev().find(|world| world.now_ms() <= t).cloned();
        let mut world = start.unwrap_or_else(|| World::new(self.seed));
        let from = world.now_ms();
        // Inputs at the checkpoint's own instant came after it was taken.
        for (at, input) in self.inputs.iter().filter(|(at, _)| *at >= from && *at <= t) {
            world.advance(at - world.now_ms());
            apply(&mut world, input);
        }
        world.advance(t - world.now_ms());
        world
    }

    /// The same inputs, replayed from an empty world without checkpoints.
    pub fn replay_from_scratch(&self, t: u64) -> World {
        let mut world = World::new(self.seed);
        for (at, input) in self.inputs.iter().filter(|(at, _)| *at <= t) {
            world.advance(at - world.now_ms());
            apply(&mut world, input);
        }
        world.advance(t.saturating_sub(world.now_ms()));
        world
    }
}

fn apply(world: &mut World, input: &Input) {
    match input {
        Input::Apply(objects) => {
            for object in objects {
                let _ = world.apply_object(object.clone());
            }
        }
        Input::Fault(fault) => world.apply_fault(fault),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEMO_MANIFESTS, parse_manifests};

    fn objects(text: &str) -> Input {
        Input::Apply(parse_manifests(text).objects.into_iter().map(|loaded| loaded.object).collect())
    }

    /// seek(t) equals a fresh run to t, for many t across checkpoints,
    /// inputs and a rolling update in flight.
    #[test]
    fn seek_equals_a_fresh_run() {
        let mut history = History::new(11);
        let ten = DEMO_MANIFESTS.replace("replicas: 2", "replicas: 10");
        history.input(objects(&ten));
        history.advance(12_345);
        history.input(objects(&ten.replace("1.0.0", "1.0.1")));
        history.advance(7_000);
        history.input(objects(&ten.replace("1.0.0", "1.0.2").replace("replicas: 10", "replicas: 4")));
        history.advance(40_000);
        let now = history.world().now_ms();
        assert_eq!(history.seek(now).digest(), history.world().digest());
        for t in (0..=now).step_by(1_237).chain([10_000, 12_345, 19_345, 20_000, now]) {
            let seeked = history.seek(t);
            assert_eq!(seeked.now_ms(), t);
            assert_eq!(seeked.digest(), history.replay_from_scratch(t).digest(), "at {t} ms");
        }
    }
}
