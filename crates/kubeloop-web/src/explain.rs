//! The Explain tab: why the cluster is the way it is. For the selected
//! object, the controllers' latest decisions about it and about its owners
//! (a Pod's ReplicaSet and that ReplicaSet's Deployment), newest first,
//! each with the engine's reasons and arithmetic; with nothing selected,
//! the latest decisions of all. Times are relative to the instant on show.

use crate::events_tab::object_name;
use crate::state::PageState;
use kubeloop_engine::api::kind_info;
use kubeloop_engine::world::store::Key;
use kubeloop_engine::world::{Decision, World};
use kubeloop_kubectl::human_duration_ms;
use yew::prelude::*;

/// At most this many decisions are listed.
pub const MAX_DECISIONS: usize = 50;
/// Owners followed up from the selected object (Pod -> ReplicaSet ->
/// Deployment needs two).
const MAX_OWNER_DEPTH: usize = 4;

/// The selected object and its controlling owners, nearest first, as the
/// world on show has them (an object the world no longer holds is itself
/// alone).
pub fn owner_chain(world: &World, selected: &Key) -> Vec<Key> {
    let mut chain = vec![selected.clone()];
    while chain.len() <= MAX_OWNER_DEPTH {
        let Some(object) = chain.last().and_then(|key| world.store().get(key)) else { break };
        let meta = object.metadata();
        let Some(owner) = meta.controller() else { break };
        let Some(info) = kind_info(&owner.kind) else { break };
        let key = Key::new(info.kind, meta.namespace(), &owner.name);
        if chain.contains(&key) {
            break;
        }
        chain.push(key);
    }
    chain
}

/// The latest decisions about `keys` (about anything when `None`), newest
/// first, at most `max`.
pub fn latest_decisions<'a>(world: &'a World, keys: Option<&[Key]>, max: usize) -> Vec<&'a Decision> {
    world
        .decisions()
        .iter()
        .rev()
        .filter(|decision| keys.is_none_or(|keys| keys.contains(&decision.object)))
        .take(max)
        .collect()
}

/// One decision as the tab shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionView {
    /// `12s ago`, `just now`.
    pub when: String,
    /// The instant itself, `t=1m30s` from the session's start.
    pub at: String,
    pub controller: String,
    pub object: String,
    pub what: String,
    pub why: Vec<String>,
}

/// How long before `now_ms` an instant was, in kubectl's duration words.
pub fn ago(at_ms: i64, now_ms: i64) -> String {
    match now_ms.saturating_sub(at_ms) {
        ..=0 => "just now".to_string(),
        ms => format!("{} ago", human_duration_ms(ms)),
    }
}

fn view(decision: &Decision, now_ms: i64) -> DecisionView {
    let since_start = decision.at.unix_ms - kubeloop_engine::world::EPOCH_UNIX_MS;
    DecisionView {
        when: ago(decision.at.unix_ms, now_ms),
        at: if since_start <= 0 { "t=0s".to_string() } else { format!("t={}", human_duration_ms(since_start)) },
        controller: decision.controller.clone(),
        object: object_name(&decision.object),
        what: decision.what.clone(),
        why: decision.why.clone(),
    }
}

/// What the tab lists: its heading and the decisions, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    pub heading: String,
    pub decisions: Vec<DecisionView>,
}

pub fn explain(world: &World, selected: Option<&Key>) -> Explanation {
    let now = world.now().unix_ms;
    let (heading, keys) = match selected {
        None => (
            format!(
                "The latest controller decisions (up to {MAX_DECISIONS}), newest first. Select an object to see only its own."
            ),
            None,
        ),
        Some(key) => {
            let chain = owner_chain(world, key);
            let owners: Vec<String> = chain[1..].iter().map(object_name).collect();
            let heading = if owners.is_empty() {
                format!("Controller decisions about {}, newest first.", object_name(key))
            } else {
                format!(
                    "Controller decisions about {} and its owners {}, newest first.",
                    object_name(key),
                    owners.join(", ")
                )
            };
            (heading, Some(chain))
        }
    };
    let decisions = latest_decisions(world, keys.as_deref(), MAX_DECISIONS).into_iter().map(|d| view(d, now)).collect();
    Explanation { heading, decisions }
}

#[derive(Properties, PartialEq)]
pub struct ExplainTabProps {
    pub state: PageState,
}

