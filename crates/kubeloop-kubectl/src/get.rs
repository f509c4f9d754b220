//! `kubectl get` (pkg/cmd/get/get.go): one or several types (`deploy,rs`,
//! `all`), names or `TYPE/NAME`, `-n`, `-A`, `-l`, `-o wide|name`,
//! `--show-labels`. Objects come in the API server's list order (by
//! namespace, then name); consecutive objects of one type share a table,
//! tables are separated by an empty line, and names carry their type
//! (`deployment.apps/web`) once more than one kind is printed.

use crate::args::{self, Args, Flag, NAMESPACE};
use crate::printers::core::{
    CONFIG_MAP_COLUMNS, ENDPOINTS_COLUMNS, EVENT_COLUMNS, EndpointAddress, NAMESPACE_COLUMNS, NODE_COLUMNS,
    NODE_WIDE_COLUMNS, SECRET_COLUMNS, SERVICE_COLUMNS, SERVICE_WIDE_COLUMNS, config_map_row, endpoints_row,
    event_name, event_row, format_labels, namespace_row, node_row, secret_row, service_row, target_port,
};
use crate::printers::hpa::hpa_row;
use crate::printers::pdb::{PDB_COLUMNS, pdb_row};
use crate::printers::pods::{POD_COLUMNS, POD_WIDE_COLUMNS, pod_row, pod_row_wide};
use crate::printers::tabwriter::TabWriter;
use crate::printers::workloads::{DEPLOYMENT_COLUMNS, REPLICA_SET_COLUMNS, deployment_row, replica_set_row};
use crate::resources::{self, ALL, Resource};
use crate::selector::{self, Selector};
use crate::session::Answer;
use kubeloop_engine::api::core::Pod;
use kubeloop_engine::api::{Object, Time};
use kubeloop_engine::controller::endpointslice::{endpoints_with_pods, is_pod_ready};
use kubeloop_engine::world::World;
use std::collections::BTreeMap;

pub const FLAGS: &[Flag] = &[
    NAMESPACE,
    Flag::boolean("all-namespaces", Some('A')),
    Flag::value("selector", Some('l')),
    Flag::value("output", Some('o')),
    Flag::boolean("show-labels", None),
    Flag::boolean("no-headers", None),
    Flag::boolean("watch", Some('w')),
];

const HPA_COLUMNS: [&str; 7] = ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"];
const WORKLOAD_WIDE_COLUMNS: [&str; 3] = ["CONTAINERS", "IMAGES", "SELECTOR"];

const NO_TYPE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples";

/// How the objects are printed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Table { wide: bool },
    Name,
    Yaml,
    Json,
}

/// One thing found: a stored object, or a view the playground derives.
enum Found<'a> {
    Object(&'a Object),
    Endpoints { service: &'a kubeloop_engine::api::core::Service, addresses: Vec<EndpointAddress> },
    Event(kubeloop_engine::world::events::Event<'a>),
}

impl Found<'_> {
    fn name(&self) -> String {
        match self {
            Found::Object(object) => object.name().to_string(),
            Found::Endpoints { service, .. } => service.metadata.name().to_string(),
            Found::Event(event) => event_name(event),
        }
    }

    fn namespace(&self) -> String {
        match self {
            Found::Object(object) => object.metadata().namespace().to_string(),
            Found::Endpoints { service, .. } => service.metadata.namespace().to_string(),
            // Events about cluster-scoped objects are recorded in `default`.
            Found::Event(event) if event.involved.namespace.is_empty() => "default".to_string(),
            Found::Event(event) => event.involved.namespace.to_string(),
        }
    }

    fn labels(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            Found::Object(object) => Some(&object.metadata().labels),
            Found::Endpoints { service, .. } => Some(&service.metadata.labels),
            Found::Event(_) => None,
        }
    }
}

/// What the command line asked for: types, each with the names wanted
/// (none: all of them).
pub(crate) struct Request {
    pub resource: &'static Resource,
    pub names: Vec<String>,
}

