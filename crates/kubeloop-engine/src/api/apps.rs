//! `apps/v1`: Deployment and ReplicaSet.

use super::core::PodTemplateSpec;
use super::decode::{api_struct, status_struct};
use super::intstr::IntOrString;
use super::meta::{Condition, ObjectMeta, Opaque};
use super::selector::LabelSelector;

api_struct! {
    pub struct Deployment {
        metadata: ObjectMeta = "metadata",
        spec: DeploymentSpec = "spec",
        status: DeploymentStatus = "status",
    }
}

status_struct! {
    pub struct DeploymentStatus {
        observed_generation: i64 = "observedGeneration",
        replicas: i32 = "replicas",
        updated_replicas: i32 = "updatedReplicas",
        ready_replicas: i32 = "readyReplicas",
        available_replicas: i32 = "availableReplicas",
        unavailable_replicas: i32 = "unavailableReplicas",
        /// Beta in 1.35 (DeploymentReplicaSetTerminatingReplicas).
        terminating_replicas: Option<i32> = "terminatingReplicas",
        conditions: Vec<Condition> = "conditions",
        collision_count: Option<i32> = "collisionCount",
    }
}

api_struct! {
    pub struct DeploymentSpec {
        replicas: Option<i32> = "replicas",
        selector: Option<LabelSelector> = "selector",
        /// Boxed, as in ReplicaSetSpec: inline, a template made these two
        /// kinds, and so every `Object` in the store, bigger than a Pod.
        template: Box<PodTemplateSpec> = "template",
        strategy: DeploymentStrategy = "strategy",
        min_ready_seconds: i32 = "minReadySeconds",
        revision_history_limit: Option<i32> = "revisionHistoryLimit",
        paused: bool = "paused",
        progress_deadline_seconds: Option<i32> = "progressDeadlineSeconds",
        /// Alpha (DeploymentPodReplacementPolicy); accepted, not simulated.
        pod_replacement_policy: Opaque = "podReplacementPolicy",
    }
}

api_struct! {
    pub struct DeploymentStrategy {
        strategy_type: Option<String> = "type",
        rolling_update: Option<RollingUpdateDeployment> = "rollingUpdate",
    }
}

api_struct! {
    pub struct RollingUpdateDeployment {
        max_unavailable: Option<IntOrString> = "maxUnavailable",
        max_surge: Option<IntOrString> = "maxSurge",
    }
}

api_struct! {
    pub struct ReplicaSet {
        metadata: ObjectMeta = "metadata",
        spec: ReplicaSetSpec = "spec",
        status: ReplicaSetStatus = "status",
    }
}

status_struct! {
    pub struct ReplicaSetStatus {
        replicas: i32 = "replicas",
        fully_labeled_replicas: i32 = "fullyLabeledReplicas",
        ready_replicas: i32 = "readyReplicas",
        available_replicas: i32 = "availableReplicas",
        terminating_replicas: Option<i32> = "terminatingReplicas",
        observed_generation: i64 = "observedGeneration",
        conditions: Vec<Condition> = "conditions",
    }
}

api_struct! {
    pub struct ReplicaSetSpec {
        replicas: Option<i32> = "replicas",
        min_ready_seconds: i32 = "minReadySeconds",
        selector: Option<LabelSelector> = "selector",
        /// Boxed: see DeploymentSpec.
        template: Box<PodTemplateSpec> = "template",
    }
}
