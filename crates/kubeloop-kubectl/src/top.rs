//! `kubectl top pod|node` over the simulated usage: each running pod's app
//! uses its App document's baseline plus its per-request share of the
//! traffic it served in the last second (the same figures the HPA and the
//! OOM killer see); a node's usage is the sum of its pods'. Printed as
//! `kubectl top` prints metrics-server's answers: CPU in millicores,
//! memory in whole MiB, and for nodes the share of allocatable.

use crate::args::{self, Flag, NAMESPACE};
use crate::printers::get_table;
use crate::session::Answer;
use kubeloop_engine::api::Object;
use kubeloop_engine::api::core::Pod;
use kubeloop_engine::world::World;
use kubeloop_engine::world::store::Key;
use kubeloop_engine::world::traffic::pod_usage;

pub const FLAGS: &[Flag] = &[
    NAMESPACE,
    Flag::boolean("all-namespaces", Some('A')),
    Flag::value("selector", Some('l')),
    Flag::boolean("containers", None),
    Flag::boolean("no-headers", None),
];

const MIB: i64 = 1024 * 1024;

/// metrics-server reports a pod once a container of it runs.
fn measured(pod: &Pod) -> bool {
    pod.status.container_statuses.iter().any(|status| status.state.running.is_some())
}

pub fn top(world: &World, words: &[&str]) -> Answer {
    match words.split_first() {
        Some((&("pod" | "pods" | "po"), rest)) => top_pods(world, rest),
        Some((&("node" | "nodes" | "no"), rest)) => top_nodes(world, rest),
        Some((other, _)) => Answer::error(&format!(
            "error: unknown command \"{other}\" for \"kubectl top\"\nSee 'kubectl top -h' for help and examples"
        )),
        None => Answer::error("error: you must specify a resource: kubectl top pod | node"),
    }
}

fn top_pods(world: &World, words: &[&str]) -> Answer {
    let args = match args::parse("top pod", words, FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let selector = match args.value("selector").map(crate::selector::parse).transpose() {
        Ok(selector) => selector.unwrap_or_default(),
        Err(error) => return Answer::error(&format!("error: {error}")),
    };
    let all = args.is_set("all-namespaces");
    let namespace = args.namespace();
    let name = args.positional.first();
    let pods: Vec<&Pod> = world
        .store()
        .list("Pod", (!all).then_some(namespace))
        .filter_map(|object| match object {
            Object::Pod(pod) => Some(pod),
            _ => None,
        })
        .filter(|pod| name.is_none_or(|name| pod.metadata.name() == name))
        .filter(|pod| selector.matches(&pod.metadata.labels))
        .collect();
    if let Some(name) = name
        && pods.is_empty()
    {
        return Answer::error(&format!("Error from server (NotFound): pods \"{name}\" not found"));
    }
    let measured: Vec<&Pod> = pods.into_iter().filter(|pod| measured(pod)).collect();
    if measured.is_empty() {
        if let Some(name) = name {
            return Answer::error(&format!("error: Metrics not available for pod {namespace}/{name}"));
        }
        return Answer::error("error: metrics not available yet");
    }
    let containers = args.is_set("containers");
    let mut header = vec!["NAME", "CPU(cores)", "MEMORY(bytes)"];
    if containers {
        header.insert(0, "POD");
    }
    if all {
        header.insert(0, "NAMESPACE");
    }
    let rows: Vec<Vec<String>> = measured
        .iter()
        .map(|pod| {
            let (cpu, memory) = pod_usage(world, &Key::of_pod(pod));
            let mut row = vec![format!("{cpu}m"), format!("{}Mi", memory / MIB)];
            if containers {
                // The app's use is its (first) container's.
                let container = pod.spec.containers.first().map_or("", |c| c.name.as_str());
                row.splice(0..0, [pod.metadata.name().to_string(), container.to_string()]);
            } else {
                row.insert(0, pod.metadata.name().to_string());
            }
            if all {
                row.insert(0, pod.metadata.namespace().to_string());
            }
            row
        })
        .collect();
    Answer::ok(table(&header, &rows, args.is_set("no-headers")))
}

fn top_nodes(world: &World, words: &[&str]) -> Answer {
    let args = match args::parse("top node", words, FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    let name = args.positional.first();
    let nodes: Vec<_> = world
        .store()
        .list("Node", None)
        .filter_map(|object| match object {
            Object::Node(node) => Some(node),
            _ => None,
        })
        .filter(|node| name.is_none_or(|name| node.metadata.name() == name))
        .collect();
    if let Some(name) = name
        && nodes.is_empty()
    {
        return Answer::error(&format!("Error from server (NotFound): nodes \"{name}\" not found"));
    }
    let header = ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"];
    let rows: Vec<Vec<String>> = nodes
        .iter()
        .map(|node| {
            let (mut cpu, mut memory) = (0, 0);
            for object in world.store().pods_on_node(node.metadata.name()) {
                if let Object::Pod(pod) = object
                    && measured(pod)
                {
                    let (pod_cpu, pod_memory) = pod_usage(world, &Key::of_pod(pod));
                    cpu += pod_cpu;
                    memory += pod_memory;
                }
            }
            let allocatable = |name: &str, milli: bool| {
                let status = &node.status;
                let quantity = status.allocatable.get(name).or_else(|| status.capacity.get(name));
                quantity.map_or(0, |q| if milli { q.milli_value() } else { q.value() })
            };
            let share = |used: i64, total: i64| if total > 0 { used * 100 / total } else { 0 };
            vec![
                node.metadata.name().to_string(),
                format!("{cpu}m"),
                format!("{}%", share(cpu, allocatable("cpu", true))),
                format!("{}Mi", memory / MIB),
                format!("{}%", share(memory, allocatable("memory", false))),
            ]
        })
        .collect();
    Answer::ok(table(&header, &rows, args.is_set("no-headers")))
}

fn table(header: &[&str], rows: &[Vec<String>], no_headers: bool) -> String {
    if !no_headers {
        return get_table(header, rows);
    }
    let mut writer = crate::printers::TabWriter::get();
    for row in rows {
        writer.write(&row.join("\t"));
        writer.write("\n");
    }
    writer.finish()
}
