//! `kubectl cordon`, `kubectl uncordon` and `kubectl drain`
//! (kubernetes/kubectl `pkg/cmd/drain/drain.go` and `pkg/drain`: drain.go,
//! filters.go, cordon.go), over a session's history.
//!
//! Drain cordons the node, lists its pods through kubectl's filters
//! (DaemonSet-managed, mirror, emptyDir and controller-less pods), then
//! evicts them all at once as kubectl's goroutines do: each prints
//! `evicting pod NS/NAME` and asks the eviction API; a 429 prints kubectl's
//! retry line and the pod is asked again 5 s later; an evicted pod is
//! polled every second until it is gone (`pod/NAME evicted`). Simulated
//! time passes meanwhile. Concurrent goroutines print in list order here.
//! `--timeout` is kubectl's global timeout; without it the command stops
//! at [`DRAIN_LIMIT_MS`] as if that had been given (kubectl would wait
//! forever; a script must end).

use crate::duration::go_duration_ms;
use crate::session::{Answer, parse_duration};
use kubeloop_engine::api::Object;
use kubeloop_engine::api::core::{Node, Pod};
use kubeloop_engine::world::World;
use kubeloop_engine::world::faults::Fault;
use kubeloop_engine::world::history::{History, Input};
use kubeloop_engine::world::store::Key;

/// How long `drain` waits without `--timeout`, like `rollout status`.
pub const DRAIN_LIMIT_MS: u64 = 15 * 60 * 1000;
/// EvictErrorRetryDelay: the wait after a 429.
const RETRY_MS: u64 = 5_000;
/// waitForDelete's poll interval.
const POLL_MS: u64 = 1_000;

const DAEMON_SET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMON_SET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str = "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
/// Upstream's words, "cannot delete" included: `errors()` prefixes
/// another, so kubectl prints it twice.
const UNMANAGED_FATAL: &str = "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";
const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// `kubectl cordon NODE...` (`unschedulable`) or `kubectl uncordon NODE...`.
pub fn cordon(history: &mut History, args: &[&str], unschedulable: bool) -> Answer {
    let command = if unschedulable { "cordon" } else { "uncordon" };
    let names = match node_names(history.world(), command, args) {
        Ok(names) => names,
        Err(answer) => return answer,
    };
    let mut output = String::new();
    cordon_nodes(history, &names, unschedulable, &mut output);
    Answer::ok(output)
}

/// RunCordonOrUncordon: `node/NAME cordoned`, or `already cordoned` when
/// there is nothing to patch.
fn cordon_nodes(history: &mut History, names: &[String], unschedulable: bool, output: &mut String) {
    let verb = if unschedulable { "cordoned" } else { "uncordoned" };
    for name in names {
        if node(history.world(), name).is_some_and(|node| node.spec.unschedulable == unschedulable) {
            output.push_str(&format!("node/{name} already {verb}\n"));
            continue;
        }
        history.input(Input::Fault(Fault::Cordon { node: name.clone(), unschedulable }));
        history.settle();
        output.push_str(&format!("node/{name} {verb}\n"));
    }
}

fn node<'a>(world: &'a World, name: &str) -> Option<&'a Node> {
    match world.store().get(&Key::new("Node", "", name)) {
        Some(Object::Node(node)) => Some(node),
        _ => None,
    }
}

/// The node arguments (`NAME` or `node/NAME`), each of which must exist.
fn node_names(world: &World, command: &str, args: &[&str]) -> Result<Vec<String>, Answer> {
    if let Some(flag) = args.iter().find(|arg| arg.starts_with('-')) {
        return Err(unknown_flag(command, flag));
    }
    if args.is_empty() {
        return Err(Answer::error(&format!(
            "error: USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples"
        )));
    }
    let names: Vec<String> = args
        .iter()
        .map(|arg| arg.strip_prefix("node/").or_else(|| arg.strip_prefix("nodes/")).unwrap_or(arg).to_string())
        .collect();
    if let Some(missing) = names.iter().find(|name| node(world, name).is_none()) {
        return Err(Answer::error(&format!("Error from server (NotFound): nodes \"{missing}\" not found")));
    }
    Ok(names)
}

