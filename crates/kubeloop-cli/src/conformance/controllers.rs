//! The controllers' and the kubelet's cases: `rs.` (ReplicaSet victim order,
//! slow start, burst), `backoff.` (flowcontrol.Backoff), `kubelet.`
//! (CrashLoopBackOff, OOM, probes), `hpa.` (replica calculator and
//! normalization), `pdb.` (disruption controller) and `endpoints.`
//! (EndpointSlice conditions).
//!
//! Each case's inputs are built from its `input`, the engine function the
//! case is about is called, and every field of `expected` is compared with
//! what it computed (a field the adapter does not read is a failure too).
//!
//! What the cases leave to the harness:
//! - "now" is a fixed instant ([`NOW_MS`]); `now-10s`, `then` (a month
//!   earlier, as upstream's `now.AddDate(0, -1, 0)`), `zero` (Go's zero
//!   time) and bare offsets such as `-2m` are read against it.
//! - Prose inputs (a pod's `desc`, `pods: '4 pods, one of them turned
//!   not-ready'`, a back-off `history`) are read by small parsers that
//!   refuse what they do not recognise; `procedure:` texts are followed per
//!   case id.
//! - Prose expected values are compared through the facts they state
//!   (reasons, messages, times, windows), each computed by the engine. Event
//!   types (`Warning`, `Normal`) are not compared: the kubelet functions
//!   give an event's reason and message, the world will give its type.
//!   A kubectl STATUS comes from the kubectl crate's printPod
//!   (`printers::pods::summarize`).

use super::{AdapterResult, Case, check};
use kubeloop_engine::api::Str;
use kubeloop_engine::api::core::{
    Container, ContainerState, ContainerStateTerminated, ContainerStatus, Pod, Probe, Service,
};
use kubeloop_engine::api::decode::FromYaml;
use kubeloop_engine::api::intstr::IntOrString;
use kubeloop_engine::api::meta::{Condition, OwnerReference};
use kubeloop_engine::api::policy::PodDisruptionBudget;
use kubeloop_engine::api::quantity::Quantity;
use kubeloop_engine::api::selector::LabelSelector;
use kubeloop_engine::api::time::Time;
use kubeloop_engine::controller::disruption::{self, ControllerAndScale};
use kubeloop_engine::controller::endpointslice;
use kubeloop_engine::controller::podautoscaler::{
    self, AutoscalerHistory, PodMetric, PodMetricInput, ReplicaCalculator, TimestampedRecommendation, Tolerances,
};
use kubeloop_engine::controller::replicaset::{self, ReplicaPlan, ScaleDownGates};
use kubeloop_engine::defaults::probe_defaults;
use kubeloop_engine::kubelet::backoff::{self, Backoff, ContainerRestarts, RestartDecision};
use kubeloop_engine::kubelet::prober::{self, ProbeKind, ProbeOutcome, ProbeResult, ProbeWorker};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::rc::Rc;

const SECOND_MS: i64 = 1000;
const MINUTE_MS: i64 = 60 * SECOND_MS;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;
/// A month before [`NOW_MS`] (January 31st back to December 31st).
const MONTH_MS: i64 = 31 * DAY_MS;
/// The evaluation time: 2026-01-31T00:00:00Z.
const NOW_MS: i64 = 1_769_817_600_000;

/// The most loop iterations a case may ask for (counts, restarts, ticks).
const MAX_STEPS: i64 = 100_000;

pub fn run(case: &Case) -> AdapterResult {
    let mut parts = case.id.split('.');
    let area = parts.next().unwrap_or("");
    let group = parts.next().unwrap_or("");
    let result = match area {
        "rs" => replica_set(case, group),
        "backoff" => flowcontrol_backoff(case),
        "kubelet" => kubelet(case, group),
        "hpa" => autoscaler(case, group),
        "pdb" => disruption_budget(case),
        "endpoints" => endpoints(case),
        _ => return None,
    };
    Some(result)
}

fn unknown_case(case: &Case) -> String {
    format!("the controllers adapter does not know case {} ({})", case.id, case.behaviour)
}

// ---------------------------------------------------------------------------
// Comparing with `expected`.

/// The `expected` mapping, the fields read from it and the mismatches found.
struct Expect<'a> {
    expected: &'a Mapping,
    read: Vec<String>,
    failures: Vec<String>,
}

impl<'a> Expect<'a> {
    fn new(case: &Case<'a>) -> Result<Expect<'a>, String> {
        let expected = case.expected.as_mapping().ok_or("`expected` is not a mapping")?;
        Ok(Expect { expected, read: Vec::new(), failures: Vec::new() })
    }

    /// `expected[key]`, now counted as compared.
    fn get(&mut self, key: &str) -> Option<&'a Value> {
        self.read.push(key.to_string());
        self.expected.get(key)
    }

    fn fail(&mut self, failure: String) {
        self.failures.push(failure);
    }

    fn record(&mut self, result: Result<(), String>) {
        if let Err(failure) = result {
            self.failures.push(failure);
        }
    }

    /// Compares `expected[key]` (read by `read`) with `actual`, if the case
    /// expects that field.
    fn field<T: Debug + PartialEq>(&mut self, key: &str, read: impl FnOnce(&Value) -> Result<T, String>, actual: T) {
        let Some(value) = self.get(key) else { return };
        match read(value) {
            Ok(expected) => self.record(check(key, expected, actual)),
            Err(error) => self.fail(format!("expected.{key}: {error}")),
        }
    }

    fn int(&mut self, key: &str, actual: i64) {
        self.field(key, int, actual);
    }

    fn boolean(&mut self, key: &str, actual: bool) {
        self.field(key, boolean, actual);
    }

    fn text(&mut self, key: &str, actual: String) {
        self.field(key, |v| text(v).map(str::to_string), actual);
    }

    /// A field given in seconds, compared in milliseconds.
    fn seconds(&mut self, key: &str, actual_ms: i64) {
        self.field(key, seconds_ms, actual_ms);
    }

    /// Every expected field must have been compared.
    fn finish(mut self) -> Result<(), String> {
        let expected = self.expected;
        for key in expected.keys() {
            let name = key.as_str().map_or_else(|| show(key), str::to_string);
            if !self.read.contains(&name) {
                self.failures.push(format!("expected.{name} is not compared by the adapter"));
            }
        }
        if self.failures.is_empty() { Ok(()) } else { Err(self.failures.join("; ")) }
    }
}

// ---------------------------------------------------------------------------
// Reading values.

fn show(value: &Value) -> String {
    serde_yaml::to_string(value).map_or_else(|_| format!("{value:?}"), |s| s.trim_end().to_string())
}

fn int(value: &Value) -> Result<i64, String> {
    value.as_i64().ok_or_else(|| format!("{} is not an integer", show(value)))
}

fn float(value: &Value) -> Result<f64, String> {
    value.as_f64().ok_or_else(|| format!("{} is not a number", show(value)))
}

fn boolean(value: &Value) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| format!("{} is not a boolean", show(value)))
}

fn text(value: &Value) -> Result<&str, String> {
    value.as_str().ok_or_else(|| format!("{} is not a string", show(value)))
}

fn list(value: &Value) -> Result<&Vec<Value>, String> {
    value.as_sequence().ok_or_else(|| format!("{} is not a list", show(value)))
}

fn int_list(value: &Value) -> Result<Vec<i64>, String> {
    list(value)?.iter().map(int).collect()
}

fn seconds_ms(value: &Value) -> Result<i64, String> {
    int(value)?.checked_mul(SECOND_MS).ok_or_else(|| format!("{} seconds is too long", show(value)))
}

/// A list given in seconds, in milliseconds.
fn seconds_list(value: &Value) -> Result<Vec<i64>, String> {
    list(value)?.iter().map(seconds_ms).collect()
}

fn i32_of(value: i64, what: &str) -> Result<i32, String> {
    i32::try_from(value).map_err(|_| format!("{what}: {value} does not fit an int32"))
}

/// A count the adapter loops over.
fn count_of(value: i64, what: &str) -> Result<usize, String> {
    if !(0..=MAX_STEPS).contains(&value) {
        return Err(format!("{what}: {value} is outside 0..={MAX_STEPS}"));
    }
    usize::try_from(value).map_err(|_| format!("{what}: {value} is not a count"))
}