pub fn get(world: &World, words: &[&str]) -> Answer {
    let args = match args::parse("get", words, FLAGS) {
        Ok(args) => args,
        Err(answer) => return answer,
    };
    if args.is_set("watch") {
        return Answer::error(
            "error: --watch is not available in the playground: use `sleep` between commands, or the time controls",
        );
    }
    let output = match args.value("output") {
        None | Some("") => Output::Table { wide: false },
        Some("wide") => Output::Table { wide: true },
        Some("name") => Output::Name,
        Some("yaml") => Output::Yaml,
        Some("json") => Output::Json,
        Some(other) => {
            return Answer::error(&format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,wide,yaml"
            ));
        }
    };
    let selector = match args.value("selector").map(selector::parse).transpose() {
        Ok(selector) => selector.unwrap_or_default(),
        Err(error) => return Answer::error(&format!("error: {error}")),
    };
    let requests = match requests(&args.positional) {
        Ok(requests) => requests,
        Err(message) => return Answer::error(&message),
    };
    let all_namespaces = args.is_set("all-namespaces");
    let namespace = args.namespace();
    if all_namespaces && requests.iter().any(|request| !request.names.is_empty()) {
        return Answer::error("error: a resource cannot be retrieved by name across all namespaces");
    }
    let mut found: Vec<(&'static Resource, Found)> = Vec::new();
    let mut errors = Vec::new();
    for request in &requests {
        let listed = list(world, request.resource, (!all_namespaces).then_some(namespace), &selector);
        if request.names.is_empty() {
            found.extend(listed.into_iter().map(|item| (request.resource, item)));
            continue;
        }
        let mut listed: Vec<Option<Found>> = listed.into_iter().map(Some).collect();
        for name in &request.names {
            let at = listed.iter().position(|item| {
                item.as_ref().is_some_and(|item| {
                    item.name() == *name && item.namespace() == namespace_of(request.resource, namespace)
                })
            });
            match at.and_then(|at| listed[at].take()) {
                Some(item) => found.push((request.resource, item)),
                None => errors.push(format!(
                    "Error from server (NotFound): {} \"{name}\" not found",
                    request.resource.qualified()
                )),
            }
        }
    }
    let single = matches!(requests.as_slice(), [Request { names, .. }] if names.len() == 1);
    let mut text = match output {
        Output::Yaml | Output::Json => match serialized(&found, output, single) {
            Ok(text) => text,
            Err(message) => return Answer::error(&message),
        },
        _ => print(&found, output, &args, all_namespaces, world.now()),
    };
    let generic = matches!(output, Output::Yaml | Output::Json);
    if found.is_empty() && errors.is_empty() && !generic {
        let namespaced = !all_namespaces && requests.iter().all(|request| request.resource.namespaced);
        text = if namespaced {
            format!("No resources found in {namespace} namespace.\n")
        } else {
            "No resources found\n".to_string()
        };
    }
    if requests.iter().any(|request| request.resource.kind == "Endpoints") {
        text.insert_str(0, "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n");
    }
    for error in &errors {
        text.push_str(error);
        text.push('\n');
    }
    Answer { output: text, ok: errors.is_empty() }
}

/// Where a name is looked up: the namespace, or nowhere for cluster-scoped
/// types.
fn namespace_of(resource: &Resource, namespace: &str) -> String {
    if resource.namespaced { namespace.to_string() } else { String::new() }
}

/// `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...` (ResourceTypeOrNameArgs).
pub(crate) fn requests(positional: &[String]) -> Result<Vec<Request>, String> {
    let Some(first) = positional.first() else { return Err(NO_TYPE.to_string()) };
    if positional.iter().any(|word| word.contains('/')) {
        let mut requests: Vec<Request> = Vec::new();
        for word in positional {
            let Some((kind, name)) = word.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".to_string());
            };
            let resource = resources::lookup(kind).ok_or_else(|| resources::unknown(kind))?;
            if name.is_empty() {
                return Err("error: arguments in resource/name form must have a single resource and name".to_string());
            }
            match requests.last_mut() {
                Some(last) if last.resource == resource => last.names.push(name.to_string()),
                _ => requests.push(Request { resource, names: vec![name.to_string()] }),
            }
        }
        return Ok(requests);
    }
    let names: Vec<String> = positional[1..].to_vec();
    let mut requests = Vec::new();
    for word in first.split(',') {
        if word == "all" {
            if !names.is_empty() {
                return Err("error: you must specify only one resource".to_string());
            }
            requests.extend(
                ALL.iter()
                    .filter_map(|kind| resources::of_kind(kind))
                    .map(|resource| Request { resource, names: Vec::new() }),
            );
            continue;
        }
        let resource = resources::lookup(word).ok_or_else(|| resources::unknown(word))?;
        requests.push(Request { resource, names: names.clone() });
    }
    Ok(requests)
}

