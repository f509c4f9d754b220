//! The YAML editor and the list of what the engine found wrong with it.
//!
//! The editor is a plain `<textarea wrap="off">` over a backdrop that tints the
//! lines with diagnostics, with a gutter on its left: one row per line, its
//! number and, on lines with diagnostics, a marker whose tooltip holds their
//! messages. Gutter and backdrop follow the textarea's scrolling. The line
//! arithmetic lives in [`crate::editor_lines`].

use crate::editor_lines::{LineMark, clamp_line, line_count, line_marks, utf16_offset};
use kubeloop_engine::{Diagnostic, Position, Severity};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: AttrValue,
    /// What the engine says about `text`, shown in the gutter and listed below.
    #[prop_or_default]
    pub diagnostics: Vec<Diagnostic>,
    pub on_edit: Callback<String>,
}

#[function_component]
pub fn Editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();
    let backdrop = use_node_ref();

    // Re-align after every render too: a shorter text can move the textarea's
    // scroll position, and the rows just changed.
    {
        let (textarea, gutter, backdrop) = (textarea.clone(), gutter.clone(), backdrop.clone());
        use_effect(move || sync_scroll(&textarea, &gutter, &backdrop));
    }

    let on_edit = props.on_edit.clone();
    let oninput = Callback::from(move |event: InputEvent| {
        let textarea: HtmlTextAreaElement = event.target_unchecked_into();
        on_edit.emit(textarea.value());
    });
    let onscroll = {
        let (textarea, gutter, backdrop) = (textarea.clone(), gutter.clone(), backdrop.clone());
        Callback::from(move |_: Event| sync_scroll(&textarea, &gutter, &backdrop))
    };
    let on_select = {
        let (textarea, gutter) = (textarea.clone(), gutter.clone());
        Callback::from(move |position: Position| go_to(&textarea, &gutter, position))
    };

    let marks = line_marks(&props.diagnostics, line_count(&props.text));
    html! {
        <>
            <div class="editor-frame">
                <div class="editor-gutter" ref={gutter} aria-hidden="true">
                    { for marks.iter().enumerate().map(|(index, mark)| gutter_row(index + 1, mark.as_ref())) }
                </div>
                <div class="editor-body">
                    <div class="editor-backdrop" ref={backdrop} aria-hidden="true">
                        { for marks.iter().map(|mark| html! {
                            <div class={classes!("backdrop-row", mark.as_ref().map(|m| m.severity.as_str()))} />
                        }) }
                    </div>
                    <textarea id="editor" class="editor" ref={textarea} aria-label="Kubernetes manifests (YAML)"
                              wrap="off" spellcheck="false" autocapitalize="off" autocomplete="off"
                              value={props.text.clone()} {oninput} {onscroll} />
                </div>
            </div>
            <Diagnostics diagnostics={props.diagnostics.clone()} {on_select} />
        </>
    }
}

/// One gutter row: the line number, and a marker if the line has diagnostics.
fn gutter_row(line: usize, mark: Option<&LineMark>) -> Html {
    let marker = mark.map(|mark| {
        html! { <span class={classes!("marker", mark.severity.as_str())} title={mark.title()} /> }
    });
    html! {
        <div class={classes!("gutter-row", mark.map(|m| m.severity.as_str()))} data-line={line.to_string()}>
            <span class="marker-slot">{ for marker }</span>
            <span class="line-number">{line}</span>
        </div>
    }
}

/// Scrolls the gutter and the backdrop to where the textarea is scrolled.
fn sync_scroll(textarea: &NodeRef, gutter: &NodeRef, backdrop: &NodeRef) {
    let Some(textarea) = textarea.cast::<Element>() else { return };
    for follower in [gutter, backdrop].into_iter().filter_map(NodeRef::cast::<Element>) {
        if follower.scroll_top() != textarea.scroll_top() {
            follower.set_scroll_top(textarea.scroll_top());
        }
    }
}

/// Focuses the textarea with the caret at `position`, scrolled into view.
fn go_to(textarea: &NodeRef, gutter: &NodeRef, position: Position) {
    let Some(textarea) = textarea.cast::<HtmlTextAreaElement>() else { return };
    let text = textarea.value();
    let offset = utf16_offset(&text, position.line, position.column);
    let _ = textarea.focus();
    let _ = textarea.set_selection_range(offset, offset);
    // The gutter row sits where the line does (same padding, same row height).
    let line = clamp_line(position.line, line_count(&text));
    let row = gutter
        .cast::<Element>()
        .and_then(|gutter| gutter.children().item(line as u32 - 1))
        .and_then(|row| row.dyn_into::<HtmlElement>().ok());
    if let Some(row) = row {
        let (top, height) = (row.offset_top(), row.offset_height());
        let (scrolled, visible) = (textarea.scroll_top(), textarea.client_height());
        if top < scrolled || top + height > scrolled + visible {
            textarea.set_scroll_top(top - (visible - height) / 2);
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    pub diagnostics: Vec<Diagnostic>,
    /// Called with a diagnostic's position when the user picks it.
    #[prop_or_default]
    pub on_select: Callback<Position>,
}

/// One line per diagnostic: `LINE:COL` then the message; each is a button
/// that takes the caret there.
#[function_component]
pub fn Diagnostics(props: &DiagnosticsProps) -> Html {
    if props.diagnostics.is_empty() {
        return html! { <p id="diagnostics" class="diagnostics ok" role="status">{"No problems found."}</p> };
    }
    html! {
        <ul id="diagnostics" class="diagnostics" role="status">
            { for props.diagnostics.iter().map(|d| {
                let position = d.position;
                let on_select = props.on_select.clone();
                let onclick = Callback::from(move |_: MouseEvent| on_select.emit(position));
                html! {
                    <li class={classes!("diagnostic", d.severity.as_str())}
                        data-line={position.line.to_string()} data-column={position.column.to_string()}>
                        <button type="button" class="goto" {onclick}>
                            <span class="position">{position.to_string()}</span>
                            <span class="severity">{if d.severity == Severity::Error { "error" } else { "warning" }}</span>
                            <span class="message">{d.message.clone()}</span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