/// `input[key]`, which must be there.
fn input<'a>(case: &Case<'a>, key: &str) -> Result<&'a Value, String> {
    match case.input.get(key) {
        None | Some(Value::Null) => Err(format!("input.{key} is missing")),
        Some(value) => Ok(value),
    }
}

fn input_int(case: &Case, key: &str) -> Result<i64, String> {
    int(input(case, key)?).map_err(|e| format!("input.{key}: {e}"))
}

fn input_i32(case: &Case, key: &str) -> Result<i32, String> {
    i32_of(input_int(case, key)?, &format!("input.{key}"))
}

fn input_text<'a>(case: &Case<'a>, key: &str) -> Result<&'a str, String> {
    text(input(case, key)?).map_err(|e| format!("input.{key}: {e}"))
}

/// An optional boolean input (absent: `default`).
fn input_flag(case: &Case, key: &str, default: bool) -> Result<bool, String> {
    match case.input.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(value) => boolean(value).map_err(|e| format!("input.{key}: {e}")),
    }
}

/// The first word of a text (`0s (exits immediately)` -> `0s`).
fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

/// The word after `marker` in `text`, without trailing punctuation.
fn word_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let (_, rest) = text.split_once(marker)?;
    Some(first_word(rest).trim_end_matches([')', ';', ',', '.']))
}

/// The first unsigned integer in a text.
fn first_number(text: &str) -> Option<i64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The last unsigned integer in a text.
fn last_number(text: &str) -> Option<i64> {
    let end = text.rfind(|c: char| c.is_ascii_digit())? + 1;
    let digits = text[..end].chars().rev().take_while(char::is_ascii_digit).count();
    text[end - digits..end].parse().ok()
}

/// A Go duration (`1m20s`, `601s`, `-2m`, `5h`, `0`) or `1month`, in ms.
fn duration_ms(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?} is not a duration");
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total = 0i64;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let number: i64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_length = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = match &rest[..unit_length] {
            "ms" => 1,
            "s" => SECOND_MS,
            "m" => MINUTE_MS,
            "h" => HOUR_MS,
            "d" => DAY_MS,
            "month" => MONTH_MS,
            "" if number == 0 && unit_length == rest.len() => 0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_length..];
        total = number.checked_mul(unit).and_then(|ms| total.checked_add(ms)).ok_or_else(bad)?;
    }
    Ok(sign * total)
}

/// A duration value (`5s`), in ms.
fn duration_value(value: &Value) -> Result<i64, String> {
    duration_ms(first_word(text(value)?))
}

fn input_duration(case: &Case, key: &str) -> Result<i64, String> {
    duration_value(input(case, key)?).map_err(|e| format!("input.{key}: {e}"))
}

/// An instant (the first word of `text`) as Unix ms; `None` is Go's zero
/// time.
fn instant(text: &str) -> Result<Option<i64>, String> {
    let word = first_word(text);
    match word {
        "" | "zero" => Ok(None),
        "now" => Ok(Some(NOW_MS)),
        "then" => Ok(Some(NOW_MS - MONTH_MS)),
        _ => {
            let offset = word.strip_prefix("now").unwrap_or(word);
            if !offset.starts_with(['-', '+']) {
                return Err(format!("{text:?} is not a time (now, now-10s, then, zero)"));
            }
            Ok(Some(NOW_MS.saturating_add(duration_ms(offset)?)))
        }
    }
}

fn instant_value(value: &Value) -> Result<Option<i64>, String> {
    match value {
        Value::Null => Ok(None),
        other => instant(text(other)?),
    }
}

/// A deletionTimestamp input: null/absent, `set` (now) or a time.
fn deletion_timestamp(value: Option<&Value>) -> Result<Option<Time>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s == "set" => Ok(Some(Time::from_unix_ms(NOW_MS))),
        Some(other) => Ok(instant_value(other)?.map(Time::from_unix_ms)),
    }
}

fn now() -> Time {
    Time::from_unix_ms(NOW_MS)
}

// ---------------------------------------------------------------------------
// Pods.

fn ready_condition(ready: bool, since: Option<i64>) -> Condition {
    Condition {
        condition_type: "Ready".into(),
        status: if ready { "True" } else { "False" }.to_string().into(),
        last_transition_time: since.map(Time::from_unix_ms),
        ..Condition::default()
    }
}

fn named_pod(name: &str) -> Pod {
    let mut pod = Pod::default();
    pod.metadata.name = Some(name.to_string());
    pod
}

/// The pod the kubelet messages name: `<pod>_<ns>(<uid>)`, as the cases
/// write them.
fn placeholder_pod() -> Pod {
    let mut pod = named_pod("<pod>");
    pod.metadata.namespace = Some("<ns>".to_string());
    pod.metadata.uid = Some("<uid>".to_string());
    pod
}

const PLACEHOLDER_CONTAINER: &str = "<c>";

// ---------------------------------------------------------------------------
// rs.: ActivePodsWithRanks, sort.Sort(ActivePods), slowStartBatch, burstReplicas.

fn replica_set(case: &Case, group: &str) -> Result<(), String> {
    match group {
        "podrank" => pod_rank(case),
        "podsort" => pod_sort(case),
        "slowstart" => slow_start(case),
        "burst" => burst(case),
        _ => Err(unknown_case(case)),
    }
}

/// A pod from a `desc` such as `nodeName '', Running, Ready since now-2h,
/// created now-1month, restarts 0, annotation k=v`. A pod whose desc names
/// no node is on node `node`; a ready pod has one container (with the
/// restarts given, else 0), as upstream's test helper builds them.
fn described_pod(name: &str, desc: &str) -> Result<Pod, String> {
    let mut pod = named_pod(name);
    let mut node = Some("node".to_string());
    let mut ready: Option<Option<i64>> = None;
    let mut restarts: Option<i32> = None;
    for clause in desc.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        if let Some(rest) = clause.strip_prefix("nodeName ") {
            let rest = rest.trim_matches(['\'', '"']);
            node = Some(rest.to_string()).filter(|n| !n.is_empty());
        } else if let Some(phase) = clause.strip_prefix("phase ") {
            pod.status.phase = phase.to_string().into();
        } else if matches!(clause, "Pending" | "Running" | "Unknown" | "Succeeded" | "Failed") {
            pod.status.phase = clause.to_string().into();
        } else if clause == "not ready" {
            ready = None;
        } else if let Some(rest) = clause.strip_prefix("Ready=True") {
            if !rest.contains("zero lastTransitionTime") {
                return Err(format!("desc {desc:?}: cannot read {clause:?}"));
            }
            ready = Some(None);
        } else if let Some(since) = clause.strip_prefix("Ready since ") {
            ready = Some(instant(since)?);
        } else if let Some(n) = clause.strip_prefix("restarts ") {
            restarts = Some(n.trim().parse().map_err(|_| format!("desc {desc:?}: bad restarts {n:?}"))?);
        } else if let Some(created) = clause.strip_prefix("created ") {
            pod.metadata.creation_timestamp = instant(created)?.map(Time::from_unix_ms);
        } else if let Some(annotation) = clause.strip_prefix("annotation ") {
            let (key, value) =
                annotation.split_once('=').ok_or_else(|| format!("desc {desc:?}: bad annotation {annotation:?}"))?;
            pod.metadata.annotations.insert(key.trim().to_string(), value.trim().to_string());
        } else {
            return Err(format!("desc {desc:?}: cannot read {clause:?}"));
        }
    }
    pod.spec.node_name = node.map(Into::into);
    if let Some(since) = ready {
        pod.status.conditions.push(ready_condition(true, since));
    }
    if ready.is_some() || restarts.is_some() {
        let restart_count = restarts.unwrap_or(0);
        pod.status.container_statuses.push(ContainerStatus { restart_count, ..ContainerStatus::default() });
    }
    Ok(pod)
}

