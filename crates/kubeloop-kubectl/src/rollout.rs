//! `kubectl rollout status` (DeploymentStatusViewer) and `kubectl rollout
//! history` (DeploymentHistoryViewer) for Deployments.

use crate::describe::pod_template_text;
use crate::printers::TabWriter;
use kubeloop_engine::api::apps::{Deployment, ReplicaSet};
use kubeloop_engine::api::core::PodTemplateSpec;
use kubeloop_engine::controller::deployment::util::parse_int64;
use kubeloop_engine::validation::field::go_quote;
use std::collections::BTreeMap;

pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";
/// What `rollout history` prints for a Deployment without ReplicaSets.
pub const NO_HISTORY: &str = "No rollout history found.";
/// The exit code of a kubectl command that fails.
pub const ERROR_EXIT_CODE: i32 = 1;

/// How kubectl reports an error on stderr: `error: <message>`.
pub fn error_output(message: &str) -> String {
    format!("error: {message}")
}

/// deploymentutil.Revision: the revision annotation, 0 when absent.
pub fn revision_of(annotations: &BTreeMap<String, String>) -> Result<i64, String> {
    annotations.get(REVISION_ANNOTATION).map_or(Ok(0), |text| parse_int64(text))
}

/// One look at a Deployment while `kubectl rollout status` watches it: the
/// message to print (ending in a newline) and whether the rollout is done,
/// or the error that ends the command. `revision` is `--revision` (0 for
/// none).
pub fn deployment_status(deployment: &Deployment, revision: i64) -> Result<(String, bool), String> {
    let name = deployment.metadata.name();
    if revision > 0 {
        let running = revision_of(&deployment.metadata.annotations)
            .map_err(|error| format!("cannot get the revision of deployment {}: {error}", go_quote(name)))?;
        if revision != running {
            return Err(format!("desired revision ({revision}) is different from the running revision ({running})"));
        }
    }
    let status = &deployment.status;
    if deployment.metadata.generation.unwrap_or(0) > status.observed_generation {
        return Ok(("Waiting for deployment spec update to be observed...\n".to_string(), false));
    }
    let progressing = status.conditions.iter().find(|c| c.condition_type == "Progressing");
    if progressing.is_some_and(|c| c.reason == "ProgressDeadlineExceeded") {
        return Err(format!("deployment {} exceeded its progress deadline", go_quote(name)));
    }
    let quoted = go_quote(name);
    if let Some(replicas) = deployment.spec.replicas.filter(|&replicas| status.updated_replicas < replicas) {
        let message = format!(
            "Waiting for deployment {quoted} rollout to finish: {} out of {replicas} new replicas have been updated...\n",
            status.updated_replicas
        );
        return Ok((message, false));
    }
    if status.replicas > status.updated_replicas {
        let old = i64::from(status.replicas) - i64::from(status.updated_replicas);
        let message = format!(
            "Waiting for deployment {quoted} rollout to finish: {old} old replicas are pending termination...\n"
        );
        return Ok((message, false));
    }
    if status.available_replicas < status.updated_replicas {
        let message = format!(
            "Waiting for deployment {quoted} rollout to finish: {} of {} updated replicas are available...\n",
            status.available_replicas, status.updated_replicas
        );
        return Ok((message, false));
    }
    Ok((format!("deployment {quoted} successfully rolled out\n"), true))
}

/// The revisions of a Deployment's ReplicaSets (its old ones and its new
/// one), each with the pod template and the change cause copied into the
/// template's annotations, as ViewHistory builds them. A ReplicaSet whose
/// revision does not parse is skipped; of two with the same revision the
/// later wins.
fn history(replica_sets: &[ReplicaSet]) -> BTreeMap<i64, PodTemplateSpec> {
    let mut history = BTreeMap::new();
    for replica_set in replica_sets {
        let Ok(revision) = revision_of(&replica_set.metadata.annotations) else { continue };
        let mut template = replica_set.spec.template.clone();
        if let Some(cause) = replica_set.metadata.annotations.get(CHANGE_CAUSE_ANNOTATION).filter(|c| !c.is_empty()) {
            template.metadata.annotations.insert(CHANGE_CAUSE_ANNOTATION.to_string(), cause.clone());
        }
        history.insert(revision, template);
    }
    history
}

/// DeploymentHistoryViewer.ViewHistory: with `revision` 0 the
/// `REVISION  CHANGE-CAUSE` table, otherwise that revision's pod template;
/// `No rollout history found.` without ReplicaSets.
pub fn view_history(replica_sets: &[ReplicaSet], revision: i64) -> Result<String, String> {
    let history = history(replica_sets);
    if history.is_empty() {
        return Ok(NO_HISTORY.to_string());
    }
    if revision > 0 {
        return match history.get(&revision) {
            Some(template) => Ok(pod_template_text(template)),
            None => Err("unable to find the specified revision".to_string()),
        };
    }
    let mut writer = TabWriter::tabbed();
    writer.write("REVISION\tCHANGE-CAUSE\n");
    for (revision, template) in &history {
        let cause = template
            .metadata
            .annotations
            .get(CHANGE_CAUSE_ANNOTATION)
            .filter(|c| !c.is_empty())
            .map_or("<none>", |c| c);
        writer.write(&format!("{revision}\t{cause}\n"));
    }
    Ok(writer.finish())
}

