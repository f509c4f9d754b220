//! The kubelet's container lifecycle, run through the world: crash loops,
//! liveness kills, OOM kills, readiness faults, kills.

use super::*;
use crate::api::core::ContainerStatus;
use crate::parse_manifests;
use crate::world::World;
use crate::world::faults::{Fault, Target};
use crate::world::test_support::{pods, world_with};

const S: u64 = 1_000;

/// A one-replica Deployment of `app:1` (container `app`), with `extra`
/// lines appended to the container, and an App with `app_spec` lines.
fn manifests(container_extra: &str, app_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: app
        image: app:1
{container_extra}---
apiVersion: kubeloop.dev/v1
kind: App
metadata: {{name: app}}
spec:
  image: app:1
{app_spec}"
    )
}

/// Advances to `ms` since the world began.
fn at(world: &mut World, ms: u64) {
    world.advance(ms - world.now_ms());
}

fn the_pod(world: &World) -> Pod {
    let pods = pods(world);
    assert_eq!(pods.len(), 1, "{pods:#?}");
    pods[0].clone()
}

fn container(world: &World) -> ContainerStatus {
    the_pod(world).status.container_statuses[0].clone()
}

fn ready(pod: &Pod) -> bool {
    crate::controller::replicaset::is_pod_ready(pod)
}

/// (reason, count) of the events with this reason and message prefix.
fn events(world: &World, reason: &str) -> Vec<(String, u32)> {
    world.events().all().filter(|e| e.reason == reason).map(|e| (e.message.to_string(), e.count)).collect()
}

fn waiting(status: &ContainerStatus) -> Option<(String, String)> {
    status.state.waiting.as_ref().map(|w| (w.reason.clone().unwrap_or_default(), w.message.clone().unwrap_or_default()))
}

fn last_exit(status: &ContainerStatus) -> Option<(i32, String)> {
    status.last_state.terminated.as_ref().map(|t| (t.exit_code, t.reason.clone().unwrap_or_default()))
}

fn pod_ref(pod: &Pod) -> String {
    format!("{}_default({})", pod.metadata.name(), pod.metadata.uid.as_deref().unwrap_or(""))
}

/// crash.afterSeconds 5: exits at 6 s (started at 1 s), restarted at once,
/// then after 10, 20, 40 s of CrashLoopBackOff measured from each exit.
#[test]
fn a_crashing_app_restarts_on_the_back_off_schedule() {
    let mut world = world_with(&manifests("", "  crash: {afterSeconds: 5, exitCode: 1}\n"));
    at(&mut world, 5_999);
    assert_eq!((container(&world).restart_count, container(&world).state.running.is_some()), (0, true));
    at(&mut world, 6 * S);
    let status = container(&world);
    assert_eq!((status.restart_count, status.state.running.is_some()), (1, true), "first restart: at once");
    assert_eq!(last_exit(&status), Some((1, "Error".to_string())));
    let finished = status.last_state.terminated.as_ref().and_then(|t| t.finished_at).unwrap();
    assert_eq!(finished.to_rfc3339(), "2026-01-01T00:00:06Z");
    // (exit, restart, window) for the next three exits.
    let pod = pod_ref(&the_pod(&world));
    for (count, (exit, start, window)) in [(11, 21, "10s"), (26, 46, "20s"), (51, 91, "40s")].into_iter().enumerate() {
        at(&mut world, exit * S);
        let status = container(&world);
        assert_eq!(
            waiting(&status),
            Some((
                "CrashLoopBackOff".to_string(),
                format!("back-off {window} restarting failed container=app pod={pod}")
            )),
            "at {exit} s"
        );
        assert_eq!(status.restart_count, count as i32 + 1);
        assert_eq!(last_exit(&status), Some((1, "Error".to_string())));
        assert!(!status.ready);
        let pod_now = the_pod(&world);
        assert_eq!(pod_now.status.phase, "Running", "CrashLoopBackOff under Always stays Running");
        assert!(!ready(&pod_now));
        at(&mut world, start * S - 1);
        assert!(container(&world).state.waiting.is_some());
        at(&mut world, start * S);
        let status = container(&world);
        assert_eq!((status.restart_count, status.state.running.is_some()), (count as i32 + 2, true), "at {start} s");
        assert!(ready(&the_pod(&world)), "no readiness probe: ready while running");
    }
    assert_eq!(events(&world, "BackOff"), [(format!("Back-off restarting failed container app in pod {pod}"), 3)]);
    let pulled = events(&world, "Pulled");
    assert_eq!(
        pulled[1],
        ("Container image \"app:1\" already present on machine and can be accessed by the pod".to_string(), 4)
    );
}