/// `podA`/`podB`: `{kind, desc, rank}`.
fn ranked_pod(case: &Case, key: &str) -> Result<(Pod, i32), String> {
    let value = input(case, key)?;
    let field = |name: &str| value.get(name).ok_or_else(|| format!("input.{key}.{name} is missing"));
    let kind = text(field("kind")?)?;
    let desc = text(field("desc")?)?;
    let rank = i32_of(int(field("rank")?)?, &format!("input.{key}.rank"))?;
    Ok((described_pod(kind, desc)?, rank))
}

fn pod_rank(case: &Case) -> Result<(), String> {
    let (a, rank_a) = ranked_pod(case, "podA")?;
    let (b, rank_b) = ranked_pod(case, "podB")?;
    let defaults = ScaleDownGates::default();
    let gates = case.input("gates");
    let gate = |name: &str, default: bool| match gates.get(name) {
        None | Some(Value::Null) => Ok(default),
        Some(value) => boolean(value).map_err(|e| format!("input.gates.{name}: {e}")),
    };
    let gates = ScaleDownGates {
        pod_deletion_cost: gate("PodDeletionCost", defaults.pod_deletion_cost)?,
        logarithmic_scale_down: gate("LogarithmicScaleDown", defaults.logarithmic_scale_down)?,
    };
    let mut expect = Expect::new(case)?;
    expect.boolean("less(A,B)", replicaset::active_pods_with_ranks_less_gated(&a, rank_a, &b, rank_b, now(), gates));
    expect.boolean("less(B,A)", replicaset::active_pods_with_ranks_less_gated(&b, rank_b, &a, rank_a, now(), gates));
    expect.finish()
}

/// One pod of rs.podsort: `{name, nodeName?, phase, ready?, readySince?,
/// restarts?, created?}`. Without `nodeName` the pod is on node `node`
/// (only the unscheduled pod says `nodeName: ''`).
fn sort_pod(value: &Value) -> Result<Pod, String> {
    let name = text(value.get("name").ok_or("a pod without name")?)?;
    let mut pod = named_pod(name);
    pod.spec.node_name = match value.get("nodeName") {
        None => Some("node".into()),
        Some(Value::Null) => None,
        Some(node) => Some(text(node)?.to_string().into()).filter(|n: &Str| !n.is_empty()),
    };
    pod.status.phase = Str::copy(value.get("phase").map(text).transpose()?.unwrap_or("Pending"));
    if let Some(ready) = value.get("ready").map(boolean).transpose()? {
        let since = if ready { value.get("readySince").map(instant_value).transpose()?.flatten() } else { None };
        pod.status.conditions.push(ready_condition(ready, since));
    }
    if let Some(restarts) = value.get("restarts") {
        for restart_count in int_list(restarts)? {
            let restart_count = i32_of(restart_count, &format!("{name}.restarts"))?;
            pod.status.container_statuses.push(ContainerStatus { restart_count, ..ContainerStatus::default() });
        }
    }
    if let Some(created) = value.get("created") {
        pod.metadata.creation_timestamp = instant_value(created)?.map(Time::from_unix_ms);
    }
    Ok(pod)
}

/// xorshift64*: the shuffles of rs.podsort, reproducible.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn pod_sort(case: &Case) -> Result<(), String> {
    let pods: Vec<Pod> = list(input(case, "pods")?)?.iter().map(sort_pod).collect::<Result<_, _>>()?;
    let order = input_text(case, "order")?;
    let shuffles = count_of(first_number(order).ok_or("input.order: how many shuffles?")?, "input.order")?;
    let mut expect = Expect::new(case)?;
    let Some(expected) = expect.get("sortedOrder") else { return expect.finish() };
    let expected: Vec<String> = match list(expected) {
        Ok(names) => names.iter().map(|n| text(n).map(str::to_string)).collect::<Result<_, _>>()?,
        Err(error) => return Err(format!("expected.sortedOrder: {error}")),
    };
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..shuffles {
        let mut order: Vec<&Pod> = pods.iter().collect();
        for i in (1..order.len()).rev() {
            let j = (next_random(&mut state) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        replicaset::sort_active_pods(&mut order);
        let names: Vec<String> = order.iter().map(|p| p.metadata.name().to_string()).collect();
        if let Err(failure) = check(&format!("sortedOrder (shuffle {})", round + 1), &expected, &names) {
            expect.fail(failure);
            break;
        }
    }
    expect.finish()
}

fn slow_start(case: &Case) -> Result<(), String> {
    let count = count_of(input_int(case, "count")?, "input.count")?;
    let initial = count_of(input_int(case, "initialBatchSize")?, "input.initialBatchSize")?;
    let succeed_first = if input_flag(case, "allSucceed", false)? {
        count
    } else {
        count_of(input_int(case, "fnSucceedsForFirstNCalls")?, "input.fnSucceedsForFirstNCalls")?
    };
    let mut calls = 0usize;
    let (successes, error) = replicaset::slow_start_batch(count, initial, || {
        calls += 1;
        if calls <= succeed_first { Ok(()) } else { Err(format!("fake error {calls}")) }
    });
    let batches: Vec<i64> = replicaset::slow_start_batch_sizes(count, initial).into_iter().map(|b| b as i64).collect();
    let mut expect = Expect::new(case)?;
    expect.int("successes", successes as i64);
    expect.boolean("error", error.is_some());
    expect.int("calls", calls as i64);
    expect.field("batches", int_list, batches);
    expect.finish()
}

fn burst(case: &Case) -> Result<(), String> {
    let replicas = input_i32(case, "rs.spec.replicas")?;
    let active = count_of(input_int(case, "activePods")?, "input.activePods")?;
    let (created, batches) = match replicaset::manage_replicas_plan(replicas, active) {
        ReplicaPlan::Create { count, batches } => (count, batches),
        ReplicaPlan::Delete { .. } | ReplicaPlan::InSync => (0, Vec::new()),
    };
    let mut expect = Expect::new(case)?;
    expect.int("podsCreatedThisSync", created as i64);
    expect.field("batches", int_list, batches.into_iter().map(|b| b as i64).collect());
    expect.finish()
}

// ---------------------------------------------------------------------------
// backoff.: client-go flowcontrol.Backoff, procedures per case id.

fn flowcontrol_backoff(case: &Case) -> Result<(), String> {
    const ID: &str = "id";
    let initial = input_duration(case, "initial")?;
    let max = input_duration(case, "max")?;
    let mut b = Backoff::new(initial, max);
    let mut expect = Expect::new(case)?;
    let mut clock = NOW_MS;
    match case.id {
        // '10 times: clock += 1s; read Get(id); then Next(id, now)', then Reset.
        "backoff.slow.01" => {
            let mut gets = Vec::new();
            for _ in 0..10 {
                clock += SECOND_MS;
                gets.push(b.get(ID));
                b.next(ID, clock, clock);
            }
            expect.field("GetValuesSeconds", seconds_list, gets);
            b.reset(ID);
            expect.seconds("afterReset", b.get(ID));
        }
        // 6x (clock += 1s; Next); lastUpdate := now; clock += 2*max+1s.
        "backoff.reset.01" => {
            for _ in 0..6 {
                clock += SECOND_MS;
                b.next(ID, clock, clock);
            }
            expect.boolean("IsInBackOffSince(now) before the jump", b.is_in_back_off_since(ID, clock, clock));
            let last_update = clock;
            clock = clock.saturating_add(max.saturating_mul(2)).saturating_add(SECOND_MS);
            expect
                .boolean("IsInBackOffSince(lastUpdate) after the jump", b.is_in_back_off_since(ID, last_update, clock));
        }
        // 6x (clock += 1s; Next); clock += max+1s; Next.
        "backoff.highwater.01" => {
            for _ in 0..6 {
                clock += SECOND_MS;
                b.next(ID, clock, clock);
            }
            clock = clock.saturating_add(max).saturating_add(SECOND_MS);
            b.next(ID, clock, clock);
            expect.field("Get", duration_value, b.get(ID));
        }
        // For each tick t: clock = start + t s; IsInBackOffSinceUpdate(now);
        // if not in back-off, Next(now).
        "backoff.sinceupdate.01" => since_update_ticks(&mut expect, &mut b, clock)?,
        _ => return Err(unknown_case(case)),
    }
    expect.finish()
}

/// One tick of backoff.sinceupdate.01: t, in back-off, Get in seconds.
type Tick = (i64, bool, Option<i64>);

/// The ticks of `expected.ticks` and those `expected.omittedTicks` sums up
/// (`9-13 true/8, ...`), in time order.
fn ticks(expect: &mut Expect) -> Result<Vec<Tick>, String> {
    let mut ticks = Vec::new();
    if let Some(listed) = expect.get("ticks") {
        for tick in list(listed)? {
            let t = int(tick.get("t").ok_or("a tick without t")?)?;
            let in_back_off = boolean(tick.get("inBackOff").ok_or("a tick without inBackOff")?)?;
            let get = tick.get("Get_s").map(int).transpose()?;
            if let Some(key) = tick
                .as_mapping()
                .and_then(|m| m.keys().filter_map(Value::as_str).find(|k| !matches!(*k, "t" | "inBackOff" | "Get_s")))
            {
                return Err(format!("expected.ticks: unknown field {key}"));
            }
            ticks.push((t, in_back_off, get));
        }
    }
    if let Some(omitted) = expect.get("omittedTicks") {
        let omitted = text(omitted)?;
        let summary = omitted.split('(').next().unwrap_or("");
        for range in summary.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            let bad = || format!("expected.omittedTicks: cannot read {range:?}");
            let (span, outcome) = range.split_once(' ').ok_or_else(bad)?;
            let (from, to) = span.split_once('-').ok_or_else(bad)?;
            let (in_back_off, get) = outcome.split_once('/').ok_or_else(bad)?;
            let (from, to): (i64, i64) = (from.parse().map_err(|_| bad())?, to.parse().map_err(|_| bad())?);
            let in_back_off: bool = in_back_off.parse().map_err(|_| bad())?;
            let get: i64 = get.parse().map_err(|_| bad())?;
            if to < from || to.saturating_sub(from) > MAX_STEPS {
                return Err(bad());
            }
            ticks.extend((from..=to).map(|t| (t, in_back_off, Some(get))));
        }
    }
    ticks.sort_by_key(|tick| tick.0);
    Ok(ticks)
}

