//! Llama hyper-parameters, read from GGUF metadata (`<arch>.*` keys) — never hard-coded for a
//! particular checkpoint.
//!
//! Required keys produce [`ModelError::MissingKey`] naming the key; optional ones follow
//! llama.cpp's defaults (`head_count_kv` = `head_count`, `rope.freq_base` = 10000,
//! `rope.dimension_count` = head dim). The vocabulary size comes from `token_embd`'s dims.
//! Called by [`super::Llama::load`]; tests build configs directly.

use super::ModelError;
use crate::gguf::{GgufFile, MetaValue};

/// Where metadata comes from: a GGUF file, or a table in tests.
pub trait MetadataSource {
    /// An unsigned integer value (any GGUF integer kind that fits).
    fn meta_u64(&self, key: &str) -> Option<u64>;
    /// A float value (f32 or f64 in the file).
    fn meta_f64(&self, key: &str) -> Option<f64>;
    /// A string value.
    fn meta_str(&self, key: &str) -> Option<String>;
}

/// A Llama model's shape and constants.
#[derive(Debug, Clone, PartialEq)]
pub struct LlamaConfig {
    /// Tokens in the vocabulary (rows of `token_embd`).
    pub vocab_size: usize,
    /// Width of the residual stream (`embedding_length`).
    pub hidden_size: usize,
    /// Width of the SwiGLU MLP (`feed_forward_length`).
    pub intermediate_size: usize,
    /// Transformer blocks (`block_count`).
    pub num_layers: usize,
    /// Query heads (`attention.head_count`).
    pub num_heads: usize,
    /// Key/value heads (`attention.head_count_kv`); query heads share them in groups.
    pub num_kv_heads: usize,
    /// Longest sequence the model was trained for (`context_length`); the KV cache's limit.
    pub context_length: usize,
    /// RMSNorm epsilon (`attention.layer_norm_rms_epsilon`).
    pub rms_norm_eps: f32,
    /// RoPE base θ (`rope.freq_base`).
    pub rope_theta: f64,
}

impl LlamaConfig {
    /// Width of one attention head.
    pub fn head_dim(&self) -> usize {
        self.hidden_size / self.num_heads
    }

    /// Query heads per KV head.
    pub fn group_size(&self) -> usize {
        self.num_heads / self.num_kv_heads
    }

    /// Reads the config from metadata; `vocab_size` is the row count of `token_embd`.
    pub fn from_metadata(meta: &dyn MetadataSource, vocab_size: usize) -> Result<Self, ModelError> {
        let arch = meta
            .meta_str("general.architecture")
            .ok_or_else(|| ModelError::MissingKey("general.architecture".into()))?;
        if arch != "llama" {
            return Err(ModelError::Unsupported(format!(
                "architecture `{arch}` (this engine runs `llama` models such as SmolLM2)"
            )));
        }
        let int = |k: &str| -> Result<usize, ModelError> {
            let key = format!("{arch}.{k}");
            meta.meta_u64(&key)
                .map(|v| v as usize)
                .ok_or(ModelError::MissingKey(key))
        };
        let num_heads = int("attention.head_count")?;
        let num_kv_heads = match int("attention.head_count_kv") {
            Ok(v) => v,
            Err(ModelError::MissingKey(_)) => num_heads,
            Err(e) => return Err(e),
        };
        let eps_key = format!("{arch}.attention.layer_norm_rms_epsilon");
        let rms_norm_eps = meta
            .meta_f64(&eps_key)
            .ok_or(ModelError::MissingKey(eps_key))? as f32;
        let rope_theta = meta
            .meta_f64(&format!("{arch}.rope.freq_base"))
            .unwrap_or(10_000.0);
        let config = Self {
            vocab_size,
            hidden_size: int("embedding_length")?,
            intermediate_size: int("feed_forward_length")?,
            num_layers: int("block_count")?,
            num_heads,
            num_kv_heads,
            context_length: int("context_length")?,
            rms_norm_eps,
            rope_theta,
        };
        if let Some(rope_dims) = meta.meta_u64(&format!("{arch}.rope.dimension_count")) {
            if rope_dims as usize != config.head_dim() {
                return Err(ModelError::Unsupported(format!(
                    "partial rotary embeddings (rope.dimension_count {rope_dims} ≠ head dim {})",
                    config.head_dim()
                )));
            }
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks the shape constraints the forward pass relies on.
    pub fn validate(&self) -> Result<(), ModelError> {
        let bad = |m: String| Err(ModelError::BadConfig(m));
        if self.num_heads == 0
            || self.num_kv_heads == 0
            || self.num_layers == 0
            || self.vocab_size == 0
        {
            return bad(format!("zero-sized dimension in {self:?}"));
        }
        if self.hidden_size % self.num_heads != 0 {
            return bad(format!(
                "hidden size {} not divisible by {} heads",
                self.hidden_size, self.num_heads
            ));
        }
        if self.num_heads % self.num_kv_heads != 0 {
            return bad(format!(
                "{} heads not divisible by {} KV heads",
                self.num_heads, self.num_kv_heads
            ));
        }
        if self.head_dim() % 2 != 0 {
            return bad(format!("odd head dim {}", self.head_dim()));
        }
        Ok(())
    }
}

impl MetadataSource for GgufFile<'_> {
    fn meta_u64(&self, key: &str) -> Option<u64> {
        self.get(key)?
            .as_integer()
            .and_then(|v| u64::try_from(v).ok())
    }

    fn meta_f64(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            MetaValue::F32(v) => Some(f64::from(*v)),
            MetaValue::F64(v) => Some(*v),
            _ => None,
        }
    }

