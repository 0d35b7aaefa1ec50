//! The one table from GGUF tensor names to model parts, and loading them (still quantized).
//!
//! | GGUF name                 | part                          | kept as            |
//! |---------------------------|-------------------------------|--------------------|
//! | `token_embd.weight`       | embeddings (and tied head)    | [`QMatrix`], host  |
//! | `blk.N.attn_norm.weight`  | pre-attention RMSNorm         | f32                |
//! | `blk.N.attn_q.weight`     | query projection              | [`QMatrix`]        |
//! | `blk.N.attn_k.weight`     | key projection                | [`QMatrix`]        |
//! | `blk.N.attn_v.weight`     | value projection              | [`QMatrix`]        |
//! | `blk.N.attn_output.weight`| attention output projection   | [`QMatrix`]        |
//! | `blk.N.ffn_norm.weight`   | pre-MLP RMSNorm               | f32                |
//! | `blk.N.ffn_gate.weight`   | SwiGLU gate                   | [`QMatrix`]        |
//! | `blk.N.ffn_up.weight`     | SwiGLU up                     | [`QMatrix`]        |
//! | `blk.N.ffn_down.weight`   | SwiGLU down                   | [`QMatrix`]        |
//! | `output_norm.weight`      | final RMSNorm                 | f32                |
//! | `output.weight`           | LM head; absent = tied        | [`QMatrix`]        |
//!
//! GGUF matrices have dims `[in, out]` (`dims[0]` contiguous), i.e. `out` rows of `in` weights.
//! Q/K are stored after llama.cpp's head permutation, so [`super::rope`] rotates adjacent pairs.
//! Called by [`super::Llama::load`]; tests feed generated tensors through [`TensorSource`].

use super::{LlamaConfig, ModelError};
use crate::gguf::{GgmlType, GgufFile};
use crate::kernels::{f16_to_f32, QMatrix, QuantFormat};

/// Element type of a stored tensor (the subset of ggml types the model loads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawType {
    /// 32-bit float.
    F32,
    /// IEEE half.
    F16,
    /// 4-bit, `d * (q - 8)`.
    Q4_0,
    /// 4-bit, `d * q + m`.
    Q4_1,
    /// 8-bit, `d * q`.
    Q8_0,
}

/// One stored tensor: GGUF-order dims, type and bytes.
#[derive(Debug, Clone)]
pub struct RawTensor<'a> {
    /// Dims, `dims[0]` contiguous.
    pub dims: Vec<u64>,
    /// Element type.
    pub ty: RawType,
    /// The tensor's bytes.
    pub data: &'a [u8],
}

/// Where tensors come from: a GGUF file, or generated weights in tests.
pub trait TensorSource {
    /// The tensor called `name`, if present.
    fn raw_tensor(&self, name: &str) -> Option<RawTensor<'_>>;
}

impl TensorSource for GgufFile<'_> {
    fn raw_tensor(&self, name: &str) -> Option<RawTensor<'_>> {
        let info = self.tensor(name)?;
        let ty = match info.ggml_type {
            GgmlType::F32 => RawType::F32,
            GgmlType::F16 => RawType::F16,
            GgmlType::Q4_0 => RawType::Q4_0,
            GgmlType::Q4_1 => RawType::Q4_1,
            GgmlType::Q8_0 => RawType::Q8_0,
        };
        Some(RawTensor {
            dims: info.dims.clone(),
            ty,
            data: self.tensor_data(info),
        })
    }
}

/// Weights of one transformer block.
#[derive(Debug, Clone)]
pub struct BlockWeights {
    /// Pre-attention RMSNorm scale.
    pub attn_norm: Vec<f32>,
    /// `[heads·head_dim, hidden]`.
    pub attn_q: QMatrix,
    /// `[kv_heads·head_dim, hidden]`.
    pub attn_k: QMatrix,
    /// `[kv_heads·head_dim, hidden]`.
    pub attn_v: QMatrix,
    /// `[hidden, heads·head_dim]`.
    pub attn_output: QMatrix,
    /// Pre-MLP RMSNorm scale.
    pub ffn_norm: Vec<f32>,
    /// `[intermediate, hidden]`.
    pub ffn_gate: QMatrix,
    /// `[intermediate, hidden]`.
    pub ffn_up: QMatrix,
    /// `[hidden, intermediate]`.
    pub ffn_down: QMatrix,
}

/// All weights of a Llama model, on the host, still quantized.
#[derive(Debug, Clone)]
pub struct LlamaWeights {
    /// `[vocab, hidden]` embedding table.
    pub token_embd: QMatrix,
    /// Transformer blocks in order.
    pub blocks: Vec<BlockWeights>,
    /// Final RMSNorm scale.
    pub output_norm: Vec<f32>,
    /// LM head `[vocab, hidden]`; `None` when tied to `token_embd`.
    pub output: Option<QMatrix>,
}

