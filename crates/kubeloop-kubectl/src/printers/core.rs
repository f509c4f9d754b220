//! `kubectl get` rows of the core kinds: Nodes, Services, Endpoints,
//! ConfigMaps, Secrets, Namespaces and Events (`printNode`, `printService`,
//! `printEndpoints`, `printConfigMap`, `printSecret`, `printNamespace`,
//! `printEvent` in pkg/printers/internalversion/printers.go).

use super::{Value, age, items, scalar_text};
use kubeloop_engine::api::Time;
use kubeloop_engine::api::core::{ConfigMap, Namespace, Node, Secret, Service};
use kubeloop_engine::api::intstr::IntOrString;
use kubeloop_engine::world::events::Event;
use std::collections::BTreeMap;

pub const NODE_COLUMNS: [&str; 5] = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
pub const NODE_WIDE_COLUMNS: [&str; 5] =
    ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"];
pub const SERVICE_COLUMNS: [&str; 6] = ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"];
pub const SERVICE_WIDE_COLUMNS: [&str; 1] = ["SELECTOR"];
pub const ENDPOINTS_COLUMNS: [&str; 3] = ["NAME", "ENDPOINTS", "AGE"];
pub const CONFIG_MAP_COLUMNS: [&str; 3] = ["NAME", "DATA", "AGE"];
pub const SECRET_COLUMNS: [&str; 4] = ["NAME", "TYPE", "DATA", "AGE"];
pub const NAMESPACE_COLUMNS: [&str; 3] = ["NAME", "STATUS", "AGE"];
pub const EVENT_COLUMNS: [&str; 5] = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];

/// printNode: STATUS is Ready or NotReady (also for Unknown), with
/// `,SchedulingDisabled` when cordoned.
pub fn node_row(node: &Node, now: Time, wide: bool) -> Vec<String> {
    let ready = node.status.conditions.iter().find(|c| c.condition_type == "Ready");
    let mut status = match ready.map(|c| c.status.as_str()) {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node.spec.unschedulable {
        status.push_str(",SchedulingDisabled");
    }
    let info_text =
        |field: &str| node.status.node_info.as_deref().map(|info| super::text_at(info, &[field])).unwrap_or_default();
    let mut row = vec![
        node.metadata.name().to_string(),
        status,
        "<none>".to_string(),
        age(node.metadata.creation_timestamp, now),
        info_text("kubeletVersion"),
    ];
    if wide {
        // getNodeInternalIP / getNodeExternalIP, and nodeInfo or `<unknown>`.
        let address = |kind: &str| {
            items(node.status.addresses.as_deref())
                .into_iter()
                .find(|address| super::text_at(address, &["type"]) == kind)
                .map_or_else(|| "<none>".to_string(), |address| super::text_at(address, &["address"]))
        };
        let info = |field: &str| {
            let text = info_text(field);
            if text.is_empty() { "<unknown>".to_string() } else { text }
        };
        row.extend([
            address("InternalIP"),
            address("ExternalIP"),
            info("osImage"),
            info("kernelVersion"),
            info("containerRuntimeVersion"),
        ]);
    }
    row
}

/// `labels.FormatLabels`: `k=v` pairs by key, or `<none>`.
pub fn format_labels(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "<none>".to_string();
    }
    labels.iter().map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join(",")
}

fn strings(value: &Option<Box<Value>>) -> Vec<String> {
    items(value.as_deref()).into_iter().filter_map(scalar_text).collect()
}

/// printService: the first cluster IP, the external IP by type, the ports
/// (`80/TCP`, `80:30080/TCP` with a node port).
pub fn service_row(service: &Service, now: Time, wide: bool) -> Vec<String> {
    let spec = &service.spec;
    let service_type = spec.service_type.as_deref().unwrap_or("ClusterIP");
    let cluster_ip = strings(&spec.cluster_ips)
        .into_iter()
        .next()
        .or_else(|| spec.cluster_ip.clone())
        .filter(|ip| !ip.is_empty())
        .unwrap_or_else(|| "<none>".to_string());
    let external_ips = strings(&spec.external_ips);
    let external = match service_type {
        "ClusterIP" | "NodePort" if external_ips.is_empty() => "<none>".to_string(),
        "ClusterIP" | "NodePort" | "LoadBalancer" if !external_ips.is_empty() => external_ips.join(","),
        "LoadBalancer" => "<pending>".to_string(),
        "ExternalName" => spec.external_name.as_deref().and_then(scalar_text).unwrap_or_default(),
        _ => "<unknown>".to_string(),
    };
    let ports: Vec<String> = spec
        .ports
        .iter()
        .map(|port| {
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            match port.node_port.filter(|&node_port| node_port > 0) {
                Some(node_port) => format!("{}:{node_port}/{protocol}", port.port),
                None => format!("{}/{protocol}", port.port),
            }
        })
        .collect();
    let ports = if ports.is_empty() { "<none>".to_string() } else { ports.join(",") };
    let mut row = vec![
        service.metadata.name().to_string(),
        service_type.to_string(),
        cluster_ip,
        external,
        ports,
        age(service.metadata.creation_timestamp, now),
    ];
    if wide {
        row.push(format_labels(&spec.selector));
    }
    row
}

/// One ready address of an Endpoints object, with the ports it serves.
pub struct EndpointAddress {
    pub ip: String,
    pub ports: Vec<i32>,
}

