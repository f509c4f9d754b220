//! The page's components in a real browser (headless Chromium, driven by
//! wasm-bindgen-test-runner through chromedriver; `cargo xtask test` runs it).
#![cfg(target_arch = "wasm32")]

use kubeloop_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, InputEvent, InputEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// The page's real stylesheet, so layout (gutter rows against textarea lines,
/// scrolling) is what visitors get.
const STYLE: &str = include_str!("../../../web/style.css");

/// Mounts a fresh App into its own element and lets Yew render it.
async fn mount() -> Element {
    let window = web_sys::window().unwrap();
    // Each test starts as a new visitor: nothing saved by an earlier one.
    if let Ok(Some(storage)) = window.local_storage() {
        storage.clear().unwrap();
    }
    let document = window.document().unwrap();
    if document.get_element_by_id("kubeloop-style").is_none() {
        let style = document.create_element("style").unwrap();
        style.set_id("kubeloop-style");
        style.set_text_content(Some(STYLE));
        document.body().unwrap().append_child(&style).unwrap();
    }
    let root = document.create_element("div").unwrap();
    // A definite height, as `#app` has on the page, so the editor scrolls.
    root.set_attribute("style", "height: 640px").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    root
}

async fn settle() {
    yew::platform::time::sleep(std::time::Duration::from_millis(20)).await;
}

/// Replaces the editor's text the way typing does: set the value, fire `input`.
async fn type_text(root: &Element, text: &str) {
    let editor: HtmlTextAreaElement = root.query_selector("textarea").unwrap().unwrap().dyn_into().unwrap();
    editor.set_value(text);
    let init = InputEventInit::new();
    init.set_bubbles(true);
    let event = InputEvent::new_with_event_init_dict("input", &init).unwrap();
    editor.dispatch_event(&event).unwrap();
    settle().await;
    // Until the page shows this text: a gutter row per line, an item per diagnostic.
    let problems = kubeloop_engine::parse_manifests(text).diagnostics.len();
    let rendered = wait_until(|| {
        all(root, ".editor-gutter .gutter-row").len() == text.split('\n').count()
            && all(root, "#diagnostics li").len() == problems
    })
    .await;
    assert!(rendered, "the page did not render the typed text");
}

/// Polls `done` for up to two seconds (scroll events arrive with the next frame).
async fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if done() {
            return true;
        }
        settle().await;
    }
    done()
}

fn editor(root: &Element) -> HtmlTextAreaElement {
    root.query_selector("textarea#editor").unwrap().unwrap().dyn_into().unwrap()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let found = root.query_selector_all(selector).unwrap();
    (0..found.length()).map(|i| found.item(i).unwrap().dyn_into::<Element>().unwrap()).collect()
}

fn attribute(element: &Element, name: &str) -> String {
    element.get_attribute(name).unwrap_or_default()
}

/// The desired state's replicas (the editor's reading, before Apply).
fn pod_names(root: &Element) -> Vec<String> {
    let pods = root.query_selector_all("svg [data-replica]").unwrap();
    (0..pods.length())
        .map(|i| pods.item(i).unwrap().dyn_into::<Element>().unwrap().get_attribute("data-replica").unwrap())
        .collect()
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector).unwrap().unwrap().text_content().unwrap()
}

#[wasm_bindgen_test]
async fn prefilled_demo_shows_two_pods_and_no_problems() {
    let root = mount().await;
    let editor: HtmlTextAreaElement = root.query_selector("textarea").unwrap().unwrap().dyn_into().unwrap();
    assert!(editor.value().contains("image: myrepo/demo-api:1.0.0"));
    assert_eq!(pod_names(&root), ["demo-api-1", "demo-api-2"]);
    assert_eq!(text_of(&root, "#diagnostics"), "No problems found.");
}

#[wasm_bindgen_test]
async fn editing_replicas_redraws_the_pods() {
    let root = mount().await;
    let text = kubeloop_engine::DEMO_MANIFESTS.replace("replicas: 2", "replicas: 7");
    type_text(&root, &text).await;
    assert_eq!(pod_names(&root).len(), 7);
    type_text(&root, &text.replace("replicas: 7", "replicas: 0")).await;
    assert_eq!(pod_names(&root).len(), 0);
}

