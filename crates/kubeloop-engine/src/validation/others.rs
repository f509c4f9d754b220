//! Validation of the kinds beside the workloads: Service, ConfigMap, Secret,
//! Namespace, Node (`pkg/apis/core/validation`), HorizontalPodAutoscaler
//! (`pkg/apis/autoscaling/validation`), PodDisruptionBudget
//! (`pkg/apis/policy/validation`), and the playground's own App and Traffic,
//! which follow the API server's style.
//!
//! Every function runs on a defaulted object and returns its errors in
//! upstream's order, with upstream's field paths and words. Like
//! `ErrorList.ToAggregate`, an error whose rendering repeats an earlier one is
//! reported once. Go maps iterate in random order; ours are sorted.

use super::field::{BadValue, FieldError, FieldPath, json_quote};
use super::meta::{NameRule, validate_labels, validate_object_meta};
use super::names::{
    inclusive_range_error, is_config_map_key, is_valid_path_segment_name, is_valid_port_name, is_valid_port_num,
};
use super::names::{is_dns1035_label, is_dns1123_label, is_dns1123_subdomain, is_qualified_name};
use super::resources::is_integer_resource_name;
use super::{non_negative, validate_positive_int_or_percent};
use crate::api::autoscaling::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HpaScalingPolicy, HpaScalingRules, MetricSpec, MetricTarget,
    ResourceMetricSource,
};
use crate::api::base64;
use crate::api::core::{ConfigMap, Namespace, Node, Secret, Service, ServicePort};
use crate::api::intstr::{IntOrString, is_valid_percent};
use crate::api::meta::Opaque;
use crate::api::playground::{App, AppUsage, Traffic};
use crate::api::policy::PodDisruptionBudget;
use crate::api::quantity::Quantity;
use crate::api::selector::{LabelSelector, validate_label_selector_with_values};
use crate::lean::{VecMap, VecSet};
use serde_yaml::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

// ---------------------------------------------------------------------------
// Service
// ---------------------------------------------------------------------------

/// `supportedPortProtocols`, as `sets.List` orders it.
const PORT_PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
/// `supportedServiceType`.
const SERVICE_TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
/// `supportedSessionAffinityType`.
const SESSION_AFFINITIES: &[&str] = &["ClientIP", "None"];
/// `validExternalTrafficPolicies` and `supportedServiceInternalTrafficPolicy`.
const TRAFFIC_POLICIES: &[&str] = &["Cluster", "Local"];
/// `supportedServiceIPFamily`.
const IP_FAMILIES: &[&str] = &["IPv4", "IPv6"];
/// `supportedServiceIPFamilyPolicy`.
const IP_FAMILY_POLICIES: &[&str] = &["PreferDualStack", "RequireDualStack", "SingleStack"];
/// `core.MaxClientIPServiceAffinitySeconds`.
const MAX_CLIENT_IP_AFFINITY_SECONDS: i64 = 86400;
/// The API server's default `--service-node-port-range`.
const NODE_PORT_MIN: i32 = 30000;
const NODE_PORT_MAX: i32 = 32767;
const TOPOLOGY_AWARE_HINTS: &str = "service.kubernetes.io/topology-aware-hints";
const TOPOLOGY_MODE: &str = "service.kubernetes.io/topology-mode";
const LB_SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

