//! `pkg/controller/deployment/progress.go`: the Progressing condition and
//! the progress deadline (`syncRolloutStatus`, `requeueStuckDeployment`),
//! with `DeploymentComplete`, `DeploymentProgressing` and
//! `DeploymentTimedOut` (upstream in `util/deployment_util.go`) and
//! `checkPausedConditions` (upstream in `sync.go`, spec 4.1 step 5).
//!
//! Pure: the clock is the `now` passed in.

use super::sync::{
    CONDITION_FALSE, CONDITION_TRUE, CONDITION_UNKNOWN, DEPLOYMENT_PROGRESSING, DEPLOYMENT_REPLICA_FAILURE,
    NEW_RS_AVAILABLE_REASON, PAUSED_DEPLOY_REASON, REPLICA_SET_UPDATED_REASON, RESUMED_DEPLOY_REASON, TIMED_OUT_REASON,
    calculate_status, get_deployment_condition, has_progress_deadline, new_deployment_condition,
    remove_deployment_condition, set_deployment_condition,
};
use crate::api::apps::{Deployment, DeploymentStatus, ReplicaSet};
use crate::api::meta::{Condition, ConditionRare};
use crate::api::time::Time;
use crate::validation::field::go_quote;

fn replicas(deployment: &Deployment) -> i32 {
    deployment.spec.replicas.unwrap_or(1)
}

/// The deadline in milliseconds (0 when unset; callers check
/// `has_progress_deadline` first).
fn deadline_ms(deployment: &Deployment) -> i64 {
    i64::from(deployment.spec.progress_deadline_seconds.unwrap_or(0)) * 1000
}

/// DeploymentComplete: every replica updated and available, none left over,
/// and this generation observed.
pub fn deployment_complete(deployment: &Deployment, new_status: &DeploymentStatus) -> bool {
    let want = replicas(deployment);
    new_status.updated_replicas == want
        && new_status.replicas == want
        && new_status.available_replicas == want
        && new_status.observed_generation >= deployment.metadata.generation.unwrap_or(0)
}

/// DeploymentProgressing: compared with the Deployment's current status,
/// more updated, fewer old, more ready or more available replicas.
pub fn deployment_progressing(deployment: &Deployment, new_status: &DeploymentStatus) -> bool {
    let old = &deployment.status;
    let old_old_replicas = old.replicas.wrapping_sub(old.updated_replicas);
    let new_old_replicas = new_status.replicas.wrapping_sub(new_status.updated_replicas);
    new_status.updated_replicas > old.updated_replicas
        || new_old_replicas < old_old_replicas
        || new_status.ready_replicas > old.ready_replicas
        || new_status.available_replicas > old.available_replicas
}

/// DeploymentTimedOut: the Progressing condition of `new_status` was last
/// updated more than the deadline before `now` (strictly). Never for a
/// complete rollout (`NewReplicaSetAvailable`), always once
/// `ProgressDeadlineExceeded`. A condition without lastUpdateTime dates from
/// Go's zero time, so it has timed out.
pub fn deployment_timed_out(deployment: &Deployment, new_status: &DeploymentStatus, now: Time) -> bool {
    if !has_progress_deadline(deployment) {
        return false;
    }
    let Some(condition) = get_deployment_condition(new_status, DEPLOYMENT_PROGRESSING) else { return false };
    if condition.reason == NEW_RS_AVAILABLE_REASON {
        return false;
    }
    if condition.reason == TIMED_OUT_REASON {
        return true;
    }
    match condition.last_update_time {
        None => true,
        Some(from) => from.unix_ms.saturating_add(deadline_ms(deployment)) < now.unix_ms,
    }
}