#[wasm_bindgen_test]
async fn broken_yaml_shows_its_line_and_column() {
    let root = mount().await;
    let text = kubeloop_engine::DEMO_MANIFESTS.replace("replicas: 2", "replicas: -2");
    type_text(&root, &text).await;
    let line = text.lines().position(|l| l.contains("replicas: -2")).unwrap() + 1;
    let item = root.query_selector("#diagnostics li").unwrap().expect("a diagnostic");
    assert_eq!(item.get_attribute("data-line"), Some(line.to_string()));
    assert_eq!(item.get_attribute("data-column").as_deref(), Some("13"));
    assert_eq!(text_of(&item, ".position"), format!("{line}:13"));
    assert_eq!(
        text_of(&item, ".message"),
        "The Deployment \"demo-api\" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0"
    );
    // Fixing the text clears the error.
    type_text(&root, kubeloop_engine::DEMO_MANIFESTS).await;
    assert_eq!(text_of(&root, "#diagnostics"), "No problems found.");
}

/// The demo with `replicas: two`: one error, at the value. Returns the text
/// and the broken line's number.
fn demo_with_bad_replicas(prefix: &str) -> (String, usize) {
    let text =
        format!("{prefix}{}", kubeloop_engine::DEMO_MANIFESTS.replacen("  replicas: 2\n", "  replicas: two\n", 1));
    let line = text.split('\n').position(|l| l == "  replicas: two").expect("the demo sets replicas") + 1;
    (text, line)
}

#[wasm_bindgen_test]
async fn broken_line_gets_an_error_marker_with_its_message() {
    let root = mount().await;
    let (text, line) = demo_with_bad_replicas("");
    type_text(&root, &text).await;
    let message = text_of(&root, "#diagnostics li .message");
    let markers = all(&root, ".editor-gutter .marker");
    assert_eq!(markers.len(), 1, "one line has a problem");
    let selector = format!(".editor-gutter .gutter-row[data-line=\"{line}\"] .marker");
    let marker = root.query_selector(&selector).unwrap().expect("a marker on the broken line");
    assert_eq!(attribute(&marker, "class"), "marker error");
    assert_eq!(attribute(&marker, "title"), format!("error: {message}"));
    // The line itself is tinted, and only that line.
    let tinted: Vec<usize> = all(&root, ".editor-backdrop .backdrop-row")
        .iter()
        .enumerate()
        .filter(|(_, row)| attribute(row, "class").contains("error"))
        .map(|(index, _)| index + 1)
        .collect();
    assert_eq!(tinted, [line]);
    // Fixed text, no marker.
    type_text(&root, kubeloop_engine::DEMO_MANIFESTS).await;
    assert!(all(&root, ".editor-gutter .marker").is_empty());
    assert!(all(&root, ".editor-backdrop .backdrop-row.error").is_empty());
}

