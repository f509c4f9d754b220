//! What the diagram shows of a world, as plain data (natively tested):
//! Deployments with their ReplicaSets and pods, and pods no ReplicaSet
//! owns. A pod's status is the STATUS column `kubectl get pods` prints
//! (the kubectl crate's own printPod), so the diagram and the terminal
//! always agree.

use kubeloop_engine::api::Object;
use kubeloop_engine::api::apps::{Deployment, ReplicaSet};
use kubeloop_engine::api::core::{Pod, Service};
use kubeloop_engine::controller::endpointslice::{pod_to_endpoint, service_selects, should_pod_be_in_endpoints};
use kubeloop_engine::lean;
use kubeloop_engine::world::World;
use kubeloop_engine::world::store::Key;
use kubeloop_engine::world::traffic::pod_usage;
use kubeloop_kubectl::printers::pods::summarize;

// Eq as well: `Rc<ClusterView>` props then compare by pointer first, not
// pod by pod on every render.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterView {
    pub deployments: Vec<DeploymentView>,
    /// Pods no ReplicaSet of a shown Deployment owns.
    pub other_pods: Vec<PodView>,
    pub services: Vec<ServiceView>,
    /// The cluster's nodes, in the store's order.
    pub nodes: Vec<String>,
}

/// A Service and the pods it sends traffic to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceView {
    pub key: Key,
    /// The pods of its ready endpoints (what the EndpointSlice controller
    /// publishes with `ready: true`), in the store's order.
    pub endpoints: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentView {
    pub key: Key,
    /// The spec: replicas, the first container's image, the strategy.
    pub replicas: i32,
    pub image: String,
    pub strategy: String,
    /// Newest revision first.
    pub replica_sets: Vec<ReplicaSetView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaSetView {
    pub key: Key,
    pub revision: String,
    /// `spec.replicas`, `status.replicas`, `status.readyReplicas`: the
    /// DESIRED, CURRENT and READY of `kubectl get rs`.
    pub desired: i32,
    pub current: i32,
    pub ready: i32,
    pub pods: Vec<PodView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodView {
    pub key: Key,
    /// `kubectl get pods`' STATUS (`Running`, `ContainerCreating`,
    /// `CrashLoopBackOff`, `OOMKilled`, `Terminating`, ...).
    pub status: String,
    /// READY's containers: all ready.
    pub ready: bool,
    pub restarts: i64,
    pub node: Option<String>,
    /// The app's memory use now and the first container's limit (bytes).
    pub memory: i64,
    pub memory_limit: Option<i64>,
}

impl ClusterView {
    pub fn of(world: &World) -> ClusterView {
        let store = world.store();
        let mut view = ClusterView::default();
        // The uids of the ReplicaSets drawn under a Deployment (a few).
        let mut shown_replica_sets: Vec<&str> = Vec::new();
        for object in store.list("Deployment", None) {
            let Object::Deployment(deployment) = object else { continue };
            let mut replica_sets: Vec<ReplicaSetView> = store
                .owned_by(deployment.metadata.uid.as_deref().unwrap_or(""))
                .filter_map(|object| match object {
                    Object::ReplicaSet(replica_set) => Some(replica_set_view(world, replica_set)),
                    _ => None,
                })
                .collect();
            // (The engine's one non-generic sort: a std sort is a copy of
            // driftsort per call site in the bundle.)
            lean::sort_by_key(&mut replica_sets, |rs| std::cmp::Reverse(rs.revision.parse::<i64>().unwrap_or(0)));
            shown_replica_sets.extend(store.owned_by(deployment.metadata.uid.as_deref().unwrap_or("")).filter_map(
                |object| match object {
                    Object::ReplicaSet(replica_set) => replica_set.metadata.uid.as_deref(),
                    _ => None,
                },
            ));
            view.deployments.push(deployment_view(deployment, replica_sets));
        }
        for object in store.list("Pod", None) {
            let Object::Pod(pod) = object else { continue };
            let owned = pod
                .metadata
                .controller()
                .is_some_and(|owner| owner.kind == "ReplicaSet" && shown_replica_sets.contains(&owner.uid.as_str()));
            if !owned {
                view.other_pods.push(pod_view(world, pod));
            }
        }
        for object in store.list("Service", None) {
            let Object::Service(service) = object else { continue };
            view.services.push(service_view(world, service));
        }
        view.nodes = store.list("Node", None).map(|node| node.name().to_string()).collect();
        view
    }

    /// Every pod shown, in the order drawn.
    pub fn pods(&self) -> impl Iterator<Item = &PodView> {
        self.deployments
            .iter()
            .flat_map(|d| d.replica_sets.iter().flat_map(|rs| rs.pods.iter()))
            .chain(self.other_pods.iter())
    }
}

/// The ready endpoints the EndpointSlice controller computes for the
/// Service (the engine derives slices from the pods rather than storing
/// them; this is the same function kubectl's `describe service` uses).
fn service_view(world: &World, service: &Service) -> ServiceView {
    let endpoints = world
        .store()
        .list("Pod", None)
        .filter_map(|object| match object {
            Object::Pod(pod)
                if service_selects(service, pod)
                    && should_pod_be_in_endpoints(pod, true)
                    && pod_to_endpoint(pod, service).conditions.ready =>
            {
                Some(pod.metadata.name().to_string())
            }
            _ => None,
        })
        .collect();
    ServiceView { key: Key::new("Service", service.metadata.namespace(), service.metadata.name()), endpoints }
}

/// The diagram's classes of pod state: each gets its own shape, glyph,
/// colour and words, so colour is never the only cue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodState {
    Pending,
    /// `ContainerCreating`, `PodInitializing`, `Init:0/1`.
    Creating,
    /// Running, but its containers are not all ready.
    NotReady,
    Ready,
    Terminating,
    CrashLoop,
    OomKilled,
    /// `Error`, `ErrImagePull`, `ImagePullBackOff`, `Unknown`, ...
    Failed,
    /// `Completed`: ran to the end.
    Done,
}

impl PodState {
    pub const ALL: [PodState; 9] = [
        PodState::Pending,
        PodState::Creating,
        PodState::NotReady,
        PodState::Ready,
        PodState::Terminating,
        PodState::CrashLoop,
        PodState::OomKilled,
        PodState::Failed,
        PodState::Done,
    ];

    /// The class of a STATUS as `kubectl get pods` prints it.
    pub fn of(status: &str, ready: bool) -> PodState {
        match status {
            "Running" if ready => PodState::Ready,
            "Running" | "NotReady" => PodState::NotReady,
            "Pending" => PodState::Pending,
            "ContainerCreating" | "PodInitializing" => PodState::Creating,
            "Terminating" => PodState::Terminating,
            "CrashLoopBackOff" => PodState::CrashLoop,
            "OOMKilled" => PodState::OomKilled,
            "Completed" => PodState::Done,
            _ => match status.strip_prefix("Init:") {
                Some(init) if init.split('/').count() == 2 && init.split('/').all(|n| n.parse::<u32>().is_ok()) => {
                    PodState::Creating
                }
                Some("CrashLoopBackOff") => PodState::CrashLoop,
                Some("OOMKilled") => PodState::OomKilled,
                _ => PodState::Failed,
            },
        }
    }

    /// The CSS class of its shape.
    pub fn class(self) -> &'static str {
        match self {
            PodState::Pending => "pod-pending",
            PodState::Creating => "pod-creating",
            PodState::NotReady => "pod-not-ready",
            PodState::Ready => "pod-ready",
            PodState::Terminating => "pod-terminating",
            PodState::CrashLoop => "pod-crash",
            PodState::OomKilled => "pod-oom",
            PodState::Failed => "pod-failed",
            PodState::Done => "pod-done",
        }
    }

    /// The legend's words.
    pub fn label(self) -> &'static str {
        match self {
            PodState::Pending => "Pending",
            PodState::Creating => "ContainerCreating",
            PodState::NotReady => "Running, not ready",
            PodState::Ready => "Ready",
            PodState::Terminating => "Terminating",
            PodState::CrashLoop => "CrashLoopBackOff",
            PodState::OomKilled => "OOMKilled",
            PodState::Failed => "Failed (Error, ErrImagePull, ...)",
            PodState::Done => "Completed",
        }
    }

    /// The mark inside the shape.
    pub fn glyph(self) -> &'static str {
        match self {
            PodState::Pending => "…",
            PodState::Creating => "+",
            PodState::NotReady => "!",
            PodState::Ready => "✓",
            PodState::Terminating => "×",
            PodState::CrashLoop => "↻",
            PodState::OomKilled => "M",
            PodState::Failed => "✕",
            PodState::Done => "-",
        }
    }
}

