//! The Events tab: the events of the world on show, in `kubectl get
//! events`' columns (the kubectl crate's own `event_row`), all of them or
//! those of the selected object (for a Deployment, with its ReplicaSets'
//! and their pods', where a rollout's story is).
//!
//! Order: oldest first, newest at the bottom, and the list follows the
//! bottom as events arrive (unless the reader scrolled up). That is the
//! order of `kubectl events` and of `kubectl get events
//! --sort-by=.lastTimestamp`, so the tab reads like the terminal below a
//! command and a rollout reads top to bottom as it happened. Events of the
//! same instant keep the order they were recorded in.

use crate::panel::use_pinned_to_bottom;
use crate::state::{Action, PageState};
use kubeloop_engine::world::World;
use kubeloop_engine::world::events::{EventType, Stamp};
use kubeloop_engine::world::store::Key;
use kubeloop_kubectl::printers::core::{EVENT_COLUMNS, event_row};
use std::rc::Rc;
use yew::prelude::*;

/// At most this many rows are drawn (the newest): a 1,000-pod rollout
/// records thousands of events, and the page must keep its frame rate.
pub const MAX_ROWS: usize = 100;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventList {
    /// Oldest first: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE.
    pub rows: Vec<EventRow>,
    /// Older matching events not drawn.
    pub hidden: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    /// The row's identity while newer rows push older ones out (kept rows
    /// keep their DOM nodes): the log's number for the event, since Event
    /// names repeat within a millisecond.
    pub id: u32,
    pub cells: Vec<String>,
    pub warning: bool,
}

/// The events of `world` (about `about` only, when given: see [`Family`]), the newest `max`
/// of them, by the time they were last seen; events seen at the same
/// instant in the order they were recorded (Scheduled before Pulled before
/// Started), which is what happened.
pub fn event_list(world: &World, about: Option<&Key>, max: usize) -> EventList {
    let log = world.events();
    let family = about.map(|key| Family::of(world, key));
    let stamps = || log.stamps().filter(|stamp| family.as_ref().is_none_or(|family| family.has(stamp.involved)));
    // Only the newest `max` are shown: find the oldest time they can have
    // from the times alone, order those from then on, and build the
    // messages of the shown ones only. A 1,000-pod rollout's thousands of
    // events stay cheap a frame.
    let mut times: Vec<i64> = stamps().map(|stamp| stamp.last_timestamp.unix_ms).collect();
    let total = times.len();
    let oldest_shown = match total.checked_sub(max) {
        Some(cut) if max > 0 => {
            kubeloop_engine::lean::sort(&mut times);
            times[cut]
        }
        _ => i64::MIN,
    };
    let mut newest: Vec<Stamp> = stamps().filter(|stamp| stamp.last_timestamp.unix_ms >= oldest_shown).collect();
    kubeloop_engine::lean::sort_by_key(&mut newest, |stamp| stamp.last_timestamp);
    let shown = &newest[newest.len().saturating_sub(max)..];
    let now = world.now();
    let rows = shown
        .iter()
        .map(|stamp| {
            let event = log.get(stamp.id);
            EventRow {
                id: stamp.id.number(),
                cells: event_row(&event, now),
                warning: event.event_type == EventType::Warning,
            }
        })
        .collect();
    EventList { rows, hidden: total - shown.len() }
}

/// An object and, for a Deployment, its ReplicaSets (those the store still
/// holds: revisionHistoryLimit keeps the old ones) and their pods, known by
/// the names the controllers give them (`<replicaset>-<suffix>`), so the
/// events of pods already deleted (a rollout's `Killing`) still count.
pub struct Family<'a> {
    key: &'a Key,
    replica_sets: Vec<String>,
}

impl<'a> Family<'a> {
    pub fn of(world: &World, key: &'a Key) -> Family<'a> {
        let uid = match world.store().get(key) {
            Some(object) if key.kind == "Deployment" => object.metadata().uid.clone().unwrap_or_default(),
            _ => String::new(),
        };
        let replica_sets = if uid.is_empty() {
            Vec::new()
        } else {
            let owned = world.store().owned_by(&uid);
            owned.filter(|object| object.kind() == "ReplicaSet").map(|rs| rs.metadata().name().to_string()).collect()
        };
        Family { key, replica_sets }
    }

    pub fn has(&self, involved: &Key) -> bool {
        if involved == self.key {
            return true;
        }
        if self.replica_sets.is_empty() || involved.namespace != self.key.namespace {
            return false;
        }
        let name = involved.name.as_str();
        match involved.kind {
            "ReplicaSet" => self.replica_sets.iter().any(|rs| rs == name),
            "Pod" => self.replica_sets.iter().any(|rs| {
                name.strip_prefix(rs.as_str())
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|suffix| !suffix.contains('-'))
            }),
            _ => false,
        }
    }
}

