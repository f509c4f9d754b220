//! A kubectl session over a simulated cluster: the command lines people
//! type, answered with what kubectl prints. The CLI's `kubeloop run` and
//! the browser's terminal both drive it. It does no IO: files named with
//! `-f` are read by the caller's `read_file`.

use crate::rollout::{deployment_status, rollout_history, rollout_undo};
use kubeloop_engine::api::Object;
use kubeloop_engine::api::quantity::Quantity;
use kubeloop_engine::world::faults::{Fault, Target};
use kubeloop_engine::world::history::{History, Input};
use kubeloop_engine::world::store::Key;

/// How far `rollout status` waits without `--timeout` (kubectl would wait
/// forever; a script must end).
const ROLLOUT_STATUS_LIMIT_MS: u64 = 15 * 60 * 1000;

pub struct Session {
    history: History,
}

/// One command's answer: what it printed, and whether it failed.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub output: String,
    pub ok: bool,
}

impl Answer {
    pub(crate) fn ok(output: String) -> Answer {
        Answer { output, ok: true }
    }

    pub(crate) fn error(message: &str) -> Answer {
        Answer { output: format!("{message}\n"), ok: false }
    }
}

impl From<(String, bool)> for Answer {
    fn from((output, ok): (String, bool)) -> Answer {
        Answer { output, ok }
    }
}

impl Session {
    pub fn new(seed: u64) -> Session {
        Session { history: History::new(seed) }
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// `sleep 30s`: lets simulated time pass.
    pub fn sleep(&mut self, ms: u64) {
        self.history.advance(ms);
    }

    /// A fault line of a session script (`fault stop-node node-1`, ...):
    /// the words after `fault`.
    pub fn fault(&mut self, words: &[String]) -> Answer {
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let (fault, said) = match words.as_slice() {
            ["stop-node", node] => (Fault::StopNode { name: node.to_string() }, format!("node {node} stops reporting")),
            ["start-node", node] => (Fault::StartNode { name: node.to_string() }, format!("node {node} is back")),
            [check @ ("readiness" | "liveness"), target, status] => {
                let (Some(parsed), Ok(code)) = (fault_target(target), status.parse::<i32>()) else {
                    return Answer::error(FAULT_USAGE);
                };
                let fault = if *check == "readiness" {
                    Fault::Readiness { target: parsed, status: code }
                } else {
                    Fault::Liveness { target: parsed, status: code }
                };
                (fault, format!("the {check} check of {target} answers {code}"))
            }
            ["memory", target, amount] => {
                let (Some(parsed), Ok(quantity)) = (fault_target(target), Quantity::parse(amount)) else {
                    return Answer::error(FAULT_USAGE);
                };
                (
                    Fault::ExtraMemory { target: parsed, bytes: quantity.value() },
                    format!("{target} uses {amount} more memory"),
                )
            }
            ["kill", pod] => match pod.strip_prefix("pod/") {
                Some(name) => {
                    (Fault::KillPod { namespace: "default".into(), name: name.into() }, format!("{pod} is killed"))
                }
                None => return Answer::error(FAULT_USAGE),
            },
            ["traffic", service, rate] => match (service.strip_prefix("service/"), rate.parse::<i32>()) {
                (Some(name), Ok(rate)) => (
                    Fault::Traffic { namespace: "default".into(), service: name.into(), requests_per_second: rate },
                    format!("{service} gets {rate} requests per second"),
                ),
                _ => return Answer::error(FAULT_USAGE),
            },
            _ => return Answer::error(FAULT_USAGE),
        };
        self.history.input(Input::Fault(fault));
        self.history.settle();
        Answer::ok(format!("fault: {said}\n"))
    }

    /// Runs one kubectl command line (without the leading `kubectl`);
    /// `stdin` is the text of a heredoc, for `apply -f -`.
    pub fn kubectl(
        &mut self,
        args: &[String],
        stdin: Option<&str>,
        read_file: &dyn Fn(&str) -> Result<String, String>,
    ) -> Answer {
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["apply", "-f", file] => self.apply(file, stdin, read_file),
            ["get", rest @ ..] => crate::get::get(self.history.world(), rest),
            ["logs", rest @ ..] => crate::logs::logs(self.history.world(), rest),
            ["top", rest @ ..] => crate::top::top(self.history.world(), rest),
            ["describe", rest @ ..] => crate::describe_command::describe(self.history.world(), rest),
            ["set", "image", rest @ ..] => crate::edit::set_image(&mut self.history, rest),
            ["set", "env", rest @ ..] => crate::edit::set_env(&mut self.history, rest),
            ["set", "resources", rest @ ..] => crate::edit::set_resources(&mut self.history, rest),
            ["scale", rest @ ..] => crate::edit::scale(&mut self.history, rest),
            ["delete", rest @ ..] => crate::edit::delete(&mut self.history, rest),
            [command @ ("label" | "annotate"), rest @ ..] => {
                crate::edit::label_or_annotate(&mut self.history, command, rest)
            }
            ["create", "deployment" | "deploy", rest @ ..] => crate::edit::create_deployment(&mut self.history, rest),
            ["rollout", verb @ ("restart" | "pause" | "resume"), rest @ ..] => {
                crate::edit::rollout_verb(&mut self.history, verb, rest)
            }
            ["rollout", "status", rest @ ..] => self.rollout_status(rest),
            ["rollout", "undo", rest @ ..] => Answer::from(rollout_undo(&mut self.history, rest)),
            ["rollout", "history", rest @ ..] => Answer::from(rollout_history(self.history.world(), rest)),
            ["cordon", rest @ ..] => crate::drain::cordon(&mut self.history, rest, true),
            ["uncordon", rest @ ..] => crate::drain::cordon(&mut self.history, rest, false),
            ["drain", rest @ ..] => crate::drain::drain(&mut self.history, rest),
            ["api-resources", rest @ ..] => crate::resources::api_resources(rest),
            // Kustomize as embedded in kubectl 1.34 (the stored sources did not
            // show 1.35's go.mod).
            ["version", ..] => Answer::ok(format!(
                "Client Version: {KUBECTL_VERSION}\nKustomize Version: v5.7.1\nServer Version: {KUBECTL_VERSION}\n"
            )),
            [command, ..] if NOT_IN_PLAYGROUND.contains(command) => Answer::error(&format!(
                "error: kubectl {command} is not available in the playground (its commands: apply, get, describe, \
create deployment, delete, scale, set image|env|resources, rollout, label, annotate, logs, top, cordon, \
uncordon, drain, api-resources, version)"
            )),
            [command, ..] => Answer::error(&format!("error: unknown command \"{command}\" for \"kubectl\"")),
            [] => Answer::error("error: no command given to kubectl"),
        }
    }

