//! `kubectl rollout status` (DeploymentStatusViewer), `kubectl rollout
//! history` (DeploymentHistoryViewer) and `kubectl rollout undo`
//! (DeploymentRollbacker, in the engine's `world::rollback`) for
//! Deployments.

use crate::describe::pod_template_text;
use crate::printers::TabWriter;
use kubeloop_engine::api::Object;
use kubeloop_engine::api::apps::{Deployment, ReplicaSet};
use kubeloop_engine::api::core::PodTemplateSpec;
use kubeloop_engine::controller::deployment::util::parse_int64;
use kubeloop_engine::validation::field::go_quote;
use kubeloop_engine::world::World;
use kubeloop_engine::world::history::{History, Input};
use kubeloop_engine::world::rollback::{Rollback, deployment_replica_sets, rollback};
use kubeloop_engine::world::store::Key;
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
fn history(replica_sets: &[ReplicaSet]) -> Vec<(i64, PodTemplateSpec)> {
    // A few entries: a sorted list, not a map with B-tree code of its own.
    let mut history: Vec<(i64, PodTemplateSpec)> = Vec::new();
    for replica_set in replica_sets {
        let Ok(revision) = revision_of(&replica_set.metadata.annotations) else { continue };
        let mut template = (*replica_set.spec.template).clone();
        if let Some(cause) = replica_set.metadata.annotations.get(CHANGE_CAUSE_ANNOTATION).filter(|c| !c.is_empty()) {
            template.metadata.annotations.insert(CHANGE_CAUSE_ANNOTATION.to_string(), cause.clone());
        }
        match history.iter_mut().find(|(seen, _)| *seen == revision) {
            Some(entry) => entry.1 = template,
            None => history.push((revision, template)),
        }
    }
    kubeloop_engine::lean::sort_by_key(&mut history, |(revision, _)| *revision);
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
        return match history.iter().find(|(seen, _)| *seen == revision) {
            Some((_, template)) => Ok(pod_template_text(template)),
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

/// A `kubectl rollout undo` or `rollout history` command line after the
/// subcommand: the Deployment it names and its one integer flag.
#[derive(Debug, PartialEq, Eq)]
pub struct RolloutArgs {
    pub namespace: String,
    pub name: String,
    /// `--to-revision` (undo) or `--revision` (history); 0 when absent.
    pub revision: i64,
}

impl RolloutArgs {
    fn key(&self) -> Key {
        Key::new("Deployment", &self.namespace, &self.name)
    }

    /// `deployment.apps/web`: the name printer's prefix.
    fn resource(&self) -> String {
        format!("deployment.apps/{}", self.name)
    }
}

/// The resource types that name a Deployment (`kubectl api-resources`).
const DEPLOYMENT_TYPES: [&str; 5] = ["deployment", "deployments", "deploy", "deployment.apps", "deployments.apps"];

/// Reads a rollout command line after its subcommand (`undo`, `history`,
/// named in kubectl's usage hint) with the common flag parser: the
/// Deployment, `-n/--namespace` and the one integer flag `flag`. The error
/// is the whole text kubectl prints.
pub fn parse_rollout_args(subcommand: &str, flag: &'static str, args: &[&str]) -> Result<RolloutArgs, String> {
    let command = format!("rollout {subcommand}");
    let parsed = crate::args::parse(&command, args, &[crate::args::NAMESPACE, crate::args::Flag::value(flag, None)])
        .map_err(|answer| answer.output.trim_end().to_string())?;
    let revision = match parsed.value(flag) {
        None => 0,
        Some(value) => parse_go_int64(value).map_err(|error| {
            let message =
                format!("invalid argument {} for {} flag: {error}", go_quote(value), go_quote(&format!("--{flag}")));
            crate::args::usage_error(&command, &message).output.trim_end().to_string()
        })?,
    };
    let name = deployment_name(&parsed.positional)?;
    Ok(RolloutArgs { namespace: parsed.namespace().to_string(), name, revision })
}

/// The Deployment a rollout command names: `TYPE/NAME` or `TYPE NAME`.
pub(crate) fn deployment_name(positional: &[String]) -> Result<String, String> {
    let unsupported = || {
        format!(
            "error: unsupported arguments {positional:?} (this playground's rollout commands take one Deployment: deployment/NAME)"
        )
    };
    match positional {
        [] => Err("error: required resource not specified".to_string()),
        [target] => match target.split_once('/') {
            Some((kind, name)) if DEPLOYMENT_TYPES.contains(&kind) && !name.is_empty() => Ok(name.to_string()),
            Some(_) => Err(unsupported()),
            None if DEPLOYMENT_TYPES.contains(&target.as_str()) => Err(unsupported()),
            None => Err(format!("error: the server doesn't have a resource type {}", go_quote(target))),
        },
        [kind, name] if DEPLOYMENT_TYPES.contains(&kind.as_str()) => Ok(name.clone()),
        _ => Err(unsupported()),
    }
}

/// pflag's Int64 flag: Go's `strconv.ParseInt(text, 0, 64)`, so `0x`,
/// `0o`, `0b` and a leading `0` (octal) choose the base. (Go also allows
/// `_` between digits with a prefix; the playground does not.)
pub fn parse_go_int64(text: &str) -> Result<i64, String> {
    let error = |reason: &str| format!("strconv.ParseInt: parsing {}: {reason}", go_quote(text));
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = unsigned.to_ascii_lowercase();
    let (radix, digits) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(error("invalid syntax"));
    }
    let magnitude = u64::from_str_radix(digits, radix).map_err(|_| error("value out of range"))?;
    match (negative, i64::try_from(magnitude)) {
        (false, Ok(value)) => Ok(value),
        (true, Ok(value)) => Ok(-value),
        (true, Err(_)) if magnitude == i64::MIN.unsigned_abs() => Ok(i64::MIN),
        _ => Err(error("value out of range")),
    }
}

/// `kubectl rollout undo deployment/NAME [--to-revision=N]`: kubectl's
/// rollback, written through the history (so seeks replay it), then the
/// name printer's line; refusals as kubectl prints them. The output, and
/// whether the command succeeded.
pub fn rollout_undo(history: &mut History, args: &[&str]) -> (String, bool) {
    let args = match parse_rollout_args("undo", "to-revision", args) {
        Ok(args) => args,
        Err(error) => return (format!("{error}\n"), false),
    };
    match rollback(history.world(), &args.key(), args.revision) {
        Ok(outcome) => {
            let line = format!("{} {}\n", args.resource(), outcome.operation());
            if let Rollback::RolledBack(deployment) = outcome {
                history.input(Input::Apply(vec![Object::Deployment(*deployment)]));
                history.settle();
            }
            (line, true)
        }
        Err(error) if error.from_server() => (format!("Error from server (NotFound): {error}\n"), false),
        Err(error) => (format!("{}\n", error_output(&error.to_string())), false),
    }
}

/// `kubectl rollout history deployment/NAME [--revision=N]`: the revisions
/// table, or one revision's pod template. The output, and whether the
/// command succeeded.
pub fn rollout_history(world: &World, args: &[&str]) -> (String, bool) {
    let args = match parse_rollout_args("history", "revision", args) {
        Ok(args) => args,
        Err(error) => return (format!("{error}\n"), false),
    };
    if args.revision < 0 {
        return (format!("error: revision must be a positive integer: {}\n", args.revision), false);
    }
    let Some(Object::Deployment(deployment)) = world.store().get(&args.key()) else {
        let name = go_quote(&args.name);
        return (format!("Error from server (NotFound): deployments.apps {name} not found\n"), false);
    };
    match view_history(&deployment_replica_sets(world, deployment), args.revision) {
        Ok(text) => (history_output(&args.resource(), args.revision, &text), true),
        Err(error) => (format!("{}\n", error_output(&error)), false),
    }
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

    /// Command lines as kubectl reads them (cobra flags anywhere, pflag's
    /// Int64 with Go's base prefixes) and its words for bad ones.
    #[test]
    fn rollout_command_lines() {
        let ok = |namespace: &str, name: &str, revision: i64| {
            Ok(RolloutArgs { namespace: namespace.into(), name: name.into(), revision })
        };
        let usage = |message: &str| Err(format!("error: {message}\nSee 'kubectl rollout undo --help' for usage."));
        let cases: &[(&[&str], Result<RolloutArgs, String>)] = &[
            (&["deployment/web"], ok("default", "web", 0)),
            (&["deploy/web", "--to-revision=3"], ok("default", "web", 3)),
            (&["--to-revision", "0x10", "deployments.apps/web"], ok("default", "web", 16)),
            (&["deployment", "web", "--to-revision=010", "-n", "shop"], ok("shop", "web", 8)),
            (&["--namespace=shop", "deployment/web", "--to-revision=-2"], ok("shop", "web", -2)),
            (&[], Err("error: required resource not specified".into())),
            (&["web"], Err("error: the server doesn't have a resource type \"web\"".into())),
            (
                &["deployment/web", "--to-revision=two"],
                usage(
                    "invalid argument \"two\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"two\": invalid syntax",
                ),
            ),
            (
                &["deployment/web", "--to-revision=99999999999999999999"],
                usage(
                    "invalid argument \"99999999999999999999\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"99999999999999999999\": value out of range",
                ),
            ),
            (&["deployment/web", "--to-revision"], usage("flag needs an argument: --to-revision")),
            (&["deployment/web", "--revision=2"], usage("unknown flag: --revision")),
            (&["deployment/web", "-x"], usage("unknown shorthand flag: 'x' in -x")),
        ];
        for (args, expected) in cases {
            assert_eq!(&parse_rollout_args("undo", "to-revision", args), expected, "{args:?}");
        }
        assert!(parse_rollout_args("undo", "to-revision", &["pod/web"]).unwrap_err().contains("unsupported arguments"));
        assert!(parse_rollout_args("undo", "to-revision", &["deployment"]).unwrap_err().contains("unsupported"));
        assert_eq!(parse_go_int64("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_go_int64("0b101"), Ok(5));
        assert_eq!(parse_go_int64("0o17"), Ok(15));
        assert_eq!(parse_go_int64("+7"), Ok(7));
        assert!(parse_go_int64("09").is_err() && parse_go_int64("").is_err() && parse_go_int64("-").is_err());
    }

    /// `rollout undo` and `rollout history` over a world: two revisions,
    /// undone; the history renumbers; refusals in kubectl's words.
    #[test]
    fn undo_and_history_over_a_world() {
        let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: 'web:1'}]}\n";
        let apply = |history: &mut History, text: &str| {
            let objects = kubeloop_engine::parse_manifests(text).objects.into_iter().map(|l| l.object).collect();
            history.input(Input::Apply(objects));
            history.advance(20_000);
        };
        let mut history = History::new(5);
        apply(&mut history, manifest);
        let undo = |history: &mut History, args: &[&str]| rollout_undo(history, args);
        assert_eq!(
            undo(&mut history, &["deployment/web"]),
            ("error: no rollout history found for deployment \"web\"\n".to_string(), false)
        );
        apply(&mut history, &manifest.replace("web:1", "web:2"));
        let table = |history: &History| rollout_history(history.world(), &["deployment/web"]);
        assert_eq!(
            table(&history),
            ("deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n".to_string(), true)
        );
        assert_eq!(undo(&mut history, &["deployment/web"]), ("deployment.apps/web rolled back\n".to_string(), true));
        history.advance(20_000);
        assert_eq!(
            table(&history).0,
            "deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n"
        );
        let (text, ok) = rollout_history(history.world(), &["deployment/web", "--revision=3"]);
        assert!(ok && text.starts_with("deployment.apps/web with revision #3\nPod Template:\n"), "{text}");
        assert!(text.contains("    Image:\tweb:1\n") && text.ends_with("  Tolerations:\t<none>\n\n"), "{text}");
        assert_eq!(
            undo(&mut history, &["deployment/web", "--to-revision=3"]),
            ("deployment.apps/web skipped rollback (current template already matches revision 3)\n".to_string(), true)
        );
        let refusals: &[(&[&str], &str)] = &[
            (&["deployment/web", "--revision=1"], "error: unable to find the specified revision\n"),
            (&["deployment/web", "--revision=-1"], "error: revision must be a positive integer: -1\n"),
            (&["deployment/api"], "Error from server (NotFound): deployments.apps \"api\" not found\n"),
        ];
        for (args, expected) in refusals {
            assert_eq!(rollout_history(history.world(), args), (expected.to_string(), false), "{args:?}");
        }
        assert_eq!(
            undo(&mut history, &["deployment/web", "--to-revision=1"]),
            ("error: unable to find specified revision 1 in history\n".to_string(), false)
        );
        assert_eq!(
            undo(&mut history, &["deploy/api"]),
            ("Error from server (NotFound): deployments.apps \"api\" not found\n".to_string(), false)
        );
        let inputs = history.inputs().len();
        assert_eq!(inputs, 3, "two applies and one undo; refusals and skips write nothing");
    }
}
