//! L2 becomes personal: LoRA fine-tuning of the base model on the device, natively and in the
//! browser (the same code on `flex` CPU and on wgpu).
//!
//! - [`data`]: SFT and DPO JSONL, tokenized as ChatML with the scored (assistant) tokens marked.
//! - [`forward`]: the differentiable forward pass — the frozen base as a dequantized copy, the
//!   adapter's factors tracked by burn's autodiff — returning each scored token's log-probability.
//! - [`optim`]: AdamW, warm-up + cosine schedule, gradient clipping.
//! - [`trainer`]: the loop (packing, accumulation, SFT and DPO losses, seeded order, checkpoints
//!   that resume to the same adapter).
//! - [`synth`]: training examples synthesised from the user's memory (L1 facts, our retrieval).
//! - [`filter`]: the levels every synthesised example passes (format, duplicates, grounding,
//!   privacy), counted.
//! - [`plan`]: what one personal run learns — the filtered examples, split into those trained on
//!   and a held-out set — and the sources it was made from.
//! - [`eval`]: the held-out set scored per task, for the untrained and the trained model.
//! - [`pairs`]: DPO preference pairs from the SFT model's sampled answers, judged by the same
//!   checks (an invented value, a refusal, a leak, a loop rejected).
//!
//! The adapter itself ([`crate::model::lora::Adapter`]) lives with the model, which applies it
//! unmerged at inference.

pub mod data;
pub mod eval;
pub mod filter;
pub mod forward;
pub mod optim;
pub mod pairs;
pub mod plan;
pub mod synth;
pub mod trainer;

pub use forward::Frozen;
pub use trainer::{Objective, StepReport, TrainConfig, TrainError, Trainer};

#[cfg(test)]
mod tests;