/// Every object of a type in the namespace (all of them without one), in
/// the API server's order, that the selector selects.
fn list<'a>(
    world: &'a World,
    resource: &'static Resource,
    namespace: Option<&'a str>,
    selector: &Selector,
) -> Vec<Found<'a>> {
    let store = world.store();
    let scope = if resource.namespaced { namespace } else { None };
    let mut found: Vec<Found> = match resource.kind {
        "Event" => {
            let mut events: Vec<(String, String, Found)> = world
                .events()
                .all()
                .map(Found::Event)
                .map(|found| (found.namespace(), found.name(), found))
                .filter(|(event_namespace, _, _)| scope.is_none_or(|namespace| namespace == event_namespace))
                .collect();
            kubeloop_engine::lean::sort_by(&mut events, |a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
            events.into_iter().map(|(_, _, found)| found).collect()
        }
        "Endpoints" => store
            .list("Service", scope)
            .filter_map(|object| match object {
                Object::Service(service) => {
                    Some(Found::Endpoints { service, addresses: endpoint_addresses(world, service) })
                }
                _ => None,
            })
            .collect(),
        // The store lists in key order (namespace, then name): the API
        // server's list order.
        kind => store.list(kind, scope).map(Found::Object).collect(),
    };
    found.retain(|item| item.labels().is_none_or(|labels| selector.matches(labels)));
    found
}

/// Copies of the pods in a Service's namespace, in store order (the
/// order the EndpointSlice controller adds them in).
pub(crate) fn pods_of_service_namespace(world: &World, service: &kubeloop_engine::api::core::Service) -> Vec<Pod> {
    world
        .store()
        .list("Pod", Some(service.metadata.namespace()))
        .filter_map(|object| match object {
            Object::Pod(pod) => Some(pod.clone()),
            _ => None,
        })
        .collect()
}

/// The legacy Endpoints view of a Service: its ready pods' addresses (by
/// IP, as the controller packs them), each with the Service's target ports.
fn endpoint_addresses(world: &World, service: &kubeloop_engine::api::core::Service) -> Vec<EndpointAddress> {
    let pods = pods_of_service_namespace(world, service);
    let ready: Vec<&Pod> = endpoints_with_pods(service, &pods)
        .filter(|(endpoint, _)| endpoint.conditions.ready && !endpoint.conditions.terminating)
        .map(|(_, pod)| pod)
        .filter(|pod| is_pod_ready(pod) || service.spec.publish_not_ready_addresses)
        .collect();
    let mut addresses: Vec<EndpointAddress> = ready
        .iter()
        .map(|pod| EndpointAddress {
            ip: pod.status.pod_ip.clone().unwrap_or_default(),
            ports: service.spec.ports.iter().map(|port| target_port(port, pod)).collect(),
        })
        .collect();
    kubeloop_engine::lean::sort_by(&mut addresses, |a, b| a.ip.cmp(&b.ip));
    addresses
}

fn header(resource: &Resource, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&'static str], &[&'static str]) = match resource.kind {
        "Pod" => (&POD_COLUMNS, &POD_WIDE_COLUMNS),
        "Node" => (&NODE_COLUMNS, &NODE_WIDE_COLUMNS),
        "Deployment" => (&DEPLOYMENT_COLUMNS, &WORKLOAD_WIDE_COLUMNS),
        "ReplicaSet" => (&REPLICA_SET_COLUMNS, &WORKLOAD_WIDE_COLUMNS),
        "Service" => (&SERVICE_COLUMNS, &SERVICE_WIDE_COLUMNS),
        "Endpoints" => (&ENDPOINTS_COLUMNS, &[]),
        "ConfigMap" => (&CONFIG_MAP_COLUMNS, &[]),
        "Secret" => (&SECRET_COLUMNS, &[]),
        "Namespace" => (&NAMESPACE_COLUMNS, &[]),
        "Event" => (&EVENT_COLUMNS, &[]),
        "HorizontalPodAutoscaler" => (&HPA_COLUMNS, &[]),
        "PodDisruptionBudget" => (&PDB_COLUMNS, &[]),
        _ => (&["NAME"], &[]),
    };
    let mut header = base.to_vec();
    if wide {
        header.extend_from_slice(extra);
    }
    header
}

