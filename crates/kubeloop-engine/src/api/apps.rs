//! `apps/v1`: Deployment and ReplicaSet.

use super::core::PodTemplateSpec;
use super::decode::api_struct;
use super::intstr::IntOrString;
use super::meta::{ObjectMeta, Opaque};
use super::selector::LabelSelector;

api_struct! {
    pub struct Deployment {
        metadata: ObjectMeta = "metadata",
        spec: DeploymentSpec = "spec",
        status: Opaque = "status",
    }
}

api_struct! {
    pub struct DeploymentSpec {
        replicas: Option<i32> = "replicas",
        selector: Option<LabelSelector> = "selector",
        template: PodTemplateSpec = "template",
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
        status: Opaque = "status",
    }
}

api_struct! {
    pub struct ReplicaSetSpec {
        replicas: Option<i32> = "replicas",
        min_ready_seconds: i32 = "minReadySeconds",
        selector: Option<LabelSelector> = "selector",
        template: PodTemplateSpec = "template",
    }
}
