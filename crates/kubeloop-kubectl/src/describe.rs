//! `kubectl describe` (pkg/describe/describe.go): the prefix writer over
//! `tabbedString`'s tabwriter, the pod template, Deployments and ReplicaSets,
//! and the Events table.
//!
//! Layout rules (spec 10.7): cells are TAB-separated and aligned by Go's
//! tabwriter with padding 2 in column blocks (see `printers::tabwriter`); a
//! nesting level is two spaces. The pod template of `rollout history
//! --revision` is written through the same prefix writer into a plain buffer,
//! so its TABs stay literal.

use crate::printers::{TabWriter, Value, age, items, lookup, scalar_text, text_at};
use kubeloop_engine::api::apps::{Deployment, ReplicaSet};
use kubeloop_engine::api::core::{Container, ContainerState, ContainerStatus, Pod, PodTemplateSpec, Probe};
use kubeloop_engine::api::decode::FromYaml;
use kubeloop_engine::api::quantity::Quantity;
use kubeloop_engine::api::selector::LabelSelector;
use kubeloop_engine::api::{Condition, Time};
use kubeloop_engine::validation::field::go_quote;
use std::collections::BTreeMap;

/// Annotations describe never shows.
const SKIPPED_ANNOTATIONS: [&str; 1] = ["kubectl.kubernetes.io/last-applied-configuration"];
/// Annotations longer than this are printed on lines of their own.
const MAX_ANNOTATION_LEN: usize = 140;

/// describe's `PrefixWriter`: each write is indented two spaces per level
/// and escaped for the terminal, then goes to the tabwriter (or, for the
/// history's pod template, to a plain buffer).
#[derive(Clone, Debug)]
pub struct PrefixWriter {
    tab: Option<TabWriter>,
    plain: String,
}

impl PrefixWriter {
    /// Over `tabbedString`'s tabwriter (min width 0, padding 2).
    pub fn tabbed() -> PrefixWriter {
        PrefixWriter { tab: Some(TabWriter::tabbed()), plain: String::new() }
    }

    /// Over a plain buffer: TABs stay as they are.
    pub fn plain() -> PrefixWriter {
        PrefixWriter { tab: None, plain: String::new() }
    }

    fn emit(&mut self, text: &str) {
        // printers.WriteEscaped: no terminal escape sequences get through.
        let text = text.replace('\x1b', "^[").replace('\r', "\\r");
        match &mut self.tab {
            Some(tab) => tab.write(&text),
            None => self.plain.push_str(&text),
        }
    }

    /// `Write(level, ...)`: the text after two spaces per level.
    pub fn write(&mut self, level: usize, text: &str) {
        let mut line = "  ".repeat(level);
        line.push_str(text);
        self.emit(&line);
    }

    /// `WriteLine(...)`: the text and a newline, not indented.
    pub fn write_line(&mut self, text: &str) {
        self.emit(&format!("{text}\n"));
    }

    /// Ends the current column blocks.
    pub fn flush(&mut self) {
        if let Some(tab) = &mut self.tab {
            tab.flush();
        }
    }

    pub fn finish(self) -> String {
        match self.tab {
            Some(tab) => tab.finish(),
            None => self.plain,
        }
    }
}

/// `time.RFC1123Z` in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`; an unset
/// time is Go's zero time.
pub fn rfc1123z(time: Option<Time>) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let Some(time) = time else { return "Mon, 01 Jan 0001 00:00:00 +0000".to_string() };
    // 2016-01-01T00:01:09Z
    let text = time.to_rfc3339();
    let (date, clock) = text.trim_end_matches('Z').rsplit_once('T').unwrap_or((&text, ""));
    let mut parts = date.rsplitn(3, '-');
    let day = parts.next().unwrap_or("01");
    let month: usize = parts.next().and_then(|m| m.parse().ok()).unwrap_or(1);
    let year = parts.next().unwrap_or("0001");
    let days = time.unix_ms.div_euclid(86_400_000);
    let weekday = DAYS[usize::try_from((days.rem_euclid(7) + 4) % 7).unwrap_or(0)];
    let month = MONTHS[month.clamp(1, 12) - 1];
    format!("{weekday}, {day} {month} {year} {clock} +0000")
}

/// printLabelsMultiline: `Labels:\t<none>`, or one `key=value` per line
/// (sorted), the later ones after a TAB.
pub(crate) fn print_labels(w: &mut PrefixWriter, title: &str, labels: &BTreeMap<String, String>) {
    w.write(0, &format!("{title}:\t"));
    if labels.is_empty() {
        w.write_line("<none>");
        return;
    }
    for (index, (key, value)) in labels.iter().enumerate() {
        if index > 0 {
            w.write(0, "\t");
        }
        w.write(0, &format!("{key}={value}\n"));
    }
}

