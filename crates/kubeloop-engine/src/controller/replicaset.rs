//! `pkg/controller/replicaset/replica_set.go` and the pod helpers of
//! `pkg/controller/controller_utils.go` and `pkg/api/v1/pod/util.go`: which
//! pods a ReplicaSet deletes first (ActivePodsWithRanks), how it creates pods
//! (slowStartBatch, burstReplicas), and when a pod is ready or available.
//!
//! Times: `Time::default()` (the Unix epoch, which is also what a missing or
//! unreadable timestamp decodes to) plays the part of Go's zero `time.Time`,
//! as does a missing one.

use crate::api::core::Pod;
use crate::api::meta::Condition;
use crate::api::time::Time;
use std::collections::BTreeMap;

/// `controller.kubernetes.io/pod-deletion-cost`.
pub const POD_DELETION_COST_ANNOTATION: &str = "controller.kubernetes.io/pod-deletion-cost";

/// BurstReplicas: the most pods one sync creates or deletes.
pub const BURST_REPLICAS: usize = 500;

/// SlowStartInitialBatchSize.
pub const SLOW_START_INITIAL_BATCH_SIZE: usize = 1;

/// The feature gates the ranking reads. Both are on by default (GA); tests
/// switch them off to check the older orderings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaleDownGates {
    pub pod_deletion_cost: bool,
    pub logarithmic_scale_down: bool,
}

impl Default for ScaleDownGates {
    fn default() -> Self {
        ScaleDownGates { pod_deletion_cost: true, logarithmic_scale_down: true }
    }
}

/// A timestamp as Go sees it: `None` for the zero time.
fn instant(time: Option<Time>) -> Option<i64> {
    time.map(|t| t.unix_ms).filter(|ms| *ms != 0)
}

/// IsPodActive: not Succeeded, not Failed, not being deleted.
pub fn is_pod_active(pod: &Pod) -> bool {
    let phase = pod.status.phase.as_str();
    phase != "Succeeded" && phase != "Failed" && pod.metadata.deletion_timestamp.is_none()
}

/// GetPodReadyCondition: the first condition of type Ready.
pub fn get_pod_ready_condition(pod: &Pod) -> Option<&Condition> {
    pod.status.conditions.iter().find(|c| c.condition_type == "Ready")
}

/// IsPodReady: the Ready condition is True.
pub fn is_pod_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some()
}

/// The Ready condition of a ready pod (one search for whether it is ready
/// and since when).
pub fn ready_condition(pod: &Pod) -> Option<&Condition> {
    get_pod_ready_condition(pod).filter(|c| c.status == "True")
}

/// IsPodAvailable: ready, and either `minReadySeconds` is 0 or the Ready
/// condition's lastTransitionTime + minReadySeconds is strictly before now.
pub fn is_pod_available(pod: &Pod, min_ready_seconds: i32, now: Time) -> bool {
    ready_condition(pod).is_some_and(|ready| is_available_since(ready, min_ready_seconds, now))
}

/// IsPodAvailable for a ready pod, from its Ready condition.
pub fn is_available_since(ready: &Condition, min_ready_seconds: i32, now: Time) -> bool {
    if min_ready_seconds == 0 {
        return true;
    }
    let since = instant(ready.last_transition_time);
    since.is_some_and(|since| since.saturating_add(i64::from(min_ready_seconds) * 1000) < now.unix_ms)
}

/// When the ReplicaSet of a pod that just turned Ready looks again, so
/// the pod counts as available once minReadySeconds have passed: upstream's
/// `updatePod` enqueues it minReadySeconds + 1 s later ("to avoid
/// milliseconds skew in AddAfter"). None without minReadySeconds.
pub fn available_requeue_at(pod: &Pod, min_ready_seconds: i32) -> Option<i64> {
    let since = pod_ready_time(pod).filter(|_| min_ready_seconds > 0)?;
    Some(since.saturating_add(i64::from(min_ready_seconds) * 1000 + 1000))
}

/// podReadyTime: when a ready pod became Ready (`None`: not ready, or zero).
/// (Its first Ready condition, when True, is the first that is Ready and
/// True, the one upstream reads.)
fn pod_ready_time(pod: &Pod) -> Option<i64> {
    ready_condition(pod).and_then(|c| instant(c.last_transition_time))
}

/// maxContainerRestarts: the highest restartCount of the pod's containers.
pub fn max_container_restarts(pod: &Pod) -> i32 {
    pod.status.container_statuses.iter().map(|c| c.restart_count).fold(0, i32::max)
}

/// GetDeletionCostFromPodAnnotations: 0 when unset; an int32 without a plus
/// sign or leading zeros, else an error (callers then use 0).
pub fn get_deletion_cost_from_pod_annotations(annotations: &BTreeMap<String, String>) -> Result<i32, String> {
    let Some(value) = annotations.get(POD_DELETION_COST_ANNOTATION) else { return Ok(0) };
    let valid_first_digit = match value.as_bytes().first() {
        Some(b'-') | Some(b'1'..=b'9') => true,
        Some(b'0') => value == "0",
        _ => false,
    };
    if !valid_first_digit {
        return Err(format!("invalid value {value:?}"));
    }
    value.parse::<i32>().map_err(|_| format!("strconv.ParseInt: parsing {value:?}: invalid syntax"))
}

fn deletion_cost(pod: &Pod) -> i32 {
    get_deletion_cost_from_pod_annotations(&pod.metadata.annotations).unwrap_or(0)
}

fn phase_ordinal(pod: &Pod) -> i32 {
    match pod.status.phase.as_str() {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    }
}

fn node_name(pod: &Pod) -> &str {
    pod.spec.node_name.as_deref().unwrap_or("")
}

fn uid(pod: &Pod) -> &str {
    pod.metadata.uid.as_deref().unwrap_or("")
}

