//! The YAML layer under the manifests: where a field is in the user's text,
//! and what fields and types each kind has.
//!
//! serde_yaml does not hand out positions, but it locates every error at the
//! node where a visitor raised it. [`locate`] uses that: it walks a document
//! down a field path and raises a marker error at the node it wants, so every
//! diagnostic gets the line and column of its node from serde_yaml itself.

pub mod locate;
pub mod schema;

pub use locate::{Locator, Target, locate};
pub use schema::{Schema, StructSchema};
