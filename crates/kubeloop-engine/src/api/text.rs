//! `Str`: an immutable string that costs no heap when it is a literal
//! (`"Running"`, `"True"`, `"ClusterFirst"`) and one shared allocation when
//! many objects hold the same value (a ReplicaSet's pods share their
//! template's image, their node's name). The world holds thousands of pods
//! whose status and spec repeat the same few words; as `String`s each pod
//! paid for its own copies.
//!
//! To everything that reads it, it is a `str`: `Debug` (the world's digest),
//! `Display`, equality, order and hashing are the text's, however it is held,
//! and it decodes and has the schema of a `String`.

use super::decode::{FromYaml, HasSchema, untagged};
use crate::yaml::Schema;
use std::rc::Rc;

/// An immutable string: a literal, or text shared by reference count.
/// `"Ready".into()` holds the literal; `String`s become shared text (the
/// empty string is always the literal). Its size is a `String`'s.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Rc<str>),
}

impl Str {
    /// The empty string.
    pub const EMPTY: Str = Str(Repr::Static(""));

    /// A literal (no allocation).
    pub const fn from_static(text: &'static str) -> Str {
        Str(Repr::Static(text))
    }

    /// A copy of `text`, to share (a literal when empty).
    pub fn copy(text: &str) -> Str {
        if text.is_empty() { Str::EMPTY } else { Str(Repr::Shared(Rc::from(text))) }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            Repr::Shared(text) => text,
        }
    }

    /// Whether two values are one allocation (or both literals): for tests
    /// of sharing.
    pub fn shares_with(&self, other: &Str) -> bool {
        match (&self.0, &other.0) {
            (Repr::Shared(a), Repr::Shared(b)) => Rc::ptr_eq(a, b),
            (Repr::Static(_), Repr::Static(_)) => true,
            _ => false,
        }
    }
}

impl Default for Str {
    fn default() -> Self {
        Str::EMPTY
    }
}

impl std::ops::Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Str {
    fn from(text: &'static str) -> Self {
        Str::from_static(text)
    }
}

impl From<String> for Str {
    fn from(text: String) -> Self {
        Str::copy(&text)
    }
}

impl From<&String> for Str {
    fn from(text: &String) -> Self {
        Str::copy(text)
    }
}

impl From<Str> for String {
    fn from(text: Str) -> Self {
        text.as_str().to_string()
    }
}

impl std::fmt::Debug for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Str {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl FromYaml for Str {
    fn from_yaml(value: &serde_yaml::Value) -> Self {
        untagged(value).as_str().map(Str::copy).unwrap_or_default()
    }
}

impl HasSchema for Str {
    const SCHEMA: Schema = Schema::Str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_str_reads_prints_and_compares_as_its_text() {
        let literal = Str::from("Ready");
        let shared = Str::from("Ready".to_string());
        assert_eq!(literal, shared);
        assert_eq!(
            (format!("{literal:?}"), format!("{shared:?}")),
            (format!("{:?}", "Ready"), format!("{:?}", "Ready"))
        );
        assert_eq!(format!("{:?}", Str::from("a\"b\n")), format!("{:?}", "a\"b\n".to_string()));
        assert_eq!(format!("{:?}", Some(Str::from("x"))), format!("{:?}", Some("x".to_string())));
        assert_eq!(shared.to_string(), "Ready");
        assert_eq!(literal, "Ready");
        assert_eq!("Ready", shared);
        let (a, b) = (Str::from("a"), Str::from("b".to_string()));
        assert!(a < b);
        assert_eq!(Str::default(), "");
        assert_eq!(std::mem::size_of::<Str>(), std::mem::size_of::<String>());
        assert_eq!(std::mem::size_of::<Option<Str>>(), std::mem::size_of::<Option<String>>());
    }

    #[test]
    fn clones_share_one_allocation_and_literals_none() {
        let image = Str::from("myrepo/web:1.0.0".to_string());
        let copy = image.clone();
        assert!(copy.shares_with(&image));
        assert!(!Str::copy("myrepo/web:1.0.0").shares_with(&image));
        assert!(Str::copy("").shares_with(&Str::from("")), "the empty string allocates nothing");
        let decoded: Str = super::super::decode::from_yaml_str("'10'");
        assert_eq!(decoded, "10");
    }

    /// What the world's pods share: a ReplicaSet's pods their generateName,
    /// a container status its container's name and image, a condition and
    /// the defaulted spec fields their literals.
    #[test]
    fn a_replica_sets_pods_share_their_repeated_strings() {
        let mut world = crate::world::World::new(1);
        assert!(world.apply(&crate::parse_manifests(crate::DEMO_MANIFESTS)).iter().all(Result::is_ok));
        world.advance(10_000);
        let pods: Vec<_> = world
            .store()
            .list("Pod", None)
            .filter_map(|object| match object {
                crate::api::Object::Pod(pod) => Some(pod),
                _ => None,
            })
            .collect();
        assert!(pods.len() >= 2);
        let (a, b) = (&pods[0], &pods[1]);
        let shared =
            |x: &Option<Str>, y: &Option<Str>| x.as_ref().zip(y.as_ref()).is_some_and(|(x, y)| x.shares_with(y));
        assert!(shared(&a.metadata.generate_name, &b.metadata.generate_name));
        assert!(shared(&a.spec.restart_policy, &b.spec.restart_policy));
        let (status, container) = (&a.status.container_statuses[0], &a.spec.containers[0]);
        assert!(status.name.shares_with(&container.name) && shared(&Some(status.image.clone()), &container.image));
        assert!(a.status.conditions.iter().all(|c| c.condition_type.shares_with(&Str::EMPTY) && c.rare.is_none()));
    }
}
