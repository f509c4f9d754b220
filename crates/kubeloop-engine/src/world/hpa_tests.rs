//! The HorizontalPodAutoscaler, run through the world.

use super::*;
use crate::api::apps::Deployment;
use crate::api::autoscaling::HorizontalPodAutoscaler;
use crate::parse_manifests;
use crate::world::faults::Fault;

/// Seed 003's api Deployment (requests cpu 100m) and its Service.
const API: &str = include_str!("../../../../tests/manifests/corpus/003-api.yaml");
const CONFIG: &str = include_str!("../../../../tests/manifests/corpus/003-config.yaml");

fn app(per_request: &str) -> String {
    format!(
        "---\napiVersion: kubeloop.dev/v1\nkind: App\nmetadata:\n  name: api\nspec:\n  image: myrepo/api\n  cpu: {{baseline: 5m, perRequest: {per_request}}}\n"
    )
}

const HPA: &str = "---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api-hpa
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
";

fn traffic(rps: i32) -> String {
    format!(
        "---\napiVersion: kubeloop.dev/v1\nkind: Traffic\nmetadata:\n  name: api\nspec:\n  service: api\n  requestsPerSecond: {rps}\n"
    )
}

fn world_with(text: &str) -> World {
    let mut world = World::new(3);
    let manifests = parse_manifests(text);
    // The seed's Ingress is skipped with a warning; nothing else is said.
    assert!(manifests.diagnostics.iter().all(|d| d.message.starts_with("Ingress ")), "{:?}", manifests.diagnostics);
    assert!(world.apply(&manifests).iter().all(Result::is_ok));
    world
}

fn replicas(world: &World) -> i32 {
    match world.store().get(&Key::new("Deployment", "default", "api")) {
        Some(Object::Deployment(d)) => d.spec.replicas.unwrap_or(1),
        other => panic!("no deployment: {other:?}"),
    }
}

fn hpa(world: &World) -> HorizontalPodAutoscaler {
    match world.store().get(&Key::new("HorizontalPodAutoscaler", "default", "api-hpa")) {
        Some(Object::HorizontalPodAutoscaler(h)) => h.clone(),
        other => panic!("no hpa: {other:?}"),
    }
}

fn events(world: &World, reason: &str) -> Vec<String> {
    world.events().all().filter(|e| e.reason == reason).map(|e| e.message.to_string()).collect()
}

fn conditions(hpa: &HorizontalPodAutoscaler) -> Vec<(String, String, String)> {
    hpa.status
        .conditions
        .iter()
        .map(|c| (c.condition_type.to_string(), c.status.to_string(), c.reason.clone()))
        .collect()
}

fn condition(hpa: &HorizontalPodAutoscaler, condition_type: &str) -> (String, String) {
    let c = hpa.status.conditions.iter().find(|c| c.condition_type == condition_type).unwrap();
    (c.status.to_string(), c.reason.clone())
}

/// Advances second by second, recording the Deployment's replicas.
fn watch(world: &mut World, seconds: u64) -> Vec<i32> {
    (0..seconds)
        .map(|_| {
            world.advance(1_000);
            replicas(world)
        })
        .collect()
}

const CPU_ABOVE: &str = "New size: {}; reason: cpu resource utilization (percentage of request) above target";

#[test]
fn load_scales_up_in_steps_within_max_then_down_after_the_window() {
    let mut world = world_with(&format!("{CONFIG}---\n{API}{}{HPA}{}", app("2m"), traffic(300)));
    let seen = watch(&mut world, 240);
    assert_eq!(seen[0], 3);
    assert!(seen.iter().all(|&r| r <= 10), "{seen:?}");
    assert!(seen.windows(2).all(|w| w[1] >= w[0]), "only up while loaded: {seen:?}");
    let mut steps: Vec<i32> = seen.clone();
    steps.dedup();
    assert!(steps.len() >= 3, "scaled in steps: {steps:?}");
    assert_eq!(*steps.last().unwrap(), 10, "{steps:?}");
    // 300 rps over 3 pods: 5m + 2m × 100 = 205m of 100m = 205 %, ratio 4.1:
    // ceil(3 × 4.1) = 13, but one step may at most double (6).
    let rescales = events(&world, "SuccessfulRescale");
    // 15 s later the 3 new pods are still warming up (counted as idle), so
    // the metrics propose 6 (no reason, as upstream words it), but the
    // highest recommendation of the window (13) wins, capped at 10.
    assert_eq!(rescales, [CPU_ABOVE.replace("{}", "6"), "New size: 10; reason: ".to_string()]);
    let why: Vec<&Decision> = world
        .decisions()
        .iter()
        .filter(|d| d.controller == "horizontal-pod-autoscaler" && d.what == "rescale to 6")
        .collect();
    assert_eq!(why.len(), 1);
    assert!(
        why[0]
            .why
            .iter()
            .any(|line| line.contains("CPU 205% of request across 3 ready pods, target 50%: ceil(3 × 205/50) = 13")),
        "{:?}",
        why[0].why
    );
    assert!(why[0].why.iter().any(|line| line.contains("max(2 × 3, 4)")), "{:?}", why[0].why);

    let status = hpa(&world).status;
    assert_eq!((status.current_replicas, status.desired_replicas), (10, 10));
    assert!(status.last_scale_time.is_some());
    let metric = status.current_metrics[0].resource.as_ref().unwrap();
    assert_eq!(metric.name, "cpu");
    // 30 rps per pod: 5m + 60m = 65m, 65 %.
    assert_eq!(metric.current.average_utilization, Some(65));
    assert_eq!(metric.current.average_value.as_ref().map(|q| q.as_str().to_string()), Some("65m".to_string()));
    assert_eq!(
        conditions(&hpa(&world)),
        [
            ("AbleToScale".into(), "True".into(), "ReadyForNewScale".into()),
            ("ScalingActive".into(), "True".into(), "ValidMetricFound".into()),
            ("ScalingLimited".into(), "True".into(), "TooManyReplicas".into()),
        ]
    );

    // The load drops: the HPA waits out the 300 s stabilization window.
    world.apply_fault(&Fault::Traffic { namespace: "default".into(), service: "api".into(), requests_per_second: 0 });
    let calm = watch(&mut world, 285);
    assert!(calm.iter().all(|&r| r == 10), "held during the window: {calm:?}");
    assert_eq!(condition(&hpa(&world), "AbleToScale"), ("True".into(), "ScaleDownStabilized".into()));
    let after = watch(&mut world, 45);
    assert_eq!(*after.last().unwrap(), 2, "{after:?}");
    assert_eq!(events(&world, "SuccessfulRescale").last().unwrap(), "New size: 2; reason: All metrics below target");
    assert_eq!(condition(&hpa(&world), "ScalingLimited"), ("True".into(), "TooFewReplicas".into()));
    let down = world.decisions().iter().rev().find(|d| d.what == "rescale to 2").unwrap();
    assert!(down.why.iter().any(|line| line.contains("raised to minReplicas 2")), "{:?}", down.why);
}