fn since_update_ticks(expect: &mut Expect, b: &mut Backoff, start: i64) -> Result<(), String> {
    const ID: &str = "id";
    for (t, in_back_off, get) in ticks(expect)? {
        let clock = t.checked_mul(SECOND_MS).and_then(|ms| start.checked_add(ms)).ok_or("tick out of range")?;
        let got = b.is_in_back_off_since_update(ID, clock);
        expect.record(check(&format!("ticks t={t} inBackOff"), in_back_off, got));
        if got {
            if let Some(get) = get {
                expect.record(check(&format!("ticks t={t} Get_s"), get.saturating_mul(SECOND_MS), b.get(ID)));
            }
        } else {
            b.next(ID, clock, clock);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// kubelet.: restarts (CrashLoopBackOff), OOM kills, probe workers, probe defaults.

fn kubelet(case: &Case, group: &str) -> Result<(), String> {
    match (group, case.id) {
        ("crashloop", "kubelet.crashloop.01") => crash_loop_schedule(case),
        ("crashloop", _) => back_off_expiry(case),
        ("oomkilled", _) => oom_killed(case),
        ("liveness", _) => liveness(case),
        ("readiness", _) => readiness(case),
        ("probedefaults", _) => probe_defaults_case(case),
        _ => Err(unknown_case(case)),
    }
}

fn restart_policy_always(case: &Case) -> Result<(), String> {
    match input_text(case, "restartPolicy")? {
        "Always" => Ok(()),
        other => Err(format!("input.restartPolicy {other:?}: the kubelet functions model restartPolicy Always")),
    }
}

/// `expected` text ending in `...` matches any continuation.
fn matches_message(expected: &str, actual: &str) -> bool {
    match expected.strip_suffix("...") {
        Some(prefix) => actual.starts_with(prefix),
        None => expected == actual,
    }
}

/// The kubectl STATUS (printPod) of a pod in `phase` whose one container
/// is in `state`.
/// A Deployment pod (restartPolicy Always) whose one container is in
/// `state`, having run before when `ran_before`; its phase is the kubelet's.
fn pod_in_state(state: &ContainerState, ran_before: bool) -> kubeloop_engine::api::core::Pod {
    let mut pod = placeholder_pod();
    pod.spec.restart_policy = Some("Always".into());
    Rc::make_mut(&mut pod.spec.containers)
        .push(Container { name: PLACEHOLDER_CONTAINER.to_string().into(), ..Container::default() });
    let mut status = ContainerStatus {
        name: PLACEHOLDER_CONTAINER.to_string().into(),
        state: state.clone(),
        ..ContainerStatus::default()
    };
    if ran_before {
        status.rare_mut().last_state.terminated =
            Some(Box::new(ContainerStateTerminated { exit_code: 137, ..Default::default() }));
    }
    pod.status.container_statuses.push(status);
    pod.status.phase = kubeloop_engine::kubelet::status::get_phase(&pod).to_string().into();
    pod
}

fn kubectl_status(state: &ContainerState, ran_before: bool) -> String {
    kubeloop_kubectl::printers::pods::summarize(&pod_in_state(state, ran_before)).status
}

fn waiting_state(back_off_ms: i64) -> ContainerState {
    ContainerState {
        waiting: Some(Box::new(backoff::crash_loop_waiting_state(
            back_off_ms,
            PLACEHOLDER_CONTAINER,
            &placeholder_pod(),
        ))),
        ..ContainerState::default()
    }
}

/// Compares `type Reason 'message'` parts of an event text with the
/// engine's reason and message (the type is not modelled; see the module
/// docs).
fn compare_events(expect: &mut Expect, key: &str, computed: &[(&str, String)]) {
    let Some(value) = expect.get(key) else { return };
    let Ok(description) = text(value) else {
        return expect.fail(format!("expected.{key}: {} is not a string", show(value)));
    };
    let parts: Vec<&str> = description.split('\'').collect();
    let mut events = Vec::new();
    for pair in parts.chunks(2) {
        if let [before, message] = pair {
            let reason = before.split_whitespace().last().unwrap_or("");
            events.push((reason.to_string(), message.to_string()));
        }
    }
    let computed: Vec<(String, String)> = computed.iter().map(|(r, m)| (r.to_string(), m.clone())).collect();
    expect.record(check(&format!("{key} (reason, message)"), events, computed));
}

/// kubelet.crashloop.01: every instance runs `containerRunsFor`, the first
/// exits at `firstExitAt` (s).
fn crash_loop_schedule(case: &Case) -> Result<(), String> {
    restart_policy_always(case)?;
    let run_ms = input_duration(case, "containerRunsFor")?;
    let first_exit = seconds_ms(input(case, "firstExitAt")?)?;
    let pod = placeholder_pod();
    let mut expect = Expect::new(case)?;
    if let Some(restarts) = expect.get("restarts") {
        let restarts = list(restarts)?;
        let schedule = backoff::crash_loop_schedule(first_exit, &vec![run_ms; restarts.len()]);
        for (i, (want, got)) in restarts.iter().zip(&schedule).enumerate() {
            let Some(want) = want.as_mapping() else { return Err(format!("expected.restarts[{i}] is not a mapping")) };
            let waited = got.waited_back_off_ms;
            for (key, value) in want {
                let key = key.as_str().unwrap_or("?");
                let what = format!("restarts[{i}].{key}");
                let result = match key {
                    "restartCount" => check(&what, int(value)?, i64::from(got.restart_count)),
                    "startedAt" => check(&what, seconds_ms(value)?, got.started_at_ms.saturating_sub(first_exit)),
                    "waitBefore" => check(&what, duration_value(value)?, waited.unwrap_or(0)),
                    "waitingMessage" => {
                        let want = text(value)?;
                        match waited.map(|ms| backoff::crash_loop_waiting_message(ms, PLACEHOLDER_CONTAINER, &pod)) {
                            Some(message) if matches_message(want, &message) => Ok(()),
                            got => Err(format!("{what}: expected {want:?}, got {got:?}")),
                        }
                    }
                    _ => Err(format!("expected.{what} is not compared by the adapter")),
                };
                expect.record(result);
            }
        }
        expect.record(check("restarts (count)", restarts.len(), schedule.len()));
    }
    // While waiting: the second restart's window.
    let window = backoff::crash_loop_schedule(first_exit, &[run_ms, run_ms])
        .get(1)
        .and_then(|r| r.waited_back_off_ms)
        .ok_or("the engine does not hold the second restart back")?;
    let state = waiting_state(window);
    let reason = state.waiting.as_ref().and_then(|w| w.reason.clone()).unwrap_or_default();
    expect.text(
        "statusWhileWaiting",
        format!("container state waiting reason {reason}; kubectl STATUS {}", kubectl_status(&state, true)),
    );
    let event = (backoff::BACK_OFF_EVENT_REASON, backoff::back_off_event_message(PLACEHOLDER_CONTAINER, &pod));
    compare_events(&mut expect, "eventWhileWaiting", &[event]);
    expect.finish()
}

/// Restarts of a container that exits as soon as it starts, until the
/// back-off window is `window_ms`; returns the restarts and when the last
/// restart was admitted (T).
fn restarts_at_window(window_ms: i64) -> Result<(ContainerRestarts, i64), String> {
    let mut restarts = ContainerRestarts::default();
    let mut finished = 0;
    for _ in 0..64 {
        let admitted = restarts.admitted_at(finished, finished);
        if restarts.do_back_off(finished, admitted) != RestartDecision::Start {
            return Err(format!("the engine did not admit the restart at {admitted} ms"));
        }
        if restarts.back_off_ms() == window_ms {
            let entry = restarts.entry().ok_or("the back-off has no entry after a restart")?;
            return Ok((restarts, entry.last_update_ms));
        }
        finished = admitted;
    }
    Err(format!("the kubelet's back-off never reaches {}", backoff::go_duration(window_ms)))
}

/// `T+640` for an instant T + 640 s.
fn since_t(ms: i64, t: i64) -> String {
    let offset = ms.saturating_sub(t);
    if offset % SECOND_MS == 0 { format!("T+{}", offset / SECOND_MS) } else { format!("T+{offset}ms") }
}

/// kubelet.crashloop.02/03: `history: backoff currently 300s; last restart
/// admitted at T; ... exits at T+601`.
fn back_off_expiry(case: &Case) -> Result<(), String> {
    let history = input_text(case, "history")?;
    let window = word_after(history, "backoff currently ").ok_or("input.history: no `backoff currently <d>`")?;
    let window = duration_ms(window)?;
    let exit = word_after(history, "exits at T+").ok_or("input.history: no `exits at T+<s>`")?;
    let exit = exit
        .parse::<i64>()
        .ok()
        .and_then(|s| s.checked_mul(SECOND_MS))
        .ok_or_else(|| format!("input.history: bad exit time T+{exit}"))?;
    let (mut restarts, t) = restarts_at_window(window)?;
    let exit = t.saturating_add(exit);
    let mut expect = Expect::new(case)?;
    let decision = restarts.do_back_off(exit, exit);
    expect.boolean("expired", decision == RestartDecision::Start);
    let admitted = match decision {
        RestartDecision::Start => exit,
        RestartDecision::BackOff { until_ms, back_off_ms } => {
            if let Some(value) = expect.get("restartAt") {
                let want = text(value)?;
                expect.record(check("restartAt", first_word(want).to_string(), since_t(until_ms, t)));
                if let Some(current) = word_after(want, "current ") {
                    let current = duration_ms(current)?;
                    expect.record(check("restartAt (current window)", current, back_off_ms));
                }
            }
            restarts.do_back_off(exit, until_ms);
            until_ms
        }
    };
    if let Some(value) = expect.get("nextRestart") {
        let want = text(value)?;
        let got = if admitted == exit { "immediate".to_string() } else { since_t(admitted, t) };
        expect.record(check("nextRestart", first_word(want).to_string(), got));
        if let Some(reset) = word_after(want, "re-initialises to ") {
            expect.record(check("nextRestart (re-initialised window)", duration_ms(reset)?, restarts.back_off_ms()));
        }
    }
    expect.field("followingWindow", duration_value, restarts.back_off_ms());
    if let Some(value) = expect.get("backoffSetWhenRestarting") {
        let want = text(value)?;
        expect.record(check("backoffSetWhenRestarting", duration_ms(first_word(want))?, restarts.back_off_ms()));
        if let Some(update) = word_after(want, "lastUpdate = ") {
            let last_update = restarts.entry().map(|e| since_t(e.last_update_ms, t));
            expect.record(check("backoffSetWhenRestarting (lastUpdate)", Some(update.to_string()), last_update));
        }
    }
    expect.finish()
}

/// kubelet.oomkilled.01: a container OOM-killed at 30 s, restarted, killed
/// again 5 s later.
fn oom_killed(case: &Case) -> Result<(), String> {
    restart_policy_always(case)?;
    let event = input_text(case, "event")?;
    if !event.contains("exceeds memory limit") {
        return Err(format!("input.event {event:?}: only an OOM kill is modelled"));
    }
    let exit_code = backoff::OOM_KILLED_EXIT_CODE;
    let reason = backoff::container_terminated_reason(exit_code, true);
    let terminated = ContainerState {
        terminated: Some(Box::new(ContainerStateTerminated {
            exit_code,
            reason: Some(reason.to_string()),
            ..ContainerStateTerminated::default()
        })),
        ..ContainerState::default()
    };
    let first_kill = 30 * SECOND_MS;
    let mut restarts = ContainerRestarts::default();
    let mut restart_count = 0;
    if restarts.do_back_off(first_kill, first_kill) == RestartDecision::Start {
        restart_count += 1;
    }
    let second_kill = first_kill + 5 * SECOND_MS;
    let waiting = match restarts.do_back_off(second_kill, second_kill) {
        RestartDecision::BackOff { back_off_ms, .. } => waiting_state(back_off_ms),
        RestartDecision::Start => ContainerState::default(),
    };
    // The OOM-killed instances restart on the schedule of any other exit:
    // each exit is handed to the back-off by its finish time alone.
    let exits = [0, 0, 0, 0, 0];
    let any_exit = backoff::crash_loop_schedule(0, &exits);
    let mut oom = ContainerRestarts::default();
    let mut finished = 0;
    let mut oom_schedule = Vec::new();
    for run_ms in exits {
        let admitted = oom.admitted_at(finished, finished);
        oom.do_back_off(finished, admitted);
        oom_schedule.push(admitted);
        finished = admitted.saturating_add(run_ms);
    }
    let same = any_exit.iter().map(|r| r.started_at_ms).eq(oom_schedule.iter().copied());

    let mut expect = Expect::new(case)?;
    if let Some(value) = expect.get("lastState.terminated") {
        let want = value.as_mapping().ok_or("expected.lastState.terminated is not a mapping")?;
        for (key, value) in want {
            let result = match key.as_str().unwrap_or("?") {
                "reason" => check("lastState.terminated.reason", text(value)?, reason),
                "exitCode" => check("lastState.terminated.exitCode", int(value)?, i64::from(exit_code)),
                other => Err(format!("expected.lastState.terminated.{other} is not compared by the adapter")),
            };
            expect.record(result);
        }
    }
    expect.text("restartCount", format!("+{restart_count}"));
    expect.text("kubectlStatusRightAfterExit", kubectl_status(&terminated, false));
    expect.text("kubectlStatusWhileWaiting", kubectl_status(&waiting, true));
    // The phase while the container waits to restart after the OOM kill.
    expect.text("podPhase", pod_in_state(&waiting, true).status.phase.to_string());
    let timing = if same { "same CrashLoopBackOff schedule as any other exit" } else { "a schedule of its own" };
    expect.text("restartTiming", timing.to_string());
    expect.finish()
}

fn probe_input(case: &Case, key: &str) -> Result<Probe, String> {
    let value = input(case, key)?;
    if !value.is_mapping() {
        return Err(format!("input.{key} is not a mapping"));
    }
    Ok(Probe::from_yaml(value))
}

/// A worker's wake-ups up to `until_ms` with a fixed outcome: (time,
/// attempted, stored-result change).
type WakeUp = (i64, bool, Option<ProbeResult>);

fn wake_ups(worker: &mut ProbeWorker, outcome: ProbeOutcome, stop: impl Fn(&[WakeUp]) -> bool) -> Vec<WakeUp> {
    let mut log = Vec::new();
    for _ in 0..1000 {
        let Some(at) = worker.next_probe_at() else { break };
        let attempted = worker.will_probe(at);
        let change = worker.observe(at, outcome);
        log.push((at, attempted, change));
        if stop(&log) {
            break;
        }
    }
    log
}

fn liveness(case: &Case) -> Result<(), String> {
    let probe = probe_input(case, "livenessProbe")?;
    let started = seconds_ms(input(case, "containerStartedAt")?)?;
    let outcome =
        if input_flag(case, "probeAlwaysFails", false)? { ProbeOutcome::Failure } else { ProbeOutcome::Success };
    let mut worker = ProbeWorker::new(ProbeKind::Liveness, &probe, started);
    // Until the failure is stored and one more wake-up has passed (on hold).
    let stored = |log: &[WakeUp]| log.iter().rposition(|(_, _, change)| *change == Some(ProbeResult::Failure));
    let log = wake_ups(&mut worker, outcome, |log| stored(log).is_some_and(|i| i + 1 < log.len()));
    let attempts: Vec<i64> = log.iter().filter(|(_, attempted, _)| *attempted).map(|(at, ..)| *at).collect();
    let failure_at = stored(&log).map(|i| log[i].0);

    // The kill and what follows: the first restart, then the next
    // instance fails its probe in the same way.
    let mut restarts = ContainerRestarts::default();
    let mut restart_count = 0;
    let mut first_immediate = false;
    let mut later_backed_off = false;
    if let Some(killed) = failure_at
        && restarts.do_back_off(killed, killed) == RestartDecision::Start
    {
        restart_count += 1;
        first_immediate = true;
        worker.new_container(killed);
        let log = wake_ups(&mut worker, outcome, |log| stored(log).is_some());
        if let Some(killed_again) = stored(&log).map(|i| log[i].0) {
            later_backed_off =
                matches!(restarts.do_back_off(killed_again, killed_again), RestartDecision::BackOff { .. });
        }
    }

    let mut expect = Expect::new(case)?;
    expect.field("probeAttemptsAt", seconds_list, attempts);
    expect.field("livenessResultFailureAt", |v| seconds_ms(v).map(Some), failure_at);
    let unhealthy =
        (prober::UNHEALTHY_EVENT_REASON, prober::probe_failed_event_message(ProbeKind::Liveness, "<output>"));
    let killing =
        (prober::KILLING_EVENT_REASON, ProbeKind::Liveness.kill_message(PLACEHOLDER_CONTAINER).unwrap_or_default());
    compare_events(&mut expect, "event", &[unhealthy, killing]);
    expect.text(
        "restartCount",
        format!(
            "{restart_count} after the first kill ({}), then {} to later restarts",
            if first_immediate { "restart immediate" } else { "restart held back" },
            if later_backed_off { "CrashLoopBackOff windows apply" } else { "no back-off applies" }
        ),
    );
    // `... reason Error / exitCode 137 when SIGKILLed ...`: the runtime's
    // reason for that exit code (not an OOM kill).
    if let Some(value) = expect.get("exitRecorded") {
        let want = text(value)?;
        let reason = word_after(want, "reason ").ok_or("expected.exitRecorded: no `reason <R>`")?;
        let code = word_after(want, "exitCode ").ok_or("expected.exitRecorded: no `exitCode <N>`")?;
        let code = code.parse::<i32>().map_err(|_| format!("expected.exitRecorded: bad exit code {code:?}"))?;
        expect.record(check(
            &format!("exitRecorded (reason for exit code {code})"),
            reason,
            backoff::container_terminated_reason(code, false),
        ));
    }
    expect.finish()
}

fn readiness(case: &Case) -> Result<(), String> {
    let probe = probe_input(case, "readinessProbe")?;
    let started = seconds_ms(input(case, "containerStartedAt")?)?;
    let worker_start = match case.input("workerStartedAt") {
        Value::Null => started,
        value => seconds_ms(value)?,
    };
    let outcome =
        if input_flag(case, "probeAlwaysSucceeds", false)? { ProbeOutcome::Success } else { ProbeOutcome::Failure };
    let mut worker = ProbeWorker::new(ProbeKind::Readiness, &probe, started).with_worker_start(worker_start);
    let initial = worker.result();
    let log = wake_ups(&mut worker, outcome, |log| log.iter().any(|(_, _, c)| *c == Some(ProbeResult::Success)));
    let delay = i64::from(probe.initial_delay_seconds.unwrap_or(0));
    let attempts: Vec<String> = log
        .iter()
        .map(|(at, attempted, _)| {
            let seconds = at / SECOND_MS;
            if *attempted {
                format!("{seconds} (runs, {})", if outcome == ProbeOutcome::Success { "success" } else { "failure" })
            } else {
                format!("{seconds} (skipped: {} < {delay})", at.saturating_sub(started) / SECOND_MS)
            }
        })
        .collect();
    let ready_at = log.iter().find(|(_, _, c)| *c == Some(ProbeResult::Success)).map(|(at, ..)| *at);
    let mut expect = Expect::new(case)?;
    expect.text("probeAttemptsAt", attempts.join(", "));
    expect.field("readyAt", |v| seconds_ms(v).map(Some), ready_at);
    expect.text(
        "readyBefore",
        format!("container Ready={} (initial readiness result is {initial:?})", initial == ProbeResult::Success),
    );
    expect.finish()
}

fn probe_defaults_case(case: &Case) -> Result<(), String> {
    let mut probe = probe_input(case, "probe")?;
    probe_defaults(&mut probe);
    let mut expect = Expect::new(case)?;
    let some_int = |v: &Value| int(v).map(Some);
    expect.field("timeoutSeconds", some_int, probe.timeout_seconds.map(i64::from));
    expect.field("periodSeconds", some_int, probe.period_seconds.map(i64::from));
    expect.field("successThreshold", some_int, probe.success_threshold.map(i64::from));
    expect.field("failureThreshold", some_int, probe.failure_threshold.map(i64::from));
    expect.field("initialDelaySeconds", some_int, probe.initial_delay_seconds.map(i64::from));
    expect.finish()
}

// ---------------------------------------------------------------------------
// hpa.: the replica calculator, convertDesiredReplicasWithRules,
// stabilizeRecommendation.

fn autoscaler(case: &Case, group: &str) -> Result<(), String> {
    match group {
        "calc" if case.input.get("valuesMilli").is_some() => metric_replicas(case),
        "calc" => resource_replicas(case),
        "rules" => replicas_with_rules(case),
        "stabilize" => stabilize(case),
        _ => Err(unknown_case(case)),
    }
}

/// replica_calculator_test.go's calculator: a 2 minute CPU initialization
/// period and a 10 s initial readiness delay (its "cool" pods started 3
/// minutes ago, outside the period; "hot" ones now, inside it).
const TEST_CALCULATOR: ReplicaCalculator = ReplicaCalculator {
    cpu_initialization_period_ms: 2 * MINUTE_MS,
    delay_of_initial_readiness_status_ms: 10 * SECOND_MS,
};

/// One pod of the harness (see the cases' notes).
struct HarnessPod {
    request_milli: Option<i64>,
    ready: bool,
    phase: String,
    deleting: bool,
    start_ms: i64,
}

impl HarnessPod {
    /// Two containers each requesting `request_milli` of `resource`; Ready
    /// (or not) since the start.
    fn build(&self, index: usize, resource: &str) -> Result<Pod, String> {
        let mut pod = named_pod(&format!("test-pod-{index}"));
        pod.status.phase = self.phase.clone().into();
        pod.status.start_time = Some(Time::from_unix_ms(self.start_ms));
        pod.status.conditions.push(ready_condition(self.ready, Some(self.start_ms)));
        if self.deleting {
            pod.metadata.rare_mut().deletion_timestamp = Some(now());
        }
        for c in 0..2 {
            let mut container = Container { name: format!("container{c}").into(), ..Container::default() };
            if let Some(milli) = self.request_milli {
                let quantity = Quantity::parse(&format!("{milli}m")).map_err(|e| format!("request {milli}m: {e:?}"))?;
                container.resources.requests.insert(resource.to_string(), quantity);
            }
            Rc::make_mut(&mut pod.spec.containers).push(container);
        }
        Ok(pod)
    }
}

/// A per-pod input list (`podReady`, ...), if given.
fn per_pod<'a>(case: &Case<'a>, key: &str) -> Result<Option<&'a Vec<Value>>, String> {
    match case.input.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => list(value).map(Some).map_err(|e| format!("input.{key}: {e}")),
    }
}

