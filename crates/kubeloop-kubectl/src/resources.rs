//! The resource types kubectl can name here, as discovery would list them
//! (`kubectl api-resources`): plural, singular, short names and API group,
//! and how kubectl spells an object of each (`deployment.apps/web`).

/// One resource type. `kind` is the engine's kind; `Event` and
/// `Endpoints` are views the playground derives (the event log; a
/// Service's ready pods), not stored objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resource {
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short: &'static [&'static str],
    /// The API group, empty for the core group.
    pub group: &'static str,
    pub namespaced: bool,
}

impl Resource {
    /// `deployments.apps`, `pods`: what the API server's errors name.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() { self.plural.to_string() } else { format!("{}.{}", self.plural, self.group) }
    }

    /// `deployment.apps/web`, `pod/web-1`: the name printer's spelling.
    pub fn object_name(&self, name: &str) -> String {
        let kind = self.kind.to_lowercase();
        if self.group.is_empty() { format!("{kind}/{name}") } else { format!("{kind}.{}/{name}", self.group) }
    }
}

const fn resource(
    kind: &'static str,
    plural: &'static str,
    singular: &'static str,
    short: &'static [&'static str],
    group: &'static str,
    namespaced: bool,
) -> Resource {
    Resource { kind, plural, singular, short, group, namespaced }
}

/// Every type, in the order `kubectl get all` and api-resources use.
pub const RESOURCES: &[Resource] = &[
    resource("Pod", "pods", "pod", &["po"], "", true),
    resource("Service", "services", "service", &["svc"], "", true),
    resource("Deployment", "deployments", "deployment", &["deploy"], "apps", true),
    resource("ReplicaSet", "replicasets", "replicaset", &["rs"], "apps", true),
    resource(
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        &["hpa"],
        "autoscaling",
        true,
    ),
    resource("PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", &["pdb"], "policy", true),
    resource("ConfigMap", "configmaps", "configmap", &["cm"], "", true),
    resource("Secret", "secrets", "secret", &[], "", true),
    resource("Endpoints", "endpoints", "endpoints", &["ep"], "", true),
    resource("Event", "events", "event", &["ev"], "", true),
    resource("Namespace", "namespaces", "namespace", &["ns"], "", false),
    resource("Node", "nodes", "node", &["no"], "", false),
];

/// What `kubectl get all` lists (the `all` category) of the types here.
pub const ALL: &[&str] = &["Pod", "Service", "Deployment", "ReplicaSet", "HorizontalPodAutoscaler"];

/// The type a word names (`po`, `Pods`, `deployments.apps`), as the
/// REST mapper resolves it: case-insensitive, optionally group-qualified.
pub fn lookup(word: &str) -> Option<&'static Resource> {
    let word = word.to_lowercase();
    let (name, group) = match word.split_once('.') {
        Some((name, group)) => (name.to_string(), Some(group.to_string())),
        None => (word, None),
    };
    RESOURCES.iter().find(|resource| {
        let named = resource.plural == name || resource.singular == name || resource.short.contains(&name.as_str());
        // `deployments.apps` and `deployments.v1.apps` name the group.
        let grouped = group.as_deref().is_none_or(|group| {
            group == resource.group || group.split_once('.').is_some_and(|(_, g)| g == resource.group)
        });
        named && grouped
    })
}

/// The type of a kind the engine stores.
pub fn of_kind(kind: &str) -> Option<&'static Resource> {
    RESOURCES.iter().find(|resource| resource.kind == kind)
}

/// `kind.group/name` for any kind the engine stores, listed here or not
/// (the playground's own kinds: `app.kubeloop.dev/web`).
pub fn object_name_of(kind: &str, name: &str) -> String {
    if let Some(resource) = of_kind(kind) {
        return resource.object_name(name);
    }
    let lower = kind.to_lowercase();
    match kubeloop_engine::api::resource_of(kind).split_once('.') {
        Some((_, group)) => format!("{lower}.{group}/{name}"),
        None => format!("{lower}/{name}"),
    }
}

/// `kubectl api-resources`: NAME, SHORTNAMES, APIVERSION, NAMESPACED,
/// KIND, by group then name as discovery lists them.
pub fn api_resources(words: &[&str]) -> crate::session::Answer {
    if let Some(extra) = words.first() {
        return crate::args::usage_error("api-resources", &format!("unknown flag: {extra}"));
    }
    let mut resources: Vec<&Resource> = RESOURCES.iter().collect();
    kubeloop_engine::lean::sort_by_key(&mut resources, |r| (!r.group.is_empty(), r.group, r.plural));
    let rows: Vec<Vec<String>> = resources
        .iter()
        .map(|r| {
            let version = kubeloop_engine::api::kind_info(r.kind).map_or("v1", |info| info.api_version);
            let version = match r.kind {
                "Event" | "Endpoints" => "v1",
                _ => version,
            };
            vec![
                r.plural.to_string(),
                r.short.join(","),
                version.to_string(),
                r.namespaced.to_string(),
                r.kind.to_string(),
            ]
        })
        .collect();
    crate::session::Answer::ok(crate::printers::get_table(
        &["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
        &rows,
    ))
}

/// kubectl's refusal of a word that names no type.
pub fn unknown(word: &str) -> String {
    format!("error: the server doesn't have a resource type \"{word}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_name_types_as_the_rest_mapper_does() {
        let cases: &[(&str, Option<&str>)] = &[
            ("po", Some("Pod")),
            ("pods", Some("Pod")),
            ("Pod", Some("Pod")),
            ("deploy", Some("Deployment")),
            ("deployments.apps", Some("Deployment")),
            ("deployment.v1.apps", Some("Deployment")),
            ("deployments.policy", None),
            ("rs", Some("ReplicaSet")),
            ("svc", Some("Service")),
            ("ep", Some("Endpoints")),
            ("cm", Some("ConfigMap")),
            ("secret", Some("Secret")),
            ("hpa", Some("HorizontalPodAutoscaler")),
            ("pdb", Some("PodDisruptionBudget")),
            ("no", Some("Node")),
            ("ns", Some("Namespace")),
            ("ev", Some("Event")),
            ("widgets", None),
        ];
        for &(word, kind) in cases {
            assert_eq!(lookup(word).map(|r| r.kind), kind, "{word}");
        }
    }

    #[test]
    fn names_are_spelled_as_kubectl_spells_them() {
        let deployment = lookup("deploy").expect("known");
        assert_eq!(deployment.object_name("web"), "deployment.apps/web");
        assert_eq!(deployment.qualified(), "deployments.apps");
        let pod = lookup("po").expect("known");
        assert_eq!(pod.object_name("web-1"), "pod/web-1");
        assert_eq!(pod.qualified(), "pods");
        assert_eq!(lookup("hpa").expect("known").qualified(), "horizontalpodautoscalers.autoscaling");
    }
}
