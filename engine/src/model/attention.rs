//! Grouped-query self-attention with rotary embeddings and a KV cache.
//!
//! Query heads are grouped by the KV head they share (`kv = head / group`, as llama.cpp and HF
//! `repeat_kv` do), so keys and values are never repeated: queries are reshaped to
//! `[kv_heads, group·n, head_dim]` and multiplied against each KV head's history directly.
//! Called by [`super::block`].

use burn::tensor::{activation::softmax, Tensor};

use super::cache::KvCache;
use super::lora::LoraLinear;
use super::rope::RopeTables;
use super::ModelError;
use crate::kernels::QMatrix;

/// The attention of one block.
#[derive(Debug, Clone)]
pub struct Attention {
    /// `[heads·head_dim, hidden]`.
    pub q: QMatrix,
    /// `[kv_heads·head_dim, hidden]`.
    pub k: QMatrix,
    /// `[kv_heads·head_dim, hidden]`.
    pub v: QMatrix,
    /// `[hidden, heads·head_dim]`.
    pub o: QMatrix,
    /// Query heads.
    pub num_heads: usize,
    /// Key/value heads.
    pub num_kv_heads: usize,
    /// Width of a head.
    pub head_dim: usize,
}

impl Attention {
    /// Attends the `n` new positions to everything cached plus themselves.
    ///
    /// `mask` (`[1, group·n, positions]`, 0 or a large negative) is needed when `n > 1`.
    ///
    /// # Shapes
    /// - x: `[n, hidden]` → `[n, hidden]`
    pub async fn forward(
        &self,
        x: Tensor<2>,
        rope: &RopeTables,
        cache: &mut KvCache,
        layer: usize,
        mask: Option<&Tensor<3>>,
        lora: Option<&[LoraLinear; 7]>,
    ) -> Result<Tensor<2>, ModelError> {
        let [n, _] = x.dims();
        let (h, kvh, d) = (self.num_heads, self.num_kv_heads, self.head_dim);
        let g = h / kvh;
        let q = project(&self.q, lora.map(|l| &l[0]), x.clone()).await?.reshape([n, h, d]);
        let k = project(&self.k, lora.map(|l| &l[1]), x.clone()).await?.reshape([n, kvh, d]);
        let v = project(&self.v, lora.map(|l| &l[2]), x).await?.reshape([n, kvh, d]);
        let q = rope.apply(q);
        let k = rope.apply(k);
        let (keys, values) = cache.append(layer, k.swap_dims(0, 1), v.swap_dims(0, 1));

        let scale = 1.0 / (d as f64).sqrt();
        let q = q.swap_dims(0, 1).reshape([kvh, g * n, d]) * scale;
        let mut scores = q.matmul(keys.swap_dims(1, 2)); // [kvh, g·n, positions]
        if let Some(mask) = mask {
            scores = scores + mask.clone();
        }
        let out = softmax(scores, 2).matmul(values); // [kvh, g·n, d]
        let out = out.reshape([h, n, d]).swap_dims(0, 1).reshape([n, h * d]);
        project(&self.o, lora.map(|l| &l[3]), out).await
    }
}

/// `x · Wᵀ`, plus the adapter's update when one is active (unmerged: the base stays quantized).
pub(crate) async fn project(
    w: &QMatrix,
    lora: Option<&LoraLinear>,
    x: Tensor<2>,
) -> Result<Tensor<2>, ModelError> {
    match lora {
        None => Ok(w.matmul(x).await?),
        Some(l) => {
            let delta = l.delta(x.clone());
            Ok(w.matmul(x).await? + delta)
        }
    }
}