fn harness_pods(case: &Case, count: usize, requests: &[Option<i64>]) -> Result<Vec<HarnessPod>, String> {
    let (ready, start, phase, deleting) = (
        per_pod(case, "podReady")?,
        per_pod(case, "podStart")?,
        per_pod(case, "podPhase")?,
        per_pod(case, "podDeleting")?,
    );
    for (key, values) in [("podReady", ready), ("podStart", start), ("podPhase", phase), ("podDeleting", deleting)] {
        if values.is_some_and(|v| v.len() > count) {
            return Err(format!("input.{key} lists more pods than there are ({count})"));
        }
    }
    let long_ago = NOW_MS - 365 * DAY_MS;
    (0..count)
        .map(|i| {
            let start_ms = match start.and_then(|s| s.get(i)).map(text).transpose()? {
                None => long_ago,
                Some("hot") => NOW_MS,
                Some("cool") => NOW_MS - 3 * MINUTE_MS,
                Some(other) => return Err(format!("input.podStart: {other:?} is neither hot nor cool")),
            };
            Ok(HarnessPod {
                request_milli: requests.get(i).copied().flatten(),
                ready: ready.and_then(|r| r.get(i)).map(boolean).transpose()?.unwrap_or(true),
                phase: phase.and_then(|p| p.get(i)).map(text).transpose()?.unwrap_or("Running").to_string(),
                deleting: deleting.and_then(|d| d.get(i)).map(boolean).transpose()?.unwrap_or(false),
                start_ms,
            })
        })
        .collect()
}

