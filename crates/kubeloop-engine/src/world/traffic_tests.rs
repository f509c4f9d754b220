//! Load on Services, run through the world.

use super::*;
use crate::api::Str;
use crate::world::World;
use crate::world::test_support::world_with;
use crate::{DEMO_MANIFESTS, parse_manifests};

const APP: &str = "---
apiVersion: kubeloop.dev/v1
kind: App
metadata:
  name: demo-api
spec:
  image: myrepo/demo-api
  memory: {baseline: 180Mi, perRequest: 2Mi}
  cpu: {baseline: 10m, perRequest: 3m}
";

fn traffic(rps: i32) -> String {
    format!(
        "---\napiVersion: kubeloop.dev/v1\nkind: Traffic\nmetadata:\n  name: demo-api\nspec:\n  service: demo-api\n  requestsPerSecond: {rps}\n"
    )
}

/// The seconds recorded after the first `skip`.
fn since(world: &World, skip: usize) -> Vec<(u64, i64, i64)> {
    requests(world, "default", "demo-api").into_iter().skip(skip).collect()
}

fn pod_keys(world: &World) -> Vec<Key> {
    world.store().list("Pod", None).map(Key::of).collect()
}

#[test]
fn demo_service_serves_every_request_spread_evenly() {
    let mut world = world_with(&format!("{DEMO_MANIFESTS}{APP}{}", traffic(100)));
    world.advance(10_000);
    let mark = requests(&world, "default", "demo-api").len();
    assert!(mark > 0);
    world.advance(20_000);
    let seconds = since(&world, mark);
    assert_eq!(seconds.len(), 20);
    assert!(seconds.windows(2).all(|w| w[1].0 == w[0].0 + 1), "{seconds:?}");
    assert!(seconds.iter().all(|&(_, ok, failed)| (ok, failed) == (100, 0)), "{seconds:?}");
    let pods = pod_keys(&world);
    assert_eq!(pods.len(), 2);
    for pod in &pods {
        assert_eq!(pod_rate(&world, pod), 50);
        assert_eq!(pod_usage(&world, pod), (10 + 50 * 3, (180 + 50 * 2) * 1024 * 1024));
    }
    assert_eq!(request_rate(&world, "default", "demo-api"), 100);
}

#[test]
fn without_an_app_the_healthy_defaults_apply_and_remainders_go_first() {
    let mut world = world_with(&format!("{}{}", DEMO_MANIFESTS.replace("replicas: 2", "replicas: 3"), traffic(100)));
    world.advance(15_000);
    let pods = pod_keys(&world);
    let rates: Vec<i64> = pods.iter().map(|pod| pod_rate(&world, pod)).collect();
    assert_eq!(rates.iter().sum::<i64>(), 100);
    assert_eq!(rates.iter().filter(|&&r| r == 34).count(), 1, "{rates:?}");
    let busiest = pods.iter().find(|pod| pod_rate(&world, pod) == 34).unwrap();
    assert_eq!(pod_usage(&world, busiest), (5 + 34 * 2, (64 + 34) * 1024 * 1024));
}

#[test]
fn a_selector_typo_fails_every_request() {
    let text = DEMO_MANIFESTS.replace("  selector:\n    app: demo-api", "  selector:\n    app: demo-apl");
    assert_ne!(text, DEMO_MANIFESTS);
    let mut world = world_with(&format!("{text}{}", traffic(100)));
    world.advance(20_000);
    let seconds = since(&world, 0);
    assert_eq!(seconds.len(), 21, "seconds 0 to 20");
    assert!(seconds.iter().all(|&(_, ok, failed)| (ok, failed) == (0, 100)), "{seconds:?}");
    assert!(pod_keys(&world).iter().all(|pod| pod_rate(&world, pod) == 0));
}

