//! What the Service REST storage allocates on create (pkg/registry/core/
//! service/ipallocator and portallocator): a cluster IP from the service
//! range 10.96.0.0/12, written to `clusterIP` and `clusterIPs` with the
//! single-stack IPv4 family fields, and a node port from 30000-32767 for
//! each port of a NodePort or LoadBalancer Service that names none.
//!
//! Upstream picks a random free address. The playground starts from a
//! hash of the Service's namespace and name instead and takes the next
//! free one: as unpredictable to a reader, but it draws nothing from the
//! world's RNG, so adding a Service never changes any other object's name
//! or uid.

use super::store::Store;
use crate::api::Object;
use crate::api::core::Service;
use crate::controller::deployment::hash::fnv32a;
use crate::lean::VecSet;
use serde_yaml::Value;

/// 10.96.0.0/12: the kube-apiserver's default `--service-cluster-ip-range`.
const RANGE_BASE: u32 = (10 << 24) | (96 << 16);
const RANGE_SIZE: u32 = 1 << 20;
/// The first address is the network's, the second the `kubernetes`
/// Service's; the last is the broadcast address.
const FIRST_FREE: u32 = 2;
const NODE_PORTS: std::ops::RangeInclusive<i32> = 30000..=32767;

fn opaque(value: Value) -> Option<Box<Value>> {
    Some(Box::new(value))
}

fn ip_text(address: u32) -> String {
    let [a, b, c, d] = address.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// Fills in a new Service's cluster IP and node ports.
pub fn allocate(store: &Store, service: &mut Service) {
    let spec = &mut service.spec;
    let service_type = spec.service_type.as_deref().unwrap_or("ClusterIP").to_string();
    if service_type == "ExternalName" {
        return;
    }
    let seed = fnv32a(format!("{}/{}", service.metadata.namespace(), service.metadata.name()).as_bytes());
    let others: Vec<&Service> = store
        .list("Service", None)
        .filter_map(|object| match object {
            Object::Service(other) => Some(other),
            _ => None,
        })
        .collect();
    let ip = match spec.cluster_ip.as_deref().filter(|ip| !ip.is_empty()) {
        Some(given) => given.to_string(),
        None => {
            let taken: VecSet<&str> = others.iter().filter_map(|other| other.spec.cluster_ip.as_deref()).collect();
            let span = RANGE_SIZE - FIRST_FREE - 1;
            let free = (0..span)
                .map(|step| RANGE_BASE + FIRST_FREE + (seed.wrapping_add(step)) % span)
                .map(ip_text)
                .find(|ip| !taken.contains(ip.as_str()));
            free.unwrap_or_default()
        }
    };
    spec.cluster_ip = Some(ip.clone());
    spec.cluster_ips = opaque(Value::Sequence(vec![Value::String(ip)]));
    spec.ip_families = opaque(Value::Sequence(vec![Value::String("IPv4".into())]));
    spec.ip_family_policy = opaque(Value::String("SingleStack".into()));
    if service_type == "NodePort" || service_type == "LoadBalancer" {
        let mut taken: VecSet<i32> =
            others.iter().flat_map(|other| other.spec.ports.iter().filter_map(|port| port.node_port)).collect();
        taken.extend(spec.ports.iter().filter_map(|port| port.node_port));
        let span = (NODE_PORTS.end() - NODE_PORTS.start() + 1) as u32;
        for (index, port) in spec.ports.iter_mut().enumerate() {
            if port.node_port.is_some_and(|node_port| node_port > 0) {
                continue;
            }
            let start = seed.wrapping_add(index as u32);
            let free = (0..span)
                .map(|step| NODE_PORTS.start() + (start.wrapping_add(step) % span) as i32)
                .find(|candidate| !taken.contains(candidate));
            if let Some(node_port) = free {
                taken.insert(node_port);
                port.node_port = Some(node_port);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode::from_yaml_str;

    fn service(yaml: &str) -> Service {
        from_yaml_str(yaml)
    }

    #[test]
    fn services_get_addresses_from_the_ranges() {
        let store = Store::default();
        let mut web = service("metadata: {name: web}\nspec: {ports: [{port: 80}]}\n");
        allocate(&store, &mut web);
        let ip = web.spec.cluster_ip.clone().expect("allocated");
        let octets: Vec<u32> = ip.split('.').map(|part| part.parse().expect("number")).collect();
        assert_eq!((octets[0], octets[1] & 0xf0), (10, 96), "{ip}");
        assert_ne!(ip, "10.96.0.1");
        let mut node_port = service(
            "metadata: {name: np}\nspec: {type: NodePort, ports: [{port: 80}, {port: 443, nodePort: 30443}]}\n",
        );
        allocate(&store, &mut node_port);
        let allocated = node_port.spec.ports[0].node_port.expect("allocated");
        assert!(NODE_PORTS.contains(&allocated) && allocated != 30443);
        assert_eq!(node_port.spec.ports[1].node_port, Some(30443));
        let mut external = service("metadata: {name: ext}\nspec: {type: ExternalName, externalName: example.com}\n");
        allocate(&store, &mut external);
        assert_eq!(external.spec.cluster_ip, None);
        let mut given = service("metadata: {name: fixed}\nspec: {clusterIP: 10.96.5.5, ports: [{port: 80}]}\n");
        allocate(&store, &mut given);
        assert_eq!(given.spec.cluster_ip.as_deref(), Some("10.96.5.5"));
    }
}
