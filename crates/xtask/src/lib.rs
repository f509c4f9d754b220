//! kubeloop's build, serve and test automation, in Rust so that it runs
//! wherever cargo does. `main.rs` holds the commands; the modules are shared
//! with the end-to-end tests (which serve the bundle with [`serve`]).

pub mod bench;
pub mod dist;
pub mod serve;
pub mod shell;
pub mod tools;

use std::path::{Path, PathBuf};

/// The workspace root (the folder holding the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("crates/xtask is two levels deep").to_path_buf()
}

/// Where the release bundle is assembled: everything a visitor downloads.
pub fn dist_dir() -> PathBuf {
    workspace_root().join("target").join("dist")
}

pub type Result<T = ()> = std::result::Result<T, String>;
