//! `kubectl describe pod` (describePod in pkg/describe/describe.go): the
//! pod's header, its containers with their states, conditions, volumes,
//! QoS class, node selectors, tolerations and events.

use crate::describe::{
    Event, PrefixWriter, describe_containers, describe_events, describe_topology_spread, describe_volumes,
    print_annotations, print_labels, print_tolerations, rfc1123z,
};
use crate::printers::{age, scalar_text};
use kubeloop_engine::api::Time;
use kubeloop_engine::api::core::Pod;
use kubeloop_engine::api::quantity::Quantity;

pub fn describe_pod(pod: &Pod, events: Option<&[Event]>, now: Time) -> String {
    let shown = kubeloop_engine::api::encode::pod_as_shown(pod);
    let pod = &shown;
    let meta = &pod.metadata;
    let spec = &pod.spec;
    let status = &pod.status;
    let mut w = PrefixWriter::tabbed();
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    if let Some(priority) = spec.priority.as_deref().and_then(scalar_text) {
        w.write(0, &format!("Priority:\t{priority}\n"));
    }
    if let Some(class) = spec.priority_class_name.as_deref().and_then(scalar_text).filter(|c| !c.is_empty()) {
        w.write(0, &format!("Priority Class Name:\t{class}\n"));
    }
    if let Some(class) = spec.runtime_class_name.as_deref().and_then(scalar_text).filter(|c| !c.is_empty()) {
        w.write(0, &format!("Runtime Class Name:\t{class}\n"));
    }
    if let Some(account) = spec.service_account_name.as_deref().filter(|a| !a.is_empty()) {
        w.write(0, &format!("Service Account:\t{account}\n"));
    }
    match spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        None => w.write(0, "Node:\t<none>\n"),
        Some(node) => w.write(0, &format!("Node:\t{node}/{}\n", status.host_ip.as_deref().unwrap_or(""))),
    }
    if status.start_time.is_some() {
        w.write(0, &format!("Start Time:\t{}\n", rfc1123z(status.start_time)));
    }
    print_labels(&mut w, "Labels", &meta.labels);
    print_annotations(&mut w, "Annotations", &meta.annotations);
    let terminal = matches!(status.phase.as_str(), "Failed" | "Succeeded");
    match meta.deletion_timestamp {
        Some(deletion) if !terminal => {
            w.write(0, &format!("Status:\tTerminating (lasts {})\n", age(Some(deletion), now)));
            let grace = meta.deletion_grace_period_seconds.unwrap_or(0);
            w.write(0, &format!("Termination Grace Period:\t{grace}s\n"));
        }
        _ => w.write(0, &format!("Status:\t{}\n", status.phase)),
    }
    if let Some(reason) = status.reason.as_deref().filter(|r| !r.is_empty()) {
        w.write(0, &format!("Reason:\t{reason}\n"));
    }
    if let Some(message) = status.message.as_deref().filter(|m| !m.is_empty()) {
        w.write(0, &format!("Message:\t{message}\n"));
    }
    let ip = status.pod_ip.as_deref().unwrap_or("");
    w.write(0, &format!("IP:\t{ip}\n"));
    // status.podIPs mirrors podIP (single-stack).
    if ip.is_empty() {
        w.write(0, "IPs:\t<none>\n");
    } else {
        w.write(0, "IPs:\n");
        w.write(1, &format!("IP:\t{ip}\n"));
    }
    if let Some(owner) = meta.controller() {
        w.write(0, &format!("Controlled By:\t{}/{}\n", owner.kind, owner.name));
    }
    if !spec.init_containers.is_empty() {
        describe_containers(&mut w, "Init Containers", &spec.init_containers, &status.init_container_statuses, "");
    }
    describe_containers(&mut w, "Containers", &spec.containers, &status.container_statuses, "");
    if !status.conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\n");
        for condition in &status.conditions {
            w.write(1, &format!("{} \t{} \n", condition.condition_type, condition.status));
        }
    }
    describe_volumes(&mut w, spec.volumes.as_deref(), "");
    w.write(0, &format!("QoS Class:\t{}\n", qos_class(pod)));
    print_labels(&mut w, "Node-Selectors", &spec.node_selector);
    print_tolerations(&mut w, "Tolerations", spec.tolerations.as_deref());
    describe_topology_spread(&mut w, spec.topology_spread_constraints.as_deref(), "");
    if let Some(events) = events {
        describe_events(&mut w, events, now);
    }
    w.finish()
}

/// `qos.GetPodQOS`: the class the API server recorded, else computed as
/// ComputePodQOS does over cpu and memory: BestEffort without any request
/// or limit; Guaranteed when every container limits both and the pod's
/// summed requests equal its summed limits (a missing request defaults to
/// the limit, as the API server defaults it); Burstable otherwise.
pub fn qos_class(pod: &Pod) -> String {
    if let Some(class) = pod.status.qos_class.as_deref().filter(|class| !class.is_empty()) {
        return class.to_string();
    }
    const TRACKED: [&str; 2] = ["cpu", "memory"];
    // The sums per tracked resource (`None`: nothing counted).
    let mut requests: [Option<i64>; TRACKED.len()] = [None; TRACKED.len()];
    let mut limits: [Option<i64>; TRACKED.len()] = [None; TRACKED.len()];
    let mut guaranteed = true;
    for container in pod.spec.containers.iter().chain(pod.spec.init_containers.iter()) {
        let resources = &container.resources;
        let mut limited = 0;
        for (at, name) in TRACKED.into_iter().enumerate() {
            let limit = resources.limits.get(name).map(Quantity::milli_value).filter(|&v| v > 0);
            // The API server defaults a missing request to the limit.
            let request = resources.requests.get(name).or_else(|| resources.limits.get(name));
            if let Some(request) = request.map(Quantity::milli_value).filter(|&v| v > 0) {
                *requests[at].get_or_insert(0) += request;
            }
            if let Some(limit) = limit {
                *limits[at].get_or_insert(0) += limit;
                limited += 1;
            }
        }
        guaranteed &= limited == TRACKED.len();
    }
    let counted = |sums: &[Option<i64>]| sums.iter().flatten().count();
    if counted(&requests) == 0 && counted(&limits) == 0 {
        return "BestEffort".to_string();
    }
    guaranteed &= requests.iter().zip(&limits).all(|(request, limit)| request.is_none() || limit == request);
    if guaranteed && counted(&requests) == counted(&limits) { "Guaranteed" } else { "Burstable" }.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::api::Object;

    fn pod(resources: &str) -> Pod {
        let yaml = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources: {resources}\n"
        );
        match kubeloop_engine::parse_manifests(&yaml).objects.into_iter().next().map(|loaded| loaded.object) {
            Some(Object::Pod(pod)) => pod,
            other => panic!("{resources}: {other:?}"),
        }
    }

    #[test]
    fn qos_classes_as_compute_pod_qos() {
        let cases = [
            ("{}", "BestEffort"),
            ("{requests: {memory: 256Mi}, limits: {memory: 512Mi}}", "Burstable"),
            ("{limits: {memory: 256Mi}}", "Burstable"),
            ("{limits: {cpu: 500m, memory: 256Mi}}", "Guaranteed"),
            ("{requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: 500m, memory: 256Mi}}", "Guaranteed"),
            ("{requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 500m, memory: 256Mi}}", "Burstable"),
        ];
        for (resources, class) in cases {
            assert_eq!(qos_class(&pod(resources)), class, "{resources}");
        }
    }
}