fn unknown_flag(command: &str, flag: &str) -> Answer {
    let name = flag.split('=').next().unwrap_or(flag);
    Answer::error(&format!("error: unknown flag: {name}\nSee 'kubectl {command} --help' for usage."))
}

/// drain's flags.
#[derive(Debug, Default, PartialEq)]
struct DrainOptions {
    force: bool,
    ignore_daemonsets: bool,
    delete_emptydir_data: bool,
    /// `--timeout` (0: none).
    timeout_ms: u64,
}

/// Splits drain's arguments into its flags and the node arguments.
fn drain_options<'a>(args: &[&'a str]) -> Result<(DrainOptions, Vec<&'a str>), Answer> {
    let mut options = DrainOptions::default();
    let mut nodes = Vec::new();
    let mut words = args.iter();
    while let Some(&word) = words.next() {
        match word {
            "--force" => options.force = true,
            "--ignore-daemonsets" => options.ignore_daemonsets = true,
            "--delete-emptydir-data" => options.delete_emptydir_data = true,
            "--timeout" => {
                let Some(value) = words.next() else {
                    return Err(Answer::error(
                        "error: flag needs an argument: --timeout\nSee 'kubectl drain --help' for usage.",
                    ));
                };
                options.timeout_ms = timeout(value)?;
            }
            flag if flag.starts_with("--timeout=") => options.timeout_ms = timeout(&flag["--timeout=".len()..])?,
            flag if flag.starts_with('-') => return Err(unknown_flag("drain", flag)),
            node => nodes.push(node),
        }
    }
    Ok((options, nodes))
}

fn timeout(value: &str) -> Result<u64, Answer> {
    parse_duration(value).ok_or_else(|| {
        Answer::error(&format!(
            "error: invalid argument \"{value}\" for \"--timeout\" flag: time: invalid duration \"{value}\"\nSee 'kubectl drain --help' for usage."
        ))
    })
}

/// `kubectl drain NODE... [--force] [--ignore-daemonsets]
/// [--delete-emptydir-data] [--timeout=D]` (RunDrain).
pub fn drain(history: &mut History, args: &[&str]) -> Answer {
    let (options, nodes) = match drain_options(args) {
        Ok(parsed) => parsed,
        Err(answer) => return answer,
    };
    let names = match node_names(history.world(), "drain", &nodes) {
        Ok(names) => names,
        Err(answer) => return answer,
    };
    let mut output = String::new();
    cordon_nodes(history, &names, true, &mut output);
    let mut fatal: Vec<Vec<String>> = Vec::new();
    let mut remaining = Vec::new();
    for name in &names {
        match drain_node(history, name, &options, &mut output) {
            Ok(()) => output.push_str(&format!("node/{name} drained\n")),
            Err(errors) => {
                output.push_str(&format!(
                    "error: unable to drain node \"{name}\" due to error: {}, continuing command...\n",
                    aggregate(&errors)
                ));
                fatal.push(errors);
                remaining.push(name);
            }
        }
    }
    if remaining.is_empty() {
        return Answer::ok(output);
    }
    output.push_str("There are pending nodes to be drained:\n");
    for name in remaining {
        output.push_str(&format!(" {name}\n"));
    }
    // CheckErr unwraps the aggregate of one node's errors and prints each
    // error on a line of its own.
    let lines = match fatal.as_slice() {
        [errors] => errors.clone(),
        _ => fatal.iter().map(|errors| aggregate(errors)).collect(),
    };
    for line in lines {
        output.push_str(&line);
        output.push('\n');
    }
    Answer { output, ok: false }
}

/// `utilerrors.NewAggregate(errors).Error()`: one message as it is, more
/// deduplicated in brackets.
fn aggregate(errors: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for error in errors {
        if !seen.contains(&error.as_str()) {
            seen.push(error);
        }
    }
    match seen.as_slice() {
        [one] => one.to_string(),
        _ => format!("[{}]", seen.join(", ")),
    }
}

