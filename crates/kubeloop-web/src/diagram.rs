//! The cluster diagram: a pure function from what the engine read to SVG.
//!
//! [`layout`] does the geometry (natively tested); [`Diagram`] only turns the
//! layout into SVG elements. Pod shapes carry `data-pod` so tests can read them.

use kubeloop_engine::Manifests;
use yew::prelude::*;

pub const WIDTH: u32 = 480;
const MARGIN: u32 = 16;
const POD_RADIUS: u32 = 12;
const POD_PITCH: u32 = 32;
const PODS_PER_ROW: u32 = (WIDTH - 2 * MARGIN) / POD_PITCH;
const HEADER_HEIGHT: u32 = 44;
const SERVICE_HEIGHT: u32 = 36;
const GAP: u32 = 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiagramLayout {
    pub height: u32,
    pub deployments: Vec<DeploymentBox>,
    pub services: Vec<ServiceBox>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentBox {
    pub name: String,
    pub caption: String,
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
    pub y: u32,
}

/// One box per Deployment holding one circle per desired replica, then one
/// pill per Service, stacked top to bottom.
pub fn layout(manifests: &Manifests) -> DiagramLayout {
    let mut y = MARGIN;
    let mut deployments = Vec::new();
    for deployment in manifests.deployments() {
        let name = deployment.metadata.name();
        let replicas = deployment.spec.replicas.unwrap_or(1).max(0) as u32;
        let rows = replicas.div_ceil(PODS_PER_ROW).max(1);
        let height = HEADER_HEIGHT + rows * POD_PITCH + GAP / 2;
        let pods = (0..replicas)
            .map(|i| PodShape {
                name: format!("{name}-{}", i + 1),
                cx: MARGIN + POD_PITCH / 2 + (i % PODS_PER_ROW) * POD_PITCH,
                cy: y + HEADER_HEIGHT + POD_PITCH / 2 + (i / PODS_PER_ROW) * POD_PITCH,
            })
            .collect();
        let image = deployment.spec.template.spec.containers.iter().find_map(|c| c.image.as_deref());
        let noun = if replicas == 1 { "replica" } else { "replicas" };
        deployments.push(DeploymentBox {
            name: name.to_string(),
            caption: format!("{replicas} {noun} of {}", image.unwrap_or("no image")),
            y,
            height,
            pods,
        });
        y += height + GAP;
    }
    let mut services = Vec::new();
    for service in manifests.services() {
        services.push(ServiceBox { name: service.metadata.name().to_string(), y });
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
        <svg class="diagram" role="img" aria-label="Desired state: one circle per desired pod"
             viewBox={format!("0 0 {WIDTH} {}", layout.height)} width={WIDTH.to_string()}
             height={layout.height.to_string()}>
            if empty {
                <text class="empty" x={MARGIN.to_string()} y={(MARGIN + 20).to_string()}>
                    {"No Deployment or Service in the editor yet."}
                </text>
            }
            { for layout.deployments.iter().map(|d| html! {
                <g class="deployment" data-deployment={d.name.clone()}>
                    <rect x={MARGIN.to_string()} y={d.y.to_string()} rx="8" width={inner_width.clone()}
                          height={d.height.to_string()} />
                    <text class="title" x={(MARGIN + 12).to_string()} y={(d.y + 18).to_string()}>
                        {format!("Deployment {}", d.name)}
                    </text>
                    <text class="caption" x={(MARGIN + 12).to_string()} y={(d.y + 34).to_string()}>
                        {d.caption.clone()}
                    </text>
                    { for d.pods.iter().map(|p| html! {
                        <circle class="replica" data-replica={p.name.clone()} cx={p.cx.to_string()}
                                cy={p.cy.to_string()} r={POD_RADIUS.to_string()}>
                            <title>{p.name.clone()}</title>
                        </circle>
                    }) }
                </g>
            }) }
            { for layout.services.iter().map(|s| html! {
                <g class="service" data-service={s.name.clone()}>
                    <rect x={MARGIN.to_string()} y={s.y.to_string()} rx="18" width={inner_width.clone()}
                          height={SERVICE_HEIGHT.to_string()} />
                    <text class="title" x={(MARGIN + 16).to_string()} y={(s.y + 23).to_string()}>
                        {format!("Service {}", s.name)}
                    </text>
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
    fn one_pod_shape_per_desired_replica() {
        for replicas in [0, 1, 2, 5, PODS_PER_ROW + 1, 1000] {
            let text = kubeloop_engine::DEMO_MANIFESTS.replace("replicas: 2", &format!("replicas: {replicas}"));
            let layout = layout(&parse_manifests(&text));
            assert_eq!(layout.deployments[0].pods.len() as u32, replicas);
            assert_eq!(layout.services.len(), 1);
        }
    }

    #[test]
    fn pods_wrap_into_rows_inside_their_box_and_boxes_do_not_overlap() {
        let text = kubeloop_engine::DEMO_MANIFESTS.replace("replicas: 2", "replicas: 30");
        let layout = layout(&parse_manifests(&text));
        let deployment = &layout.deployments[0];
        for pod in &deployment.pods {
            assert!(pod.cx + POD_RADIUS <= WIDTH - MARGIN, "{pod:?}");
            assert!(pod.cy + POD_RADIUS <= deployment.y + deployment.height, "{pod:?}");
        }
        assert!(layout.services[0].y >= deployment.y + deployment.height);
        assert!(layout.height >= layout.services[0].y + SERVICE_HEIGHT);
        assert_eq!(deployment.pods[0].name, "demo-api-1");
        assert_eq!(deployment.caption, "30 replicas of myrepo/demo-api:1.0.0");
    }
}
