//! Everything between logits and text: seeded sampling ([`sampler`]) and the step API of one
//! generation with UTF-8-safe streaming and stop conditions ([`stream`]).
//!
//! Why a step API: the browser worker must stay responsive and JS must be able to cancel, so the
//! model loop calls [`Generation::next_token`] once per token and checks for cancellation in
//! between (cf. candle's `phi` wasm example). Nothing here knows about the model.
//!
//! Who calls it: the model loop (`model/`), `web/` and the CLI.

pub mod sampler;
pub mod stream;

pub use sampler::{Pcg32, SampleError, Sampler, SamplerParams};
pub use stream::{GenerateError, Generation, GenerationParams, Step, StopReason, StreamDecoder};