#[function_component]
pub fn ExplainTab(props: &ExplainTabProps) -> Html {
    let state = props.state.clone();
    let explanation =
        use_memo((state.revision, state.shown.clone(), state.selected.clone()), move |(_, _, selected)| {
            state.with_world(|world| explain(world, selected.as_ref()))
        });
    html! {
        <div class="panel-scroll" tabindex="0" aria-label="Controller decisions, newest first">
            <p class="panel-note">{explanation.heading.clone()}</p>
            if explanation.decisions.is_empty() {
                <p class="panel-note">{"No controller decisions yet."}</p>
            }
            <ol class="decisions">
                { for explanation.decisions.iter().map(|decision| html! {
                    <li class="decision">
                        <div class="decision-head">
                            <time class="decision-when" title={decision.at.clone()}>{decision.when.clone()}</time>{" "}
                            <span class="decision-controller">{decision.controller.clone()}</span>{" on "}
                            <span class="decision-object">{decision.object.clone()}</span>{": "}
                            <strong class="decision-what">{decision.what.clone()}</strong>
                        </div>
                        <ul class="decision-why">
                            { for decision.why.iter().map(|why| html! { <li>{why.clone()}</li> }) }
                        </ul>
                    </li>
                }) }
            </ol>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::Playground;

    fn rolled_out() -> Playground {
        let mut playground = Playground::running(kubeloop_engine::DEMO_MANIFESTS);
        playground.command("set image deployment/demo-api demo-api=myrepo/demo-api:1.0.1");
        for _ in 0..3 {
            playground.step();
        }
        playground
    }

    #[test]
    fn with_nothing_selected_the_newest_decisions_come_first_with_their_arithmetic() {
        let playground = rolled_out();
        let explanation = explain(playground.world(), None);
        let decisions = &explanation.decisions;
        assert_eq!(decisions.len(), playground.world().decisions().len());
        assert_eq!(decisions.last().unwrap().what, "create ReplicaSet demo-api-65dc9c6ccb");
        assert_eq!(decisions.last().unwrap().at, "t=0s");
        let surge = decisions.iter().find(|d| d.what == "scale up the new ReplicaSet").expect("a surge decision");
        assert_eq!(surge.why[0], "maxSurge 25% of 2 rounds up to 1: up to 3 pods");
        assert_eq!(
            (surge.controller.as_str(), surge.object.as_str()),
            ("deployment-controller", "deployment/demo-api")
        );
        let newest = playground.world().decisions().last().unwrap();
        assert_eq!(decisions[0].what, newest.what);
        assert_eq!(decisions[0].when, ago(newest.at.unix_ms, playground.world().now().unix_ms));
    }

    #[test]
    fn a_pod_brings_its_replica_set_and_deployment() {
        let playground = rolled_out();
        let world = playground.world();
        let pod = world.store().list("Pod", None).next().map(Key::of).expect("a pod");
        let chain = owner_chain(world, &pod);
        assert_eq!(chain.len(), 3, "{chain:?}");
        assert_eq!((chain[1].kind, chain[2].kind), ("ReplicaSet", "Deployment"));
        assert!(pod.name.starts_with(&format!("{}-", chain[1].name)));
        let explanation = explain(world, Some(&pod));
        assert!(
            explanation.heading.contains(&format!("and its owners replicaset/{}, deployment/demo-api", chain[1].name))
        );
        let objects: Vec<&str> = explanation.decisions.iter().map(|d| d.object.as_str()).collect();
        assert!(objects.contains(&"deployment/demo-api"));
        assert!(objects.contains(&object_name(&chain[1]).as_str()));
        // The old ReplicaSet's decisions are not this pod's business.
        let old = world.decisions().iter().find(|d| d.object.kind == "ReplicaSet" && d.object != chain[1]).unwrap();
        assert!(!objects.contains(&object_name(&old.object).as_str()));
    }

    #[test]
    fn a_gone_object_keeps_its_own_decisions_and_the_cap_holds() {
        let playground = rolled_out();
        let world = playground.world();
        let old = world.decisions()[1].object.clone();
        assert_eq!(old.kind, "ReplicaSet");
        assert_eq!(owner_chain(world, &Key::new("Pod", "default", "gone")), [Key::new("Pod", "default", "gone")]);
        let picked = latest_decisions(world, Some(std::slice::from_ref(&old)), 2);
        assert_eq!(picked.len(), 2);
        assert!(picked.iter().all(|d| d.object == old));
        assert!(picked[0].at.unix_ms >= picked[1].at.unix_ms);
        assert!(explain(world, Some(&Key::new("Pod", "default", "gone"))).decisions.is_empty());
    }

    #[test]
    fn times_are_relative_to_the_instant_on_show() {
        assert_eq!(ago(1_000, 1_000), "just now");
        assert_eq!(ago(1_000, 13_000), "12s ago");
        assert_eq!(ago(0, 150_000), "2m30s ago");
    }
}
