//! Host CLI subcommands, one file each; `src/main.rs` parses arguments and dispatches here.

pub mod bench_model;
pub mod bench_pdf;
pub mod bench_peers;
pub mod bench_retrieval;
pub mod bench_train;
pub mod eval_autofill;
pub mod eval_persona;
pub mod eval_extraction;
pub mod embedder;
pub mod eval_locomo;
pub mod eval_retrieval;
pub mod eval_profile;
pub mod eval_train;
pub mod generate;
pub mod memory;
pub mod model_choice;
pub mod pack;
pub mod plot;
pub mod run;
pub mod train_autofill;
pub mod train_lora;
pub mod train_persona;
