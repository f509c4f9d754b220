//! The Kubernetes API objects the playground understands, as typed Rust.
//!
//! Field names follow the API (serde renames to camelCase). Enumerated
//! fields are plain strings so that a bad value is reported by validation,
//! in the API server's words, rather than by the YAML decoder. Fields the
//! simulation does not use are kept as opaque values, so YAML from real
//! clusters loads without false "unknown field" warnings.

pub mod apps;
pub mod autoscaling;
pub mod base64;
pub mod core;
pub mod decode;
pub mod encode;
pub mod intstr;
pub mod merge;
pub mod meta;
pub mod playground;
pub mod policy;
pub mod quantity;
pub mod selector;
pub mod text;
pub mod time;

pub use meta::{Condition, ConditionRare, ObjectMeta, OwnerReference};
pub use text::Str;
pub use time::Time;

/// One object from the user's YAML.
///
/// Its variants are not boxed: the store holds Objects inline, and most of
/// them are Pods, the largest kind, so boxing the Pod (as clippy's
/// large_enum_variant asks, the HPA being the next largest) would cost
/// each pod an allocation on top of an Object barely smaller. The other
/// kinds keep their big parts boxed (a Deployment's template) so as not
/// to be bigger than a Pod.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Deployment(apps::Deployment),
    ReplicaSet(apps::ReplicaSet),
    Pod(core::Pod),
    Service(core::Service),
    ConfigMap(core::ConfigMap),
    Secret(core::Secret),
    Namespace(core::Namespace),
    Node(core::Node),
    HorizontalPodAutoscaler(autoscaling::HorizontalPodAutoscaler),
    PodDisruptionBudget(policy::PodDisruptionBudget),
    App(playground::App),
    Traffic(playground::Traffic),
}

/// A kind the playground simulates, with the one apiVersion it serves it at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    pub kind: &'static str,
    pub api_version: &'static str,
    /// Whether objects of this kind live in a namespace.
    pub namespaced: bool,
}

/// Every kind the playground simulates.
pub const KINDS: &[KindInfo] = &[
    KindInfo { kind: "Deployment", api_version: "apps/v1", namespaced: true },
    KindInfo { kind: "ReplicaSet", api_version: "apps/v1", namespaced: true },
    KindInfo { kind: "Pod", api_version: "v1", namespaced: true },
    KindInfo { kind: "Service", api_version: "v1", namespaced: true },
    KindInfo { kind: "ConfigMap", api_version: "v1", namespaced: true },
    KindInfo { kind: "Secret", api_version: "v1", namespaced: true },
    KindInfo { kind: "HorizontalPodAutoscaler", api_version: "autoscaling/v2", namespaced: true },
    KindInfo { kind: "PodDisruptionBudget", api_version: "policy/v1", namespaced: true },
    KindInfo { kind: "Namespace", api_version: "v1", namespaced: false },
    KindInfo { kind: "Node", api_version: "v1", namespaced: false },
    KindInfo { kind: "App", api_version: playground::GROUP_VERSION, namespaced: false },
    KindInfo { kind: "Traffic", api_version: playground::GROUP_VERSION, namespaced: true },
];

/// The shape of a kind's documents (its root struct), for the loader.
pub fn kind_schema(kind: &str) -> Option<&'static crate::yaml::StructSchema> {
    use decode::struct_schema;
    Some(match kind {
        "Deployment" => struct_schema::<apps::Deployment>(),
        "ReplicaSet" => struct_schema::<apps::ReplicaSet>(),
        "Pod" => struct_schema::<core::Pod>(),
        "Service" => struct_schema::<core::Service>(),
        "ConfigMap" => struct_schema::<core::ConfigMap>(),
        "Secret" => struct_schema::<core::Secret>(),
        "Namespace" => struct_schema::<core::Namespace>(),
        "Node" => struct_schema::<core::Node>(),
        "HorizontalPodAutoscaler" => struct_schema::<autoscaling::HorizontalPodAutoscaler>(),
        "PodDisruptionBudget" => struct_schema::<policy::PodDisruptionBudget>(),
        "App" => struct_schema::<playground::App>(),
        "Traffic" => struct_schema::<playground::Traffic>(),
        _ => return None,
    })
}

