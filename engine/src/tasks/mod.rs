//! Tasks: what the engine does with memory for a caller (enhance prompts, critique replies, …).
//! Each task is a module over typed inputs; `web/` and the CLI call them.

pub mod context;
pub mod critic;
pub mod enhance;
