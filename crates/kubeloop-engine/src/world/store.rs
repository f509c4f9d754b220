//! The object store: what the API server and etcd are to a cluster.
//!
//! Every write bumps the global resourceVersion; creating sets uid,
//! generation 1 and creationTimestamp; a spec change bumps generation.
//! Indexes by owner UID and by node, the node's requested resources, the
//! pods waiting for a node, and a journal of what changed (what informers
//! deliver to controllers) keep each tick's work proportional to what
//! changed rather than to the cluster's size.

use super::rng::Rng;
use crate::api::core::Pod;
use crate::api::meta::{Labels, SharedList};
use crate::api::text::Str;
use crate::api::{Object, OwnerReference, Time, kind_info, resource_of};
use crate::lean::VecMap;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Objects are shared between the store and the world's checkpoints: a
/// checkpoint of the world copies pointers. A writer changes an object in
/// place with [`Store::take`] and [`Store::put`] (copied only if a
/// checkpoint still shares it).
type Shared = Rc<Object>;

/// Where an object sits in the store's arena. The key map and the indexes
/// hold slots, so writing an object back into its slot leaves them alone
/// unless what they index by (owners, node, requests) changed.
type Slot = u32;

/// Keys in order, each with its object's slot.
type Slots = BTreeMap<Key, Slot>;

/// Where an object lives: kind, namespace (empty when cluster-scoped), name.
///
/// Shared: the store, its indexes, the work queues and the event log all
/// hold keys, so a clone is a reference count, not two strings. Keys order
/// by kind, namespace, name (what `list` ranges over).
#[derive(Clone)]
pub struct Key(Rc<KeyParts>);

pub struct KeyParts {
    pub kind: &'static str,
    pub namespace: Str,
    pub name: String,
    /// The kind's rank and the first bytes of the namespace and of the
    /// name as big-endian words: most comparisons are decided by these,
    /// without a call to `memcmp` (B-tree lookups compare keys millions of
    /// times; the comparison is inlined into them).
    prefix: Prefix,
    /// Where the store last found this key's object ([`NO_SLOT`]: not
    /// yet): a hint, checked against the object in that slot before use,
    /// so that looking up a key the store handed out (a write's journal
    /// entry, a queued key) costs no search of the key map.
    slot: std::cell::Cell<Slot>,
    /// The same for the slot of its pod's runtime (`kubelet::Runtimes`).
    pub(super) runtime_slot: std::cell::Cell<u32>,
}

/// A key's slot hints before the store (or the kubelet) has found it.
const NO_SLOT: Slot = Slot::MAX;

/// A kind's rank: its place among the API's kinds in name order (a test
/// checks the ranks against `KINDS`). Keys of different ranked kinds
/// compare by rank, without their names.
fn kind_rank(kind: &str) -> u64 {
    match kind {
        "App" => 0,
        "ConfigMap" => 1,
        "Deployment" => 2,
        "HorizontalPodAutoscaler" => 3,
        "Namespace" => 4,
        "Node" => 5,
        "Pod" => 6,
        "PodDisruptionBudget" => 7,
        "ReplicaSet" => 8,
        "Secret" => 9,
        "Service" => 10,
        "Traffic" => 11,
        _ => UNRANKED,
    }
}

/// The rank of a kind the API does not have: keys of such kinds compare
/// their kinds' names.
const UNRANKED: u64 = 0xff;

/// The kind's rank in the top byte and the namespace's first 7 bytes,
/// then the name's first 24, each zero padded. Comparing words compares
/// those in order, so a difference in the words is the difference of the
/// keys (unless a kind is unranked); only equal words need the strings
/// (longer ones, or ones that end in zero bytes).
#[derive(PartialEq, Eq)]
struct Prefix {
    head: u64,
    name: [u64; 3],
}

impl Prefix {
    fn of(kind: &str, namespace: &str, name: &str) -> Prefix {
        let word = |bytes: &[u8], start: usize, len: usize| {
            let mut word = [0u8; 8];
            let end = bytes.len().min(start + len);
            if start < end {
                word[..end - start].copy_from_slice(&bytes[start..end]);
            }
            u64::from_be_bytes(word)
        };
        let rank = kind_rank(kind);
        let name = name.as_bytes();
        Prefix {
            head: rank << 56 | word(namespace.as_bytes(), 0, 7) >> 8,
            name: [word(name, 0, 8), word(name, 8, 8), word(name, 16, 8)],
        }
    }

    fn rank(&self) -> u64 {
        self.head >> 56
    }

    /// The order of two strings whose first `covered` bytes compared
    /// equal as words: both strings within them leave only the lengths
    /// (the shorter is a prefix of the longer).
    fn then_strings(a: &str, b: &str, covered: usize) -> std::cmp::Ordering {
        if a.len() <= covered && b.len() <= covered { a.len().cmp(&b.len()) } else { a.cmp(b) }
    }
}

impl PartialEq for KeyParts {
    fn eq(&self, other: &KeyParts) -> bool {
        self.prefix == other.prefix
            && self.kind == other.kind
            && self.namespace == other.namespace
            && self.name == other.name
    }
}

impl Eq for KeyParts {}

impl std::ops::Deref for Key {
    type Target = KeyParts;

    fn deref(&self) -> &KeyParts {
        &self.0
    }
}

impl PartialEq for Key {
    #[inline]
    fn eq(&self, other: &Key) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    #[inline]
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        use std::cmp::Ordering::Equal;
        if Rc::ptr_eq(&self.0, &other.0) {
            return Equal;
        }
        let (a, b) = (&*self.0, &*other.0);
        let (head_a, head_b) = (a.prefix.head, b.prefix.head);
        if head_a != head_b {
            return if a.prefix.rank() != UNRANKED && b.prefix.rank() != UNRANKED {
                // The rank, then the namespace's first bytes.
                head_a.cmp(&head_b)
            } else {
                a.by_strings(b)
            };
        }
        if a.prefix.rank() == UNRANKED {
            return a.by_strings(b);
        }
        // One kind, namespaces the same in their first 7 bytes.
        Prefix::then_strings(&a.namespace, &b.namespace, 7).then_with(|| match a.prefix.name.cmp(&b.prefix.name) {
            Equal => Prefix::then_strings(&a.name, &b.name, 24),
            order => order,
        })
    }
}

impl KeyParts {
    /// The order of the parts' strings, without the prefix words.
    fn by_strings(&self, other: &KeyParts) -> std::cmp::Ordering {
        (self.kind, &self.namespace, &self.name).cmp(&(other.kind, &other.namespace, &other.name))
    }
}

/// As a plain struct of its parts (the world's digest prints keys).
impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kind", &self.kind)
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .finish()
    }
}

impl Key {
    pub fn new(kind: &'static str, namespace: &str, name: &str) -> Key {
        let namespaced = kind_info(kind).is_none_or(|info| info.namespaced);
        Key::from_parts(kind, if namespaced { namespace_text(namespace) } else { Str::EMPTY }, name.to_string())
    }

    fn from_parts(kind: &'static str, namespace: Str, name: String) -> Key {
        let prefix = Prefix::of(kind, &namespace, &name);
        let (slot, runtime_slot) = (std::cell::Cell::new(NO_SLOT), std::cell::Cell::new(NO_SLOT));
        Key(Rc::new(KeyParts { kind, namespace, name, prefix, slot, runtime_slot }))
    }

