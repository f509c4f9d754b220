//! The cluster diagram: a pure function from what the engine read to SVG.
//!
//! [`layout`] does the geometry (natively tested); [`Diagram`] only turns the
//! layout into SVG elements. Pod shapes carry `data-pod` so tests can read them.

use kubeloop_engine::Manifests;
use yew::prelude::*;

/// Narrow: the desired state sits beside the actual one.
pub const WIDTH: u32 = 220;
const MARGIN: u32 = 8;
const POD_RADIUS: u32 = 5;
const POD_PITCH: u32 = 14;
const PODS_PER_ROW: u32 = (WIDTH - 2 * MARGIN - 8) / POD_PITCH;
/// Beyond this many replicas, the rest is a number (`+940 more`).
pub const MAX_DOTS: u32 = 60;
/// Title, then replicas, image and strategy, a line each.
const HEADER_HEIGHT: u32 = 70;
const SERVICE_HEIGHT: u32 = 44;
const GAP: u32 = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiagramLayout {
    pub height: u32,
    pub deployments: Vec<DeploymentBox>,
    pub services: Vec<ServiceBox>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentBox {
    pub name: String,
    /// `replicas: 2`, `image: ...`, `strategy: RollingUpdate`.
    pub lines: [String; 3],
    /// Replicas beyond [`MAX_DOTS`], drawn as a number.
    pub more: u32,
    pub y: u32,
    pub height: u32,
    pub pods: Vec<PodShape>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodShape {
    /// Stable name for tests and tooltips: `<deployment>-<n>`, n from 1.
    pub name: String,
    pub cx: u32,
    pub cy: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceBox {
    pub name: String,
    /// `selector: app=demo-api`.
    pub selector: String,
    pub y: u32,
}

/// One box per Deployment with its spec and one dot per desired replica (up
/// to [`MAX_DOTS`]), then one pill per Service, stacked top to bottom.
pub fn layout(manifests: &Manifests) -> DiagramLayout {
    let mut y = MARGIN;
    let mut deployments = Vec::new();
    for deployment in manifests.deployments() {
        let name = deployment.metadata.name();
        let replicas = deployment.spec.replicas.unwrap_or(1).max(0) as u32;
        let dots = replicas.min(MAX_DOTS);
        let more = replicas - dots;
        let rows = dots.div_ceil(PODS_PER_ROW) + u32::from(more > 0);
        let height = HEADER_HEIGHT + rows * POD_PITCH + GAP / 2;
        let pods = (0..dots)
            .map(|i| PodShape {
                name: format!("{name}-{}", i + 1),
                cx: MARGIN + 4 + POD_PITCH / 2 + (i % PODS_PER_ROW) * POD_PITCH,
                cy: y + HEADER_HEIGHT + POD_PITCH / 2 + (i / PODS_PER_ROW) * POD_PITCH,
            })
            .collect();
        let spec = &deployment.spec;
        let image = spec.template.spec.containers.iter().find_map(|c| c.image.as_deref());
        let strategy = spec.strategy.strategy_type.as_deref().unwrap_or("RollingUpdate");
        deployments.push(DeploymentBox {
            name: name.to_string(),
            lines: [
                format!("replicas: {replicas}"),
                format!("image: {}", image.unwrap_or("<none>")),
                format!("strategy: {strategy}"),
            ],
            more,
            y,
            height,
            pods,
        });
        y += height + GAP;
    }
    let mut services = Vec::new();
    for service in manifests.services() {
        let selector: Vec<String> = service.spec.selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let selector = if selector.is_empty() { "<none>".to_string() } else { selector.join(",") };
        services.push(ServiceBox {
            name: service.metadata.name().to_string(),
            selector: format!("selector: {selector}"),
            y,
        });
        y += SERVICE_HEIGHT + GAP;
    }
    DiagramLayout { height: y.max(2 * MARGIN + SERVICE_HEIGHT), deployments, services }
}

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub layout: DiagramLayout,
}

#[function_component]
pub fn Diagram(props: &DiagramProps) -> Html {
    let layout = &props.layout;
    let inner_width = (WIDTH - 2 * MARGIN).to_string();
    let empty = layout.deployments.is_empty() && layout.services.is_empty();
    html! {
        <svg class="diagram desired-diagram" role="img"
             aria-label="Desired state: each Deployment's spec, one dot per desired replica, and the Services"
             viewBox={format!("0 0 {WIDTH} {}", layout.height)} width={WIDTH.to_string()}
             height={layout.height.to_string()}>
            if empty {
                <text class="empty" x={MARGIN.to_string()} y={(MARGIN + 16).to_string()}>
                    {"Nothing to run in the editor yet."}
                </text>
            }
            { for layout.deployments.iter().map(|d| html! {
                <g class="deployment" data-deployment={d.name.clone()}>
                    <rect x={MARGIN.to_string()} y={d.y.to_string()} rx="8" width={inner_width.clone()}
                          height={d.height.to_string()} />
                    <text class="title" x={(MARGIN + 8).to_string()} y={(d.y + 17).to_string()}>
                        {format!("Deployment {}", d.name)}
                    </text>
                    { for d.lines.iter().enumerate().map(|(i, line)| html! {
                        <text class="caption" x={(MARGIN + 8).to_string()} y={(d.y + 34 + 14 * i as u32).to_string()}>
                            <title>{line.clone()}</title>{line.clone()}
                        </text>
                    }) }
                    { for d.pods.iter().map(|p| html! {
                        <circle class="replica" data-replica={p.name.clone()} cx={p.cx.to_string()}
                                cy={p.cy.to_string()} r={POD_RADIUS.to_string()}>
                            <title>{p.name.clone()}</title>
                        </circle>
                    }) }
                    if d.more > 0 {
                        <text class="caption" x={(MARGIN + 8).to_string()}
                              y={(d.y + d.height - GAP / 2 - 4).to_string()}>{format!("+{} more", d.more)}</text>
                    }
                </g>
            }) }
            { for layout.services.iter().map(|s| html! {
                <g class="service" data-service={s.name.clone()}>
                    <rect x={MARGIN.to_string()} y={s.y.to_string()} rx="12" width={inner_width.clone()}
                          height={SERVICE_HEIGHT.to_string()} />
                    <text class="title" x={(MARGIN + 10).to_string()} y={(s.y + 18).to_string()}>
                        {format!("Service {}", s.name)}
                    </text>
                    <text class="caption" x={(MARGIN + 10).to_string()} y={(s.y + 34).to_string()}>{s.selector.clone()}</text>
                </g>
            }) }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::parse_manifests;

    #[test]
    fn one_dot_per_desired_replica_up_to_the_cap() {
        for replicas in [0, 1, 2, 5, PODS_PER_ROW + 1, MAX_DOTS, 1000] {
            let text = kubeloop_engine::DEMO_MANIFESTS.replace("replicas: 2", &format!("replicas: {replicas}"));
            let layout = layout(&parse_manifests(&text));
            let deployment = &layout.deployments[0];
            assert_eq!(deployment.pods.len() as u32, replicas.min(MAX_DOTS));
            assert_eq!(deployment.more, replicas.saturating_sub(MAX_DOTS));
            assert_eq!(deployment.lines[0], format!("replicas: {replicas}"));
            assert_eq!(layout.services.len(), 1);
        }
    }

    #[test]
    fn dots_wrap_into_rows_inside_their_box_and_boxes_do_not_overlap() {
        let text = kubeloop_engine::DEMO_MANIFESTS.replace("replicas: 2", "replicas: 100");
        let layout = layout(&parse_manifests(&text));
        let deployment = &layout.deployments[0];
        for pod in &deployment.pods {
            assert!(pod.cx + POD_RADIUS <= WIDTH - MARGIN, "{pod:?}");
            assert!(pod.cy - POD_RADIUS >= deployment.y + HEADER_HEIGHT, "{pod:?}");
            // The last row is left for `+40 more`.
            assert!(pod.cy + POD_RADIUS + POD_PITCH <= deployment.y + deployment.height, "{pod:?}");
        }
        assert!(layout.services[0].y >= deployment.y + deployment.height);
        assert!(layout.height >= layout.services[0].y + SERVICE_HEIGHT);
        assert_eq!(deployment.pods[0].name, "demo-api-1");
        assert_eq!(
            deployment.lines,
            ["replicas: 100", "image: myrepo/demo-api:1.0.0", "strategy: RollingUpdate"].map(String::from)
        );
        assert_eq!(layout.services[0].selector, "selector: app=demo-api");
    }
}
