//! Tasks: what the engine does for the user, built from memory, retrieval and the model.
//!
//! Each task is a module over typed inputs; the protocol layer (`web/`, the CLI) calls into them.
//! [`evidence`] is shared: retrieved L0 passages, their sentences, and the sensitivity guard.

pub mod answer_span;
pub mod autofill;
pub mod context;
pub mod critic;
pub mod critic_notes;
pub mod critic_outdated;
pub mod critic_people;
pub mod critic_when;
pub mod enhance;
pub mod evidence;
pub mod memory_qa;
