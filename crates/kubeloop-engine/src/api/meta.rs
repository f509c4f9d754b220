//! Object metadata shared by every kind.

use super::decode::{api_struct, api_struct_with_rare};
use super::text::Str;
use super::time::Time;
use std::collections::BTreeMap;

/// Labels, shared between a template and the objects made from it; a
/// writer changes them through `ObjectMeta::labels_mut` (which copies
/// shared ones first).
pub type Labels = std::rc::Rc<BTreeMap<String, String>>;

/// A list shared between objects, copied on write: a ReplicaSet's pods
/// all have the same owner references, so they share one list (a writer
/// goes through `make_mut`). Empty, it allocates nothing. To readers it is
/// a slice; `Debug` and equality are the slice's, however it is shared.
#[derive(Clone)]
pub struct SharedList<T>(Option<std::rc::Rc<Vec<T>>>);

impl<T> Default for SharedList<T> {
    fn default() -> Self {
        SharedList(None)
    }
}

impl<T: Clone> SharedList<T> {
    /// The list to change (copied first if shared).
    pub fn make_mut(&mut self) -> &mut Vec<T> {
        std::rc::Rc::make_mut(self.0.get_or_insert_with(Default::default))
    }
}

impl<T> SharedList<T> {
    /// Whether two lists are one shared list (or both empty).
    pub fn shares_with(&self, other: &SharedList<T>) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => std::rc::Rc::ptr_eq(a, b),
            (a, b) => a.as_ref().is_none_or(|a| a.is_empty()) && b.as_ref().is_none_or(|b| b.is_empty()),
        }
    }
}

impl<T> std::ops::Deref for SharedList<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl<T> From<Vec<T>> for SharedList<T> {
    fn from(items: Vec<T>) -> Self {
        SharedList((!items.is_empty()).then(|| std::rc::Rc::new(items)))
    }
}

impl<'a, T> IntoIterator for &'a SharedList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: PartialEq> PartialEq for SharedList<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for SharedList<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: super::decode::FromYaml> super::decode::FromYaml for SharedList<T> {
    fn from_yaml(value: &serde_yaml::Value) -> Self {
        Vec::from_yaml(value).into()
    }
}

impl<T: super::decode::HasSchema> super::decode::HasSchema for SharedList<T> {
    const SCHEMA: crate::yaml::Schema = <Vec<T> as super::decode::HasSchema>::SCHEMA;
}

/// A field the playground accepts and keeps but does not simulate. Boxed:
/// such fields are rarely set, and an absent one then costs a pointer
/// instead of a whole `Value` inline (an object has dozens of them).
pub type Opaque = Option<Box<OpaqueValue>>;

/// What an opaque field holds: the YAML as written (named here so that
/// crates reading opaque fields need no YAML dependency of their own).
pub type OpaqueValue = serde_yaml::Value;