    fn apply(&mut self, file: &str, stdin: Option<&str>, read_file: &dyn Fn(&str) -> Result<String, String>) -> Answer {
        let text = match (file, stdin) {
            ("-", Some(text)) => text.to_string(),
            ("-", None) => return Answer::error("error: no objects passed to apply"),
            (path, _) => match read_file(path) {
                Ok(text) => text,
                Err(error) => return Answer::error(&format!("error: the path \"{path}\" does not exist ({error})")),
            },
        };
        crate::apply::apply(&mut self.history, &text)
    }

    fn world_object(&self, key: &Key) -> Option<Object> {
        self.history.world().store().get(key).cloned()
    }

    fn deployment(&self, name: &str, namespace: &str) -> Result<kubeloop_engine::api::apps::Deployment, Answer> {
        match self.world_object(&Key::new("Deployment", namespace, name)) {
            Some(Object::Deployment(deployment)) => Ok(deployment),
            _ => Err(Answer::error(&format!("Error from server (NotFound): deployments.apps \"{name}\" not found"))),
        }
    }

    /// Prints the rollout's progress as kubectl's status viewer words it,
    /// letting simulated time pass until it completes, fails its progress
    /// deadline, or `--timeout` expires.
    fn rollout_status(&mut self, words: &[&str]) -> Answer {
        const FLAGS: &[crate::args::Flag] = &[
            crate::args::NAMESPACE,
            crate::args::Flag::value("timeout", None),
            crate::args::Flag::value("revision", None),
            crate::args::Flag::boolean("watch", Some('w')),
        ];
        let args = match crate::args::parse("rollout status", words, FLAGS) {
            Ok(args) => args,
            Err(answer) => return answer,
        };
        let limit = match args.value("timeout") {
            None => ROLLOUT_STATUS_LIMIT_MS,
            Some(text) => match parse_duration(text) {
                Some(ms) => ms,
                None => {
                    return crate::args::usage_error(
                        "rollout status",
                        &format!(
                            "invalid argument \"{text}\" for \"--timeout\" flag: time: invalid duration \"{text}\""
                        ),
                    );
                }
            },
        };
        let revision = match args.value("revision").map(crate::rollout::parse_go_int64).transpose() {
            Ok(revision) => revision.unwrap_or(0),
            Err(error) => {
                return crate::args::usage_error(
                    "rollout status",
                    &format!("invalid argument for \"--revision\" flag: {error}"),
                );
            }
        };
        let name = match crate::rollout::deployment_name(&args.positional) {
            Ok(name) => name,
            Err(message) => return Answer::error(&message),
        };
        let watch = args.value("watch") != Some("false");
        // The status viewer prints its message for the initial list and
        // then for every watch event: each write to the Deployment (writes
        // within one simulated second arrive as one here).
        let mut output = String::new();
        let mut seen_version = None;
        let mut waited = 0;
        loop {
            let deployment = match self.deployment(&name, args.namespace()) {
                Ok(deployment) => deployment,
                Err(answer) if seen_version.is_none() => return answer,
                Err(_) => return Answer { output: output + "error: object has been deleted\n", ok: false },
            };
            let version = deployment.metadata.resource_version.clone();
            if seen_version.as_ref() != Some(&version) {
                seen_version = Some(version);
                match deployment_status(&deployment, revision) {
                    Err(error) => return Answer { output: output + &format!("error: {error}\n"), ok: false },
                    Ok((message, done)) => {
                        output.push_str(&message);
                        if !message.ends_with('\n') {
                            output.push('\n');
                        }
                        if done || !watch {
                            return Answer::ok(output);
                        }
                    }
                }
            }
            if waited >= limit {
                return Answer { output: output + "error: timed out waiting for the condition\n", ok: false };
            }
            self.history.advance(1_000);
            waited += 1_000;
        }
    }
}