/// What `kubectl rollout history <resource>` prints: the name printer's line
/// (`deployment.apps/web ` or `deployment.apps/web with revision #2`), the
/// history, and an empty line.
pub fn history_output(resource: &str, revision: i64, history: &str) -> String {
    let operation = if revision > 0 { format!("with revision #{revision}") } else { String::new() };
    format!("{resource} {operation}\n{history}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::api::decode::from_yaml_str_with_status;

    fn deployment(yaml: &str) -> Deployment {
        from_yaml_str_with_status(&format!("metadata: {{name: foo, generation: 1}}\n{yaml}"))
    }

    /// From TestDeploymentStatusViewerStatus and rollout_status.go.
    #[test]
    fn status_messages() {
        type Expected = Result<(&'static str, bool), &'static str>;
        let cases: &[(&str, i64, Expected)] = &[
            (
                "spec: {replicas: 1}\nstatus: {observedGeneration: 1, replicas: 1, availableReplicas: 1}",
                0,
                Ok((
                    "Waiting for deployment \"foo\" rollout to finish: 0 out of 1 new replicas have been updated...\n",
                    false,
                )),
            ),
            (
                "spec: {replicas: 1}\nstatus: {observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2}",
                0,
                Ok((
                    "Waiting for deployment \"foo\" rollout to finish: 1 old replicas are pending termination...\n",
                    false,
                )),
            ),
            (
                "spec: {replicas: 2}\nstatus: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1}",
                0,
                Ok((
                    "Waiting for deployment \"foo\" rollout to finish: 1 of 2 updated replicas are available...\n",
                    false,
                )),
            ),
            (
                "spec: {replicas: 2}\nstatus: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2}",
                0,
                Ok(("deployment \"foo\" successfully rolled out\n", true)),
            ),
            (
                "spec: {replicas: 2}\nstatus: {observedGeneration: 0}",
                0,
                Ok(("Waiting for deployment spec update to be observed...\n", false)),
            ),
            (
                "status: {observedGeneration: 1, conditions: [{type: Progressing, status: 'False', reason: ProgressDeadlineExceeded}]}",
                0,
                Err("deployment \"foo\" exceeded its progress deadline"),
            ),
            (
                "status: {observedGeneration: 1}",
                3,
                Err("desired revision (3) is different from the running revision (0)"),
            ),
        ];
        for (yaml, revision, expected) in cases {
            let actual = deployment_status(&deployment(yaml), *revision);
            let expected = expected.map(|(m, d)| (m.to_string(), d)).map_err(str::to_string);
            assert_eq!(actual, expected, "{yaml}");
        }
        let mut annotated = deployment("status: {observedGeneration: 1}");
        annotated.metadata.annotations.insert(REVISION_ANNOTATION.to_string(), "4".to_string());
        assert_eq!(
            deployment_status(&annotated, 4),
            Ok(("deployment \"foo\" successfully rolled out\n".to_string(), true))
        );
        annotated.metadata.annotations.insert(REVISION_ANNOTATION.to_string(), "x".to_string());
        assert_eq!(
            deployment_status(&annotated, 4),
            Err("cannot get the revision of deployment \"foo\": strconv.ParseInt: parsing \"x\": invalid syntax"
                .to_string())
        );
        assert_eq!(error_output("boom"), "error: boom");
    }

    fn replica_set(revision: &str, cause: &str) -> ReplicaSet {
        let mut rs: ReplicaSet = from_yaml_str_with_status(
            "metadata: {name: moons}\nspec: {template: {metadata: {labels: {foo: bar}}, spec: {containers: [{name: test, image: 'foo:3'}]}}}",
        );
        rs.metadata.annotations.insert(REVISION_ANNOTATION.to_string(), revision.to_string());
        if !cause.is_empty() {
            rs.metadata.annotations.insert(CHANGE_CAUSE_ANNOTATION.to_string(), cause.to_string());
        }
        rs
    }

    /// From TestViewDeploymentHistory and TestRolloutHistory.
    #[test]
    fn history_views() {
        let rss = vec![
            replica_set("2", ""),
            replica_set("1", ""),
            replica_set("3", "foo change cause"),
            replica_set("bad", "skipped"),
            replica_set("4", "bar change cause"),
        ];
        assert_eq!(
            view_history(&rss, 0).unwrap(),
            "REVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         foo change cause\n4         bar change cause\n"
        );
        assert_eq!(
            view_history(&rss, 3).unwrap(),
            "Pod Template:\n  Labels:\tfoo=bar\n  Annotations:\tkubernetes.io/change-cause: foo change cause\n  Containers:\n   test:\n    Image:\tfoo:3\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n"
        );
        assert_eq!(view_history(&rss, 9), Err("unable to find the specified revision".to_string()));
        assert_eq!(view_history(&[], 0).unwrap(), NO_HISTORY);
        assert_eq!(history_output("deployment.apps/foo", 0, "H\n"), "deployment.apps/foo \nH\n\n");
        assert_eq!(history_output("deployment.apps/foo", 2, "H\n"), "deployment.apps/foo with revision #2\nH\n\n");
    }
}