/// Liveness period 5 s, failureThreshold 3: killed on the third failing
/// probe, 10 s after the first; the app exits 0 a second later and restarts
/// at once; the next kill waits out a 10 s back-off.
#[test]
fn a_failing_liveness_endpoint_restarts_the_container() {
    let probe = "        livenessProbe:\n          httpGet: {path: /healthz, port: 8080}\n          periodSeconds: 5\n          failureThreshold: 3\n";
    let mut world = world_with(&manifests(probe, ""));
    at(&mut world, 30 * S);
    assert!(ready(&the_pod(&world)));
    // Started at 1 s: the probe grid is 1, 6, 11, ... s.
    let target = Target::Deployment { namespace: "default".into(), name: "web".into() };
    world.apply_fault(&Fault::Liveness { target: target.clone(), status: 500 });
    at(&mut world, 41 * S - 1);
    assert!(events(&world, "Killing").is_empty());
    let unhealthy = "Liveness probe failed: HTTP probe failed with statuscode: 500".to_string();
    assert_eq!(events(&world, "Unhealthy").last(), Some(&(unhealthy.clone(), 2)));
    at(&mut world, 41 * S);
    assert_eq!(events(&world, "Killing"), [("Container app failed liveness probe, will be restarted".to_string(), 1)]);
    assert_eq!(container(&world).restart_count, 0, "the app takes a second to exit");
    at(&mut world, 42 * S);
    let status = container(&world);
    assert_eq!((status.restart_count, status.state.running.is_some()), (1, true));
    assert_eq!(last_exit(&status), Some((0, "Completed".to_string())));
    // Still failing: killed at 56 s (ticks 46, 51, 56), exits at 57 s, back-off 10 s.
    at(&mut world, 57 * S);
    let status = container(&world);
    assert_eq!(waiting(&status).map(|w| w.0), Some("CrashLoopBackOff".to_string()));
    at(&mut world, 67 * S);
    assert_eq!(container(&world).restart_count, 2);
    world.apply_fault(&Fault::Liveness { target, status: 200 });
    at(&mut world, 300 * S);
    let status = container(&world);
    assert_eq!((status.restart_count, status.state.running.is_some()), (2, true));
    assert!(ready(&the_pod(&world)));
}

/// A 32Mi limit under the App's 64Mi baseline: OOMKilled (137) as soon as
/// the app is up, then CrashLoopBackOff with growing windows.
#[test]
fn a_memory_limit_under_the_baseline_is_oom_killed() {
    let limits = "        resources: {limits: {memory: 32Mi}}\n";
    let mut world = world_with(&manifests(limits, "  memory: {baseline: 64Mi}\n"));
    // Starts at 1 s, serves (and uses its memory) at 3 s: killed, restarted at once.
    at(&mut world, 3 * S - 1);
    assert_eq!(container(&world).restart_count, 0);
    at(&mut world, 3 * S);
    let status = container(&world);
    assert_eq!((status.restart_count, last_exit(&status)), (1, Some((137, "OOMKilled".to_string()))));
    let pod = pod_ref(&the_pod(&world));
    for (exit, start, window) in [(5, 15, "10s"), (17, 37, "20s"), (39, 79, "40s")] {
        at(&mut world, exit * S);
        let status = container(&world);
        assert_eq!(
            waiting(&status),
            Some((
                "CrashLoopBackOff".to_string(),
                format!("back-off {window} restarting failed container=app pod={pod}")
            )),
            "at {exit} s"
        );
        assert_eq!(last_exit(&status), Some((137, "OOMKilled".to_string())));
        at(&mut world, start * S);
        assert!(container(&world).state.running.is_some(), "at {start} s");
    }
    assert_eq!(container(&world).restart_count, 4);
}

