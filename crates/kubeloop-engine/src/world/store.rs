//! The object store: what the API server and etcd are to a cluster.
//!
//! Every write bumps the global resourceVersion; creating sets uid,
//! generation 1 and creationTimestamp; a spec change bumps generation.
//! Indexes by owner UID and by node, the node's requested resources, the
//! pods waiting for a node, and a journal of what changed (what informers
//! deliver to controllers) keep each tick's work proportional to what
//! changed rather than to the cluster's size.

use super::rng::Rng;
use crate::api::{Object, Time, kind_info, resource_of};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Objects are shared between the store, its indexes and the world's
/// checkpoints: an index yields the object itself (no second lookup), and
/// a checkpoint of the world copies pointers. A writer changes an object
/// in place with [`Store::take`] and [`Store::put`] (copied only if a
/// checkpoint still shares it).
type Shared = Rc<Object>;

/// Keys in order, each with its object.
type Objects = BTreeMap<Key, Shared>;

/// Where an object lives: kind, namespace (empty when cluster-scoped), name.
///
/// Shared: the store, its indexes, the work queues and the event log all
/// hold keys, so a clone is a reference count, not two strings. Keys order
/// by kind, namespace, name (what `list` ranges over).
#[derive(Clone)]
pub struct Key(Rc<KeyParts>);

#[derive(PartialEq, Eq)]
pub struct KeyParts {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

impl std::ops::Deref for Key {
    type Target = KeyParts;

    fn deref(&self) -> &KeyParts {
        &self.0
    }
}

impl PartialEq for Key {
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
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        if Rc::ptr_eq(&self.0, &other.0) {
            return std::cmp::Ordering::Equal;
        }
        let (a, b) = (&*self.0, &*other.0);
        // Kinds are mostly the same literal: one comparison of pointers.
        let kind = if std::ptr::eq(a.kind, b.kind) { std::cmp::Ordering::Equal } else { a.kind.cmp(b.kind) };
        kind.then_with(|| a.namespace.cmp(&b.namespace)).then_with(|| a.name.cmp(&b.name))
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
        Key::from_parts(kind, if namespaced { namespace.to_string() } else { String::new() }, name.to_string())
    }

    fn from_parts(kind: &'static str, namespace: String, name: String) -> Key {
        Key(Rc::new(KeyParts { kind, namespace, name }))
    }

    pub fn of(object: &Object) -> Key {
        Key::new(object.kind(), object.metadata().namespace(), object.name())
    }

    pub fn of_pod(pod: &crate::api::core::Pod) -> Key {
        Key::new("Pod", pod.metadata.namespace(), pod.metadata.name())
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub key: Key,
    pub uid: String,
    /// The controlling owners (kind, name) before and after the write: a
    /// released or adopted object concerns both.
    pub controllers: Vec<(String, String)>,
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

/// What the pods bound to a node request, for the scheduler.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeUsage {
    pub cpu_milli: i64,
    pub memory: i64,
    pub pods: i64,
    /// Pods per controlling owner UID (for spreading).
    pub by_owner: BTreeMap<String, i64>,
}

#[derive(Clone, Default, PartialEq)]
pub struct Store {
    objects: Objects,
    resource_version: u64,
    /// Owner UID -> the objects it owns.
    owned: BTreeMap<String, Objects>,
    /// Node name -> the pods bound to it.
    on_node: BTreeMap<String, Objects>,
    /// Node name -> what its pods request.
    node_usage: BTreeMap<String, NodeUsage>,
    /// Pods bound to no node yet.
    unbound: BTreeSet<Key>,
    /// Pods no controller controls (what ReplicaSets may adopt).
    orphan_pods: BTreeSet<Key>,
    /// Writes not yet delivered (`take_changes`).
    changes: Vec<Change>,
}

/// What the store holds, without its indexes and journal (derived from
/// the objects): the world's digest must not depend on how it indexes.
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("resource_version", &self.resource_version)
            .field("objects", &self.objects)
            .finish()
    }
}