/// `deployment/demo-api`, as kubectl names an object.
pub fn object_name(key: &Key) -> String {
    format!("{}/{}", key.kind.to_lowercase(), key.name)
}

#[derive(Properties, PartialEq)]
pub struct EventsTabProps {
    pub state: PageState,
    pub dispatcher: UseReducerDispatcher<PageState>,
}

#[function_component]
pub fn EventsTab(props: &EventsTabProps) -> Html {
    let show_all = use_state(|| false);
    let state = &props.state;
    let about = state.selected.clone().filter(|_| !*show_all);
    let list = {
        let state = state.clone();
        use_memo((state.revision, state.shown.clone(), about.clone()), move |(_, _, about)| {
            state.with_world(|world| event_list(world, about.as_ref(), MAX_ROWS))
        })
    };
    let (scroller, onscroll) = use_pinned_to_bottom(Rc::clone(&list));
    let scope = match (&state.selected, *show_all) {
        (Some(key), false) => {
            let show = show_all.clone();
            let whose = match key.kind {
                "Deployment" => format!("Events of {}, its ReplicaSets and their pods. ", object_name(key)),
                _ => format!("Events of {}. ", object_name(key)),
            };
            html! { <p class="panel-note">{whose}
            <button type="button" class="link" onclick={move |_| show.set(true)}>{"Show all events"}</button></p> }
        }
        (Some(key), true) => {
            let show = show_all.clone();
            html! { <p class="panel-note">{"All events. "}
            <button type="button" class="link" onclick={move |_| show.set(false)}>{format!("Only {}", object_name(key))}</button></p> }
        }
        (None, _) => html! {},
    };
    let clear = {
        let dispatcher = props.dispatcher.clone();
        move |_| dispatcher.dispatch(Action::Select(None))
    };
    html! {
        <>
            { scope }
            <div class="panel-scroll" ref={scroller} {onscroll} tabindex="0" aria-label="Events, oldest first">
                if list.hidden > 0 {
                    <p class="panel-note">{format!("{} older events not shown.", list.hidden)}</p>
                }
                if list.rows.is_empty() {
                    <p class="panel-note">{"No events."}
                        if state.selected.is_some() { {" "}<button type="button" class="link" onclick={clear}>{"Clear the selection"}</button> }
                    </p>
                } else {
                    <table class="events">
                        <thead><tr>{ for EVENT_COLUMNS.iter().map(|column| html! { <th scope="col">{*column}</th> }) }</tr></thead>
                        <tbody>
                            { for list.rows.iter().map(|row| html! {
                                <tr key={row.id} class={classes!("event", row.warning.then_some("warning"))}>
                                    { for row.cells.iter().enumerate().map(|(i, cell)| html! {
                                        <td class={classes!((i == 1).then_some("event-type"))}
                                            title={(i == 2 || i == 3).then(|| cell.clone())}>{cell.clone()}</td>
                                    }) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::Playground;

    fn demo() -> Playground {
        Playground::running(kubeloop_engine::DEMO_MANIFESTS)
    }

    #[test]
    fn the_rows_are_kubectl_s_and_newest_last() {
        let playground = demo();
        let list = event_list(playground.world(), None, MAX_ROWS);
        assert_eq!(list.hidden, 0);
        assert_eq!(list.rows.len(), playground.world().events().all().count());
        // The Deployment controller's wording.
        let scaled = list.rows.iter().find(|row| row.cells[2] == "ScalingReplicaSet").expect("a scaling event");
        assert_eq!(&scaled.cells[1..4], ["Normal", "ScalingReplicaSet", "deployment/demo-api"]);
        assert!(scaled.cells[4].starts_with("Scaled up replica set demo-api-") && scaled.cells[4].ends_with(" to 2"));
        // Oldest first: the first row was seen longest ago, the last just now.
        assert_eq!(list.rows.last().unwrap().cells[0], "0s");
        assert_eq!(list.rows[0].cells[0], kubeloop_kubectl::human_duration_ms(playground.now_ms() as i64));
        // Every row is a row `kubectl get events` prints, word for word.
        let printed = {
            let mut playground = demo();
            playground.command("get events").output
        };
        for row in &list.rows {
            let words = row.cells.join(" ");
            let words: Vec<&str> = words.split_whitespace().collect();
            assert!(
                printed.lines().any(|line| line.split_whitespace().collect::<Vec<_>>() == words),
                "{words:?} not in\n{printed}"
            );
        }
    }

    #[test]
    fn a_selected_object_shows_only_its_events_and_the_cap_keeps_the_newest() {
        let playground = demo();
        let world = playground.world();
        let deployment = Key::new("Deployment", "default", "demo-api");
        let list = event_list(world, Some(&deployment), MAX_ROWS);
        // The Deployment's own, its ReplicaSet's and its pods' events: all
        // of the demo's, since it has nothing else.
        assert_eq!(list, event_list(world, None, MAX_ROWS));
        let objects: Vec<&str> = list.rows.iter().map(|row| row.cells[3].split('/').next().unwrap_or("")).collect();
        for kind in ["deployment", "replicaset", "pod"] {
            assert!(objects.contains(&kind), "{kind} in {objects:?}");
        }
        // A pod or a ReplicaSet: only its own.
        let rs = world.store().list("ReplicaSet", None).next().map(Key::of).expect("a ReplicaSet");
        let own = event_list(world, Some(&rs), MAX_ROWS);
        assert!(!own.rows.is_empty() && own.rows.iter().all(|row| row.cells[3] == format!("replicaset/{}", rs.name)));
        let all = event_list(world, None, MAX_ROWS);
        let capped = event_list(world, None, 3);
        assert_eq!(capped.hidden, all.rows.len() - 3);
        assert_eq!(capped.rows[..], all.rows[all.rows.len() - 3..]);
        let nothing = event_list(world, Some(&Key::new("Pod", "default", "no-such-pod")), MAX_ROWS);
        assert_eq!(nothing, EventList::default());
    }

    #[test]
    fn the_cap_keeps_the_newest_when_many_events_share_an_instant() {
        // Twenty pods scheduled and started together: long runs of events
        // with one timestamp, cut anywhere by the cap.
        let playground = Playground::running(&kubeloop_engine::DEMO_MANIFESTS.replace("replicas: 2", "replicas: 20"));
        let world = playground.world();
        let all = event_list(world, None, usize::MAX);
        assert!(all.rows.len() > 60, "{}", all.rows.len());
        for max in [0, 1, 2, 7, 19, 20, 21, 33, all.rows.len() - 1, all.rows.len(), all.rows.len() + 5] {
            let capped = event_list(world, None, max);
            let kept = max.min(all.rows.len());
            assert_eq!(capped.rows[..], all.rows[all.rows.len() - kept..], "max {max}");
            assert_eq!(capped.hidden, all.rows.len() - kept, "max {max}");
        }
        // Rows are keyed by their ids: no two alike (Event names repeat).
        let mut ids: Vec<u32> = all.rows.iter().map(|row| row.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.rows.len());
        // Each pod's events in the order the kubelet lived them.
        for pod in all.rows.iter().filter(|row| row.cells[2] == "Scheduled").map(|row| &row.cells[3]) {
            let reasons: Vec<&str> =
                all.rows.iter().filter(|row| row.cells[3] == *pod).map(|row| row.cells[2].as_str()).collect();
            let lived = ["Scheduled", "Pulling", "Pulled", "Created", "Started"];
            // (Only the first pod on a node pulls the image.)
            let expected: Vec<&str> = lived.into_iter().filter(|r| *r != "Pulling" || reasons.contains(r)).collect();
            assert_eq!(reasons, expected, "{pod}");
        }
    }

    #[test]
    fn a_deployment_s_family_is_its_replica_sets_and_their_pods_by_name() {
        let mut playground = demo();
        // Another Deployment whose name starts with the demo's.
        let other = kubeloop_engine::DEMO_MANIFESTS.replace("name: demo-api\n  labels", "name: demo-api-v2\n  labels");
        assert!(playground.apply(&other.replace("app: demo-api", "app: v2")).ok);
        playground.advance(30_000);
        let world = playground.world();
        let demo = Key::new("Deployment", "default", "demo-api");
        let family = Family::of(world, &demo);
        for object in world.store().list("Pod", None).chain(world.store().list("ReplicaSet", None)) {
            let mine = object.metadata().name().starts_with("demo-api-")
                && !object.metadata().name().starts_with("demo-api-v2-");
            assert_eq!(family.has(&Key::of(object)), mine, "{}", object.metadata().name());
        }
        assert!(family.has(&demo));
        assert!(!family.has(&Key::new("Deployment", "default", "demo-api-v2")));
        assert!(!family.has(&Key::new("Pod", "other", "demo-api-5d4f8c7b9-abcde")), "another namespace");
    }

    #[test]
    fn warnings_are_marked() {
        let mut playground = Playground::default();
        let probed = kubeloop_engine::DEMO_MANIFESTS.replace(
            "        - containerPort: 3000\n",
            "        - containerPort: 3000\n        readinessProbe:\n          httpGet: {path: /healthz, port: 3000}\n",
        );
        assert!(playground.apply(&probed).ok);
        playground.settle_rollouts();
        playground.command("fault readiness deployment/demo-api 500");
        for _ in 0..4 {
            playground.step();
        }
        let list = event_list(playground.world(), None, MAX_ROWS);
        let warning = list.rows.iter().find(|row| row.warning).expect("a warning");
        assert_eq!(&warning.cells[1..3], ["Warning", "Unhealthy"]);
        assert!(list.rows.iter().filter(|row| !row.warning).all(|row| row.cells[1] == "Normal"));
    }
}