impl PodView {
    pub fn state(&self) -> PodState {
        PodState::of(&self.status, self.ready)
    }
}

fn deployment_view(deployment: &Deployment, replica_sets: Vec<ReplicaSetView>) -> DeploymentView {
    let spec = &deployment.spec;
    let image = spec.template.spec.containers.first().and_then(|c| c.image.as_deref()).unwrap_or_default().to_string();
    let strategy = spec.strategy.strategy_type.clone().unwrap_or_else(|| "RollingUpdate".to_string());
    DeploymentView {
        key: Key::new("Deployment", deployment.metadata.namespace(), deployment.metadata.name()),
        replicas: spec.replicas.unwrap_or(1),
        image,
        strategy,
        replica_sets,
    }
}

fn replica_set_view(world: &World, replica_set: &ReplicaSet) -> ReplicaSetView {
    let store = world.store();
    let mut pods: Vec<PodView> = store
        .owned_by(replica_set.metadata.uid.as_deref().unwrap_or(""))
        .filter_map(|object| match object {
            Object::Pod(pod) => Some(pod_view(world, pod)),
            _ => None,
        })
        .collect();
    lean::sort_by(&mut pods, |a, b| a.key.name.cmp(&b.key.name));
    ReplicaSetView {
        key: Key::new("ReplicaSet", replica_set.metadata.namespace(), replica_set.metadata.name()),
        revision: replica_set
            .metadata
            .annotations
            .get("deployment.kubernetes.io/revision")
            .cloned()
            .unwrap_or_default(),
        desired: replica_set.spec.replicas.unwrap_or(1),
        current: replica_set.status.replicas,
        ready: replica_set.status.ready_replicas,
        pods,
    }
}