/// Extra memory past the limit OOM-kills a running pod; 0 restores it.
#[test]
fn extra_memory_past_the_limit_oom_kills() {
    let limits = "        resources: {limits: {memory: 128Mi}}\n";
    let mut world = world_with(&manifests(limits, "  memory: {baseline: 64Mi}\n"));
    at(&mut world, 10 * S);
    let target = Target::Deployment { namespace: "default".into(), name: "web".into() };
    world.apply_fault(&Fault::ExtraMemory { target: target.clone(), bytes: 32 << 20 });
    assert_eq!(container(&world).restart_count, 0);
    world.apply_fault(&Fault::ExtraMemory { target: target.clone(), bytes: 100 << 20 });
    assert_eq!(last_exit(&container(&world)), Some((137, "OOMKilled".to_string())));
    // Restarted at once; up again at 12 s, still over: 10 s of back-off.
    at(&mut world, 12 * S);
    assert_eq!(waiting(&container(&world)).map(|w| w.0), Some("CrashLoopBackOff".to_string()));
    world.apply_fault(&Fault::ExtraMemory { target, bytes: 0 });
    at(&mut world, 100 * S);
    let status = container(&world);
    assert_eq!((status.restart_count, status.state.running.is_some()), (2, true));
}

/// Readiness 500 makes a Ready pod NotReady after failureThreshold periods
/// (never restarting it); 200 heals it; new pods of the Deployment inherit
/// the fault.
#[test]
fn a_readiness_fault_makes_the_pod_not_ready_and_heals() {
    let probe = "        readinessProbe:\n          httpGet: {path: /ready, port: 8080}\n          periodSeconds: 5\n          failureThreshold: 3\n        livenessProbe:\n          httpGet: {path: /healthz, port: 8080}\n";
    let mut world = world_with(&manifests(probe, ""));
    at(&mut world, 20 * S);
    assert!(ready(&the_pod(&world)));
    assert_eq!(kubelet_next(&world), None, "nothing can change: no wake-ups");
    let target = Target::Deployment { namespace: "default".into(), name: "web".into() };
    world.apply_fault(&Fault::Readiness { target: target.clone(), status: 500 });
    // Ticks at 21, 26, 31 s fail.
    at(&mut world, 31 * S - 1);
    assert!(ready(&the_pod(&world)));
    at(&mut world, 31 * S);
    let pod = the_pod(&world);
    assert!(!ready(&pod));
    let containers_ready = pod.status.conditions.iter().find(|c| c.condition_type == "ContainersReady").unwrap();
    assert_eq!(containers_ready.status, "False");
    assert_eq!(pod.status.phase, "Running");
    assert_eq!(
        events(&world, "Unhealthy").last(),
        Some(&("Readiness probe failed: HTTP probe failed with statuscode: 500".to_string(), 3))
    );
    at(&mut world, 60 * S);
    assert_eq!(container(&world).restart_count, 0, "readiness never restarts");
    world.apply_fault(&Fault::Readiness { target: target.clone(), status: 200 });
    at(&mut world, 66 * S);
    assert!(ready(&the_pod(&world)));
    // The fault is the Deployment's: a new pod of it fails too.
    world.apply_fault(&Fault::Readiness { target, status: 503 });
    let scaled = manifests(probe, "").replace("replicas: 1", "replicas: 2");
    world.apply(&parse_manifests(&scaled));
    at(&mut world, 120 * S);
    let pods = pods(&world);
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| !ready(p)), "{pods:#?}");
}

fn kubelet_next(world: &World) -> Option<i64> {
    super::next_timer(world)
}

