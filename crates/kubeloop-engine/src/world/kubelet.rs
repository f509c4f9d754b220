//! The kubelet of every node, as one simulation: it starts the containers
//! of bound pods, runs the app behind each image (from `App` documents, or
//! the healthy default), probes with the tested `ProbeWorker` (startup,
//! liveness, readiness), restarts exited containers with the tested
//! CrashLoopBackOff schedule (`kubelet::backoff`), OOM-kills containers whose
//! memory passes their limit, applies the container faults, and stops pods
//! being deleted.
//!
//! The simulated app (spec §6):
//! - It starts `CONTAINER_START_MS` after binding (restarts at once: the
//!   image is present), serves `startupSeconds` later, and exits by itself
//!   `crash.afterSeconds` after each start when the App says so (exit code
//!   `crash.exitCode`: `Error`, or `Completed` for 0).
//! - It honours SIGTERM: killed for a failed liveness or startup probe, it
//!   exits `SHUTDOWN_MS` later with code 0 (`Completed`, as nginx and most
//!   servers with a shutdown handler do; the grace period, at least 2 s, is
//!   never reached). `Fault::KillPod` is `kill -9`: 137, `Error`, at once.
//! - Its memory is `traffic::pod_usage` (the App's baseline + perRequest ×
//!   the rate it serves) + `Fault::ExtraMemory`, counted once it serves;
//!   above the container's memory limit it is OOM-killed (137, `OOMKilled`).
//! - Its checks answer the App's `endpoints` statuses (or a fault's):
//!   readiness probes the readiness endpoint, liveness and startup probes
//!   the liveness endpoint; before it serves every probe is refused.
//!
//! Probe ticks follow each worker's period grid, but a worker whose outcome
//! cannot change (its result and last outcome pass and the app passes, it is
//! on hold, or its container is not running) is not woken: its skipped ticks
//! change nothing, and `catch_up` moves its clock past them before anything
//! that could wake it.
//!
//! Simplifications, to be lifted as the engine grows (docs/engine-plan.md):
//! the first container alone runs the app, is probed, crashes, is killed and
//! restarts (its readiness decides every container's `ready`); restarts
//! report `Container image ... already present on machine`; one BackOff event
//! per back-off window (upstream repeats it at every pod sync).

use super::World;
use super::events::{EventType, Report};
use super::hash_index::{IdTable, hash_parts};
use super::store::Key;
use crate::api::core::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting, ContainerStatus,
    Pod, Probe,
};
use crate::api::playground::App;
use crate::api::{Condition, Object, Str, Time};
use crate::kubelet::backoff::{
    BACK_OFF_EVENT_REASON, ContainerRestarts, OOM_KILLED_EXIT_CODE, RestartDecision, back_off_event_message,
    container_terminated_reason, crash_loop_waiting_state,
};
use crate::kubelet::images::{POD_WORKER_RETRY_MS, PullBackOff};
use crate::kubelet::prober::{
    KILLING_EVENT_REASON, ProbeKind, ProbeOutcome, ProbeResult, ProbeWorker, UNHEALTHY_EVENT_REASON,
    http_probe_failure_output, probe_failed_event_message,
};
use crate::kubelet::status::get_phase;
use crate::lean::VecMap;
use std::collections::BTreeMap;

const SOURCE: &str = "kubelet";
/// From bound to running: image pull and container creation.
const CONTAINER_START_MS: i64 = 1_000;
/// How long a healthy app takes to exit after SIGTERM.
const SHUTDOWN_MS: i64 = 1_000;
/// `kill -9`.
const SIGKILL_EXIT_CODE: i32 = 137;

/// How a probe checks the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CheckKind {
    #[default]
    Http,
    Tcp,
    Exec,
    Grpc,
}

/// One probe of the pod's container: the tested worker plus what the
/// kubelet needs to run it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeState {
    pub worker: ProbeWorker,
    pub period_ms: i64,
    pub check: CheckKind,
    /// The probe's output while the app does not listen yet.
    pub refused_output: String,
    /// The last outcome the worker counted passed (the worker's own
    /// `lastResult`, which starts as Success).
    pub passed: bool,
}

/// A pending exit of the running container.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PendingExit {
    pub at_ms: i64,
    pub exit_code: i32,
}

/// What the kubelet keeps about a pod between ticks. Its `Debug` (in the
/// world's digest) shows the back-offs in place, as if held inline.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PodRuntime {
    /// When the current container instance started (or the next one starts).
    pub start_at_ms: i64,
    /// An instance starts at `start_at_ms` (the first, or a restart).
    pub pending_start: bool,
    /// The container is running.
    pub started: bool,
    /// Instances started so far (restartCount + 1).
    pub instances: i32,
    /// When the app answers requests (container start + its startup time).
    pub serving_at_ms: i64,
    pub startup_ms: i64,
    /// `crash.afterSeconds` in ms and `crash.exitCode`, from the App.
    /// Boxed: few Apps crash.
    pub crash: Option<Box<PendingExit>>,
    /// When the running instance exits, and how.
    pub exit: Option<PendingExit>,
    /// When the last instance exited.
    pub finished_at_ms: i64,
    /// The container's restart back-off and the image pull back-off.
    pub backoffs: Backoffs,
    /// The HTTP status its readiness check answers once serving.
    pub readiness_status: i32,
    /// The HTTP status its liveness check answers once serving.
    pub liveness_status: i32,
    /// Memory added by `Fault::ExtraMemory`.
    pub extra_memory_bytes: i64,
    /// The container's memory limit, if any.
    pub memory_limit_bytes: Option<i64>,
    /// The startup probe succeeded (or there is none).
    pub startup_done: bool,
    /// Boxed: most pods have at most one probe, and a runtime is kept per pod.
    pub startup: Option<Box<ProbeState>>,
    pub liveness: Option<Box<ProbeState>>,
    pub readiness: Option<Box<ProbeState>>,
    pub stop_at_ms: Option<i64>,
    pub pod_ip: String,
    /// The App says the image does not exist (`pull: NotFound`).
    pub image_not_found: bool,
}

impl std::fmt::Debug for PodRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backoffs = self.backoffs.get();
        let (restarts, pull_back_off) = &*backoffs;
        f.debug_struct("PodRuntime")
            .field("start_at_ms", &self.start_at_ms)
            .field("pending_start", &self.pending_start)
            .field("started", &self.started)
            .field("instances", &self.instances)
            .field("serving_at_ms", &self.serving_at_ms)
            .field("startup_ms", &self.startup_ms)
            .field("crash", &self.crash)
            .field("exit", &self.exit)
            .field("finished_at_ms", &self.finished_at_ms)
            .field("restarts", restarts)
            .field("readiness_status", &self.readiness_status)
            .field("liveness_status", &self.liveness_status)
            .field("extra_memory_bytes", &self.extra_memory_bytes)
            .field("memory_limit_bytes", &self.memory_limit_bytes)
            .field("startup_done", &self.startup_done)
            .field("startup", &self.startup)
            .field("liveness", &self.liveness)
            .field("readiness", &self.readiness)
            .field("stop_at_ms", &self.stop_at_ms)
            .field("pod_ip", &self.pod_ip)
            .field("image_not_found", &self.image_not_found)
            .field("pull_back_off", pull_back_off)
            .finish()
    }
}

