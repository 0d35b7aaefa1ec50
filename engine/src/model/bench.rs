//! The model benchmark shared by `secondself bench model` (native) and the extension's
//! `bench.html` (WebGPU and CPU in the browser): prefill of a fixed English prompt, then greedy
//! decoding, each read back per step as in real use. Time comes from the caller's clock.

use serde::{Deserialize, Serialize};

use super::{LanguageModel, ModelError};

/// The text repeated to make the benchmark prompt.
const PROMPT_TEXT: &str = "The history of the lighthouse begins with fires lit on hilltops to guide ships home. ";

/// One measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelBench {
    pub prompt_tokens: usize,
    pub decode_tokens: usize,
    pub prefill_ms: f64,
    pub decode_ms: f64,
    pub prefill_tps: f64,
    pub decode_tps: f64,
}

/// A prompt of exactly `n` tokens.
pub fn bench_prompt(model: &LanguageModel, n: usize) -> Vec<u32> {
    let piece = model.tokenizer().encode(PROMPT_TEXT, false);
    piece.iter().copied().cycle().take(n.min(piece.len().max(1) * 4096)).collect()
}

/// Warms up, then times a prefill of `prompt_tokens` and `decode_tokens` greedy steps.
pub async fn measure(
    model: &mut LanguageModel,
    prompt_tokens: usize,
    decode_tokens: usize,
    now_ms: &dyn Fn() -> f64,
) -> Result<ModelBench, ModelError> {
    let prompt = bench_prompt(model, prompt_tokens.max(1));
    let limit = model.llama_mut().config().context_length;
    if prompt.len() + decode_tokens + 1 > limit {
        return Err(ModelError::ContextFull { position: 0, requested: prompt.len() + decode_tokens, limit });
    }
    let llama = model.llama_mut();
    llama.reset();
    llama.forward_argmax(&prompt[..prompt.len().min(8)]).await?;
    llama.forward_argmax(&prompt[..1]).await?;
    llama.reset();
    let t0 = now_ms();
    let mut next = llama.forward_argmax(&prompt).await?;
    let t1 = now_ms();
    for _ in 0..decode_tokens {
        next = llama.forward_argmax(&[next]).await?;
    }
    let t2 = now_ms();
    let (prefill_ms, decode_ms) = (t1 - t0, t2 - t1);
    Ok(ModelBench {
        prompt_tokens: prompt.len(),
        decode_tokens,
        prefill_ms,
        decode_ms,
        prefill_tps: prompt.len() as f64 * 1e3 / prefill_ms.max(1e-9),
        decode_tps: decode_tokens as f64 * 1e3 / decode_ms.max(1e-9),
    })
}