impl Store {
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key).map(|object| &**object)
    }

    /// Objects of a kind, in key order, optionally in one namespace.
    pub fn list<'a>(&'a self, kind: &'static str, namespace: Option<&'a str>) -> impl Iterator<Item = &'a Object> + 'a {
        let start = Key::from_parts(kind, namespace.unwrap_or("").to_string(), String::new());
        self.objects
            .range(start..)
            .take_while(move |(key, _)| key.kind == kind && namespace.is_none_or(|ns| key.namespace == ns))
            .map(|(_, object)| &**object)
    }

    /// What an owner (by UID) owns, in key order.
    pub fn owned_by<'a>(&'a self, owner_uid: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.owned.get(owner_uid).into_iter().flat_map(|objects| objects.values().map(|object| &**object))
    }

    /// The pods bound to a node, in key order.
    pub fn pods_on_node<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.on_node.get(node).into_iter().flat_map(|objects| objects.values().map(|object| &**object))
    }

    /// What the pods bound to a node request.
    pub fn node_usage(&self, node: &str) -> Option<&NodeUsage> {
        self.node_usage.get(node)
    }

    /// The pods bound to no node, in key order.
    pub fn unbound_pods(&self) -> impl Iterator<Item = &Key> + '_ {
        self.unbound.iter()
    }

    /// The pods of a namespace that no controller controls.
    pub fn orphan_pods<'a>(&'a self, namespace: &str) -> impl Iterator<Item = &'a Key> + 'a {
        let start = Key::from_parts("Pod", namespace.to_string(), String::new());
        let namespace = start.namespace.clone();
        self.orphan_pods.range(start..).take_while(move |key| key.namespace == namespace)
    }

    /// The writes since the last call, oldest first.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Creates an object as the API server does: a name from
    /// `generateName` if needed, a fresh uid, generation 1, the time.
    pub fn create(&mut self, mut object: Object, now: Time, rng: &mut Rng) -> Result<Key, StoreError> {
        let meta = object.metadata_mut();
        if meta.name.as_deref().unwrap_or("").is_empty() {
            // names.SimpleNameGenerator: the base is cut to 58 characters.
            let base: String = meta.generate_name.as_deref().unwrap_or("").chars().take(58).collect();
            meta.name = Some(format!("{base}{}", rng.name_suffix(5)));
        }
        let key = Key::of(&object);
        if self.objects.contains_key(&key) {
            return Err(StoreError::AlreadyExists(format!(
                "{} \"{}\" already exists",
                resource_of(key.kind),
                key.name
            )));
        }
        self.resource_version += 1;
        let meta = object.metadata_mut();
        meta.uid = Some(rng.uuid());
        meta.resource_version = Some(self.resource_version.to_string());
        meta.generation = Some(1);
        meta.creation_timestamp = Some(now);
        meta.deletion_timestamp = None;
        self.journal(&key, None, Some(&object));
        let object = Rc::new(object);
        self.index(&key, &object);
        self.objects.insert(key.clone(), object);
        Ok(key)
    }

    /// Replaces an object's spec and metadata (server-set fields and the
    /// status kept); a changed spec bumps generation. Returns whether
    /// anything changed.
    pub fn update(&mut self, mut object: Object) -> Result<bool, StoreError> {
        let key = Key::of(&object);
        let Some(current) = self.objects.get(&key) else {
            return Err(StoreError::NotFound(format!("{} \"{}\" not found", resource_of(key.kind), key.name)));
        };
        object.keep_status_of(current);
        let spec_changed = !current.same_spec(&object);
        let old_meta = current.metadata().clone();
        let meta = object.metadata_mut();
        meta.uid = old_meta.uid.clone();
        meta.creation_timestamp = old_meta.creation_timestamp;
        meta.generation = Some(old_meta.generation.unwrap_or(1) + i64::from(spec_changed));
        meta.resource_version = old_meta.resource_version.clone();
        if object == **current {
            return Ok(false);
        }
        self.write(key, object);
        Ok(true)
    }

    /// Writes an object as the controllers do (status, owner references,
    /// deletion timestamps): resourceVersion moves, generation does not.
    pub fn write(&mut self, key: Key, object: Object) {
        let old = self.objects.remove(&key);
        if let Some(old) = &old {
            self.unindex(&key, old);
        }
        let before = old.map(|old| Before::of(&old));
        self.put(key, Taken { object: Rc::new(object), before });
    }

    /// Takes an object out to change it in place; [`Store::put`] writes it
    /// back (as [`Store::write`] would). Until then the store does not
    /// have it: the caller must put it back.
    pub fn take(&mut self, key: &Key) -> Option<Taken> {
        let object = self.objects.remove(key)?;
        self.unindex(key, &object);
        Some(Taken { before: Some(Before::of(&object)), object })
    }

    /// Writes back what [`Store::take`] took (or writes a new object):
    /// resourceVersion moves, generation does not.
    pub fn put(&mut self, key: Key, mut taken: Taken) {
        self.resource_version += 1;
        let version = self.resource_version.to_string();
        taken.object_mut().metadata_mut().resource_version = Some(version);
        self.journal(&key, taken.before, Some(&taken.object));
        self.index(&key, &taken.object);
        self.objects.insert(key, taken.object);
    }

    /// Puts back what [`Store::take`] took, unchanged: no write happened.
    pub fn untake(&mut self, key: Key, taken: Taken) {
        self.index(&key, &taken.object);
        self.objects.insert(key, taken.object);
    }

    /// Removes an object at once (graceful deletion is the caller's).
    pub fn remove(&mut self, key: &Key) -> Option<Object> {
        let object = self.objects.remove(key)?;
        self.journal(key, Some(Before::of(&object)), None);
        self.unindex(key, &object);
        self.resource_version += 1;
        Some(Rc::unwrap_or_clone(object))
    }

    /// Whether every index says what a store rebuilt from its objects
    /// would (for the simulation tests: the indexes are kept up to date
    /// write by write). The first difference, in words.
    pub fn check_indexes(&self) -> Result<(), String> {
        let mut rebuilt = Store::default();
        for (key, object) in &self.objects {
            rebuilt.index(key, object);
        }
        let keys = |index: &BTreeMap<String, Objects>| -> Vec<(String, Vec<Key>)> {
            index.iter().map(|(name, objects)| (name.clone(), objects.keys().cloned().collect())).collect()
        };
        let differs = [
            ("owner", keys(&self.owned) != keys(&rebuilt.owned)),
            ("node", keys(&self.on_node) != keys(&rebuilt.on_node)),
            ("node usage", self.node_usage != rebuilt.node_usage),
            ("unbound pods", self.unbound != rebuilt.unbound),
            ("orphan pods", self.orphan_pods != rebuilt.orphan_pods),
        ];
        match differs.iter().find(|(_, differs)| *differs) {
            Some((index, _)) => Err(format!("the {index} index differs from the objects")),
            None => Ok(()),
        }
    }

    /// Journals a write for the informers: `before` is the object as it
    /// was (`None`: it did not exist), `new` as it is (`None`: removed).
    fn journal(&mut self, key: &Key, before: Option<Before>, new: Option<&Object>) {
        let after = new.and_then(|object| object.metadata().controller());
        let old_controller = before.as_ref().and_then(|b| b.controller.as_ref());
        let owner_changed = new.is_some()
            && (before.is_none() || old_controller.map(|(_, _, uid)| uid.as_str()) != after.map(|a| a.uid.as_str()));
        let orphan = if new.is_some() { after.is_none() } else { old_controller.is_none() };
        let uid = match new {
            Some(object) => object.metadata().uid.clone().unwrap_or_default(),
            None => before.as_ref().map(|b| b.uid.clone()).unwrap_or_default(),
        };
        let mut controllers: Vec<(String, String)> =
            old_controller.map(|(kind, name, _)| (kind.clone(), name.clone())).into_iter().collect();
        if let Some(after) = after.map(|a| (a.kind.clone(), a.name.clone()))
            && !controllers.contains(&after)
        {
            controllers.push(after);
        }
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
            controllers,
            orphan,
            removed: new.is_none(),
            owner_changed,
            bound,
            deleting,
        });
    }

    fn index(&mut self, key: &Key, shared: &Shared) {
        let object: &Object = shared;
        for owner in &object.metadata().owner_references {
            self.owned.entry(owner.uid.clone()).or_default().insert(key.clone(), shared.clone());
        }
        if let Object::Pod(pod) = object {
            if pod.metadata.controller().is_none() {
                self.orphan_pods.insert(key.clone());
            }
            match pod.spec.node_name.as_deref().filter(|n| !n.is_empty()) {
                Some(node) => {
                    self.on_node.entry(node.to_string()).or_default().insert(key.clone(), shared.clone());
                    self.count_on_node(node, pod, 1);
                }
                None => {
                    self.unbound.insert(key.clone());
                }
            }
        }
    }

    /// Adds (`sign` 1) or takes away (-1) a pod's requests on its node.
    fn count_on_node(&mut self, node: &str, pod: &crate::api::core::Pod, sign: i64) {
        let (cpu, memory) = super::scheduler::pod_requests(pod);
        let usage = self.node_usage.entry(node.to_string()).or_default();
        usage.cpu_milli += sign * cpu;
        usage.memory += sign * memory;
        usage.pods += sign;
        if let Some(owner) = pod.metadata.controller() {
            let count = usage.by_owner.entry(owner.uid.clone()).or_default();
            *count += sign;
            if *count == 0 {
                usage.by_owner.remove(&owner.uid);
            }
        }
        if usage.pods == 0 {
            self.node_usage.remove(node);
        }
    }

    fn unindex(&mut self, key: &Key, object: &Object) {
        for owner in &object.metadata().owner_references {
            if let Some(keys) = self.owned.get_mut(&owner.uid) {
                keys.remove(key);
                if keys.is_empty() {
                    self.owned.remove(&owner.uid);
                }
            }
        }
        if let Object::Pod(pod) = object {
            // The mirror of `index`: only the sets the pod was put in.
            if pod.metadata.controller().is_none() {
                self.orphan_pods.remove(key);
            }
            match pod.spec.node_name.as_deref().filter(|n| !n.is_empty()) {
                None => {
                    self.unbound.remove(key);
                }
                Some(node) => {
                    if let Some(keys) = self.on_node.get_mut(node)
                        && keys.remove(key).is_some()
                    {
                        if keys.is_empty() {
                            self.on_node.remove(node);
                        }
                        self.count_on_node(node, pod, -1);
                    }
                }
            }
        }
    }
}

