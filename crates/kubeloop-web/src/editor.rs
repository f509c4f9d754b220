//! The YAML editor and the list of what the engine found wrong with it.

use kubeloop_engine::{Diagnostic, Severity};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: AttrValue,
    pub on_edit: Callback<String>,
}

#[function_component]
pub fn Editor(props: &EditorProps) -> Html {
    let on_edit = props.on_edit.clone();
    let oninput = Callback::from(move |event: InputEvent| {
        let textarea: HtmlTextAreaElement = event.target_unchecked_into();
        on_edit.emit(textarea.value());
    });
    html! {
        <textarea id="editor" class="editor" aria-label="Kubernetes manifests (YAML)"
                  spellcheck="false" autocapitalize="off" autocomplete="off"
                  value={props.text.clone()} {oninput} />
    }
}

#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    pub diagnostics: Vec<Diagnostic>,
}

/// One line per diagnostic: `LINE:COL` then the message.
#[function_component]
pub fn Diagnostics(props: &DiagnosticsProps) -> Html {
    if props.diagnostics.is_empty() {
        return html! { <p id="diagnostics" class="diagnostics ok" role="status">{"No problems found."}</p> };
    }
    html! {
        <ul id="diagnostics" class="diagnostics" role="status">
            { for props.diagnostics.iter().map(|d| html! {
                <li class={classes!("diagnostic", d.severity.as_str())}
                    data-line={d.position.line.to_string()} data-column={d.position.column.to_string()}>
                    <span class="position">{d.position.to_string()}</span>
                    <span class="severity">{if d.severity == Severity::Error { "error" } else { "warning" }}</span>
                    <span class="message">{d.message.clone()}</span>
                </li>
            }) }
        </ul>
    }
}