/// The port a Service port sends to on a pod: its targetPort (a number,
/// or a container port's name), else the port itself.
pub fn target_port(port: &kubeloop_engine::api::core::ServicePort, pod: &kubeloop_engine::api::core::Pod) -> i32 {
    match &port.target_port {
        Some(IntOrString::Int(number)) => *number,
        Some(IntOrString::String(name)) => pod
            .spec
            .containers
            .iter()
            .flat_map(|container| &container.ports)
            .find(|container_port| container_port.name.as_deref() == Some(name.as_str()))
            .map_or(0, |container_port| container_port.container_port),
        None => port.port,
    }
}

/// formatEndpoints: `ip:port` for each port and ready address, at most
/// three and then ` + N more...`; `<none>` without any.
pub fn endpoints_row(name: &str, addresses: &[EndpointAddress], created: Option<Time>, now: Time) -> Vec<String> {
    const MAX: usize = 3;
    let all: Vec<String> = addresses
        .iter()
        .flat_map(|address| address.ports.iter().map(move |port| format!("{}:{port}", address.ip)))
        .collect();
    let cell = if all.is_empty() {
        "<none>".to_string()
    } else if all.len() > MAX {
        format!("{} + {} more...", all[..MAX].join(","), all.len() - MAX)
    } else {
        all.join(",")
    };
    vec![name.to_string(), cell, age(created, now)]
}

pub fn config_map_row(config_map: &ConfigMap, now: Time) -> Vec<String> {
    vec![
        config_map.metadata.name().to_string(),
        (config_map.data.len() + config_map.binary_data.len()).to_string(),
        age(config_map.metadata.creation_timestamp, now),
    ]
}

/// printSecret: DATA counts `data` as the API server stores it, with
/// `stringData` merged in.
pub fn secret_row(secret: &Secret, now: Time) -> Vec<String> {
    let keys = kubeloop_engine::lean::set_of(secret.data.keys().chain(secret.string_data.keys()));
    vec![
        secret.metadata.name().to_string(),
        secret.secret_type.clone().unwrap_or_else(|| "Opaque".to_string()),
        keys.len().to_string(),
        age(secret.metadata.creation_timestamp, now),
    ]
}

pub fn namespace_row(namespace: &Namespace, now: Time) -> Vec<String> {
    let phase = namespace.status.as_deref().map(|status| super::text_at(status, &["phase"])).unwrap_or_default();
    vec![
        namespace.metadata.name().to_string(),
        if phase.is_empty() { "Active".to_string() } else { phase },
        age(namespace.metadata.creation_timestamp, now),
    ]
}

/// printEvent: LAST SEEN, TYPE, REASON, OBJECT (`kind/name`), MESSAGE.
pub fn event_row(event: &Event, now: Time) -> Vec<String> {
    vec![
        age(Some(event.last_timestamp), now),
        event.event_type.as_str().to_string(),
        event.reason.to_string(),
        format!("{}/{}", event.involved.kind.to_lowercase(), event.involved.name),
        event.message.trim().to_string(),
    ]
}

/// An event's name as the recorder makes it: the object's name, a dot and
/// the creation time in hex nanoseconds. The API server lists events by
/// name, so this is the order `kubectl get events` prints them in.
pub fn event_name(event: &Event) -> String {
    format!("{}.{:x}", event.involved.name, event.first_timestamp.unix_ms.saturating_mul(1_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::api::Object;

    fn object(yaml: &str) -> Object {
        let manifests = kubeloop_engine::parse_manifests(yaml);
        manifests.objects.into_iter().next().expect("an object").object
    }

    #[test]
    fn service_rows_as_print_service() {
        let now = Time::from_unix_ms(60_000);
        let cases: &[(&str, [&str; 5])] = &[
            (
                "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: 10.96.0.12, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n",
                ["web", "ClusterIP", "10.96.0.12", "<none>", "80/TCP"],
            ),
            (
                "apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec: {type: NodePort, ports: [{name: http, port: 80, nodePort: 30080}, {name: dns, port: 53, protocol: UDP}]}\n",
                ["np", "NodePort", "<none>", "<none>", "80:30080/TCP,53/UDP"],
            ),
            (
                "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec: {type: LoadBalancer, ports: [{port: 443}]}\n",
                ["lb", "LoadBalancer", "<none>", "<pending>", "443/TCP"],
            ),
        ];
        for (yaml, expected) in cases {
            let Object::Service(service) = object(yaml) else { panic!("a Service") };
            let row = service_row(&service, now, true);
            assert_eq!(&row[..5], expected, "{yaml}");
        }
        let Object::Service(service) = object(cases[0].0) else { panic!("a Service") };
        assert_eq!(service_row(&service, now, true)[6], "app=web");
    }

    #[test]
    fn endpoints_show_three_then_count_the_rest() {
        let address = |ip: &str| EndpointAddress { ip: ip.to_string(), ports: vec![8080] };
        let now = Time::from_unix_ms(0);
        let row = endpoints_row("web", &[address("10.244.0.5"), address("10.244.1.3")], None, now);
        assert_eq!(row[1], "10.244.0.5:8080,10.244.1.3:8080");
        let many: Vec<EndpointAddress> = (1..=5).map(|n| address(&format!("10.0.0.{n}"))).collect();
        assert_eq!(endpoints_row("web", &many, None, now)[1], "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more...");
        assert_eq!(endpoints_row("web", &[], None, now)[1], "<none>");
    }

    #[test]
    fn secrets_count_string_data_once() {
        let yaml = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: YQ==}\nstringData: {a: x, b: y}\n";
        let Object::Secret(secret) = object(yaml) else { panic!("a Secret") };
        assert_eq!(secret_row(&secret, Time::from_unix_ms(0))[1..3], ["Opaque", "2"]);
    }
}
