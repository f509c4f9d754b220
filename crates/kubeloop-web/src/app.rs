//! The page: the editor, the cluster diagram, the time controls and the
//! bottom panel (Events, Terminal, Explain), over one reducer.

use crate::actual::Actual;
use crate::breaks::{Breaks, actions_for, targets};
use crate::cluster::ClusterView;
use crate::diagram::{Diagram, layout};
use crate::diagram_details::{Details, describe_selected};
use crate::editor::{ChangeSummary, Editor};
use crate::frames::{use_animation_frames, use_shortcuts};
use crate::panel::{Panel, panel_id};
use crate::state::{Action, PageState, Tab};
use crate::storage;
use crate::timebar::Timebar;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// A callback that dispatches `action(input)`: the same callback on every
/// render, since components compare callbacks by identity and a new one
/// would re-render them (the editor, the break buttons, ...) on every frame.
#[hook]
fn use_dispatch<T: 'static>(state: &UseReducerHandle<PageState>, action: fn(T) -> Action) -> Callback<T> {
    use_callback(state.dispatcher(), move |input: T, dispatcher| dispatcher.dispatch(action(input)))
}

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(restored);
    let storage_failed = use_autosave(&state);
    let on_edit = use_dispatch(&state, Action::Edit);
    let on_apply = use_dispatch(&state, |()| Action::Apply);
    let on_apply_click = use_dispatch(&state, |_: MouseEvent| Action::Apply);
    {
        let dispatcher = state.dispatcher();
        use_animation_frames(state.playing, Callback::from(move |ms| dispatcher.dispatch(Action::Tick(ms))));
    }
    {
        let state = state.dispatcher();
        use_shortcuts(Callback::from(move |key: &'static str| {
            state.dispatch(match key {
                "play" => Action::TogglePlay,
                "step" => Action::Step,
                "deselect" => Action::Select(None),
                _ => Action::StepBack,
            })
        }));
    }
    // The markers walk every event and decision: not on every frame while
    // playing (each frame is a revision), but every 5 simulated seconds then.
    let markers = {
        let cluster = state.cluster.clone();
        let key = if state.playing { (true, state.live_ms() / 5_000) } else { (false, state.revision) };
        use_memo(key, move |_| cluster.0.borrow().markers())
    };
    let view = {
        let state = (*state).clone();
        use_memo(state.view_version(), move |_| state.with_world(ClusterView::of))
    };
    let (break_actions, break_targets) = {
        let (cluster, selected) = (state.cluster.clone(), state.selected.clone());
        let actions = use_memo((state.live_store_version(), selected.clone()), move |_| {
            selected.map(|key| actions_for(cluster.0.borrow().world(), &key)).unwrap_or_default()
        });
        let cluster = state.cluster.clone();
        (actions, use_memo(state.live_store_version(), move |_| targets(cluster.0.borrow().world())))
    };
    let on_break = use_dispatch(&state, Action::Script);
    let on_pick = use_dispatch(&state, Action::Select);
    let details = {
        let state = (*state).clone();
        use_memo((state.revision, state.shown.clone(), state.selected.clone()), move |(_, _, selected)| {
            selected
                .as_ref()
                .map(|key| std::rc::Rc::<str>::from(state.with_world(|world| describe_selected(world, key))))
        })
    };
    let on_select = use_dispatch(&state, Action::Select);
    let diagram_layout = use_memo(state.manifests.clone(), |manifests| layout(manifests));
    let on_speed = use_dispatch(&state, Action::SetSpeed);
    let on_seek = use_dispatch(&state, Action::Seek);
    let on_toggle_play = use_dispatch(&state, |()| Action::TogglePlay);
    let on_step = use_dispatch(&state, |()| Action::Step);
    let on_step_back = use_dispatch(&state, |()| Action::StepBack);
    // The ARIA tabs pattern: one tab in the focus order (the shown one);
    // ArrowLeft / ArrowRight (and Home / End) move to and show another.
    let on_tab_key = use_callback(state.dispatcher(), |event: KeyboardEvent, dispatcher| {
        let Some(current) = Tab::ALL.iter().position(|tab| tab_id(*tab) == event_target_id(&event)) else { return };
        let last = Tab::ALL.len() - 1;
        let next = match event.key().as_str() {
            "ArrowRight" => {
                if current == last {
                    0
                } else {
                    current + 1
                }
            }
            "ArrowLeft" => {
                if current == 0 {
                    last
                } else {
                    current - 1
                }
            }
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        event.prevent_default();
        dispatcher.dispatch(Action::ShowTab(Tab::ALL[next]));
        // After the render and its effects (the Terminal focuses its prompt
        // when shown, for a click): a keyboard user stays on the tabs.
        gloo_timers::callback::Timeout::new(0, move || {
            let document = web_sys::window().and_then(|window| window.document());
            let button = document.and_then(|document| document.get_element_by_id(tab_id(Tab::ALL[next])));
            if let Some(button) = button.and_then(|button| button.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = button.focus();
            }
        })
        .forget();
    });
    let tab_button = |tab: Tab, label: &'static str| {
        let state_for_click = state.dispatcher();
        let selected = state.tab == tab;
        html! {
            <button type="button" role="tab" id={tab_id(tab)} tabindex={if selected { "0" } else { "-1" }}
                    aria-selected={selected.to_string()} aria-controls={panel_id(tab)} onkeydown={on_tab_key.clone()}
                    onclick={Callback::from(move |_| state_for_click.dispatch(Action::ShowTab(tab)))}>{label}</button>
        }
    };
    let summary = {
        let state = (*state).clone();
        use_memo((state.manifests.clone(), state.live_store_version()), move |_| {
            let manifests = &state.manifests;
            let lines = if manifests.has_errors() {
                Vec::new()
            } else {
                kubeloop_engine::world::preview::preview(state.cluster.0.borrow().world(), manifests)
            };
            std::rc::Rc::new(lines)
        })
    };
    let reset = use_callback(state.dispatcher(), |_: MouseEvent, dispatcher| {
        let sure = web_sys::window().is_none_or(|window| {
            window.confirm_with_message("Discard your text and session and start again from the demo?").unwrap_or(true)
        });
        if sure {
            storage::clear();
            dispatcher.dispatch(Action::Reset);
        }
    });
    html! {
        <div class="playground">
            <header class="topbar"><h1>{"kubeloop"}</h1>
                <span class="tagline">{"Kubernetes' reconciliation loop, in your browser"}</span></header>
            <section class="pane editor-pane" aria-label="Editor">
                <div class="editor-actions">
                    <button id="apply" type="button" class="primary" onclick={on_apply_click}
                            title="Apply to the cluster (Ctrl+Enter)">{"Apply"}</button>
                    { for state.applied.as_ref().map(|(text, ok)| html! {
                        <output id="apply-result" class={classes!("apply-result", (!ok).then_some("error"))}>{text.to_string()}</output>
                    }) }
                    <ChangeSummary lines={(*summary).clone()} />
                    <button id="reset" type="button" class="reset" onclick={reset}
                            title="Discard the text and the session, and start again from the demo">{"Reset to demo"}</button>
                </div>
                { for storage_failed.then(|| html! {
                    <p id="storage-note" class="storage-note" role="status">
                        {"This browser is not keeping your work (storage is off or full): it lasts until you close the tab."}
                    </p>
                }) }
                <Editor text={AttrValue::from(state.text.clone())}
                        diagnostics={state.manifests.diagnostics.clone()} {on_edit}
                        {on_apply} />
            </section>
            <section class="pane diagram-pane" aria-label="Cluster diagram">
                <Breaks actions={break_actions} target={state.selected.clone()} targets={break_targets}
                        on_select={on_pick} on_run={on_break} />
                <div class="diagram-columns">
                    <div class="desired-column">
                        <h2>{"Desired state"}</h2>
                        <Diagram layout={(*diagram_layout).clone()} />
                    </div>
                    <div class="actual-column">
                        <h2>{"Actual state"}</h2>
                        <Actual view={view} selected={state.selected.clone()} {on_select} />
                    </div>
                </div>
                <Details selected={state.selected.clone()} text={(*details).clone()} />
            </section>
            <section class="timebar-pane" aria-label="Time">
                <Timebar playing={state.playing} speed={state.speed} shown_ms={state.shown_ms()}
                         live_ms={state.live_ms()} markers={markers}
                         {on_toggle_play} {on_step} {on_step_back} {on_speed} {on_seek} />
            </section>
            <section class="pane bottom-pane" aria-label="Events, terminal and explanations">
                <div class="tabs" role="tablist">
                    { tab_button(Tab::Events, "Events") }
                    { tab_button(Tab::Terminal, "Terminal") }
                    { tab_button(Tab::Explain, "Explain") }
                </div>
                <Panel state={(*state).clone()} dispatcher={state.dispatcher()} />
            </section>
        </div>
    }
}

