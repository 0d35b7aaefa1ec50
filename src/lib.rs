//! The host side of SecondSelf: what the `secondself` CLI and the end-to-end tests share.
//!
//! - [`provision`]: fetches and verifies the default model (also compiled into `build.rs`).
//! - [`browser`]: finds Chromium and launches it with the built extension loaded.
//! - [`server`]: serves the demo site and test fixtures on 127.0.0.1.
//! - [`pack`]: writes the store-ready zip of the extension and checks its manifest.
//! - [`sample_pdf`]: small PDFs written from scratch for the PDF import tests.
//! - [`test_build`]: the test-only variants of the extension: the one that also runs on the
//!   chat-site replicas served on 127.0.0.1, and the one with the measurement harness.

pub mod browser;
pub mod firefox;
pub mod locales;
pub mod pack;
pub mod provision;
pub mod sample_pdf;
pub mod server;
pub mod test_build;

use std::path::PathBuf;

/// The unpacked extension assembled by `build.rs` (`dist/extension/`).
pub fn extension_dir() -> PathBuf {
    PathBuf::from(env!("SECONDSELF_EXTENSION_DIR"))
}

/// The same extension assembled for Firefox (`dist/firefox/`, with `extension/browsers/firefox.json`).
pub fn firefox_dir() -> PathBuf {
    PathBuf::from(env!("SECONDSELF_FIREFOX_DIR"))
}

/// The repository root (where `Cargo.toml` is).
pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of test fixtures and the demo site (`tests/fixtures/`).
pub fn fixtures_dir() -> PathBuf {
    repo_dir().join("tests").join("fixtures")
}