/// KillPod: exit 137 (Error), restarted once, at once.
#[test]
fn kill_pod_restarts_the_container_once() {
    let mut world = world_with(&manifests("", ""));
    at(&mut world, 10 * S);
    let name = the_pod(&world).metadata.name().to_string();
    world.apply_fault(&Fault::KillPod { namespace: "default".into(), name });
    let status = container(&world);
    assert_eq!((status.restart_count, status.state.running.is_some()), (1, true));
    assert_eq!(last_exit(&status), Some((137, "Error".to_string())));
    at(&mut world, 120 * S);
    let status = container(&world);
    assert_eq!((status.restart_count, status.state.running.is_some()), (1, true));
    assert!(ready(&the_pod(&world)));
    assert!(events(&world, "BackOff").is_empty());
}

#[test]
fn crash_loops_are_deterministic() {
    let run = || {
        let mut world = world_with(&manifests("", "  crash: {afterSeconds: 3, exitCode: 2}\n"));
        world.advance(200 * S);
        world.digest()
    };
    assert_eq!(run(), run());
}

/// `pull: NotFound`: ErrImagePull, a retry at 10 s (ErrImagePull again),
/// ImagePullBackOff at 20 s, the next pull at 30 s; the pod never runs.
#[test]
fn a_missing_image_backs_off_between_pulls() {
    let mut world = world_with(&manifests("", "  pull: NotFound\n"));
    let waiting = |world: &World| {
        let state = container(world).state;
        assert!(state.running.is_none() && state.terminated.is_none(), "{state:?}");
        state.waiting.and_then(|w| w.reason).unwrap_or_default()
    };
    // Bound at 0 s, the first pull fails 1 s later.
    at(&mut world, 1_500);
    assert_eq!(waiting(&world), "ErrImagePull");
    assert_eq!(
        container(&world).state.waiting.and_then(|w| w.message).as_deref(),
        Some(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/app:1\": failed to resolve reference \"docker.io/library/app:1\": docker.io/library/app:1: not found"
        )
    );
    at(&mut world, 11_500);
    assert_eq!(waiting(&world), "ErrImagePull");
    at(&mut world, 21_500);
    assert_eq!(waiting(&world), "ImagePullBackOff");
    at(&mut world, 31_500);
    assert_eq!(waiting(&world), "ErrImagePull");
    at(&mut world, 600 * S);
    let pod = the_pod(&world);
    assert_eq!(pod.status.phase, "Pending");
    assert_eq!(pod.status.container_statuses[0].restart_count, 0);
    let events: Vec<String> = world
        .events()
        .all()
        .filter(|e| e.involved.kind == "Pod")
        .map(|e| format!("{:?} {}: {} (x{})", e.event_type, e.reason, e.message, e.count))
        .collect();
    // Pulls at 1, 11, 31, 71, 151, 311 s (back-off 10 → 160 s), back-off
    // reports on the 10 s retries between: the recorder counts them, and
    // its spam filter lets the kubelet write 25 events about the pod, then
    // one per 300 s. The 25 are gone by 91 s; the token back at 301 s goes
    // to a back-off report, so the pulls at 151 and 311 s are never written.
    assert!(events.contains(&"Normal Pulling: Pulling image \"app:1\" (x4)".to_string()), "{events:#?}");
    assert!(events.contains(&"Warning Failed: Error: ErrImagePull (x4)".to_string()), "{events:#?}");
    assert!(events.contains(&"Normal BackOff: Back-off pulling image \"app:1\" (x26)".to_string()), "{events:#?}");
    assert!(events.iter().any(|e| e.starts_with("Normal BackOff: Back-off pulling image \"app:1\"")), "{events:#?}");
    assert!(events.iter().any(|e| e.starts_with("Warning Failed: Error: ImagePullBackOff")), "{events:#?}");
    assert!(!events.iter().any(|e| e.contains("Started")), "{events:#?}");
}

/// A runtime whose container starts at `start_at_ms`, with a memory limit
/// or not.
fn starting(start_at_ms: i64, memory_limit_bytes: Option<i64>) -> PodRuntime {
    PodRuntime { start_at_ms, pending_start: true, memory_limit_bytes, ..PodRuntime::default() }
}

