//! The kubeloop playground: the only crate that knows the browser.
//!
//! The page is one reducer ([`state::PageState`]) over what the engine says
//! about the editor's text; components only render it and dispatch actions.

pub mod actual;
pub mod app;
pub mod breaks;
pub mod cluster;
pub mod diagram;
pub mod diagram_details;
pub mod diagram_layout;
pub mod editor;
pub mod editor_lines;
pub mod events_tab;
pub mod explain;
pub mod frames;
pub mod indent;
pub mod panel;
pub mod playground;
pub mod state;
pub mod storage;
pub mod terminal;
pub mod timebar;
pub mod yaml_highlight;

pub use app::App;

/// Mounts the playground into `#app` when the module loads.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let root =
        web_sys::window().and_then(|window| window.document()).and_then(|document| document.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
