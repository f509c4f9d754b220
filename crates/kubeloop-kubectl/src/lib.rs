//! kubectl for the playground: command-line parsing and printers whose output
//! is byte-for-byte what real kubectl prints, over engine snapshots.

pub mod describe;
pub mod drain;
pub mod duration;
pub mod printers;
pub mod rollout;
pub mod session;

pub use duration::{human_duration, human_duration_ms};
