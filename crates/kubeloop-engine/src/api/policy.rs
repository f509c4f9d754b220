//! `policy/v1`: PodDisruptionBudget.

use super::decode::{api_struct, status_struct};
use super::intstr::IntOrString;
use super::meta::{Condition, ObjectMeta};
use super::selector::LabelSelector;
use super::time::Time;
use std::collections::BTreeMap;

api_struct! {
    pub struct PodDisruptionBudget {
        metadata: ObjectMeta = "metadata",
        spec: PodDisruptionBudgetSpec = "spec",
        status: PodDisruptionBudgetStatus = "status",
    }
}

status_struct! {
    pub struct PodDisruptionBudgetStatus {
        observed_generation: i64 = "observedGeneration",
        /// Pods the eviction API let go and the controller has not yet seen
        /// gone, with when (entries expire after 2 minutes).
        disrupted_pods: BTreeMap<String, Time> = "disruptedPods",
        disruptions_allowed: i32 = "disruptionsAllowed",
        current_healthy: i32 = "currentHealthy",
        desired_healthy: i32 = "desiredHealthy",
        expected_pods: i32 = "expectedPods",
        conditions: Vec<Condition> = "conditions",
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
