//! The Deployment controller (`pkg/controller/deployment`).

pub mod hash;
pub mod progress;
pub mod recreate;
pub mod rolling;
pub mod sync;
pub mod util;