/// A sample taken now over a minute.
fn sample(value: i64) -> PodMetric {
    PodMetric { value, timestamp: now(), window_ms: MINUTE_MS }
}

fn resource_replicas(case: &Case) -> Result<(), String> {
    let current = input_i32(case, "currentReplicas")?;
    let target = input_i32(case, "targetUtilization")?;
    let resource = match case.input("metric") {
        Value::Null => "cpu",
        value => first_word(text(value)?),
    };
    let usage_key = ["usageMilliPerPod(metrics returned, in pod order)", "usageMilliPerPod"]
        .into_iter()
        .find(|key| case.input.get(*key).is_some())
        .ok_or("input.usageMilliPerPod is missing")?;
    let usage = int_list(input(case, usage_key)?).map_err(|e| format!("input.{usage_key}: {e}"))?;
    let requests: Vec<Option<i64>> = if let Some(cores) = per_pod(case, "requestsCoresPerPod")? {
        cores.iter().map(|c| float(c).map(|c| Some((c * 1000.0).round() as i64))).collect::<Result<_, _>>()?
    } else if let Some(milli) = per_pod(case, "requestsMilliPerPod")? {
        milli.iter().map(|m| int(m).map(Some)).collect::<Result<_, _>>()?
    } else if case.input("requests").as_str() == Some("none") {
        vec![None; usage.len()]
    } else {
        return Err("input: no requestsCoresPerPod, requestsMilliPerPod or `requests: none`".to_string());
    };
    let pods = harness_pods(case, requests.len(), &requests)?;
    let built: Vec<Pod> = pods.iter().enumerate().map(|(i, p)| p.build(i, resource)).collect::<Result<_, _>>()?;
    // Samples in pod order, one per container; samples beyond the pods
    // name pods that do not exist and are dropped.
    let inputs: Vec<PodMetricInput> = built
        .iter()
        .enumerate()
        .map(|(i, pod)| PodMetricInput { pod, metric: usage.get(i).map(|u| sample(u.saturating_mul(2))) })
        .collect();
    let result = TEST_CALCULATOR.get_resource_replicas(current, target, resource, Tolerances::DEFAULT, &inputs, now());
    let mut expect = Expect::new(case)?;
    match result {
        Ok((replicas, utilization, _)) => {
            expect.int("replicas", i64::from(replicas));
            expect.int("utilization", i64::from(utilization));
            if let Some(want) = expect.get("errorContains") {
                expect.fail(format!("errorContains: expected an error containing {}, got none", show(want)));
            }
        }
        Err(error) => expected_error(&mut expect, &error, &["replicas", "utilization"])?,
    }
    expect.finish()
}

