//! kubectl for the playground: command-line parsing and printers whose output
//! is byte-for-byte what real kubectl prints, over engine snapshots.

pub mod duration;

pub use duration::{human_duration, human_duration_ms};