/// deleteOrEvictPodsSimple for one node: the filters' verdict, then the
/// evictions. The errors, in kubectl's words, if any.
fn drain_node(
    history: &mut History,
    name: &str,
    options: &DrainOptions,
    output: &mut String,
) -> Result<(), Vec<String>> {
    let list = pods_for_deletion(history.world(), name, options);
    let errors = list.errors();
    if !errors.is_empty() {
        return Err(errors);
    }
    let warnings = list.warnings();
    if !warnings.is_empty() {
        output.push_str(&format!("Warning: {warnings}\n"));
    }
    let errors = evict_pods(history, list.pods(), options.timeout_ms, output);
    if errors.is_empty() {
        return Ok(());
    }
    let pending = pods_for_deletion(history.world(), name, options).pods();
    if !pending.is_empty() {
        output.push_str(&format!(
            "There are pending pods in node \"{name}\" when an error occurred: {}\n",
            aggregate(&errors)
        ));
        for pod in pending {
            output.push_str(&format!("pod/{}\n", pod.metadata.name()));
        }
    }
    Err(errors)
}

/// A filter's verdict on a pod (PodDeleteStatus).
#[derive(Clone, Debug, PartialEq)]
enum Verdict {
    Okay,
    Skip,
    Warning { delete: bool, message: String },
    Error(String),
}

impl Verdict {
    fn delete(&self) -> bool {
        match self {
            Verdict::Okay => true,
            Verdict::Warning { delete, .. } => *delete,
            Verdict::Skip | Verdict::Error(_) => false,
        }
    }
}

/// GetPodsForDeletion's PodDeleteList.
struct PodDeleteList {
    items: Vec<(Pod, Verdict)>,
}

impl PodDeleteList {
    fn pods(&self) -> Vec<Pod> {
        self.items.iter().filter(|(_, verdict)| verdict.delete()).map(|(pod, _)| pod.clone()).collect()
    }

    /// `MESSAGE: ns/a, ns/b` per message, joined by `; ` (in first-seen
    /// order, where upstream walks a Go map).
    fn warnings(&self) -> String {
        let grouped = self.grouped(|verdict| match verdict {
            Verdict::Warning { message, .. } => Some(message),
            _ => None,
        });
        grouped.iter().map(|(message, pods)| format!("{message}: {}", pods.join(", "))).collect::<Vec<_>>().join("; ")
    }

    /// `cannot delete MESSAGE: ns/a, ns/b` per message.
    fn errors(&self) -> Vec<String> {
        let grouped = self.grouped(|verdict| match verdict {
            Verdict::Error(message) => Some(message),
            _ => None,
        });
        grouped.iter().map(|(message, pods)| format!("cannot delete {message}: {}", pods.join(", "))).collect()
    }

    fn grouped(&self, message: impl Fn(&Verdict) -> Option<&String>) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for (pod, verdict) in &self.items {
            let Some(message) = message(verdict) else { continue };
            let message = if message.is_empty() { "unexpected error".to_string() } else { message.clone() };
            let name = format!("{}/{}", pod.metadata.namespace(), pod.metadata.name());
            match groups.iter_mut().find(|(m, _)| *m == message) {
                Some((_, pods)) => pods.push(name),
                None => groups.push((message, vec![name])),
            }
        }
        groups
    }
}

/// The pods bound to the node, in the API's list order, each through the
/// filters: a filter that says "do not delete" ends the walk, otherwise
/// the last filter's verdict stands (so a warning can be dropped, as
/// upstream's comment admits).
fn pods_for_deletion(world: &World, node: &str, options: &DrainOptions) -> PodDeleteList {
    let filters: [fn(&World, &Pod, &DrainOptions) -> Verdict; 4] =
        [daemon_set_filter, mirror_pod_filter, local_storage_filter, unreplicated_filter];
    let items = world
        .store()
        .pods_on_node(node)
        .filter_map(|object| match object {
            Object::Pod(pod) => Some(pod.clone()),
            _ => None,
        })
        .map(|pod| {
            let mut verdict = Verdict::Okay;
            for filter in filters {
                verdict = filter(world, &pod, options);
                if !verdict.delete() {
                    break;
                }
            }
            (pod, verdict)
        })
        .collect();
    PodDeleteList { items }
}

