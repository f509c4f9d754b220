//! `autoscaling/v2`: HorizontalPodAutoscaler.

use super::decode::{api_struct, status_struct};
use super::meta::{Condition, ObjectMeta, Opaque};
use super::quantity::Quantity;
use super::time::Time;

api_struct! {
    pub struct HorizontalPodAutoscaler {
        metadata: ObjectMeta = "metadata",
        spec: HorizontalPodAutoscalerSpec = "spec",
        status: HorizontalPodAutoscalerStatus = "status",
    }
}

status_struct! {
    pub struct HorizontalPodAutoscalerStatus {
        observed_generation: Option<i64> = "observedGeneration",
        last_scale_time: Option<Time> = "lastScaleTime",
        current_replicas: i32 = "currentReplicas",
        desired_replicas: i32 = "desiredReplicas",
        current_metrics: Vec<MetricStatus> = "currentMetrics",
        conditions: Vec<Condition> = "conditions",
    }
}

api_struct! {
    pub struct MetricStatus {
        metric_type: String = "type",
        resource: Option<ResourceMetricStatus> = "resource",
        container_resource: Opaque = "containerResource",
        pods: Opaque = "pods",
        object: Opaque = "object",
        external: Opaque = "external",
    }
}

api_struct! {
    pub struct ResourceMetricStatus {
        name: String = "name",
        current: MetricValueStatus = "current",
    }
}

api_struct! {
    pub struct MetricValueStatus {
        value: Option<Quantity> = "value",
        average_value: Option<Quantity> = "averageValue",
        average_utilization: Option<i32> = "averageUtilization",
    }
}

api_struct! {
    pub struct HorizontalPodAutoscalerSpec {
        scale_target_ref: CrossVersionObjectReference = "scaleTargetRef",
        min_replicas: Option<i32> = "minReplicas",
        max_replicas: i32 = "maxReplicas",
        metrics: Vec<MetricSpec> = "metrics",
        /// Boxed: rarely set, and big enough to make the HPA the biggest kind.
        behavior: Option<Box<HorizontalPodAutoscalerBehavior>> = "behavior",
    }
}

api_struct! {
    pub struct CrossVersionObjectReference {
        api_version: Option<String> = "apiVersion",
        kind: String = "kind",
        name: String = "name",
    }
}

api_struct! {
    pub struct MetricSpec {
        metric_type: String = "type",
        resource: Option<ResourceMetricSource> = "resource",
        container_resource: Opaque = "containerResource",
        pods: Opaque = "pods",
        object: Opaque = "object",
        external: Opaque = "external",
    }
}

api_struct! {
    pub struct ResourceMetricSource {
        name: String = "name",
        target: MetricTarget = "target",
    }
}

api_struct! {
    pub struct MetricTarget {
        target_type: String = "type",
        average_utilization: Option<i32> = "averageUtilization",
        average_value: Option<Quantity> = "averageValue",
        value: Option<Quantity> = "value",
    }
}

api_struct! {
    pub struct HorizontalPodAutoscalerBehavior {
        scale_up: Option<HpaScalingRules> = "scaleUp",
        scale_down: Option<HpaScalingRules> = "scaleDown",
    }
}

api_struct! {
    pub struct HpaScalingRules {
        stabilization_window_seconds: Option<i32> = "stabilizationWindowSeconds",
        select_policy: Option<String> = "selectPolicy",
        policies: Option<Vec<HpaScalingPolicy>> = "policies",
        tolerance: Option<Quantity> = "tolerance",
    }
}

api_struct! {
    pub struct HpaScalingPolicy {
        policy_type: String = "type",
        value: i32 = "value",
        period_seconds: i32 = "periodSeconds",
    }
}