/// afterOrZero: t1 is after t2, a zero time counting as after any other.
fn after_or_zero(t1: Option<i64>, t2: Option<i64>) -> bool {
    match (t1, t2) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(t1), Some(t2)) => t1 > t2,
    }
}

/// The log2 bucket of `now − t` in nanoseconds: `int64(math.Log2(float64(d)))`,
/// −1 when d ≤ 0. The bucket is read from the float's exponent, which is the
/// float64 rounding upstream does and exact for every millisecond duration
/// short of decades.
fn logarithmic_rank(t: i64, now: i64) -> i64 {
    let nanos = now.saturating_sub(t).saturating_mul(1_000_000);
    if nanos <= 0 {
        return -1;
    }
    let bits = (nanos as f64).to_bits();
    ((bits >> 52) & 0x7ff) as i64 - 1023
}

/// Rules 6 and 8 for two different times: the more recent (or zero) first;
/// with LogarithmicScaleDown, by log2 bucket, and within a bucket by UID.
fn more_recent_first(a: (Option<i64>, &str), b: (Option<i64>, &str), now: Option<i64>, log_scale: bool) -> bool {
    match (a.0, b.0, now) {
        (Some(ta), Some(tb), Some(now)) if log_scale => {
            let diff = logarithmic_rank(ta, now) - logarithmic_rank(tb, now);
            if diff == 0 { a.1 < b.1 } else { diff < 0 }
        }
        _ => after_or_zero(a.0, b.0),
    }
}

/// ActivePodsWithRanks.Less with the default gates: whether `a` (with rank
/// `rank_a`) is deleted before `b`. Spec §5.2.
pub fn active_pods_with_ranks_less(a: &Pod, rank_a: i32, b: &Pod, rank_b: i32, now: Time) -> bool {
    active_pods_with_ranks_less_gated(a, rank_a, b, rank_b, now, ScaleDownGates::default())
}

/// ActivePodsWithRanks.Less under the given gates.
pub fn active_pods_with_ranks_less_gated(
    a: &Pod,
    rank_a: i32,
    b: &Pod,
    rank_b: i32,
    now: Time,
    gates: ScaleDownGates,
) -> bool {
    RankedPod::of(a, 0, rank_a).deleted_before(&RankedPod::of(b, 1, rank_b), instant(Some(now)), gates)
}

/// What ActivePodsWithRanks.Less reads of a pod, read once: sorting
/// thousands of pods then compares numbers instead of scanning conditions
/// and parsing annotations at every comparison.
#[derive(Clone, Copy)]
struct RankedPod<'a> {
    /// Its place in the input.
    at: u32,
    /// Pods of the same Deployment on the same node (rule 5).
    rank: i32,
    assigned: bool,
    phase: i32,
    ready: bool,
    /// podReadyTime (rule 6).
    ready_since: Option<i64>,
    cost: i32,
    restarts: i32,
    created: Option<i64>,
    uid: &'a str,
}

