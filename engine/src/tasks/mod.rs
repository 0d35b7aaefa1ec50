//! Tasks: what the engine does for the user, built from memory, retrieval and the model.
//!
//! Each task is a module over typed inputs; the protocol layer (`web/`, the CLI) calls into them.

pub mod autofill;
pub mod context;
pub mod critic;
pub mod enhance;