/// A runtime's restart and image pull back-offs: absent, and so as new,
/// until the container first restarts or fails a pull (most pods never
/// do, and two back-offs are ~100 bytes). Absent equals as new.
#[derive(Clone, Default)]
pub struct Backoffs(Option<Box<(ContainerRestarts, PullBackOff)>>);

impl Backoffs {
    /// Both, as new when absent.
    pub fn get(&self) -> std::borrow::Cow<'_, (ContainerRestarts, PullBackOff)> {
        match &self.0 {
            Some(both) => std::borrow::Cow::Borrowed(both),
            None => std::borrow::Cow::Owned(Default::default()),
        }
    }

    /// Both, to change (made when absent).
    pub fn get_mut(&mut self) -> &mut (ContainerRestarts, PullBackOff) {
        self.0.get_or_insert_default()
    }
}

impl PartialEq for Backoffs {
    fn eq(&self, other: &Backoffs) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a == b,
            (None, None) => true,
            _ => self.get() == other.get(),
        }
    }
}

impl Eq for Backoffs {}

/// Faults aimed at a Deployment (for its pods to come) or at a pod not yet
/// running.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppFaults {
    pub readiness_status: Option<i32>,
    pub liveness_status: Option<i32>,
    pub extra_memory_bytes: Option<i64>,
}

/// Every pod the kubelets are running, by pod key, and the faults by
/// Deployment or pod key. Every change to a runtime goes through
/// `get_mut`/`insert`/`remove` (or `take_out`/`put_back`), which note it,
/// so the timer queue and the OOM checks visit only the runtimes that
/// changed. What the queue and the checks need is kept with each runtime,
/// so noting a change costs no search of its own: one lookup of the pod
/// serves the runtime and its bookkeeping.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Runtimes {
    pods: Entries,
    faults: VecMap<Key, AppFaults>,
    /// (instant, number) -> pod: a lower bound of each runtime's next
    /// timer. Dormant probes only grow more dormant as time passes, so a
    /// bound computed earlier is never late; `fire` checks it again before
    /// acting. Numbered so that pods due at the same instant order by an
    /// integer rather than by their keys.
    timers: BTreeMap<Timer, Key>,
    next_timer_number: u64,
    /// Changed since the timers were last brought up to date (each once:
    /// its entry's `touched` says whether it is listed).
    touched: Vec<Key>,
    /// Changed since the last OOM check (those with a memory limit, each
    /// once), or every runtime when the load or the apps changed.
    oom_check: Vec<Key>,
    oom_check_all: bool,
    /// Some runtime has had a memory limit (until then no write needs a
    /// memory check: routing skips the search for a pod's runtime).
    limits_memory: bool,
}

/// A place in the timer queue: (instant, number). The number is never 0,
/// so that an `Option<Timer>` takes no more room than a `Timer`.
type Timer = (i64, std::num::NonZeroU64);

/// A runtime and its place in the kubelet's queues.
#[derive(Clone, PartialEq, Eq)]
struct Entry {
    /// Its pod's key (what a key's slot hint is checked against).
    key: Key,
    /// The key's hash (where the index puts it).
    hash: u32,
    runtime: PodRuntime,
    /// Its entry in `timers`, if it has one.
    timer: Option<Timer>,
    touched: bool,
    oom_check: bool,
}

impl Entry {
    /// Notes a change: the timers must be brought up to date and, for a
    /// container with a memory limit (set at admission, never changed),
    /// its memory checked.
    fn note(&mut self, touched: &mut Vec<Key>, oom_check: &mut Vec<Key>) {
        if !self.touched {
            self.touched = true;
            touched.push(self.key.clone());
        }
        self.note_memory(oom_check);
    }

    fn note_memory(&mut self, oom_check: &mut Vec<Key>) {
        if !self.oom_check && self.runtime.memory_limit_bytes.is_some() {
            self.oom_check = true;
            oom_check.push(self.key.clone());
        }
    }
}

/// The entries in slots, as the store keeps its objects, found through
/// a hash index of their keys; a key remembers its entry's slot (a hint,
/// like its store slot, checked against the entry's key), so looking up
/// a key the world already holds (a write's, a timer's, a queued one)
/// costs no search, and looking up one without a runtime (a pod just
/// bound) costs a hash, not a search of a key map. Nothing depends on
/// the index's order: the entries are read in key order by sorting them
/// (the digest, equality, the OOM checks of every runtime).
#[derive(Clone, Default)]
struct Entries {
    /// The entries by slot (`None`: free). Boxed: an entry is large, and
    /// a free slot then costs a pointer.
    slots: Vec<Option<Box<Entry>>>,
    /// Slots freed by removals, reused first.
    free: Vec<u32>,
    /// The slot of each entry, found by its key's hash.
    index: IdTable,
}

/// The hash of the entry in a slot (where the index put it).
fn hash_at(slots: &[Option<Box<Entry>>], slot: u32) -> u32 {
    slots[slot as usize].as_ref().map_or(0, |entry| entry.hash)
}

/// A key's hash for the index (its namespace and name).
fn key_hash(key: &Key) -> u32 {
    hash_parts(&[key.namespace.as_bytes(), key.name.as_bytes()])
}

impl Entries {
    /// The slot of a key's entry: the key's hint if that slot's entry is
    /// this key's, else a lookup in the index (which then becomes the
    /// hint).
    fn find(&self, key: &Key) -> Option<u32> {
        if let Some(slot) = self.hinted(key) {
            return Some(slot);
        }
        let hash = key_hash(key);
        let slot = self.index.find(hash, |slot| self.holds(slot, hash, key))?;
        key.runtime_slot.set(slot);
        Some(slot)
    }

    /// The key's hint, if that slot's entry is this key's.
    fn hinted(&self, key: &Key) -> Option<u32> {
        let hint = key.runtime_slot.get();
        matches!(self.slots.get(hint as usize), Some(Some(entry)) if entry.key == *key).then_some(hint)
    }

    /// Whether the slot holds the entry of this key (of this hash).
    fn holds(&self, slot: u32, hash: u32, key: &Key) -> bool {
        matches!(self.slots.get(slot as usize), Some(Some(entry)) if entry.hash == hash && entry.key == *key)
    }

    fn get(&self, key: &Key) -> Option<&Entry> {
        self.slots[self.find(key)? as usize].as_deref()
    }

    fn get_mut(&mut self, key: &Key) -> Option<&mut Entry> {
        let slot = self.find(key)?;
        self.slots[slot as usize].as_deref_mut()
    }

    /// The key's entry, a new one (with a default runtime) if it has none.
    fn get_or_insert(&mut self, key: &Key) -> &mut Entry {
        let slot = match self.find(key) {
            Some(slot) => slot,
            None => {
                let slot = self.free.pop().unwrap_or(self.slots.len() as u32);
                if slot as usize == self.slots.len() {
                    self.slots.push(None);
                }
                let hash = key_hash(key);
                self.slots[slot as usize] = Some(Box::new(Entry {
                    key: key.clone(),
                    hash,
                    runtime: PodRuntime::default(),
                    timer: None,
                    touched: false,
                    oom_check: false,
                }));
                let Entries { slots, index, .. } = self;
                index.insert(hash, slot, |other| hash_at(slots, other));
                slot
            }
        };
        key.runtime_slot.set(slot);
        self.slots[slot as usize].as_deref_mut().expect("an entry in the slot just found or filled")
    }

