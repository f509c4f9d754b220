//! `kubectl describe node` (describeNode and describeNodeResource in
//! pkg/describe/describe.go): the node's conditions, addresses, capacity,
//! system info, its non-terminated pods with their requests and limits as
//! shares of allocatable, the totals, and events.

use crate::describe::{Event, PrefixWriter, describe_events, print_annotations, print_labels, rfc1123z};
use crate::printers::{age, items, scalar_text, text_at};
use kubeloop_engine::api::Time;
use kubeloop_engine::api::core::{Node, Pod};
use kubeloop_engine::api::quantity::{Quantity, QuantityFormat};

pub fn describe_node(node: &Node, pods: &[&Pod], events: Option<&[Event]>, now: Time) -> String {
    let meta = &node.metadata;
    let status = &node.status;
    let mut w = PrefixWriter::tabbed();
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    // findNodeRoles: node-role.kubernetes.io/ROLE labels.
    let roles: Vec<&str> = meta.labels.keys().filter_map(|key| key.strip_prefix("node-role.kubernetes.io/")).collect();
    w.write(0, &format!("Roles:\t{}\n", if roles.is_empty() { "<none>".to_string() } else { roles.join(",") }));
    print_labels(&mut w, "Labels", &meta.labels);
    print_annotations(&mut w, "Annotations", &meta.annotations);
    w.write(0, &format!("CreationTimestamp:\t{}\n", rfc1123z(meta.creation_timestamp)));
    let taints: Vec<String> = items(node.spec.taints.as_deref())
        .into_iter()
        .map(|taint| {
            let (key, value, effect) =
                (text_at(taint, &["key"]), text_at(taint, &["value"]), text_at(taint, &["effect"]));
            if value.is_empty() { format!("{key}:{effect}") } else { format!("{key}={value}:{effect}") }
        })
        .collect();
    match taints.split_first() {
        None => w.write(0, "Taints:\t<none>\n"),
        Some((first, rest)) => {
            w.write(0, &format!("Taints:\t{first}\n"));
            for taint in rest {
                w.write(0, &format!("\t{taint}\n"));
            }
        }
    }
    w.write(0, &format!("Unschedulable:\t{}\n", node.spec.unschedulable));
    // The kubelet's lease in kube-node-lease, renewed every 10 s while the
    // node is Ready (its status, only every 5 minutes when nothing changes);
    // a node that stopped reporting stopped renewing at its last heartbeat.
    let ready = status.conditions.iter().any(|c| c.condition_type == "Ready" && c.status == "True");
    let heartbeat = status.conditions.iter().filter_map(|c| c.last_heartbeat_time).max();
    let renewed = match (ready, meta.creation_timestamp) {
        (true, Some(created)) => {
            let since = now.unix_ms - created.unix_ms;
            Some(Time::from_unix_ms(created.unix_ms + since - since.rem_euclid(10_000)))
        }
        _ => heartbeat,
    };
    w.write(0, "Lease:\n");
    w.write(1, &format!("HolderIdentity:\t{}\n", meta.name()));
    w.write(1, "AcquireTime:\t<unset>\n");
    w.write(1, &format!("RenewTime:\t{}\n", renewed.map_or_else(|| "<unset>".to_string(), |t| rfc1123z(Some(t)))));
    if !status.conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
        for c in &status.conditions {
            w.write(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.condition_type,
                    c.status,
                    rfc1123z(c.last_heartbeat_time),
                    rfc1123z(c.last_transition_time),
                    c.reason,
                    c.message
                ),
            );
        }
    }
    w.write(0, "Addresses:\n");
    for address in items(status.addresses.as_deref()) {
        w.write(1, &format!("{}:\t{}\n", text_at(address, &["type"]), text_at(address, &["address"])));
    }
    for (title, list) in [("Capacity", &status.capacity), ("Allocatable", &status.allocatable)] {
        if !list.is_empty() {
            w.write(0, &format!("{title}:\n"));
            for (name, quantity) in list {
                w.write(0, &format!("  {name}:\t{}\n", quantity.canonical()));
            }
        }
    }
    let info = |field: &str| status.node_info.as_deref().map(|info| text_at(info, &[field])).unwrap_or_default();
    w.write(0, "System Info:\n");
    for (title, field) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        w.write(0, &format!("  {title}:\t{}\n", info(field)));
    }
    if let Some(cidr) = node.spec.pod_cidr.as_deref().and_then(scalar_text).filter(|c| !c.is_empty()) {
        w.write(0, &format!("PodCIDR:\t{cidr}\n"));
    }
    let cidrs: Vec<String> = items(node.spec.pod_cidrs.as_deref()).into_iter().filter_map(scalar_text).collect();
    if !cidrs.is_empty() {
        w.write(0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    describe_node_resource(&mut w, node, pods, now);
    if let Some(events) = events {
        describe_events(&mut w, events, now);
    }
    w.finish()
}

/// A sum of quantities, written as Go's Quantity.Add leaves it: in the
/// suffix family of the first, at the largest exact suffix.
struct Total {
    milli: i64,
    format: Option<QuantityFormat>,
}

impl Total {
    fn new() -> Total {
        Total { milli: 0, format: None }
    }

    fn add(&mut self, quantity: &Quantity) {
        self.milli += quantity.milli_value();
        self.format.get_or_insert(quantity.format());
    }

    fn text(&self) -> String {
        if self.milli == 0 {
            return "0".to_string();
        }
        if self.milli % 1000 != 0 {
            return format!("{}m", self.milli);
        }
        let units = self.milli / 1000;
        let (base, suffixes): (i64, &[&str]) = match self.format {
            Some(QuantityFormat::BinarySI) => (1024, &["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]),
            _ => (1000, &["", "k", "M", "G", "T", "P", "E"]),
        };
        let (mut value, mut index) = (units, 0);
        while index + 1 < suffixes.len() && value % base == 0 {
            value /= base;
            index += 1;
        }
        format!("{value}{}", suffixes[index])
    }
}

/// Where a resource's requests (or limits) sit in [`pod_totals`]: cpu
/// requests, cpu limits, memory requests, memory limits.
fn slot(name: &str, limits: bool) -> usize {
    usize::from(name == "memory") * 2 + usize::from(limits)
}

/// PodRequestsAndLimits for cpu and memory: the containers' sums (an init
/// container counts where it is bigger, as the scheduler sees it), by
/// [`slot`].
fn pod_totals(pod: &Pod) -> [Total; 4] {
    let mut totals = [Total::new(), Total::new(), Total::new(), Total::new()];
    for name in ["cpu", "memory"] {
        for limits in [false, true] {
            let total = &mut totals[slot(name, limits)];
            for container in pod.spec.containers.iter() {
                let list = if limits { &container.resources.limits } else { &container.resources.requests };
                // The API server defaults a missing request to the limit.
                let quantity =
                    list.get(name).or_else(|| (!limits).then(|| container.resources.limits.get(name)).flatten());
                if let Some(quantity) = quantity {
                    total.add(quantity);
                }
            }
        }
    }
    totals
}

fn share(used: i64, total: i64) -> i64 {
    if total > 0 { ((used as f64) / (total as f64) * 100.0) as i64 } else { 0 }
}

fn describe_node_resource(w: &mut PrefixWriter, node: &Node, pods: &[&Pod], now: Time) {
    let status = &node.status;
    let allocatable = if status.allocatable.is_empty() { &status.capacity } else { &status.allocatable };
    let capacity = |name: &str| allocatable.get(name).map_or(0, Quantity::milli_value);
    w.write(0, &format!("Non-terminated Pods:\t({} in total)\n", pods.len()));
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
    let mut sums: [Option<Total>; 4] = Default::default();
    for pod in pods {
        let totals = pod_totals(pod);
        let cell = |name: &'static str, limits: bool| {
            let total = &totals[slot(name, limits)];
            format!("{} ({}%)", total.text(), share(total.milli, capacity(name)))
        };
        w.write(
            1,
            &format!(
                "{}\t{}\t\t{}\t{}\t{}\t{}\t{}\n",
                pod.metadata.namespace(),
                pod.metadata.name(),
                cell("cpu", false),
                cell("cpu", true),
                cell("memory", false),
                cell("memory", true),
                age(pod.metadata.creation_timestamp, now)
            ),
        );
        for (sum, total) in sums.iter_mut().zip(totals) {
            let sum = sum.get_or_insert_with(Total::new);
            sum.milli += total.milli;
            if sum.format.is_none() {
                sum.format = total.format;
            }
        }
    }
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
    w.write(1, "Resource\tRequests\tLimits\n");
    w.write(1, "--------\t--------\t------\n");
    for name in ["cpu", "memory"] {
        let cell = |limits: bool| {
            let total = sums[slot(name, limits)].as_ref();
            let milli = total.map_or(0, |t| t.milli);
            format!("{} ({}%)", total.map_or_else(|| "0".to_string(), Total::text), share(milli, capacity(name)))
        };
        w.write(1, &format!("{name}\t{}\t{}\n", cell(false), cell(true)));
    }
    w.write(1, "ephemeral-storage\t0 (0%)\t0 (0%)\n");
}