impl<'a> RankedPod<'a> {
    fn of(pod: &'a Pod, at: u32, rank: i32) -> RankedPod<'a> {
        let ready = ready_condition(pod);
        RankedPod {
            at,
            rank,
            assigned: !node_name(pod).is_empty(),
            phase: phase_ordinal(pod),
            ready: ready.is_some(),
            ready_since: ready.and_then(|c| instant(c.last_transition_time)),
            cost: deletion_cost(pod),
            restarts: max_container_restarts(pod),
            created: instant(pod.metadata.creation_timestamp),
            uid: uid(pod),
        }
    }

    /// Less: whether `self` is deleted before `other`.
    fn deleted_before(&self, other: &RankedPod, now: Option<i64>, gates: ScaleDownGates) -> bool {
        let (a, b) = (self, other);
        // 1. Unassigned < assigned.
        if a.assigned != b.assigned {
            return !a.assigned;
        }
        // 2. Pending < Unknown < Running.
        if a.phase != b.phase {
            return a.phase < b.phase;
        }
        // 3. Not ready < ready.
        if a.ready != b.ready {
            return !a.ready;
        }
        // 4. Lower pod-deletion-cost < higher.
        if gates.pod_deletion_cost && a.cost != b.cost {
            return a.cost < b.cost;
        }
        // 5. Doubled up < not doubled up.
        if a.rank != b.rank {
            return a.rank > b.rank;
        }
        // 6. Ready for less time < ready for more time.
        if a.ready && b.ready && a.ready_since != b.ready_since {
            return more_recent_first(
                (a.ready_since, a.uid),
                (b.ready_since, b.uid),
                now,
                gates.logarithmic_scale_down,
            );
        }
        // 7. Higher restart count < lower.
        if a.restarts != b.restarts {
            return a.restarts > b.restarts;
        }
        // 8. Newer < older.
        if a.created != b.created {
            return more_recent_first((a.created, a.uid), (b.created, b.uid), now, gates.logarithmic_scale_down);
        }
        false
    }
}

/// ActivePods.Less (sort.Sort(ActivePods)): the older ordering without
/// deletion cost, ranks or log buckets.
pub fn active_pods_less(a: &Pod, b: &Pod) -> bool {
    let (node_a, node_b) = (node_name(a), node_name(b));
    if node_a != node_b && (node_a.is_empty() || node_b.is_empty()) {
        return node_a.is_empty();
    }
    if phase_ordinal(a) != phase_ordinal(b) {
        return phase_ordinal(a) < phase_ordinal(b);
    }
    let (ready_a, ready_b) = (is_pod_ready(a), is_pod_ready(b));
    if ready_a != ready_b {
        return !ready_a;
    }
    if ready_a && ready_b {
        let (since_a, since_b) = (pod_ready_time(a), pod_ready_time(b));
        if since_a != since_b {
            return after_or_zero(since_a, since_b);
        }
    }
    if max_container_restarts(a) != max_container_restarts(b) {
        return max_container_restarts(a) > max_container_restarts(b);
    }
    let (created_a, created_b) = (instant(a.metadata.creation_timestamp), instant(b.metadata.creation_timestamp));
    if created_a != created_b {
        return after_or_zero(created_a, created_b);
    }
    false
}

/// A stable merge sort by a `less` function. Unlike `slice::sort_by` it
/// cannot panic when `less` is not a total order (with log buckets and UID
/// tie-breaks it need not be).
fn sort_by_less<T: Copy>(items: &mut [T], less: &impl Fn(&T, &T) -> bool) {
    let mut scratch = Vec::with_capacity(items.len());
    merge_sort(items, &mut scratch, less);
}

/// Top-down: sort both halves, then merge them through `scratch` (one
/// buffer for the whole sort).
fn merge_sort<T: Copy>(items: &mut [T], scratch: &mut Vec<T>, less: &impl Fn(&T, &T) -> bool) {
    if items.len() < 2 {
        return;
    }
    let mid = items.len() / 2;
    merge_sort(&mut items[..mid], scratch, less);
    merge_sort(&mut items[mid..], scratch, less);
    scratch.clear();
    let (mut i, mut j) = (0, mid);
    while i < mid && j < items.len() {
        if less(&items[j], &items[i]) {
            scratch.push(items[j]);
            j += 1;
        } else {
            scratch.push(items[i]);
            i += 1;
        }
    }
    scratch.extend_from_slice(&items[i..mid]);
    scratch.extend_from_slice(&items[j..]);
    items.copy_from_slice(scratch);
}

/// sort.Sort(ActivePods), stably.
pub fn sort_active_pods(pods: &mut [&Pod]) {
    sort_by_less(pods, &|a: &&Pod, b: &&Pod| active_pods_less(a, b));
}

/// getPodsRankedByRelatedPodsOnSameNode: each pod's rank is the number of
/// active pods in `related_pods` (all pods of the same Deployment's
/// ReplicaSets, generally a superset of `pods`) on the same node (the
/// unscheduled ones count together, as upstream's map does).
pub fn rank_pods(pods: &[&Pod], related_pods: &[&Pod]) -> Vec<i32> {
    let mut nodes = NodeCounts::default();
    for pod in related_pods.iter().filter(|pod| is_pod_active(pod)) {
        *nodes.count(node_name(pod)) += 1;
    }
    pods.iter().map(|pod| *nodes.count(node_name(pod))).collect()
}

/// Pods per node name, in a hash table of the names' first 16 bytes: a
/// count is found with a multiplication and a comparison or two of
/// integers, where a B-tree of thousands of pods' names compared names
/// down its levels. The table is only looked into, never iterated, so
/// nothing depends on where a name lands.
#[derive(Default)]
struct NodeCounts<'a> {
    /// Each name met, with its count.
    entries: Vec<(NodeKey<'a>, i32)>,
    /// Places in `entries` by hash ([`EMPTY`]: none); a power of two,
    /// kept at least twice as long as `entries`.
    table: Vec<u32>,
}

const EMPTY: u32 = u32::MAX;

impl<'a> NodeCounts<'a> {
    /// The count of `name`'s pods (a name not met before counts 0).
    fn count(&mut self, name: &'a str) -> &mut i32 {
        let key = NodeKey::of(name);
        let mask = self.table.len().wrapping_sub(1);
        let mut at = self.place(&key);
        while let Some(&entry) = self.table.get(at).filter(|&&entry| entry != EMPTY) {
            if self.entries[entry as usize].0 == key {
                return &mut self.entries[entry as usize].1;
            }
            at = (at + 1) & mask;
        }
        self.entries.push((key, 0));
        if self.entries.len() * 2 > self.table.len() {
            self.rehash();
        } else {
            self.table[at] = (self.entries.len() - 1) as u32;
        }
        &mut self.entries.last_mut().expect("just pushed").1
    }

    /// Where a key's search starts: the top bits of its hash (the ones
    /// every bit of the name reaches).
    fn place(&self, key: &NodeKey) -> usize {
        match self.table.len() {
            0 => 0,
            len => (key.hash() >> (64 - len.trailing_zeros())) as usize,
        }
    }

    /// A table twice as long, with every entry placed again.
    fn rehash(&mut self) {
        self.table = vec![EMPTY; (self.entries.len() * 4).next_power_of_two()];
        let mask = self.table.len() - 1;
        for (index, (key, _)) in self.entries.iter().enumerate() {
            let mut at = self.place(key);
            while self.table[at] != EMPTY {
                at = (at + 1) & mask;
            }
            self.table[at] = index as u32;
        }
    }
}

/// A node name with its first 16 bytes as two words, zero padded: for
/// names that short (node names are), equal words and lengths are equal
/// names, without a `memcmp`.
struct NodeKey<'a> {
    words: [u64; 2],
    name: &'a str,
}

impl<'a> NodeKey<'a> {
    fn of(name: &'a str) -> NodeKey<'a> {
        let word = |start: usize| {
            let mut word = [0; 8];
            let bytes = name.as_bytes().get(start..).unwrap_or_default();
            match bytes.get(..8) {
                Some(full) => word.copy_from_slice(full),
                None => word.iter_mut().zip(bytes).for_each(|(to, &byte)| *to = byte),
            }
            u64::from_le_bytes(word)
        };
        NodeKey { words: [word(0), word(8)], name }
    }

    /// Fibonacci hashing: its top bits depend on every bit of the words.
    fn hash(&self) -> u64 {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        ((self.words[0].wrapping_mul(K) ^ self.words[1]).wrapping_add(self.name.len() as u64)).wrapping_mul(K)
    }
}

impl PartialEq for NodeKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.words == other.words
            && self.name.len() == other.name.len()
            && (self.name.len() <= 16 || self.name == other.name)
    }
}