/// ValidateService, preceded by what the Service REST storage does before
/// validating: it allocates the requested node ports, and a port outside the
/// node-port range is refused there, alone.
pub fn validate_service(service: &Service) -> Vec<FieldError> {
    if let Some(error) = node_port_allocation_error(service) {
        return vec![error];
    }
    let spec = &service.spec;
    let meta_path = FieldPath::root().child("metadata");
    let spec_path = FieldPath::root().child("spec");
    let mut errors = validate_object_meta(&service.metadata, NameRule::Dns1035Label, true);

    let annotations = &service.metadata.annotations;
    if let (Some(hints), Some(mode)) = (annotations.get(TOPOLOGY_AWARE_HINTS), annotations.get(TOPOLOGY_MODE))
        && hints != mode
    {
        errors.push(FieldError::invalid(
            meta_path.child("annotations").key(TOPOLOGY_MODE),
            BadValue::Str(mode.clone()),
            format!("must match annotations[{TOPOLOGY_AWARE_HINTS}] when both are specified"),
        ));
    }

    let service_type = spec.service_type.as_deref().unwrap_or("");
    let cluster_ips = normalized_cluster_ips(service);
    let headless = cluster_ips.len() == 1 && cluster_ips[0] == "None";
    let ports_path = spec_path.child("ports");

    if spec.ports.is_empty() && !headless && service_type != "ExternalName" {
        errors.push(FieldError::required(ports_path.clone(), ""));
    }
    match service_type {
        "LoadBalancer" | "NodePort" if headless => errors.push(FieldError::invalid(
            spec_path.child("clusterIPs").index(0),
            BadValue::Str("None".to_string()),
            format!("may not be set to 'None' for {service_type} services"),
        )),
        "ExternalName" => {
            if !cluster_ips.is_empty() {
                errors.push(FieldError::forbidden(
                    spec_path.child("clusterIPs"),
                    "may not be set for ExternalName services",
                ));
            }
            if !opaque_strings(&spec.ip_families).is_empty() {
                errors.push(FieldError::forbidden(
                    spec_path.child("ipFamilies"),
                    "may not be set for ExternalName services",
                ));
            }
            if opaque_is_set(&spec.ip_family_policy) {
                errors.push(FieldError::forbidden(
                    spec_path.child("ipFamilyPolicy"),
                    "may not be set for ExternalName services",
                ));
            }
            // The value (a CNAME) may end with a dot, for a fully qualified name.
            let external_name = opaque_str(&spec.external_name).unwrap_or("");
            let cname = external_name.strip_suffix('.').unwrap_or(external_name);
            if cname.is_empty() {
                errors.push(FieldError::required(spec_path.child("externalName"), ""));
            } else {
                for detail in is_dns1123_subdomain(cname) {
                    errors.push(FieldError::invalid(
                        spec_path.child("externalName"),
                        BadValue::Str(cname.to_string()),
                        detail,
                    ));
                }
            }
        }
        _ => {}
    }

    let mut port_names = VecSet::default();
    for (i, port) in spec.ports.iter().enumerate() {
        validate_service_port(port, spec.ports.len() > 1, &mut port_names, &ports_path.index(i), &mut errors);
    }

    errors.extend(validate_labels(&spec.selector, &spec_path.child("selector")));

    validate_session_affinity(service, &spec_path, &mut errors);
    if service_type != "ExternalName" {
        validate_cluster_ips(service, &cluster_ips, headless, &spec_path, &mut errors);
    }
    validate_external_ips(&opaque_strings(&spec.external_ips), &spec_path.child("externalIPs"), &mut errors);

    if service_type.is_empty() {
        errors.push(FieldError::required(spec_path.child("type"), ""));
    } else if !SERVICE_TYPES.contains(&service_type) {
        errors.push(FieldError::not_supported(
            spec_path.child("type"),
            BadValue::Str(service_type.to_string()),
            SERVICE_TYPES,
        ));
    }
    if service_type == "ClusterIP" {
        for (i, port) in spec.ports.iter().enumerate() {
            if port.node_port.unwrap_or(0) != 0 {
                errors.push(FieldError::forbidden(
                    ports_path.index(i).child("nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    validate_duplicate_ports(&spec.ports, &ports_path, &mut errors);
    validate_source_ranges(service, &spec_path, &mut errors);

    let load_balancer = service_type == "LoadBalancer";
    if opaque_is_set(&spec.allocate_load_balancer_node_ports) && !load_balancer {
        errors.push(FieldError::forbidden(
            spec_path.child("allocateLoadBalancerNodePorts"),
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    // (Upstream defaults allocateLoadBalancerNodePorts to true for
    // LoadBalancers, so its Required never fires; not modelled here.)
    if opaque_is_set(&spec.load_balancer_class) {
        let class_path = spec_path.child("loadBalancerClass");
        if load_balancer {
            if let Some(class) = opaque_str(&spec.load_balancer_class) {
                for detail in is_qualified_name(class) {
                    errors.push(FieldError::invalid(class_path.clone(), BadValue::Str(class.to_string()), detail));
                }
            }
        } else {
            errors.push(FieldError::forbidden(class_path, "may only be used when `type` is 'LoadBalancer'"));
        }
    }
    validate_traffic_policies(service, &spec_path, &mut errors);
    dedup(errors)
}

/// The node-port allocator's refusal of a requested port outside the range
/// (it runs before validation, for the types that get node ports).
fn node_port_allocation_error(service: &Service) -> Option<FieldError> {
    let service_type = service.spec.service_type.as_deref().unwrap_or("");
    if service_type != "NodePort" && service_type != "LoadBalancer" {
        return None;
    }
    service.spec.ports.iter().enumerate().find_map(|(i, port)| {
        let node_port = port.node_port.unwrap_or(0);
        (node_port != 0 && !(NODE_PORT_MIN..=NODE_PORT_MAX).contains(&node_port)).then(|| {
            FieldError::invalid(
                FieldPath::root().child("spec").child("ports").index(i).child("nodePort"),
                BadValue::Int(i64::from(node_port)),
                format!(
                    "provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}"
                ),
            )
        })
    })
}

/// `clusterIPs` as the REST storage normalizes it on create: a lone
/// `clusterIP` becomes the list.
fn normalized_cluster_ips(service: &Service) -> Vec<String> {
    let listed = opaque_strings(&service.spec.cluster_ips);
    match service.spec.cluster_ip.as_deref() {
        Some(ip) if listed.is_empty() && !ip.is_empty() => vec![ip.to_string()],
        _ => listed,
    }
}

/// validateServicePort.
fn validate_service_port(
    port: &ServicePort,
    require_name: bool,
    names: &mut VecSet<String>,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let name = port.name.as_deref().unwrap_or("");
    if require_name && name.is_empty() {
        errors.push(FieldError::required(path.child("name"), ""));
    } else if !name.is_empty() {
        for detail in is_dns1123_label(name) {
            errors.push(FieldError::invalid(path.child("name"), BadValue::Str(name.to_string()), detail));
        }
        if !names.insert(name.to_string()) {
            errors.push(FieldError::duplicate(path.child("name"), BadValue::Str(name.to_string())));
        }
    }
    for detail in is_valid_port_num(i64::from(port.port)) {
        errors.push(FieldError::invalid(path.child("port"), BadValue::Int(i64::from(port.port)), detail));
    }
    let protocol = port.protocol.as_deref().unwrap_or("");
    if protocol.is_empty() {
        errors.push(FieldError::required(path.child("protocol"), ""));
    } else if !PORT_PROTOCOLS.contains(&protocol) {
        errors.push(FieldError::not_supported(
            path.child("protocol"),
            BadValue::Str(protocol.to_string()),
            PORT_PROTOCOLS,
        ));
    }
    // Defaulting turns an absent, 0 or "" targetPort into the port.
    let target = match &port.target_port {
        None | Some(IntOrString::Int(0)) => IntOrString::Int(port.port),
        Some(IntOrString::String(text)) if text.is_empty() => IntOrString::Int(port.port),
        Some(target) => target.clone(),
    };
    validate_port_num_or_name(&target, &path.child("targetPort"), errors);
    if let Some(app_protocol) = &port.app_protocol {
        for detail in is_qualified_name(app_protocol) {
            errors.push(FieldError::invalid(path.child("appProtocol"), BadValue::Str(app_protocol.clone()), detail));
        }
    }
}

/// ValidatePortNumOrName.
fn validate_port_num_or_name(port: &IntOrString, path: &FieldPath, errors: &mut Vec<FieldError>) {
    match port {
        IntOrString::Int(number) => {
            for detail in is_valid_port_num(i64::from(*number)) {
                errors.push(FieldError::invalid(path.clone(), BadValue::Int(i64::from(*number)), detail));
            }
        }
        IntOrString::String(name) => {
            for detail in is_valid_port_name(name) {
                errors.push(FieldError::invalid(path.clone(), BadValue::Str(name.clone()), detail));
            }
        }
    }
}

/// sessionAffinity, and its config (defaulting gives ClientIP a timeout).
fn validate_session_affinity(service: &Service, spec_path: &FieldPath, errors: &mut Vec<FieldError>) {
    let affinity = service.spec.session_affinity.as_deref().unwrap_or("");
    let affinity_path = spec_path.child("sessionAffinity");
    if affinity.is_empty() {
        errors.push(FieldError::required(affinity_path, ""));
    } else if !SESSION_AFFINITIES.contains(&affinity) {
        errors.push(FieldError::not_supported(affinity_path, BadValue::Str(affinity.to_string()), SESSION_AFFINITIES));
    }
    let config = &service.spec.session_affinity_config;
    let config_path = spec_path.child("sessionAffinityConfig");
    if affinity == "ClientIP" {
        let timeout = config.as_ref().and_then(|c| c.get("clientIP")).and_then(|c| c.get("timeoutSeconds"));
        if let Some(seconds) = timeout.and_then(Value::as_i64)
            && (seconds <= 0 || seconds > MAX_CLIENT_IP_AFFINITY_SECONDS)
        {
            errors.push(FieldError::invalid(
                config_path.child("clientIP").child("timeoutSeconds"),
                BadValue::Int(seconds),
                format!("must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}"),
            ));
        }
    } else if affinity == "None" && opaque_is_set(config) {
        errors.push(FieldError::forbidden(config_path, "must not be set when session affinity is None"));
    }
}

/// ValidateServiceClusterIPsRelatedFields (not called for ExternalName).
fn validate_cluster_ips(
    service: &Service,
    cluster_ips: &[String],
    headless: bool,
    spec_path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let ips_path = spec_path.child("clusterIPs");
    let ips_value = || BadValue::Json(json_string_list(cluster_ips));
    let cluster_ip = service.spec.cluster_ip.as_deref().unwrap_or("");
    if !cluster_ip.is_empty() && cluster_ips.first().is_some_and(|first| first != cluster_ip) {
        errors.push(FieldError::invalid(ips_path.clone(), ips_value(), "first value must match `clusterIP`"));
    }
    let families = opaque_strings(&service.spec.ip_families);
    let mut seen = VecSet::default();
    for (i, family) in families.iter().enumerate() {
        let family_path = spec_path.child("ipFamilies").index(i);
        if !IP_FAMILIES.contains(&family.as_str()) {
            errors.push(FieldError::not_supported(family_path.clone(), BadValue::Str(family.clone()), IP_FAMILIES));
        }
        if !seen.insert(family.as_str()) {
            errors.push(FieldError::duplicate(family_path, BadValue::Str(family.clone())));
        }
    }
    if let Some(policy) = opaque_str(&service.spec.ip_family_policy)
        && !IP_FAMILY_POLICIES.contains(&policy)
    {
        errors.push(FieldError::not_supported(
            spec_path.child("ipFamilyPolicy"),
            BadValue::Str(policy.to_string()),
            IP_FAMILY_POLICIES,
        ));
    }
    let mut has_invalid = false;
    for (i, ip) in cluster_ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if cluster_ips.len() > 1 {
                has_invalid = true;
                errors.push(FieldError::invalid(
                    ips_path.clone(),
                    ips_value(),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        if parse_ip_sloppy(ip).is_none() {
            has_invalid = true;
            errors.push(invalid_ip(ips_path.index(i), ip));
        }
    }
    if cluster_ips.len() > 2 {
        errors.push(FieldError::invalid(ips_path.clone(), ips_value(), "may only hold up to 2 values"));
    }
    if has_invalid {
        return;
    }
    if cluster_ips.len() > 1 {
        let v6 = cluster_ips.iter().filter(|ip| is_ipv6_string(ip)).count();
        if !(cluster_ips.len() == 2 && v6 == 1) {
            errors.push(FieldError::invalid(
                ips_path.clone(),
                ips_value(),
                "may specify no more than one IP for each IP family",
            ));
        }
    }
    if !headless {
        for (i, (ip, family)) in cluster_ips.iter().zip(&families).enumerate() {
            let v6 = is_ipv6_string(ip);
            let wanted = match family.as_str() {
                "IPv4" if v6 => "IPv4",
                "IPv6" if !v6 => "IPv6",
                _ => continue,
            };
            errors.push(FieldError::invalid(
                ips_path.index(i),
                BadValue::Str(ip.clone()),
                format!("expected an {wanted} value as indicated by `ipFamilies[{i}]`"),
            ));
        }
    }
}

/// externalIPs: each an IP (IsValidIP), then not a special one
/// (ValidateNonSpecialIP).
fn validate_external_ips(ips: &[String], path: &FieldPath, errors: &mut Vec<FieldError>) {
    for (i, text) in ips.iter().enumerate() {
        let ip_path = path.index(i);
        let Some(ip) = parse_ip_sloppy(text) else {
            errors.push(invalid_ip(ip_path, text));
            continue;
        };
        let value = || BadValue::Str(text.clone());
        if ip.is_unspecified() {
            errors.push(FieldError::invalid(ip_path.clone(), value(), format!("may not be unspecified ({text})")));
        }
        let v4 = match ip {
            IpAddr::V4(v4) => Some(v4),
            IpAddr::V6(v6) => v6.to_ipv4_mapped(),
        };
        let (loopback, link_local, link_local_multicast) = match (v4, ip) {
            (Some(v4), _) => {
                let o = v4.octets();
                (o[0] == 127, o[0] == 169 && o[1] == 254, o[0] == 224 && o[1] == 0 && o[2] == 0)
            }
            (None, IpAddr::V6(v6)) => {
                let s = v6.segments();
                (v6 == Ipv6Addr::LOCALHOST, s[0] & 0xffc0 == 0xfe80, s[0] & 0xff0f == 0xff02)
            }
            (None, IpAddr::V4(_)) => (false, false, false),
        };
        if loopback {
            errors.push(FieldError::invalid(
                ip_path.clone(),
                value(),
                "may not be in the loopback range (127.0.0.0/8, ::1/128)",
            ));
        }
        if link_local {
            errors.push(FieldError::invalid(
                ip_path.clone(),
                value(),
                "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
            ));
        }
        if link_local_multicast {
            errors.push(FieldError::invalid(
                ip_path.clone(),
                value(),
                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
            ));
        }
    }
}

/// Duplicate node ports and ports, each keyed by (protocol, number).
fn validate_duplicate_ports(ports: &[ServicePort], ports_path: &FieldPath, errors: &mut Vec<FieldError>) {
    let mut node_ports = VecSet::default();
    for (i, port) in ports.iter().enumerate() {
        let node_port = port.node_port.unwrap_or(0);
        if node_port != 0 && !node_ports.insert((port.protocol.as_deref().unwrap_or(""), node_port)) {
            errors.push(FieldError::duplicate(
                ports_path.index(i).child("nodePort"),
                BadValue::Int(i64::from(node_port)),
            ));
        }
    }
    let mut seen = VecSet::default();
    for (i, port) in ports.iter().enumerate() {
        let protocol = port.protocol.as_deref().unwrap_or("");
        if !seen.insert((protocol, port.port)) {
            // The key is a whole internal ServicePort (no JSON tags) holding
            // only the protocol and the port.
            let key = format!(
                "{{\"Name\":\"\",\"Protocol\":{},\"AppProtocol\":null,\"Port\":{},\"TargetPort\":0,\"NodePort\":0}}",
                json_quote(protocol),
                port.port
            );
            errors.push(FieldError::duplicate(ports_path.index(i), BadValue::Json(key)));
        }
    }
}

/// loadBalancerSourceRanges, or the older annotation.
fn validate_source_ranges(service: &Service, spec_path: &FieldPath, errors: &mut Vec<FieldError>) {
    let load_balancer = service.spec.service_type.as_deref() == Some("LoadBalancer");
    let ranges = opaque_strings(&service.spec.load_balancer_source_ranges);
    if !ranges.is_empty() {
        // Upstream's path, capital L and all.
        let path = spec_path.child("LoadBalancerSourceRanges");
        if !load_balancer {
            errors.push(FieldError::forbidden(path.clone(), "may only be used when `type` is 'LoadBalancer'"));
        }
        for (i, range) in ranges.iter().enumerate() {
            let range = range.trim();
            if !is_valid_cidr(range) {
                errors.push(invalid_cidr(path.index(i), range));
            }
        }
    } else if let Some(value) = service.metadata.annotations.get(LB_SOURCE_RANGES_ANNOTATION) {
        let path = FieldPath::root().child("metadata").child("annotations").key(LB_SOURCE_RANGES_ANNOTATION);
        if !load_balancer {
            errors.push(FieldError::forbidden(path.clone(), "may only be used when `type` is 'LoadBalancer'"));
        }
        let value = value.trim();
        if !value.is_empty() {
            for range in value.split(',').map(str::trim) {
                if !is_valid_cidr(range) {
                    errors.push(invalid_cidr(path.clone(), range));
                }
            }
        }
    }
}

/// validateServiceExternalTrafficPolicy and
/// validateServiceInternalTrafficFieldsValue.
fn validate_traffic_policies(service: &Service, spec_path: &FieldPath, errors: &mut Vec<FieldError>) {
    let spec = &service.spec;
    let service_type = spec.service_type.as_deref().unwrap_or("");
    let externally_accessible = matches!(service_type, "LoadBalancer" | "NodePort")
        || (service_type == "ClusterIP" && !opaque_strings(&spec.external_ips).is_empty());
    let external = spec.external_traffic_policy.as_deref().unwrap_or("");
    let external_path = spec_path.child("externalTrafficPolicy");
    if !externally_accessible {
        if !external.is_empty() {
            errors.push(FieldError::invalid(
                external_path,
                BadValue::Str(external.to_string()),
                "may only be set for externally-accessible services",
            ));
        }
    } else if external.is_empty() {
        // Defaulting sets it for NodePort and LoadBalancer.
        if service_type != "ClusterIP" {
            errors.push(FieldError::required(external_path, ""));
        }
    } else if !TRAFFIC_POLICIES.contains(&external) {
        errors.push(FieldError::not_supported(external_path, BadValue::Str(external.to_string()), TRAFFIC_POLICIES));
    }
    // The health-check node port is allocated before validation when needed.
    let needs_health_check = service_type == "LoadBalancer" && external == "Local";
    let health_path = spec_path.child("healthCheckNodePort");
    if let Some(port) = opaque_i64(&spec.health_check_node_port).filter(|port| *port != 0) {
        if !needs_health_check {
            errors.push(FieldError::invalid(
                health_path,
                BadValue::Int(port),
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        } else {
            for detail in is_valid_port_num(port) {
                errors.push(FieldError::invalid(health_path.clone(), BadValue::Int(port), detail));
            }
        }
    }
    let internal_path = spec_path.child("internalTrafficPolicy");
    match spec.internal_traffic_policy.as_deref() {
        None if matches!(service_type, "NodePort" | "LoadBalancer" | "ClusterIP") => {
            errors.push(FieldError::required(internal_path, ""));
        }
        Some(internal) if !TRAFFIC_POLICIES.contains(&internal) => {
            errors.push(FieldError::not_supported(internal_path, BadValue::Str(internal.to_string()), TRAFFIC_POLICIES))
        }
        _ => {}
    }
}

fn invalid_ip(path: FieldPath, text: &str) -> FieldError {
    FieldError::invalid(
        path,
        BadValue::Str(text.to_string()),
        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
    )
}

fn invalid_cidr(path: FieldPath, text: &str) -> FieldError {
    FieldError::invalid(
        path,
        BadValue::Str(text.to_string()),
        "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
    )
}

/// `netutils.ParseIPSloppy`: an IPv4 address may have leading zeros (read as
/// decimal); IPv6 as Go's `net.ParseIP` reads it.
fn parse_ip_sloppy(text: &str) -> Option<IpAddr> {
    if text.contains(':') {
        return text.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *octet = part.parse::<u8>().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(IpAddr::V4(Ipv4Addr::from(octets)))
}

/// `netutils.IsIPv6String`: an IP that is not IPv4 (nor IPv4-mapped).
fn is_ipv6_string(text: &str) -> bool {
    matches!(parse_ip_sloppy(text), Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none())
}

/// `netutils.ParseCIDRSloppy` succeeds.
fn is_valid_cidr(text: &str) -> bool {
    let Some((ip, bits)) = text.split_once('/') else { return false };
    let Some(ip) = parse_ip_sloppy(ip) else { return false };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    !bits.is_empty()
        && bits.len() <= 3
        && bits.bytes().all(|b| b.is_ascii_digit())
        && bits.parse::<u32>().is_ok_and(|n| n <= max)
}

// ---------------------------------------------------------------------------
// ConfigMap and Secret
// ---------------------------------------------------------------------------

/// `core.MaxSecretSize`, also the ConfigMap limit.
const MAX_SECRET_SIZE: usize = 1024 * 1024;
const REDACTED: &str = "<secret contents redacted>";

/// ValidateConfigMap. `binaryData` values are base64 in the manifest; one that
/// does not decode is refused (upstream: when the request is decoded).
pub fn validate_config_map(config_map: &ConfigMap) -> Vec<FieldError> {
    let mut errors = validate_object_meta(&config_map.metadata, NameRule::DnsSubdomain, true);
    let data_path = FieldPath::root().child("data");
    let binary_path = FieldPath::root().child("binaryData");
    let mut total = 0usize;
    for (key, value) in &config_map.data {
        for detail in is_config_map_key(key) {
            errors.push(FieldError::invalid(data_path.key(key), BadValue::Str(key.clone()), detail));
        }
        if config_map.binary_data.contains_key(key) {
            errors.push(FieldError::invalid(
                data_path.key(key),
                BadValue::Str(key.clone()),
                "duplicate of key present in binaryData",
            ));
        }
        total = total.saturating_add(value.len());
    }
    for (key, value) in &config_map.binary_data {
        for detail in is_config_map_key(key) {
            errors.push(FieldError::invalid(binary_path.key(key), BadValue::Str(key.clone()), detail));
        }
        match base64::decode(value) {
            Ok(bytes) => total = total.saturating_add(bytes.len()),
            Err(detail) => errors.push(FieldError::invalid(binary_path.key(key), BadValue::Str(value.clone()), detail)),
        }
    }
    if total > MAX_SECRET_SIZE {
        // The empty path: the error is about the whole object.
        errors.push(FieldError::too_long(FieldPath::root(), MAX_SECRET_SIZE));
    }
    dedup(errors)
}

/// ValidateSecret. `data` values are base64 (stringData was folded in by
/// defaulting); one that does not decode is refused with Go's decoder error.
pub fn validate_secret(secret: &Secret) -> Vec<FieldError> {
    let mut errors = validate_object_meta(&secret.metadata, NameRule::DnsSubdomain, true);
    let data_path = FieldPath::root().child("data");
    // Keys come in order: each insert is a push.
    let mut decoded: VecMap<&str, Vec<u8>> = VecMap::default();
    let mut total = 0usize;
    for (key, value) in &secret.data {
        for detail in is_config_map_key(key) {
            errors.push(FieldError::invalid(data_path.key(key), BadValue::Str(key.clone()), detail));
        }
        match base64::decode(value) {
            Ok(bytes) => {
                total = total.saturating_add(bytes.len());
                decoded.insert(key, bytes);
            }
            Err(detail) => errors.push(FieldError::invalid(data_path.key(key), BadValue::Str(REDACTED.into()), detail)),
        }
    }
    if total > MAX_SECRET_SIZE {
        errors.push(FieldError::too_long(data_path.clone(), MAX_SECRET_SIZE));
    }
    let present = |key: &str| secret.data.contains_key(key);
    match secret.secret_type.as_deref().unwrap_or("") {
        "kubernetes.io/service-account-token" => {
            let annotation = "kubernetes.io/service-account.name";
            if secret.metadata.annotations.get(annotation).is_none_or(String::is_empty) {
                errors.push(FieldError::required(
                    FieldPath::root().child("metadata").child("annotations").key(annotation),
                    "",
                ));
            }
        }
        "kubernetes.io/dockercfg" => {
            validate_docker_config(&decoded, present(".dockercfg"), ".dockercfg", &data_path, &mut errors)
        }
        "kubernetes.io/dockerconfigjson" => {
            validate_docker_config(&decoded, present(".dockerconfigjson"), ".dockerconfigjson", &data_path, &mut errors)
        }
        // Either may be empty, but one must be there.
        "kubernetes.io/basic-auth" if !present("username") && !present("password") => {
            errors.push(FieldError::required(data_path.key("username"), ""));
            errors.push(FieldError::required(data_path.key("password"), ""));
        }
        "kubernetes.io/ssh-auth" => {
            let key = "ssh-privatekey";
            let empty = match decoded.get(key) {
                Some(bytes) => bytes.is_empty(),
                None => !present(key),
            };
            if empty {
                errors.push(FieldError::required(data_path.key(key), ""));
            }
        }
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if !present(key) {
                    errors.push(FieldError::required(data_path.key(key), ""));
                }
            }
        }
        // Opaque, "" and any other type: nothing more to check.
        _ => {}
    }
    dedup(errors)
}

/// The docker-config types: the key must be there and hold a JSON object.
fn validate_docker_config(
    decoded: &VecMap<&str, Vec<u8>>,
    present: bool,
    key: &str,
    data_path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    if !present {
        errors.push(FieldError::required(data_path.key(key), ""));
        return;
    }
    if let Some(bytes) = decoded.get(key)
        && let Err(detail) = json_object_check(bytes)
    {
        errors.push(FieldError::invalid(data_path.key(key), BadValue::Str(REDACTED.into()), detail));
    }
}

// ---------------------------------------------------------------------------
// Namespace and Node
// ---------------------------------------------------------------------------

/// ValidateNamespace: a DNS-label name, no namespace.
pub fn validate_namespace(namespace: &Namespace) -> Vec<FieldError> {
    dedup(validate_object_meta(&namespace.metadata, NameRule::DnsLabel, false))
}

/// ValidateNode: a DNS-subdomain name, no namespace, and ValidateNodeResources
/// (capacity and allocatable quantities non-negative, integer resources whole).
pub fn validate_node(node: &Node) -> Vec<FieldError> {
    let mut errors = validate_object_meta(&node.metadata, NameRule::DnsSubdomain, false);
    let status_path = FieldPath::root().child("status");
    for (field, resources) in [("capacity", &node.status.capacity), ("allocatable", &node.status.allocatable)] {
        for (name, quantity) in resources {
            // Upstream builds this path with NewPath("status", field, name).
            let path = status_path.child(field).child(name);
            validate_resource_quantity(name, quantity, &path, &mut errors);
        }
    }
    dedup(errors)
}

/// ValidateResourceQuantityValue.
fn validate_resource_quantity(name: &str, quantity: &Quantity, path: &FieldPath, errors: &mut Vec<FieldError>) {
    non_negative_quantity(quantity, path, errors);
    if is_integer_resource_name(name) && quantity.milli_value() % 1000 != 0 {
        errors.push(FieldError::invalid(path.clone(), BadValue::Str(quantity.canonical()), "must be an integer"));
    }
}

/// ValidateNonnegativeQuantity.
fn non_negative_quantity(quantity: &Quantity, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if quantity.is_negative() {
        errors.push(FieldError::invalid(
            path.clone(),
            BadValue::Str(quantity.canonical()),
            "must be greater than or equal to 0",
        ));
    }
}

/// `Quantity.Sign() == 1`.
fn is_positive(quantity: &Quantity) -> bool {
    !quantity.is_negative() && !quantity.is_zero()
}

// ---------------------------------------------------------------------------
// HorizontalPodAutoscaler (autoscaling/v2)
// ---------------------------------------------------------------------------

/// `MaxPeriodSeconds`.
const MAX_PERIOD_SECONDS: i32 = 1800;
/// `MaxStabilizationWindowSeconds`.
const MAX_STABILIZATION_WINDOW_SECONDS: i32 = 3600;
/// `validMetricSourceTypesList`.
const METRIC_SOURCE_TYPES: &[&str] = &["ContainerResource", "External", "Object", "Pods", "Resource"];
/// `validSelectPolicyTypesList`.
const SELECT_POLICIES: &[&str] = &["Disabled", "Max", "Min"];
/// `validPolicyTypesList`.
const SCALING_POLICY_TYPES: &[&str] = &["Percent", "Pods"];

/// ValidateHorizontalPodAutoscaler, with HPAScaleToZero off (its default):
/// minReplicas must be at least 1.
pub fn validate_hpa(hpa: &HorizontalPodAutoscaler) -> Vec<FieldError> {
    let mut errors = validate_object_meta(&hpa.metadata, NameRule::DnsSubdomain, true);
    let spec = &hpa.spec;
    let path = FieldPath::root().child("spec");
    let min_replicas_lower_bound = 1;
    if let Some(min) = spec.min_replicas
        && min < min_replicas_lower_bound
    {
        errors.push(FieldError::invalid(
            path.child("minReplicas"),
            BadValue::Int(i64::from(min)),
            format!("must be greater than or equal to {min_replicas_lower_bound}"),
        ));
    }
    let max_path = path.child("maxReplicas");
    let max = BadValue::Int(i64::from(spec.max_replicas));
    if spec.max_replicas < 1 {
        errors.push(FieldError::invalid(max_path.clone(), max.clone(), "must be greater than 0"));
    }
    if spec.min_replicas.is_some_and(|min| spec.max_replicas < min) {
        errors.push(FieldError::invalid(max_path, max, "must be greater than or equal to `minReplicas`"));
    }
    validate_cross_version_object_reference(&spec.scale_target_ref, &path.child("scaleTargetRef"), &mut errors);
    let metrics_path = path.child("metrics");
    for (i, metric) in spec.metrics.iter().enumerate() {
        validate_metric_spec(metric, &metrics_path.index(i), &mut errors);
    }
    if spec.min_replicas == Some(0)
        && !spec.metrics.iter().any(|m| m.metric_type == "Object" || m.metric_type == "External")
    {
        errors.push(FieldError::forbidden(
            metrics_path,
            "must specify at least one Object or External metric to support scaling to zero replicas",
        ));
    }
    if let Some(behavior) = &spec.behavior {
        let behavior_path = path.child("behavior");
        if let Some(rules) = &behavior.scale_up {
            validate_scaling_rules(rules, &behavior_path.child("scaleUp"), &mut errors);
        }
        if let Some(rules) = &behavior.scale_down {
            validate_scaling_rules(rules, &behavior_path.child("scaleDown"), &mut errors);
        }
    }
    dedup(errors)
}

/// ValidateCrossVersionObjectReference.
fn validate_cross_version_object_reference(
    reference: &CrossVersionObjectReference,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    for (field, value) in [("kind", &reference.kind), ("name", &reference.name)] {
        if value.is_empty() {
            errors.push(FieldError::required(path.child(field), ""));
        } else {
            for detail in is_valid_path_segment_name(value) {
                errors.push(FieldError::invalid(path.child(field), BadValue::Str(value.clone()), detail));
            }
        }
    }
}

/// validateMetricSpec. Only the `resource` source is modelled in depth; the
/// others are checked for presence.
fn validate_metric_spec(metric: &MetricSpec, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let metric_type = metric.metric_type.as_str();
    let type_path = path.child("type");
    if metric_type.is_empty() {
        errors.push(FieldError::required(type_path.clone(), "must specify a metric source type"));
    }
    let unsupported =
        || FieldError::not_supported(type_path.clone(), BadValue::Str(metric_type.to_string()), METRIC_SOURCE_TYPES);
    if !METRIC_SOURCE_TYPES.contains(&metric_type) {
        errors.push(unsupported());
    }
    // Sources present, in upstream's order; only the first is validated.
    let present: Vec<&str> = [
        ("object", opaque_is_set(&metric.object)),
        ("external", opaque_is_set(&metric.external)),
        ("pods", opaque_is_set(&metric.pods)),
        ("resource", metric.resource.is_some()),
        ("containerResource", opaque_is_set(&metric.container_resource)),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect();
    if present.first() == Some(&"resource")
        && let Some(resource) = &metric.resource
    {
        validate_resource_source(resource, &path.child("resource"), errors);
    }
    let expected = match metric_type {
        "Object" => "object",
        "Pods" => "pods",
        "Resource" => "resource",
        "External" => "external",
        "ContainerResource" => "containerResource",
        _ => {
            errors.push(unsupported());
            ""
        }
    };
    if !expected.is_empty() && !present.contains(&expected) {
        errors
            .push(FieldError::required(path.child(expected), "must populate information for the given metric source"));
    }
    if present.len() != 1 {
        let mut others: Vec<&str> = present.into_iter().filter(|name| *name != expected).collect();
        crate::lean::sort(&mut others);
        for other in others {
            errors.push(FieldError::forbidden(path.child(other), "must populate the given metric source only"));
        }
    }
}

/// validateResourceSource.
fn validate_resource_source(source: &ResourceMetricSource, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if source.name.is_empty() {
        errors.push(FieldError::required(path.child("name"), "must specify a resource name"));
    }
    let target_path = path.child("target");
    validate_metric_target(&source.target, &target_path, errors);
    let target = &source.target;
    if target.average_utilization.is_none() && target.average_value.is_none() {
        errors.push(FieldError::required(
            target_path.child("averageUtilization"),
            "must set either a target raw value or a target utilization",
        ));
    }
    if target.average_utilization.is_some() && target.average_value.is_some() {
        errors.push(FieldError::forbidden(
            target_path.child("averageValue"),
            "may not set both a target raw value and a target utilization",
        ));
    }
}

/// validateMetricTarget.
fn validate_metric_target(target: &MetricTarget, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let target_type = target.target_type.as_str();
    if target_type.is_empty() {
        errors.push(FieldError::required(path.child("type"), "must specify a metric target type"));
    }
    if !matches!(target_type, "Utilization" | "Value" | "AverageValue") {
        errors.push(FieldError::invalid(
            path.child("type"),
            BadValue::Str(target_type.to_string()),
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    for (field, value) in [("value", &target.value), ("averageValue", &target.average_value)] {
        if let Some(quantity) = value
            && !is_positive(quantity)
        {
            errors.push(FieldError::invalid(
                path.child(field),
                BadValue::Str(quantity.canonical()),
                "must be positive",
            ));
        }
    }
    if let Some(utilization) = target.average_utilization
        && utilization < 1
    {
        errors.push(FieldError::invalid(
            path.child("averageUtilization"),
            BadValue::Int(i64::from(utilization)),
            "must be greater than 0",
        ));
    }
}

/// validateScalingRules.
fn validate_scaling_rules(rules: &HpaScalingRules, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if let Some(window) = rules.stabilization_window_seconds {
        let window_path = path.child("stabilizationWindowSeconds");
        if window < 0 {
            errors.push(FieldError::invalid(
                window_path.clone(),
                BadValue::Int(i64::from(window)),
                "must be greater than or equal to zero",
            ));
        }
        if window > MAX_STABILIZATION_WINDOW_SECONDS {
            errors.push(FieldError::invalid(
                window_path,
                BadValue::Int(i64::from(window)),
                format!("must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"),
            ));
        }
    }
    if let Some(select) = rules.select_policy.as_deref()
        && !SELECT_POLICIES.contains(&select)
    {
        errors.push(FieldError::not_supported(
            path.child("selectPolicy"),
            BadValue::Str(select.to_string()),
            SELECT_POLICIES,
        ));
    }
    let policies_path = path.child("policies");
    let policies = rules.policies.as_deref().unwrap_or(&[]);
    if policies.is_empty() {
        errors.push(FieldError::required(policies_path.clone(), "must specify at least one Policy"));
    }
    for (i, policy) in policies.iter().enumerate() {
        validate_scaling_policy(policy, &policies_path.index(i), errors);
    }
    if let Some(tolerance) = &rules.tolerance
        && tolerance.is_negative()
    {
        errors.push(FieldError::invalid(
            path.child("tolerance"),
            BadValue::Str(tolerance.canonical()),
            "must be greater than or equal to zero",
        ));
    }
}

/// validateScalingPolicy.
fn validate_scaling_policy(policy: &HpaScalingPolicy, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if !SCALING_POLICY_TYPES.contains(&policy.policy_type.as_str()) {
        errors.push(FieldError::not_supported(
            path.child("type"),
            BadValue::Str(policy.policy_type.clone()),
            SCALING_POLICY_TYPES,
        ));
    }
    if policy.value <= 0 {
        errors.push(FieldError::invalid(
            path.child("value"),
            BadValue::Int(i64::from(policy.value)),
            "must be greater than zero",
        ));
    }
    let period = BadValue::Int(i64::from(policy.period_seconds));
    if policy.period_seconds <= 0 {
        errors.push(FieldError::invalid(path.child("periodSeconds"), period.clone(), "must be greater than zero"));
    }
    if policy.period_seconds > MAX_PERIOD_SECONDS {
        errors.push(FieldError::invalid(
            path.child("periodSeconds"),
            period,
            format!("must be less than or equal to {MAX_PERIOD_SECONDS}"),
        ));
    }
}

// ---------------------------------------------------------------------------
// PodDisruptionBudget (policy/v1)
// ---------------------------------------------------------------------------

/// `supportedUnhealthyPodEvictionPolicies`.
const UNHEALTHY_POD_EVICTION_POLICIES: &[&str] = &["AlwaysAllow", "IfHealthyBudget"];

/// ValidatePodDisruptionBudget (the spec only). Its metadata is checked by
/// the generic create path afterwards, and only if the spec passed: names
/// there need only be valid path segments.
pub fn validate_pdb(pdb: &PodDisruptionBudget) -> Vec<FieldError> {
    let spec = &pdb.spec;
    let path = FieldPath::root().child("spec");
    let mut errors = Vec::new();
    if spec.min_available.is_some() && spec.max_unavailable.is_some() {
        errors.push(FieldError::invalid(
            path.clone(),
            BadValue::Json(pdb_spec_json(pdb)),
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    for (field, value) in [("minAvailable", &spec.min_available), ("maxUnavailable", &spec.max_unavailable)] {
        if let Some(value) = value {
            let field_path = path.child(field);
            validate_positive_int_or_percent(value, &field_path, &mut errors);
            if let IntOrString::String(text) = value
                && is_valid_percent(text)
                && text.trim_end_matches('%').parse::<u64>().map_or(true, |percent| percent > 100)
            {
                errors.push(FieldError::invalid(
                    field_path,
                    BadValue::Str(text.clone()),
                    "must not be greater than 100%",
                ));
            }
        }
    }
    if let Some(selector) = &spec.selector {
        for (field, words, value, detail) in validate_label_selector_with_values(selector, "spec.selector") {
            let path = FieldPath::parse(&field);
            errors.push(match words.as_str() {
                "Required value" => FieldError::required(path, detail),
                "Forbidden" => FieldError::forbidden(path, detail),
                _ => FieldError::invalid(path, BadValue::Str(value.unwrap_or_default()), detail),
            });
        }
    }
    if let Some(policy) = spec.unhealthy_pod_eviction_policy.as_deref()
        && !UNHEALTHY_POD_EVICTION_POLICIES.contains(&policy)
    {
        errors.push(FieldError::not_supported(
            path.child("unhealthyPodEvictionPolicy"),
            BadValue::Str(policy.to_string()),
            UNHEALTHY_POD_EVICTION_POLICIES,
        ));
    }
    if errors.is_empty() {
        errors = validate_object_meta(&pdb.metadata, NameRule::PathSegment, true);
    }
    dedup(errors)
}

/// The internal PodDisruptionBudgetSpec as encoding/json writes it (no JSON
/// tags: Go field names, declaration order).
fn pdb_spec_json(pdb: &PodDisruptionBudget) -> String {
    let spec = &pdb.spec;
    let int_or_string = |value: &Option<IntOrString>| match value {
        None => "null".to_string(),
        Some(IntOrString::Int(n)) => n.to_string(),
        Some(IntOrString::String(s)) => json_quote(s),
    };
    let selector = spec.selector.as_ref().map_or_else(|| "null".to_string(), selector_json);
    let policy = spec.unhealthy_pod_eviction_policy.as_deref().map_or_else(|| "null".to_string(), json_quote);
    format!(
        "{{\"MinAvailable\":{},\"Selector\":{},\"MaxUnavailable\":{},\"UnhealthyPodEvictionPolicy\":{}}}",
        int_or_string(&spec.min_available),
        selector,
        int_or_string(&spec.max_unavailable),
        policy
    )
}

/// metav1.LabelSelector as encoding/json writes it.
fn selector_json(selector: &LabelSelector) -> String {
    let mut fields = Vec::new();
    if !selector.match_labels.is_empty() {
        let BadValue::Json(labels) = BadValue::string_map(&selector.match_labels) else { return String::new() };
        fields.push(format!("\"matchLabels\":{labels}"));
    }
    if !selector.match_expressions.is_empty() {
        let expressions: Vec<String> = selector
            .match_expressions
            .iter()
            .map(|e| {
                let values = if e.values.is_empty() {
                    String::new()
                } else {
                    format!(",\"values\":{}", json_string_list(&e.values))
                };
                format!("{{\"key\":{},\"operator\":{}{values}}}", json_quote(&e.key), json_quote(&e.operator))
            })
            .collect();
        fields.push(format!("\"matchExpressions\":[{}]", expressions.join(",")));
    }
    format!("{{{}}}", fields.join(","))
}

// ---------------------------------------------------------------------------
// The playground's kinds
// ---------------------------------------------------------------------------

/// The most requests per second a Traffic may send (a playground limit).
const MAX_REQUESTS_PER_SECOND: i64 = 100_000;

/// An App (cluster-scoped): what runs behind an image.
pub fn validate_app(app: &App) -> Vec<FieldError> {
    let mut errors = validate_object_meta(&app.metadata, NameRule::DnsSubdomain, false);
    let spec = &app.spec;
    let path = FieldPath::root().child("spec");
    let image_path = path.child("image");
    if spec.image.is_empty() {
        errors.push(FieldError::required(image_path, ""));
    } else if spec.image.trim() != spec.image {
        errors.push(FieldError::invalid(
            image_path,
            BadValue::Str(spec.image.clone()),
            "must not have leading or trailing whitespace",
        ));
    }
    if let Some(pull) = spec.pull.as_deref()
        && pull != "Succeeds"
        && pull != "NotFound"
    {
        errors.push(FieldError::not_supported(
            path.child("pull"),
            BadValue::Str(pull.to_string()),
            &["NotFound", "Succeeds"],
        ));
    }
    if let Some(seconds) = spec.startup_seconds {
        non_negative(i64::from(seconds), path.child("startupSeconds"), &mut errors);
    }
    if let Some(crash) = &spec.crash {
        let crash_path = path.child("crash");
        if let Some(seconds) = crash.after_seconds {
            non_negative(i64::from(seconds), crash_path.child("afterSeconds"), &mut errors);
        }
        if let Some(code) = crash.exit_code {
            in_range(i64::from(code), 0, 255, crash_path.child("exitCode"), &mut errors);
        }
    }
    let endpoints_path = path.child("endpoints");
    for (field, status) in [("readiness", spec.endpoints.readiness), ("liveness", spec.endpoints.liveness)] {
        if let Some(status) = status {
            in_range(i64::from(status), 100, 599, endpoints_path.child(field), &mut errors);
        }
    }
    for (field, usage) in [("memory", &spec.memory), ("cpu", &spec.cpu)] {
        let AppUsage { baseline, per_request } = usage;
        let usage_path = path.child(field);
        if let Some(quantity) = baseline {
            non_negative_quantity(quantity, &usage_path.child("baseline"), &mut errors);
        }
        if let Some(quantity) = per_request {
            non_negative_quantity(quantity, &usage_path.child("perRequest"), &mut errors);
        }
    }
    dedup(errors)
}

/// A Traffic (namespaced): load on a Service.
pub fn validate_traffic(traffic: &Traffic) -> Vec<FieldError> {
    let mut errors = validate_object_meta(&traffic.metadata, NameRule::DnsSubdomain, true);
    let spec = &traffic.spec;
    let path = FieldPath::root().child("spec");
    let service_path = path.child("service");
    if spec.service.is_empty() {
        errors.push(FieldError::required(service_path, ""));
    } else {
        // A Service's name, as ValidateServiceName checks it.
        for detail in is_dns1035_label(&spec.service) {
            errors.push(FieldError::invalid(service_path.clone(), BadValue::Str(spec.service.clone()), detail));
        }
    }
    let rate = i64::from(spec.requests_per_second);
    if !(0..=MAX_REQUESTS_PER_SECOND).contains(&rate) {
        errors.push(FieldError::invalid(
            path.child("requestsPerSecond"),
            BadValue::Int(rate),
            format!("{} (the playground's limit)", inclusive_range_error(0, MAX_REQUESTS_PER_SECOND)),
        ));
    }
    dedup(errors)
}

fn in_range(value: i64, lo: i64, hi: i64, path: FieldPath, errors: &mut Vec<FieldError>) {
    if !(lo..=hi).contains(&value) {
        errors.push(FieldError::invalid(path, BadValue::Int(value), inclusive_range_error(lo, hi)));
    }
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// `ErrorList.ToAggregate` drops an error whose message repeats an earlier one.
fn dedup(errors: Vec<FieldError>) -> Vec<FieldError> {
    let mut seen = VecSet::default();
    errors.into_iter().filter(|error| seen.insert(error.to_string())).collect()
}

fn opaque_is_set(value: &Opaque) -> bool {
    value.as_ref().is_some_and(|v| !v.is_null())
}

fn opaque_str(value: &Opaque) -> Option<&str> {
    value.as_deref().and_then(Value::as_str)
}

fn opaque_i64(value: &Opaque) -> Option<i64> {
    value.as_deref().and_then(Value::as_i64)
}

/// A list of strings (anything else in it is left out).
fn opaque_strings(value: &Opaque) -> Vec<String> {
    match value.as_deref() {
        Some(Value::Sequence(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

fn json_string_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| json_quote(item)).collect();
    format!("[{}]", quoted.join(","))
}

/// What `json.Unmarshal(data, &map[string]interface{}{})` says of `data`:
/// its syntax check first (encoding/json's scanner messages), then whether
/// the value is an object (or null).
fn json_object_check(data: &[u8]) -> Result<(), String> {
    let mut parser = JsonChecker { data, at: 0 };
    parser.skip_space();
    let first = parser.peek();
    parser.value()?;
    parser.skip_space();
    if let Some(c) = parser.peek() {
        return Err(JsonChecker::invalid(c, "after top-level value"));
    }
    let kind = match first {
        Some(b'{') | Some(b'n') => return Ok(()),
        Some(b'[') => "array",
        Some(b'"') => "string",
        Some(b't') | Some(b'f') => "bool",
        _ => "number",
    };
    Err(format!("json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"))
}

/// A walk of JSON that fails where Go's scanner fails, with its words. It
/// keeps its own stack of open containers (no recursion), so deep nesting is
/// refused past Go's 10000 levels rather than overflowing ours.
struct JsonChecker<'a> {
    data: &'a [u8],
    at: usize,
}

const JSON_END: &str = "unexpected end of JSON input";
/// encoding/json's `maxNestingDepth`.
const JSON_MAX_DEPTH: usize = 10_000;

#[derive(Clone, Copy, PartialEq)]
enum JsonContainer {
    Object,
    Array,
}

impl JsonChecker<'_> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.at).copied()
    }

    fn next(&mut self) -> Result<u8, String> {
        let c = self.peek().ok_or_else(|| JSON_END.to_string())?;
        self.at += 1;
        Ok(c)
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.at += 1;
        }
    }

    /// `invalid character 'x' <context>`, with Go's `quoteChar`.
    fn invalid(c: u8, context: &str) -> String {
        let quoted = match c {
            b'\'' => "'\\''".to_string(),
            b'"' => "'\"'".to_string(),
            b'\\' => "'\\\\'".to_string(),
            0x07 => "'\\a'".to_string(),
            0x08 => "'\\b'".to_string(),
            0x0c => "'\\f'".to_string(),
            b'\n' => "'\\n'".to_string(),
            b'\r' => "'\\r'".to_string(),
            b'\t' => "'\\t'".to_string(),
            0x0b => "'\\v'".to_string(),
            c if c < 0x20 || c == 0x7f => format!("'\\x{c:02x}'"),
            c if c < 0x80 => format!("'{}'", c as char),
            c if c < 0xa1 || c == 0xad => format!("'\\u{:04x}'", u32::from(c)),
            c => format!("'{}'", char::from(c)),
        };
        format!("invalid character {quoted} {context}")
    }

    /// One whole value (and nothing after it is looked at).
    fn value(&mut self) -> Result<(), String> {
        let mut stack: Vec<JsonContainer> = Vec::new();
        'value: loop {
            self.skip_space();
            let c = self.next()?;
            match c {
                b'{' | b'[' => {
                    if stack.len() >= JSON_MAX_DEPTH {
                        return Err(Self::invalid(c, "exceeded max depth"));
                    }
                    self.skip_space();
                    let (close, container) =
                        if c == b'{' { (b'}', JsonContainer::Object) } else { (b']', JsonContainer::Array) };
                    if self.peek() == Some(close) {
                        self.at += 1;
                    } else {
                        stack.push(container);
                        if container == JsonContainer::Object {
                            self.object_key()?;
                        }
                        continue 'value;
                    }
                }
                b'"' => self.string()?,
                b'-' | b'0'..=b'9' => self.number(c)?,
                b't' => self.literal(b"rue", "true")?,
                b'f' => self.literal(b"alse", "false")?,
                b'n' => self.literal(b"ull", "null")?,
                c => return Err(Self::invalid(c, "looking for beginning of value")),
            }
            // After a value: close containers until one wants another value.
            loop {
                let Some(&container) = stack.last() else { return Ok(()) };
                self.skip_space();
                let c = self.next()?;
                match (container, c) {
                    (JsonContainer::Object, b',') => {
                        self.object_key()?;
                        continue 'value;
                    }
                    (JsonContainer::Array, b',') => continue 'value,
                    (JsonContainer::Object, b'}') | (JsonContainer::Array, b']') => {
                        stack.pop();
                    }
                    (JsonContainer::Object, c) => return Err(Self::invalid(c, "after object key:value pair")),
                    (JsonContainer::Array, c) => return Err(Self::invalid(c, "after array element")),
                }
            }
        }
    }

    /// `"key" :`, before an object's value.
    fn object_key(&mut self) -> Result<(), String> {
        self.skip_space();
        match self.next()? {
            b'"' => self.string()?,
            c => return Err(Self::invalid(c, "looking for beginning of object key string")),
        }
        self.skip_space();
        match self.next()? {
            b':' => Ok(()),
            c => Err(Self::invalid(c, "after object key")),
        }
    }

    fn string(&mut self) -> Result<(), String> {
        loop {
            match self.next()? {
                b'"' => return Ok(()),
                b'\\' => match self.next()? {
                    b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {}
                    b'u' => {
                        for _ in 0..4 {
                            let c = self.next()?;
                            if !c.is_ascii_hexdigit() {
                                return Err(Self::invalid(c, "in \\u hexadecimal character escape"));
                            }
                        }
                    }
                    c => return Err(Self::invalid(c, "in string escape code")),
                },
                c if c < 0x20 => return Err(Self::invalid(c, "in string literal")),
                _ => {}
            }
        }
    }

    /// A number; the byte after it is left for the caller (Go's scanner
    /// reports it in the caller's context too).
    fn number(&mut self, first: u8) -> Result<(), String> {
        let mut c = first;
        if c == b'-' {
            c = self.next()?;
            if !c.is_ascii_digit() {
                return Err(Self::invalid(c, "in numeric literal"));
            }
        }
        if c != b'0' {
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.at += 1;
            }
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            let c = self.next()?;
            if !c.is_ascii_digit() {
                return Err(Self::invalid(c, "after decimal point in numeric literal"));
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.at += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            let mut c = self.next()?;
            if c == b'+' || c == b'-' {
                c = self.next()?;
            }
            if !c.is_ascii_digit() {
                return Err(Self::invalid(c, "in exponent of numeric literal"));
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.at += 1;
            }
        }
        Ok(())
    }

    fn literal(&mut self, rest: &[u8], word: &str) -> Result<(), String> {
        for &expected in rest {
            let c = self.next()?;
            if c != expected {
                return Err(Self::invalid(c, &format!("in literal {word} (expecting '{}')", expected as char)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Object;
    use crate::api::intstr::PERCENT_ERROR;

    const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    const KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    /// Reads `yaml` as `kind`, defaults it as the API server would, and
    /// validates it: the rendered errors.
    fn errors_of(kind: &str, yaml: &str) -> Vec<String> {
        let mut object = match kind {
            "Service" => Object::Service(crate::api::decode::from_yaml_str(yaml)),
            "ConfigMap" => Object::ConfigMap(crate::api::decode::from_yaml_str(yaml)),
            "Secret" => Object::Secret(crate::api::decode::from_yaml_str(yaml)),
            "Namespace" => Object::Namespace(crate::api::decode::from_yaml_str(yaml)),
            "Node" => Object::Node(crate::api::decode::from_yaml_str(yaml)),
            "HorizontalPodAutoscaler" => Object::HorizontalPodAutoscaler(crate::api::decode::from_yaml_str(yaml)),
            "PodDisruptionBudget" => Object::PodDisruptionBudget(crate::api::decode::from_yaml_str(yaml)),
            "App" => Object::App(crate::api::decode::from_yaml_str(yaml)),
            "Traffic" => Object::Traffic(crate::api::decode::from_yaml_str(yaml)),
            other => panic!("no such kind in these tests: {other}"),
        };
        crate::defaults::apply(&mut object);
        crate::validation::validate(&object).iter().map(ToString::to_string).collect()
    }

    /// Runs a table: each case's YAML must give exactly its errors.
    fn check(kind: &str, cases: &[(&str, &[&str])]) {
        for (yaml, expected) in cases {
            assert_eq!(errors_of(kind, yaml), *expected, "{kind}:\n{yaml}");
        }
    }

    fn s(text: &str) -> String {
        text.to_string()
    }

    // ----------------------------------------------------------------- Service

    #[test]
    fn realistic_services_are_valid() {
        check(
            "Service",
            &[
                ("metadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}", &[]),
                (
                    "metadata: {name: web, namespace: shop}\nspec:\n  selector: {app.kubernetes.io/name: web}\n  ports:\n  - {name: http, port: 80, targetPort: http}\n  - {name: https, port: 443, targetPort: 8443, protocol: TCP}\n  - {name: dns, port: 53, protocol: UDP}\n",
                    &[],
                ),
                ("metadata: {name: db}\nspec: {clusterIP: None, selector: {app: db}}", &[]),
                ("metadata: {name: ext}\nspec: {type: ExternalName, externalName: db.example.com.}", &[]),
                (
                    "metadata: {name: np}\nspec: {type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}",
                    &[],
                ),
                (
                    "metadata: {name: lb}\nspec: {type: LoadBalancer, externalTrafficPolicy: Local, healthCheckNodePort: 32000, loadBalancerSourceRanges: [10.0.0.0/8], ports: [{port: 443}]}",
                    &[],
                ),
                (
                    "metadata: {name: sticky}\nspec: {sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}, clusterIP: 10.96.0.10, ports: [{port: 80}]}",
                    &[],
                ),
                ("metadata: {name: port-zero-target}\nspec: {ports: [{port: 80, targetPort: 0}]}", &[]),
            ],
        );
    }

    #[test]
    fn service_names_ports_and_protocols() {
        let name_error = format!("metadata.name: Invalid value: \"Web\": {DNS1035_MSG}");
        let port_name_error = format!("spec.ports[0].name: Invalid value: \"HTTP\": {LABEL_MSG}");
        check(
            "Service",
            &[
                ("metadata: {name: Web}\nspec: {ports: [{port: 80}]}", &[&name_error]),
                ("metadata: {name: web}\nspec: {selector: {app: web}}", &["spec.ports: Required value"]),
                (
                    "metadata: {name: web}\nspec: {ports: [{port: 70000, targetPort: 8080}]}",
                    &["spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"],
                ),
                (
                    // The defaulted targetPort is the (bad) port as well.
                    "metadata: {name: web}\nspec: {ports: [{port: 0}]}",
                    &[
                        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                        "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {ports: [{port: 80, targetPort: 65536}]}",
                    &["spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive"],
                ),
                (
                    "metadata: {name: web}\nspec: {ports: [{port: 80, targetPort: HTTP}]}",
                    &[
                        "spec.ports[0].targetPort: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                        "spec.ports[0].targetPort: Invalid value: \"HTTP\": must contain at least one letter (a-z)",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {ports: [{port: 80, targetPort: web--http-server}]}",
                    &[
                        "spec.ports[0].targetPort: Invalid value: \"web--http-server\": must be no more than 15 characters",
                        "spec.ports[0].targetPort: Invalid value: \"web--http-server\": must not contain consecutive hyphens",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {ports: [{port: 80, targetPort: -http}]}",
                    &["spec.ports[0].targetPort: Invalid value: \"-http\": must not begin or end with a hyphen"],
                ),
                (
                    "metadata: {name: web}\nspec: {ports: [{port: 80, protocol: HTTP}]}",
                    &[
                        "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {ports: [{port: 80}, {port: 443}]}",
                    &["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"],
                ),
                (
                    "metadata: {name: web}\nspec: {ports: [{name: http, port: 80}, {name: http, port: 8080}]}",
                    &["spec.ports[1].name: Duplicate value: \"http\""],
                ),
                (
                    "metadata: {name: web}\nspec: {ports: [{name: a, port: 80}, {name: b, port: 80}, {name: c, port: 80, protocol: UDP}]}",
                    &[
                        "spec.ports[1]: Duplicate value: {\"Name\":\"\",\"Protocol\":\"TCP\",\"AppProtocol\":null,\"Port\":80,\"TargetPort\":0,\"NodePort\":0}",
                    ],
                ),
                ("metadata: {name: web}\nspec: {ports: [{name: HTTP, port: 80}]}", &[&port_name_error]),
                (
                    "metadata: {name: web}\nspec: {ports: [{port: 80, appProtocol: 'a/b/c'}]}",
                    &[
                        "spec.ports[0].appProtocol: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                    ],
                ),
            ],
        );
    }

    #[test]
    fn service_types_affinity_and_selector() {
        let selector_error = format!("spec.selector: Invalid value: \"web app\": {VALUE_MSG}");
        check(
            "Service",
            &[
                (
                    "metadata: {name: web}\nspec: {type: Ingress, ports: [{port: 80}]}",
                    &[
                        "spec.type: Unsupported value: \"Ingress\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {sessionAffinity: Sticky, ports: [{port: 80}]}",
                    &["spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\""],
                ),
                (
                    "metadata: {name: web}\nspec: {sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}, ports: [{port: 80}]}",
                    &["spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"],
                ),
                (
                    "metadata: {name: web}\nspec: {sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}, ports: [{port: 80}]}",
                    &[
                        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400",
                    ],
                ),
                ("metadata: {name: web}\nspec: {selector: {app: web app}, ports: [{port: 80}]}", &[&selector_error]),
                (
                    "metadata: {name: web}\nspec: {ports: [{port: 80, nodePort: 30080}]}",
                    &["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
                ),
                (
                    // The node-port allocator refuses first, and alone.
                    "metadata: {name: Web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 80}, {port: 81, nodePort: 8080}]}",
                    &[
                        "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {type: NodePort, ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81, nodePort: 30080}]}",
                    &["spec.ports[1].nodePort: Duplicate value: 30080"],
                ),
                (
                    "metadata: {name: web}\nspec: {type: NodePort, clusterIP: None, ports: [{port: 80}]}",
                    &["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"],
                ),
                (
                    "metadata: {name: web}\nspec: {type: ExternalName, clusterIP: 10.0.0.1}",
                    &[
                        "spec.clusterIPs: Forbidden: may not be set for ExternalName services",
                        "spec.externalName: Required value",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {type: ExternalName, externalName: Example.COM}",
                    &[&format!("spec.externalName: Invalid value: \"Example.COM\": {SUBDOMAIN_MSG}")],
                ),
                (
                    "metadata: {name: web}\nspec: {internalTrafficPolicy: Node, ports: [{port: 80}]}",
                    &[
                        "spec.internalTrafficPolicy: Unsupported value: \"Node\": supported values: \"Cluster\", \"Local\"",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {externalTrafficPolicy: Local, ports: [{port: 80}]}",
                    &[
                        "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {type: LoadBalancer, externalTrafficPolicy: Nearest, ports: [{port: 80}]}",
                    &[
                        "spec.externalTrafficPolicy: Unsupported value: \"Nearest\": supported values: \"Cluster\", \"Local\"",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {loadBalancerSourceRanges: [10.0.0.0/33], ports: [{port: 80}]}",
                    &[
                        "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
                        "spec.LoadBalancerSourceRanges[0]: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {loadBalancerClass: example.com/lb, allocateLoadBalancerNodePorts: false, ports: [{port: 80}]}",
                    &[
                        "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
                        "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'",
                    ],
                ),
            ],
        );
    }

    #[test]
    fn service_cluster_and_external_ips() {
        check(
            "Service",
            &[
                (
                    "metadata: {name: web}\nspec: {clusterIP: 10.0.0.300, ports: [{port: 80}]}",
                    &[
                        "spec.clusterIPs[0]: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    ],
                ),
                ("metadata: {name: web}\nspec: {clusterIP: 010.000.000.001, ports: [{port: 80}]}", &[]),
                (
                    "metadata: {name: web}\nspec: {clusterIP: 10.0.0.1, clusterIPs: [10.0.0.2], ports: [{port: 80}]}",
                    &["spec.clusterIPs: Invalid value: [\"10.0.0.2\"]: first value must match `clusterIP`"],
                ),
                (
                    "metadata: {name: web}\nspec: {clusterIPs: [10.0.0.1, 10.0.0.2], ports: [{port: 80}]}",
                    &[
                        "spec.clusterIPs: Invalid value: [\"10.0.0.1\",\"10.0.0.2\"]: may specify no more than one IP for each IP family",
                    ],
                ),
                ("metadata: {name: web}\nspec: {clusterIPs: [10.0.0.1, 'fd00::1'], ports: [{port: 80}]}", &[]),
                (
                    "metadata: {name: web}\nspec: {clusterIP: 10.0.0.1, ipFamilies: [IPv6, IPv6], ipFamilyPolicy: DualStack, ports: [{port: 80}]}",
                    &[
                        "spec.ipFamilies[1]: Duplicate value: \"IPv6\"",
                        "spec.ipFamilyPolicy: Unsupported value: \"DualStack\": supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"",
                        "spec.clusterIPs[0]: Invalid value: \"10.0.0.1\": expected an IPv6 value as indicated by `ipFamilies[0]`",
                    ],
                ),
                (
                    "metadata: {name: web}\nspec: {externalIPs: [127.0.0.1, 0.0.0.0, 169.254.1.1, 'fe80::1', 203.0.113.7, nope], ports: [{port: 80}]}",
                    &[
                        "spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
                        "spec.externalIPs[1]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
                        "spec.externalIPs[2]: Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
                        "spec.externalIPs[3]: Invalid value: \"fe80::1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
                        "spec.externalIPs[5]: Invalid value: \"nope\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    ],
                ),
            ],
        );
    }

    #[test]
    fn service_errors_read_like_kubectl_through_the_manifest_reader() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 0\n    targetPort: 8080\n";
        let messages: Vec<String> = crate::parse_manifests(text)
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(
            messages,
            [s(
                "The Service \"web\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"
            )]
        );
    }

    // ------------------------------------------------------ ConfigMap, Secret

    #[test]
    fn config_maps() {
        let big = format!("metadata: {{name: big}}\ndata: {{a: {}}}", "x".repeat(MAX_SECRET_SIZE + 1));
        let bad_key = format!("data[bad key]: Invalid value: \"bad key\": {KEY_MSG}");
        let long_key =
            format!("data[{0}]: Invalid value: \"{0}\": must be no more than 253 characters", "k".repeat(254));
        let long_key_yaml = format!("metadata: {{name: cfg}}\ndata: {{{}: v}}", "k".repeat(254));
        check(
            "ConfigMap",
            &[
                (
                    "metadata: {name: app-config, namespace: shop}\ndata: {APP_MODE: production, config.yaml: 'a: 1', .hidden: x}\nbinaryData: {logo.png: iVBORw0KGgo=}",
                    &[],
                ),
                ("metadata: {name: cfg}\ndata: {bad key: v}", &[&bad_key]),
                (&long_key_yaml, &[&long_key]),
                (
                    "metadata: {name: cfg}\ndata: {'..': v, '..a': w}",
                    &[
                        "data[..]: Invalid value: \"..\": must not be '..'",
                        "data[..a]: Invalid value: \"..a\": must not start with '..'",
                    ],
                ),
                (
                    "metadata: {name: cfg}\ndata: {a: x}\nbinaryData: {a: eA==}",
                    &["data[a]: Invalid value: \"a\": duplicate of key present in binaryData"],
                ),
                (
                    "metadata: {name: cfg}\nbinaryData: {b: ab!d}",
                    &["binaryData[b]: Invalid value: \"ab!d\": illegal base64 data at input byte 2"],
                ),
                (&big, &[": Too long: may not be more than 1048576 bytes"]),
                (
                    "metadata: {name: Cfg}\ndata: {a: b}",
                    &[&format!("metadata.name: Invalid value: \"Cfg\": {SUBDOMAIN_MSG}")],
                ),
            ],
        );
    }

    #[test]
    fn secrets() {
        let big = format!("metadata: {{name: big}}\nstringData: {{a: {}}}", "x".repeat(MAX_SECRET_SIZE + 1));
        let bad_key = format!("data[bad key]: Invalid value: \"bad key\": {KEY_MSG}");
        check(
            "Secret",
            &[
                ("metadata: {name: db-credentials}\ndata: {password: czNjcjN0}\nstringData: {username: admin}", &[]),
                ("metadata: {name: tls}\ntype: kubernetes.io/tls\ndata: {tls.crt: Y2VydA==, tls.key: a2V5}", &[]),
                (
                    "metadata: {name: regcred}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{\"auths\": {\"r.example.com\": {\"auth\": \"eDp5\"}}}'}",
                    &[],
                ),
                ("metadata: {name: basic}\ntype: kubernetes.io/basic-auth\nstringData: {password: ''}", &[]),
                ("metadata: {name: custom}\ntype: example.com/anything\ndata: {x: eA==}", &[]),
                (
                    "metadata: {name: s}\ndata: {password: ab!d}",
                    &[
                        "data[password]: Invalid value: \"<secret contents redacted>\": illegal base64 data at input byte 2",
                    ],
                ),
                ("metadata: {name: s}\nstringData: {bad key: v}", &[&bad_key]),
                (&big, &["data: Too long: may not be more than 1048576 bytes"]),
                (
                    "metadata: {name: tls}\ntype: kubernetes.io/tls\ndata: {}",
                    &["data[tls.crt]: Required value", "data[tls.key]: Required value"],
                ),
                (
                    "metadata: {name: basic}\ntype: kubernetes.io/basic-auth",
                    &["data[username]: Required value", "data[password]: Required value"],
                ),
                (
                    "metadata: {name: ssh}\ntype: kubernetes.io/ssh-auth\nstringData: {ssh-privatekey: ''}",
                    &["data[ssh-privatekey]: Required value"],
                ),
                (
                    "metadata: {name: reg}\ntype: kubernetes.io/dockerconfigjson",
                    &["data[.dockerconfigjson]: Required value"],
                ),
                (
                    "metadata: {name: reg}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{\"auths\": '}",
                    &[
                        "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": unexpected end of JSON input",
                    ],
                ),
                (
                    "metadata: {name: reg}\ntype: kubernetes.io/dockercfg\nstringData: {.dockercfg: '[]'}",
                    &[
                        "data[.dockercfg]: Invalid value: \"<secret contents redacted>\": json: cannot unmarshal array into Go value of type map[string]interface {}",
                    ],
                ),
                (
                    "metadata: {name: sa-token}\ntype: kubernetes.io/service-account-token",
                    &["metadata.annotations[kubernetes.io/service-account.name]: Required value"],
                ),
                (
                    "metadata: {name: sa-token, annotations: {kubernetes.io/service-account.name: builder}}\ntype: kubernetes.io/service-account-token",
                    &[],
                ),
            ],
        );
    }

    #[test]
    fn json_checks_speak_like_encoding_json() {
        let cases: &[(&str, Result<(), &str>)] = &[
            ("{}", Ok(())),
            ("null", Ok(())),
            (" {\"a\": [1, -2.5e+3, true, false, null, \"\\u00e9\\n\"]} ", Ok(())),
            ("", Err("unexpected end of JSON input")),
            ("{x", Err("invalid character 'x' looking for beginning of object key string")),
            ("{\"a\" 1}", Err("invalid character '1' after object key")),
            ("{\"a\": 1 \"b\"}", Err("invalid character '\"' after object key:value pair")),
            ("{\"a\": [1 2]}", Err("invalid character '2' after array element")),
            ("{} x", Err("invalid character 'x' after top-level value")),
            ("{\"a\": tru}", Err("invalid character '}' in literal true (expecting 'e')")),
            ("{\"a\": 01}", Err("invalid character '1' after object key:value pair")),
            ("{\"a\": 1.}", Err("invalid character '}' after decimal point in numeric literal")),
            ("{\"a\": -}", Err("invalid character '}' in numeric literal")),
            ("{\"a\": 1e}", Err("invalid character '}' in exponent of numeric literal")),
            ("{\"a\": \"\\x\"}", Err("invalid character 'x' in string escape code")),
            ("{\"a\": \"\n\"}", Err("invalid character '\\n' in string literal")),
            ("{\"a\": 'b'}", Err("invalid character '\\'' looking for beginning of value")),
            ("\"text\"", Err("json: cannot unmarshal string into Go value of type map[string]interface {}")),
            ("12", Err("json: cannot unmarshal number into Go value of type map[string]interface {}")),
        ];
        for (input, expected) in cases {
            assert_eq!(json_object_check(input.as_bytes()), expected.map_err(s), "{input:?}");
        }
        let deep = "[".repeat(20_000);
        assert_eq!(json_object_check(deep.as_bytes()), Err(s("invalid character '[' exceeded max depth")));
        let ok_deep = format!("{{\"a\":{}{}}}", "[".repeat(9_999), "]".repeat(9_999));
        assert_eq!(json_object_check(ok_deep.as_bytes()), Ok(()));
    }

    // ------------------------------------------------------- Namespace, Node

    #[test]
    fn namespaces() {
        check(
            "Namespace",
            &[
                ("metadata: {name: team-a, labels: {team: a}}", &[]),
                // Not namespaced: a namespace field is ignored.
                ("metadata: {name: team-b, namespace: Not_A_Label}", &[]),
                ("metadata: {name: team.a}", &["metadata.name: Invalid value: \"team.a\": must not contain dots"]),
                ("metadata: {}", &["metadata.name: Required value: name or generateName is required"]),
            ],
        );
    }

    #[test]
    fn nodes() {
        check(
            "Node",
            &[
                (
                    "metadata: {name: node-1.example.com, labels: {kubernetes.io/hostname: node-1}}\nstatus:\n  capacity: {cpu: '4', memory: 8Gi, pods: '110', nvidia.com/gpu: '1'}\n  allocatable: {cpu: 3900m, memory: 7Gi, pods: '110'}\n",
                    &[],
                ),
                ("metadata: {name: Node_1}", &[&format!("metadata.name: Invalid value: \"Node_1\": {SUBDOMAIN_MSG}")]),
                (
                    "metadata: {name: n}\nstatus:\n  capacity: {cpu: '-1', pods: '1.5', example.com/dongle: 500m}\n  allocatable: {memory: -1Gi}\n",
                    &[
                        "status.capacity.cpu: Invalid value: \"-1\": must be greater than or equal to 0",
                        "status.capacity.example.com/dongle: Invalid value: \"500m\": must be an integer",
                        "status.capacity.pods: Invalid value: \"1500m\": must be an integer",
                        "status.allocatable.memory: Invalid value: \"-1Gi\": must be greater than or equal to 0",
                    ],
                ),
            ],
        );
    }

    // -------------------------------------------------------------------- HPA

    const HPA: &str =
        "metadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n";

    fn hpa(rest: &str) -> String {
        format!("{HPA}{rest}")
    }

    #[test]
    fn realistic_hpas_are_valid() {
        let cases = [
            hpa("  maxReplicas: 10\n"),
            hpa(
                "  minReplicas: 2\n  maxReplicas: 10\n  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n  - type: Resource\n    resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}\n",
            ),
            hpa(
                "  maxReplicas: 5\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 300\n      selectPolicy: Min\n      policies: [{type: Pods, value: 1, periodSeconds: 60}]\n    scaleUp: {tolerance: '0.05'}\n",
            ),
            hpa(
                "  maxReplicas: 5\n  metrics:\n  - type: Pods\n    pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: '100'}}\n",
            ),
        ];
        for yaml in &cases {
            assert_eq!(errors_of("HorizontalPodAutoscaler", yaml), Vec::<String>::new(), "{yaml}");
        }
    }

    #[test]
    fn hpa_replicas_and_target() {
        let cases: Vec<(String, &[&str])> = vec![
            (
                "metadata: {name: web}\nspec: {maxReplicas: 3}".to_string(),
                &["spec.scaleTargetRef.kind: Required value", "spec.scaleTargetRef.name: Required value"],
            ),
            (
                "metadata: {name: web}\nspec: {maxReplicas: 3, scaleTargetRef: {kind: ., name: 'a/b%'}}".to_string(),
                &[
                    "spec.scaleTargetRef.kind: Invalid value: \".\": may not be '.'",
                    "spec.scaleTargetRef.name: Invalid value: \"a/b%\": may not contain '/'",
                    "spec.scaleTargetRef.name: Invalid value: \"a/b%\": may not contain '%'",
                ],
            ),
            (
                hpa("  minReplicas: 0\n  maxReplicas: 3\n"),
                &[
                    "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
                    "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
                ],
            ),
            (
                hpa("  maxReplicas: 0\n"),
                &[
                    "spec.maxReplicas: Invalid value: 0: must be greater than 0",
                    "spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`",
                ],
            ),
            (
                hpa("  minReplicas: 5\n  maxReplicas: 3\n"),
                &["spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`"],
            ),
        ];
        for (yaml, expected) in &cases {
            assert_eq!(errors_of("HorizontalPodAutoscaler", yaml), *expected, "{yaml}");
        }
    }

    #[test]
    fn hpa_metrics() {
        let resource = |target: &str| {
            hpa(&format!(
                "  maxReplicas: 3\n  metrics:\n  - type: Resource\n    resource: {{name: cpu, target: {target}}}\n"
            ))
        };
        let cases: Vec<(String, &[&str])> = vec![
            (
                hpa(
                    "  maxReplicas: 3\n  metrics:\n  - type: Cpu\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n",
                ),
                &[
                    "spec.metrics[0].type: Unsupported value: \"Cpu\": supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\"",
                ],
            ),
            (
                hpa(
                    "  maxReplicas: 3\n  metrics:\n  - resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n",
                ),
                &[
                    "spec.metrics[0].type: Required value: must specify a metric source type",
                    "spec.metrics[0].type: Unsupported value: \"\": supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\"",
                ],
            ),
            (
                hpa("  maxReplicas: 3\n  metrics:\n  - type: Resource\n"),
                &["spec.metrics[0].resource: Required value: must populate information for the given metric source"],
            ),
            (
                hpa(
                    "  maxReplicas: 3\n  metrics:\n  - type: Pods\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n    external: {metric: {name: queue}}\n",
                ),
                &[
                    "spec.metrics[0].pods: Required value: must populate information for the given metric source",
                    "spec.metrics[0].external: Forbidden: must populate the given metric source only",
                    "spec.metrics[0].resource: Forbidden: must populate the given metric source only",
                ],
            ),
            (
                hpa(
                    "  maxReplicas: 3\n  metrics:\n  - type: Resource\n    resource: {target: {type: Utilization, averageUtilization: 50}}\n",
                ),
                &["spec.metrics[0].resource.name: Required value: must specify a resource name"],
            ),
            (
                resource("{type: Percent, averageUtilization: 50}"),
                &[
                    "spec.metrics[0].resource.target.type: Invalid value: \"Percent\": must be either Utilization, Value, or AverageValue",
                ],
            ),
            (
                resource("{averageUtilization: 50}"),
                &[
                    "spec.metrics[0].resource.target.type: Required value: must specify a metric target type",
                    "spec.metrics[0].resource.target.type: Invalid value: \"\": must be either Utilization, Value, or AverageValue",
                ],
            ),
            (
                resource("{type: Utilization, averageUtilization: 0}"),
                &["spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0"],
            ),
            (
                resource("{type: Utilization}"),
                &[
                    "spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization",
                ],
            ),
            (
                resource("{type: AverageValue, averageValue: '0'}"),
                &["spec.metrics[0].resource.target.averageValue: Invalid value: \"0\": must be positive"],
            ),
            (
                resource("{type: Value, value: -1, averageValue: 100m}"),
                &["spec.metrics[0].resource.target.value: Invalid value: \"-1\": must be positive"],
            ),
            (
                resource("{type: Utilization, averageUtilization: 50, averageValue: 100m}"),
                &[
                    "spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization",
                ],
            ),
        ];
        for (yaml, expected) in &cases {
            assert_eq!(errors_of("HorizontalPodAutoscaler", yaml), *expected, "{yaml}");
        }
    }

    #[test]
    fn hpa_behavior() {
        let behavior = |rules: &str| hpa(&format!("  maxReplicas: 3\n  behavior:\n{rules}"));
        let cases: Vec<(String, &[&str])> = vec![
            (
                behavior(
                    "    scaleUp: {stabilizationWindowSeconds: -1}\n    scaleDown: {stabilizationWindowSeconds: 3601}\n",
                ),
                &[
                    "spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: -1: must be greater than or equal to zero",
                    "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600",
                ],
            ),
            (
                behavior("    scaleDown: {selectPolicy: Avg}\n"),
                &[
                    "spec.behavior.scaleDown.selectPolicy: Unsupported value: \"Avg\": supported values: \"Disabled\", \"Max\", \"Min\"",
                ],
            ),
            (
                behavior("    scaleDown: {policies: []}\n"),
                &["spec.behavior.scaleDown.policies: Required value: must specify at least one Policy"],
            ),
            (
                behavior(
                    "    scaleUp:\n      policies:\n      - {type: Replicas, value: 0, periodSeconds: 0}\n      - {type: Percent, value: 10, periodSeconds: 1801}\n",
                ),
                &[
                    "spec.behavior.scaleUp.policies[0].type: Unsupported value: \"Replicas\": supported values: \"Percent\", \"Pods\"",
                    "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
                    "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 0: must be greater than zero",
                    "spec.behavior.scaleUp.policies[1].periodSeconds: Invalid value: 1801: must be less than or equal to 1800",
                ],
            ),
            (
                behavior("    scaleUp: {tolerance: '-0.1'}\n"),
                &["spec.behavior.scaleUp.tolerance: Invalid value: \"-100m\": must be greater than or equal to zero"],
            ),
        ];
        for (yaml, expected) in &cases {
            assert_eq!(errors_of("HorizontalPodAutoscaler", yaml), *expected, "{yaml}");
        }
    }

    // -------------------------------------------------------------------- PDB

    #[test]
    fn pod_disruption_budgets() {
        check(
            "PodDisruptionBudget",
            &[
                ("metadata: {name: web-pdb}\nspec: {minAvailable: 2, selector: {matchLabels: {app: web}}}", &[]),
                (
                    "metadata: {name: web-pdb}\nspec: {maxUnavailable: 25%, unhealthyPodEvictionPolicy: AlwaysAllow, selector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}}",
                    &[],
                ),
                ("metadata: {name: all}\nspec: {minAvailable: 100%}", &[]),
                (
                    "metadata: {name: web-pdb}\nspec: {minAvailable: 1, maxUnavailable: 10%, selector: {matchLabels: {app: web}}}",
                    &[
                        "spec: Invalid value: {\"MinAvailable\":1,\"Selector\":{\"matchLabels\":{\"app\":\"web\"}},\"MaxUnavailable\":\"10%\",\"UnhealthyPodEvictionPolicy\":null}: minAvailable and maxUnavailable cannot be both set",
                    ],
                ),
                (
                    "metadata: {name: p}\nspec: {minAvailable: -1}",
                    &["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"],
                ),
                (
                    "metadata: {name: p}\nspec: {maxUnavailable: ten}",
                    &[&format!("spec.maxUnavailable: Invalid value: \"ten\": {PERCENT_ERROR}")],
                ),
                (
                    "metadata: {name: p}\nspec: {maxUnavailable: 120%}",
                    &["spec.maxUnavailable: Invalid value: \"120%\": must not be greater than 100%"],
                ),
                (
                    "metadata: {name: p}\nspec: {selector: {matchExpressions: [{key: app, operator: Has}]}}",
                    &[
                        "spec.selector.matchExpressions[0].operator: Invalid value: \"Has\": not a valid selector operator",
                    ],
                ),
                (
                    "metadata: {name: p}\nspec: {selector: {matchLabels: {app: web app}}}",
                    &[&format!("spec.selector.matchLabels: Invalid value: \"web app\": {VALUE_MSG}")],
                ),
                (
                    "metadata: {name: p}\nspec: {unhealthyPodEvictionPolicy: Never}",
                    &[
                        "spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\"",
                    ],
                ),
                // Metadata is checked only once the spec passed, as a path segment.
                (
                    "metadata: {name: 'a/b'}\nspec: {minAvailable: -1}",
                    &["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"],
                ),
                (
                    "metadata: {name: 'a/b'}\nspec: {minAvailable: 1}",
                    &["metadata.name: Invalid value: \"a/b\": may not contain '/'"],
                ),
                ("metadata: {name: Web_PDB}\nspec: {minAvailable: 1}", &[]),
                (
                    "metadata: {}\nspec: {minAvailable: 1}",
                    &["metadata.name: Required value: name or generateName is required"],
                ),
            ],
        );
    }

    // ------------------------------------------------------------ App, Traffic

    #[test]
    fn apps() {
        check(
            "App",
            &[
                ("metadata: {name: demo-api-1.0.1}\nspec: {image: 'myrepo/demo-api:1.0.1'}", &[]),
                (
                    "metadata: {name: demo-api-1.0.2, namespace: ignored}\nspec:\n  image: myrepo/demo-api:1.0.2\n  pull: NotFound\n  startupSeconds: 0\n  crash: {afterSeconds: 5, exitCode: 137}\n  endpoints: {readiness: 503, liveness: 200}\n  memory: {baseline: 64Mi, perRequest: 1Mi}\n  cpu: {baseline: 5m, perRequest: '0'}\n",
                    &[],
                ),
                ("metadata: {name: app}\nspec: {pull: NotFound}", &["spec.image: Required value"]),
                (
                    "metadata: {name: app}\nspec: {image: ' nginx'}",
                    &["spec.image: Invalid value: \" nginx\": must not have leading or trailing whitespace"],
                ),
                (
                    "metadata: {name: app}\nspec: {image: nginx, pull: Maybe}",
                    &["spec.pull: Unsupported value: \"Maybe\": supported values: \"NotFound\", \"Succeeds\""],
                ),
                (
                    "metadata: {name: app}\nspec: {image: nginx, startupSeconds: -1}",
                    &["spec.startupSeconds: Invalid value: -1: must be greater than or equal to 0"],
                ),
                (
                    "metadata: {name: app}\nspec: {image: nginx, crash: {afterSeconds: -5, exitCode: 256}}",
                    &[
                        "spec.crash.afterSeconds: Invalid value: -5: must be greater than or equal to 0",
                        "spec.crash.exitCode: Invalid value: 256: must be between 0 and 255, inclusive",
                    ],
                ),
                (
                    "metadata: {name: app}\nspec: {image: nginx, crash: {exitCode: -1}}",
                    &["spec.crash.exitCode: Invalid value: -1: must be between 0 and 255, inclusive"],
                ),
                (
                    "metadata: {name: app}\nspec: {image: nginx, endpoints: {readiness: 99, liveness: 600}}",
                    &[
                        "spec.endpoints.readiness: Invalid value: 99: must be between 100 and 599, inclusive",
                        "spec.endpoints.liveness: Invalid value: 600: must be between 100 and 599, inclusive",
                    ],
                ),
                (
                    "metadata: {name: app}\nspec: {image: nginx, memory: {baseline: -64Mi, perRequest: -1Mi}, cpu: {baseline: -5m, perRequest: '-0.002'}}",
                    &[
                        "spec.memory.baseline: Invalid value: \"-64Mi\": must be greater than or equal to 0",
                        "spec.memory.perRequest: Invalid value: \"-1Mi\": must be greater than or equal to 0",
                        "spec.cpu.baseline: Invalid value: \"-5m\": must be greater than or equal to 0",
                        "spec.cpu.perRequest: Invalid value: \"-2m\": must be greater than or equal to 0",
                    ],
                ),
                (
                    "metadata: {}\nspec: {image: nginx}",
                    &["metadata.name: Required value: name or generateName is required"],
                ),
                (
                    "metadata: {name: My_App}\nspec: {image: nginx}",
                    &[&format!("metadata.name: Invalid value: \"My_App\": {SUBDOMAIN_MSG}")],
                ),
            ],
        );
    }

    #[test]
    fn traffic() {
        check(
            "Traffic",
            &[
                ("metadata: {name: demo-api}\nspec: {service: demo-api, requestsPerSecond: 100}", &[]),
                ("metadata: {name: idle, namespace: shop}\nspec: {service: demo-api}", &[]),
                ("metadata: {name: max}\nspec: {service: web, requestsPerSecond: 100000}", &[]),
                ("metadata: {name: t}\nspec: {requestsPerSecond: 10}", &["spec.service: Required value"]),
                (
                    "metadata: {name: t}\nspec: {service: Web}",
                    &[&format!("spec.service: Invalid value: \"Web\": {DNS1035_MSG}")],
                ),
                (
                    "metadata: {name: t}\nspec: {service: web, requestsPerSecond: 100001}",
                    &[
                        "spec.requestsPerSecond: Invalid value: 100001: must be between 0 and 100000, inclusive (the playground's limit)",
                    ],
                ),
                (
                    "metadata: {name: t}\nspec: {service: web, requestsPerSecond: -1}",
                    &[
                        "spec.requestsPerSecond: Invalid value: -1: must be between 0 and 100000, inclusive (the playground's limit)",
                    ],
                ),
                (
                    "metadata: {name: t, namespace: Bad_NS}\nspec: {service: web}",
                    &[&format!("metadata.namespace: Invalid value: \"Bad_NS\": {LABEL_MSG}")],
                ),
            ],
        );
    }

    #[test]
    fn helpers_never_panic_on_odd_input() {
        for text in [
            "",
            ".",
            "..",
            "-",
            "a",
            "::",
            "1.2.3.4.5",
            "1.2.3",
            "256.1.1.1",
            "::ffff:127.0.0.1",
            "1.2.3.4/",
            "/8",
            "é",
        ] {
            let _ = (parse_ip_sloppy(text), is_valid_cidr(text), is_valid_port_name(text), is_config_map_key(text));
            let _ = (is_valid_path_segment_name(text), json_object_check(text.as_bytes()));
        }
        assert!(parse_ip_sloppy("::ffff:127.0.0.1").is_some());
        assert!(!is_ipv6_string("::ffff:10.0.0.1"));
        assert!(is_valid_cidr("fd00::/64") && !is_valid_cidr("fd00::/129") && !is_valid_cidr("10.0.0.0"));
        assert_eq!(json_quote("<a&\"b\">\u{1}"), "\"\\u003ca\\u0026\\\"b\\\"\\u003e\\u0001\"");
    }
}
