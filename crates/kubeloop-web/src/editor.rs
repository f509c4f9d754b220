//! The YAML editor and the list of what the engine found wrong with it.
//!
//! The editor is a plain `<textarea wrap="off">` over a backdrop that tints the
//! lines with diagnostics, with a gutter on its left: one row per line, its
//! number and, on lines with diagnostics, a marker whose tooltip holds their
//! messages. The backdrop also draws the text, highlighted (the textarea's
//! own text is transparent, its caret and selection visible). Gutter and
//! backdrop follow the textarea's scrolling. Tab and Shift-Tab indent and
//! dedent (Escape, then Tab, leaves the editor); Ctrl/Cmd-Enter applies.
//! The line arithmetic lives in [`crate::editor_lines`], highlighting in
//! [`crate::yaml_highlight`], indentation in [`crate::indent`].

use crate::editor_lines::{LineMark, clamp_line, line_count, line_marks, utf16_offset};
use crate::indent::{Edit, dedent, indent};
use crate::yaml_highlight::{Class, Token, highlight};
use kubeloop_engine::{Diagnostic, Position, Severity};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

/// What the keys do in the editor, read out with it and shown below it.
const KEYS_HINT: &str =
    "Tab indents, Shift+Tab dedents, Ctrl+Enter (Cmd+Enter) applies. To leave the editor: Escape, then Tab.";

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: AttrValue,
    /// What the engine says about `text`, shown in the gutter and listed below.
    #[prop_or_default]
    pub diagnostics: Vec<Diagnostic>,
    pub on_edit: Callback<String>,
    /// Ctrl-Enter / Cmd-Enter.
    #[prop_or_default]
    pub on_apply: Callback<()>,
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
    let onkeydown = {
        let escaped = use_mut_ref(|| false);
        let (on_edit, on_apply) = (props.on_edit.clone(), props.on_apply.clone());
        Callback::from(move |event: KeyboardEvent| {
            let key = event.key();
            // Escape arms the way out: the next Tab moves focus as usual.
            let was_escaped = std::mem::replace(&mut *escaped.borrow_mut(), key == "Escape");
            if key == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                on_apply.emit(());
                return;
            }
            if key != "Tab" || was_escaped || event.ctrl_key() || event.alt_key() || event.meta_key() {
                return;
            }
            event.prevent_default();
            let textarea: HtmlTextAreaElement = event.target_unchecked_into();
            let text = textarea.value();
            let start = textarea.selection_start().ok().flatten().unwrap_or(0);
            let end = textarea.selection_end().ok().flatten().unwrap_or(start);
            let edit = if event.shift_key() { dedent(&text, start, end) } else { Some(indent(&text, start, end)) };
            if let Some(edit) = edit {
                replace(&textarea, &text, &edit, &on_edit);
            }
        })
    };
    let on_select = {
        let (textarea, gutter) = (textarea.clone(), gutter.clone());
        Callback::from(move |position: Position| go_to(&textarea, &gutter, position))
    };

    let marks = line_marks(&props.diagnostics, line_count(&props.text));
    let lines = highlight(&props.text);
    html! {
        <>
            <div class="editor-frame">
                <div class="editor-gutter" ref={gutter} aria-hidden="true">
                    { for marks.iter().enumerate().map(|(index, mark)| gutter_row(index + 1, mark.as_ref())) }
                </div>
                <div class="editor-body">
                    <div class="editor-backdrop" ref={backdrop} aria-hidden="true">
                        { for marks.iter().zip(&lines).map(|(mark, tokens)| backdrop_row(tokens, mark.as_ref())) }
                    </div>
                    <textarea id="editor" class="editor" ref={textarea} aria-label="Kubernetes manifests (YAML)"
                              aria-describedby="editor-keys" title={KEYS_HINT}
                              wrap="off" spellcheck="false" autocapitalize="off" autocomplete="off"
                              value={props.text.clone()} {oninput} {onscroll} {onkeydown} />
                </div>
            </div>
            <p id="editor-keys" class="editor-keys">{KEYS_HINT}</p>
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

/// One backdrop row: the line's tint, and its text highlighted (plain runs
/// as bare text, the rest as spans).
fn backdrop_row(tokens: &[Token<'_>], mark: Option<&LineMark>) -> Html {
    html! {
        <div class={classes!("backdrop-row", mark.map(|m| m.severity.as_str()))}>
            { for tokens.iter().map(|token| match token.class {
                Class::Plain => html! { token.text.to_string() },
                class => html! { <span class={class.css()}>{token.text.to_string()}</span> },
            }) }
        </div>
    }
}

/// Applies an indentation edit as one undoable insertion when the browser
/// can (its input event then reports the text), else sets the value.
fn replace(textarea: &HtmlTextAreaElement, text: &str, edit: &Edit, on_edit: &Callback<String>) {
    let _ = textarea.set_selection_range(edit.from, edit.to);
    let document =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok());
    let command = if edit.insert.is_empty() { "delete" } else { "insertText" };
    let inserted = document
        .is_some_and(|document| document.exec_command_with_show_ui_and_value(command, false, &edit.insert) == Ok(true));
    if !inserted || textarea.value() != edit.apply(text) {
        textarea.set_value(&edit.apply(text));
        on_edit.emit(textarea.value());
    }
    let _ = textarea.set_selection_range(edit.start, edit.end);
}

/// Scrolls the gutter and the backdrop to where the textarea is scrolled
/// (the backdrop sideways too: it draws the text).
fn sync_scroll(textarea: &NodeRef, gutter: &NodeRef, backdrop: &NodeRef) {
    let Some(textarea) = textarea.cast::<Element>() else { return };
    for follower in [gutter, backdrop].into_iter().filter_map(NodeRef::cast::<Element>) {
        if follower.scroll_top() != textarea.scroll_top() {
            follower.set_scroll_top(textarea.scroll_top());
        }
    }
    if let Some(backdrop) = backdrop.cast::<Element>()
        && backdrop.scroll_left() != textarea.scroll_left()
    {
        backdrop.set_scroll_left(textarea.scroll_left());
    }
}

#[derive(Properties, PartialEq)]
pub struct ChangeSummaryProps {
    /// The engine's sentences (`world::preview`); none while the text has
    /// errors.
    pub lines: Rc<Vec<String>>,
}

/// What Apply will do, one sentence per consequence.
#[function_component]
pub fn ChangeSummary(props: &ChangeSummaryProps) -> Html {
    if props.lines.is_empty() {
        return html! {};
    }
    html! {
        <ul id="change-summary" class="change-summary" aria-label="What Apply will do" aria-live="polite">
            { for props.lines.iter().map(|line| html! { <li>{line.clone()}</li> }) }
        </ul>
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