/// syncRolloutStatus (spec 4.7): `calculate_status` plus the Progressing
/// condition (NewReplicaSetAvailable / ReplicaSetUpdated /
/// ProgressDeadlineExceeded, removed without a deadline) and the
/// ReplicaFailure condition copied from the ReplicaSets. `all_rss` includes
/// the new ReplicaSet. When the result equals `deployment.status` upstream
/// writes nothing and calls `requeue_stuck_deployment` instead.
pub fn sync_rollout_status(
    all_rss: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    deployment: &Deployment,
    now: Time,
) -> DeploymentStatus {
    let mut new_status = calculate_status(all_rss, new_rs, deployment, now);
    let deadline = has_progress_deadline(deployment);
    if !deadline {
        remove_deployment_condition(&mut new_status, DEPLOYMENT_PROGRESSING);
    }

    let current = get_deployment_condition(&deployment.status, DEPLOYMENT_PROGRESSING);
    let already_complete = new_status.replicas == new_status.updated_replicas
        && current.is_some_and(|c| c.reason == NEW_RS_AVAILABLE_REASON);
    if deadline && !already_complete {
        let name = deployment.metadata.name();
        let subject = match new_rs {
            Some(rs) => format!("ReplicaSet {}", go_quote(rs.metadata.name())),
            None => format!("Deployment {}", go_quote(name)),
        };
        if deployment_complete(deployment, &new_status) {
            let message = format!("{subject} has successfully progressed.");
            let condition =
                new_deployment_condition(DEPLOYMENT_PROGRESSING, CONDITION_TRUE, NEW_RS_AVAILABLE_REASON, message, now);
            set_deployment_condition(&mut new_status, condition);
        } else if deployment_progressing(deployment, &new_status) {
            // Re-written even with the same reason, so that lastUpdateTime
            // (where the deadline counts from) moves; lastTransitionTime
            // stays while the condition stays True.
            let message = format!("{subject} is progressing.");
            let mut condition = new_deployment_condition(
                DEPLOYMENT_PROGRESSING,
                CONDITION_TRUE,
                REPLICA_SET_UPDATED_REASON,
                message,
                now,
            );
            if let Some(current) = current {
                if current.status == CONDITION_TRUE {
                    condition.last_transition_time = current.last_transition_time;
                }
                remove_deployment_condition(&mut new_status, DEPLOYMENT_PROGRESSING);
            }
            set_deployment_condition(&mut new_status, condition);
        } else if deployment_timed_out(deployment, &new_status, now) {
            let message = format!("{subject} has timed out progressing.");
            let condition =
                new_deployment_condition(DEPLOYMENT_PROGRESSING, CONDITION_FALSE, TIMED_OUT_REASON, message, now);
            set_deployment_condition(&mut new_status, condition);
        }
    }

    match replica_failure(all_rss, new_rs) {
        Some(condition) => set_deployment_condition(&mut new_status, condition),
        None => remove_deployment_condition(&mut new_status, DEPLOYMENT_REPLICA_FAILURE),
    }
    new_status
}

/// getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else
/// the first one among all ReplicaSets, as a Deployment condition
/// (ReplicaSetToDeploymentCondition: lastUpdateTime = lastTransitionTime).
fn replica_failure(all_rss: &[&ReplicaSet], new_rs: Option<&ReplicaSet>) -> Option<Condition> {
    let find = |rs: &ReplicaSet| {
        rs.status.conditions.iter().find(|c| c.condition_type == DEPLOYMENT_REPLICA_FAILURE).map(|c| Condition {
            condition_type: c.condition_type.clone(),
            status: c.status.clone(),
            rare: Some(Box::new(ConditionRare {
                last_update_time: c.last_transition_time,
                reason: c.reason.clone(),
                message: c.message.clone(),
                ..Default::default()
            })),
            last_transition_time: c.last_transition_time,
        })
    };
    new_rs.and_then(find).or_else(|| all_rss.iter().find_map(|rs| find(rs)))
}

/// requeueStuckDeployment: when a rollout with a deadline has neither
/// completed nor timed out, how long until its deadline passes, so the
/// Deployment is looked at again then. Upstream returns a duration with
/// -1 = not requeued, 0 = requeued now (rate-limited), d = requeued after
/// d + 1s. Here: `None` for -1, `Some(0)` for 0, `Some(d_ms)` for d (the
/// caller adds the second: it enqueues after `d_ms + 1000`). Less than a
/// second left (or already past) is `Some(0)`.
pub fn requeue_stuck_deployment(deployment: &Deployment, new_status: &DeploymentStatus, now: Time) -> Option<i64> {
    let current = get_deployment_condition(&deployment.status, DEPLOYMENT_PROGRESSING)?;
    if !has_progress_deadline(deployment) {
        return None;
    }
    if deployment_complete(deployment, new_status) || current.reason == TIMED_OUT_REASON {
        return None;
    }
    let after_ms = match current.last_update_time {
        // Go's zero time: the deadline passed long ago.
        None => i64::MIN,
        Some(from) => from.unix_ms.saturating_add(deadline_ms(deployment)).saturating_sub(now.unix_ms),
    };
    if after_ms < 1000 { Some(0) } else { Some(after_ms) }
}

