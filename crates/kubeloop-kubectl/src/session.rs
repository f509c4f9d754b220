//! A kubectl session over a simulated cluster: the command lines people
//! type, answered with what kubectl prints. The CLI's `kubeloop run` and
//! the browser's terminal both drive it. It does no IO: files named with
//! `-f` are read by the caller's `read_file`.

use crate::printers::get_table;
use crate::printers::pdb::{PDB_COLUMNS, pdb_row};
use crate::printers::pods::{POD_COLUMNS, POD_WIDE_COLUMNS, pod_row, pod_row_wide};
use crate::printers::workloads::{DEPLOYMENT_COLUMNS, REPLICA_SET_COLUMNS, deployment_row, replica_set_row};
use crate::rollout::{deployment_status, rollout_history, rollout_undo};
use kubeloop_engine::api::Object;
use kubeloop_engine::api::quantity::Quantity;
use kubeloop_engine::world::faults::{Fault, Target};
use kubeloop_engine::world::history::{History, Input};
use kubeloop_engine::world::store::Key;
use kubeloop_engine::{Severity, parse_manifests};
use std::rc::Rc;

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
            ["get", resource, rest @ ..] => self.get(resource, rest),
            ["set", "image", target, assignment] => self.set_image(target, assignment),
            ["rollout", "status", target, rest @ ..] => self.rollout_status(target, rest),
            ["rollout", "undo", rest @ ..] => Answer::from(rollout_undo(&mut self.history, rest)),
            ["rollout", "history", rest @ ..] => Answer::from(rollout_history(self.history.world(), rest)),
            ["cordon", rest @ ..] => crate::drain::cordon(&mut self.history, rest, true),
            ["uncordon", rest @ ..] => crate::drain::cordon(&mut self.history, rest, false),
            ["drain", rest @ ..] => crate::drain::drain(&mut self.history, rest),
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
        let manifests = parse_manifests(&text);
        let mut output = String::new();
        let mut ok = true;
        for diagnostic in manifests.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
            output.push_str(&format!("error: {}\n", diagnostic.message));
            ok = false;
        }
        let objects: Vec<Object> = manifests.objects.into_iter().map(|loaded| loaded.object).collect();
        let keys: Vec<Key> = objects.iter().map(Key::of).collect();
        let before: Vec<Option<Object>> = keys.iter().map(|key| self.world_object(key)).collect();
        self.history.input(Input::Apply(objects.clone()));
        for ((key, object), before) in keys.iter().zip(&objects).zip(before) {
            let verb = match before {
                None => "created",
                Some(old) if old.same_spec(object) && old.metadata().labels == object.metadata().labels => "unchanged",
                Some(_) => "configured",
            };
            output.push_str(&format!("{} {verb}\n", resource_name(key)));
        }
        self.history.settle();
        Answer { output, ok }
    }

    fn world_object(&self, key: &Key) -> Option<Object> {
        self.history.world().store().get(key).cloned()
    }

    fn get(&self, resource: &str, rest: &[&str]) -> Answer {
        let (name, rest) = match rest {
            [name, rest @ ..] if !name.starts_with('-') => (Some(*name), rest),
            _ => (None, rest),
        };
        let wide = rest.ends_with(&["-o", "wide"]);
        let rest = if wide { &rest[..rest.len() - 2] } else { rest };
        let namespace = match rest {
            [] => "default",
            ["-n" | "--namespace", namespace] => namespace,
            _ => {
                return Answer::error(&format!(
                    "error: unsupported arguments {rest:?} (this playground supports -n NAMESPACE and -o wide)"
                ));
            }
        };
        let world = self.history.world();
        let now = world.now();
        let pod_header: Vec<&str> =
            POD_COLUMNS.iter().chain(if wide { &POD_WIDE_COLUMNS[..] } else { &[] }).copied().collect();
        let (kind, header): (&'static str, &[&str]) = match resource {
            "pods" | "pod" | "po" => ("Pod", &pod_header),
            "nodes" | "node" | "no" => ("Node", &NODE_COLUMNS),
            "replicasets" | "replicaset" | "rs" => ("ReplicaSet", &REPLICA_SET_COLUMNS),
            "deployments" | "deployment" | "deploy" => ("Deployment", &DEPLOYMENT_COLUMNS),
            "poddisruptionbudgets" | "poddisruptionbudget" | "pdb" => ("PodDisruptionBudget", &PDB_COLUMNS),
            other => return Answer::error(&format!("error: the server doesn't have a resource type \"{other}\"")),
        };
        let rows: Vec<Vec<String>> = world
            .store()
            .list(kind, if kind == "Node" { None } else { Some(namespace) })
            .filter(|object| name.is_none_or(|name| object.name() == name))
            .filter_map(|object| match object {
                Object::Pod(pod) if wide => Some(pod_row_wide(pod, now, None)),
                Object::Pod(pod) => Some(pod_row(pod, now)),
                Object::Node(node) => Some(node_row(node, now)),
                Object::ReplicaSet(rs) => Some(replica_set_row(rs, now, false)),
                Object::Deployment(d) => Some(deployment_row(d, now, false)),
                Object::PodDisruptionBudget(pdb) => Some(pdb_row(pdb, now)),
                _ => None,
            })
            .collect();
        if rows.is_empty() {
            if let Some(name) = name {
                let resource = kubeloop_engine::api::resource_of(kind);
                return Answer::error(&format!("Error from server (NotFound): {resource} \"{name}\" not found"));
            }
            if kind == "Node" {
                return Answer::ok("No resources found\n".to_string());
            }
            return Answer::ok(format!("No resources found in {namespace} namespace.\n"));
        }
        Answer::ok(get_table(header, &rows))
    }

    fn deployment(&self, target: &str) -> Result<kubeloop_engine::api::apps::Deployment, Answer> {
        let name = target.strip_prefix("deployment/").or_else(|| target.strip_prefix("deploy/")).unwrap_or(target);
        match self.world_object(&Key::new("Deployment", "default", name)) {
            Some(Object::Deployment(deployment)) => Ok(deployment),
            _ => Err(Answer::error(&format!("Error from server (NotFound): deployments.apps \"{name}\" not found"))),
        }
    }

    fn set_image(&mut self, target: &str, assignment: &str) -> Answer {
        let mut deployment = match self.deployment(target) {
            Ok(deployment) => deployment,
            Err(answer) => return answer,
        };
        let Some((container, image)) = assignment.split_once('=') else {
            return Answer::error(
                "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form",
            );
        };
        let Some(target_container) =
            Rc::make_mut(&mut deployment.spec.template.spec.containers).iter_mut().find(|c| c.name == container)
        else {
            return Answer::error(&format!("error: unable to find container named \"{container}\""));
        };
        target_container.image = Some(image.to_string().into());
        let name = deployment.metadata.name().to_string();
        self.history.input(Input::Apply(vec![Object::Deployment(deployment)]));
        self.history.settle();
        Answer::ok(format!("deployment.apps/{name} image updated\n"))
    }

    /// Prints the rollout's progress as kubectl's status viewer words it,
    /// letting simulated time pass until it completes, fails its progress
    /// deadline, or `--timeout` expires.
    fn rollout_status(&mut self, target: &str, rest: &[&str]) -> Answer {
        let limit = match rest {
            [] => ROLLOUT_STATUS_LIMIT_MS,
            [flag] if flag.starts_with("--timeout=") => match parse_duration(&flag["--timeout=".len()..]) {
                Some(ms) => ms,
                None => {
                    return Answer::error(&format!(
                        "error: invalid argument \"{}\" for \"--timeout\" flag",
                        &flag[10..]
                    ));
                }
            },
            _ => {
                return Answer::error(&format!(
                    "error: unsupported arguments {rest:?} (this playground supports --timeout=DURATION)"
                ));
            }
        };
        let mut output = String::new();
        let mut last = String::new();
        let mut waited = 0;
        loop {
            let deployment = match self.deployment(target) {
                Ok(deployment) => deployment,
                Err(_) => return Answer { output: output + "error: object has been deleted\n", ok: false },
            };
            match deployment_status(&deployment, 0) {
                Err(error) => return Answer { output: output + &format!("error: {error}\n"), ok: false },
                Ok((message, done)) => {
                    if message != last {
                        output.push_str(&message);
                        if !message.ends_with('\n') {
                            output.push('\n');
                        }
                        last = message;
                    }
                    if done {
                        return Answer::ok(output);
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

const NODE_COLUMNS: [&str; 5] = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
/// The kubelet version the simulated nodes report.
const KUBELET_VERSION: &str = "v1.35.0";

/// printNode: STATUS is Ready or NotReady (also for Unknown), with
/// `,SchedulingDisabled` when cordoned.
fn node_row(node: &kubeloop_engine::api::core::Node, now: kubeloop_engine::api::Time) -> Vec<String> {
    let ready = node.status.conditions.iter().find(|c| c.condition_type == "Ready");
    let mut status = match ready.map(|c| c.status.as_str()) {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node.spec.unschedulable {
        status.push_str(",SchedulingDisabled");
    }
    vec![
        node.metadata.name().to_string(),
        status,
        "<none>".to_string(),
        crate::printers::age(node.metadata.creation_timestamp, now),
        KUBELET_VERSION.to_string(),
    ]
}

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

/// `deployment.apps/web`: kubectl's name for an object.
fn resource_name(key: &Key) -> String {
    let resource = kubeloop_engine::api::resource_of(key.kind);
    let group = resource.split_once('.').map(|(_, group)| group);
    let kind = key.kind.to_lowercase();
    match group {
        Some(group) => format!("{kind}.{group}/{}", key.name),
        None => format!("{kind}/{}", key.name),
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
