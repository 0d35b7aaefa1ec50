//! The Llama forward pass (SmolLM2 and other GGUF `llama` models) on burn, with weights kept
//! quantized (Q4_0/Q4_1/Q8_0) and applied by [`crate::kernels`].
//!
//! - [`config`]: hyper-parameters from GGUF metadata.
//! - [`weights`]: the GGUF-name → part table; loads still-quantized weights.
//! - [`rope`], [`attention`], [`mlp`], [`block`], [`cache`]: the pieces, named by role.
//! - [`llama`]: [`Llama`], the public model (`load`, `forward`, `forward_argmax`, `reset`).
//!
//! Runs on `Device::flex()` (CPU; native and wasm) and on wgpu devices (Vulkan natively,
//! WebGPU in the browser). Called by `generate/` and the CLI.
//!
//! - [`bench`]: the prefill/decode benchmark shared by the CLI and `bench.html`.
//! - [`language_model`]: [`LanguageModel`], model + tokenizer + streamed chat completion.
//! - [`adapter`]: tells software GPU adapters (SwiftShader…) from hardware, for the device choice.

pub mod adapter;
pub mod attention;
pub mod bench;
pub mod block;
pub mod cache;
pub mod config;
pub mod language_model;
pub mod llama;
pub mod lora;
pub mod mlp;
pub mod rope;
pub mod weights;

pub use config::LlamaConfig;
pub use language_model::{ActiveCompletion, Completion, LanguageModel};
pub use llama::Llama;

use thiserror::Error;

use crate::kernels::KernelError;

/// Why a model could not be loaded or run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    /// A required metadata key is absent.
    #[error("model metadata lacks `{0}`; is this a llama GGUF file?")]
    MissingKey(String),
    /// A required tensor is absent.
    #[error("model file lacks tensor `{0}`")]
    MissingTensor(String),
    /// A tensor has the wrong shape, type or size.
    #[error("tensor `{name}`: {why}")]
    BadTensor {
        /// Tensor name.
        name: String,
        /// What is wrong.
        why: String,
    },
    /// Metadata values are inconsistent.
    #[error("inconsistent model config: {0}")]
    BadConfig(String),
    /// The model uses something this engine does not implement.
    #[error("unsupported model: {0}")]
    Unsupported(String),
    /// The GGUF file could not be read.
    #[error("reading the model file: {0}")]
    Gguf(String),
    /// A kernel failed.
    #[error(transparent)]
    Kernel(#[from] KernelError),
    /// `forward` was called with no tokens.
    #[error("no tokens to run")]
    EmptyInput,
    /// A token id is outside the vocabulary.
    #[error("token id {token} is outside the vocabulary of {vocab}")]
    TokenOutOfRange {
        /// The offending id.
        token: u32,
        /// Vocabulary size.
        vocab: usize,
    },
    /// The sequence would exceed the model's context.
    #[error("context full: {position} cached + {requested} new > {limit}; call reset()")]
    ContextFull {
        /// Positions already cached.
        position: usize,
        /// Positions requested.
        requested: usize,
        /// The model's context length.
        limit: usize,
    },
    /// Reading results back from the device failed.
    #[error("reading results from the device failed: {0}")]
    Read(String),
}
