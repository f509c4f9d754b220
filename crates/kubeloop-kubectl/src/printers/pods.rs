//! `kubectl get pods` (printPod): NAME READY STATUS RESTARTS AGE, and with
//! `-o wide` IP NODE NOMINATED NODE READINESS GATES.

use super::{age, items, text_at};
use kubeloop_engine::api::Time;
use kubeloop_engine::api::core::{Container, ContainerStatus, Pod};

pub const POD_COLUMNS: [&str; 5] = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
pub const POD_WIDE_COLUMNS: [&str; 4] = ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"];

/// What printPod works out from a pod's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSummary {
    /// Ready containers (running and ready; started and ready sidecars).
    pub ready: usize,
    /// Containers plus restartable (sidecar) init containers.
    pub total: usize,
    /// The STATUS column.
    pub status: String,
    pub restarts: i64,
    /// The most recent `lastState.terminated.finishedAt` among the counted
    /// containers.
    pub last_restart: Option<Time>,
}

impl PodSummary {
    /// `3`, or `3 (10s ago)` when a last termination time is known.
    pub fn restarts_cell(&self, now: Time) -> String {
        match self.last_restart {
            Some(_) if self.restarts != 0 => format!("{} ({} ago)", self.restarts, age(self.last_restart, now)),
            _ => self.restarts.to_string(),
        }
    }
}

/// `IsRestartableInitContainer`: an init container with `restartPolicy:
/// Always` (a sidecar).
pub fn is_restartable_init_container(container: Option<&Container>) -> bool {
    container.is_some_and(|container| container.restart_policy.as_deref() == Some("Always"))
}

fn condition_true(pod: &Pod, condition_type: &str) -> bool {
    pod.status.conditions.iter().any(|c| c.condition_type == condition_type && c.status == "True")
}

/// Keeps the later of two restart times (metav1.Time.Before on a zero start).
fn later(current: Option<Time>, status: &ContainerStatus) -> Option<Time> {
    match status.last_state.terminated.as_ref().and_then(|terminated| terminated.finished_at) {
        Some(finished) if current.is_none_or(|current| current < finished) => Some(finished),
        _ => current,
    }
}

/// Reads a pod the way printPod does: READY, STATUS, RESTARTS.
pub fn summarize(pod: &Pod) -> PodSummary {
    let status = &pod.status;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut total = pod.spec.containers.len();
    let mut ready = 0;
    let mut last_restart = None;
    let mut last_sidecar_restart = None;

    let mut reason =
        status.reason.clone().filter(|reason| !reason.is_empty()).unwrap_or_else(|| status.phase.to_string());
    if status.conditions.iter().any(|c| c.condition_type == "PodScheduled" && c.reason == "SchedulingGated") {
        reason = "SchedulingGated".to_string();
    }

    // Init containers by name; a later one of the same name wins, as in
    // upstream's map.
    let init_container =
        |name: &str| -> Option<&Container> { pod.spec.init_containers.iter().rev().find(|c| c.name == name) };
    total += pod.spec.init_containers.iter().filter(|c| is_restartable_init_container(Some(c))).count();

    let mut initializing = false;
    for (index, container) in status.init_container_statuses.iter().enumerate() {
        restarts += i64::from(container.restart_count);
        last_restart = later(last_restart, container);
        let restartable = is_restartable_init_container(init_container(&container.name));
        if restartable {
            sidecar_restarts += i64::from(container.restart_count);
            last_sidecar_restart = later(last_sidecar_restart, container);
        }
        let terminated = container.state.terminated.as_ref();
        let waiting_reason =
            container.state.waiting.as_ref().and_then(|waiting| waiting.reason.as_deref()).unwrap_or("");
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if restartable && container.started == Some(true) {
            if container.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(terminated) = terminated {
            reason = match terminated.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match terminated.signal.filter(|&signal| signal != 0) {
                    Some(signal) => format!("Init:Signal:{signal}"),
                    None => format!("Init:ExitCode:{}", terminated.exit_code),
                },
            };
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            reason = format!("Init:{waiting_reason}");
        } else {
            reason = format!("Init:{index}/{}", pod.spec.init_containers.len());
        }
        initializing = true;
        break;
    }

    if !initializing || condition_true(pod, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for container in status.container_statuses.iter().rev() {
            restarts += i64::from(container.restart_count);
            last_restart = later(last_restart, container);
            let waiting = container.state.waiting.as_ref().and_then(|w| w.reason.as_deref()).filter(|r| !r.is_empty());
            if let Some(waiting) = waiting {
                reason = waiting.to_string();
            } else if let Some(terminated) = container.state.terminated.as_ref() {
                reason = match terminated.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => match terminated.signal.filter(|&signal| signal != 0) {
                        Some(signal) => format!("Signal:{signal}"),
                        None => format!("ExitCode:{}", terminated.exit_code),
                    },
                };
            } else if container.ready && container.state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(pod, "Ready") { "Running" } else { "NotReady" }.to_string();
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if status.reason.as_deref() == Some("NodeLost") {
            reason = "Unknown".to_string();
        } else if status.phase != "Failed" && status.phase != "Succeeded" {
            reason = "Terminating".to_string();
        }
    }

    PodSummary { ready, total, status: reason, restarts, last_restart }
}