/// What the journal needs of an object as it was before a write: its uid
/// (for a removal) and its controller reference (kind, name, uid).
struct Before {
    uid: String,
    controller: Option<(String, String, String)>,
}

impl Before {
    fn of(object: &Object) -> Before {
        let meta = object.metadata();
        Before {
            uid: meta.uid.clone().unwrap_or_default(),
            controller: meta.controller().map(|c| (c.kind.clone(), c.name.clone(), c.uid.clone())),
        }
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
    use crate::api::{ObjectMeta, OwnerReference};

    fn deployment(name: &str, replicas: i32) -> Object {
        let mut d = Deployment::default();
        d.metadata.name = Some(name.into());
        d.spec.replicas = Some(replicas);
        Object::Deployment(d)
    }

    #[test]
    fn keys_order_as_their_parts_do() {
        let names = ["", "a", "ab", "abcdefgh", "abcdefghi", "abcdefgi", "abcdefgh-1", "b", "web-001-6f5f48b7c5-abcde"];
        for x in names {
            for y in names {
                let (kx, ky) = (Key::new("Pod", "default", x), Key::new("Pod", "default", y));
                assert_eq!(kx.cmp(&ky), x.cmp(y));
            }
        }
        assert!(Key::new("Deployment", "z", "z") < Key::new("Pod", "a", "a"));
        assert!(Key::new("Pod", "a", "z") < Key::new("Pod", "b", "a"));
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
        store.remove(&key);
        assert_eq!((store.owned_by("rs-uid").count(), store.pods_on_node("node-1").count()), (0, 0));
    }
}