    pub fn of(object: &Object) -> Key {
        Key::new(object.kind(), object.metadata().namespace(), object.name())
    }

    pub fn of_pod(pod: &crate::api::core::Pod) -> Key {
        Key::new("Pod", pod.metadata.namespace(), pod.metadata.name())
    }
}

/// A key's namespace: the default one, which most keys have, as a literal
/// (no allocation per key), any other as shared text.
fn namespace_text(namespace: &str) -> Str {
    match namespace {
        "default" => Str::from_static("default"),
        other => Str::copy(other),
    }
}

/// Whether the API server keeps `metadata.generation` for a kind: those
/// whose strategies set it (workloads, pods since 1.33, autoscalers,
/// budgets, and custom resources); ConfigMaps, Secrets, Services,
/// Namespaces and Nodes have none.
fn tracks_generation(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "ReplicaSet" | "Pod" | "HorizontalPodAutoscaler" | "PodDisruptionBudget" | "App" | "Traffic"
    )
}

/// Writes a resourceVersion in decimal into the object's own text, whose
/// buffer a write back reuses (a new `String` per write cost an
/// allocation on every write; `write!` costs ~125 instructions more than
/// these digits, 0.8 % of a rollout).
fn set_version(text: &mut Option<String>, version: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = version;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let text = text.get_or_insert_with(String::new);
    text.clear();
    text.extend(digits[start..].iter().map(|&digit| char::from(digit)));
}

/// The keys of one kind and namespace in a set of keys, in key order.
fn in_namespace<'a>(
    keys: &'a BTreeSet<Key>,
    kind: &'static str,
    namespace: &str,
) -> impl Iterator<Item = &'a Key> + 'a {
    // The start key's namespace bounds the range too (a count, not a
    // copy of the string).
    let start = Key::from_parts(kind, namespace_text(namespace), String::new());
    keys.range(start.clone()..).take_while(move |key| key.kind == start.kind && key.namespace == start.namespace)
}

/// Keys and objects from a range of a key map, in key order: what
/// [`Store::list`], [`Store::owned_entries`] and the other index reads
/// return. A named iterator with one `next`, where a chain of adapters
/// (`flat_map`, `take_while`, `filter_map`) was copied, with every
/// caller's own adapters on top, into each of some sixty callers: 8.6 KiB
/// of the browser bundle, gzipped.
pub struct Entries<'a> {
    store: &'a Store,
    /// `None` once done (or when there was nothing to read).
    range: Option<std::collections::btree_map::Range<'a, Key, Slot>>,
    /// For a listing, the kind (and namespace) that ends the range.
    kind: Option<&'static str>,
    namespace: Option<&'a str>,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a Key, &'a Object);

    fn next(&mut self) -> Option<Self::Item> {
        let range = self.range.as_mut()?;
        for (key, &slot) in range.by_ref() {
            if self.kind.is_some_and(|kind| key.kind != kind || self.namespace.is_some_and(|ns| key.namespace != ns)) {
                break;
            }
            if let Some(object) = self.store.at(slot) {
                return Some((key, object));
            }
        }
        self.range = None;
        None
    }
}

/// The objects of [`Entries`].
pub struct Objects<'a>(Entries<'a>);

impl<'a> Iterator for Objects<'a> {
    type Item = &'a Object;

    fn next(&mut self) -> Option<&'a Object> {
        self.0.next().map(|(_, object)| object)
    }
}

/// The API server's refusals, in its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// `deployments.apps "web" already exists`
    AlreadyExists(String),
    /// `deployments.apps "web" not found`
    NotFound(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::AlreadyExists(message) | StoreError::NotFound(message) => f.write_str(message),
        }
    }
}

/// One write, as a watch event reaches the informers: enough to find the
/// controllers that must look again, even when the object is gone.
#[derive(Clone, Debug)]
pub struct Change {
    pub key: Key,
    /// The removed object's uid (empty unless `removed`: only a removal
    /// concerns what the object owns).
    pub uid: String,
    /// The owner references before and after the write (shared with the
    /// objects: counts, not copies), for [`Change::controllers`].
    owners_before: SharedList<OwnerReference>,
    owners_after: SharedList<OwnerReference>,
    /// No controller after the write (an orphan controllers may adopt).
    pub orphan: bool,
    pub removed: bool,
    /// Created, or its controller reference changed: the garbage collector
    /// checks that the controller exists.
    pub owner_changed: bool,
    /// A pod bound to a node (its kubelet's), and whether it is being
    /// deleted; a pod with neither waits for the scheduler.
    pub bound: bool,
    pub deleting: bool,
}

impl Change {
    /// The controlling owners (kind, name) before and after the write,
    /// each once: a released or adopted object concerns both.
    pub fn controllers(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let before = controller_of(&self.owners_before);
        let after = controller_of(&self.owners_after)
            .filter(|after| before.is_none_or(|before| before.kind != after.kind || before.name != after.name));
        before.into_iter().chain(after).map(|owner| (owner.kind.as_str(), owner.name.as_str()))
    }
}

/// As what the informers are told: the owner references count only
/// through the controllers they name.
impl PartialEq for Change {
    fn eq(&self, other: &Change) -> bool {
        self.key == other.key
            && self.uid == other.uid
            && self.controllers().eq(other.controllers())
            && (self.orphan, self.removed, self.owner_changed, self.bound, self.deleting)
                == (other.orphan, other.removed, other.owner_changed, other.bound, other.deleting)
    }
}

impl Eq for Change {}

/// The controller reference among owner references (metav1.GetControllerOf).
fn controller_of(owners: &[OwnerReference]) -> Option<&OwnerReference> {
    owners.iter().find(|owner| owner.controller == Some(true))
}

/// What an owner (by UID) owns, and the census of the pods it controls.
#[derive(Clone, Default)]
struct Owned {
    slots: Slots,
    pods: PodCounts,
}

/// What the ReplicaSet controller counts of the pods a controller
/// controls (calculateStatus, claim's test), kept write by write so that
/// a sync that deletes nothing need not read its pods: how many there
/// are, how many are active (`is_pod_active`), ready among those, and
/// being deleted, and whether they all hold one label set (one `Rc`: the
/// template's, which its pods share).
#[derive(Clone, Debug, Default)]
pub struct PodCounts {
    pub pods: usize,
    pub active: usize,
    pub ready: usize,
    pub terminating: usize,
    /// The first counted pod's labels (kept while any pod is counted) and
    /// how many counted pods hold that allocation.
    labels: Option<Labels>,
    same_labels: usize,
}

impl PodCounts {
    /// The labels every counted pod holds (`Some(None)`: there are no
    /// pods); `None` when they differ (or once differed: the census does
    /// not look for a new common set until its pods are gone).
    pub fn common_labels(&self) -> Option<Option<&Labels>> {
        (self.same_labels == self.pods).then_some(self.labels.as_ref())
    }

    fn add(&mut self, pod: &Counted, sign: isize) {
        let step = |count: &mut usize, yes: bool| {
            if yes {
                *count = count.wrapping_add_signed(sign);
            }
        };
        step(&mut self.pods, true);
        step(&mut self.active, pod.active);
        step(&mut self.ready, pod.ready);
        step(&mut self.terminating, pod.terminating);
        match &self.labels {
            None => {
                self.labels = Some(pod.labels.clone());
                self.same_labels = 1;
            }
            Some(labels) => step(&mut self.same_labels, Rc::ptr_eq(labels, &pod.labels)),
        }
        if self.pods == 0 {
            (self.labels, self.same_labels) = (None, 0);
        }
    }

