//! The actual state as SVG, drawn from a [`ClusterView`] laid out by
//! [`crate::diagram_layout`]: Services with lines to their ready endpoints,
//! each Deployment, its ReplicaSets (name with hash, revision, desired /
//! current / ready) and their pods, in one column per node.
//!
//! Every pod shape carries `data-pod` (its name) and `data-phase` (its
//! STATUS); every ReplicaSet group `data-replica-set`, `data-desired`,
//! `data-current` and `data-ready`. A pod is its own component, so while
//! playing only the pods that changed render again. Shapes never move
//! smoothly from place to place (that would invent an order of events);
//! only their colour fades.
//!
//! Selecting is delegated: the SVG listens once, and the clicked (or
//! focused, on Enter) element's `data-select` names the object.

use crate::cluster::{ClusterView, PodState, PodView};
use crate::diagram_layout::{ActualLayout, REPLICA_SET_HEADER, SERVICE_HEIGHT, Scale, layout};
use kubeloop_engine::world::store::Key;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ActualProps {
    pub view: Rc<ClusterView>,
    #[prop_or_default]
    pub selected: Option<Key>,
    /// A shape clicked (or Enter on it): its key; a click on the diagram
    /// around the shapes: `None` (deselects).
    #[prop_or_default]
    pub on_select: Callback<Option<Key>>,
}

/// `Pod/default/web-1`: what `data-select` holds.
pub fn select_id(key: &Key) -> String {
    format!("{}/{}/{}", key.kind, key.namespace, key.name)
}

/// The key a `data-select` names (the kinds the diagram draws).
pub fn parse_select_id(id: &str) -> Option<Key> {
    let mut parts = id.splitn(3, '/');
    let kind = match parts.next()? {
        "Pod" => "Pod",
        "ReplicaSet" => "ReplicaSet",
        "Deployment" => "Deployment",
        "Service" => "Service",
        "Node" => "Node",
        _ => return None,
    };
    let namespace = parts.next()?;
    let name = parts.next().filter(|name| !name.is_empty())?;
    Some(Key::new(kind, namespace, name))
}

/// `120Mi`.
fn mebibytes(bytes: i64) -> String {
    format!("{}Mi", bytes / (1024 * 1024))
}

/// The hover text: everything the shape stands for, in words.
pub fn pod_details(pod: &PodView) -> String {
    let mut text = format!(
        "Pod {}\nStatus: {}\nReady: {}\nRestarts: {}\nNode: {}",
        pod.key.name,
        pod.status,
        if pod.ready { "yes" } else { "no" },
        pod.restarts,
        pod.node.as_deref().unwrap_or("<none>"),
    );
    match pod.memory_limit {
        Some(limit) => text.push_str(&format!("\nMemory: {} of {} limit", mebibytes(pod.memory), mebibytes(limit))),
        None => text.push_str(&format!("\nMemory: {} (no limit)", mebibytes(pod.memory))),
    }
    text
}

/// How full the memory bar is, 0 to 1, or `None` without a limit.
pub fn memory_fill(pod: &PodView) -> Option<f64> {
    let limit = pod.memory_limit.filter(|&limit| limit > 0)?;
    Some((pod.memory.max(0) as f64 / limit as f64).min(1.0))
}