fn terminal(pod: &Pod) -> bool {
    matches!(pod.status.phase.as_str(), "Succeeded" | "Failed")
}

/// DaemonSet-managed pods stay (with --ignore-daemonsets, silently but for
/// a warning). The playground simulates no DaemonSets, so the lookup finds
/// none: kubectl's NotFound, which --force turns into a warning.
fn daemon_set_filter(world: &World, pod: &Pod, options: &DrainOptions) -> Verdict {
    let Some(owner) = pod.metadata.controller().filter(|owner| owner.kind == "DaemonSet") else {
        return Verdict::Okay;
    };
    if terminal(pod) {
        return Verdict::Okay;
    }
    if world.store().get(&Key::new("DaemonSet", pod.metadata.namespace(), &owner.name)).is_none() {
        let not_found = format!("daemonsets.apps \"{}\" not found", owner.name);
        return if options.force {
            Verdict::Warning { delete: true, message: not_found }
        } else {
            Verdict::Error(not_found)
        };
    }
    if !options.ignore_daemonsets {
        return Verdict::Error(DAEMON_SET_FATAL.to_string());
    }
    Verdict::Warning { delete: false, message: DAEMON_SET_WARNING.to_string() }
}

fn mirror_pod_filter(_: &World, pod: &Pod, _: &DrainOptions) -> Verdict {
    if pod.metadata.annotations.contains_key(MIRROR_ANNOTATION) { Verdict::Skip } else { Verdict::Okay }
}

fn local_storage_filter(_: &World, pod: &Pod, options: &DrainOptions) -> Verdict {
    let volumes = pod.spec.volumes.as_deref().and_then(|v| v.as_sequence());
    let empty_dir = volumes.into_iter().flatten().any(|volume| volume.get("emptyDir").is_some());
    if !empty_dir || terminal(pod) {
        return Verdict::Okay;
    }
    if !options.delete_emptydir_data {
        return Verdict::Error(LOCAL_STORAGE_FATAL.to_string());
    }
    Verdict::Warning { delete: true, message: LOCAL_STORAGE_WARNING.to_string() }
}

fn unreplicated_filter(_: &World, pod: &Pod, options: &DrainOptions) -> Verdict {
    if terminal(pod) || pod.metadata.controller().is_some() {
        return Verdict::Okay;
    }
    if options.force {
        return Verdict::Warning { delete: true, message: UNMANAGED_WARNING.to_string() };
    }
    Verdict::Error(UNMANAGED_FATAL.to_string())
}

/// One pod's eviction goroutine.
enum Step {
    /// Print `evicting pod` and ask the eviction API at this instant.
    Evict {
        at_ms: u64,
    },
    /// Evicted: look for the pod at this instant (waitForDelete).
    Poll {
        at_ms: u64,
    },
    Done,
}

