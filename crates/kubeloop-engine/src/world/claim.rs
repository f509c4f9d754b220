//! Adoption and orphaning by selector: upstream's ControllerRefManager
//! (`ClaimPods` for a ReplicaSet, `ClaimReplicaSets` for a Deployment), run
//! at the start of each sync.
//!
//! - An object the controller controls whose labels its selector no
//!   longer matches is released: its controller reference is removed, and
//!   it is an orphan (which another controller may adopt).
//! - An orphan of the namespace that the selector matches, and that is not
//!   being deleted, is adopted: it gets the controller reference.
//! - A controller being deleted neither adopts nor releases.
//!
//! Objects controlled by someone else are left alone.

use super::store::Key;
use super::{Decision, World};
use crate::api::meta::Labels;
use crate::api::selector::LabelSelector;
use crate::api::{Object, OwnerReference};
use std::rc::Rc;

/// A controller reference to `kind/name` (uid), as controllers set it.
pub fn controller_ref(kind: &str, name: &str, uid: &str) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".to_string(),
        kind: kind.to_string(),
        name: name.to_string(),
        uid: uid.to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// Claims the `dependent_kind` objects (Pod or ReplicaSet) the controller
/// at `key` (ReplicaSet or Deployment) should control. True if it wrote.
pub fn claim(world: &mut World, key: &Key, dependent_kind: &'static str) -> bool {
    let Some(controller) = world.store.get(key) else { return false };
    let meta = controller.metadata();
    if meta.deletion_timestamp.is_some() {
        return false;
    }
    let Some(uid) = meta.uid.clone() else { return false };
    let selector: Option<&LabelSelector> = match controller {
        Object::ReplicaSet(rs) => rs.spec.selector.as_ref(),
        Object::Deployment(d) => d.spec.selector.as_ref(),
        _ => None,
    };
    let template = match controller {
        Object::ReplicaSet(rs) => Some(rs.spec.template.metadata.labels.clone()),
        _ => None,
    };
    let Some(selector) = selector.cloned() else { return false };
    let selects = label_matcher(&selector, template.as_ref());
    let matches = |object: &Object| selects(&object.metadata().labels);
    // The selector first: it is what rules nearly every pod out, by a
    // pointer comparison.
    let release: Vec<Key> = world
        .store
        .owned_by(&uid)
        .filter(|object| !matches(object))
        .filter(|object| object.kind() == dependent_kind)
        .filter(|object| object.metadata().controller().is_some_and(|owner| owner.uid == uid))
        .map(Key::of)
        .collect();
    let orphans: Vec<Key> = match dependent_kind {
        "Pod" => world.store.orphan_pods(&key.namespace).cloned().collect(),
        _ => world.store.orphan_replica_sets(&key.namespace).cloned().collect(),
    };
    let adopt: Vec<Key> = orphans
        .into_iter()
        .filter(|orphan| {
            world
                .store
                .get(orphan)
                .is_some_and(|object| object.metadata().deletion_timestamp.is_none() && matches(object))
        })
        .collect();
    let reference = controller_ref(key.kind, &key.name, &uid);
    let mut wrote = false;
    for dependent in release {
        let Some(mut object) = world.store.get(&dependent).cloned() else { continue };
        object.metadata_mut().owner_references.make_mut().retain(|owner| owner.uid != uid);
        world.store.write(dependent.clone(), object);
        let why = format!("its labels no longer match the selector of {}/{}", key.kind, key.name);
        world.decide(Decision::new(SOURCE, &dependent, "release (orphan)", vec![why]));
        wrote = true;
    }
    for orphan in adopt {
        let Some(mut object) = world.store.get(&orphan).cloned() else { continue };
        object.metadata_mut().owner_references.make_mut().push(reference.clone());
        world.store.write(orphan.clone(), object);
        let why = format!("an orphan whose labels match the selector of {}/{}", key.kind, key.name);
        world.decide(Decision::new(SOURCE, &orphan, &format!("adopted by {}/{}", key.kind, key.name), vec![why]));
        wrote = true;
    }
    wrote
}

/// Whether `selector` matches a set of labels. A ReplicaSet's pods share
/// its template's labels (`template`) until someone relabels one: for
/// those the answer is the template's, found once (a sync of 10,000 pods
/// otherwise evaluates the selector 10,000 times).
pub fn label_matcher<'a>(selector: &'a LabelSelector, template: Option<&'a Labels>) -> impl Fn(&Labels) -> bool + 'a {
    let selects = selector.matcher();
    let template_matches = template.is_some_and(|labels| selects(labels));
    move |labels| match template {
        Some(shared) if Rc::ptr_eq(shared, labels) => template_matches,
        _ => selects(labels),
    }
}

/// Who records adoptions (they are the controllers' own doing; upstream
/// logs them without an event).
const SOURCE: &str = "controller-ref-manager";