#[test]
fn the_timer_queue_hands_out_due_runtimes_in_key_order() {
    let key = |name: &str| Key::new("Pod", "default", name);
    let mut runtimes = Runtimes::default();
    // Inserted out of order; c and a start at the same instant.
    runtimes.insert(key("c"), starting(2_000, None), 0);
    runtimes.insert(key("b"), starting(5_000, None), 0);
    runtimes.insert(key("a"), starting(2_000, None), 0);
    runtimes.insert(key("d"), starting(2_000, None), 0);
    assert_eq!(runtimes.next_timer(), Some(2_000));
    // A removed runtime's timer goes with it.
    assert!(runtimes.remove(&key("d")).is_some());
    let due = |runtimes: &mut Runtimes, now| runtimes.take_due(now).into_iter().map(|(key, _)| key).collect::<Vec<_>>();
    assert_eq!(due(&mut runtimes, 1_999), Vec::<Key>::new());
    assert_eq!(due(&mut runtimes, 2_000), [key("a"), key("c")]);
    // Fired: taken out and put back. Not started: due again at once.
    for name in ["a", "c"] {
        let runtime = runtimes.take_out(&key(name)).unwrap();
        runtimes.put_back(&key(name), runtime, 2_000);
    }
    assert_eq!(runtimes.next_timer(), Some(2_000));
    // A change through get_mut counts once rescheduled.
    let a = runtimes.get_mut(&key("a")).unwrap();
    a.start_at_ms = 3_000;
    runtimes.reschedule(2_000);
    assert_eq!(due(&mut runtimes, 2_500), [key("c")]);
    let mut c = runtimes.take_out(&key("c")).unwrap();
    c.pending_start = false;
    runtimes.put_back(&key("c"), c, 2_500);
    // b's stop is due too.
    runtimes.get_mut(&key("b")).unwrap().stop_at_ms = Some(9_000);
    runtimes.reschedule(2_500);
    assert_eq!(runtimes.take_due(10_000), [(key("a"), false), (key("b"), true)]);
    let mut a = runtimes.take_out(&key("a")).unwrap();
    a.pending_start = false;
    runtimes.put_back(&key("a"), a, 10_000);
    runtimes.remove(&key("b"));
    assert_eq!(runtimes.next_timer(), None);
    // What take_due found not due yet goes back on the queue by itself.
    runtimes.insert(key("e"), starting(20_000, None), 10_000);
    runtimes.get_mut(&key("e")).unwrap().start_at_ms = 30_000;
    assert_eq!(due(&mut runtimes, 20_000), Vec::<Key>::new());
    assert_eq!(runtimes.next_timer(), Some(30_000));
}

#[test]
fn memory_is_checked_once_per_change_and_only_under_a_limit() {
    let key = |name: &str| Key::new("Pod", "default", name);
    let mut runtimes = Runtimes::default();
    runtimes.insert(key("b"), starting(0, Some(1 << 20)), 0);
    runtimes.insert(key("a"), starting(0, Some(1 << 20)), 0);
    runtimes.insert(key("free"), starting(0, None), 0);
    assert!(runtimes.check_memory(&key("b")));
    assert!(runtimes.check_memory(&key("free")));
    assert!(!runtimes.check_memory(&key("gone")));
    assert_eq!(runtimes.take_oom_checks(), [key("a"), key("b")]);
    assert_eq!(runtimes.take_oom_checks(), Vec::<Key>::new());
    // Removed and admitted again before the check: listed once.
    runtimes.remove(&key("a"));
    runtimes.insert(key("a"), starting(0, Some(1 << 20)), 0);
    runtimes.get_mut(&key("a"));
    assert_eq!(runtimes.take_oom_checks(), [key("a")]);
    runtimes.check_all_memory();
    assert_eq!(runtimes.take_oom_checks(), [key("a"), key("b")]);
}

