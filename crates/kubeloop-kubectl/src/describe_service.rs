//! `kubectl describe service` (describeService in pkg/describe/describe.go):
//! the Service's addresses and ports, and per port the ready endpoints of
//! its EndpointSlices (`formatEndpointSlices`: `ip:port`, three at most,
//! then ` + N more...`).

use crate::describe::{Event, PrefixWriter, describe_events, print_annotations, print_labels};
use crate::printers::core::{format_labels, target_port};
use crate::printers::{items, scalar_text};
use kubeloop_engine::api::Time;
use kubeloop_engine::api::core::{Pod, Service};
use kubeloop_engine::api::intstr::IntOrString;
use kubeloop_engine::controller::endpointslice::endpoints_with_pods;

pub fn describe_service(service: &Service, pods: &[Pod], events: Option<&[Event]>, now: Time) -> String {
    let meta = &service.metadata;
    let spec = &service.spec;
    let mut w = PrefixWriter::tabbed();
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    print_labels(&mut w, "Labels", &meta.labels);
    print_annotations(&mut w, "Annotations", &meta.annotations);
    let selector = if spec.selector.is_empty() { String::new() } else { format_labels(&spec.selector) };
    w.write(0, &format!("Selector:\t{selector}\n"));
    w.write(0, &format!("Type:\t{}\n", spec.service_type.as_deref().unwrap_or("")));
    if let Some(policy) = spec.ip_family_policy.as_deref().and_then(scalar_text) {
        w.write(0, &format!("IP Family Policy:\t{policy}\n"));
    }
    let families: Vec<String> = items(spec.ip_families.as_deref()).into_iter().filter_map(scalar_text).collect();
    let families = if families.is_empty() { "<none>".to_string() } else { families.join(",") };
    w.write(0, &format!("IP Families:\t{families}\n"));
    w.write(0, &format!("IP:\t{}\n", spec.cluster_ip.as_deref().unwrap_or("")));
    let ips: Vec<String> = items(spec.cluster_ips.as_deref()).into_iter().filter_map(scalar_text).collect();
    let ips = if ips.is_empty() { "<none>".to_string() } else { ips.join(",") };
    w.write(0, &format!("IPs:\t{ips}\n"));
    let external: Vec<String> = items(spec.external_ips.as_deref()).into_iter().filter_map(scalar_text).collect();
    if !external.is_empty() {
        w.write(0, &format!("External IPs:\t{}\n", external.join(",")));
    }
    if let Some(name) = spec.external_name.as_deref().and_then(scalar_text).filter(|n| !n.is_empty()) {
        w.write(0, &format!("External Name:\t{name}\n"));
    }
    let endpoints: Vec<_> = endpoints_with_pods(service, pods).collect();
    for port in &spec.ports {
        let name = port.name.as_deref().filter(|n| !n.is_empty()).unwrap_or("<unset>");
        let protocol = port.protocol.as_deref().unwrap_or("TCP");
        w.write(0, &format!("Port:\t{name}\t{}/{protocol}\n", port.port));
        match &port.target_port {
            Some(IntOrString::String(target)) => w.write(0, &format!("TargetPort:\t{target}/{protocol}\n")),
            Some(IntOrString::Int(target)) => w.write(0, &format!("TargetPort:\t{target}/{protocol}\n")),
            None => w.write(0, &format!("TargetPort:\t0/{protocol}\n")),
        }
        if let Some(node_port) = port.node_port.filter(|&p| p != 0) {
            w.write(0, &format!("NodePort:\t{name}\t{node_port}/{protocol}\n"));
        }
        // Without a selector no controller manages slices: there are none.
        let cell = if spec.selector.is_empty() {
            "<none>".to_string()
        } else {
            let ready: Vec<String> = endpoints
                .iter()
                .filter(|(endpoint, _)| endpoint.conditions.ready)
                .map(|(endpoint, pod)| format!("{}:{}", endpoint.address, target_port(port, pod)))
                .collect();
            if ready.len() > 3 {
                format!("{} + {} more...", ready[..3].join(","), ready.len() - 3)
            } else {
                ready.join(",")
            }
        };
        w.write(0, &format!("Endpoints:\t{cell}\n"));
    }
    w.write(0, &format!("Session Affinity:\t{}\n", spec.session_affinity.as_deref().unwrap_or("")));
    if let Some(policy) = spec.external_traffic_policy.as_deref().filter(|p| !p.is_empty()) {
        w.write(0, &format!("External Traffic Policy:\t{policy}\n"));
    }
    if let Some(policy) = spec.internal_traffic_policy.as_deref() {
        w.write(0, &format!("Internal Traffic Policy:\t{policy}\n"));
    }
    if let Some(events) = events {
        describe_events(&mut w, events, now);
    }
    w.finish()
}