#[wasm_bindgen_test]
async fn unknown_field_gets_a_warning_marker() {
    let root = mount().await;
    let text = kubeloop_engine::DEMO_MANIFESTS.replacen("  replicas: 2\n", "  replica: 2\n", 1);
    assert_ne!(text, kubeloop_engine::DEMO_MANIFESTS);
    let line = text.split('\n').position(|l| l == "  replica: 2").unwrap() + 1;
    type_text(&root, &text).await;
    let item = root.query_selector("#diagnostics li").unwrap().expect("listed");
    assert_eq!(attribute(&item, "class"), "diagnostic warning");
    assert_eq!(attribute(&item, "data-line"), line.to_string());
    let message = text_of(&item, ".message");
    assert!(message.contains(r#""spec.replica""#), "{message}");
    let markers = all(&root, ".editor-gutter .marker");
    assert_eq!(markers.len(), 1, "only the misspelt field is flagged");
    let row = markers[0].closest(".gutter-row").unwrap().unwrap();
    assert_eq!(attribute(&row, "data-line"), line.to_string());
    assert_eq!(attribute(&markers[0], "class"), "marker warning");
    assert_eq!(attribute(&markers[0], "title"), format!("warning: {message}"));
    assert_eq!(all(&root, ".editor-backdrop .backdrop-row.warning").len(), 1);
}

#[wasm_bindgen_test]
async fn clicking_a_diagnostic_puts_the_caret_there() {
    let root = mount().await;
    // Non-ASCII before the error: columns count characters, the caret counts UTF-16 units.
    let (text, line) = demo_with_bad_replicas("# café 😀\n");
    type_text(&root, &text).await;
    let item = root.query_selector("#diagnostics li").unwrap().expect("a diagnostic");
    assert_eq!(attribute(&item, "data-line"), line.to_string());
    assert_eq!(attribute(&item, "data-column"), "13", "at the value");
    let button: HtmlElement = item.query_selector("button").unwrap().expect("a button").dyn_into().unwrap();
    button.click();
    settle().await;
    let editor = editor(&root);
    let document = web_sys::window().unwrap().document().unwrap();
    assert_eq!(document.active_element().as_ref(), Some(editor.as_ref() as &Element), "the editor has focus");
    let start = editor.selection_start().unwrap().unwrap();
    assert_eq!(editor.selection_end().unwrap(), Some(start), "a caret, not a selection");
    let two = text.find("  replicas: two").unwrap() + "  replicas: ".len();
    assert_eq!(start as usize, text[..two].encode_utf16().count());
    assert_ne!(start as usize, two, "UTF-16 units, not bytes");
}

#[wasm_bindgen_test]
async fn gutter_has_a_row_per_line() {
    let root = mount().await;
    for text in [kubeloop_engine::DEMO_MANIFESTS, "", "kind: Deployment", "a\nb\n", "\n\n\n"] {
        type_text(&root, text).await;
        let lines = text.split('\n').count();
        let rows = all(&root, ".editor-gutter .gutter-row");
        assert_eq!(rows.len(), lines, "{text:?}");
        assert_eq!(all(&root, ".editor-backdrop .backdrop-row").len(), lines, "{text:?}");
        let numbers: Vec<String> = rows.iter().map(|row| row.text_content().unwrap()).collect();
        let expected: Vec<String> = (1..=lines).map(|n| n.to_string()).collect();
        assert_eq!(numbers, expected, "{text:?}");
        assert_eq!(attribute(rows.last().unwrap(), "data-line"), lines.to_string());
    }
}

#[wasm_bindgen_test]
async fn gutter_lines_up_with_the_textarea_and_follows_its_scroll() {
    let root = mount().await;
    let comments: String = (1..=150).map(|n| format!("# line {n} {}\n", "x".repeat(n % 7 * 40))).collect();
    let (text, line) = demo_with_bad_replicas(&comments);
    type_text(&root, &text).await;
    let editor = editor(&root);
    let gutter: HtmlElement = root.query_selector(".editor-gutter").unwrap().unwrap().dyn_into().unwrap();
    let backdrop: Element = root.query_selector(".editor-backdrop").unwrap().unwrap();
    assert!(editor.scroll_height() > editor.client_height(), "the text is taller than the editor");
    // Same row pitch: the last gutter row ends where the textarea's text does
    // (both have 10px of padding above).
    let last: HtmlElement = all(&root, ".editor-gutter .gutter-row").pop().unwrap().dyn_into().unwrap();
    let text_bottom = editor.scroll_height() - 10;
    assert!((last.offset_top() + last.offset_height() - text_bottom).abs() <= 1, "rows drift from the text's lines");
    assert_eq!(attribute(&editor, "wrap"), "off");

    editor.set_scroll_top(400);
    let followed =
        wait_until(|| gutter.scroll_top() == editor.scroll_top() && backdrop.scroll_top() == editor.scroll_top()).await;
    assert!(
        followed,
        "gutter {} backdrop {} textarea {}",
        gutter.scroll_top(),
        backdrop.scroll_top(),
        editor.scroll_top()
    );
    assert_eq!(editor.scroll_top(), 400);
    // All the way down, where the horizontal scrollbar shortens the textarea.
    assert!(editor.scroll_width() > editor.client_width(), "long lines scroll sideways");
    editor.set_scroll_top(1_000_000);
    assert!(wait_until(|| editor.scroll_top() > 400 && gutter.scroll_top() == editor.scroll_top()).await);
    assert_eq!(backdrop.scroll_top(), editor.scroll_top());

    // Going to the error far down scrolls its line into view, gutter too.
    editor.set_scroll_top(0);
    assert!(wait_until(|| gutter.scroll_top() == 0).await);
    let item = root.query_selector("#diagnostics li").unwrap().expect("a diagnostic");
    assert_eq!(attribute(&item, "data-line"), line.to_string());
    item.query_selector("button").unwrap().unwrap().dyn_into::<HtmlElement>().unwrap().click();
    let selector = format!(".editor-gutter .gutter-row[data-line=\"{line}\"]");
    let row: HtmlElement = root.query_selector(&selector).unwrap().unwrap().dyn_into().unwrap();
    let visible = || {
        let top = editor.scroll_top();
        top > 0 && row.offset_top() >= top && row.offset_top() + row.offset_height() <= top + editor.client_height()
    };
    assert!(wait_until(|| visible() && gutter.scroll_top() == editor.scroll_top()).await, "line {line} is in view");
}
