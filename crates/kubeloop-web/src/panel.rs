//! The bottom panel's bodies: Events, Terminal and Explain (the tab
//! buttons are the page's). Events and Explain read the world on show, so
//! scrubbing back shows the past's; the terminal always acts on the
//! present. Only the tab on show is computed; the terminal stays mounted
//! (hidden) so a half-typed line survives a look at another tab.

use crate::events_tab::EventsTab;
use crate::explain::ExplainTab;
use crate::state::{PageState, Tab};
use crate::terminal::Terminal;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub state: PageState,
    pub dispatcher: UseReducerDispatcher<PageState>,
}

/// The tab panel's id for a tab button's `aria-controls`.
pub fn panel_id(tab: Tab) -> &'static str {
    match tab {
        Tab::Events => "panel-events",
        Tab::Terminal => "panel-terminal",
        Tab::Explain => "panel-explain",
    }
}

fn tab_body(tab: Tab, shown: Tab, label: &'static str, body: Html) -> Html {
    html! {
        <div class="tab-body panel-body" role="tabpanel" id={panel_id(tab)} aria-labelledby={label} hidden={tab != shown}>
            { body }
        </div>
    }
}

#[function_component]
pub fn Panel(props: &PanelProps) -> Html {
    let state = &props.state;
    let tab = state.tab;
    let entries = state.cluster.0.borrow().terminal().len();
    let events = if tab == Tab::Events {
        html! { <EventsTab state={state.clone()} dispatcher={props.dispatcher.clone()} /> }
    } else {
        html! {}
    };
    let explain = if tab == Tab::Explain {
        html! { <ExplainTab state={state.clone()} /> }
    } else {
        html! {}
    };
    html! {
        <>
            { tab_body(Tab::Events, tab, "tab-events", events) }
            { tab_body(Tab::Terminal, tab, "tab-terminal", html! {
                <Terminal cluster={state.cluster.clone()} {entries} active={tab == Tab::Terminal}
                          dispatcher={props.dispatcher.clone()} />
            }) }
            { tab_body(Tab::Explain, tab, "tab-explain", explain) }
        </>
    }
}

/// A scrolling list that follows its end: after every change of `content`
/// it scrolls to the bottom, unless the reader had scrolled up from there
/// (then it stays put until they scroll back down). Returns the ref and
/// the `onscroll` handler to put on the scrolling element.
#[hook]
pub fn use_pinned_to_bottom<T: PartialEq + 'static>(content: T) -> (NodeRef, Callback<Event>) {
    let node = use_node_ref();
    let pinned = use_mut_ref(|| Cell::new(true));
    {
        let (node, pinned) = (node.clone(), pinned.clone());
        use_effect_with(content, move |_| {
            if let (true, Some(element)) = (pinned.borrow().get(), node.cast::<web_sys::Element>()) {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }
    let onscroll = {
        let (node, pinned) = (node.clone(), Rc::clone(&pinned));
        Callback::from(move |_: Event| {
            if let Some(element) = node.cast::<web_sys::Element>() {
                let gap = element.scroll_height() - element.scroll_top() - element.client_height();
                pinned.borrow().set(gap <= 8);
            }
        })
    };
    (node, onscroll)
}