/// The outline of a state's shape around (x, y): circles for running
/// pods, squares for those on their way, a diamond for OOMKilled,
/// triangles for the ones failing.
fn shape(state: PodState, x: u32, y: u32, r: u32) -> Html {
    let (x, y, r) = (x as i64, y as i64, r as i64);
    let points = |offsets: &[(i64, i64)]| {
        offsets.iter().map(|(dx, dy)| format!("{},{}", x + dx, y + dy)).collect::<Vec<_>>().join(" ")
    };
    match state {
        PodState::Ready | PodState::NotReady | PodState::Terminating | PodState::Done => {
            html! { <circle class="shape" cx={x.to_string()} cy={y.to_string()} r={r.to_string()} /> }
        }
        PodState::Pending | PodState::Creating => html! {
            <rect class="shape" x={(x - r).to_string()} y={(y - r).to_string()}
                  width={(2 * r).to_string()} height={(2 * r).to_string()} rx="2" />
        },
        PodState::OomKilled => {
            html! { <polygon class="shape" points={points(&[(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)])} /> }
        }
        PodState::CrashLoop => {
            html! { <polygon class="shape" points={points(&[(0, -r - 1), (r + 1, r), (-r - 1, r)])} /> }
        }
        PodState::Failed => {
            html! { <polygon class="shape" points={points(&[(-r - 1, -r), (r + 1, -r), (0, r + 1)])} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct PodMarkProps {
    pod: PodView,
    x: u32,
    y: u32,
    scale: Scale,
    selected: bool,
}

#[function_component]
fn PodMark(props: &PodMarkProps) -> Html {
    let PodMarkProps { pod, x, y, scale, selected } = props;
    let (x, y) = (*x, *y);
    let state = pod.state();
    let r = scale.radius;
    let bar_width = 2 * r + 2;
    html! {
        <g class={classes!("pod", state.class(), selected.then_some("selected"))}
           data-pod={pod.key.name.clone()} data-phase={pod.status.clone()} data-select={select_id(&pod.key)}
           tabindex="0" role="button" aria-pressed={selected.to_string()}>
            <title>{pod_details(pod)}</title>
            { shape(state, x, y, r) }
            if !scale.compact {
                <text class="glyph" x={x.to_string()} y={(y + 4).to_string()} aria-hidden="true">{state.glyph()}</text>
                if pod.restarts > 0 {
                    <text class="restarts" x={(x + r + 1).to_string()} y={(y - r + 2).to_string()}>{format!("↻{}", pod.restarts)}</text>
                }
            }
            if let Some(fill) = memory_fill(pod) {
                <rect class="memory-track" x={(x - r - 1).to_string()} y={(y + r + 2).to_string()}
                      width={bar_width.to_string()} height={if scale.compact { "1.5" } else { "3" }} />
                <rect class={classes!("memory-used", (fill >= 0.9).then_some("high"))}
                      x={(x - r - 1).to_string()} y={(y + r + 2).to_string()}
                      width={format!("{:.1}", fill * f64::from(bar_width))} height={if scale.compact { "1.5" } else { "3" }} />
            }
        </g>
    }
}

/// The element under `event` that names an object to select.
fn selected_by(event: &Event) -> Option<Key> {
    let target: web_sys::Element = event.target_dyn_into()?;
    let named = target.closest("[data-select]").ok()??;
    parse_select_id(&named.get_attribute("data-select")?)
}

fn render(layout: &ActualLayout, selected: Option<&Key>) -> Html {
    let is = |key: &Key| selected == Some(key);
    let margin = layout.margin();
    let inner = layout.width - 2 * margin;
    // A band's pods are placed relative to it, and the band moved as one:
    // when a new ReplicaSet's band pushes the old one down, one transform
    // changes, not the props of every pod under it (a long frame at 1,000).
    let pod_marks = |band: &crate::diagram_layout::Band| -> Html {
        html! {
            <g class="pods" transform={format!("translate(0 {})", band.y)}>
                { for band.pods.iter().map(|spot| html! {
                    <PodMark key={spot.pod.key.name.clone()} pod={spot.pod.clone()} x={spot.x} y={spot.y - band.y}
                             scale={layout.scale} selected={is(&spot.pod.key)} />
                }) }
            </g>
        }
    };
    html! {
        <>
            // Column guides and node names.
            { for layout.columns.iter().enumerate().map(|(i, column)| html! {
                <g class="node-column" data-node={column.label().to_string()}>
                    if i > 0 {
                        <line class="column-guide" x1={column.x.to_string()} x2={column.x.to_string()}
                              y1={(layout.node_label_y() - 12).to_string()} y2={layout.height.to_string()} />
                    }
                    <text class="node-label" x={(column.x + column.width / 2).to_string()} y={layout.node_label_y().to_string()}>
                        {column.label().to_string()}
                    </text>
                </g>
            }) }
            // Endpoint lines under everything else.
            <g class="endpoints" aria-hidden="true">
                { for layout.services.iter().flat_map(|service| {
                    let (sx, sy) = (service.x + service.width / 2, service.y + SERVICE_HEIGHT);
                    // Keyed by where the pod is: as endpoints come and go
                    // (a rollout's every step), the other lines stay put
                    // instead of each taking its neighbour's coordinates.
                    service.endpoints.iter().map(move |(px, py)| html! {
                        <line key={format!("{}/{px},{py}", service.key.name)} x1={sx.to_string()} y1={sy.to_string()}
                              x2={px.to_string()} y2={py.to_string()} />
                    })
                }) }
            </g>
            { for layout.services.iter().map(|service| {
                let ready = service.endpoints.len();
                html! {
                    <g class={classes!("service", is(&service.key).then_some("selected"))}
                       data-service={service.key.name.clone()} data-endpoints={ready.to_string()}
                       data-select={select_id(&service.key)} tabindex="0" role="button">
                        <title>{format!("Service {}: {ready} ready endpoint{}", service.key.name, if ready == 1 { "" } else { "s" })}</title>
                        <rect x={service.x.to_string()} y={service.y.to_string()} rx="13" width={service.width.to_string()}
                              height={SERVICE_HEIGHT.to_string()} />
                        <text class="title" x={(service.x + 12).to_string()} y={(service.y + 17).to_string()}>
                            {format!("Service {} → {ready} ready", service.key.name)}
                        </text>
                    </g>
                }
            }) }
            { for layout.deployments.iter().map(|deployment| html! {
                <g key={deployment.key.name.clone()} class={classes!("deployment", is(&deployment.key).then_some("selected"))}
                   data-deployment={deployment.key.name.clone()} data-select={select_id(&deployment.key)}>
                    <rect class="box" x={margin.to_string()} y={deployment.y.to_string()} rx="8"
                          width={inner.to_string()} height={deployment.height.to_string()} />
                    <g class="header" tabindex="0" role="button" aria-pressed={is(&deployment.key).to_string()}>
                        <text class="title" x={(margin + 10).to_string()} y={(deployment.y + 17).to_string()}>
                            {format!("Deployment {}", deployment.key.name)}
                        </text>
                        <text class="caption" x={(margin + 10).to_string()} y={(deployment.y + 33).to_string()}>
                            {deployment.caption.clone()}
                        </text>
                    </g>
                    { for deployment.replica_sets.iter().map(|rs| html! {
                        <g key={rs.key.name.clone()} class={classes!("replica-set", is(&rs.key).then_some("selected"))}
                           data-replica-set={rs.key.name.clone()} data-revision={rs.revision.clone()}
                           data-desired={rs.desired.to_string()} data-current={rs.current.to_string()}
                           data-ready={rs.ready.to_string()} data-select={select_id(&rs.key)}>
                            <rect class="band" x={(margin + 4).to_string()} y={rs.band.y.to_string()} rx="5"
                                  width={(inner - 8).to_string()} height={rs.band.height.to_string()} />
                            <text class="rs-title" x={(margin + 10).to_string()} y={(rs.band.y + REPLICA_SET_HEADER - 7).to_string()}
                                  tabindex="0" role="button" aria-pressed={is(&rs.key).to_string()}>
                                {rs.caption()}
                            </text>
                            { pod_marks(&rs.band) }
                        </g>
                    }) }
                </g>
            }) }
            { for layout.others.iter().map(|band| html! {
                <g class="other-pods">
                    <text class="rs-title" x={(margin + 10).to_string()} y={(band.y + REPLICA_SET_HEADER - 7).to_string()}>
                        {"Pods without a Deployment"}
                    </text>
                    { pod_marks(band) }
                </g>
            }) }
        </>
    }
}

#[function_component]
pub fn Actual(props: &ActualProps) -> Html {
    let layout = {
        let view = props.view.clone();
        use_memo(view, |view| layout(view))
    };
    let onclick = {
        let on_select = props.on_select.clone();
        Callback::from(move |event: MouseEvent| on_select.emit(selected_by(&event)))
    };
    let onkeydown = {
        let on_select = props.on_select.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() != "Enter" {
                return;
            }
            if let Some(key) = selected_by(&event) {
                event.prevent_default();
                on_select.emit(Some(key));
            }
        })
    };
    let empty = props.view.deployments.is_empty() && props.view.pods().next().is_none();
    html! {
        <div class="actual">
            <svg class={classes!("actual-diagram", layout.scale.compact.then_some("compact"))} viewBox={format!("0 0 {} {}", layout.width, layout.height)}
                 width={layout.width.to_string()} height={layout.height.to_string()}
                 role="group" aria-label="Actual state: Services, Deployments, ReplicaSets and pods by node (Enter or click selects)"
                 {onclick} {onkeydown}>
                if empty {
                    <text class="empty" x="12" y={(layout.height - 6).to_string()}>{"No pods yet: Apply to create some."}</text>
                }
                { render(&layout, props.selected.as_ref()) }
            </svg>
            <Legend />
        </div>
    }
}

/// Each state's shape, glyph and words: the key to the colours.
#[function_component]
fn Legend() -> Html {
    html! {
        <ul class="legend" aria-label="Pod states">
            { for PodState::ALL.iter().map(|&state| html! {
                <li>
                    <svg class={classes!("pod", state.class())} viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                        { shape(state, 12, 12, 8) }
                    </svg>
                    {state.label()}
                </li>
            }) }
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_ids_round_trip() {
        for key in [
            Key::new("Pod", "default", "demo-api-5d8f7c9b4d-x2x7q"),
            Key::new("ReplicaSet", "default", "demo-api-5d8f7c9b4d"),
            Key::new("Deployment", "team-a", "demo-api"),
            Key::new("Service", "default", "demo-api"),
        ] {
            assert_eq!(parse_select_id(&select_id(&key)), Some(key));
        }
        assert_eq!(parse_select_id("Secret/default/x"), None);
        assert_eq!(parse_select_id("Pod/default/"), None);
        assert_eq!(parse_select_id("nonsense"), None);
    }

    #[test]
    fn the_hover_text_says_everything_the_shape_shows() {
        let mut pod = PodView {
            key: Key::new("Pod", "default", "web-1"),
            status: "OOMKilled".into(),
            ready: false,
            restarts: 3,
            node: Some("node-2".into()),
            memory: 300 * 1024 * 1024,
            memory_limit: Some(256 * 1024 * 1024),
        };
        assert_eq!(
            pod_details(&pod),
            "Pod web-1\nStatus: OOMKilled\nReady: no\nRestarts: 3\nNode: node-2\nMemory: 300Mi of 256Mi limit"
        );
        assert_eq!(memory_fill(&pod), Some(1.0));
        pod.memory = 64 * 1024 * 1024;
        assert_eq!(memory_fill(&pod), Some(0.25));
        pod.memory_limit = None;
        pod.node = None;
        assert!(pod_details(&pod).ends_with("Node: <none>\nMemory: 64Mi (no limit)"));
        assert_eq!(memory_fill(&pod), None);
    }
}