/// The kubectl (and API server) release the playground plays.
const KUBECTL_VERSION: &str = "v1.35.0";

/// kubectl commands that exist but that the playground does not run (they
/// need a terminal, an editor, a network or a real container).
const NOT_IN_PLAYGROUND: &[&str] = &[
    "edit",
    "exec",
    "attach",
    "port-forward",
    "proxy",
    "cp",
    "run",
    "expose",
    "autoscale",
    "patch",
    "replace",
    "wait",
    "debug",
    "auth",
    "config",
    "certificate",
    "taint",
    "events",
    "diff",
    "kustomize",
    "plugin",
    "completion",
    "explain",
    "api-versions",
    "cluster-info",
    "alpha",
];

const FAULT_USAGE: &str = "error: unknown fault (the playground knows: stop-node NODE, start-node NODE, \
readiness TARGET STATUS, liveness TARGET STATUS, memory TARGET QUANTITY, kill pod/NAME, traffic service/NAME RPS; \
TARGET is deployment/NAME or pod/NAME)";

/// `deployment/web` or `pod/web-1` (in the default namespace).
fn fault_target(text: &str) -> Option<Target> {
    let (kind, name) = text.split_once('/')?;
    let (namespace, name) = ("default".to_string(), name.to_string());
    match kind {
        "deployment" | "deploy" => Some(Target::Deployment { namespace, name }),
        "pod" | "po" => Some(Target::Pod { namespace, name }),
        _ => None,
    }
}

/// `30s`, `2m`, `1m30s`, `1h`, `500ms` (Go's time.ParseDuration subset).
pub fn parse_duration(text: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let number: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit_ms, length) = if rest.starts_with("ms") {
            (1, 2)
        } else if rest.starts_with('h') {
            (3_600_000, 1)
        } else if rest.starts_with('m') {
            (60_000, 1)
        } else if rest.starts_with('s') {
            (1_000, 1)
        } else {
            return None;
        };
        total = total.checked_add(number.checked_mul(unit_ms)?)?;
        rest = &rest[length..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (text, ms) in [
            ("30s", Some(30_000)),
            ("2m", Some(120_000)),
            ("1m30s", Some(90_000)),
            ("500ms", Some(500)),
            ("1h", Some(3_600_000)),
            ("", None),
            ("5", None),
            ("x", None),
        ] {
            assert_eq!(parse_duration(text), ms, "{text}");
        }
    }
}