fn row(found: &Found, wide: bool, now: Time) -> Vec<String> {
    match found {
        Found::Object(Object::Pod(pod)) if wide => pod_row_wide(pod, now, None),
        Found::Object(Object::Pod(pod)) => pod_row(pod, now),
        Found::Object(Object::Node(node)) => node_row(node, now, wide),
        Found::Object(Object::Deployment(deployment)) => deployment_row(deployment, now, wide),
        Found::Object(Object::ReplicaSet(replica_set)) => replica_set_row(replica_set, now, wide),
        Found::Object(Object::Service(service)) => service_row(service, now, wide),
        Found::Object(Object::ConfigMap(config_map)) => config_map_row(config_map, now),
        Found::Object(Object::Secret(secret)) => secret_row(secret, now),
        Found::Object(Object::Namespace(namespace)) => namespace_row(namespace, now),
        Found::Object(Object::HorizontalPodAutoscaler(hpa)) => hpa_row(hpa, now),
        Found::Object(Object::PodDisruptionBudget(pdb)) => pdb_row(pdb, now),
        Found::Object(object) => vec![object.name().to_string()],
        Found::Endpoints { service, addresses } => {
            endpoints_row(service.metadata.name(), addresses, service.metadata.creation_timestamp, now)
        }
        Found::Event(event) => event_row(event, now),
    }
}

/// `-o yaml|json`: the object alone when one was named, else a List.
fn serialized(found: &[(&'static Resource, Found)], output: Output, single: bool) -> Result<String, String> {
    let mut items = Vec::new();
    for (resource, item) in found {
        match item {
            Found::Object(object) => items.push(kubeloop_engine::api::encode::object_as_shown(object)),
            _ => {
                return Err(format!(
                    "error: -o yaml and -o json are not available for {} in the playground (only for stored objects)",
                    resource.plural
                ));
            }
        }
    }
    if found.is_empty() && single {
        return Ok(String::new());
    }
    let value = if single && items.len() == 1 { items.remove(0) } else { crate::printers::yaml::list(items) };
    Ok(if output == Output::Json {
        crate::printers::yaml::to_json(&value)
    } else {
        crate::printers::yaml::to_yaml(&value)
    })
}

/// The tables (or names), as kubectl's get loop writes them.
fn print(found: &[(&'static Resource, Found)], output: Output, args: &Args, all_namespaces: bool, now: Time) -> String {
    let with_kind = found.windows(2).any(|pair| pair[0].0.kind != pair[1].0.kind);
    if output == Output::Name {
        return found.iter().map(|(resource, item)| format!("{}\n", resource.object_name(&item.name()))).collect();
    }
    let wide = output == Output::Table { wide: true };
    let show_labels = args.is_set("show-labels");
    let no_headers = args.is_set("no-headers");
    let mut text = String::new();
    let mut groups = found.chunk_by(|a, b| a.0.kind == b.0.kind).peekable();
    while let Some(group) = groups.next() {
        let resource = group[0].0;
        let with_namespace = all_namespaces && resource.namespaced;
        let mut writer = TabWriter::get();
        let mut line = |cells: Vec<String>| {
            writer.write(&cells.join("\t"));
            writer.write("\n");
        };
        if !no_headers {
            let mut cells: Vec<String> = header(resource, wide).into_iter().map(str::to_string).collect();
            if with_namespace {
                cells.insert(0, "NAMESPACE".to_string());
            }
            if show_labels {
                cells.push("LABELS".to_string());
            }
            line(cells);
        }
        for (_, item) in group {
            let mut cells = row(item, wide, now);
            if with_kind && resource.kind != "Event" {
                cells[0] = resource.object_name(&cells[0]);
            }
            if with_namespace {
                cells.insert(0, item.namespace());
            }
            if show_labels {
                cells.push(item.labels().map_or_else(|| "<none>".to_string(), format_labels));
            }
            line(cells);
        }
        text.push_str(&writer.finish());
        if groups.peek().is_some() && !no_headers {
            text.push('\n');
        }
    }
    text
}