/// Cuts a string to at most `max` bytes (on a character boundary) and marks
/// the cut with `...`.
fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// printAnnotationsMultiline: `key: value` per line (sorted, last-applied
/// skipped); long or multi-line values go on indented lines of their own.
pub(crate) fn print_annotations(w: &mut PrefixWriter, title: &str, annotations: &BTreeMap<String, String>) {
    w.write(0, &format!("{title}:\t"));
    let shown: Vec<(&String, &String)> =
        annotations.iter().filter(|(key, _)| !SKIPPED_ANNOTATIONS.contains(&key.as_str())).collect();
    if shown.is_empty() {
        w.write_line("<none>");
        return;
    }
    for (index, (key, value)) in shown.into_iter().enumerate() {
        if index > 0 {
            w.write(0, "\t");
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(0, &format!("{key}:\n"));
            for line in value.split('\n') {
                w.write(0, &format!("\t  {}\n", shorten(line, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            w.write(0, &format!("{key}: {value}\n"));
        }
    }
}

/// printTolerationsMultiline over the opaque `tolerations` list.
pub(crate) fn print_tolerations(w: &mut PrefixWriter, title: &str, tolerations: Option<&Value>) {
    w.write(0, &format!("{title}:\t"));
    let mut tolerations = items(tolerations);
    if tolerations.is_empty() {
        w.write_line("<none>");
        return;
    }
    kubeloop_engine::lean::sort_by_key(&mut tolerations, |t| text_at(t, &["key"]));
    for (index, toleration) in tolerations.into_iter().enumerate() {
        if index > 0 {
            w.write(0, "\t");
        }
        let (key, value, effect) =
            (text_at(toleration, &["key"]), text_at(toleration, &["value"]), text_at(toleration, &["effect"]));
        let mut text = key.clone();
        if !value.is_empty() {
            text.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            text.push_str(&format!(":{effect}"));
        }
        if text_at(toleration, &["operator"]) == "Exists" && value.is_empty() {
            text.push_str(if key.is_empty() && effect.is_empty() { "op=Exists" } else { " op=Exists" });
        }
        if let Some(seconds) = lookup(toleration, &["tolerationSeconds"]).and_then(scalar_text) {
            text.push_str(&format!(" for {seconds}s"));
        }
        w.write(0, &format!("{text}\n"));
    }
}

fn string_or_none(text: &str) -> &str {
    if text.is_empty() { "<none>" } else { text }
}

fn go_bool(value: Option<&Value>) -> bool {
    value.and_then(scalar_text).is_some_and(|text| text == "true")
}

/// describeContainerPorts / describeContainerHostPorts.
fn ports(container: &Container, host: bool) -> String {
    let ports: Vec<String> = container
        .ports
        .iter()
        .map(|port| {
            let number = if host { port.host_port.unwrap_or(0) } else { port.container_port };
            format!("{number}/{}", port.protocol.as_deref().unwrap_or(""))
        })
        .collect();
    ports.join(", ")
}

/// DescribeProbe: `http-get http://:8080/healthz delay=0s timeout=1s ...`.
pub fn describe_probe(probe: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        probe.initial_delay_seconds.unwrap_or(0),
        probe.timeout_seconds.unwrap_or(0),
        probe.period_seconds.unwrap_or(0),
        probe.success_threshold.unwrap_or(0),
        probe.failure_threshold.unwrap_or(0)
    );
    if let Some(exec) = &probe.exec {
        return format!("exec [{}] {attrs}", exec.command.join(" "));
    }
    if let Some(http) = &probe.http_get {
        let scheme = http.scheme.as_deref().unwrap_or("").to_lowercase();
        let host = http.host.as_deref().unwrap_or("");
        let port = http.port.as_ref().map(ToString::to_string).unwrap_or_default();
        let authority = if port.is_empty() {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let path = http.path.as_deref().unwrap_or("");
        let url = match (scheme.is_empty(), authority.is_empty()) {
            (false, _) => format!("{scheme}://{authority}{path}"),
            (true, false) => format!("//{authority}{path}"),
            (true, true) => path.to_string(),
        };
        return format!("http-get {url} {attrs}");
    }
    if let Some(tcp) = &probe.tcp_socket {
        let port = tcp.port.as_ref().map(ToString::to_string).unwrap_or_default();
        return format!("tcp-socket {}:{port} {attrs}", tcp.host.as_deref().unwrap_or(""));
    }
    if let Some(grpc) = &probe.grpc {
        return format!("grpc <pod>:{} {} {attrs}", grpc.port, grpc.service.as_deref().unwrap_or(""));
    }
    format!("unknown {attrs}")
}

/// describeStatus: one container state.
fn describe_state(w: &mut PrefixWriter, name: &str, state: &ContainerState) {
    if let Some(running) = &state.running {
        w.write(2, &format!("{name}:\tRunning\n"));
        w.write(3, &format!("Started:\t{}\n", rfc1123z(running.started_at)));
    } else if let Some(waiting) = &state.waiting {
        w.write(2, &format!("{name}:\tWaiting\n"));
        if let Some(reason) = waiting.reason.as_deref().filter(|r| !r.is_empty()) {
            w.write(3, &format!("Reason:\t{reason}\n"));
        }
    } else if let Some(terminated) = &state.terminated {
        w.write(2, &format!("{name}:\tTerminated\n"));
        if let Some(reason) = terminated.reason.as_deref().filter(|r| !r.is_empty()) {
            w.write(3, &format!("Reason:\t{reason}\n"));
        }
        if let Some(message) = terminated.message.as_deref().filter(|m| !m.is_empty()) {
            w.write(3, &format!("Message:\t{message}\n"));
        }
        w.write(3, &format!("Exit Code:\t{}\n", terminated.exit_code));
        if let Some(signal) = terminated.signal.filter(|&s| s > 0) {
            w.write(3, &format!("Signal:\t{signal}\n"));
        }
        w.write(3, &format!("Started:\t{}\n", rfc1123z(terminated.started_at)));
        w.write(3, &format!("Finished:\t{}\n", rfc1123z(terminated.finished_at)));
    } else {
        w.write(2, &format!("{name}:\tWaiting\n"));
    }
}

/// A `resourceFieldRef` value (ExtractContainerResourceValue with the
/// default divisor): CPU in whole cores rounded up, other resources in
/// units.
fn resource_field_value(container: &Container, resource: &str) -> String {
    let (list, name) = match resource.split_once('.') {
        Some(("limits", name)) => (&container.resources.limits, name),
        Some(("requests", name)) => (&container.resources.requests, name),
        _ => return String::new(),
    };
    let Some(quantity) = list.get(name) else { return "0".to_string() };
    if name == "cpu" {
        let milli = quantity.milli_value();
        (milli / 1000 + i64::from(milli % 1000 > 0)).to_string()
    } else {
        quantity.value().to_string()
    }
}

/// describeContainers: the containers of a pod or template, with their
/// statuses when there are any.
pub(crate) fn describe_containers(
    w: &mut PrefixWriter,
    label: &str,
    containers: &[Container],
    statuses: &[ContainerStatus],
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for container in containers {
        let status = statuses.iter().rev().find(|s| s.name == container.name);
        w.write(1, &format!("{name_indent}{}:\n", container.name));
        if let Some(status) = status {
            w.write(2, &format!("Container ID:\t{}\n", status.container_id.as_deref().unwrap_or("")));
        }
        w.write(2, &format!("Image:\t{}\n", container.image.as_deref().unwrap_or("")));
        if let Some(status) = status {
            w.write(2, &format!("Image ID:\t{}\n", status.image_id));
        }
        let container_ports = ports(container, false);
        if container_ports.contains(',') {
            w.write(2, &format!("Ports:\t{container_ports}\n"));
        } else {
            w.write(2, &format!("Port:\t{}\n", string_or_none(&container_ports)));
        }
        let host_ports = ports(container, true);
        if host_ports.contains(',') {
            w.write(2, &format!("Host Ports:\t{host_ports}\n"));
        } else {
            w.write(2, &format!("Host Port:\t{}\n", string_or_none(&host_ports)));
        }
        for (title, lines) in [("Command", &container.command), ("Args", &container.args)] {
            if !lines.is_empty() {
                w.write(2, &format!("{title}:\n"));
                for line in lines.iter().flat_map(|l| l.split('\n')) {
                    w.write(3, &format!("{line}\n"));
                }
            }
        }
        if let Some(status) = status {
            describe_state(w, "State", &status.state);
            if status.last_state.terminated.is_some() {
                describe_state(w, "Last State", &status.last_state);
            }
            w.write(2, &format!("Ready:\t{}\n", if status.ready { "True" } else { "False" }));
            w.write(2, &format!("Restart Count:\t{}\n", status.restart_count));
        }
        for (title, list) in [("Limits", &container.resources.limits), ("Requests", &container.resources.requests)] {
            if !list.is_empty() {
                w.write(2, &format!("{title}:\n"));
            }
            for (name, quantity) in list {
                w.write(3, &format!("{name}:\t{}\n", quantity.canonical()));
            }
        }
        for (title, probe) in [
            ("Liveness", &container.liveness_probe),
            ("Readiness", &container.readiness_probe),
            ("Startup", &container.startup_probe),
        ] {
            if let Some(probe) = probe {
                w.write(2, &format!("{title}:\t{}\n", describe_probe(probe)));
            }
        }
        if !container.env_from.is_empty() {
            w.write(2, "Environment Variables from:\n");
            for source in &container.env_from {
                let (kind, name, optional) = match (&source.config_map_ref, &source.secret_ref) {
                    (Some(r), _) => ("ConfigMap", r.name.as_str(), r.optional == Some(true)),
                    (None, Some(r)) => ("Secret", r.name.as_str(), r.optional == Some(true)),
                    (None, None) => ("", "", false),
                };
                match source.prefix.as_deref().filter(|p| !p.is_empty()) {
                    None => w.write(3, &format!("{name}\t{kind}\tOptional: {optional}\n")),
                    Some(prefix) => {
                        w.write(3, &format!("{name}\t{kind} with prefix '{prefix}'\tOptional: {optional}\n"))
                    }
                }
            }
        }
        let none = if container.env.is_empty() { "\t<none>" } else { "" };
        w.write(2, &format!("Environment:{none}\n"));
        for env in &container.env {
            let Some(from) = &env.value_from else {
                for (index, line) in env.value.as_deref().unwrap_or("").split('\n').enumerate() {
                    if index == 0 {
                        w.write(3, &format!("{}:\t{line}\n", env.name));
                    } else {
                        w.write(3, &format!("\t{line}\n"));
                    }
                }
                continue;
            };
            if let Some(field) = &from.field_ref {
                let (version, path) = (text_at(field, &["apiVersion"]), text_at(field, &["fieldPath"]));
                w.write(3, &format!("{}:\t ({version}:{path})\n", env.name));
            } else if let Some(field) = &from.resource_field_ref {
                let resource = text_at(field, &["resource"]);
                let mut value = resource_field_value(container, &resource);
                if value == "0" && (resource == "limits.cpu" || resource == "limits.memory") {
                    value = "node allocatable".to_string();
                }
                w.write(3, &format!("{}:\t{value} ({resource})\n", env.name));
            } else if let Some(key) = &from.secret_key_ref {
                let optional = key.optional == Some(true);
                let text = format!("<set to the key '{}' in secret '{}'>\tOptional: {optional}", key.key, key.name);
                w.write(3, &format!("{}:\t{text}\n", env.name));
            } else if let Some(key) = &from.config_map_key_ref {
                let optional = key.optional == Some(true);
                let text = format!("<set to the key '{}' of config map '{}'>\tOptional: {optional}", key.key, key.name);
                w.write(3, &format!("{}:\t{text}\n", env.name));
            }
        }
        let mut mounts = items(container.volume_mounts.as_deref());
        let none = if mounts.is_empty() { "\t<none>" } else { "" };
        w.write(2, &format!("Mounts:{none}\n"));
        kubeloop_engine::lean::sort_by_key(&mut mounts, |m| text_at(m, &["mountPath"]));
        for mount in mounts {
            let mut flags =
                vec![if go_bool(lookup(mount, &["readOnly"])) { "ro".to_string() } else { "rw".to_string() }];
            let sub_path = text_at(mount, &["subPath"]);
            if !sub_path.is_empty() {
                flags.push(format!("path={}", go_quote(&sub_path)));
            }
            let (path, name) = (text_at(mount, &["mountPath"]), text_at(mount, &["name"]));
            w.write(3, &format!("{path} from {name} ({})\n", flags.join(",")));
        }
        let mut devices = items(container.volume_devices.as_deref());
        if !devices.is_empty() {
            w.write(2, "Devices:\n");
            kubeloop_engine::lean::sort_by_key(&mut devices, |d| text_at(d, &["devicePath"]));
            for device in devices {
                w.write(3, &format!("{} from {}\n", text_at(device, &["devicePath"]), text_at(device, &["name"])));
            }
        }
    }
}

/// describeVolumes over the opaque `volumes` list (the volume types the
/// playground's manifests use; others print `<unknown>`).
pub(crate) fn describe_volumes(w: &mut PrefixWriter, volumes: Option<&Value>, space: &str) {
    let volumes = items(volumes);
    if volumes.is_empty() {
        w.write(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for volume in volumes {
        w.write(1, &format!("{name_indent}{}:\n", text_at(volume, &["name"])));
        let field = |source: &str, key: &str| text_at(volume, &[source, key]);
        let flag = |source: &str, key: &str| go_bool(lookup(volume, &[source, key]));
        if lookup(volume, &["hostPath"]).is_some() {
            let kind = field("hostPath", "type");
            w.write(
                2,
                &format!(
                    "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                    field("hostPath", "path"),
                    string_or_none(&kind)
                ),
            );
        } else if lookup(volume, &["emptyDir"]).is_some() {
            let size = lookup(volume, &["emptyDir", "sizeLimit"])
                .and_then(scalar_text)
                .and_then(|text| Quantity::parse(&text).ok())
                .filter(|q| !q.is_zero() && !q.is_negative())
                .map_or_else(|| "<unset>".to_string(), |q| q.canonical());
            w.write(
                2,
                &format!(
                    "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
                    field("emptyDir", "medium")
                ),
            );
        } else if lookup(volume, &["secret"]).is_some() {
            w.write(
                2,
                &format!(
                    "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                    field("secret", "secretName"),
                    flag("secret", "optional")
                ),
            );
        } else if lookup(volume, &["configMap"]).is_some() {
            w.write(
                2,
                &format!(
                    "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                    field("configMap", "name"),
                    flag("configMap", "optional")
                ),
            );
        } else if lookup(volume, &["persistentVolumeClaim"]).is_some() {
            w.write(
                2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                    field("persistentVolumeClaim", "claimName"),
                    flag("persistentVolumeClaim", "readOnly")
                ),
            );
        } else if lookup(volume, &["projected"]).is_some() {
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
            for source in items(lookup(volume, &["projected", "sources"])) {
                let optional = |kind: &str| go_bool(lookup(source, &[kind, "optional"]));
                if lookup(source, &["secret"]).is_some() {
                    let name = text_at(source, &["secret", "name"]);
                    w.write(2, &format!("SecretName:\t{name}\n    Optional:\t{}\n", optional("secret")));
                } else if lookup(source, &["downwardAPI"]).is_some() {
                    w.write(2, "DownwardAPI:\ttrue\n");
                } else if lookup(source, &["configMap"]).is_some() {
                    let name = text_at(source, &["configMap", "name"]);
                    w.write(2, &format!("ConfigMapName:\t{name}\n    Optional:\t{}\n", optional("configMap")));
                } else if lookup(source, &["serviceAccountToken"]).is_some() {
                    let seconds = lookup(source, &["serviceAccountToken", "expirationSeconds"])
                        .and_then(scalar_text)
                        .unwrap_or_else(|| "3600".to_string());
                    w.write(2, &format!("TokenExpirationSeconds:\t{seconds}\n"));
                }
            }
        } else if lookup(volume, &["downwardAPI"]).is_some() {
            w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for item in items(lookup(volume, &["downwardAPI", "items"])) {
                let path = text_at(item, &["path"]);
                if lookup(item, &["fieldRef"]).is_some() {
                    w.write(3, &format!("{} -> {path}\n", text_at(item, &["fieldRef", "fieldPath"])));
                }
                if lookup(item, &["resourceFieldRef"]).is_some() {
                    w.write(3, &format!("{} -> {path}\n", text_at(item, &["resourceFieldRef", "resource"])));
                }
            }
        } else {
            w.write(1, "<unknown>\n");
        }
    }
}

/// describeTopologySpreadConstraints over the opaque list.
pub(crate) fn describe_topology_spread(w: &mut PrefixWriter, constraints: Option<&Value>, space: &str) {
    let mut constraints = items(constraints);
    if constraints.is_empty() {
        return;
    }
    kubeloop_engine::lean::sort_by_key(&mut constraints, |c| text_at(c, &["topologyKey"]));
    w.write(0, &format!("{space}Topology Spread Constraints:\t"));
    for (index, constraint) in constraints.into_iter().enumerate() {
        if index > 0 {
            w.write(0, space);
            w.write(0, "\t");
        }
        let mut text = format!(
            "{}:{} when max skew {} is exceeded",
            text_at(constraint, &["topologyKey"]),
            text_at(constraint, &["whenUnsatisfiable"]),
            lookup(constraint, &["maxSkew"]).and_then(scalar_text).unwrap_or_else(|| "0".to_string())
        );
        if let Some(selector) = lookup(constraint, &["labelSelector"]).filter(|s| !s.is_null()) {
            text.push_str(&format!(" for selector {}", LabelSelector::from_yaml(selector)));
        }
        w.write(0, &format!("{text}\n"));
    }
}

/// DescribePodTemplate.
pub fn describe_pod_template(w: &mut PrefixWriter, template: &PodTemplateSpec) {
    w.write(0, "Pod Template:\n");
    print_labels(w, "  Labels", &template.metadata.labels);
    if !template.metadata.annotations.is_empty() {
        print_annotations(w, "  Annotations", &template.metadata.annotations);
    }
    let spec = &template.spec;
    if let Some(account) = spec.service_account_name.as_deref().filter(|a| !a.is_empty()) {
        w.write(1, &format!("Service Account:\t{account}\n"));
    }
    if !spec.init_containers.is_empty() {
        describe_containers(w, "Init Containers", &spec.init_containers, &[], "  ");
    }
    describe_containers(w, "Containers", &spec.containers, &[], "  ");
    describe_volumes(w, spec.volumes.as_deref(), "  ");
    describe_topology_spread(w, spec.topology_spread_constraints.as_deref(), "  ");
    let priority_class = spec.priority_class_name.as_deref().and_then(scalar_text).unwrap_or_default();
    if !priority_class.is_empty() {
        w.write(1, &format!("Priority Class Name:\t{priority_class}\n"));
    }
    print_labels(w, "  Node-Selectors", &spec.node_selector);
    print_tolerations(w, "  Tolerations", spec.tolerations.as_deref());
}

/// The pod template as `rollout history --revision=N` prints it: literal
/// TABs, no alignment.
pub fn pod_template_text(template: &PodTemplateSpec) -> String {
    let mut w = PrefixWriter::plain();
    describe_pod_template(&mut w, template);
    w.finish()
}

/// A core/v1 Event as describe shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Event {
    /// `Normal` or `Warning`.
    pub event_type: String,
    pub reason: String,
    pub message: String,
    pub count: i32,
    pub first_timestamp: Option<Time>,
    pub last_timestamp: Option<Time>,
    /// `source.component`, e.g. `deployment-controller`, `kubelet`.
    pub source_component: String,
    /// Used when there is no source component.
    pub reporting_controller: String,
    /// `involvedObject.fieldPath`, e.g. `spec.containers{app}`.
    pub field_path: String,
}

impl Event {
    /// The time events sort by (oldest first).
    fn sort_time(&self) -> Option<Time> {
        self.last_timestamp.or(self.first_timestamp)
    }
}

/// One row of describe's Events table: Type, Reason, Age, From, Message.
/// Age is `<last> (x<count> over <first>)` for repeated events; the message
/// carries the involved object's field path (kubectl 1.35).
pub fn event_row(event: &Event, now: Time) -> [String; 5] {
    let first = age(event.first_timestamp, now);
    let interval = if event.count > 1 {
        format!("{} (x{} over {first})", age(event.last_timestamp, now), event.count)
    } else {
        first
    };
    let source = if event.source_component.is_empty() { &event.reporting_controller } else { &event.source_component };
    let message = event.message.trim();
    let message =
        if event.field_path.is_empty() { message.to_string() } else { format!("{}: {message}", event.field_path) };
    [event.event_type.clone(), event.reason.clone(), interval, source.clone(), message]
}

/// DescribeEvents: `Events:\t<none>`, or the table, aligned on its own.
pub fn describe_events(w: &mut PrefixWriter, events: &[Event], now: Time) {
    if events.is_empty() {
        w.write(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted: Vec<&Event> = events.iter().collect();
    kubeloop_engine::lean::sort_by_key(&mut sorted, |event| event.sort_time());
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(1, "----\t------\t----\t----\t-------\n");
    for event in sorted {
        w.write(1, &format!("{}\n", event_row(event, now).join("\t")));
    }
}

/// printReplicaSetsByLabels: `name (<current>/<desired> replicas created)`,
/// comma-joined, or `<none>`.
fn replica_set_list(replica_sets: &[&ReplicaSet]) -> String {
    let list: Vec<String> = replica_sets
        .iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name(),
                rs.status.replicas,
                rs.spec.replicas.unwrap_or(1)
            )
        })
        .collect();
    if list.is_empty() { "<none>".to_string() } else { list.join(", ") }
}

/// Conditions as Deployments and ReplicaSets show them.
fn describe_conditions(w: &mut PrefixWriter, conditions: &[Condition]) {
    if conditions.is_empty() {
        return;
    }
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for c in conditions {
        w.write(1, &format!("{} \t{}\t{}\n", c.condition_type, c.status, c.reason));
    }
}

/// `kubectl describe deployment`. `old` are all of its old ReplicaSets, `new`
/// its new one; `events` is `None` with `--show-events=false`.
pub fn describe_deployment(
    deployment: &Deployment,
    old: &[&ReplicaSet],
    new: Option<&ReplicaSet>,
    events: Option<&[Event]>,
    now: Time,
) -> String {
    let meta = &deployment.metadata;
    let spec = &deployment.spec;
    let status = &deployment.status;
    let mut w = PrefixWriter::tabbed();
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    w.write(0, &format!("CreationTimestamp:\t{}\n", rfc1123z(meta.creation_timestamp)));
    print_labels(&mut w, "Labels", &meta.labels);
    print_annotations(&mut w, "Annotations", &meta.annotations);
    // labels.Selector.String(): empty for a nil or empty selector.
    let selector = spec.selector.as_ref().filter(|s| !s.is_empty()).map(ToString::to_string).unwrap_or_default();
    w.write(0, &format!("Selector:\t{selector}\n"));
    w.write(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            spec.replicas.unwrap_or(1),
            status.updated_replicas,
            status.replicas,
            status.available_replicas,
            status.unavailable_replicas
        ),
    );
    w.write(0, &format!("StrategyType:\t{}\n", spec.strategy.strategy_type.as_deref().unwrap_or("")));
    w.write(0, &format!("MinReadySeconds:\t{}\n", spec.min_ready_seconds));
    if let Some(rolling) = &spec.strategy.rolling_update {
        let text = |value: &Option<kubeloop_engine::api::intstr::IntOrString>| {
            value.as_ref().map_or_else(|| "<nil>".to_string(), ToString::to_string)
        };
        w.write(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                text(&rolling.max_unavailable),
                text(&rolling.max_surge)
            ),
        );
    }
    describe_pod_template(&mut w, &spec.template);
    describe_conditions(&mut w, &status.conditions);
    if !old.is_empty() || new.is_some() {
        w.write(0, &format!("OldReplicaSets:\t{}\n", replica_set_list(old)));
        let new: Vec<&ReplicaSet> = new.into_iter().collect();
        w.write(0, &format!("NewReplicaSet:\t{}\n", replica_set_list(&new)));
    }
    if let Some(events) = events {
        describe_events(&mut w, events, now);
    }
    w.finish()
}

/// Pods of a controller by phase: Running, Waiting (Pending), Succeeded,
/// Failed, counting only pods whose controller reference has `owner_uid`.
pub fn pod_status_counts(pods: &[&Pod], owner_uid: &str) -> [usize; 4] {
    let mut counts = [0; 4];
    for pod in pods {
        if pod.metadata.controller().is_none_or(|owner| owner.uid != owner_uid) {
            continue;
        }
        match pod.status.phase.as_str() {
            "Running" => counts[0] += 1,
            "Pending" => counts[1] += 1,
            "Succeeded" => counts[2] += 1,
            "Failed" => counts[3] += 1,
            _ => {}
        }
    }
    counts
}

/// `kubectl describe rs`; `pod_counts` from [`pod_status_counts`].
pub fn describe_replica_set(
    replica_set: &ReplicaSet,
    pod_counts: [usize; 4],
    events: Option<&[Event]>,
    now: Time,
) -> String {
    let meta = &replica_set.metadata;
    let mut w = PrefixWriter::tabbed();
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    let selector = replica_set.spec.selector.as_ref().map_or_else(|| "<none>".to_string(), ToString::to_string);
    w.write(0, &format!("Selector:\t{selector}\n"));
    print_labels(&mut w, "Labels", &meta.labels);
    print_annotations(&mut w, "Annotations", &meta.annotations);
    if let Some(owner) = meta.controller() {
        w.write(0, &format!("Controlled By:\t{}/{}\n", owner.kind, owner.name));
    }
    w.write(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            replica_set.status.replicas,
            replica_set.spec.replicas.unwrap_or(1)
        ),
    );
    let [running, waiting, succeeded, failed] = pod_counts;
    w.write(0, "Pods Status:\t");
    w.write(0, &format!("{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"));
    describe_pod_template(&mut w, &replica_set.spec.template);
    describe_conditions(&mut w, &replica_set.status.conditions);
    if let Some(events) = events {
        describe_events(&mut w, events, now);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::api::decode::{from_yaml_str, from_yaml_str_with_status};

    const NOW: Time = Time::from_unix_ms(1_700_000_000_000);

    fn ago(seconds: i64) -> Option<Time> {
        Some(Time::from_unix_ms(NOW.unix_ms - seconds * 1000))
    }

    #[test]
    fn rfc1123z_dates() {
        let cases = [
            ("2021-01-01T00:00:00Z", "Fri, 01 Jan 2021 00:00:00 +0000"),
            ("2006-01-02T15:04:05Z", "Mon, 02 Jan 2006 15:04:05 +0000"),
            ("1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 +0000"),
            ("1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 +0000"),
            ("2024-02-29T08:00:00Z", "Thu, 29 Feb 2024 08:00:00 +0000"),
        ];
        for (rfc3339, expected) in cases {
            assert_eq!(rfc1123z(Time::parse_rfc3339(rfc3339)), expected);
        }
        assert_eq!(rfc1123z(None), "Mon, 01 Jan 0001 00:00:00 +0000");
    }

    /// DescribeEvents rows (spec 10.7).
    #[test]
    fn event_rows() {
        let base = Event {
            event_type: "Normal".into(),
            reason: "ScalingReplicaSet".into(),
            message: "Scaled up replica set web-7c5ddbdf54 to 1 \n".into(),
            count: 1,
            first_timestamp: ago(60),
            last_timestamp: ago(60),
            source_component: "deployment-controller".into(),
            ..Default::default()
        };
        let repeated = Event {
            event_type: "Warning".into(),
            reason: "BackOff".into(),
            message: "Back-off restarting failed container app".into(),
            count: 5,
            first_timestamp: ago(180),
            last_timestamp: ago(10),
            source_component: "kubelet".into(),
            field_path: "spec.containers{app}".into(),
            ..Default::default()
        };
        let reported =
            Event { source_component: String::new(), reporting_controller: "x-controller".into(), ..base.clone() };
        let cases: Vec<(Event, [&str; 5])> = vec![
            (
                base,
                [
                    "Normal",
                    "ScalingReplicaSet",
                    "60s",
                    "deployment-controller",
                    "Scaled up replica set web-7c5ddbdf54 to 1",
                ],
            ),
            (
                repeated,
                [
                    "Warning",
                    "BackOff",
                    "10s (x5 over 3m)",
                    "kubelet",
                    "spec.containers{app}: Back-off restarting failed container app",
                ],
            ),
            (
                reported,
                ["Normal", "ScalingReplicaSet", "60s", "x-controller", "Scaled up replica set web-7c5ddbdf54 to 1"],
            ),
            (Event { count: 0, ..Default::default() }, ["", "", "<unknown>", "", ""]),
        ];
        for (event, expected) in cases {
            assert_eq!(event_row(&event, NOW), expected.map(String::from));
        }
    }

    fn deployment() -> Deployment {
        from_yaml_str_with_status(
            "metadata: {name: bar, namespace: foo, labels: {k8s-app: bar}, creationTimestamp: '2021-01-01T00:00:00Z'}\n\
             spec:\n  replicas: 1\n  selector: {matchLabels: {k8s-app: bar}}\n  template:\n    metadata: {labels: {k8s-app: bar}}\n    spec:\n\
             \x20     containers:\n      - image: 'mytest-image:latest'\n        volumeMounts: [{name: vol-foo, mountPath: /tmp/vol-foo}, {name: vol-bar, mountPath: /tmp/vol-bar}]\n\
             \x20     volumes: [{name: vol-foo, emptyDir: {}}, {name: vol-bar, emptyDir: {}}]\n",
        )
    }

    /// TestDescribeDeployment, "deployment with two mounted volumes".
    #[test]
    fn describes_a_deployment() {
        let d = deployment();
        let mut rs: ReplicaSet =
            from_yaml_str_with_status("metadata: {name: bar-001}\nspec: {replicas: 1}\nstatus: {replicas: 1}");
        rs.spec.template = d.spec.template.clone();
        let out = describe_deployment(&d, &[], Some(&rs), Some(&[]), NOW);
        let expected = "Name:               bar\n\
            Namespace:          foo\n\
            CreationTimestamp:  Fri, 01 Jan 2021 00:00:00 +0000\n\
            Labels:             k8s-app=bar\n\
            Annotations:        <none>\n\
            Selector:           k8s-app=bar\n\
            Replicas:           1 desired | 0 updated | 0 total | 0 available | 0 unavailable\n\
            StrategyType:       \n\
            MinReadySeconds:    0\n\
            Pod Template:\n\
            \x20 Labels:  k8s-app=bar\n\
            \x20 Containers:\n\
            \x20  :\n\
            \x20   Image:        mytest-image:latest\n\
            \x20   Port:         <none>\n\
            \x20   Host Port:    <none>\n\
            \x20   Environment:  <none>\n\
            \x20   Mounts:\n\
            \x20     /tmp/vol-bar from vol-bar (rw)\n\
            \x20     /tmp/vol-foo from vol-foo (rw)\n\
            \x20 Volumes:\n\
            \x20  vol-foo:\n\
            \x20   Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n\
            \x20   Medium:     \n\
            \x20   SizeLimit:  <unset>\n\
            \x20  vol-bar:\n\
            \x20   Type:          EmptyDir (a temporary directory that shares a pod's lifetime)\n\
            \x20   Medium:        \n\
            \x20   SizeLimit:     <unset>\n\
            \x20 Node-Selectors:  <none>\n\
            \x20 Tolerations:     <none>\n\
            OldReplicaSets:    <none>\n\
            NewReplicaSet:     bar-001 (1/1 replicas created)\n\
            Events:            <none>\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn describes_rolling_deployment_with_events() {
        let mut d = deployment();
        d.spec.strategy = from_yaml_str("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 25%, maxSurge: 25%}}");
        d.status.conditions = vec![
            Condition { condition_type: "Available".into(), status: "True".into(), ..Default::default() }
                .with_reason("MinimumReplicasAvailable", ""),
            Condition { condition_type: "Progressing".into(), status: "True".into(), ..Default::default() }
                .with_reason("NewReplicaSetAvailable", ""),
        ];
        let events = [
            Event {
                event_type: "Normal".into(),
                reason: "ScalingReplicaSet".into(),
                message: "Scaled down replica set web-6b7f6d5d4c to 2 from 3".into(),
                count: 1,
                first_timestamp: ago(50),
                last_timestamp: ago(50),
                source_component: "deployment-controller".into(),
                ..Default::default()
            },
            Event {
                event_type: "Normal".into(),
                reason: "ScalingReplicaSet".into(),
                message: "Scaled up replica set web-7c5ddbdf54 to 1".into(),
                count: 1,
                first_timestamp: ago(60),
                last_timestamp: ago(60),
                source_component: "deployment-controller".into(),
                ..Default::default()
            },
        ];
        let old: ReplicaSet = from_yaml_str_with_status("metadata: {name: web-6b7f6d5d4c}\nspec: {replicas: 0}");
        let new: ReplicaSet =
            from_yaml_str_with_status("metadata: {name: web-7c5ddbdf54}\nspec: {replicas: 3}\nstatus: {replicas: 3}");
        let out = describe_deployment(&d, &[&old], Some(&new), Some(&events), NOW);
        assert!(out.contains("RollingUpdateStrategy:  25% max unavailable, 25% max surge\nPod Template:\n"), "{out}");
        assert!(out.contains("Conditions:\n  Type           Status  Reason\n  ----           ------  ------\n  Available      True    MinimumReplicasAvailable\n  Progressing    True    NewReplicaSetAvailable\n"), "{out}");
        assert!(out.ends_with(
            "Events:\n  Type    Reason             Age   From                   Message\n  \
             ----    ------             ----  ----                   -------\n  \
             Normal  ScalingReplicaSet  60s   deployment-controller  Scaled up replica set web-7c5ddbdf54 to 1\n  \
             Normal  ScalingReplicaSet  50s   deployment-controller  Scaled down replica set web-6b7f6d5d4c to 2 from 3\n"
        ), "{out}");
        assert!(out.contains("  Progressing    True    NewReplicaSetAvailable\nOldReplicaSets:  web-6b7f6d5d4c (0/0 replicas created)\nNewReplicaSet:   web-7c5ddbdf54 (3/3 replicas created)\nEvents:\n"), "{out}");
        let quiet = describe_deployment(&d, &[], None, None, NOW);
        assert!(!quiet.contains("OldReplicaSets") && !quiet.contains("Events"), "{quiet}");
    }

    #[test]
    fn pod_template_details() {
        let template: PodTemplateSpec = from_yaml_str(
            "metadata: {labels: {a: '1', b: '2'}, annotations: {kubectl.kubernetes.io/last-applied-configuration: x}}\n\
             spec:\n  serviceAccountName: sa\n  nodeSelector: {disk: ssd}\n\
             \x20 tolerations: [{key: k, operator: Exists, effect: NoSchedule}, {operator: Exists}, {key: a, value: v, effect: NoExecute, tolerationSeconds: 30}]\n\
             \x20 containers:\n  - name: app\n    image: 'nginx:1.27'\n    command: [sh, -c]\n    ports: [{containerPort: 80, protocol: TCP}]\n\
             \x20   resources: {limits: {cpu: 500m}, requests: {cpu: 250m, memory: 64Mi}}\n\
             \x20   readinessProbe: {httpGet: {path: /healthz, port: 8080, scheme: HTTP}, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3}\n\
             \x20   env: [{name: A, value: \"x\\ny\"}, {name: S, valueFrom: {secretKeyRef: {name: s, key: k}}}]\n\
             \x20   envFrom: [{configMapRef: {name: cm}, prefix: P_}]\n    volumeMounts: [{name: v, mountPath: /v, readOnly: true, subPath: sp}]\n",
        );
        let expected = "Pod Template:\n  Labels:\ta=1\n\tb=2\n  Annotations:\t<none>\n  Service Account:\tsa\n  Containers:\n   app:\n\
            \x20   Image:\tnginx:1.27\n    Port:\t80/TCP\n    Host Port:\t0/TCP\n    Command:\n      sh\n      -c\n\
            \x20   Limits:\n      cpu:\t500m\n    Requests:\n      cpu:\t250m\n      memory:\t64Mi\n\
            \x20   Readiness:\thttp-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3\n\
            \x20   Environment Variables from:\n      cm\tConfigMap with prefix 'P_'\tOptional: false\n\
            \x20   Environment:\n      A:\tx\n      \ty\n      S:\t<set to the key 'k' in secret 's'>\tOptional: false\n\
            \x20   Mounts:\n      /v from v (ro,path=\"sp\")\n  Volumes:\t<none>\n  Node-Selectors:\tdisk=ssd\n\
            \x20 Tolerations:\top=Exists\n\ta=v:NoExecute for 30s\n\tk:NoSchedule op=Exists\n";
        assert_eq!(pod_template_text(&template), expected);
    }

    #[test]
    fn describes_a_replica_set() {
        let rs: ReplicaSet = from_yaml_str_with_status(
            "metadata: {name: web-1, namespace: default, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}], uid: r1}\n\
             spec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {spec: {containers: [{name: c, image: i}]}}}\nstatus: {replicas: 2}",
        );
        let pod = |phase: &str, uid: &str| -> Pod {
            from_yaml_str_with_status(&format!(
                "metadata: {{ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: {uid}, controller: true}}]}}\nstatus: {{phase: {phase}}}"
            ))
        };
        let pods = [pod("Running", "r1"), pod("Pending", "r1"), pod("Running", "other")];
        let refs: Vec<&Pod> = pods.iter().collect();
        let counts = pod_status_counts(&refs, "r1");
        assert_eq!(counts, [1, 1, 0, 0]);
        let out = describe_replica_set(&rs, counts, None, NOW);
        assert!(out.starts_with("Name:           web-1\nNamespace:      default\nSelector:       app=web\n"), "{out}");
        assert!(out.contains("Controlled By:  Deployment/web\nReplicas:       2 current / 2 desired\nPods Status:    1 Running / 1 Waiting / 0 Succeeded / 0 Failed\n"), "{out}");
    }

    #[test]
    fn long_annotations_and_probes() {
        let mut annotations = BTreeMap::new();
        annotations.insert("k".to_string(), "v".repeat(200));
        annotations.insert("m".to_string(), "one\ntwo\n".to_string());
        let mut w = PrefixWriter::plain();
        print_annotations(&mut w, "Annotations", &annotations);
        let shortened = format!("{}...", "v".repeat(138));
        assert_eq!(w.finish(), format!("Annotations:\tk:\n\t  {shortened}\n\tm:\n\t  one\n\t  two\n"));
        let probes: [(&str, &str); 4] = [
            (
                "{exec: {command: [cat, /tmp/ok]}}",
                "exec [cat /tmp/ok] delay=0s timeout=0s period=0s #success=0 #failure=0",
            ),
            ("{tcpSocket: {port: 80}}", "tcp-socket :80 delay=0s timeout=0s period=0s #success=0 #failure=0"),
            ("{grpc: {port: 9000}}", "grpc <pod>:9000  delay=0s timeout=0s period=0s #success=0 #failure=0"),
            ("{}", "unknown delay=0s timeout=0s period=0s #success=0 #failure=0"),
        ];
        for (yaml, expected) in probes {
            assert_eq!(describe_probe(&from_yaml_str(yaml)), expected);
        }
    }

    #[test]
    fn escapes_terminal_characters() {
        let mut w = PrefixWriter::plain();
        w.write(1, "a\x1b[31m\r\n");
        assert_eq!(w.finish(), "  a^[[31m\\r\n");
    }
}
