//! What the diagram shows of a world, as plain data (natively tested):
//! Deployments with their ReplicaSets and pods, and pods no ReplicaSet
//! owns. A pod's status is the STATUS column `kubectl get pods` prints
//! (the kubectl crate's own printPod), so the diagram and the terminal
//! always agree.

use kubeloop_engine::api::Object;
use kubeloop_engine::api::apps::{Deployment, ReplicaSet};
use kubeloop_engine::api::core::Pod;
use kubeloop_engine::world::World;
use kubeloop_engine::world::store::Key;
use kubeloop_engine::world::traffic::pod_usage;
use kubeloop_kubectl::printers::pods::summarize;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterView {
    pub now_ms: u64,
    pub deployments: Vec<DeploymentView>,
    /// Pods no ReplicaSet of a shown Deployment owns.
    pub other_pods: Vec<PodView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentView {
    pub key: Key,
    /// The spec: replicas, the first container's image, the strategy.
    pub replicas: i32,
    pub image: String,
    pub strategy: String,
    /// Newest revision first.
    pub replica_sets: Vec<ReplicaSetView>,
}

#[derive(Clone, Debug, PartialEq)]
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

#[derive(Clone, Debug, PartialEq)]
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
        let mut view = ClusterView { now_ms: world.now_ms(), ..ClusterView::default() };
        let mut shown_replica_sets = Vec::new();
        for object in store.list("Deployment", None) {
            let Object::Deployment(deployment) = object else { continue };
            let mut replica_sets: Vec<ReplicaSetView> = store
                .owned_by(deployment.metadata.uid.as_deref().unwrap_or(""))
                .filter_map(|object| match object {
                    Object::ReplicaSet(replica_set) => Some(replica_set_view(world, replica_set)),
                    _ => None,
                })
                .collect();
            replica_sets.sort_by_key(|rs| std::cmp::Reverse(rs.revision.parse::<i64>().unwrap_or(0)));
            shown_replica_sets.extend(replica_sets.iter().map(|rs| rs.key.clone()));
            view.deployments.push(deployment_view(deployment, replica_sets));
        }
        for object in store.list("Pod", None) {
            let Object::Pod(pod) = object else { continue };
            let owned = pod.metadata.controller().is_some_and(|owner| {
                owner.kind == "ReplicaSet"
                    && shown_replica_sets.contains(&Key::new("ReplicaSet", pod.metadata.namespace(), &owner.name))
            });
            if !owned {
                view.other_pods.push(pod_view(world, pod));
            }
        }
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
    pods.sort_by(|a, b| a.key.name.cmp(&b.key.name));
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
        let mut playground = Playground::default();
        playground.apply(kubeloop_engine::DEMO_MANIFESTS);
        playground.settle_rollouts();
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
