//! Which kinds and apiVersions the playground takes, and what it says about
//! the rest.

use crate::api::{KINDS, kind_info};

/// Kinds of real clusters that the playground does not simulate: a document
/// of one of these is skipped with a warning (the rest of the file applies).
const REAL_BUT_NOT_SIMULATED: &[&str] = &[
    "StatefulSet",
    "DaemonSet",
    "ControllerRevision",
    "Job",
    "CronJob",
    "Ingress",
    "IngressClass",
    "NetworkPolicy",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "StorageClass",
    "Endpoints",
    "EndpointSlice",
    "LimitRange",
    "ResourceQuota",
    "PriorityClass",
    "ReplicationController",
    "PodTemplate",
    "Event",
    "Lease",
    "CustomResourceDefinition",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "VerticalPodAutoscaler",
    "Gateway",
    "HTTPRoute",
];

/// What to do with a document of this apiVersion and kind.
#[derive(Debug, PartialEq, Eq)]
pub enum KindCheck {
    Simulated,
    /// kubectl's error: `no matches for kind "X" in version "Y"`.
    NoMatch {
        suggestion: Option<&'static str>,
    },
    /// A kind the playground does not simulate: warn and skip.
    NotSimulated,
}

pub fn check_kind(api_version: &str, kind: &str) -> KindCheck {
    if let Some(info) = kind_info(kind) {
        return if info.api_version == api_version {
            KindCheck::Simulated
        } else {
            KindCheck::NoMatch { suggestion: None }
        };
    }
    if REAL_BUT_NOT_SIMULATED.contains(&kind) || !KINDS.iter().any(|info| info.api_version == api_version) {
        return KindCheck::NotSimulated;
    }
    // A group the playground serves but no kind of it: most likely a typo.
    let candidates = KINDS.iter().filter(|info| info.api_version == api_version).map(|info| info.kind);
    KindCheck::NoMatch { suggestion: crate::manifest::suggest::closest(kind, candidates) }
}

/// `Deployment, ReplicaSet, ...`, for messages.
pub fn supported_kinds() -> String {
    KINDS.iter().map(|info| info.kind).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_versions() {
        assert_eq!(check_kind("apps/v1", "Deployment"), KindCheck::Simulated);
        assert_eq!(check_kind("kubeloop.dev/v1", "App"), KindCheck::Simulated);
        assert_eq!(check_kind("apps/v1beta1", "Deployment"), KindCheck::NoMatch { suggestion: None });
        assert_eq!(check_kind("v1", "Deployment"), KindCheck::NoMatch { suggestion: None });
        assert_eq!(check_kind("apps/v1", "Deplyment"), KindCheck::NoMatch { suggestion: Some("Deployment") });
        assert_eq!(check_kind("apps/v1", "StatefulSet"), KindCheck::NotSimulated);
        assert_eq!(check_kind("networking.k8s.io/v1", "Ingress"), KindCheck::NotSimulated);
        assert_eq!(check_kind("example.com/v1", "Widget"), KindCheck::NotSimulated);
    }
}