api_struct_with_rare! {
    /// `metadata`. The server-set fields (uid, resourceVersion, generation,
    /// timestamps, owner references) are the world's to set; in a user's
    /// YAML (copied from `kubectl get -o yaml`, say) they are accepted and
    /// then ignored, as the API server ignores them on create.
    pub struct ObjectMeta {
        name: Option<String> = "name",
        /// Shared: a ReplicaSet's pods have the same one.
        generate_name: Option<Str> = "generateName",
        namespace: Option<String> = "namespace",
        /// Shared: a pod's labels are its template's (copied on write).
        labels: Labels = "labels",
        annotations: BTreeMap<String, String> = "annotations",
        uid: Option<String> = "uid",
        resource_version: Option<String> = "resourceVersion",
        generation: Option<i64> = "generation",
        creation_timestamp: Option<Time> = "creationTimestamp",
        // Set while an object is being deleted, and fields the simulation
        // keeps but rarely sees, boxed together: most objects have none.
        @rare ObjectMetaRare {
            deletion_timestamp: Option<Time> = "deletionTimestamp",
            deletion_grace_period_seconds: Option<i64> = "deletionGracePeriodSeconds",
        }
        /// Shared: a ReplicaSet's pods share one list.
        owner_references: SharedList<OwnerReference> = "ownerReferences",
        @rare {
            finalizers: Vec<String> = "finalizers",
            managed_fields: Opaque = "managedFields",
            self_link: Opaque = "selfLink",
        }
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

api_struct_with_rare! {
    /// A status condition. One shape serves every kind: Deployment
    /// conditions use `lastUpdateTime`, metav1.Condition (PDBs) uses
    /// `observedGeneration`; each leaves the other unset.
    pub struct Condition {
        condition_type: Str = "type",
        status: Str = "status",
        // The fields only some kinds' conditions have, boxed: a pod has
        // four or five conditions and none of these (a pod's condition has
        // a reason and message only while something is wrong).
        @rare ConditionRare {
            observed_generation: Option<i64> = "observedGeneration",
            last_update_time: Option<Time> = "lastUpdateTime",
        }
        last_transition_time: Option<Time> = "lastTransitionTime",
        @rare {
            reason: String = "reason",
            message: String = "message",
        }
    }
}

impl Condition {
    /// Sets the reason and message, which live with the rare fields (not
    /// boxed for two empty ones).
    pub fn set_reason(&mut self, reason: String, message: String) {
        if self.rare.is_some() || !reason.is_empty() || !message.is_empty() {
            let rare = self.rare_mut();
            rare.reason = reason;
            rare.message = message;
        }
    }

    /// The condition with a reason and message.
    pub fn with_reason(mut self, reason: impl Into<String>, message: impl Into<String>) -> Condition {
        self.set_reason(reason.into(), message.into());
        self
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_list_is_shared_until_written_and_reads_like_a_vec() {
        let empty: SharedList<i32> = Vec::new().into();
        assert!(empty.is_empty() && empty.shares_with(&SharedList::default()));
        assert_eq!(empty, SharedList::default());
        let one = SharedList::from(vec![1, 2]);
        let mut other = one.clone();
        assert!(one.shares_with(&other));
        assert_eq!(format!("{other:?}"), format!("{:?}", vec![1, 2]));
        other.make_mut().push(3);
        assert!(!one.shares_with(&other));
        assert_eq!((&one[..], &other[..]), (&[1, 2][..], &[1, 2, 3][..]));
        assert_eq!(other.iter().sum::<i32>(), 6);
        let mut emptied = one.clone();
        emptied.make_mut().clear();
        assert_eq!(emptied, empty);
    }

    /// Metadata boxes its deletion fields and rarely set ones only when one
    /// is set, and prints them where the API has them either way.
    #[test]
    fn metadata_prints_its_boxed_fields_in_place() {
        let mut meta: ObjectMeta = super::super::decode::from_yaml_str("{name: web, finalizers: [a]}");
        assert!(meta.rare.is_some() && meta.finalizers == ["a"]);
        let debug = format!("{meta:?}");
        assert!(debug.contains("creation_timestamp: None, deletion_timestamp: None, deletion_grace_period_seconds: None, owner_references: [], finalizers: [\"a\"], managed_fields"));
        let plain: ObjectMeta = super::super::decode::from_yaml_str("{name: web}");
        assert!(plain.rare.is_none());
        meta.rare_mut().finalizers.clear();
        assert_eq!((format!("{meta:?}"), &meta), (format!("{plain:?}"), &plain));
    }

    /// A condition prints its fields in the API's order, the boxed ones
    /// included, whether boxed or not.
    #[test]
    fn a_condition_prints_as_before_its_rare_fields_were_boxed() {
        let ready = Condition { condition_type: "Ready".into(), status: "True".into(), ..Condition::default() };
        assert!(ready.rare.is_none());
        let expected = "Condition { condition_type: \"Ready\", status: \"True\", observed_generation: None, \
                        last_update_time: None, last_transition_time: None, reason: \"\", message: \"\" }";
        assert_eq!(format!("{ready:?}"), expected);
        let mut boxed = ready.clone();
        boxed.rare_mut();
        assert_eq!((format!("{boxed:?}"), &boxed), (expected.to_string(), &ready));
        boxed.rare_mut().last_update_time = Some(Time::from_unix_ms(1000));
        assert_ne!(boxed, ready);
        assert!(format!("{boxed:?}").contains("last_update_time: Some(Time { unix_ms: 1000 }), last_transition_time"));

        // The reason and message are boxed too, and print last, where the
        // API has them.
        let mut plain = ready.clone();
        plain.set_reason(String::new(), String::new());
        assert!(plain.rare.is_none(), "two empty strings need no box");
        let failed = ready.clone().with_reason("Unschedulable", "0/3 nodes are available");
        assert!(failed.rare.is_some() && failed.reason == "Unschedulable");
        assert!(format!("{failed:?}").ends_with(
            "last_transition_time: None, reason: \"Unschedulable\", message: \"0/3 nodes are available\" }"
        ));
        let decoded: Condition = super::super::decode::from_yaml_str("{type: Ready, status: 'True', reason: Why}");
        assert_eq!(decoded, ready.clone().with_reason("Why", ""));
    }
}
