//! The EndpointSlice controller's view of a Service's pods
//! (`staging/src/k8s.io/endpointslice`: `ShouldPodBeInEndpoints` in
//! `util/controller_utils.go`, `podToEndpoint` in `utils.go`) and the
//! endpoints kube-proxy sends traffic to (`CategorizeEndpoints` in
//! `pkg/proxy/topology.go`). Spec section 8.
//!
//! Endpoints come out in the order the pods come in; the world passes pods
//! in store order, so traffic spread over them is deterministic.

use crate::api::core::{Pod, Service};

/// `discovery.EndpointConditions`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EndpointConditions {
    /// `publishNotReadyAddresses || (serving && !terminating)`.
    pub ready: bool,
    /// The pod's Ready condition is True.
    pub serving: bool,
    /// The pod has a deletionTimestamp.
    pub terminating: bool,
}

/// One endpoint of an EndpointSlice: a pod's address and its conditions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// The pod IP.
    pub address: String,
    /// `targetRef.name`.
    pub pod_name: String,
    /// `nodeName`, the pod's `spec.nodeName`.
    pub node_name: Option<String>,
    pub conditions: EndpointConditions,
}

/// `podutil.IsPodReady`: the pod's Ready condition is True.
pub fn is_pod_ready(pod: &Pod) -> bool {
    pod.status.conditions.iter().find(|c| c.condition_type == "Ready").is_some_and(|c| c.status == "True")
}

/// `isPodTerminal`: Succeeded or Failed.
pub fn is_pod_terminal(pod: &Pod) -> bool {
    matches!(pod.status.phase.as_str(), "Succeeded" | "Failed")
}

/// `ShouldPodBeInEndpoints`: not terminal, has a pod IP, and (unless
/// `include_terminating`) not being deleted. The EndpointSlice controller
/// includes terminating pods; the legacy Endpoints controller only with
/// `publishNotReadyAddresses`.
pub fn should_pod_be_in_endpoints(pod: &Pod, include_terminating: bool) -> bool {
    if is_pod_terminal(pod) {
        return false;
    }
    if pod.status.pod_ip.as_deref().is_none_or(str::is_empty) {
        return false;
    }
    include_terminating || pod.metadata.deletion_timestamp.is_none()
}

/// `podToEndpoint`: the pod's address and conditions for this Service.
pub fn pod_to_endpoint(pod: &Pod, service: &Service) -> Endpoint {
    let serving = is_pod_ready(pod);
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ready = service.spec.publish_not_ready_addresses || (serving && !terminating);
    Endpoint {
        address: pod.status.pod_ip.clone().unwrap_or_default(),
        pod_name: pod.metadata.name().to_string(),
        node_name: pod.spec.node_name.as_deref().map(String::from),
        conditions: EndpointConditions { ready, serving, terminating },
    }
}

/// Whether the Service's selector picks the pod: same namespace, every
/// selector pair among the pod's labels. A Service without a selector gets
/// no endpoints from the controller (an empty selector does not survive
/// the API server's storage, so it counts as none).
pub fn service_selects(service: &Service, pod: &Pod) -> bool {
    let selector = &service.spec.selector;
    !selector.is_empty()
        && pod.metadata.namespace() == service.metadata.namespace()
        && selector.iter().all(|(key, value)| pod.metadata.labels.get(key) == Some(value))
}

/// The endpoints the EndpointSlice controller publishes for the Service:
/// every selected pod that `ShouldPodBeInEndpoints` (terminating included),
/// in the order given.
pub fn endpoints_for_service(service: &Service, pods: &[Pod]) -> Vec<Endpoint> {
    endpoints_with_pods(service, pods).map(|(endpoint, _)| endpoint).collect()
}

