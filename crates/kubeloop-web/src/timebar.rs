//! The time controls: play / pause, step back, step, speed, and a scrubber
//! over the whole history with a mark at every instant where something
//! happened. The scrubber's geometry ([`marker_x`]) is natively tested.

use crate::playground::{Marker, MarkerKind};
use crate::state::SPEEDS;
use kubeloop_kubectl::human_duration_ms;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TimebarProps {
    pub playing: bool,
    pub speed: u32,
    /// The instant on show and the present, in simulated milliseconds.
    pub shown_ms: u64,
    pub live_ms: u64,
    pub markers: std::rc::Rc<Vec<Marker>>,
    pub on_toggle_play: Callback<()>,
    pub on_step: Callback<()>,
    pub on_step_back: Callback<()>,
    pub on_speed: Callback<u32>,
    pub on_seek: Callback<u64>,
}

/// The scrubber's width in SVG units (it scales with the page).
const TRACK: f64 = 1000.0;

/// Where an instant sits on a track of `width` covering `0..=end`.
pub fn marker_x(at_ms: u64, end_ms: u64, width: f64) -> f64 {
    if end_ms == 0 { 0.0 } else { width * (at_ms.min(end_ms) as f64) / (end_ms as f64) }
}

fn marker_class(kind: MarkerKind) -> &'static str {
    match kind {
        MarkerKind::Apply => "mark mark-apply",
        MarkerKind::Fault => "mark mark-fault",
        MarkerKind::Decision => "mark mark-decision",
        MarkerKind::Event => "mark mark-event",
        MarkerKind::Warning => "mark mark-warning",
    }
}

/// `t=1m30s`, or `t=1m30s (live)`.
pub fn clock_text(shown_ms: u64, live_ms: u64) -> String {
    let shown = if shown_ms == 0 { "0s".to_string() } else { human_duration_ms(shown_ms as i64) };
    if shown_ms >= live_ms {
        format!("t={shown} (live)")
    } else {
        format!("t={shown} of {}", human_duration_ms(live_ms as i64))
    }
}

#[function_component]
pub fn Timebar(props: &TimebarProps) -> Html {
    let toggle = props.on_toggle_play.reform(|_: MouseEvent| ());
    let step = props.on_step.reform(|_: MouseEvent| ());
    let step_back = props.on_step_back.reform(|_: MouseEvent| ());
    let on_speed = props.on_speed.reform(|event: Event| {
        let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
        select.value().parse().unwrap_or(1)
    });
    let on_seek = props.on_seek.reform(|event: InputEvent| {
        let input: web_sys::HtmlInputElement = event.target_unchecked_into();
        input.value().parse().unwrap_or(0)
    });
    let end = props.live_ms.max(1);
    let live = props.shown_ms >= props.live_ms;
    html! {
        <div class="timebar" role="group" aria-label="Time controls">
            <button id="step-back" type="button" onclick={step_back} title="Step back (ArrowLeft)"
                    aria-label="Step back to the previous event">{"⏮"}</button>
            <button id="play" type="button" onclick={toggle} aria-pressed={props.playing.to_string()}
                    title="Play or pause (Space)" aria-label={if props.playing { "Pause" } else { "Play" }}>
                { if props.playing { "⏸" } else { "▶" } }
            </button>
            <button id="step" type="button" onclick={step} title="Step to the next controller decision or event (ArrowRight)"
                    aria-label="Step to the next controller decision or event">{"⏭"}</button>
            <label class="speed">{"Speed "}
                <select id="speed" onchange={on_speed} aria-label="Simulated speed">
                    { for SPEEDS.iter().map(|&speed| html! {
                        <option value={speed.to_string()} selected={speed == props.speed}>{format!("{speed}x")}</option>
                    }) }
                </select>
            </label>
            <div class="scrubber">
                <svg class="marks" viewBox={format!("0 0 {TRACK} 10")} preserveAspectRatio="none" aria-hidden="true">
                    { for props.markers.iter().map(|marker| {
                        let x = marker_x(marker.at_ms, end, TRACK);
                        html! { <line class={marker_class(marker.kind)} x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1="0" y2="10" /> }
                    }) }
                </svg>
                <input id="timeline" type="range" min="0" max={end.to_string()} step="1"
                       value={props.shown_ms.min(end).to_string()} oninput={on_seek}
                       aria-label="Timeline: drag to see the cluster at an earlier moment"
                       aria-valuetext={clock_text(props.shown_ms, props.live_ms)} />
            </div>
            <output id="clock" class={classes!("clock", (!live).then_some("past"))}>{clock_text(props.shown_ms, props.live_ms)}</output>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_sit_in_proportion_and_never_past_the_end() {
        assert_eq!(marker_x(0, 1000, TRACK), 0.0);
        assert_eq!(marker_x(500, 1000, TRACK), 500.0);
        assert_eq!(marker_x(2000, 1000, TRACK), TRACK);
        assert_eq!(marker_x(5, 0, TRACK), 0.0);
    }

    #[test]
    fn the_clock_says_whether_it_is_live() {
        assert_eq!(clock_text(0, 0), "t=0s (live)");
        assert_eq!(clock_text(90_000, 90_000), "t=90s (live)");
        assert_eq!(clock_text(30_000, 150_000), "t=30s of 2m30s");
    }
}
