//! The object store: what the API server and etcd are to a cluster.
//!
//! Every write bumps the global resourceVersion; creating sets uid,
//! generation 1 and creationTimestamp; a spec change bumps generation.
//! Indexes by owner UID and by node keep each tick's work proportional to
//! what changed rather than to the cluster's size.

use super::rng::Rng;
use crate::api::{Object, Time, kind_info, resource_of};
use std::collections::{BTreeMap, BTreeSet};

/// Where an object lives: kind, namespace (empty when cluster-scoped), name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

impl Key {
    pub fn new(kind: &'static str, namespace: &str, name: &str) -> Key {
        let namespaced = kind_info(kind).is_none_or(|info| info.namespaced);
        Key { kind, namespace: if namespaced { namespace.to_string() } else { String::new() }, name: name.to_string() }
    }

    pub fn of(object: &Object) -> Key {
        Key::new(object.kind(), object.metadata().namespace(), object.name())
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

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    objects: BTreeMap<Key, Object>,
    resource_version: u64,
    /// Owner UID -> the objects it owns.
    owned: BTreeMap<String, BTreeSet<Key>>,
    /// Node name -> the pods bound to it.
    on_node: BTreeMap<String, BTreeSet<Key>>,
}

impl Store {
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key)
    }

    /// Objects of a kind, in key order, optionally in one namespace.
    pub fn list<'a>(&'a self, kind: &'static str, namespace: Option<&'a str>) -> impl Iterator<Item = &'a Object> + 'a {
        let start = Key { kind, namespace: namespace.unwrap_or("").to_string(), name: String::new() };
        self.objects
            .range(start..)
            .take_while(move |(key, _)| key.kind == kind && namespace.is_none_or(|ns| key.namespace == ns))
            .map(|(_, object)| object)
    }

    /// What an owner (by UID) owns.
    pub fn owned_by<'a>(&'a self, owner_uid: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.owned.get(owner_uid).into_iter().flatten().filter_map(|key| self.objects.get(key))
    }

    /// The pods bound to a node.
    pub fn pods_on_node<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.on_node.get(node).into_iter().flatten().filter_map(|key| self.objects.get(key))
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
        self.index(&key, &object);
        self.objects.insert(key.clone(), object);
        Ok(key)
    }

    /// Replaces an object's spec and metadata (server-set fields kept);
    /// a changed spec bumps generation. Returns whether anything changed.
    pub fn update(&mut self, mut object: Object) -> Result<bool, StoreError> {
        let key = Key::of(&object);
        let Some(current) = self.objects.get(&key) else {
            return Err(StoreError::NotFound(format!("{} \"{}\" not found", resource_of(key.kind), key.name)));
        };
        let spec_changed = !current.same_spec(&object);
        let old_meta = current.metadata().clone();
        let meta = object.metadata_mut();
        meta.uid = old_meta.uid.clone();
        meta.creation_timestamp = old_meta.creation_timestamp;
        meta.generation = Some(old_meta.generation.unwrap_or(1) + i64::from(spec_changed));
        meta.resource_version = old_meta.resource_version.clone();
        if &object == current {
            return Ok(false);
        }
        self.write(key, object);
        Ok(true)
    }

    /// Writes an object as the controllers do (status, owner references,
    /// deletion timestamps): resourceVersion moves, generation does not.
    pub fn write(&mut self, key: Key, mut object: Object) {
        self.resource_version += 1;
        object.metadata_mut().resource_version = Some(self.resource_version.to_string());
        if let Some(old) = self.objects.remove(&key) {
            self.unindex(&key, &old);
        }
        self.index(&key, &object);
        self.objects.insert(key, object);
    }

    /// Removes an object at once (graceful deletion is the caller's).
    pub fn remove(&mut self, key: &Key) -> Option<Object> {
        let object = self.objects.remove(key)?;
        self.unindex(key, &object);
        self.resource_version += 1;
        Some(object)
    }

    fn index(&mut self, key: &Key, object: &Object) {
        for owner in &object.metadata().owner_references {
            self.owned.entry(owner.uid.clone()).or_default().insert(key.clone());
        }
        if let Object::Pod(pod) = object
            && let Some(node) = pod.spec.node_name.as_deref().filter(|n| !n.is_empty())
        {
            self.on_node.entry(node.to_string()).or_default().insert(key.clone());
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
        if let Object::Pod(pod) = object
            && let Some(node) = pod.spec.node_name.as_deref()
            && let Some(keys) = self.on_node.get_mut(node)
        {
            keys.remove(key);
            if keys.is_empty() {
                self.on_node.remove(node);
            }
        }
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
                }],
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