/// Decodes a document of a simulated kind (already checked against its
/// schema).
pub fn decode_object(kind: &str, value: &serde_yaml::Value) -> Option<Object> {
    use decode::FromYaml;
    Some(match kind {
        "Deployment" => Object::Deployment(FromYaml::from_yaml(value)),
        "ReplicaSet" => Object::ReplicaSet(FromYaml::from_yaml(value)),
        "Pod" => Object::Pod(FromYaml::from_yaml(value)),
        "Service" => Object::Service(FromYaml::from_yaml(value)),
        "ConfigMap" => Object::ConfigMap(FromYaml::from_yaml(value)),
        "Secret" => Object::Secret(FromYaml::from_yaml(value)),
        "Namespace" => Object::Namespace(FromYaml::from_yaml(value)),
        "Node" => Object::Node(FromYaml::from_yaml(value)),
        "HorizontalPodAutoscaler" => Object::HorizontalPodAutoscaler(FromYaml::from_yaml(value)),
        "PodDisruptionBudget" => Object::PodDisruptionBudget(FromYaml::from_yaml(value)),
        "App" => Object::App(FromYaml::from_yaml(value)),
        "Traffic" => Object::Traffic(FromYaml::from_yaml(value)),
        _ => return None,
    })
}

pub fn kind_info(kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|info| info.kind == kind)
}