/// The tab button's id (`tab-events`, ...).
fn tab_id(tab: Tab) -> &'static str {
    match tab {
        Tab::Events => "tab-events",
        Tab::Terminal => "tab-terminal",
        Tab::Explain => "tab-explain",
    }
}

fn event_target_id(event: &KeyboardEvent) -> String {
    event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()).map(|e| e.id()).unwrap_or_default()
}

/// The page as it was left: the saved text and session, or the demo.
fn restored() -> PageState {
    let text = storage::load(storage::TEXT_KEY);
    let session = storage::load(storage::SESSION_KEY);
    PageState::new(text.as_deref().unwrap_or(kubeloop_engine::DEMO_MANIFESTS), session.as_deref())
}

/// Saves the text on every edit and the session on every change (while
/// playing, time alone is saved every [`storage::PLAYING_SAVE_EVERY`]
/// frames; inputs at once). Returns whether storage has refused a save.
#[hook]
fn use_autosave(state: &UseReducerHandle<PageState>) -> bool {
    let failed = use_state_eq(|| false);
    let saved_script = use_mut_ref(String::new);
    let saved_at = use_mut_ref(|| 0u64);
    {
        let failed = failed.clone();
        use_effect_with(state.text.clone(), move |text| {
            if !storage::save(storage::TEXT_KEY, text) {
                failed.set(true);
            }
        });
    }
    {
        let failed = failed.clone();
        let (cluster, playing) = (state.cluster.clone(), state.playing);
        use_effect_with((state.revision, cluster.clone(), playing), move |(revision, _, playing)| {
            let script = cluster.0.borrow().script();
            let due = !*playing || revision.saturating_sub(*saved_at.borrow()) >= storage::PLAYING_SAVE_EVERY;
            if *saved_script.borrow() != script && (due || storage::says_more(&saved_script.borrow(), &script)) {
                if !storage::save(storage::SESSION_KEY, &script) {
                    failed.set(true);
                }
                *saved_script.borrow_mut() = script;
                *saved_at.borrow_mut() = *revision;
            }
        });
    }
    *failed
}
