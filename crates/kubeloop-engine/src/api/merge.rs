//! The lists Kubernetes merges by key (strategic merge patch's
//! `patchMergeKey`), shared by `kubectl apply`'s three-way merge (the
//! kubectl crate) and the editor's change summary (`world::preview`), so
//! the summary pairs the same items the apply will.

use serde_yaml::Value;

/// The key a list's items are merged by, by the list's field name; `None`
/// for a list that is replaced whole.
pub fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    let all_have = |key: &str| !items.is_empty() && items.iter().all(|item| item.get(key).is_some());
    match field {
        "containers" | "initContainers" | "ephemeralContainers" | "env" | "volumes" | "imagePullSecrets" => {
            Some("name")
        }
        "volumeMounts" => Some("mountPath"),
        "hostAliases" => Some("ip"),
        "ports" if all_have("containerPort") => Some("containerPort"),
        "ports" => Some("port"),
        _ => None,
    }
}
