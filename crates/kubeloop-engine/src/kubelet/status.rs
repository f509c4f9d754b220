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

/// Fills in the runtime's identifiers of each container that has run, as
/// the kubelet reports them: `containerID` (`containerd://` and 64 hex
/// digits, one per container instance) and `imageID` (the pulled image's
/// repository `@sha256:` digest), in the statuses and their last
/// terminated states. The simulation does not keep these per pod (at
/// 10,000 pods they would cost ~180 bytes each); they are pure functions
/// of the pod's uid, the container, its restart count and its image, so
/// they are derived when a pod is shown, and are the same every time.
pub fn fill_runtime_ids(pod: &mut Pod) {
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let status = &mut pod.status;
    for container in status.init_container_statuses.iter_mut().chain(status.container_statuses.iter_mut()) {
        let has_run = container.state.running.is_some()
            || container.state.terminated.is_some()
            || container.last_state.terminated.is_some();
        if !has_run {
            continue;
        }
        let instance = i64::from(container.restart_count);
        let (image, id) = (image_id(&container.image), container_id(&uid, &container.name, instance));
        let rare = container.rare_mut();
        if rare.image_id.is_empty() {
            rare.image_id = image;
        }
        rare.container_id.get_or_insert(id);
        if let Some(current) = container.state.terminated.as_deref_mut() {
            current.container_id.get_or_insert_with(|| container_id(&uid, &container.name, instance));
        }
        if container.last_state.terminated.is_some() {
            let previous = container_id(&uid, &container.name, instance - 1);
            if let Some(last) = container.rare_mut().last_state.terminated.as_deref_mut() {
                last.container_id.get_or_insert(previous);
            }
        }
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `containerd://<64 hex>` for one instance of a pod's container.
pub fn container_id(pod_uid: &str, container: &str, instance: i64) -> String {
    format!("containerd://{}", sha256_hex(&format!("{pod_uid}/{container}/{instance}")))
}

/// `docker.io/library/nginx@sha256:<64 hex>`: the repository of the
/// normalized reference and the digest of what was pulled.
pub fn image_id(image: &str) -> String {
    let reference = super::images::normalize_reference(image);
    let repository = match reference.split_once('@') {
        Some((repository, _)) => repository.to_string(),
        None => match reference.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')) {
            Some((repository, _)) => repository.to_string(),
            None => reference.clone(),
        },
    };
    if let Some((_, digest)) = reference.split_once('@') {
        return format!("{repository}@{digest}");
    }
    format!("{repository}@sha256:{}", sha256_hex(&reference))
}

#[cfg(test)]
mod runtime_id_tests {
    use super::*;

    #[test]
    fn runtime_ids_are_stable_and_shaped_like_containerds() {
        let id = container_id("uid-1", "web", 0);
        assert!(id.starts_with("containerd://") && id.len() == "containerd://".len() + 64);
        assert_eq!(id, container_id("uid-1", "web", 0));
        assert_ne!(id, container_id("uid-1", "web", 1));
        let image = image_id("nginx:1.27");
        assert!(
            image.starts_with("docker.io/library/nginx@sha256:")
                && image.len() == "docker.io/library/nginx@sha256:".len() + 64,
            "{image}"
        );
        assert_eq!(image_id("registry.k8s.io/pause@sha256:abc"), "registry.k8s.io/pause@sha256:abc");
    }
}