    fn remove(&mut self, key: &Key) -> Option<Box<Entry>> {
        let slot = self.find(key)?;
        let hash = self.slots[slot as usize].as_ref()?.hash;
        let Entries { slots, index, .. } = self;
        index.remove(hash, slot, |other| hash_at(slots, other));
        self.free.push(slot);
        self.slots[slot as usize].take()
    }

    /// The entries' slots in key order.
    fn ordered(&self) -> Vec<u32> {
        let mut slots: Vec<u32> =
            (0..self.slots.len() as u32).filter(|&slot| self.slots[slot as usize].is_some()).collect();
        crate::lean::sort_by(&mut slots, |&a, &b| self.key_at(a).cmp(self.key_at(b)));
        slots
    }

    fn key_at(&self, slot: u32) -> &Key {
        &self.slots[slot as usize].as_ref().expect("an indexed slot holds an entry").key
    }

    /// The entries in key order.
    fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.ordered().into_iter().filter_map(|slot| self.slots[slot as usize].as_deref())
    }

    /// Every entry, in no particular order, to change.
    fn for_each_mut(&mut self, visit: impl FnMut(&mut Entry)) {
        self.slots.iter_mut().flatten().map(|entry| &mut **entry).for_each(visit);
    }
}

/// Equal entries in key order: which slot holds which does not matter.
impl PartialEq for Entries {
    fn eq(&self, other: &Entries) -> bool {
        self.index.len() == other.index.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Entries {}

/// The runtimes and faults alone: the rest is derived from them (and from
/// when it was computed), so it stays out of the world's digest.
impl std::fmt::Debug for Runtimes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Pods<'a>(&'a Entries);
        impl std::fmt::Debug for Pods<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_map().entries(self.0.iter().map(|entry| (&entry.key, &entry.runtime))).finish()
            }
        }
        f.debug_struct("Runtimes").field("pods", &Pods(&self.pods)).field("faults", &self.faults).finish()
    }
}

impl Runtimes {
    pub fn get(&self, key: &Key) -> Option<&PodRuntime> {
        self.pods.get(key).map(|entry| &entry.runtime)
    }

    pub(crate) fn get_mut(&mut self, key: &Key) -> Option<&mut PodRuntime> {
        let entry = self.pods.get_mut(key)?;
        entry.note(&mut self.touched, &mut self.oom_check);
        Some(&mut entry.runtime)
    }

    /// Admits a runtime, in its final state for this instant (`now`):
    /// its timer is set at once.
    fn insert(&mut self, key: Key, runtime: PodRuntime, now: i64) {
        self.limits_memory |= runtime.memory_limit_bytes.is_some();
        let entry = self.pods.get_or_insert(&key);
        entry.runtime = runtime;
        entry.note_memory(&mut self.oom_check);
        retime(entry, &mut self.timers, &mut self.next_timer_number, now);
    }

    pub(crate) fn remove(&mut self, key: &Key) -> Option<PodRuntime> {
        let entry = self.pods.remove(key)?;
        if let Some(timer) = entry.timer {
            self.timers.remove(&timer);
        }
        Some(entry.runtime)
    }

    /// Takes a runtime out to change it alongside the world (its place
    /// holds a default runtime until `put_back`).
    fn take_out(&mut self, key: &Key) -> Option<PodRuntime> {
        self.pods.get_mut(key).map(|entry| std::mem::take(&mut entry.runtime))
    }

    /// Puts back what `take_out` took, changed, in its final state for
    /// this instant (`now`): its timer is set at once.
    fn put_back(&mut self, key: &Key, runtime: PodRuntime, now: i64) {
        self.limits_memory |= runtime.memory_limit_bytes.is_some();
        if let Some(entry) = self.pods.get_mut(key) {
            entry.runtime = runtime;
            entry.note_memory(&mut self.oom_check);
            retime(entry, &mut self.timers, &mut self.next_timer_number, now);
        }
    }

    /// The runtime's timer must be brought up to date (it was taken off
    /// the queue and its pod turned out not to be there to fire).
    fn touch(&mut self, key: &Key) {
        if let Some(entry) = self.pods.get_mut(key) {
            entry.note(&mut self.touched, &mut self.oom_check);
        }
    }

    /// This pod's memory must be checked again (its object changed).
    /// Whether it has a runtime.
    pub(crate) fn check_memory(&mut self, key: &Key) -> bool {
        let Some(entry) = self.pods.get_mut(key) else { return false };
        entry.note_memory(&mut self.oom_check);
        true
    }

    /// Whether any runtime may have a memory limit (if not,
    /// [`Runtimes::check_memory`] notes nothing).
    pub(crate) fn may_limit_memory(&self) -> bool {
        self.limits_memory
    }

    /// Every runtime's memory must be checked again (the load or an app's
    /// usage changed).
    pub(crate) fn check_all_memory(&mut self) {
        self.oom_check_all = true;
    }

    /// Brings the timers of the changed runtimes up to date. The world
    /// calls it at the instant the changes were made (the kubelet acts and
    /// the controllers settle at one instant before time moves on), which
    /// is why a runtime changed in one piece can have its timer set at
    /// once instead (`insert`, `put_back`).
    pub(crate) fn reschedule(&mut self, now: i64) {
        for key in std::mem::take(&mut self.touched) {
            let Some(entry) = self.pods.get_mut(&key).filter(|entry| entry.touched) else { continue };
            retime(entry, &mut self.timers, &mut self.next_timer_number, now);
        }
    }

    /// The earliest timer (unix ms); `reschedule` must have run since the
    /// last change.
    fn next_timer(&self) -> Option<i64> {
        self.timers.first_key_value().map(|((at, _), _)| *at)
    }

    /// The runtimes whose timer is due now, in key order, each with
    /// whether its pod's stop is due, taken off the queue (those that turn
    /// out not to be due go back on when rescheduled, and are not
    /// returned).
    fn take_due(&mut self, now: i64) -> Vec<(Key, bool)> {
        let mut due = Vec::new();
        while let Some(entry) = self.timers.first_entry()
            && entry.key().0 <= now
        {
            let key = entry.remove();
            let Some(entry) = self.pods.get_mut(&key) else { continue };
            entry.timer = None;
            // Its timer may be the moment it starts serving, and using memory.
            entry.note_memory(&mut self.oom_check);
            let runtime = &entry.runtime;
            if runtime_next(runtime, now).is_some_and(|at| at <= now) {
                // `fire` puts it back (which sets its timer) or removes it.
                due.push((key, runtime.stop_at_ms.is_some_and(|stop| stop <= now)));
            } else {
                retime(entry, &mut self.timers, &mut self.next_timer_number, now);
            }
        }
        due.sort_by(|(a, _), (b, _)| a.cmp(b));
        due
    }