/// evictPods: every pod at once; the errors in the order the goroutines
/// end. Simulated time passes until each is evicted and gone, has failed,
/// or the global timeout (or the playground's limit) is reached.
fn evict_pods(history: &mut History, pods: Vec<Pod>, timeout_ms: u64, output: &mut String) -> Vec<String> {
    let limit_ms = if timeout_ms == 0 { DRAIN_LIMIT_MS } else { timeout_ms };
    let deadline = history.world().now_ms() + limit_ms;
    let start = history.world().now_ms();
    let mut steps: Vec<Step> = pods.iter().map(|_| Step::Evict { at_ms: start }).collect();
    let mut errors = Vec::new();
    loop {
        let next = steps
            .iter()
            .filter_map(|step| match step {
                Step::Evict { at_ms } => Some(*at_ms),
                Step::Poll { at_ms } => Some((*at_ms).min(deadline)),
                Step::Done => None,
            })
            .min();
        let Some(next) = next else { return errors };
        let now = history.world().now_ms();
        if next > now {
            history.advance(next - now);
        }
        let now = next;
        let due: Vec<usize> =
            (0..pods.len()).filter(|&i| matches!(steps[i], Step::Evict { at_ms } if at_ms <= now)).collect();
        for &i in &due {
            output.push_str(&format!("evicting pod {}/{}\n", pods[i].metadata.namespace(), pods[i].metadata.name()));
        }
        for i in due {
            let (namespace, name) = (pods[i].metadata.namespace(), pods[i].metadata.name());
            if now >= deadline {
                errors.push(format!(
                    "error when evicting pods/\"{name}\" -n \"{namespace}\": global timeout reached: {}",
                    go_duration_ms(limit_ms)
                ));
                steps[i] = Step::Done;
                continue;
            }
            steps[i] = match history.evict(namespace, name) {
                Ok(_) => Step::Poll { at_ms: now },
                Err(error) if error.code == 404 => Step::Done,
                Err(error) if error.code == 429 => {
                    output.push_str(&format!(
                        "error when evicting pods/\"{name}\" -n \"{namespace}\" (will retry after {}): {}\n",
                        go_duration_ms(RETRY_MS),
                        error.message
                    ));
                    Step::Evict { at_ms: now + RETRY_MS }
                }
                Err(error) => {
                    errors.push(format!("error when evicting pods/\"{name}\" -n \"{namespace}\": {}", error.message));
                    Step::Done
                }
            };
        }
        for (i, pod) in pods.iter().enumerate() {
            let Step::Poll { at_ms } = steps[i] else { continue };
            if at_ms > now && now < deadline {
                continue;
            }
            if gone(history.world(), pod) {
                output.push_str(&format!("pod/{} evicted\n", pod.metadata.name()));
                steps[i] = Step::Done;
            } else if now >= deadline {
                errors.push(format!(
                    "error when waiting for pod \"{}\" in namespace \"{}\" to terminate: context deadline exceeded",
                    pod.metadata.name(),
                    pod.metadata.namespace()
                ));
                steps[i] = Step::Done;
            } else {
                steps[i] = Step::Poll { at_ms: now + POLL_MS };
            }
        }
    }
}

/// The pod is gone, or its name now belongs to another pod.
fn gone(world: &World, pod: &Pod) -> bool {
    match world.store().get(&Key::new("Pod", pod.metadata.namespace(), pod.metadata.name())) {
        Some(Object::Pod(current)) => current.metadata.uid != pod.metadata.uid,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    const DEMO: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: demo}
spec:
  replicas: 3
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec:
      containers: [{name: demo, image: 'nginx:1.27'}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: demo}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: demo}}
