//! The actual state's geometry, as pure functions (natively tested): where
//! each Service, Deployment, ReplicaSet and pod of a [`ClusterView`] goes.
//!
//! The picture is a grid: one column per node (plus one for pods not yet
//! scheduled), Services along the top, then each Deployment with its
//! ReplicaSets, newest first, one band each. A pod sits in its ReplicaSet's
//! band, in its node's column, so a glance tells both what owns it and where
//! it runs; a 1,000-pod Deployment stays a few hundred units tall because
//! shapes shrink to dots when there are many.

use crate::cluster::{ClusterView, PodView};
use kubeloop_engine::world::store::Key;

/// The narrowest the picture gets, in SVG units (it scales to its box).
pub const WIDTH: u32 = 480;
const MARGIN: u32 = 12;
pub const SERVICE_HEIGHT: u32 = 26;
const SERVICE_GAP: u32 = 8;
/// Room under the Services for the lines to fan out, and the node labels.
const NODE_HEADER: u32 = 40;
const DEPLOYMENT_HEADER: u32 = 40;
pub const REPLICA_SET_HEADER: u32 = 22;
const GAP: u32 = 10;
/// More pods than this and every pod becomes a small shape without glyph.
pub const COMPACT_ABOVE: usize = 60;

/// How big a pod is drawn: its cell (`pitch`) and the shape's radius.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    pub pitch: u32,
    pub radius: u32,
    pub compact: bool,
}

pub const NORMAL: Scale = Scale { pitch: 32, radius: 10, compact: false };
pub const COMPACT: Scale = Scale { pitch: 14, radius: 5, compact: true };

#[derive(Clone, Debug, PartialEq)]
pub struct ActualLayout {
    pub width: u32,
    pub height: u32,
    pub scale: Scale,
    pub columns: Vec<Column>,
    pub services: Vec<ServiceSpot>,
    pub deployments: Vec<DeploymentSpot>,
    /// Pods no shown Deployment owns.
    pub others: Option<Band>,
}

/// A node's column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// `None`: pods not yet scheduled.
    pub node: Option<String>,
    pub x: u32,
    pub width: u32,
}