    /// The runtimes to check for OOM now (those with a memory limit), in
    /// key order.
    fn take_oom_checks(&mut self) -> Vec<Key> {
        if std::mem::take(&mut self.oom_check_all) {
            self.oom_check.clear();
            let mut keys = Vec::new();
            self.pods.for_each_mut(|entry| {
                if entry.runtime.memory_limit_bytes.is_some() {
                    entry.oom_check = false;
                    keys.push(entry.key.clone());
                }
            });
            keys.sort();
            return keys;
        }
        let mut keys: Vec<Key> = std::mem::take(&mut self.oom_check)
            .into_iter()
            .filter(|key| self.pods.get_mut(key).is_some_and(|entry| std::mem::replace(&mut entry.oom_check, false)))
            .collect();
        keys.sort();
        keys
    }
}

/// Sets an entry's place in the timer queue from its runtime as it is at
/// `now`, and clears its `touched` mark.
fn retime(entry: &mut Entry, timers: &mut BTreeMap<Timer, Key>, next_number: &mut u64, now: i64) {
    entry.touched = false;
    let at = runtime_next(&entry.runtime, now);
    if entry.timer.map(|(old, _)| old) == at {
        return;
    }
    if let Some(timer) = entry.timer.take() {
        timers.remove(&timer);
    }
    if let Some(at) = at {
        let timer = (at, std::num::NonZeroU64::MIN.saturating_add(*next_number));
        *next_number += 1;
        timers.insert(timer, entry.key.clone());
        entry.timer = Some(timer);
    }
}

/// New bound pods get a runtime; pods being deleted get a stop time;
/// running containers over their memory limit are OOM-killed. True if it
/// wrote anything.
pub fn observe(world: &mut World) -> bool {
    let now = world.now();
    // Only the pods with something to do: bound without a runtime
    // (admitted), or deleted while their container still runs (stopped,
    // with the pod's grace period in seconds and its container's name).
    // Deciding changes nothing, and acting on one pod changes no other
    // pod's runtime, so what is decided here still holds when it is done.
    enum Act {
        Admit,
        Stop(i64, Str),
    }
    let pods: Vec<(Key, Act)> = world
        .queues
        .pods
        .take()
        .into_iter()
        .filter_map(|key| match world.store.get(&key) {
            Some(Object::Pod(pod)) if !pod.spec.node_name.as_deref().unwrap_or("").is_empty() => {
                let deleted = pod.metadata.deletion_timestamp.is_some();
                let act = match world.runtimes.get(&key) {
                    None => (!deleted).then_some(Act::Admit),
                    Some(runtime) => (deleted && runtime.stop_at_ms.is_none()).then(|| {
                        Act::Stop(pod.metadata.deletion_grace_period_seconds.unwrap_or(30), first_container_name(pod))
                    }),
                };
                act.map(|act| (key, act))
            }
            _ => None,
        })
        .collect();
    let mut wrote = false;
    // Each node's address, read once per pass (admitting writes no node).
    let mut hosts = VecMap::default();
    for (key, act) in pods {
        match act {
            Act::Admit => {
                admit(world, key, now, &mut hosts);
                wrote = true;
            }
            Act::Stop(grace_seconds, container) => {
                let grace_ms = grace_seconds * 1000;
                let stop_at = now.unix_ms + SHUTDOWN_MS.min(grace_ms);
                if let Some(runtime) = world.runtimes.get_mut(&key) {
                    catch_up(runtime, now.unix_ms);
                    runtime.stop_at_ms = Some(stop_at);
                    runtime.pending_start = false;
                    for state in [&mut runtime.liveness, &mut runtime.startup].into_iter().flatten() {
                        state.worker.pod_deleting();
                    }
                }
                let message = ["Stopping container ", &container].concat();
                event(world, &key, EventType::Normal, "Killing", &message, Some(&container));
                wrote = true;
            }
        }
    }
    wrote |= oom_kill(world);
    wrote
}

/// Faults aimed at containers: readiness, liveness, memory, kill.
pub fn apply_fault(world: &mut World, fault: &super::faults::Fault) -> bool {
    use super::faults::Fault;
    let now = world.now().unix_ms;
    match fault {
        Fault::Readiness { target, status } => {
            let status = *status;
            for key in targeted(world, target, |faults| faults.readiness_status = Some(status)) {
                update_runtime(world, &key, now, |runtime| runtime.readiness_status = status);
            }
            true
        }
        Fault::Liveness { target, status } => {
            let status = *status;
            for key in targeted(world, target, |faults| faults.liveness_status = Some(status)) {
                update_runtime(world, &key, now, |runtime| runtime.liveness_status = status);
            }
            true
        }
        Fault::ExtraMemory { target, bytes } => {
            let bytes = *bytes;
            for key in targeted(world, target, |faults| faults.extra_memory_bytes = Some(bytes)) {
                update_runtime(world, &key, now, |runtime| runtime.extra_memory_bytes = bytes);
            }
            true
        }
        Fault::KillPod { namespace, name } => {
            let key = Key::new("Pod", namespace, name);
            if world.runtimes.get(&key).is_some_and(|runtime| runtime.started) {
                with_pod(world, &key, |world, pod, runtime| {
                    catch_up(runtime, now);
                    exit_container(world, &key, pod, runtime, now, SIGKILL_EXIT_CODE, false);
                });
            }
            true
        }
        _ => false,
    }
}

/// The next instant at which some kubelet has something to do.
pub fn next_timer(world: &World) -> Option<i64> {
    world.runtimes.next_timer()
}

/// Does what is due at the current time. True if it wrote anything.
pub fn fire(world: &mut World) -> bool {
    let now = world.now().unix_ms;
    // Firing one pod changes no other pod's runtime: what `take_due`
    // read still holds when each pod's turn comes.
    let due = world.runtimes.take_due(now);
    let mut wrote = false;
    for (key, stopping) in due {
        wrote |= fire_pod(world, &key, stopping, now);
    }
    wrote
}

/// The runtime's next timer: its start, stop, exit, the moment it starts
/// serving (memory is counted from then), and the ticks of probes whose
/// outcome can change.
fn runtime_next(runtime: &PodRuntime, now: i64) -> Option<i64> {
    let start = runtime.pending_start.then_some(runtime.start_at_ms);
    let exit = runtime.exit.filter(|_| runtime.started).map(|exit| exit.at_ms);
    let serving = (runtime.started && runtime.memory_limit_bytes.is_some() && runtime.serving_at_ms > now)
        .then_some(runtime.serving_at_ms);
    let probes = probe_states(runtime)
        .filter(|(kind, state)| !dormant(runtime, *kind, state, now))
        .filter_map(|(_, state)| state.worker.next_probe_at())
        .min();
    [start, runtime.stop_at_ms, exit, serving, probes].into_iter().flatten().min()
}

fn probe_states(runtime: &PodRuntime) -> impl Iterator<Item = (ProbeKind, &ProbeState)> {
    [
        (ProbeKind::Startup, runtime.startup.as_deref()),
        (ProbeKind::Liveness, runtime.liveness.as_deref()),
        (ProbeKind::Readiness, runtime.readiness.as_deref()),
    ]
    .into_iter()
    .filter_map(|(kind, state)| state.map(|state| (kind, state)))
}