/// The engine returned `error`: `expected.errorContains` must be part of it
/// and no result may be expected.
fn expected_error(expect: &mut Expect, error: &str, result_fields: &[&str]) -> Result<(), String> {
    let Some(want) = expect.get("errorContains") else { return Err(format!("the engine returned an error: {error}")) };
    let want = text(want)?;
    if !error.contains(want) {
        expect.fail(format!("errorContains: expected an error containing {want:?}, got {error:?}"));
    }
    for field in result_fields {
        if expect.get(field).is_some() {
            expect.fail(format!("{field}: expected a result, got the error {error:?}"));
        }
    }
    Ok(())
}

fn metric_replicas(case: &Case) -> Result<(), String> {
    let current = input_i32(case, "currentReplicas")?;
    let metric = first_word(input_text(case, "metric")?);
    let values = int_list(input(case, "valuesMilli")?).map_err(|e| format!("input.valuesMilli: {e}"))?;
    let target = input_int(case, "targetAverageMilli")?;
    let requests = vec![Some(1000); values.len()];
    let pods = harness_pods(case, values.len(), &requests)?;
    let built: Vec<Pod> = pods.iter().enumerate().map(|(i, p)| p.build(i, "cpu")).collect::<Result<_, _>>()?;
    let inputs: Vec<PodMetricInput> =
        built.iter().zip(&values).map(|(pod, value)| PodMetricInput { pod, metric: Some(sample(*value)) }).collect();
    let result = TEST_CALCULATOR.get_metric_replicas(current, target, metric, Tolerances::DEFAULT, &inputs, now());
    let mut expect = Expect::new(case)?;
    match result {
        Ok((replicas, average)) => {
            expect.int("replicas", i64::from(replicas));
            expect.int("averageMilli", average);
        }
        Err(error) => expected_error(&mut expect, &error, &["replicas", "averageMilli"])?,
    }
    expect.finish()
}

fn replicas_with_rules(case: &Case) -> Result<(), String> {
    let (replicas, reason, message) = podautoscaler::convert_desired_replicas_with_rules(
        input_i32(case, "currentReplicas")?,
        input_i32(case, "desiredReplicas")?,
        input_i32(case, "minReplicas")?,
        input_i32(case, "maxReplicas")?,
    );
    let mut expect = Expect::new(case)?;
    expect.int("replicas", i64::from(replicas));
    expect.text("ScalingLimitedReason", reason.to_string());
    expect.text("message", message.to_string());
    expect.finish()
}

/// stabilizeRecommendation over `recordedRecommendations` (`{replicas,
/// at: -2m}`); minReplicas/maxReplicas do not bound a stabilization.
fn stabilize(case: &Case) -> Result<(), String> {
    let mut history = AutoscalerHistory::default();
    for (i, recorded) in list(input(case, "recordedRecommendations")?)?.iter().enumerate() {
        let field = |name: &str| {
            recorded.get(name).ok_or_else(|| format!("input.recordedRecommendations[{i}].{name} is missing"))
        };
        let recommendation = i32_of(int(field("replicas")?)?, "replicas")?;
        let at = instant_value(field("at")?)?.ok_or("a recommendation at the zero time")?;
        history.recommendations.push(TimestampedRecommendation { recommendation, timestamp: Time::from_unix_ms(at) });
    }
    let new = input_i32(case, "newRecommendation")?;
    let window = input_duration(case, "window")?;
    let replicas = history.stabilize_recommendation(new, window, now());
    let mut expect = Expect::new(case)?;
    expect.int("replicas", i64::from(replicas));
    expect.int("recordedRecommendationsAfter", history.recommendations.len() as i64);
    expect.finish()
}