impl Column {
    pub fn label(&self) -> &str {
        self.node.as_deref().unwrap_or("not scheduled")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceSpot {
    pub key: Key,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    /// The centres of the pods of its ready endpoints.
    pub endpoints: Vec<(u32, u32)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentSpot {
    pub key: Key,
    pub caption: String,
    pub y: u32,
    pub height: u32,
    pub replica_sets: Vec<ReplicaSetSpot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaSetSpot {
    pub key: Key,
    pub revision: String,
    pub desired: i32,
    pub current: i32,
    pub ready: i32,
    pub band: Band,
}

impl ReplicaSetSpot {
    /// `demo-api-5d8f7c9b4d  revision 2  desired 3 / current 3 / ready 2`.
    pub fn caption(&self) -> String {
        format!(
            "ReplicaSet {}  rev {}  desired {} / current {} / ready {}",
            self.key.name, self.revision, self.desired, self.current, self.ready
        )
    }
}

/// A horizontal band of pods, each in its node's column.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// The band's top (its header's) and its whole height.
    pub y: u32,
    pub height: u32,
    pub pods: Vec<PodSpot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodSpot {
    pub pod: PodView,
    /// The shape's centre.
    pub x: u32,
    pub y: u32,
}

/// The columns: every node of the cluster, any node a pod names that the
/// cluster no longer lists, then pods without a node, if there are any.
fn columns(view: &ClusterView, scale: Scale, inner: u32) -> Vec<Column> {
    let mut nodes: Vec<Option<String>> = view.nodes.iter().cloned().map(Some).collect();
    let mut unscheduled = false;
    for pod in view.pods() {
        match &pod.node {
            Some(node) if !nodes.iter().any(|n| n.as_deref() == Some(node)) => nodes.push(Some(node.clone())),
            Some(_) => {}
            None => unscheduled = true,
        }
    }
    if unscheduled || nodes.is_empty() {
        nodes.push(None);
    }
    let count = nodes.len() as u32;
    let width = (inner / count).max(scale.pitch);
    nodes.into_iter().enumerate().map(|(i, node)| Column { node, x: MARGIN + i as u32 * width, width }).collect()
}

/// Places `pods` in their columns from `top`; returns the spots and the
/// rows the fullest column needs.
fn place(pods: &[PodView], columns: &[Column], scale: Scale, top: u32) -> (Vec<PodSpot>, u32) {
    let mut filled = vec![0u32; columns.len()];
    let mut spots = Vec::with_capacity(pods.len());
    for pod in pods {
        let column = columns.iter().position(|c| c.node == pod.node).unwrap_or(columns.len() - 1);
        let Column { x, width, .. } = columns[column];
        let per_row = (width / scale.pitch).max(1);
        let i = filled[column];
        filled[column] += 1;
        spots.push(PodSpot {
            pod: pod.clone(),
            x: x + (width - per_row * scale.pitch) / 2 + (i % per_row) * scale.pitch + scale.pitch / 2,
            y: top + (i / per_row) * scale.pitch + scale.pitch / 2,
        });
    }
    let rows = columns
        .iter()
        .zip(&filled)
        .map(|(column, &n)| n.div_ceil((column.width / scale.pitch).max(1)))
        .max()
        .unwrap_or(0);
    (spots, rows)
}

fn band(pods: &[PodView], columns: &[Column], scale: Scale, y: u32) -> Band {
    let (pods, rows) = place(pods, columns, scale, y + REPLICA_SET_HEADER);
    Band { y, height: REPLICA_SET_HEADER + rows * scale.pitch + if rows > 0 { 4 } else { 0 }, pods }
}

pub fn layout(view: &ClusterView) -> ActualLayout {
    let total = view.pods().count();
    let mut scale = if total > COMPACT_ABOVE { COMPACT } else { NORMAL };
    let nodes = view.nodes.len().max(1) as u32 + 1;
    if nodes * scale.pitch > WIDTH - 2 * MARGIN {
        scale = COMPACT;
    }
    let columns = columns(view, scale, WIDTH - 2 * MARGIN);
    let width = (columns.iter().map(|c| c.x + c.width).max().unwrap_or(0) + MARGIN).max(WIDTH);
    let mut y = MARGIN;
    let service_row = !view.services.is_empty();
    if service_row {
        y += SERVICE_HEIGHT;
    }
    y += NODE_HEADER;
    let mut deployments = Vec::new();
    for deployment in &view.deployments {
        let top = y;
        y += DEPLOYMENT_HEADER;
        let mut replica_sets = Vec::new();
        for rs in &deployment.replica_sets {
            let band = band(&rs.pods, &columns, scale, y);
            y += band.height + 4;
            replica_sets.push(ReplicaSetSpot {
                key: rs.key.clone(),
                revision: rs.revision.clone(),
                desired: rs.desired,
                current: rs.current,
                ready: rs.ready,
                band,
            });
        }
        let noun = if deployment.replicas == 1 { "replica" } else { "replicas" };
        deployments.push(DeploymentSpot {
            key: deployment.key.clone(),
            caption: format!("{} {noun} of {}, {}", deployment.replicas, deployment.image, deployment.strategy),
            y: top,
            height: y - top + 4,
            replica_sets,
        });
        y += 4 + GAP;
    }
    let others = (!view.other_pods.is_empty()).then(|| {
        let band = band(&view.other_pods, &columns, scale, y);
        y += band.height + GAP;
        band
    });
    let centres: std::collections::HashMap<&str, (u32, u32)> = deployments
        .iter()
        .flat_map(|d| d.replica_sets.iter().flat_map(|rs| rs.band.pods.iter()))
        .chain(others.iter().flat_map(|band| band.pods.iter()))
        .map(|spot| (spot.pod.key.name.as_str(), (spot.x, spot.y)))
        .collect();
    let count = view.services.len().max(1) as u32;
    let service_width = (width - 2 * MARGIN) / count;
    let services = view
        .services
        .iter()
        .enumerate()
        .map(|(i, service)| ServiceSpot {
            key: service.key.clone(),
            x: MARGIN + i as u32 * service_width,
            y: MARGIN,
            width: service_width - SERVICE_GAP,
            endpoints: service.endpoints.iter().filter_map(|name| centres.get(name.as_str()).copied()).collect(),
        })
        .collect();
    ActualLayout { width, height: y.max(MARGIN * 2 + NODE_HEADER), scale, columns, services, deployments, others }
}

impl ActualLayout {
    /// Every pod drawn, in order.
    pub fn pods(&self) -> impl Iterator<Item = &PodSpot> {
        self.deployments
            .iter()
            .flat_map(|d| d.replica_sets.iter().flat_map(|rs| rs.band.pods.iter()))
            .chain(self.others.iter().flat_map(|band| band.pods.iter()))
    }

    /// Where the node labels sit (below the Services).
    pub fn node_label_y(&self) -> u32 {
        MARGIN + if self.services.is_empty() { 0 } else { SERVICE_HEIGHT } + NODE_HEADER - 8
    }

    pub fn margin(&self) -> u32 {
        MARGIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{DeploymentView, ReplicaSetView, ServiceView};
    use crate::playground::Playground;

    fn pod(name: &str, node: Option<&str>) -> PodView {
        PodView {
            key: Key::new("Pod", "default", name),
            status: "Running".into(),
            ready: true,
            restarts: 0,
            node: node.map(str::to_string),
            memory: 0,
            memory_limit: None,
        }
    }

    /// A Deployment of two ReplicaSets with `pods` pods spread over three
    /// nodes, a few not yet scheduled, and a Service to all of them.
    fn synthetic(pods: usize, nodes: usize) -> ClusterView {
        let node_names: Vec<String> = (1..=nodes).map(|n| format!("node-{n}")).collect();
        let make = |rs: &str, range: std::ops::Range<usize>| ReplicaSetView {
            key: Key::new("ReplicaSet", "default", rs),
            revision: "1".into(),
            desired: range.len() as i32,
            current: range.len() as i32,
            ready: range.len() as i32,
            pods: range
                .map(|i| pod(&format!("{rs}-{i}"), if i % 17 == 0 { None } else { Some(&node_names[i % nodes]) }))
                .collect(),
        };
        let new = make("web-new", 0..pods / 3);
        let old = make("web-old", pods / 3..pods);
        let endpoints = new.pods.iter().chain(&old.pods).map(|p| p.key.name.clone()).collect();
        ClusterView {
            deployments: vec![DeploymentView {
                key: Key::new("Deployment", "default", "web"),
                replicas: pods as i32,
                image: "web:1".into(),
                strategy: "RollingUpdate".into(),
                replica_sets: vec![new, old],
            }],
            other_pods: vec![pod("loner", Some("node-1"))],
            services: vec![ServiceView { key: Key::new("Service", "default", "web"), endpoints }],
            nodes: node_names,
        }
    }

    fn check(view: &ClusterView) -> ActualLayout {
        let layout = layout(view);
        let r = layout.scale.radius;
        // One shape per pod, in its node's column and its band.
        assert_eq!(layout.pods().count(), view.pods().count());
        let bands = layout
            .deployments
            .iter()
            .flat_map(|d| d.replica_sets.iter().map(|rs| &rs.band))
            .chain(layout.others.iter());
        for band in bands {
            for spot in &band.pods {
                let column = layout.columns.iter().find(|c| c.node == spot.pod.node).expect("a column");
                assert!(spot.x >= column.x + r && spot.x + r <= column.x + column.width, "{spot:?} {column:?}");
                assert!(spot.y >= band.y + REPLICA_SET_HEADER + r, "{spot:?}");
                assert!(spot.y + r + 4 <= band.y + band.height, "{spot:?}");
                assert!(spot.x + r <= layout.width && spot.y + r <= layout.height);
            }
        }
        // No two shapes overlap (memory bars included: a pitch apart).
        let mut spots: Vec<(u32, u32)> = layout.pods().map(|s| (s.x, s.y)).collect();
        spots.sort_unstable();
        let before = spots.len();
        spots.dedup();
        assert_eq!(spots.len(), before, "two pods in one place");
        for (i, a) in spots.iter().enumerate() {
            for b in &spots[i + 1..] {
                if b.0 >= a.0 + layout.scale.pitch {
                    break;
                }
                assert!(a.1.abs_diff(b.1) >= layout.scale.pitch || b.0 - a.0 >= layout.scale.pitch, "{a:?} {b:?}");
            }
        }
        // Bands and Deployments do not overlap and stack downwards.
        let mut bottom = 0;
        for deployment in &layout.deployments {
            assert!(deployment.y >= bottom);
            for rs in &deployment.replica_sets {
                assert!(rs.band.y >= bottom.max(deployment.y));
                bottom = rs.band.y + rs.band.height;
            }
            assert!(deployment.y + deployment.height >= bottom);
            bottom = deployment.y + deployment.height;
        }
        layout
    }

    #[test]
    fn ten_pods_get_full_shapes_and_a_thousand_get_dots() {
        let small = check(&synthetic(10, 3));
        assert_eq!(small.scale, NORMAL);
        assert_eq!(small.width, WIDTH);
        let large = check(&synthetic(1000, 3));
        assert_eq!(large.scale, COMPACT);
        assert_eq!(large.width, WIDTH);
        // Readable: a thousand pods over three nodes stay under 1,000 units.
        assert!(large.height < 1000, "{}", large.height);
        assert_eq!(large.columns.len(), 4, "three nodes and the unscheduled");
        assert_eq!(large.columns[3].label(), "not scheduled");
    }

    #[test]
    fn many_nodes_widen_the_picture_rather_than_overlap() {
        let layout = check(&synthetic(100, 50));
        assert!(layout.width > WIDTH);
        assert!(layout.columns.iter().all(|c| c.width >= layout.scale.pitch));
    }

    #[test]
    fn services_point_at_their_ready_endpoints() {
        let view = synthetic(12, 3);
        let layout = check(&view);
        let [service] = &layout.services[..] else { panic!() };
        assert_eq!(service.endpoints.len(), 12);
        let centres: Vec<(u32, u32)> = layout.pods().map(|spot| (spot.x, spot.y)).collect();
        assert!(service.endpoints.iter().all(|end| centres.contains(end)));
    }

    #[test]
    fn the_demo_mid_rollout_has_both_replica_sets() {
        let mut playground = Playground::running(kubeloop_engine::DEMO_MANIFESTS);
        playground.apply(&kubeloop_engine::DEMO_MANIFESTS.replace("1.0.0", "1.0.1"));
        playground.step();
        let view = ClusterView::of(playground.world());
        let layout = check(&view);
        let [deployment] = &layout.deployments[..] else { panic!("{layout:?}") };
        assert_eq!(deployment.replica_sets.len(), 2);
        assert!(deployment.replica_sets[0].caption().contains("rev 2"), "{}", deployment.replica_sets[0].caption());
        assert_eq!(layout.services.len(), 1);
    }
}
