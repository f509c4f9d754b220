//! Load on Services: requests per second from `Traffic` documents (and
//! `Fault::Traffic`, which overrides them), spread over the endpoints
//! kube-proxy uses; per-pod CPU and memory use; successes and failures per
//! second per Service.
//!
//! Every whole simulated second while some Service has a rate, each
//! Service's requests are spread evenly over its traffic endpoints in
//! endpoint order (the remainder to the first ones). A request succeeds
//! when the app in its pod serves at that instant: the container started,
//! its startup time is over, and it is not stopping. With no endpoints,
//! every request fails.

use super::World;
use super::faults::Fault;
use super::kubelet::PodRuntime;
use super::kubelet::app_for;
use super::store::Key;
use crate::api::Object;
use crate::api::core::{Pod, Service};
use crate::api::quantity::Quantity;
use crate::controller::endpointslice::{endpoints_for_service, ready_endpoints_for_traffic, service_selects};
use crate::lean::VecMap;
use std::collections::{BTreeMap, VecDeque};

/// How many seconds of request counts each Service keeps.
pub const HISTORY_SECONDS: usize = 3_600;
const SECOND_MS: i64 = 1_000;

/// A Service, by namespace and name.
pub type ServiceKey = (String, String);

/// The requests of one simulated second on one Service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Second {
    /// Simulated seconds since the world began.
    pub second: u64,
    pub successes: i64,
    pub failures: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrafficState {
    /// Rates set by `Fault::Traffic`; they win over `Traffic` documents.
    overrides: VecMap<ServiceKey, i64>,
    /// The last `HISTORY_SECONDS` seconds of each Service, oldest first.
    history: VecMap<ServiceKey, VecDeque<Second>>,
    /// Requests per second each pod served in the last second (non-zero only).
    pod_rates: BTreeMap<Key, i64>,
    /// The unix ms of the last tick.
    last_tick_ms: Option<i64>,
}

/// Traffic does not write the store: nothing for the controllers to see.
pub fn observe(_world: &mut World) -> bool {
    false
}

/// The next whole second, while any Service has a rate (or some pod still
/// shows a rate from the last second, which the next tick clears).
pub fn next_timer(world: &World) -> Option<i64> {
    let busy = !world.traffic.pod_rates.is_empty() || rates(world).values().any(|&rate| rate > 0);
    if !busy {
        return None;
    }
    let now = world.now().unix_ms;
    let mut at = now.div_euclid(SECOND_MS) * SECOND_MS;
    if at < now {
        at += SECOND_MS;
    }
    if world.traffic.last_tick_ms.is_some_and(|last| last >= at) {
        at = world.traffic.last_tick_ms.unwrap_or(at) + SECOND_MS;
    }
    Some(at)
}

/// Sends this second's requests, if a tick is due now.
pub fn fire(world: &mut World) {
    let now = world.now().unix_ms;
    if next_timer(world) != Some(now) {
        return;
    }
    world.traffic.last_tick_ms = Some(now);
    let second = world.now_ms() / 1_000;
    let mut pod_rates: BTreeMap<Key, i64> = BTreeMap::new();
    for (service_key, rate) in rates(world) {
        if rate <= 0 {
            continue;
        }
        let (successes, failures) = send(world, &service_key, rate, now, &mut pod_rates);
        let history = world.traffic.history.entry(service_key).or_default();
        history.push_back(Second { second, successes, failures });
        while history.len() > HISTORY_SECONDS {
            history.pop_front();
        }
    }
    world.traffic.pod_rates = pod_rates;
    // Every pod's memory use may have moved with its load.
    world.runtimes.check_all_memory();
}

/// `Fault::Traffic` sets a Service's rate until another one changes it.
pub fn apply_fault(world: &mut World, fault: &Fault) -> bool {
    match fault {
        Fault::Traffic { namespace, service, requests_per_second } => {
            world
                .traffic
                .overrides
                .insert((namespace.clone(), service.clone()), i64::from(*requests_per_second).max(0));
            true
        }
        _ => false,
    }
}

/// The Service's requests per second as (simulated second, successes,
/// failures), oldest first, for at most the last `HISTORY_SECONDS` seconds.
pub fn requests(world: &World, namespace: &str, service: &str) -> Vec<(u64, i64, i64)> {
    world
        .traffic
        .history
        .get(&(namespace.to_string(), service.to_string()))
        .map(|history| history.iter().map(|s| (s.second, s.successes, s.failures)).collect())
        .unwrap_or_default()
}