/// getPodsToDelete: the first `diff` pods in deletion order (no sorting when
/// all of them go). Ties keep the input order.
pub fn get_pods_to_delete<'a>(pods: &[&'a Pod], related_pods: &[&Pod], diff: usize, now: Time) -> Vec<&'a Pod> {
    pods_to_delete(pods, related_pods, diff, now).into_iter().map(|at| pods[at as usize]).collect()
}

/// [`get_pods_to_delete`] as indexes into `pods` (for a caller that
/// holds more about each pod, its key for one).
pub fn pods_to_delete(pods: &[&Pod], related_pods: &[&Pod], diff: usize, now: Time) -> Vec<u32> {
    if diff >= pods.len() {
        return (0..pods.len() as u32).collect();
    }
    let ranks = rank_pods(pods, related_pods);
    let mut ranked = ranked_pods(pods, ranks);
    let (now, gates) = (instant(Some(now)), ScaleDownGates::default());
    if let Some(order) = order_by_classes(&ranked, gates) {
        return order.into_iter().take(diff).collect();
    }
    sort_by_less(&mut ranked, &|a: &RankedPod, b: &RankedPod| a.deleted_before(b, now, gates));
    ranked.into_iter().take(diff).map(|ranked| ranked.at).collect()
}

fn ranked_pods<'a>(pods: &[&'a Pod], ranks: Vec<i32>) -> Vec<RankedPod<'a>> {
    pods.iter().zip(0..).zip(ranks).map(|((pod, at), rank)| RankedPod::of(pod, at, rank)).collect()
}

/// Rules 1-5 of [`RankedPod::deleted_before`] as a key: tuples compare
/// field by field, as the rules are tried in turn.
type ClassKey = (bool, i32, bool, i32, std::cmp::Reverse<i32>);

/// Rules 6-8 read these, and nothing else, once rules 1-5 tie.
type Tail = (Option<i64>, i32, Option<i64>);

/// Classes beyond this many go to the merge sort (a class is found by a
/// binary search and added by an insertion into a sorted list).
const MAX_CLASSES: usize = 64;

/// The merge sort's order without sorting, where the input allows it:
/// when the pods that tie on rules 1-5 (a class) also read the same for
/// rules 6-8 (ready time, restarts, creation), `deleted_before` is false
/// both ways within a class, so it is the strict weak order of the class
/// key alone. For a strict weak order every stable sort returns the same
/// permutation, the one a merge sort returns: the classes by key, each
/// in input order. That is a counting sort over the classes. None (the
/// caller sorts) when two pods of a class differ in rules 6-8, where
/// `deleted_before` need not be a strict weak order (log buckets and UID
/// tie-breaks), or when there are too many classes. Returns indexes.
fn order_by_classes(ranked: &[RankedPod], gates: ScaleDownGates) -> Option<Vec<u32>> {
    let key = |pod: &RankedPod| -> ClassKey {
        let cost = if gates.pod_deletion_cost { pod.cost } else { 0 };
        (pod.assigned, pod.phase, pod.ready, cost, std::cmp::Reverse(pod.rank))
    };
    let tail = |pod: &RankedPod| -> Tail { (pod.ready_since, pod.restarts, pod.created) };
    // The classes as met, each with its tail and size; their ids in key
    // order.
    let mut classes: Vec<(ClassKey, Tail, u32)> = Vec::new();
    let mut by_key: Vec<u32> = Vec::new();
    let mut class_of = Vec::with_capacity(ranked.len());
    for pod in ranked {
        let key = key(pod);
        let id = match by_key.binary_search_by(|&id| classes[id as usize].0.cmp(&key)) {
            Ok(at) if classes[by_key[at] as usize].1 == tail(pod) => by_key[at],
            Ok(_) => return None,
            Err(_) if classes.len() == MAX_CLASSES => return None,
            Err(at) => {
                let id = classes.len() as u32;
                classes.push((key, tail(pod), 0));
                by_key.insert(at, id);
                id
            }
        };
        classes[id as usize].2 += 1;
        class_of.push(id);
    }
    // Each class's first place in the order, then the pods in input order.
    let mut next = vec![0; classes.len()];
    let mut place = 0;
    for &id in &by_key {
        next[id as usize] = place;
        place += classes[id as usize].2;
    }
    let mut order = vec![0; ranked.len()];
    for (at, id) in class_of.into_iter().enumerate() {
        order[next[id as usize] as usize] = at as u32;
        next[id as usize] += 1;
    }
    Some(order)
}

/// The batch sizes slowStartBatch would run when every call succeeds:
/// `initial`, then each twice the previous, the last cut to what remains.
pub fn slow_start_batch_sizes(count: usize, initial_batch_size: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut remaining = count;
    let mut batch = remaining.min(initial_batch_size);
    while batch > 0 {
        sizes.push(batch);
        remaining -= batch;
        batch = batch.saturating_mul(2).min(remaining);
    }
    sizes
}

