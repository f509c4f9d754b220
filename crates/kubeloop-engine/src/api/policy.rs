//! `policy/v1`: PodDisruptionBudget.

use super::decode::api_struct;
use super::intstr::IntOrString;
use super::meta::{ObjectMeta, Opaque};
use super::selector::LabelSelector;

api_struct! {
    pub struct PodDisruptionBudget {
        metadata: ObjectMeta = "metadata",
        spec: PodDisruptionBudgetSpec = "spec",
        status: Opaque = "status",
    }
}

api_struct! {
    pub struct PodDisruptionBudgetSpec {
        min_available: Option<IntOrString> = "minAvailable",
        max_unavailable: Option<IntOrString> = "maxUnavailable",
        selector: Option<LabelSelector> = "selector",
        unhealthy_pod_eviction_policy: Option<String> = "unhealthyPodEvictionPolicy",
    }
}