/// A worker whose next tick cannot change anything: skipped.
fn dormant(runtime: &PodRuntime, kind: ProbeKind, state: &ProbeState, now: i64) -> bool {
    let worker = &state.worker;
    if worker.is_stopped() || worker.is_on_hold() || !runtime.started {
        return true;
    }
    if kind == ProbeKind::Startup {
        return runtime.startup_done;
    }
    if !runtime.startup_done {
        return true;
    }
    worker.result() == ProbeResult::Success && state.passed && probe_passes(runtime, kind, state, now)
}

/// Moves every worker's clock past the ticks it skipped (to the last grid
/// tick before `now`): a skipped tick is counted as nothing, as an errored
/// probe is, which is what it would have been worth.
fn catch_up(runtime: &mut PodRuntime, now: i64) {
    for state in [&mut runtime.startup, &mut runtime.liveness, &mut runtime.readiness].into_iter().flatten() {
        if let Some(next) = state.worker.next_probe_at().filter(|next| *next < now) {
            let last_tick = next + (now - 1 - next) / state.period_ms * state.period_ms;
            state.worker.observe(last_tick, ProbeOutcome::Error);
        }
    }
}

/// Whether the app's check passes now, for the probe of this kind.
fn probe_passes(runtime: &PodRuntime, kind: ProbeKind, state: &ProbeState, now: i64) -> bool {
    probe_result(runtime, kind, state, now).is_ok()
}

/// The probe's verdict now: Ok, or Err(output).
fn probe_result(runtime: &PodRuntime, kind: ProbeKind, state: &ProbeState, now: i64) -> Result<(), String> {
    if !runtime.started || now < runtime.serving_at_ms {
        return Err(state.refused_output.clone());
    }
    let status = if kind == ProbeKind::Readiness { runtime.readiness_status } else { runtime.liveness_status };
    let healthy = (200..400).contains(&status);
    match state.check {
        CheckKind::Tcp => Ok(()),
        _ if healthy => Ok(()),
        CheckKind::Http => Err(http_probe_failure_output(status)),
        CheckKind::Grpc => Err("service unhealthy (responded with \"NOT_SERVING\")".to_string()),
        CheckKind::Exec => Err(String::new()),
    }
}

/// Admits a bound pod. `hosts`: node name -> its InternalIP, as read
/// before in this pass.
fn admit(world: &mut World, key: Key, now: Time, hosts: &mut VecMap<Str, Str>) {
    let Some(mut taken) = world.store.take(&key) else { return };
    let Object::Pod(pod) = taken.object_mut() else {
        world.store.untake(key, taken);
        return;
    };
    let app = app_for(world, pod.spec.containers.first().and_then(|c| c.image.as_deref()).unwrap_or(""));
    let startup_ms = i64::from(app.as_ref().and_then(|a| a.spec.startup_seconds).unwrap_or(2)) * 1000;
    let image_not_found = app.as_ref().is_some_and(|a| a.spec.pull.as_deref() == Some("NotFound"));
    let crash = app.as_ref().and_then(|a| a.spec.crash.as_ref()).map(|crash| {
        Box::new(PendingExit {
            at_ms: i64::from(crash.after_seconds.unwrap_or(0).max(0)) * 1000,
            exit_code: crash.exit_code.unwrap_or(1),
        })
    });
    // (No faults at all, the usual case: no need to find the Deployment.)
    let mut faults = (!world.runtimes.faults.is_empty())
        .then(|| owning_deployment(world, pod))
        .flatten()
        .and_then(|deployment| world.runtimes.faults.get(&deployment).cloned())
        .unwrap_or_default();
    if let Some(own) = world.runtimes.faults.get(&key) {
        faults.readiness_status = own.readiness_status.or(faults.readiness_status);
        faults.liveness_status = own.liveness_status.or(faults.liveness_status);
        faults.extra_memory_bytes = own.extra_memory_bytes.or(faults.extra_memory_bytes);
    }
    let endpoints = app.as_ref().map(|a| a.spec.endpoints.clone()).unwrap_or_default();
    let readiness_status = faults.readiness_status.or(endpoints.readiness).unwrap_or(200);
    let liveness_status = faults.liveness_status.or(endpoints.liveness).unwrap_or(200);
    let memory_limit_bytes = pod
        .spec
        .containers
        .first()
        .and_then(|c| c.resources.limits.get("memory"))
        .map(crate::api::quantity::Quantity::value);
    // The node's address, as its kubelet reported it (one `Str` per node
    // and pass, which its pods share).
    let node_name = pod.spec.node_name.clone().unwrap_or_default();
    let host_ip = match hosts.get(node_name.as_str()) {
        Some(host_ip) => host_ip.clone(),
        None => {
            let host_ip: Str = match world.store.get(&Key::new("Node", "", &node_name)) {
                Some(Object::Node(node)) => super::nodes::internal_ip(node).unwrap_or_default().into(),
                _ => Str::default(),
            };
            hosts.insert(node_name, host_ip.clone());
            host_ip
        }
    };
    world.next_pod_ip += 1;
    let pod_ip = pod_ip(world.next_pod_ip);
    let start_at = now.unix_ms + CONTAINER_START_MS;
    world.runtimes.insert(
        key.clone(),
        PodRuntime {
            start_at_ms: start_at,
            pending_start: true,
            serving_at_ms: start_at + startup_ms,
            startup_ms,
            crash,
            readiness_status,
            liveness_status,
            extra_memory_bytes: faults.extra_memory_bytes.unwrap_or(0),
            memory_limit_bytes,
            pod_ip: pod_ip.clone(),
            image_not_found,
            ..PodRuntime::default()
        },
        now.unix_ms,
    );
    pod.status.phase = "Pending".into();
    pod.status.start_time = Some(now);
    pod.status.host_ip = Some(host_ip);
    pod.status.pod_ip = Some(pod_ip);
    set_condition(pod, "Initialized", "True", now);
    set_condition(pod, "ContainersReady", "False", now);
    set_condition(pod, "Ready", "False", now);
    pod.status.container_statuses = pod
        .spec
        .containers
        .iter()
        .map(|container| ContainerStatus {
            name: container.name.clone(),
            image: container.image.clone().unwrap_or_default(),
            state: ContainerState {
                waiting: Some(Box::new(ContainerStateWaiting {
                    reason: Some("ContainerCreating".to_string()),
                    message: None,
                })),
                ..ContainerState::default()
            },
            ..ContainerStatus::default()
        })
        .collect();
    let image = pod.spec.containers.first().and_then(|c| c.image.clone()).unwrap_or_default();
    let container = first_container_name(pod);
    world.store.put(key.clone(), taken);
    let message = ["Pulling image \"", image.as_str(), "\""].concat();
    event(world, &key, EventType::Normal, "Pulling", &message, Some(&container));
}