/// slowStartBatch: calls `f` in batches of growing size (see
/// [`slow_start_batch_sizes`]); every call of a batch is made, and after a
/// batch with a failure no further batch starts. Returns the successes and
/// the first error. (Upstream runs a batch's calls in parallel; here they
/// run in order.)
pub fn slow_start_batch(
    count: usize,
    initial_batch_size: usize,
    mut f: impl FnMut() -> Result<(), String>,
) -> (usize, Option<String>) {
    let mut successes = 0;
    for batch in slow_start_batch_sizes(count, initial_batch_size) {
        let mut first_error = None;
        for _ in 0..batch {
            match f() {
                Ok(()) => successes += 1,
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if first_error.is_some() {
            return (successes, first_error);
        }
    }
    (successes, None)
}

/// What one manageReplicas pass does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplicaPlan {
    /// As many active pods as replicas.
    InSync,
    /// Create `count` pods (at most [`BURST_REPLICAS`]) in slow-start
    /// `batches`; the rest wait for the next sync.
    Create { count: usize, batches: Vec<usize> },
    /// Delete `count` pods (at most [`BURST_REPLICAS`]), chosen by
    /// [`get_pods_to_delete`].
    Delete { count: usize },
}

/// manageReplicas' arithmetic: `diff = active − spec.replicas`, capped at
/// burstReplicas either way (and, for a negative `spec_replicas` that
/// validation never lets through, at the pods there are).
pub fn manage_replicas_plan(spec_replicas: i32, active_pods: usize) -> ReplicaPlan {
    let active = i64::try_from(active_pods).unwrap_or(i64::MAX);
    let diff = active - i64::from(spec_replicas);
    let burst = BURST_REPLICAS as i64;
    if diff < 0 {
        let count = (-diff).min(burst) as usize;
        ReplicaPlan::Create { count, batches: slow_start_batch_sizes(count, SLOW_START_INITIAL_BATCH_SIZE) }
    } else if diff > 0 {
        ReplicaPlan::Delete { count: diff.min(burst).min(active) as usize }
    } else {
        ReplicaPlan::InSync
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::ContainerStatus;

    const HOUR_MS: i64 = 3_600_000;
    /// A fixed "now" (2026-01-31T00:00:00Z); "then" is a month (31 days) before,
    /// as upstream's now.AddDate(0, -1, 0) is in January.
    const NOW: i64 = 1_769_817_600_000;
    const MONTH_MS: i64 = 31 * 24 * HOUR_MS;

    fn time(ms: i64) -> Option<Time> {
        Some(Time::from_unix_ms(ms))
    }

    /// Upstream's `pod(...)` helper of TestSortingActivePodsWithRanks: a ready
    /// pod gets a Ready condition and one container with `restarts`.
    fn pod(
        name: &str,
        node: &str,
        phase: &str,
        ready: bool,
        restarts: i32,
        ready_since: Option<i64>,
        created: Option<i64>,
    ) -> Pod {
        let mut pod = Pod::default();
        pod.metadata.name = Some(name.to_string());
        pod.metadata.creation_timestamp = created.map(Time::from_unix_ms);
        pod.spec.node_name = Some(crate::api::Str::copy(node)).filter(|n| !n.is_empty());
        pod.status.phase = phase.to_string().into();
        if ready {
            pod.status.conditions.push(Condition {
                condition_type: "Ready".into(),
                status: "True".into(),
                last_transition_time: ready_since.map(Time::from_unix_ms),
                ..Condition::default()
            });
            pod.status.container_statuses.push(ContainerStatus { restart_count: restarts, ..Default::default() });
        }
        pod
    }

    fn with_cost(mut pod: Pod, cost: &str) -> Pod {
        pod.metadata.annotations.insert(POD_DELETION_COST_ANNOTATION.to_string(), cost.to_string());
        pod
    }

    struct Pods {
        unscheduled: Pod,
        scheduled_pending: Pod,
        unknown_phase: Pod,
        running_not_ready: Pod,
        ready_no_ltt: Pod,
        ready_now: Pod,
        ready_then: Pod,
        ready_now_high_restarts: Pod,
        ready_now_created_then: Pod,
        low_deletion_cost: Pod,
        high_deletion_cost: Pod,
        unscheduled_5_hours: Pod,
        unscheduled_8_hours: Pod,
        ready_2_hours: Pod,
        ready_5_hours: Pod,
        ready_8_hours: Pod,
    }

    fn pods() -> Pods {
        let (now, then) = (Some(NOW), Some(NOW - MONTH_MS));
        let hours = |h: i64| Some(NOW - h * HOUR_MS);
        Pods {
            unscheduled: pod("unscheduled", "", "Pending", false, 0, None, None),
            scheduled_pending: pod("pending", "node", "Pending", false, 0, None, None),
            unknown_phase: pod("unknown-phase", "node", "Unknown", false, 0, None, None),
            running_not_ready: pod("not-ready", "node", "Running", false, 0, None, None),
            ready_no_ltt: pod("ready-no-last-transition-time", "node", "Running", true, 0, None, None),
            ready_now: pod("ready-now", "node", "Running", true, 0, now, now),
            ready_then: pod("ready-then", "node", "Running", true, 0, then, then),
            ready_now_high_restarts: pod("ready-high-restarts", "node", "Running", true, 9001, now, now),
            ready_now_created_then: pod("ready-now-created-then", "node", "Running", true, 0, now, then),
            low_deletion_cost: with_cost(pod("low-deletion-cost", "node", "Running", true, 0, now, then), "10"),
            high_deletion_cost: with_cost(pod("high-deletion-cost", "node", "Running", true, 0, now, then), "100"),
            unscheduled_5_hours: pod("unscheduled-5-hours", "", "Pending", false, 0, hours(5), hours(5)),
            unscheduled_8_hours: pod("unscheduled-10-hours", "", "Pending", false, 0, hours(8), hours(8)),
            ready_2_hours: pod("ready-2-hours", "", "Running", true, 0, hours(2), then),
            ready_5_hours: pod("ready-5-hours", "", "Running", true, 0, hours(5), then),
            ready_8_hours: pod("ready-10-hours", "", "Running", true, 0, hours(8), then),
        }
    }

    /// rs.podrank.01-16 (TestSortingActivePodsWithRanks, "Inequality tests
    /// 0-15"; the conformance file lists 01, 02, 04, 05, 07, 08, 11-16).
    #[test]
    fn ranked_inequalities() {
        let p = pods();
        let on = ScaleDownGates::default();
        let no_cost = ScaleDownGates { pod_deletion_cost: false, ..on };
        let cases: [(&str, &Pod, i32, &Pod, i32, ScaleDownGates); 16] = [
            ("rs.podrank.01", &p.unscheduled, 1, &p.scheduled_pending, 2, on),
            ("rs.podrank.02", &p.unscheduled, 2, &p.scheduled_pending, 1, on),
            ("rs.podrank.03", &p.scheduled_pending, 1, &p.unknown_phase, 2, on),
            ("rs.podrank.04", &p.unknown_phase, 1, &p.running_not_ready, 2, on),
            ("rs.podrank.05", &p.running_not_ready, 1, &p.ready_no_ltt, 1, on),
            ("rs.podrank.06", &p.ready_no_ltt, 1, &p.ready_now, 1, on),
            ("rs.podrank.07", &p.ready_now, 2, &p.ready_no_ltt, 1, on),
            ("rs.podrank.08", &p.ready_now, 1, &p.ready_then, 1, on),
            ("rs.podrank.09", &p.ready_now, 2, &p.ready_then, 1, on),
            ("rs.podrank.10", &p.ready_now_high_restarts, 1, &p.ready_now, 1, on),
            ("rs.podrank.11", &p.ready_now, 2, &p.ready_now_high_restarts, 1, on),
            ("rs.podrank.12", &p.ready_now, 1, &p.ready_now_created_then, 1, on),
            ("rs.podrank.13", &p.ready_now_created_then, 2, &p.ready_now, 1, on),
            ("rs.podrank.14", &p.low_deletion_cost, 2, &p.high_deletion_cost, 1, on),
            ("rs.podrank.15", &p.high_deletion_cost, 2, &p.low_deletion_cost, 1, no_cost),
            ("rs.podrank.16", &p.ready_2_hours, 1, &p.ready_5_hours, 1, on),
        ];
        let now = Time::from_unix_ms(NOW);
        for (id, lesser, lesser_rank, greater, greater_rank, gates) in cases {
            assert!(active_pods_with_ranks_less_gated(lesser, lesser_rank, greater, greater_rank, now, gates), "{id}");
            assert!(!active_pods_with_ranks_less_gated(greater, greater_rank, lesser, lesser_rank, now, gates), "{id}");
        }
        // rs.podrank.15 needs the PodDeletionCost gate off: with it on the
        // cheaper pod goes first whatever the ranks.
        assert!(active_pods_with_ranks_less(&p.low_deletion_cost, 1, &p.high_deletion_cost, 2, now));
    }

    /// rs.podrank.eq.01-02 and the self-equalities (TestSortingActivePodsWithRanks,
    /// "Equality tests 0-10").
    #[test]
    fn ranked_equalities() {
        let p = pods();
        let cases: [(&str, &Pod, &Pod); 11] = [
            ("0", &p.unscheduled, &p.unscheduled),
            ("1", &p.scheduled_pending, &p.scheduled_pending),
            ("2", &p.unknown_phase, &p.unknown_phase),
            ("3", &p.running_not_ready, &p.running_not_ready),
            ("4", &p.ready_now_created_then, &p.ready_now_created_then),
            ("5", &p.ready_now, &p.ready_now),
            ("6", &p.ready_then, &p.ready_then),
            ("7", &p.ready_now_high_restarts, &p.ready_now_high_restarts),
            ("8", &p.ready_now_created_then, &p.ready_now_created_then),
            ("rs.podrank.eq.01", &p.unscheduled_5_hours, &p.unscheduled_8_hours),
            ("rs.podrank.eq.02", &p.ready_5_hours, &p.ready_8_hours),
        ];
        let now = Time::from_unix_ms(NOW);
        for (id, a, b) in cases {
            assert!(!active_pods_with_ranks_less(a, 1, b, 1, now), "{id}");
            assert!(!active_pods_with_ranks_less(b, 1, a, 1, now), "{id}");
        }
        // Without LogarithmicScaleDown the more recent one goes first.
        let off = ScaleDownGates { logarithmic_scale_down: false, ..ScaleDownGates::default() };
        assert!(active_pods_with_ranks_less_gated(&p.ready_5_hours, 1, &p.ready_8_hours, 1, now, off));
    }

    /// Spec §5.2 rule 6's examples, and the UID tie-break inside a bucket.
    #[test]
    fn log_buckets_and_uid_tie_break() {
        for (hours, bucket) in [(2, 42), (5, 44), (8, 44)] {
            assert_eq!(logarithmic_rank(NOW - hours * HOUR_MS, NOW), bucket, "{hours}h");
        }
        assert_eq!(logarithmic_rank(NOW, NOW), -1);
        assert_eq!(logarithmic_rank(NOW + 1, NOW), -1);
        let p = pods();
        let (mut a, mut b) = (p.ready_5_hours.clone(), p.ready_8_hours.clone());
        a.metadata.uid = Some("b".to_string());
        b.metadata.uid = Some("a".to_string());
        // Restarts would decide if consulted; the UID decides instead.
        a.status.container_statuses[0].restart_count = 5;
        let now = Time::from_unix_ms(NOW);
        assert!(active_pods_with_ranks_less(&b, 1, &a, 1, now));
        assert!(!active_pods_with_ranks_less(&a, 1, &b, 1, now));
    }

    /// rs.podsort.01 (TestSortingActivePods): every rotation and the reverse
    /// of the expected order sort back to it.
    #[test]
    fn sort_active_pods_order() {
        let (now, then) = (NOW, NOW - MONTH_MS);
        let mk = |name: &str, node: &str, phase: &str, ready: Option<Option<i64>>, restarts: &[i32], created| {
            let mut p = pod(name, node, phase, false, 0, None, created);
            if let Some(since) = ready {
                p.status.conditions.push(Condition {
                    condition_type: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: since.map(Time::from_unix_ms),
                    ..Condition::default()
                });
            }
            p.status.container_statuses =
                restarts.iter().map(|r| ContainerStatus { restart_count: *r, ..Default::default() }).collect();
            p
        };
        let expected = [
            mk("unscheduled", "", "Pending", None, &[], None),
            mk("scheduledButPending", "bar", "Pending", None, &[], None),
            mk("unknownPhase", "foo", "Unknown", None, &[], None),
            mk("runningButNotReady", "foo", "Running", None, &[], None),
            mk("runningNoLastTransitionTime", "foo", "Running", Some(None), &[3, 0], None),
            mk("runningWithLastTransitionTime", "foo", "Running", Some(Some(now)), &[3, 0], None),
            mk("runningLongerTime", "foo", "Running", Some(Some(then)), &[3, 0], None),
            mk("lowerContainerRestartCount", "foo", "Running", Some(Some(then)), &[2, 1], Some(now)),
            mk("oldest", "foo", "Running", Some(Some(then)), &[2, 1], Some(then)),
        ];
        let names = |pods: &[&Pod]| pods.iter().map(|p| p.metadata.name().to_string()).collect::<Vec<_>>();
        let want = names(&expected.iter().collect::<Vec<_>>());
        for shift in 0..expected.len() {
            let mut pods: Vec<&Pod> = expected.iter().collect();
            pods.rotate_left(shift);
            if shift % 2 == 1 {
                pods.reverse();
            }
            sort_active_pods(&mut pods);
            assert_eq!(names(&pods), want, "rotation {shift}");
        }
    }

    /// The class order (no sort) is the merge sort's order whenever it
    /// answers: random pods drawn from few values, so classes tie often,
    /// sometimes with the same rules 6-8 and sometimes not.
    #[test]
    fn class_order_is_the_merge_sort_order() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut draw = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let (mut answered, mut declined) = (0, 0);
        for round in 0..400 {
            // Early rounds vary only rules 1-5; later ones rules 6-8 too.
            let spread = if round < 200 { 1 } else { 3 };
            let pods: Vec<Pod> = (0..1 + draw(40))
                .map(|i| {
                    let node = ["", "n1", "n2", "n3"][draw(4) as usize];
                    let phase = ["Pending", "Running", "Unknown"][draw(3) as usize];
                    let since = Some(NOW - draw(spread) as i64 * HOUR_MS);
                    let created = Some(NOW - draw(spread) as i64 * MONTH_MS);
                    let restarts = draw(spread) as i32;
                    let mut p = pod(&format!("p{i}"), node, phase, draw(2) == 0, restarts, since, created);
                    p.metadata.uid = Some(format!("{:02}", draw(100)));
                    if draw(4) == 0 { with_cost(p, ["-1", "5"][draw(2) as usize]) } else { p }
                })
                .collect();
            let refs: Vec<&Pod> = pods.iter().collect();
            let ranks = rank_pods(&refs, &refs);
            let ranked = ranked_pods(&refs, ranks);
            let (now, gates) = (Some(NOW), ScaleDownGates::default());
            let Some(order) = order_by_classes(&ranked, gates) else {
                declined += 1;
                continue;
            };
            answered += 1;
            let mut sorted = ranked.clone();
            sort_by_less(&mut sorted, &|a: &RankedPod, b: &RankedPod| a.deleted_before(b, now, gates));
            let names =
                |pods: &mut dyn Iterator<Item = &Pod>| pods.map(|p| p.metadata.name().to_string()).collect::<Vec<_>>();
            assert_eq!(
                names(&mut order.iter().map(|&at| refs[ranked[at as usize].at as usize])),
                names(&mut sorted.iter().map(|r| refs[r.at as usize])),
                "round {round}"
            );
        }
        assert!(answered > 150 && declined > 50, "{answered} answered, {declined} declined");
    }

    /// rank_pods and get_pods_to_delete: doubled-up pods go first; all go
    /// unsorted when diff covers them.
    #[test]
    fn ranks_and_pods_to_delete() {
        let now = Time::from_unix_ms(NOW);
        let ready =
            |name: &str, node: &str| pod(name, node, "Running", true, 0, Some(NOW - HOUR_MS), Some(NOW - HOUR_MS));
        let (a, b, c) = (ready("a", "n1"), ready("b", "n2"), ready("c", "n2"));
        let mut other = ready("other-rs", "n1");
        other.metadata.rare_mut().deletion_timestamp = time(NOW);
        let third = ready("third-rs", "n2");
        let pods = [&a, &b, &c];
        assert_eq!(rank_pods(&pods, &[&a, &b, &c, &other, &third]), vec![1, 3, 3]);
        let victims = get_pods_to_delete(&pods, &[&a, &b, &c, &other, &third], 2, now);
        assert_eq!(victims.iter().map(|p| p.metadata.name()).collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(pods_to_delete(&pods, &[&a, &b, &c, &other, &third], 2, now), [1, 2]);
        assert_eq!(pods_to_delete(&pods, &[], 5, now), [0, 1, 2]);
        let everything = get_pods_to_delete(&pods, &[], 5, now);
        assert_eq!(everything.len(), 3);
        // Not-ready pods go before doubled-up ready ones.
        let pending = pod("p", "n1", "Pending", false, 0, None, None);
        let victims = get_pods_to_delete(&[&a, &b, &pending], &[&a, &b, &c, &pending], 1, now);
        assert_eq!(victims[0].metadata.name(), "p");
    }

    /// The node counts' hash table counts as comparing names would: many
    /// nodes (the table grows), long names that share their first 16
    /// bytes, names that differ only in length or in a zero byte, the
    /// unscheduled together, a pod's node that no related pod is on.
    #[test]
    fn ranks_count_by_node_name() {
        let long = "a-rather-long-node-name-";
        let mut names: Vec<String> = (0..300).map(|i| format!("node-{i}")).collect();
        names.extend((0..40).map(|i| format!("{long}{i}")));
        names.extend(["", "n", "n\0", "n\0\0", long, &long[..16], &long[..17]].map(String::from));
        let pods: Vec<Pod> = (0..2000)
            .map(|i| {
                let node = &names[(i * 7919) % names.len()];
                pod(&format!("p{i}"), node, "Running", true, 0, None, None)
            })
            .collect();
        let related: Vec<&Pod> = pods.iter().collect();
        let mut mine: Vec<&Pod> = related.iter().copied().step_by(3).collect();
        let elsewhere = pod("x", "nowhere", "Running", true, 0, None, None);
        mine.push(&elsewhere);
        let naive: Vec<i32> =
            mine.iter().map(|a| related.iter().filter(|b| node_name(a) == node_name(b)).count() as i32).collect();
        assert_eq!(rank_pods(&mine, &related), naive);
        assert_eq!(naive.last(), Some(&0));
    }

    /// GetDeletionCostFromPodAnnotations.
    #[test]
    fn deletion_cost_parsing() {
        let cases: [(&str, Result<i32, ()>); 9] = [
            ("10", Ok(10)),
            ("-10", Ok(-10)),
            ("0", Ok(0)),
            ("+10", Err(())),
            ("008", Err(())),
            ("", Err(())),
            ("2147483648", Err(())),
            ("-2147483648", Ok(i32::MIN)),
            ("1.5", Err(())),
        ];
        for (value, expected) in cases {
            let mut annotations = BTreeMap::new();
            annotations.insert(POD_DELETION_COST_ANNOTATION.to_string(), value.to_string());
            assert_eq!(get_deletion_cost_from_pod_annotations(&annotations).map_err(|_| ()), expected, "{value:?}");
        }
        assert_eq!(get_deletion_cost_from_pod_annotations(&BTreeMap::new()), Ok(0));
    }

    /// rs.slowstart.01-03 (TestSlowStartBatch).
    #[test]
    fn slow_start_batch_table() {
        let cases = [
            ("rs.slowstart.01", 10, 0, 0, true, 1),
            ("rs.slowstart.02", 10, 10, 10, false, 10),
            ("rs.slowstart.03", 10, 5, 5, true, 7),
        ];
        for (id, count, succeed_first, successes, error, calls) in cases {
            let mut made = 0;
            let (got, err) = slow_start_batch(count, 1, || {
                made += 1;
                if made <= succeed_first { Ok(()) } else { Err(format!("fake error {made}")) }
            });
            assert_eq!((got, err.is_some(), made), (successes, error, calls), "{id}");
        }
        let (_, err) = slow_start_batch(10, 1, || Err("boom".to_string()));
        assert_eq!(err.as_deref(), Some("boom"));
    }

    /// rs.slowstart.04 (derived) and edge cases.
    #[test]
    fn slow_start_batch_sizes_table() {
        assert_eq!(slow_start_batch_sizes(25, 1), vec![1, 2, 4, 8, 10]);
        assert_eq!(slow_start_batch_sizes(10, 1), vec![1, 2, 4, 3]);
        assert_eq!(slow_start_batch_sizes(0, 1), Vec::<usize>::new());
        assert_eq!(slow_start_batch_sizes(5, 0), Vec::<usize>::new());
        assert_eq!(slow_start_batch_sizes(3, 10), vec![3]);
    }

    /// rs.burst.01 (derived): one sync creates at most 500 pods.
    #[test]
    fn burst_replicas_cap() {
        assert_eq!(
            manage_replicas_plan(1000, 0),
            ReplicaPlan::Create { count: 500, batches: vec![1, 2, 4, 8, 16, 32, 64, 128, 245] }
        );
        assert_eq!(
            manage_replicas_plan(1000, 500),
            ReplicaPlan::Create { count: 500, batches: vec![1, 2, 4, 8, 16, 32, 64, 128, 245] }
        );
        assert_eq!(manage_replicas_plan(3, 1), ReplicaPlan::Create { count: 2, batches: vec![1, 1] });
        assert_eq!(manage_replicas_plan(3, 3), ReplicaPlan::InSync);
        assert_eq!(manage_replicas_plan(0, 700), ReplicaPlan::Delete { count: 500 });
        assert_eq!(manage_replicas_plan(2, 5), ReplicaPlan::Delete { count: 3 });
        assert_eq!(manage_replicas_plan(-5, 2), ReplicaPlan::Delete { count: 2 });
    }

    /// Spec §5.3: ready and available (strictly after minReadySeconds).
    #[test]
    fn readiness_and_availability() {
        let since = NOW - 10_000;
        let p = pod("p", "n", "Running", true, 0, Some(since), None);
        let now = Time::from_unix_ms(NOW);
        assert!(is_pod_ready(&p));
        let cases = [(0, NOW, true), (5, NOW, true), (10, NOW, false), (10, NOW + 1, true), (11, NOW, false)];
        for (min_ready, at, expected) in cases {
            assert_eq!(is_pod_available(&p, min_ready, Time::from_unix_ms(at)), expected, "{min_ready} {at}");
        }
        // No lastTransitionTime: available only with minReadySeconds 0.
        let no_ltt = pod("p", "n", "Running", true, 0, None, None);
        assert!(is_pod_available(&no_ltt, 0, now));
        assert!(!is_pod_available(&no_ltt, 1, now));
        // Not ready, or Ready=False.
        let mut not_ready = p.clone();
        not_ready.status.conditions[0].status = "False".into();
        assert!(!is_pod_ready(&not_ready));
        assert!(!is_pod_available(&not_ready, 0, now));
        assert!(!is_pod_ready(&Pod::default()));
        assert!(is_pod_active(&p));
        let mut done = p.clone();
        done.status.phase = "Succeeded".into();
        assert!(!is_pod_active(&done));
    }
}
