//! The pod status the kubelet derives from its containers
//! (`getPhase` in pkg/kubelet/kubelet_pods.go).

use crate::api::core::Pod;

/// getPhase: Pending, Running, Succeeded or Failed from the containers'
/// states and the restart policy. A container waiting after having run
/// (it has a last termination state) counts as stopped, so a pod in
/// CrashLoopBackOff under `restartPolicy: Always` stays Running.
pub fn get_phase(pod: &Pod) -> &'static str {
    let spec = &pod.spec;
    let restart_policy = spec.restart_policy.as_deref().unwrap_or("Always");
    // Init containers: any not yet done keeps the pod Pending (a failed one
    // fails it under restartPolicy Never).
    let mut pending_initialization = false;
    for init in &spec.init_containers {
        let status = pod.status.init_container_statuses.iter().find(|s| s.name == init.name);
        match status.and_then(|s| s.state.terminated.as_ref()) {
            Some(terminated) if terminated.exit_code == 0 => {}
            Some(_) if restart_policy == "Never" => return "Failed",
            _ => pending_initialization = true,
        }
    }
    let (mut unknown, mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0, 0);
    for container in spec.containers.iter() {
        let Some(status) = pod.status.container_statuses.iter().find(|s| s.name == container.name) else {
            unknown += 1;
            continue;
        };
        if status.state.running.is_some() {
            running += 1;
        } else if let Some(terminated) = &status.state.terminated {
            stopped += 1;
            succeeded += usize::from(terminated.exit_code == 0);
        } else if status.state.waiting.is_some() {
            if status.last_state.terminated.is_some() {
                stopped += 1;
            } else {
                waiting += 1;
            }
        } else {
            unknown += 1;
        }
    }
    if pending_initialization || waiting > 0 {
        return "Pending";
    }
    match (running, stopped, unknown) {
        (1.., _, 0) => "Running",
        (0, 1.., 0) => match restart_policy {
            "Always" => "Running",
            _ if stopped == succeeded => "Succeeded",
            "Never" => "Failed",
            _ => "Running",
        },
        _ => "Pending",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::{
        Container, ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStatus,
    };

    fn pod(policy: &str, states: &[(ContainerState, bool)]) -> Pod {
        let mut pod = Pod::default();
        pod.spec.restart_policy = Some(policy.to_string().into());
        for (i, (state, ran_before)) in states.iter().enumerate() {
            let name = format!("c{i}");
            std::rc::Rc::make_mut(&mut pod.spec.containers)
                .push(Container { name: name.clone().into(), ..Container::default() });
            let mut status = ContainerStatus { name: name.into(), state: state.clone(), ..ContainerStatus::default() };
            if *ran_before {
                status.rare_mut().last_state.terminated =
                    Some(Box::new(ContainerStateTerminated { exit_code: 137, ..Default::default() }));
            }
            pod.status.container_statuses.push(status);
        }
        pod
    }

    fn running() -> ContainerState {
        ContainerState { running: Some(ContainerStateRunning::default()), ..ContainerState::default() }
    }
    fn waiting() -> ContainerState {
        ContainerState { waiting: Some(Box::default()), ..ContainerState::default() }
    }
    fn exited(code: i32) -> ContainerState {
        ContainerState {
            terminated: Some(Box::new(ContainerStateTerminated { exit_code: code, ..Default::default() })),
            ..ContainerState::default()
        }
    }

    #[test]
    fn phases_like_get_phase() {
        let cases = [
            ("Always", vec![(running(), false)], "Running"),
            ("Always", vec![(waiting(), false)], "Pending"),
            // OOMKilled, then waiting in CrashLoopBackOff: still Running.
            ("Always", vec![(exited(137), false)], "Running"),
            ("Always", vec![(waiting(), true)], "Running"),
            ("Never", vec![(exited(0), false)], "Succeeded"),
            ("Never", vec![(exited(1), false)], "Failed"),
            ("OnFailure", vec![(exited(1), false)], "Running"),
            ("Always", vec![(running(), false), (waiting(), false)], "Pending"),
            ("Always", vec![], "Pending"),
        ];
        for (policy, states, expected) in cases {
            assert_eq!(get_phase(&pod(policy, &states)), expected, "{policy} {states:?}");
        }
    }
}