/// The `n`th pod address handed out: `10.244.{n / 250}.{n % 250 + 2}`,
/// without the formatting machinery.
fn pod_ip(n: u32) -> String {
    let mut ip = String::with_capacity(20);
    ip.push_str("10.244.");
    push_decimal(&mut ip, n / 250);
    ip.push('.');
    push_decimal(&mut ip, n % 250 + 2);
    ip
}

fn push_decimal(text: &mut String, n: u32) {
    if n >= 10 {
        push_decimal(text, n / 10);
    }
    text.push(char::from(b'0' + (n % 10) as u8));
}

/// Runs `change` on the pod and its runtime (both written back after).
fn with_pod(world: &mut World, key: &Key, change: impl FnOnce(&mut World, &mut Pod, &mut PodRuntime)) -> bool {
    let Some(mut taken) = world.store.take(key) else {
        world.runtimes.remove(key);
        return false;
    };
    let Object::Pod(pod) = taken.object_mut() else {
        world.store.untake(key.clone(), taken);
        world.runtimes.touch(key);
        return false;
    };
    // Taken out rather than copied: what `change` does touches no other
    // runtime, and reads this one only through `runtime`.
    let Some(mut runtime) = world.runtimes.take_out(key) else {
        world.store.untake(key.clone(), taken);
        return false;
    };
    change(world, pod, &mut runtime);
    pod.status.phase = get_phase(pod).into();
    world.runtimes.put_back(key, runtime, world.now().unix_ms);
    world.store.put(key.clone(), taken);
    true
}

fn update_runtime(world: &mut World, key: &Key, now: i64, change: impl FnOnce(&mut PodRuntime)) {
    if let Some(runtime) = world.runtimes.get_mut(key) {
        catch_up(runtime, now);
        change(runtime);
    }
}

/// Does what is due for one pod (`stopping`: its stop is due).
fn fire_pod(world: &mut World, key: &Key, stopping: bool, now: i64) -> bool {
    if stopping {
        world.runtimes.remove(key);
        world.runtimes.faults.remove(key);
        world.store.remove(key);
        world.retry_unschedulable = true;
        return true;
    }
    with_pod(world, key, |world, pod, runtime| {
        catch_up(runtime, now);
        if let Some(exit) = runtime.exit.filter(|exit| runtime.started && exit.at_ms <= now) {
            exit_container(world, key, pod, runtime, now, exit.exit_code, false);
        }
        if runtime.pending_start && runtime.start_at_ms <= now {
            if runtime.instances == 0 && runtime.image_not_found {
                fail_pull(world, key, pod, runtime, now);
            } else if runtime.instances == 0 {
                start_instance(world, key, pod, runtime, now);
            } else {
                restart(world, key, pod, runtime, now);
            }
        }
        run_probes(world, key, pod, runtime, now);
    })
}

/// The image is not found: ErrImagePull or ImagePullBackOff, and the pod
/// worker tries again in 10 s (`kubelet::images`).
fn fail_pull(world: &mut World, key: &Key, pod: &mut Pod, runtime: &mut PodRuntime, now: i64) {
    let image = pod.spec.containers.first().and_then(|c| c.image.clone()).unwrap_or_default();
    let pull_back_off = &mut runtime.backoffs.get_mut().1;
    let first_attempt = !pull_back_off.has_failed(&image);
    let attempt = pull_back_off.attempt(&image, now, !first_attempt);
    if let Some(status) = pod.status.container_statuses.first_mut() {
        status.state = ContainerState {
            waiting: Some(Box::new(ContainerStateWaiting {
                reason: Some(attempt.reason.to_string()),
                message: Some(attempt.message.clone()),
            })),
            ..ContainerState::default()
        };
    }
    let container = first_container_name(pod);
    for (warning, reason, message) in attempt.events {
        let event_type = if warning { EventType::Warning } else { EventType::Normal };
        event(world, key, event_type, reason, &message, Some(&container));
    }
    runtime.start_at_ms = now + POD_WORKER_RETRY_MS;
}

/// Ticks the due probes, in upstream's order of importance.
fn run_probes(world: &mut World, key: &Key, pod: &mut Pod, runtime: &mut PodRuntime, now: i64) {
    let container = first_container_name(pod);
    let time = Time::from_unix_ms(now);
    for kind in [ProbeKind::Startup, ProbeKind::Liveness, ProbeKind::Readiness] {
        let Some(state) = probe_ref(runtime, kind) else { continue };
        if dormant(runtime, kind, state, now) || state.worker.next_probe_at().is_none_or(|at| at > now) {
            continue;
        }
        let verdict = probe_result(runtime, kind, state, now);
        let Some(state) = probe_slot(runtime, kind).as_mut() else { continue };
        let will_run = state.worker.will_probe(now);
        let outcome = if verdict.is_ok() { ProbeOutcome::Success } else { ProbeOutcome::Failure };
        let changed = state.worker.observe(now, outcome);
        if will_run {
            state.passed = verdict.is_ok();
        }
        if will_run && let Err(output) = &verdict {
            event(
                world,
                key,
                EventType::Warning,
                UNHEALTHY_EVENT_REASON,
                &probe_failed_event_message(kind, output),
                Some(&container),
            );
        }
        match (kind, changed) {
            (ProbeKind::Readiness, Some(ProbeResult::Success)) => set_ready(pod, true, time),
            (ProbeKind::Readiness, Some(ProbeResult::Failure)) => set_ready(pod, false, time),
            (ProbeKind::Startup, Some(ProbeResult::Success)) => container_became_started(world, key, pod, runtime, now),
            (_, Some(ProbeResult::Failure)) => {
                let message = kind.kill_message(&container).unwrap_or_default();
                event(world, key, EventType::Normal, KILLING_EVENT_REASON, &message, Some(&container));
                let at_ms = now + SHUTDOWN_MS;
                if runtime.exit.is_none_or(|exit| exit.at_ms > at_ms) {
                    runtime.exit = Some(PendingExit { at_ms, exit_code: 0 });
                }
            }
            _ => {}
        }
    }
}

fn probe_ref(runtime: &PodRuntime, kind: ProbeKind) -> Option<&ProbeState> {
    match kind {
        ProbeKind::Startup => runtime.startup.as_deref(),
        ProbeKind::Liveness => runtime.liveness.as_deref(),
        ProbeKind::Readiness => runtime.readiness.as_deref(),
    }
}

fn probe_slot(runtime: &mut PodRuntime, kind: ProbeKind) -> &mut Option<Box<ProbeState>> {
    match kind {
        ProbeKind::Startup => &mut runtime.startup,
        ProbeKind::Liveness => &mut runtime.liveness,
        ProbeKind::Readiness => &mut runtime.readiness,
    }
}