";

    fn run(session: &mut Session, line: &str) -> Answer {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        session.kubectl(&words, Some(DEMO), &|path| Err(format!("no file {path}")))
    }

    /// Three pods, one per node, under a budget that allows no disruption.
    fn stuck() -> Session {
        let mut session = Session::new(1);
        assert!(run(&mut session, "apply -f -").ok);
        session.sleep(20_000);
        session
    }

    fn pod_on(session: &Session, node: &str) -> String {
        let world = session.history().world();
        let pod = world.store().pods_on_node(node).next().expect("a pod");
        pod.metadata().name().to_string()
    }

    /// The budget never allows the eviction: kubectl retries every 5 s
    /// until its global timeout, then says so in four places.
    #[test]
    fn drain_times_out() {
        let mut session = stuck();
        let pod = pod_on(&session, "node-1");
        let start = session.history().world().now_ms();
        let answer = run(&mut session, "drain node-1 --timeout=12s");
        let retry = format!(
            "evicting pod default/{pod}\nerror when evicting pods/\"{pod}\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n"
        );
        let timeout = format!("error when evicting pods/\"{pod}\" -n \"default\": global timeout reached: 12s");
        let expected = format!(
            "node/node-1 cordoned\n{retry}{retry}{retry}evicting pod default/{pod}\n\
             There are pending pods in node \"node-1\" when an error occurred: {timeout}\npod/{pod}\n\
             error: unable to drain node \"node-1\" due to error: {timeout}, continuing command...\n\
             There are pending nodes to be drained:\n node-1\n{timeout}\n"
        );
        assert_eq!(answer, Answer { output: expected, ok: false });
        assert_eq!(session.history().world().now_ms() - start, 15_000);
        // Without --timeout the playground stops at its limit, in the same words.
        let answer = run(&mut session, "drain node-1");
        assert!(answer.output.starts_with("node/node-1 already cordoned\n"));
        assert!(answer.output.ends_with(&format!("global timeout reached: {}\n", go_duration_ms(DRAIN_LIMIT_MS))));
    }

    #[test]
    fn cordon_words() {
        let mut session = stuck();
        assert_eq!(run(&mut session, "cordon node-2").output, "node/node-2 cordoned\n");
        assert_eq!(run(&mut session, "cordon node/node-2").output, "node/node-2 already cordoned\n");
        assert_eq!(
            run(&mut session, "uncordon node-2 node-3").output,
            "node/node-2 uncordoned\nnode/node-3 already uncordoned\n"
        );
        assert_eq!(
            run(&mut session, "cordon node-9"),
            Answer::error("Error from server (NotFound): nodes \"node-9\" not found")
        );
        assert_eq!(
            run(&mut session, "drain").output,
            "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n"
        );
        assert_eq!(
            run(&mut session, "uncordon --force node-1").output,
            "error: unknown flag: --force\nSee 'kubectl uncordon --help' for usage.\n"
        );
    }

    /// The filters: emptyDir needs --delete-emptydir-data; the warning it
    /// gives is dropped by the next filter for a managed pod, as upstream's.
    #[test]
    fn local_storage() {
        let mut session = Session::new(1);
        let text = DEMO.replace("replicas: 3", "replicas: 1").replace("minAvailable: 3", "minAvailable: 0").replace(
            "containers: [{name: demo, image: 'nginx:1.27'}]",
            "containers: [{name: demo, image: 'nginx:1.27'}]\n      volumes: [{name: cache, emptyDir: {}}]",
        );
        let apply: Vec<String> = ["apply", "-f", "-"].map(str::to_string).to_vec();
        assert!(session.kubectl(&apply, Some(&text), &|_| Err(String::new())).ok);
        session.sleep(20_000);
        let pod = pod_on(&session, "node-1");
        let answer = run(&mut session, "drain node-1");
        assert_eq!(
            answer.output,
            format!(
                "node/node-1 cordoned\nerror: unable to drain node \"node-1\" due to error: cannot delete Pods with local storage (use --delete-emptydir-data to override): default/{pod}, continuing command...\nThere are pending nodes to be drained:\n node-1\ncannot delete Pods with local storage (use --delete-emptydir-data to override): default/{pod}\n"
            )
        );
        let answer = run(&mut session, "drain node-1 --delete-emptydir-data");
        assert_eq!(
            answer,
            Answer::ok(format!(
                "node/node-1 already cordoned\nevicting pod default/{pod}\npod/{pod} evicted\nnode/node-1 drained\n"
            ))
        );
        assert_eq!(run(&mut session, "drain node-1").output, "node/node-1 already cordoned\nnode/node-1 drained\n");
    }

    #[test]
    fn aggregates_read_like_utilerrors() {
        assert_eq!(aggregate(&["a".to_string()]), "a");
        assert_eq!(aggregate(&["a".to_string(), "b".to_string(), "a".to_string()]), "[a, b]");
    }

    #[test]
    fn flags() {
        let (options, nodes) =
            drain_options(&["node-1", "--force", "--timeout=30s", "--delete-emptydir-data"]).unwrap();
        assert_eq!(
            options,
            DrainOptions { force: true, ignore_daemonsets: false, delete_emptydir_data: true, timeout_ms: 30_000 }
        );
        assert_eq!(nodes, ["node-1"]);
        assert_eq!(drain_options(&["--timeout", "1m", "n"]).unwrap().0.timeout_ms, 60_000);
        assert_eq!(
            drain_options(&["n", "--timeout=soon"]).unwrap_err().output,
            "error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\nSee 'kubectl drain --help' for usage.\n"
        );
        assert_eq!(
            drain_options(&["n", "--grace=1"]).unwrap_err().output,
            "error: unknown flag: --grace\nSee 'kubectl drain --help' for usage.\n"
        );
    }
}