/// The seed's "why CPU misses an I/O-bound service": requests cost no CPU,
/// so the HPA never sees load and only ever settles at minReplicas.
#[test]
fn an_io_bound_app_never_scales_up() {
    let mut world = world_with(&format!("{CONFIG}---\n{API}{}{HPA}{}", app("0m"), traffic(5_000)));
    let seen = watch(&mut world, 600);
    assert!(seen.iter().all(|&r| r <= 3), "{seen:?}");
    assert_eq!(*seen.last().unwrap(), 2);
    assert_eq!(events(&world, "SuccessfulRescale"), ["New size: 2; reason: All metrics below target"]);
    let metric = hpa(&world).status.current_metrics[0].resource.clone().unwrap();
    assert_eq!(metric.current.average_utilization, Some(5));
}

#[test]
fn a_missing_cpu_request_stops_scaling_with_upstreams_words() {
    // Without a request (and without a limit, which would default it).
    let text = API
        .replace("            cpu: \"100m\"      # 0.1 CPU cores guaranteed\n", "")
        .replace("            cpu: \"500m\"      # hard cap at 0.5 cores\n", "");
    assert_ne!(text, API);
    let mut world = world_with(&format!("{CONFIG}---\n{text}{}{HPA}{}", app("2m"), traffic(300)));
    let seen = watch(&mut world, 180);
    assert!(seen.iter().all(|&r| r == 3));
    let pod = world.store().list("Pod", None).map(|o| o.name().to_string()).next().unwrap();
    let failures = events(&world, "FailedGetResourceMetric");
    let expected = "failed to get cpu utilization: missing request for cpu in container api of Pod ";
    assert!(failures.iter().any(|m| m.starts_with(expected)), "{failures:?}");
    assert!(failures.iter().all(|m| m.starts_with("failed to get cpu utilization: ")), "{failures:?}");
    let computed = events(&world, "FailedComputeMetricsReplicas");
    assert!(
        computed.iter().any(|m| m.starts_with(&format!(
            "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: {expected}"
        ))),
        "{computed:?}"
    );
    assert!(
        world
            .events()
            .all()
            .filter(|e| e.reason.starts_with("Failed"))
            .all(|e| e.event_type == crate::world::events::EventType::Warning)
    );
    let hpa = hpa(&world);
    assert_eq!(condition(&hpa, "ScalingActive"), ("False".into(), "FailedGetResourceMetric".into()));
    let message = &hpa.status.conditions.iter().find(|c| c.condition_type == "ScalingActive").unwrap().message;
    assert!(message.starts_with(&format!("the HPA was unable to compute the replica count: {expected}")), "{message}");
    assert!(pod.starts_with("api-"));
    assert_eq!(hpa.status.current_replicas, 3);
    assert_eq!(hpa.status.current_metrics.len(), 1);
    assert_eq!(hpa.status.current_metrics[0].metric_type, "");
}

#[test]
fn a_missing_target_cannot_be_scaled_and_the_hpa_syncs_every_15_seconds() {
    let mut world = world_with(HPA);
    world.advance(60_000);
    let failures: Vec<_> = world.events().all().filter(|e| e.reason == "FailedGetScale").collect();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].message, "deployments.apps \"api\" not found");
    assert_eq!(failures[0].count, 5, "at 0, 15, 30, 45 and 60 s");
    assert_eq!(condition(&hpa(&world), "AbleToScale"), ("False".into(), "FailedGetScale".into()));
}

#[test]
fn runs_are_deterministic() {
    let run = || {
        let mut world = world_with(&format!("{CONFIG}---\n{API}{}{HPA}{}", app("2m"), traffic(300)));
        world.advance(200_000);
        world
    };
    let (a, b) = (run(), run());
    assert_eq!(a.digest(), b.digest());
    assert!(a == b);
    let _: Option<Deployment> = None;
}