/// A new container instance runs: status, events, probe workers, timers.
fn start_instance(world: &mut World, key: &Key, pod: &mut Pod, runtime: &mut PodRuntime, now: i64) {
    let time = Time::from_unix_ms(now);
    let first = runtime.instances == 0;
    runtime.instances += 1;
    runtime.pending_start = false;
    runtime.started = true;
    runtime.start_at_ms = now;
    runtime.serving_at_ms = now + runtime.startup_ms;
    runtime.exit =
        runtime.crash.as_deref().map(|crash| PendingExit { at_ms: now + crash.at_ms, exit_code: crash.exit_code });
    // The containers are shared with the template: a count, not a copy.
    let containers = std::rc::Rc::clone(&pod.spec.containers);
    let container = containers.first();
    let image = container.and_then(|c| c.image.as_deref()).unwrap_or_default();
    let container_name = container.map_or("", |c| c.name.as_str());
    if let Some(status) = pod.status.container_statuses.first_mut() {
        if !first {
            if let Some(terminated) = status.state.terminated.take() {
                status.rare_mut().last_state =
                    ContainerState { terminated: Some(terminated), ..ContainerState::default() };
            }
            status.restart_count += 1;
        }
        status.state = ContainerState {
            running: Some(ContainerStateRunning { started_at: Some(time) }),
            ..ContainerState::default()
        };
    }
    if first {
        // The other containers (not simulated beyond this) run from now on.
        for status in pod.status.container_statuses.iter_mut().skip(1) {
            status.state = ContainerState {
                running: Some(ContainerStateRunning { started_at: Some(time) }),
                ..ContainerState::default()
            };
            status.started = Some(true);
        }
    }
    let pulled = if first {
        ["Successfully pulled image \"", image, "\" in 1s (1s including waiting). Image size: 52428800 bytes."].concat()
    } else {
        ["Container image \"", image, "\" already present on machine and can be accessed by the pod"].concat()
    };
    event(world, key, EventType::Normal, "Pulled", &pulled, Some(container_name));
    event(world, key, EventType::Normal, "Created", "Container created", Some(container_name));
    event(world, key, EventType::Normal, "Started", "Container started", Some(container_name));
    let PodRuntime { startup, liveness, readiness, pod_ip, .. } = runtime;
    for (kind, slot, probe) in [
        (ProbeKind::Startup, startup, container.and_then(|c| c.startup_probe.as_ref())),
        (ProbeKind::Liveness, liveness, container.and_then(|c| c.liveness_probe.as_ref())),
        (ProbeKind::Readiness, readiness, container.and_then(|c| c.readiness_probe.as_ref())),
    ] {
        match (slot.as_mut(), probe) {
            (Some(state), _) => {
                state.worker.new_container(now);
            }
            (None, Some(probe)) => *slot = Some(Box::new(probe_state(kind, probe, now, pod_ip))),
            (None, None) => {}
        }
    }
    runtime.startup_done = runtime.startup.is_none();
    if let Some(status) = pod.status.container_statuses.first_mut() {
        status.started = Some(runtime.startup_done);
    }
    if runtime.startup_done {
        container_became_started(world, key, pod, runtime, now);
    } else {
        for state in [&mut runtime.liveness, &mut runtime.readiness].into_iter().flatten() {
            state.worker.set_container_started(false);
        }
    }
}

/// The container counts as started (no startup probe, or it succeeded):
/// liveness and readiness run; readiness is probed at once.
fn container_became_started(world: &mut World, key: &Key, pod: &mut Pod, runtime: &mut PodRuntime, now: i64) {
    runtime.startup_done = true;
    for state in [&mut runtime.startup, &mut runtime.liveness, &mut runtime.readiness].into_iter().flatten() {
        state.worker.set_container_started(true);
    }
    if let Some(status) = pod.status.container_statuses.first_mut() {
        status.started = Some(true);
    }
    match runtime.readiness.as_ref() {
        // No readiness probe: ready as soon as the container has started.
        None => set_ready(pod, true, Time::from_unix_ms(now)),
        // The manual trigger when a container becomes started: a readiness
        // probe now (the ticker keeps its grid; a tick due now runs anyway).
        Some(state) if state.worker.next_probe_at() != Some(now) => {
            let verdict = probe_result(runtime, ProbeKind::Readiness, state, now);
            let container = first_container_name(pod);
            if let Some(state) = runtime.readiness.as_mut() {
                let will_run = state.worker.will_probe(now);
                let outcome = if verdict.is_ok() { ProbeOutcome::Success } else { ProbeOutcome::Failure };
                let changed = state.worker.observe(now, outcome);
                if will_run {
                    state.passed = verdict.is_ok();
                }
                if will_run && let Err(output) = &verdict {
                    let message = probe_failed_event_message(ProbeKind::Readiness, output);
                    event(world, key, EventType::Warning, UNHEALTHY_EVENT_REASON, &message, Some(&container));
                }
                if changed == Some(ProbeResult::Success) {
                    set_ready(pod, true, Time::from_unix_ms(now));
                }
            }
        }
        Some(_) => {}
    }
}

/// The running container exits now: terminated state, not ready, then the
/// restart policy decides (through the back-off).
fn exit_container(
    world: &mut World,
    key: &Key,
    pod: &mut Pod,
    runtime: &mut PodRuntime,
    now: i64,
    exit_code: i32,
    oom_killed: bool,
) {
    let time = Time::from_unix_ms(now);
    runtime.started = false;
    runtime.exit = None;
    runtime.finished_at_ms = now;
    for state in [&mut runtime.startup, &mut runtime.liveness, &mut runtime.readiness].into_iter().flatten() {
        state.worker.container_not_running();
    }
    set_ready(pod, false, time);
    if let Some(status) = pod.status.container_statuses.first_mut() {
        status.started = Some(false);
        status.state = ContainerState {
            terminated: Some(Box::new(ContainerStateTerminated {
                exit_code,
                reason: Some(container_terminated_reason(exit_code, oom_killed).to_string()),
                started_at: Some(Time::from_unix_ms(runtime.start_at_ms)),
                finished_at: Some(time),
                ..ContainerStateTerminated::default()
            })),
            ..ContainerState::default()
        };
    }
    let restarts = match pod.spec.restart_policy.as_deref().unwrap_or("Always") {
        "Never" => false,
        "OnFailure" => exit_code != 0,
        _ => true,
    };
    if restarts && runtime.stop_at_ms.is_none() {
        runtime.pending_start = true;
        runtime.start_at_ms = now;
        restart(world, key, pod, runtime, now);
    }
}

/// doBackOff for the exited container: start it now, or wait in
/// CrashLoopBackOff until the window has passed.
fn restart(world: &mut World, key: &Key, pod: &mut Pod, runtime: &mut PodRuntime, now: i64) {
    match runtime.backoffs.get_mut().0.do_back_off(runtime.finished_at_ms, now) {
        RestartDecision::Start => start_instance(world, key, pod, runtime, now),
        RestartDecision::BackOff { back_off_ms, until_ms } => {
            runtime.start_at_ms = until_ms;
            let container = first_container_name(pod);
            let waiting = crash_loop_waiting_state(back_off_ms, &container, pod);
            let message = back_off_event_message(&container, pod);
            if let Some(status) = pod.status.container_statuses.first_mut()
                && status.state.waiting.as_deref() != Some(&waiting)
            {
                if let Some(terminated) = status.state.terminated.take() {
                    status.rare_mut().last_state =
                        ContainerState { terminated: Some(terminated), ..ContainerState::default() };
                }
                status.state = ContainerState { waiting: Some(Box::new(waiting)), ..ContainerState::default() };
                event(world, key, EventType::Warning, BACK_OFF_EVENT_REASON, &message, Some(&container));
            }
        }
    }
}

