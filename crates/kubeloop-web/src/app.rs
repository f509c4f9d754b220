//! The page: editor on one side, diagram on the other, one reducer behind both.

use crate::diagram::{Diagram, layout};
use crate::editor::Editor;
use crate::state::{Action, PageState};
use yew::prelude::*;

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(PageState::default);
    let on_edit = {
        let state = state.dispatcher();
        Callback::from(move |text: String| state.dispatch(Action::Edit(text)))
    };
    let diagram_layout = use_memo(state.manifests.clone(), |manifests| layout(manifests));
    html! {
        <div class="playground">
            <header class="topbar"><h1>{"kubeloop"}</h1>
                <span class="tagline">{"Kubernetes' reconciliation loop, in your browser"}</span></header>
            <section class="pane editor-pane" aria-label="Editor">
                <Editor text={AttrValue::from(state.text.clone())}
                        diagnostics={state.manifests.diagnostics.clone()} {on_edit} />
            </section>
            <section class="pane diagram-pane" aria-label="Cluster diagram">
                <h2>{"Desired state"}</h2>
                <Diagram layout={(*diagram_layout).clone()} />
            </section>
        </div>
    }
}
