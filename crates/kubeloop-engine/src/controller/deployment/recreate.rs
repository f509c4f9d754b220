//! `pkg/controller/deployment/recreate.go`: the Recreate strategy. Every
//! old pod goes before any new one starts: scale the old ReplicaSets to
//! zero, wait until none of their pods is left running, and only then make
//! (or grow) the new ReplicaSet, straight to `replicas`.
//!
//! ReplicaSets are passed as upstream's `allRSs` and picked out by index,
//! as in [`super::rolling`]; the steps return a [`RollingStep`] so the
//! caller applies them the same way.

use super::rolling::RollingStep;
use crate::api::apps::{Deployment, ReplicaSet};
use crate::api::core::Pod;

/// scaleDownOldReplicaSetsForRecreate: every active old ReplicaSet to 0.
pub fn scale_down_old_replica_sets_for_recreate(all_rss: &[&ReplicaSet], active_old: &[usize]) -> RollingStep {
    let mut step = RollingStep::default();
    for &index in active_old {
        let rs = all_rss[index];
        let from = rs.spec.replicas.unwrap_or(1);
        if from == 0 {
            continue;
        }
        step.scale(index, rs, from, 0);
        step.why.push(format!(
            "Recreate: old ReplicaSet {} goes to 0 first; no new pod starts while an old one runs",
            rs.metadata.name()
        ));
        step.scaled = true;
    }
    step
}

/// oldPodsRunning: an old ReplicaSet still counts pods in its status, or a
/// pod it controls is in any phase but Succeeded or Failed (a terminating
/// pod is still Running, so Recreate waits out its grace period too).
/// `pods` pairs each pod with the uid of the ReplicaSet that controls it.
pub fn old_pods_running(new_rs_uid: Option<&str>, old_rss: &[&ReplicaSet], pods: &[(&str, &Pod)]) -> Option<String> {
    let counted: i32 = old_rss.iter().map(|rs| rs.status.replicas).sum();
    if counted > 0 {
        return Some(format!("old ReplicaSets still report {counted} pods"));
    }
    pods.iter()
        .filter(|(owner, _)| Some(*owner) != new_rs_uid)
        .find(|(_, pod)| !matches!(pod.status.phase.as_str(), "Succeeded" | "Failed"))
        .map(|(_, pod)| {
            let state = if pod.metadata.deletion_timestamp.is_some() { "terminating" } else { "running" };
            format!("old pod {} is still {state}", pod.metadata.name())
        })
}

/// scaleUpNewReplicaSetForRecreate: the new ReplicaSet straight to
/// `replicas`.
pub fn scale_up_new_replica_set_for_recreate(
    deployment: &Deployment,
    all_rss: &[&ReplicaSet],
    new_rs: usize,
) -> RollingStep {
    let mut step = RollingStep::default();
    let rs = all_rss[new_rs];
    let from = rs.spec.replicas.unwrap_or(1);
    let to = deployment.spec.replicas.unwrap_or(1);
    if from != to {
        step.scale(new_rs, rs, from, to);
        step.scaled = true;
        step.why.push(format!("Recreate: no old pod is left, so the new ReplicaSet goes straight to {to}"));
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(name: &str, uid: &str, spec: i32, status: i32) -> ReplicaSet {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(name.to_string());
        rs.metadata.uid = Some(uid.to_string());
        rs.spec.replicas = Some(spec);
        rs.status.replicas = status;
        rs
    }

    fn pod(name: &str, phase: &str, terminating: bool) -> Pod {
        let mut pod = Pod::default();
        pod.metadata.name = Some(name.to_string());
        pod.status.phase = phase.to_string().into();
        if terminating {
            pod.metadata.rare_mut().deletion_timestamp = Some(crate::api::Time::from_unix_ms(0));
        }
        pod
    }

    #[test]
    fn scale_down_takes_every_active_old_replica_set_to_zero() {
        let (a, b, c) = (rs("web-a", "a", 3, 3), rs("web-b", "b", 0, 0), rs("web-c", "c", 2, 1));
        let all = [&a, &b, &c];
        let step = scale_down_old_replica_sets_for_recreate(&all, &[0, 1, 2]);
        assert!(step.scaled);
        assert_eq!(
            step.events(),
            ["Scaled down replica set web-a to 0 from 3", "Scaled down replica set web-c to 0 from 2"]
        );
        let none = scale_down_old_replica_sets_for_recreate(&all, &[1]);
        assert!(!none.scaled && none.scales.is_empty());
    }

    /// Cases after upstream's TestOldPodsRunning (recreate_test.go).
    #[test]
    fn old_pods_running_table() {
        let old = rs("web-old", "old", 0, 0);
        let old_counting = rs("web-old", "old", 0, 1);
        type Case<'a> = (&'a str, Vec<&'a ReplicaSet>, Vec<(&'a str, Pod)>, bool);
        let cases: Vec<Case> = vec![
            ("no pods", vec![&old], vec![], false),
            ("old status still counts a pod", vec![&old_counting], vec![], true),
            ("new pods only", vec![&old], vec![("new", pod("n1", "Running", false))], false),
            ("old running pod", vec![&old], vec![("old", pod("o1", "Running", false))], true),
            ("old pending pod", vec![&old], vec![("old", pod("o1", "Pending", false))], true),
            ("old unknown pod", vec![&old], vec![("old", pod("o1", "Unknown", false))], true),
            ("old terminating pod", vec![&old], vec![("old", pod("o1", "Running", true))], true),
            (
                "old pods all finished",
                vec![&old],
                vec![("old", pod("o1", "Succeeded", false)), ("old", pod("o2", "Failed", false))],
                false,
            ),
        ];
        for (name, olds, pods, expected) in cases {
            let pods: Vec<(&str, &Pod)> = pods.iter().map(|(owner, pod)| (*owner, pod)).collect();
            assert_eq!(old_pods_running(Some("new"), &olds, &pods).is_some(), expected, "{name}");
        }
        assert_eq!(
            old_pods_running(None, &[&old], &[("old", &pod("o1", "Running", true))]).as_deref(),
            Some("old pod o1 is still terminating")
        );
    }

    #[test]
    fn scale_up_goes_straight_to_replicas() {
        let mut deployment = Deployment::default();
        deployment.spec.replicas = Some(4);
        let new = rs("web-new", "new", 0, 0);
        let step = scale_up_new_replica_set_for_recreate(&deployment, &[&new], 0);
        assert_eq!(step.events(), ["Scaled up replica set web-new to 4 from 0"]);
        let full = rs("web-new", "new", 4, 4);
        assert!(!scale_up_new_replica_set_for_recreate(&deployment, &[&full], 0).scaled);
    }
}
