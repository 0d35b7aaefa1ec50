//! Dense sentence embeddings for retrieval: all-MiniLM-L6-v2 (384 dimensions, Apache-2.0) run by
//! the engine on burn ([`bert`]), with its own WordPiece tokenizer (`tokenizer.json`, read by the
//! `tokenizers` crate). Natively the f32 weights are used; the extension ships them in 8 bits
//! ([`q8`]). Vectors are unit length, so the dot product is the cosine.
//!
//! Chunks are embedded at import and their vectors kept beside them in the store
//! ([`crate::memory::Vector`]); a question is embedded when it is asked, and
//! [`crate::retrieval::dense`] ranks chunks by similarity, fused with BM25 by
//! [`crate::retrieval::hybrid`].
//!
//! Callers: `secondself memory import|search`, `eval retrieval`, the extension's engine host.

pub mod bert;
pub mod q8;

use burn::tensor::Device;

use bert::{mean_pool, Bert};

/// The model's output width.
pub const DIM: usize = 384;

/// The longest text the model reads, in tokens (sentence-transformers' `max_seq_length`); longer
/// texts are cut, as the reference implementation does.
pub const MAX_TOKENS: usize = 256;

/// Texts embedded in one forward pass: sorted by length first, so padding stays small.
const BATCH: usize = 16;

/// A sentence embedder on one device.
pub struct Embedder {
    bert: Bert,
    tokenizer: tokenizers::Tokenizer,
}

/// A text step of embedding failed: the model files are wrong or a device call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("embedding model: {0}")]
pub struct EmbedError(pub String);

impl Embedder {
    /// Loads the model from its files: the weights (`model.safetensors`, f32, or the 8-bit file
    /// the extension ships), `tokenizer.json` and `config.json`.
    pub fn new(weights: &[u8], tokenizer_json: &[u8], config_json: &[u8], device: &Device) -> Result<Self, EmbedError> {
        let config: serde_json::Value =
            serde_json::from_slice(config_json).map_err(|e| EmbedError(format!("config.json: {e}")))?;
        let heads = config.get("num_attention_heads").and_then(|h| h.as_u64()).ok_or_else(|| EmbedError("config.json lacks num_attention_heads".into()))?;
        let tensors = q8::Tensors::parse(weights).map_err(EmbedError)?;
        let bert = Bert::new(&tensors, heads as usize, device).map_err(EmbedError)?;
        let mut tokenizer =
            tokenizers::Tokenizer::from_bytes(tokenizer_json).map_err(|e| EmbedError(format!("tokenizer.json: {e}")))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams { max_length: MAX_TOKENS.min(bert.config.max_positions), ..Default::default() }))
            .map_err(|e| EmbedError(format!("tokenizer: {e}")))?;
        if bert.config.hidden != DIM {
            return Err(EmbedError(format!("the model is {} wide, expected {DIM}", bert.config.hidden)));
        }
        Ok(Embedder { bert, tokenizer })
    }

    /// Token ids of `text`, with the model's `[CLS]`/`[SEP]`, cut at [`MAX_TOKENS`].
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>, EmbedError> {
        let enc = self.tokenizer.encode(text, true).map_err(|e| EmbedError(format!("tokenizer: {e}")))?;
        Ok(enc.get_ids().to_vec())
    }

    /// Unit vectors for `texts`, in order. `progress(done, total)` is called after each batch.
    pub async fn embed(&self, texts: &[&str], progress: &mut dyn FnMut(usize, usize)) -> Result<Vec<Vec<f32>>, EmbedError> {
        let ids: Vec<Vec<u32>> = texts.iter().map(|t| self.token_ids(t)).collect::<Result<_, _>>()?;
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| ids[i].len());
        let mut out = vec![Vec::new(); ids.len()];
        let mut done = 0;
        for group in order.chunks(BATCH) {
            let batch: Vec<Vec<u32>> = group.iter().map(|&i| ids[i].clone()).collect();
            let (hidden, longest) = self.bert.encode(&batch).map_err(EmbedError)?;
            let host = crate::training::forward::to_host(hidden).await.map_err(|e| EmbedError(e.to_string()))?;
            let lens: Vec<usize> = batch.iter().map(Vec::len).collect();
            for (&i, v) in group.iter().zip(mean_pool(&host, &lens, longest, DIM)) {
                out[i] = v;
            }
            done += group.len();
            progress(done, ids.len());
        }
        Ok(out)
    }

    /// The embedding a question or prompt is searched with, or `None` when the model cannot read
    /// it: all-MiniLM-L6-v2 learnt English only, and its vector of a French or Swedish question
    /// is noise that pushes good keyword matches out (retrieval then uses keywords alone).
    pub async fn query(&self, text: &str) -> Result<Option<Vec<f32>>, EmbedError> {
        if !reads(text) {
            return Ok(None);
        }
        self.embed_one(text).await.map(Some)
    }

    /// The unit vector of one text.
    pub async fn embed_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        Ok(self.embed(&[text], &mut |_, _| {}).await?.pop().unwrap_or_default())
    }
}

/// Whether the embedding model reads `text`: English, or too short to tell.
pub fn reads(text: &str) -> bool {
    crate::text::lang::of_question(text).is_none_or(|l| l == "en")
}

/// Dot product of two vectors (the cosine for unit vectors).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
pub(crate) mod tests;