/// Runtimes sit in reused slots: a key finds its own runtime whatever its
/// hint says, and they list in key order whatever slots they hold.
#[test]
fn runtimes_are_found_by_key_when_slots_are_reused() {
    let key = |name: &str| Key::new("Pod", "default", name);
    let runtime = |instances: i32| PodRuntime { instances, ..PodRuntime::default() };
    let mut runtimes = Runtimes::default();
    let (b, a) = (key("web-b"), key("web-a"));
    runtimes.insert(b.clone(), runtime(1), 0);
    runtimes.remove(&b);
    runtimes.insert(a.clone(), runtime(2), 0);
    assert_eq!((b.runtime_slot.get(), runtimes.get(&b)), (a.runtime_slot.get(), None));
    runtimes.insert(key("web-b"), runtime(3), 0);
    for (key, instances) in [(&a, 2), (&b, 3), (&key("web-b"), 3)] {
        assert_eq!(runtimes.get(key).map(|r| r.instances), Some(instances), "{key:?}");
    }
    let listed: Vec<&str> = runtimes.pods.iter().map(|entry| entry.key.name.as_str()).collect();
    assert_eq!(listed, ["web-a", "web-b"]);
}

/// The hash index agrees with an ordered map through growth and
/// removals (which move later entries back): every key is found under a
/// key made anew (no hint), no removed one is, and they list in key order.
#[test]
fn the_runtime_index_finds_every_key_through_growth_and_removals() {
    let key = |n: u32| Key::new("Pod", "default", &format!("web-5d8c7b9f6c-{:05}", n * 7919 % 1000));
    let mut runtimes = Runtimes::default();
    let mut model = BTreeMap::new();
    for n in 0..600u32 {
        runtimes.insert(key(n), PodRuntime { instances: n as i32, ..PodRuntime::default() }, 0);
        model.insert(key(n), n as i32);
        if n % 3 == 0 {
            let gone = key(n / 2);
            assert_eq!(
                runtimes.remove(&Key::new("Pod", "default", &gone.name)).is_some(),
                model.remove(&gone).is_some()
            );
        }
    }
    for n in 0..1000u32 {
        let fresh = key(n);
        assert_eq!(runtimes.get(&fresh).map(|r| r.instances), model.get(&fresh).copied(), "{fresh:?}");
    }
    let listed: Vec<(Key, i32)> =
        runtimes.pods.iter().map(|entry| (entry.key.clone(), entry.runtime.instances)).collect();
    assert_eq!(listed, model.into_iter().collect::<Vec<_>>());
}

/// Pod addresses read as `format!` wrote them.
#[test]
fn pod_addresses_read_as_formatted() {
    for n in [0, 1, 7, 9, 10, 247, 248, 249, 250, 251, 999, 62_499, 62_500, u32::MAX] {
        assert_eq!(pod_ip(n), format!("10.244.{}.{}", n / 250, n % 250 + 2), "{n}");
    }
}

/// The field path of a container's events, for names that fit the stack
/// buffer and one that does not; the node's address shared by its pods.
#[test]
fn container_events_name_their_field_path() {
    for name in ["app", &"a".repeat(46), &"b".repeat(47), &"c".repeat(63)] {
        let mut world = world_with(&manifests("", "").replace("- name: app", &format!("- name: {name}")));
        at(&mut world, 5 * S);
        let expected = format!("spec.containers{{{name}}}");
        let paths: Vec<String> = world
            .events()
            .all()
            .filter(|e| e.reason == "Started" || e.reason == "Pulling")
            .map(|e| e.field_path.unwrap_or_default().to_string())
            .collect();
        assert_eq!(paths, [expected.clone(), expected], "{name}");
    }
    let mut world = world_with(&manifests("", "").replace("replicas: 1", "replicas: 3"));
    at(&mut world, 5 * S);
    let pods = pods(&world);
    let hosts: Vec<&crate::api::Str> = pods.iter().filter_map(|pod| pod.status.host_ip.as_ref()).collect();
    assert_eq!(hosts.len(), 3);
    assert!(hosts.iter().all(|host| !host.is_empty() && host.shares_with(hosts[0]) == (**host == *hosts[0])));
}