// ---------------------------------------------------------------------------
// pdb.: DisruptionController.trySync.

/// The controller the pods belong to: `ReplicaSet replicas=7`, `ReplicaSet
/// scaled to 5`, `RC replicas=3`.
struct PdbController {
    owner: OwnerReference,
    scale: i32,
}

fn pdb_controller(text: &str) -> Result<PdbController, String> {
    let (kind, api_version) = match first_word(text) {
        "ReplicaSet" => ("ReplicaSet", "apps/v1"),
        "RC" | "ReplicationController" => ("ReplicationController", "v1"),
        "Deployment" => ("Deployment", "apps/v1"),
        "StatefulSet" => ("StatefulSet", "apps/v1"),
        other => return Err(format!("input.controller: unknown kind {other:?}")),
    };
    let scale = last_number(text).ok_or_else(|| format!("input.controller {text:?}: no scale"))?;
    Ok(PdbController {
        owner: OwnerReference {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            name: "controller".to_string(),
            uid: "controller-uid".to_string(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        },
        scale: i32_of(scale, "input.controller")?,
    })
}

fn budget_pod(name: &str, ready: bool, owner: Option<&OwnerReference>) -> Pod {
    let mut pod = named_pod(name);
    pod.metadata.labels_mut().insert("app".to_string(), "web".to_string());
    pod.status.phase = "Running".into();
    pod.status.conditions.push(ready_condition(ready, None));
    pod.metadata.owner_references.make_mut().extend(owner.cloned());
    pod
}

/// `pods` as a list (`{name?, ready, owner?, deletionTimestamp?}`; a pod
/// with a non-null `owner` belongs to the controller) or in words: parts
/// joined by ` + `, each `N [ready] pod(s)`, optionally `without
/// controller` or `, one of them turned not-ready`; pods belong to the
/// controller when there is one.
fn budget_pods(value: &Value, controller: Option<&PdbController>) -> Result<Vec<Pod>, String> {
    let owner = controller.map(|c| &c.owner);
    let mut pods = Vec::new();
    match value {
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                let default_name = format!("pod-{i}");
                let name = item.get("name").map(text).transpose()?.unwrap_or(&default_name);
                let ready = item.get("ready").map(boolean).transpose()?.unwrap_or(true);
                let owned = match item.get("owner") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(owner.ok_or("a pod with an owner but no input.controller")?),
                };
                let mut pod = budget_pod(name, ready, owned);
                pod.metadata.rare_mut().deletion_timestamp = deletion_timestamp(item.get("deletionTimestamp"))?;
                pods.push(pod);
            }
        }
        Value::String(words) => {
            for part in words.split(" + ") {
                let count = part.split_whitespace().next().and_then(|n| n.parse::<i64>().ok());
                let count = count_of(count.ok_or_else(|| format!("input.pods: cannot read {part:?}"))?, "input.pods")?;
                let owned = if part.contains("without controller") { None } else { owner };
                let one_not_ready = part.contains("one of them turned not-ready");
                for i in 0..count {
                    let ready = !(one_not_ready && i + 1 == count);
                    pods.push(budget_pod(&format!("pod-{}", pods.len()), ready, owned));
                }
            }
        }
        other => return Err(format!("input.pods: cannot read {}", show(other))),
    }
    Ok(pods)
}

fn int_or_string(value: &Value, what: &str) -> Result<IntOrString, String> {
    serde_yaml::from_value(value.clone()).map_err(|e| format!("{what}: {e}"))
}

fn disruption_budget(case: &Case) -> Result<(), String> {
    let spec = input(case, "spec")?;
    let mut budget = PodDisruptionBudget::default();
    budget.metadata.name = Some("pdb".to_string());
    budget.metadata.generation = Some(1);
    budget.spec.min_available = spec.get("minAvailable").map(|v| int_or_string(v, "spec.minAvailable")).transpose()?;
    budget.spec.max_unavailable =
        spec.get("maxUnavailable").map(|v| int_or_string(v, "spec.maxUnavailable")).transpose()?;
    // Without a selector in the case, the one the pods are labelled for.
    budget.spec.selector = Some(match spec.get("selector") {
        None => LabelSelector { match_labels: BTreeMap::from([("app".into(), "web".into())]), ..Default::default() },
        Some(Value::Null) => LabelSelector::default(),
        Some(selector) => serde_yaml::from_value(selector.clone()).map_err(|e| format!("spec.selector: {e}"))?,
    });
    let controller = match case.input("controller") {
        Value::Null => None,
        value => Some(pdb_controller(text(value)?)?),
    };
    let pods = match case.input("pods") {
        Value::Null => Vec::new(),
        value => budget_pods(value, controller.as_ref())?,
    };
    if let Some(disrupted) = case.input.get("status.disruptedPods") {
        let disrupted = disrupted.as_mapping().ok_or("input.status.disruptedPods is not a mapping")?;
        for (name, at) in disrupted {
            let name = text(name)?;
            let at = instant_value(at)?.ok_or_else(|| format!("disruptedPods.{name}: no time"))?;
            budget.status.disrupted_pods.insert(name.to_string(), Time::from_unix_ms(at));
        }
    }
    let scale = |owner: &OwnerReference| {
        controller
            .as_ref()
            .filter(|c| c.owner.uid == owner.uid)
            .map(|c| ControllerAndScale { uid: c.owner.uid.clone(), scale: c.scale })
    };
    let sync = disruption::try_sync(&budget, &pods, scale, now());
    let status = sync.status.clone().unwrap_or_else(|| budget.status.clone());
    let mut expect = Expect::new(case)?;
    expect.int("disruptionsAllowed", i64::from(status.disruptions_allowed));
    expect.int("currentHealthy", i64::from(status.current_healthy));
    expect.int("desiredHealthy", i64::from(status.desired_healthy));
    expect.int("expectedPods", i64::from(status.expected_pods));
    expect.finish().map_err(|failure| {
        let events: Vec<String> = sync.events.iter().map(|e| format!("{} {}", e.event_type, e.reason)).collect();
        let error = sync.error.map_or_else(String::new, |e| format!(", sync error {e:?}"));
        format!("{failure} (sync events: [{}]{error})", events.join(", "))
    })
}

// ---------------------------------------------------------------------------
// endpoints.: one selected pod's EndpointSlice endpoint.

fn endpoints(case: &Case) -> Result<(), String> {
    let mut pod = named_pod("pod");
    pod.metadata.labels_mut().insert("app".to_string(), "web".to_string());
    pod.status.phase = input_text(case, "phase")?.to_string().into();
    pod.status.pod_ip = match case.input("podIP") {
        Value::Null => None,
        value => Some(text(value)?.to_string()),
    };
    pod.status.conditions.push(ready_condition(input_flag(case, "Ready", false)?, None));
    pod.metadata.rare_mut().deletion_timestamp = deletion_timestamp(case.input.get("deletionTimestamp"))?;
    let mut service = Service::default();
    service.metadata.name = Some("web".to_string());
    service.spec.selector.insert("app".to_string(), "web".to_string());
    service.spec.publish_not_ready_addresses = input_flag(case, "service.publishNotReadyAddresses", false)?;
    let endpoints = endpointslice::endpoints_for_service(&service, std::slice::from_ref(&pod));
    let mut expect = Expect::new(case)?;
    expect.boolean("included", !endpoints.is_empty());
    let conditions = endpoints.first().map(|e| e.conditions);
    expect.field("ready", |v| boolean(v).map(Some), conditions.map(|c| c.ready));
    expect.field("serving", |v| boolean(v).map(Some), conditions.map(|c| c.serving));
    expect.field("terminating", |v| boolean(v).map(Some), conditions.map(|c| c.terminating));
    expect.finish()
}
