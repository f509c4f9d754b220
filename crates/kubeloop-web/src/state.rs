//! The page's state: one reducer over the editor's text and the simulated
//! cluster. Components render it and dispatch [`Action`]s; nothing else
//! changes the cluster, so every change is in the session's script.

use crate::playground::Playground;
use kubeloop_engine::world::World;
use kubeloop_engine::world::store::Key;
use kubeloop_engine::{Manifests, parse_manifests};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

/// Simulated speeds the time controls offer (times real time).
pub const SPEEDS: [u32; 5] = [1, 5, 10, 30, 60];

#[derive(Clone, Debug, PartialEq)]
pub struct PageState {
    pub text: Rc<str>,
    /// The engine's reading of `text`, recomputed on every edit.
    pub manifests: Reading,
    /// The cluster. Shared, not cloned: the reducer changes it in place
    /// and bumps `revision`, which is what components compare.
    pub cluster: Cluster,
    pub revision: u64,
    /// How many times the page was reset to the demo: a new cluster, whose
    /// resourceVersions start again.
    pub resets: u64,
    /// What the diagram and panels show: the present, or an instant in the
    /// past the user scrubbed or stepped back to.
    pub shown: Shown,
    pub playing: bool,
    /// Simulated milliseconds per real millisecond while playing.
    pub speed: u32,
    pub selected: Option<Key>,
    pub tab: Tab,
    /// What the last Apply printed (kubectl's words), and whether it worked.
    pub applied: Option<(Rc<str>, bool)>,
}

/// See [`PageState::store_version`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreVersion {
    resets: u64,
    resource_version: u64,
}

/// The engine's reading of one text. Compared by identity: every edit makes
/// a new one, and a deep comparison would cost time on every render and
/// bytes in the bundle (an equality impl for every API type).
#[derive(Clone, Debug)]
pub struct Reading(Rc<Manifests>);

impl PartialEq for Reading {
    fn eq(&self, other: &Reading) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Reading {
    type Target = Manifests;

    fn deref(&self) -> &Manifests {
        &self.0
    }
}

/// The playground, shared by the state's versions (compared by identity;
/// `PageState::revision` says whether it changed).
#[derive(Clone)]
pub struct Cluster(pub Rc<RefCell<Playground>>);

impl PartialEq for Cluster {
    fn eq(&self, other: &Cluster) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cluster")
    }
}

/// The instant on show.
#[derive(Clone, Debug)]
pub enum Shown {
    Live,
    /// The world as it was at that instant (history seek).
    Past(Rc<World>),
}

