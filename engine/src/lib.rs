//! SecondSelf's engine: everything the extension and the CLI do that is more than glue.
//!
//! Data flow:
//!
//! ```text
//!  import ─▶ memory (L0 chunks, L1 facts) ─▶ retrieval ─▶ tasks ─▶ model (L2) ─▶ reply/events
//!                      ▲                                     │
//!                      └──────────── protocol ◀──────────────┘  (web/ turns JS messages into Requests)
//! ```
//!
//! Everything except [`web`] builds and tests natively; `web/` is the only module that touches
//! wasm-bindgen and browser APIs.

pub mod embed;
pub mod error;
pub mod generate;
pub mod grounding;
pub mod gguf;
pub mod kernels;
pub mod lexicon;
pub mod memory;
pub mod model;
pub mod privacy;
pub mod protocol;
pub mod retrieval;
pub mod service;
pub mod tasks;
pub mod text;
pub mod tokenizer;
pub mod training;

#[cfg(target_family = "wasm")]
pub mod web;

/// The engine's version, reported in every `engine.ping` reply.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