/// The row of `kubectl get pods`.
pub fn pod_row(pod: &Pod, now: Time) -> Vec<String> {
    let summary = summarize(pod);
    vec![
        pod.metadata.name().to_string(),
        format!("{}/{}", summary.ready, summary.total),
        summary.status.clone(),
        summary.restarts_cell(now),
        age(pod.metadata.creation_timestamp, now),
    ]
}

/// The row of `kubectl get pods -o wide`. The engine's pod status has no
/// `nominatedNodeName` (the simulation does not preempt), so the caller
/// passes it.
pub fn pod_row_wide(pod: &Pod, now: Time, nominated_node_name: Option<&str>) -> Vec<String> {
    let mut row = pod_row(pod, now);
    let or_none = |text: Option<&str>| text.filter(|t| !t.is_empty()).unwrap_or("<none>").to_string();
    row.push(or_none(pod.status.pod_ip.as_deref()));
    row.push(or_none(pod.spec.node_name.as_deref()));
    row.push(or_none(nominated_node_name));
    row.push(readiness_gates(pod));
    row
}

/// READINESS GATES: `<true gates>/<gates>`, or `<none>`.
fn readiness_gates(pod: &Pod) -> String {
    let gates = items(pod.spec.readiness_gates.as_deref());
    if gates.is_empty() {
        return "<none>".to_string();
    }
    let passing = gates
        .iter()
        .filter(|gate| {
            let condition_type = text_at(gate, &["conditionType"]);
            pod.status
                .conditions
                .iter()
                .find(|c| c.condition_type == condition_type)
                .is_some_and(|c| c.status == "True")
        })
        .count();
    format!("{passing}/{}", gates.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::api::Condition;
    use kubeloop_engine::api::core::{
        ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    };

    const NOW: Time = Time::from_unix_ms(1_700_000_000_000);

    fn ago(seconds: i64) -> Option<Time> {
        Some(Time::from_unix_ms(NOW.unix_ms - seconds * 1000))
    }

    fn running() -> ContainerState {
        ContainerState { running: Some(ContainerStateRunning::default()), ..Default::default() }
    }

    fn waiting(reason: &str) -> ContainerState {
        let reason = (!reason.is_empty()).then(|| reason.to_string());
        ContainerState {
            waiting: Some(Box::new(ContainerStateWaiting { reason, message: None })),
            ..Default::default()
        }
    }

    fn terminated(reason: &str, exit_code: i32) -> ContainerState {
        let reason = (!reason.is_empty()).then(|| reason.to_string());
        let terminated = ContainerStateTerminated { reason, exit_code, ..Default::default() };
        ContainerState { terminated: Some(Box::new(terminated)), ..Default::default() }
    }

    fn finished(seconds_ago: i64) -> ContainerState {
        let terminated = ContainerStateTerminated { finished_at: ago(seconds_ago), ..Default::default() };
        ContainerState { terminated: Some(Box::new(terminated)), ..Default::default() }
    }

    fn status(name: &str, ready: bool, restarts: i32, state: ContainerState) -> ContainerStatus {
        ContainerStatus { name: name.to_string().into(), ready, restart_count: restarts, state, ..Default::default() }
    }

    fn pod(containers: usize, phase: &str, statuses: Vec<ContainerStatus>) -> Pod {
        let mut pod = Pod::default();
        pod.metadata.name = Some("p".to_string());
        pod.spec.containers = (0..containers)
            .map(|i| Container { name: format!("c{i}").into(), ..Default::default() })
            .collect::<Vec<_>>()
            .into();
        pod.status.phase = phase.to_string().into();
        pod.status.container_statuses = statuses;
        pod
    }

    fn condition(condition_type: &str, status: &str, reason: &str) -> Condition {
        Condition {
            condition_type: condition_type.to_string().into(),
            status: status.to_string().into(),
            ..Default::default()
        }
        .with_reason(reason, "")
    }

    fn with_init(mut pod: Pod, sidecars: bool, statuses: Vec<ContainerStatus>) -> Pod {
        pod.spec.init_containers = statuses
            .iter()
            .map(|s| Container {
                name: s.name.clone(),
                restart_policy: sidecars.then(|| "Always".to_string()),
                ..Default::default()
            })
            .collect();
        pod.status.init_container_statuses = statuses;
        pod
    }

    /// From TestPrintPod and TestPrintPodWithRestartableInitContainer.
    #[test]
    fn rows_like_print_pod() {
        let mut restarted = status("c0", true, 3, running());
        restarted.rare_mut().last_state = finished(10);
        let mut deleting = pod(1, "Running", vec![status("c0", false, 0, running())]);
        deleting.metadata.rare_mut().deletion_timestamp = ago(10);
        let mut deleted_done = pod(1, "Succeeded", vec![status("c0", false, 0, terminated("Completed", 0))]);
        deleted_done.metadata.rare_mut().deletion_timestamp = ago(10);
        let mut gated = pod(2, "podPhase", vec![]);
        gated.status.conditions = vec![condition("PodScheduled", "False", "SchedulingGated")];
        let mut ready_completed = pod(
            2,
            "Running",
            vec![status("c0", true, 3, terminated("Completed", 0)), status("c1", true, 3, running())],
        );
        ready_completed.status.conditions = vec![condition("Ready", "True", "")];
        let not_ready_completed = pod(
            2,
            "Running",
            vec![status("c0", true, 3, terminated("Completed", 0)), status("c1", true, 3, running())],
        );
        let mut init_sidecar = status("i0", false, 3, running());
        init_sidecar.rare_mut().last_state = finished(10);
        init_sidecar.started = Some(true);
        let mut sidecar_pod = with_init(
            pod(1, "Running", vec![status("c0", true, 4, running())]),
            true,
            vec![init_sidecar.clone(), ContainerStatus { started: Some(true), ..status("i1", false, 0, running()) }],
        );
        sidecar_pod.status.conditions = vec![condition("Initialized", "True", "")];
        sidecar_pod.status.container_statuses[0].rare_mut().last_state = finished(20);
        let mut evicted = pod(1, "Failed", vec![]);
        evicted.status.reason = Some("Evicted".to_string());
        let mut lost = pod(1, "Running", vec![]);
        lost.status.reason = Some("NodeLost".to_string());
        lost.metadata.rare_mut().deletion_timestamp = ago(1);

        let cases: Vec<(Pod, [&str; 4])> = vec![
            (
                pod(
                    2,
                    "podPhase",
                    vec![status("c0", true, 3, running()), status("c1", false, 3, ContainerState::default())],
                ),
                ["1/2", "podPhase", "6", "<unknown>"],
            ),
            (pod(1, "Running", vec![restarted]), ["1/1", "Running", "3 (10s ago)", "<unknown>"]),
            (
                pod(
                    2,
                    "podPhase",
                    vec![status("c0", true, 3, running()), status("c1", false, 3, waiting("ContainerWaitingReason"))],
                ),
                ["1/2", "ContainerWaitingReason", "6", "<unknown>"],
            ),
            (ready_completed, ["1/2", "Running", "6", "<unknown>"]),
            (not_ready_completed, ["1/2", "NotReady", "6", "<unknown>"]),
            (gated, ["0/2", "SchedulingGated", "0", "<unknown>"]),
            (deleting, ["0/1", "Terminating", "0", "<unknown>"]),
            (deleted_done, ["0/1", "Completed", "0", "<unknown>"]),
            (
                pod(1, "Running", vec![status("c0", false, 1, terminated("", 2))]),
                ["0/1", "ExitCode:2", "1", "<unknown>"],
            ),
            (
                pod(1, "Running", vec![status("c0", false, 5, waiting("CrashLoopBackOff"))]),
                ["0/1", "CrashLoopBackOff", "5", "<unknown>"],
            ),
            // first container wins: walked from last to first
            (
                pod(
                    2,
                    "Running",
                    vec![
                        status("c0", false, 0, waiting("ErrImagePull")),
                        status("c1", false, 0, terminated("OOMKilled", 137)),
                    ],
                ),
                ["0/2", "ErrImagePull", "0", "<unknown>"],
            ),
            (
                with_init(
                    pod(1, "Pending", vec![status("c0", false, 0, waiting("PodInitializing"))]),
                    false,
                    vec![status("i0", false, 0, running())],
                ),
                ["0/1", "Init:0/1", "0", "<unknown>"],
            ),
            (
                with_init(
                    pod(1, "Pending", vec![]),
                    false,
                    vec![status("i0", false, 0, terminated("", 0)), status("i1", false, 2, terminated("Error", 1))],
                ),
                ["0/1", "Init:Error", "2", "<unknown>"],
            ),
            (
                with_init(pod(1, "Pending", vec![]), false, vec![status("i0", false, 2, waiting("CrashLoopBackOff"))]),
                ["0/1", "Init:CrashLoopBackOff", "2", "<unknown>"],
            ),
            (
                with_init(pod(1, "Pending", vec![]), false, vec![status("i0", false, 0, waiting("PodInitializing"))]),
                ["0/1", "Init:0/1", "0", "<unknown>"],
            ),
            (sidecar_pod, ["1/3", "Running", "7 (10s ago)", "<unknown>"]),
            (evicted, ["0/1", "Evicted", "0", "<unknown>"]),
            (lost, ["0/1", "Unknown", "0", "<unknown>"]),
        ];
        for (index, (pod, expected)) in cases.into_iter().enumerate() {
            let row = pod_row(&pod, NOW);
            assert_eq!(row[1..], expected.map(String::from), "case {index}");
        }
    }

    #[test]
    fn restarts_take_the_most_recent_termination() {
        let mut a = status("c0", true, 6, running());
        a.rare_mut().last_state = finished(5 * 86_400);
        let mut b = status("c1", true, 3, running());
        b.rare_mut().last_state = finished(20 * 86_400);
        let row = pod_row(&pod(2, "Running", vec![a, b]), NOW);
        assert_eq!(row[3], "9 (5d ago)");
    }

    #[test]
    fn wide_cells() {
        let mut p = pod(1, "Running", vec![]);
        p.spec.node_name = Some("node-1".into());
        p.status.pod_ip = Some("10.0.0.5".to_string());
        p.spec.rare_mut().readiness_gates = Some(Box::new(serde_yaml_sequence(&["g1", "g2"])));
        p.status.conditions = vec![condition("g2", "True", "")];
        assert_eq!(pod_row_wide(&p, NOW, None)[5..], ["10.0.0.5", "node-1", "<none>", "1/2"]);
        let bare = pod(1, "Pending", vec![]);
        assert_eq!(pod_row_wide(&bare, NOW, Some("n2"))[5..], ["<none>", "<none>", "n2", "<none>"]);
    }

    /// `[{conditionType: g1}, ...]` as the engine's opaque value.
    fn serde_yaml_sequence(types: &[&str]) -> super::super::Value {
        let text: String = types.iter().map(|t| format!("- conditionType: {t}\n")).collect();
        kubeloop_engine::api::decode::from_yaml_str(&text)
    }
}
