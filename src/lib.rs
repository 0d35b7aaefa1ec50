//! The host side of SecondSelf: what the `secondself` CLI and the end-to-end tests share.
//!
//! - [`provision`]: fetches and verifies the default model (also compiled into `build.rs`).
//! - [`browser`]: finds Chromium and launches it with the built extension loaded.
//! - [`server`]: serves the demo site and test fixtures on 127.0.0.1.
//! - [`pack`]: writes the store-ready zip of the extension and checks its manifest.
//! - [`local_sites`]: the demo/test variant of the extension that also runs on the chat-site
//!   replicas served on 127.0.0.1.

pub mod browser;
pub mod local_sites;
pub mod pack;
pub mod provision;
pub mod server;

use std::path::PathBuf;

/// The unpacked extension assembled by `build.rs` (`dist/extension/`).
pub fn extension_dir() -> PathBuf {
    PathBuf::from(env!("SECONDSELF_EXTENSION_DIR"))
}

/// The repository root (where `Cargo.toml` is).
pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of test fixtures and the demo site (`tests/fixtures/`).
pub fn fixtures_dir() -> PathBuf {
    repo_dir().join("tests").join("fixtures")
}
