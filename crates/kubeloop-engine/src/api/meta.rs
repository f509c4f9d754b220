//! Object metadata shared by every kind.

use super::decode::api_struct;
use std::collections::BTreeMap;

/// A field the playground accepts and keeps but does not simulate.
pub type Opaque = Option<serde_yaml::Value>;

api_struct! {
    /// `metadata`, as users write it (the server-set fields are accepted so that
    /// YAML copied from `kubectl get -o yaml` loads, and are then ignored).
    pub struct ObjectMeta {
        name: Option<String> = "name",
        generate_name: Option<String> = "generateName",
        namespace: Option<String> = "namespace",
        labels: BTreeMap<String, String> = "labels",
        annotations: BTreeMap<String, String> = "annotations",
        uid: Opaque = "uid",
        resource_version: Opaque = "resourceVersion",
        generation: Opaque = "generation",
        creation_timestamp: Opaque = "creationTimestamp",
        deletion_timestamp: Opaque = "deletionTimestamp",
        deletion_grace_period_seconds: Opaque = "deletionGracePeriodSeconds",
        owner_references: Opaque = "ownerReferences",
        finalizers: Opaque = "finalizers",
        managed_fields: Opaque = "managedFields",
        self_link: Opaque = "selfLink",
    }
}

impl ObjectMeta {
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// The namespace, `default` when none is given.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().filter(|ns| !ns.is_empty()).unwrap_or("default")
    }
}