/// OOM-kills every running container whose memory passes its limit.
fn oom_kill(world: &mut World) -> bool {
    let now = world.now().unix_ms;
    let candidates: Vec<(Key, i64, i64)> = world
        .runtimes
        .take_oom_checks()
        .into_iter()
        .filter_map(|key| {
            let runtime = world.runtimes.get(&key).filter(|r| r.started && now >= r.serving_at_ms)?;
            let limit = runtime.memory_limit_bytes?;
            let extra = runtime.extra_memory_bytes;
            Some((key, limit, extra))
        })
        .collect();
    let mut wrote = false;
    for (key, limit, extra) in candidates {
        let used = super::traffic::pod_usage(world, &key).1.saturating_add(extra);
        if used > limit {
            wrote |= with_pod(world, &key, |world, pod, runtime| {
                catch_up(runtime, now);
                exit_container(world, &key, pod, runtime, now, OOM_KILLED_EXIT_CODE, true);
            });
        }
    }
    wrote
}

/// The pods a fault is aimed at (running ones), after recording it for the
/// pods to come.
fn targeted(world: &mut World, target: &super::faults::Target, record: impl FnOnce(&mut AppFaults)) -> Vec<Key> {
    use super::faults::Target;
    match target {
        Target::Pod { namespace, name } => {
            let key = Key::new("Pod", namespace, name);
            record(world.runtimes.faults.entry(key.clone()).or_default());
            vec![key]
        }
        Target::Deployment { namespace, name } => {
            let deployment = Key::new("Deployment", namespace, name);
            record(world.runtimes.faults.entry(deployment.clone()).or_default());
            let Some(uid) = world.store.get(&deployment).and_then(|d| d.metadata().uid.clone()) else {
                return Vec::new();
            };
            let replica_sets: Vec<String> = world
                .store
                .owned_by(&uid)
                .filter(|object| object.kind() == "ReplicaSet")
                .filter_map(|rs| rs.metadata().uid.clone())
                .collect();
            replica_sets
                .iter()
                .flat_map(|rs_uid| world.store.owned_by(rs_uid).filter(|o| o.kind() == "Pod").map(Key::of))
                .collect()
        }
    }
}

/// The Deployment owning a pod through its ReplicaSet.
fn owning_deployment(world: &World, pod: &Pod) -> Option<Key> {
    let namespace = pod.metadata.namespace();
    let controller = |refs: &[crate::api::OwnerReference], kind: &str| {
        refs.iter().find(|r| r.controller == Some(true) && r.kind == kind).map(|r| r.name.clone())
    };
    let rs_name = controller(&pod.metadata.owner_references, "ReplicaSet")?;
    let rs = world.store.get(&Key::new("ReplicaSet", namespace, &rs_name))?;
    let deployment = controller(&rs.metadata().owner_references, "Deployment")?;
    Some(Key::new("Deployment", namespace, &deployment))
}

fn probe_state(kind: ProbeKind, probe: &Probe, now: i64, ip: &str) -> ProbeState {
    let (check, refused_output) = if let Some(http) = &probe.http_get {
        let port = http.port.as_ref().map_or("80".to_string(), ToString::to_string);
        let path = http.path.as_deref().unwrap_or("/");
        let scheme = http.scheme.as_deref().unwrap_or("HTTP").to_lowercase();
        (
            CheckKind::Http,
            format!("Get \"{scheme}://{ip}:{port}{path}\": dial tcp {ip}:{port}: connect: connection refused"),
        )
    } else if let Some(tcp) = &probe.tcp_socket {
        let port = tcp.port.as_ref().map_or("80".to_string(), ToString::to_string);
        (CheckKind::Tcp, format!("dial tcp {ip}:{port}: connect: connection refused"))
    } else if let Some(grpc) = &probe.grpc {
        (CheckKind::Grpc, format!("timeout: failed to connect service \"{ip}:{}\" within 1s", grpc.port))
    } else {
        (CheckKind::Exec, String::new())
    };
    let period_ms = i64::from(probe.period_seconds.filter(|p| *p > 0).unwrap_or(10)) * 1000;
    ProbeState { worker: ProbeWorker::new(kind, probe, now), period_ms, check, refused_output, passed: true }
}

/// Shared with the container (a count, not a copy).
fn first_container_name(pod: &Pod) -> Str {
    pod.spec.containers.first().map_or(Str::default(), |c: &Container| c.name.clone())
}

fn set_ready(pod: &mut Pod, ready: bool, now: Time) {
    let status = if ready { "True" } else { "False" };
    set_condition(pod, "ContainersReady", status, now);
    set_condition(pod, "Ready", status, now);
    for container in &mut pod.status.container_statuses {
        container.ready = ready;
    }
}

/// Sets a pod condition, keeping lastTransitionTime when the status holds.
fn set_condition(pod: &mut Pod, condition_type: &'static str, status: &'static str, now: Time) {
    if let Some(existing) = pod.status.conditions.iter_mut().find(|c| c.condition_type == condition_type) {
        if existing.status != status {
            existing.status = status.into();
            existing.last_transition_time = Some(now);
        }
        return;
    }
    pod.status.conditions.push(Condition {
        condition_type: condition_type.into(),
        status: status.into(),
        last_transition_time: Some(now),
        ..Condition::default()
    });
}

/// The App behind an image: one naming this exact image first, then one
/// naming its repository (any tag).
pub fn app_for<'a>(world: &'a World, image: &str) -> Option<&'a App> {
    let repository = image.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).map_or(image, |(repo, _)| repo);
    // One pass over the Apps: the first naming the image wins, else the
    // first naming its repository.
    let mut by_repository = None;
    for object in world.store.list("App", None) {
        let Object::App(app) = object else { continue };
        if app.spec.image == image {
            return Some(app);
        }
        if by_repository.is_none() && app.spec.image == repository {
            by_repository = Some(app);
        }
    }
    by_repository
}

fn event(world: &mut World, key: &Key, event_type: EventType, reason: &str, message: &str, container: Option<&str>) {
    let now = world.now();
    // `spec.containers{NAME}`, on the stack for a name of up to 46
    // bytes (the log reads it, and keeps its own copy if new).
    const PREFIX: &[u8] = b"spec.containers{";
    let mut buffer = [0u8; 63];
    let field_path = container.map(|name| match buffer.get_mut(..PREFIX.len() + name.len() + 1) {
        Some(path) => {
            path[..PREFIX.len()].copy_from_slice(PREFIX);
            path[PREFIX.len()..PREFIX.len() + name.len()].copy_from_slice(name.as_bytes());
            path[PREFIX.len() + name.len()] = b'}';
            std::borrow::Cow::Borrowed(std::str::from_utf8(path).unwrap_or_default())
        }
        None => std::borrow::Cow::Owned(["spec.containers{", name, "}"].concat()),
    });
    world.events.record(
        Report { event_type, reason, message, involved: key, field_path: field_path.as_deref(), source: SOURCE },
        now,
    );
}

#[cfg(test)]
#[path = "kubelet_tests.rs"]
mod tests;