impl Object {
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Deployment(_) => "Deployment",
            Object::ReplicaSet(_) => "ReplicaSet",
            Object::Pod(_) => "Pod",
            Object::Service(_) => "Service",
            Object::ConfigMap(_) => "ConfigMap",
            Object::Secret(_) => "Secret",
            Object::Namespace(_) => "Namespace",
            Object::Node(_) => "Node",
            Object::HorizontalPodAutoscaler(_) => "HorizontalPodAutoscaler",
            Object::PodDisruptionBudget(_) => "PodDisruptionBudget",
            Object::App(_) => "App",
            Object::Traffic(_) => "Traffic",
        }
    }

    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Object::Deployment(o) => &o.metadata,
            Object::ReplicaSet(o) => &o.metadata,
            Object::Pod(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::ConfigMap(o) => &o.metadata,
            Object::Secret(o) => &o.metadata,
            Object::Namespace(o) => &o.metadata,
            Object::Node(o) => &o.metadata,
            Object::HorizontalPodAutoscaler(o) => &o.metadata,
            Object::PodDisruptionBudget(o) => &o.metadata,
            Object::App(o) => &o.metadata,
            Object::Traffic(o) => &o.metadata,
        }
    }

    pub fn name(&self) -> &str {
        self.metadata().name()
    }

    /// The object's fields as the API server writes them (without
    /// `apiVersion` and `kind`: [`encode::object_to_value`] adds those).
    pub fn body_to_yaml(&self) -> Option<serde_yaml::Value> {
        use encode::ToYaml;
        match self {
            Object::Deployment(o) => o.to_yaml(),
            Object::ReplicaSet(o) => o.to_yaml(),
            Object::Pod(o) => o.to_yaml(),
            Object::Service(o) => o.to_yaml(),
            Object::ConfigMap(o) => o.to_yaml(),
            Object::Secret(o) => o.to_yaml(),
            Object::Namespace(o) => o.to_yaml(),
            Object::Node(o) => o.to_yaml(),
            Object::HorizontalPodAutoscaler(o) => o.to_yaml(),
            Object::PodDisruptionBudget(o) => o.to_yaml(),
            Object::App(o) => o.to_yaml(),
            Object::Traffic(o) => o.to_yaml(),
        }
    }

    pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::Deployment(o) => &mut o.metadata,
            Object::ReplicaSet(o) => &mut o.metadata,
            Object::Pod(o) => &mut o.metadata,
            Object::Service(o) => &mut o.metadata,
            Object::ConfigMap(o) => &mut o.metadata,
            Object::Secret(o) => &mut o.metadata,
            Object::Namespace(o) => &mut o.metadata,
            Object::Node(o) => &mut o.metadata,
            Object::HorizontalPodAutoscaler(o) => &mut o.metadata,
            Object::PodDisruptionBudget(o) => &mut o.metadata,
            Object::App(o) => &mut o.metadata,
            Object::Traffic(o) => &mut o.metadata,
        }
    }

    /// Whether two objects of the same kind want the same thing: equal
    /// apart from metadata and status (a change bumps `generation` only for
    /// kinds with a spec, as the API server does).
    pub fn same_spec(&self, other: &Object) -> bool {
        match (self, other) {
            (Object::Deployment(a), Object::Deployment(b)) => a.spec == b.spec,
            (Object::ReplicaSet(a), Object::ReplicaSet(b)) => a.spec == b.spec,
            (Object::Pod(a), Object::Pod(b)) => a.spec == b.spec,
            (Object::Service(a), Object::Service(b)) => a.spec == b.spec,
            (Object::HorizontalPodAutoscaler(a), Object::HorizontalPodAutoscaler(b)) => a.spec == b.spec,
            (Object::PodDisruptionBudget(a), Object::PodDisruptionBudget(b)) => a.spec == b.spec,
            (Object::Node(a), Object::Node(b)) => a.spec == b.spec,
            (Object::App(a), Object::App(b)) => a.spec == b.spec,
            (Object::Traffic(a), Object::Traffic(b)) => a.spec == b.spec,
            // Kinds without a spec have no generation to bump.
            _ => true,
        }
    }

    /// Keeps `current`'s status through an update of the object itself:
    /// status is its own subresource, which `kubectl apply` does not write.
    /// A Node keeps what its kubelet and controllers posted (conditions)
    /// but takes its size from the document (the playground's machines are
    /// what their documents say).
    pub fn keep_status_of(&mut self, current: &Object) {
        match (self, current) {
            (Object::Deployment(new), Object::Deployment(old)) => new.status = old.status.clone(),
            (Object::ReplicaSet(new), Object::ReplicaSet(old)) => new.status = old.status.clone(),
            (Object::Pod(new), Object::Pod(old)) => new.status = old.status.clone(),
            (Object::HorizontalPodAutoscaler(new), Object::HorizontalPodAutoscaler(old)) => {
                new.status = old.status.clone()
            }
            (Object::PodDisruptionBudget(new), Object::PodDisruptionBudget(old)) => new.status = old.status.clone(),
            (Object::Node(new), Object::Node(old)) => new.status.conditions = old.status.conditions.clone(),
            _ => {}
        }
    }

    /// Keeps what the API server set on `current` that an applied
    /// manifest leaves out (apply's merge keeps fields the manifest does
    /// not name): the namespace it was created in, and a Service's
    /// allocated cluster IP, IP family fields and node ports.
    pub fn keep_server_fields_of(&mut self, current: &Object) {
        let meta = self.metadata_mut();
        if meta.namespace.as_deref().is_none_or(str::is_empty) {
            meta.namespace.clone_from(&current.metadata().namespace);
        }
        let (Object::Service(new), Object::Service(old)) = (self, current) else { return };
        let (spec, allocated) = (&mut new.spec, &old.spec);
        if spec.cluster_ip.as_deref().is_none_or(str::is_empty) {
            spec.cluster_ip.clone_from(&allocated.cluster_ip);
            spec.cluster_ips.clone_from(&allocated.cluster_ips);
        }
        if spec.ip_families.is_none() {
            spec.ip_families.clone_from(&allocated.ip_families);
        }
        if spec.ip_family_policy.is_none() {
            spec.ip_family_policy.clone_from(&allocated.ip_family_policy);
        }
        for port in spec.ports.iter_mut().filter(|port| port.node_port.is_none()) {
            let same = allocated.ports.iter().find(|old| old.port == port.port && old.name == port.name);
            port.node_port = same.and_then(|old| old.node_port);
        }
    }

    /// kubectl's resource name: `deployments.apps`, `pods`, ...
    pub fn resource(&self) -> &'static str {
        resource_of(self.kind())
    }
}