/// The Service's request rate now: a `Fault::Traffic` override, else the
/// sum of the `Traffic` documents aimed at it.
pub fn request_rate(world: &World, namespace: &str, service: &str) -> i64 {
    rates(world).get(&(namespace.to_string(), service.to_string())).copied().unwrap_or(0)
}

/// Requests per second the pod served in the last second.
pub fn pod_rate(world: &World, pod: &Key) -> i64 {
    world.traffic.pod_rates.get(pod).copied().unwrap_or(0)
}

/// The pod's app use: (CPU millicores, memory bytes) = baseline +
/// perRequest × the requests per second it served in the last second.
/// (0, 0) for a pod that does not exist.
pub fn pod_usage(world: &World, pod: &Key) -> (i64, i64) {
    let Some(Object::Pod(object)) = world.store.get(pod) else { return (0, 0) };
    let image = object.spec.containers.first().and_then(|c| c.image.as_deref()).unwrap_or("");
    let app = app_for(world, image);
    let rate = pod_rate(world, pod);
    // The defaults (an app no App document describes): cpu 5m + 2m per
    // request, memory 64Mi + 1Mi per request, as numbers (parsing them for
    // every pod of every frame of the diagram showed in its profile).
    let use_of = |usage: Option<&crate::api::playground::AppUsage>, milli: bool, baseline: i64, per: i64| {
        let quantity = |q: Option<&Quantity>, default: i64| {
            q.map(|q| if milli { q.milli_value() } else { q.value() }).unwrap_or(default)
        };
        let base = quantity(usage.and_then(|u| u.baseline.as_ref()), baseline);
        let per_request = quantity(usage.and_then(|u| u.per_request.as_ref()), per);
        base.saturating_add(per_request.saturating_mul(rate))
    };
    let cpu = use_of(app.map(|a| &a.spec.cpu), true, 5, 2);
    let memory = use_of(app.map(|a| &a.spec.memory), false, 64 << 20, 1 << 20);
    (cpu, memory)
}

/// Every Service's rate: `Traffic` documents summed per (namespace,
/// spec.service), then the faults' overrides.
fn rates(world: &World) -> VecMap<ServiceKey, i64> {
    let mut rates: VecMap<ServiceKey, i64> = VecMap::default();
    for object in world.store.list("Traffic", None) {
        if let Object::Traffic(traffic) = object {
            let key = (traffic.metadata.namespace().to_string(), traffic.spec.service.clone());
            let rate = rates.entry(key).or_default();
            *rate = rate.saturating_add(i64::from(traffic.spec.requests_per_second).max(0));
        }
    }
    for (key, rate) in &world.traffic.overrides {
        rates.insert(key.clone(), *rate);
    }
    rates
}

/// Sends `rate` requests to the Service now; returns (successes, failures)
/// and adds what each pod served to `pod_rates`.
fn send(
    world: &World,
    (namespace, name): &ServiceKey,
    rate: i64,
    now: i64,
    pod_rates: &mut BTreeMap<Key, i64>,
) -> (i64, i64) {
    let Some(Object::Service(service)) = world.store.get(&Key::new("Service", namespace, name)) else {
        return (0, rate);
    };
    let endpoints = endpoints_for_service(service, &selected_pods(world, service));
    let targets = ready_endpoints_for_traffic(&endpoints);
    if targets.is_empty() {
        return (0, rate);
    }
    let count = targets.len() as i64;
    let (share, remainder) = (rate / count, rate % count);
    let (mut successes, mut failures) = (0, 0);
    for (index, endpoint) in targets.iter().enumerate() {
        let requests = share + i64::from((index as i64) < remainder);
        if requests == 0 {
            continue;
        }
        let key = Key::new("Pod", namespace, &endpoint.pod_name);
        if world.runtimes.get(&key).is_some_and(|runtime| serving(runtime, now)) {
            successes += requests;
        } else {
            failures += requests;
        }
        let served = pod_rates.entry(key).or_default();
        *served = served.saturating_add(requests);
    }
    (successes, failures)
}

/// The pods the Service selects, in store order.
fn selected_pods(world: &World, service: &Service) -> Vec<Pod> {
    world
        .store
        .list("Pod", Some(service.metadata.namespace()))
        .filter_map(|object| match object {
            Object::Pod(pod) if service_selects(service, pod) => Some(pod.clone()),
            _ => None,
        })
        .collect()
}

/// The app answers requests: started, past its startup time, not stopping.
fn serving(runtime: &PodRuntime, now: i64) -> bool {
    runtime.started && now >= runtime.serving_at_ms && runtime.stop_at_ms.is_none()
}

#[cfg(test)]
#[path = "traffic_tests.rs"]
mod tests;