    /// Whether a census kept write by write says what one counted afresh
    /// says (it may have lost track of common labels, never claim them
    /// wrongly).
    fn agrees_with(&self, afresh: &PodCounts) -> bool {
        let counts = |c: &PodCounts| (c.pods, c.active, c.ready, c.terminating);
        let labels = |c: &PodCounts| c.common_labels().map(|labels| labels.map(Rc::as_ptr));
        counts(self) == counts(afresh) && (labels(self).is_none() || labels(self) == labels(afresh))
    }
}

/// What a pod adds to its controller's [`PodCounts`].
#[derive(Clone)]
struct Counted {
    active: bool,
    ready: bool,
    terminating: bool,
    labels: Labels,
}

impl Counted {
    fn of(pod: &Pod) -> Counted {
        let active = crate::controller::replicaset::is_pod_active(pod);
        Counted {
            active,
            ready: active && crate::controller::replicaset::ready_condition(pod).is_some(),
            terminating: pod.metadata.deletion_timestamp.is_some(),
            labels: pod.metadata.labels.clone(),
        }
    }

    fn same(&self, other: &Counted) -> bool {
        (self.active, self.ready, self.terminating) == (other.active, other.ready, other.terminating)
            && Rc::ptr_eq(&self.labels, &other.labels)
    }
}

/// A node's pods, and what they request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct OnNode {
    pods: Slots,
    usage: NodeUsage,
}

/// What the pods bound to a node request, for the scheduler.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeUsage {
    pub cpu_milli: i64,
    pub memory: i64,
    pub pods: i64,
    /// Pods per controlling owner UID (for spreading). The UIDs are the
    /// owner index's: one allocation per owner, not one per node.
    pub by_owner: BTreeMap<Str, i64>,
}

impl NodeUsage {
    /// Adds (`sign` 1) or takes away (-1) a pod's requests (milli-CPU,
    /// memory), counted under its controller's UID (`owned`'s copy, which
    /// the pod's owners are indexed under first: shared).
    fn count(&mut self, (cpu, memory): (i64, i64), controller: Option<&str>, owned: &BTreeMap<Str, Owned>, sign: i64) {
        self.cpu_milli += sign * cpu;
        self.memory += sign * memory;
        self.pods += sign;
        if let Some(owner) = controller {
            let count = match self.by_owner.get_mut(owner) {
                Some(count) => count,
                None => {
                    let uid = owned.get_key_value(owner).map_or_else(|| Str::copy(owner), |(uid, _)| uid.clone());
                    self.by_owner.entry(uid).or_default()
                }
            };
            *count += sign;
            if *count == 0 {
                self.by_owner.remove(owner);
            }
        }
    }
}

#[derive(Clone, Default)]
pub struct Store {
    /// Every key, in order, with the slot of its object.
    keys: Slots,
    /// The objects by slot (`None`: free, or taken out to be changed).
    arena: Vec<Option<Shared>>,
    /// The key of each slot's object (`None`: free), kept while the
    /// object is taken out: a key's slot hint is checked by pointer (the
    /// store's own keys) or by the key's prefix words, never against the
    /// object's strings.
    slot_keys: Vec<Option<Key>>,
    /// Slots freed by removals, reused first.
    free: Vec<Slot>,
    /// How many objects of each kind: listing a kind the store has none
    /// of (a pod's PodDisruptionBudgets, at every pod write) costs nothing.
    kinds: VecMap<&'static str, usize>,
    resource_version: u64,
    /// Owner UID -> the objects it owns (and the census of the pods it
    /// controls).
    owned: BTreeMap<Str, Owned>,
    /// Node name -> the pods bound to it and what they request (one
    /// search for both when a pod is bound or removed). The names are the
    /// pods' shared `nodeName` texts: a write that moves no pod copies none.
    on_node: BTreeMap<Str, OnNode>,
    /// Pods bound to no node yet.
    unbound: BTreeSet<Key>,
    /// Pods no controller controls (what ReplicaSets may adopt).
    orphan_pods: BTreeSet<Key>,
    /// ReplicaSets no controller controls (what Deployments may adopt).
    orphan_replica_sets: BTreeSet<Key>,
    /// Writes not yet delivered (`take_changes`).
    changes: Vec<Change>,
}

/// What the store holds, without its indexes and journal (derived from
/// the objects): the world's digest must not depend on how it indexes.
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Objects<'a>(&'a Store);
        impl std::fmt::Debug for Objects<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_map().entries(self.0.entries()).finish()
            }
        }
        f.debug_struct("Store")
            .field("resource_version", &self.resource_version)
            .field("objects", &Objects(self))
            .finish()
    }
}

/// Equal objects, resourceVersion and undelivered writes: where the arena
/// put each object does not matter.
impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        self.resource_version == other.resource_version
            && self.changes == other.changes
            && self.entries().eq(other.entries())
    }
}

