//! The Terminal tab: the kubectl crate in the browser. Each line typed is
//! an [`Action::Command`] at the present; the history above the prompt is
//! the playground's terminal (what each command printed, byte for byte the
//! CLI's output). ArrowUp / ArrowDown walk the commands typed before.

use crate::panel::use_pinned_to_bottom;
use crate::state::{Action, Cluster, PageState};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Where ArrowUp (`up`) or ArrowDown moves in a history of `count`
/// commands from `at` (`None`: the line being typed, below the newest).
/// Up stops at the oldest; down past the newest returns to the line being
/// typed.
pub fn recall(count: usize, at: Option<usize>, up: bool) -> Option<usize> {
    match (at, up) {
        (None, true) => count.checked_sub(1),
        (Some(i), true) => count.checked_sub(1).map(|newest| i.saturating_sub(1).min(newest)),
        (None, false) => None,
        (Some(i), false) => (i + 1 < count).then_some(i + 1),
    }
}

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub cluster: Cluster,
    /// How many entries the terminal holds (it only grows): the terminal
    /// renders again when this or `active` changes, not on every tick.
    pub entries: usize,
    /// Whether the Terminal tab is on show: becoming so focuses the prompt.
    pub active: bool,
    pub dispatcher: UseReducerDispatcher<PageState>,
}

/// The walk through the history: where it is, and the line being typed
/// before it started.
#[derive(Default)]
struct Walk {
    at: Option<usize>,
    draft: String,
}

#[function_component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let input = use_node_ref();
    let walk = use_mut_ref(Walk::default);
    let (scroller, onscroll) = use_pinned_to_bottom(props.entries);
    {
        let input = input.clone();
        use_effect_with(props.active, move |&active| {
            if active && let Some(input) = input.cast::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        });
    }
    let onkeydown = {
        let (input, walk, cluster, dispatcher) =
            (input.clone(), walk.clone(), props.cluster.clone(), props.dispatcher.clone());
        Callback::from(move |event: KeyboardEvent| {
            let Some(field) = input.cast::<web_sys::HtmlInputElement>() else { return };
            match event.key().as_str() {
                "Enter" => {
                    event.prevent_default();
                    let line = field.value();
                    field.set_value("");
                    *walk.borrow_mut() = Walk::default();
                    if !line.trim().is_empty() {
                        dispatcher.dispatch(Action::Command(line));
                    }
                }
                key @ ("ArrowUp" | "ArrowDown") => {
                    event.prevent_default();
                    step_through(&walk, &cluster, &field, key == "ArrowUp");
                }
                _ => {}
            }
        })
    };
    let oninput = {
        let walk = walk.clone();
        Callback::from(move |_: InputEvent| walk.borrow_mut().at = None)
    };
    let cluster = props.cluster.0.borrow();
    html! {
        <div class="terminal">
            <div class="panel-scroll terminal-history" ref={scroller} {onscroll} role="log" aria-label="Terminal output">
                if cluster.terminal().is_empty() {
                    <p class="panel-note">{"Type a kubectl command below, e.g. "}<code>{"get pods"}</code>{", "}
                        <code>{"describe deployment demo-api"}</code>{", "}<code>{"fault readiness deployment/demo-api 500"}</code>
                        {" or "}<code>{"sleep 30s"}</code>{". The word kubectl is optional."}</p>
                }
                { for cluster.terminal().iter().map(|entry| html! {
                    <div class={classes!("terminal-entry", (!entry.ok).then_some("failed"))}>
                        <div class="terminal-line"><span class="prompt" aria-hidden="true">{"$ "}</span>{entry.line.clone()}</div>
                        <pre class="terminal-output">{entry.output.clone()}</pre>
                    </div>
                }) }
            </div>
            <div class="terminal-prompt">
                <label for="terminal-input" class="prompt">{"$"}</label>
                <input id="terminal-input" ref={input} type="text" {onkeydown} {oninput}
                       placeholder="kubectl get pods" autocomplete="off" autocapitalize="off" spellcheck="false"
                       aria-label="Terminal: a kubectl command (the word kubectl is optional), a fault line or sleep; ArrowUp recalls earlier commands" />
            </div>
        </div>
    }
}

/// Moves the walk one command up or down and puts that command (or the
/// line being typed) in the prompt.
fn step_through(walk: &Rc<RefCell<Walk>>, cluster: &Cluster, field: &web_sys::HtmlInputElement, up: bool) {
    let playground = cluster.0.borrow();
    let lines = playground.terminal();
    let mut walk = walk.borrow_mut();
    let next = recall(lines.len(), walk.at, up);
    if walk.at.is_none() {
        walk.draft = field.value();
    }
    walk.at = next;
    let text = match next {
        Some(i) => lines[i].line.clone(),
        None => walk.draft.clone(),
    };
    let end = text.len() as u32;
    field.set_value(&text);
    let _ = field.set_selection_range(end, end);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_up_walks_back_and_down_returns_to_the_draft() {
        // Three commands typed: 0, 1, 2 (the newest).
        assert_eq!(recall(3, None, true), Some(2));
        assert_eq!(recall(3, Some(2), true), Some(1));
        assert_eq!(recall(3, Some(0), true), Some(0), "stops at the oldest");
        assert_eq!(recall(3, Some(1), false), Some(2));
        assert_eq!(recall(3, Some(2), false), None, "past the newest: the line being typed");
        assert_eq!(recall(3, None, false), None);
    }

    #[test]
    fn an_empty_history_recalls_nothing() {
        assert_eq!(recall(0, None, true), None);
        assert_eq!(recall(0, None, false), None);
        // A position from a longer history never points past the end.
        assert_eq!(recall(0, Some(4), true), None);
        assert_eq!(recall(2, Some(5), true), Some(1));
    }
}
