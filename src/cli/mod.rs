//! Host CLI subcommands, one file each; `src/main.rs` parses arguments and dispatches here.

pub mod bench_retrieval;
pub mod eval_autofill;
pub mod eval_persona;
pub mod eval_profile;
pub mod memory;
pub mod pack;
pub mod run;