/// When the requeue from [`requeue_stuck_deployment`] comes due: one second
/// past the deadline, counted from the Progressing condition's
/// lastUpdateTime. A simulation has no work queue to hold "after d + 1s", so
/// it keeps the absolute instant instead (the same for every `now` before
/// it). `None` when upstream would not requeue.
pub fn stuck_deployment_requeue_at(deployment: &Deployment, now: Time) -> Option<Time> {
    requeue_stuck_deployment(deployment, &deployment.status, now)?;
    let from = get_deployment_condition(&deployment.status, DEPLOYMENT_PROGRESSING)?.last_update_time?;
    Some(Time::from_unix_ms(from.unix_ms.saturating_add(deadline_ms(deployment)).saturating_add(1000)))
}

/// checkPausedConditions (spec 4.1 step 5): with a progress deadline, a
/// paused Deployment gets Progressing=Unknown `DeploymentPaused` "Deployment
/// is paused" and a resumed one Progressing=Unknown `DeploymentResumed`
/// "Deployment is resumed"; a `ProgressDeadlineExceeded` condition is never
/// overwritten. `Some(status)` when the status changes.
pub fn check_paused_conditions(deployment: &Deployment, now: Time) -> Option<DeploymentStatus> {
    if !has_progress_deadline(deployment) {
        return None;
    }
    let current = get_deployment_condition(&deployment.status, DEPLOYMENT_PROGRESSING);
    if current.is_some_and(|c| c.reason == TIMED_OUT_REASON) {
        return None;
    }
    let paused_condition_exists = current.is_some_and(|c| c.reason == PAUSED_DEPLOY_REASON);
    let (reason, message) = match (deployment.spec.paused, paused_condition_exists) {
        (true, false) => (PAUSED_DEPLOY_REASON, "Deployment is paused"),
        (false, true) => (RESUMED_DEPLOY_REASON, "Deployment is resumed"),
        _ => return None,
    };
    let mut status = deployment.status.clone();
    let condition =
        new_deployment_condition(DEPLOYMENT_PROGRESSING, CONDITION_UNKNOWN, reason, message.to_string(), now);
    set_deployment_condition(&mut status, condition);
    Some(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::RollingUpdateDeployment;
    use crate::api::intstr::IntOrString;

    fn t(text: &str) -> Time {
        Time::parse_rfc3339(text).unwrap()
    }

    fn status(replicas: i32, updated: i32, ready: i32, available: i32) -> DeploymentStatus {
        DeploymentStatus {
            replicas,
            updated_replicas: updated,
            ready_replicas: ready,
            available_replicas: available,
            ..DeploymentStatus::default()
        }
    }

    fn condition(status: &str, reason: &str, updated: Option<Time>, transitioned: Option<Time>) -> Condition {
        Condition {
            condition_type: DEPLOYMENT_PROGRESSING.into(),
            status: crate::api::Str::copy(status),
            rare: Some(Box::new(ConditionRare {
                last_update_time: updated,
                reason: reason.into(),
                ..Default::default()
            })),
            last_transition_time: transitioned,
        }
    }

    fn deployment(strategy: &str, replicas: i32, surge: i32, unavailable: i32, deadline: Option<i32>) -> Deployment {
        let mut d = Deployment::default();
        d.metadata.name = Some("foo".into());
        d.spec.replicas = Some(replicas);
        d.spec.progress_deadline_seconds = deadline;
        d.spec.strategy.strategy_type = Some(strategy.into());
        if strategy == "RollingUpdate" {
            d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
                max_surge: Some(IntOrString::Int(surge)),
                max_unavailable: Some(IntOrString::Int(unavailable)),
            });
        }
        d
    }

    /// deploy.complete.* (TestDeploymentComplete): (id, spec.replicas,
    /// replicas, updated, available, maxSurge, maxUnavailable, expected).
    #[test]
    fn deployment_complete_table() {
        let cases = [
            ("deploy.complete.02", 5, 5, 5, 3, 0, 1, false),
            ("deploy.complete.03", 5, 5, 5, 5, 0, 0, true),
            ("deploy.complete.04", 5, 5, 4, 5, 0, 0, false),
            ("deploy.complete.05", 1, 2, 1, 1, 1, 0, false),
            ("deploy.complete.06", 1, 1, 1, 0, 1, 1, false),
        ];
        for (id, want, replicas, updated, available, surge, unavailable, expected) in cases {
            let d = deployment("RollingUpdate", want, surge, unavailable, None);
            let new_status = status(replicas, updated, 0, available);
            assert_eq!(deployment_complete(&d, &new_status), expected, "{id}");
        }
        // An unobserved generation is not complete.
        let mut d = deployment("RollingUpdate", 1, 0, 1, None);
        d.metadata.generation = Some(2);
        let mut new_status = status(1, 1, 1, 1);
        new_status.observed_generation = 1;
        assert!(!deployment_complete(&d, &new_status));
    }

    /// deploy.progressing.* (TestDeploymentProgressing): (id, old
    /// (replicas, updated, ready, available), new, expected).
    #[test]
    fn deployment_progressing_table() {
        let cases = [
            ("deploy.progressing.01", (10, 4, 4, 4), (10, 6, 4, 4), true),
            ("deploy.progressing.02", (10, 4, 4, 4), (10, 4, 4, 4), false),
            ("deploy.progressing.03", (10, 4, 6, 6), (8, 4, 6, 6), true),
            ("deploy.progressing.04", (10, 7, 3, 3), (10, 6, 3, 3), false),
            ("deploy.progressing.06", (10, 10, 9, 8), (10, 10, 10, 8), true),
            ("deploy.progressing.07", (10, 10, 10, 9), (10, 10, 10, 10), true),
        ];
        for (id, old, new, expected) in cases {
            let mut d = deployment("RollingUpdate", 10, 0, 1, None);
            d.status = status(old.0, old.1, old.2, old.3);
            assert_eq!(deployment_progressing(&d, &status(new.0, new.1, new.2, new.3)), expected, "{id}");
        }
    }

    /// deploy.timedout.* (TestDeploymentTimedOut): (id, deadline, reason,
    /// lastUpdateTime, now, expected).
    #[test]
    fn deployment_timed_out_table() {
        let now = t("2016-01-01T00:01:20Z");
        let cases = [
            ("deploy.timedout.01", None, "", Some(t("2016-01-01T00:01:09Z")), now, false),
            ("deploy.timedout.03", Some(10), "", Some(t("2016-01-01T00:01:09Z")), now, true),
            ("deploy.timedout.04", Some(10), "", Some(t("2016-01-01T00:01:11Z")), now, false),
            ("deploy.timedout.05", None, NEW_RS_AVAILABLE_REASON, None, now, false),
        ];
        for (id, deadline, reason, updated, now, expected) in cases {
            let d = deployment("RollingUpdate", 1, 0, 1, deadline);
            let mut new_status = DeploymentStatus::default();
            new_status.conditions.push(condition("True", reason, updated, updated));
            assert_eq!(deployment_timed_out(&d, &new_status, now), expected, "{id}");
        }
        // Exactly at the deadline is not yet past it; a timed-out reason stays.
        let d = deployment("RollingUpdate", 1, 0, 1, Some(10));
        let mut new_status = DeploymentStatus::default();
        new_status.conditions.push(condition("True", "", Some(t("2016-01-01T00:01:10Z")), None));
        assert!(!deployment_timed_out(&d, &new_status, now));
        new_status.conditions[0].rare_mut().reason = TIMED_OUT_REASON.into();
        assert!(deployment_timed_out(&d, &new_status, now));
    }

    /// progress.requeue.* (TestRequeueStuckDeployment): (id, deadline,
    /// spec.replicas, new (replicas, updated, available), condition
    /// (status, reason, lastUpdateTime), now, expected). progress.requeue.08
    /// is 1ns past 18:49:59 upstream; time here is in milliseconds, so it is
    /// 1ms past.
    #[test]
    fn requeue_stuck_deployment_table() {
        type Case = (
            &'static str,
            i32,
            i32,
            (i32, i32, i32),
            Option<(&'static str, &'static str, Option<&'static str>)>,
            &'static str,
            Option<i64>,
        );
        let stuck = Some(("True", "", Some("2017-02-15T18:49:00Z")));
        let cases: [Case; 9] = [
            ("progress.requeue.02", i32::MAX, 4, (3, 3, 2), None, "2017-02-15T18:49:00Z", None),
            ("progress.requeue.03", 60, 4, (3, 3, 2), None, "2017-02-15T18:49:00Z", None),
            (
                "progress.requeue.05",
                60,
                3,
                (3, 3, 0),
                Some(("False", TIMED_OUT_REASON, None)),
                "2017-02-15T18:49:00Z",
                None,
            ),
            ("progress.requeue.06", 60, 3, (3, 3, 1), stuck, "2017-02-15T18:49:30Z", Some(30_000)),
            ("progress.requeue.07", 60, 3, (3, 3, 1), stuck, "2017-02-15T18:49:59Z", Some(1_000)),
            ("progress.requeue.08", 60, 3, (3, 3, 1), stuck, "2017-02-15T18:49:59.001Z", Some(0)),
            ("progress.requeue.09", 60, 3, (3, 3, 1), stuck, "2017-02-15T18:50:00Z", Some(0)),
            ("progress.requeue.10", 60, 3, (3, 3, 1), stuck, "2017-02-15T18:50:01Z", Some(0)),
            ("progress.requeue.11", 60, 3, (3, 3, 1), stuck, "2017-02-15T18:51:00Z", Some(0)),
        ];
        for (id, deadline, replicas, new, cond, now, expected) in cases {
            let mut d = deployment("Recreate", replicas, 0, 0, Some(deadline));
            if let Some((status, reason, updated)) = cond {
                d.status.conditions.push(condition(status, reason, updated.map(t), updated.map(t)));
            }
            let new_status = status(new.0, new.1, 0, new.2);
            assert_eq!(requeue_stuck_deployment(&d, &new_status, t(now)), expected, "{id}");
        }
    }

    /// One row of TestSyncRolloutStatus.
    struct RolloutCase {
        id: &'static str,
        deadline: Option<i32>,
        status: (i32, i32, i32),
        existing: Option<(&'static str, &'static str, Option<&'static str>)>,
        others: &'static [(&'static str, i32, i32, i32)],
        new_rs: Option<(&'static str, i32, i32, i32)>,
        /// (status, reason, lastUpdateTime, lastTransitionTime): "now",
        /// "unchanged" (2017-02-15T18:49:00Z), or absent.
        expected: Option<(&'static str, &'static str, &'static str, &'static str)>,
    }

    fn replica_set(name: &str, spec: i32, replicas: i32, available: i32) -> ReplicaSet {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(name.into());
        rs.spec.replicas = Some(spec);
        rs.status.replicas = replicas;
        rs.status.available_replicas = available;
        rs
    }

    /// progress.syncrolloutstatus.* (TestSyncRolloutStatus); Recreate,
    /// spec.replicas 3; "now" is a fixed instant years after 2017.
    #[test]
    fn sync_rollout_status_table() {
        const T: &str = "2017-02-15T18:49:00Z";
        let cases = [
            RolloutCase {
                id: "progress.syncrolloutstatus.01",
                deadline: None,
                status: (2, 2, 2),
                existing: Some(("True", REPLICA_SET_UPDATED_REASON, Some(T))),
                others: &[("bar", 0, 1, 1)],
                new_rs: Some(("foo", 3, 2, 2)),
                expected: None,
            },
            RolloutCase {
                id: "progress.syncrolloutstatus.02",
                deadline: Some(60),
                status: (3, 3, 3),
                existing: Some(("True", NEW_RS_AVAILABLE_REASON, Some(T))),
                others: &[("bar", 3, 3, 3)],
                new_rs: None,
                expected: Some(("True", NEW_RS_AVAILABLE_REASON, "unchanged", "unchanged")),
            },
            RolloutCase {
                id: "progress.syncrolloutstatus.04",
                deadline: Some(60),
                status: (2, 2, 2),
                existing: Some(("False", TIMED_OUT_REASON, None)),
                others: &[("bar", 0, 1, 1)],
                new_rs: Some(("foo", 3, 2, 2)),
                expected: Some(("True", REPLICA_SET_UPDATED_REASON, "now", "now")),
            },
            RolloutCase {
                id: "progress.syncrolloutstatus.05",
                deadline: Some(60),
                status: (2, 2, 2),
                existing: None,
                others: &[("bar", 0, 1, 1)],
                new_rs: Some(("foo", 3, 2, 2)),
                expected: Some(("True", REPLICA_SET_UPDATED_REASON, "now", "now")),
            },
            RolloutCase {
                id: "progress.syncrolloutstatus.06",
                deadline: Some(60),
                status: (3, 3, 3),
                existing: Some(("True", REPLICA_SET_UPDATED_REASON, Some(T))),
                others: &[],
                new_rs: Some(("foo", 3, 3, 3)),
                expected: Some(("True", NEW_RS_AVAILABLE_REASON, "now", "unchanged")),
            },
            RolloutCase {
                id: "progress.syncrolloutstatus.07",
                deadline: Some(60),
                status: (3, 3, 3),
                existing: Some(("False", TIMED_OUT_REASON, None)),
                others: &[],
                new_rs: Some(("foo", 3, 3, 3)),
                expected: Some(("True", NEW_RS_AVAILABLE_REASON, "now", "now")),
            },
            RolloutCase {
                id: "progress.syncrolloutstatus.08",
                deadline: Some(60),
                status: (3, 3, 3),
                existing: None,
                others: &[],
                new_rs: Some(("foo", 3, 3, 3)),
                expected: Some(("True", NEW_RS_AVAILABLE_REASON, "now", "now")),
            },
            RolloutCase {
                id: "progress.syncrolloutstatus.10",
                deadline: Some(60),
                status: (2, 2, 2),
                existing: Some(("True", REPLICA_SET_UPDATED_REASON, Some(T))),
                others: &[],
                new_rs: Some(("foo", 3, 2, 2)),
                expected: Some(("False", TIMED_OUT_REASON, "now", "now")),
            },
            RolloutCase {
                id: "progress.syncrolloutstatus.11",
                deadline: Some(60),
                status: (2, 2, 2),
                existing: Some(("False", TIMED_OUT_REASON, None)),
                others: &[],
                new_rs: Some(("foo", 3, 2, 2)),
                expected: Some(("False", TIMED_OUT_REASON, "unchanged", "unchanged")),
            },
        ];
        let now = t("2026-03-01T12:00:00Z");
        for case in cases {
            let mut d = deployment("Recreate", 3, 0, 0, case.deadline);
            d.status = status(case.status.0, case.status.1, 0, case.status.2);
            if let Some((status, reason, time)) = case.existing {
                d.status.conditions.push(condition(status, reason, time.map(t), time.map(t)));
            }
            let new_rs =
                case.new_rs.map(|(name, spec, replicas, available)| replica_set(name, spec, replicas, available));
            let others: Vec<ReplicaSet> = case
                .others
                .iter()
                .map(|(name, spec, replicas, available)| replica_set(name, *spec, *replicas, *available))
                .collect();
            let mut all: Vec<&ReplicaSet> = others.iter().collect();
            if let Some(new_rs) = &new_rs {
                all.push(new_rs);
            }
            let got = sync_rollout_status(&all, new_rs.as_ref(), &d, now);
            let progressing = get_deployment_condition(&got, DEPLOYMENT_PROGRESSING);
            let Some((status, reason, updated, transitioned)) = case.expected else {
                assert_eq!(progressing, None, "{}", case.id);
                continue;
            };
            let progressing = progressing.unwrap_or_else(|| panic!("{}: no Progressing condition", case.id));
            // "unchanged" is whatever the existing condition had.
            let existing = case.existing.and_then(|e| e.2).map(t);
            let when = |word: &str| if word == "now" { Some(now) } else { existing };
            assert_eq!((progressing.status.as_str(), progressing.reason.as_str()), (status, reason), "{}", case.id);
            assert_eq!(progressing.last_update_time, when(updated), "{} lastUpdateTime", case.id);
            assert_eq!(progressing.last_transition_time, when(transitioned), "{} lastTransitionTime", case.id);
        }
    }

    /// The exact messages, with and without a new ReplicaSet.
    #[test]
    fn progressing_messages() {
        let now = t("2026-03-01T12:00:00Z");
        let mut d = deployment("Recreate", 3, 0, 0, Some(60));
        d.status = status(2, 2, 0, 2);
        let foo = replica_set("foo", 3, 3, 3);
        let got = sync_rollout_status(&[&foo], Some(&foo), &d, now);
        let message = &get_deployment_condition(&got, DEPLOYMENT_PROGRESSING).unwrap().message;
        assert_eq!(message, "ReplicaSet \"foo\" has successfully progressed.");

        let half = replica_set("foo", 3, 3, 2);
        d.status = status(2, 2, 0, 1);
        let got = sync_rollout_status(&[&half], Some(&half), &d, now);
        let message = &get_deployment_condition(&got, DEPLOYMENT_PROGRESSING).unwrap().message;
        assert_eq!(message, "ReplicaSet \"foo\" is progressing.");

        d.status = status(3, 3, 0, 2);
        d.status.conditions.push(condition("True", REPLICA_SET_UPDATED_REASON, Some(t("2017-02-15T18:49:00Z")), None));
        let got = sync_rollout_status(&[&half], Some(&half), &d, now);
        let message = &get_deployment_condition(&got, DEPLOYMENT_PROGRESSING).unwrap().message;
        assert_eq!(message, "ReplicaSet \"foo\" has timed out progressing.");
        let got = sync_rollout_status(&[&half], None, &d, now);
        let message = &get_deployment_condition(&got, DEPLOYMENT_PROGRESSING).unwrap().message;
        assert_eq!(message, "Deployment \"foo\" has timed out progressing.");
    }

    /// ReplicaFailure: the new ReplicaSet's first, else an old one's; removed
    /// when none has it.
    #[test]
    fn replica_failure_is_copied_or_removed() {
        let now = t("2026-03-01T12:00:00Z");
        let when = t("2026-03-01T11:00:00Z");
        let d = deployment("Recreate", 3, 0, 0, None);
        let failure = |message: &str| {
            Condition {
                condition_type: DEPLOYMENT_REPLICA_FAILURE.into(),
                status: "True".into(),
                last_transition_time: Some(when),
                ..Condition::default()
            }
            .with_reason("FailedCreate", message)
        };
        let mut old = replica_set("old", 1, 0, 0);
        old.status.conditions.push(failure("old"));
        let mut new_rs = replica_set("new", 2, 0, 0);
        let got = sync_rollout_status(&[&old, &new_rs], Some(&new_rs), &d, now);
        let copied = get_deployment_condition(&got, DEPLOYMENT_REPLICA_FAILURE).unwrap();
        assert_eq!((copied.message.as_str(), copied.last_update_time), ("old", Some(when)));
        new_rs.status.conditions.push(failure("new"));
        let got = sync_rollout_status(&[&old, &new_rs], Some(&new_rs), &d, now);
        assert_eq!(get_deployment_condition(&got, DEPLOYMENT_REPLICA_FAILURE).unwrap().message, "new");

        let mut d = d;
        d.status.conditions.push(failure("stale"));
        let clean = replica_set("new", 2, 0, 0);
        let got = sync_rollout_status(&[&clean], Some(&clean), &d, now);
        assert_eq!(get_deployment_condition(&got, DEPLOYMENT_REPLICA_FAILURE), None);
    }

    /// Spec 4.1 step 5: DeploymentPaused / DeploymentResumed.
    #[test]
    fn paused_conditions() {
        let now = t("2026-03-01T12:00:00Z");
        let mut d = deployment("RollingUpdate", 1, 1, 0, Some(600));
        assert_eq!(check_paused_conditions(&d, now), None);
        d.spec.paused = true;
        let paused = check_paused_conditions(&d, now).unwrap();
        let c = get_deployment_condition(&paused, DEPLOYMENT_PROGRESSING).unwrap();
        assert_eq!(
            (c.status.as_str(), c.reason.as_str(), c.message.as_str()),
            ("Unknown", PAUSED_DEPLOY_REASON, "Deployment is paused")
        );
        d.status = paused;
        assert_eq!(check_paused_conditions(&d, now), None);
        d.spec.paused = false;
        let resumed = check_paused_conditions(&d, now).unwrap();
        let c = get_deployment_condition(&resumed, DEPLOYMENT_PROGRESSING).unwrap();
        assert_eq!(
            (c.status.as_str(), c.reason.as_str(), c.message.as_str()),
            ("Unknown", RESUMED_DEPLOY_REASON, "Deployment is resumed")
        );
        // A timed-out condition is never overwritten; no deadline, no condition.
        d.spec.paused = true;
        d.status.conditions = vec![condition("False", TIMED_OUT_REASON, Some(now), Some(now))];
        assert_eq!(check_paused_conditions(&d, now), None);
        d.status.conditions.clear();
        d.spec.progress_deadline_seconds = None;
        assert_eq!(check_paused_conditions(&d, now), None);
    }
}