/// The plural resource name (with its group) kubectl prints for a kind.
pub fn resource_of(kind: &str) -> &'static str {
    match kind {
        "Deployment" => "deployments.apps",
        "ReplicaSet" => "replicasets.apps",
        "Pod" => "pods",
        "Service" => "services",
        "ConfigMap" => "configmaps",
        "Secret" => "secrets",
        "Namespace" => "namespaces",
        "Node" => "nodes",
        "HorizontalPodAutoscaler" => "horizontalpodautoscalers.autoscaling",
        "PodDisruptionBudget" => "poddisruptionbudgets.policy",
        "App" => "apps.kubeloop.dev",
        "Traffic" => "traffics.kubeloop.dev",
        _ => "unknown",
    }
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    use super::*;
    use std::mem::size_of;

    /// The store holds Objects inline, one per pod at scale: an unboxed
    /// opaque field or optional struct creeping back in shows here first
    /// (`examples/pod_memory.rs` prints the figures).
    #[test]
    fn objects_stay_small() {
        assert!(size_of::<Object>() <= size_of::<core::Pod>() + 8, "a kind is bigger than a Pod");
        assert!(size_of::<core::Pod>() <= 600, "Pod: {} bytes", size_of::<core::Pod>());
        assert!(size_of::<core::PodSpec>() <= 168, "PodSpec: {} bytes", size_of::<core::PodSpec>());
        assert!(size_of::<ObjectMeta>() <= 200, "ObjectMeta: {} bytes", size_of::<ObjectMeta>());
        // A pod has four or five conditions and a status per container.
        assert!(size_of::<Condition>() <= 72, "Condition: {} bytes", size_of::<Condition>());
        assert!(
            size_of::<core::ContainerStatus>() <= 96,
            "ContainerStatus: {} bytes",
            size_of::<core::ContainerStatus>()
        );
        assert!(size_of::<core::Container>() <= 512, "Container: {} bytes", size_of::<core::Container>());
    }

    /// The pod spec's rare fields are boxed only when one is set, and the
    /// spec reads, compares and prints the same either way.
    #[test]
    fn a_pod_spec_boxes_its_rare_fields_only_when_set() {
        use decode::from_yaml_str;
        let plain: core::PodSpec = from_yaml_str("{containers: [{name: web}], nodeName: node-1}");
        assert!(plain.rare.is_none());
        assert!(plain.volumes.is_none() && plain.node_selector.is_empty());
        let mut boxed = plain.clone();
        boxed.rare_mut();
        assert!(boxed.rare.is_some());
        assert_eq!(boxed, plain);
        assert_eq!(format!("{boxed:?}"), format!("{plain:?}"));
        let debug = format!("{plain:?}");
        assert!(debug.contains("node_name: Some(\"node-1\"), node_selector: {}, service_account_name: None"));
        assert!(debug.ends_with("share_process_namespace: None }"));

        let set: core::PodSpec = from_yaml_str("{containers: [{name: web}], hostname: web, nodeSelector: {a: b}}");
        assert!(set.rare.is_some());
        assert_eq!(set.hostname.as_deref().and_then(|value| value.as_str()), Some("web"));
        assert_eq!(set.node_selector.get("a").map(String::as_str), Some("b"));
        assert_ne!(set, plain);
        let fields: Vec<&str> = decode::struct_schema::<core::PodSpec>().fields.iter().map(|(json, _)| *json).collect();
        assert_eq!(fields[7..10], ["nodeName", "nodeSelector", "serviceAccountName"]);
        assert_eq!(fields.len(), 41);
    }
}
