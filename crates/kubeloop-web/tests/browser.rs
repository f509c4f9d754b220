//! The page's components in a real browser (headless Chromium, driven by
//! wasm-bindgen-test-runner through chromedriver; `cargo xtask test` runs it).
#![cfg(target_arch = "wasm32")]

use kubeloop_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlTextAreaElement, InputEvent, InputEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh App into its own element and lets Yew render it.
async fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
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
}

fn pod_names(root: &Element) -> Vec<String> {
    let pods = root.query_selector_all("svg [data-pod]").unwrap();
    (0..pods.length())
        .map(|i| pods.item(i).unwrap().dyn_into::<Element>().unwrap().get_attribute("data-pod").unwrap())
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
    type_text(&root, "kind: Deployment\nspec:\n  replicas: two\n").await;
    let item = root.query_selector("#diagnostics li").unwrap().expect("a diagnostic");
    assert_eq!(item.get_attribute("data-line").as_deref(), Some("3"));
    assert_eq!(item.get_attribute("data-column").as_deref(), Some("13"));
    assert_eq!(text_of(&item, ".position"), "3:13");
    assert_eq!(text_of(&item, ".message"), "spec.replicas: invalid type: string \"two\", expected an integer");
    // Fixing the text clears the error.
    type_text(&root, kubeloop_engine::DEMO_MANIFESTS).await;
    assert_eq!(text_of(&root, "#diagnostics"), "No problems found.");
}