impl Store {
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.find(key).and_then(|slot| self.at(slot))
    }

    /// A key's object as the store shares it (a count, not a copy: a
    /// reader that writes while it reads holds it; writing an object
    /// back whole never copies it).
    pub fn get_shared(&self, key: &Key) -> Option<&Rc<Object>> {
        self.find(key).and_then(|slot| self.arena[slot as usize].as_ref())
    }

    /// The slot of a key's object: the key's hint if that slot holds the
    /// object of this key, else a search of the key map (which then
    /// becomes the hint). A slot taken out holds nothing to check the
    /// hint against: the search finds it.
    fn find(&self, key: &Key) -> Option<Slot> {
        let hint = key.slot.get();
        if let Some(Some(held)) = self.slot_keys.get(hint as usize)
            && held == key
        {
            return Some(hint);
        }
        let slot = *self.keys.get(key)?;
        key.slot.set(slot);
        Some(slot)
    }

    /// The object in a slot (`None` while it is taken out).
    fn at(&self, slot: Slot) -> Option<&Object> {
        self.arena[slot as usize].as_deref()
    }

    /// Every key with its object, in key order.
    fn entries(&self) -> impl Iterator<Item = (&Key, &Object)> + '_ {
        self.keys.iter().filter_map(|(key, &slot)| Some((key, self.at(slot)?)))
    }

    /// The objects of an index's slots, in key order.
    fn objects<'a>(&'a self, slots: Option<&'a Slots>) -> Objects<'a> {
        Objects(self.entries_of(slots))
    }

    /// The entries of an index's slots, in key order.
    fn entries_of<'a>(&'a self, slots: Option<&'a Slots>) -> Entries<'a> {
        Entries { store: self, range: slots.map(|slots| slots.range::<Key, _>(..)), kind: None, namespace: None }
    }

    /// Objects of a kind, in key order, optionally in one namespace.
    pub fn list<'a>(&'a self, kind: &'static str, namespace: Option<&'a str>) -> Objects<'a> {
        let range = self.kinds.contains_key(kind).then(|| {
            let start = Key::from_parts(kind, namespace_text(namespace.unwrap_or("")), String::new());
            self.keys.range(start..)
        });
        Objects(Entries { store: self, range, kind: Some(kind), namespace })
    }

    /// Whether the store holds any object of a kind.
    pub fn has_kind(&self, kind: &str) -> bool {
        self.kinds.contains_key(kind)
    }

    /// What an owner (by UID) owns, in key order.
    pub fn owned_by<'a>(&'a self, owner_uid: &str) -> Objects<'a> {
        self.objects(self.owned.get(owner_uid).map(|owned| &owned.slots))
    }

    /// What an owner owns, in key order, as the store shares it (see
    /// [`Store::get_shared`]).
    pub fn owned_shared<'a>(&'a self, owner_uid: &str) -> impl Iterator<Item = &'a Rc<Object>> + 'a {
        let slots = self.owned.get(owner_uid).into_iter().flat_map(|owned| owned.slots.values());
        slots.filter_map(|&slot| self.arena[slot as usize].as_ref())
    }

    /// The census of the pods a controller (by UID) controls.
    pub fn pod_counts(&self, controller_uid: &str) -> Option<&PodCounts> {
        self.owned.get(controller_uid).map(|owned| &owned.pods)
    }

    /// What an owner owns, with the keys it is held under (their slot
    /// hints spare later lookups a search).
    pub fn owned_entries<'a>(&'a self, owner_uid: &str) -> Entries<'a> {
        self.entries_of(self.owned.get(owner_uid).map(|owned| &owned.slots))
    }

    /// The pods bound to a node, in key order.
    pub fn pods_on_node<'a>(&'a self, node: &str) -> Objects<'a> {
        self.objects(self.on_node.get(node).map(|on_node| &on_node.pods))
    }

    /// What the pods bound to a node request.
    pub fn node_usage(&self, node: &str) -> Option<&NodeUsage> {
        self.on_node.get(node).map(|on_node| &on_node.usage)
    }

    /// What the pods bound to each node request, for the nodes with pods,
    /// in name order.
    pub fn node_usages(&self) -> impl Iterator<Item = (&str, &NodeUsage)> + '_ {
        self.on_node.iter().map(|(name, on_node)| (name.as_str(), &on_node.usage))
    }

    /// The pods bound to no node, in key order.
    pub fn unbound_pods(&self) -> impl Iterator<Item = &Key> + '_ {
        self.unbound.iter()
    }

    /// The pods of a namespace that no controller controls.
    pub fn orphan_pods<'a>(&'a self, namespace: &str) -> impl Iterator<Item = &'a Key> + 'a {
        in_namespace(&self.orphan_pods, "Pod", namespace)
    }

    /// The ReplicaSets of a namespace that no controller controls, in key
    /// order.
    pub fn orphan_replica_sets<'a>(&'a self, namespace: &str) -> impl Iterator<Item = &'a Key> + 'a {
        in_namespace(&self.orphan_replica_sets, "ReplicaSet", namespace)
    }

    /// The writes since the last call, oldest first.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// Gives back what [`Store::take_changes`] returned, emptied: the
    /// next writes reuse its room (a reconcile's rounds journal thousands
    /// of writes; growing the journal anew each time copied them over and
    /// over).
    pub fn return_changes(&mut self, mut emptied: Vec<Change>) {
        if self.changes.is_empty() {
            emptied.clear();
            self.changes = emptied;
        }
    }

    /// Lets go of the journal's room once everything is delivered (a
    /// world at rest keeps none).
    pub fn release_changes(&mut self) {
        if self.changes.is_empty() {
            self.changes = Vec::new();
        }
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Creates an object as the API server does: a name from
    /// `generateName` if needed, a fresh uid, generation 1, the time.
    pub fn create(&mut self, mut object: Object, now: Time, rng: &mut Rng) -> Result<Key, StoreError> {
        let meta = object.metadata_mut();
        if meta.name.as_deref().unwrap_or("").is_empty() {
            // names.SimpleNameGenerator: the base is cut to 58 characters.
            let generate_name = meta.generate_name.as_deref().unwrap_or("");
            let base = generate_name.char_indices().nth(58).map_or(generate_name, |(cut, _)| &generate_name[..cut]);
            let mut name = String::with_capacity(base.len() + 5);
            name.push_str(base);
            rng.push_name_suffix(&mut name, 5);
            meta.name = Some(name);
        }
        let key = Key::of(&object);
        // One search of the key map: it refuses the name or takes the key.
        let std::collections::btree_map::Entry::Vacant(vacant) = self.keys.entry(key.clone()) else {
            return Err(StoreError::AlreadyExists(format!(
                "{} \"{}\" already exists",
                resource_of(key.kind),
                key.name
            )));
        };
        let slot = self.free.pop().unwrap_or(self.arena.len() as Slot);
        vacant.insert(slot);
        self.resource_version += 1;
        let tracked = tracks_generation(key.kind);
        let namespaced = kind_info(key.kind).is_none_or(|info| info.namespaced);
        let meta = object.metadata_mut();
        if namespaced && meta.namespace.as_deref().is_none_or(str::is_empty) {
            // The request's namespace: kubectl's default one.
            meta.namespace = Some(key.namespace.to_string());
        }
        meta.uid = Some(rng.uuid());
        set_version(&mut meta.resource_version, self.resource_version);
        meta.generation = tracked.then_some(1);
        meta.creation_timestamp = Some(now);
        if let Some(rare) = meta.rare.as_mut() {
            rare.deletion_timestamp = None;
        }
        self.journal(&key, None, Some(&object));
        self.place(&key, slot, Rc::new(object));
        Ok(key)
    }

    /// Replaces an object's spec and metadata (server-set fields and the
    /// status kept); a changed spec bumps generation. Returns whether
    /// anything changed.
    pub fn update(&mut self, object: Object) -> Result<bool, StoreError> {
        match self.updated(object)? {
            Some(object) => {
                self.write(Key::of(&object), object);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// What [`Store::update`] would write for `object`: the status and the
    /// server-set fields kept, uid and timestamps carried over, generation
    /// moved by a spec change; `None` when that is what is stored already.
    pub fn updated(&self, mut object: Object) -> Result<Option<Object>, StoreError> {
        let key = Key::of(&object);
        let Some(current) = self.get(&key) else {
            return Err(StoreError::NotFound(format!("{} \"{}\" not found", resource_of(key.kind), key.name)));
        };
        object.keep_status_of(current);
        object.keep_server_fields_of(current);
        let spec_changed = !current.same_spec(&object);
        let old_meta = current.metadata();
        let meta = object.metadata_mut();
        meta.uid.clone_from(&old_meta.uid);
        meta.creation_timestamp = old_meta.creation_timestamp;
        meta.generation =
            tracks_generation(key.kind).then(|| old_meta.generation.unwrap_or(1) + i64::from(spec_changed));
        meta.resource_version.clone_from(&old_meta.resource_version);
        Ok((object != *current).then_some(object))
    }

    /// Writes an object as the controllers do (status, owner references,
    /// deletion timestamps): resourceVersion moves, generation does not.
    pub fn write(&mut self, key: Key, object: Object) {
        let before = self.take(&key).and_then(|taken| taken.before);
        self.put(key, Taken { object: Rc::new(object), before });
    }

    /// Takes an object out to change it in place; [`Store::put`] writes it
    /// back (as [`Store::write`] would). Until then the store does not
    /// have it: the caller must put it back.
    pub fn take(&mut self, key: &Key) -> Option<Taken> {
        let slot = self.find(key)?;
        let object = self.arena[slot as usize].take()?;
        Some(Taken { before: Some(Before::of(&object, slot)), object })
    }

    /// Writes back what [`Store::take`] took (or writes a new object):
    /// resourceVersion moves, generation does not.
    pub fn put(&mut self, key: Key, mut taken: Taken) {
        self.resource_version += 1;
        set_version(&mut taken.object_mut().metadata_mut().resource_version, self.resource_version);
        if let Some(before) = &taken.before {
            // Only what changed: binding a pod leaves its owners' indexes
            // (thousands of pods under one ReplicaSet) alone.
            let (same_owners, same_pod) = before.indexed_as(&taken.object);
            if !same_owners {
                self.unindex_owners(&key, before);
                self.index_owners(&key, before.slot, &taken.object);
            } else if let (Some(counted), Object::Pod(pod)) = (&before.counted, &*taken.object) {
                self.recount(pod, counted);
            }
            if !(same_owners && same_pod) {
                self.unindex_pod(&key, before);
                self.index_pod(&key, before.slot, &taken.object);
            }
        }
        let slot = taken.before.as_ref().map(|before| before.slot);
        self.journal(&key, taken.before, Some(&taken.object));
        match slot {
            Some(slot) => self.arena[slot as usize] = Some(taken.object),
            None => self.insert_new(key, taken.object),
        }
    }

    /// Puts back what [`Store::take`] took, unchanged: no write happened.
    pub fn untake(&mut self, key: Key, taken: Taken) {
        match taken.before {
            Some(before) => self.arena[before.slot as usize] = Some(taken.object),
            None => self.insert_new(key, taken.object),
        }
    }

    /// Removes an object at once (graceful deletion is the caller's).
    pub fn remove(&mut self, key: &Key) -> Option<Object> {
        let slot = self.find(key)?;
        let object = self.arena[slot as usize].take()?;
        self.keys.remove(key);
        self.slot_keys[slot as usize] = None;
        self.free.push(slot);
        if let Some(count) = self.kinds.get_mut(key.kind) {
            *count -= 1;
            if *count == 0 {
                self.kinds.remove(key.kind);
            }
        }
        let mut before = Before::of(&object, slot);
        before.uid = object.metadata().uid.clone().unwrap_or_default();
        self.unindex(key, &before);
        self.journal(key, Some(before), None);
        self.resource_version += 1;
        Some(Rc::unwrap_or_clone(object))
    }

    /// A new key's object: into a free slot, keyed and indexed.
    fn insert_new(&mut self, key: Key, object: Shared) {
        let slot = self.free.pop().unwrap_or(self.arena.len() as Slot);
        self.place(&key, slot, object);
        self.keys.insert(key, slot);
    }

    /// A new object into a slot (free, or the next one), indexed, for
    /// its key to be mapped to the slot.
    fn place(&mut self, key: &Key, slot: Slot, object: Shared) {
        self.index(key, slot, &object);
        if slot as usize == self.arena.len() {
            self.arena.push(Some(object));
            self.slot_keys.push(Some(key.clone()));
        } else {
            self.arena[slot as usize] = Some(object);
            self.slot_keys[slot as usize] = Some(key.clone());
        }
        *self.kinds.entry(key.kind).or_default() += 1;
        key.slot.set(slot);
    }

    /// Whether every index says what a store rebuilt from its objects
    /// would (for the simulation tests: the indexes are kept up to date
    /// write by write). The first difference, in words.
    pub fn check_indexes(&self) -> Result<(), String> {
        let mut rebuilt = Store::default();
        for (key, object) in self.entries() {
            rebuilt.insert_new(key.clone(), Rc::new(object.clone()));
        }
        fn keys(index: &BTreeMap<Str, Owned>) -> Vec<(&str, Vec<Key>)> {
            index.iter().map(|(name, owned)| (name.as_str(), owned.slots.keys().cloned().collect())).collect()
        }
        fn node_keys(index: &BTreeMap<Str, OnNode>) -> Vec<(&str, Vec<Key>)> {
            index.iter().map(|(name, on_node)| (name.as_str(), on_node.pods.keys().cloned().collect())).collect()
        }
        let slots_hold_their_keys = self.keys.iter().all(|(key, &slot)| {
            self.at(slot).is_some_and(|o| Key::of(o) == *key)
                && self.slot_keys[slot as usize].as_ref().is_some_and(|held| Rc::ptr_eq(&held.0, &key.0))
        });
        let free_slots_hold_no_key = self.free.iter().all(|&slot| self.slot_keys[slot as usize].is_none());
        let differs = [
            (
                "key",
                !slots_hold_their_keys
                    || !free_slots_hold_no_key
                    || self.keys.len() + self.free.len() != self.arena.len()
                    || self.slot_keys.len() != self.arena.len(),
            ),
            ("kind", self.kinds != rebuilt.kinds),
            ("owner", keys(&self.owned) != keys(&rebuilt.owned)),
            (
                "pod census",
                self.owned
                    .values()
                    .zip(rebuilt.owned.values())
                    .any(|(kept, afresh)| !kept.pods.agrees_with(&afresh.pods)),
            ),
            ("node", node_keys(&self.on_node) != node_keys(&rebuilt.on_node)),
            ("node usage", self.on_node.values().map(|n| &n.usage).ne(rebuilt.on_node.values().map(|n| &n.usage))),
            ("unbound pods", self.unbound != rebuilt.unbound),
            ("orphan pods", self.orphan_pods != rebuilt.orphan_pods),
            ("orphan ReplicaSets", self.orphan_replica_sets != rebuilt.orphan_replica_sets),
        ];
        match differs.iter().find(|(_, differs)| *differs) {
            Some((index, _)) => Err(format!("the {index} index differs from the objects")),
            None => Ok(()),
        }
    }

    /// Journals a write for the informers: `before` is the object as it
    /// was (`None`: it did not exist), `new` as it is (`None`: removed).
    fn journal(&mut self, key: &Key, before: Option<Before>, new: Option<&Object>) {
        let owners_after = new.map(|object| object.metadata().owner_references.clone()).unwrap_or_default();
        let after = controller_of(&owners_after);
        let existed = before.is_some();
        let (uid, owners_before) = match before {
            Some(before) if new.is_none() => (before.uid, before.owners),
            Some(before) => (String::new(), before.owners),
            None => (String::new(), SharedList::default()),
        };
        let old_controller = controller_of(&owners_before);
        let owner_changed =
            new.is_some() && (!existed || old_controller.map(|c| c.uid.as_str()) != after.map(|a| a.uid.as_str()));
        let orphan = if new.is_some() { after.is_none() } else { old_controller.is_none() };
        let (bound, deleting) = match new {
            Some(Object::Pod(pod)) => (
                pod.spec.node_name.as_deref().is_some_and(|n| !n.is_empty()),
                pod.metadata.deletion_timestamp.is_some(),
            ),
            _ => (false, false),
        };
        self.changes.push(Change {
            key: key.clone(),
            uid,
            owners_before,
            owners_after,
            orphan,
            removed: new.is_none(),
            owner_changed,
            bound,
            deleting,
        });
    }

    fn index(&mut self, key: &Key, slot: Slot, object: &Object) {
        self.index_owners(key, slot, object);
        self.index_pod(key, slot, object);
    }

    fn index_owners(&mut self, key: &Key, slot: Slot, object: &Object) {
        let owners = &object.metadata().owner_references;
        let controller = controller_of(owners);
        for owner in owners {
            let owned = match self.owned.get_mut(owner.uid.as_str()) {
                Some(owned) => owned,
                None => self.owned.entry(Str::copy(&owner.uid)).or_default(),
            };
            owned.slots.insert(key.clone(), slot);
            if let Object::Pod(pod) = object
                && controller.is_some_and(|controller| std::ptr::eq(controller, owner))
            {
                owned.pods.add(&Counted::of(pod), 1);
            }
        }
        if key.kind == "ReplicaSet" && object.metadata().controller().is_none() {
            self.orphan_replica_sets.insert(key.clone());
        }
    }

    /// A pod written back under the same owners: its controller's census
    /// moves if what it counts of the pod changed (readiness, deletion).
    fn recount(&mut self, pod: &Pod, before: &Counted) {
        let now = Counted::of(pod);
        if now.same(before) {
            return;
        }
        if let Some(controller) = pod.metadata.controller()
            && let Some(owned) = self.owned.get_mut(controller.uid.as_str())
        {
            owned.pods.add(before, -1);
            owned.pods.add(&now, 1);
        }
    }

    /// A pod's node, usage, unbound and orphan indexes.
    fn index_pod(&mut self, key: &Key, slot: Slot, object: &Object) {
        if let Object::Pod(pod) = object {
            let controller = pod.metadata.controller().map(|owner| owner.uid.as_str());
            if controller.is_none() {
                self.orphan_pods.insert(key.clone());
            }
            match pod.spec.node_name.as_ref().filter(|n| !n.is_empty()) {
                Some(node) => {
                    let on_node = self.on_node.entry(node.clone()).or_default();
                    on_node.pods.insert(key.clone(), slot);
                    on_node.usage.count(super::scheduler::pod_requests(pod), controller, &self.owned, 1);
                }
                None => {
                    self.unbound.insert(key.clone());
                }
            }
        }
    }

    /// The mirror of `index`, from what the object was indexed under.
    fn unindex(&mut self, key: &Key, before: &Before) {
        self.unindex_owners(key, before);
        self.unindex_pod(key, before);
    }

    fn unindex_owners(&mut self, key: &Key, before: &Before) {
        let controller = before.controller();
        for owner in &before.owners {
            if let Some(owned) = self.owned.get_mut(owner.uid.as_str()) {
                owned.slots.remove(key);
                if let Some(counted) = &before.counted
                    && controller.is_some_and(|controller| std::ptr::eq(controller, owner))
                {
                    owned.pods.add(counted, -1);
                }
                if owned.slots.is_empty() {
                    self.owned.remove(owner.uid.as_str());
                }
            }
        }
        if key.kind == "ReplicaSet" && before.controller().is_none() {
            self.orphan_replica_sets.remove(key);
        }
    }

    fn unindex_pod(&mut self, key: &Key, before: &Before) {
        let controller = before.controller().map(|owner| owner.uid.as_str());
        let Some(containers) = &before.containers else { return };
        if controller.is_none() {
            self.orphan_pods.remove(key);
        }
        match &before.node {
            None => {
                self.unbound.remove(key);
            }
            Some(node) => {
                if let Some(on_node) = self.on_node.get_mut(node.as_str())
                    && on_node.pods.remove(key).is_some()
                {
                    if on_node.pods.is_empty() {
                        self.on_node.remove(node.as_str());
                    } else {
                        let requests = super::scheduler::containers_requests(containers);
                        on_node.usage.count(requests, controller, &self.owned, -1);
                    }
                }
            }
        }
    }
}

/// What the journal and the indexes need of an object as it was before a
/// write: its slot, its owner references (shared with the object: a
/// count, not a copy) and, for a pod, its node and containers (whose
/// requests its node's usage counts); its uid only for a removal. Taken
/// at every write, so it copies no more than that.
struct Before {
    slot: Slot,
    uid: String,
    owners: SharedList<OwnerReference>,
    node: Option<Str>,
    /// `Some` for a pod.
    containers: Option<Rc<Vec<crate::api::core::Container>>>,
    /// What a pod counted in its controller's census (`Some` for a pod).
    counted: Option<Counted>,
}

impl Before {
    fn of(object: &Object, slot: Slot) -> Before {
        let pod = match object {
            Object::Pod(pod) => Some(pod),
            _ => None,
        };
        Before {
            slot,
            uid: String::new(),
            owners: object.metadata().owner_references.clone(),
            node: pod.and_then(|pod| pod.spec.node_name.clone()).filter(|n| !n.is_empty()),
            containers: pod.map(|pod| pod.spec.containers.clone()),
            counted: pod.map(Counted::of),
        }
    }

    fn controller(&self) -> Option<&OwnerReference> {
        controller_of(&self.owners)
    }

    /// Whether `object` is indexed under the same (so a write back into
    /// its slot leaves those indexes alone): the same owner uids and the
    /// same controller; and (for the pod indexes, which count by
    /// controller too) the same kind and, for a pod, the same node and
    /// containers.
    fn indexed_as(&self, object: &Object) -> (bool, bool) {
        let meta = object.metadata();
        let same_owners = self.owners.shares_with(&meta.owner_references)
            || (self.owners.len() == meta.owner_references.len()
                && self
                    .owners
                    .iter()
                    .zip(meta.owner_references.iter())
                    .all(|(a, b)| a.uid == b.uid && (a.controller == Some(true)) == (b.controller == Some(true))));
        let same_pod = match (&self.containers, object) {
            (Some(containers), Object::Pod(pod)) => {
                self.node.as_deref() == pod.spec.node_name.as_deref().filter(|n| !n.is_empty())
                    && (Rc::ptr_eq(containers, &pod.spec.containers) || **containers == *pod.spec.containers)
            }
            (None, Object::Pod(_)) | (Some(_), _) => false,
            (None, _) => true,
        };
        (same_owners, same_pod)
    }
}

/// An object taken out of the store to be changed in place.
pub struct Taken {
    object: Shared,
    /// The object when it was taken (`None`: it is new).
    before: Option<Before>,
}

impl Taken {
    /// The object to change (copied first only if a checkpoint shares it).
    pub fn object_mut(&mut self) -> &mut Object {
        Rc::make_mut(&mut self.object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::Deployment;
    use crate::api::core::Pod;
    use crate::api::{Condition, ObjectMeta, OwnerReference};

    fn deployment(name: &str, replicas: i32) -> Object {
        let mut d = Deployment::default();
        d.metadata.name = Some(name.into());
        d.spec.replicas = Some(replicas);
        Object::Deployment(d)
    }

    #[test]
    fn keys_order_as_their_parts_do() {
        // Around the 8- and 24-byte prefixes, with zero bytes and bytes
        // above 0x7f (the words must not reorder them).
        let names = [
            "",
            "a",
            "a\0",
            "ab",
            "abcdefgh",
            "abcdefghi",
            "abcdefgi",
            "abcdefgh-1",
            "b",
            "é",
            "web-001-6f5f48b7c5-abcde",
            "web-001-6f5f48b7c5-abcdf",
            "web-001-6f5f48b7c5-abc",
            "web-001-6f5f48b7",
            "web-001-6f5f48b7c5-abcde-long-tail",
            "web-001-6f5f48b7c5-abcde-long-tail2",
        ];
        let namespaces = ["", "default", "default\0", "defaul\0", "defaults-and-more", "defaults-and-mord", "z"];
        // Ranked kinds, and kinds the API does not have (their names decide).
        let kinds = ["Pod", "PodDisruptionBudget", "Deployment", "Aardvark", "Zebra", "Pod2"];
        let keys: Vec<_> = kinds
            .iter()
            .flat_map(|kind| namespaces.iter().map(move |ns| (kind, ns)))
            .flat_map(|(kind, ns)| names.iter().map(move |name| (*kind, *ns, *name)))
            .map(|(kind, ns, name)| ((kind, ns, name), Key::from_parts(kind, Str::copy(ns), name.to_string())))
            .collect();
        for (x, kx) in &keys {
            for (y, ky) in &keys {
                assert_eq!(kx.cmp(ky), x.cmp(y), "{x:?} vs {y:?}");
                assert_eq!(kx == ky, x == y);
            }
        }
        assert!(Key::new("Deployment", "z", "z") < Key::new("Pod", "a", "a"));
        assert!(Key::new("Pod", "a", "z") < Key::new("Pod", "b", "a"));
        // The default namespace is a literal (no allocation per key).
        assert!(Key::new("Pod", "default", "a").namespace.shares_with(&Str::from_static("default")));
        assert_eq!(Key::new("Pod", "other", "a").namespace, "other");
    }

    /// Every kind of the API has its rank, in the order of the names.
    #[test]
    fn kinds_are_ranked_in_name_order() {
        let mut kinds: Vec<_> = crate::api::KINDS.iter().map(|info| info.kind).collect();
        kinds.sort();
        for (rank, kind) in kinds.iter().enumerate() {
            assert_eq!(kind_rank(kind), rank as u64, "{kind}");
        }
        assert_eq!(kind_rank("Zebra"), UNRANKED);
    }

    /// A key's slot hint is only a hint: a removed object's slot goes to
    /// the next object created, and a key made anew finds its object too.
    #[test]
    fn keys_find_their_objects_when_slots_are_reused() {
        let (mut store, mut rng, now) = (Store::default(), Rng::seeded(1), Time::default());
        let web = store.create(deployment("web", 1), now, &mut rng).unwrap();
        store.remove(&web);
        let api = store.create(deployment("api", 2), now, &mut rng).unwrap();
        assert_eq!((web.slot.get(), store.get(&web).is_none()), (api.slot.get(), true));
        let again = store.create(deployment("web", 3), now, &mut rng).unwrap();
        for key in [&web, &again, &Key::new("Deployment", "default", "web")] {
            let Some(Object::Deployment(d)) = store.get(key) else { panic!("{key:?} not found") };
            assert_eq!(d.spec.replicas, Some(3));
        }
        // Taken out, it is not there to be found; put back, it is.
        let taken = store.take(&api).unwrap();
        assert!(store.get(&api).is_none() && store.take(&api).is_none());
        store.untake(api.clone(), taken);
        assert!(store.get(&Key::new("Deployment", "default", "api")).is_some());
        // A cluster-scoped kind's key has no namespace, whatever it was made with.
        let mut node = crate::api::core::Node::default();
        node.metadata.name = Some("node-1".into());
        store.create(Object::Node(node), now, &mut rng).unwrap();
        assert!(store.get(&Key::new("Node", "default", "node-1")).is_some());
        assert!(store.get(&Key::new("Node", "", "node-1")).is_some());
        assert_eq!(store.check_indexes(), Ok(()));
    }

    #[test]
    fn create_update_and_refusals_read_like_the_api_server() {
        let (mut store, mut rng, now) = (Store::default(), Rng::seeded(1), Time::from_unix_ms(1_000));
        let key = store.create(deployment("web", 2), now, &mut rng).unwrap();
        let meta = store.get(&key).unwrap().metadata().clone();
        assert_eq!(
            (meta.generation, meta.resource_version.as_deref(), meta.creation_timestamp),
            (Some(1), Some("1"), Some(now))
        );
        assert_eq!(
            store.create(deployment("web", 3), now, &mut rng).unwrap_err().to_string(),
            "deployments.apps \"web\" already exists"
        );
        // Same spec: nothing to write. New spec: generation and resourceVersion move.
        assert_eq!(store.update(deployment("web", 2)), Ok(false));
        assert_eq!(store.update(deployment("web", 5)), Ok(true));
        let meta = store.get(&key).unwrap().metadata().clone();
        assert_eq!((meta.generation, meta.resource_version.as_deref(), meta.uid.is_some()), (Some(2), Some("2"), true));
        assert_eq!(store.update(deployment("api", 1)).unwrap_err().to_string(), "deployments.apps \"api\" not found");
    }

    /// `kubectl apply` of an unchanged manifest changes nothing: the status
    /// the controllers wrote stays (it is a subresource of its own).
    #[test]
    fn an_update_keeps_the_status() {
        let (mut store, mut rng, now) = (Store::default(), Rng::seeded(1), Time::from_unix_ms(1_000));
        let key = store.create(deployment("web", 2), now, &mut rng).unwrap();
        let Some(Object::Deployment(mut written)) = store.get(&key).cloned() else { panic!() };
        written.status.collision_count = Some(1);
        written.status.ready_replicas = 2;
        store.write(key.clone(), Object::Deployment(written));
        assert_eq!(store.update(deployment("web", 2)), Ok(false));
        assert_eq!(store.update(deployment("web", 3)), Ok(true));
        let Some(Object::Deployment(after)) = store.get(&key) else { panic!() };
        assert_eq!((after.status.collision_count, after.status.ready_replicas), (Some(1), 2));
    }

    #[test]
    fn generate_name_owner_and_node_indexes() {
        let (mut store, mut rng, now) = (Store::default(), Rng::seeded(2), Time::default());
        let mut pod = Pod {
            metadata: ObjectMeta {
                generate_name: Some("web-5d4f8c7b9-".into()),
                owner_references: vec![OwnerReference {
                    uid: "rs-uid".into(),
                    controller: Some(true),
                    ..Default::default()
                }]
                .into(),
                ..Default::default()
            },
            ..Default::default()
        };
        pod.spec.node_name = Some("node-1".into());
        let key = store.create(Object::Pod(pod), now, &mut rng).unwrap();
        assert!(key.name.starts_with("web-5d4f8c7b9-") && key.name.len() == "web-5d4f8c7b9-".len() + 5);
        assert_eq!(key.namespace, "default");
        assert_eq!(store.owned_by("rs-uid").count(), 1);
        assert_eq!(store.pods_on_node("node-1").count(), 1);
        assert_eq!(store.list("Pod", Some("default")).count(), 1);
        assert_eq!(store.list("Pod", Some("other")).count(), 0);
        // Moved to another node (owners unchanged: only the pod indexes
        // move), then released by its owner (only the owner indexes).
        let mut taken = store.take(&key).unwrap();
        let Object::Pod(pod) = taken.object_mut() else { panic!() };
        let node = Str::copy("node-2");
        pod.spec.node_name = Some(node.clone());
        store.put(key.clone(), taken);
        assert_eq!((store.pods_on_node("node-1").count(), store.pods_on_node("node-2").count()), (0, 1));
        // The node indexes hold the pod's nodeName text: shared, not copied.
        assert!(store.on_node.keys().all(|name| name.shares_with(&node)));
        // The node's count by owner holds the owner index's UID: shared.
        let counted = store.node_usage("node-2").and_then(|usage| usage.by_owner.keys().next());
        assert!(counted.is_some_and(|uid| store.owned.keys().next().is_some_and(|owner| uid.shares_with(owner))));
        assert_eq!((store.owned_by("rs-uid").count(), store.check_indexes()), (1, Ok(())));
        let mut taken = store.take(&key).unwrap();
        taken.object_mut().metadata_mut().owner_references = Default::default();
        store.put(key.clone(), taken);
        assert_eq!((store.owned_by("rs-uid").count(), store.orphan_pods("default").count()), (0, 1));
        assert_eq!((store.node_usage("node-2").map(|u| u.by_owner.len()), store.check_indexes()), (Some(0), Ok(())));
        store.remove(&key);
        assert_eq!((store.owned_by("rs-uid").count(), store.pods_on_node("node-2").count()), (0, 0));
    }

    /// A controller's census follows its pods write by write: created,
    /// ready, being deleted, removed, released; pods with labels of their
    /// own make the labels uncommon until the pods are gone.
    #[test]
    fn pod_counts_follow_writes() {
        let (mut store, mut rng, now) = (Store::default(), Rng::seeded(3), Time::default());
        let owners: SharedList<OwnerReference> =
            vec![OwnerReference { uid: "rs-uid".into(), controller: Some(true), ..Default::default() }].into();
        let labels: Labels = Rc::new([("app".to_string(), "web".to_string())].into());
        let mut keys = Vec::new();
        for name in ["a", "b", "c"] {
            let mut pod = Pod::default();
            pod.metadata.name = Some(name.into());
            pod.metadata.owner_references = owners.clone();
            pod.metadata.labels = labels.clone();
            pod.status.phase = "Running".into();
            keys.push(store.create(Object::Pod(pod), now, &mut rng).unwrap());
        }
        let counts = |store: &Store| {
            let c = store.pod_counts("rs-uid").cloned().unwrap_or_default();
            let common = c.common_labels().map(|labels| labels.map(|l| l.len()));
            (c.pods, c.active, c.ready, c.terminating, common)
        };
        assert_eq!(counts(&store), (3, 3, 0, 0, Some(Some(1))));
        let change = |store: &mut Store, key: &Key, change: &dyn Fn(&mut Pod)| {
            let mut taken = store.take(key).unwrap();
            let Object::Pod(pod) = taken.object_mut() else { panic!() };
            change(pod);
            store.put(key.clone(), taken);
            assert_eq!(store.check_indexes(), Ok(()));
        };
        let ready = Condition { condition_type: "Ready".into(), status: "True".into(), ..Default::default() };
        change(&mut store, &keys[0], &|pod| pod.status.conditions.push(ready.clone()));
        change(&mut store, &keys[1], &|pod| pod.status.conditions.push(ready.clone()));
        assert_eq!(counts(&store), (3, 3, 2, 0, Some(Some(1))));
        // Being deleted: no longer active (nor counted ready), terminating.
        change(&mut store, &keys[1], &|pod| pod.metadata.rare_mut().deletion_timestamp = Some(now));
        assert_eq!(counts(&store), (3, 2, 1, 1, Some(Some(1))));
        store.remove(&keys[1]);
        assert_eq!(counts(&store), (2, 2, 1, 0, Some(Some(1))));
        // Labels of its own (a copy, even with the same text): uncommon.
        change(&mut store, &keys[2], &|pod| _ = pod.metadata.labels_mut().insert("extra".into(), "1".into()));
        assert_eq!(counts(&store), (2, 2, 1, 0, None));
        // Released: its controller no longer counts it.
        change(&mut store, &keys[0], &|pod| pod.metadata.owner_references = Default::default());
        assert_eq!(counts(&store), (1, 1, 0, 0, None));
        store.remove(&keys[2]);
        assert_eq!(store.pod_counts("rs-uid").map(|c| c.pods), None);
        assert_eq!(store.check_indexes(), Ok(()));
    }

    /// The journal's room is reused between deliveries and let go at rest;
    /// what is delivered is the same.
    #[test]
    fn the_journal_reuses_its_room() {
        let (mut store, mut rng, now) = (Store::default(), Rng::seeded(1), Time::default());
        for name in ["a", "b", "c"] {
            store.create(deployment(name, 1), now, &mut rng).unwrap();
        }
        let delivered = store.take_changes();
        let names: Vec<_> = delivered.iter().map(|change| change.key.name.clone()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        store.return_changes(delivered);
        assert!(store.changes.is_empty() && store.changes.capacity() >= 3);
        store.create(deployment("d", 1), now, &mut rng).unwrap();
        let again = store.take_changes();
        assert_eq!((again.len(), again[0].key.name.as_str()), (1, "d"));
        store.return_changes(again);
        store.release_changes();
        assert_eq!(store.changes.capacity(), 0);
    }

    /// An orphan range holds its namespace's orphans only, in key order:
    /// not a namespace that starts with its name, nor other kinds; so does
    /// a listing.
    #[test]
    fn orphans_are_listed_by_namespace() {
        let (mut store, mut rng, now) = (Store::default(), Rng::seeded(1), Time::default());
        for (kind, namespace, name) in [
            ("Pod", "default", "b"),
            ("Pod", "default", "a"),
            ("Pod", "default2", "a"),
            ("Pod", "defaul", "z"),
            ("ReplicaSet", "default", "c"),
        ] {
            let metadata =
                ObjectMeta { name: Some(name.into()), namespace: Some(namespace.into()), ..Default::default() };
            let object = match kind {
                "Pod" => Object::Pod(Pod { metadata, ..Default::default() }),
                _ => Object::ReplicaSet(crate::api::apps::ReplicaSet { metadata, ..Default::default() }),
            };
            store.create(object, now, &mut rng).unwrap();
        }
        let names = |keys: Vec<&Key>| keys.iter().map(|key| key.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(store.orphan_pods("default").collect()), ["a", "b"]);
        assert_eq!(names(store.orphan_pods("default2").collect()), ["a"]);
        assert_eq!(names(store.orphan_pods("other").collect()), Vec::<String>::new());
        assert_eq!(names(store.orphan_replica_sets("default").collect()), ["c"]);
        assert_eq!(names(store.orphan_replica_sets("defaul").collect()), Vec::<String>::new());
        // A listing holds its kind (and namespace) only, in key order, skips
        // an object taken out, and ends at the first key past them.
        let listed = |objects: Objects| {
            objects.map(|o| format!("{}/{}", o.metadata().namespace(), o.metadata().name())).collect::<Vec<_>>()
        };
        assert_eq!(listed(store.list("Pod", Some("default"))), ["default/a", "default/b"]);
        assert_eq!(listed(store.list("Pod", None)), ["defaul/z", "default/a", "default/b", "default2/a"]);
        assert_eq!(listed(store.list("ReplicaSet", None)), ["default/c"]);
        assert_eq!(listed(store.list("Deployment", None)), Vec::<String>::new());
        let taken = store.take(&Key::new("Pod", "default", "a")).unwrap();
        assert_eq!(listed(store.list("Pod", Some("default"))), ["default/b"]);
        store.put(Key::new("Pod", "default", "a"), taken);
        let mut listing = store.list("Pod", Some("default2"));
        assert_eq!((listing.next().is_some(), listing.next().is_none(), listing.next().is_none()), (true, true, true));
    }
}