impl PartialEq for Shown {
    fn eq(&self, other: &Shown) -> bool {
        match (self, other) {
            (Shown::Live, Shown::Live) => true,
            (Shown::Past(a), Shown::Past(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Events,
    Terminal,
    Explain,
}

impl Tab {
    /// In the order the tab buttons show.
    pub const ALL: [Tab; 3] = [Tab::Events, Tab::Terminal, Tab::Explain];
}

pub enum Action {
    /// The user changed the editor's text.
    Edit(String),
    /// Apply the editor's text to the cluster.
    Apply,
    /// Real time passed while playing (milliseconds).
    Tick(u64),
    TogglePlay,
    /// To the next instant where something happens (in the past: the next
    /// marker; at the present: the next change of the cluster).
    Step,
    /// To the previous instant where something happened.
    StepBack,
    /// Show the world at this instant (the present when at or after it).
    Seek(u64),
    SetSpeed(u32),
    Select(Option<Key>),
    ShowTab(Tab),
    /// A terminal line, or what a break-things button does (a kubectl or
    /// fault line, echoed in the terminal so the user sees its words).
    Command(String),
    /// A break-things button: its script lines, run at the present and
    /// echoed in the terminal.
    Script(String),
    /// Start again: the demo text, applied and running (Reset to demo).
    Reset,
}

impl PageState {
    /// A page over a cluster restored from a saved session script, with
    /// the editor showing `text`. A new visitor gets the demo, applied and
    /// run until its pods are ready.
    pub fn new(text: &str, saved_script: Option<&str>) -> Self {
        let playground = match saved_script {
            Some(script) => Playground::restore(script),
            None => Playground::running(text),
        };
        PageState {
            text: text.into(),
            manifests: Reading(Rc::new(parse_manifests(text))),
            cluster: Cluster(Rc::new(RefCell::new(playground))),
            revision: 0,
            resets: 0,
            shown: Shown::Live,
            playing: false,
            speed: 1,
            selected: None,
            tab: Tab::Events,
            applied: None,
        }
    }

    /// Runs `f` over the world on show.
    pub fn with_world<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        match &self.shown {
            Shown::Live => f(self.cluster.0.borrow().world()),
            Shown::Past(world) => f(world),
        }
    }

    /// Changes whenever the objects of the world on show change: what a
    /// view of the store alone (the change summary, the break targets) is
    /// memoised on, instead of `revision`, which every played frame bumps.
    pub fn store_version(&self) -> StoreVersion {
        StoreVersion { resets: self.resets, resource_version: self.with_world(|w| w.store().resource_version()) }
    }

    /// [`PageState::store_version`] of the live world (what actions act on).
    pub fn live_store_version(&self) -> StoreVersion {
        let resource_version = self.cluster.0.borrow().world().store().resource_version();
        StoreVersion { resets: self.resets, resource_version }
    }

    /// Changes whenever the objects or the traffic of the world on show
    /// change: traffic moves only on whole seconds (the engine's per-second
    /// tick), so the store's version and the second tell the diagram's
    /// state apart.
    pub fn view_version(&self) -> (StoreVersion, i64) {
        (self.store_version(), self.with_world(|w| w.now().unix_ms.div_euclid(1000)))
    }

    /// The instant on show, in simulated milliseconds.
    pub fn shown_ms(&self) -> u64 {
        self.with_world(World::now_ms)
    }

    pub fn live_ms(&self) -> u64 {
        self.cluster.0.borrow().now_ms()
    }

    fn changed(&self) -> PageState {
        PageState { revision: self.revision + 1, ..self.clone() }
    }

    fn showing(&self, t: u64) -> PageState {
        let playground = self.cluster.0.borrow();
        let shown = if t >= playground.now_ms() { Shown::Live } else { Shown::Past(Rc::new(playground.world_at(t))) };
        drop(playground);
        PageState { shown, playing: false, ..self.clone() }
    }
}

impl Default for PageState {
    fn default() -> Self {
        PageState::new(kubeloop_engine::DEMO_MANIFESTS, None)
    }
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut cluster = self.cluster.0.borrow_mut();
        let next = match action {
            Action::Edit(text) if *text == *self.text => return self.clone_rc(cluster),
            Action::Edit(text) => PageState {
                text: text.as_str().into(),
                manifests: Reading(Rc::new(parse_manifests(&text))),
                ..(*self).clone()
            },
            Action::Apply => {
                let answer = cluster.apply(&self.text);
                PageState { shown: Shown::Live, applied: Some((answer.output.into(), answer.ok)), ..self.changed() }
            }
            Action::Tick(real_ms) if self.playing && self.shown == Shown::Live => {
                cluster.advance(real_ms * u64::from(self.speed));
                self.changed()
            }
            Action::Tick(_) => return self.clone_rc(cluster),
            Action::TogglePlay => PageState { playing: !self.playing, shown: Shown::Live, ..(*self).clone() },
            Action::Step => match &self.shown {
                Shown::Past(world) => {
                    let t = world.now_ms();
                    let next = cluster.markers().into_iter().map(|m| m.at_ms).find(|&at| at > t);
                    let target = next.unwrap_or(u64::MAX);
                    drop(cluster);
                    return Rc::new(self.showing(target));
                }
                Shown::Live => {
                    cluster.step();
                    PageState { playing: false, ..self.changed() }
                }
            },
            Action::StepBack => {
                let t = match &self.shown {
                    Shown::Past(world) => world.now_ms(),
                    Shown::Live => cluster.now_ms(),
                };
                let previous = cluster.markers().into_iter().map(|m| m.at_ms).rfind(|&at| at < t);
                drop(cluster);
                return Rc::new(self.showing(previous.unwrap_or(0)));
            }
            Action::Seek(t) => {
                drop(cluster);
                return Rc::new(self.showing(t));
            }
            Action::SetSpeed(speed) => PageState { speed: speed.max(1), ..(*self).clone() },
            Action::Select(key) => PageState { selected: key, ..(*self).clone() },
            Action::ShowTab(tab) => PageState { tab, ..(*self).clone() },
            Action::Command(line) => {
                cluster.command(&line);
                PageState { shown: Shown::Live, ..self.changed() }
            }
            Action::Script(snippet) => {
                cluster.run_script(&snippet);
                PageState { shown: Shown::Live, ..self.changed() }
            }
            Action::Reset => PageState { revision: self.revision + 1, resets: self.resets + 1, ..PageState::default() },
        };
        drop(cluster);
        Rc::new(next)
    }
}

impl PageState {
    /// `self`, unchanged (releases the cluster's borrow first).
    fn clone_rc(self: &Rc<Self>, cluster: std::cell::RefMut<'_, Playground>) -> Rc<Self> {
        drop(cluster);
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(state: Rc<PageState>, action: Action) -> Rc<PageState> {
        state.reduce(action)
    }

    fn pods(state: &PageState) -> usize {
        state.with_world(|world| world.store().list("Pod", None).count())
    }

    #[test]
    fn starts_with_the_demo_running_and_reparses_on_edit() {
        let state = Rc::new(PageState::default());
        assert_eq!(state.manifests.deployments().next().unwrap().spec.replicas, Some(2));
        assert_eq!(pods(&state), 2);
        let edited = reduce(state.clone(), Action::Edit(state.text.replace("replicas: 2", "replicas: 5")));
        assert_eq!(edited.manifests.deployments().next().unwrap().spec.replicas, Some(5));
        assert!(edited.manifests.diagnostics.is_empty());
        // Editing alone changes no cluster.
        assert_eq!(pods(&edited), 2);
        let applied = reduce(edited, Action::Apply);
        assert_eq!(
            applied.applied.as_ref().map(|(text, ok)| (&**text, *ok)),
            Some(("deployment.apps/demo-api configured\nservice/demo-api unchanged\n", true))
        );
        assert_eq!(pods(&applied), 5);
    }

    #[test]
    fn unchanged_text_keeps_the_same_state() {
        let state = Rc::new(PageState::default());
        let same = reduce(state.clone(), Action::Edit(state.text.to_string()));
        assert!(Rc::ptr_eq(&state, &same));
    }

    #[test]
    fn ticks_advance_only_while_playing_at_the_chosen_speed() {
        let state = Rc::new(PageState::default());
        let start = state.live_ms();
        let paused = reduce(state, Action::Tick(100));
        assert_eq!(paused.live_ms(), start);
        let playing = reduce(reduce(paused, Action::SetSpeed(10)), Action::TogglePlay);
        let later = reduce(playing, Action::Tick(100));
        assert_eq!(later.live_ms(), start + 1_000);
    }

    #[test]
    fn versions_move_with_the_objects_and_traffic_seconds_not_with_every_frame() {
        let state = reduce(Rc::new(PageState::default()), Action::TogglePlay);
        let (store, view) = (state.store_version(), state.view_version());
        // A settled demo: frames pass, nothing is written.
        let frame = reduce(state, Action::Tick(16));
        assert_eq!(frame.store_version(), store);
        let seconds_later = reduce(frame, Action::Tick(2_000));
        assert_eq!(seconds_later.store_version(), store);
        assert_ne!(seconds_later.view_version(), view, "a new second: traffic may have moved");
        let scaled = reduce(seconds_later, Action::Command("scale deployment/demo-api --replicas=3".into()));
        assert_ne!(scaled.store_version(), store);
        assert_eq!(scaled.live_store_version(), scaled.store_version());
        // A reset cluster counts resourceVersions from the start again.
        let reset = reduce(scaled, Action::Reset);
        assert_eq!(reset.resets, 1);
        assert_ne!(reset.store_version(), store);
    }

    #[test]
    fn stepping_back_shows_the_past_and_stepping_forward_returns() {
        let state = Rc::new(PageState::default());
        let live = state.live_ms();
        assert!(live > 0, "the demo ran until ready");
        let back = reduce(state, Action::StepBack);
        let Shown::Past(past) = &back.shown else { panic!("still live") };
        assert!(past.now_ms() < live);
        assert_eq!(back.live_ms(), live, "looking back changes nothing");
        let mut forward = back;
        for _ in 0..100 {
            if forward.shown == Shown::Live {
                break;
            }
            forward = reduce(forward, Action::Step);
        }
        assert_eq!(forward.shown, Shown::Live);
        assert_eq!(forward.live_ms(), live);
    }

    #[test]
    fn seeking_to_the_start_shows_pods_not_yet_ready() {
        let state = Rc::new(PageState::default());
        let ready = |state: &PageState| {
            state.with_world(|world| {
                let now = world.now();
                world
                    .store()
                    .list("Pod", None)
                    .filter(|object| match object {
                        kubeloop_engine::api::Object::Pod(pod) => {
                            kubeloop_engine::controller::replicaset::is_pod_available(pod, 0, now)
                        }
                        _ => false,
                    })
                    .count()
            })
        };
        assert_eq!(ready(&state), 2);
        let start = reduce(state, Action::Seek(0));
        assert_eq!((pods(&start), ready(&start)), (2, 0));
        let back = reduce(start, Action::Seek(u64::MAX));
        assert_eq!(back.shown, Shown::Live);
        assert_eq!(ready(&back), 2);
    }

    #[test]
    fn reset_starts_again_from_the_demo() {
        let state = Rc::new(PageState::new("kind: Nonsense\n", Some("kubectl get pods\n")));
        assert_eq!(pods(&state), 0);
        let reset = reduce(state.clone(), Action::Reset);
        assert_eq!(&*reset.text, kubeloop_engine::DEMO_MANIFESTS);
        assert_eq!(pods(&reset), 2);
        assert!(reset.revision > state.revision, "memos keyed on the revision see the new cluster");
        assert_eq!(reset.cluster.0.borrow().script(), PageState::default().cluster.0.borrow().script());
    }

    #[test]
    fn a_command_runs_at_the_present() {
        let state = Rc::new(PageState::default());
        let past = reduce(state, Action::Seek(0));
        let after = reduce(past, Action::Command("scale deployment/demo-api --replicas=3".into()));
        assert_eq!(after.shown, Shown::Live);
        assert_eq!(pods(&after), 3);
        let terminal = after.cluster.0.borrow().terminal().to_vec();
        assert_eq!(terminal.last().map(|entry| entry.output.as_str()), Some("deployment.apps/demo-api scaled\n"));
    }
}
