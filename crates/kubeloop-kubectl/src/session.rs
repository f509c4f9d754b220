//! A kubectl session over a simulated cluster: the command lines people
//! type, answered with what kubectl prints. The CLI's `kubeloop run` and
//! the browser's terminal both drive it. It does no IO: files named with
//! `-f` are read by the caller's `read_file`.

use crate::printers::get_table;
use crate::printers::pods::{POD_COLUMNS, pod_row};
use crate::printers::workloads::{DEPLOYMENT_COLUMNS, REPLICA_SET_COLUMNS, deployment_row, replica_set_row};
use crate::rollout::deployment_status;
use kubeloop_engine::api::Object;
use kubeloop_engine::world::history::{History, Input};
use kubeloop_engine::world::store::Key;
use kubeloop_engine::{Severity, parse_manifests};

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
    fn ok(output: String) -> Answer {
        Answer { output, ok: true }
    }

    fn error(message: &str) -> Answer {
        Answer { output: format!("{message}\n"), ok: false }
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
        let namespace = match rest {
            [] => "default",
            ["-n" | "--namespace", namespace] => namespace,
            _ => {
                return Answer::error(&format!(
                    "error: unsupported arguments {rest:?} (this playground supports -n NAMESPACE)"
                ));
            }
        };
        let world = self.history.world();
        let now = world.now();
        let (kind, header): (&'static str, &[&str]) = match resource {
            "pods" | "pod" | "po" => ("Pod", &POD_COLUMNS),
            "replicasets" | "replicaset" | "rs" => ("ReplicaSet", &REPLICA_SET_COLUMNS),
            "deployments" | "deployment" | "deploy" => ("Deployment", &DEPLOYMENT_COLUMNS),
            other => return Answer::error(&format!("error: the server doesn't have a resource type \"{other}\"")),
        };
        let rows: Vec<Vec<String>> = world
            .store()
            .list(kind, Some(namespace))
            .filter(|object| name.is_none_or(|name| object.name() == name))
            .filter_map(|object| match object {
                Object::Pod(pod) => Some(pod_row(pod, now)),
                Object::ReplicaSet(rs) => Some(replica_set_row(rs, now, false)),
                Object::Deployment(d) => Some(deployment_row(d, now, false)),
                _ => None,
            })
            .collect();
        if rows.is_empty() {
            if let Some(name) = name {
                let resource = kubeloop_engine::api::resource_of(kind);
                return Answer::error(&format!("Error from server (NotFound): {resource} \"{name}\" not found"));
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
        let Some(target_container) = deployment.spec.template.spec.containers.iter_mut().find(|c| c.name == container)
        else {
            return Answer::error(&format!("error: unable to find container named \"{container}\""));
        };
        target_container.image = Some(image.to_string());
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