fn pod_view(world: &World, pod: &Pod) -> PodView {
    let summary = summarize(pod);
    let key = Key::of_pod(pod);
    let memory_limit = pod
        .spec
        .containers
        .first()
        .and_then(|container| container.resources.limits.get("memory"))
        .map(|quantity| quantity.value());
    PodView {
        memory: pod_usage(world, &key).1,
        key,
        ready: summary.total > 0 && summary.ready == summary.total,
        status: summary.status,
        restarts: summary.restarts,
        node: pod.spec.node_name.as_deref().map(str::to_string),
        memory_limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::Playground;

    #[test]
    fn the_running_demo_has_one_replica_set_of_two_ready_pods() {
        let playground = Playground::running(kubeloop_engine::DEMO_MANIFESTS);
        let view = ClusterView::of(playground.world());
        let [deployment] = &view.deployments[..] else { panic!("{view:?}") };
        assert_eq!((deployment.key.name.as_str(), deployment.replicas), ("demo-api", 2));
        assert_eq!(deployment.image, "myrepo/demo-api:1.0.0");
        let [rs] = &deployment.replica_sets[..] else { panic!("{deployment:?}") };
        assert_eq!((rs.revision.as_str(), rs.desired, rs.current, rs.ready), ("1", 2, 2, 2));
        assert!(rs.key.name.starts_with("demo-api-"));
        assert!(rs.pods.iter().all(|pod| pod.status == "Running" && pod.ready && pod.node.is_some()));
        assert!(view.other_pods.is_empty());
        assert_eq!(view.pods().count(), 2);
        assert_eq!(view.nodes, ["node-1", "node-2", "node-3"]);
        let [service] = &view.services[..] else { panic!("{view:?}") };
        let mut endpoints = service.endpoints.clone();
        endpoints.sort();
        let mut pods: Vec<String> = rs.pods.iter().map(|pod| pod.key.name.clone()).collect();
        pods.sort();
        assert_eq!((service.key.name.as_str(), endpoints), ("demo-api", pods));
    }

    #[test]
    fn pods_not_ready_are_no_endpoints() {
        let mut playground = Playground::default();
        playground.apply(kubeloop_engine::DEMO_MANIFESTS);
        let view = ClusterView::of(playground.world());
        assert!(view.pods().all(|pod| pod.state() != PodState::Ready), "{view:?}");
        assert_eq!(view.services[0].endpoints, Vec::<String>::new());
    }

    #[test]
    fn every_status_has_a_class() {
        let cases = [
            ("Pending", false, PodState::Pending),
            ("ContainerCreating", false, PodState::Creating),
            ("Init:0/1", false, PodState::Creating),
            ("Running", false, PodState::NotReady),
            ("NotReady", false, PodState::NotReady),
            ("Running", true, PodState::Ready),
            ("Terminating", true, PodState::Terminating),
            ("CrashLoopBackOff", false, PodState::CrashLoop),
            ("Init:CrashLoopBackOff", false, PodState::CrashLoop),
            ("OOMKilled", false, PodState::OomKilled),
            ("Error", false, PodState::Failed),
            ("ErrImagePull", false, PodState::Failed),
            ("ImagePullBackOff", false, PodState::Failed),
            ("Init:Error", false, PodState::Failed),
            ("Completed", false, PodState::Done),
        ];
        for (status, ready, state) in cases {
            assert_eq!(PodState::of(status, ready), state, "{status}");
        }
        let mut classes: Vec<&str> = PodState::ALL.iter().map(|state| state.class()).collect();
        classes.sort_unstable();
        classes.dedup();
        assert_eq!(classes.len(), PodState::ALL.len());
    }

    #[test]
    fn the_status_is_what_kubectl_get_pods_prints() {
        let mut playground = Playground::default();
        playground.apply(kubeloop_engine::DEMO_MANIFESTS);
        let view = ClusterView::of(playground.world());
        let printed = playground.command("get pods").output;
        for pod in view.pods() {
            let row = printed.lines().find(|line| line.starts_with(&pod.key.name)).unwrap_or_default();
            assert!(row.split_whitespace().nth(2) == Some(pod.status.as_str()), "{row} vs {}", pod.status);
        }
        assert_eq!(view.pods().count(), 2);
    }
}
