//! Object metadata shared by every kind.

use super::decode::api_struct;
use super::time::Time;
use std::collections::BTreeMap;

/// Labels, shared between a template and the objects made from it; a
/// writer changes them through `ObjectMeta::labels_mut` (which copies
/// shared ones first).
pub type Labels = std::rc::Rc<BTreeMap<String, String>>;

/// A field the playground accepts and keeps but does not simulate. Boxed:
/// such fields are rarely set, and an absent one then costs a pointer
/// instead of a whole `Value` inline (an object has dozens of them).
pub type Opaque = Option<Box<OpaqueValue>>;

/// What an opaque field holds: the YAML as written (named here so that
/// crates reading opaque fields need no YAML dependency of their own).
pub type OpaqueValue = serde_yaml::Value;

api_struct! {
    /// `metadata`. The server-set fields (uid, resourceVersion, generation,
    /// timestamps, owner references) are the world's to set; in a user's
    /// YAML (copied from `kubectl get -o yaml`, say) they are accepted and
    /// then ignored, as the API server ignores them on create.
    pub struct ObjectMeta {
        name: Option<String> = "name",
        generate_name: Option<String> = "generateName",
        namespace: Option<String> = "namespace",
        /// Shared: a pod's labels are its template's (copied on write).
        labels: Labels = "labels",
        annotations: BTreeMap<String, String> = "annotations",
        uid: Option<String> = "uid",
        resource_version: Option<String> = "resourceVersion",
        generation: Option<i64> = "generation",
        creation_timestamp: Option<Time> = "creationTimestamp",
        deletion_timestamp: Option<Time> = "deletionTimestamp",
        deletion_grace_period_seconds: Option<i64> = "deletionGracePeriodSeconds",
        owner_references: Vec<OwnerReference> = "ownerReferences",
        finalizers: Vec<String> = "finalizers",
        managed_fields: Opaque = "managedFields",
        self_link: Opaque = "selfLink",
    }
}

api_struct! {
    /// Who owns an object; `controller: true` marks the managing owner
    /// (garbage collection follows these).
    pub struct OwnerReference {
        api_version: String = "apiVersion",
        kind: String = "kind",
        name: String = "name",
        uid: String = "uid",
        controller: Option<bool> = "controller",
        block_owner_deletion: Option<bool> = "blockOwnerDeletion",
    }
}

api_struct! {
    /// A status condition. One shape serves every kind: Deployment
    /// conditions use `lastUpdateTime`, metav1.Condition (PDBs) uses
    /// `observedGeneration`; each leaves the other unset.
    pub struct Condition {
        condition_type: String = "type",
        status: String = "status",
        observed_generation: Option<i64> = "observedGeneration",
        last_update_time: Option<Time> = "lastUpdateTime",
        last_transition_time: Option<Time> = "lastTransitionTime",
        reason: String = "reason",
        message: String = "message",
    }
}

impl ObjectMeta {
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// The labels to change (copied first if shared with a template).
    pub fn labels_mut(&mut self) -> &mut BTreeMap<String, String> {
        std::rc::Rc::make_mut(&mut self.labels)
    }

    /// The controlling owner, if any (metav1.GetControllerOf).
    pub fn controller(&self) -> Option<&OwnerReference> {
        self.owner_references.iter().find(|owner| owner.controller == Some(true))
    }

    /// The namespace, `default` when none is given.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().filter(|ns| !ns.is_empty()).unwrap_or("default")
    }
}
