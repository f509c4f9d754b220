//! kubectl for the playground: command-line parsing and printers whose output
//! is byte-for-byte what real kubectl prints, over engine snapshots.

pub mod apply;
pub mod args;
pub mod describe;
pub mod describe_command;
pub mod describe_node;
pub mod describe_pod;
pub mod describe_service;
pub mod drain;
pub mod duration;
pub mod edit;
pub mod get;
pub mod logs;
pub mod printers;
pub mod resources;
pub mod rollout;
pub mod script;
pub mod selector;
pub mod session;
pub mod top;

pub use duration::{human_duration, human_duration_ms};
