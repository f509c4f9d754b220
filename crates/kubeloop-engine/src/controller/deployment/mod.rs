//! The Deployment controller (`pkg/controller/deployment`).

pub mod util;