/// The same endpoints, each with the pod it stands for.
pub fn endpoints_with_pods<'a>(
    service: &'a Service,
    pods: &'a [Pod],
) -> impl Iterator<Item = (Endpoint, &'a Pod)> + 'a {
    pods.iter()
        .filter(|pod| service_selects(service, pod) && should_pod_be_in_endpoints(pod, true))
        .map(|pod| (pod_to_endpoint(pod, service), pod))
}

/// kube-proxy's cluster endpoints (`CategorizeEndpoints` without topology):
/// the ready ones; when none is ready, those serving and terminating, so a
/// rollout's last pods keep answering while they drain.
pub fn ready_endpoints_for_traffic(endpoints: &[Endpoint]) -> Vec<&Endpoint> {
    let ready: Vec<&Endpoint> = endpoints.iter().filter(|e| e.conditions.ready).collect();
    if !ready.is_empty() {
        return ready;
    }
    endpoints.iter().filter(|e| e.conditions.serving && e.conditions.terminating).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::meta::Condition;
    use crate::api::time::Time;

    fn pod(name: &str, phase: &str, ip: Option<&str>, ready: bool, deleting: bool) -> Pod {
        let mut pod = Pod::default();
        pod.metadata.name = Some(name.to_string());
        pod.metadata.labels_mut().insert("app".to_string(), "web".to_string());
        pod.status.phase = phase.to_string().into();
        pod.status.pod_ip = ip.map(str::to_string);
        pod.status.conditions.push(Condition {
            condition_type: "Ready".into(),
            status: if ready { "True" } else { "False" }.to_string().into(),
            ..Condition::default()
        });
        if deleting {
            pod.metadata.rare_mut().deletion_timestamp = Some(Time::from_unix_ms(1_000));
        }
        pod
    }

    fn service(publish_not_ready: bool) -> Service {
        let mut service = Service::default();
        service.metadata.name = Some("web".to_string());
        service.spec.selector.insert("app".to_string(), "web".to_string());
        service.spec.publish_not_ready_addresses = publish_not_ready;
        service
    }

    /// (ready, serving, terminating) or not included.
    type Expected = Option<(bool, bool, bool)>;

    /// endpoints.02-07 (ShouldPodBeInEndpoints, podToEndpoint), plus a
    /// ready running pod.
    #[test]
    fn endpoint_conditions_table() {
        let cases: [(&str, Pod, bool, Expected); 7] = [
            ("ready running pod", pod("p", "Running", Some("10.0.0.1"), true, false), false, Some((true, true, false))),
            ("endpoints.02", pod("p", "Running", Some("10.0.0.1"), false, false), false, Some((false, false, false))),
            ("endpoints.03", pod("p", "Running", Some("10.0.0.1"), true, true), false, Some((false, true, true))),
            ("endpoints.04", pod("p", "Running", Some("10.0.0.1"), false, true), false, Some((false, false, true))),
            ("endpoints.05", pod("p", "Pending", None, false, false), false, None),
            ("endpoints.06", pod("p", "Failed", Some("10.0.0.1"), false, false), false, None),
            ("endpoints.07", pod("p", "Running", Some("10.0.0.1"), false, false), true, Some((true, false, false))),
        ];
        for (id, pod, publish_not_ready, expected) in cases {
            let got = endpoints_for_service(&service(publish_not_ready), std::slice::from_ref(&pod));
            let got: Expected = match got.as_slice() {
                [] => None,
                [e] => {
                    assert_eq!((e.address.as_str(), e.pod_name.as_str()), ("10.0.0.1", "p"), "{id}");
                    Some((e.conditions.ready, e.conditions.serving, e.conditions.terminating))
                }
                more => panic!("{id}: {more:?}"),
            };
            assert_eq!(got, expected, "{id}");
        }
    }

    #[test]
    fn legacy_endpoints_leave_terminating_pods_out() {
        let terminating = pod("p", "Running", Some("10.0.0.1"), true, true);
        assert!(should_pod_be_in_endpoints(&terminating, true));
        assert!(!should_pod_be_in_endpoints(&terminating, false));
        assert!(!should_pod_be_in_endpoints(&pod("p", "Succeeded", Some("10.0.0.1"), false, false), true));
        assert!(!should_pod_be_in_endpoints(&pod("p", "Running", Some(""), true, false), true));
    }

    #[test]
    fn selection_by_namespace_and_labels() {
        let svc = service(false);
        let mut other_namespace = pod("a", "Running", Some("10.0.0.1"), true, false);
        other_namespace.metadata.namespace = Some("prod".to_string());
        let mut other_app = pod("b", "Running", Some("10.0.0.2"), true, false);
        other_app.metadata.labels_mut().insert("app".to_string(), "api".to_string());
        let mine = pod("c", "Running", Some("10.0.0.3"), true, false);
        let got = endpoints_for_service(&svc, &[other_namespace, other_app, mine.clone()]);
        assert_eq!(got.iter().map(|e| e.pod_name.as_str()).collect::<Vec<_>>(), ["c"]);
        let mut no_selector = svc;
        no_selector.spec.selector.clear();
        assert!(endpoints_for_service(&no_selector, &[mine]).is_empty());
    }

    /// Spec section 8: kube-proxy uses ready endpoints and falls back to
    /// serving+terminating ones only when none is ready.
    #[test]
    fn traffic_prefers_ready_then_serving_terminating() {
        let svc = service(false);
        let pods = [
            pod("old-1", "Running", Some("10.0.0.1"), true, true),
            pod("old-2", "Running", Some("10.0.0.2"), false, true),
            pod("new", "Running", Some("10.0.0.3"), true, false),
            pod("starting", "Running", Some("10.0.0.4"), false, false),
        ];
        let endpoints = endpoints_for_service(&svc, &pods);
        let names = |e: Vec<&Endpoint>| e.iter().map(|e| e.pod_name.clone()).collect::<Vec<_>>();
        assert_eq!(names(ready_endpoints_for_traffic(&endpoints)), ["new"]);
        let draining = endpoints_for_service(&svc, &pods[..2]);
        assert_eq!(names(ready_endpoints_for_traffic(&draining)), ["old-1"]);
        let none = endpoints_for_service(&svc, &pods[1..2]);
        assert!(ready_endpoints_for_traffic(&none).is_empty());
    }
}