    fn meta_str(&self, key: &str) -> Option<String> {
        self.get(key)?.as_str().map(str::to_owned)
    }
}

impl LlamaConfig {
    /// Reads the config of a GGUF llama model (vocabulary from `token_embd`'s dims).
    pub fn from_gguf(gguf: &GgufFile<'_>) -> Result<Self, ModelError> {
        let vocab = super::weights::vocab_size(gguf)?;
        Self::from_metadata(gguf, vocab)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Table(HashMap<&'static str, f64>, &'static str);
    impl MetadataSource for Table {
        fn meta_u64(&self, key: &str) -> Option<u64> {
            self.0.get(key).map(|v| *v as u64)
        }
        fn meta_f64(&self, key: &str) -> Option<f64> {
            self.0.get(key).copied()
        }
        fn meta_str(&self, key: &str) -> Option<String> {
            (key == "general.architecture").then(|| self.1.to_string())
        }
    }

    fn table() -> HashMap<&'static str, f64> {
        HashMap::from([
            ("llama.block_count", 2.0),
            ("llama.embedding_length", 64.0),
            ("llama.feed_forward_length", 96.0),
            ("llama.attention.head_count", 4.0),
            ("llama.attention.head_count_kv", 2.0),
            ("llama.attention.layer_norm_rms_epsilon", 1e-5),
            ("llama.rope.freq_base", 50_000.0),
            ("llama.context_length", 128.0),
        ])
    }

    #[test]
    fn reads_all_dims_from_metadata() {
        let c = LlamaConfig::from_metadata(&Table(table(), "llama"), 77).unwrap();
        assert_eq!(
            (c.num_layers, c.hidden_size, c.intermediate_size),
            (2, 64, 96)
        );
        assert_eq!(
            (c.num_heads, c.num_kv_heads, c.head_dim(), c.group_size()),
            (4, 2, 16, 2)
        );
        assert_eq!(
            (c.vocab_size, c.context_length, c.rope_theta),
            (77, 128, 50_000.0)
        );
    }

    #[test]
    fn missing_key_is_named() {
        let mut t = table();
        t.remove("llama.feed_forward_length");
        let err = LlamaConfig::from_metadata(&Table(t, "llama"), 77).unwrap_err();
        assert_eq!(
            err,
            ModelError::MissingKey("llama.feed_forward_length".into())
        );
        assert!(err.to_string().contains("llama.feed_forward_length"));
    }

    #[test]
    fn other_architectures_are_refused() {
        assert!(matches!(
            LlamaConfig::from_metadata(&Table(table(), "phi3"), 77),
            Err(ModelError::Unsupported(_))
        ));
    }

    #[test]
    fn kv_heads_default_to_heads() {
        let mut t = table();
        t.remove("llama.attention.head_count_kv");
        let c = LlamaConfig::from_metadata(&Table(t, "llama"), 77).unwrap();
        assert_eq!(c.num_kv_heads, 4);
    }
}
