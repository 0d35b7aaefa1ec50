//! Tasks: what the engine does for the user, built from memory, retrieval and the model.
//!
//! Each task is one folder; the protocol layer (`web/`, the CLI) calls into them.

pub mod autofill;
