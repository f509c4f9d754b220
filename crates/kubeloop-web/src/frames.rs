//! The browser's clocks, as hooks: a callback once per animation frame with
//! the real milliseconds since the last one (while `running`), and the
//! page's keyboard shortcuts.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Frames further apart than this (a background tab) count as this long, so
/// returning to the tab does not jump minutes ahead.
const LONGEST_FRAME_MS: f64 = 100.0;

/// Calls `on_frame(real_ms)` on every animation frame while `running`.
#[hook]
pub fn use_animation_frames(running: bool, on_frame: Callback<u64>) {
    use_effect_with(running, move |&running| {
        let stop = Rc::new(RefCell::new(false));
        if running {
            start_frames(on_frame, stop.clone());
        }
        move || *stop.borrow_mut() = true
    });
}

type FrameClosure = Closure<dyn FnMut(f64)>;

fn start_frames(on_frame: Callback<u64>, stop: Rc<RefCell<bool>>) {
    let Some(window) = web_sys::window() else { return };
    let slot: Rc<RefCell<Option<FrameClosure>>> = Rc::new(RefCell::new(None));
    let next = slot.clone();
    let last = RefCell::new(None::<f64>);
    // Unspent fractions of a millisecond carry over, so 60 frames make 1 s.
    let carry = RefCell::new(0.0f64);
    let frame_window = window.clone();
    *slot.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
        if *stop.borrow() {
            next.borrow_mut().take();
            return;
        }
        if let Some(previous) = last.replace(Some(timestamp)) {
            let elapsed = (timestamp - previous).clamp(0.0, LONGEST_FRAME_MS) + *carry.borrow();
            let whole = elapsed.floor();
            *carry.borrow_mut() = elapsed - whole;
            if whole >= 1.0 {
                on_frame.emit(whole as u64);
            }
        }
        if let Some(callback) = next.borrow().as_ref() {
            let _ = frame_window.request_animation_frame(callback.as_ref().unchecked_ref());
        }
    }));
    if let Some(callback) = slot.borrow().as_ref() {
        let _ = window.request_animation_frame(callback.as_ref().unchecked_ref());
    }
}

/// The page's keys: Space plays or pauses, ArrowRight steps, ArrowLeft steps
/// back, Escape clears the selection. Not while typing in the editor, the terminal or a form control.
#[hook]
pub fn use_shortcuts(on_key: Callback<&'static str>) {
    use_effect_with((), move |_| {
        let listener = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |event: web_sys::KeyboardEvent| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() || typing(&event) {
                return;
            }
            let key = match event.key().as_str() {
                " " => "play",
                "Escape" => "deselect",
                "ArrowRight" => "step",
                "ArrowLeft" => "back",
                _ => return,
            };
            event.prevent_default();
            on_key.emit(key);
        });
        let document = web_sys::window().and_then(|window| window.document());
        if let Some(document) = &document {
            let _ = document.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(document) = document {
                let _ = document.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
        }
    });
}

/// Whether the key goes to a text field or a control that uses it.
fn typing(event: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    matches!(target.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT" | "BUTTON")
        || target.get_attribute("contenteditable").is_some()
}