/// Name of the embedding table (its dims give the vocabulary size).
pub const TOKEN_EMBD: &str = "token_embd.weight";

fn block_name(layer: usize, part: &str) -> String {
    format!("blk.{layer}.{part}.weight")
}

impl LlamaWeights {
    /// Loads every tensor the table above names, checking shapes against `config`.
    pub fn load(src: &dyn TensorSource, config: &LlamaConfig) -> Result<Self, ModelError> {
        let (h, f) = (config.hidden_size, config.intermediate_size);
        let (q_out, kv_out) = (
            config.num_heads * config.head_dim(),
            config.num_kv_heads * config.head_dim(),
        );
        let mut blocks = Vec::with_capacity(config.num_layers);
        for i in 0..config.num_layers {
            let mat = |part: &str, rows: usize, cols: usize| {
                matrix(src, &block_name(i, part), rows, cols)
            };
            let vec = |part: &str| vector(src, &block_name(i, part), h);
            blocks.push(BlockWeights {
                attn_norm: vec("attn_norm")?,
                attn_q: mat("attn_q", q_out, h)?,
                attn_k: mat("attn_k", kv_out, h)?,
                attn_v: mat("attn_v", kv_out, h)?,
                attn_output: mat("attn_output", h, q_out)?,
                ffn_norm: vec("ffn_norm")?,
                ffn_gate: mat("ffn_gate", f, h)?,
                ffn_up: mat("ffn_up", f, h)?,
                ffn_down: mat("ffn_down", h, f)?,
            });
        }
        let output = match src.raw_tensor("output.weight") {
            Some(_) => Some(matrix(src, "output.weight", config.vocab_size, h)?),
            None => None,
        };
        Ok(Self {
            token_embd: matrix(src, TOKEN_EMBD, config.vocab_size, h)?,
            blocks,
            output_norm: vector(src, "output_norm.weight", h)?,
            output,
        })
    }
}

/// The vocabulary size: rows of `token_embd` (`dims[1]`).
pub fn vocab_size(src: &dyn TensorSource) -> Result<usize, ModelError> {
    let t = src
        .raw_tensor(TOKEN_EMBD)
        .ok_or_else(|| ModelError::MissingTensor(TOKEN_EMBD.into()))?;
    match t.dims.as_slice() {
        [_, rows] => Ok(*rows as usize),
        dims => Err(ModelError::BadTensor {
            name: TOKEN_EMBD.into(),
            why: format!("dims {dims:?}, expected 2"),
        }),
    }
}

/// A quantized matrix of `rows × cols` (GGUF dims `[cols, rows]`).
fn matrix(
    src: &dyn TensorSource,
    name: &str,
    rows: usize,
    cols: usize,
) -> Result<QMatrix, ModelError> {
    let t = src
        .raw_tensor(name)
        .ok_or_else(|| ModelError::MissingTensor(name.into()))?;
    if t.dims != [cols as u64, rows as u64] {
        return Err(ModelError::BadTensor {
            name: name.into(),
            why: format!("dims {:?}, expected [{cols}, {rows}]", t.dims),
        });
    }
    let format = match t.ty {
        RawType::Q4_0 => QuantFormat::Q4_0,
        RawType::Q4_1 => QuantFormat::Q4_1,
        RawType::Q8_0 => QuantFormat::Q8_0,
        other => {
            return Err(ModelError::BadTensor {
                name: name.into(),
                why: format!("type {other:?}; linear weights must be Q4_0, Q4_1 or Q8_0"),
            })
        }
    };
    QMatrix::from_ggml(format, t.data, rows, cols).map_err(|e| ModelError::BadTensor {
        name: name.into(),
        why: e.to_string(),
    })
}

/// An f32/f16 vector of `len` values.
fn vector(src: &dyn TensorSource, name: &str, len: usize) -> Result<Vec<f32>, ModelError> {
    let t = src
        .raw_tensor(name)
        .ok_or_else(|| ModelError::MissingTensor(name.into()))?;
    let bad = |why: String| ModelError::BadTensor {
        name: name.into(),
        why,
    };
    if t.dims != [len as u64] {
        return Err(bad(format!("dims {:?}, expected [{len}]", t.dims)));
    }
    match t.ty {
        RawType::F32 if t.data.len() == 4 * len => Ok(t
            .data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()),
        RawType::F16 if t.data.len() == 2 * len => Ok(t
            .data
            .chunks_exact(2)
            .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
            .collect()),
        RawType::F32 | RawType::F16 => Err(bad(format!("{} bytes for {len} values", t.data.len()))),
        other => Err(bad(format!(
            "type {other:?}; norm weights must be F32 or F16"
        ))),
    }
}