/// The seeds' point: without a readiness probe, a pod is Ready as soon as
/// its container runs, so requests reach an app still warming up; with a
/// readiness probe the rollout loses none.
#[test]
fn rollouts_lose_requests_only_without_a_readiness_probe() {
    let app = "---\napiVersion: kubeloop.dev/v1\nkind: App\nmetadata:\n  name: demo-api\nspec:\n  image: myrepo/demo-api\n  startupSeconds: 5\n";
    let probe = "        ports:\n        - containerPort: 3000\n        readinessProbe:\n          httpGet: {path: /, port: 3000}\n";
    let failures_in_rollout = |with_probe: bool| {
        let mut base = DEMO_MANIFESTS.to_string();
        if with_probe {
            base = base.replace("        ports:\n        - containerPort: 3000\n", probe);
            assert!(base.contains("readinessProbe"));
        }
        let mut world = world_with(&format!("{base}{app}{}", traffic(100)));
        world.advance(30_000);
        let mark = requests(&world, "default", "demo-api").len();
        assert!(since(&world, mark.saturating_sub(5)).iter().all(|&(_, ok, _)| ok == 100), "settled before rollout");
        world.apply(&parse_manifests(&format!("{}{app}{}", base.replace("1.0.0", "1.0.1"), traffic(100))));
        world.advance(60_000);
        let seconds = since(&world, mark);
        assert_eq!(seconds.len(), 60);
        assert!(seconds.iter().all(|&(_, ok, failed)| ok + failed == 100));
        let images: Vec<Str> = world
            .store()
            .list("Pod", None)
            .filter_map(|o| if let Object::Pod(p) = o { p.spec.containers[0].image.clone() } else { None })
            .collect();
        assert_eq!(images, ["myrepo/demo-api:1.0.1"; 2], "the rollout completed");
        seconds.iter().map(|&(_, _, failed)| failed).sum::<i64>()
    };
    let without = failures_in_rollout(false);
    assert!(without > 0, "warming pods took requests");
    assert_eq!(failures_in_rollout(true), 0);
}

#[test]
fn a_traffic_fault_changes_the_rate() {
    let mut world = world_with(&format!("{DEMO_MANIFESTS}{}", traffic(100)));
    world.advance(10_000);
    let fault =
        |rps| Fault::Traffic { namespace: "default".into(), service: "demo-api".into(), requests_per_second: rps };
    world.apply_fault(&fault(41));
    let mark = requests(&world, "default", "demo-api").len();
    world.advance(5_000);
    assert_eq!(since(&world, mark), (11..=15).map(|s| (s, 41, 0)).collect::<Vec<_>>());
    let rates: Vec<i64> = pod_keys(&world).iter().map(|pod| pod_rate(&world, pod)).collect();
    assert_eq!(rates, [21, 20]);
    // The override wins over the Traffic document, even a re-applied one.
    world.apply(&parse_manifests(&traffic(7)));
    world.advance(1_000);
    assert_eq!(since(&world, mark).last(), Some(&(16, 41, 0)));
    // Zero stops the ticks; the pods' rates drop to 0.
    world.apply_fault(&fault(0));
    world.advance(5_000);
    let recorded = requests(&world, "default", "demo-api").len();
    assert_eq!(request_rate(&world, "default", "demo-api"), 0);
    assert!(pod_keys(&world).iter().all(|pod| pod_rate(&world, pod) == 0));
    world.advance(5_000);
    assert_eq!(requests(&world, "default", "demo-api").len(), recorded);
    // A fault alone starts traffic on a Service no Traffic names.
    world.apply_fault(&Fault::Traffic {
        namespace: "default".into(),
        service: "missing".into(),
        requests_per_second: 3,
    });
    world.advance(2_000);
    assert_eq!(requests(&world, "default", "missing").last().map(|s| (s.1, s.2)), Some((0, 3)));
}

#[test]
fn history_is_bounded_and_runs_are_deterministic() {
    let run = || {
        let mut world = world_with(&format!("{DEMO_MANIFESTS}{}", traffic(10)));
        world.advance((HISTORY_SECONDS as u64 + 100) * 1_000);
        world
    };
    let world = run();
    let seconds = requests(&world, "default", "demo-api");
    assert_eq!(seconds.len(), HISTORY_SECONDS);
    assert_eq!(seconds.last().map(|s| s.0), Some(HISTORY_SECONDS as u64 + 100));
    assert!(world == run());
}
